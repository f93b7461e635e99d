"""Check a compiled cell against the independent NumPy reference.

>>> report = verify(LSTMCell(4, 3), batch=2, steps=3, seed=0)
>>> report.ok
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cell import LSTMCell  # noqa: F401 - used by the doctest
from .errors import UsageError
from .numeric import check_memory
from .reference import reference_backward, reference_forward

#: Largest allowed max-abs error per dtype: forward outputs, then gradients
#: (gradients relative to max(1, their largest magnitude)).
TOLERANCE = {"float64": 1e-12, "float32": 1e-5}
GRADIENT_TOLERANCE = {"float64": 1e-10, "float32": 1e-4}


@dataclass(frozen=True)
class Check:
    dtype: str
    quantity: str  # "hs", "h_T", "c_T"
    error: float
    tolerance: float

    @property
    def ok(self):
        return bool(self.error <= self.tolerance)


@dataclass(frozen=True)
class VerificationReport:
    cell: object
    batch: int
    steps: int
    seed: int
    checks: tuple

    @property
    def ok(self):
        return all(c.ok for c in self.checks)


def verify(cell, batch=1, steps=5, seed=0, backward=True):
    """Run the compiled forward (and backward) pass and the reference on the same random data."""
    for value, what in ((batch, "batch"), (steps, "steps")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UsageError(f"{what} must be a positive integer, got {value!r}")
    if cell.is_symbolic:
        raise UsageError("verify needs numeric sizes: give -n and -k as integers")
    check_memory(cell, batch, steps)
    numeric = cell.compile()
    checks = []
    for dtype in ("float64", "float32"):
        rng = np.random.default_rng(seed)
        params = numeric.init_params(seed=seed, dtype=dtype)
        n, k = cell.input_size, cell.hidden_size
        rows_h = cell.shapes()["h_prev"][0]
        xs = rng.standard_normal((steps, n, batch)).astype(dtype)
        h0 = rng.standard_normal((rows_h, batch)).astype(dtype)
        c0 = rng.standard_normal((k, batch)).astype(dtype)
        got = numeric.forward(params, xs, h0, c0)
        want = reference_forward(cell.variant.name, cell.layout.name, params, xs, h0, c0)
        for name, a, b in zip(("hs", "h_T", "c_T"), got, want):
            err = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
            checks.append(Check(dtype, name, err, TOLERANCE[dtype]))
        if backward:
            dhs = rng.standard_normal((steps, rows_h, batch)).astype(dtype)
            grads = numeric.backward(params, xs, h0, c0, dhs)
            ref = reference_backward(cell.variant.name, cell.layout.name, params, xs, h0, c0, dhs)
            worst, name = max(
                (float(np.max(np.abs(grads[k].astype(np.float64) - ref[k].astype(np.float64))))
                 / max(1.0, float(np.max(np.abs(ref[k])))), k)
                for k in ref
            )
            checks.append(Check(dtype, f"grads (worst: {name})", worst, GRADIENT_TOLERANCE[dtype]))
    return VerificationReport(cell, batch, steps, seed, tuple(checks))


def verify_every(input_size, hidden_size, proj_size=None, batch=1, steps=5, seed=0):
    """:func:`verify` for every variant x layout (the projection variant needs ``proj_size``)."""
    from .variants import LAYOUTS, VARIANTS

    if proj_size is None:
        raise UsageError("--all includes the projection variant: give --proj")
    return [
        verify(LSTMCell(input_size, hidden_size, variant, layout,
                        proj_size if VARIANTS[variant].projection else None), batch, steps, seed)
        for variant in VARIANTS for layout in LAYOUTS
    ]

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
from .reference import reference_backward, reference_forward
from .resources import array_bytes, check_resources

#: Largest allowed error per dtype, relative to max(1, the largest reference entry): forward
#: outputs, then gradients.  A long or unstable sequence magnifies roundoff, so each tolerance is
#: widened to SAFETY x how far the float64 reference itself moves when its inputs are perturbed by one
#: rounding (scaled to the dtype's machine epsilon): the compiled cell must be as accurate as the
#: problem allows, and a wrong rule (an O(1) error) still fails.
TOLERANCE = {"float64": 1e-12, "float32": 1e-5}
GRADIENT_TOLERANCE = {"float64": 1e-10, "float32": 1e-4}
#: Input perturbations underestimate the roundoff a long sequence accumulates step by step
#: (measured: up to 8x for the vanilla cell at T = 3000), hence the margin.
SAFETY = 100
FORWARD = ("hs", "h_T", "c_T")
#: A widened tolerance above this is too loose to tell a wrong rule from roundoff: the report says so.
WEAK_TOLERANCE = 1e-2
EPSILON = {"float64": float(np.finfo(np.float64).eps), "float32": float(np.finfo(np.float32).eps)}


def relative_error(got, want):
    """max |got - want| / max(1, max |want|), in float64 (NaN or inf in ``got`` gives inf)."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if not np.all(np.isfinite(got)):
        return float("inf")
    return float(np.max(np.abs(got - want), initial=0.0)) / max(1.0, float(np.max(np.abs(want), initial=0.0)))


@dataclass(frozen=True)
class Check:
    dtype: str
    quantity: str  # "hs", "h_T", "c_T", "grads (worst: NAME)"
    error: float  # relative to max(1, the largest reference entry)
    tolerance: float
    widened: bool = False  # the tolerance grew with the reference's own float32 / float64 drift

    @property
    def ok(self):
        return bool(self.error <= self.tolerance)

    @property
    def weak(self):
        """The tolerance grew so far that passing means little."""
        return self.tolerance > WEAK_TOLERANCE


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

    @property
    def weak_dtypes(self):
        """The dtypes whose checks are too loose to mean much (long sequences in float32)."""
        return sorted({c.dtype for c in self.checks if c.weak})


def verify(cell, batch=1, steps=5, seed=0, backward=True, check_limits=True):
    """Run the compiled forward (and backward) pass and the reference on the same random data.

    Raises :class:`~lstm_symbolic.errors.ResourceError` first when the run would not fit in
    memory or time (``resources.py``)."""
    for value, what in ((batch, "batch"), (steps, "steps")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UsageError(f"{what} must be a positive integer, got {value!r}")
    if cell.is_symbolic:
        raise UsageError("verify needs numeric sizes: give -n and -k as integers")
    if check_limits:
        check_resources(cell, batch, steps)
    numeric = cell.compile()
    sensitivity = None
    checks = []
    forward = _forward_names(cell)
    for dtype in ("float64", "float32"):
        data = _inputs(cell, numeric, dtype, batch, steps, seed, backward)
        got, want = _compiled(cell, numeric, *data), _reference(cell, *data)
        if sensitivity is None:
            sensitivity = _sensitivity(cell, data, want, seed)
        for quantity in got:
            base = (TOLERANCE if quantity in forward else GRADIENT_TOLERANCE)[dtype]
            tolerance = max(base, SAFETY * sensitivity[quantity] * EPSILON[dtype] / EPSILON["float32"])
            checks.append(Check(dtype, quantity, relative_error(got[quantity], want[quantity]), tolerance,
                                tolerance > base))
    return VerificationReport(cell, batch, steps, seed, tuple(_worst_gradient(checks)))


def _forward_names(cell):
    """``("hs", "h_T", "c_T")``, or ``("hs", "h_T")`` for a cell without a cell state."""
    return ("hs",) + tuple(f"{state}_T" for state in cell.states)


def _inputs(cell, numeric, dtype, batch, steps, seed, backward):
    """Random parameters, inputs, initial states and upstream gradients (``None`` without backward)."""
    rng = np.random.default_rng(seed)
    params = numeric.init_params(seed=seed, dtype=dtype)
    rows_h = cell.shapes()["h_prev"][0]
    xs = rng.standard_normal((steps, cell.input_size, batch)).astype(dtype)
    states = tuple(rng.standard_normal((cell.shapes()[prev][0], batch)).astype(dtype)
                   for _, prev in cell.program.recurrence)
    dhs = rng.standard_normal((steps, rows_h, batch)).astype(dtype) if backward else None
    return params, xs, states, dhs


def _compiled(cell, numeric, params, xs, states, dhs):
    out = dict(zip(_forward_names(cell), numeric.forward(params, xs, *states)))
    if dhs is not None:
        out.update(numeric.backward(params, xs, *states, dhs))
    return out


def _reference(cell, params, xs, states, dhs):
    names = (cell.variant.name, cell.layout.name)
    out = dict(zip(_forward_names(cell), reference_forward(*names, params, xs, *states)))
    if dhs is not None:
        out.update(reference_backward(*names, params, xs, *states, dhs))
    return out


def _sensitivity(cell, data, want, seed):
    """How much the float64 reference moves, relative, when every input is perturbed by one float32
    rounding (``x * (1 + eps32 * u)``, u uniform in [-1, 1]): the roundoff this problem amplifies."""
    rng = np.random.default_rng(seed + 1)

    def nudge(a):
        return None if a is None else a * (1 + EPSILON["float32"] * rng.uniform(-1, 1, np.shape(a)))

    params, xs, states, dhs = data
    moved = _reference(cell, {k: nudge(v) for k, v in params.items()}, nudge(xs), tuple(map(nudge, states)),
                       nudge(dhs))
    return {q: relative_error(moved[q], want[q]) for q in want}


def _worst_gradient(checks):
    """The forward checks, then per dtype the gradient with the largest error relative to its tolerance."""
    result = []
    for dtype in ("float64", "float32"):
        result += [c for c in checks if c.dtype == dtype and c.quantity in FORWARD]
        grads = [c for c in checks if c.dtype == dtype and c.quantity not in FORWARD]
        if grads:
            worst = max(grads, key=lambda c: (c.error / c.tolerance, c.quantity))
            result.append(Check(dtype, f"grads (worst: {worst.quantity})", worst.error, worst.tolerance, worst.widened))
    return result


def default_projection(hidden_size):
    """The projection size ``verify --all`` uses when none is given: half the hidden size.

    >>> default_projection(12), default_projection(1)
    (6, 1)
    """
    return max(1, hidden_size // 2) if isinstance(hidden_size, int) else hidden_size


def verify_every(input_size, hidden_size, proj_size=None, batch=1, steps=5, seed=0, family="lstm"):
    """:func:`verify` for every variant x layout of a cell family (the LSTM's projection variant with
    ``proj_size``, by default :func:`default_projection`; the GRU's reset-after placement has only the
    separate layout)."""
    from .cell import make_cell
    from .families import combinations, get_family

    fam = get_family(family)
    combos = combinations(fam.name)
    if proj_size is None:
        proj_size = default_projection(hidden_size)
    cells = [make_cell(fam.name, input_size, hidden_size, variant, layout,
                       proj_size if fam.variants[variant].projection else None) for variant, layout in combos]
    if not cells[0].is_symbolic:  # (symbolic sizes: verify() says why)
        largest = max(cells, key=lambda c: array_bytes(c, batch, steps))
        check_resources(largest, batch, steps, cells=len(cells))
    return [verify(cell, batch, steps, seed, check_limits=False) for cell in cells]

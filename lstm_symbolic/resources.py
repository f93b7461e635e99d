"""Limits on numeric work: refuse a request that would not fit in memory or time, before starting it.

The estimates are deliberately generous (a refused request costs a smaller size; an
accepted one that thrashes or runs for an hour costs the user's machine).  Measured on a
2-core machine: about 18 us of Python per time step and pass, and 5 GFLOP/s of BLAS.
"""

from __future__ import annotations

from .errors import ResourceError, UsageError

#: Refuse numeric work whose arrays would need more than this many bytes.
MEMORY_LIMIT = 2 * 1024**3
#: Refuse numeric work estimated to take longer than this many seconds.
TIME_LIMIT = 60.0
#: Seconds of interpreter overhead per time step and pass, floating-point operations per second
#: in matrix products, and seconds per array element touched per pass (copies, concatenation,
#: random numbers: what dominates when n is huge and k tiny).
STEP_OVERHEAD = 40e-6
FLOP_RATE = 2e9
ELEMENT_COST = 10e-9
#: Passes over the sequence ``verify`` makes: per dtype, compiled and reference forward (1 each)
#: and forward + backward (3 each); two dtypes; one more reference run for the sensitivity.
VERIFY_PASSES = 20


def _counts(cell, batch, steps):
    """``(weights, elements)``: scalar parameters, and those plus every step's inputs, gates and states."""
    if cell.is_symbolic:
        raise UsageError("numeric work needs numeric sizes: give -n and -k (and --proj) as integers")
    shapes, dims = cell.shapes(), cell.dims
    weights = sum(shapes[p][0] * shapes[p][1] for p in cell.parameters)
    return weights, weights + steps * batch * (dims["n"] + 8 * dims["k"] + dims.get("p", 0))


def array_bytes(cell, batch, steps, itemsize=8, copies=6):
    """A generous estimate of the bytes a numeric run (forward, backward and reference) needs."""
    return itemsize * copies * _counts(cell, batch, steps)[1]


def estimated_seconds(cell, batch, steps, passes):
    """Interpreter overhead per step and pass, the matrix products, and the elementwise work."""
    weights, elements = _counts(cell, batch, steps)
    flops = 2 * weights * batch * steps * passes
    return passes * steps * STEP_OVERHEAD + flops / FLOP_RATE + max(passes, 1) * elements * ELEMENT_COST


def check_resources(cell, batch, steps, passes=VERIFY_PASSES, cells=1,
                    memory_limit=MEMORY_LIMIT, time_limit=TIME_LIMIT):
    """Raise :class:`ResourceError` (saying the limit and how to go lower) when the run is too big.

    >>> from lstm_symbolic import LSTMCell
    >>> check_resources(LSTMCell(20, 50), batch=3, steps=5)
    >>> check_resources(LSTMCell(1, 1), batch=1, steps=10**6)
    Traceback (most recent call last):
    ...
    lstm_symbolic.errors.ResourceError: this would take about 13 minutes (n = 1, k = 1, B = 1, T = 1000000); \
the limit is 60 seconds. Use fewer steps (--steps).
    """
    where = (f"n = {cell.dims['n']}, k = {cell.dims['k']}" + (f", p = {cell.dims['p']}" if "p" in cell.dims else "")
             + f", B = {batch}, T = {steps}" + (f", {cells} cells" if cells > 1 else ""))
    need = array_bytes(cell, batch, steps)
    if need > memory_limit:
        raise ResourceError(
            f"this would need about {_human(need)} of arrays ({where}); the limit is {_human(memory_limit)}. "
            "Use smaller sizes, a smaller batch (--batch) or fewer steps (--steps)."
        )
    seconds = cells * estimated_seconds(cell, batch, steps, passes)
    if seconds > time_limit:
        lower = "fewer steps (--steps)" if passes * steps * STEP_OVERHEAD > seconds / cells / 2 else \
            "smaller sizes or a smaller batch (--batch)"
        raise ResourceError(
            f"this would take about {_duration(seconds)} ({where}); the limit is {time_limit:.0f} seconds. "
            f"Use {lower}" + (", or one variant instead of --all" if cells > 1 else "") + "."
        )


def _duration(seconds):
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 86400:.0f} days"


def _human(nbytes):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if nbytes < 1024 or unit == "EiB":
            return f"{nbytes:.0f} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.1f} EiB"

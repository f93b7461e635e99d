"""Parameter sets checked once, with the stacked gate weights the fused code reads.

A compiled cell remembers the last parameter set it checked (:class:`ParameterSet`) and
recognises it again by the *identity* of its arrays plus their shapes and dtypes, so a
training loop that calls ``step(params, ...)`` with the same dict pays the names, shapes,
dtypes and finiteness checks once.  The rules, chosen so that nothing can go stale:

* The set keeps references to the arrays it checked, so while it is remembered no new
  array can be given the id of one of them.  Only the last few sets are remembered
  (``numeric.REMEMBERED``), so an old one is released after a few calls with others.
* Values may change in place between calls (an optimizer's ``W -= lr * dW``): they are
  read at every call.  A stacked weight (``[W_f; W_i; W_o; W_g]``) is a *view* when its
  members are consecutive row blocks of one buffer, as the arrays of
  :meth:`~lstm_symbolic.numeric.NumericCell.init_params` and ``prepare`` are; otherwise it
  is a copy that is refilled from the members at every call (:meth:`ParameterSet.fresh`).
* An array whose shape or dtype changed in place (``a.shape = ...``) is checked again.
  NaN or inf written into an array in place after its check is not looked for: it shows
  as NaN in the outputs.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from .errors import UsageError


class ParameterSet:
    """Checked arrays by name (``values``, stacked weights included) and how to refresh them."""

    __slots__ = ("arrays", "shapes", "dtypes", "values", "refills", "dtype", "copied", "step", "step_args",
                 "refill_each_step")

    def __init__(self, arrays, values, refills, dtype):
        self.arrays = arrays  # the caller's objects, in parameter order (kept alive: see the module doc)
        self.shapes, self.dtypes = list(map(SHAPE, arrays)), list(map(DTYPE, arrays))
        self.values = values
        self.refills = refills  # [(stacked copy, [member arrays])]
        self.dtype = dtype
        self.copied = sum(out.size for out, _ in refills)  # elements copied by fresh()
        # set by the cell: the generated step for these parameters, its parameter arguments,
        # and whether copied stacks are refilled before it
        self.step, self.step_args, self.refill_each_step = None, (), False

    def matches(self, arrays):
        """True when ``arrays`` are the very arrays checked, with the same shapes and dtypes."""
        return all(map(operator.is_, arrays, self.arrays)) and list(map(SHAPE, arrays)) == self.shapes \
            and list(map(DTYPE, arrays)) == self.dtypes

    def fresh(self):
        """The values, with stacked copies refilled from their members (in-place changes seen)."""
        for out, members in self.refills:
            np.concatenate(members, axis=0, out=out)
        return self.values


SHAPE, DTYPE = operator.attrgetter("shape"), operator.attrgetter("dtype")


def parameter_dtype(params, names):
    """The one floating-point dtype of the parameters; a mix is refused (it would silently upcast)."""
    dtypes = {}
    for name in names:
        dtype = np.asarray(params[name]).dtype
        if dtype.kind != "f":
            raise UsageError(f"parameter {name} must hold floating-point numbers, got dtype {dtype}")
        dtypes.setdefault(dtype, []).append(name)
    if len(dtypes) > 1:
        mix = "; ".join(f"{dtype}: {', '.join(found)}" for dtype, found in dtypes.items())
        raise UsageError(f"the parameters mix dtypes ({mix}); give them all one floating-point dtype "
                         "(the cell computes in the parameters' dtype)")
    return next(iter(dtypes))


def check_finite(values, names):
    # NaN and inf survive a dot product; an overflow only costs the thorough check
    if math.isfinite(sum(float(np.vdot(values[name], values[name])) for name in names)):
        return
    for name in names:
        if not np.isfinite(values[name]).all():
            raise UsageError(f"parameter {name} contains NaN or inf values")


def build(params, names, stacks):
    """A :class:`ParameterSet` of ``params`` (names and shapes already checked)."""
    dtype = parameter_dtype(params, names)
    arrays = tuple(params[name] for name in names)
    values = {name: np.asarray(params[name]) for name in names}
    check_finite(values, names)
    refills = []
    for stacked, members in stacks.items():
        parts = [values[m] for m in members]
        view = stack_view(parts)
        if view is None:
            view = np.concatenate(parts, axis=0)
            refills.append((view, parts))
        values[stacked] = view
    return ParameterSet(arrays, values, refills, dtype)


def _root(a):
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _address(a):
    return a.__array_interface__["data"][0]


def stack_view(parts):
    """The row-stack of ``parts`` as a view, when they are consecutive row blocks of one
    C-contiguous buffer in this order; else ``None``."""
    first = parts[0]
    root = _root(first)
    if not root.flags.c_contiguous or any(
            _root(p) is not root or not p.flags.c_contiguous or p.dtype != first.dtype
            or p.shape[1:] != first.shape[1:] for p in parts):
        return None
    start = position = _address(first)
    for p in parts:
        if _address(p) != position:
            return None
        position += p.nbytes
    offset = start - _address(root)
    if offset < 0 or offset + (position - start) > root.nbytes:
        return None
    rows = sum(p.shape[0] for p in parts)
    return np.ndarray((rows,) + first.shape[1:], dtype=first.dtype, buffer=root, offset=offset)


def stacked_copy(values, names, stacks):
    """Copies of ``values`` whose stack members are row blocks of one new buffer per stack,
    so the stacks are views (:func:`stack_view`).  Returns {name: array}."""
    out = {}
    for members in stacks.values():
        buffer = np.concatenate([values[m] for m in members], axis=0)
        start = 0
        for m in members:
            rows = values[m].shape[0]
            out[m] = buffer[start:start + rows]
            start += rows
    for name in names:
        if name not in out:
            out[name] = np.array(values[name])
    return {name: out[name] for name in names}

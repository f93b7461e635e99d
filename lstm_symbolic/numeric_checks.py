"""The checks of the arrays a numeric cell is given, and the sizes they give.

:class:`ArrayChecks` knows a compiled cell's tensors and their (batch-symbolic) shapes; it
checks parameter dicts, inputs and states (count, dimensions, dtype, finiteness, shapes),
reads the batch and any symbolic size off the arrays, and raises the project's errors with
the shapes and bindings in them.  :class:`~lstm_symbolic.numeric.NumericCell` owns one.
"""

from __future__ import annotations

import math

import numpy as np

from .errors import ShapeError, UsageError
from .families import cell_words
from .paramset import DTYPE, SHAPE
from .sizes import shape_text

#: Up to this many elements the quick finiteness check of a step's input uses a dot product.
SMALL_ARRAY = 4096

#: How many batch sizes' (or symbolic sizes') expected shapes are remembered.
_CACHED_SIZES = 64


class ArrayChecks:
    """The checks of one compiled cell's arrays (see the module docstring).

    ``cell`` is the cell, ``names`` the compiled names: ``parameters``, ``inputs``, ``x_name``
    and ``state_names`` (``h_prev, c_prev``).
    """

    def __init__(self, cell, parameters, inputs, x_name, state_names):
        self.cell = cell
        self.symbolic = cell.is_symbolic
        symbolic_batch = cell.with_batch("B")
        self.shapes = symbolic_batch.shapes()
        self.batch_symbol = symbolic_batch.dims["B"]
        self.parameters, self.inputs = parameters, inputs
        self.x_name, self.state_names = x_name, state_names
        self._expected_cache = {}
        self._state_shapes = {}  # batch size -> shapes of (x, *states) checked once (numeric cells)

    # -- sizes ------------------------------------------------------------------------------
    def sizes_from(self, arrays):
        """The sizes: the cell's own, with the batch (and symbolic sizes) read off the arrays
        (``{"x_t": x, "h_prev": h, ...}``) through the program's size sources."""
        dims = dict(self.cell.dims)
        dims["B"] = arrays[self.x_name].shape[1]
        for size, (tensor, axis) in self.cell.program.size_sources.items():
            if size in dims and not isinstance(dims[size], int) and tensor in arrays:
                dims[size] = arrays[tensor].shape[axis]
        return dims

    def expected_shapes(self, dims):
        """{tensor: shape} of every input and parameter for the sizes ``dims``."""
        key = dims["B"] if not self.symbolic else tuple(sorted(dims.items()))
        cached = self._expected_cache.get(key)
        if cached is None:
            cached = {name: tuple(self.size_of(d, dims) for d in shape) for name, shape in self.shapes.items()}
            if len(self._expected_cache) > _CACHED_SIZES:
                self._expected_cache.clear()
            self._expected_cache[key] = cached
        return cached

    def size_of(self, size, dims):
        """The integer value of a size of the batch-symbolic cell (``k``, ``4*k``, ``B``) at ``dims``."""
        if isinstance(size, int) or size.is_Integer:
            return int(size)
        subs = {self.batch_symbol: dims["B"]}
        for name, value in self.cell.dims.items():
            if not isinstance(value, int) and name != "B":
                subs[value] = dims[name]
        return int(size.xreplace(subs))

    def dims_from_params(self, params):
        """A symbolic cell's sizes read off its parameters' shapes (``None`` when they are not all
        there: the parameter check then says what is missing)."""
        if not isinstance(params, dict) or any(getattr(params.get(p), "ndim", None) != 2 for p in self.parameters):
            return None
        import sympy

        dims, bound = {**self.cell.dims, "B": 1}, {}
        for _ in range(2):  # sizes alone on an axis first, then sums of them (concat: k + n)
            for name in self.parameters:
                for d, got in zip(self.shapes[name], params[name].shape):
                    unknown = [s for s in getattr(d, "free_symbols", ()) if s not in bound and s != self.batch_symbol]
                    if len(unknown) == 1:
                        found = sympy.solve(sympy.Eq(d.xreplace(bound), got), unknown[0])
                        bound[unknown[0]] = sympy.Integer(found[0]) if found else sympy.Integer(0)
        for size, value in self.cell.dims.items():
            if not isinstance(value, int) and size != "B":
                if value not in bound or not 1 <= int(bound[value]):
                    return None
                dims[size] = int(bound[value])
        return dims

    # -- parameters -------------------------------------------------------------------------
    def check_params(self, params, expected, dims):
        """A ShapeError (or UsageError) unless ``params`` holds exactly the parameters, with the
        ``expected`` shapes (``None``: a symbolic cell whose sizes the parameters do not give)."""
        if not isinstance(params, dict):
            raise UsageError(f"params must be a dict of arrays keyed by parameter name, got {type(params).__name__}")
        missing = [p for p in self.parameters if p not in params]
        extra = [p for p in params if p not in self.parameters]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing: {', '.join(missing)}")
            if extra:
                parts.append(f"not parameters of the {cell_words(self.cell)}: {', '.join(map(str, extra))}")
            raise ShapeError(
                f"the parameters do not match the {cell_words(self.cell)} ({'; '.join(parts)})\n"
                f"  expected: {', '.join(self.parameters)}"
            )
        if expected is None:  # a symbolic cell whose sizes the parameters do not determine
            raise ShapeError(f"the parameters' shapes do not determine the sizes of the {cell_words(self.cell)}: "
                             f"expected {', '.join(f'{p} : {_symbolic(self.cell, p)}' for p in self.parameters)}")
        for name in self.parameters:
            if getattr(params[name], "shape", None) != expected[name]:
                self.shape_error(name, params[name], expected, dims)

    def shape_error(self, name, arr, expected, dims):
        """Raise the ShapeError of a tensor whose array has the wrong shape."""
        symbolic = _symbolic(self.cell, name)
        if name in self.inputs:
            symbolic = symbolic.rsplit(" x ", 1)[0] + " x B"
        raise ShapeError(
            f"{name} has shape {_array_shape(getattr(arr, 'shape', None))}, expected "
            f"{_array_shape(expected[name])} ({symbolic})\n  bindings: {bindings(dims)}"
        )

    # -- inputs and states ------------------------------------------------------------------
    def quick_state_check(self, x, states, dtype):
        """True when the input and states certainly fit: shapes met before at this batch size,
        the parameters' dtype, finite values.  False sends them to the thorough check, which
        explains what is wrong or converts them."""
        try:
            arrays = (x, *states)
            if tuple(map(SHAPE, arrays)) != self._state_shapes.get(x.shape[1]) \
                    or tuple(map(DTYPE, arrays)) != (dtype,) * len(arrays):
                return False
            # NaN and inf survive a sum; an overflow only costs the thorough check.  A dot product
            # is the cheaper call on small arrays; on large ones it would wake BLAS threads.
            if x.size <= SMALL_ARRAY:
                return math.isfinite(sum(map(np.vdot, arrays, arrays)))
            return math.isfinite(sum(a.sum() for a in arrays))
        except (AttributeError, IndexError, TypeError):
            return False

    def states(self, x, states, dtype, names, ndim_x=2):
        """Check the input and the states (count, dimensions, dtype, finiteness, shapes) and
        convert them to ``dtype``; returns ``(x, states, dims)``."""
        if len(states) != len(self.state_names):
            count = len(self.state_names)
            raise UsageError(f"the {self.cell.family.title} cell takes {count} state{'s' if count > 1 else ''} "
                             f"({', '.join(names[1:])}), got {len(states)}")
        arrays = [_checked_array(name, arr, ndim) for name, arr, ndim in
                  zip(names, (x, *states), (ndim_x,) + (2,) * len(states))]
        if not np.isfinite(sum(a.sum() for a in arrays)):
            for name, arr in zip(names, arrays):
                if not np.isfinite(arr).all():
                    raise UsageError(f"{name} contains NaN or inf values")
        first = arrays[0][0] if ndim_x == 3 else arrays[0]
        tensors = dict(zip((self.x_name,) + self.state_names, [first] + arrays[1:]))
        dims = self.sizes_from(tensors)
        expected = self.expected_shapes(dims)
        for name, arr in tensors.items():
            if arr.shape != expected[name]:
                self.shape_error(name, arr, expected, dims)
        if ndim_x == 2 and not self.symbolic and len(self._state_shapes) < _CACHED_SIZES:
            self._state_shapes[dims["B"]] = tuple(tensors[name].shape for name in (self.x_name,) + self.state_names)
        arrays = [a if dtype is None or a.dtype == dtype else a.astype(dtype) for a in arrays]
        return arrays[0], tuple(arrays[1:]), dims


def _checked_array(name, arr, ndim):
    """``arr`` as an array, refused unless it is a non-empty ``ndim``-D floating-point array."""
    arr = np.asarray(arr)
    if arr.ndim != ndim or arr.size == 0:
        want = "T x n x B" if ndim == 3 else ("n x B" if name == "x" else "rows x B")
        raise ShapeError(f"{name} must be a non-empty {ndim}-D array ({want}), got shape {_array_shape(arr.shape)}")
    if arr.dtype.kind != "f":
        raise UsageError(f"{name} must hold floating-point numbers, got dtype {arr.dtype}")
    return arr


def _array_shape(shape):
    """An array's shape as NumPy writes it (``(3, 4)``, ``(5,)``), or that there is no array."""
    return "(not an array)" if shape is None else shape_text(shape, "tuple")


def _symbolic(cell, name):
    return shape_text(cell.shapes()[name])


def bindings(dims):
    """``n = 80, k = 12, B = 1``: the sizes in messages."""
    return ", ".join(f"{k} = {v}" for k, v in dims.items())

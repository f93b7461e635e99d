"""Compile a cell's equations into NumPy code with ``lambdify``.

Each equation becomes one NumPy statement: the equation list is handed to
``lambdify`` through its ``cse=`` hook, and a small printer (SymPy's own cannot
print elementwise functions or broadcast ones: design, pitfalls 3 and 5) writes
``@`` for products, ``*`` for Hadamard products, the stable sigmoid, and lets
NumPy broadcasting stand for ``b @ 1^T``.

For a whole sequence, the terms that depend only on ``x_t`` (``W_f @ x_t + b_f``)
are hoisted out of the time loop and computed for all steps with one product.
"""

from __future__ import annotations

import math

import numpy as np
from sympy import HadamardPower, HadamardProduct, MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose, lambdify
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.printing.numpy import NumPyPrinter

from .activations import ACTIVATIONS
from .equations import VConcat
from .errors import ResourceError, ShapeError, UsageError
from .textprint import function_name, is_broadcast

#: Names the generated code may use.
NAMESPACE = {a.numpy_name: a.numpy_func for a in ACTIVATIONS.values()}
NAMESPACE.update({"concatenate": np.concatenate, "ones": np.ones})

#: Refuse numeric work whose arrays would need more than this many bytes.
MEMORY_LIMIT = 2 * 1024**3


class CellPrinter(NumPyPrinter):
    """Prints matrix expressions as plain NumPy array code."""

    def _print_MatrixSymbol(self, expr):
        return expr.name

    def _print_OneMatrix(self, expr):
        return "1"  # only met where broadcasting makes a scalar right: 1 - i_t

    def _print_MatMul(self, expr):
        if is_broadcast(expr):
            return self._print(expr.args[0])  # NumPy broadcasts a column over the batch
        args = list(expr.args)
        coeff = ""
        if not args[0].is_Matrix:
            coeff = f"({self._print(args.pop(0))})*"
        return coeff + " @ ".join(f"({self._print(a)})" if not isinstance(a, MatrixSymbol) else a.name for a in args)

    def _print_MatAdd(self, expr):
        return " + ".join(f"({self._print(a)})" if isinstance(a, MatAdd) else self._print(a) for a in expr.args)

    def _print_HadamardProduct(self, expr):
        return " * ".join(a.name if isinstance(a, MatrixSymbol) else f"({self._print(a)})" for a in expr.args)

    def _print_HadamardPower(self, expr):
        return f"({self._print(expr.base)})**({self._print(expr.exp)})"

    def _print_ElementwiseApplyFunction(self, expr):
        return f"{ACTIVATIONS[function_name(expr)].numpy_name}({self._print(expr.expr)})"

    def _print_Transpose(self, expr):
        return f"({self._print(expr.arg)}).T"

    def _print_VConcat(self, expr):
        ref = next(b for b in expr.blocks if isinstance(b, MatrixSymbol))
        parts = []
        for block in expr.blocks:
            if isinstance(block, OneMatrix):
                rows = self._print(block.shape[0])
                parts.append(f"ones(({rows}, {ref.name}.shape[1]), dtype={ref.name}.dtype)")
            else:
                parts.append(self._print(block))
        return f"concatenate(({', '.join(parts)},), axis=0)"


def _compile(args, equations, outputs):
    """One Python function computing ``equations`` in order and returning ``outputs``."""
    replacements = [(eq.lhs, eq.rhs) for eq in equations]
    return lambdify(args, list(outputs), modules=[NAMESPACE], printer=CellPrinter,
                    cse=lambda exprs: (replacements, list(outputs)), docstring_limit=0)


def _free(expr):
    return {s.name for s in expr.atoms(MatrixSymbol)}


def hoist_inputs(equations, x_name, parameters):
    """Split each equation's x-only summands (``W_f @ x_t + b_f``) into their own equations.

    Returns ``(hoisted, rest)``: the hoisted equations (computable for all steps at
    once) and the remaining per-step equations, which read the hoisted tensors.
    """
    allowed = set(parameters) | {x_name}
    hoisted, rest = [], []

    def visit(expr, owner):
        if isinstance(expr, MatAdd):
            outside = [a for a in expr.args if _free(a) <= allowed and x_name in _free(a)]
            if outside:
                fixed = [a for a in expr.args if _free(a) <= allowed and not isinstance(a, OneMatrix)]
                others = [a for a in expr.args if a not in fixed]
                sym = MatrixSymbol(f"xin_{owner}", *expr.shape)
                hoisted.append((sym, MatAdd(*fixed, evaluate=False) if len(fixed) > 1 else fixed[0]))
                return MatAdd(sym, *others, evaluate=False) if others else sym
        if isinstance(expr, ElementwiseApplyFunction):
            return ElementwiseApplyFunction(expr.function, visit(expr.expr, owner))
        return expr

    from .equations import Equation

    for eq in equations:
        rest.append(Equation(eq.lhs, visit(eq.rhs, eq.name)))
    return [Equation(s, e) for s, e in hoisted], rest


class NumericCell:
    """A compiled cell: ``step``, ``forward`` and ``init_params`` over NumPy arrays.

    Arrays follow the column convention: ``x`` is n x B, ``h`` is k x B (p x B with a
    projection), ``xs`` is T x n x B, biases are k x 1.
    """

    def __init__(self, cell):
        self.cell = cell
        symbolic_batch = cell.with_batch("B")
        self._shapes = symbolic_batch.shapes()
        equations = symbolic_batch.equations
        syms = {eq.lhs.name: eq.lhs for eq in equations}
        for eq in equations:
            for s in eq.rhs.atoms(MatrixSymbol):
                syms.setdefault(s.name, s)
        self.parameters = cell.parameters
        self.inputs = ("x_t", "h_prev", "c_prev")
        params = [syms[p] for p in self.parameters]
        ins = [syms[i] for i in self.inputs]
        outs = [syms["h_t"], syms["c_t"]]
        self._step = _compile(ins + params, equations, outs)
        hoisted, rest = hoist_inputs(equations, "x_t", self.parameters)
        self._hoisted_names = [eq.name for eq in hoisted]
        if hoisted:
            self._inputs_all = _compile([syms["x_t"]] + params, hoisted, [eq.lhs for eq in hoisted])
            self._recurrent = _compile([eq.lhs for eq in hoisted] + ins[1:] + params, rest, outs)
        self.source = {"step": self._step, "inputs": getattr(self, "_inputs_all", None),
                       "recurrent": getattr(self, "_recurrent", None)}

    # -- shapes and checks --------------------------------------------------------
    def _sizes_from(self, x, h, c):
        """The sizes implied by the state arrays (for symbolic cells) or the cell's own."""
        dims = dict(self.cell.dims)
        dims["B"] = x.shape[1]
        for name, arr, axis, size in (("x_t", x, 0, "n"), ("c_prev", c, 0, "k"), ("h_prev", h, 0, "p")):
            if size in dims and not isinstance(dims[size], int):
                dims[size] = arr.shape[axis]
        return dims

    def expected_shape(self, name, dims):
        out = []
        for d in self._shapes[name]:
            if isinstance(d, int):
                out.append(d)
            else:
                subs = {s: dims[str(s)] if str(s) in dims else dims.get(_size_key(self.cell, s)) for s in d.free_symbols}
                out.append(int(d.xreplace(subs)))
        return tuple(out)

    def _check(self, params, arrays, dims):
        if not isinstance(params, dict):
            raise UsageError(f"params must be a dict of arrays keyed by parameter name, got {type(params).__name__}")
        missing = [p for p in self.parameters if p not in params]
        extra = [p for p in params if p not in self.parameters]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing: {', '.join(missing)}")
            if extra:
                parts.append(f"not parameters of the {self.cell.variant.name} cell: {', '.join(map(str, extra))}")
            raise ShapeError(
                f"the parameters do not match the {self.cell.variant.name} cell ({'; '.join(parts)})\n"
                f"  expected: {', '.join(self.parameters)}"
            )
        for name, arr in list(arrays.items()) + [(p, params[p]) for p in self.parameters]:
            expected = self.expected_shape(name, dims)
            shape = getattr(arr, "shape", None)
            if shape != expected:
                from .textprint import shape_text

                raise ShapeError(
                    f"{name} has shape {_tuple_text(shape)}, expected {_tuple_text(expected)} "
                    f"({shape_text(self.cell.shapes()[name]).replace(' x 1', ' x B') if name in self.inputs else shape_text(self.cell.shapes()[name])})\n"
                    f"  bindings: {_bindings(dims)}"
                )

    def _as_state(self, name, arr, ndim):
        arr = np.asarray(arr)
        if arr.ndim != ndim or arr.size == 0:
            want = "n x B" if name == "x" else ("T x n x B" if ndim == 3 else "rows x B")
            raise ShapeError(f"{name} must be a non-empty {ndim}-D array ({want}), got shape {_tuple_text(arr.shape)}")
        if not np.issubdtype(arr.dtype, np.floating):
            raise UsageError(f"{name} must hold floating-point numbers, got dtype {arr.dtype}")
        if not np.isfinite(arr).all():
            raise UsageError(f"{name} contains NaN or inf values")
        return arr

    # -- numeric API --------------------------------------------------------------
    def step(self, params, x, h_prev, c_prev):
        """One step: ``(h_t, c_t)`` from ``x`` (n x B), ``h_prev``, ``c_prev``."""
        x = self._as_state("x", x, 2)
        h_prev = self._as_state("h_prev", h_prev, 2)
        c_prev = self._as_state("c_prev", c_prev, 2)
        dims = self._sizes_from(x, h_prev, c_prev)
        self._check(params, {"x_t": x, "h_prev": h_prev, "c_prev": c_prev}, dims)
        h, c = self._step(x, h_prev, c_prev, *[params[p] for p in self.parameters])
        return h, c

    def forward(self, params, xs, h0, c0):
        """Run T steps: ``(hs, h_T, c_T)`` with ``xs`` T x n x B and ``hs`` T x k x B."""
        xs = self._as_state("xs", xs, 3)
        h0 = self._as_state("h0", h0, 2)
        c0 = self._as_state("c0", c0, 2)
        T, n, B = xs.shape
        dims = self._sizes_from(xs[0], h0, c0)
        self._check(params, {"x_t": xs[0], "h_prev": h0, "c_prev": c0}, dims)
        for name in self.parameters:
            if not np.isfinite(params[name]).all():
                raise UsageError(f"parameter {name} contains NaN or inf values")
        values = [params[p] for p in self.parameters]
        dtype = np.result_type(xs, h0, c0, *values)
        hs = np.empty((T,) + h0.shape, dtype=dtype)
        h, c = h0, c0
        if not self._hoisted_names:
            for t in range(T):
                h, c = self._step(xs[t], h, c, *values)
                hs[t] = h
            return hs, h, c
        # all steps' input terms at once: one product per gate over T*B columns
        x_all = np.ascontiguousarray(xs.transpose(1, 0, 2)).reshape(n, T * B)
        pre = self._inputs_all(x_all, *values)
        per_step = [p.reshape(p.shape[0], T, B).transpose(1, 0, 2) for p in pre]
        recurrent = self._recurrent
        for t, xin in enumerate(zip(*per_step)):
            h, c = recurrent(*xin, h, c, *values)
            hs[t] = h
        return hs, h, c

    def init_params(self, seed=0, dtype=np.float64):
        """Random parameters, uniform in (-1/sqrt(k), 1/sqrt(k)) as PyTorch initialises them."""
        if self.cell.is_symbolic:
            raise UsageError("init_params needs numeric sizes; this cell's sizes are symbolic")
        check_memory(self.cell, batch=1, steps=1)
        rng = np.random.default_rng(seed)
        bound = 1.0 / math.sqrt(self.cell.hidden_size)
        return {
            name: rng.uniform(-bound, bound, size=self.cell.shapes()[name]).astype(dtype)
            for name in self.parameters
        }


def _size_key(cell, symbol):
    for key, value in cell.dims.items():
        if value == symbol:
            return key
    return str(symbol)


def _tuple_text(shape):
    if shape is None:
        return "(not an array)"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _bindings(dims):
    return ", ".join(f"{k} = {v}" for k, v in dims.items())


def array_bytes(cell, batch, steps, itemsize=8, copies=6):
    """A generous estimate of the bytes a numeric run (forward + reference) needs."""
    dims = cell.dims
    if cell.is_symbolic:
        raise UsageError("numeric work needs numeric sizes")
    shapes = cell.shapes()
    params = sum(shapes[p][0] * shapes[p][1] for p in cell.parameters)
    k, n = dims["k"], dims["n"]
    per_step = (n + 8 * k + dims.get("p", 0)) * batch
    return itemsize * (copies * params + copies * steps * per_step)


def check_memory(cell, batch, steps, limit=MEMORY_LIMIT):
    need = array_bytes(cell, batch, steps)
    if need > limit:
        raise ResourceError(
            f"this would need about {_human(need)} of arrays (n = {cell.input_size}, "
            f"k = {cell.hidden_size}, B = {batch}, T = {steps}); the limit is {_human(limit)}. "
            "Use smaller sizes, a smaller batch or fewer steps."
        )


def _human(nbytes):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if nbytes < 1024 or unit == "EiB":
            return f"{nbytes:.0f} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.1f} EiB"


def compile_cell(cell):
    return NumericCell(cell)

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
from sympy import MatAdd, MatrixSymbol, OneMatrix, lambdify
from sympy.printing.numpy import NumPyPrinter

from .activations import ACTIVATIONS
from .errors import ShapeError, UsageError
from .equations import symbols_of
from .fusion import hoist_inputs, stack_products
from .resources import check_resources
from .textprint import function_name, is_broadcast, subtracted

#: Names the generated code may use.
NAMESPACE = {a.numpy_name: a.numpy_func for a in ACTIVATIONS.values()}
NAMESPACE.update({"concatenate": np.concatenate, "ones": np.ones, "diagflat": np.diagflat, "eye": np.eye})

class CellPrinter(NumPyPrinter):
    """Prints matrix expressions as plain NumPy array code."""

    def _print_MatrixSymbol(self, expr):
        return expr.name

    def _operand(self, expr):
        """A tensor's name, or a parenthesized expression."""
        return expr.name if isinstance(expr, MatrixSymbol) else f"({self._print(expr)})"

    def _print_OneMatrix(self, expr):
        return "1"  # only met where broadcasting makes a scalar right: 1 - i_t

    def _print_MatMul(self, expr):
        if is_broadcast(expr):
            return self._print(expr.args[0])  # NumPy broadcasts a column over the batch
        args = list(expr.args)
        coeff = ""
        if not args[0].is_Matrix:
            coeff = f"({self._print(args.pop(0))})*"
        return coeff + " @ ".join(self._operand(a) for a in args)

    def _print_MatAdd(self, expr):
        parts = []
        for i, a in enumerate(expr.args):
            rest = subtracted(a)
            if rest is not None:
                parts.append(("- " if i else "-") + self._operand(rest))
            else:
                body = f"({self._print(a)})" if isinstance(a, MatAdd) else self._print(a)
                parts.append(("+ " if i else "") + body)
        return " ".join(parts)

    def _print_HadamardProduct(self, expr):
        return " * ".join(self._operand(a) for a in expr.args)

    def _print_ElementwiseApplyFunction(self, expr):
        return f"{ACTIVATIONS[function_name(expr)].numpy_name}({self._print(expr.expr)})"

    def _print_RowBlock(self, expr, axis=""):
        parent, start, stop = expr.args
        return f"({self._print(parent)})[{axis}{self._print(start)}:{self._print(stop)}]"

    def _print_ColumnBlock(self, expr):
        return self._print_RowBlock(expr, axis=":, ")

    def _print_Diag(self, expr):
        return f"diagflat({self._print(expr.args[0])})"

    def _print_Identity(self, expr):
        return f"eye({self._print(expr.shape[0])})"


    def _print_ColumnSum(self, expr):
        return f"({self._print(expr.args[0])}).sum(axis=1, keepdims=True)"

    def _print_Transpose(self, expr):
        return f"{self._operand(expr.arg)}.T"

    def _print_HadamardPower(self, expr):
        return f"{self._operand(expr.base)}**{self._print(expr.exp)}"

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


class Compiled:
    """A generated function and the names of the arguments it reads, in order."""

    def __init__(self, args, equations, outputs):
        defined = {eq.lhs.name for eq in equations}
        used = set()
        for eq in equations:
            used |= {s.name for s in eq.rhs.atoms(MatrixSymbol)}
        for o in outputs:
            used |= {s.name for s in o.atoms(MatrixSymbol) if s.name not in defined}
        self.args = [a for a in args if a.name in used]
        self.names = [a.name for a in self.args]
        replacements = [(eq.lhs, eq.rhs) for eq in equations]
        self.function = lambdify(self.args, list(outputs), modules=[NAMESPACE], printer=CellPrinter,
                                 cse=lambda exprs: (replacements, list(outputs)), docstring_limit=0)


class PreparedParams(dict):
    """Parameters checked once, with the stacked gate weights the fused code reads.

    Made by :meth:`NumericCell.prepare`; a snapshot: prepare again after changing a weight.
    """


class NumericCell:
    """A compiled cell: ``step``, ``forward``, ``prepare`` and ``init_params`` over NumPy arrays.

    Arrays follow the column convention: ``x`` is n x B, ``h`` is k x B (p x B with a
    projection), ``xs`` is T x n x B, biases are k x 1.
    """

    def __init__(self, cell):
        self.cell = cell
        symbolic_batch = cell.with_batch("B")
        self._shapes = symbolic_batch.shapes()
        self._batch_symbol = symbolic_batch.dims["B"]
        equations = symbolic_batch.equations
        syms = symbols_of(equations)
        self.parameters = cell.parameters
        self.inputs = ("x_t", "h_prev", "c_prev")
        params = [syms[p] for p in self.parameters]
        ins = [syms[i] for i in self.inputs]
        outs = [syms["h_t"], syms["c_t"]]
        self._expected_cache = {}
        self._backward = None
        self._rows = {name: self._shapes[name][0] for name in ("x_t", "h_prev", "c_prev")}
        # plain step: one statement per equation, reads the parameters as given
        self._step = Compiled(ins + params, equations, outs)
        # fused program (numeric sizes only): stacked gate products, x-terms hoisted
        self.stacks = {}
        if not cell.is_symbolic:
            equations, self.stacks = stack_products(equations, self.parameters)
        self.fused_equations = equations  # stacked gate products; the backward pass records from these
        stacked = [symbols_of(equations)[name] for name in self.stacks]
        self._fused_args = list(self.parameters) + list(self.stacks)
        fused_params = params + stacked
        self._fused_step = Compiled(ins + fused_params, equations, outs)
        hoisted, rest = hoist_inputs(equations, "x_t", self._fused_args)
        self._hoisted = bool(hoisted)
        if hoisted:
            self._inputs_all = Compiled([syms["x_t"]] + fused_params, hoisted, [eq.lhs for eq in hoisted])
            self._recurrent = Compiled([eq.lhs for eq in hoisted] + ins[1:] + fused_params, rest, outs)

    # -- shapes and checks --------------------------------------------------------
    def _sizes_from(self, x, h, c):
        """The sizes: the cell's own, with the batch (and symbolic sizes) read off the arrays."""
        if not self.cell.is_symbolic:
            return {**self.cell.dims, "B": x.shape[1]}
        dims = dict(self.cell.dims)
        dims["B"] = x.shape[1]
        for arr, size in ((x, "n"), (c, "k"), (h, "p")):
            if size in dims and not isinstance(dims[size], int):
                dims[size] = arr.shape[0]
        return dims

    def expected_shapes(self, dims):
        """{tensor: shape} of every input and parameter for the sizes ``dims``."""
        key = dims["B"] if not self.cell.is_symbolic else tuple(sorted(dims.items()))
        cached = self._expected_cache.get(key)
        if cached is None:
            subs = {self._batch_symbol: dims["B"]}
            for size, value in self.cell.dims.items():
                if not isinstance(value, int) and size != "B":
                    subs[value] = dims[size]
            cached = {name: tuple(int(d) if isinstance(d, int) else int(d.xreplace(subs)) for d in shape)
                      for name, shape in self._shapes.items()}
            if len(self._expected_cache) > 64:
                self._expected_cache.clear()
            self._expected_cache[key] = cached
        return cached

    def _check_params(self, params, expected, dims):
        if not isinstance(params, dict):
            raise UsageError(f"params must be a dict of arrays keyed by parameter name, got {type(params).__name__}")
        missing = [p for p in self.parameters if p not in params]
        extra = [p for p in params if p not in self.parameters and p not in self.stacks]
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
        if expected is None:  # a symbolic cell whose sizes the parameters do not determine
            raise ShapeError(f"the parameters' shapes do not determine the sizes of the {self.cell.variant.name} "
                             f"cell: expected {', '.join(f'{p} : {_symbolic(self.cell, p)}' for p in self.parameters)}")
        for name in self.parameters:
            if getattr(params[name], "shape", None) != expected[name]:
                self._shape_error(name, params[name], expected, dims)

    def _shape_error(self, name, arr, expected, dims):
        from .sizes import shape_text

        symbolic = shape_text(self.cell.shapes()[name])
        if name in self.inputs:
            symbolic = symbolic.rsplit(" x ", 1)[0] + " x B"
        raise ShapeError(
            f"{name} has shape {_tuple_text(getattr(arr, 'shape', None))}, expected "
            f"{_tuple_text(expected[name])} ({symbolic})\n  bindings: {_bindings(dims)}"
        )

    def _quick_state_check(self, x, h, c):
        """True when the states certainly fit (numeric cells); False sends them to the
        thorough check, which explains what is wrong (or finds it was fine after all)."""
        if self.cell.is_symbolic:
            return False
        try:
            batch = x.shape[1]
            return (
                x.ndim == 2 and h.ndim == 2 and c.ndim == 2 and batch > 0
                and x.shape[0] == self._rows["x_t"] and h.shape == (self._rows["h_prev"], batch)
                and c.shape == (self._rows["c_prev"], batch)
                and x.dtype.kind == "f" and h.dtype.kind == "f" and c.dtype.kind == "f"
                # NaN and inf survive a dot product; an overflow only costs the slow path
                and math.isfinite(np.vdot(x, x) + np.vdot(h, h) + np.vdot(c, c))
            )
        except (AttributeError, IndexError, TypeError):
            return False

    def _states(self, x, h, c, names=("x", "h_prev", "c_prev"), ndim_x=2):
        arrays = []
        for name, arr, ndim in zip(names, (x, h, c), (ndim_x, 2, 2)):
            arr = np.asarray(arr)
            if arr.ndim != ndim or arr.size == 0:
                want = "T x n x B" if ndim == 3 else ("n x B" if name == "x" else "rows x B")
                raise ShapeError(f"{name} must be a non-empty {ndim}-D array ({want}), got shape {_tuple_text(arr.shape)}")
            if arr.dtype.kind != "f":
                raise UsageError(f"{name} must hold floating-point numbers, got dtype {arr.dtype}")
            arrays.append(arr)
        x, h, c = arrays
        if not np.isfinite(x.sum() + h.sum() + c.sum()):
            for name, arr in zip(names, arrays):
                if not np.isfinite(arr).all():
                    raise UsageError(f"{name} contains NaN or inf values")
        x0 = x[0] if ndim_x == 3 else x
        dims = self._sizes_from(x0, h, c)
        expected = self.expected_shapes(dims)
        for name, arr in (("x_t", x0), ("h_prev", h), ("c_prev", c)):
            if arr.shape != expected[name]:
                self._shape_error(name, arr, expected, dims)
        return x, h, c, dims, expected

    # -- numeric API --------------------------------------------------------------
    def prepare(self, params):
        """Check ``params`` once and add the stacked gate weights the fused code reads."""
        if isinstance(params, PreparedParams):
            return params
        dims = dict(self.cell.dims) if not self.cell.is_symbolic else self._dims_from_params(params)
        self._check_params(params, self.expected_shapes(dims) if dims is not None else None, dims)
        self._check_finite_params(params)
        prepared = PreparedParams((name, params[name]) for name in self.parameters)
        prepared.dims = dims
        for name, members in self.stacks.items():
            prepared[name] = np.concatenate([params[m] for m in members], axis=0)
        return prepared

    def _dims_from_params(self, params):
        """A symbolic cell's sizes read off its parameters' shapes (``None`` when they are not all
        there: the parameter check then says what is missing)."""
        if not isinstance(params, dict) or any(getattr(params.get(p), "ndim", None) != 2 for p in self.parameters):
            return None
        import sympy

        dims, bound = {**self.cell.dims, "B": 1}, {}
        for _ in range(2):  # sizes alone on an axis first, then sums of them (concat: k + n)
            for name in self.parameters:
                for d, got in zip(self._shapes[name], params[name].shape):
                    unknown = [s for s in getattr(d, "free_symbols", ()) if s not in bound and s != self._batch_symbol]
                    if len(unknown) == 1:
                        found = sympy.solve(sympy.Eq(d.xreplace(bound), got), unknown[0])
                        bound[unknown[0]] = sympy.Integer(found[0]) if found else sympy.Integer(0)
        for size, value in self.cell.dims.items():
            if not isinstance(value, int) and size != "B":
                if value not in bound or not 1 <= int(bound[value]):
                    return None
                dims[size] = int(bound[value])
        return dims

    def _ready(self, params, expected, dims):
        """Checked parameters with their stacks (``prepare``); a symbolic cell's shapes need ``dims``."""
        if isinstance(params, PreparedParams):
            if self.cell.is_symbolic and any(params.dims.get(k) != v for k, v in dims.items() if k != "B"):
                raise ShapeError(f"the prepared parameters are for {_bindings(params.dims)}, "
                                 f"the inputs for {_bindings(dims)}: prepare them again")
            return params
        if self.cell.is_symbolic:
            self._check_params(params, expected, dims)
        return self.prepare(params)

    def _check_finite_params(self, params):
        # NaN and inf survive a dot product; an overflow only costs the thorough check
        try:
            if math.isfinite(sum(float(np.vdot(params[p], params[p])) for p in self.parameters)):
                return
        except (TypeError, ValueError):
            pass
        for name in self.parameters:
            arr = np.asarray(params[name])
            if arr.dtype.kind != "f":
                raise UsageError(f"parameter {name} must hold floating-point numbers, got dtype {arr.dtype}")
            if not np.isfinite(arr).all():
                raise UsageError(f"parameter {name} contains NaN or inf values")

    def step(self, params, x, h_prev, c_prev):
        """One step: ``(h_t, c_t)`` from ``x`` (n x B), ``h_prev``, ``c_prev``.

        ``params`` is a dict of arrays, or the result of :meth:`prepare` (faster at
        small sizes: the four gate products become one stacked product).
        """
        if not self._quick_state_check(x, h_prev, c_prev):
            x, h_prev, c_prev, dims, expected = self._states(x, h_prev, c_prev)
        elif not isinstance(params, PreparedParams):
            dims = {**self.cell.dims, "B": x.shape[1]}
            expected = self.expected_shapes(dims)
        state = {"x_t": x, "h_prev": h_prev, "c_prev": c_prev}
        run = self._step
        if isinstance(params, PreparedParams):
            run = self._fused_step
        else:
            self._check_params(params, expected, dims)
        return tuple(run.function(*[state[a] if a in state else params[a] for a in run.names]))

    def forward(self, params, xs, h0, c0):
        """Run T steps: ``(hs, h_T, c_T)`` with ``xs`` T x n x B and ``hs`` T x k x B."""
        xs, h0, c0, dims, expected = self._states(xs, h0, c0, ("xs", "h0", "c0"), ndim_x=3)
        T, n, B = xs.shape
        params = self._ready(params, expected, dims)
        dtype = np.result_type(xs, h0, c0, *[params[p] for p in self.parameters])
        hs = np.empty((T,) + h0.shape, dtype=dtype)
        h, c = h0, c0
        if not self._hoisted or self.cell.is_symbolic:
            run = self._step if self.cell.is_symbolic else self._fused_step
            values = [params[a] for a in run.names[3:]]
            if run.names[:3] != ["x_t", "h_prev", "c_prev"]:  # (not assert: python -O would drop it)
                raise RuntimeError(f"internal error: the compiled step reads {run.names[:3]} first")
            for t in range(T):
                h, c = run.function(xs[t], h, c, *values)
                hs[t] = h
            return hs, h, c
        # all steps' input terms at once: one product over T*B columns
        x_all = np.ascontiguousarray(xs.transpose(1, 0, 2)).reshape(n, T * B)
        inputs = self._inputs_all
        pre = inputs.function(x_all, *[params[a] for a in inputs.names[1:]])
        per_step = [p.reshape(p.shape[0], T, B).transpose(1, 0, 2) for p in pre]
        recurrent = self._recurrent
        hoisted = len(per_step)
        if recurrent.names[hoisted:hoisted + 2] != ["h_prev", "c_prev"]:
            raise RuntimeError(f"internal error: the recurrent step reads {recurrent.names[hoisted:hoisted + 2]}")
        values = [params[a] for a in recurrent.names[hoisted + 2:]]
        function = recurrent.function
        for t, xin in enumerate(zip(*per_step)):
            h, c = function(*xin, h, c, *values)
            hs[t] = h
        return hs, h, c

    def backward(self, params, xs, h0, c0, dhs):
        """Gradients of a loss through T steps (BPTT).

        ``dhs`` (T x rows(h) x B) is the upstream gradient dL/dh_t of every output.
        Returns ``{parameter: gradient (same shape), "xs": ..., "h0": ..., "c0": ...}``.
        """
        from .bptt import CompiledBackward, check_upstream

        xs, h0, c0, dims, expected = self._states(xs, h0, c0, ("xs", "h0", "c0"), ndim_x=3)
        params = self._ready(params, expected, dims)
        dhs = check_upstream(self, dhs, xs.shape[0], h0.shape[0], xs.shape[2])
        if self._backward is None:
            self._backward = CompiledBackward(self)
        return self._backward.run(params, xs, h0, c0, dhs)

    def init_params(self, seed=0, dtype=np.float64):
        """Random parameters, uniform in (-1/sqrt(k), 1/sqrt(k)) as PyTorch initialises them."""
        if self.cell.is_symbolic:
            raise UsageError("init_params needs numeric sizes; this cell's sizes are symbolic")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise UsageError(f"seed must be a non-negative integer (or None), got {seed!r}")
        check_resources(self.cell, batch=1, steps=1, passes=0)
        rng = np.random.default_rng(seed)
        bound = 1.0 / math.sqrt(self.cell.hidden_size)
        return {
            name: rng.uniform(-bound, bound, size=self.cell.shapes()[name]).astype(dtype)
            for name in self.parameters
        }


def _tuple_text(shape):
    if shape is None:
        return "(not an array)"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _symbolic(cell, name):
    from .sizes import shape_text

    return shape_text(cell.shapes()[name])


def _bindings(dims):
    return ", ".join(f"{k} = {v}" for k, v in dims.items())


def compile_cell(cell):
    return NumericCell(cell)

"""The dimension solver: infer every tensor's shape by walking a cell's equations.

Every dimension of every tensor is a *node*.  Walking the equations once yields
equalities between nodes (``cols(W_f) = rows(x_t)`` for a product, equal shapes
for sums and elementwise products, the recurrence ``shape(h_t) = shape(h_prev)``)
and sum constraints (a concatenation's rows are the sum of its blocks' rows).
Equalities are merged with union-find; then values are bound (the sizes, then
the shapes the user gave), and sums are propagated to a fixed point.  A value
that meets a different value is a contradiction, explained by the shortest
chain of constraints between the two places the values came from.

The constraint graph is in :mod:`~lstm_symbolic.constraints`, the messages in
:mod:`~lstm_symbolic.explain`; text is only built when an error happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

import sympy
from sympy import HadamardPower, HadamardProduct, Identity, MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose
from sympy.core.sympify import _sympify  # strict: numbers and SymPy objects only, never strings
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .constraints import DimensionGraph, DimLabel, Origin, Provenance
from .equations import SIZE_SYMBOLS, ColumnSum, Diag, RowBlock, VConcat
from .errors import ShapeError, UnderdeterminedError
from .explain import Explainer


@dataclass
class Solution:
    """The solver's answer: the sizes and every tensor's (rows, cols)."""

    dims: dict
    shapes: dict
    unresolved: dict = field(default_factory=dict)


#: The size each size symbol stands for (``size:n`` -> ``n``).
_SIZE_NAMES = {symbol: name for name, symbol in SIZE_SYMBOLS.items()}

_AXIS_NAMES = ("rows", "columns")


class DimensionSolver:
    """Collect constraints from a program, bind values, report contradictions.

    ``solve()`` may be called more than once (each call starts from no values); its messages
    come from an :class:`~lstm_symbolic.explain.Explainer` given the program, the constraint
    graph and the given shapes.
    """

    def __init__(self, program, collect=False):
        self.program = program
        self.collect = collect  # gather every contradiction instead of stopping at the first
        self.errors = []
        self.graph = DimensionGraph()
        self.explainer = Explainer(program, self.graph, {})
        self._sums = []  # (total node, [part nodes], Origin)
        self._fresh = count()
        self._pending_literals = []  # literal nodes (a 1 in a ones vector) and their values
        for name in program.sizes:
            self._node(SIZE_SYMBOLS[name])
        self._walk_program()

    # -- nodes ------------------------------------------------------------------------------
    def _node(self, dim, origin=None):
        """The node of a dimension: a symbol is its own node; a number or a sum gets a fresh one."""
        if isinstance(dim, sympy.Symbol):
            size = _SIZE_NAMES.get(dim)
            return self.graph.add(dim, None if size is None else DimLabel(size))
        if dim.is_Integer:
            key = self.graph.add(("literal", next(self._fresh)), DimLabel(str(dim)))
            self._pending_literals.append((key, int(dim)))
            return key
        if isinstance(dim, sympy.Add):  # a declared size such as k + n
            key = self.graph.add(("sum", next(self._fresh)), DimLabel(dim))
            parts = [self._node(a, origin) for a in dim.args]
            self._sums.append((key, parts, origin or Origin("sum", None, dim)))
            return key
        raise ShapeError(f"unsupported dimension {dim}")

    def _axis_node(self, matrix, axis, origin=None):
        """The node of one axis of a tensor (or of a ones matrix: ``rows of a broadcast number``)."""
        dim = matrix.shape[axis]
        node = self._node(dim, origin)
        if isinstance(dim, sympy.Symbol) and dim not in _SIZE_NAMES:
            if isinstance(matrix, MatrixSymbol):
                self.graph.add(node, DimLabel(_AXIS_NAMES[axis], matrix.name))
            else:  # a tensor's own label wins over a ones matrix of its shape
                self.graph.add(node, DimLabel(_AXIS_NAMES[axis], "a broadcast number"), replace=False)
        return node

    def _literal(self, value):
        return self._node(sympy.Integer(value))

    def find(self, node):
        return self.graph.find(node)

    # -- walking the equations ------------------------------------------------
    def _walk_program(self):
        equal = self.graph.equal
        for eq in self.program.equations:
            lhs = self._shape(eq.lhs, eq.name)
            rhs = self._shape(eq.rhs, eq.name)
            origin = Origin("define", eq.name, eq.rhs)
            equal(lhs[0], rhs[0], origin)
            equal(lhs[1], rhs[1], origin)
        symbols = self.program.symbols()
        pairs = [(pair, Origin("recurrence", None, None, pair)) for pair in self.program.recurrence
                 if pair[0] in symbols and pair[1] in symbols]
        pairs += [(pair, Origin("gradient", None, None, pair)) for pair in self.program.same_shape]
        for (a, b), origin in pairs:
            for axis in (0, 1):
                equal(self._axis_node(symbols[a], axis), self._axis_node(symbols[b], axis), origin)
        for size, (tensor, axis) in self.program.size_sources.items():
            if tensor in symbols:
                equal(SIZE_SYMBOLS[size], self._axis_node(symbols[tensor], axis), Origin("size", None, None, (size,)))

    def _shape(self, e, eq):
        """(rows node, cols node) of an expression, adding the constraints it implies.

        Every expression's nodes are kept, for the messages to show its shape later."""
        shape = self._walk_shape(e, eq)
        self.graph.set_shape(e, shape)
        return shape

    def _walk_shape(self, e, eq):
        if isinstance(e, (MatrixSymbol, OneMatrix)):
            origin = Origin("sum", eq, e)
            return self._axis_node(e, 0, origin), self._axis_node(e, 1, origin)
        if isinstance(e, MatMul):
            mats = [a for a in e.args if a.is_Matrix]
            shapes = [self._shape(a, eq) for a in mats]
            for (left, sl), (right, sr) in zip(zip(mats, shapes), zip(mats[1:], shapes[1:])):
                self.graph.equal(sl[1], sr[0], Origin("matmul", eq, MatMul(left, right, evaluate=False), (left, right)))
            return shapes[0][0], shapes[-1][1]
        if isinstance(e, (MatAdd, HadamardProduct)):
            kind = "add" if isinstance(e, MatAdd) else "hadamard"
            shapes = [self._shape(a, eq) for a in e.args]
            for arg, s in zip(e.args[1:], shapes[1:]):
                origin = Origin(kind, eq, e, (e.args[0], arg))
                self.graph.equal(shapes[0][0], s[0], origin)
                self.graph.equal(shapes[0][1], s[1], origin)
            return shapes[0]
        if isinstance(e, VConcat):
            return self._concat_shape(e, eq)
        return self._unary_shape(e, eq)

    def _unary_shape(self, e, eq):
        """Shapes of the nodes with one matrix operand (and of the identity)."""
        if isinstance(e, ElementwiseApplyFunction):
            return self._shape(e.expr, eq)
        if isinstance(e, HadamardPower):
            return self._shape(e.base, eq)
        if isinstance(e, Transpose):
            rows, cols = self._shape(e.arg, eq)
            return cols, rows
        if isinstance(e, RowBlock):
            rows = self._node(sympy.expand(e.args[2] - e.args[1]), Origin("sum", eq, e))
            return rows, self._shape(e.parent, eq)[1]
        if isinstance(e, ColumnSum):
            return self._shape(e.args[0], eq)[0], self._literal(1)
        if isinstance(e, Diag):
            rows, cols = self._shape(e.args[0], eq)
            self.graph.equal(cols, self._literal(1), Origin("matmul", eq, e, (e.args[0], e.args[0])))
            return rows, rows
        if isinstance(e, Identity):
            node = self._node(e.shape[0], Origin("sum", eq, e))
            return node, node
        raise ShapeError(f"the solver cannot handle {type(e).__name__} in the equation for {eq}")

    def _concat_shape(self, e, eq):
        """``[a; b; ...]``: equal columns; the rows are a sum node of the blocks' rows."""
        shapes = [self._shape(b, eq) for b in e.blocks]
        for block, s in zip(e.blocks[1:], shapes[1:]):
            self.graph.equal(shapes[0][1], s[1], Origin("concat", eq, e, (e.blocks[0], block)))
        total = self.graph.add(("sum", next(self._fresh)), DimLabel("rows", e))
        self._sums.append((total, [s[0] for s in shapes], Origin("sum", eq, e)))
        return total, shapes[0][1]

    # -- values -----------------------------------------------------------------
    def solve(self, sizes=None, given=None, default_batch=True):
        """Bind ``sizes`` ({"n": 80, ...}) and ``given`` shapes ({"W_f": (50, 20)}); return a Solution."""
        given = dict(given or {})
        self.graph.clear_values()
        self.explainer = Explainer(self.program, self.graph, given)
        for key, value in self._pending_literals:
            self._bind(key, value, Provenance("literal"))
        for name, value in (sizes or {}).items():
            if value is not None and name in self.program.sizes:
                self._bind(SIZE_SYMBOLS[name], value, Provenance("size", name, (value,)))
        symbols = self.program.symbols()
        batch = SIZE_SYMBOLS["B"]
        if default_batch and batch in self.graph and self.graph.value(batch) is None \
                and not self._touches(batch, symbols, given):
            self._bind(batch, 1, Provenance("default", "B"))
        source = self.program.source
        for name, shape in given.items():
            line = source.declaration_line(name) if source is not None else None
            for axis, value in enumerate(shape):
                self._bind(self._axis_node(symbols[name], axis), value,
                           Provenance("given", name, tuple(shape), line=line))
        self._propagate_sums()
        if default_batch and batch in self.graph and self.graph.value(batch) is None:
            self._bind(batch, 1, Provenance("default", "B"))
            self._propagate_sums()
        return self._solution(symbols)

    def _touches(self, size_node, symbols, given):
        """Does any given tensor have a dimension tied to ``size_node``?"""
        root = self.find(size_node)
        return any(
            isinstance(d, sympy.Symbol) and self.find(d) == root
            for name in given for d in symbols[name].shape
        )

    def _bind(self, node, value, provenance):
        """Give ``node``'s class a value; True when a new value was recorded."""
        old = self.graph.binding(node)
        if old is None:
            if _not_positive(value):
                self._fail(self.explainer.nonpositive(node, value, provenance))
                return False
            self.graph.set_value(node, value, provenance)
            return True
        if not _same(old[0], value):
            self._fail(self.explainer.conflict(old, (value, node, provenance)))
        return False

    def _fail(self, message):
        if not self.collect:
            raise ShapeError(message)
        if message not in self.errors:
            self.errors.append(message)

    def _propagate_sums(self):
        """Fill in sums (a concatenation's rows) and their missing parts until nothing changes."""
        settled = set()  # sums that are checked (or failed): never revisited
        changed = True
        while changed:
            changed = False
            for index, (total, parts, origin) in enumerate(self._sums):
                if index not in settled:
                    changed |= self._propagate_sum(total, parts, origin, index, settled)

    def _propagate_sum(self, total, parts, origin, index, settled):
        value_of = self.graph.value
        known = [value_of(p) for p in parts]
        tv = value_of(total)
        missing = [p for p, v in zip(parts, known) if v is None]
        prov = Provenance("sum", origin=origin)
        if not missing:
            settled.add(index)
            value = _add(known)
            if tv is None:
                return self._bind(total, value, prov)
            if not _same(tv, value):
                self._bind(total, value, prov)
        elif len(missing) == 1 and tv is not None:
            settled.add(index)
            value = _sub(tv, [v for v in known if v is not None])
            if _not_positive(value):
                self._fail(self.explainer.negative_part(total, parts, missing[0], value, origin))
                return False
            return self._bind(missing[0], value, prov)
        return False

    def _solution(self, symbols):
        dims = {name: self.graph.value(SIZE_SYMBOLS[name]) for name in self.program.sizes}
        shapes, unresolved = {}, {}
        for name in self.program.tensors:
            shape = tuple(self.graph.value(self._node(d)) for d in symbols[name].shape)
            shapes[name] = shape
            if None in shape:
                unresolved[name] = shape
        return Solution(dims, shapes, unresolved)

def _not_positive(value):
    """A size that is certainly below 1: ``0``, ``-10``, or ``1 - n`` with n >= 1."""
    if _is_number(value):
        return value < 1
    if isinstance(value, sympy.Basic):
        return bool((value - 1).is_negative) or bool(value.is_nonpositive)
    return False


def _is_number(v):
    return isinstance(v, int) or (isinstance(v, sympy.Basic) and v.is_Integer)


def _same(a, b):
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return sympy.expand(_sympify(a) - _sympify(b)) == 0


def _add(values):
    if all(isinstance(v, int) for v in values):
        return sum(values)
    return sympy.Add(*values)


def _sub(total, values):
    if isinstance(total, int) and all(isinstance(v, int) for v in values):
        return total - sum(values)
    return sympy.expand(total - sympy.Add(*values))


def solve_program(program, sizes=None, given=None):
    """Solve a program's shapes; raise ShapeError on a contradiction or missing size.

    >>> from lstm_symbolic.equations import build_program
    >>> sol = solve_program(build_program("standard", "separate"), given={"W_f": (50, 20)})
    >>> sol.dims["n"], sol.dims["k"], sol.shapes["U_i"]
    (20, 50, (50, 50))
    """
    solver = DimensionSolver(program)
    solution = solver.solve(sizes, given)
    if solution.unresolved:
        raise UnderdeterminedError(solver.explainer.missing(solution.unresolved, list(given or {})))
    return solution

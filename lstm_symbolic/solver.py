"""The dimension solver: infer every tensor's shape by walking a cell's equations.

Every dimension of every tensor is a *node*.  Walking the equations once yields
equalities between nodes (``cols(W_f) = rows(x_t)`` for a product, equal shapes
for sums and elementwise products, the recurrence ``shape(h_t) = shape(h_prev)``)
and sum constraints (a concatenation's rows are the sum of its blocks' rows).
Equalities are merged with union-find; then values are bound (the sizes, then
the shapes the user gave), and sums are propagated to a fixed point.  A value
that meets a different value is a contradiction, explained by the shortest
chain of constraints between the two places the values came from.

Text is only built when an error happens: origins keep references, not strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

import sympy
from sympy import HadamardPower, HadamardProduct, Identity, MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose
from sympy.core.sympify import _sympify  # strict: numbers and SymPy objects only, never strings
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .equations import SIZE_SYMBOLS, ColumnSum, Diag, RowBlock, VConcat
from .errors import ShapeError, UnderdeterminedError
from .explain import ExplainMixin
from .sizes import dim_text, shape_text
from .textprint import text


@dataclass(frozen=True)
class Origin:
    """Why two dimensions are equal: which operation, in which equation."""

    kind: str  # matmul | add | hadamard | concat | define | recurrence | size
    equation: str | None
    node: object = None  # the expression (or tensor names) the constraint came from
    operands: tuple = ()

    def context(self):
        where = f" in the equation for {self.equation}" if self.equation else ""
        if self.kind == "define":
            line = f"{self.equation} = {text(self.node)}"
            return line if len(line) <= 70 else line[:67] + "..."
        if self.kind == "recurrence":
            new, prev = self.operands
            return f"recurrence: {new} becomes the next step's {prev}"
        if self.kind == "size":
            return "definition of the size"
        if self.kind == "gradient":
            new, old = self.operands
            return f"{new} has the shape of {old}"
        if self.kind == "sum":
            return f"{text(self.node)}{where}"
        return f"{_short(self.node)}{where}"


def _short(expr, limit=60):
    s = text(expr)
    return s if len(s) <= limit else s[: limit - 3] + "..."


@dataclass(frozen=True)
class Provenance:
    """Where a value came from: a given shape, a size, a literal, a sum, a default."""

    kind: str  # given | size | literal | sum | default
    name: str = ""
    shape: tuple = ()
    origin: Origin | None = None
    line: int | None = None  # where a declaration fixed it, in a checked file

    def describe(self, width=0):
        """One line of a message; ``width`` pads a given tensor's name (to align two of them)."""
        if self.kind == "given":
            where = f"declared on line {self.line}" if self.line else "given"
            return f"{self.name:<{width}} : {shape_text(self.shape, 'solver')} ({where})"
        if self.kind == "size":
            return f"{self.name} = {dim_text(self.shape[0])}"
        if self.kind == "sum":
            return f"from {self.origin.context()}"
        if self.kind == "default":
            return f"{self.name} = 1 by default"
        return "a constant"


@dataclass
class Solution:
    """The solver's answer: the sizes and every tensor's (rows, cols)."""

    dims: dict
    shapes: dict
    unresolved: dict = field(default_factory=dict)


class DimensionSolver(ExplainMixin):
    """Collect constraints from a program, bind values, report contradictions."""

    def __init__(self, program, collect=False):
        self.program = program
        self.collect = collect  # gather every contradiction instead of stopping at the first
        self.errors = []
        self._parent = {}
        self._edges = {}  # node -> [(other node, Origin)]
        self._sums = []  # (total node, [part nodes], Origin)
        self._value = {}  # root -> (value, anchor node, Provenance)
        self._fresh = count()
        self._labels = {}
        self._pending_literals = []  # literal nodes (a 1 in a ones vector) and their values
        self._expr_shapes = {}  # expression -> (rows node, cols node), filled by the walk
        for name in program.sizes:
            self._node(SIZE_SYMBOLS[name])
        self._walk_program()

    # -- nodes and union-find -------------------------------------------------
    def _node(self, dim, origin=None):
        if isinstance(dim, sympy.Symbol):
            self._parent.setdefault(dim, dim)
            return dim
        if dim.is_Integer:
            key = ("literal", next(self._fresh))
            self._parent[key] = key
            self._pending_literals.append((key, int(dim)))
            return key
        if isinstance(dim, sympy.Add):  # a declared size such as k + n
            key = ("sum", next(self._fresh))
            self._parent[key] = key
            parts = [self._node(a, origin) for a in dim.args]
            self._sums.append((key, parts, origin or Origin("sum", None, dim)))
            self._labels[key] = dim_text(dim)
            return key
        raise ShapeError(f"unsupported dimension {dim}")

    def _literal(self, value):
        return self._node(sympy.Integer(value))

    def find(self, node):
        parent = self._parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def _equal(self, a, b, origin):
        self._edges.setdefault(a, []).append((b, origin))
        self._edges.setdefault(b, []).append((a, origin))
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[ra] = rb

    # -- walking the equations ------------------------------------------------
    def _walk_program(self):
        for eq in self.program.equations:
            lhs = self._shape(eq.lhs, eq.name)
            rhs = self._shape(eq.rhs, eq.name)
            origin = Origin("define", eq.name, eq.rhs)
            self._equal(lhs[0], rhs[0], origin)
            self._equal(lhs[1], rhs[1], origin)
        symbols = self.program.symbols()
        for new, prev in self.program.recurrence:
            if new in symbols and prev in symbols:
                origin = Origin("recurrence", None, None, (new, prev))
                for axis in (0, 1):
                    self._equal(self._node(symbols[new].shape[axis]), self._node(symbols[prev].shape[axis]), origin)
        for new, old in self.program.same_shape:
            origin = Origin("gradient", None, None, (new, old))
            for axis in (0, 1):
                self._equal(self._node(symbols[new].shape[axis]), self._node(symbols[old].shape[axis]), origin)
        for size, (tensor, axis) in self.program.size_sources.items():
            if tensor in symbols:
                self._equal(SIZE_SYMBOLS[size], self._node(symbols[tensor].shape[axis]), Origin("size", None, None, (size,)))

    def _shape(self, e, eq):
        """(rows node, cols node) of an expression, adding the constraints it implies.

        Every expression's nodes are kept, for the messages to show its shape later."""
        shape = self._walk_shape(e, eq)
        self._expr_shapes.setdefault(e, shape)
        return shape

    def _walk_shape(self, e, eq):
        if isinstance(e, (MatrixSymbol, OneMatrix)):
            origin = Origin("sum", eq, e)
            return self._node(e.shape[0], origin), self._node(e.shape[1], origin)
        if isinstance(e, MatMul):
            mats = [a for a in e.args if a.is_Matrix]
            shapes = [self._shape(a, eq) for a in mats]
            for (left, sl), (right, sr) in zip(zip(mats, shapes), zip(mats[1:], shapes[1:])):
                self._equal(sl[1], sr[0], Origin("matmul", eq, MatMul(left, right, evaluate=False), (left, right)))
            return shapes[0][0], shapes[-1][1]
        if isinstance(e, (MatAdd, HadamardProduct)):
            kind = "add" if isinstance(e, MatAdd) else "hadamard"
            shapes = [self._shape(a, eq) for a in e.args]
            for arg, s in zip(e.args[1:], shapes[1:]):
                origin = Origin(kind, eq, e, (e.args[0], arg))
                self._equal(shapes[0][0], s[0], origin)
                self._equal(shapes[0][1], s[1], origin)
            return shapes[0]
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
            self._equal(cols, self._literal(1), Origin("matmul", eq, e, (e.args[0], e.args[0])))
            return rows, rows
        if isinstance(e, Identity):
            node = self._node(e.shape[0], Origin("sum", eq, e))
            return node, node
        if isinstance(e, VConcat):
            shapes = [self._shape(b, eq) for b in e.blocks]
            for block, s in zip(e.blocks[1:], shapes[1:]):
                self._equal(shapes[0][1], s[1], Origin("concat", eq, e, (e.blocks[0], block)))
            total = ("sum", next(self._fresh))
            self._parent[total] = total
            self._labels[total] = f"rows of {text(e)}"
            self._sums.append((total, [s[0] for s in shapes], Origin("sum", eq, e)))
            return total, shapes[0][1]
        raise ShapeError(f"the solver cannot handle {type(e).__name__} in the equation for {eq}")

    # -- values -----------------------------------------------------------------
    def solve(self, sizes=None, given=None, default_batch=True):
        """Bind ``sizes`` ({"n": 80, ...}) and ``given`` shapes ({"W_f": (50, 20)}); return a Solution."""
        self._value = {}
        self._given = dict(given or {})
        for key, value in self._pending_literals:
            self._bind(key, value, Provenance("literal"))
        for name, value in (sizes or {}).items():
            if value is not None and name in self.program.sizes:
                self._bind(SIZE_SYMBOLS[name], value, Provenance("size", name, (value,)))
        symbols = self.program.symbols()
        batch = SIZE_SYMBOLS["B"]
        if default_batch and batch in self._parent and self._get(batch) is None \
                and not self._touches(batch, symbols):
            self._bind(batch, 1, Provenance("default", "B"))
        source = self.program.source
        for name, shape in self._given.items():
            line = source.declaration_line(name) if source is not None else None
            for axis, value in enumerate(shape):
                node = self._node(symbols[name].shape[axis])
                self._bind(node, value, Provenance("given", name, tuple(shape), line=line))
        self._propagate_sums()
        if default_batch and batch in self._parent and self._get(batch) is None:
            self._bind(batch, 1, Provenance("default", "B"))
            self._propagate_sums()
        return self._solution(symbols)

    def _touches(self, size_node, symbols):
        """Does any given tensor have a dimension tied to ``size_node``?"""
        root = self.find(size_node)
        return any(
            isinstance(d, sympy.Symbol) and self.find(d) == root
            for name in self._given for d in symbols[name].shape
        )

    def _get(self, node):
        entry = self._value.get(self.find(node))
        return None if entry is None else entry[0]

    def _bind(self, node, value, provenance):
        """Give ``node``'s class a value; True when a new value was recorded."""
        root = self.find(node)
        old = self._value.get(root)
        if old is None:
            if _not_positive(value):
                self._fail(self._nonpositive_message(node, value, provenance))
                return False
            self._value[root] = (value, node, provenance)
            return True
        if not _same(old[0], value):
            self._fail(self._conflict_message(old, (value, node, provenance)))
        return False

    def _fail(self, message):
        if not self.collect:
            raise ShapeError(message)
        if message not in self.errors:
            self.errors.append(message)

    def _propagate_sums(self):
        settled = set()  # sums that are checked (or failed): never revisited
        changed = True
        while changed:
            changed = False
            for index, (total, parts, origin) in enumerate(self._sums):
                if index in settled:
                    continue
                known = [self._get(p) for p in parts]
                tv = self._get(total)
                missing = [p for p, v in zip(parts, known) if v is None]
                prov = Provenance("sum", origin=origin)
                if not missing:
                    settled.add(index)
                    value = _add(known)
                    if tv is None:
                        changed |= self._bind(total, value, prov)
                    elif not _same(tv, value):
                        self._bind(total, value, prov)
                elif len(missing) == 1 and tv is not None:
                    settled.add(index)
                    value = _sub(tv, [v for v in known if v is not None])
                    if _not_positive(value):
                        self._fail(self._negative_part_message(total, parts, missing[0], value, origin))
                        continue
                    changed |= self._bind(missing[0], value, prov)

    def _solution(self, symbols):
        dims = {name: self._get(SIZE_SYMBOLS[name]) for name in self.program.sizes}
        shapes, unresolved = {}, {}
        for name in self.program.tensors:
            s = symbols[name]
            shape = tuple(self._get(self._node(d)) for d in s.shape)
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
        raise UnderdeterminedError(solver.missing_message(solution.unresolved, list(given or {})))
    return solution

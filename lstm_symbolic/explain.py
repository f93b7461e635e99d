"""Error messages of the dimension solver, written like a good type checker's.

Built only when something is wrong (eager strings made a prototype 100x slower).
The solver hands an :class:`Explainer` the program, its constraint graph (every
equality between two dimensions with the operation it came from, what each
dimension is, the values bound so far) and the given shapes; a contradiction is
explained by the shortest chain of equalities between the two places its values
were fixed.
"""

from __future__ import annotations

from collections import deque

import sympy
from sympy import MatrixSymbol, OneMatrix

from .equations import SIZE_SYMBOLS
from .sizes import SIZE_MEANINGS, dim_text, shape_text
from .textprint import is_broadcast, text


class Explainer:
    """The solver's error messages, from the data the solver hands over.

    ``program`` gives the sizes, the tensors and a checked file's source map; ``graph`` is the
    solver's :class:`~lstm_symbolic.constraints.DimensionGraph` (equalities with their origins,
    labels, expression shapes, values bound so far); ``given`` maps tensor names to the shapes
    the user gave.  Each public method returns one message.
    """

    def __init__(self, program, graph, given):
        self.program = program
        self.graph = graph
        self.given = dict(given)

    def label(self, node):
        """What a node is, as text: ``columns of W_f``, ``n``, ``rows of [h_prev; x_t]``."""
        return str(self.graph.label(node))

    def bindings(self):
        """``bindings: n = 80, k = 12`` (a checked file: what it declares)."""
        source = self.program.source
        if not self.program.sizes and source is not None:
            return source.declared_summary()
        parts = []
        for name in self.program.sizes:
            value = self.graph.value(SIZE_SYMBOLS[name])
            if name == "B" and value in (1, None):
                continue
            parts.append(f"{name} = {'?' if value is None else dim_text(value)}")
        return "bindings: " + ", ".join(parts)

    # -- the messages -----------------------------------------------------------------------
    def conflict(self, old, new):
        """Two values met in one class of equal dimensions; ``old`` and ``new`` are
        ``(value, node, Provenance)``."""
        old_value, old_node, old_prov = old
        new_value, new_node, new_prov = new
        path = self._path(old_node, new_node) or []
        while path and path[0][2].kind == "size":
            path = path[1:]
        while path and path[-1][2].kind == "size":
            path = path[:-1]
        if not path:
            origin = new_prov.origin or old_prov.origin
            return "\n".join([
                f"{self._prefix(origin)}inconsistent sizes for the {self.label(new_node)}: "
                f"{dim_text(old_value)} and {dim_text(new_value)}",
                f"  {dim_text(old_value)} {old_prov.describe()}",
                f"  {dim_text(new_value)} {new_prov.describe()}",
                "  " + self.bindings(),
            ])
        if len(path) == 1 and path[0][2].kind in _OPERATIONS:
            return self._direct(path[0], old_value, new_value, (new_node, new_value))
        return self._chain(path, old, new)

    def _chain(self, path, old, new):
        """A contradiction through several equalities: list them, one per line."""
        old_value, _, old_prov = old
        new_value, _, new_prov = new
        a_label, b_label = self.label(path[0][0]), self.label(path[-1][1])
        width = max((len(p.name) for p in (new_prov, old_prov) if p.kind == "given"), default=0)
        lines = [
            f"{self._prefix(path[-1][2])}inconsistent sizes: the {b_label} must equal the {a_label}",
            f"  {new_prov.describe(width)}",
            f"  {old_prov.describe(width)}",
            f"  expected the {b_label} to be {dim_text(old_value)}, got {dim_text(new_value)}",
            "  because:",
        ]
        width = max(len(f"{self.label(a)} = {self.label(b)}") for a, b, _ in path)
        for a, b, origin in path:
            eq = f"{self.label(a)} = {self.label(b)}"
            lines.append(f"    {eq:<{width}}   {self._context(origin)}")
        lines.append("  " + self.bindings())
        return "\n".join(lines)

    def _direct(self, step, old_value, new_value, override):
        """A contradiction inside one operation: show its operands and what each should be."""
        a, b, origin = step
        left, right = origin.operands
        where = f" in the equation for {origin.equation}" if origin.equation else ""
        if origin.kind == "matmul" and isinstance(right, OneMatrix):
            name = _operand_text(left)
            return "\n".join([
                f"{self._prefix(origin)}{name} must be a column vector: it is added to every column of the batch "
                f"({name} @ 1^T){where}",
                f"  {name} : {self._display_shape(left, override)}",
                f"  expected {name} to have 1 column, got {dim_text(new_value)}",
                "  " + self.bindings(),
            ])
        lines = [f"{self._prefix(origin)}cannot {_OPERATIONS[origin.kind]} {text(origin.node)}{where}"]
        operands = [left, right] if origin.kind == "matmul" else list(origin.node.args)  # (a VConcat's: its blocks)
        names = [_operand_text(x) for x in operands]
        width = max(len(n) for n in names)
        for name, x in zip(names, operands):
            lines.append(f"  {name:<{width}} : {self._display_shape(x, override)}{self._declared_at(x)}")
        lines.append(self._expectation(origin, a, b, old_value, new_value))
        old = self.graph.binding(a)
        if old is not None and old[2].kind == "given" and old[2].name not in names:
            lines.append(f"  the {dim_text(old_value)} comes from {old[2].describe()}")
        lines.append("  " + self.bindings())
        return "\n".join(lines)

    def _expectation(self, origin, a, b, old_value, new_value):
        """``expected W_f to have 80 columns (the rows of x_t), got 81``; ``b`` is the node whose
        new value clashed with ``a``'s."""
        got, other = self.graph.label(b), self.graph.label(a)
        if origin.kind != "matmul":
            return f"  expected the {got} to be {dim_text(old_value)} (the {other}), got {dim_text(new_value)}"
        left, right = (_operand_text(x) for x in origin.operands)
        axis, owner = got.axis_text(), got.owner_text()
        other_owner = right if owner == left else left
        if owner not in (left, right):
            owner = left if axis == "columns" else right
        return (f"  expected {owner} to have {dim_text(old_value)} {axis} "
                f"(the {other.axis_text()} of {other_owner}), got {dim_text(new_value)}")

    def nonpositive(self, node, value, provenance):
        """A size that would be below 1."""
        return (
            f"{self._prefix(provenance.origin)}the {self.label(node)} would be {dim_text(value)} "
            f"({provenance.describe()}), but sizes are at least 1\n  " + self.bindings()
        )

    def negative_part(self, total, parts, missing, value, origin):
        """A concatenation whose known rows leave less than 1 row for its last block."""
        prov = self.graph.binding(total)[2]
        known = [f"{self.label(p)} = {dim_text(self.graph.value(p))}" for p in parts if p != missing]
        return "\n".join([
            f"{self._prefix(origin)}cannot fit {origin.context()}",
            f"  its rows must total {dim_text(self.graph.value(total))} ({prov.describe()})",
            f"  but {', '.join(known)}, which leaves {dim_text(value)} for the {self.label(missing)}",
            "  sizes are at least 1",
            "  " + self.bindings(),
        ])

    def missing(self, unresolved, given_names):
        """Say which size is missing and what would supply it."""
        missing = [s for s in self.program.sizes if self.graph.value(SIZE_SYMBOLS[s]) is None]
        lines = []
        for size in missing:
            suppliers = self._suppliers(size)
            shown = ", ".join(suppliers[:6]) + (", ..." if len(suppliers) > 6 else "")
            lines.append(
                f"cannot determine {size} ({SIZE_MEANINGS[size]}): no given shape fixes it; "
                f"it is {shown}. Give one of those shapes (e.g. "
                f"{_example_shape(self.program, size)}) or {size} itself{_SIZE_OPTION.get(size, '')}."
            )
        if not lines:
            names = ", ".join(sorted(unresolved))
            lines.append(f"cannot determine the shapes of {names}")
        lines.append("  given: " + (", ".join(given_names) if given_names else "nothing"))
        lines.append("  " + self.bindings())
        return "\n".join(lines)

    def _suppliers(self, size):
        """``["the rows of x_t", "the columns of W_f", ...]``: the axes tied to ``size``."""
        root = self.graph.find(SIZE_SYMBOLS[size])
        suppliers = []
        for name in self.program.inputs + self.program.parameters:
            sym = self.program.symbol(name)
            for axis, dim in zip(("rows", "columns"), sym.shape):
                if isinstance(dim, sympy.Symbol) and self.graph.find(dim) == root:
                    suppliers.append(f"the {axis} of {name}")
        return suppliers

    # -- pieces of messages -------------------------------------------------------------------
    def _display_shape(self, expr, override=None):
        """An expression's current shape as text (a given tensor's as given)."""
        if is_broadcast(expr) and expr.args[0].name in self.given:
            expr = expr.args[0]
        if isinstance(expr, MatrixSymbol) and expr.name in self.given:
            return shape_text(self.given[expr.name], "solver")
        out = []
        for node in self.graph.shape_of(expr):
            if override and node == override[0]:
                out.append(shape_text((override[1],), "solver"))
            elif node is None:
                out.append("?")
            else:
                value = self.graph.value(node)
                out.append(self._unbound_name(node) if value is None else shape_text((value,), "solver"))
        return " x ".join(out)

    def _unbound_name(self, node):
        root = self.graph.find(node)
        for size in self.program.sizes:
            if self.graph.find(SIZE_SYMBOLS[size]) == root:
                return size
        return "?"

    def _prefix(self, origin):
        """``file:line:col: `` for a checked file's equations, or nothing."""
        source = self.program.source
        if source is None or origin is None:
            return ""
        line, col = source.locate(origin)
        return f"{source.filename}:{line}:{col}: " if line else ""

    def _declared_at(self, expr):
        source = self.program.source
        if source is None:
            return ""
        if is_broadcast(expr):
            expr = expr.args[0]
        line = source.declaration_line(expr.name) if isinstance(expr, MatrixSymbol) else None
        return f" (declared on line {line})" if line else ""

    def _context(self, origin):
        source = self.program.source
        context = origin.context()
        if source is not None:
            line, _ = source.locate(origin)
            if line:
                context += f" (line {line})"
        return context

    def _path(self, start, goal):
        """The shortest chain of equalities from ``start`` to ``goal``: ``[(a, b, Origin), ...]``."""
        previous = {start: None}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                break
            for other, origin in self.graph.neighbours(node):
                if other not in previous:
                    previous[other] = (node, origin)
                    queue.append(other)
        if goal not in previous:
            return None
        path, node = [], goal
        while previous[node] is not None:
            before, origin = previous[node]
            path.append((before, node, origin))
            node = before
        return path[::-1]


#: What a message says each operation could not do.
_OPERATIONS = {"matmul": "multiply", "add": "add", "hadamard": "take the elementwise product",
               "concat": "concatenate"}

#: How each size is given on the command line (``solve -n 20``) and in the API (``input_size=20``).
_SIZE_OPTION = {"n": " (-n, input_size=)", "k": " (-k, hidden_size=)", "p": " (--proj, proj_size=)"}


def _example_shape(program, size):
    tensor, axis = program.size_sources[size]
    return f"{tensor}=20x1" if axis == 0 else f"{tensor}=20x32"


def _operand_text(x):
    if isinstance(x, OneMatrix) and x.shape[0] == 1:
        return "1^T"
    return text(x)

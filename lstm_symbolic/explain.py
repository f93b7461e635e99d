"""Error messages of the dimension solver, written like a good type checker's.

Built only when something is wrong (eager strings made a prototype 100x slower).
The solver keeps, for every equality between two dimensions, the operation it came
from; a contradiction is explained by the shortest chain of such equalities between
the two places its values were fixed.
"""

from __future__ import annotations

from collections import deque

import sympy
from sympy import MatrixSymbol, OneMatrix

from .equations import SIZE_SYMBOLS
from .sizes import SIZE_MEANINGS, dim_text, shape_text
from .textprint import is_broadcast, text

_AXIS_WORD = {"rows": "rows", "cols": "columns"}


class ExplainMixin:
    """Message builders of :class:`~lstm_symbolic.solver.DimensionSolver`."""

    def label(self, node):
        if isinstance(node, sympy.Symbol):
            name = node.name
            if name.startswith("size:"):
                return name[5:]
            tensor, _, axis = name.rpartition(".")
            if tensor.startswith("_ones"):
                return f"{_AXIS_WORD.get(axis, axis)} of a broadcast number"
            return f"{_AXIS_WORD.get(axis, axis)} of {tensor}"
        if node[0] == "literal":
            return "1"
        return self._labels.get(node, "a size")

    def _display_shape(self, expr, override=None):
        """An expression's current shape as text (a given tensor's as given)."""
        if is_broadcast(expr) and expr.args[0].name in self._given:
            expr = expr.args[0]
        if isinstance(expr, MatrixSymbol) and expr.name in self._given:
            return shape_text(self._given[expr.name], "solver")
        rows, cols = self._expr_shapes.get(expr, (None, None))
        out = []
        for node in (rows, cols):
            if override and node == override[0]:
                out.append(shape_text((override[1],), "solver"))
            elif node is None:
                out.append("?")
            else:
                value = self._get(node)
                out.append(self._unbound_name(node) if value is None else shape_text((value,), "solver"))
        return " x ".join(out)

    def _unbound_name(self, node):
        root = self.find(node)
        for size in self.program.sizes:
            if self.find(SIZE_SYMBOLS[size]) == root:
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

    def bindings(self):
        source = self.program.source
        if not self.program.sizes and source is not None:
            return source.declared_summary()
        parts = []
        for name in self.program.sizes:
            value = self._get(SIZE_SYMBOLS[name])
            if name == "B" and value in (1, None):
                continue
            parts.append(f"{name} = {'?' if value is None else dim_text(value)}")
        return "bindings: " + ", ".join(parts)

    def _path(self, start, goal):
        previous = {start: None}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                break
            for other, origin in self._edges.get(node, ()):
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

    def _conflict_message(self, old, new):
        old_value, old_node, old_prov = old
        new_value, new_node, new_prov = new
        path = self._path(old_node, new_node) or []
        while path and path[0][2].kind == "size":
            path = path[1:]
        while path and path[-1][2].kind == "size":
            path = path[:-1]
        override = (new_node, new_value)
        if not path:
            origin = new_prov.origin or old_prov.origin
            return "\n".join([
                f"{self._prefix(origin)}inconsistent sizes for the {self.label(new_node)}: "
                f"{dim_text(old_value)} and {dim_text(new_value)}",
                f"  {dim_text(old_value)} {old_prov.describe()}",
                f"  {dim_text(new_value)} {new_prov.describe()}",
                "  " + self.bindings(),
            ])
        if len(path) == 1 and path[0][2].kind in ("matmul", "add", "hadamard", "concat"):
            return self._direct_message(path[0], old_value, new_value, override)
        a_label = self.label(path[0][0]) if path else self.label(old_node)
        b_label = self.label(path[-1][1]) if path else self.label(new_node)
        width = max((len(p.name) for p in (new_prov, old_prov) if p.kind == "given"), default=0)
        lines = [
            f"{self._prefix(path[-1][2] if path else None)}"
            f"inconsistent sizes: the {b_label} must equal the {a_label}",
            f"  {new_prov.describe(width)}",
            f"  {old_prov.describe(width)}",
            f"  expected the {b_label} to be {dim_text(old_value)}, got {dim_text(new_value)}",
        ]
        if path:
            lines.append("  because:")
            width = max(len(f"{self.label(a)} = {self.label(b)}") for a, b, _ in path)
            for a, b, origin in path:
                eq = f"{self.label(a)} = {self.label(b)}"
                lines.append(f"    {eq:<{width}}   {self._context(origin)}")
        lines.append("  " + self.bindings())
        return "\n".join(lines)

    def _direct_message(self, step, old_value, new_value, override):
        a, b, origin = step
        left, right = origin.operands
        where = f" in the equation for {origin.equation}" if origin.equation else ""
        op = {
            "matmul": ("multiply", text(origin.node)),
            "add": ("add", text(origin.node)),
            "hadamard": ("take the elementwise product", text(origin.node)),
            "concat": ("concatenate", text(origin.node)),
        }[origin.kind]
        if origin.kind == "matmul" and isinstance(right, OneMatrix):
            name = _operand_text(left)
            return "\n".join([
                f"{self._prefix(origin)}{name} must be a column vector: it is added to every column of the batch ({name} @ 1^T){where}",
                f"  {name} : {self._display_shape(left, override)}",
                f"  expected {name} to have 1 column, got {dim_text(new_value)}",
                "  " + self.bindings(),
            ])
        lines = [f"{self._prefix(origin)}cannot {op[0]} {op[1]}{where}"]
        operands = [left, right] if origin.kind == "matmul" else list(origin.node.args)
        if origin.kind == "concat":
            operands = list(origin.node.blocks)
        names = [_operand_text(x) for x in operands]
        width = max(len(n) for n in names)
        for name, x in zip(names, operands):
            lines.append(f"  {name:<{width}} : {self._display_shape(x, override)}{self._declared_at(x)}")
        got_side = b  # the node whose new value clashed
        got_label = self.label(got_side)
        other_label = self.label(a)
        if origin.kind == "matmul":
            axis_word, owner = _axis_and_owner(got_label)
            other_axis, other_owner = _axis_and_owner(other_label)
            other_owner = _operand_text(right if owner == _operand_text(left) else left)
            if owner not in (_operand_text(left), _operand_text(right)):
                owner = _operand_text(left) if axis_word == "columns" else _operand_text(right)
            lines.append(
                f"  expected {owner} to have {dim_text(old_value)} {axis_word} "
                f"(the {other_axis} of {other_owner}), got {dim_text(new_value)}"
            )
        else:
            lines.append(f"  expected the {got_label} to be {dim_text(old_value)} (the {other_label}), got {dim_text(new_value)}")
        old_prov = self._value[self.find(a)][2] if self.find(a) in self._value else None
        if old_prov is not None and old_prov.kind == "given" and old_prov.name not in names:
            lines.append(f"  the {dim_text(old_value)} comes from {old_prov.describe()}")
        lines.append("  " + self.bindings())
        return "\n".join(lines)

    def _nonpositive_message(self, node, value, provenance):
        return (
            f"{self._prefix(provenance.origin)}the {self.label(node)} would be {dim_text(value)} ({provenance.describe()}), "
            f"but sizes are at least 1\n  " + self.bindings()
        )

    def _negative_part_message(self, total, parts, missing, value, origin):
        prov = self._value[self.find(total)][2]
        known = [f"{self.label(p)} = {dim_text(self._get(p))}" for p in parts if p != missing]
        return "\n".join([
            f"{self._prefix(origin)}cannot fit {origin.context()}",
            f"  its rows must total {dim_text(self._get(total))} ({prov.describe()})",
            f"  but {', '.join(known)}, which leaves {dim_text(value)} for the {self.label(missing)}",
            "  sizes are at least 1",
            "  " + self.bindings(),
        ])

    def missing_message(self, unresolved, given_names):
        """Say which size is missing and what would supply it."""
        missing = [s for s in self.program.sizes if self._get(SIZE_SYMBOLS[s]) is None]
        lines = []
        for size in missing:
            root = self.find(SIZE_SYMBOLS[size])
            suppliers = []
            for name in self.program.inputs + self.program.parameters:
                sym = self.program.symbol(name)
                for axis, dim in zip(("rows", "columns"), sym.shape):
                    if isinstance(dim, sympy.Symbol) and self.find(dim) == root:
                        suppliers.append(f"the {axis} of {name}")
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



#: How each size is given on the command line (``solve -n 20``) and in the API (``input_size=20``).
_SIZE_OPTION = {"n": " (-n, input_size=)", "k": " (-k, hidden_size=)", "p": " (--proj, proj_size=)"}


def _example_shape(program, size):
    tensor, axis = program.size_sources[size]
    return f"{tensor}=20x1" if axis == 0 else f"{tensor}=20x32"


def _axis_and_owner(label):
    axis, _, owner = label.partition(" of ")
    return axis, owner


def _operand_text(x):
    if isinstance(x, OneMatrix) and x.shape[0] == 1:
        return "1^T"
    return text(x)



"""Check a file of user-written equations: infer every shape, report every contradiction.

>>> result = check_text('''
... x_t : 30 x 1
... h_prev : 16 x 1
... z_t = sigmoid(W_z @ x_t + U_z @ h_prev + b_z)
... h_t = (1 - z_t) * h_prev + z_t * tanh(W_n @ x_t + U_n @ h_prev)
... ''')
>>> result.ok, result.shapes["W_z"], result.shapes["U_n"], result.shapes["b_z"]
(True, (16, 30), (16, 16), (16, 1))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .equations import Equation, Program, placeholder, tensor_names
from .errors import UsageError
from .inputs import read_text
from .parser import MAX_CHARS, Assignment, Declaration, ParseError, parse
from .sizes import shape_text
from .solver import DimensionSolver


@dataclass
class SourceMap:
    """Where each statement and operation is in the file, for messages."""

    filename: str
    assignments: dict  # tensor -> Assignment
    declarations: dict  # tensor -> Declaration

    def declaration_line(self, name):
        d = self.declarations.get(name)
        return d.line if d else None

    def locate(self, origin):
        """(line, column) of the operation an Origin came from."""
        if origin.kind == "recurrence":
            new, old = origin.operands
            statement = (self.assignments.get(new) or self.declarations.get(new)
                         or self.declarations.get(old) or self.assignments.get(old))
            return (statement.line, statement.col) if statement else (None, None)
        statement = self.assignments.get(origin.equation)
        if statement is None:
            return None, None
        if origin.kind == "sum":
            return statement.line, statement.ops.get(origin.node, statement.col)
        col = statement.ops.get(origin.node)
        if origin.kind in ("add", "hadamard") and len(origin.operands) == 2:
            cols = statement.arg_ops.get(origin.node)  # point at the operator before the mismatching term
            if cols and origin.operands[1] in origin.node.args:
                col = cols[origin.node.args.index(origin.operands[1])] or col
        if col is None and origin.kind in ("add", "hadamard", "concat"):
            col = next((c for node, c in statement.ops.items() if node == origin.node), None)
        return statement.line, col or statement.col

    def declared_summary(self):
        if not self.declarations:
            return "declared: nothing (every shape is inferred)"
        parts = [f"{d.name} : {shape_text(d.shape)} (line {d.line})" for d in self.declarations.values()]
        return "declared: " + ", ".join(parts)


@dataclass
class CheckResult:
    """What :func:`check_text` found: every tensor's shape, the contradictions, the warnings."""

    filename: str
    equations: list
    shapes: dict  # tensor -> (rows, cols), None where undetermined
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    #: declared tensors whose declaration the other statements contradict (``shapes`` keeps the declared shape)
    conflicting: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def unresolved(self):
        return [name for name, shape in self.shapes.items() if None in shape]


def recurrence_pairs(names):
    """``X_t`` and ``X_prev`` both present: the new state has the shape of the old one."""
    return tuple((name, name[:-2] + "_prev") for name in sorted(names)
                 if name.endswith("_t") and name[:-2] + "_prev" in names)


def check_text(text, filename="<input>"):
    """Parse and check a file's text: every shape inferred, every contradiction in ``errors``."""
    statements = parse(text, filename)
    declarations, assignments = _statements(statements, filename)
    equations = [Equation(placeholder(name), a.expr) for name, a in assignments.items()]
    used = set(assignments)
    for eq in equations:
        used |= tensor_names(eq.rhs)
    warnings = [f"{filename}:{d.line}: {name} is declared but not used"
                for name, d in declarations.items() if name not in used]
    first = _first_uses(statements)
    inputs = tuple(sorted(used - set(assignments), key=lambda n: first.get(n, (0, 0))))
    program = Program(
        equations=tuple(equations), inputs=inputs, parameters=(), sizes=(), size_sources={},
        recurrence=recurrence_pairs(used),
        source=SourceMap(filename, assignments, declarations),
    )
    solver = DimensionSolver(program, collect=True)
    given = {name: d.shape for name, d in declarations.items() if name in used}
    solution = solver.solve(sizes=None, given=given, default_batch=False)
    shapes = dict(solution.shapes)
    # a declaration is what the file says: report it as written, and mark the ones the equations contradict
    conflicting = [name for name, shape in given.items() if shapes[name] != shape]
    shapes.update({name: given[name] for name in conflicting})
    return CheckResult(filename, equations, shapes, list(solver.errors), warnings, conflicting)


def _statements(statements, filename):
    """``({name: Declaration}, {name: Assignment})``; a ParseError for a tensor assigned twice or
    declared twice with different shapes, a UsageError for a file without equations."""
    declarations, assignments = {}, {}
    for s in statements:
        if isinstance(s, Declaration):
            if s.name in declarations and declarations[s.name].shape != s.shape:
                raise ParseError(f"{s.name} is declared twice with different shapes (first on line "
                                 f"{declarations[s.name].line})", filename, s.line, s.col, s.text)
            declarations[s.name] = s
        elif isinstance(s, Assignment):
            if s.name in assignments:
                raise ParseError(f"{s.name} is assigned twice (first on line {assignments[s.name].line}); "
                                 "each tensor has one equation", filename, s.line, s.col, s.text)
            assignments[s.name] = s
    if not assignments:
        raise UsageError(f"{filename} has no equations (NAME = expression)")
    return declarations, assignments


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _first_uses(statements):
    """``{name: (line, column)}`` of each name's first appearance on an equation's right-hand side
    (one pass over the file: a per-name search was quadratic, 20 s for 5,000 equations)."""
    first = {}
    for s in statements:
        if isinstance(s, Assignment):
            for m in _NAME.finditer(s.text.split("=", 1)[1].split("#", 1)[0]):
                first.setdefault(m.group(), (s.line, m.start()))
    return first


def check_file(path):
    """Read (with a size limit) and check a file; ``"-"`` reads standard input."""
    return check_text(read_text(path, MAX_CHARS, "equations"), "<stdin>" if path == "-" else path)

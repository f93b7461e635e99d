"""The data flow of Python model code: a PyTorch ``forward`` or Keras functional calls, read with
:mod:`ast` into :class:`~lstm_symbolic.modelcode_nodes.Apply`, ``Select``, ``Concat`` and ``Opaque``
steps (layer calls, indexing such as ``out[:, -1, :]``, ``torch.cat``, elementwise functions).

>>> index(ast.parse("x[:, -1, None]", mode="eval").body.slice)
(slice(None, None, None), -1, None)
>>> structure(ast.parse("out, (h, c) = 0").body[0].targets[0])
('out', ('h', 'c'))
"""

from __future__ import annotations

import ast

from .modelcode_literals import dotted
from .modelcode_nodes import Apply, Concat, Opaque, Select

#: Functions (last name component) that keep their argument's shape.
ELEMENTWISE = {"relu", "tanh", "sigmoid", "dropout", "gelu", "elu", "leaky_relu", "softmax", "log_softmax",
               "contiguous", "float", "double", "clone", "detach", "to", "cpu", "cuda"}
#: Functions that join tensors along an axis, with the axis they use when none is given.
CONCATENATE = {"cat": 0, "concat": 0, "concatenate": -1}
#: Module names under which an elementwise function takes its operand as first argument (``F.relu(x)``);
#: elsewhere it is a method of its operand (``x.relu()``).
_FUNCTION_MODULES = {"F", "torch", "functional", "nn"}


class FlowReader:
    """Collects the flow steps in execution order (``steps``).

    ``layers`` is the reader that records the layers; the flow asks it for ``groups`` (the layer
    indices of each named ``nn.Sequential``), ``functional(node)`` (a Keras functional call),
    ``add_layer(node)``, ``value(node)`` (literal values) and ``code`` (for problems)."""

    def __init__(self, layers):
        self.layers = layers
        self.steps = []
        self.temps = 0

    def statements(self, body):
        """The assignments and the return of a ``forward`` body; control flow is reported, not followed."""
        for stmt in body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]):
                    self.expression(stmt.value, structure(target))
            elif isinstance(stmt, ast.Return) and stmt.value is not None:
                self.expression(stmt.value, "return")
            elif isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.AugAssign)):
                first = ast.unparse(stmt).splitlines()[0]
                self.layers.code.problem(stmt.lineno, f"{first.rstrip(':')}: control flow and in-place updates in "
                                                      "forward are not followed; shapes after it may be unknown")
                for node in ast.walk(stmt):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        self.steps.append(Opaque(node.id, first, stmt.lineno))

    def temp(self):
        self.temps += 1
        return f"${self.temps}"

    def expression(self, node, target=None):
        """Record the steps computing ``node``; the variable (or name structure) holding it."""
        if target is None and isinstance(node, ast.Name):
            return node.id
        target = target or self.temp()
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name):
            self.steps.append(Select(node.id, (), target, line, same=True))
        elif isinstance(node, ast.Subscript):
            found = index(node.slice)
            if found is None:
                self.steps.append(Opaque(target, ast.unparse(node), line))
            else:
                self.steps.append(Select(self.expression(node.value), found, target, line))
        elif isinstance(node, ast.Call):
            self.call(node, target, line)
        else:
            self.steps.append(Opaque(target, ast.unparse(node), line))
        return target

    def call(self, node, target, line):
        """A call in the flow: a named layer or Sequential, a functional layer, a concatenation, an
        elementwise function, or (anything else) an opaque step."""
        func = dotted(node.func) or ""
        last = func.rsplit(".", 1)[-1]
        if func.startswith("self.") and func[5:] in self.layers.groups:
            self.group(self.layers.groups[func[5:]], node, target, line)
        elif self.layers.functional(node):
            is_input = not isinstance(node.func, ast.Call)
            layer = self.layers.add_layer(node if is_input else node.func)
            source = None if is_input or not node.args else self.expression(node.args[0])
            self.steps.append(Apply(layer, source, target, line))
        elif last in CONCATENATE and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
            self.concat(node, CONCATENATE[last], target, line)
        elif last in ELEMENTWISE:
            operand = (node.args[0] if node.args else None) if func.split(".")[0] in _FUNCTION_MODULES \
                else getattr(node.func, "value", None)
            self.steps.append(Opaque(target, ast.unparse(node), line) if operand is None
                              else Select(self.expression(operand), (), target, line, same=True))
        else:
            self.steps.append(Opaque(target, ast.unparse(node), line))

    def group(self, layers, node, target, line):
        """``self.seq(x)``: each layer of the Sequential applied to the previous one's output."""
        source = self.expression(node.args[0]) if node.args else None
        for i, layer in enumerate(layers):
            out = target if i == len(layers) - 1 else self.temp()
            self.steps.append(Apply(layer, source, out, line))
            source = out

    def concat(self, node, default_dim, target, line):
        """``torch.cat([a, b], dim=...)`` / ``concatenate([...], axis=...)``; opaque when the axis is not literal."""
        dim = ([self.layers.value(k.value) for k in node.keywords if k.arg in ("dim", "axis")]
               or [self.layers.value(a) for a in node.args[1:2]] or [default_dim])[0]
        sources = tuple(self.expression(e) for e in node.args[0].elts)
        self.steps.append(Concat(sources, dim, target, line) if isinstance(dim, int)
                          else Opaque(target, ast.unparse(node), line))


def index(node):
    """An index expression as a tuple of ints, slices, None and Ellipsis; None if not literal."""
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    found = []
    for part in parts:
        if isinstance(part, ast.Slice):
            bounds = [integer(b) if b is not None else None for b in (part.lower, part.upper, part.step)]
            if any(b is False for b in bounds):
                return None
            found.append(slice(*bounds))
        elif isinstance(part, ast.Constant) and (part.value is None or part.value is Ellipsis):
            found.append(part.value)
        elif integer(part) is False:
            return None
        else:
            found.append(integer(part))
    return tuple(found)


def integer(node):
    """An integer literal (``-1`` included), or False."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = integer(node.operand)
        return False if inner is False else -inner
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return False


def structure(target):
    """The name structure of an assignment target: ``out, (h, c)`` -> ``("out", ("h", "c"))``."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, (ast.Tuple, ast.List)):
        return tuple(structure(e) for e in target.elts)
    return "_"

"""The literal values of Python expressions in model code, read with :mod:`ast` (nothing evaluated).

A :class:`Literals` turns an expression into the value it certainly has: numbers, strings, tuples,
lists, arithmetic on numbers, ``not``, a conditional with a known test, a name bound earlier
(``hidden = 128``), or a layer call (through the callback it is given); anything else is an
:class:`~lstm_symbolic.modelcode_nodes.Unknown` holding the source text.

>>> import ast
>>> literals = Literals(lambda call: None)
>>> literals.bind("hidden", ast.parse("64 * 2", mode="eval").body)
>>> literals.value(ast.parse("(hidden, hidden // 3, width)", mode="eval").body)
(128, 42, <width>)
"""

from __future__ import annotations

import ast
import operator

from .modelcode_nodes import Unknown

#: The largest integer kept as a value; a larger result is Unknown (``10 ** 10 ** 10`` stays text).
MAX_INT = 10 ** 15

#: Arithmetic read on numbers; the operators that divide refuse a zero divisor.
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
              ast.FloorDiv: operator.floordiv, ast.Div: operator.truediv, ast.Mod: operator.mod}
_DIVIDING = (ast.FloorDiv, ast.Div, ast.Mod)


def dotted(node):
    """``nn.LSTM`` for ``nn.LSTM``, ``self.lstm`` for ``self.lstm``; None for anything else.

    >>> dotted(ast.parse("super().lstm", mode="eval").body)
    'super().lstm'
    """
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id] + parts[::-1])
    if isinstance(node, ast.Call) and dotted(node.func) == "super":
        return ".".join(["super()"] + parts[::-1])
    return None


def _number(value):
    return type(value) in (int, float)


class Literals:
    """Names bound to literal values (``env``) and the evaluation of expressions against them.

    ``layer_call(node)`` gives the LayerCall an ``ast.Call`` constructs, or None when the call is
    not a layer (its value is then Unknown)."""

    def __init__(self, layer_call):
        self.env = {}
        self.layer_call = layer_call

    def value(self, node):
        """The literal value of an expression, a LayerCall for a layer call, else Unknown."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Tuple):
            return tuple(self.value(e) for e in node.elts)
        if isinstance(node, ast.List):
            return [self.value(e) for e in node.elts]
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.BinOp):
            return self.arithmetic(node)
        if isinstance(node, ast.IfExp):
            test = self.value(node.test)
            if isinstance(test, (bool, int)):
                return self.value(node.body if test else node.orelse)
        name = dotted(node)
        if name is not None and name in self.env:
            return self.env[name]
        found = self.layer_call(node) if isinstance(node, ast.Call) else None
        return Unknown(ast.unparse(node)) if found is None else found

    def unary(self, node):
        """``-x``, ``+x`` on a number and ``not`` on a bool; else Unknown."""
        inner = self.value(node.operand)
        if isinstance(node.op, ast.Not) and isinstance(inner, bool):
            return not inner
        if isinstance(node.op, (ast.USub, ast.UAdd)) and _number(inner):
            return -inner if isinstance(node.op, ast.USub) else inner
        return Unknown(ast.unparse(node))

    def arithmetic(self, node):
        """``a + b`` and the like on two numbers (``/`` giving an int when exact); else Unknown."""
        left, right = self.value(node.left), self.value(node.right)
        op = type(node.op)
        if _number(left) and _number(right) and op in _OPERATORS and not (right == 0 and op in _DIVIDING):
            result = _OPERATORS[op](left, right)
            if isinstance(result, float) and result.is_integer() and op is ast.Div:
                result = int(result)
            if abs(result) <= MAX_INT:
                return result
        return Unknown(ast.unparse(node))

    def bind(self, name, node):
        """Bind ``name`` to the value of ``node`` when that value is known."""
        found = self.value(node)
        if not isinstance(found, Unknown):
            self.env[name] = found

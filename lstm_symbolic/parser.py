"""The equation language: a small text format, parsed by hand (never evaluated).

::

    # comments start with #
    x_t : 80 x 1                        # a declaration; sizes may be symbols: k x (n + k)
    f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)
    c_t = f_t * c_prev + i_t * g_t      # * is the elementwise (Hadamard) product
    z_t = [1; h_prev; x_t]              # vertical concatenation; a 1 is a row of ones
    h_t = o_t * tanh(c_t)

This module reads a file into statements: a declaration's shape is parsed here, an
equation's right-hand side by :class:`~lstm_symbolic.parser_expressions.ExpressionParser`,
both over the tokens of :mod:`~lstm_symbolic.parser_tokens`.  User text never reaches
``eval``, ``exec``, ``sympify`` or ``parse_expr`` (design, pitfall 8).  Inputs are limited
in size and nesting depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy

from .cell import size_symbol
from .equations import placeholder
from .errors import ParseError, UsageError
from .parser_expressions import ExpressionParser, FreshSizes, is_scalar
from .parser_tokens import FUNCTIONS, MAX_DEPTH, RESERVED, Token, TokenReader, tokenize
from .sizes import MAX_SIZE

__all__ = ["MAX_CHARS", "MAX_DEPTH", "FUNCTIONS", "Assignment", "Declaration", "ParseError", "parse"]

MAX_CHARS = 200_000
MAX_LINES = 5_000
MAX_LINE_CHARS = 2_000

_SEPARATOR = re.compile(r"(?<![A-Za-z_])\s*[x×X]\s*(?![A-Za-z_])")


@dataclass
class Declaration:
    """``NAME : ROWS x COLS``."""

    name: str
    shape: tuple  # (rows, cols): ints or SymPy expressions
    line: int
    col: int
    text: str


@dataclass
class Assignment:
    """``NAME = expression``."""

    name: str
    expr: object  # a SymPy matrix expression
    line: int
    col: int
    text: str
    ops: dict = field(default_factory=dict)  # SymPy node -> column of its operator
    arg_ops: dict = field(default_factory=dict)  # flat sum / product -> column of the operator before each arg


def _parse_dims(text, filename, line, col0, full, sizes):
    """Parse the shape of a declaration: ``80 x 1``, ``k x (n + k)``, ``(50, 20)``."""
    body = text.strip()
    if body.startswith("(") and body.endswith(")") and "," in body:
        body = body[1:-1]
    parts = body.split(",") if "," in body else _SEPARATOR.split(body)
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise ParseError("a shape is ROWS x COLS, e.g. 80 x 1 or k x (n + k)", filename, line, col0, full)
    dims = []
    offset = full.index(text) if text in full else col0 - 1
    for part in parts:
        tokens = tokenize(part, filename, line)
        tokens = [Token(t.kind, t.text, t.col + offset + (full[offset:].find(part.strip()) if part.strip() else 0))
                  for t in tokens]
        dims.append(_DimParser(tokens, filename, line, full, sizes).parse())
    return tuple(dims)


class _DimParser(TokenReader):
    """Sizes: integers, size names, + - and integer * size, parentheses."""

    def __init__(self, tokens, filename, line, text, sizes):
        super().__init__(tokens, filename, line, text)
        self.sizes = sizes

    def parse(self):
        value = self.sum()
        self.done()
        if isinstance(value, sympy.Basic) and value.is_Integer:
            value = int(value)
        if isinstance(value, int) and value < 1:
            self.fail(f"a size must be at least 1, got {value}", self.tokens[0] if self.tokens else None)
        if isinstance(value, int) and value > MAX_SIZE:
            self.fail(f"a size is at most 10**18 (as everywhere in this tool), got {value}",
                      self.tokens[0] if self.tokens else None)
        return value

    def sum(self):
        value = self.product()
        while self.peek("+") or self.peek("-"):
            op = self.take()
            right = self.product()
            value = value + right if op.text == "+" else value - right
        return value

    def product(self):
        value = self.factor()
        while self.peek("*"):
            self.take()
            value = value * self.factor()
        return value

    def factor(self):
        tok = self.peek()
        if tok is None:
            self.fail("expected a size", tok)
        self.take()
        if tok.kind == "number":
            if not tok.text.isdigit():
                self.fail(f"sizes are whole numbers, got {tok.text}", tok)
            if len(tok.text.lstrip("0")) > 19 or int(tok.text) > MAX_SIZE:  # (no huge products of huge numbers)
                self.fail(f"a size is at most 10**18 (as everywhere in this tool), got {tok.text}", tok)
            return sympy.Integer(int(tok.text))
        if tok.kind == "name":
            return self.sizes(tok.text)
        if tok.text == "(":
            self.enter(tok)
            value = self.sum()
            self.take(")", "')'")
            self.leave()
            return value
        self.fail(f"unexpected {tok.text!r} in a size", tok)


def _check_head(tokens, filename, number, raw):
    """ParseError unless the statement starts ``NAME :`` or ``NAME =`` with a tensor name."""
    head = tokens[0]
    if head.kind != "name":
        raise ParseError("a statement starts with a tensor name: NAME = ... or NAME : ROWS x COLS",
                         filename, number, head.col, raw)
    if head.text in FUNCTIONS or head.text in RESERVED:
        what = "a function" if head.text in FUNCTIONS else "a reserved word"
        raise ParseError(f"{head.text} is {what}, not a tensor name", filename, number, head.col, raw)
    if len(tokens) < 2 or tokens[1].text not in (":", "="):
        col = tokens[1].col if len(tokens) > 1 else len(raw.rstrip()) + 1
        raise ParseError(f"expected ':' (a declaration) or '=' (an equation) after {head.text}",
                         filename, number, col, raw)


def _lines(text, filename):
    """The file's lines, after the limits on characters and lines."""
    if len(text) > MAX_CHARS:
        raise UsageError(f"{filename} is too large ({len(text)} characters; the limit is {MAX_CHARS})")
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise UsageError(f"{filename} has too many lines ({len(lines)}; the limit is {MAX_LINES})")
    return lines


def parse(text, filename="<input>"):
    """Parse a whole file into declarations and assignments (a list, in file order).

    >>> [(type(s).__name__, s.name) for s in parse("x_t : 80 x 1\\nh_t = tanh(W @ x_t)")]
    [('Declaration', 'x_t'), ('Assignment', 'h_t')]
    """
    tensors, fresh = {}, FreshSizes()  # per file: the same text always gives the same symbols

    def tensor(name):
        if name not in tensors:
            tensors[name] = placeholder(name)
        return tensors[name]

    statements = []
    for number, raw in enumerate(_lines(text, filename), start=1):
        if len(raw) > MAX_LINE_CHARS:
            raise ParseError(f"line is too long (more than {MAX_LINE_CHARS} characters)", filename, number,
                             MAX_LINE_CHARS, raw[:80])
        tokens = tokenize(raw, filename, number)
        if not tokens:
            continue
        head = tokens[0]
        _check_head(tokens, filename, number, raw)
        if tokens[1].text == ":":
            start = tokens[1].col
            body = raw[start:].split("#", 1)[0]
            shape = _parse_dims(body, filename, number, start + 1, raw, size_symbol)
            statements.append(Declaration(head.text, shape, number, head.col, raw))
            continue
        parser = ExpressionParser(tokens[2:], filename, number, raw, tensor, fresh)
        if not tokens[2:]:
            parser.fail("expected an expression after '='")
        expr = parser.expression()
        parser.done()
        if is_scalar(expr):
            parser.fail(f"{head.text} = a number: an equation defines a tensor", tokens[2])
        statements.append(Assignment(head.text, expr, number, head.col, raw, parser.ops, parser.arg_ops))
    return statements

"""The equation language: a small text format, parsed by hand (never evaluated).

::

    # comments start with #
    x_t : 80 x 1                        # a declaration; sizes may be symbols: k x (n + k)
    f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)
    c_t = f_t * c_prev + i_t * g_t      # * is the elementwise (Hadamard) product
    z_t = [1; h_prev; x_t]              # vertical concatenation; a 1 is a row of ones
    h_t = o_t * tanh(c_t)

``@`` matrix product, ``*`` Hadamard product (or a number times a matrix), ``+ -``,
unary minus, numbers broadcast (``1 - z_t``), ``.T`` transpose, parentheses,
functions from :data:`FUNCTIONS`, concatenation ``[a; b; ...]``.

A tokenizer and a recursive-descent parser build the SymPy objects directly; user
text never reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr`` (design,
pitfall 8).  Inputs are limited in size and nesting depth.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from itertools import count

import sympy
from sympy import HadamardProduct, MatAdd, MatMul, OneMatrix, Transpose

from .errors import ParseError, UsageError
from .sizes import MAX_SIZE

#: Functions the language knows (an extensible table: name -> activation name).
FUNCTIONS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "exp": "exp", "softmax": "softmax"}

MAX_CHARS = 200_000
MAX_LINES = 5_000
MAX_LINE_CHARS = 2_000
#: Levels of nesting (parentheses, brackets, function calls, unary signs) one expression may use.
MAX_DEPTH = 40

_TOKEN = re.compile(r"""
    (?P<space>[ \t]+)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z][A-Za-z0-9_]*)
  | (?P<op>\.T\b|[@*+\-()\[\];:=,×^])
""", re.VERBOSE)
_SEPARATOR = re.compile(r"(?<![A-Za-z_])\s*[x×X]\s*(?![A-Za-z_])")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    col: int  # 1-based


@dataclass
class Declaration:
    name: str
    shape: tuple  # (rows, cols): ints or SymPy expressions
    line: int
    col: int
    text: str


@dataclass
class Assignment:
    name: str
    expr: object  # a SymPy matrix expression
    line: int
    col: int
    text: str
    ops: dict = field(default_factory=dict)  # SymPy node -> column of its operator
    arg_ops: dict = field(default_factory=dict)  # flat sum / product -> column of the operator before each arg


def _tokenize(text, filename, line):
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos] == "#":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise ParseError(f"unexpected character {text[pos]!r}", filename, line, pos + 1, text)
        if m.lastgroup != "space":
            tokens.append(Token(m.lastgroup, m.group(), pos + 1))
        pos = m.end()
    return tokens


class _Statement:
    """Recursive descent over the tokens of one line."""

    def __init__(self, tokens, filename, line, text, tensor):
        self.tokens, self.i = tokens, 0
        self.filename, self.line, self.text = filename, line, text
        self.tensor = tensor  # name -> MatrixSymbol (shared across the file)
        self.ops = {}
        self.arg_ops = {}
        self.depth = 0

    # -- helpers ----------------------------------------------------------------------
    def peek(self, text=None):
        tok = self.tokens[self.i] if self.i < len(self.tokens) else None
        if text is None or tok is None:
            return tok
        return tok if tok.text == text else None

    def take(self, text=None, what=None):
        tok = self.peek()
        if tok is None or (text is not None and tok.text != text):
            expected = what or repr(text)
            found = f"{tok.text!r}" if tok else "the end of the line"
            self.fail(f"expected {expected}, found {found}", tok)
        self.i += 1
        return tok

    def fail(self, message, tok=None):
        col = tok.col if tok else len(self.text.rstrip()) + 1
        raise ParseError(message, self.filename, self.line, col, self.text)

    def enter(self, tok):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"expression nested too deeply (more than {MAX_DEPTH} levels of parentheses, brackets, "
                      "function calls or signs)", tok)

    def note(self, node, col):
        """Remember where an operation is (for messages); a repeated subexpression: its leftmost."""
        self.ops[node] = min(self.ops.get(node, col), col)

    # -- expressions ----------------------------------------------------------------------
    def expression(self):
        operands, ops = [self.term()], []
        while self.peek("+") or self.peek("-"):
            ops.append(self.take())
            operands.append(self.term())
        return self.fold(operands, ops)

    def term(self):
        operands, ops = [self.unary()], []
        while self.peek("@") or self.peek("*"):
            ops.append(self.take())
            operands.append(self.unary())
        return self.fold(operands, ops)

    def fold(self, operands, ops):
        """Combine left to right; a run of matrices joined by one kind of operation (``a + b - c``,
        ``a * b * c``, ``a @ b @ c``) becomes one flat node built once (pairwise rebuilding was
        quadratic: 75 s for a file of long sums).  A number in a sum is a ones matrix times it."""
        left, i = operands[0], 0
        while i < len(ops):
            cls = _CHAIN[ops[i].text]
            numbers = _is_scalar(left), _is_scalar(operands[i + 1])
            if all(numbers) or (any(numbers) and cls is not MatAdd):
                left = self.combine(ops[i], left, operands[i + 1])
                i += 1
                continue
            if _is_scalar(left):
                left = _ones_times(left)
            if cls is MatMul:
                chain = isinstance(left, MatMul) and all(a.is_Matrix for a in left.args)
            else:
                chain = type(left) is cls
            args = list(left.args) if chain else [left]
            cols = list(self.arg_ops.get(left, [None] * len(args))) if chain else [None]
            while i < len(ops) and _CHAIN[ops[i].text] is cls and (cls is MatAdd or not _is_scalar(operands[i + 1])):
                op, right = ops[i], operands[i + 1]
                if cls is MatMul:
                    self.note(MatMul(args[-1], right, evaluate=False), op.col)
                    args.append(right)
                else:
                    if _is_scalar(right):
                        right = _ones_times(right)
                    if op.text == "-":
                        right = MatMul(-1, right, evaluate=False)
                    added = right.args if type(right) is cls else [right]
                    args.extend(added)
                    cols.extend([op.col] * len(added))
                last, i = op, i + 1
            left = cls(*args, evaluate=False)
            if cls is not MatMul:
                self.note(left, last.col)
                self.arg_ops.setdefault(left, cols)
        return left

    def unary(self):
        if self.peek("-"):
            tok = self.take()
            self.enter(tok)
            value = self.unary()
            self.depth -= 1
            return -value if _is_scalar(value) else MatMul(-1, value, evaluate=False)
        if self.peek("+"):
            self.take()
            return self.unary()
        return self.postfix()

    def postfix(self):
        value = self.atom()
        while self.peek(".T"):
            tok = self.take()
            if _is_scalar(value):
                self.fail("a number has no transpose", tok)
            value = Transpose(value)
        if self.peek("^"):
            self.fail("'^' is not an operator here: use '*' for elementwise products", self.peek())
        return value

    def atom(self):
        tok = self.peek()
        if tok is None:
            self.fail("expected a tensor, a number, '(' or '[', found the end of the line", tok)
        if tok.kind == "number":
            self.take()
            value = float(tok.text)
            return sympy.Integer(int(value)) if value.is_integer() and "." not in tok.text else sympy.Float(value)
        if tok.kind == "name":
            self.take()
            if self.peek("("):
                return self.call(tok)
            return self.name(tok)
        if tok.text == "(":
            self.take()
            self.enter(tok)
            value = self.expression()
            self.take(")", "')'")
            self.depth -= 1
            return value
        if tok.text == "[":
            return self.concatenation()
        self.fail(f"expected a tensor, a number, '(' or '[', found {tok.text!r}", tok)

    def name(self, tok):
        _check_name(tok, self)
        if tok.text in FUNCTIONS:
            self.fail(f"{tok.text} is a function: write {tok.text}(...)", tok)
        return self.tensor(tok.text)

    def call(self, tok):
        if tok.text not in FUNCTIONS:
            self.fail(f"unknown function {tok.text!r}; known functions: {', '.join(FUNCTIONS)}", tok)
        self.take("(")
        self.enter(tok)
        arg = self.expression()
        if self.peek(","):
            self.fail(f"{tok.text} takes one argument", self.peek())
        self.take(")", "')'")
        self.depth -= 1
        if _is_scalar(arg):
            self.fail(f"{tok.text} is applied to a number; it applies to tensors", tok)
        from .equations import apply

        node = apply(FUNCTIONS[tok.text], arg)
        self.note(node, tok.col)
        return node

    def concatenation(self):
        from .equations import VConcat

        open_tok = self.take("[")
        self.enter(open_tok)
        blocks = [self.block()]
        while self.peek(";"):
            self.take(";")
            blocks.append(self.block())
        if self.peek(","):
            self.fail("only vertical concatenation [a; b] is supported; separate blocks with ';'", self.peek())
        self.take("]", "';' or ']'")
        self.depth -= 1
        if len(blocks) == 1:
            self.fail("a concatenation needs at least two blocks: [a; b]", open_tok)
        node = VConcat(*blocks)
        self.note(node, open_tok.col)
        return node

    def block(self):
        value = self.expression()
        if _is_scalar(value):
            ones = OneMatrix(1, _fresh("cols"))
            return ones if value == 1 else MatMul(value, ones, evaluate=False)
        return value

    def combine(self, op, left, right):
        """``left op right`` with a number in it: arithmetic, or a number scaling a matrix
        (sums with a number are built by :meth:`fold`)."""
        both = _is_scalar(left) and _is_scalar(right)
        if op.text == "@":
            self.fail("'@' multiplies matrices; use '*' with numbers" if both
                      else "'@' multiplies two matrices; a number scales with '*'", op)
        if both:
            return {"+": left + right, "-": left - right, "*": left * right}[op.text]
        scalar, matrix = (left, right) if _is_scalar(left) else (right, left)
        return MatMul(scalar, matrix, evaluate=False)

    def done(self):
        tok = self.peek()
        if tok is not None:
            if tok.text == ";":
                self.fail("';' separates blocks inside [...]; write one statement per line", tok)
            self.fail(f"unexpected {tok.text!r} after the end of the expression", tok)


_RESERVED = set(keyword.kwlist) | {"print", "eval", "exec", "import"}


def _check_name(tok, statement):
    if tok.text in _RESERVED:
        statement.fail(f"{tok.text!r} is a reserved word, not a tensor name", tok)


_counter = count()


def _fresh(axis):
    return sympy.Symbol(f"_ones{next(_counter)}.{axis}")


def _is_scalar(value):
    return isinstance(value, sympy.Basic) and not value.is_Matrix


def _ones_times(scalar):
    ones = OneMatrix(_fresh("rows"), _fresh("cols"))
    return ones if scalar == 1 else MatMul(scalar, ones, evaluate=False)


_CHAIN = {"+": MatAdd, "-": MatAdd, "*": HadamardProduct, "@": MatMul}


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
        tokens = _tokenize(part, filename, line)
        tokens = [Token(t.kind, t.text, t.col + offset + (full[offset:].find(part.strip()) if part.strip() else 0))
                  for t in tokens]
        dims.append(_DimParser(tokens, filename, line, full, sizes).parse())
    return tuple(dims)


class _DimParser(_Statement):
    """Sizes: integers, size names, + - and integer * size, parentheses."""

    def __init__(self, tokens, filename, line, text, sizes):
        super().__init__(tokens, filename, line, text, None)
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
            self.depth -= 1
            return value
        self.fail(f"unexpected {tok.text!r} in a size", tok)


def _check_head(tokens, filename, number, raw):
    """ParseError unless the statement starts ``NAME :`` or ``NAME =`` with a tensor name."""
    head = tokens[0]
    if head.kind != "name":
        raise ParseError("a statement starts with a tensor name: NAME = ... or NAME : ROWS x COLS",
                         filename, number, head.col, raw)
    if head.text in FUNCTIONS or head.text in _RESERVED:
        what = "a function" if head.text in FUNCTIONS else "a reserved word"
        raise ParseError(f"{head.text} is {what}, not a tensor name", filename, number, head.col, raw)
    if len(tokens) < 2 or tokens[1].text not in (":", "="):
        col = tokens[1].col if len(tokens) > 1 else len(raw.rstrip()) + 1
        raise ParseError(f"expected ':' (a declaration) or '=' (an equation) after {head.text}",
                         filename, number, col, raw)


def parse(text, filename="<input>"):
    """Parse a whole file into declarations and assignments (a list, in file order)."""
    from .cell import size_symbol
    from .equations import placeholder

    if len(text) > MAX_CHARS:
        raise UsageError(f"{filename} is too large ({len(text)} characters; the limit is {MAX_CHARS})")
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise UsageError(f"{filename} has too many lines ({len(lines)}; the limit is {MAX_LINES})")
    tensors = {}

    def tensor(name):
        if name not in tensors:
            tensors[name] = placeholder(name)
        return tensors[name]

    statements = []
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE_CHARS:
            raise ParseError(f"line is too long (more than {MAX_LINE_CHARS} characters)", filename, number,
                             MAX_LINE_CHARS, raw[:80])
        tokens = _tokenize(raw, filename, number)
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
        parser = _Statement(tokens[2:], filename, number, raw, tensor)
        if not tokens[2:]:
            parser.fail("expected an expression after '='")
        expr = parser.expression()
        parser.done()
        if _is_scalar(expr):
            parser.fail(f"{head.text} = a number: an equation defines a tensor", tokens[2])
        statements.append(Assignment(head.text, expr, number, head.col, raw, parser.ops, parser.arg_ops))
    return statements

"""The right-hand side of an equation: recursive descent over its tokens, building SymPy objects.

``@`` matrix product, ``*`` Hadamard product (or a number times a matrix), ``+ -``,
unary minus, numbers broadcast (``1 - z_t`` is a ones matrix minus ``z_t``), ``.T``
transpose, parentheses, functions from :data:`~lstm_symbolic.parser_tokens.FUNCTIONS`,
concatenation ``[a; b; ...]``.  The SymPy objects are built directly: user text never
reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr`` (design, pitfall 8).
"""

from __future__ import annotations

from itertools import count

import sympy
from sympy import HadamardProduct, MatAdd, MatMul, OneMatrix, Transpose

from .equations import VConcat, apply
from .parser_tokens import FUNCTIONS, TokenReader

_CHAIN = {"+": MatAdd, "-": MatAdd, "*": HadamardProduct, "@": MatMul}


class FreshSizes:
    """Dimension symbols of the ones matrices that numbers broadcast to (``_ones0.rows``, ...),
    numbered per file so that parsing the same text twice gives the same symbols."""

    def __init__(self):
        self._counter = count()

    def __call__(self, axis):
        return sympy.Symbol(f"_ones{next(self._counter)}.{axis}")

    def ones(self, scalar):
        """A ones matrix of unknown shape times ``scalar`` (the ones matrix itself for 1)."""
        ones = OneMatrix(self("rows"), self("cols"))
        return ones if scalar == 1 else MatMul(scalar, ones, evaluate=False)


class ExpressionParser(TokenReader):
    """Recursive descent over the tokens of one right-hand side.

    ``tensor(name)`` gives the MatrixSymbol of a name (shared across a file); ``fresh`` the
    file's :class:`FreshSizes`.  ``ops`` and ``arg_ops`` record where each operation is, for messages.
    """

    def __init__(self, tokens, filename, line, text, tensor, fresh):
        super().__init__(tokens, filename, line, text)
        self.tensor = tensor
        self.fresh = fresh
        self.ops = {}  # SymPy node -> column of its operator
        self.arg_ops = {}  # flat sum / product -> column of the operator before each argument

    def note(self, node, col):
        """Remember where an operation is (for messages); a repeated subexpression: its leftmost."""
        self.ops[node] = min(self.ops.get(node, col), col)

    # -- sums and products ------------------------------------------------------------------
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
            numbers = is_scalar(left), is_scalar(operands[i + 1])
            if all(numbers) or (any(numbers) and cls is not MatAdd):
                left = self.combine(ops[i], left, operands[i + 1])
                i += 1
                continue
            left, i = self.chain(cls, left, operands, ops, i)
        return left

    def chain(self, cls, left, operands, ops, i):
        """Fold the run of ``cls`` operations starting at ``ops[i]`` into one flat node;
        return it and the index after the run."""
        if is_scalar(left):
            left = self.fresh.ones(left)
        if cls is MatMul:
            flat = isinstance(left, MatMul) and all(a.is_Matrix for a in left.args)
        else:
            flat = type(left) is cls
        args = list(left.args) if flat else [left]
        cols = list(self.arg_ops.get(left, [None] * len(args))) if flat else [None]
        while i < len(ops) and _CHAIN[ops[i].text] is cls and (cls is MatAdd or not is_scalar(operands[i + 1])):
            op, right = ops[i], operands[i + 1]
            if cls is MatMul:
                self.note(MatMul(args[-1], right, evaluate=False), op.col)
                args.append(right)
            else:
                if is_scalar(right):
                    right = self.fresh.ones(right)
                if op.text == "-":
                    right = MatMul(-1, right, evaluate=False)
                added = right.args if type(right) is cls else [right]
                args.extend(added)
                cols.extend([op.col] * len(added))
            last, i = op, i + 1
        node = cls(*args, evaluate=False)
        if cls is not MatMul:
            self.note(node, last.col)
            self.arg_ops.setdefault(node, cols)
        return node, i

    def combine(self, op, left, right):
        """``left op right`` with a number in it: arithmetic, or a number scaling a matrix
        (sums with a number are built by :meth:`fold`)."""
        both = is_scalar(left) and is_scalar(right)
        if op.text == "@":
            self.fail("'@' multiplies matrices; use '*' with numbers" if both
                      else "'@' multiplies two matrices; a number scales with '*'", op)
        if both:
            return {"+": left + right, "-": left - right, "*": left * right}[op.text]
        scalar, matrix = (left, right) if is_scalar(left) else (right, left)
        return MatMul(scalar, matrix, evaluate=False)

    # -- signs, transposes, atoms -------------------------------------------------------------
    def unary(self):
        if self.peek("-"):
            tok = self.take()
            self.enter(tok)
            value = self.unary()
            self.leave()
            return -value if is_scalar(value) else MatMul(-1, value, evaluate=False)
        if self.peek("+"):
            self.take()
            return self.unary()
        return self.postfix()

    def postfix(self):
        value = self.atom()
        while self.peek(".T"):
            tok = self.take()
            if is_scalar(value):
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
            return self.call(tok) if self.peek("(") else self.name(tok)
        if tok.text == "(":
            self.take()
            self.enter(tok)
            value = self.expression()
            self.take(")", "')'")
            self.leave()
            return value
        if tok.text == "[":
            return self.concatenation()
        self.fail(f"expected a tensor, a number, '(' or '[', found {tok.text!r}", tok)

    def name(self, tok):
        self.check_name(tok)
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
        self.leave()
        if is_scalar(arg):
            self.fail(f"{tok.text} is applied to a number; it applies to tensors", tok)
        node = apply(FUNCTIONS[tok.text], arg)
        self.note(node, tok.col)
        return node

    def concatenation(self):
        open_tok = self.take("[")
        self.enter(open_tok)
        blocks = [self.block()]
        while self.peek(";"):
            self.take(";")
            blocks.append(self.block())
        if self.peek(","):
            self.fail("only vertical concatenation [a; b] is supported; separate blocks with ';'", self.peek())
        self.take("]", "';' or ']'")
        self.leave()
        if len(blocks) == 1:
            self.fail("a concatenation needs at least two blocks: [a; b]", open_tok)
        node = VConcat(*blocks)
        self.note(node, open_tok.col)
        return node

    def block(self):
        """One block of a concatenation; a number is a row of that number (``[1; h_prev; x_t]``)."""
        value = self.expression()
        if is_scalar(value):
            ones = OneMatrix(1, self.fresh("cols"))
            return ones if value == 1 else MatMul(value, ones, evaluate=False)
        return value


def is_scalar(value):
    """A SymPy number (or scalar expression), not a matrix."""
    return isinstance(value, sympy.Basic) and not value.is_Matrix


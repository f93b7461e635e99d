"""The equation language's tokens, and a reader over the tokens of one line.

:func:`tokenize` splits a line into numbers, names and operators (a ``#`` ends the
line); :class:`TokenReader` is the cursor the parsers of expressions
(:mod:`~lstm_symbolic.parser_expressions`) and of sizes (:mod:`~lstm_symbolic.parser`)
walk, with located :class:`~lstm_symbolic.errors.ParseError` messages and a limit on nesting.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from .errors import ParseError

#: Functions the language knows (an extensible table: name -> activation name).
FUNCTIONS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "exp": "exp", "softmax": "softmax"}

#: Words that are never tensor names.
RESERVED = frozenset(keyword.kwlist) | {"print", "eval", "exec", "import"}

#: Levels of nesting (parentheses, brackets, function calls, unary signs) one expression may use.
MAX_DEPTH = 40

_TOKEN = re.compile(r"""
    (?P<space>[ \t]+)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z][A-Za-z0-9_]*)
  | (?P<op>\.T\b|[@*+\-()\[\];:=,×^])
""", re.VERBOSE)


@dataclass(frozen=True)
class Token:
    kind: str  # number | name | op
    text: str
    col: int  # 1-based


def tokenize(text, filename, line):
    """The tokens of one line, up to a ``#``; a ParseError at the first character the language lacks.

    >>> [t.text for t in tokenize("f_t = sigmoid(W_f @ x_t)  # gate", "f.txt", 1)]
    ['f_t', '=', 'sigmoid', '(', 'W_f', '@', 'x_t', ')']
    """
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


class TokenReader:
    """A cursor over the tokens of one line: look, take, fail with the line and column."""

    def __init__(self, tokens, filename, line, text):
        self.tokens, self.i = tokens, 0
        self.filename, self.line, self.text = filename, line, text
        self.depth = 0

    def peek(self, text=None):
        """The next token (None at the end); with ``text``, only a token that reads ``text``."""
        tok = self.tokens[self.i] if self.i < len(self.tokens) else None
        if text is None or tok is None:
            return tok
        return tok if tok.text == text else None

    def take(self, text=None, what=None):
        """Consume the next token (which must read ``text`` when given; ``what`` names it in the error)."""
        tok = self.peek()
        if tok is None or (text is not None and tok.text != text):
            expected = what or repr(text)
            found = f"{tok.text!r}" if tok else "the end of the line"
            self.fail(f"expected {expected}, found {found}", tok)
        self.i += 1
        return tok

    def fail(self, message, tok=None):
        """Raise a ParseError at ``tok`` (or at the end of the line)."""
        col = tok.col if tok else len(self.text.rstrip()) + 1
        raise ParseError(message, self.filename, self.line, col, self.text)

    def enter(self, tok):
        """One level deeper (a parenthesis, bracket, call or sign); fail past :data:`MAX_DEPTH`."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"expression nested too deeply (more than {MAX_DEPTH} levels of parentheses, brackets, "
                      "function calls or signs)", tok)

    def leave(self):
        self.depth -= 1

    def done(self):
        """Fail unless every token was read."""
        tok = self.peek()
        if tok is not None:
            if tok.text == ";":
                self.fail("';' separates blocks inside [...]; write one statement per line", tok)
            self.fail(f"unexpected {tok.text!r} after the end of the expression", tok)

    def check_name(self, tok):
        if tok.text in RESERVED:
            self.fail(f"{tok.text!r} is a reserved word, not a tensor name", tok)

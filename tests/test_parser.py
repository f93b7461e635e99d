"""Files of statements: declarations and their sizes, lines and columns, determinism, every syntax error
word for word, the limits, and nothing ever evaluated (the expression grammar: test_parser_expressions.py)."""

import builtins
import os
import re

import pytest
import sympy

from lstm_symbolic.errors import ParseError, UsageError
from lstm_symbolic.parser import MAX_CHARS, MAX_LINES, Assignment, Declaration, parse
from lstm_symbolic.parser_tokens import MAX_DEPTH

n_, k_ = (sympy.Symbol(s, positive=True, integer=True) for s in "nk")


def test_parsing_is_deterministic():
    """The broadcast numbers' size symbols are numbered per file, not by a global counter."""
    text = "y = 1 - a\nz = [1; b] + 2\n"
    first, second = parse(text), parse(text)
    assert [s.expr for s in first] == [s.expr for s in second]
    assert {str(s) for st_ in first for s in st_.expr.free_symbols} == \
           {str(s) for st_ in second for s in st_.expr.free_symbols}


def test_statements_lines_columns_and_comments():
    text = "# a comment\n\nx_t : 80 x 1   # input\n  h = tanh(W @ x_t)\n"
    declaration, assignment = parse(text, "f.txt")
    assert isinstance(declaration, Declaration) and isinstance(assignment, Assignment)
    assert (declaration.name, declaration.shape, declaration.line, declaration.col) == ("x_t", (80, 1), 3, 1)
    assert (assignment.name, assignment.line, assignment.col) == ("h", 4, 3)
    assert assignment.ops[assignment.expr] == 7  # the function's name
    assert assignment.ops[assignment.expr.expr] == 14  # the '@'


def test_one_name_is_one_tensor_across_the_file():
    first, second = parse("y = a + b\nz = a * y\n")
    assert first.expr.args[0] is second.expr.args[0]


@pytest.mark.parametrize("text,shape", [
    ("x : 80 x 1", (80, 1)),
    ("x : 80x1", (80, 1)),
    ("x : 80 × 1", (80, 1)),
    ("x : 80 X 1", (80, 1)),
    ("x : (50, 20)", (50, 20)),
    ("x : k x (n + k)", (k_, n_ + k_)),
    ("x : 2*k x n - 1", (2 * k_, n_ - 1)),
    ("x : k x (n + 2*k)", (k_, n_ + 2 * k_)),
    ("x : 0080 x 1", (80, 1)),
])
def test_declared_shapes(text, shape):
    (declaration,) = parse(text)
    assert declaration.shape == shape
    assert all(type(d) is int for d in declaration.shape if isinstance(d, int) or getattr(d, "is_Integer", False))


# -- every syntax error, word for word ------------------------------------------------------------
SYNTAX_ERRORS = [
    ("x = a +", "1:8", "expected a tensor, a number, '(' or '[', found the end of the line"),
    ("x = )", "1:5", "expected a tensor, a number, '(' or '[', found ')'"),
    ("x : 3", "1:4", "a shape is ROWS x COLS, e.g. 80 x 1 or k x (n + k)"),
    ("x : 0 x 1", "1:5", "a size must be at least 1, got 0"),
    ("x : 2 x 1 - 1", "1:9", "a size must be at least 1, got 0"),
    ("x : 2.5 x 1", "1:5", "sizes are whole numbers, got 2.5"),
    ("x : 99999999999999999999 x 1", "1:5",
     "a size is at most 10**18 (as everywhere in this tool), got 99999999999999999999"),
    ("x : 1000000000000 * 1000000000 x 1", "1:5",
     "a size is at most 10**18 (as everywhere in this tool), got 1000000000000000000000"),
    ("x : k + x 1", "1:12", "expected a size"),
    ("x : (k + ) x 1", "1:10", "unexpected ')' in a size"),
    ("x : k x (n + k", "1:15", "expected ')', found the end of the line"),
    ("x = a @ 2", "1:7", "'@' multiplies two matrices; a number scales with '*'"),
    ("x = 2 @ 3", "1:7", "'@' multiplies matrices; use '*' with numbers"),
    ("x = [a, b]", "1:7", "only vertical concatenation [a; b] is supported; separate blocks with ';'"),
    ("x = [a]", "1:5", "a concatenation needs at least two blocks: [a; b]"),
    ("x = [a; b", "1:10", "expected ';' or ']', found the end of the line"),
    ("x = foo(a)", "1:5", "unknown function 'foo'; known functions: sigmoid, tanh, relu, exp, softmax"),
    ("x = tanh(a, b)", "1:11", "tanh takes one argument"),
    ("x = tanh(3)", "1:5", "tanh is applied to a number; it applies to tensors"),
    ("x = tanh", "1:5", "tanh is a function: write tanh(...)"),
    ("x = a ^ 2", "1:7", "'^' is not an operator here: use '*' for elementwise products"),
    ("x = (2).T", "1:8", "a number has no transpose"),
    ("x = 3", "1:5", "x = a number: an equation defines a tensor"),
    ("x a", "1:3", "expected ':' (a declaration) or '=' (an equation) after x"),
    ("x", "1:2", "expected ':' (a declaration) or '=' (an equation) after x"),
    ("x = ", "1:4", "expected an expression after '='"),
    ("x = (a", "1:7", "expected ')', found the end of the line"),
    ("x = a b", "1:7", "unexpected 'b' after the end of the expression"),
    ("x = a; b", "1:6", "';' separates blocks inside [...]; write one statement per line"),
    ("x = $", "1:5", "unexpected character '$'"),
    ("3 = a", "1:1", "a statement starts with a tensor name: NAME = ... or NAME : ROWS x COLS"),
    ("tanh = a", "1:1", "tanh is a function, not a tensor name"),
    ("for = a", "1:1", "for is a reserved word, not a tensor name"),
    ("x = for", "1:5", "'for' is a reserved word, not a tensor name"),
    ("x = " + "(" * (MAX_DEPTH + 10) + "a", f"1:{5 + MAX_DEPTH}",
     f"expression nested too deeply (more than {MAX_DEPTH} levels of parentheses, brackets, function calls or signs)"),
]


@pytest.mark.parametrize("source,where,message", SYNTAX_ERRORS, ids=[s[:30] for s, _, _ in SYNTAX_ERRORS])
def test_syntax_errors_word_for_word(source, where, message):
    with pytest.raises(ParseError) as err:
        parse(source, "p.txt")
    line, col = map(int, where.split(":"))
    assert str(err.value).splitlines() == [
        f"p.txt:{where}: syntax error: {message}",
        "  " + source,
        "  " + " " * (col - 1) + "^",
    ]


def test_syntax_error_shows_the_line_and_a_caret():
    with pytest.raises(ParseError) as err:
        parse("x_t : 3 x 1\ny = sigmoid(W @ x_t +)\n", "f.txt")
    assert str(err.value) == "f.txt:2:22: syntax error: expected a tensor, a number, '(' or '[', found ')'\n" \
                             "  y = sigmoid(W @ x_t +)\n" \
                             "                       ^"


def test_size_limits():
    too_large = f"big.txt is too large (300000 characters; the limit is {MAX_CHARS})"
    with pytest.raises(UsageError, match=re.escape(too_large)):
        parse("x = a\n" * 50_000, "big.txt")
    with pytest.raises(UsageError, match=re.escape(f"many.txt has too many lines (5001; the limit is {MAX_LINES})")):
        parse("\n" * 5001, "many.txt")
    with pytest.raises(ParseError, match=re.escape("line is too long (more than 2000 characters)")):
        parse("x = " + "a" * 2100, "long.txt")


# -- the parser never evaluates anything ------------------------------------------------------
ATTACKS = [
    "x = __import__('os').system('echo pwned')",
    "x = sigmoid.__globals__",
    "x = lambda: 1",
    "x = a; import os",
    "x = exec('print(1)')",
    "x = eval('1')",
    "x = a.__class__",
    "x = [a for a in b]",
    "x = open('/etc/passwd')",
    "import os",
    "x = a if b else c",
    "x = a.T.__dict__",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_code_is_rejected_and_nothing_runs(source, monkeypatch):
    def trap(*args, **kwargs):
        raise AssertionError("something tried to run user text")

    monkeypatch.setattr(os, "system", trap)
    monkeypatch.setattr(builtins, "eval", trap)
    monkeypatch.setattr(builtins, "exec", trap)
    monkeypatch.setattr(sympy, "sympify", trap)
    monkeypatch.setattr(sympy, "parse_expr", trap, raising=False)
    with pytest.raises(ParseError, match="syntax error"):
        parse(source, "attack.txt")


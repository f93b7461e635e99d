"""The equation language: tokens, the grammar of expressions and sizes, every syntax error word for word,
nothing ever evaluated, and a property test against Python's own reading of the same text."""

import builtins
import os
import random
import re

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sympy import HadamardProduct, MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from lstm_symbolic.equations import VConcat, apply
from lstm_symbolic.errors import ParseError, UsageError
from lstm_symbolic.parser import MAX_CHARS, MAX_LINES, Assignment, Declaration, parse
from lstm_symbolic.parser_tokens import FUNCTIONS, MAX_DEPTH, tokenize

n_, k_ = (sympy.Symbol(s, positive=True, integer=True) for s in "nk")


def rhs(text):
    (statement,) = parse(text, "p.txt")
    return statement.expr


def tensor(name):
    return MatrixSymbol(name, sympy.Symbol(f"{name}.rows"), sympy.Symbol(f"{name}.cols"))


a, b, c = tensor("a"), tensor("b"), tensor("c")


# -- tokens -----------------------------------------------------------------------------------------
def test_tokens_kinds_columns_and_comments():
    tokens = tokenize("y = 2.5e3 * a.T @ [1; b]  # comment @", "f", 1)
    assert [(t.kind, t.text, t.col) for t in tokens] == [
        ("name", "y", 1), ("op", "=", 3), ("number", "2.5e3", 5), ("op", "*", 11), ("name", "a", 13),
        ("op", ".T", 14), ("op", "@", 17), ("op", "[", 19), ("number", "1", 20), ("op", ";", 21),
        ("name", "b", 23), ("op", "]", 24),
    ]


# -- the grammar ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("y = a + b @ c", MatAdd(a, MatMul(b, c, evaluate=False), evaluate=False)),
    ("y = a @ b + c", MatAdd(MatMul(a, b, evaluate=False), c, evaluate=False)),
    ("y = a * b @ c", MatMul(HadamardProduct(a, b, evaluate=False), c, evaluate=False)),
    ("y = a - b", MatAdd(a, MatMul(-1, b, evaluate=False), evaluate=False)),
    ("y = -a", MatMul(-1, a, evaluate=False)),
    ("y = +a", a),
    ("y = a + b + c - a", MatAdd(a, b, c, MatMul(-1, a, evaluate=False), evaluate=False)),
    ("y = a @ b @ c", MatMul(a, b, c, evaluate=False)),
    ("y = a * b * c", HadamardProduct(a, b, c, evaluate=False)),
    ("y = a.T @ b", MatMul(Transpose(a), b, evaluate=False)),
    ("y = (a + b).T", Transpose(MatAdd(a, b, evaluate=False))),
    ("y = 2 * a", MatMul(2, a, evaluate=False)),
    ("y = a * 2 * 3", MatMul(3, MatMul(2, a, evaluate=False), evaluate=False)),
    ("y = 0.5 * a", MatMul(sympy.Float(0.5), a, evaluate=False)),
    ("y = (2 + 3) * a", MatMul(5, a, evaluate=False)),
    ("y = [a; b; c]", VConcat(a, b, c)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_expressions(text, expected):
    assert rhs(text) == expected


def test_functions_are_elementwise_activations():
    product = MatMul(tensor("W"), tensor("x"), evaluate=False)
    for name in FUNCTIONS:
        expr = rhs(f"y = {name}(W @ x)")
        expected = apply(name, product)
        assert isinstance(expr, ElementwiseApplyFunction) and expr.expr == product
        z = sympy.Symbol("z")
        assert expr.function(z) == expected.function(z)


def test_numbers_broadcast_as_ones_matrices():
    one_minus = rhs("y = 1 - z")
    ones, minus_z = one_minus.args
    assert isinstance(one_minus, MatAdd) and isinstance(ones, OneMatrix)
    assert minus_z == MatMul(-1, tensor("z"), evaluate=False)
    concat = rhs("y = [1; h; 2]")
    first, _, last = concat.blocks
    assert isinstance(first, OneMatrix) and first.shape[0] == 1
    assert last.args[0] == 2 and isinstance(last.args[1], OneMatrix)


def test_each_broadcast_number_has_its_own_size_symbols():
    expr = rhs("y = 1 - a + 2")
    ones = [x for x in expr.atoms(OneMatrix)] + [x for x in expr.atoms(MatMul) if x.atoms(OneMatrix)]
    symbols = {s for m in expr.atoms(OneMatrix) for s in m.shape}
    assert len(ones) >= 2 and len(symbols) == 4


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


def test_long_chains_are_built_once_and_flat():
    """Long sums / products used to be rebuilt pairwise (quadratic: 75 s for a 190 kB file)."""
    text = "".join(f"y{i} = " + op.join(["a"] * 900) + "\n" for i, op in enumerate("+*@"))
    kinds = [(type(s.expr), len(s.expr.args)) for s in parse(text)]
    assert kinds == [(MatAdd, 900), (HadamardProduct, 900), (MatMul, 900)]


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


# -- property: the parser reads an expression as Python reads the same text -------------------------
# The language's precedence is Python's: unary signs, then '.T', then '@' and '*' (left to right),
# then '+' and '-'.  Python evaluating the text over NumPy arrays is an independent reference.
SIZE = 3
_rng = random.Random(17)
VALUES = {name: np.array([[_rng.randint(-3, 3) for _ in range(SIZE)] for _ in range(SIZE)], dtype=object)
          for name in "abc"}

leaves = st.sampled_from(["a", "b", "c", "1", "2", "3"])
texts = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" + ", " - ", " * ", " @ "]), inner).map("".join),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"-{e}"),
        inner.map(lambda e: f"({e}).T"),
        st.sampled_from(["a", "b", "c"]).map(lambda e: f"{e}.T"),
    ),
    max_leaves=8,
)


def _python_reads(text):
    """The value of ``text`` as Python computes it over NumPy arrays, or None when Python refuses it."""
    try:
        value = builtins.eval(text, {"__builtins__": {}}, dict(VALUES))  # our own generated text, never user input
    except (TypeError, ValueError, AttributeError, SyntaxError):
        return None
    return value if isinstance(value, np.ndarray) else None


def _parser_reads(expr):
    """The parsed expression at 3 x 3 values, computed by SymPy element by element."""
    square = {s: MatrixSymbol(s.name, SIZE, SIZE) for s in expr.atoms(MatrixSymbol)}
    ones = {s: SIZE for s in expr.free_symbols if isinstance(s, sympy.Symbol) and s.name.startswith("_ones")}
    explicit = expr.xreplace({**square, **ones}).as_explicit()
    values = {square[s]: sympy.Matrix(VALUES[s.name].tolist()) for s in square}
    return np.array(explicit.subs(values).doit().tolist(), dtype=object)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_the_parser_reads_expressions_as_python_does(text):
    expected = _python_reads(text)
    if expected is None:  # a number where a matrix is needed (2 @ a, (2).T, y = 3): a clean syntax error
        with pytest.raises(ParseError):
            parse(f"y = {text}", "p.txt")
        return
    assume(expected.shape == (SIZE, SIZE))
    (statement,) = parse(f"y = {text}", "p.txt")
    assert (_parser_reads(statement.expr) == expected).all(), text

"""The right-hand side grammar: precedence, flattening, numbers broadcast as ones matrices, functions,
and a property test against Python's own reading of the same text over NumPy arrays."""

import builtins
import random

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sympy import HadamardProduct, MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from lstm_symbolic.equations import VConcat, apply
from lstm_symbolic.errors import ParseError
from lstm_symbolic.parser import parse
from lstm_symbolic.parser_expressions import FreshSizes
from lstm_symbolic.parser_tokens import FUNCTIONS


def rhs(text):
    (statement,) = parse(text, "p.txt")
    return statement.expr


def tensor(name):
    return MatrixSymbol(name, sympy.Symbol(f"{name}.rows"), sympy.Symbol(f"{name}.cols"))


a, b, c = tensor("a"), tensor("b"), tensor("c")


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


def test_fresh_sizes_count_per_instance():
    first, second = FreshSizes(), FreshSizes()
    assert [first("rows"), first("cols")] == [second("rows"), second("cols")] == \
        [sympy.Symbol("_ones0.rows"), sympy.Symbol("_ones1.cols")]
    assert first.ones(1).shape == (sympy.Symbol("_ones2.rows"), sympy.Symbol("_ones3.cols"))
    assert first.ones(3).args[0] == 3


def test_long_chains_are_built_once_and_flat():
    """Long sums / products used to be rebuilt pairwise (quadratic: 75 s for a 190 kB file)."""
    text = "".join(f"y{i} = " + op.join(["a"] * 900) + "\n" for i, op in enumerate("+*@"))
    kinds = [(type(s.expr), len(s.expr.args)) for s in parse(text)]
    assert kinds == [(MatAdd, 900), (HadamardProduct, 900), (MatMul, 900)]



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

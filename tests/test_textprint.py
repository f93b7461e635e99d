"""lstm_symbolic.textprint: the plain-text printer's rules, one per expression class, and the helpers
the three printers share (rule_for, is_broadcast, subtracted, function_name)."""

import pytest
from sympy import (
    HadamardPower,
    HadamardProduct,
    Identity,
    Integer,
    MatAdd,
    MatMul,
    MatrixExpr,
    MatrixSymbol,
    OneMatrix,
    Transpose,
    ZeroMatrix,
)

from lstm_symbolic.codegen import CODE_RULES
from lstm_symbolic.equations import apply
from lstm_symbolic.errors import LstmSymbolicError, PrinterError
from lstm_symbolic.latex import LATEX_RULES
from lstm_symbolic.matrix_nodes import ColumnBlock, ColumnSum, Diag, InPlace, RowBlock, VConcat
from lstm_symbolic.textprint import TEXT_RULES, function_name, is_broadcast, rule_for, subtracted, text

from .printer_cases import W, a, b, c, k, plus, times, x

#: One expression of every class the text printer has a rule for, and its text written by hand.
CASES = [
    (MatrixSymbol, W, "W_f"),
    (Integer, Integer(2), "2"),
    (OneMatrix, OneMatrix(3, 1), "1"),
    (Identity, Identity(3), "I"),
    (MatAdd, plus(times(W, x), times(-1, b)), "W_f @ x_t - b_f"),
    (MatMul, times(W, times(W.T, a)), "W_f @ (W_f^T @ a)"),
    (HadamardProduct, HadamardProduct(a, plus(a, c), evaluate=False), "a * (a + c)"),
    (HadamardPower, HadamardPower(plus(a, c), 2), "(a + c)^2"),
    (apply("sigmoid", a).func, apply("sigmoid", plus(a, c)), "sigmoid(a + c)"),
    (Transpose, Transpose(plus(a, c)), "(a + c)^T"),
    (RowBlock, RowBlock(plus(a, c), 0, k), "(a + c)[0:k]"),
    (ColumnBlock, ColumnBlock(W, 2, k + 2), "W_f[:, 2:k + 2]"),
    (ColumnSum, ColumnSum(plus(a, c)), "(a + c) @ 1"),
    (Diag, Diag(plus(a, c)), "diag(a + c)"),
    (VConcat, VConcat(OneMatrix(1, 1), a, x), "[1; a; x_t]"),
]


@pytest.mark.parametrize("cls, expr, expected", CASES, ids=[case[0].__name__ for case in CASES])
def test_each_rule(cls, expr, expected):
    assert isinstance(expr, cls)
    assert text(expr) == expected


def test_every_rule_has_a_case():
    covered = {type(expr) for _, expr, _ in CASES}
    assert {cls for cls in TEXT_RULES if not any(issubclass(t, cls) for t in covered)} == set()


@pytest.mark.parametrize("expr, expected", [
    (times(2, W, x), "2 * W_f @ x_t"),
    (times(-1, W, x), "-W_f @ x_t"),
    (times(b, OneMatrix(1, 5)), "b_f"),  # a bias broadcast over a batch of 5 is shown as the bias
    (plus(times(-1, a), c), "-a + c"),
    (plus(a, times(-1, plus(a, c))), "a - (a + c)"),
    (plus(a, times(-1, HadamardProduct(a, c))), "a - a * c"),
    (HadamardProduct(a, times(W, x), evaluate=False), "a * (W_f @ x_t)"),
    (HadamardPower(a, 2), "a^2"),
    (Transpose(x), "x_t^T"),
    (ColumnSum(times(W, x)), "(W_f @ x_t) @ 1"),
    (VConcat(a, Integer(2)), "[a; 2]"),  # a checked file's [a; 2]
], ids=["coefficient", "minus", "broadcast", "leading-minus", "minus-sum", "minus-product", "product-in-hadamard",
        "power-of-symbol", "transpose-of-symbol", "column-sum-of-product", "number-block"])
def test_brackets_and_signs(expr, expected):
    assert text(expr) == expected


class Unprintable(MatrixExpr):
    """A matrix expression class no printer knows."""

    shape = (3, 1)


@pytest.mark.parametrize("expr, name", [(Unprintable(), "Unprintable"), (ZeroMatrix(3, 1), "ZeroMatrix"),
                                        (plus(a, ZeroMatrix(3, 1)), "ZeroMatrix"),
                                        (InPlace(apply("tanh", a)), "InPlace")],
                         ids=["new-class", "zero-matrix", "inside-a-sum", "code-only-node"])
def test_an_unknown_class_is_an_error_not_a_string(expr, name):
    with pytest.raises(PrinterError, match=f"the text printer has no rule for {name} ") as info:
        text(expr)
    assert "it prints ColumnBlock, ColumnSum, Diag, " in str(info.value)
    assert isinstance(info.value, LstmSymbolicError) and isinstance(info.value, TypeError)


def test_rule_for_takes_the_nearest_base_class():
    class Named(MatrixSymbol):
        pass

    rules = {MatrixSymbol: "symbol", MatrixExpr: "any matrix"}
    assert rule_for(rules, Named("v", 2, 1), "test") == "symbol"
    assert rule_for(rules, Unprintable(), "test") == "any matrix"
    with pytest.raises(PrinterError, match="the test printer has no rule for Integer"):
        rule_for(rules, Integer(7), "test")


def test_the_three_printers_know_the_same_classes():
    """Text, LaTeX and NumPy code print the same expressions; numbers stand alone only in checked files
    (which are never compiled), and InPlace exists only in generated code."""
    from sympy import Number

    assert set(TEXT_RULES) == set(LATEX_RULES)
    assert set(TEXT_RULES) - {Number} == set(CODE_RULES) - {InPlace}


@pytest.mark.parametrize("expr, expected", [
    (times(b, OneMatrix(1, 4)), True), (times(b, OneMatrix(1, 1)), True), (times(W, OneMatrix(2, 4)), False),
    (times(W, x), False), (times(b, OneMatrix(1, 4), OneMatrix(4, 1)), False), (b, False),
], ids=["batch", "batch-of-one", "ones-matrix", "product", "three-factors", "symbol"])
def test_is_broadcast(expr, expected):
    assert is_broadcast(expr) is expected


@pytest.mark.parametrize("expr, expected", [
    (times(-1, a), a), (times(-1, W, x), times(W, x)), (times(2, a), None), (a, None), (plus(a, c), None),
], ids=["minus-symbol", "minus-product", "positive-coefficient", "symbol", "sum"])
def test_subtracted(expr, expected):
    assert subtracted(expr) == expected


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "exp"])
def test_function_name(name):
    assert function_name(apply(name, a)) == name

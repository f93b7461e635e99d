"""lstm_symbolic.latex: the LaTeX printer's rules, one per expression class, dimensions under the
tensors, names in each notation, and the breaking of long equations into lines."""

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

from lstm_symbolic import LSTMCell
from lstm_symbolic.equations import apply
from lstm_symbolic.errors import PrinterError
from lstm_symbolic.latex import (
    LATEX_RULES,
    LatexPrinter,
    aligned_rows,
    break_lines,
    dim_latex,
    dims_latex,
    equation_latex,
    equations_block,
    name_latex,
    visible_width,
)
from lstm_symbolic.matrix_nodes import ColumnBlock, ColumnSum, Diag, InPlace, RowBlock, VConcat
from lstm_symbolic.notations import get_notation

from .printer_cases import W, a, b, c, h, k, n, plus, times, x

#: One expression of every class the LaTeX printer has a rule for, and its LaTeX written by hand.
CASES = [
    (MatrixSymbol, h, "h_{t-1}"),
    (Integer, Integer(2), "2"),
    (OneMatrix, OneMatrix(3, 1), "1"),
    (Identity, Identity(3), "I"),
    (MatAdd, plus(times(W, x), times(-1, b)), "W_{f} x_{t} - b_{f}"),
    (MatMul, times(W, times(W.T, a)), r"W_{f} \left(W_{f}^{\top} a\right)"),
    (HadamardProduct, HadamardProduct(a, plus(a, c), evaluate=False), r"a \odot \left(a + c\right)"),
    (HadamardPower, HadamardPower(plus(a, c), 2), r"{\left(a + c\right)}^{2}"),
    (apply("sigmoid", a).func, apply("sigmoid", plus(a, c)), r"\sigma\left(a + c\right)"),
    (Transpose, Transpose(plus(a, c)), r"{\left(a + c\right)}^{\top}"),
    (RowBlock, RowBlock(plus(a, c), 0, k), r"\left(a + c\right)_{1:k}"),
    (ColumnBlock, ColumnBlock(W, 2, k + 2), r"\left(W_{f}\right)_{:,\,3:(k + 2)}"),
    (ColumnSum, ColumnSum(MatrixSymbol("d", 3, 5)), r"d \mathbf{1}"),
    (Diag, Diag(plus(a, c)), r"\operatorname{diag}\left(a + c\right)"),
    (VConcat, VConcat(OneMatrix(1, 1), h, x), r"\begin{bmatrix} 1 \\ h_{t-1} \\ x_{t} \end{bmatrix}"),
]


@pytest.mark.parametrize("cls, expr, expected", CASES, ids=[case[0].__name__ for case in CASES])
def test_each_rule(cls, expr, expected):
    assert isinstance(expr, cls)
    assert LatexPrinter().print(expr) == expected


def test_every_rule_has_a_case():
    covered = {type(expr) for _, expr, _ in CASES}
    assert {cls for cls in LATEX_RULES if not any(issubclass(t, cls) for t in covered)} == set()


@pytest.mark.parametrize("expr, expected", [
    (times(2, W, x), "2 W_{f} x_{t}"),
    (times(-1, W, x), "-W_{f} x_{t}"),
    (times(b, OneMatrix(1, 5)), "b_{f}"),  # the broadcast bias b @ 1^T is written b
    (plus(a, times(-1, plus(a, c))), r"a - \left(a + c\right)"),
    (HadamardPower(a, 2), "a^{2}"),
    (HadamardPower(apply("tanh", c), 2), r"\tanh^{2}\left(c\right)"),
    (Transpose(h), r"h_{t-1}^{\top}"),
    (ColumnSum(plus(a, c)), "a + c"),  # a batch of one column: the sum is the column itself
    (apply("relu", a), r"\operatorname{relu}\left(a\right)"),
    (apply("exp", a), r"\exp\left(a\right)"),
], ids=["coefficient", "minus", "broadcast", "minus-sum", "power-of-symbol", "power-of-function",
        "transpose-of-symbol", "column-sum-of-a-column", "relu", "exp"])
def test_brackets_signs_and_functions(expr, expected):
    assert LatexPrinter().print(expr) == expected


class Unprintable(MatrixExpr):
    """A matrix expression class no printer knows."""

    shape = (3, 1)


@pytest.mark.parametrize("expr, name", [(Unprintable(), "Unprintable"), (plus(a, ZeroMatrix(3, 1)), "ZeroMatrix"),
                                        (InPlace(apply("tanh", a)), "InPlace")],
                         ids=["new-class", "inside-a-sum", "code-only-node"])
def test_an_unknown_class_is_an_error_not_a_string(expr, name):
    with pytest.raises(PrinterError, match=f"the LaTeX printer has no rule for {name} "):
        LatexPrinter().print(expr)


# -- dimensions under the tensors ---------------------------------------------------------------------
def test_shapes_read_off_the_symbols():
    printer = LatexPrinter("symbols")
    assert printer.print(plus(times(W, x), b)) == (r"\underbrace{W_{f}}_{3 \times 2} \underbrace{x_{t}}_{2 \times 1}"
                                                   r" + \underbrace{b_{f}}_{3 \times 1}")
    assert printer.print(Transpose(W)) == r"\underbrace{W_{f}^{\top}}_{2 \times 3}"  # the transpose's own shape
    assert printer.print(apply("sigmoid", b)) == r"\sigma\bigl(\underbrace{b_{f}}_{3 \times 1}\bigr)"


def test_shapes_from_a_table_and_tensors_one_step_later():
    printer = LatexPrinter({"c_t": (k, 1), "W_f": (k, None)})
    later = MatrixSymbol("c_t__next", 3, 1)
    assert printer.print(later) == r"\underbrace{c_{t+1}}_{k \times 1}"  # c one step later has c's shape
    assert printer.print(W) == "W_{f}"  # a shape with an unknown axis is not written
    assert printer.print(HadamardPower(MatrixSymbol("c_t", 3, 1), 2)) == r"\underbrace{c_{t}^{2}}_{k \times 1}"


def test_shapes_substituted():
    printer = LatexPrinter({"W_f": (k, n), "x_t": (n, 1)}, substitute=True)
    assert printer.print(times(W, x)) == r"(k \times n) (n \times 1)"
    assert printer.print(apply("tanh", times(W, x))) == r"\tanh\left((k \times n) (n \times 1)\right)"


@pytest.mark.parametrize("dim, expected", [(50, "50"), (k, "k"), (k + n, "(k + n)"), (4 * k, r"(4 \cdot k)")],
                         ids=["number", "symbol", "sum", "product"])
def test_dim_latex(dim, expected):
    assert dim_latex(dim) == expected


def test_dims_latex():
    assert dims_latex((k, k + n)) == r"k \times (k + n)"


# -- names ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, expected", [
    ("W_f", "W_{f}"), ("h_prev", "h_{t-1}"), ("x", "x"), ("dW_f", r"\delta W_{f}"), ("dc_next", r"\delta c_{t+1}"),
    ("dh_prev", r"\delta h_{t-1}"), ("a_b_c", r"a_{b\_c}"), ("d", "d"), ("f_t__next", "f_{t+1}"),
], ids=["weight", "previous", "bare", "gradient", "next-gradient", "previous-gradient", "underscore", "letter-d",
        "one-step-later"])
def test_name_latex_without_a_notation(name, expected):
    assert name_latex(name) == expected


@pytest.mark.parametrize("notation,name,expected", [
    ("standard", "U_f", "U_{f}"), ("course", "W_f", "W_{fF}"), ("course", "U_f", "W_{fR}"),
    ("course", "g_t", r"\tilde{C}_{t}"), ("course", "U_g", "W_{cR}"), ("greff", "U_i", "R_{i}"),
    ("greff", "p_f", "p_{f}"), ("pytorch", "W_o", "W_{io}"), ("pytorch", "U_o", "W_{ho}"),
    ("pytorch", "b_f", r"\left(b_{if} + b_{hf}\right)"), ("gates", "f_t", r"g^{\text{forget}}(t)"),
    ("gates", "c_prev", "c(t-1)"), ("gates", "g_t", "u(t)"), ("greff", "da_f__next", r"\delta \bar{f}^{t+1}"),
    ("standard", "a_f", "a_{f,t}"), ("course", "dc_t__next", r"\delta C_{t+1}"), ("standard", "Delta_t", r"\Delta_{t}"),
    ("standard", "h_prev", "h_{t-1}"),
    ("standard", "dW_f", r"\delta W_{f}"), ("course", "dU_i", r"\delta W_{iR}"),
])
def test_notations(notation, name, expected):
    assert name_latex(name, get_notation(notation)) == expected


# -- breaking long equations into lines ---------------------------------------------------------------------
@pytest.mark.parametrize("latex, width", [
    ("abc", 3), ("a b", 2.3), ("x_{t}", 1.6), (r"\underbrace{abcdef}_{xy}", 6), (r"\left(a\right)", 3),
    (r"\frac{abcd}{ab}", 4), (r"a \odot b", 3 + 0.6),
], ids=["plain", "space", "script", "underbrace", "brackets", "fraction", "command"])
def test_visible_width(latex, width):
    assert visible_width(latex) == pytest.approx(width)


def test_pieces_break_between_terms_and_inside_a_bracketed_sum():
    printer = LatexPrinter()
    d = MatrixSymbol("d", 3, 1)
    assert printer.pieces(plus(a, times(-1, c), plus(c, d))) == ["a", "- c", "+ c", "+ d"]
    assert printer.pieces(plus(a, times(-1, plus(c, d)))) == ["a", r"- \left(c + d\right)"]
    square = MatrixSymbol("W_f", 3, 3)
    assert printer.pieces(times(square, plus(a, c, d))) == [r"W_{f} \Bigl(a", "+ c", r"+ d\Bigr)"]
    wide = MatrixSymbol("W" * 60, 3, 3)
    assert printer.pieces(times(wide, plus(a, c, d))) == ["W" * 60, r"\Bigl(a", "+ c", r"+ d\Bigr)"]
    assert printer.pieces(a) == ["a"]


def test_break_lines_and_aligned_rows():
    assert break_lines(["aaaa", "+ bbbb", "+ cccc"], budget=12) == ["aaaa + bbbb", "+ cccc"]
    assert aligned_rows("y", ["aaaa", "+ bbbb", "+ cccc"], budget=12) == \
        "y &= aaaa \\\\\n&\\quad + bbbb \\\\\n&\\quad + cccc"
    assert aligned_rows("y", ["a" * 20, "+ bbbb"], budget=12) == \
        "y &= \\\\\n&\\quad " + "a" * 20 + " \\\\\n&\\quad + bbbb"  # the first term starts on its own line


# -- whole equations --------------------------------------------------------------------------------------
def test_equation_without_dims():
    assert equation_latex(LSTMCell(3, 2).equations[-1], dims=False) == r"h_{t} = o_{t} \odot \tanh\left(c_{t}\right)"


def test_equation_in_a_notation_aligned():
    eq = LSTMCell(3, 2).equations[0]
    assert equation_latex(eq, dims=False, notation=get_notation("course"), align=True) == \
        r"f_{t} &= \sigma\left(W_{fF} x_{t} + W_{fR} h_{t-1} + b_{f}\right)"


def test_equations_block():
    cell = LSTMCell(3, 2)
    u = r"\underbrace"
    assert equations_block(cell.equations[:2], cell.shapes()) == (
        "\\begin{align*}\n"
        rf"{u}{{f_{{t}}}}_{{2 \times 1}} &= \sigma\bigl({u}{{W_{{f}}}}_{{2 \times 3}} {u}{{x_{{t}}}}_{{3 \times 1}} + "
        rf"{u}{{U_{{f}}}}_{{2 \times 2}} {u}{{h_{{t-1}}}}_{{2 \times 1}} + {u}{{b_{{f}}}}_{{2 \times 1}}\bigr) "
        "\\\\\n"
        rf"{u}{{i_{{t}}}}_{{2 \times 1}} &= \sigma\bigl({u}{{W_{{i}}}}_{{2 \times 3}} {u}{{x_{{t}}}}_{{3 \times 1}} + "
        rf"{u}{{U_{{i}}}}_{{2 \times 2}} {u}{{h_{{t-1}}}}_{{2 \times 1}} + {u}{{b_{{i}}}}_{{2 \times 1}}\bigr)" + "\n"
        "\\end{align*}")


def test_jupyter_reprs():
    cell = LSTMCell(20, 50)
    assert cell._repr_latex_().startswith("$$\\begin{aligned}") and r"50 \times 20" in cell._repr_latex_()
    assert r"\underbrace{W_{f}}_{50 \times 20}" in cell.equations[0]._repr_latex_()
    assert "W_{fF}" in cell.to_latex("course")

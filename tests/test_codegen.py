"""lstm_symbolic.codegen: the NumPy code printer's rules, one per expression class, the statements of
a step (sums accumulated in place), and the generated functions run against NumPy written by hand."""

import numpy as np
import pytest
from sympy import (
    HadamardPower,
    HadamardProduct,
    Identity,
    MatAdd,
    MatMul,
    MatrixExpr,
    MatrixSymbol,
    OneMatrix,
    Transpose,
    ZeroMatrix,
)

from lstm_symbolic.codegen import CODE_RULES, IN_PLACE, CellPrinter, Compiled, compile_loop, make_function, statements
from lstm_symbolic.equations import Equation, apply
from lstm_symbolic.errors import PrinterError
from lstm_symbolic.matrix_nodes import ColumnBlock, ColumnSum, Diag, InPlace, RowBlock, VConcat

from .printer_cases import W, a, b, c, h, k, plus, times, x, z

#: One expression of every class the code printer has a rule for, and its NumPy code written by hand.
CASES = [
    (MatrixSymbol, W, "W_f"),
    (OneMatrix, OneMatrix(3, 1), "1"),
    (Identity, Identity(k), "eye(k)"),
    (MatAdd, plus(times(W, x), times(-1, b)), "W_f @ x_t - b_f"),
    (MatMul, times(W, times(W.T, a)), "W_f @ ((W_f.T) @ a)"),
    (HadamardProduct, HadamardProduct(a, plus(a, c), evaluate=False), "a * (a + c)"),
    (HadamardPower, HadamardPower(plus(a, c), 2), "(a + c)**2"),
    (apply("sigmoid", a).func, apply("sigmoid", plus(a, c)), "sigmoid(a + c)"),
    (InPlace, InPlace(apply("sigmoid", RowBlock(z, 0, 3))), "sigmoid_inplace((z)[0:3])"),
    (Transpose, Transpose(plus(a, c)), "(a + c).T"),
    (RowBlock, RowBlock(plus(a, c), 0, k), "(a + c)[0:k]"),
    (ColumnBlock, ColumnBlock(W, 2, k + 2), "(W_f)[:, 2:k + 2]"),
    (ColumnSum, ColumnSum(MatrixSymbol("d", 3, 5)), "(d).sum(axis=1, keepdims=True)"),
    (Diag, Diag(plus(a, c)), "diagflat(a + c)"),
    (VConcat, VConcat(OneMatrix(1, 1), h, x),
     "concatenate((ones((1, h_prev.shape[1]), dtype=h_prev.dtype), h_prev, x_t,), axis=0)"),
]


@pytest.mark.parametrize("cls, expr, expected", CASES, ids=[case[0].__name__ for case in CASES])
def test_each_rule(cls, expr, expected):
    assert isinstance(expr, cls)
    assert CellPrinter().doprint(expr) == expected


def test_every_rule_has_a_case():
    covered = {type(expr) for _, expr, _ in CASES}
    assert {cls for cls in CODE_RULES if not any(issubclass(t, cls) for t in covered)} == set()


@pytest.mark.parametrize("expr, expected", [
    (times(2, W, x), "(2)*W_f @ x_t"),
    (times(b, OneMatrix(1, 5)), "b_f"),  # NumPy broadcasts the column over the batch
    (plus(a, plus(a, c)), "a + (a + c)"),
    (plus(a, times(-1, plus(a, c))), "a - (a + c)"),
    (HadamardPower(a, 2), "a**2"),
    (Transpose(h), "h_prev.T"),
    (Identity(3), "eye(3)"),
    (VConcat(h, x), "concatenate((h_prev, x_t,), axis=0)"),
    (k + 1, "k + 1"),
], ids=["coefficient", "broadcast", "nested-sum", "minus-sum", "power-of-symbol", "transpose-of-symbol",
        "numeric-identity", "stack", "a-size"])
def test_brackets_signs_and_sizes(expr, expected):
    assert CellPrinter().doprint(expr) == expected


class Unprintable(MatrixExpr):
    """A matrix expression class no printer knows."""

    shape = (3, 1)


@pytest.mark.parametrize("expr, name", [(Unprintable(), "Unprintable"), (plus(a, ZeroMatrix(3, 1)), "ZeroMatrix")],
                         ids=["new-class", "inside-a-sum"])
def test_an_unknown_class_is_an_error_not_code(expr, name):
    with pytest.raises(PrinterError, match=f"the NumPy code printer has no rule for {name} "):
        CellPrinter().doprint(expr)


def test_statements_accumulate_a_sum_in_place_from_a_fresh_term():
    f, i, g = (MatrixSymbol(f"{n}_t", 3, 1) for n in "fig")
    c_prev, c_t, y, s = MatrixSymbol("c_prev", 3, 1), MatrixSymbol("c_t", 3, 1), MatrixSymbol("y", 3, 1), \
        MatrixSymbol("s", 3, 1)
    equations = [
        Equation(c_t, plus(HadamardProduct(f, c_prev), HadamardProduct(i, g))),
        Equation(y, plus(b, times(W, x), times(-1, HadamardProduct(a, c)))),  # the product is the fresh array
        Equation(s, plus(b, h)),  # no fresh term: adding in place would write into b_f
    ]
    assert statements(equations, CellPrinter()) == [
        "c_t = f_t * c_prev", "c_t += i_t * g_t", "y = W_f @ x_t", "y += b_f", "y -= a * c", "s = b_f + h_prev"]


def test_make_function_keeps_its_source_and_arguments():
    function = make_function("double", ["v"], ["w = v + v", "return w"])
    assert function(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]
    assert function.source == "def double(v):\n    w = v + v\n    return w\n" and function.args == ["v"]


@pytest.mark.parametrize("name, reference", [
    ("sigmoid", lambda v: 1 / (1 + np.exp(-v))), ("tanh", np.tanh), ("relu", lambda v: np.maximum(v, 0)),
    ("exp", np.exp)])
def test_in_place_activations_overwrite_their_argument(name, reference):
    v = np.linspace(-3, 3, 7)
    out = v.copy()
    result = IN_PLACE[name](out)
    assert result is out
    np.testing.assert_allclose(out, reference(v), rtol=1e-14)


def test_a_compiled_lstm_step_against_numpy_written_by_hand(rng):
    n, hidden, batch = 2, 3, 4
    sym = {name: MatrixSymbol(name, *shape) for name, shape in {
        "x_t": (n, batch), "h_prev": (hidden, batch), "c_prev": (hidden, batch), "W": (4 * hidden, n),
        "U": (4 * hidden, hidden), "bias": (4 * hidden, 1)}.items()}
    zs = MatrixSymbol("zs", 4 * hidden, batch)
    gates = {g: MatrixSymbol(f"{g}_t", hidden, batch) for g in "fiog"}
    c_t, h_t = MatrixSymbol("c_t", hidden, batch), MatrixSymbol("h_t", hidden, batch)
    equations = [Equation(zs, plus(times(sym["W"], sym["x_t"]), times(sym["U"], sym["h_prev"]),
                                   times(sym["bias"], OneMatrix(1, batch))))]
    for j, g in enumerate("fiog"):
        block = RowBlock(zs, j * hidden, (j + 1) * hidden)
        equations.append(Equation(gates[g], apply("tanh" if g == "g" else "sigmoid", block)))
    cell = plus(HadamardProduct(gates["f"], sym["c_prev"]), HadamardProduct(gates["i"], gates["g"]))
    equations += [Equation(c_t, cell), Equation(h_t, HadamardProduct(gates["o"], apply("tanh", c_t)))]
    order = ["x_t", "h_prev", "c_prev", "W", "U", "bias"]
    compiled = Compiled([sym[name] for name in order], equations, [h_t, c_t])
    values = {name: rng.standard_normal(s.shape) for name, s in sym.items()}
    h_new, c_new = compiled.function(*[values[name] for name in order])

    pre = values["W"] @ values["x_t"] + values["U"] @ values["h_prev"] + values["bias"]
    sig = 1 / (1 + np.exp(-pre))
    f, i, o, g = sig[0:3], sig[3:6], sig[6:9], np.tanh(pre[9:12])
    c_ref = f * values["c_prev"] + i * g
    np.testing.assert_allclose(c_new, c_ref, rtol=1e-13)
    np.testing.assert_allclose(h_new, o * np.tanh(c_ref), rtol=1e-13)


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
def test_a_generated_time_loop_against_a_python_loop(rng, reverse):
    """h_t = tanh(W x_t + U h_prev), recording [h_t; x_t] at every step straight into its record."""
    n, hidden, batch, steps = 2, 3, 2, 4
    W_, U_ = MatrixSymbol("W", hidden, n), MatrixSymbol("U", hidden, hidden)
    x_t, h_prev = MatrixSymbol("x_t", n, batch), MatrixSymbol("h_prev", hidden, batch)
    h_t, stacked = MatrixSymbol("h_t", hidden, batch), MatrixSymbol("s_t", hidden + n, batch)
    equations = [Equation(h_t, apply("tanh", plus(times(W_, x_t), times(U_, h_prev)))),
                 Equation(stacked, VConcat(h_t, x_t))]
    run = compile_loop([("x_t", "xs", "[t]")], ["h_prev"], ["W", "U"], equations, ["h_t"],
                       [("h_t", "hs", "[t]"), ("s_t", "ss", "[:, t]")], reverse=reverse)
    assert "concatenate((h_t, x_t,), axis=0, out=ss[:, t])" in run.source
    xs, h0 = rng.standard_normal((steps, n, batch)), rng.standard_normal((hidden, batch))
    W, U = rng.standard_normal((hidden, n)), rng.standard_normal((hidden, hidden))
    hs, ss = np.zeros((steps, hidden, batch)), np.zeros((hidden + n, steps, batch))
    (h_last,) = run(steps, xs, h0, W, U, hs, ss)

    h = h0
    for t in (reversed(range(steps)) if reverse else range(steps)):
        h = np.tanh(W @ xs[t] + U @ h)
        np.testing.assert_allclose(hs[t], h, rtol=1e-13)
        np.testing.assert_allclose(ss[:, t], np.concatenate([h, xs[t]]), rtol=1e-13)
    np.testing.assert_allclose(h_last, h, rtol=1e-13)

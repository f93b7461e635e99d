"""quiz_values: the cells' own equations evaluated on numbers (against NumPy written here) and on
intervals (against sampling and the activations' ranges), and the LSTM's range and value answers."""

import math

import numpy as np
import pytest

from lstm_symbolic.errors import CannotDecide, UsageError
from lstm_symbolic.quiz_reading import Understanding
from lstm_symbolic.quiz_values import (
    Intervals,
    answer_range,
    check_given,
    equations,
    evaluate,
    lstm_value,
    walk,
)
from lstm_symbolic.variants import VARIANTS

INF = math.inf


def understanding(kind, targets, given=None, variant="standard", family="lstm", text="", sizes=None):
    return Understanding(sizes or {}, {}, None, family, variant, "separate", kind, targets, given=given or {},
                         text=text)


def test_equations_are_the_shape_sheets_texts():
    eqs, texts = equations("standard")
    assert texts[-2:] == ["c_t = f_t * c_prev + i_t * g_t", "h_t = o_t * tanh(c_t)"]
    assert list(eqs) == ["f_t", "i_t", "g_t", "o_t", "c_t", "h_t"]
    assert equations("no-output-tanh")[1][-1] == "h_t = o_t * c_t"
    assert equations("projection")[1][-1] == "h_t = W_hr @ (o_t * tanh(c_t))"


def test_an_equation_can_be_replaced():
    _, texts = equations("reset-after", "gru", "h_t = (1 - z_t) * h_prev + z_t * n_t")
    assert texts[-1] == "h_t = (1 - z_t) * h_prev + z_t * n_t"


# -- interval arithmetic -----------------------------------------------------------------------------
INTERVALS = [(-2.0, 3.0), (0.0, 1.0), (-1.0, -0.5), (0.0, INF), (-INF, INF), (2.0, 2.0)]


@pytest.mark.parametrize("a", INTERVALS, ids=str)
@pytest.mark.parametrize("b", INTERVALS, ids=str)
def test_interval_operations_contain_every_sampled_result(a, b):
    rng = np.random.default_rng(7)

    def sample(interval):
        low, high = (max(interval[0], -1e6), min(interval[1], 1e6))
        return np.concatenate([rng.uniform(low, high, 200), [low, high]])

    x, y = np.meshgrid(sample(a), sample(b))
    algebra = Intervals()
    for operation, values in (("add", x + y), ("sub", x - y), ("mul", x * y)):
        low, high = getattr(algebra, operation)(a, b)
        assert low <= values.min() + 1e-9 and values.max() <= high + 1e-9, operation


def test_interval_products_are_tight_at_the_corners():
    assert Intervals().mul((-2.0, 3.0), (-1.0, 4.0)) == (-8.0, 12.0)
    assert Intervals().mul((0.0, 1.0), (-INF, INF)) == (-INF, INF)
    assert Intervals().mul((0.0, 0.0), (-INF, INF)) == (0.0, 0.0)  # 0 * inf is not a value here


def expected_range(variant, name):
    """From the activations alone: sigmoid gates in (0, 1), tanh in (-1, 1), a cell state unbounded."""
    if name in ("f_t", "i_t", "o_t"):
        return (0.0, 1.0)
    if name == "g_t":
        return (-1.0, 1.0)
    if name == "h_t" and VARIANTS[variant].output_activation == "tanh" and not VARIANTS[variant].projection:
        return (-1.0, 1.0)
    return (-INF, INF)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_ranges_by_interval_arithmetic(variant):
    eqs, _ = equations(variant)
    for name in eqs:
        assert walk(eqs[name], {}, Intervals(), eqs) == expected_range(variant, name), name


# -- numbers -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_evaluate_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    f, i, g, o, c_prev = (rng.uniform(-1, 1, (3, 1)) for _ in range(5))
    eqs, texts = equations("standard")
    env = {"f_t": f, "i_t": i, "g_t": g, "o_t": o, "c_prev": c_prev}
    h = evaluate(eqs, texts, "h_t", env)
    c = f * c_prev + i * g
    np.testing.assert_allclose(env["c_t"], c, rtol=1e-12)
    np.testing.assert_allclose(h, o * np.tanh(c), rtol=1e-12)


def test_evaluate_from_weights():
    eqs, texts = equations("standard")
    w = {name: np.array([[0.5]]) for name in ("W_f", "U_f", "b_f")}
    env = {**w, "x_t": np.array([[2.0]]), "h_prev": np.array([[1.0]])}
    assert evaluate(eqs, texts, "f_t", env)[0, 0] == pytest.approx(1 / (1 + math.exp(-(0.5 * 2 + 0.5 + 0.5))))


def test_evaluate_says_what_is_missing():
    eqs, texts = equations("standard")
    with pytest.raises(CannotDecide, match=r"to compute h_t the question must also give c_t \(or what it is computed "
                                           r"from: c_t = f_t \* c_prev \+ i_t \* g_t\) \(the equation is h_t"):
        evaluate(eqs, texts, "h_t", {"o_t": np.ones((1, 1))})


def test_evaluate_refuses_overflow():
    eqs, texts = equations("standard")
    env = {"f_t": np.array([[10.0]]), "c_prev": np.array([[1e308]]), "i_t": np.zeros((1, 1)),
           "g_t": np.zeros((1, 1))}
    with pytest.raises(UsageError, match="overflows double"):
        evaluate(eqs, texts, "c_t", env)


# -- the answers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("variant, target, text", [
    ("standard", "f_t", "(0, 1)"), ("standard", "h_t", "(-1, 1)"), ("no-output-tanh", "h_t", "(-inf, inf)"),
    ("cifg", "f_t", "(0, 1)"),
])
def test_answer_range(variant, target, text):
    value, answer, lines = answer_range(understanding("range", [target], variant=variant))
    assert answer == text and lines[0].startswith(f"model LSTM ({variant}); {target} = ")


def test_relu_ranges_include_zero():
    assert answer_range(understanding("range", ["h_t"], variant="relu", family="rnn"))[1] == "[0, inf)"


def test_answer_range_needs_a_target_and_refuses_the_gru_output():
    with pytest.raises(CannotDecide, match="which gate or state"):
        answer_range(understanding("range", []))
    with pytest.raises(CannotDecide, match="previous state"):
        answer_range(understanding("range", ["h_t"], variant="reset-before", family="gru"))


@pytest.mark.parametrize("text, uses_tanh", [
    ("", True), ("h_t = o_t * c_t", False), ("ht = ot * ct", False), ("the output g^output(n) and c(n)", False),
    ("g^output with h = o tanh(c)", True),
], ids=["default", "written-without-tanh", "plain-letters", "gate-notation", "tanh-written"])
def test_lstm_value_follows_the_questions_output_equation(text, uses_tanh):
    given = {"o_t": [0.4, 0.6], "c_t": [0.7, 0.3]}
    values, answer, lines = lstm_value(understanding("value", ["h_t"], given, text=text))
    o, c = np.array(given["o_t"]), np.array(given["c_t"])
    np.testing.assert_allclose(values, o * np.tanh(c) if uses_tanh else o * c, rtol=1e-6)


def test_lstm_value_notes_gates_outside_zero_one():
    given = {"f_t": [1.5], "c_prev": [1.0], "i_t": [0.5], "g_t": [0.2]}
    values, _, lines = lstm_value(understanding("value", ["c_t"], given))
    assert values == [pytest.approx(1.6)] and "note: f_t has values outside (0, 1)" in lines[-1]


@pytest.mark.parametrize("given, sizes, reason", [
    ({}, {}, "found no vectors"),
    ({"o_t": [1.0], "c_t": [1.0, 2.0]}, {}, "different lengths: o_t has 1, c_t has 2"),
    ({"o_t": [1.0, 2.0]}, {"k": 3}, "2 entries but the hidden size is 3"),
])
def test_check_given(given, sizes, reason):
    with pytest.raises(CannotDecide, match=reason):
        check_given(understanding("value", ["h_t"], given, sizes=sizes))

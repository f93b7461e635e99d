"""quiz_family_values: GRU and simple RNN values from the family's own equations, against one-unit
cells written here with NumPy (Cho et al.'s reset-before and PyTorch's reset-after GRU)."""

import math

import numpy as np
import pytest

from lstm_symbolic.errors import CannotDecide
from lstm_symbolic.quiz_family_values import _agree_or_decline, family_value
from lstm_symbolic.quiz_reading import Understanding


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def gru(w, x, h, after, rb=(0.0, 0.0, 0.0)):
    """One step of a one-unit GRU: z_t weighs h_prev; the reset gate before or after U_n."""
    r = sigmoid(w["W_r"] * x + w["U_r"] * h + w["b_r"] + rb[0])
    z = sigmoid(w["W_z"] * x + w["U_z"] * h + w["b_z"] + rb[1])
    if after:
        n = np.tanh(w["W_n"] * x + w["b_n"] + r * (w["U_n"] * h + rb[2]))
    else:
        n = np.tanh(w["W_n"] * x + w["U_n"] * (r * h) + w["b_n"])
    return (1 - z) * n + z * h


def understanding(family, variant, given, targets=("h_t",), stated=True, text=""):
    return Understanding({}, {}, None, family, variant, "separate", "value", list(targets),
                         given={k: [float(v) for v in np.atleast_1d(x)] for k, x in given.items()}, text=text,
                         variant_stated=stated)


WEIGHTS = {"W_r": 0.5, "U_r": -0.3, "b_r": 0.1, "W_z": 0.2, "U_z": 0.4, "b_z": 0.0, "W_n": 1.0, "U_n": 0.7,
           "b_n": 0.2}


@pytest.mark.parametrize("variant, after", [("reset-before", False), ("reset-after", True)])
def test_stated_gru_placement_matches_the_reference(variant, after):
    rb = (0.0, 0.0, 0.3) if after else (0.0, 0.0, 0.0)  # the reset-after GRU's recurrent biases are given
    given = {**WEIGHTS, "x_t": 1.0, "h_prev": 0.5, **({"c_r": rb[0], "c_z": rb[1], "c_n": rb[2]} if after else {})}
    values, text, lines = family_value(understanding("gru", variant, given))
    assert values == [pytest.approx(gru(WEIGHTS, 1.0, 0.5, after, rb), abs=1e-12)]
    assert f"a {variant} GRU" in lines[1]


def test_recurrent_biases_select_the_reset_after_gru():
    rb = (0.1, -0.2, 0.3)
    given = {**WEIGHTS, "c_r": rb[0], "c_z": rb[1], "c_n": rb[2], "x_t": 2.0, "h_prev": -0.5}
    values, _, lines = family_value(understanding("gru", "reset-before", given, stated=False))
    assert values == [pytest.approx(gru(WEIGHTS, 2.0, -0.5, True, rb), abs=1e-12)]
    assert "the question gives c_n, c_r, c_z" in lines[1]
    with pytest.raises(CannotDecide, match="a reset-before GRU has none"):
        family_value(understanding("gru", "reset-before", given, stated=True))


def test_unstated_placement_evaluates_both_and_answers_when_they_agree():
    given = {"z_t": [0.2, 0.9], "n_t": [0.5, -0.5], "h_prev": [1.0, 0.0]}
    values, _, lines = family_value(understanding("gru", "reset-before", given, stated=False))
    assert values == pytest.approx([0.8 * 0.5 + 0.2 * 1.0, 0.1 * -0.5 + 0.9 * 0.0])
    assert "does not say where the reset gate is applied" in lines[1]
    assert any("z_t weighs the previous state" in line for line in lines)


def test_the_swapped_update_written_in_the_question_is_used():
    given = {"z_t": [0.2], "n_t": [0.5], "h_prev": [1.0]}
    text = "h_t = (1 - z_t) * h_{t-1} + z_t * n_t"
    values, _, lines = family_value(understanding("gru", "reset-before", given, stated=False, text=text))
    assert values == pytest.approx([0.8 * 1.0 + 0.2 * 0.5])
    assert lines[-1] == "convention: the question's own update, z_t weighs the candidate"


def test_placements_that_disagree_are_declined_with_both_values():
    results = [("reset-before", np.array([[0.5]]), None, None, None),
               ("reset-after", np.array([[0.25]]), None, None, None)]
    with pytest.raises(CannotDecide, match="depends on where the GRU applies its reset gate.*0.5.*0.25"):
        _agree_or_decline(results, "h_t", np)
    _agree_or_decline(results[:1] * 2, "h_t", np)  # the same value: no error


@pytest.mark.parametrize("variant, activation", [("tanh", math.tanh), ("relu", lambda a: max(a, 0.0))])
def test_simple_rnn(variant, activation):
    given = {"W_h": 0.5, "U_h": -1.0, "b_h": 0.1, "x_t": 2.0, "h_prev": 0.4}
    values, _, lines = family_value(understanding("rnn", variant, given))
    assert values == [pytest.approx(activation(0.5 * 2.0 - 1.0 * 0.4 + 0.1))]
    assert lines[1] == f"a simple RNN with {variant} (named by the question)"


def test_gates_outside_zero_one_are_noted():
    given = {"z_t": [1.5], "n_t": [0.5], "h_prev": [1.0]}
    _, _, lines = family_value(understanding("gru", "reset-after", given))
    assert "note: z_t has values outside (0, 1), which a sigmoid gate cannot output" in lines


def test_weights_are_single_numbers():
    with pytest.raises(CannotDecide, match="W_z is a weight matrix, given here as 2 numbers"):
        family_value(understanding("gru", "reset-after", {"W_z": [0.1, 0.2], "x_t": [1.0, 1.0]}))

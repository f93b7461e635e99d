"""quiz_choices: each option judged against the model's answer with a reason, the common slips named,
and the answer key compared only afterwards."""

import math

import pytest

from lstm_symbolic.quiz_choices import judge_options, option_numbers, option_shapes
from lstm_symbolic.quiz_reading import Understanding


def understanding(kind, family="lstm", variant="standard", sizes=None):
    return Understanding(sizes or {"n": 20, "k": 50}, {}, None, family, variant, "separate", kind, [])


def judge(kind, value, options, key=(), **kwargs):
    return judge_options(understanding(kind, **kwargs), value, "the answer", options, list(key))


def test_option_shapes_and_numbers():
    assert option_shapes("(50, 20) or 50 x 20") == [("50", "20"), ("50", "20")]
    assert option_shapes("(None, 10, 2)") == [("None", "10", "2")]
    assert option_numbers("1,234 parameters") == [(1234.0, 0)]
    assert option_numbers("[0.25, 0.5]") == [(0.25, 9), (0.5, 9)]
    assert option_numbers("0.24") == [(0.24, 2)]


def test_shapes_are_compared_semantically_and_slips_named():
    letters, lines, report = judge("shape", [(50, 20)], ["(50, 20)", "20 x 50", "50×20", "50 x 50", "fifty"])
    assert letters == ["A", "C"] and report is None
    assert lines[1] == "B. 20 x 50: wrong (that is W_f transposed (the row convention))"
    assert lines[3] == "D. 50 x 50: wrong (that is the shape of U_f)"
    assert lines[4] == "E. fifty: wrong (no shape in this option)"


def test_a_gru_names_its_own_slips():
    _, lines, _ = judge("shape", [(50, 20)], ["20x50"], family="gru", variant="reset-after")
    assert lines == ["A. 20x50: wrong (that is W_r transposed (the row convention))",
                     "None of the options matches this answer."]


def test_counts_name_other_cells_and_bias_conventions():
    n, k = 20, 50
    _, lines, _ = judge("count", 4 * k * (n + k + 1), [str(4 * k * (n + k + 2)), str(3 * k * (n + k + 1)), "12"])
    assert lines == [f"A. {4 * k * (n + k + 2)}: wrong (that is the count of an LSTM with two biases per gate)",
                     f"B. {3 * k * (n + k + 1)}: wrong (that is the count of a GRU with one bias per gate)",
                     "C. 12: wrong (a different number)", "None of the options matches this answer."]


@pytest.mark.parametrize("option, right", [
    ("(0, 1)", True), ("between 0 and 1", True), ("[0, inf)", False), ("0.7", True), ("2", False),
    ("-infinity to infinity", False), ("none", False),
])
def test_ranges(option, right):
    letters, _, _ = judge("range", (0.0, 1.0), [option])
    assert letters == (["A"] if right else [])


def test_unbounded_interval_options():
    assert judge("range", (-math.inf, math.inf), ["(-∞, ∞)", "(-1, 1)"])[0] == ["A"]


def test_values_match_to_the_digits_shown():
    value = [0.241747, 0.174788]
    letters, _, _ = judge("value", value, ["[0.24, 0.17]", "[0.2417, 0.1748]", "[0.25, 0.17]", "[0.24]"])
    assert letters == ["A", "B"]


def test_the_key_is_compared_after_judging():
    letters, lines, report = judge("shape", [(50, 1)], ["50x50", "50x1", "1x50"], key=["A"])
    assert letters == ["B"] and report == {"letters": ["A"], "agrees": False}
    assert lines[-1] == ("the key says A; the model gives B because the answer is the answer; "
                         "A. 50x50: that is the shape of U_f")
    assert judge("shape", [(50, 1)], ["50x50", "50x1"], key=["B"])[2] == {"letters": ["B"], "agrees": True}

"""quiz_answers: shapes, parameter counts and differences from an Understanding, against closed forms
written here (gate blocks G = 4, 3, 1; biases per gate by framework)."""

import pytest

from lstm_symbolic.errors import CannotDecide
from lstm_symbolic.quiz_answers import answer_count, answer_diff, answer_shape, need, param_count, read_line
from lstm_symbolic.quiz_reading import Understanding

GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def understanding(kind, targets, sizes, framework=None, family="lstm", variant="standard", flags=None,
                  families=None, text="", stated=True):
    return Understanding(sizes, {}, framework, family, variant, "separate", kind, targets, flags or {},
                         families=families or [family], text=text, variant_stated=stated)


def count(family, n, k, biases, layers=1, directions=1, proj=None, peepholes=0):
    """G gate blocks of k rows over [x; h; 1] per layer and direction; a projection p x k; peepholes."""
    h, total = proj or k, 0
    for layer in range(layers):
        n_in = n if layer == 0 else directions * h
        total += directions * (GATES[family] * k * (n_in + h + biases) + (proj or 0) * k + peepholes * k)
    return total


@pytest.mark.parametrize("targets, shapes", [
    (["W_f", "U_f"], [(12, 80), (12, 12)]),
    (["h_prev", "c_t", "b_o"], [(12, 1), (12, 1), (12, 1)]),
    (["W_*"], [(12, 80)]),
], ids=["weights", "states", "every-gate"])
def test_cell_shapes(targets, shapes):
    value, text, lines = answer_shape(understanding("shape", targets, {"n": 80, "k": 12}))
    assert value == shapes and text == ", ".join(f"{r}x{c}" for r, c in shapes)
    assert lines[0] == "understood: n = 80; k = 12; model LSTM"


def test_projection_shapes_need_p():
    value, _, _ = answer_shape(understanding("shape", ["U_f", "W_hr"], {"n": 10, "k": 20, "p": 5},
                                             variant="projection"))
    assert value == [(20, 5), (5, 20)]
    with pytest.raises(CannotDecide, match="needs the projection size"):
        answer_shape(understanding("shape", ["U_f"], {"n": 10, "k": 20}, variant="projection"))


def test_an_unstated_gru_asked_about_a_recurrent_bias_is_the_reset_after_one():
    value, _, lines = answer_shape(understanding("shape", ["c_r"], {"n": 10, "k": 20}, family="gru",
                                                 variant="reset-before", stated=False))
    assert value == [(20, 1)] and "only the reset-after GRU" in lines[1]
    with pytest.raises(CannotDecide, match="reset-before GRU cell .* has no c_r"):
        answer_shape(understanding("shape", ["c_r"], {"n": 10, "k": 20}, family="gru", variant="reset-before"))


@pytest.mark.parametrize("target, framework, sizes, shape", [
    ("fw:weight_ih_l0", "pytorch", {"n": 10, "k": 20}, (80, 10)),
    ("fw:recurrent_kernel", "keras", {"n": 10, "k": 20}, (20, 80)),
    ("fw:W", "onnx", {"n": 10, "k": 20, "D": 2}, (2, 80, 10)),
    ("act:output", "pytorch", {"n": 10, "k": 20, "B": 4, "T": 7}, (7, 4, 20)),
    ("act:output", "keras", {"n": 10, "k": 20, "T": 7}, ("None", 20)),
    ("act:h_n", "pytorch", {"n": 10, "k": 20, "B": 4, "L": 2}, (2, 4, 20)),
], ids=["torch-weight", "keras-kernel", "onnx-W", "torch-output", "keras-output", "torch-h_n"])
def test_framework_shapes(target, framework, sizes, shape):
    value, text, _ = answer_shape(understanding("shape", [target], sizes, framework))
    assert value == [shape]


@pytest.mark.parametrize("target, framework, sizes, reason", [
    ("fw:weight_ih_l0", None, {"n": 10, "k": 20}, "name the framework"),
    ("fw:kernel", "pytorch", {"n": 10, "k": 20}, "pytorch's LSTM layer has no tensor named kernel"),
    ("act:output", "pytorch", {"n": 10, "k": 20}, "needs the batch size"),
    ("W_f", None, {"n": 10}, r"does not give k \(the hidden size"),
    ("fw:W", "onnx", {"n": "n", "k": 20}, "need numbers, but n is the symbol 'n'"),
])
def test_shape_refusals(target, framework, sizes, reason):
    with pytest.raises(CannotDecide, match=reason):
        answer_shape(understanding("shape", [target], sizes, framework))


@pytest.mark.parametrize("family, framework, sizes, variant, expected", [
    ("lstm", None, {"n": 10, "k": 20}, "standard", count("lstm", 10, 20, 1)),
    ("lstm", "pytorch", {"n": 10, "k": 20}, "standard", count("lstm", 10, 20, 2)),
    ("lstm", "pytorch", {"n": 10, "k": 20, "L": 3, "D": 2}, "standard", count("lstm", 10, 20, 2, 3, 2)),
    ("lstm", "keras", {"n": 10, "k": 20, "L": 2}, "standard", count("lstm", 10, 20, 1, 2)),
    ("lstm", "pytorch", {"n": 10, "k": 20, "p": 5}, "projection", count("lstm", 10, 20, 2, proj=5)),
    ("lstm", None, {"n": 10, "k": 20}, "peephole", count("lstm", 10, 20, 1, peepholes=3)),
    ("lstm", "tf1", {"n": 10, "k": 20}, "standard", "unknown framework 'tf1'"),
    ("gru", None, {"n": 10, "k": 20}, "reset-before", count("gru", 10, 20, 1)),
    ("gru", "keras", {"n": 10, "k": 20}, "reset-after", count("gru", 10, 20, 2)),
    ("gru", "pytorch", {"n": 10, "k": 20, "L": 3}, "reset-after", count("gru", 10, 20, 2, 3)),
    ("rnn", "pytorch", {"n": 10, "k": 20, "D": 2}, "tanh", count("rnn", 10, 20, 2, 1, 2)),
    ("rnn", "matlab", {"n": 10, "k": 20}, "tanh", "MATLAB has no simple RNN layer"),
], ids=["lstm-textbook", "lstm-torch", "lstm-torch-stacked-bidirectional", "lstm-keras-stacked", "lstm-projection",
        "lstm-peephole", "lstm-tf1", "gru-textbook", "gru-keras", "gru-torch-stacked", "rnn-torch-bidirectional",
        "rnn-matlab"])
def test_counts(family, framework, sizes, variant, expected):
    u = understanding("count", [], sizes, framework, family, variant)
    if isinstance(expected, str):  # declined: the layer tables list no such layer
        with pytest.raises(CannotDecide, match=expected):
            answer_count(u)
        return
    value, text, lines = answer_count(u)
    assert value == expected and text == str(expected) and lines[1].endswith(")")


@pytest.mark.parametrize("layers, start", [
    (2, "3k(n + k + 2) + 3k(k + k + 2) = "),
    (3, "3k(n + k + 2) + 2·[3k(k + k + 2)] = "),  # the layer count multiplies as in sequences' formulas, not "2 x"
])
def test_count_formula_of_stacked_layers(layers, start):
    _, formula = param_count(understanding("count", [], {"n": 10, "k": 20, "L": layers}, "keras", "gru",
                                           "reset-after"))
    assert formula.startswith(start) and " x " not in formula


def test_per_gate_count():
    value, _, lines = answer_count(understanding("count", ["per-gate"], {"n": 10, "k": 20}))
    assert value == 20 * 10 + 20 * 20 + 20 and lines[1].startswith("one gate: W 20x10 + U 20x20 + b 20x1")
    with pytest.raises(CannotDecide, match="one layer, one direction, one bias per gate"):
        answer_count(understanding("count", ["per-gate"], {"n": 10, "k": 20}, "pytorch"))


def test_framework_tensor_counts():
    value, _, lines = answer_count(understanding("count", ["fw:kernel", "fw:bias"], {"n": 10, "k": 20}, "keras"))
    assert value == 10 * 80 + 80 and lines[1:] == ["kernel: (10, 80)", "bias: (80,)"]


def test_difference_follows_the_order_of_mention():
    u = understanding("diff", [], {"n": 10, "k": 20}, families=["gru", "lstm"],
                      text="how many more parameters does an lstm have than a gru")
    value, text, lines = answer_diff(u)
    assert value == count("lstm", 10, 20, 1) - count("gru", 10, 20, 1) and lines[-1].startswith("difference: ")
    with pytest.raises(CannotDecide, match="needs two models"):
        answer_diff(understanding("diff", [], {"n": 10, "k": 20}))


def test_read_line_names_a_non_default_lstm_variant_only():
    assert read_line(understanding("count", [], {"n": 1}, "keras", variant="peephole")) == \
        "understood: n = 1; model LSTM (peephole), keras"
    assert read_line(understanding("count", [], {}, family="gru", variant="reset-after")) == \
        "understood: no sizes; model GRU"


def test_need():
    need(understanding("count", [], {"n": 1, "k": 2}), "n", "k", numeric=True)
    with pytest.raises(CannotDecide, match=r"does not give n \(the input size: features of x_t\)"):
        need(understanding("count", [], {"k": 2}), "n", "k")

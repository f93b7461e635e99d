"""quiz_targets: the tensors a question's focus asks about, the canonical names of written tensors, and
the vectors a value question gives."""

import pytest

from lstm_symbolic.errors import CannotDecide
from lstm_symbolic.quiz_reading import Understanding
from lstm_symbolic.quiz_targets import absent, canonical, focus_targets, given_vectors
from lstm_symbolic.quiz_tokens import tokenize


def understanding(family="lstm", framework=None, kind="shape"):
    return Understanding({}, {}, framework, family, "standard", "separate", kind, [])


@pytest.mark.parametrize("focus, family, framework, targets", [
    ("what is the shape of the recurrent weights of the forget gate", "lstm", None, ["U_f"]),
    ("what are the dimensions of W_fF and W_fR respectively", "lstm", None, ["W_f", "U_f"]),
    ("what is the dimension of the previous hidden state h_{t-1}", "lstm", None, ["h_prev"]),
    ("what is the shape of the recurrent weights", "lstm", None, ["U_*"]),
    ("what is the shape of weight_ih_l0", "lstm", "pytorch", ["fw:weight_ih_l0"]),
    ("what is the shape of the kernel", "lstm", "keras", ["fw:kernel"]),
    ("what is the shape of the recurrent kernel", "lstm", "keras", ["fw:recurrent_kernel"]),
    ("what is the output shape", "lstm", "keras", ["act:output"]),
    ("what is the shape of h_n", "lstm", "pytorch", ["act:h_n"]),
    ("what is the shape of the recurrent bias of the reset gate", "gru", None, ["c_r"]),
    ("what is the shape of the update gate weights that multiply x_t", "gru", None, ["W_z"]),
], ids=["phrase", "course-names", "previous-state", "every-gate", "torch-tensor", "keras-kernel",
        "keras-recurrent-kernel", "keras-output", "torch-h_n", "gru-recurrent-bias",
        "gru-input-weights"])
def test_focus_targets(focus, family, framework, targets):
    assert focus_targets(tokenize(focus), understanding(family, framework)) == targets


def test_a_gate_without_its_kind_asks_which_weights():
    found = focus_targets(tokenize("what is the shape of the forget gate weights"), understanding())
    assert found == ["?which weights of the forget gate: the input (feed-forward) weights W or the recurrent "
                     "weights U?"]


def test_kernel_means_the_framework_tensor_only_where_the_framework_has_one():
    assert focus_targets(tokenize("what is the shape of the kernel"), understanding(framework="pytorch")) != \
        ["fw:kernel"]


@pytest.mark.parametrize("written, family, name", [
    ("W_fF", "lstm", "W_f"), ("W_fR", "lstm", "U_f"), ("h_{t-1}", "lstm", "h_prev"), ("C_t", "lstm", "c_t"),
    (r"\tilde{C}_t", "lstm", "g_t"), ("c(n)", "lstm", "c_t"), ("x_t", "lstm", "x_t"),
    ("W_z", "gru", "W_z"), (r"\tilde{h}_t", "gru", "n_t"), ("h_{t-1}", "gru", "h_prev"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_canonical(written, family, name):
    tokens = tokenize(written)
    assert canonical(tokens[0], tokens, family) == name


def test_an_lstm_name_a_family_lacks_is_declined_with_the_reason():
    tokens = tokenize("c_t")
    with pytest.raises(CannotDecide, match="a GRU has no cell state: its only state is the hidden state h_t"):
        canonical(tokens[0], tokens, "gru")
    assert absent("rnn", "W_f", "W_f") == ("I read 'W_f' (W_f: the LSTM's input (feed-forward) weights of the forget "
                                           "gate), but a simple RNN has none; its tensors are x_t, h_prev, W_h, "
                                           "U_h, b_h, h_t")


def test_given_vectors():
    tokens = tokenize("o_t = [0.4, 0.6] and c_t = [0.7, 0.3] and the forget gate is [0.5, 0.5]")
    assert given_vectors(tokens, understanding(kind="value")) == {"o_t": [0.4, 0.6], "c_t": [0.7, 0.3],
                                                                   "f_t": [0.5, 0.5]}


def test_given_numbers_of_a_one_unit_cell():
    tokens = tokenize("W_h = 0.5, U_h = -1, b_h = 0.1, x_t = 2 and h_{t-1} = 0.4")
    assert given_vectors(tokens, understanding("rnn", kind="value")) == {
        "W_h": [0.5], "U_h": [-1.0], "b_h": [0.1], "x_t": [2.0], "h_prev": [0.4]}

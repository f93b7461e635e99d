"""The cell-family table and the functions that walk it: choosing a cell from options, the layouts a
variant refuses, the words that name a cell, what each tensor means."""

import pytest

from lstm_symbolic import FAMILIES, GRUCell, LSTMCell, RNNCell, UsageError
from lstm_symbolic.families import (
    cell_words,
    check_layout,
    check_notation,
    choose_cell,
    combinations,
    describe_tensor,
    family_variant,
    heading,
    stacked_rows,
    title,
)


def test_family_table():
    assert list(FAMILIES) == ["lstm", "gru", "rnn"]
    assert FAMILIES["gru"].states == ("h",) and FAMILIES["lstm"].states == ("h", "c")
    assert [v for v, _ in combinations("gru")] == ["reset-before"] * 3 + ["reset-after"]


@pytest.mark.parametrize("kwargs,message", [
    (dict(family="gru", variant="peephole"), "--variant chooses the LSTM's variant (--cell lstm); it does not apply "
                                             "to --cell gru, whose reset-gate placement is chosen with --reset-after"),
    (dict(family="lstm", reset_after=True), "--reset-after or --reset-before chooses the GRU's reset-gate placement "
                                            "(--cell gru); it does not apply to --cell lstm"),
    (dict(family="rnn", proj_size=3), "--proj sets the LSTM's projection size"),
    (dict(family="gru", nonlinearity="relu"), "--nonlinearity chooses the simple RNN's nonlinearity"),
    (dict(reset_after=True, nonlinearity="relu"), "give the options of one cell"),
    (dict(family="rnn", framework="matlab"),
     "MATLAB has no simple RNN layout in this tool; frameworks with one: pytorch, keras, onnx"),
])
def test_bad_combinations(kwargs, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        choose_cell(**kwargs)


def test_choices_and_framework_defaults():
    assert choose_cell(reset_after=False) == ("gru", "reset-before")
    assert choose_cell(nonlinearity="relu") == ("rnn", "relu")
    assert choose_cell("gru") == ("gru", "reset-before")
    # the ONNX layout holds linear_before_reset=1 (what PyTorch exports), so its GRU is reset-after here
    assert [choose_cell("gru", framework=f)[1] for f in ("pytorch", "keras", "matlab", "onnx")] == \
        ["reset-after"] * 4
    assert choose_cell("gru", reset_after=False, framework="keras") == ("gru", "reset-before")
    with pytest.raises(UsageError, match=r"PyTorch nn.GRU cannot hold a reset gate applied before"):
        choose_cell("gru", reset_after=False, framework="pytorch")
    with pytest.raises(UsageError, match="TensorFlow has no GRU layout in this tool; frameworks with one: pytorch, "
                                         "keras, onnx, matlab"):
        choose_cell("gru", framework="tf1")




def test_combinations_leave_out_refused_layouts():
    assert combinations("lstm") == [(v, lay) for v in FAMILIES["lstm"].variants for lay in ("separate", "concat",
                                                                                          "augmented")]
    assert ("reset-after", "concat") not in combinations("gru") and ("reset-before", "concat") in combinations("gru")
    assert combinations("rnn") == [(v, lay) for v in ("tanh", "relu") for lay in ("separate", "concat", "augmented")]


def test_family_variant_and_check_layout():
    assert family_variant("gru", "reset-after").reset_after is True
    with pytest.raises(UsageError, match="unknown GRU variant 'cifg'; valid GRU variants are: reset-before, "
                                         "reset-after"):
        family_variant("gru", "cifg")
    check_layout("gru", "reset-before", "augmented")  # accepted: no error
    with pytest.raises(UsageError, match="the concat layout does not apply to the reset-after GRU: the reset-after"):
        check_layout("gru", "reset-after", "concat")


def test_words_that_name_a_cell():
    cells = [LSTMCell(3, 2), GRUCell(3, 2, True), RNNCell(3, 2, "relu", "concat")]
    assert [heading(c) for c in cells] == ["LSTM cell: variant standard, layout separate",
                                           "GRU cell: reset-after, layout separate",
                                           "simple RNN cell: relu, layout concat"]
    assert [title(c) for c in cells] == ["LSTM cell: standard variant, separate layout",
                                         "GRU cell: reset-after, separate layout",
                                         "simple RNN cell: relu, concat layout"]
    assert [cell_words(c) for c in cells] == ["standard cell", "reset-after GRU cell", "relu simple RNN cell"]


@pytest.mark.parametrize("family,name,layout,text", [
    ("gru", "r_t", "separate", "reset gate (activation)"),
    ("gru", "hx_t", "concat", "concatenated input [h_prev; x_t]"),
    ("gru", "rhx_t", "augmented", "concatenated input of the candidate [1; r_t * h_prev; x_t]"),
    ("gru", "W_z", "concat", "weights of the update gate (multiply hx_t = [h_prev; x_t])"),
    ("gru", "c_n", "separate", "recurrent bias of the candidate hidden state"),
    ("rnn", "W_h", "separate", "input (feed-forward) weights of the hidden state"),
    ("rnn", "h_t", "separate", "new hidden state (output)"),
    ("lstm", "W_f", "augmented", "weights of the forget gate, bias in the first column (multiply z_t = "
                                 "[1; h_prev; x_t])"),
    ("lstm", "p_o", "separate", "peephole weights of the output gate (diagonal)"),
])
def test_describe_tensor(family, name, layout, text):
    assert describe_tensor(name, family, layout) == text


def test_stacked_rows():
    assert stacked_rows("gru", "rhx_t", "concat") == "[r_t * h_prev; x_t]"
    assert stacked_rows("lstm", "z_t", "separate") is None


def test_check_notation():
    check_notation("lstm", "greff")
    with pytest.raises(UsageError, match=r"the greff notation names LSTM tensors; the GRU cell is written in the "
                                         r"standard notation \(--notation standard\)"):
        check_notation("gru", "greff")

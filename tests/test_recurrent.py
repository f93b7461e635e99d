"""Recurrent layer objects' tensors (recurrent.py): the same shapes as the framework table's
parameter lists, what one layer object adds (no biases, MATLAB's recurrent biases, Keras'
bidirectional names), every refusal word for word, and the counts of the real frameworks."""

import pytest

from lstm_symbolic import UsageError
from lstm_symbolic.framework_table import CELL_MODES, LAYOUTS
from lstm_symbolic.recurrent import GATES, LAYER_OBJECTS, recurrent_params, recurrent_tensors
from lstm_symbolic.sequences import parameter_table

from .conftest import require

ROWS = [pytest.param(row.framework, row.cell, reset_after, id=f"{row.cell}-{row.framework}-{mode or 'plain'}")
        for row in LAYOUTS if row.framework in LAYER_OBJECTS
        for mode, reset_after in ((None, None), ("reset_after", True), ("reset_before", False))
        if (mode is None) == (row.cell not in CELL_MODES) and (mode is None or mode in row.features)]


@pytest.mark.parametrize("bidirectional", [False, True], ids=["forward", "bidirectional"])
@pytest.mark.parametrize("framework, cell, reset_after", ROWS)
def test_one_layer_has_the_parameter_tables_shapes(framework, cell, bidirectional, reset_after):
    want = parameter_table(framework, 7, 5, 1, bidirectional, cell=cell, reset_after=reset_after)[1]
    got = recurrent_tensors(cell, framework, 7, 5, 1, bidirectional, reset_after=reset_after,
                            recurrent_bias=True)
    assert list(got.values()) == list(want.values())
    assert [key.replace("_", "/", 1) if key.startswith(("forward_", "backward_")) else key for key in got] == \
        list(want)


def test_pytorch_stacks_and_projects_in_one_object():
    assert recurrent_tensors("lstm", "pytorch", 7, 5, 3, True, 2) == parameter_table("pytorch", 7, 5, 3, True, 2)[1]


def test_what_a_layer_object_stores_beyond_the_table():
    assert recurrent_tensors("gru", "matlab", 7, 5) == {"InputWeights": (15, 7), "RecurrentWeights": (15, 5),
                                                        "Bias": (15, 1)}  # 'after-multiplication': one bias
    assert recurrent_tensors("gru", "matlab", 7, 5, recurrent_bias=True)["Bias"] == (30, 1)
    assert recurrent_tensors("lstm", "matlab", 7, 5, recurrent_bias=True)["Bias"] == (20, 1)
    assert recurrent_tensors("gru", "keras", 7, 5, bias=False) == {"kernel": (7, 15), "recurrent_kernel": (5, 15)}
    assert list(recurrent_tensors("lstm", "pytorch", 7, 5, bias=False)) == ["weight_ih_l0", "weight_hh_l0"]
    assert list(recurrent_tensors("lstm", "keras", 7, 5, bidirectional=True)) == [
        "forward_kernel", "forward_recurrent_kernel", "forward_bias", "backward_kernel", "backward_recurrent_kernel",
        "backward_bias"]  # as a Bidirectional wrapper names them
    assert recurrent_tensors("rnn", "onnx", 7, 5, bidirectional=True) == {"W": (2, 5, 7), "R": (2, 5, 5),
                                                                          "B": (2, 10)}
    assert GATES == {"lstm": 4, "gru": 3, "rnn": 1}


@pytest.mark.parametrize("args, message", [
    (("cnn", "pytorch"), "unknown cell 'cnn': choose one of lstm, gru, rnn"),
    (("lstm", "tf1"), "unknown framework 'tf1': choose one of pytorch, keras, matlab, onnx"),
    (("lstm", "pytorch", 1001), "1001 layers is more than this tool lists (at most 1,000)"),
    (("lstm", "keras", 2), "keras has one layer per recurrent layer object and no projection"),
    (("lstm", "onnx", 1, 3), "onnx has one layer per recurrent layer object and no projection"),
    (("rnn", "matlab"), "MATLAB has no simple RNN layer (lstmLayer, bilstmLayer and gruLayer only)"),
    (("gru", "pytorch", 1, 3), "only the LSTM has a projection (proj_size)"),
], ids=["cell", "framework", "layers", "keras-layers", "onnx-projection", "matlab-rnn", "gru-projection"])
def test_refusals_word_for_word(args, message):
    cell, framework, layers, proj = (args + (1, None))[:4]
    with pytest.raises(UsageError) as err:
        recurrent_tensors(cell, framework, 7, 5, layers, proj_size=proj)
    assert str(err.value) == message


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("cell, layers, bidirectional, proj", [
    ("lstm", 1, False, None), ("lstm", 3, True, None), ("lstm", 2, True, 2), ("gru", 2, True, None),
    ("rnn", 3, False, None)], ids=["lstm", "lstm-3-bi", "lstm-proj", "gru-2-bi", "rnn-3"])
def test_counts_equal_torch_numel(cell, layers, bidirectional, proj, bias):
    torch = require("torch")
    kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
    extra = {"proj_size": proj} if proj else {}
    module = kind(7, 5, num_layers=layers, bidirectional=bidirectional, bias=bias, **extra)
    shapes = {name: tuple(p.shape) for name, p in module.named_parameters()}
    assert recurrent_tensors(cell, "pytorch", 7, 5, layers, bidirectional, proj, bias=bias) == shapes
    assert recurrent_params(cell, "pytorch", 7, 5, layers, bidirectional, proj, bias=bias) == \
        sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("cell, reset_after", [("lstm", None), ("gru", True), ("gru", False), ("rnn", None)],
                         ids=["lstm", "gru-reset-after", "gru-reset-before", "rnn"])
def test_counts_equal_keras_count_params(cell, reset_after):
    keras = require("keras")
    kind = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "rnn": keras.layers.SimpleRNN}[cell]
    layer = kind(5, **({"reset_after": reset_after} if reset_after is not None else {}))
    layer.build((None, None, 7))
    assert [tuple(w.shape) for w in layer.weights] == \
        list(recurrent_tensors(cell, "keras", 7, 5, reset_after=reset_after).values())
    assert recurrent_params(cell, "keras", 7, 5, reset_after=reset_after) == layer.count_params()

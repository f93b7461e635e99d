"""layers_matlab: the MATLAB rows of the layer table (shapes are (channels, batch, time)), against
MATLAB's documented learnable sizes written here: 4k x n input weights, 8k rows for bilstmLayer, ..."""

import pytest

from lstm_symbolic.layer_rules import LayerContradiction, LayerProblem, apply_with
from lstm_symbolic.layers_matlab import ROWS
from lstm_symbolic.modelcode_nodes import LayerCall


def call(type_, *args, **kwargs):
    return LayerCall(type_, args, kwargs, 1, "matlab")


def run(layer, x):
    return apply_with(ROWS, layer, x)


@pytest.mark.parametrize("type_, gates, directions", [("lstmLayer", 4, 1), ("bilstmLayer", 4, 2), ("gruLayer", 3, 1)])
def test_recurrent_learnables(type_, gates, directions):
    n, k = 12, 100
    out = run(call(type_, k), (n, "B", 50))
    rows = directions * gates * k
    assert out.tensors == {"InputWeights": (rows, n), "RecurrentWeights": (rows, k), "Bias": (rows, 1)}
    assert out.output == (directions * k, "B", 50)


def test_output_mode_last_drops_the_time_dimension():
    assert run(call("lstmLayer", 8, OutputMode="last"), (3, 1, 400)).output == (8, 1)


def test_names_are_case_insensitive():
    out = run(call("LSTMLAYER", 8, outputmode="LAST"), (3, 1, 400))
    assert out.output == (8, 1)


def test_gru_recurrent_bias_mode_doubles_the_bias():
    out = run(call("gruLayer", 5, ResetGateMode="recurrent-bias-after-multiplication"), (2, "B", "T"))
    assert out.tensors["Bias"] == (2 * 3 * 5, 1)
    with pytest.raises(LayerProblem, match="resetgatemode is 'sideways'"):
        run(call("gruLayer", 5, ResetGateMode="sideways"), (2, "B", "T"))


@pytest.mark.parametrize("layer, x, output, tensors", [
    (call("sequenceInputLayer", 12), None, (12, "B", "T"), {}),
    (call("fullyConnectedLayer", 9), (100, "B", "T"), (9, "B", "T"), {"Weights": (9, 100), "Bias": (9, 1)}),
    (call("wordEmbeddingLayer", 50, 1000), (1, "B", "T"), (50, "B", "T"), {"Weights": (50, 1000)}),
    (call("layerNormalizationLayer"), (6, "B", "T"), (6, "B", "T"), {"Offset": (6, 1), "Scale": (6, 1)}),
    (call("softmaxLayer"), (9, "B"), (9, "B"), {}),
], ids=["sequence-input", "fully-connected", "word-embedding", "layer-norm", "softmax"])
def test_other_rows(layer, x, output, tensors):
    out = run(layer, x)
    assert out.output == output and out.tensors == tensors


@pytest.mark.parametrize("layer, x, error, message", [
    (call("lstmLayer", 8, InputSize=4), (3, "B", "T"), LayerContradiction, "has 'InputSize' 4, but its input has 3"),
    (call("lstmLayer", 8), (3, "B"), LayerContradiction, "sequence input"),
    (call("wordEmbeddingLayer", 5, 10), (3, "B", "T"), LayerContradiction, "expects word indices"),
    (call("lstmLayer", 8, OutputMode="all"), (3, "B", "T"), LayerProblem, "outputmode is 'all'"),
], ids=["input-size", "rank", "embedding-channels", "output-mode"])
def test_refusals(layer, x, error, message):
    with pytest.raises(error, match=message):
        run(layer, x)


def test_unknown_input_size_leaves_the_count_open():
    out = run(call("lstmLayer", 8), None)
    assert out.output == (8, "B", "T") and out.tensors is None and out.missing == "the input size is unknown"

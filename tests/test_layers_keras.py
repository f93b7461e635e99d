"""layers_keras: the Keras rows of the layer table, against closed forms written here (Keras' own
count_params and output shapes are compared in tests/integration/test_summary_frameworks.py)."""

import pytest

from lstm_symbolic.layer_rules import LayerContradiction, LayerProblem, apply_with
from lstm_symbolic.layers_keras import OPEN, ROWS, declared_input
from lstm_symbolic.modelcode_nodes import LayerCall, Unknown


def call(type_, *args, **kwargs):
    return LayerCall(type_, args, kwargs, 1, "keras")


def run(layer, x):
    return apply_with(ROWS, layer, x)


def gates(cell):
    return {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[cell]


@pytest.mark.parametrize("cell", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("n, k", [(3, 5), (64, 32)], ids=["n3k5", "n64k32"])
def test_recurrent_counts_and_shapes(cell, n, k):
    out = run(call(cell, k), (8, 10, n))
    biases = 2 if cell == "GRU" else 1  # Keras 3's GRU is reset_after=True: two bias rows
    assert out.params == gates(cell) * k * (n + k + biases)
    assert out.output == (8, k)
    assert run(call(cell, k, return_sequences=True), (8, 10, n)).output == (8, 10, k)


def test_reset_before_gru_has_one_bias_row():
    out = run(call("GRU", 4, reset_after=False), (None, 7, 3))
    assert out.tensors == {"kernel": (3, 12), "recurrent_kernel": (4, 12), "bias": (12,)}


def test_return_state_adds_the_states_a_cell_has():
    lstm = run(call("LSTM", 4, return_state=True), (2, 5, 3))
    assert lstm.states == {"state_h": (2, 4), "state_c": (2, 4)} and lstm.structure == ("output", "state_h", "state_c")
    gru = run(call("GRU", 4, return_state=True), (2, 5, 3))
    assert gru.states == {"state_h": (2, 4)}


def test_unknown_input_size_leaves_the_count_open():
    out = run(call("LSTM", 4), None)
    assert out.output == (OPEN, 4) and out.params is None and "input size is unknown" in out.missing


@pytest.mark.parametrize("mode, width", [("concat", 16), ("sum", 8), ("mul", 8), ("ave", 8)])
def test_bidirectional_merge_modes(mode, width):
    out = run(call("Bidirectional", call("LSTM", 8), merge_mode=mode), (None, 5, 3))
    assert out.output == (None, width)
    assert out.params == 2 * 4 * 8 * (3 + 8 + 1)
    assert set(out.tensors) == {f"{side}_lstm/{name}" for side in ("forward", "backward")
                                for name in ("kernel", "recurrent_kernel", "bias")}


def test_bidirectional_needs_a_recurrent_layer():
    with pytest.raises(LayerProblem, match="wraps a recurrent layer"):
        run(call("Bidirectional", call("Dense", 3)), (None, 5, 3))


@pytest.mark.parametrize("layer, x, output, params", [
    (call("Dense", 3), (None, 10), (None, 3), 10 * 3 + 3),
    (call("Dense", 3, use_bias=False), (None, 7, 10), (None, 7, 3), 30),
    (call("Embedding", 1000, 64, input_length=10), None, (OPEN, 10, 64), 64_000),
    (call("TimeDistributed", call("Dense", 2)), (None, 5, 4), (None, 5, 2), 4 * 2 + 2),
    (call("RepeatVector", 6), (None, 4), (None, 6, 4), 0),
    (call("Flatten"), (None, 5, 4), (None, 20), 0),
    (call("GlobalMaxPooling1D"), (None, 5, 4), (None, 4), 0),
    (call("BatchNormalization"), (None, 5, 4), (None, 5, 4), 4 * 4),
    (call("LayerNormalization"), (None, 5, 4), (None, 5, 4), 2 * 4),
    (call("Conv1D", 8, 3), (None, 10, 4), (None, 8, 8), 3 * 4 * 8 + 8),
    (call("Conv1D", 8, 3, strides=2, padding="same"), (None, 10, 4), (None, 5, 8), 3 * 4 * 8 + 8),
    (call("Dropout", 0.5), (None, 5, 4), (None, 5, 4), 0),
    (call("Input", shape=(10, 3)), None, (OPEN, 10, 3), 0),
    (call("Input", batch_shape=(2, None, 3)), None, (2, OPEN, 3), 0),
], ids=["dense", "dense-3d-no-bias", "embedding", "time-distributed", "repeat", "flatten", "pool", "batch-norm",
        "layer-norm", "conv-valid", "conv-same-stride", "dropout", "input", "input-batch-shape"])
def test_other_rows(layer, x, output, params):
    out = run(layer, x)
    assert out.output == output and out.params == params


@pytest.mark.parametrize("layer, x, error, message", [
    (call("LSTM", 4), (None, 3), LayerContradiction, "expects a 3-D input"),
    (call("Dense", 3), (None, 5, OPEN), LayerContradiction, "needs a known last dimension"),
    (call("LSTM", 0), (None, 5, 3), LayerProblem, "units is 0, not a positive integer"),
    (call("LSTM", Unknown("width")), (None, 5, 3), LayerProblem, "units is width"),
    (call("Conv1D", 8, "x"), (None, 5, 3), LayerProblem, "kernel_size is 'x'"),
    (call("Input", shape="x"), None, LayerProblem, "not a tuple of sizes"),
], ids=["rank", "open-features", "zero-units", "unknown-units", "kernel-size", "input-shape"])
def test_refusals(layer, x, error, message):
    with pytest.raises(error, match=message):
        run(layer, x)


def test_declared_input():
    assert declared_input({"input_shape": (10, None)}) == (OPEN, 10, OPEN)
    assert declared_input({"batch_input_shape": (4, 10, 3)}) == (4, 10, 3)
    assert declared_input({"units": 3}) is None

"""layers: one function walks the layer table of the call's framework."""

import pytest

from lstm_symbolic import layers_keras, layers_matlab, layers_pytorch
from lstm_symbolic.layers import TABLE, LayerProblem, apply_layer
from lstm_symbolic.modelcode import read_model


def test_every_framework_the_reader_knows_has_a_table():
    from lstm_symbolic.modelcode import FRAMEWORK_NAMES

    assert set(TABLE) == set(FRAMEWORK_NAMES)
    assert TABLE["keras"] is layers_keras.ROWS and TABLE["pytorch"] is layers_pytorch.ROWS
    assert TABLE["matlab"] is layers_matlab.ROWS


@pytest.mark.parametrize("code, x, output, params", [
    ("model.add(LSTM(32))", (None, 10, 64), (None, 32), 4 * 32 * (64 + 32 + 1)),
    ("nn.LSTM(64, 32)", (10, 4, 64), (10, 4, 32), 4 * 32 * (64 + 32 + 2)),
    ("[lstmLayer(32)]", (64, "B", 10), (32, "B", 10), 4 * 32 * (64 + 32 + 1)),
], ids=["keras", "pytorch", "matlab"])
def test_the_call_goes_to_its_framework_table(code, x, output, params):
    out = apply_layer(read_model(code).layers[0], x)
    assert out.output == output and out.params == params


def test_a_type_of_another_framework_is_unknown():
    layer = read_model("nn.LSTM(64, 32)").layers[0]
    keras_layer = type(layer)("lstmLayer", (32,), {}, 1, "keras")
    with pytest.raises(LayerProblem, match="lstmLayer is not a layer type this tool knows"):
        apply_layer(keras_layer, None)

"""modelcode_matlab: MATLAB layer arrays read by a small tokenizer (nothing executed)."""

import pytest

from lstm_symbolic.modelcode_matlab import read_matlab
from lstm_symbolic.modelcode_nodes import Unknown


def test_matlab_forum_style_array():
    code = read_matlab("numHiddenUnits = 75;\n"
                      "layers = [ ...\n"
                      "    sequenceInputLayer(1)\n"
                      "    lstmLayer(numHiddenUnits,'OutputMode','sequence') % the LSTM\n"
                      "    fullyConnectedLayer(3)\n"
                      "    softmaxLayer\n"
                      "    classificationLayer];\n"
                      "options = trainingOptions('adam', 'MaxEpochs', 10);\n"
                      "net = trainNetwork(X, Y, layers, options);\n")
    assert code.problems == []
    assert [(layer.type, layer.args, layer.kwargs, layer.line) for layer in code.layers] == [
        ("sequenceInputLayer", (1,), {}, 3), ("lstmLayer", (75,), {"OutputMode": "sequence"}, 4),
        ("fullyConnectedLayer", (3,), {}, 5), ("softmaxLayer", (), {}, 6), ("classificationLayer", (), {}, 7)]


def test_matlab_array_grown_from_another():
    code = read_matlab("layers = [sequenceInputLayer(4)\n lstmLayer(8)];\nlayers = [layers; fullyConnectedLayer(2)];\n")
    assert [layer.type for layer in code.layers] == ["sequenceInputLayer", "lstmLayer", "fullyConnectedLayer"]


@pytest.mark.parametrize("text, expected", [
    ('layers = [sequenceInputLayer(3, Name="in"), lstmLayer(2*4, "OutputMode", "last")];',
     [("sequenceInputLayer", (3,), {"Name": "in"}), ("lstmLayer", (8,), {"OutputMode": "last"})]),
    ("n = 10; m = n / 4;\nlayers = [lstmLayer(m)]", [("lstmLayer", (2.5,), {})]),
    ("a = lstmLayer(5);\nb = [a fullyConnectedLayer(2)];",
     [("lstmLayer", (5,), {}), ("fullyConnectedLayer", (2,), {})]),
    ("layers = [lstmLayer(k)]", [("lstmLayer", (Unknown("k"),), {})]),
    ("layers = [ ...\n  lstmLayer(4) % a comment with lstmLayer(9)\n  softmaxLayer];", [("lstmLayer", (4,), {}),
                                                                                       ("softmaxLayer", (), {})]),
    ("x = 3';\nlayers = [lstmLayer(2)]", [("lstmLayer", (2,), {})]),
], ids=["name-value-both-spellings", "arithmetic", "array-from-a-variable", "unknown-name", "continuation-comment",
        "transpose-quote"])
def test_arrays(text, expected):
    code = read_matlab(text)
    assert [(layer.type, layer.args, layer.kwargs) for layer in code.layers] == expected
    assert code.problems == [] and all(layer.framework == "matlab" for layer in code.layers)


def test_the_model_is_the_last_layer_array():
    code = read_matlab("encoder = [lstmLayer(3)];\nlayers = [sequenceInputLayer(2) lstmLayer(4)];\n")
    assert [layer.args for layer in code.layers] == [(2,), (4,)]


@pytest.mark.parametrize("text, problem", [
    ('layers = [lstmLayer(3, "OutputMode")]',
     "an odd number of name-value arguments (['OutputMode']); the last one is ignored"),
    ("x = [1 2]; layers = [lstmLayer(4) x]", "1 in the layer array is not a layer this tool reads"),
    ("[" * 3000 + "lstmLayer(3)", "the code is nested too deeply to read"),
], ids=["odd-pairs", "numbers-in-the-array", "nesting"])
def test_problems_are_reported(text, problem):
    assert problem in [message for _, message in read_matlab(text).problems]


def test_no_tokens_no_layers():
    code = read_matlab("   % only a comment\n")
    assert code.layers == [] and code.problems == []

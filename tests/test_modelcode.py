"""The model-code reader: layers, literal arguments, lines and data flow, without executing anything."""

import pytest

from lstm_symbolic.errors import UsageError
from lstm_symbolic.modelcode import Apply, Concat, LayerCall, Select, Unknown, detect_framework, read_model

FRAGMENTS = [
    ("keras-add", "model.add(LSTM(32, input_shape=(10, 64)))", "keras", [("LSTM", (32,), {"input_shape": (10, 64)})]),
    ("pytorch-call", "nn.LSTM(10, 20, num_layers=2, batch_first=True)", "pytorch",
     [("LSTM", (10, 20), {"num_layers": 2, "batch_first": True})]),
    ("matlab-array", "[sequenceInputLayer(12) lstmLayer(100) fullyConnectedLayer(9) softmaxLayer classificationLayer]",
     "matlab", [("sequenceInputLayer", (12,), {}), ("lstmLayer", (100,), {}), ("fullyConnectedLayer", (9,), {}),
                ("softmaxLayer", (), {}), ("classificationLayer", (), {})]),
    ("keras-sequential", "Sequential([Embedding(1000, 64), GRU(32, reset_after=False), Dense(1)])", "keras",
     [("Embedding", (1000, 64), {}), ("GRU", (32,), {"reset_after": False}), ("Dense", (1,), {})]),
    ("keras-module-path", "tf.keras.layers.SimpleRNN(8, input_shape=(None, 3))", "keras",
     [("SimpleRNN", (8,), {"input_shape": (None, 3)})]),
    ("pytorch-sequential", "net = nn.Sequential(nn.Embedding(50, 8), nn.GRU(8, 16))", "pytorch",
     [("Embedding", (50, 8), {}), ("GRU", (8, 16), {})]),
    ("matlab-name-value", "layers = [sequenceInputLayer(3), bilstmLayer(20, OutputMode=\"last\")];", "matlab",
     [("sequenceInputLayer", (3,), {}), ("bilstmLayer", (20,), {"OutputMode": "last"})]),
]


@pytest.mark.parametrize("text, framework, expected", [f[1:] for f in FRAGMENTS], ids=[f[0] for f in FRAGMENTS])
def test_fragments(text, framework, expected):
    code = read_model(text)
    assert code.framework == framework
    assert [(layer.type, layer.args, layer.kwargs) for layer in code.layers] == expected
    assert code.problems == []
    assert all(layer.framework == framework and layer.line == 1 for layer in code.layers)


def test_constants_defaults_and_attributes_are_resolved():
    code = read_model(
        "import torch.nn as nn\n"
        "EMB = 32\n"
        "class Net(nn.Module):\n"
        "    def __init__(self, vocab=1000, hidden=64, bidirectional=True):\n"
        "        super().__init__()\n"
        "        self.hidden = hidden\n"
        "        self.embedding = nn.Embedding(vocab, EMB)\n"
        "        self.lstm = nn.LSTM(EMB, self.hidden, bidirectional=bidirectional)\n"
        "        self.fc = nn.Linear(self.hidden * (2 if bidirectional else 1), 3)\n")
    assert [(layer.name, layer.args, layer.line) for layer in code.layers] == [
        ("embedding", (1000, 32), 7), ("lstm", (32, 64), 8), ("fc", (128, 3), 9)]


def test_unknown_values_stay_unknown():
    code = read_model("import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self, n):\n"
                      "        super().__init__()\n        self.rnn = nn.RNN(n, 4)\n")
    assert code.layers[0].args == (Unknown("n"), 4)


def test_pytorch_forward_flow():
    code = read_model(
        "import torch\nimport torch.nn as nn\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.lstm = nn.LSTM(8, 16, num_layers=2, bidirectional=True, batch_first=True)\n"
        "        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(32, 3))\n"
        "    def forward(self, x):\n"
        "        out, (h, c) = self.lstm(x)\n"
        "        last = torch.cat((h[-2], h[-1]), dim=1)\n"
        "        return self.head(last)\n")
    assert code.inputs == ("x",)
    assert [layer.name for layer in code.layers] == ["lstm", "head.0", "head.1"]
    applies = [step for step in code.flow if isinstance(step, Apply)]
    assert [(a.layer, a.source) for a in applies] == [(0, "x"), (1, "last"), (2, applies[1].target)]
    assert applies[0].target == ("out", ("h", "c"))
    assert any(isinstance(step, Concat) and step.dim == 1 and step.target == "last" for step in code.flow)
    assert sum(isinstance(step, Select) and step.index in ((-2,), (-1,)) for step in code.flow) == 2


def test_keras_functional_flow():
    code = read_model("inputs = keras.Input(shape=(10, 8))\n"
                      "x, h, c = layers.LSTM(32, return_state=True)(inputs)\n"
                      "outputs = layers.Dense(1)(x)\n")
    assert [layer.type for layer in code.layers] == ["Input", "LSTM", "Dense"]
    assert [(s.layer, s.source, s.target) for s in code.flow] == [
        (0, None, "inputs"), (1, "inputs", ("x", "h", "c")), (2, "x", "outputs")]


def test_bidirectional_nests_its_layer():
    layer = read_model("model.add(Bidirectional(LSTM(16), merge_mode='sum'))").layers[0]
    assert layer.type == "Bidirectional" and layer.kwargs == {"merge_mode": "sum"}
    assert isinstance(layer.args[0], LayerCall) and layer.args[0].args == (16,)


def test_matlab_forum_style_array():
    code = read_model("numHiddenUnits = 75;\n"
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
    code = read_model("layers = [sequenceInputLayer(4)\n lstmLayer(8)];\nlayers = [layers; fullyConnectedLayer(2)];\n")
    assert [layer.type for layer in code.layers] == ["sequenceInputLayer", "lstmLayer", "fullyConnectedLayer"]


def test_python_syntax_error_keeps_the_readable_lines():
    code = read_model("model = Sequential()\nmodel.add(LSTM(32, input_shape=(10, 8))\nmodel.add(Dense(1))\n")
    assert code.problems and code.problems[0][0] in (2, 3)
    assert [layer.type for layer in code.layers] == ["Dense"]


def test_nothing_is_executed(tmp_path):
    marker = tmp_path / "ran"
    read_model(f"import os\nopen({str(marker)!r}, 'w')\nmodel.add(Dense(1, units=__import__('os').system('x')))")
    assert not marker.exists()


@pytest.mark.parametrize("text", ["", "   \n", "hello world", "\x00\x01binary", "x" * 1_000_001],
                         ids=["empty", "blank", "prose", "binary", "huge"])
def test_not_a_model_is_a_usage_error(text):
    with pytest.raises(UsageError):
        read_model(text)


def test_detection():
    assert detect_framework("import torch\nlstm = torch.nn.LSTM(3, 4)") == "pytorch"
    assert detect_framework("from keras.layers import LSTM\nLSTM(4)") == "keras"
    assert detect_framework("lstmLayer(100, 'OutputMode', 'last')") == "matlab"

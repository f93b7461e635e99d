"""modelcode_python: Keras and PyTorch code read with ast into layers, literal arguments, lines and data
flow, without executing anything."""

import pytest

from lstm_symbolic.errors import UsageError
from lstm_symbolic.modelcode_nodes import Apply, Concat, LayerCall, Opaque, Select, Unknown
from lstm_symbolic.modelcode_python import read_python


def test_constants_defaults_and_attributes_are_resolved():
    code = read_python(
        "import torch.nn as nn\n"
        "EMB = 32\n"
        "class Net(nn.Module):\n"
        "    def __init__(self, vocab=1000, hidden=64, bidirectional=True):\n"
        "        super().__init__()\n"
        "        self.hidden = hidden\n"
        "        self.embedding = nn.Embedding(vocab, EMB)\n"
        "        self.lstm = nn.LSTM(EMB, self.hidden, bidirectional=bidirectional)\n"
        "        self.fc = nn.Linear(self.hidden * (2 if bidirectional else 1), 3)\n", "pytorch")
    assert [(layer.name, layer.args, layer.line) for layer in code.layers] == [
        ("embedding", (1000, 32), 7), ("lstm", (32, 64), 8), ("fc", (128, 3), 9)]


def test_unknown_values_stay_unknown():
    code = read_python("import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self, n):\n"
                      "        super().__init__()\n        self.rnn = nn.RNN(n, 4)\n", "pytorch")
    assert code.layers[0].args == (Unknown("n"), 4)


def test_pytorch_forward_flow():
    code = read_python(
        "import torch\nimport torch.nn as nn\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.lstm = nn.LSTM(8, 16, num_layers=2, bidirectional=True, batch_first=True)\n"
        "        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(32, 3))\n"
        "    def forward(self, x):\n"
        "        out, (h, c) = self.lstm(x)\n"
        "        last = torch.cat((h[-2], h[-1]), dim=1)\n"
        "        return self.head(last)\n", "pytorch")
    assert code.inputs == ("x",)
    assert [layer.name for layer in code.layers] == ["lstm", "head.0", "head.1"]
    applies = [step for step in code.flow if isinstance(step, Apply)]
    assert [(a.layer, a.source) for a in applies] == [(0, "x"), (1, "last"), (2, applies[1].target)]
    assert applies[0].target == ("out", ("h", "c"))
    assert any(isinstance(step, Concat) and step.dim == 1 and step.target == "last" for step in code.flow)
    assert sum(isinstance(step, Select) and step.index in ((-2,), (-1,)) for step in code.flow) == 2


def test_keras_functional_flow():
    code = read_python("inputs = keras.Input(shape=(10, 8))\n"
                      "x, h, c = layers.LSTM(32, return_state=True)(inputs)\n"
                      "outputs = layers.Dense(1)(x)\n", "keras")
    assert [layer.type for layer in code.layers] == ["Input", "LSTM", "Dense"]
    assert [(s.layer, s.source, s.target) for s in code.flow] == [
        (0, None, "inputs"), (1, "inputs", ("x", "h", "c")), (2, "x", "outputs")]


def test_bidirectional_nests_its_layer():
    layer = read_python("model.add(Bidirectional(LSTM(16), merge_mode='sum'))", "keras").layers[0]
    assert layer.type == "Bidirectional" and layer.kwargs == {"merge_mode": "sum"}
    assert isinstance(layer.args[0], LayerCall) and layer.args[0].args == (16,)


def test_python_syntax_error_keeps_the_readable_lines():
    code = read_python("model = Sequential()\nmodel.add(LSTM(32, input_shape=(10, 8))\nmodel.add(Dense(1))\n", "keras")
    assert code.problems and code.problems[0][0] in (2, 3)
    assert [layer.type for layer in code.layers] == ["Dense"]


def test_nothing_is_executed(tmp_path):
    marker = tmp_path / "ran"
    read_python(f"import os\nopen({str(marker)!r}, 'w')\n"
                "model.add(Dense(1, units=__import__('os').system('x')))", "keras")
    assert not marker.exists()


@pytest.mark.parametrize("text, framework, expected", [
    ("Sequential([Embedding(1000, 64), GRU(32, reset_after=False), Dense(1)])", "keras",
     [("Embedding", (1000, 64), {}), ("GRU", (32,), {"reset_after": False}), ("Dense", (1,), {})]),
    ("model = keras.Sequential(layers=[layers.LSTM(4), layers.Dense(2)])", "keras",
     [("LSTM", (4,), {}), ("Dense", (2,), {})]),
    ("net = nn.Sequential(nn.Embedding(50, 8), nn.GRU(8, 16))", "pytorch",
     [("Embedding", (50, 8), {}), ("GRU", (8, 16), {})]),
    ("tf.keras.layers.SimpleRNN(8, input_shape=(None, 3))", "keras", [("SimpleRNN", (8,), {"input_shape": (None, 3)})]),
], ids=["keras-list", "keras-layers-keyword", "pytorch-arguments", "keras-module-path"])
def test_sequential_styles(text, framework, expected):
    code = read_python(text, framework)
    assert [(layer.type, layer.args, layer.kwargs) for layer in code.layers] == expected
    assert code.problems == [] and code.flow is None


def test_pytorch_sequential_layers_are_numbered_keras_ones_are_not():
    torch = read_python("self.seq = nn.Sequential(nn.Linear(4, 3), nn.ReLU())", "pytorch")
    assert [(layer.name, layer.group) for layer in torch.layers] == [("seq.0", "seq"), ("seq.1", "seq")]
    keras = read_python("seq = Sequential([Dense(3), Dense(1)])", "keras")
    assert [(layer.name, layer.group) for layer in keras.layers] == [(None, "seq"), (None, "seq")]


@pytest.mark.parametrize("text, framework, found", [
    ("Conv2D(3, 3)", "keras", []),                      # unknown and unmarked: might be anything
    ("layers.Conv2D(3, 3)", "keras", ["Conv2D"]),       # marked by its module
    ("nn.Conv2d(3, 3, 3)", "pytorch", ["Conv2d"]),
    ("Linear(3, 4)", "pytorch", ["Linear"]),             # a known PyTorch class
    ("Linear(3, 4)", "keras", []),                       # not a Keras class
    ("nn.MSELoss()", "pytorch", []),                     # losses are not layers
    ("make_model(3)", "keras", []),                      # not a class name
], ids=["keras-unknown", "keras-marked", "torch-marked", "torch-known", "keras-not-known", "loss", "function"])
def test_which_calls_are_layers(text, framework, found):
    assert [layer.type for layer in read_python(text, framework).layers] == found


def test_instance_arguments_reach_init():
    code = read_python("import torch.nn as nn\n"
                       "class Net(nn.Module):\n"
                       "    def __init__(self, n, hidden=8):\n"
                       "        super().__init__()\n"
                       "        self.rnn = nn.GRU(n, hidden)\n"
                       "model = Net(28, hidden=64)\n", "pytorch")
    assert code.layers[0].args == (28, 64)


def test_init_locals_do_not_leak_into_the_module():
    code = read_python("class Net(nn.Module):\n"
                       "    def __init__(self):\n"
                       "        width = 5\n"
                       "        self.a = nn.Linear(width, 2)\n"
                       "b = nn.Linear(width, 3)\n", "pytorch")
    assert [layer.args for layer in code.layers] == [(5, 2), (Unknown("width"), 3)]


def test_unread_arguments_are_problems():
    code = read_python("nn.LSTM(*sizes, **options)", "pytorch")
    assert code.layers[0].args == () and code.layers[0].kwargs == {}
    assert [message for _, message in code.problems] == [
        "**options: keyword arguments passed as a dictionary are not read", "*sizes: starred arguments are not read"]


def test_control_flow_in_forward_is_reported_and_its_names_are_opaque():
    code = read_python("class Net(nn.Module):\n"
                       "    def __init__(self):\n"
                       "        self.rnn = nn.GRU(3, 4)\n"
                       "    def forward(self, x):\n"
                       "        out, h = self.rnn(x)\n"
                       "        for i in range(2):\n"
                       "            out = out * 2\n"
                       "        return out\n", "pytorch")
    assert code.problems[0][0] == 6 and "control flow" in code.problems[0][1]
    assert any(isinstance(step, Opaque) and step.target == "out" for step in code.flow)


def test_a_second_model_class_keeps_the_first_flow():
    body = ("class {name}(nn.Module):\n    def __init__(self):\n        self.l = nn.Linear(2, 2)\n"
            "    def forward(self, x):\n        return self.l(x)\n")
    code = read_python(body.format(name="A") + body.format(name="B"), "pytorch")
    assert "a second model class" in code.problems[0][1]
    assert [step.layer for step in code.flow if isinstance(step, Apply)] == [0]


def test_forward_without_layer_calls_has_no_flow():
    code = read_python("class Net(nn.Module):\n    def forward(self, x):\n        return x * 2\n", "pytorch")
    assert code.flow is None


def test_deep_nesting_is_a_usage_error():
    with pytest.raises(UsageError, match="nested too deeply"):
        read_python("nn.LSTM(" + "-" * 100_000 + "1)", "pytorch")
    code = read_python("nn.LSTM(" + "(" * 5000 + "1" + ")" * 5000 + ")", "pytorch")  # the parser refuses it
    assert code.layers == [] and "too many nested parentheses" in code.problems[0][1]

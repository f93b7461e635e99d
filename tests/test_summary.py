"""The summary command and summarize(): contradictions (confirmed by the frameworks), unread code,
bad input, JSON, and what it imports."""

import json
import subprocess
import sys

import pytest

import lstm_symbolic
from lstm_symbolic.summary import summarize

from .conftest import require

BIDIRECTIONAL_INTO_LINEAR = """import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 64, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(64, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])
"""

STACKED_WITHOUT_SEQUENCES = """model = Sequential()
model.add(LSTM(32, input_shape=(10, 8)))
model.add(LSTM(16))
model.add(Dense(1))
"""

FLATTEN_OPEN_TIME = "model = Sequential([Input((None, 4)), LSTM(8, return_sequences=True), Flatten(), Dense(2)])"
SEQUENTIAL_TUPLE = "model = nn.Sequential(nn.LSTM(10, 20), nn.Linear(20, 2))"
EMBEDDING_MISMATCH = "model = nn.Sequential(nn.Embedding(100, 32), nn.GRU(16, 8))"


def test_api_is_exported():
    assert "summarize" in lstm_symbolic.__all__
    assert lstm_symbolic.summarize is summarize


def test_bidirectional_lstm_into_a_too_small_linear(cli, tmp_path):
    path = tmp_path / "net.py"
    path.write_text(BIDIRECTIONAL_INTO_LINEAR)
    result = cli("summary", path, "--input-shape", "2,5,10")
    assert result.exit_code == 1
    assert ("Error: nn.Linear(64, 3) on line 6 expects 64 input features (in_features) as the last dimension of its "
            "input, got 128: input (2, 128)\n"
            "  its input comes from nn.LSTM(10, 64, batch_first=True, bidirectional=True) on line 5\n"
            "  hint: the input has twice the features expected: a bidirectional layer outputs both directions side "
            "by side (2 x hidden_size)\n") in result.stderr
    assert "lstm (LSTM)" in result.stdout  # the summary is still printed


def test_pytorch_rejects_the_bidirectional_model_too():
    torch = require("torch")
    namespace = {}
    exec(BIDIRECTIONAL_INTO_LINEAR, namespace)
    with pytest.raises(RuntimeError):
        namespace["Net"]()(torch.randn(2, 5, 10))


@pytest.mark.parametrize("code, needle", [
    (STACKED_WITHOUT_SEQUENCES, "LSTM(16) on line 3 expects a 3-D input (batch, time, features), got a 2-D input "
                                "(None, 32)\n  its input comes from LSTM(32, input_shape=(10, 8)) on line 2\n"
                                "  hint: give the LSTM on line 2 return_sequences=True"),
    (FLATTEN_OPEN_TIME, "Dense(2) on line 1 needs a known last dimension, got (None, None)"),
], ids=["stacked-lstm-without-return-sequences", "flatten-of-open-time"])
def test_keras_contradictions(code, needle):
    summary = summarize(code)
    assert not summary.complete
    assert any(needle in p.message for p in summary.contradictions), summary.problems
    keras = require("keras")
    namespace = {"keras": keras, "Sequential": keras.Sequential, "Input": keras.Input}
    namespace.update({n: getattr(keras.layers, n) for n in ("LSTM", "Dense", "Flatten")})
    with pytest.raises(ValueError):
        exec(code, namespace)


@pytest.mark.parametrize("code, needle, shape", [
    (SEQUENTIAL_TUPLE, "nn.Linear(20, 2) on line 1 receives the whole tuple LSTM returns", (7, 3, 10)),
    (EMBEDDING_MISMATCH, "nn.GRU(16, 8) on line 1 expects 16 input features (input_size)", (3, 5)),
], ids=["lstm-in-sequential", "embedding-dim-vs-input-size"])
def test_pytorch_contradictions(code, needle, shape):
    summary = summarize(code)
    assert any(needle in p.message for p in summary.contradictions), summary.problems
    torch = require("torch")
    namespace = {"nn": torch.nn}
    exec(code, namespace)
    x = torch.randint(0, 9, shape) if "Embedding" in code else torch.randn(*shape)
    with pytest.raises((RuntimeError, TypeError, AttributeError)):
        namespace["model"](x)


def test_matlab_input_size_contradiction():
    summary = summarize("layers = [sequenceInputLayer(12)\n lstmLayer(100, 'InputSize', 10)];")
    assert [p.message for p in summary.contradictions] == [
        "lstmLayer(100, 'InputSize', 10) on line 2 has 'InputSize' 10, but its input has 12 channels: input "
        "(12, B, T)\n  its input comes from sequenceInputLayer(12) on line 1"]


def test_unread_code_is_a_warning_and_the_rest_is_summarized(cli):
    code = ("import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
            "        self.rnn = nn.RNN(n, 4)\n        self.fc = nn.Linear(4, 2)\n"
            "        self.conv = nn.Conv3d(1, 2, 3)\n")
    result = cli("summary", "-", input=code)
    assert result.exit_code == 0
    assert "Warning: line 5: nn.RNN(<n>, 4): input_size is n, not a positive integer this tool can read" \
        in result.stderr
    assert "Warning: line 7: nn.Conv3d(1, 2, 3): Conv3d is not a layer type this tool knows" in result.stderr
    assert "fc (Linear)" in result.stdout and "total params: 10 (incomplete: 2 layers not counted)" in result.stdout


def test_json_format(cli):
    result = cli("summary", "-", "--json", "--input-shape", "5,7,10",
                 input="nn.LSTM(10, 20, num_layers=2, batch_first=True)")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"framework", "layers", "total_params", "complete", "problems"}
    assert data["framework"] == "pytorch" and data["complete"] is True and data["problems"] == []
    assert data["layers"] == [{"name": "lstm", "type": "LSTM", "line": 1, "output_shape": [5, 7, 20], "params": 5920,
                               "states": {"h_n": [2, 5, 20], "c_n": [2, 5, 20]},
                               "tensors": {"weight_ih_l0": [80, 10], "weight_hh_l0": [80, 20], "bias_ih_l0": [80],
                                           "bias_hh_l0": [80], "weight_ih_l1": [80, 20], "weight_hh_l1": [80, 20],
                                           "bias_ih_l1": [80], "bias_hh_l1": [80]}}]
    assert data["total_params"] == 5920


def test_json_open_dimensions_are_null(cli):
    data = json.loads(cli("summary", "-", "--json", input="model.add(LSTM(32, input_shape=(None, 64), "
                                                          "return_state=True))").stdout)
    layer = data["layers"][0]
    assert layer["output_shape"] == [None, 32] and layer["states"] == {"state_h": [None, 32], "state_c": [None, 32]}
    assert layer["params"] == 4 * 32 * (64 + 32 + 1)


@pytest.mark.parametrize("content, message", [
    (b"", "the model definition is empty"),
    (b"\x00\x01\x02binary", "is binary data, not text"),  # (the shared reader, inputs.read_text, says what it is)
    (b"\xff\xfe\xfa", "not UTF-8"),
    (b"just some prose about LSTMs", "no Keras, PyTorch or MATLAB layers found"),
    (b"x" * 1_000_001, "holds more than 1,000,000 characters (the limit)"),
], ids=["empty", "binary", "not-utf8", "prose", "huge"])
def test_bad_files(cli, tmp_path, content, message):
    path = tmp_path / "model.py"
    path.write_bytes(content)
    result = cli("summary", path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and message in result.stderr


@pytest.mark.parametrize("code", [
    "model = Sequential([LSTM(32, input_shape=(10, 8)),, Dense(1)])",
    "model.add(LSTM(" * 200 + ")" * 200,
    "nn.LSTM(10, 20 ** 10 ** 10)",
    "layers = [sequenceInputLayer(3) lstmLayer(] ;",
    "nn.LSTM(" + "(" * 5000 + ")" * 5000 + ")",
    "Sequential([Dense(-3, input_shape=(4,)), LSTM(True)])",
    "[sequenceInputLayer([28 28 1]) lstmLayer(10)]",
], ids=["syntax-error", "deep-calls", "huge-power", "matlab-syntax", "very-deep", "bad-values", "image-input"])
def test_odd_code_never_raises_a_traceback(cli, code):
    result = cli("summary", "-", input=code)
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code == 0:
        assert "incomplete" in result.stdout and "Warning:" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--input-shape", "3,4"], "gives the input shape already (line 1)"),
    (["--input-shape", "0,4"], "expected positive integers separated by commas"),
], ids=["keras-input-given", "zero"])
def test_input_shape_misuse(cli, args, message):
    result = cli("summary", "-", *args, input="model.add(LSTM(32, input_shape=(10, 64)))")
    assert result.exit_code == 2 and message in result.stderr


def test_input_shape_is_refused_for_matlab(cli):
    result = cli("summary", "-", "--input-shape", "3,4", input="[sequenceInputLayer(3) lstmLayer(5)]")
    assert result.exit_code == 2 and "sequenceInputLayer" in result.stderr


def test_framework_option_overrides_detection(cli):
    result = cli("summary", "-", "--framework", "keras", "--json", input="LSTM(4, input_shape=(3, 2))")
    assert json.loads(result.stdout)["framework"] == "keras"


def test_summary_imports_neither_sympy_nor_numpy(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("nn.LSTM(10, 20)")
    code = ("import sys\nfrom lstm_symbolic.cli import main\n"
            "try:\n    main(['summary', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('sympy', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


# -- summarize's own rules: names, indexing, concatenation and unpacking along the flow -------------------
def test_unnamed_layers_are_numbered_per_type_as_keras_names_them():
    s = summarize("model = Sequential([Input((5, 3)), LSTM(4, return_sequences=True), LSTM(4), Dense(2, name='out')])")
    assert [layer.name for layer in s.layers] == ["input", "lstm", "lstm_1", "out"]
    torch = summarize("self.seq = nn.Sequential(nn.Linear(4, 3), nn.ReLU())", "pytorch")
    assert [layer.name for layer in torch.layers] == ["seq.0", "seq.1"]
    matlab = summarize("[sequenceInputLayer(3) lstmLayer(4) fullyConnectedLayer(2)]")
    assert [layer.name for layer in matlab.layers] == ["sequence_input", "lstm", "fully_connected"]


def forward(body, init="self.rnn = nn.LSTM(4, 8, batch_first=True)"):
    return ("class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        " + init +
            "\n    def forward(self, x):\n        " + body.replace("\n", "\n        ") + "\n")


@pytest.mark.parametrize("body, message", [
    ("out, _ = self.rnn(x)\nreturn out[0, 0, 0, 0]", "indexes 4 dimensions of a 3-D tensor (2, 5, 8)"),
    ("out, _ = self.rnn(x)\nreturn out[:, 9]", "takes index 9 of dimension 1 (size 5) of (2, 5, 8)"),
    ("out, _ = self.rnn(x)\nreturn torch.cat([out, out[:, -1]], dim=1)",
     "concatenates tensors of shapes (2, 5, 8), (2, 8) along dimension 1"),
    ("out, _ = self.rnn(x)\nreturn torch.cat([out, out[:, :2]], dim=2)",
     "concatenates along dimension 2 tensors whose dimension 1 differs: (2, 5, 8), (2, 2, 8)"),
    ("a, b, c = self.rnn(x)", "unpacks 3 values from a layer that returns 2"),
], ids=["too-many-indices", "index-out-of-range", "rank-mismatch", "size-mismatch", "unpacking"])
def test_flow_contradictions(body, message):
    s = summarize(forward(body), input_shape=(2, 5, 4))
    assert any(message in p.message for p in s.contradictions), s.problems


def test_flow_shapes():
    body = "out, (h, c) = self.rnn(x)\nlast = torch.cat((out[:, -1], h[-1]), dim=1)\nreturn self.fc(last[:, None])"
    s = summarize(forward(body, "self.rnn = nn.LSTM(4, 8, batch_first=True)\n        self.fc = nn.Linear(16, 3)"),
                  input_shape=(2, 5, 4))
    assert s.problems == [] and s.layers[1].output_shape == (2, 1, 3)


def test_layers_off_the_flow_are_counted_without_a_shape():
    s = summarize(forward("out, _ = self.rnn(x)\nreturn out", "self.rnn = nn.LSTM(4, 8)\n        self.extra = "
                                                               "nn.Linear(3, 2)"), input_shape=(5, 2, 4))
    assert s.layers[1].params == 8 and s.layers[1].dims is None

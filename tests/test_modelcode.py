"""modelcode.read_model: which reader a model definition goes to (framework detection or the given one),
and the text it refuses before reading."""

import pytest

from lstm_symbolic.errors import UsageError
from lstm_symbolic.modelcode import FRAMEWORK_NAMES, detect_framework, read_model

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


@pytest.mark.parametrize("text", ["", "   \n", "hello world", "\x00\x01binary", "x" * 1_000_001],
                         ids=["empty", "blank", "prose", "binary", "huge"])
def test_not_a_model_is_a_usage_error(text):
    with pytest.raises(UsageError):
        read_model(text)


def test_detection():
    assert detect_framework("import torch\nlstm = torch.nn.LSTM(3, 4)") == "pytorch"
    assert detect_framework("from keras.layers import LSTM\nLSTM(4)") == "keras"
    assert detect_framework("lstmLayer(100, 'OutputMode', 'last')") == "matlab"


def test_the_framework_given_wins_over_detection():
    """A bare Keras layer read as PyTorch is neither marked ``nn.`` nor a PyTorch class name: no layer."""
    text = "SimpleRNN(8)"
    assert [layer.type for layer in read_model(text).layers] == ["SimpleRNN"]
    code = read_model(text, "pytorch")
    assert code.framework == "pytorch" and code.layers == []


def test_unknown_framework_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown framework 'jax': choose one of keras, pytorch, matlab"):
        read_model("LSTM(3)", "jax")
    assert FRAMEWORK_NAMES == ("keras", "pytorch", "matlab")


def test_text_must_be_text():
    with pytest.raises(UsageError, match="must be text"):
        read_model(b"LSTM(3)")


@pytest.mark.parametrize("text, message", [
    ("", "the model definition is empty"),
    ("hello world", "no Keras, PyTorch or MATLAB layers found"),
    ("\x00LSTM(3)", "contains NUL characters"),
    ("x" * 1_000_001, "too long (1,000,001 characters; the limit is 1,000,000)"),
], ids=["empty", "prose", "nul", "huge"])
def test_refusals_say_why(text, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_model(text)


def test_detection_prefers_pytorch_then_counts_matlab_calls_against_keras_marks():
    assert detect_framework("lstmLayer(3)\nnn.LSTM(3, 4)") == "pytorch"
    assert detect_framework("layers = [sequenceInputLayer(3) lstmLayer(4) fullyConnectedLayer(2)]; % LSTM(") == "matlab"
    assert detect_framework("Sequential([LSTM(4), Dense(1)])  # lstmLayer(") == "keras"
    assert detect_framework("print('hello')") is None

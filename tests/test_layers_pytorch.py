"""layers_pytorch: the PyTorch rows of the layer table, against torch's own modules (parameter names,
shapes and forward-pass output shapes)."""

import pytest

from lstm_symbolic.layer_rules import LayerContradiction, LayerProblem, apply_with
from lstm_symbolic.layers_pytorch import ROWS
from lstm_symbolic.modelcode_nodes import LayerCall

from .conftest import require


def call(type_, *args, **kwargs):
    return LayerCall(type_, args, kwargs, 1, "pytorch")


def run(layer, x):
    return apply_with(ROWS, layer, x)


RECURRENT = [
    ("LSTM", (3, 5), {}), ("LSTM", (3, 5), {"num_layers": 2, "bidirectional": True, "batch_first": True}),
    ("LSTM", (3, 5), {"proj_size": 2}), ("GRU", (4, 6), {"num_layers": 3}), ("GRU", (4, 6), {"bias": False}),
    ("RNN", (2, 3), {"nonlinearity": "relu", "bidirectional": True}),
]


@pytest.mark.parametrize("type_, args, kwargs", RECURRENT,
                         ids=[f"{t}-{'-'.join(k) or 'plain'}" for t, _, k in RECURRENT])
def test_recurrent_rows_match_torch(type_, args, kwargs):
    torch = require("torch")
    torch.manual_seed(0)
    module = getattr(torch.nn, type_)(*args, **kwargs)
    x_shape = (7, 2, args[0]) if not kwargs.get("batch_first") else (2, 7, args[0])
    out = run(call(type_, *args, **kwargs), x_shape)
    assert out.tensors == {name: tuple(p.shape) for name, p in module.named_parameters()}
    assert out.params == sum(p.numel() for p in module.parameters())
    with torch.no_grad():
        output, states = module(torch.zeros(x_shape))
    assert out.output == tuple(output.shape)
    states = states if isinstance(states, tuple) else (states,)
    assert list(out.states.values()) == [tuple(s.shape) for s in states]


@pytest.mark.parametrize("type_", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cell_rows_match_torch(type_):
    torch = require("torch")
    module = getattr(torch.nn, type_)(3, 4)
    out = run(call(type_, 3, 4), (5, 3))
    assert out.tensors == {name: tuple(p.shape) for name, p in module.named_parameters()}
    with torch.no_grad():
        result = module(torch.zeros(5, 3))
    first = result[0] if isinstance(result, tuple) else result
    assert out.output == tuple(first.shape)


@pytest.mark.parametrize("layer, module_args, x", [
    (call("Linear", 10, 3), ("Linear", 10, 3), (4, 7, 10)),
    (call("Linear", 10, 3, bias=False), ("Linear", 10, 3, False), (4, 10)),
    (call("Embedding", 50, 8), ("Embedding", 50, 8), (4, 7)),
    (call("LayerNorm", 6), ("LayerNorm", 6), (2, 3, 6)),
    (call("BatchNorm1d", 6), ("BatchNorm1d", 6), (2, 6, 5)),
    (call("Flatten"), ("Flatten",), (2, 3, 4)),
    (call("Conv1d", 4, 8, 3, stride=2, padding=1), ("Conv1d", 4, 8, 3, 2, 1), (2, 4, 11)),
], ids=["linear-3d", "linear-no-bias", "embedding", "layer-norm", "batch-norm", "flatten", "conv1d"])
def test_other_rows_match_torch(layer, module_args, x):
    torch = require("torch")
    module = getattr(torch.nn, module_args[0])(*module_args[1:])
    out = run(layer, x)
    assert out.tensors == {name: tuple(p.shape) for name, p in module.named_parameters()}
    data = torch.zeros(x, dtype=torch.long) if module_args[0] == "Embedding" else torch.zeros(x)
    with torch.no_grad():
        assert out.output == tuple(module(data).shape)


def test_unknown_input_keeps_open_dimensions():
    assert run(call("LSTM", 3, 5), None).output == ("T", "B", 5)
    assert run(call("LSTM", 3, 5, batch_first=True), None).output == ("B", "T", 5)
    assert run(call("Linear", 3, 5), None).output == ("*", 5)


@pytest.mark.parametrize("layer, x, error, message", [
    (call("LSTM", 3, 5), (7, 2, 4), LayerContradiction, "expects 3 input features"),
    (call("LSTM", 3, 5, proj_size=5), (7, 2, 3), LayerContradiction, "needs proj_size < hidden_size"),
    (call("GRU", 3, 5, proj_size=2), (7, 2, 3), LayerProblem, "proj_size exists only for nn.LSTM"),
    (call("RNN", 3, 5, nonlinearity="gelu"), (7, 2, 3), LayerProblem, "nonlinearity is 'gelu'"),
    (call("LSTM", 3, 5), (7, 4), LayerContradiction, "expects 3 input features"),
    (call("LSTM", 3, 5), (1, 7, 2, 3), LayerContradiction, "expects a 3-D input"),
    (call("LSTM", 3, 5, num_layers=10**6), None, LayerProblem, "more than this tool lists"),
    (call("BatchNorm1d", 6), (2, 5, 4), LayerContradiction, "expects 6 channels"),
    (call("LayerNorm", 6), (2, 5), LayerContradiction, "normalizes the last dimensions"),
    (call("Conv1d", 4, 8, 3, padding="same"), (2, 4, 9), LayerProblem, "integer padding"),
], ids=["features", "proj-size", "gru-proj", "nonlinearity", "unbatched-features", "rank", "layers", "channels",
        "norm-shape", "padding"])
def test_refusals(layer, x, error, message):
    with pytest.raises(error, match=message):
        run(layer, x)

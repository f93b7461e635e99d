"""summarize() against the real frameworks: PyTorch parameter counts (numel) and output shapes
from a forward pass, Keras 3 count_params() and output shapes, MATLAB's documented formulas.

The tests execute each snippet with the framework (the library itself never does) and compare
every layer's parameter count and output shapes, then the total."""

import pytest

from lstm_symbolic.summary import summarize

from ..conftest import require

LONG, FLOAT = "long", "float"

TORCH_CASES = {
    "lstm": ("nn.LSTM(10, 20)", (7, 3, 10), FLOAT),
    "lstm-2-layers-batch-first": ("nn.LSTM(10, 20, num_layers=2, batch_first=True)", (5, 7, 10), FLOAT),
    "lstm-bidirectional": ("nn.LSTM(10, 20, bidirectional=True)", (7, 3, 10), FLOAT),
    "lstm-3-layers-bidirectional": ("nn.LSTM(10, 20, num_layers=3, bidirectional=True, batch_first=True)",
                                    (2, 4, 10), FLOAT),
    "lstm-projection": ("nn.LSTM(10, 20, proj_size=5)", (7, 3, 10), FLOAT),
    "lstm-projection-2-layers-bidirectional": ("nn.LSTM(10, 20, num_layers=2, proj_size=5, bidirectional=True)",
                                               (7, 3, 10), FLOAT),
    "lstm-everything": ("nn.LSTM(10, 20, num_layers=2, batch_first=True, dropout=0.2, bidirectional=True, "
                        "proj_size=7)", (3, 6, 10), FLOAT),
    "lstm-no-bias": ("nn.LSTM(10, 20, bias=False)", (7, 3, 10), FLOAT),
    "lstm-positional": ("nn.LSTM(10, 20, 2, True, True)", (3, 7, 10), FLOAT),
    "lstm-unbatched": ("nn.LSTM(10, 20, num_layers=2)", (7, 10), FLOAT),
    "gru": ("nn.GRU(10, 20)", (7, 3, 10), FLOAT),
    "gru-2-layers-bidirectional": ("nn.GRU(10, 20, num_layers=2, bidirectional=True, batch_first=True)",
                                   (3, 7, 10), FLOAT),
    "gru-unbatched-bidirectional": ("nn.GRU(10, 20, bidirectional=True)", (7, 10), FLOAT),
    "rnn-relu": ("nn.RNN(10, 20, nonlinearity='relu')", (7, 3, 10), FLOAT),
    "rnn-3-layers-bidirectional": ("nn.RNN(10, 20, num_layers=3, bidirectional=True)", (7, 3, 10), FLOAT),
    "lstm-cell": ("nn.LSTMCell(10, 20)", (3, 10), FLOAT),
    "gru-cell": ("nn.GRUCell(10, 20)", (3, 10), FLOAT),
    "rnn-cell": ("nn.RNNCell(10, 20, nonlinearity='relu')", (3, 10), FLOAT),
    "sequential-embedding": ("model = nn.Sequential(nn.Embedding(100, 16), nn.Dropout(0.1))", (4, 9), LONG),
    "sequential-mlp": ("model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3), nn.LogSoftmax(dim=1))",
                       (4, 10), FLOAT),
    "sequential-conv": ("model = nn.Sequential(nn.Conv1d(4, 8, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten())",
                        (2, 4, 11), FLOAT),
    "classifier-last-step": ("""
class Net(nn.Module):
    def __init__(self, vocab=1000, emb=32, hidden=48, classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x):
        x = self.embedding(x)
        out, (h, c) = self.lstm(x)
        return self.fc(out[:, -1, :])
""", (4, 9), LONG),
    "bigru-cat-last-hidden": ("""
HIDDEN = 24
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(12, HIDDEN, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(2 * HIDDEN, 5)

    def forward(self, x):
        out, h = self.gru(x)
        last = torch.cat((h[-2], h[-1]), dim=1)
        return self.fc(last)
""", (3, 8, 12), FLOAT),
    "projection-last-hidden": ("""
class Net(nn.Module):
    def __init__(self, n=6, k=30, p=10):
        super().__init__()
        self.lstm = nn.LSTM(n, k, proj_size=p)
        self.head = nn.Linear(p, 2)

    def forward(self, x):
        output, (h_n, c_n) = self.lstm(x)
        return self.head(h_n[-1])
""", (9, 3, 6), FLOAT),
    "stacked-separate-lstms": ("""
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm1 = nn.LSTM(8, 16, batch_first=True, bidirectional=True)
        self.lstm2 = nn.LSTM(32, 8, batch_first=True)
        self.fc = nn.Linear(8, 1)

    def forward(self, x):
        x, _ = self.lstm1(x)
        x, _ = self.lstm2(x)
        return self.fc(x[:, -1])
""", (2, 5, 8), FLOAT),
    "rnn-every-step": ("""
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 16, num_layers=2, nonlinearity='relu')
        self.out = nn.Linear(16, 3)

    def forward(self, x):
        y, h = self.rnn(x)
        return self.out(F.relu(y))
""", (6, 2, 4), FLOAT),
    "layer-norm-after-lstm": ("""
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 12, batch_first=True)
        self.norm = nn.LayerNorm(12)
        self.fc = nn.Linear(12, 2)

    def forward(self, x):
        x, (h, c) = self.lstm(x)
        x = self.norm(x)
        return self.fc(x)
""", (2, 5, 5), FLOAT),
    "gru-head-sequential": ("""
class Net(nn.Module):
    def __init__(self, hidden=20):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(300, 10)
        self.gru = nn.GRU(10, self.hidden, bidirectional=True)
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(self.hidden * 2, 5))

    def forward(self, tokens):
        emb = self.embed(tokens)
        out, h = self.gru(emb)
        return self.head(out[-1])
""", (7, 3), LONG),
    "batch-norm-on-hidden": ("""
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 10, num_layers=2, batch_first=True)
        self.bn = nn.BatchNorm1d(10)
        self.fc = nn.Linear(10, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.fc(self.bn(h[-1]))
""", (4, 6, 3), FLOAT),
    "cell-loop-free": ("""
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(7, 11)
        self.fc = nn.Linear(11, 3)

    def forward(self, x):
        h, c = self.cell(x)
        return self.fc(h)
""", (5, 7), FLOAT),
    "instantiated-with-arguments": ("""
import torch.nn as nn

class LSTMClassifier(nn.Module):
    def __init__(self, input_dim, hidden_dim=128, output_dim=2, n_layers=2):
        super(LSTMClassifier, self).__init__()
        self.hidden_dim = hidden_dim
        self.lstm = nn.LSTM(input_dim, hidden_dim, n_layers, batch_first=True, dropout=0.2)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        h0 = torch.zeros(2, x.size(0), self.hidden_dim)
        c0 = torch.zeros(2, x.size(0), self.hidden_dim)
        out, _ = self.lstm(x, (h0, c0))
        out = self.fc(out[:, -1, :])
        return out

model = LSTMClassifier(input_dim=28)
criterion = nn.CrossEntropyLoss()
""", (6, 28, 28), FLOAT),
    "example-tagger": (None, (4, 25), LONG),
}


def _torch_model(torch, code):
    nn = torch.nn
    namespace = {"torch": torch, "nn": nn, "F": torch.nn.functional}
    if "\n" not in code and not code.startswith("model ="):
        return eval(code, namespace)
    exec(code, namespace)
    if "model" in namespace:
        return namespace["model"]
    classes = [v for v in namespace.values() if isinstance(v, type) and issubclass(v, nn.Module)]
    return classes[-1]()


def _shape(value):
    return tuple(value.shape)


@pytest.mark.parametrize("code, input_shape, dtype", TORCH_CASES.values(), ids=TORCH_CASES.keys())
def test_pytorch_models(code, input_shape, dtype):
    torch = require("torch")
    if code is None:
        from pathlib import Path

        code = (Path(__file__).resolve().parents[2] / "examples" / "torch_model.py").read_text()
    torch.manual_seed(0)
    model = _torch_model(torch, code)
    model.eval()
    leaves = [m for m in model.modules() if not list(m.children())]
    seen = {}
    for module in leaves:
        module.register_forward_hook(lambda mod, inp, out: seen.setdefault(id(mod), out))
    x = torch.randint(0, 9, input_shape) if dtype == LONG else torch.randn(*input_shape)
    with torch.no_grad():
        model(x)
    summary = summarize(code, input_shape=input_shape)
    assert summary.complete, summary.problems
    assert summary.total_params == sum(p.numel() for p in model.parameters())
    assert len(summary.layers) == len(leaves)
    for ours, module in zip(summary.layers, leaves):
        assert ours.params == sum(p.numel() for p in module.parameters()), ours.name
        out = seen[id(module)]
        if isinstance(out, tuple):  # (output, (h_n, c_n)), (output, h_n), LSTMCell's (h, c)
            flat = [out[0]] + (list(out[1]) if isinstance(out[1], tuple) else [out[1]])
            assert ours.output_shape == _shape(flat[0]), ours.name
            assert list(ours.state_shapes.values()) == [_shape(t) for t in flat[1:]], ours.name
        else:
            assert ours.output_shape == _shape(out), ours.name


KERAS_CASES = {
    "lstm": "model = Sequential([Input((10, 8)), LSTM(16)])",
    "lstm-sequences-dense-per-step": "model = Sequential([Input((10, 8)), LSTM(16, return_sequences=True), Dense(3)])",
    "stacked-lstm": "model = Sequential([Input((12, 5)), LSTM(32, return_sequences=True), LSTM(16), Dense(1)])",
    "gru-reset-after": "model = Sequential([Input((10, 8)), GRU(16)])",
    "gru-reset-before": "model = Sequential([Input((10, 8)), GRU(16, reset_after=False)])",
    "simple-rnn": "model = Sequential([Input((10, 8)), SimpleRNN(12), Dense(2)])",
    "simple-rnn-time-distributed": "model = Sequential([Input((10, 8)), SimpleRNN(12, return_sequences=True), "
                                   "TimeDistributed(Dense(4))])",
    "bidirectional-concat": "model = Sequential([Input((10, 8)), Bidirectional(LSTM(8)), Dense(1)])",
    "bidirectional-sum": "model = Sequential([Input((10, 8)), Bidirectional(GRU(8, return_sequences=True), "
                         "merge_mode='sum')])",
    "bidirectional-ave": "model = Sequential([Input((10, 8)), Bidirectional(LSTM(8), merge_mode='ave')])",
    "bidirectional-mul-rnn": "model = Sequential([Input((10, 8)), Bidirectional(SimpleRNN(6), merge_mode='mul')])",
    "embedding-input-shape": "model = Sequential([Embedding(1000, 32, input_shape=(20,)), LSTM(16), Dense(2)])",
    "embedding-bigru": "model = Sequential([Input((20,)), Embedding(500, 16), Bidirectional(GRU(16)), Dropout(0.3), "
                       "Dense(5, activation='softmax')])",
    "encoder-decoder": "model = Sequential([Input((10, 4)), LSTM(32), RepeatVector(6), "
                       "LSTM(32, return_sequences=True), TimeDistributed(Dense(8))])",
    "flatten-fixed-steps": "model = Sequential([Input((10, 4)), LSTM(8, return_sequences=True), Flatten(), Dense(2)])",
    "lstm-no-bias": "model = Sequential([Input((10, 4)), LSTM(8, use_bias=False), Dense(2, use_bias=False)])",
    "cnn-lstm": "model = Sequential([Input((30, 3)), Conv1D(16, 3), LSTM(8), Dense(1)])",
    "cnn-same-stride": "model = Sequential([Input((30, 3)), Conv1D(16, 5, strides=2, padding='same'), GRU(8)])",
    "global-pooling": "model = Sequential([Input((10, 4)), LSTM(8, return_sequences=True), GlobalAveragePooling1D(), "
                      "Dense(3)])",
    "normalizations": "model = Sequential([Input((10, 4)), LSTM(8, return_sequences=True), LayerNormalization(), "
                      "GRU(6), BatchNormalization(), Dense(2)])",
    "lstm-input-shape-keyword": "model = Sequential()\nmodel.add(LSTM(32, input_shape=(10, 64)))\nmodel.add(Dense(1))",
    "bidirectional-input-shape": "model = Sequential([Bidirectional(LSTM(4), input_shape=(5, 3)), Dense(2)])",
    "model-add": "model = Sequential()\nmodel.add(Input((None, 6)))\nmodel.add(GRU(10, return_sequences=True))\n"
                 "model.add(SimpleRNN(5))\nmodel.add(Dense(1, activation='sigmoid'))",
    "mlp-repeat-rnn": "model = Sequential([Input((4,)), Dense(10), RepeatVector(3), "
                      "SimpleRNN(5, return_sequences=True)])",
    "functional-return-state": "inputs = Input(shape=(10, 8))\nx, h, c = LSTM(32, return_state=True)(inputs)\n"
                               "outputs = Dense(1)(x)\nmodel = Model(inputs, outputs)",
    "functional-gru-stack": "inputs = Input((None, 8))\nx = GRU(16, return_sequences=True)(inputs)\n"
                            "x = GRU(8, reset_after=False)(x)\nmodel = Model(inputs, Dense(3)(x))",
    "functional-bidirectional-state": "inputs = Input((7, 3))\n"
                                      "outs = Bidirectional(LSTM(5, return_state=True))(inputs)\n"
                                      "model = Model(inputs, outs)",
    "functional-bidirectional-no-merge": "inputs = Input((7, 3))\n"
                                         "outs = Bidirectional(GRU(5, return_sequences=True), "
                                         "merge_mode=None)(inputs)\n"
                                         "model = Model(inputs, outs)",
    "functional-gru-state": "inputs = Input((7, 3))\n"
                            "seq, state = GRU(4, reset_after=False, return_state=True)(inputs)\n"
                            "model = Model(inputs, [seq, state])",
    "example": None,
}


def _keras_namespace(keras):
    namespace = {"keras": keras, "Sequential": keras.Sequential, "Model": keras.Model, "Input": keras.Input}
    namespace.update({name: getattr(keras.layers, name) for name in dir(keras.layers) if name[:1].isupper()})
    return namespace


@pytest.mark.parametrize("code", KERAS_CASES.values(), ids=KERAS_CASES.keys())
def test_keras_models(code):
    keras = require("keras")
    if code is None:
        from pathlib import Path

        code = (Path(__file__).resolve().parents[2] / "examples" / "keras_model.py").read_text()
        code = "\n".join(line for line in code.splitlines() if not line.startswith("from "))
    namespace = _keras_namespace(keras)
    namespace["Input"] = keras.Input
    exec(code, namespace)
    model = namespace["model"]
    summary = summarize(code)
    assert summary.complete, summary.problems
    assert summary.total_params == model.count_params()
    ours = [layer for layer in summary.layers if layer.type not in ("Input", "InputLayer")]
    theirs = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    assert len(ours) == len(theirs)
    for mine, layer in zip(ours, theirs):
        assert mine.params == layer.count_params(), mine.name
        outputs = layer.output if isinstance(layer.output, (list, tuple)) else [layer.output]
        assert mine.output_shape == tuple(outputs[0].shape), mine.name
        assert list(mine.state_shapes.values()) == [tuple(o.shape) for o in outputs[1:]], mine.name


def _lstm(n, k, directions=1):
    """MATLAB lstmLayer / bilstmLayer: InputWeights 4k x n, RecurrentWeights 4k x k, Bias 4k x 1 per direction."""
    return directions * (4 * k * n + 4 * k * k + 4 * k)


def _gru(n, k, recurrent_bias=False):
    """MATLAB gruLayer: InputWeights 3k x n, RecurrentWeights 3k x k, Bias 3k x 1 (6k x 1 with
    'recurrent-bias-after-multiplication')."""
    return 3 * k * n + 3 * k * k + (6 if recurrent_bias else 3) * k


def _fc(n, c):
    """MATLAB fullyConnectedLayer: Weights c x n, Bias c x 1."""
    return c * n + c


MATLAB_CASES = {
    "forum-example": ("layers = [sequenceInputLayer(1)\n lstmLayer(75,'OutputMode','sequence')\n"
                      " fullyConnectedLayer(3)\n softmaxLayer\n classificationLayer];",
                      [0, _lstm(1, 75), _fc(75, 3), 0, 0], [(1, None, None), (75, None, None), (3, None, None),
                                                             (3, None, None), (3, None, None)]),
    "last-output": ("[sequenceInputLayer(12) lstmLayer(100,'OutputMode','last') fullyConnectedLayer(9) softmaxLayer "
                    "classificationLayer]", [0, _lstm(12, 100), _fc(100, 9), 0, 0],
                    [(12, None, None), (100, None), (9, None), (9, None), (9, None)]),
    "bilstm": ("layers = [sequenceInputLayer(3), bilstmLayer(50, OutputMode=\"last\"), fullyConnectedLayer(2)];",
               [0, _lstm(3, 50, 2), _fc(100, 2)], [(3, None, None), (100, None), (2, None)]),
    "gru-default": ("[sequenceInputLayer(5) gruLayer(20)]", [0, _gru(5, 20)], [(5, None, None), (20, None, None)]),
    "gru-recurrent-bias": ("[sequenceInputLayer(5) gruLayer(20,'ResetGateMode','recurrent-bias-after-multiplication')]",
                           [0, _gru(5, 20, True)], [(5, None, None), (20, None, None)]),
    "gru-before": ("[sequenceInputLayer(5) gruLayer(20,'ResetGateMode','before-multiplication')]",
                   [0, _gru(5, 20)], [(5, None, None), (20, None, None)]),
    "stacked": ("numFeatures = 10;\nlayers = [ ...\n  sequenceInputLayer(numFeatures)\n  lstmLayer(64)\n"
                "  dropoutLayer(0.2)\n  lstmLayer(32,'OutputMode','last')\n  fullyConnectedLayer(4)\n"
                "  regressionLayer];",
                [0, _lstm(10, 64), 0, _lstm(64, 32), _fc(32, 4), 0],
                [(10, None, None), (64, None, None), (64, None, None), (32, None), (4, None), (4, None)]),
    "word-embedding": ("[sequenceInputLayer(1) wordEmbeddingLayer(50, 1000) lstmLayer(40,'OutputMode','last') "
                       "fullyConnectedLayer(6) softmaxLayer classificationLayer]",
                       [0, 50 * 1000, _lstm(50, 40), _fc(40, 6), 0, 0],
                       [(1, None, None), (50, None, None), (40, None), (6, None), (6, None), (6, None)]),
    "example-file": (None, [0, _lstm(1, 75), _fc(75, 3), 0, 0], None),
}


@pytest.mark.parametrize("code, params, shapes", MATLAB_CASES.values(), ids=MATLAB_CASES.keys())
def test_matlab_layer_arrays(code, params, shapes):
    if code is None:
        from pathlib import Path

        code = (Path(__file__).resolve().parents[2] / "examples" / "matlab_layers.m").read_text()
    summary = summarize(code)
    assert summary.framework == "matlab" and summary.complete, summary.problems
    assert [layer.params for layer in summary.layers] == params
    assert summary.total_params == sum(params)
    if shapes is not None:
        assert [layer.output_shape for layer in summary.layers] == shapes


def test_there_are_at_least_60_models():
    assert len(TORCH_CASES) + len(KERAS_CASES) + len(MATLAB_CASES) >= 60

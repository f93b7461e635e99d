"""Model code in a question (``model.add(LSTM(32, input_shape=(10, 64)))``, ``nn.LSTM(10, 20,
num_layers=2)``, ``[sequenceInputLayer(12) lstmLayer(100)]``): read with the project's model-code
reader (:mod:`lstm_symbolic.modelcode`, ``ast`` and a small MATLAB tokenizer; nothing is run) and
turned into the sizes, model and flags the quiz reasons with.
"""

from __future__ import annotations

from .errors import UsageError

#: Recurrent layer types -> (family, framework or None when the name alone does not say, directions).
RECURRENT = {"LSTM": ("lstm", None, 1), "GRU": ("gru", None, 1), "SimpleRNN": ("rnn", "keras", 1),
             "RNN": ("rnn", "pytorch", 1), "lstmLayer": ("lstm", "matlab", 1), "bilstmLayer": ("lstm", "matlab", 2),
             "gruLayer": ("gru", "matlab", 1)}
#: Layers that wrap another one and run it in both directions.
BIDIRECTIONAL_WRAPPERS = {"Bidirectional"}
#: Layers whose last argument (or ``units``) is the number of classes C, and those whose first is the input size n.
HEADS = {"Dense", "Linear", "fullyConnectedLayer"}
INPUTS = {"sequenceInputLayer"}
HARMLESS = {"Dense", "Linear", "fullyConnectedLayer", "softmaxLayer", "classificationLayer", "Dropout",
            "dropoutLayer", "sequenceInputLayer", "regressionLayer", "Activation", "Sequential", "InputLayer", "Input"}
_KERAS_KEYS = {"units": "k", "input_dim": "n", "input_length": "T"}
_TORCH_KEYS = {"input_size": "n", "hidden_size": "k", "num_layers": "L", "proj_size": "p"}


class CodeFacts:
    """What the code says: sizes (role -> (value, where)), families, framework, flags, problems."""

    def __init__(self):
        self.sizes, self.families, self.flags, self.problems = [], [], {}, []
        self.framework = None
        self.recurrent = 0

    def size(self, role, value, layer):
        if isinstance(value, int) and not isinstance(value, bool):
            self.sizes.append((role, value, f"{layer.type}(...) in the code"))


def read_code(snippets, framework=None):
    """:class:`CodeFacts` from the code snippets of a question."""
    from .modelcode import FRAMEWORK_NAMES, read_model

    facts = CodeFacts()
    for text in snippets:
        try:
            code = read_model(text, framework if framework in FRAMEWORK_NAMES else None)
        except UsageError as exc:
            facts.problems.append(str(exc))
            continue
        facts.framework = facts.framework or code.framework
        facts.problems.extend(message for _, message in code.problems)
        for layer in code.layers:
            _layer(facts, layer, code.framework)
    return facts


def _layer(facts, layer, framework):
    if layer.type in BIDIRECTIONAL_WRAPPERS and layer.args and hasattr(layer.args[0], "type"):
        facts.flags["bidirectional"] = True
        _shape_kwargs(facts, layer)
        _layer(facts, layer.args[0], framework)
        return
    if layer.type in RECURRENT:
        family, fw, directions = RECURRENT[layer.type]
        facts.families.append(family)
        facts.framework = fw or facts.framework or framework
        facts.recurrent += 1
        if directions == 2:
            facts.flags["bidirectional"] = True
        _READERS.get(facts.framework, _keras)(facts, layer)
    elif layer.type in HEADS:
        facts.size("C", layer.args[-1] if layer.args else layer.kwargs.get("units"), layer)
    elif layer.type in INPUTS:
        facts.size("n", layer.args[0] if layer.args else None, layer)
    elif layer.type not in HARMLESS:
        facts.problems.append(f"the code has a {layer.type} layer, and the quiz answers only for LSTM, GRU and "
                              "simple RNN layers (with dense heads)")


def _keras(facts, layer):
    if layer.args:
        facts.size("k", layer.args[0], layer)
    for key, role in _KERAS_KEYS.items():
        facts.size(role, layer.kwargs.get(key), layer)
    _shape_kwargs(facts, layer)
    for flag in ("return_sequences", "reset_after"):
        if isinstance(layer.kwargs.get(flag), bool):
            facts.flags[flag] = layer.kwargs[flag]
    if layer.type == "SimpleRNN" and isinstance(layer.kwargs.get("activation"), str):
        facts.flags["nonlinearity"] = layer.kwargs["activation"].lower()


def _shape_kwargs(facts, layer):
    shape = layer.kwargs.get("input_shape")
    if isinstance(shape, tuple) and len(shape) == 2:
        facts.size("T", shape[0], layer)
        facts.size("n", shape[1], layer)
    shape = layer.kwargs.get("batch_input_shape")
    if isinstance(shape, tuple) and len(shape) == 3:
        for role, value in zip("BTn", shape):
            facts.size(role, value, layer)


def _torch(facts, layer):
    for role, value in zip(("n", "k", "L"), layer.args):
        facts.size(role, value, layer)
    for key, role in _TORCH_KEYS.items():
        facts.size(role, layer.kwargs.get(key), layer)
    for flag in ("batch_first", "bidirectional"):
        if isinstance(layer.kwargs.get(flag), bool):
            facts.flags[flag] = layer.kwargs[flag]
    if isinstance(layer.kwargs.get("nonlinearity"), str):
        facts.flags["nonlinearity"] = layer.kwargs["nonlinearity"].lower()
    if layer.kwargs.get("bias") is False:
        facts.problems.append("bias=False (the quiz counts layers with their biases)")


def _matlab(facts, layer):
    if layer.args:
        facts.size("k", layer.args[0], layer)
    mode = layer.kwargs.get("OutputMode")
    if isinstance(mode, str):
        facts.flags["return_sequences"] = mode.lower() == "sequence"


#: How each framework's recurrent layer gives its sizes and flags (Keras' reading for any other).
_READERS = {"keras": _keras, "pytorch": _torch, "matlab": _matlab}

"""Model definitions read from code, never executed: Keras, PyTorch and MATLAB layer lists.

``read_model(text)`` recognises the framework and returns the layers it defines, each with its
literal arguments and line, plus what it did not understand (``problems``, with lines).  Python
is read with :mod:`ast` (``modelcode_python``), MATLAB with a small tokenizer
(``modelcode_matlab``); neither imports, evaluates or executes the user's code.

>>> code = read_model("model.add(LSTM(32, input_shape=(10, 64)))")
>>> code.framework, code.layers[0].type, code.layers[0].args, code.layers[0].kwargs
('keras', 'LSTM', (32,), {'input_shape': (10, 64)})
>>> read_model("nn.LSTM(10, 20, num_layers=2, batch_first=True)").layers[0].kwargs["num_layers"]
2
>>> [layer.type for layer in read_model("[sequenceInputLayer(12) lstmLayer(100)]").layers]
['sequenceInputLayer', 'lstmLayer']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import UsageError

FRAMEWORK_NAMES = ("keras", "pytorch", "matlab")

#: The longest model text read (characters): model code is short; this keeps a huge paste harmless.
MAX_MODEL_CHARS = 1_000_000


@dataclass(frozen=True)
class Unknown:
    """A value the reader could not take literally (a name without a known value, a call, ...)."""

    text: str

    def __repr__(self):
        return f"<{self.text}>"


@dataclass(frozen=True)
class LayerCall:
    """One layer as the code creates it: ``type`` is the class name without its module
    (``nn.GRU`` -> ``"GRU"``), ``args``/``kwargs`` literal values (nested layers, as in
    ``Bidirectional(LSTM(8))``, are LayerCalls; unreadable values are :class:`Unknown`),
    ``name`` the attribute or variable it is bound to, if any; ``group`` the name of the
    ``nn.Sequential`` / ``Sequential`` call it is listed in ("" for an unnamed one), else None."""

    type: str
    args: tuple
    kwargs: dict
    line: int
    framework: str
    name: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Apply:
    """Data flow: layer ``layers[layer]`` applied to variable ``source`` (None: a model input),
    its outputs bound to ``target`` (a name, or a nested tuple of names as in
    ``out, (h, c) = self.lstm(x)``)."""

    layer: int
    source: str | None
    target: object
    line: int


@dataclass(frozen=True)
class Select:
    """Data flow: ``target = source[index]`` (index: a tuple of ints, ``slice`` objects,
    ``None`` for ``None``/newaxis and ``...``), or an elementwise function when ``index`` is
    ``()`` and ``same`` is true."""

    source: str
    index: tuple
    target: str
    line: int
    same: bool = False


@dataclass(frozen=True)
class Concat:
    """Data flow: ``target = torch.cat(sources, dim)`` / ``concatenate``."""

    sources: tuple
    dim: int
    target: str
    line: int


@dataclass(frozen=True)
class Opaque:
    """Data flow: ``target`` computed by code the reader does not follow (its shape is unknown)."""

    target: str
    text: str
    line: int


@dataclass
class ModelCode:
    """What ``read_model`` found: the framework, the layers in definition order, the data flow
    (``flow``: Apply/Select/Concat/Opaque steps in execution order, or None when the layers
    simply follow each other, as in a Sequential model), the flow's ``inputs`` (the variables
    ``forward(self, x)`` receives) and ``problems``: (line, message)."""

    framework: str
    layers: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    flow: list | None = None
    inputs: tuple = ()

    def problem(self, line, message):
        self.problems.append((line, message))


#: Words that mark each framework's code, in the order detection tries them.
_MATLAB_CALL = re.compile(r"\b[a-z][A-Za-z0-9]*Layer\s*\(")
_PYTORCH_MARK = re.compile(r"\bnn\.[A-Z]|\bimport torch\b|\bfrom torch\b|\btorch\.")
_KERAS_MARK = re.compile(r"\bkeras\b|\bSequential\s*\(|\.add\s*\(|\b(?:LSTM|GRU|SimpleRNN|Dense|Embedding|"
                         r"Bidirectional|TimeDistributed|RepeatVector|Input)\s*\(")


def detect_framework(text):
    """``"keras"``, ``"pytorch"`` or ``"matlab"`` from the names the code uses, or None."""
    matlab = len(_MATLAB_CALL.findall(text))
    if _PYTORCH_MARK.search(text):
        return "pytorch"
    if matlab and matlab >= len(_KERAS_MARK.findall(text)):
        return "matlab"
    if _KERAS_MARK.search(text):
        return "keras"
    return None


def read_model(text, framework=None):
    """The layers a model definition creates (see the module docstring).

    Raises UsageError for text that is not a model definition at all (empty, binary, too long,
    no framework recognised); anything else not understood is listed in ``problems``.
    """
    if not isinstance(text, str):
        raise UsageError("the model definition must be text")
    if len(text) > MAX_MODEL_CHARS:
        raise UsageError(f"the model definition is too long ({len(text):,} characters; the limit is "
                         f"{MAX_MODEL_CHARS:,})")
    if "\x00" in text:
        raise UsageError("the model definition contains NUL characters: it looks like a binary file, not code")
    if not text.strip():
        raise UsageError("the model definition is empty")
    if framework is None:
        framework = detect_framework(text)
        if framework is None:
            raise UsageError("no Keras, PyTorch or MATLAB layers found: expected code such as "
                             "'Sequential([LSTM(32, input_shape=(10, 8)), Dense(1)])', "
                             "'nn.LSTM(10, 20, batch_first=True)' or '[sequenceInputLayer(12) lstmLayer(100)]'")
    elif framework not in FRAMEWORK_NAMES:
        raise UsageError(f"unknown framework {framework!r}: choose one of {', '.join(FRAMEWORK_NAMES)}")
    if framework == "matlab":
        from .modelcode_matlab import read_matlab

        return read_matlab(text)
    from .modelcode_python import read_python

    return read_python(text, framework)

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

from .errors import UsageError
from .modelcode_nodes import Apply, Concat, LayerCall, ModelCode, Opaque, Select, Unknown  # noqa: F401 (re-exported)


def _read_python(text, framework):
    from .modelcode_python import read_python

    return read_python(text, framework)


def _read_matlab(text, framework):
    from .modelcode_matlab import read_matlab

    return read_matlab(text)


#: The reader of each framework's model code (Python source for Keras and PyTorch, MATLAB source).
READERS = {"keras": _read_python, "pytorch": _read_python, "matlab": _read_matlab}
FRAMEWORK_NAMES = tuple(READERS)

#: The longest model text read (characters): model code is short; this keeps a huge paste harmless.
MAX_MODEL_CHARS = 1_000_000


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
    return READERS[framework](text, framework)

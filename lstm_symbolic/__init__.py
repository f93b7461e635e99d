"""lstm_symbolic: a symbolic dimension and equation checker for LSTM cells
(and GRU and simple RNN cells).

>>> from lstm_symbolic import LSTMCell
>>> LSTMCell(80, 12).shapes()["W_f"]
(12, 80)

SymPy is imported on first use of the symbolic API, not at ``import lstm_symbolic``.
"""

from .errors import (
    LstmSymbolicError,
    ResourceError,
    ShapeError,
    UnderdeterminedError,
    UsageError,
    VerificationError,
)
from .variants import LAYOUTS, VARIANTS

__version__ = "0.1.0"

__all__ = [
    "LSTMCell",
    "GRUCell",
    "RNNCell",
    "make_cell",
    "solve",
    "verify",
    "summarize",
    "VARIANTS",
    "LAYOUTS",
    "FAMILIES",
    "LstmSymbolicError",
    "ShapeError",
    "UnderdeterminedError",
    "UsageError",
    "VerificationError",
    "ResourceError",
]

_LAZY = {"LSTMCell": "cell", "GRUCell": "cell", "RNNCell": "cell", "make_cell": "cell", "solve": "cell",
         "verify": "verification", "summarize": "summary", "FAMILIES": "families"}


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lstm_symbolic' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))

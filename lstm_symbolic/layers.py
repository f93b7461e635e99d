"""The layer table: every layer type's parameters and output shape as functions of its input
shape and arguments (rows in layers_keras, layers_pytorch, layers_matlab), walked by one
function, :func:`apply_layer`.

A shape is a tuple of dimensions: an int, or a string naming an open dimension (Keras' ``"None"``,
PyTorch's and MATLAB's batch ``"B"`` and time ``"T"``).  ``None`` instead of a shape means the
input is unknown.  Keras and PyTorch shapes are batch-first as the framework reports them;
MATLAB's are (channels, batch, time) as its layers see them.

>>> from lstm_symbolic.modelcode import read_model
>>> out = apply_layer(read_model("nn.LSTM(10, 20, num_layers=2, batch_first=True)").layers[0], (5, 7, 10))
>>> out.output, out.states, out.params
((5, 7, 20), {'h_n': (2, 5, 20), 'c_n': (2, 5, 20)}, 5920)
"""

from __future__ import annotations

from . import layers_keras, layers_matlab, layers_pytorch
from .layer_rules import LayerContradiction, LayerOut, LayerProblem, apply_with, shape_text  # noqa: F401  (re-exported)
from .modelcode import LayerCall
from .recurrent import GATES, recurrent_params, recurrent_tensors  # noqa: F401  (re-exported: the quiz uses them)

#: framework -> {layer type: Row} (MATLAB's keys are lower case: MATLAB names are case-insensitive).
TABLE = {"keras": layers_keras.ROWS, "pytorch": layers_pytorch.ROWS, "matlab": layers_matlab.ROWS}


def apply_layer(call: LayerCall, x):
    """The LayerOut of ``call`` on an input of shape ``x`` (None: unknown)."""
    return apply_with(TABLE[call.framework], call, x)

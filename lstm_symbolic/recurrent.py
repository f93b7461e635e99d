"""Parameter tensors of recurrent layers (LSTM, GRU, simple RNN) in each framework's layout.

Arithmetic on sizes only, usable without a model:

>>> recurrent_params("lstm", "pytorch", 10, 20, num_layers=2)
5920
>>> recurrent_params("gru", "keras", 10, 20)                      # reset_after=True: bias (2, 60)
1920
>>> recurrent_params("gru", "keras", 10, 20, reset_after=False)
1860
>>> recurrent_tensors("lstm", "pytorch", 10, 20, proj_size=5)["weight_hr_l0"]
(5, 20)

Gates per cell: LSTM 4, GRU 3, RNN 1.  Biases per gate: PyTorch and ONNX two (input and
recurrent); Keras one, but two for a GRU with ``reset_after=True`` (its default: ``bias`` is
(2, 3k)); MATLAB one, but two for a ``gruLayer`` with ``'ResetGateMode'
'recurrent-bias-after-multiplication'`` (``recurrent_bias=True``; the default
'after-multiplication' has one).  Layers above the first take D*k inputs (D*p with a
projection).
"""

from __future__ import annotations

from math import prod

from .errors import UsageError

GATES = {"lstm": 4, "gru": 3, "rnn": 1}
RECURRENT_FRAMEWORKS = ("pytorch", "keras", "matlab", "onnx")
#: Every layer's tensors are listed; deeper stacks are refused.
MAX_LAYERS = 1000


def _pytorch(cell, n, k, layers, directions, proj, biases):
    tensors = {}
    r = proj or k
    for layer in range(layers):
        n_in = n if layer == 0 else directions * r
        for suffix in ("", "_reverse")[:directions]:
            tensors[f"weight_ih_l{layer}{suffix}"] = (GATES[cell] * k, n_in)
            tensors[f"weight_hh_l{layer}{suffix}"] = (GATES[cell] * k, r)
            if biases:
                tensors[f"bias_ih_l{layer}{suffix}"] = (GATES[cell] * k,)
                tensors[f"bias_hh_l{layer}{suffix}"] = (GATES[cell] * k,)
            if proj:
                tensors[f"weight_hr_l{layer}{suffix}"] = (proj, k)
    return tensors


def _keras(cell, n, k, layers, directions, proj, biases):
    tensors = {}
    for prefix in ("",) if directions == 1 else ("forward_", "backward_"):
        tensors[f"{prefix}kernel"] = (n, GATES[cell] * k)
        tensors[f"{prefix}recurrent_kernel"] = (k, GATES[cell] * k)
        if biases:
            tensors[f"{prefix}bias"] = (GATES[cell] * k,) if biases == 1 else (biases, GATES[cell] * k)
    return tensors


def _matlab(cell, n, k, layers, directions, proj, biases):
    rows = directions * GATES[cell] * k
    return {"InputWeights": (rows, n), "RecurrentWeights": (rows, k)} | \
        ({"Bias": (biases * rows, 1)} if biases else {})


def _onnx(cell, n, k, layers, directions, proj, biases):
    rows = GATES[cell] * k
    return {"W": (directions, rows, n), "R": (directions, rows, k)} | ({"B": (directions, 2 * rows)} if biases else {})


#: framework -> (tensor layout, bias sets per gate as a function of (cell, reset_after, recurrent_bias),
#: whether it stacks layers and projects in one layer object)
_LAYOUTS = {
    "pytorch": (_pytorch, lambda cell, reset_after, recurrent_bias: 2, True),
    "keras": (_keras, lambda cell, reset_after, recurrent_bias: 2 if cell == "gru" and reset_after is not False else 1,
              False),
    "matlab": (_matlab, lambda cell, reset_after, recurrent_bias: 2 if cell == "gru" and recurrent_bias else 1, False),
    "onnx": (_onnx, lambda cell, reset_after, recurrent_bias: 2, False),
}


def recurrent_tensors(cell, framework, input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=None,
                      reset_after=None, recurrent_bias=None, bias=True):
    """``{tensor name: shape}`` of a recurrent layer as ``framework`` stores it.

    ``reset_after``: Keras' GRU placement (default True); ``recurrent_bias``: MATLAB's
    'recurrent-bias-after-multiplication'; ``bias=False``: no biases (PyTorch ``bias=False``,
    Keras ``use_bias=False``).  Several layers and projections only exist in PyTorch's object.
    """
    if cell not in GATES:
        raise UsageError(f"unknown cell {cell!r}: choose one of {', '.join(GATES)}")
    if framework not in _LAYOUTS:
        raise UsageError(f"unknown framework {framework!r}: choose one of {', '.join(_LAYOUTS)}")
    if num_layers > MAX_LAYERS:
        raise UsageError(f"{num_layers} layers is more than this tool lists (at most {MAX_LAYERS:,})")
    layout, bias_sets, stacks = _LAYOUTS[framework]
    if (num_layers != 1 or proj_size) and not stacks:
        raise UsageError(f"{framework} has one layer per recurrent layer object and no projection")
    if framework == "matlab" and cell == "rnn":
        raise UsageError("MATLAB has no simple RNN layer (lstmLayer, bilstmLayer and gruLayer only)")
    if proj_size and cell != "lstm":
        raise UsageError("only the LSTM has a projection (proj_size)")
    biases = bias_sets(cell, reset_after, recurrent_bias) if bias else 0
    return layout(cell, input_size, hidden_size, num_layers, 2 if bidirectional else 1, proj_size, biases)


def recurrent_params(cell, framework, input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=None,
                     reset_after=None, recurrent_bias=None, bias=True):
    """The number of parameters of :func:`recurrent_tensors`."""
    tensors = recurrent_tensors(cell, framework, input_size, hidden_size, num_layers, bidirectional, proj_size,
                                reset_after, recurrent_bias, bias)
    return sum(prod(shape) for shape in tensors.values())

"""Parameter tensors of recurrent layer objects (LSTM, GRU, simple RNN) in each framework's layout.

The shapes are the framework table's (:func:`~lstm_symbolic.weight_layout.tensor_shapes`, as
``params`` lists them); :data:`LAYER_OBJECTS` adds what one layer object of a framework holds.
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

from dataclasses import dataclass, replace
from math import prod

from .errors import UsageError
from .framework_table import CELL_FEATURES, CELL_GATES, CELL_MODES, CELL_TITLES, FRAMEWORKS, layouts_of
from .sequences import MAX_LAYERS
from .weight_layout import tensor_shapes

#: Gates per cell family (the framework table's gate letters counted).
GATES = {cell: len(gates) for cell, gates in CELL_GATES.items()}


@dataclass(frozen=True)
class LayerObject:
    """What one recurrent layer *object* of a framework holds, beyond its framework table row."""

    stacks: bool = False  # one object holds stacked layers and a projection (PyTorch's num_layers, proj_size)
    direction_sep: str | None = None  # a bidirectional wrapper's weight names: forward_kernel, not forward/kernel
    recurrent_bias_option: bool = False  # the recurrent biases are stored only when asked (``recurrent_bias``)
    missing: str = ""  # the layers the framework has, named when a cell family has none


LAYER_OBJECTS = {
    "pytorch": LayerObject(stacks=True),
    "keras": LayerObject(direction_sep="_"),
    "matlab": LayerObject(recurrent_bias_option=True, missing="lstmLayer, bilstmLayer and gruLayer only"),
    "onnx": LayerObject(),
}


def _check(cell, framework, num_layers, proj_size):
    """The UsageErrors of a request :func:`recurrent_tensors` cannot list."""
    if cell not in GATES:
        raise UsageError(f"unknown cell {cell!r}: choose one of {', '.join(GATES)}")
    if framework not in LAYER_OBJECTS:
        raise UsageError(f"unknown framework {framework!r}: choose one of {', '.join(LAYER_OBJECTS)}")
    if num_layers > MAX_LAYERS:
        raise UsageError(f"{num_layers} layers is more than this tool lists (at most {MAX_LAYERS:,})")
    if (num_layers != 1 or proj_size) and not LAYER_OBJECTS[framework].stacks:
        raise UsageError(f"{framework} has one layer per recurrent layer object and no projection")
    if not layouts_of(framework, cell):
        raise UsageError(f"{FRAMEWORKS[framework].title.split()[0]} has no {CELL_TITLES[cell]} layer "
                         f"({LAYER_OBJECTS[framework].missing})")
    if proj_size and "projection" not in CELL_FEATURES[cell]:
        raise UsageError("only the LSTM has a projection (proj_size)")


def _stored_row(row, obj, recurrent_bias, bias):
    """The framework table row with the biases this layer object stores: none without ``bias``,
    no recurrent biases where they are an option not taken."""
    dropped = {"b", "c"} if not bias else ({"c"} if obj.recurrent_bias_option and not recurrent_bias else set())
    tensors = []
    for tensor in row.tensors:
        parts = tuple(kind for kind in tensor.parts if kind not in dropped)
        if parts:
            tensors.append(replace(tensor, parts=parts))
    return replace(row, tensors=tuple(tensors))


def _features(cell, proj_size, reset_after):
    """The table features of a layer object: its projection and its GRU reset placement."""
    modes = CELL_MODES.get(cell, ())
    features = {"projection"} if proj_size else set()
    return frozenset(features | ({modes[0] if reset_after is not False else modes[-1]} if modes else set()))


def biases_per_gate(cell, framework, reset_after=None, recurrent_bias=None):
    """Bias vectors per gate that one layer object of ``framework`` stores: 2 where it keeps the
    recurrent biases too.

    >>> [biases_per_gate("lstm", fw) for fw in ("pytorch", "keras")]
    [2, 1]
    >>> [biases_per_gate("gru", "keras"), biases_per_gate("gru", "keras", reset_after=False)]
    [2, 1]
    """
    _check(cell, framework, 1, None)
    row = _stored_row(layouts_of(framework, cell)[0], LAYER_OBJECTS[framework], recurrent_bias, True)
    features = _features(cell, None, reset_after)
    return 2 if any("c" in t.parts for t in row.tensors if t.feature is None or t.feature in features) else 1


def recurrent_tensors(cell, framework, input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=None,
                      reset_after=None, recurrent_bias=None, bias=True):
    """``{tensor name: shape}`` of a recurrent layer as ``framework`` stores it.

    ``reset_after``: Keras' GRU placement (default True); ``recurrent_bias``: MATLAB's
    'recurrent-bias-after-multiplication'; ``bias=False``: no biases (PyTorch ``bias=False``,
    Keras ``use_bias=False``).  Several layers and projections only exist in PyTorch's object.
    The shapes are the framework table's (:func:`~lstm_symbolic.weight_layout.tensor_shapes`).
    """
    _check(cell, framework, num_layers, proj_size)
    obj = LAYER_OBJECTS[framework]
    row = _stored_row(layouts_of(framework, cell)[0], obj, recurrent_bias, bias)
    tensors = tensor_shapes(row, input_size, hidden_size, num_layers, 2 if bidirectional else 1, proj_size,
                            _features(cell, proj_size, reset_after))
    if obj.direction_sep:
        tensors = {key.replace("/", obj.direction_sep): shape for key, shape in tensors.items()}
    return tensors


def recurrent_params(cell, framework, input_size, hidden_size, num_layers=1, bidirectional=False, proj_size=None,
                     reset_after=None, recurrent_bias=None, bias=True):
    """The number of parameters of :func:`recurrent_tensors`."""
    tensors = recurrent_tensors(cell, framework, input_size, hidden_size, num_layers, bidirectional, proj_size,
                                reset_after, recurrent_bias, bias)
    return sum(prod(shape) for shape in tensors.values())

"""Framework weight layouts, the writer and the public face of the readers.

A row of :data:`~lstm_symbolic.framework_table.LAYOUTS` says which arrays a framework stores
for one cell family; :func:`~lstm_symbolic.weight_layout.tensor_shapes` lists them,
:func:`to_framework` (here) writes a canonical :class:`Model` into them and
:func:`~lstm_symbolic.framework_reader.from_framework` reads them back, checking every array
against the listed shapes.  This module also holds :func:`random_model`, the ``from_*`` /
``to_*`` shortcuts for each framework and :func:`run_model`.

>>> import numpy as np
>>> model = random_model(input_size=3, hidden_size=2)
>>> arrays = to_framework("keras", model)
>>> sorted(arrays), arrays["kernel"].shape
(['bias', 'kernel', 'recurrent_kernel'], (3, 8))
>>> back = from_framework("keras", arrays)
>>> bool(np.array_equal(back.layers[0][0]["W_f"], model.layers[0][0]["W_f"]))
True
"""

from __future__ import annotations

import numpy as np

from .errors import UsageError
from .framework_reader import forget_bias_of, from_framework, read_layout
from .framework_table import CELL_MODES, CELL_STATE, framework_variants, get_layout, layouts_of, lstm_variant
from .weight_layout import VECTOR_KINDS, Model, array_key, block_gates, check_supported, present, tensor_shapes


def random_model(input_size, hidden_size, layers=1, bidirectional=False, proj_size=None, peephole=False, seed=0,
                 cell="lstm", reset_after=True, dtype=np.float64):
    """A model with random canonical parameters (for tests and examples)."""
    rng = np.random.default_rng(seed)
    features = {"peephole"} if peephole else set()
    features |= {"projection"} if proj_size else set()
    modes = CELL_MODES.get(cell, ())
    features |= {modes[0] if reset_after else modes[-1]} if modes else set()
    model = Model(input_size, hidden_size, [], proj_size, frozenset(features), cell)
    row = layouts_of(None, cell)[0]
    for layer in range(layers):
        shapes = tensor_shapes(row, model.layer_input_size(layer), hidden_size, 1, 1, proj_size, features)
        model.layers.append([{key: rng.uniform(-0.5, 0.5, shape).astype(dtype) for key, shape in shapes.items()}
                             for _ in range(2 if bidirectional else 1)])
    return model


# -- the writer -------------------------------------------------------------------------------------------
def _block(row, tensor, kind, params, forget_bias):
    if kind == "W_hr":
        return params["W_hr"]
    gates = block_gates(row, tensor, kind)
    if kind == "c" and "c_" + gates[0] not in params:  # a summed bias goes to the input bias only
        return np.zeros_like(np.concatenate([params[f"b_{g}"] for g in gates])[:, 0])
    blocks = [params[f"{kind}_{g}"] for g in gates]
    if kind == "b" and forget_bias and "f" in gates:
        blocks = [b - forget_bias if g == "f" else b for g, b in zip(gates, blocks)]  # added back at run time
    block = np.concatenate(blocks)
    return block[:, 0] if kind in VECTOR_KINDS else block


def _assemble(row, tensor, params, forget_bias):
    """One direction's array of a tensor, from canonical parameters."""
    blocks = [_block(row, tensor, kind, params, forget_bias) for kind in tensor.parts]
    if tensor.join == "stack":
        array = np.stack(blocks)
    else:
        array = np.concatenate(blocks, axis=1 if tensor.join == "inputs" else 0)
    array = array.T if tensor.transpose else array
    return array[:, None] if tensor.column else array


def to_framework(name, model, forget_bias=None):
    """Canonical model -> ``{key: array}`` in a framework's layout.

    ``forget_bias``: the constant the framework's cell adds to the forget gate at run time
    (the row's ``forget_bias``; default the row's own value), subtracted from the stored bias."""
    row = get_layout(name, model.cell)
    check_supported(row, model.required, model.cell, model.proj_size, model.hidden_size)
    fb = forget_bias_of(row, forget_bias)
    out = {}
    for layer, directions in enumerate(model.layers):
        out.update(_layer_arrays(row, present(row, model.features), directions, layer, model.num_layers, fb))
    return out


def _layer_arrays(row, tensors, directions, layer, num_layers, forget_bias):
    """One layer's arrays: direction by direction, or each tensor holding every direction."""
    D = len(directions)
    if row.directions_on == "keys":
        return {array_key(row, tensor, layer, num_layers, d, D): _assemble(row, tensor, params, forget_bias)
                for d, params in enumerate(directions) for tensor in tensors}
    join = np.stack if row.directions_on == "axis" else np.concatenate
    return {array_key(row, tensor, layer, num_layers, 0, D):
            join([_assemble(row, tensor, params, forget_bias) for params in directions]) for tensor in tensors}


__all__ = ["Model", "random_model", "tensor_shapes", "to_framework", "from_framework", "read_layout",
           "run_model", "check_supported", "from_pytorch", "to_pytorch", "from_keras", "to_keras", "from_onnx",
           "to_onnx", "from_matlab", "to_matlab", "from_tf1", "to_tf1"]


# -- named shortcuts: from_<framework>(arrays, ...) is from_framework("<framework>", arrays, ...) ----------
def from_pytorch(arrays, **options):
    """Read a PyTorch state dict (NumPy arrays) into a canonical Model."""
    return from_framework("pytorch", arrays, **options)


def to_pytorch(model, **options):
    """Write a canonical Model as PyTorch arrays (a state dict)."""
    return to_framework("pytorch", model, **options)


def from_keras(arrays, **options):
    """Read Keras arrays into a canonical Model."""
    return from_framework("keras", arrays, **options)


def to_keras(model, **options):
    """Write a canonical Model as Keras arrays."""
    return to_framework("keras", model, **options)


def from_onnx(arrays, **options):
    """Read ONNX initializers into a canonical Model."""
    return from_framework("onnx", arrays, **options)


def to_onnx(model, **options):
    """Write a canonical Model as ONNX initializers."""
    return to_framework("onnx", model, **options)


def from_matlab(arrays, **options):
    """Read MATLAB layer properties into a canonical Model."""
    return from_framework("matlab", arrays, **options)


def to_matlab(model, **options):
    """Write a canonical Model as MATLAB layer properties."""
    return to_framework("matlab", model, **options)


def from_tf1(arrays, **options):
    """Read TensorFlow 1 LSTMCell variables into a canonical Model."""
    return from_framework("tf1", arrays, **options)


def to_tf1(model, **options):
    """Write a canonical Model as TensorFlow 1 LSTMCell variables."""
    return to_framework("tf1", model, **options)


def run_model(model, xs, h0=None, c0=None):
    """Run a canonical LSTM model with the compiled cell (column convention).

    ``xs``: T x n x B.  Returns ``(ys, h_n, c_n)``: ys is T x (D h) x B (the last layer's
    outputs, directions concatenated), h_n and c_n are (L D) x rows x B, layer major,
    forward before reverse.
    """
    from .cell import LSTMCell

    variant = lstm_variant(model.features) if model.cell in CELL_STATE else None
    if variant is None:
        names = framework_variants()
        raise UsageError(f"run_model runs the LSTM variants {', '.join(names[:-1])} and {names[-1]}, "
                         f"not {model.variant}")
    B = xs.shape[2]
    k, h = model.hidden_size, model.proj_size or model.hidden_size
    cells, inputs, h_n, c_n = {}, xs, [], []
    for layer, directions in enumerate(model.layers):
        n_in = inputs.shape[1]
        if n_in not in cells:
            cells[n_in] = LSTMCell(n_in, k, variant, proj_size=model.proj_size).compile()
        outputs = []
        for d, params in enumerate(directions):
            index = layer * model.num_directions + d
            h_init = np.zeros((h, B)) if h0 is None else h0[index]
            c_init = np.zeros((k, B)) if c0 is None else c0[index]
            seq = inputs if d == 0 else inputs[::-1]
            hs, h_T, c_T = cells[n_in].forward(params, np.ascontiguousarray(seq), h_init, c_init)
            outputs.append(hs if d == 0 else hs[::-1])
            h_n.append(h_T)
            c_n.append(c_T)
        inputs = np.concatenate(outputs, axis=1)
    return inputs, np.stack(h_n), np.stack(c_n)

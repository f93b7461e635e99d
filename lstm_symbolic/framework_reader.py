"""The one reader of the framework layouts: ``{key: array}`` -> canonical :class:`Model`.

It walks a row of :data:`~lstm_symbolic.framework_table.LAYOUTS`: finds the layers and
directions from the keys, infers n, k (and p) from the first arrays, lists every array the
row stores for those sizes (:func:`~lstm_symbolic.weight_layout.tensor_shapes`), checks each
one (present, shape, numbers, finite) and collects every problem before raising one
ShapeError.  Then it splits the arrays into canonical per-gate parameters.

>>> import numpy as np
>>> arrays = {"kernel": np.zeros((3, 8)), "bias": np.zeros(8), "projection/kernel": np.zeros((2, 5))}
>>> from_framework("tf1", arrays)
Traceback (most recent call last):
...
lstm_symbolic.errors.ShapeError: these arrays are not a consistent TensorFlow 1 LSTMCell:
  kernel has 3 input rows; the recurrent part takes h = p = 5 of them (projection/kernel), which leaves n = -2
"""

from __future__ import annotations

import numpy as np

from .errors import ShapeError, UsageError
from .framework_table import CELL_MODES, FEATURE_TEXT, get_layout, layouts_of
from .sizes import with_article
from .weight_layout import VECTOR_KINDS, Model, array_key, block_gates, present, stored_shape, tensor_shapes


class _Reader:
    """Reads arrays by key, collecting every inconsistency before raising."""

    def __init__(self, row, arrays):
        self.row, self.arrays, self.problems, self.used, self.why = row, arrays, [], set(), {}

    def get(self, key, ndim):
        if key not in self.arrays:
            self.problems.append(f"missing {key}" + (f" ({self.why[key]})" if key in self.why else ""))
            return None
        self.used.add(key)
        arr = np.asarray(self.arrays[key])
        reason = _unusable(arr, ndim)
        if reason:
            self.problems.append(f"{key} {reason}")
            return None
        return arr.astype(np.float64) if arr.dtype.kind in "iub" else arr

    def expect(self, key, shape):
        arr = self.get(key, len(shape))
        if arr is not None and tuple(arr.shape) != tuple(shape):
            self.problems.append(f"{key} has shape {tuple(arr.shape)}, expected {tuple(shape)}")
            return None
        return arr

    def finish(self, sizes=""):
        extra = sorted(set(self.arrays) - self.used)
        if extra:
            self.problems.append(f"not arrays of the {self.row.title} layout: " + ", ".join(extra))
        if self.problems:
            raise ShapeError(f"these arrays are not a consistent {self.row.title}:\n  " + "\n  ".join(self.problems)
                             + (f"\n  {sizes}" if sizes else ""))


def _unusable(arr, ndim):
    """Why an array cannot be a weight tensor of ``ndim`` dimensions (or None)."""
    if arr.ndim != ndim:
        return f"has {arr.ndim} dimensions {tuple(arr.shape)}, expected {ndim}"
    if arr.dtype.kind not in "fiub":
        return f"holds {arr.dtype} values, expected numbers"
    if arr.size == 0:
        return f"is empty, shape {tuple(arr.shape)}"
    bad = ~np.isfinite(arr) if arr.dtype.kind == "f" else None
    if bad is not None and bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        return (f"holds {int(np.isnan(arr).sum())} NaN and {int(np.isinf(arr).sum())} infinite values "
                f"(the first at {list(where)}); a model with them computes NaN")
    return None


def _ndim(row, tensor):
    return len(stored_shape(row, tensor, 1, 1, 1, 1))


def _structure(row, arrays):
    """``(layers, directions or None, stacked)`` from the keys of the row's first tensor."""
    first = row.tensors[0]
    for D in (2, 1):
        for stacked in (2, 1):
            if array_key(row, first, 0, stacked, 0, D) not in arrays:
                continue
            layers = 1
            while stacked > 1 and array_key(row, first, layers, stacked, 0, D) in arrays and layers <= len(arrays):
                layers += 1
            return layers, _directions(row, arrays, stacked, D), stacked
    probe = array_key(row, first, 0, 1, 0, 1)
    raise ShapeError(f"no {probe} (the first array of {with_article(row.title)}) among: "
                     f"{', '.join(sorted(arrays)[:20])}")


def _directions(row, arrays, stacked, found_with):
    if row.directions_on != "keys":
        return None  # read from the shapes
    if array_key(row, row.tensors[0], 0, stacked, 0, 2) != array_key(row, row.tensors[0], 0, stacked, 0, 1):
        return found_with
    return 2 if array_key(row, row.tensors[0], 0, stacked, 1, 2) in arrays else 1


def _features(row, arrays, stacked, D):
    """The features whose arrays are there (with the right number of dimensions)."""
    found = set(row.always)
    for tensor in row.tensors:
        key = array_key(row, tensor, 0, stacked, 0, D or 1)
        if tensor.feature and key in arrays and np.ndim(arrays[key]) == _ndim(row, tensor):
            found.add(tensor.feature)
    modes = [m for m in CELL_MODES.get(row.cell, ()) if m in row.features]
    if modes and not found & set(modes):
        found.add(modes[-1])
    return found


def _view(row, tensor, arr):
    """Direction 0's array (all directions' rows for a ``rows`` layout), as rows = blocks."""
    arr = arr[0] if row.directions_on == "axis" else arr
    arr = arr[:, 0] if tensor.column else arr
    return arr.T if tensor.transpose else arr


def _find(row, kind):
    return next((t for t in row.tensors if t.parts == (kind,)), None)


def _infer(row, reader, key_of, features, D):
    """``(n, k, p, D)`` from the first arrays, or None (with the problem recorded)."""
    first, recurrent, projection = row.tensors[0], _find(row, "U"), _find(row, "W_hr")
    arrays = {t: reader.get(key_of(t), _ndim(row, t)) for t in (first, recurrent) if t is not None}
    if any(a is None for a in arrays.values()):
        return None
    view = _view(row, first, arrays[first])
    u_view = _view(row, recurrent, arrays[recurrent]) if recurrent else None
    if row.directions_on == "axis":
        D = arrays[first].shape[0]
    elif row.directions_on == "rows":
        D = 2 if u_view.shape[0] == 2 * row.blocks * u_view.shape[1] else 1
    blocks = row.blocks * (D if row.directions_on == "rows" else 1)
    if view.shape[0] % blocks:
        reader.problems.append(f"{key_of(first)}: the gate axis has {view.shape[0]} entries, not a multiple of "
                               f"{blocks} (one block per gate: {', '.join(row.gate_labels)}"
                               + (", for each direction)" if blocks > row.blocks else ")"))
        return None
    k, p = view.shape[0] // blocks, None
    if projection is not None and "projection" in features:
        proj = reader.get(key_of(projection), _ndim(row, projection))
        p = None if proj is None else _view(row, projection, proj).shape[0]
    elif u_view is not None and u_view.shape[1] != k and "projection" in row.features:
        p = u_view.shape[1]
        features.add("projection")
        reader.why[key_of(projection)] = (f"{key_of(recurrent)} has {p} recurrent columns, not k = {k}: a model "
                                          "with a projection")
    return _input_size(row, reader, key_of, view, k, p, D)


def _input_size(row, reader, key_of, view, k, p, D):
    first = row.tensors[0]
    recurrent = (p or k) if "U" in first.parts else 0
    n = view.shape[1] - recurrent
    if n < 1:
        why = f"h = p = {p} of them ({key_of(_find(row, 'W_hr'))})" if p else f"h = k = {k} of them"
        reader.problems.append(f"{key_of(first)} has {view.shape[1]} input rows; the recurrent part takes {why}, "
                               f"which leaves n = {n}")
        return None
    return n, k, p, D


def read_layout(row, arrays, forget_bias=None):
    """Read ``arrays`` as one layout row; a ShapeError lists every problem."""
    layers, D, stacked = _structure(row, arrays)
    features = _features(row, arrays, stacked, D)
    reader = _Reader(row, arrays)

    def key_of(tensor):
        return array_key(row, tensor, 0, stacked, 0, D or 1)

    sizes = _infer(row, reader, key_of, features, D)
    if sizes is None:
        reader.used = set(arrays)
        reader.finish()
    n, k, p, D = sizes
    expected = tensor_shapes(row, n, k, layers, D, p, features)
    found = {key: reader.expect(key, shape) for key, shape in expected.items()}
    reader.finish(f"read: n = {n}, k = {k}" + (f", p = {p}" if p else "") + f", {layers} layer(s), {D} direction(s)"
                  + (f"; layers above the first take D x h = {D * (p or k)} inputs" if layers > 1 else ""))
    model = Model(n, k, [], p, frozenset(features - {"stacked", "bidirectional"}), row.cell)
    fb = forget_bias_of(row, forget_bias)
    for layer in range(layers):
        n_in = model.layer_input_size(layer)
        directions = [{} for _ in range(D)]
        for tensor in present(row, features):
            stored = found[array_key(row, tensor, layer, layers, 0, D)] if row.directions_on != "keys" else None
            for d, params in enumerate(directions):
                array = stored if stored is not None else found[array_key(row, tensor, layer, layers, d, D)]
                _split(row, tensor, _direction(row, array, d, D), n_in, k, p, params, fb)
        model.layers.append([_fold_recurrent_bias(params, features) for params in directions])
    return model


def _direction(row, array, d, D):
    if row.directions_on == "axis":
        return array[d]
    if row.directions_on == "rows":
        rows = array.shape[0] // D
        return array[d * rows:(d + 1) * rows]
    return array


def _split(row, tensor, array, n_in, k, p, into, forget_bias):
    """Canonical parameters from one direction's array of a tensor."""
    array = array[:, 0] if tensor.column else array
    array = array.T if tensor.transpose else array
    if tensor.join == "stack":
        parts = list(array)
    else:
        widths = [(n_in if kind == "W" else p or k) if tensor.join == "inputs" else
                  len(block_gates(row, tensor, kind)) * k for kind in tensor.parts]
        parts = np.split(array, np.cumsum(widths)[:-1], axis=1 if tensor.join == "inputs" else 0)
    for kind, part in zip(tensor.parts, parts):
        if kind == "W_hr":
            into["W_hr"] = np.array(part)
            continue
        for j, g in enumerate(block_gates(row, tensor, kind)):
            block = np.array(part[j * k:(j + 1) * k])
            block = block[:, None] if kind in VECTOR_KINDS else block
            if kind == "b" and forget_bias and g == "f":
                block = block + forget_bias  # the framework adds it at run time
            into[f"{kind}_{g}"] = block


def _fold_recurrent_bias(params, features):
    """A second (recurrent) bias is only ever used as a sum unless the reset gate multiplies it."""
    if "reset_after" in features:
        return params
    for name in [n for n in params if n.startswith("c_")]:
        params["b_" + name[2:]] = params["b_" + name[2:]] + params.pop(name)
    return params


def forget_bias_of(row, given):
    if row.forget_bias is None:
        return None
    value = row.forget_bias if given is None else float(given)
    if not np.isfinite(value):
        raise UsageError(f"the forget bias must be a finite number, got {value}")
    return value


def _gates_seen(row, arrays):
    """Gate blocks per hidden unit that the recurrent weights show (None when they cannot say)."""
    recurrent = _find(row, "U")
    try:
        layers, D, stacked = _structure(row, arrays)
    except ShapeError:
        return None
    arr = np.asarray(arrays.get(array_key(row, recurrent, 0, stacked, 0, D or 1))) if recurrent else None
    if arr is None or arr.ndim != _ndim(row, recurrent) or 0 in arr.shape:
        return None
    view = _view(row, recurrent, arr)
    return view.shape[0] / view.shape[1]


def _rows_to_try(framework, cell, arrays):
    """The framework's rows, the cell family whose gate count the recurrent weights show first."""
    rows = layouts_of(framework, cell)
    if not rows:
        get_layout(framework, cell)  # raises, naming the frameworks that have the cell
    return sorted(rows, key=lambda row: _gates_seen(row, arrays) not in (row.blocks, 2 * row.blocks))


def from_framework(name, arrays, forget_bias=None, cell=None):
    """``{key: array}`` in a framework's layout -> canonical :class:`Model` (sizes inferred from the shapes).

    ``cell``: ``lstm``, ``gru`` or ``rnn`` (default: the family whose layout reads the arrays)."""
    if not arrays:
        raise UsageError(f"no arrays to read as {name} weights")
    errors = []
    for row in _rows_to_try(name, cell, arrays):
        try:
            return read_layout(row, arrays, forget_bias)
        except ShapeError as err:
            errors.append(err)
    raise errors[0]


__all__ = ["from_framework", "read_layout", "FEATURE_TEXT"]

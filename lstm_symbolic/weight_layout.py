"""Canonical models and the shape lister of the framework layouts (no framework names here).

A :class:`Model` is a stack of recurrent layers in canonical form; :func:`tensor_shapes` walks a
row of :data:`~lstm_symbolic.framework_table.LAYOUTS` and lists the arrays the framework stores,
with their shapes, for given sizes: the writer produces exactly these arrays and the reader
checks every array it reads against them.

>>> from lstm_symbolic.framework_table import get_layout
>>> tensor_shapes(get_layout("pytorch"), 20, 50)
{'weight_ih_l0': (200, 20), 'weight_hh_l0': (200, 50), 'bias_ih_l0': (200,), 'bias_hh_l0': (200,)}
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import UsageError
from .framework_table import CELL_TITLES, FEATURE_TEXT, LAYOUTS

VECTOR_KINDS = ("b", "c", "p")


@dataclass
class Model:
    """A stack of recurrent layers in canonical form: ``layers[L][d]`` is a parameter dict.

    ``features`` holds the cell's features (``peephole``, ``projection``, a GRU's
    ``reset_after`` or ``reset_before``); stacking and directions follow from ``layers``.
    """

    input_size: int
    hidden_size: int
    layers: list
    proj_size: int | None = None
    features: frozenset = frozenset()
    cell: str = "lstm"
    notes: list = field(default_factory=list)

    @property
    def num_layers(self):
        return len(self.layers)

    @property
    def num_directions(self):
        return len(self.layers[0])

    @property
    def peephole(self):
        return "peephole" in self.features

    @property
    def variant(self):
        """The cell's features joined (``peephole+projection``, a GRU's ``reset_after``), else ``standard``."""
        return "+".join(sorted(self.features)) or "standard"

    @property
    def required(self):
        """Every feature a layout must express to hold this model."""
        return self.features | {f for f, on in (("stacked", self.num_layers > 1),
                                                ("bidirectional", self.num_directions > 1)) if on}

    def layer_input_size(self, layer):
        return self.input_size if layer == 0 else self.num_directions * (self.proj_size or self.hidden_size)


# -- the shape lister ---------------------------------------------------------------------------------
def present(row, features):
    """The row's tensors a model with ``features`` has."""
    return [t for t in row.tensors if t.feature is None or t.feature in features]


def array_key(row, tensor, layer, num_layers, direction, num_directions):
    """The key of a tensor for one layer and direction."""
    layer_part = row.layer_key.format(L=layer) if row.layer_key_always or num_layers > 1 else ""
    direction_part = row.direction_keys[direction] if num_directions > 1 and row.directions_on == "keys" else ""
    return tensor.key.format(layer=layer_part, direction=direction_part)


def block_gates(row, tensor, kind):
    return tensor.gates or (row.peephole_order if kind == "p" else row.gate_order)


def _part_shape(row, tensor, kind, n_in, k, h, p):
    if kind == "W_hr":
        return (p, k)
    rows = len(block_gates(row, tensor, kind)) * k
    return (rows,) if kind in VECTOR_KINDS else (rows, n_in if kind == "W" else h)


def stored_shape(row, tensor, n_in, k, p, directions):
    """The shape a tensor is stored with, for input size n_in of its layer."""
    shapes = [_part_shape(row, tensor, kind, n_in, k, p or k, p) for kind in tensor.parts]
    if tensor.join == "stack":
        shape = (len(shapes),) + shapes[0]
    else:
        axis = 1 if tensor.join == "inputs" else 0
        shape = tuple(sum(s[i] for s in shapes) if i == axis else shapes[0][i] for i in range(len(shapes[0])))
    shape = shape[::-1] if tensor.transpose else shape
    shape = shape + (1,) if tensor.column else shape
    if row.directions_on == "axis":
        return (directions,) + shape
    return (directions * shape[0],) + shape[1:] if row.directions_on == "rows" else shape


def tensor_shapes(row, n, k, layers=1, directions=1, proj=None, features=frozenset()):
    """``{key: shape}`` of every array the row stores, layer by layer (nothing is allocated)."""
    out = {}
    for layer in range(layers):
        n_in = n if layer == 0 else directions * (proj or k)
        for d in range(directions if row.directions_on == "keys" else 1):
            for tensor in present(row, features):
                out[array_key(row, tensor, layer, layers, d, directions)] = stored_shape(row, tensor, n_in, k, proj,
                                                                                         directions)
    return out


def check_supported(row, required, cell, proj, k):
    """A UsageError when the layout cannot hold a model with ``required`` features and sizes."""
    missing = sorted(set(required) - row.features)
    if missing:
        others = [r.framework for r in LAYOUTS if r.cell == cell and set(required) <= r.features]
        raise UsageError(f"{row.title} cannot hold {' and '.join(FEATURE_TEXT[f] for f in missing)}, "
                         "which the model has. "
                         f"Frameworks that can hold this {CELL_TITLES[cell]}: {', '.join(others) or 'none'}")
    if row.proj_below_hidden and proj and proj >= k:
        raise UsageError(f"{row.title} requires proj_size < hidden_size; the model has p = {proj}, k = {k}")

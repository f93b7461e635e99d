"""Keras 3 ``.weights.h5`` files (``model.save_weights``), read with h5py.

Keras stores each layer under ``layers/<name>``: a recurrent layer's ``cell/vars/0, 1, 2``
(kernel, recurrent kernel, bias), a ``Bidirectional`` wrapper's ``forward_layer`` and
``backward_layer``, a Dense layer's ``vars/0, 1``.  The recurrent layers become one
positional list in ``get_weights()`` order (layer by layer, forward before backward), which
the layout reader numbers; other layers are left out with a note.  HDF5 lists the groups by
name, so the layers are put in the order in which each one's input is the output of the one
before (Keras names them lstm, lstm_1, ... in creation order, used when sizes cannot decide).
"""

from __future__ import annotations

import itertools
import re

from .errors import UsageError
from .npz import check_regular_file


def _vars(group):
    variables = group.get("vars")
    return [variables[str(i)][()] for i in range(len(variables))] if variables is not None else []


def _recurrent(group):
    """The directions' [kernel, recurrent kernel, bias] of a recurrent layer group, or None."""
    if "cell" in group:
        return [_vars(group["cell"])]
    if "forward_layer" in group and "backward_layer" in group:
        return [_vars(group[side]["cell"]) for side in ("forward_layer", "backward_layer")
                if "cell" in group[side]] or None
    return None


def _natural(name):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _chained(layers):
    """The order in which each layer takes the previous one's outputs (name order when several fit)."""
    def fits(order):
        return all(nxt[1][0][0].shape[0] == len(prev[1]) * prev[1][0][1].shape[0]
                   for prev, nxt in zip(order, order[1:]))

    if len(layers) > 6 or fits(layers):
        return layers
    return next((list(order) for order in itertools.permutations(layers) if fits(order)), layers)


def load(path, prefix=None):
    """``({"arr_0": ..., ...}, notes)``: the recurrent layers' arrays in get_weights() order."""
    import h5py

    check_regular_file(path)
    try:
        handle = h5py.File(path, "r")
    except Exception as err:  # h5py raises OSError, and others on damaged files
        raise UsageError(f"{path} is not a readable HDF5 file ({str(err)[:120]})") from None
    with handle:
        top = handle.get("layers")
        if top is None:
            raise UsageError(f"{path} has no 'layers' group: it is not a Keras 3 .weights.h5 file "
                             "(model.save_weights)")
        names = sorted((n for n in top if prefix is None or n.startswith(prefix)), key=_natural)
        try:
            found = [(n, _recurrent(top[n])) for n in names]
        except (KeyError, TypeError, AttributeError) as err:
            raise UsageError(f"{path}: a layer group is not laid out as Keras 3 writes it ({err})") from None
    layers = [(n, dirs) for n, dirs in found if dirs and all(len(d) >= 2 for d in dirs)]
    skipped = [n for n, dirs in found if not dirs]
    if not layers:
        raise UsageError(f"{path} has no recurrent layer" + (f" whose name starts with {prefix!r}" if prefix else ""))
    layers = _chained(layers)
    arrays = [a for _, dirs in layers for direction in dirs for a in direction]
    notes = [f"read the layers {', '.join(n for n, _ in layers)} (in this order)"]
    notes += [f"left out the layers without recurrent weights: {', '.join(skipped)}"] if skipped else []
    return {f"arr_{i}": a for i, a in enumerate(arrays)}, notes

"""Keras 3 ``.weights.h5`` files (``model.save_weights``), read and written with h5py.

Keras stores each layer under ``layers/<name>``: a recurrent layer's ``cell/vars/0, 1, 2``
(kernel, recurrent kernel, bias), a ``Bidirectional`` wrapper's ``forward_layer`` and
``backward_layer``, a Dense layer's ``vars/0, 1``.  ``<name>`` is not the layer's own name
but its class name in snake case, numbered per class in the model's layer order (``lstm``,
``lstm_1``, ``bidirectional``, ...): the same in every session, so ``load_weights`` matches
layers by position within each class.  Reading, the recurrent layers become one positional
list in ``get_weights()`` order (layer by layer, forward before backward), which the layout
reader numbers; other layers are left out with a note.  HDF5 lists the groups by name, so the
layers are put in the order in which each one's input is the output of the one before (the
name order when sizes cannot decide).  Writing, a converted stack becomes the file that a
``keras.Sequential`` of the same recurrent layers writes (see :func:`save`).
"""

from __future__ import annotations

import io
import itertools
import re

from .errors import UsageError
from .npz import check_regular_file
from .output import write_output


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


# -- writing ------------------------------------------------------------------------------------------
#: The name ending Keras 3's ``load_weights`` reads this layout from (a plain ``.h5`` is its legacy format).
SUFFIX = ".weights.h5"


def snake_case(name):
    """Keras' ``naming.to_snake_case``: ``SimpleRNN`` -> ``simple_rnn``, ``LSTM`` -> ``lstm``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", re.sub(r"\W+", "", name))
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def layer_paths(class_name, num_layers, bidirectional):
    """The groups under ``layers/`` of a Sequential of ``num_layers`` such layers (numbered per class)."""
    base = "bidirectional" if bidirectional else snake_case(class_name)
    return [base if i == 0 else f"{base}_{i}" for i in range(num_layers)]


def _write_layer(group, name, cell_name, arrays):
    """One recurrent layer's groups: ``vars`` (empty) and ``cell/vars/0, 1, 2``."""
    group.create_group("vars").attrs["name"] = name
    variables = group.create_group("cell/vars")
    variables.attrs["name"] = cell_name
    for i, array in enumerate(arrays):
        variables.create_dataset(str(i), data=array)


def _keras_code(class_name, model, extra):
    """The Keras model that loads the file (as text for the note)."""
    layers = []
    for layer in range(model.num_layers):
        more = ", return_sequences=True" if layer < model.num_layers - 1 else ""
        text = f"keras.layers.{class_name}({model.hidden_size}{extra}{more})"
        layers.append(f"keras.layers.Bidirectional({text})" if model.num_directions == 2 else text)
    return f"keras.Sequential([keras.Input((None, {model.input_size})), {', '.join(layers)}])"


def save(path, arrays, model, **_):
    """Write the Keras arrays (``get_weights()`` order) as ``model.save_weights`` does for a
    ``keras.Sequential`` of the model's recurrent layers; returns notes saying how to load it."""
    import h5py

    from .framework_table import get_layout

    if path != "-" and not path.lower().endswith(SUFFIX):
        raise UsageError(f"Keras 3 reads this layout only from a file whose name ends in {SUFFIX} "
                         f"(load_weights picks the format from the name): write {path.rsplit('.', 1)[0]}{SUFFIX}")
    class_name = get_layout("keras", model.cell).runtime.rsplit(".", 1)[-1]
    values, D = list(arrays.values()), model.num_directions
    per = len(values) // (model.num_layers * D)
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        handle.create_group("vars").attrs["name"] = "sequential"
        for layer, group_name in enumerate(layer_paths(class_name, model.num_layers, D == 2)):
            group = handle.create_group(f"layers/{group_name}")
            sides = [values[(layer * D + d) * per:(layer * D + d + 1) * per] for d in range(D)]
            if D == 1:
                _write_layer(group, group_name, f"{snake_case(class_name)}_cell", sides[0])
                continue
            group.create_group("vars").attrs["name"] = group_name
            for side, side_arrays in zip(("forward", "backward"), sides):
                _write_layer(group.create_group(f"{side}_layer"), f"{side}_{snake_case(class_name)}",
                             f"{snake_case(class_name)}_cell", side_arrays)
    write_output(path, buffer.getvalue())
    extra = ", reset_after=False" if "reset_before" in model.features else ""
    return [f"wrote the layers {', '.join(layer_paths(class_name, model.num_layers, D == 2))} as Keras 3 names "
            f"them by class and position; load with model.load_weights(path) into "
            f"{_keras_code(class_name, model, extra)}"
            " (further layers of other classes, such as a Dense head, need load_weights(path, skip_mismatch=True))"]

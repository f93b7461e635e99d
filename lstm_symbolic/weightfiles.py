"""Weight files: one reader and one writer per *format*, separate from the framework layouts.

A format is a row of :data:`FORMATS`: its file suffixes, the framework layout its files hold
(``None``: any, recognised from the array names), the optional extra that installs its
library, and the module with its ``load(path)`` and ``save(path, arrays, model, **options)``.
A file gives ``{key: array}``; keys are then matched to a framework layout row, after
removing a prefix (``encoder.lstm.`` of a whole PyTorch module's state dict) or numbering
a positional list (``arr_0, arr_1, ...``: Keras' ``get_weights()`` saved with ``np.savez``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from .errors import LstmSymbolicError, ShapeError, UsageError
from .framework_reader import from_framework, read_layout
from .framework_table import CELL_NOTES, FRAMEWORKS, layouts_of
from .weight_layout import array_key, tensor_shapes


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple
    framework: str | None  # the layout the files hold; None: recognised from the names
    module: str  # lstm_symbolic.<module>: load(path) and save(path, arrays, model, **options)
    library: str | None = None  # what the module imports
    extra: str | None = None  # pip install 'lstm_symbolic[extra]'
    writes: bool = True
    names_layers: bool = False  # load(path, prefix) picks layers by name itself
    initial_states: bool = False  # save(..., initial_states=True) adds the initial states as model inputs


FORMATS = {f.name: f for f in (
    Format("npz", (".npz",), None, "npz"),
    Format("pt", (".pt", ".pth"), "pytorch", "torch_files", "torch", "torch"),
    Format("onnx", (".onnx",), "onnx", "onnx_files", "onnx", "onnx", initial_states=True),
    Format("keras-h5", (".weights.h5", ".h5"), "keras", "keras_files", "h5py", "keras", names_layers=True),
    Format("mat", (".mat",), "matlab", "matlab_files", "scipy", "matlab"),
)}

#: Names of the functions each format module provides.
_LOAD, _SAVE = "load", "save"


def format_of(path, given=None, option="--format"):
    """The format named ``given``, else the one whose suffix ``path`` has; ``option`` is the
    command-line option that names it, for the message."""
    if given is not None:
        if given not in FORMATS:
            raise UsageError(f"unknown weight-file format {given!r}; formats: {', '.join(FORMATS)}")
        return FORMATS[given]
    name = str(path).lower()
    for fmt in sorted(FORMATS.values(), key=lambda f: -max(len(s) for s in f.suffixes)):
        if name.endswith(fmt.suffixes):
            return fmt
    suffixes = ", ".join(s for f in FORMATS.values() for s in f.suffixes)
    raise UsageError(f"cannot tell the format of {path} from its name (known: {suffixes}); give {option}")


def _module(fmt):
    if fmt.library:
        try:
            importlib.import_module(fmt.library)
        except ImportError:
            raise UsageError(f"reading and writing {fmt.suffixes[0]} files needs {fmt.library}: "
                             f"pip install 'lstm_symbolic[{fmt.extra}]'") from None
    return importlib.import_module(f"{__package__}.{fmt.module}")


def load_file(path, fmt=None, prefix=None):
    """``(arrays, framework or None, notes, prefix still to apply)`` from a weight file."""
    from .npz import check_regular_file

    check_regular_file(path)
    fmt = format_of(path, fmt)
    load = getattr(_module(fmt), _LOAD)
    loaded = load(str(path), prefix) if fmt.names_layers else load(str(path))
    arrays, notes = loaded if isinstance(loaded, tuple) else (loaded, [])
    return arrays, fmt.framework, notes, None if fmt.names_layers else prefix


def save_file(path, arrays, model, fmt=None, **options):
    fmt = format_of(path, fmt)
    if not fmt.writes:
        writable = ", ".join(s for f in FORMATS.values() if f.writes for s in f.suffixes)
        raise UsageError(f"this tool reads {fmt.suffixes[0]} files but does not write them; write one of: {writable}")
    return getattr(_module(fmt), _SAVE)(str(path), arrays, model, **options) or []


# -- from keys to a layout: prefixes and positional lists ---------------------------------------------
def _probes(framework):
    """The keys a layout's first array can have (layer 0, direction 0), longest first."""
    keys = {array_key(row, row.tensors[0], 0, stacked, 0, D) for row in layouts_of(framework)
            for stacked in (1, 2) for D in (1, 2)}
    return sorted(keys, key=len, reverse=True)


def prefixes(framework, arrays):
    """The prefixes under which the arrays hold a layout (``""``: at the top level)."""
    probes = _probes(framework)
    if any(p in arrays for p in probes):
        return [""]
    found = {key[:-len(p)] for key in arrays for p in probes if key.endswith(p) and len(key) > len(p)}
    return sorted(f for f in found if not any(f != g and f.startswith(g) for g in found))


def select(framework, arrays, prefix=None):
    """``(arrays under one prefix, prefix removed; notes)``; a UsageError when several prefixes qualify."""
    if prefix is None:
        found = prefixes(framework, arrays)
        if len(found) > 1:
            raise UsageError(f"the file holds several recurrent layers' weights, under the prefixes "
                             f"{', '.join(repr(p) for p in found)}: choose one with --prefix")
        prefix = found[0] if found else ""
    chosen = {key[len(prefix):]: a for key, a in arrays.items() if key.startswith(prefix)}
    if not chosen:
        raise UsageError(f"no array name starts with the prefix {prefix!r}")
    left = sorted(set(arrays) - {prefix + key for key in chosen})
    notes = [f"ignored {len(left)} array(s) outside {prefix!r}: {', '.join(left[:8])}"
             + (", ..." if len(left) > 8 else "")] if prefix and left else []
    return chosen, notes


def _positional(framework, values, cell):
    """Read a list of arrays in the layout's own order (layer, direction, array): the readings that fit."""
    readings = []
    for row in layouts_of(framework, cell):
        for features in _feature_guesses(row):
            count = len([t for t in row.tensors if t.feature is None or t.feature in features])
            for D in (1, 2):
                if not values or len(values) % (count * D) or row.directions_on != "keys":
                    continue
                proj = 1 if "projection" in features else None
                keys = tensor_shapes(row, 1, 1, len(values) // (count * D), D, proj, features)
                try:
                    readings.append(read_layout(row, dict(zip(keys, values))))
                except ShapeError:
                    continue
    return readings


def _distinct(readings):
    """One reading per structure (several feature guesses can find the same one)."""
    found = {(m.cell, m.features, m.num_layers, m.num_directions, m.input_size, m.hidden_size): m for m in readings}
    return list(found.values())


def _feature_guesses(row):
    return [set(row.always)] + [set(row.always) | {f} for f in sorted({t.feature for t in row.tensors if t.feature})]


def read_positional(framework, arrays, cell=None):
    """``(model, notes)`` from ``arr_0, arr_1, ...`` (Keras' ``get_weights()`` saved with ``np.savez``); a
    trailing Dense layer's kernel and bias are left out."""
    values = [arrays[f"arr_{i}"] for i in range(len(arrays))]
    notes = [f"read {len(values)} unnamed arrays in get_weights() order (layer, direction, array)"]
    readings = _distinct(_positional(framework, values, cell))
    if not readings and len(values) > 2 and (values[-2].ndim, values[-1].ndim) == (2, 1):
        readings = _distinct(_positional(framework, values[:-2], cell))
        notes.append(f"left out arr_{len(values) - 2} and arr_{len(values) - 1} (a Dense layer's kernel and bias)")
    if len(readings) != 1:
        raise ShapeError(f"{len(values)} unnamed arrays (arr_0, ...) " + (
            f"fit no {framework} layout" if not readings else "fit several layouts: save them with names")
            + " (a positional list is read layer by layer, direction by direction, in get_weights() order)")
    return readings[0], notes


def _is_positional(arrays):
    return bool(arrays) and set(arrays) == {f"arr_{i}" for i in range(len(arrays))}


def read_model(framework, arrays, forget_bias=None, cell=None, prefix=None):
    """``(model, notes)``: the arrays read as a framework's layout (prefix chosen, lists numbered)."""
    if _is_positional(arrays) and prefix is None:
        model, notes = read_positional(framework, arrays, cell)
    else:
        chosen, notes = select(framework, arrays, prefix)
        model = from_framework(framework, chosen, forget_bias=forget_bias, cell=cell)
    model.notes.extend(notes)
    return model, notes


def _reading(framework, arrays, **options):
    try:
        return read_model(framework, arrays, **options)[0]
    except (ShapeError, UsageError) as err:
        return err


def readers(arrays, besides=None, **options):
    """The frameworks other than ``besides`` that read ``arrays`` consistently."""
    return [name for name in FRAMEWORKS if name != besides
            and not isinstance(_reading(name, arrays, **options), LstmSymbolicError)]


def read_weights(framework, arrays, forget_bias=None, cell=None, prefix=None):
    """``(model, framework, notes)``; ``framework=None`` recognises it; a failure names the frameworks that do read."""
    if framework is None:
        found = readers(arrays, cell=cell, prefix=prefix)
        if len(found) != 1:
            raise ShapeError("cannot tell which framework wrote these arrays: " + (
                f"they read as {' and '.join(found)} weights" if found else "no framework reads them")
                + "; give --from (list the problems with: lstm-symbolic inspect FILE --framework NAME)")
        framework = found[0]
    try:
        model, notes = read_model(framework, arrays, forget_bias, cell, prefix)
        return model, framework, notes
    except (ShapeError, UsageError) as err:
        others = readers(arrays, besides=framework, cell=cell, prefix=prefix)
        if others:
            raise type(err)(f"{err}\n  hint: the arrays read consistently as {' and '.join(others)} weights: "
                            f"try --from {others[0]}") from None
        raise


def inspect_arrays(arrays, framework=None, cell=None, prefix=None):
    """Which frameworks can read these arrays, and what they say about the model.

    With ``framework`` given and failing, ``alternatives`` lists the frameworks that do read them."""
    options = dict(cell=cell, prefix=prefix)
    readings = {name: _reading(name, arrays, **options) for name in ([framework] if framework else FRAMEWORKS)}
    alternatives = []
    if framework and isinstance(readings[framework], Exception):
        alternatives = readers(arrays, besides=framework, **options)
    notes = [note for m in readings.values() if not isinstance(m, Exception) for note in m.notes]
    return {"arrays": {k: tuple(v.shape) for k, v in arrays.items()}, "readings": readings,
            "requested": framework, "alternatives": alternatives, "notes": notes}


def convert_file(source, output, from_fw=None, to_fw=None, in_format=None, out_format=None, prefix=None,
                 cell=None, forget_bias=None, initial_states=False, dtype=None):
    """Read ``source``, write ``output`` in another framework's layout (``dtype``: cast to float32 or
    float64); returns what was written."""
    from .framework_table import get_layout
    from .frameworks import to_framework

    out_fmt = format_of(output, out_format, "--output-format")
    to_fw = to_fw or out_fmt.framework
    if to_fw is None:
        raise UsageError(f"name the framework to write into {output} with --to ({', '.join(FRAMEWORKS)})")
    if out_fmt.framework not in (None, to_fw):
        raise UsageError(f"a {out_fmt.suffixes[0]} file such as {output} holds only {out_fmt.framework} weights: "
                         f"--to {to_fw} cannot be written into it (leave out --to, or write a .npz file)")
    if initial_states and not out_fmt.initial_states:
        raise UsageError("--initial-states adds the inputs initial_h and initial_c to an .onnx model; "
                         f"{output} is not one")
    arrays, file_fw, notes, prefix = load_file(source, in_format, prefix)
    model, from_fw, more = read_weights(from_fw or file_fw, arrays, forget_bias, cell, prefix)
    rows = (get_layout(from_fw, model.cell), get_layout(to_fw, model.cell))
    warnings = []
    if forget_bias is not None and all(row.forget_bias is None for row in rows):
        warnings.append(f"--forget-bias is TF1 LSTMCell's forget_bias; converting --from {from_fw} --to {to_fw} "
                        "does not use it")
    written = to_framework(to_fw, model, forget_bias=forget_bias)
    written = {key: a.astype(dtype) for key, a in written.items()} if dtype else written
    notes += more + save_file(output, written, model, out_format, initial_states=initial_states)
    notes += [CELL_NOTES[model.cell]] if model.cell in CELL_NOTES else []
    sizes = {"layers": model.num_layers, "directions": model.num_directions, "n": model.input_size,
             "k": model.hidden_size} | ({"p": model.proj_size} if model.proj_size else {})
    return {"output": str(output), "from": from_fw, "framework": to_fw, "cell": model.cell, "variant": model.variant,
            **sizes, "arrays": {name: list(a.shape) for name, a in written.items()}, "notes": notes,
            "warnings": warnings,
            "title": rows[1].title}


def inspect_file(source, framework=None, fmt=None, cell=None, prefix=None):
    """:func:`inspect_arrays` of a weight file (its format's framework unless ``framework`` is given)."""
    arrays, file_fw, notes, prefix = load_file(source, fmt, prefix)
    found = inspect_arrays(arrays, framework or file_fw, cell=cell, prefix=prefix)
    found["notes"] = notes + found["notes"]
    return found

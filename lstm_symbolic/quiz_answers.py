"""Answers from the model: shapes from the cell and framework tables, parameter counts from
the framework's bias convention, differences of two models.  Each returns
``(value, answer text, working lines)``.
"""

from __future__ import annotations

from math import prod

from .errors import CannotDecide, UsageError
from .families import FAMILIES
from .quiz_cells import worded_variant
from .quiz_tables import (
    family_title,
    gate_count,
    has_peepholes,
    has_projection,
    projection_size,
    recurrent_bias_variant,
)
from .sizes import SIZE_MEANINGS
from .sizes import shape_text as sizes_shape_text

#: Families whose counts come from the framework table's formula (:func:`sequences.parameter_table`, which
#: knows peepholes and projections) and that are asked per gate; the others' are summed from
#: :func:`recurrent.recurrent_params` with this module's formula.
_TABLE_COUNTED = frozenset({"lstm"})


def need(u, *names, numeric=False):
    """The sizes must be there, at least 1 and at most the size limit (numbers when ``numeric``)."""
    missing = [n for n in names if n not in u.sizes]
    if missing:
        what = "; ".join(f"{n} ({SIZE_MEANINGS.get(n, n)})" for n in missing)
        raise CannotDecide(f"the question does not give {what}: say e.g. 'input of dimension (20x1)', "
                           "'80 features', '50 hidden units' or 'output of dimension (50x1)'")
    for name, value in u.sizes.items():
        if numeric and name in names and isinstance(value, str):
            raise CannotDecide(f"parameter counts and framework layouts need numbers, but {name} is the symbol "
                               f"{value!r}")


def shape_text(shape, tuple_style=False):
    """``12x80`` for a matrix of numbers, ``(None, 10, 32)`` for an activation or another rank."""
    return sizes_shape_text(shape, "tight tuple" if tuple_style else "tight")


def read_line(u):
    read = "; ".join(f"{k} = {v} (from '{u.sources[k]}')" if k in u.sources else f"{k} = {v}"
                     for k, v in u.sizes.items())
    shown = worded_variant(u.family) and u.variant != FAMILIES[u.family].default_variant
    model = family_title(u.family) + (f" ({u.variant})" if shown else "")
    return f"understood: {read or 'no sizes'}; model {model}" + (f", {u.framework}" if u.framework else "")


def answer_shape(u):
    if not u.targets:
        raise CannotDecide("cannot tell which tensor's shape is asked (e.g. the feed-forward weights of the forget "
                           "gate, the previous hidden state, the cell state, weight_ih_l0, the output)")
    shapes, lines, cell = [], [read_line(u)], None
    unclear = [t[1:] for t in u.targets if t.startswith("?")]
    if unclear:
        if worded_variant(u.family):
            _cell(u)  # a missing size is the first thing to say
        raise CannotDecide(unclear[0])
    for target in u.targets:
        if target.endswith("_*"):
            cell = cell or _cell(u)
            shape, line = _all_gates(cell, target[0])
            shapes.append(shape)
            lines.append(line)
            continue
        if target.startswith(("fw:", "act:")):
            reader = _framework_tensor if target.startswith("fw:") else _activation
            shape, line = reader(u, target[target.index(":") + 1:])
        else:
            cell = cell or _cell(u)
            shape, line = _cell_tensor(cell, target)
        shapes.append(shape)
        lines.append(line)
    if any(t[:2] in ("W_", "U_") for t in u.targets):
        lines.append("convention: column vectors; W_* (feed-forward) is k x n so that W x_t is k x 1, U_* "
                     "(recurrent) is k x k (k x p with a projection)")
    texts = [sizes_shape_text(s, _answer_style(u, t)) for s, t in zip(shapes, u.targets)]
    return shapes, ", ".join(texts), lines


def _answer_style(u, target):
    """The cell's tensors as ``12x80``; activations as the framework prints them (its ``shape_style``:
    ``(None, 10, 32)``; MATLAB writes ``75x400``)."""
    from .framework_table import get_framework

    if not target.startswith("act:"):
        return "tight"
    return get_framework(u.framework).shape_style if u.framework else "tight tuple"


def _cell(u):
    """The shape sheet of the question's cell (a GRU asked about c_* is the reset-after one, which has them)."""
    from .builtin_shapes import cell_shapes

    need(u, "n", "k")
    proj = projection_size(u.variant, u.sizes)
    if has_projection(u.variant) and proj is None:
        raise CannotDecide("a projection LSTM needs the projection size: say e.g. 'proj_size=3'")
    variant = u.variant
    if not u.variant_stated and any(t.startswith("c_") for t in u.targets):
        variant = recurrent_bias_variant(u.family) or variant
    try:
        batch = u.sizes.get("B") if isinstance(u.sizes.get("B"), int) else 1
        return cell_shapes(u.sizes["n"], u.sizes["k"], variant, u.layout, proj, batch, family=u.family)
    except UsageError as exc:
        raise CannotDecide(str(exc)) from None


def _all_gates(cell, kind):
    """The one shape every gate's W (U, b) shares."""
    shapes = cell.shapes()
    names = [name for name in shapes if name.startswith(kind + "_") and len(name) == 3]
    common = {shapes[name] for name in names}
    if len(common) != 1:
        raise CannotDecide(f"the gates' {kind} weights differ in shape here: name the gate")
    shape = common.pop()
    if len(names) == 1:
        return shape, f"{names[0]} is {shape_text(shape)}"
    return shape, f"{', '.join(names)} are all {shape_text(shape)} (every gate has the same shape)"


def _cell_tensor(cell, target):
    from .families import cell_words, describe_tensor

    shapes = cell.shapes()
    if target not in shapes:
        fam = cell.family
        raise CannotDecide(f"the {cell_words(cell)} ({cell.layout.name} layout) has no {target} ("
                           f"{describe_tensor(target, fam.name)})" + (
                               "; only the reset-after GRU (PyTorch, Keras' default) has a second, recurrent bias "
                               "per gate" if target.startswith("c_") and recurrent_bias_variant(fam.name) else ""))
    equation = next((t for t in cell.equation_texts() if t.startswith(target + " = ")), None)
    using = next((t for t in cell.equation_texts() if f" {target} " in f" {t.split(' = ', 1)[1]} "), None)
    line = f"{target} is {shape_text(shapes[target])}"
    if not worded_variant(cell.family.name):
        line += f" ({describe_tensor(target, cell.family.name)}" + _placement_note(cell, target) + ")"
    if equation:
        line += f": {equation}"
    elif using:
        line += f", so that {using} is defined"
    return shapes[target], line


def _placement_note(cell, target):
    if recurrent_bias_variant(cell.family.name) is None:
        return ""
    if target.startswith("c_"):
        return "; only the reset-after GRU (PyTorch, Keras' default) has this second, recurrent bias"
    return "; the same whichever side of the recurrent product the reset gate is applied"


def _framework_tensor(u, name):
    from .recurrent import recurrent_tensors

    need(u, "n", "k", numeric=True)
    if u.framework is None:
        raise CannotDecide(f"{name} is a framework tensor: name the framework (PyTorch, Keras, ONNX, MATLAB)")
    tensors = _tensors(u, recurrent_tensors)
    if name not in tensors:
        raise CannotDecide(f"{u.framework}'s {family_title(u.family)} layer has no tensor named {name}; it has "
                           + ", ".join(tensors))
    return tensors[name], f"{u.framework} stores {name} as {shape_text(tensors[name], True)} " \
                          f"({gate_count(u.family)} gate blocks of k rows; {_layout_note(u.framework)})"


def _layout_note(framework):
    from .framework_table import FRAMEWORKS

    return FRAMEWORKS[framework].note.split(";")[0]


def _tensors(u, recurrent_tensors):
    need(u, "n", "k", numeric=True)
    if u.framework is None:
        raise CannotDecide("framework tensors need the framework (PyTorch, Keras, ONNX, MATLAB): name it")
    try:
        return recurrent_tensors(u.family, u.framework, u.sizes["n"], u.sizes["k"], u.sizes.get("L", 1),
                                 u.sizes.get("D", 1) == 2, u.sizes.get("p"), u.flags.get("reset_after"))
    except UsageError as exc:
        raise CannotDecide(str(exc)) from None


def _activation(u, name):
    from .sequences import sequence_shapes

    need(u, "n", "k", numeric=True)
    if u.framework is None:
        raise CannotDecide("the shape of a layer's output depends on the framework (PyTorch, Keras, MATLAB): name it")
    if u.framework == "pytorch" and "B" not in u.sizes:
        raise CannotDecide("PyTorch's output shape needs the batch size (or say the input shape)")
    shapes = sequence_shapes(u.framework, u.sizes["n"], u.sizes["k"], u.sizes.get("B"), u.sizes.get("T"),
                             u.sizes.get("L", 1), u.sizes.get("D", 1) == 2, u.sizes.get("p"),
                             bool(u.flags.get("batch_first")), u.flags.get("return_sequences"))
    key = {"output": "output" if "output" in shapes else "Y", "h_n": "h_n", "c_n": "c_n"}[name]
    if key not in shapes:
        raise CannotDecide(f"{u.framework} has no {name}")
    rs = u.flags.get("return_sequences")
    note = {True: "every step (return_sequences / OutputMode sequence)", False: "last step only"}.get(
        rs, "the framework's default (Keras: last step; PyTorch and MATLAB: every step)")
    return shapes[key], f"{u.framework}: {name} is {shape_text(shapes[key], True)}, the output at {note}; " \
                        f"input {shape_text(shapes.get('input', ()), True)}"


def param_count(u, family=None):
    """``(count, formula line)`` for the whole layer (stack), in the framework's convention."""
    from .recurrent import LAYER_OBJECTS, recurrent_params
    from .sequences import parameter_table

    family = family or u.family
    need(u, "n", "k", numeric=True)
    n, k, L, D, p = u.sizes["n"], u.sizes["k"], u.sizes.get("L", 1), u.sizes.get("D", 1), u.sizes.get("p")
    try:
        if family in _TABLE_COUNTED and (u.framework is None or u.framework in LAYER_OBJECTS) and \
                (u.framework is None or _stacks_layers(u.framework) or L == 1):
            total, _, formula = parameter_table(u.framework, n, k, L, D == 2, p, has_peepholes(u.variant))
            return total, formula
        fw = u.framework or "keras"
        reset_after = u.flags.get("reset_after", False if u.framework is None else None)
        total, h = 0, p or k
        stacks = _stacks_layers(fw)
        for layer in range(1 if stacks else L):
            n_in = n if layer == 0 else D * h
            total += recurrent_params(family, fw, n_in, k, L if stacks else 1, D == 2, p, reset_after)
    except UsageError as exc:
        raise CannotDecide(str(exc)) from None
    biases = _biases(family, u.framework, reset_after)
    return total, _formula(gate_count(family), n, k, p, biases, L, D) + f" = {total}   (" + (
        ("one bias per gate", "two biases per gate") if gate_count(family) > 1 else
        ("one bias vector", "two bias vectors"))[biases - 1] + f", {u.framework or 'textbook'} convention)"


def _formula(G, n, k, p, biases, L, D):
    """``3k(n + k + 1) = 3·20·(10 + 20 + 1)`` (one layer), or the first layer and the others, directions."""
    g = str(G) if G > 1 else ""
    if p:
        return f"{g}k(n + p + {biases}) + pk" + (f", {L} layers" if L > 1 else "") + \
            (" x 2 directions" if D > 1 else "")
    first = f"{g}k(n + k + {biases})"
    if L == 1 and D == 1:
        return f"{first} = {g + '·' if g else ''}{k}·({n} + {k} + {biases})"
    wide = f"{D}k" if D > 1 else "k"
    above = f"{g}k({wide} + k + {biases})"  # each layer above the first; several written n·[...] as sequences does
    rest = (f" + {L - 1}·[{above}]" if L > 2 else f" + {above}") if L > 1 else ""
    return (f"({first}{rest}) x 2 directions" if D > 1 else first + rest)


def _stacks_layers(framework):
    """Whether one layer object of the framework holds all the stacked layers (PyTorch's num_layers):
    the ``stacks`` column of :data:`lstm_symbolic.recurrent.LAYER_OBJECTS`."""
    from .recurrent import LAYER_OBJECTS

    return framework in LAYER_OBJECTS and LAYER_OBJECTS[framework].stacks


def _biases(family, framework, reset_after):
    """Bias vectors per gate in the framework's convention (:func:`lstm_symbolic.recurrent.biases_per_gate`);
    one for the textbook cell and TF1."""
    from .recurrent import LAYER_OBJECTS, biases_per_gate

    return biases_per_gate(family, framework, reset_after) if framework in LAYER_OBJECTS else 1


def answer_count(u):
    if u.family in _TABLE_COUNTED and ("per-gate" in u.targets or u.targets and all(t in ("f_t", "i_t", "g_t", "o_t")
                                                                            for t in u.targets)):
        return _gate_count(u)
    if u.targets and any(t.startswith("fw:") for t in u.targets):
        from .recurrent import recurrent_tensors

        tensors = _tensors(u, recurrent_tensors)
        names = [t[3:] for t in u.targets if t.startswith("fw:")]
        total = sum(prod(tensors[n]) for n in names if n in tensors)
        return total, str(total), [read_line(u)] + [f"{n}: {shape_text(tensors[n], True)}" for n in names]
    total, formula = param_count(u)
    return total, str(total), [read_line(u), formula]


def _gate_count(u):
    need(u, "n", "k", numeric=True)
    if u.framework not in (None, "keras", "matlab") or u.sizes.get("L", 1) > 1 or u.sizes.get("D", 1) > 1:
        raise CannotDecide("per-gate counts are answered for one layer, one direction, one bias per gate")
    n, k, p = u.sizes["n"], u.sizes["k"], u.sizes.get("p")
    count = k * n + k * (p or k) + k
    return count, str(count), [read_line(u), f"one gate: W {k}x{n} + U {k}x{p or k} + b {k}x1 = {k}*{n} + "
                                             f"{k}*{p or k} + {k} = {count}"]


def answer_diff(u):
    if len(u.families) != 2:
        raise CannotDecide("a difference needs two models, e.g. 'how many more parameters does the LSTM have than "
                           "the simple RNN'")
    first = next(f for f in _mention_order(u) if f in u.families)
    other = next(f for f in u.families if f != first)
    a, fa = param_count(u, first)
    b, fb = param_count(u, other)
    return a - b, str(a - b), [read_line(u), f"{family_title(first)}: {fa}", f"{family_title(other)}: {fb}",
                               f"difference: {a} - {b} = {a - b}"]


def _mention_order(u):
    low = u.text.lower()
    spots = {f: low.find(f) for f in FAMILIES}
    return sorted((f for f in spots if spots[f] >= 0), key=spots.get)

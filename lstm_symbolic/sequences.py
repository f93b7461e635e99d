"""Parameter tensors and sequence shapes the way each framework lays them out (shapes only:
nothing is allocated, so n = 10**9 is fine).  Both walk the framework table.

>>> total, tensors, formula = parameter_table("pytorch", 20, 50)
>>> total, tensors["weight_ih_l0"]
(14400, (200, 20))
>>> shapes = sequence_shapes("matlab", 1, 75, steps=400, dense=3)
>>> shapes["output"], shapes["dense weights"], shapes["dense output"]
((75, 400), (3, 75), (3, 400))
"""

from __future__ import annotations

from math import prod

from .errors import UsageError
from .framework_table import (
    CANONICAL,
    CELL_FEATURES,
    CELL_MODES,
    CELL_STATE,
    CELL_TITLES,
    framework_variants,
    get_framework,
    get_layout,
    variant_features,
)
from .variants import VARIANTS
from .weight_layout import check_supported, present, tensor_shapes

#: The parameter table lists every layer's tensors; deeper stacks are refused, not listed.
MAX_LAYERS = 1000


def check_layers(layers):
    if layers > MAX_LAYERS:
        raise UsageError(f"--layers {layers} is more than this tool lists (at most {MAX_LAYERS:,} layers; "
                         "every layer above the first has the same shapes, so a few layers show them all)")


def _features(variant, proj, peephole, cell, reset_after):
    """The model features a params request asks for (``variant``, when given, checked against ``proj``;
    ``peephole`` with ``proj`` is an LSTM with both, as TF1's LSTMCell(use_peepholes=True, num_proj=p))."""
    wanted = variant_features(VARIANTS[variant]) if variant in VARIANTS else frozenset()
    if "projection" in wanted and proj is None:
        raise UsageError(f"the {variant} variant needs --proj")
    if proj is not None and variant is not None and not wanted:
        raise UsageError(f"--proj only applies to the {' and '.join(_featured_variants())} variants, not {variant!r}")
    peephole = peephole or "peephole" in wanted
    asked = {f for f, on in (("peephole", peephole), ("projection", proj)) if on}
    if asked - CELL_FEATURES[cell]:
        raise UsageError(f"peepholes and projections are LSTM features; a {CELL_TITLES[cell]} has neither")
    modes = CELL_MODES.get(cell, ())
    mode = {modes[0]} if modes and reset_after is not False else ({modes[-1]} if modes else set())
    return asked | mode


def _featured_variants():
    """The framework variants with a feature, those with a projection first (--proj is theirs)."""
    featured = [name for name in framework_variants() if variant_features(VARIANTS[name])]
    return sorted(featured, key=lambda name: not VARIANTS[name].projection)


def parameter_table(framework, n, k, layers=1, bidirectional=False, proj=None, peephole=False, variant=None,
                    cell="lstm", reset_after=None):
    """``(total, {tensor: shape}, formula)`` for one framework (``None``: the canonical cell)."""
    check_layers(layers)
    features = _features(variant, proj, peephole, cell, reset_after)
    row = get_layout(framework, cell) if framework else CANONICAL[cell]
    D = 2 if bidirectional else 1
    required = features | {f for f, on in (("stacked", layers > 1), ("bidirectional", D > 1)) if on}
    check_supported(row, required, cell, proj, k)
    tensors = tensor_shapes(row, n, k, layers, D, proj, features)
    total = sum(prod(shape) for shape in tensors.values())
    biases = sum(part in ("b", "c") for t in present(row, features) for part in t.parts
                 if t.gates is None or t.gates == row.gate_order[:1])
    formula = _formula(row.blocks, biases, n, k, layers, D, proj, "peephole" in features, total)
    if biases == 2 and "reset_after" in features:
        formula = formula.replace("summed at run time", "the candidate's recurrent bias is multiplied by the reset "
                                  "gate, so they are not one sum")
    return total, tensors, formula


def _formula(G, biases, n, k, layers, D, proj, peephole, total):
    h = proj or k
    parts_symbolic, parts_numbers = [], []
    for L in range(min(layers, 2)):  # the layers above the first are all alike
        h_name = "p" if proj else "k"
        n_in, n_name = (n, "n") if L == 0 else (D * h, f"{D}{h_name}" if D > 1 else h_name)
        sym, num = f"{G}k({n_name} + {h_name} + {biases})", f"{G}·{k}·({n_in} + {h} + {biases})"
        sym, num = (sym.replace("1k(", "k("), num.replace("1·", "")) if G == 1 else (sym, num)
        if proj:
            sym, num = sym + " + pk", num + f" + {proj}·{k}"
        if peephole:
            sym, num = sym + " + 3k", num + f" + 3·{k}"
        if D > 1:
            sym, num = f"2·[{sym}]", f"2·[{num}]"
        if L == 1 and layers > 2:
            sym, num = f"{layers - 1}·[{sym}]", f"{layers - 1}·[{num}]"
        parts_symbolic.append(sym)
        parts_numbers.append(num)
    bias_note = ("two biases per gate (input and recurrent, summed at run time)" if biases == 2
                 else "one bias per gate")
    return f"{' + '.join(parts_symbolic)} = {' + '.join(parts_numbers)} = {total}   ({bias_note})"


def sequence_shapes(framework, n, k, batch=None, steps=None, layers=1, bidirectional=False, proj=None,
                    batch_first=False, return_sequences=None, output_mode=None, dense=None, cell="lstm"):
    """Input, output, final state (and dense head) shapes as the framework lays them out.

    ``batch=None`` is shown the framework's way (Keras' ``None``, MATLAB leaves the axis out
    for one sequence); ``steps=None`` as T.
    """
    fw = get_framework(framework)
    row = get_layout(framework, cell)
    D = 2 if bidirectional else 1
    if proj:
        check_supported(row, {"projection"}, cell, proj, k)
    sequence = _sequence_wanted(fw, return_sequences, output_mode)
    templates = dict(fw.shapes_sequence if sequence else fw.shapes_last)
    if batch_first and fw.batch_first:  # (the command line says when --batch-first does not apply)
        templates = dict(zip(("input", "output"), fw.batch_first))
    templates.update({name: t for name, t, needs_c in fw.states if cell in CELL_STATE or not needs_c})
    h = proj or k
    dims = {"T": steps if steps is not None else "T", "n": n, "k": k, "h": h, "D": D, "Dh": D * h, "DL": D * layers,
            "B": batch if batch is not None else fw.batch_default, "B1": batch if batch is not None else 1}
    drop = {"B"} if fw.batchless and batch is None else set()
    out = {name: tuple(dims[d] for d in t.split() if d not in drop) for name, t in templates.items()}
    if dense:
        out.update(_dense_shapes(fw, D * h, dense, out))
    return out


def _sequence_wanted(fw, return_sequences, output_mode):
    if output_mode is not None:
        sequence = output_mode == "sequence"
    else:
        sequence = fw.sequence_default if return_sequences is None else return_sequences
    if not sequence and fw.shapes_last is None:
        raise UsageError(f"{fw.title} returns the output of every step (take the last one from it); "
                         "--last-only does not apply")
    return sequence


def _dense_shapes(fw, features, classes, out):
    """A fully connected head with ``classes`` outputs on the recurrent layer's output."""
    weight, bias, output, weight_t, bias_t, axis = fw.head
    dims = {"C": classes, "F": features, "1": 1}
    head = {weight: tuple(dims[d] for d in weight_t.split()), bias: tuple(dims[d] for d in bias_t.split())}
    if output:
        lstm_out = list(out[fw.shapes_sequence[1][0]])
        lstm_out[axis] = classes
        head[output] = tuple(lstm_out)
    return head

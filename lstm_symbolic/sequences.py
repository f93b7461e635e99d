"""Parameter tensors and sequence shapes the way each framework lays them out (shapes only:
nothing is allocated, so n = 10**9 is fine).

>>> total, tensors, formula = parameter_table("pytorch", 20, 50)
>>> total, tensors["weight_ih_l0"]
(14400, (200, 20))
>>> shapes = sequence_shapes("matlab", 1, 75, steps=400, dense=3)
>>> shapes["output"], shapes["dense weights"], shapes["dense output"]
((75, 400), (3, 75), (3, 400))
"""

from __future__ import annotations

from math import prod

from .framework_table import FRAMEWORKS, get_framework
from .errors import UsageError


#: The parameter table lists every layer's tensors; deeper stacks are refused, not listed.
MAX_LAYERS = 1000


def check_layers(layers):
    if layers > MAX_LAYERS:
        raise UsageError(f"--layers {layers} is more than this tool lists (at most {MAX_LAYERS:,} layers; "
                         "every layer above the first has the same shapes, so a few layers show them all)")


def parameter_table(framework, n, k, layers=1, bidirectional=False, proj=None, peephole=False, variant=None):
    """``(total, {tensor: shape}, formula)`` for one framework (``None``: the canonical cell).

    ``variant`` (standard, peephole, projection), when given, is checked against ``proj``.
    """
    check_layers(layers)
    if variant is not None:
        if variant == "projection" and proj is None:
            raise UsageError("the projection variant needs --proj")
        if proj is not None and variant != "projection":
            raise UsageError(f"--proj only applies to the projection variant, not {variant!r}")
        peephole = variant == "peephole"
    if proj is not None and proj >= k and framework == "pytorch":
        raise UsageError(f"PyTorch requires proj_size < hidden_size, got p = {proj}, k = {k}")
    D = 2 if bidirectional else 1
    h = proj or k
    fw = get_framework(framework) if framework else None
    if fw is not None:
        if proj and not fw.projection:
            raise UsageError(f"{fw.title} has no projection (proj_size). Frameworks with one: "
                             + ", ".join(f.name for f in FRAMEWORKS.values() if f.projection))
        if peephole and fw.peepholes is None:
            raise UsageError(f"{fw.title} has no peephole connections. Frameworks with them: "
                             + ", ".join(f.name for f in FRAMEWORKS.values() if f.peepholes))
    tensors = {}
    for L in range(layers):
        n_in = n if L == 0 else D * h
        _layer_tensors(fw, tensors, L, layers, D, n_in, k, h, proj, peephole)
    total = sum(prod(shape) for shape in tensors.values())
    return total, tensors, _formula(fw, n, k, layers, D, h, proj, peephole, total)


def _layer_tensors(fw, out, L, layers, D, n_in, k, h, proj, peephole):  # noqa: C901 - one row per framework
    name = fw.name if fw else "canonical"
    if name == "onnx":
        sfx = f"_l{L}" if layers > 1 else ""
        out["W" + sfx], out["R" + sfx], out["B" + sfx] = (D, 4 * k, n_in), (D, 4 * k, h), (D, 8 * k)
        if peephole:
            out["P" + sfx] = (D, 3 * k)
        return
    if name == "matlab":
        prefix = f"l{L}/" if layers > 1 else ""
        out[prefix + "InputWeights"] = (4 * D * k, n_in)
        out[prefix + "RecurrentWeights"] = (4 * D * k, h)
        out[prefix + "Bias"] = (4 * D * k, 1)
        return
    for d in range(D):
        if name == "pytorch":
            sfx = f"_l{L}{fw.directions[d]}"
            out["weight_ih" + sfx], out["weight_hh" + sfx] = (4 * k, n_in), (4 * k, h)
            out["bias_ih" + sfx], out["bias_hh" + sfx] = (4 * k,), (4 * k,)
            if proj:
                out["weight_hr" + sfx] = (proj, k)
            continue
        prefix = (f"l{L}/" if layers > 1 else "") + (f"{fw.directions[d]}/" if fw and D > 1 else
                                                      (f"{'forward' if d == 0 else 'backward'}/" if D > 1 else ""))
        if name == "keras":
            out[prefix + "kernel"], out[prefix + "recurrent_kernel"] = (n_in, 4 * k), (k, 4 * k)
            out[prefix + "bias"] = (4 * k,)
        elif name == "tf1":
            out[prefix + "kernel"], out[prefix + "bias"] = (n_in + h, 4 * k), (4 * k,)
            if proj:
                out[prefix + "projection/kernel"] = (k, proj)
            if peephole:
                for g in ("i", "f", "o"):
                    out[prefix + f"w_{g}_diag"] = (k,)
        else:  # canonical, separate layout
            for g in ("i", "f", "g", "o"):
                out[f"{prefix}W_{g}"], out[f"{prefix}U_{g}"], out[f"{prefix}b_{g}"] = (k, n_in), (k, h), (k, 1)
            if peephole:
                for g in ("i", "f", "o"):
                    out[f"{prefix}p_{g}"] = (k, 1)
            if proj:
                out[prefix + "W_hr"] = (proj, k)


def _formula(fw, n, k, layers, D, h, proj, peephole, total):
    biases = fw.biases if fw else 1
    parts_symbolic, parts_numbers = [], []
    for L in range(min(layers, 2)):  # the layers above the first are all alike
        h_name = "p" if proj else "k"
        n_in, n_name = (n, "n") if L == 0 else (D * h, f"{D}{h_name}" if D > 1 else h_name)
        sym = f"4k({n_name} + {'p' if proj else 'k'} + {biases})"
        num = f"4·{k}·({n_in} + {h} + {biases})"
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
                    batch_first=False, return_sequences=None, output_mode=None, dense=None, cell_state=True):
    """Input, output, final state (and dense head) shapes as the framework lays them out.

    ``batch=None`` is shown as None (Keras' "any batch"); ``steps=None`` as T.  ``cell_state=False``
    (a GRU or a simple RNN) leaves out the final cell state (c_n, Y_c).
    """
    fw = get_framework(framework)
    D = 2 if bidirectional else 1
    h = proj or k
    B = batch if batch is not None else ("None" if fw.name in ("keras", "tf1") else "B")
    T = steps if steps is not None else "T"
    out = {}
    if output_mode is not None:
        sequence = output_mode == "sequence"
    elif return_sequences is not None:
        sequence = return_sequences
    else:
        sequence = fw.name != "keras"  # Keras' LSTM defaults to return_sequences=False
    if fw.name == "pytorch":
        out["input"] = (B, T, n) if batch_first else (T, B, n)
        out["output"] = (B, T, D * h) if batch_first else (T, B, D * h)
        out["h_n"], out["c_n"] = (D * layers, B, h), (D * layers, B, k)
        features = D * h
    elif fw.name in ("keras", "tf1"):
        out["input"] = (B, T, n)
        out["output"] = (B, T, D * k) if sequence else (B, D * k)
        out["h_n"], out["c_n"] = (B, k), (B, k)
        features = D * k
    elif fw.name == "onnx":
        out["X"] = (T, B, n)
        out["Y"] = (T, D, B, k)
        out["Y_h"], out["Y_c"] = (D, B, k), (D, B, k)
        features = D * k
    else:  # matlab: features x time (one sequence), features x batch x time with a batch
        out["input"] = (n, T) if batch is None else (n, B, T)
        if sequence:
            out["output"] = (D * k, T) if batch is None else (D * k, B, T)
        else:
            out["output"] = (D * k, 1) if batch is None else (D * k, B)
        features = D * k
    if not cell_state:
        out.pop("c_n", None)
        out.pop("Y_c", None)
    if dense:
        head = _dense_shapes(fw.name, features, dense, out, sequence, batch_first)
        out.update(head)
    return out


def _dense_shapes(name, features, classes, out, sequence, batch_first):
    """A fully connected head on the LSTM's output (per step, or on the last step)."""
    lstm_out = out.get("output", out.get("Y"))
    if name == "matlab":
        return {"dense weights": (classes, features), "dense bias": (classes, 1),
                "dense output": (classes,) + lstm_out[1:]}
    if name in ("keras", "tf1"):
        return {"dense kernel": (features, classes), "dense bias": (classes,),
                "dense output": lstm_out[:-1] + (classes,)}
    if name == "pytorch":
        return {"linear weight": (classes, features), "linear bias": (classes,),
                "linear output": lstm_out[:-1] + (classes,)}
    return {"dense W": (classes, features), "dense B": (classes,)}

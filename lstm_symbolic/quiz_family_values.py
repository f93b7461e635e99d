"""Values of a GRU or a simple RNN: the family's own equations (the cell's shape-table text) evaluated
on the question's numbers, as the LSTM's are.  When the question does not say where the GRU applies
its reset gate, both placements are evaluated: the answer is given when they agree and declined,
with both values, when they do not.
"""

from __future__ import annotations

from .errors import CannotDecide
from .families import get_family
from .quiz_answers import read_line
from .quiz_cells import SWAPPED_UPDATE, own_update
from .quiz_tables import has_reset_gate, recurrent_bias_variant, variant_row
from .quiz_values import equations, evaluate, given_text, vector_text

_SUMMARY = {"reset-before": "Cho et al. 2014, Keras reset_after=False",
            "reset-after": "PyTorch, cuDNN, Keras' default reset_after=True"}


def family_value(u):
    """``(values, text, working lines)`` of the asked tensor (h_t unless another is named)."""
    import numpy as np

    fam = get_family(u.family)
    target = next((t for t in u.targets if t in equations(u.variant, u.family)[0]), None) or "h_t"
    _weights_are_numbers(u)
    replace = own_update(u.text) if has_reset_gate(u.family) and target == "h_t" else None
    placements, why = _placements(u, fam)
    results = []
    for variant in placements:
        eqs, texts = equations(variant, u.family, replace)
        zeros = [f"c_{g}" for g in fam.gates if len(placements) > 1 and f"c_{g}" in _names(eqs)
                 and f"c_{g}" not in u.given]
        k = len(next(iter(u.given.values())))
        env = {name: np.array(v, dtype=float).reshape(-1, 1) for name, v in u.given.items()}
        env.update({name: np.zeros((k, 1)) for name in zeros})
        results.append((variant, evaluate(eqs, texts, target, env), texts, env, zeros))
    _agree_or_decline(results, target, np)
    variant, value, texts, env, zeros = results[0]
    out, text = vector_text(value)
    computed = set(env) - set(u.given) - set(zeros) | {target}
    used = [t for t in texts if t.split(" = ")[0] in computed]
    lines = [read_line(u), why] + [f"{t}   (* elementwise, @ matrix product)" if i == 0 else t
                                   for i, t in enumerate(used)]
    lines += [f"with {given_text(u.given)}", f"{target} = {text}"] + _notes(u, replace, used)
    return out, text, lines


def _names(eqs):
    import ast

    return {node.id for tree in eqs.values() for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _placements(u, fam):
    """The variants to evaluate and the working line that says why."""
    if not has_reset_gate(u.family):
        said = "named by the question" if u.variant_stated else "the default; the question names no other"
        return [u.variant], f"a simple RNN with {u.variant} ({said})"
    given_c = sorted(n for n in u.given if n.startswith("c_"))
    if given_c and not variant_row(u.variant).reset_after and u.variant_stated:
        raise CannotDecide(f"the question gives {', '.join(given_c)}, a recurrent bias, but a reset-before GRU has "
                           "none (only the reset-after GRU has a second bias per gate)")
    if given_c or u.variant_stated:
        variant = recurrent_bias_variant(u.family) if given_c else u.variant
        said = f"the question gives {', '.join(given_c)}" if given_c and not u.variant_stated \
            else "as the question says"
        return [variant], f"a {variant} GRU ({_SUMMARY[variant]}; {said})"
    return list(fam.variants), ("the question does not say where the reset gate is applied: reset-before (Cho et "
                                "al. 2014) and reset-after (PyTorch) give the same value here; reset-before's "
                                "equations shown")


def _agree_or_decline(results, target, np):
    first = results[0][1]
    for _variant, value, *_ in results[1:]:
        if np.shape(value) != np.shape(first) or not np.allclose(value, first, rtol=1e-9, atol=1e-12):
            shown = "; ".join(f"{v} ({_SUMMARY[v]}) gives {target} = {vector_text(x)[1]}" for v, x, *_ in results)
            raise CannotDecide(f"the answer depends on where the GRU applies its reset gate, and the question does "
                               f"not say: {shown}. Say which (e.g. 'a PyTorch GRU', 'reset_after=False')")


def _weights_are_numbers(u):
    for name, values in u.given.items():
        if name[:2] in ("W_", "U_") and len(values) > 1:
            raise CannotDecide(f"{name} is a weight matrix, given here as {len(values)} numbers: the quiz reads "
                               "weights only as single numbers (a one-unit cell); give the gate values instead")


def _notes(u, replace, used):
    notes = [f"note: {n} has values outside (0, 1), which a sigmoid gate cannot output" for n in ("r_t", "z_t")
             if n in u.given and not all(0 < x < 1 for x in u.given[n])]
    if has_reset_gate(u.family) and any(t.startswith("h_t = ") for t in used):
        notes.append("convention: the question's own update, z_t weighs the candidate" if replace == SWAPPED_UPDATE
                     else "convention: z_t weighs the previous state (Cho et al., PyTorch, Keras, ONNX); texts that "
                     f"write {SWAPPED_UPDATE} give another value: write the question's equation to use it")
    return notes

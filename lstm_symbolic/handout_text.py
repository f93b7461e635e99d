"""The words of the LaTeX handout, as tables of LaTeX templates.

A template names tensors by their canonical names in braces (``{c_prev}``, ``{x_t}``); the
document fills them in the chosen notation, so the prose and the equations always use the
same symbols.  ``{gate}`` is the gate's meaning in words.  A tensor with no entry here falls
back to the plain description in :mod:`lstm_symbolic.variants` (a new cell still gets a
document, just with plainer words).
"""

from __future__ import annotations

from types import MappingProxyType

from .latex import name_latex
from .families import describe_tensor as family_tensor
from .variants import GATE_MEANING, describe_tensor

#: Meaning of each tensor in the dimension table.  W's meaning depends on the layout.
MEANINGS = MappingProxyType({
    "x_t": "input at step $t$",
    "h_prev": "hidden state of step $t-1$ (the previous output)",
    "c_prev": "cell state of step $t-1$",
    "z_t": "the stacked input of every gate",
    "c_t": "cell state at step $t$",
    "h_t": "hidden state at step $t$ (the output)",
    "m_t": "output before the projection",
    "W_hr": "projection weights (multiply ${m_t}$)",
    "U": "recurrent weights of the {gate} (multiply ${h_prev}$)",
    "b": "bias of the {gate}",
    "p": "peephole weights of the {gate} (multiply ${peeped}$ elementwise)",
    "a": "pre-activation of the {gate}",
})

#: The input weights' meaning, by layout.
WEIGHT_MEANINGS = MappingProxyType({
    "separate": "input weights of the {gate} (multiply ${x_t}$)",
    "concat": "weights of the {gate} (multiply ${z_t} = [{h_prev}; {x_t}]$)",
    "augmented": "weights of the {gate}, bias in the first column (multiply ${z_t} = [1; {h_prev}; {x_t}]$)",
})

#: Group labels of the equation blocks (the gates are labelled by their meaning).
LABELS = MappingProxyType({"z_t": "Stacked input", "c_t": "Cell state", "h_t": "Hidden state (output)",
                           "m_t": "Hidden state (output)", "x_t": "Input"})

#: Why the gradient flows as it does, per variant (the LaTeX twin of jacobians.EXPLANATIONS).
EXPLANATIONS = MappingProxyType({
    "standard": (
        r"The cell path is additive, ${c_t} = {f_t} \odot {c_prev} + \dots$, so "
        r"$\partial {c_t} / \partial {c_prev} = \operatorname{{diag}}({f_t})$ holds no weight matrix and no "
        r"squashing derivative. Gradients flowing back along the cell state are scaled elementwise by the forget "
        r"gate at each step; while ${f_t}$ stays near 1 they survive many steps (the constant error carousel). "
        r"A plain recurrent network $h_t = \tanh(W x_t + U h_{{t-1}} + b)$ has the Jacobian "
        r"$\operatorname{{diag}}(1 - h_t^{{2}})\, U$ at every step, which shrinks or explodes gradients. The path "
        r"through ${h_prev}$ multiplies by recurrent weights and by derivatives of $\sigma$ and $\tanh$ (at most "
        r"$1/4$ and $1$) and decays like a plain recurrent network's."
    ),
    "vanilla": (
        r"Without a forget gate, ${c_t} = {c_prev} + {i_t} \odot {g_t}$ and "
        r"$\partial {c_t} / \partial {c_prev} = I$: the cell carries gradients unchanged over any number of steps "
        r"(the constant error carousel of Hochreiter and Schmidhuber), but the cell state can also grow without "
        r"bound, because nothing ever resets it."
    ),
    "peephole": (
        r"The gates see the cell, so ${c_prev}$ also reaches ${c_t}$ through ${f_t}$ and ${i_t}$: besides "
        r"$\operatorname{{diag}}({f_t})$, $\partial {c_t} / \partial {c_prev}$ has the diagonal terms "
        r"${p_f} \odot {f_t} \odot (1 - {f_t}) \odot {c_prev}$ and ${p_i} \odot {i_t} \odot (1 - {i_t}) \odot {g_t}$. "
        r"They are still diagonal (peepholes act elementwise), so the cell path holds no weight matrix."
    ),
    "cifg": (
        r"With the coupled gate ${f_t} = 1 - {i_t}$, $\partial {c_t} / \partial {c_prev} = "
        r"\operatorname{{diag}}(1 - {i_t})$: writing to the cell (a large ${i_t}$) is forgetting, so a unit cannot "
        r"both keep its memory and add to it. The gradient through the cell is scaled by $1 - {i_t}$ at each step."
    ),
    "no-output-tanh": (
        r"The cell path is the standard one, $\operatorname{{diag}}({f_t})$; without the output $\tanh$, "
        r"$\partial {h_t} / \partial {c_t} = \operatorname{{diag}}({o_t})$ has no factor $1 - \tanh^2$, so large "
        r"cell values no longer saturate the gradient of the output."
    ),
    "projection": (
        r"The cell path is the standard one, $\operatorname{{diag}}({f_t})$; the hidden path goes through the "
        r"projection ${W_hr}$, so the recurrent matrices are $k \times p$ and "
        r"$\partial {h_t} / \partial {h_prev}$ is $p \times p$."
    ),
})


class LatexNames(dict):
    """``template.format_map(LatexNames(notation))``: every ``{name}`` in the chosen notation."""

    def __init__(self, notation, **fixed):
        super().__init__(fixed)
        self.notation = notation

    def __missing__(self, key):
        return name_latex(key, self.notation)


def fill(template, notation, **fixed):
    return template.format_map(LatexNames(notation, **fixed))


def gate_of(name, gates=GATE_MEANING):
    """The gate letter of ``W_f``, ``a_f``, ``f_t`` (None for other tensors); ``gates``: a family's gates."""
    kind, _, rest = name.partition("_")
    if rest in gates:
        return rest
    if rest == "t" and kind in gates:
        return kind
    return None


def meaning(name, cell, notation):
    """The dimension table's description of a tensor, in LaTeX text mode."""
    kind = name.partition("_")[0]
    gates = cell.family.gate_meaning
    gate = gate_of(name, gates)
    if name in cell.family.meanings:  # a family's own names: the GRU's update gate z_t
        return escape(cell.family.meanings[name])
    if name in MEANINGS:
        template = MEANINGS[name]
    elif gate is not None and kind == "W" and cell.family.concat == ("z_t",):
        template = WEIGHT_MEANINGS.get(cell.layout.name, WEIGHT_MEANINGS["separate"])
    elif gate is not None and kind in MEANINGS:
        template = MEANINGS[kind]
    elif gate is not None and name == f"{gate}_t":
        template = "{gate}"
        if gate == "f" and getattr(cell.variant, "forget", None) == "coupled":
            template = "{gate}, coupled to the input gate"
    else:
        return escape(family_tensor(name, cell.family.name))
    peeped = getattr(cell.variant, "peepholes", {}).get(gate, "c_prev") if gate else "c_prev"
    return fill(template, notation, gate=gates.get(gate, ""), peeped=name_latex(peeped, notation))


def label(name, family=None):
    """The heading of the equation group a tensor belongs to (``Forget gate``, ``Cell state``);
    ``family``: the cell family's row (the LSTM's when None)."""
    gates = GATE_MEANING if family is None else family.gate_meaning
    gate = gate_of(name, gates)
    if gate is not None:
        return gates[gate][0].upper() + gates[gate][1:]
    if family is not None and name in family.meanings:
        return escape(family.meanings[name]).capitalize()
    return LABELS.get(name, escape(describe_tensor(name)).capitalize() or "Other")


_TEX_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "{": r"\{", "}": r"\}", "^": r"\^{}", "~": r"\~{}"}


def escape(text):
    """Plain text for LaTeX's text mode."""
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in text)

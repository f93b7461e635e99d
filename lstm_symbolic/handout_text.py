"""The words of the LaTeX handout, as tables of LaTeX templates.

A template names tensors by their canonical names in braces (``{c_prev}``, ``{x_t}``); the
document fills them in the chosen notation, so the prose and the equations always use the
same symbols.  ``{gate}`` is the gate's meaning in words.  A tensor with no entry here falls
back to the plain description in :mod:`lstm_symbolic.variants` (a new cell still gets a
document, just with plainer words).
"""

from __future__ import annotations

from types import MappingProxyType

from .families import describe_tensor as family_tensor
from .families import gate_input, stacked_blocks
from .latex import name_latex
from .variants import GATE_MEANING, describe_tensor

#: Meaning of each tensor in the dimension table.  W's meaning depends on the layout.
MEANINGS = MappingProxyType({
    "x_t": "input at step $t$",
    "h_prev": "hidden state of step $t-1$ (the previous output)",
    "c_prev": "cell state of step $t-1$",
    "c_t": "cell state at step $t$",
    "h_t": "hidden state at step $t$ (the output)",
    "m_t": "output before the projection",
    "W_hr": "projection weights (multiply ${m_t}$)",
    "U": "recurrent weights of the {gate} (multiply ${h_prev}$)",
    "b": "bias of the {gate}",
    "p": "peephole weights of the {gate} (multiply ${peeped}$ elementwise)",
    "a": "pre-activation of the {gate}",
    "c": "second (recurrent) bias of the {gate}, added to ${U} {h_prev}$",
})

#: A family's gates that say more than their name (by family, then gate letter).
GATE_NOTES = MappingProxyType({
    "gru": MappingProxyType({
        "r": "reset gate: how much of ${h_prev}$ the candidate reads",
        "z": "update gate: the share of ${h_prev}$ kept in ${h_t}$",
        "n": "candidate hidden state",
    }),
})

#: The stacked input of the concat and augmented layouts.
STACKED_MEANING = "stacked input of {readers}"

#: The input weights' meaning, by layout.
WEIGHT_MEANINGS = MappingProxyType({
    "separate": "input weights of the {gate} (multiply ${x_t}$)",
    "concat": "weights of the {gate} (multiply ${stacked} = {rows}$)",
    "augmented": "weights of the {gate}, bias in the first column (multiply ${stacked} = {rows}$)",
})

#: Group labels of the equation blocks (the gates are labelled by their meaning).
LABELS = MappingProxyType({"c_t": "Cell state", "h_t": "Hidden state (output)", "m_t": "Hidden state (output)",
                           "x_t": "Input"})

#: Why the gradient flows as it does, per LSTM variant (the LaTeX twin of jacobians.EXPLANATIONS).
LSTM_EXPLANATIONS = MappingProxyType({
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
    """``template`` with each ``{name}`` replaced by ``fixed[name]`` or else by the tensor's LaTeX in ``notation``."""
    return template.format_map(LatexNames(notation, **fixed))


def gate_of(name, gates=GATE_MEANING):
    """The gate letter of ``W_f``, ``a_f``, ``f_t`` (None for other tensors); ``gates``: a family's gates."""
    kind, _, rest = name.partition("_")
    if rest in gates:
        return rest
    if rest == "t" and kind in gates:
        return kind
    return None


def rows_latex(cell, name, notation):
    """``[1; r_{t} \\odot h_{t-1}; x_{t}]``: the blocks of a stacked input in LaTeX."""
    blocks = stacked_blocks(cell.family.name, name, cell.layout.name)
    return "[" + "; ".join(r" \odot ".join(name_latex(b, notation) for b in block) for block in blocks) + "]"


def _readers(cell, name):
    """``every gate`` or ``the reset gate and the update gate``: the gates that read a stacked input."""
    fam = cell.family
    weighted = [g for g in fam.gates if f"W_{g}" in cell.parameters]
    readers = [g for g in weighted if gate_input(fam.name, g) == name]
    if readers == weighted and len(readers) > 1:
        return "every gate"
    return " and ".join("the " + fam.gate_meaning[g] for g in readers)


def meaning(name, cell, notation):
    """The dimension table's description of a tensor, in LaTeX text mode."""
    fam = cell.family
    kind = name.partition("_")[0]
    gates = fam.gate_meaning
    gate = gate_of(name, gates)
    fixed = {"gate": gates.get(gate, "")}
    stacked = cell.layout.stacked is not None
    if name in fam.concat and stacked:
        template = STACKED_MEANING + ", ${stacked} = {rows}$"
        fixed.update(readers=_readers(cell, name), stacked=name_latex(name, notation),
                     rows=rows_latex(cell, name, notation))
    elif gate is not None and kind == "W" and stacked:
        template = WEIGHT_MEANINGS[cell.layout.name]
        feed = gate_input(fam.name, gate)
        fixed.update(stacked=name_latex(feed, notation), rows=rows_latex(cell, feed, notation))
    elif name in MEANINGS:
        template = MEANINGS[name]
    elif gate is not None and name == f"{gate}_t":
        template = GATE_NOTES.get(fam.name, {}).get(gate, "{gate}")
        if gate == "f" and cell.variant.forget == "coupled":  # only the LSTM's rows (and gates) have f
            template = "{gate}, coupled to the input gate"
    elif gate is not None and kind == "W":
        template = WEIGHT_MEANINGS["separate"]
    elif gate is not None and kind in MEANINGS:
        template = MEANINGS[kind]
    else:
        return escape(family_tensor(name, fam.name, cell.layout.name))
    peeped = cell.variant.peepholes.get(gate, "c_prev") if gate else "c_prev"
    return fill(template, notation, peeped=name_latex(peeped, notation),
                U=name_latex(f"U_{gate}", notation) if gate else "", **fixed)


def label(name, family=None):
    """The heading of the equation group a tensor belongs to (``Forget gate``, ``Cell state``);
    ``family``: the cell family's row (the LSTM's when None)."""
    gates = GATE_MEANING if family is None else family.gate_meaning
    gate = gate_of(name, gates)
    if gate is not None:
        return gates[gate][0].upper() + gates[gate][1:]
    concat = ("z_t",) if family is None else family.concat
    if name in concat:
        return "Stacked input" + (" of the candidate" if concat.index(name) > 0 else "")
    return LABELS.get(name, escape(describe_tensor(name)).capitalize() or "Other")


_TEX_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "{": r"\{", "}": r"\}", "^": r"\^{}", "~": r"\~{}"}


def escape(text):
    """Plain text for LaTeX's text mode."""
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in text)


#: What each activation is (the intro) and its derivative written with its output (the backward pass).
ACTIVATION_DEFINITIONS = MappingProxyType({
    "sigmoid": r"$\sigma(a) = 1/(1 + e^{-a})$",
    "tanh": r"$\tanh$",
    "relu": r"$\operatorname{relu}(a) = \max(a, 0)$",
})
DERIVATIVE_DEFINITIONS = MappingProxyType({
    "sigmoid": r"$\sigma'(a) = \sigma(a)\,(1 - \sigma(a))$",
    "tanh": r"$\tanh'(a) = 1 - \tanh^2(a)$",
    "relu": r"$\operatorname{relu}'(a) = \operatorname{step}(\operatorname{relu}(a))$, where "
            r"$\operatorname{step}(v)$ is $1$ where $v > 0$ and $0$ elsewhere",
})

_GRU_CONVENTION = (
    r"The new hidden state mixes the candidate and the previous state, "
    r"${h_t} = (1 - {z_t}) \odot {n_t} + {z_t} \odot {h_prev}$. This handout follows Cho et al. (2014), PyTorch "
    r"and Keras, in which an update gate near $1$ keeps the previous state. Some texts (Chung et al. 2014, for "
    r"one) swap the two and write $(1 - z_t) \odot h_{{t-1}} + z_t \odot \tilde{{h}}_t$: their update gate is "
    r"$1 - {z_t}$ here. The candidate is written ${n_t}$, as PyTorch writes it (Cho et al. write "
    r"$\tilde{{h}}_t$); it has nothing to do with the input size $n$. "
)

#: What the document says about a cell before its symbol table, by variant (LSTM variants: nothing).
CELL_NOTES = MappingProxyType({
    "reset-before": _GRU_CONVENTION + (
        r"The reset gate acts before the recurrent weights: the candidate reads ${r_t} \odot {h_prev}$ in place "
        r"of ${h_prev}$, as in Cho et al. (2014), ONNX's default and TensorFlow 1's GRU cell. Each gate has one bias."
    ),
    "reset-after": _GRU_CONVENTION + (
        r"The reset gate acts after the recurrent weights: the candidate's pre-activation reads "
        r"${r_t} \odot ({U_n} {h_prev} + {c_n})$, as in PyTorch, cuDNN and Keras' default. Each gate has two "
        r"biases: ${b_r}, {b_z}, {b_n}$ on the input side (PyTorch's $b_{{ir}}, b_{{iz}}, b_{{in}}$) and "
        r"${c_r}, {c_z}, {c_n}$ on the recurrent side (PyTorch's $b_{{hr}}, b_{{hz}}, b_{{hn}}$). In the reset "
        r"and update gates only the sum of the two matters; ${c_n}$ is multiplied by ${r_t}$ and is a parameter "
        r"of its own."
    ),
    "tanh": r"The simple (Elman) recurrent network has no gates: the new hidden state is $\tanh$ of one "
            r"pre-activation, ${h_t} = \tanh({a_h})$.",
    "relu": r"The simple (Elman) recurrent network has no gates: the new hidden state is $\operatorname{{relu}}$ "
            r"of one pre-activation, ${h_t} = \operatorname{{relu}}({a_h})$.",
})

#: How the forward pass is introduced, by family (default: the gated cells').
FORWARD_WORDS = MappingProxyType({
    "rnn": "The hidden state is the activation function, applied elementwise, of its pre-activation, a weighted "
           "sum of the inputs.",
})
FORWARD_DEFAULT = ("Each gate first forms its pre-activation, a weighted sum of its inputs, then applies its "
                   "activation elementwise.")

_GRU_PATHS = (
    r"The terms of step $t+1$ in ${dh}$ are the four ways ${h_t}$ reaches step $t+1$: directly, through "
    r"${h_t__next} = \dots + {z_t__next} \odot {h_t}$ (hence the factor ${z_t__next}$); through the candidate "
    r"of step $t+1$, whose pre-activation reads {reads} (hence the factor ${r_t__next}$); and through the "
    r"update gate and the reset gate of step $t+1$. The gradient of the initial state ${h0}$ is these terms at "
    r"$t = 0$. "
)

#: What the terms of step t+1 in the backward recursion are, by variant (LSTM variants: the generic words).
RECURSION_NOTES = MappingProxyType({
    "reset-before": _GRU_PATHS.replace("{reads}", r"${r_t__next} \odot {h_t}$"),
    "reset-after": _GRU_PATHS.replace("{reads}", r"${r_t__next} \odot ({U_n} {h_t} + {c_n})$"),
    "tanh": r"The term of step $t+1$ in ${dh}$ is the one way ${h_t}$ reaches step $t+1$, through the "
            r"pre-activation ${a_h__next}$; the gradient of the initial state ${h0}$ is this term at $t = 0$. ",
})
RECURSION_NOTES = MappingProxyType({**RECURSION_NOTES, "relu": RECURSION_NOTES["tanh"]})

_GRU_FLOW = (
    r"The GRU has no separate cell: ${h_t} = (1 - {z_t}) \odot {n_t} + {z_t} \odot {h_prev}$, so "
    r"$\partial {h_t} / \partial {h_prev}$ holds $\operatorname{{diag}}({z_t})$, an additive path like the LSTM's "
    r"cell path: gradients survive many steps while the update gate stays near $1$. The other terms go through "
    r"${n_t}$, ${r_t}$ and ${z_t}$ and multiply by recurrent weights and by derivatives of $\sigma$ and $\tanh$ "
    r"(at most $1/4$ and $1$). "
)

#: Why the gradient flows as it does in the other families (the LaTeX twin of jacobians.EXPLANATIONS).
EXPLANATIONS = MappingProxyType({
    **LSTM_EXPLANATIONS,
    "reset-before": _GRU_FLOW + r"With the reset gate before the recurrent weights, the candidate's term holds "
                                r"$\operatorname{{diag}}({r_t})$: a reset gate near $0$ cuts the path through it.",
    "reset-after": _GRU_FLOW + r"With the reset gate after the recurrent weights, the candidate's term is "
                               r"$\operatorname{{diag}}\bigl((1 - {z_t}) \odot (1 - {n_t}^{{2}}) \odot {r_t}\bigr)\, "
                               r"{U_n}$ (plus the path through ${r_t}$): a reset gate near $0$ cuts it.",
    "tanh": r"The simple recurrent network has one path: the Jacobian above multiplies the recurrent weights by "
            r"$\tanh' \le 1$. Over many steps the gradient is multiplied by such a matrix again and again, so it "
            r"shrinks (small weights, saturated units) or explodes (large weights): the vanishing and exploding "
            r"gradients that the additive paths of the LSTM and the GRU avoid.",
    "relu": r"The simple recurrent network has one path: the Jacobian above is the recurrent weights restricted "
            r"to the active units (those with ${h_t} > 0$). Over many steps the gradient is multiplied by such a "
            r"matrix again and again: it explodes when the recurrent weights' largest singular value on the "
            r"active units exceeds $1$, and vanishes when units stay off.",
})

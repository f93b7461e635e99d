"""Notations: how canonical tensor names are written in LaTeX (display only, data tables).

Each notation maps the fixed names (states, gate outputs) directly and the per-gate
weights through format strings, where ``{g}`` is the notation's letter for the gate
and ``{G}`` its word.  Names a notation does not cover fall back to ``W_{f}`` style.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from .variants import lookup


@dataclass(frozen=True)
class Notation:
    name: str
    summary: str
    names: dict  # canonical name -> LaTeX
    weights: dict  # kind (W, U, b, p, a) -> format with {g} / {G}
    letters: dict = field(default_factory=dict)  # gate -> letter
    words: dict = field(default_factory=dict)  # gate -> word

    def tensor(self, name):
        """LaTeX of a canonical name, or None when this notation has no rule for it."""
        if name in self.names:
            return self.names[name]
        kind, _, gate = name.partition("_")
        if gate in ("f", "i", "g", "o") and kind in self.weights:
            return self.weights[kind].format(g=self.letters.get(gate, gate), G=self.words.get(gate, gate))
        return None


_STATES = {"x_t": "x_t", "h_prev": "h_{t-1}", "c_prev": "c_{t-1}", "h_t": "h_t", "c_t": "c_t",
           "z_t": "z_t", "m_t": "m_t", "f_t": "f_t", "i_t": "i_t", "g_t": "g_t", "o_t": "o_t",
           "W_hr": "W_{hr}", "dh_t": r"\delta h_t", "dc_next": r"\delta c_{t+1}"}

NOTATIONS = MappingProxyType({n.name: n for n in (
    Notation(
        "standard", "W_f (input), U_f (recurrent), b_f, p_f; g_t is the candidate",
        dict(_STATES),
        {"W": "W_{{{g}}}", "U": "U_{{{g}}}", "b": "b_{{{g}}}", "p": "p_{{{g}}}", "a": "a_{{{g}}}"},
    ),
    Notation(
        "course", "the seed course: feed-forward weights W_fF, recurrent W_fR, cell state C_t, candidate C~_t",
        {**_STATES, "c_t": "C_t", "c_prev": "C_{t-1}", "g_t": r"\tilde{C}_t", "dc_next": r"\delta C_{t+1}"},
        {"W": "W_{{{g}F}}", "U": "W_{{{g}R}}", "b": "b_{{{g}}}", "p": "p_{{{g}}}", "a": "a_{{{g}}}"},
        letters={"g": "c"},
    ),
    Notation(
        "greff", "Greff et al. 2017: input weights W_z, recurrent R_z, peepholes p, block input z, output y",
        {**_STATES, "x_t": "x^t", "h_prev": "y^{t-1}", "h_t": "y^t", "c_t": "c^t", "c_prev": "c^{t-1}",
         "f_t": "f^t", "i_t": "i^t", "g_t": "z^t", "o_t": "o^t", "z_t": r"\bar{x}^t", "m_t": "m^t",
         "dh_t": r"\delta y^t", "dc_next": r"\delta c^{t+1}"},
        {"W": "W_{{{g}}}", "U": "R_{{{g}}}", "b": "b_{{{g}}}", "p": "p_{{{g}}}", "a": r"\bar{{{g}}}^t"},
        letters={"g": "z"},
    ),
    Notation(
        "pytorch", "torch.nn.LSTM: W_if (input), W_hf (hidden), biases b_if + b_hf",
        dict(_STATES),
        {"W": "W_{{i{g}}}", "U": "W_{{h{g}}}", "b": r"\left(b_{{i{g}}} + b_{{h{g}}}\right)", "p": "p_{{{g}}}",
         "a": "a_{{{g}}}"},
    ),
    Notation(
        "gates", "the seed page: g^forget, g^input, g^output, input neuron u, memory cell c(n), output y",
        {**_STATES, "x_t": r"\mathbf{x}(n+1)", "h_prev": r"\mathbf{y}(n)", "h_t": r"\mathbf{y}(n+1)",
         "c_prev": "c(n)", "c_t": "c(n+1)", "f_t": r"g^{\text{forget}}(n+1)", "i_t": r"g^{\text{input}}(n+1)",
         "o_t": r"g^{\text{output}}(n+1)", "g_t": "u(n+1)", "z_t": r"\mathbf{z}(n+1)", "m_t": r"\mathbf{m}(n+1)",
         "dh_t": r"\delta \mathbf{y}(n+1)", "dc_next": r"\delta c(n+2)"},
        {"W": r"\mathbf{{W}}^{{{G}}}", "U": r"\mathbf{{U}}^{{{G}}}", "b": r"b^{{{G}}}", "p": r"p^{{{G}}}",
         "a": r"a^{{{G}}}"},
        words={"f": r"g^{\text{forget}}", "i": r"g^{\text{input}}", "o": r"g^{\text{output}}", "g": "u"},
    ),
)})


def get_notation(name):
    return lookup(NOTATIONS, name, "notation")

"""Notations: how canonical tensor names are written in LaTeX (display only, data tables).

A notation maps each time-dependent tensor to a LaTeX *base* (``h``, ``C``, ``y``) and
writes its time with one of three styles: ``h_{t-1}`` (subscript), ``y^{t-1}``
(superscript) or ``c(t-1)`` (argument).  Per-gate weights and pre-activations use
format strings, where ``{g}`` is the notation's letter for the gate and ``{G}`` its word.
Names a notation does not cover fall back to ``W_{f}`` style (see :func:`latex.name_latex`).

Canonical names read as: ``x_t`` (offset 0), ``h_prev`` (-1), ``dc_next`` (+1), ``a_f`` (the
pre-activation of gate f at step t), and any name with the suffix ``__next`` is the same
tensor one step later (``da_f__next`` is the gradient of ``a_f`` at step t+1).

>>> get_notation("course").tensor("c_prev"), get_notation("greff").tensor("a_f__next")
('C_{t-1}', '\\\\bar{f}^{t+1}')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType

from .variants import lookup

#: The suffix of a tensor taken one step later (``f_t__next`` is f at step t+1).
NEXT = "__next"

#: Time offset of a canonical name's suffix.
OFFSETS = {"t": 0, "prev": -1, "next": 1}

#: Gates whose weights and pre-activations a notation writes with its own letters.
GATE_LETTERS = ("f", "i", "g", "o")


def time_text(offset):
    """``t``, ``t-1``, ``t+1``: the time t + ``offset``."""
    return "t" if offset == 0 else f"t{offset:+d}"


def stamp(base, offset, style):
    """``base`` at time t + offset: ``h_{t-1}``, ``a_{f,t}``, ``y^{t}``, ``c(t+1)``."""
    time = time_text(offset)
    if style == "sub":
        inner = re.fullmatch(r"(.*)_\{([^{}]*)\}", base)
        return f"{inner[1]}_{{{inner[2]},{time}}}" if inner else f"{base}_{{{time}}}"
    if style == "sup":
        return f"{base}^{{{time}}}"
    return f"{base}({time})"


def timed(name):
    """``(key, offset)`` of a time-dependent canonical name, or ``None`` (weights, other names).

    >>> timed("h_prev"), timed("a_f"), timed("f_t__next"), timed("W_f")
    (('h', -1), ('a_f', 0), ('f', 1), None)
    """
    shift = 0
    if name.endswith(NEXT):
        name, shift = name[: -len(NEXT)], 1
    if re.fullmatch(r"a_[a-z]", name):
        return name, shift
    key, _, suffix = name.rpartition("_")
    if suffix in OFFSETS and key:
        return key, OFFSETS[suffix] + shift
    return None


@dataclass(frozen=True)
class Notation:
    """How one notation writes the canonical tensor names in LaTeX (a row of :data:`NOTATIONS`)."""

    name: str
    title: str  # LaTeX text mode, for the document's first paragraph
    time: str  # "sub" (h_{t-1}), "sup" (y^{t-1}) or "arg" (c(t-1))
    bases: dict  # time-dependent key (h, c, f, ..., Delta) -> LaTeX base
    weights: dict  # kind (W, U, b, p, a) -> format with {g} / {G}; "a" is the pre-activation's base
    names: dict = field(default_factory=dict)  # fixed names (W_hr) -> LaTeX
    letters: dict = field(default_factory=dict)  # gate -> letter
    words: dict = field(default_factory=dict)  # gate -> word
    note: str = ""  # a LaTeX sentence the document adds (what the notation changes)

    def tensor(self, name):
        """LaTeX of a canonical name, or None when this notation has no rule for it."""
        if name in self.names:
            return self.names[name]
        kind, _, gate = name.partition("_")
        if gate in GATE_LETTERS and kind in self.weights and kind != "a":
            return self._gate_format(kind, gate)
        found = timed(name)
        if found is None:
            return None
        key, offset = found
        if key.startswith("a_") and key[2:] in GATE_LETTERS:
            return stamp(self._gate_format("a", key[2:]), offset, self.time)
        if key.startswith("a_"):  # another family's gate (the GRU's a_r): the standard a_{r,t}
            return stamp(f"a_{{{key[2:]}}}", offset, self.time)
        if key in self.bases:
            return stamp(self.bases[key], offset, self.time)
        if re.fullmatch(r"[a-z]", key):  # another family's gate activation (the GRU's r_t)
            return stamp(key, offset, self.time)
        return None

    def _gate_format(self, kind, gate):
        return self.weights[kind].format(g=self.letters.get(gate, gate), G=self.words.get(gate, gate))


_BASES = {key: key for key in ("x", "h", "c", "z", "m", "f", "i", "g", "o")}
_BASES["Delta"] = r"\Delta"
# The GRU's stacked inputs in the concat and augmented layouts: [h_{t-1}; x_t] and [r_t * h_{t-1}; x_t].
_BASES.update(hx=r"\hat{x}", rhx=r"\tilde{x}")

NOTATIONS = MappingProxyType({n.name: n for n in (
    Notation(
        "standard", "the standard notation", "sub", dict(_BASES),
        {"W": "W_{{{g}}}", "U": "U_{{{g}}}", "b": "b_{{{g}}}", "p": "p_{{{g}}}", "a": "a_{{{g}}}"},
        names={"W_hr": "W_{hr}"},
    ),
    Notation(
        "course", r"the course notation ($W_{fF}$ feed-forward, $W_{fR}$ recurrent, cell state $C_t$, "
        r"candidate $\tilde{C}_t$)", "sub", {**_BASES, "c": "C", "g": r"\tilde{C}"},
        {"W": "W_{{{g}F}}", "U": "W_{{{g}R}}", "b": "b_{{{g}}}", "p": "p_{{{g}}}", "a": "a_{{{g}}}"},
        names={"W_hr": "W_{hr}"}, letters={"g": "c"},
    ),
    Notation(
        "greff", r"the notation of Greff et al., ``LSTM: A Search Space Odyssey'' (2017): input weights $W$, "
        r"recurrent weights $R$, block input $z$, block output $y$, pre-activations with a bar",
        "sup", {**_BASES, "h": "y", "g": "z", "z": r"\hat{x}"},
        {"W": "W_{{{g}}}", "U": "R_{{{g}}}", "b": "b_{{{g}}}", "p": "p_{{{g}}}", "a": r"\bar{{{g}}}"},
        names={"W_hr": "W_{hr}"}, letters={"g": "z"},
    ),
    Notation(
        "pytorch", r"PyTorch's names (\texttt{torch.nn.LSTM}: $W_{if}$ input, $W_{hf}$ hidden, "
        r"biases $b_{if} + b_{hf}$)", "sub", dict(_BASES),
        {"W": "W_{{i{g}}}", "U": "W_{{h{g}}}", "b": r"\left(b_{{i{g}}} + b_{{h{g}}}\right)", "p": "p_{{{g}}}",
         "a": "a_{{{g}}}"},
        names={"W_hr": "W_{hr}"},
        note=r"PyTorch keeps two bias vectors per gate and only ever uses their sum, so the equations "
             r"write the sum; its gradient is the gradient of each of the two, and PyTorch's own "
             r"parameter count is larger than the one below by one bias vector per gate.",
    ),
    Notation(
        "gates", r"the gates notation of the output-equation page ($g^{\text{forget}}$, "
        r"$g^{\text{input}}$, $g^{\text{output}}$, input neuron $u$, memory cell $c$, output $\mathbf{y}$)",
        "arg", {**_BASES, "x": r"\mathbf{x}", "h": r"\mathbf{y}", "f": r"g^{\text{forget}}",
                "i": r"g^{\text{input}}", "o": r"g^{\text{output}}", "g": "u", "z": r"\mathbf{z}",
                "m": r"\mathbf{m}"},
        {"W": r"\mathbf{{W}}^{{{G}}}", "U": r"\mathbf{{U}}^{{{G}}}", "b": r"b^{{{G}}}", "p": r"p^{{{G}}}",
         "a": r"a^{{{G}}}"},
        names={"W_hr": r"\mathbf{W}^{\text{proj}}"},
        words={"f": r"\text{forget}", "i": r"\text{input}", "o": r"\text{output}", "g": "u"},
        note=r"The page writes the step as $c(n) \to c(n+1)$; here the time index is $t$, "
             r"because $n$ is the input size.",
    ),
)})


def get_notation(name):
    """The notation called ``name``; an unknown name raises a UsageError listing the known ones."""
    return lookup(NOTATIONS, name, "notation")

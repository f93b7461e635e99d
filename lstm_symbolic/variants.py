"""The LSTM's variants and the input layouts as data tables.

The equation builder, the cells and the framework tables read
these rows' columns (``gates``, ``peepholes``, ``forget``, ``output_activation``,
``projection``; the framework tables derive a variant's features from ``peepholes`` and
``projection``); a new variant is a new row.  (The GRU's and the simple RNN's
variant tables, with the same columns where they apply, are in :mod:`~lstm_symbolic.families`.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

#: Activation of each gate's pre-activation.
GATE_ACTIVATION = MappingProxyType({"f": "sigmoid", "i": "sigmoid", "g": "tanh", "o": "sigmoid"})

GATE_MEANING = MappingProxyType(
    {"f": "forget gate", "i": "input gate", "g": "candidate cell state", "o": "output gate"}
)


@dataclass(frozen=True)
class Variant:
    """One LSTM variant: which gates have weights and how the states are formed."""

    name: str
    summary: str
    gates: tuple = ("f", "i", "g", "o")  # gates computed from weights, in evaluation order
    peepholes: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    forget: str = "gate"  # "gate": f_t has weights; "coupled": f_t = 1 - i_t; "none": no f_t
    output_activation: str | None = "tanh"  # h_t = o_t * act(c_t), or o_t * c_t when None
    projection: bool = False  # h_t = W_hr @ (...), h is p x 1
    refused_layouts: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # layout -> why


VARIANTS = MappingProxyType(
    {
        v.name: v
        for v in (
            Variant("standard", "Gers et al. 2000: forget gate, tanh on candidate and output"),
            Variant(
                "vanilla",
                "Hochreiter & Schmidhuber 1997: no forget gate, c_t = c_prev + i_t * g_t",
                gates=("i", "g", "o"),
                forget="none",
            ),
            Variant(
                "peephole",
                "gates see the cell: i, f use c_prev, o uses c_t (diagonal p_*)",
                peepholes=MappingProxyType({"f": "c_prev", "i": "c_prev", "o": "c_t"}),
            ),
            Variant(
                "cifg",
                "coupled input-forget gate: f_t = 1 - i_t, no W_f/U_f/b_f",
                gates=("i", "g", "o"),
                forget="coupled",
            ),
            Variant(
                "no-output-tanh",
                "h_t = o_t * c_t (no tanh on the output)",
                output_activation=None,
            ),
            Variant(
                "projection",
                "LSTMP: h_t = W_hr @ (o_t * tanh(c_t)), h is p x 1",
                projection=True,
            ),
        )
    }
)


@dataclass(frozen=True)
class Layout:
    """How a gate's pre-activation is formed from x_t and h_prev."""

    name: str
    summary: str
    stacked: tuple | None  # rows of the concatenated vector z_t ("1" is a row of ones)
    bias: bool  # a separate bias b_* is added


LAYOUTS = MappingProxyType(
    {
        lay.name: lay
        for lay in (
            Layout("separate", "W_f @ x_t + U_f @ h_prev + b_f", None, True),
            Layout("concat", "W_f @ [h_prev; x_t] + b_f, W_f is k x (k + n)", ("h_prev", "x_t"), True),
            Layout("augmented", "W_f @ [1; h_prev; x_t], bias folded into W_f", ("1", "h_prev", "x_t"), False),
        )
    }
)

#: Where each size is read from: size -> (tensor, axis).  ``p`` only with a projection.
SIZE_SOURCES = MappingProxyType(
    {"n": ("x_t", 0), "k": ("c_prev", 0), "p": ("h_prev", 0), "B": ("x_t", 1)}
)

#: Recurrence: the new state has the shape of the state it replaces.
RECURRENCE = (("h_t", "h_prev"), ("c_t", "c_prev"))

INPUTS = ("x_t", "h_prev", "c_prev")

#: Human descriptions of tensors, by canonical name (gate-indexed names use {g}).
TENSOR_MEANING = MappingProxyType(
    {
        "x_t": "input at step t",
        "h_prev": "previous hidden state",
        "c_prev": "previous cell state",
        "z_t": "concatenated input",
        "c_t": "new cell state",
        "h_t": "new hidden state (output)",
        "W_hr": "projection weights",
    }
)
TENSOR_KIND_MEANING = MappingProxyType(
    {
        "W": "input (feed-forward) weights of the {gate}",
        "U": "recurrent weights of the {gate}",
        "b": "bias of the {gate}",
        "p": "peephole weights of the {gate} (diagonal)",
    }
)


def describe_tensor(name):
    """A short description of a canonical tensor name.

    >>> describe_tensor("U_f")
    'recurrent weights of the forget gate'
    """
    if name in TENSOR_MEANING:
        return TENSOR_MEANING[name]
    if name.endswith("_t") and name[:-2] in GATE_MEANING:
        return GATE_MEANING[name[:-2]] + " (activation)"
    kind, _, gate = name.partition("_")
    if kind in TENSOR_KIND_MEANING and gate in GATE_MEANING:
        return TENSOR_KIND_MEANING[kind].format(gate=GATE_MEANING[gate])
    return ""


def lookup(table, name, what):
    """``table[name]``, or a UsageError listing the valid names."""
    from .errors import UsageError

    try:
        return table[name]
    except (KeyError, TypeError):
        valid = ", ".join(table)
        raise UsageError(f"unknown {what} {name!r}; valid {what}s are: {valid}") from None

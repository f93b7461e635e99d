"""Cell families as a data table: the LSTM (with its variants), the GRU and the simple RNN.

A family is a row: its states, what its sizes are read from, its own table of variants
(the LSTM's variants, the GRU's two placements of the reset gate, the simple RNN's two
nonlinearities), the option that chooses among them and what its tensors mean.  The
equation builder (one builder function per family, ``equations.BUILDERS``), the solver,
the numeric cell and the renderers read these rows.  No SymPy here: the CLI reads this
at start-up.

>>> choose_cell("gru"), choose_cell("gru", framework="pytorch"), choose_cell(nonlinearity="relu")
(('gru', 'reset-before'), ('gru', 'reset-after'), ('rnn', 'relu'))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from .errors import UsageError
from .framework_table import default_features, get_layout
from .variants import GATE_ACTIVATION, GATE_MEANING, INPUTS, RECURRENCE, SIZE_SOURCES, VARIANTS, lookup
from .variants import describe_tensor as _describe_shared


@dataclass(frozen=True)
class GRUVariant:
    """Where the GRU applies its reset gate."""

    name: str
    summary: str
    reset_after: bool  # r_t * (U_n @ h_prev + c_n) with a second (recurrent) bias per gate
    refused_layouts: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # columns of the LSTM's variant table (variants.Variant) that every variant row has
    projection: bool = False
    peepholes: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class RNNVariant:
    """The simple (Elman) RNN's nonlinearity."""

    name: str
    summary: str
    activation: str
    refused_layouts: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # columns of the LSTM's variant table (variants.Variant) that every variant row has
    projection: bool = False
    peepholes: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))


_RESET_AFTER_LAYOUT = (
    "the reset-after GRU multiplies r_t into U_n @ h_prev + c_n after the product, so the input and "
    "recurrent weights of the candidate n_t cannot share one matrix over [h_prev; x_t]; use --layout separate, "
    "or the reset-before GRU (--reset-before), whose candidate reads [r_t * h_prev; x_t]"
)

GRU_VARIANTS = MappingProxyType({v.name: v for v in (
    GRUVariant("reset-before", "Cho et al. 2014 (Keras reset_after=False): n_t = tanh(W_n @ x_t + "
               "U_n @ (r_t * h_prev) + b_n)", reset_after=False),
    GRUVariant("reset-after", "PyTorch, cuDNN, Keras' default: n_t = tanh(W_n @ x_t + b_n + r_t * "
               "(U_n @ h_prev + c_n)), a second (recurrent) bias c_* per gate", reset_after=True,
               refused_layouts=MappingProxyType({"concat": _RESET_AFTER_LAYOUT, "augmented": _RESET_AFTER_LAYOUT})),
)})

RNN_VARIANTS = MappingProxyType({v.name: v for v in (
    RNNVariant("tanh", "Elman RNN: h_t = tanh(W_h @ x_t + U_h @ h_prev + b_h)", "tanh"),
    RNNVariant("relu", "Elman RNN with ReLU: h_t = relu(W_h @ x_t + U_h @ h_prev + b_h)", "relu"),
)})


@dataclass(frozen=True)
class Family:
    """One cell family: its states, sizes, variants and the words used to show it."""

    name: str
    title: str  # "LSTM", "GRU", "simple RNN"
    summary: str
    variants: MappingProxyType  # its own variant table
    default_variant: str
    choice: str  # what the variant choice is called: "variant", "nonlinearity"
    chooser: str  # the CLI option(s) that choose the variant, as a message shows them
    option: str  # the keyword that chooses the variant (variant, reset_after, nonlinearity)
    inputs: tuple  # x_t and the previous states
    recurrence: tuple  # ((new state, previous state), ...)
    size_sources: MappingProxyType  # size -> (tensor, axis)
    gates: tuple  # gate letters, in parameter order
    gate_activation: MappingProxyType
    gate_meaning: MappingProxyType
    concat: tuple = ("z_t",)  # names of the concatenated inputs in the concat / augmented layouts
    concat_hidden: tuple = (("h_prev",),)  # each one's recurrent block: h_prev, or r_t * h_prev (GRU)
    concat_gates: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # gate -> index in concat
    meanings: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # family-only names
    notations: tuple | None = None  # notations that name this family's tensors (None: all)
    heading: str = "{title} cell: {variant}"  # shown before ", layout ..."
    cell_words: str = "{variant} cell"  # the cell in messages: "standard cell", "reset-before GRU cell"
    title_words: str = "{title} cell: {variant}"  # documents and diagrams: "LSTM cell: standard variant"
    layer_title: str | None = None  # "GRU layer" in framework headings (None: the framework table's LSTM title)
    variant_word: str = "variant"  # a variant in messages: "variant", "GRU variant"
    option_values: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # option -> variant
    framework_defaults: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # framework -> option

    @property
    def states(self):
        """The state names without the suffix: ``("h", "c")`` or ``("h",)``."""
        return tuple(new[:-2] for new, _ in self.recurrence)


#: Where each framework's GRU applies the reset gate by default (True: after the recurrent product), read from
#: the framework table's GRU rows (``always`` and ``defaults``): PyTorch nn.GRU and cuDNN: after; Keras 3 GRU:
#: reset_after=True; MATLAB gruLayer: ResetGateMode "after-multiplication".  The ONNX operator's default is
#: linear_before_reset=0 (before), but this tool's ONNX layout holds linear_before_reset=1 (after, as PyTorch
#: exports it).  A framework without a GRU row has no entry (``choose_variant`` refuses it first).
GRU_RESET_AFTER_BY_FRAMEWORK = MappingProxyType(
    {framework: "reset_after" in features for framework, features in default_features("gru").items()})

_ONE_STATE = {"inputs": ("x_t", "h_prev"), "recurrence": (("h_t", "h_prev"),),
              "size_sources": MappingProxyType({"n": ("x_t", 0), "k": ("h_prev", 0), "B": ("x_t", 1)})}

FAMILIES = MappingProxyType({f.name: f for f in (
    Family(
        "lstm", "LSTM", "long short-term memory: gates f, i, o, candidate g, cell state c",
        variants=VARIANTS, default_variant="standard", choice="variant", chooser="--variant", option="variant",
        inputs=INPUTS, recurrence=RECURRENCE, size_sources=SIZE_SOURCES, gates=("f", "i", "g", "o", "hr"),
        gate_activation=GATE_ACTIVATION, gate_meaning=GATE_MEANING, heading="{title} cell: variant {variant}",
        title_words="{title} cell: {variant} variant",
    ),
    Family(
        "gru", "GRU", "gated recurrent unit: reset gate r, update gate z, candidate n; "
        "h_t = (1 - z_t) * n_t + z_t * h_prev",
        variants=GRU_VARIANTS, default_variant="reset-before", choice="reset-gate placement",
        chooser="--reset-after or --reset-before", option="reset_after", **_ONE_STATE, gates=("r", "z", "n"),
        gate_activation=MappingProxyType({"r": "sigmoid", "z": "sigmoid", "n": "tanh"}),
        gate_meaning=MappingProxyType({"r": "reset gate", "z": "update gate", "n": "candidate hidden state"}),
        concat=("hx_t", "rhx_t"), concat_hidden=(("h_prev",), ("r_t", "h_prev")),
        concat_gates=MappingProxyType({"n": 1}), layer_title="GRU layer",
        meanings=MappingProxyType({"z_t": "update gate (activation)", "hx_t": "concatenated input {rows}",
                                   "rhx_t": "concatenated input of the candidate {rows}"}),
        notations=("standard",), cell_words="{variant} GRU cell", variant_word="GRU variant",
        option_values=MappingProxyType({True: "reset-after", False: "reset-before"}),
        framework_defaults=GRU_RESET_AFTER_BY_FRAMEWORK,
    ),
    Family(
        "rnn", "simple RNN", "Elman RNN: h_t = act(W_h @ x_t + U_h @ h_prev + b_h), act tanh or relu",
        variants=RNN_VARIANTS, default_variant="tanh", choice="nonlinearity", chooser="--nonlinearity",
        option="nonlinearity", **_ONE_STATE, gates=("h",), gate_activation=MappingProxyType({"h": "tanh"}),
        gate_meaning=MappingProxyType({"h": "hidden state"}), notations=("standard",),
        layer_title="simple RNN layer",
        cell_words="{variant} simple RNN cell", variant_word="simple RNN variant",
    ),
)})

#: Variant names are unique across families (``variant`` alone names a cell in JSON and messages).
assert len({v for f in FAMILIES.values() for v in f.variants}) == sum(len(f.variants) for f in FAMILIES.values())


def get_family(name):
    return lookup(FAMILIES, name or "lstm", "cell family")


def family_variant(family, variant):
    """The variant row of ``family`` named ``variant`` (a UsageError names the valid ones)."""
    fam = get_family(family)
    return lookup(fam.variants, variant, fam.variant_word)


def check_layout(family, variant, layout):
    """Raise a UsageError when ``variant`` of ``family`` has no meaning in ``layout``."""
    reason = family_variant(family, variant).refused_layouts.get(layout)
    if reason is not None:
        raise UsageError(f"the {layout} layout does not apply to the {variant} {get_family(family).title}: {reason}")


def combinations(family):
    """Every (variant, layout) of a family that has a meaning, in table order."""
    from .variants import LAYOUTS

    fam = get_family(family)
    return [(v.name, layout) for v in fam.variants.values() for layout in LAYOUTS if layout not in v.refused_layouts]


def choose_cell(family=None, variant=None, reset_after=None, nonlinearity=None, proj_size=None, framework=None):
    """``(family, variant)`` from the options that choose them; a UsageError for a mix that makes no sense.

    ``variant`` is the LSTM variant (``--variant``), ``reset_after`` the GRU's placement
    (``--reset-after`` / ``--reset-before``), ``nonlinearity`` the simple RNN's.  Without ``family``
    the option that is given names it (the LSTM when none is).  When the GRU's placement is not
    given it is the framework's default, else Cho et al.'s reset-before.

    >>> choose_cell(), choose_cell(reset_after=True), choose_cell("gru", framework="pytorch")
    (('lstm', 'standard'), ('gru', 'reset-after'), ('gru', 'reset-after'))
    """
    given = {"variant": variant, "reset_after": reset_after, "nonlinearity": nonlinearity}
    if family is None:
        named = [f for f in FAMILIES.values() if given[f.option] is not None]
        if len(named) > 1:
            raise UsageError(" and ".join(f"{f.chooser} chooses the {f.title}'s {f.choice}" for f in named)
                             + ": give the options of one cell (--cell " + "|".join(FAMILIES) + ")")
        family = named[0].name if named else "lstm"
    return get_family(family).name, choose_variant(family, variant, reset_after, nonlinearity, proj_size, framework)


def choose_variant(family="lstm", variant=None, reset_after=None, nonlinearity=None, proj_size=None, framework=None):
    """The family's variant from the options that choose it; a UsageError for an option of another family."""
    fam = get_family(family)
    given = {"variant": variant, "reset_after": reset_after, "nonlinearity": nonlinearity}
    for other in FAMILIES.values():
        if other is fam:
            continue
        if given[other.option] is not None:
            what = f"{other.chooser} chooses the {other.title}'s {other.choice}"
        elif proj_size is not None and "p" in other.size_sources and "p" not in fam.size_sources:
            what = f"--proj sets the {other.title}'s projection size"
        else:
            continue
        raise UsageError(f"{what} (--cell {other.name}); it does not apply to --cell {fam.name}, whose "
                         f"{fam.choice} is chosen with {fam.chooser}")
    if framework is not None:
        get_layout(framework, fam.name)  # the UsageError naming the frameworks that have this family
    value = given[fam.option]
    if value is None and framework is not None:
        value = fam.framework_defaults.get(framework)
    if value is None:
        projecting = [v.name for v in fam.variants.values() if v.projection]
        return projecting[0] if proj_size is not None and projecting else fam.default_variant
    name = lookup(fam.variants, fam.option_values.get(value, value), fam.variant_word).name
    if framework is not None:
        _check_framework_mode(framework, fam.name, name)
    return name


def _check_framework_mode(framework, family, variant):
    """A UsageError when the framework's layout of ``family`` cannot hold the mode ``variant`` names
    (PyTorch's nn.GRU has no reset-before placement)."""
    from .framework_table import CELL_MODES, get_layout
    from .weight_layout import check_supported

    mode = variant.replace("-", "_")
    if mode in CELL_MODES.get(family, ()):
        check_supported(get_layout(framework, family), {mode}, family, None, None)


#: What each kind of per-gate tensor is, by its prefix.
KIND_MEANING = MappingProxyType({
    "W": "input (feed-forward) weights of the {gate}", "U": "recurrent weights of the {gate}",
    "b": "bias of the {gate}", "c": "recurrent bias of the {gate}", "p": "peephole weights of the {gate} (diagonal)",
})


#: The weights of a gate in the concat and augmented layouts multiply a concatenated input.
STACKED_WEIGHT_MEANING = "weights of the {gate}{bias} (multiply {input} = {rows})"


def gate_input(family, gate):
    """The concatenated input that ``gate`` reads in the concat / augmented layouts (``z_t``, ``rhx_t``)."""
    fam = get_family(family)
    return fam.concat[fam.concat_gates.get(gate, 0)]


def stacked_blocks(family, name, layout):
    """The blocks of the concatenated input ``name`` in ``layout`` as tuples of canonical names
    multiplied elementwise (``(("1",), ("r_t", "h_prev"), ("x_t",))``); None in the separate layout."""
    from .variants import LAYOUTS

    fam = get_family(family)
    blocks = lookup(LAYOUTS, layout, "layout").stacked
    if blocks is None:
        return None
    hidden = fam.concat_hidden[fam.concat.index(name)]
    return tuple(hidden if block == "h_prev" else (block,) for block in blocks)


def stacked_rows(family, name, layout):
    """``[1; r_t * h_prev; x_t]``: the rows of a concatenated input (None in the separate layout)."""
    blocks = stacked_blocks(family, name, layout)
    return None if blocks is None else "[" + "; ".join(" * ".join(b) for b in blocks) + "]"


def describe_tensor(name, family="lstm", layout="separate"):
    """A short description of a canonical tensor name in a family's cell, in ``layout``.

    >>> describe_tensor("z_t", "gru"), describe_tensor("c_r", "gru"), describe_tensor("U_h", "rnn")
    ('update gate (activation)', 'recurrent bias of the reset gate', 'recurrent weights of the hidden state')
    >>> describe_tensor("W_n", "gru", "augmented")
    'weights of the candidate hidden state, bias in the first column (multiply rhx_t = [1; r_t * h_prev; x_t])'
    """
    from .variants import LAYOUTS

    fam = get_family(family)
    kind, _, gate = name.partition("_")
    if name in fam.concat and stacked_rows(family, name, layout) is not None:
        template = fam.meanings.get(name, "concatenated input {rows}")
        return template.format(rows=stacked_rows(family, name, layout))
    if name in fam.meanings:
        return fam.meanings[name]
    if gate in fam.gate_meaning and kind == "W" and LAYOUTS[layout].stacked is not None:
        feed = gate_input(family, gate)
        return STACKED_WEIGHT_MEANING.format(gate=fam.gate_meaning[gate], input=feed,
                                             rows=stacked_rows(family, feed, layout),
                                             bias="" if LAYOUTS[layout].bias else ", bias in the first column")
    if gate in fam.gate_meaning and kind in KIND_MEANING:
        return KIND_MEANING[kind].format(gate=fam.gate_meaning[gate])
    if gate == "t" and kind in fam.gate_meaning and kind not in fam.states:
        return fam.gate_meaning[kind] + " (activation)"
    return _describe_shared(name)


def heading(cell):
    """``LSTM cell: variant standard, layout separate`` / ``GRU cell: reset-after, layout separate``."""
    fam = cell.family
    return fam.heading.format(title=fam.title, variant=cell.variant.name) + f", layout {cell.layout.name}"


def title(cell):
    """``LSTM cell: standard variant, separate layout`` / ``GRU cell: reset-after, separate layout``."""
    fam = cell.family
    return fam.title_words.format(title=fam.title, variant=cell.variant.name) + f", {cell.layout.name} layout"


def cell_words(cell):
    """``standard cell`` / ``reset-after GRU cell`` / ``relu simple RNN cell``."""
    return cell.family.cell_words.format(variant=cell.variant.name)


def check_notation(family, notation):
    """Raise a UsageError when a notation names only LSTM tensors and the cell is another family's."""
    fam = get_family(family)
    if fam.notations is not None and notation not in fam.notations:
        raise UsageError(f"the {notation} notation names LSTM tensors; the {fam.title} cell is written in the "
                         f"{' or '.join(fam.notations)} notation (--notation {fam.notations[0]})")

"""lstm_symbolic.handout_text: the handout's words (templates filled in a notation, the symbol table's
meanings, the group labels, LaTeX escaping) and the completeness of its tables."""

import string

import pytest

from lstm_symbolic import LSTMCell
from lstm_symbolic.activations import ACTIVATIONS
from lstm_symbolic.cell import make_cell
from lstm_symbolic.families import FAMILIES, combinations, get_family
from lstm_symbolic.handout_text import (
    ACTIVATION_DEFINITIONS,
    CELL_NOTES,
    DERIVATIVE_DEFINITIONS,
    EXPLANATIONS,
    RECURSION_NOTES,
    _readers,
    escape,
    fill,
    gate_of,
    label,
    meaning,
    rows_latex,
)
from lstm_symbolic.notations import NEXT, get_notation

STANDARD = get_notation("standard")
GRU = get_family("gru")


def test_fill_writes_tensors_in_the_notation_and_keeps_fixed_values():
    assert fill("{x_t} and {h_prev}: the {gate}", get_notation("course"), gate="forget gate") == \
        "x_{t} and h_{t-1}: the forget gate"
    assert fill("${c_prev}$", get_notation("gates")) == "$c(t-1)$"


@pytest.mark.parametrize("name, gates, expected", [
    ("W_f", None, "f"), ("a_f", None, "f"), ("f_t", None, "f"), ("h_t", None, None), ("W_hr", None, None),
    ("r_t", GRU.gate_meaning, "r"), ("W_r", None, None),
], ids=["weight", "pre-activation", "activation", "state", "projection", "gru-gate", "gru-weight-as-lstm"])
def test_gate_of(name, gates, expected):
    assert (gate_of(name) if gates is None else gate_of(name, gates)) == expected


def test_rows_latex_and_readers_of_the_stacked_inputs():
    assert rows_latex(LSTMCell("n", "k", layout="augmented"), "z_t", STANDARD) == "[1; h_{t-1}; x_{t}]"
    gru = make_cell("gru", "n", "k", "reset-before", "concat")
    assert rows_latex(gru, "rhx_t", STANDARD) == r"[r_{t} \odot h_{t-1}; x_{t}]"
    assert _readers(gru, "hx_t") == "the reset gate and the update gate"
    assert _readers(gru, "rhx_t") == "the candidate hidden state"
    assert _readers(LSTMCell("n", "k", layout="concat"), "z_t") == "every gate"


@pytest.mark.parametrize("name, cell, expected", [
    ("x_t", LSTMCell("n", "k"), "input at step $t$"),
    ("W_f", LSTMCell("n", "k"), "input weights of the forget gate (multiply $x_{t}$)"),
    ("W_f", LSTMCell("n", "k", layout="augmented"),
     "weights of the forget gate, bias in the first column (multiply $z_{t} = [1; h_{t-1}; x_{t}]$)"),
    ("U_f", LSTMCell("n", "k"), "recurrent weights of the forget gate (multiply $h_{t-1}$)"),
    ("b_i", LSTMCell("n", "k"), "bias of the input gate"),
    ("p_f", LSTMCell("n", "k", "peephole"), "peephole weights of the forget gate (multiply $c_{t-1}$ elementwise)"),
    ("p_o", LSTMCell("n", "k", "peephole"), "peephole weights of the output gate (multiply $c_{t}$ elementwise)"),
    ("a_f", LSTMCell("n", "k"), "pre-activation of the forget gate"),
    ("f_t", LSTMCell("n", "k"), "forget gate"),
    ("f_t", LSTMCell("n", "k", "cifg"), "forget gate, coupled to the input gate"),
    ("z_t", LSTMCell("n", "k", layout="concat"), "stacked input of every gate, $z_{t} = [h_{t-1}; x_{t}]$"),
    ("W_hr", LSTMCell("n", "k", "projection", proj_size="p"), "projection weights (multiply $m_{t}$)"),
    ("r_t", make_cell("gru", "n", "k"), "reset gate: how much of $h_{t-1}$ the candidate reads"),
    ("c_n", make_cell("gru", "n", "k", "reset-after"),
     "second (recurrent) bias of the candidate hidden state, added to $U_{n} h_{t-1}$"),
], ids=["input", "weight", "augmented-weight", "recurrent", "bias", "peephole", "peephole-on-c_t", "pre-activation",
        "gate", "coupled-gate", "stacked", "projection", "gru-gate", "gru-recurrent-bias"])
def test_meaning(name, cell, expected):
    assert meaning(name, cell, STANDARD) == expected


@pytest.mark.parametrize("name, family, expected", [
    ("W_f", None, "Forget gate"), ("a_i", None, "Input gate"), ("c_t", None, "Cell state"),
    ("z_t", None, "Stacked input"),
    ("h_t", None, "Hidden state (output)"), ("r_t", GRU, "Reset gate"), ("hx_t", GRU, "Stacked input"),
    ("rhx_t", GRU, "Stacked input of the candidate"),
], ids=["weight", "pre-activation", "cell", "stacked", "output", "gru-gate", "gru-stacked", "gru-second-stacked"])
def test_label(name, family, expected):
    assert label(name, family) == expected


def test_escape():
    assert escape(r"a_b & 50% {x} ^ ~ \ # $") == r"a\_b \& 50\% \{x\} \^{} \~{} \textbackslash{} \# \$"


# -- the tables cover what the cells use ---------------------------------------------------------------------
def test_every_activation_a_cell_can_use_is_defined_with_its_derivative():
    assert set(ACTIVATION_DEFINITIONS) == set(DERIVATIVE_DEFINITIONS)
    assert set(ACTIVATION_DEFINITIONS) <= set(ACTIVATIONS)


def test_the_variant_tables_name_real_variants():
    variants = {name for family in FAMILIES.values() for name in family.variants}
    for table in (CELL_NOTES, RECURSION_NOTES, EXPLANATIONS):
        assert set(table) <= variants
    assert {name for name in FAMILIES["lstm"].variants} <= set(EXPLANATIONS)


def tensor_names():
    """Every tensor of every cell's forward and backward pass (the shapes of its derivation)."""
    names = set()
    for family in FAMILIES:
        for variant, layout in combinations(family):
            cell = make_cell(family, "n", "k", variant, layout, "p" if family == "lstm" and variant == "projection"
                             else None)
            names |= set(cell.backward().shapes())
    return names


@pytest.mark.parametrize("table", [CELL_NOTES, RECURSION_NOTES, EXPLANATIONS], ids=["cell", "recursion", "flow"])
def test_the_templates_name_only_real_tensors(table):
    """Every ``{field}`` of a template is a tensor of some cell (``__next``: one step later) or one of the
    fields the document fills itself; a misspelt name would be printed as if it were a tensor."""
    known = tensor_names() | {"dh", "h0"}
    for variant, template in table.items():
        for _, field, _, _ in string.Formatter().parse(template):
            if field is not None:
                assert field.removesuffix(NEXT) in known, (variant, field)

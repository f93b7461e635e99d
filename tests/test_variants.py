"""The LSTM's variant and layout tables: their columns agree with the equations they produce and with
the places that still list variant names by hand (which should read the columns instead)."""

import pytest

from lstm_symbolic.equations import build_program
from lstm_symbolic.families import FAMILIES
from lstm_symbolic.framework_table import CELL_FEATURES, variant_features
from lstm_symbolic.variants import LAYOUTS, SIZE_SOURCES, VARIANTS, describe_tensor, lookup

ALL_ROWS = [(fam.name, v) for fam in FAMILIES.values() for v in fam.variants.values()]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_columns_describe_the_equations(name):
    variant = VARIANTS[name]
    program = build_program(name, "separate")
    equations = {eq.name: eq for eq in program.equations}
    assert {p[2:] for p in program.parameters if p.startswith("W_") and p != "W_hr"} == set(variant.gates)
    assert [eq.name for eq in program.equations if eq.name[0] in variant.gates and eq.name.endswith("_t")] == \
        [f"{g}_t" for g in variant.gates if g not in variant.peepholes or variant.peepholes[g] == "c_prev"] + \
        [f"{g}_t" for g in variant.gates if variant.peepholes.get(g) == "c_t"]
    assert {p[2:] for p in program.parameters if p.startswith("p_")} == set(variant.peepholes)
    assert ("W_hr" in program.parameters) == variant.projection == ("p" in program.sizes)
    assert ("f_t" in equations) == (variant.forget != "none")
    assert ("W_f" in program.parameters) == (variant.forget == "gate")
    assert ("tanh(c_t)" in str(equations["h_t"])) == (variant.output_activation == "tanh")


@pytest.mark.parametrize("family,variant", ALL_ROWS, ids=[f"{f}-{v.name}" for f, v in ALL_ROWS])
def test_every_variant_row_has_the_shared_columns(family, variant):
    """The GRU's and the simple RNN's rows have the columns code reads on any cell's variant."""
    for column in ("projection", "peepholes", "refused_layouts"):
        assert hasattr(variant, column), column
    if family != "lstm":
        assert (variant.projection, dict(variant.peepholes)) == (False, {})


def test_framework_features_come_from_the_columns():
    """The framework tables derive a variant's features from its peepholes and projection columns."""
    assert {name for name, v in VARIANTS.items() if variant_features(v)} == {"peephole", "projection"}
    assert variant_features(VARIANTS["peephole"]) <= CELL_FEATURES["lstm"]


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_layout_columns(name):
    layout = LAYOUTS[name]
    program = build_program("standard", name)
    assert ("z_t" in {eq.name for eq in program.equations}) == (layout.stacked is not None)
    assert ("b_f" in program.parameters) == layout.bias
    assert ("U_f" in program.parameters) == (layout.stacked is None)
    if layout.stacked:
        z_t = next(eq for eq in program.equations if eq.name == "z_t")
        assert str(z_t) == "z_t = [" + "; ".join(layout.stacked) + "]"


def test_size_sources_name_real_axes():
    program = build_program("projection", "separate")
    for size, (tensor, axis) in SIZE_SOURCES.items():
        assert tensor in program.inputs and axis in (0, 1), size


@pytest.mark.parametrize("name,text", [
    ("U_f", "recurrent weights of the forget gate"),
    ("W_g", "input (feed-forward) weights of the candidate cell state"),
    ("b_o", "bias of the output gate"),
    ("p_i", "peephole weights of the input gate (diagonal)"),
    ("i_t", "input gate (activation)"),
    ("c_prev", "previous cell state"),
    ("W_hr", "projection weights"),
    ("nonsense", ""),
])
def test_describe_tensor(name, text):
    assert describe_tensor(name) == text


def test_lookup():
    assert lookup(VARIANTS, "cifg", "variant") is VARIANTS["cifg"]
    with pytest.raises(Exception) as err:
        lookup(LAYOUTS, "stacked", "layout")
    assert str(err.value) == "unknown layout 'stacked'; valid layouts are: separate, concat, augmented"
    with pytest.raises(Exception, match="unknown variant"):
        lookup(VARIANTS, ["unhashable"], "variant")

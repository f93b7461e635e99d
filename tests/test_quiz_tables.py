"""quiz_tables: the quiz's accessors of the variant, family and framework tables, checked against the
rows they read (so a new variant row is seen by the quiz without a new branch)."""

import pytest

from lstm_symbolic.families import FAMILIES
from lstm_symbolic.quiz_tables import (
    family_title,
    gate_count,
    has_peepholes,
    has_projection,
    has_reset_gate,
    no_output_tanh_variant,
    probe_projection,
    projection_size,
    projection_variant,
    recurrent_bias_variant,
    variant_row,
)
from lstm_symbolic.variants import VARIANTS

ALL = [(family, variant) for family, row in FAMILIES.items() for variant in row.variants]


@pytest.mark.parametrize("family, variant", ALL, ids=[v for _, v in ALL])
def test_variant_columns(family, variant):
    row = FAMILIES[family].variants[variant]
    assert variant_row(variant) is row
    assert has_projection(variant) is row.projection
    assert has_peepholes(variant) is bool(VARIANTS[variant].peepholes if variant in VARIANTS else False)
    assert probe_projection(variant) == (1 if row.projection else None)
    assert projection_size(variant, {"p": 3}) == (3 if row.projection else None)


def test_the_named_lstm_variants():
    assert projection_variant() == "projection" and projection_variant("gru") is None
    assert no_output_tanh_variant() == "no-output-tanh"
    assert {v for v in VARIANTS if has_peepholes(v)} == {"peephole"}


@pytest.mark.parametrize("family, gates, title, reset_gate, recurrent_bias", [
    ("lstm", 4, "LSTM", False, None), ("gru", 3, "GRU", True, "reset-after"), ("rnn", 1, "simple RNN", False, None),
])
def test_family_columns(family, gates, title, reset_gate, recurrent_bias):
    assert gate_count(family) == gates and family_title(family) == title
    assert has_reset_gate(family) is reset_gate and recurrent_bias_variant(family) == recurrent_bias

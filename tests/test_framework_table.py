"""The framework table (framework_table.py): its rows are consistent, and the facts derived
from them (which frameworks have a layer of a cell family, which LSTM variants a framework
layer is) match the variant table and the cell families."""

import pytest

from lstm_symbolic import UsageError
from lstm_symbolic.framework_table import (
    CANONICAL,
    CELL_GATES,
    FRAMEWORKS,
    LAYOUTS,
    framework_variants,
    frameworks_with,
    get_framework,
    get_layout,
    layouts_of,
    lstm_variant,
    variant_features,
)
from lstm_symbolic.variants import VARIANTS


@pytest.mark.parametrize("row", LAYOUTS, ids=lambda row: f"{row.cell}-{row.framework}")
def test_rows_are_consistent(row):
    assert row.framework in FRAMEWORKS
    assert sorted(row.gate_order) == sorted(CELL_GATES[row.cell])
    assert len(row.gate_labels) == len(row.gate_order) == row.blocks
    assert row.always <= row.features
    assert {t.feature for t in row.tensors} - {None} <= row.features


def test_one_row_per_framework_and_cell():
    pairs = [(row.framework, row.cell) for row in LAYOUTS]
    assert len(pairs) == len(set(pairs))


def test_frameworks_with_a_layer_of_each_family():
    assert frameworks_with("lstm") == ("pytorch", "keras", "onnx", "matlab", "tf1")
    assert frameworks_with("gru") == ("pytorch", "keras", "onnx", "matlab")
    assert frameworks_with("rnn") == ("pytorch", "keras", "onnx")


def test_the_variants_a_framework_layer_is():
    assert framework_variants() == ["standard", "peephole", "projection"]
    assert {name: variant_features(v) for name, v in VARIANTS.items() if variant_features(v)} == \
        {"peephole": {"peephole"}, "projection": {"projection"}}
    assert lstm_variant(frozenset()) == "standard"
    assert lstm_variant({"peephole", "projection"}) is None  # TF1 can store it; no single variant is it


def test_lookups_and_their_errors():
    assert get_framework("keras").title == "Keras LSTM"
    assert get_layout("keras", "gru").title == "Keras GRU"
    assert layouts_of(None, "gru") == [CANONICAL["gru"]]
    assert [row.cell for row in layouts_of("matlab")] == ["lstm", "gru"]
    with pytest.raises(UsageError, match="MATLAB has no simple RNN layout in this tool; frameworks with one: "
                                         "pytorch, keras, onnx"):
        get_layout("matlab", "rnn")
    with pytest.raises(UsageError, match="caffe"):
        get_framework("caffe")

"""quiz_lexicon: the quiz's words, and the names it generates from the project's tables (the cells'
shape sheets, the notations, the framework layouts, the families' gate meanings)."""

import pytest

from lstm_symbolic.builtin_shapes import cell_shapes
from lstm_symbolic.families import FAMILIES
from lstm_symbolic.quiz_lexicon import (
    FAMILY_PHRASES,
    FAMILY_WORDS,
    FRAMEWORK_WORDS,
    VARIANT_PHRASES,
    VARIANT_WORDS,
    family_names,
    family_tensors,
    flat,
    framework_tensors,
    gate_names,
    gate_words,
    state_phrases,
    tensor_names,
)
from lstm_symbolic.variants import VARIANTS


def test_flat():
    assert flat(("W", "n")) == "W_n" and flat(("W_z", None)) == "W_z"


def test_every_word_maps_to_a_real_family_framework_and_variant():
    families = set(FAMILIES)
    assert {f.rstrip("?") for f in FAMILY_WORDS.values()} | {f for _, f in FAMILY_PHRASES} <= families
    assert set(FRAMEWORK_WORDS.values()) <= {"pytorch", "keras", "onnx", "matlab", "tf1"}
    assert set(VARIANT_WORDS.values()) | {v for _, v in VARIANT_PHRASES} <= set(VARIANTS)


@pytest.mark.parametrize("family", ["gru", "rnn"])
def test_family_tensors_cover_every_variant_shape_sheet(family):
    expected = set()
    for variant in FAMILIES[family].variants:
        expected |= set(cell_shapes(3, 2, variant, "separate", family=family).shapes())
    assert set(family_tensors(family)) == expected


def test_the_gru_has_a_recurrent_bias_and_no_cell_state():
    names = family_tensors("gru")
    assert {"c_r", "c_z", "c_n", "n_t"} <= set(names) and "c_t" not in names


def test_family_names_read_notations_and_aliases():
    names = family_names("gru")
    assert names["h_t-1"] == "h_prev" and names["W_z"] == "W_z"
    assert names["h~_t"] == "n_t"  # \tilde{h}_t, the candidate as some texts write it


def test_lstm_tensor_names():
    table = tensor_names()
    assert table[("h", "prev")] == {"h_prev"} and table[("W_f", None)] == {"W_f"}
    assert table[("z", "cur")] == {"z_t", "g_t"}  # z_t: the concatenated input, or the course's cell input


def test_framework_tensors_know_their_owners():
    owners = framework_tensors()
    assert owners["weight_ih"] == {"pytorch"} and owners["recurrent_kernel"] == {"keras"}
    assert owners["kernel"] == {"keras", "tf1"} and owners["W"] == {"onnx"} and owners["InputWeights"] == {"matlab"}


def test_gate_names_and_words():
    assert gate_names("gru") == {"r": "reset gate", "z": "update gate", "n": "candidate hidden state"}
    assert gate_names("lstm")["g"] == "candidate"
    words = dict(gate_words("gru"))
    assert words[("update",)] == "z" and words[("new", "gate")] == "n"
    lengths = [len(phrase) for phrase, _ in gate_words("gru")]
    assert lengths == sorted(lengths, reverse=True)  # longest first


def test_state_phrases_mark_what_a_family_lacks():
    phrases = dict(state_phrases("gru"))
    assert phrases[("candidate", "hidden", "state")] == "n_t"
    assert phrases[("previous", "cell", "state")] == "!absent:c_prev"
    assert phrases[("previous", "hidden", "state")] == "h_prev"

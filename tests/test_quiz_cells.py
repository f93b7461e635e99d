"""quiz_cells: which cell of its family a question means (the GRU's reset-gate placement, the simple
RNN's nonlinearity, the LSTM's named variant) and the question's own GRU update equation."""

import pytest

from lstm_symbolic.errors import CannotDecide
from lstm_symbolic.families import GRU_RESET_AFTER_BY_FRAMEWORK
from lstm_symbolic.quiz_cells import SWAPPED_UPDATE, cell_variant, own_update, worded_variant


@pytest.mark.parametrize("family, words, flags, framework, expected", [
    ("gru", ["reset", "after"], {}, None, ("reset-after", True)),
    ("gru", ["cho"], {}, None, ("reset-before", True)),
    ("gru", [], {"reset_after": False}, None, ("reset-before", True)),
    ("gru", [], {}, None, ("reset-before", False)),
    ("gru", [], {}, "keras", ("reset-after", True)),
    ("gru", [], {}, "onnx", ("reset-after", True)),
    ("rnn", ["relu"], {}, None, ("relu", True)),
    ("rnn", [], {"nonlinearity": "relu"}, "pytorch", ("relu", True)),
    ("rnn", [], {}, "pytorch", ("tanh", False)),
], ids=["gru-words", "gru-cho", "gru-flag", "gru-default", "gru-keras", "gru-onnx", "rnn-words", "rnn-code",
        "rnn-default"])
def test_cell_variant(family, words, flags, framework, expected):
    assert cell_variant(family, words, flags, framework, "shape") == expected


def test_a_framework_states_the_gru_placement_as_the_family_table_says():
    assert set(GRU_RESET_AFTER_BY_FRAMEWORK) == {"pytorch", "keras", "onnx", "matlab"}
    for framework, after in GRU_RESET_AFTER_BY_FRAMEWORK.items():
        assert cell_variant("gru", [], {}, framework, "shape") == ("reset-after" if after else "reset-before", True)


def test_the_lstm_variant_is_the_one_its_words_name():
    assert worded_variant("lstm") and not worded_variant("gru") and not worded_variant("rnn")
    assert cell_variant("lstm", [], {}, "pytorch", "shape", "peephole") == ("peephole", True)


def test_the_placement_words_are_kept_as_a_flag():
    flags = {}
    cell_variant("gru", ["reset", "before"], flags, None, "value")
    assert flags == {"reset_after": False}


@pytest.mark.parametrize("family, words, framework, reason", [
    ("rnn", ["relu", "tanh"], None, "both 'relu' and 'tanh'"),
    ("gru", ["cho"], "pytorch", "PyTorch nn.GRU cannot hold a reset gate applied before"),
    ("gru", [], "tf1", "TensorFlow has no GRU layout"),
])
def test_refusals(family, words, framework, reason):
    with pytest.raises(CannotDecide, match=reason):
        cell_variant(family, words, {}, framework, "value")


@pytest.mark.parametrize("text, expected", [
    ("h_t = (1 - z_t) * n_t + z_t * h_{t-1}", None),
    ("h_t = (1 - z_t) * h_{t-1} + z_t * n_t", SWAPPED_UPDATE),
    (r"h_t = z_t * h_{t-1} + (1 - z_t) * \tilde{h}_t", None),
    ("no equation at all", None),
], ids=["cells-own", "swapped", "tilde-candidate", "none"])
def test_own_update(text, expected):
    assert own_update(text) == expected


def test_an_update_that_cannot_be_read_is_declined():
    with pytest.raises(CannotDecide, match="writes its own equation for h_t, which I could not read"):
        own_update("h_t = z_t")

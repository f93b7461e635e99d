"""Parameter tables and sequence shapes (sequences.py): one- and two-bias counts, the formula,
huge sizes without allocation, the frameworks' sequence layouts, and the variant options' refusals."""


import pytest

from lstm_symbolic import UsageError
from lstm_symbolic.sequences import parameter_table, sequence_shapes


# -- parameter counts ------------------------------------------------------------------------------
def test_one_and_two_bias_counts():
    assert parameter_table("keras", 20, 50)[0] == 4 * 50 * (20 + 50 + 1) == 14200
    assert parameter_table("matlab", 20, 50)[0] == 14200
    assert parameter_table("tf1", 20, 50)[0] == 14200
    assert parameter_table("pytorch", 20, 50)[0] == 4 * 50 * (20 + 50 + 2) == 14400
    assert parameter_table("onnx", 20, 50)[0] == 14400
    assert parameter_table(None, 20, 50)[0] == 14200
    total, tensors, formula = parameter_table("pytorch", 10, 6, proj=3)
    assert total == 4 * 6 * 10 + 4 * 6 * 3 + 8 * 6 + 3 * 6
    assert "= 4·6·(10 + 3 + 2) + 3·6 =" in formula


def test_huge_sizes_never_allocate():
    total, tensors, _ = parameter_table("keras", 10**9, 10**9)
    assert total == 4 * 10**9 * (2 * 10**9 + 1)


# -- sequence shapes -------------------------------------------------------------------------------------
def test_seed_keras_input_shape():
    shapes = sequence_shapes("keras", 2, 16, steps=10)
    assert shapes["input"] == ("None", 10, 2) and shapes["output"] == ("None", 16)
    assert sequence_shapes("keras", 2, 16, steps=10, return_sequences=True)["output"] == ("None", 10, 16)


def test_seed_matlab_signal():
    shapes = sequence_shapes("matlab", 1, 75, steps=400, dense=3)
    assert shapes["input"] == (1, 400) and shapes["output"] == (75, 400)
    assert shapes["dense weights"] == (3, 75) and shapes["dense output"] == (3, 400)
    last = sequence_shapes("matlab", 1, 75, steps=400, output_mode="last", dense=3)
    assert last["output"] == (75, 1) and last["dense output"] == (3, 1)


def test_pytorch_and_onnx_shapes():
    s = sequence_shapes("pytorch", 10, 20, batch=32, steps=5, layers=2, bidirectional=True, batch_first=True)
    assert s["input"] == (32, 5, 10) and s["output"] == (32, 5, 40) and s["h_n"] == (4, 32, 20)
    o = sequence_shapes("onnx", 10, 20, batch=32, steps=5, bidirectional=True)
    assert o["X"] == (5, 32, 10) and o["Y"] == (5, 2, 32, 20) and o["Y_h"] == (2, 32, 20)




# -- the variant options and the refusals ------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    (dict(variant="projection"), "the projection variant needs --proj"),
    (dict(variant="standard", proj=2), "--proj only applies to the projection and peephole variants, not 'standard'"),
    (dict(variant="cifg", proj=2), "--proj only applies to the projection and peephole variants, not 'cifg'"),
    (dict(peephole=True, cell="gru"), "peepholes and projections are LSTM features; a GRU has neither"),
    (dict(layers=1001), "--layers 1001 is more than this tool lists (at most 1,000 layers; every layer above the "
                        "first has the same shapes, so a few layers show them all)"),
], ids=["projection-without-proj", "standard-with-proj", "cifg-with-proj", "gru-peephole", "too-many-layers"])
def test_refusals_word_for_word(kwargs, message):
    with pytest.raises(UsageError) as err:
        parameter_table("tf1", 5, 4, **kwargs)
    assert str(err.value) == message


def test_variants_choose_the_features():
    """The peephole variant counts TF1's diagonal peepholes (3k); with --proj it has both, as TF1 can."""
    plain = parameter_table("tf1", 5, 4)[0]
    assert parameter_table("tf1", 5, 4, variant="peephole")[0] == plain + 3 * 4
    assert parameter_table("tf1", 5, 4, proj=2, variant="peephole")[0] == \
        parameter_table("tf1", 5, 4, proj=2, peephole=True)[0] == 4 * 4 * (5 + 2 + 1) + 2 * 4 + 3 * 4
    assert parameter_table("tf1", 5, 4, proj=2, variant="projection")[0] == 4 * 4 * (5 + 2 + 1) + 2 * 4


def test_a_reset_after_gru_says_why_its_biases_are_not_one_sum():
    total, tensors, formula = parameter_table("keras", 5, 4, cell="gru")
    assert tensors["bias"] == (2, 12) and total == 3 * 4 * (5 + 4 + 2)
    assert formula.endswith("(two biases per gate (input and recurrent, the candidate's recurrent bias is multiplied "
                            "by the reset gate, so they are not one sum))")
    assert parameter_table("keras", 5, 4, cell="gru", reset_after=False)[1]["bias"] == (12,)


def test_only_the_last_step_where_the_framework_can():
    with pytest.raises(UsageError) as err:
        sequence_shapes("pytorch", 5, 4, return_sequences=False)
    assert str(err.value) == ("PyTorch nn.LSTM returns the output of every step (take the last one from it); "
                              "--last-only does not apply")
    assert sequence_shapes("keras", 5, 4, cell="gru", return_sequences=True) == \
        {"input": ("None", "T", 5), "output": ("None", "T", 4), "h_n": ("None", 4)}

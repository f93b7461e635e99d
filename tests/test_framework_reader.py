"""The reader of the framework layouts (framework_reader.py): sizes, layers, directions and the
cell family inferred from the arrays; every problem collected into one ShapeError; the forget bias."""

import numpy as np
import pytest

from lstm_symbolic import ShapeError, UsageError
from lstm_symbolic.framework_reader import forget_bias_of, from_framework, read_layout
from lstm_symbolic.framework_table import LAYOUTS, get_layout
from lstm_symbolic.frameworks import random_model, to_framework


@pytest.mark.parametrize("row", LAYOUTS, ids=lambda row: f"{row.cell}-{row.framework}")
def test_sizes_and_family_are_read_off_the_arrays(row):
    stacked, both = "stacked" in row.features, "bidirectional" in row.features
    model = random_model(6, 5, layers=2 if stacked else 1, bidirectional=both, cell=row.cell,
                         reset_after="reset_after" in row.features or not row.features & {"reset_before"})
    back = from_framework(row.framework, to_framework(row.framework, model))  # the family is not given
    assert (back.cell, back.input_size, back.hidden_size, back.num_layers, back.num_directions) == \
        (row.cell, 6, 5, model.num_layers, model.num_directions)
    assert read_layout(row, to_framework(row.framework, model)).features == back.features


def test_shape_errors_are_shape_errors():
    arrays = to_framework("keras", random_model(5, 4))
    arrays["recurrent_kernel"] = arrays["recurrent_kernel"][:3]
    with pytest.raises(ShapeError, match=r"recurrent_kernel has shape \(3, 16\), expected \(4, 16\)"):
        from_framework("keras", arrays)


def message(error, *args, **kwargs):
    with pytest.raises(error) as err:
        from_framework(*args, **kwargs)
    return str(err.value)


def test_nothing_or_something_else():
    assert message(UsageError, "keras", {}) == "no arrays to read as keras weights"
    assert message(ShapeError, "keras", {"foo": np.zeros(3)}) == \
        "no kernel (the first array of a Keras LSTM) among: foo"


def test_non_finite_values_are_named_with_what_was_read():
    arrays = to_framework("pytorch", random_model(5, 4))
    arrays["bias_hh_l0"][0] = np.nan
    assert message(ShapeError, "pytorch", arrays) == (
        "these arrays are not a consistent PyTorch nn.LSTM:\n"
        "  bias_hh_l0 holds 1 NaN and 0 infinite values (the first at [0]); a model with them computes NaN\n"
        "  read: n = 5, k = 4, 1 layer(s), 1 direction(s)")


def test_the_forget_bias_is_added_back_where_the_framework_adds_it():
    assert forget_bias_of(get_layout("keras"), 3.0) is None  # Keras adds none at run time
    assert forget_bias_of(get_layout("tf1"), None) == 1.0
    with pytest.raises(UsageError, match="the forget bias must be a finite number, got inf"):
        forget_bias_of(get_layout("tf1"), float("inf"))
    arrays = to_framework("tf1", random_model(5, 4))
    stored, added = from_framework("tf1", arrays, forget_bias=0.0), from_framework("tf1", arrays)
    np.testing.assert_allclose(added.layers[0][0]["b_f"] - stored.layers[0][0]["b_f"], 1.0, rtol=0, atol=1e-15)

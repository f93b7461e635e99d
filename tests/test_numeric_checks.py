"""The checks of a numeric cell's arrays (numeric_checks.py): every message word for word, the
sizes read off the arrays, and a symbolic cell's sizes solved from its parameters' shapes."""

import numpy as np
import pytest

from lstm_symbolic import GRUCell, LSTMCell, ShapeError, UsageError
from lstm_symbolic.numeric_checks import ArrayChecks, bindings


@pytest.fixture
def standard():
    cell = LSTMCell(4, 3)
    num = cell.compile()
    return num, num.init_params(0)


def test_wrong_parameter_shape(standard, rng):
    num, params = standard
    params["W_f"] = np.zeros((3, 5))
    with pytest.raises(ShapeError, match=r"W_f has shape \(3, 5\), expected \(3, 4\) \(3 x 4\)"):
        num.step(params, np.zeros((4, 1)), np.zeros((3, 1)), np.zeros((3, 1)))


def test_missing_and_extra_parameters(standard):
    num, params = standard
    del params["U_o"]
    params["p_f"] = np.zeros((3, 1))
    with pytest.raises(ShapeError, match="missing: U_o; not parameters of the standard cell: p_f"):
        num.step(params, np.zeros((4, 1)), np.zeros((3, 1)), np.zeros((3, 1)))


def test_wrong_state_shape(standard):
    num, params = standard
    with pytest.raises(ShapeError, match=r"h_prev has shape \(4, 1\), expected \(3, 1\)"):
        num.step(params, np.zeros((4, 1)), np.zeros((4, 1)), np.zeros((3, 1)))
    with pytest.raises(ShapeError, match="must be a non-empty 3-D array"):
        num.forward(params, np.zeros((4, 1)), np.zeros((3, 1)), np.zeros((3, 1)))


def test_nan_input(standard):
    num, params = standard
    with pytest.raises(UsageError, match="x contains NaN or inf"):
        num.step(params, np.full((4, 1), np.nan), np.zeros((3, 1)), np.zeros((3, 1)))
    params["b_f"] = np.full((3, 1), np.inf)
    with pytest.raises(UsageError, match="parameter b_f contains NaN or inf"):
        num.forward(params, np.zeros((2, 4, 1)), np.zeros((3, 1)), np.zeros((3, 1)))


def message(error, call, *args):
    with pytest.raises(error) as err:
        call(*args)
    return str(err.value)


def test_messages_word_for_word(standard):
    num, params = standard
    x, h, c = np.zeros((4, 2)), np.zeros((3, 2)), np.zeros((3, 2))
    assert message(UsageError, num.step, [1], x, h, c) == \
        "params must be a dict of arrays keyed by parameter name, got list"
    bad = dict(params, W_f=[[1.0]])
    assert message(ShapeError, num.step, bad, x, h, c) == \
        "W_f has shape (not an array), expected (3, 4) (3 x 4)\n  bindings: n = 4, k = 3, B = 1"
    assert message(ShapeError, num.step, params, np.zeros(4), h, c) == \
        "x must be a non-empty 2-D array (n x B), got shape (4,)"
    assert message(ShapeError, num.step, params, x, np.zeros((3, 0)), c) == \
        "h_prev must be a non-empty 2-D array (rows x B), got shape (3, 0)"
    assert message(ShapeError, num.forward, params, x, h, c) == \
        "xs must be a non-empty 3-D array (T x n x B), got shape (4, 2)"
    assert message(UsageError, num.step, params, x.astype(int), h, c) == \
        "x must hold floating-point numbers, got dtype int64"
    assert message(ShapeError, num.step, params, x, h, np.zeros((3, 3))) == \
        "c_prev has shape (3, 3), expected (3, 2) (3 x B)\n  bindings: n = 4, k = 3, B = 2"
    assert message(UsageError, num.step, params, x, h) == "the LSTM cell takes 2 states (h_prev, c_prev), got 1"


def test_a_one_state_cell_counts_its_state():
    num = GRUCell(4, 3).compile()
    params = num.init_params(0)
    assert message(UsageError, num.forward, params, np.zeros((2, 4, 1)), np.zeros((3, 1)), np.zeros((3, 1))) == \
        "the GRU cell takes 1 state (h0), got 2"


def test_symbolic_sizes_come_from_the_arrays():
    cell = LSTMCell("n", "k", layout="concat")
    checks = ArrayChecks(cell, cell.parameters, ("x_t", "h_prev", "c_prev"), "x_t", ("h_prev", "c_prev"))
    params = LSTMCell(5, 2, layout="concat").compile().init_params(0)
    dims = checks.dims_from_params(params)
    assert (dims["n"], dims["k"], dims["B"]) == (5, 2, 1)  # W_f is k x (k + n): n from the sum
    assert checks.expected_shapes({**dims, "B": 7})["z_t"] == (7, 7)
    assert checks.size_of(checks.shapes["W_f"][1], dims) == 7
    assert checks.dims_from_params({"W_f": np.zeros((2, 7))}) is None  # not all there
    assert checks.sizes_from({"x_t": np.zeros((5, 3)), "c_prev": np.zeros((2, 3))}) == \
        {**cell.dims, "n": 5, "k": 2, "B": 3}
    assert message(ShapeError, checks.check_params, {p: 0 for p in cell.parameters}, None, None).startswith(
        "the parameters' shapes do not determine the sizes of the standard cell: expected W_f : k x (k + n), ")


def test_symbolic_prepared_parameters_must_fit_the_inputs():
    num = LSTMCell("n", "k").compile()
    prepared = num.prepare(LSTMCell(4, 3).compile().init_params(0))
    assert (prepared.dims["n"], prepared.dims["k"]) == (4, 3)
    assert message(ShapeError, num.step, prepared, np.zeros((5, 1)), np.zeros((3, 1)), np.zeros((3, 1))) == \
        "the prepared parameters are for n = 4, k = 3, B = 1, the inputs for n = 5, k = 3, B = 1: prepare them again"


def test_quick_check_lets_only_known_finite_arrays_through(standard):
    num, params = standard
    x, h, c = np.ones((4, 2)), np.ones((3, 2)), np.ones((3, 2))
    assert not num.checks.quick_state_check(x, (h, c), np.float64)  # shapes not met yet
    num.step(params, x, h, c)
    assert num.checks.quick_state_check(x, (h, c), np.float64)
    assert not num.checks.quick_state_check(x, (h, c), np.float32)
    assert not num.checks.quick_state_check(x, (h, np.full((3, 2), np.inf)), np.float64)
    assert not num.checks.quick_state_check("x", (h, c), np.float64)


def test_bindings():
    assert bindings({"n": 80, "k": 12, "B": 1}) == "n = 80, k = 12, B = 1"

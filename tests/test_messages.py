"""Error messages, word for word: they are part of the interface."""

import textwrap

import pytest

from lstm_symbolic import LSTMCell, ShapeError, UsageError, solve
from lstm_symbolic.equations import build_program
from lstm_symbolic.solver import solve_program


def message(exc_info):
    return str(exc_info.value)


def test_product_with_wrong_inner_size():
    with pytest.raises(ShapeError) as err:
        solve_program(build_program("standard", "separate"), {"n": 80, "k": 12}, {"W_f": (12, 81)})
    assert message(err) == textwrap.dedent("""\
        cannot multiply W_f @ x_t in the equation for f_t
          W_f : 12 x 81
          x_t : 80 x 1
          expected W_f to have 80 columns (the rows of x_t), got 81
          bindings: n = 80, k = 12""")


def test_hidden_state_against_weight_rows():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 20), "h_prev": (40, 1)})
    assert message(err) == textwrap.dedent("""\
        inconsistent sizes: the rows of h_prev must equal the rows of W_f
          h_prev : 40 x 1 (given)
          W_f    : 50 x 20 (given)
          expected the rows of h_prev to be 50, got 40
          because:
            rows of W_f = rows of f_t      f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)
            rows of f_t = rows of c_t      c_t = f_t * c_prev + i_t * g_t
            rows of c_t = rows of o_t      o_t * tanh(c_t) in the equation for h_t
            rows of o_t = rows of h_t      h_t = o_t * tanh(c_t)
            rows of h_t = rows of h_prev   recurrence: h_t becomes the next step's h_prev
          bindings: n = 20, k = 50
          hint: in the standard cell (separate layout), W_f is k x n, h_prev is k x 1""")


def test_bias_with_wrong_rows():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 20), "b_f": (7, 2)})
    assert message(err) == textwrap.dedent("""\
        cannot add W_f @ x_t + U_f @ h_prev + b_f in the equation for f_t
          W_f @ x_t    : 50 x 1
          U_f @ h_prev : 50 x 1
          b_f          : 7 x 2
          expected the rows of b_f to be 50 (the rows of W_f), got 7
          the 50 comes from W_f : 50 x 20 (given)
          bindings: n = 20, k = 50
          hint: in the standard cell (separate layout), W_f is k x n, b_f is k x 1""")


def test_bias_that_is_not_a_column():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 20), "b_f": (50, 2)})
    assert message(err).splitlines()[:3] == [
        "b_f must be a column vector: it is added to every column of the batch (b_f @ 1^T) in the equation for f_t",
        "  b_f : 50 x 2",
        "  expected b_f to have 1 column, got 2",
    ]


def test_non_square_recurrent_weight_names_both():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 20), "U_f": (50, 40)})
    lines = message(err).splitlines()
    assert lines[0] == "inconsistent sizes: the columns of U_f must equal the rows of W_f"
    assert lines[3] == "  expected the columns of U_f to be 50, got 40"
    assert lines[-1] == "  hint: in the standard cell (separate layout), W_f is k x n, U_f is k x k"


def test_concatenation_too_small():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 40)}, layout="concat")
    assert message(err).splitlines()[:4] == [
        "cannot fit [h_prev; x_t] in the equation for z_t",
        "  its rows must total 40 (W_f : 50 x 40 (given))",
        "  but rows of h_prev = 50, which leaves -10 for the rows of x_t",
        "  sizes are at least 1",
    ]


def test_missing_size():
    with pytest.raises(ShapeError) as err:
        solve({"b_f": (50, 1)})
    assert message(err) == textwrap.dedent("""\
        cannot determine n (the input size: features of x_t): no given shape fixes it; it is the rows of x_t, \
the columns of W_f, the columns of W_i, the columns of W_g, the columns of W_o. Give one of those shapes \
(e.g. x_t=20x1) or n itself (-n, input_size=).
          given: b_f
          bindings: n = ?, k = 50""")


def test_unknown_tensor():
    with pytest.raises(UsageError) as err:
        solve({"W_ff": (5, 5)})
    assert message(err).splitlines() == [
        "unknown tensor 'W_ff' for the standard cell; did you mean W_f?",
        "  known tensors: x_t, h_prev, c_prev, W_f, W_i, W_g, W_o, U_f, U_i, U_g, U_o, b_f, b_i, b_g, b_o, "
        "f_t, i_t, g_t, o_t, c_t, h_t",
    ]
    with pytest.raises(UsageError) as err:
        solve({"U_x": (5, 5)})
    assert message(err).splitlines()[0] == "unknown tensor 'U_x' for the standard cell; did you mean U_o, U_i or U_g?"


def test_unknown_variant():
    with pytest.raises(UsageError) as err:
        LSTMCell(3, 2, "gru")
    assert message(err) == (
        "unknown variant 'gru'; valid variants are: standard, vanilla, peephole, cifg, no-output-tanh, projection"
    )

"""Limits and checks that cross modules (found in the files-and-options issue): the parser's real
nesting limit, one size limit for the options and the equation files, and the compiled cell's own
errors where NumPy's used to escape.  The command-line parts of that issue are in the
test_cli_*.py files and test_messages.py."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_symbolic import LSTMCell
from lstm_symbolic.checker import check_text
from lstm_symbolic.errors import LstmSymbolicError, ShapeError, UsageError
from lstm_symbolic.parser import MAX_DEPTH


@pytest.mark.parametrize("open_, close", [("(", ")"), ("tanh(", ")"), ("[1; ", "]")],
                         ids=["parens", "calls", "brackets"])
def test_the_nesting_limit_is_the_one_the_message_states(open_, close):
    assert check_text("y = " + open_ * MAX_DEPTH + "x" + close * MAX_DEPTH).ok
    with pytest.raises(UsageError, match=f"more than {MAX_DEPTH} levels of parentheses"):
        check_text("y = " + open_ * (MAX_DEPTH + 1) + "x" + close * (MAX_DEPTH + 1))


@pytest.mark.parametrize("size", ["1000000000000000000000", "1000000000 * 1000000000000"], ids=["literal", "product"])
def test_check_has_the_same_size_limit_as_the_options(size):
    with pytest.raises(UsageError, match=r"a size is at most 10\*\*18"):
        check_text(f"x_t : {size} x 1\ny = tanh(x_t)\n")
    assert check_text("x_t : 1000000000000000000 x 1\ny = tanh(x_t)\n").ok


@pytest.mark.parametrize("layout", ["separate", "concat", "augmented"])
def test_a_symbolic_cell_prepare_checks_shapes(layout):
    numeric = LSTMCell(3, 2, layout=layout).compile()
    symbolic = LSTMCell("n", "k", layout=layout).compile()
    params = numeric.init_params(seed=1)
    xs, h0, c0 = np.ones((2, 3, 1)), np.zeros((2, 1)), np.zeros((2, 1))
    np.testing.assert_allclose(symbolic.forward(symbolic.prepare(params), xs, h0, c0)[0],
                               numeric.forward(params, xs, h0, c0)[0], rtol=1e-12)
    wrong = {**params, "b_f": np.ones((5, 1))}
    with pytest.raises(ShapeError):
        symbolic.prepare(wrong)
    with pytest.raises(ShapeError, match="prepare them again"):
        symbolic.forward(symbolic.prepare(params), np.ones((2, 4, 1)), h0, c0)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True], ids=["negative", "float", "text", "bool"])
def test_init_params_seed_is_checked(seed):
    with pytest.raises(LstmSymbolicError, match="seed must be a non-negative integer"):
        LSTMCell(3, 2).compile().init_params(seed=seed)

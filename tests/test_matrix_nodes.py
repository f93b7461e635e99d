"""The project's matrix nodes: shapes (numeric and symbolic) and entries, checked against NumPy's
own concatenation, slicing, column sums and ``np.diag`` on the same numbers."""

import numpy as np
import pytest
import sympy
from sympy import Matrix, MatrixSymbol

from lstm_symbolic.matrix_nodes import ColumnBlock, ColumnSum, Diag, InPlace, RowBlock, VConcat

RNG = np.random.default_rng(7)
A_VALUES = RNG.integers(-9, 9, size=(2, 3))
B_VALUES = RNG.integers(-9, 9, size=(3, 3))
A, B = Matrix(A_VALUES), Matrix(B_VALUES)


def explicit(node):
    rows, cols = (int(d) for d in node.shape)
    return np.array([[int(node._entry(i, j)) for j in range(cols)] for i in range(rows)])


@pytest.mark.parametrize("node, expected", [
    (VConcat(A, B), np.vstack([A_VALUES, B_VALUES])),
    (RowBlock(B, 1, 3), B_VALUES[1:3]),
    (ColumnBlock(A, 1, 3), A_VALUES[:, 1:3]),
    (ColumnSum(A), A_VALUES.sum(axis=1, keepdims=True)),
    (Diag(Matrix(A_VALUES[:, :1])), np.diag(A_VALUES[:, 0])),
    (VConcat(RowBlock(B, 0, 1), ColumnBlock(B, 0, 3)), np.vstack([B_VALUES[:1], B_VALUES])),
], ids=["vconcat", "row-block", "column-block", "column-sum", "diag", "nested"])
def test_entries_match_numpy(node, expected):
    assert tuple(int(d) for d in node.shape) == expected.shape
    np.testing.assert_array_equal(explicit(node), expected)


def test_symbolic_shapes():
    n, k, batch = sympy.symbols("n k B", positive=True, integer=True)
    x, h, w = MatrixSymbol("x_t", n, batch), MatrixSymbol("h_prev", k, batch), MatrixSymbol("W", k, k + n)
    assert VConcat(h, x).shape == (k + n, batch)
    assert RowBlock(VConcat(h, x), k, k + n).shape == (n, batch)
    assert ColumnBlock(w, 0, k).shape == (k, k)
    assert ColumnSum(x).shape == (n, 1)
    assert Diag(MatrixSymbol("v", k, 1)).shape == (k, k)
    assert InPlace(x).shape == (n, batch)


def test_vconcat_row_index_past_the_end():
    with pytest.raises(IndexError, match="row index out of range"):
        VConcat(A, B)._entry(5, 0)


def test_blocks_refuse_text():
    """Block bounds are numbers or SymPy expressions, never text for SymPy to evaluate."""
    with pytest.raises(sympy.SympifyError):
        RowBlock(A, "__import__('os')", 2)

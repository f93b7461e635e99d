"""The project's own matrix expression nodes, beside SymPy's (MatAdd, MatMul, HadamardProduct, ...).

``VConcat`` stacks blocks (``[h_prev; x_t]``), ``RowBlock`` and ``ColumnBlock`` take rows or
columns ``start:stop``, ``ColumnSum`` sums over the batch columns, ``Diag`` is ``diag(v)``, and
``InPlace`` marks an activation the generated code may compute in its argument's memory.  The
solver, the backward rules and the three printers (text, LaTeX, NumPy code) all read them, so
they live here, below every one of those modules.
"""

from __future__ import annotations

import sympy
from sympy import MatrixExpr
from sympy.core.sympify import _sympify  # strict: numbers and SymPy objects only, never strings


class VConcat(MatrixExpr):
    """Vertical concatenation ``[a; b; ...]`` of matrices with equal column counts.

    SymPy's ``BlockMatrix`` insists on equal symbolic column counts when it is built;
    here the solver checks them, so this node only records the blocks.
    """

    def __new__(cls, *blocks):
        return MatrixExpr.__new__(cls, *blocks)

    @property
    def blocks(self):
        return self.args

    @property
    def shape(self):
        return (sympy.Add(*(b.shape[0] for b in self.args)), self.args[0].shape[1])

    def _entry(self, i, j, **kwargs):
        for block in self.args:
            rows = block.shape[0]
            if (i < rows) == True:  # noqa: E712 - SymPy relational
                return block._entry(i, j, **kwargs)
            i -= rows
        raise IndexError("row index out of range")

    def _eval_transpose(self):
        return None


class RowBlock(MatrixExpr):
    """Rows ``start:stop`` of a matrix (all columns): ``dz_t[0:k]``."""

    def __new__(cls, parent, start, stop):
        return MatrixExpr.__new__(cls, parent, _sympify(start), _sympify(stop))

    @property
    def parent(self):
        return self.args[0]

    @property
    def shape(self):
        return (self.args[2] - self.args[1], self.args[0].shape[1])

    def _entry(self, i, j, **kwargs):
        return self.args[0]._entry(i + self.args[1], j, **kwargs)


class ColumnBlock(MatrixExpr):
    """Columns ``start:stop`` of a matrix: ``W_f[:, 0:k]``."""

    def __new__(cls, parent, start, stop):
        return MatrixExpr.__new__(cls, parent, _sympify(start), _sympify(stop))

    @property
    def shape(self):
        return (self.args[0].shape[0], self.args[2] - self.args[1])

    def _entry(self, i, j, **kwargs):
        return self.args[0]._entry(i, j + self.args[1], **kwargs)


class ColumnSum(MatrixExpr):
    """``X @ 1``: the sum of a matrix's columns (a bias gradient sums over the batch)."""

    def __new__(cls, arg):
        return MatrixExpr.__new__(cls, arg)

    @property
    def shape(self):
        return (self.args[0].shape[0], sympy.Integer(1))

    def _entry(self, i, j, **kwargs):
        arg = self.args[0]
        return sympy.Add(*(arg._entry(i, c, **kwargs) for c in range(int(arg.shape[1]))))


class Diag(MatrixExpr):
    """``diag(v)``: the square matrix with the column vector ``v`` on its diagonal."""

    def __new__(cls, vector):
        return MatrixExpr.__new__(cls, vector)

    @property
    def shape(self):
        return (self.args[0].shape[0], self.args[0].shape[0])

    def _entry(self, i, j, **kwargs):
        return sympy.KroneckerDelta(i, j) * self.args[0]._entry(i, 0, **kwargs)


class InPlace(MatrixExpr):
    """An activation the generated code may compute in its argument's memory.

    Only made for a block of a stacked pre-activation that nothing else reads, so
    ``sigmoid_inplace(stacked_0[0:36])`` overwrites no tensor anyone needs.
    """

    def __new__(cls, applied):
        return MatrixExpr.__new__(cls, applied)

    @property
    def shape(self):
        return self.args[0].shape

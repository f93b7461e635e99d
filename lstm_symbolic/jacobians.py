"""Gradient-flow Jacobians of one step (batch of one): d c_t / d c_prev, d h_t / d h_prev, ...

Forward-mode rules over the normal-form equations (``J(y)`` is ``d y / d v``):
``J(P @ u) = P @ J(u)``, ``J(a * b) = diag(b) @ J(a) + diag(a) @ J(b)``,
``J(act(u)) = diag(act'(u)) @ J(u)`` with the derivative written with the output,
``J([a; b]) = [J(a); J(b)]`` (a product with a concatenation picks column blocks of
the weight: ``W_f[:, 0:k]``), and a bias has no Jacobian.  ``diag(a) @ diag(b)`` is
folded into ``diag(a * b)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import HadamardProduct, Identity, MatAdd, MatMul, MatrixSymbol, OneMatrix
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .activations import derivative_from_output
from .derivatives import _hadamard
from .equations import Diag, VConcat, symbols_of
from .errors import ShapeError
from .matrix_nodes import ColumnBlock
from .textprint import function_name, is_broadcast, text


@dataclass(frozen=True)
class _Blocks:
    """The Jacobian of a concatenation: [(row offset, rows, J or None), ...]."""

    parts: tuple


def _diag_product(diag, J):
    """``diag(a) @ J`` with ``diag(a) @ diag(b) = diag(a * b)`` and ``diag(a) @ I = diag(a)``."""
    if J is None:
        return None
    if isinstance(J, Identity):
        return diag
    if isinstance(J, Diag):
        return Diag(_hadamard(diag.args[0], J.args[0]))
    if isinstance(J, MatMul) and isinstance(J.args[0], Diag):
        inner = Diag(_hadamard(diag.args[0], J.args[0].args[0]))
        return MatMul(inner, *J.args[1:], evaluate=False)
    if isinstance(J, MatAdd):
        return MatMul(diag, J, evaluate=False)
    return MatMul(diag, J, evaluate=False)


def _sum(terms):
    terms = [t for t in terms if t is not None]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else MatAdd(*terms, evaluate=False)


def jvp(expr, wrt, known, output=None):
    """``d expr / d wrt`` as a matrix expression (None when it does not depend on ``wrt``)."""
    if isinstance(expr, MatrixSymbol):
        if expr.name == wrt.name:
            return Identity(wrt.shape[0])
        return known.get(expr.name)
    if isinstance(expr, OneMatrix) or is_broadcast(expr):
        return None
    if isinstance(expr, MatAdd):
        return _sum(jvp(a, wrt, known) for a in expr.args)
    if isinstance(expr, MatMul):
        return _jvp_product(expr, wrt, known)
    if isinstance(expr, HadamardProduct):
        terms = []
        for i, arg in enumerate(expr.args):
            J = jvp(arg, wrt, known)
            if J is not None:
                others = expr.args[:i] + expr.args[i + 1:]
                terms.append(_diag_product(Diag(_hadamard(*others)), J))
        return _sum(terms)
    if isinstance(expr, ElementwiseApplyFunction):
        J = jvp(expr.expr, wrt, known)
        y = output if output is not None else expr
        return _diag_product(Diag(derivative_from_output(function_name(expr), y)), J)
    if isinstance(expr, VConcat):
        parts, offset = [], 0
        for block in expr.blocks:
            rows = block.shape[0]
            parts.append((offset, rows, jvp(block, wrt, known)))
            offset = offset + rows
        return _Blocks(tuple(parts)) if any(p[2] is not None for p in parts) else None
    raise ShapeError(f"no Jacobian rule for {type(expr).__name__}")


def _jvp_product(expr, wrt, known):
    """``d (c A B ... M) / d wrt`` for a product whose last matrix factor alone may vary."""
    coeff = [a for a in expr.args if not a.is_Matrix]
    mats = [a for a in expr.args if a.is_Matrix]
    deps = [(i, jvp(m, wrt, known)) for i, m in enumerate(mats)]
    deps = [(i, J) for i, J in deps if J is not None]
    if not deps:
        return None
    if len(deps) > 1 or deps[0][0] != len(mats) - 1:
        raise ShapeError(f"no Jacobian rule for a product whose left factor varies: {text(expr)}")
    left, J = mats[:-1], deps[0][1]
    if isinstance(J, _Blocks):
        P = left[0] if len(left) == 1 else MatMul(*left, evaluate=False)
        terms = [MatMul(ColumnBlock(P, off, off + rows), Jb, evaluate=False) if not isinstance(Jb, Identity)
                 else ColumnBlock(P, off, off + rows) for off, rows, Jb in J.parts if Jb is not None]
        result = _sum(terms)
    elif not left:
        result = J
    elif isinstance(J, Identity):
        result = left[0] if len(left) == 1 else MatMul(*left, evaluate=False)
    else:
        result = MatMul(*left, J, evaluate=False)
    if coeff:
        result = MatMul(*coeff, result, evaluate=False)
    return result


#: Why the paths matter, per (family, variant) (the computed Jacobians follow each text).
EXPLANATIONS = {
    ("lstm", "standard"): (
        "The cell path is additive: c_t = f_t * c_prev + ..., so d c_t / d c_prev = diag(f_t) holds no weight "
        "matrix and no squashing derivative. Gradients flowing back along c are scaled elementwise by the "
        "forget gate at each step; while f_t stays near 1 they survive many steps (the constant error carousel), "
        "unlike a plain RNN whose Jacobian U^T diag(1 - h^2) shrinks or explodes them. The path through h "
        "multiplies by U_* and sigmoid/tanh derivatives (at most 1/4 and 1) and decays like an RNN's."
    ),
    ("lstm", "vanilla"): (
        "Without a forget gate, c_t = c_prev + i_t * g_t and d c_t / d c_prev = I: the cell carries gradients "
        "unchanged over any number of steps (Hochreiter & Schmidhuber's constant error carousel), but the cell "
        "state can also grow without bound, because nothing ever resets it."
    ),
    ("lstm", "peephole"): (
        "The gates see the cell, so c_prev also reaches c_t through f_t and i_t: besides diag(f_t), "
        "d c_t / d c_prev has diagonal terms p_f * f_t(1 - f_t) * c_prev and p_i * i_t(1 - i_t) * g_t. They are "
        "still diagonal (peepholes are elementwise), so the cell path keeps its no-matrix character."
    ),
    ("lstm", "cifg"): (
        "With the coupled gate f_t = 1 - i_t, d c_t / d c_prev = diag(1 - i_t): writing to the cell (large i_t) "
        "is forgetting, so a unit cannot both keep its memory and add to it. The gradient through the cell is "
        "scaled by 1 - i_t at each step."
    ),
    ("lstm", "no-output-tanh"): (
        "The cell path is the standard one (diag(f_t)); without the output tanh, d h_t / d c_t = diag(o_t) has no "
        "1 - tanh^2 factor, so large cell values no longer saturate the output's gradient."
    ),
    ("lstm", "projection"): (
        "The cell path is the standard one (diag(f_t)); the hidden path goes through the projection: "
        "d h_t / d h_prev = W_hr @ (...) @ U_* with h of size p, so the recurrent matrices are k x p and the "
        "Jacobian of h is p x p."
    ),
    ("gru", "reset-before"): (
        "The GRU has no separate cell: h_t = (1 - z_t) * n_t + z_t * h_prev, so d h_t / d h_prev holds diag(z_t), "
        "an additive path like the LSTM's cell path (gradients survive while the update gate z_t stays near 1), "
        "plus terms through n_t, r_t and z_t that multiply by U_n, U_r, U_z and sigmoid/tanh derivatives. With the "
        "reset gate before the product, the candidate reads U_n @ (r_t * h_prev): its term is "
        "diag(1 - z_t) @ diag(1 - n_t^2) @ U_n @ diag(r_t) (and the path through r_t)."
    ),
    ("gru", "reset-after"): (
        "The GRU has no separate cell: h_t = (1 - z_t) * n_t + z_t * h_prev, so d h_t / d h_prev holds diag(z_t), "
        "an additive path like the LSTM's cell path (gradients survive while the update gate z_t stays near 1), "
        "plus terms through n_t, r_t and z_t that multiply by U_n, U_r, U_z and sigmoid/tanh derivatives. With the "
        "reset gate after the product, the candidate reads r_t * (U_n @ h_prev + c_n): its term is "
        "diag(1 - z_t) @ diag(1 - n_t^2) @ diag(r_t) @ U_n (and the path through r_t)."
    ),
    ("rnn", "tanh"): (
        "The simple RNN has one path: d h_t / d h_prev = diag(1 - h_t^2) @ U_h. Over many steps the gradient is "
        "multiplied by this matrix again and again, so it shrinks (tanh' <= 1 and a small U_h) or explodes (a "
        "large U_h): the vanishing and exploding gradients that the LSTM's and the GRU's additive paths avoid."
    ),
    ("rnn", "relu"): (
        "The simple RNN has one path: d h_t / d h_prev = diag(step(h_t)) @ U_h, U_h restricted to the units "
        "that are active (h_t > 0). Over many steps the gradient is multiplied by it again and again: it explodes "
        "when U_h's largest singular value exceeds 1 on the active units and vanishes when units stay off."
    ),
}


@dataclass(frozen=True)
class Jacobian:
    of: str
    wrt: str
    expr: object

    def __str__(self):
        return f"d{self.of}/d{self.wrt} = {text(self.expr) if self.expr is not None else '0'}"


@dataclass(frozen=True)
class GradientFlow:
    variant: str
    jacobians: tuple
    explanation: str

    def __str__(self):
        return "\n".join([str(j) for j in self.jacobians] + ["", self.explanation])


def state_pairs(cell):
    """(new state, previous state) pairs, cell path first: (c_t, c_prev), (c_t, h_prev), (h_t, h_prev), ..."""
    recurrence = list(reversed(cell.program.recurrence))  # the LSTM's cell state first
    pairs = []
    for new, own in recurrence:
        pairs += [(new, own)] + [(new, prev) for _, prev in recurrence if prev != own]
    return pairs


def gradient_flow(cell):
    """The step's Jacobians d{c_t, h_t} / d{c_prev, h_prev} at batch 1, and why they matter."""
    forward = cell.with_batch(1).backward().forward  # the normal form: a_f = ..., f_t = sigmoid(a_f)
    symbols = symbols_of(forward)
    found = []
    for of, wrt in state_pairs(cell):
        wrt_symbol = symbols[wrt]
        known = {}
        for eq in forward:
            J = jvp(eq.rhs, wrt_symbol, known, output=eq.lhs)
            if J is not None:
                known[eq.name] = J
        found.append(Jacobian(of, wrt, known.get(of)))
    return GradientFlow(cell.variant.name, tuple(found), EXPLANATIONS[(cell.family.name, cell.variant.name)])

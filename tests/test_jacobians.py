"""Gradient-flow Jacobians: their text, the rules' folding, and each Jacobian against finite differences
of the hand-written NumPy step (reference.py)."""

import numpy as np
import pytest
from sympy import HadamardProduct, Identity, MatAdd, MatMul, MatrixSymbol

from lstm_symbolic import GRUCell, LSTMCell, RNNCell
from lstm_symbolic.equations import Diag, placeholder
from lstm_symbolic.jacobians import EXPLANATIONS, _diag_product, state_pairs
from lstm_symbolic.reference import reference_step

from .conftest import ALL_LAYOUTS, ALL_VARIANTS
from .test_derivatives import setup


def test_jacobian_text():
    flow = LSTMCell("n", "k").jacobians()
    text = {f"{j.of}/{j.wrt}": str(j) for j in flow.jacobians}
    assert text["c_t/c_prev"] == "dc_t/dc_prev = diag(f_t)"
    assert "forget gate" in flow.explanation
    assert str(LSTMCell(3, 2, "vanilla").jacobians().jacobians[0]) == "dc_t/dc_prev = I"
    assert "1 - i_t" in LSTMCell(3, 2, "cifg").jacobians().explanation


@pytest.mark.parametrize("layout", ALL_LAYOUTS)
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_jacobians_against_finite_differences(variant, layout):
    """Compile each Jacobian expression and compare it with d(step)/d(state) by differences."""
    from lstm_symbolic.numeric import Compiled

    cell, num, params, xs, h0, c0, _ = setup(variant, layout, 4, 1, 1)
    x = xs[0]
    flow = cell.jacobians()
    env = {"x_t": x, "h_prev": h0, "c_prev": c0, **params}
    forward = cell.with_batch(1).normal_form().equations
    for eq in forward:  # values of the forward tensors the Jacobians read
        fn = Compiled(sorted({s for s in eq.rhs.atoms(MatrixSymbol)}, key=lambda s: s.name), [], [eq.rhs])
        env[eq.name] = fn.function(*[env[a] for a in fn.names])[0]
    eps = 1e-6
    for jac in flow.jacobians:
        state = {"h_prev": h0, "c_prev": c0}
        base = state[jac.wrt]
        numeric = np.zeros((env[jac.of].shape[0], base.shape[0]))
        for j in range(base.shape[0]):
            for sign in (1, -1):
                moved = dict(state)
                moved[jac.wrt] = base.copy()
                moved[jac.wrt][j, 0] += sign * eps
                h, c = reference_step(variant, layout, params, x, moved["h_prev"], moved["c_prev"])
                numeric[:, j] += sign * ({"h_t": h, "c_t": c}[jac.of][:, 0]) / (2 * eps)
        if jac.expr is None:
            np.testing.assert_allclose(numeric, 0, atol=1e-8)
            continue
        fn = Compiled(sorted(jac.expr.atoms(MatrixSymbol), key=lambda s: s.name), [], [jac.expr])
        got = fn.function(*[env[a] for a in fn.names])[0]
        np.testing.assert_allclose(got, numeric, rtol=0, atol=1e-7, err_msg=str(jac))


def test_state_pairs_put_the_cell_path_first():
    assert state_pairs(LSTMCell(3, 2)) == [("c_t", "c_prev"), ("c_t", "h_prev"), ("h_t", "h_prev"), ("h_t", "c_prev")]
    assert state_pairs(GRUCell(3, 2)) == [("h_t", "h_prev")]


def test_every_cell_has_an_explanation():
    from lstm_symbolic.families import FAMILIES

    assert set(EXPLANATIONS) == {(f.name, v) for f in FAMILIES.values() for v in f.variants}


def test_diagonal_products_fold():
    a, b, J = placeholder("a"), placeholder("b"), placeholder("J")
    assert _diag_product(Diag(a), None) is None
    assert _diag_product(Diag(a), Identity(3)) == Diag(a)
    assert _diag_product(Diag(a), Diag(b)) == Diag(HadamardProduct(a, b, evaluate=False))
    folded = _diag_product(Diag(a), MatMul(Diag(b), J, evaluate=False))
    assert isinstance(folded, MatMul) and isinstance(folded.args[0], Diag) and folded.args[1] == J
    assert _diag_product(Diag(a), MatAdd(J, J, evaluate=False)).args[0] == Diag(a)


def test_other_families_text():
    assert str(RNNCell(3, 2).jacobians().jacobians[0]) == "dh_t/dh_prev = diag(1 - h_t^2) @ U_h"
    text = str(GRUCell(3, 2).jacobians())
    assert text.startswith("dh_t/dh_prev = ") and "diag(z_t)" in text

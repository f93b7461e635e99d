"""Backward equations: symbolic against SymPy's elementwise derivatives, numeric against
finite differences, a hand-written NumPy BPTT and (when installed) PyTorch autograd."""


import numpy as np
import pytest
import sympy

from lstm_symbolic import LSTMCell, ShapeError, UsageError
from lstm_symbolic.reference import reference_backward, reference_forward

from .conftest import ALL_LAYOUTS, ALL_VARIANTS, proj_for
from .sympy_oracle import assert_backward_matches_sympy

n_, k_, p_ = (sympy.Symbol(s, positive=True, integer=True) for s in "nkp")


@pytest.mark.parametrize("layout", ALL_LAYOUTS)
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_backward_equals_elementwise_sympy_derivatives(variant, layout):
    """n = 3, k = 2 (p = 2), B = 2: every gradient entry equals SymPy's diff(L, entry).

    L = sum(dh_t * h_t) + sum(dc_next * c_t) is built entry by entry from ``.as_explicit()``
    of the forward equations and differentiated by SymPy; our backward equations are
    evaluated by SymPy at the same random point.  Agreement to 1e-12.
    """
    assert_backward_matches_sympy(LSTMCell(3, 2, variant, layout, proj_for(variant, 2), batch_size=2), seed=7)


@pytest.mark.parametrize("layout", ALL_LAYOUTS)
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_gradients_have_their_tensors_shapes_symbolically(variant, layout):
    derivation = LSTMCell("n", "k", variant, layout, proj_for(variant, "p")).backward()
    shapes = derivation.shapes()
    for tensor, grad in derivation.gradients.items():
        assert shapes[grad] == shapes[tensor], (tensor, grad)
    if "W_f" in derivation.gradients:
        assert shapes["dW_f"][0] == k_


def test_readable_equations():
    d = LSTMCell("n", "k").backward()
    text = {eq.name: str(eq) for eq in d.equations}
    assert text["dc_t"] == "dc_t = dh_t * o_t * (1 - tanh(c_t)^2) + dc_next"
    assert text["da_f"] == "da_f = df_t * f_t * (1 - f_t)"
    assert text["da_g"] == "da_g = dg_t * (1 - g_t^2)"
    assert text["dW_f"] == "dW_f = da_f @ x_t^T"
    assert text["db_f"] == "db_f = da_f @ 1"
    assert text["dh_prev"] == "dh_prev = U_o^T @ da_o + U_g^T @ da_g + U_i^T @ da_i + U_f^T @ da_f"
    assert d.shapes()["dW_f"] == (k_, n_)
    concat = {eq.name: str(eq) for eq in LSTMCell("n", "k", layout="concat").backward().equations}
    assert concat["dx_t"] == "dx_t = dz_t[k:k + n]" and concat["dh_prev"] == "dh_prev = dz_t[0:k]"
    proj = {eq.name: str(eq) for eq in LSTMCell(5, 4, "projection", proj_size=2).backward().equations}
    assert proj["dW_hr"] == "dW_hr = dh_t @ m_t^T" and proj["dm_t"] == "dm_t = W_hr^T @ dh_t"
    cifg = {eq.name: str(eq) for eq in LSTMCell(5, 4, "cifg").backward().equations}
    assert cifg["di_t"] == "di_t = dc_t * g_t - df_t"


# -- numeric ------------------------------------------------------------------------------------
def setup(variant, layout, seed, batch, steps, n=4, k=3, p=2):
    cell = LSTMCell(n, k, variant, layout, proj_for(variant, p))
    num = cell.compile()
    params = num.init_params(seed)
    rng = np.random.default_rng(seed + 50)
    rows_h = cell.shapes()["h_prev"][0]
    xs = rng.standard_normal((steps, n, batch))
    h0, c0 = rng.standard_normal((rows_h, batch)), rng.standard_normal((k, batch))
    dhs = rng.standard_normal((steps, rows_h, batch))
    return cell, num, params, xs, h0, c0, dhs


def finite_differences(variant, layout, params, xs, h0, c0, dhs, eps=1e-6):
    def loss():
        return float((reference_forward(variant, layout, params, xs, h0, c0)[0] * dhs).sum())

    grads = {}
    for name, arr in [*params.items(), ("xs", xs), ("h0", h0), ("c0", c0)]:
        g = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            keep = arr[idx]
            arr[idx] = keep + eps
            plus = loss()
            arr[idx] = keep - eps
            minus = loss()
            arr[idx] = keep
            g[idx] = (plus - minus) / (2 * eps)
        grads[name] = g
    return grads


@pytest.mark.parametrize("layout", ALL_LAYOUTS)
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_backward_against_finite_differences(variant, layout):
    cell, num, params, xs, h0, c0, dhs = setup(variant, layout, seed=3, batch=2, steps=5)
    grads = num.backward(params, xs, h0, c0, dhs)
    fd = finite_differences(variant, layout, params, xs, h0, c0, dhs)
    assert set(grads) == set(fd)
    for name in fd:
        assert grads[name].shape == fd[name].shape
        scale = max(1.0, float(np.abs(fd[name]).max()))
        assert float(np.abs(grads[name] - fd[name]).max()) / scale <= 1e-6, name


@pytest.mark.parametrize("seed,batch,steps", [(0, 1, 5), (1, 4, 6), (2, 3, 9)])
@pytest.mark.parametrize("layout", ALL_LAYOUTS)
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_backward_against_handwritten_bptt(variant, layout, seed, batch, steps):
    cell, num, params, xs, h0, c0, dhs = setup(variant, layout, seed, batch, steps, n=5, k=4, p=3)
    grads = num.backward(params, xs, h0, c0, dhs)
    ref = reference_backward(variant, layout, params, xs, h0, c0, dhs)
    assert set(grads) == set(ref) == set(cell.parameters) | {"xs", "h0", "c0"}
    for name in ref:
        np.testing.assert_allclose(grads[name], ref[name], rtol=0, atol=1e-10, err_msg=name)


def test_symbolic_cell_backward():
    _, num, params, xs, h0, c0, dhs = setup("standard", "separate", 0, 2, 5)
    grads = LSTMCell("n", "k").compile().backward(params, xs, h0, c0, dhs)
    ref = reference_backward("standard", "separate", params, xs, h0, c0, dhs)
    for name in ref:
        np.testing.assert_allclose(grads[name], ref[name], atol=1e-12)


# -- bad input ------------------------------------------------------------------------------------
def test_upstream_gradient_of_wrong_shape():
    _, num, params, xs, h0, c0, dhs = setup("standard", "separate", 0, 2, 5)
    with pytest.raises(ShapeError, match=r"dhs \(the upstream gradients dL/dh_t\) has shape \(5, 2, 2\), "
                                         r"expected \(5, 3, 2\)"):
        num.backward(params, xs, h0, c0, dhs[:, :2])


def test_backward_bad_parameters():
    _, num, params, xs, h0, c0, dhs = setup("standard", "separate", 0, 2, 5)
    broken = dict(params)
    broken["U_g"] = np.zeros((3, 4))
    with pytest.raises(ShapeError, match=r"U_g has shape \(3, 4\), expected \(3, 3\)"):
        num.backward(broken, xs, h0, c0, dhs)
    missing = {k: v for k, v in params.items() if k != "b_o"}
    with pytest.raises(ShapeError, match="missing: b_o"):
        num.backward(missing, xs, h0, c0, dhs)
    with pytest.raises(UsageError, match="dhs contains NaN"):
        num.backward(params, xs, h0, c0, dhs * np.nan)
    bad = dict(params)
    bad["W_f"] = params["W_f"] * np.inf
    with pytest.raises(UsageError, match="parameter W_f contains NaN or inf"):
        num.backward(bad, xs, h0, c0, dhs)

"""BPTT (bptt.py): the compiled backward pass against central finite differences of the
independent NumPy forward pass and against the hand-written NumPy BPTT (reference.py), at
tiny sizes; its forward-recording helpers; and its checks of the upstream gradients."""

import numpy as np
import pytest

from lstm_symbolic import ShapeError, UsageError, make_cell
from lstm_symbolic.bptt import check_upstream, insert_materialized, materialize_activations
from lstm_symbolic.derivatives import Derivation
from lstm_symbolic.families import FAMILIES
from lstm_symbolic.reference import reference_backward, reference_forward

N, K, P, B, T = 2, 3, 2, 2, 3

CELLS = [pytest.param(family, variant, layout, id=f"{family}-{variant}-{layout}")
         for family, fam in FAMILIES.items() for variant in fam.variants
         for layout in ("separate", "concat", "augmented") if layout not in fam.variants[variant].refused_layouts]


def cell_and_data(family, variant, layout, seed, dtype=np.float64):
    proj = P if getattr(FAMILIES[family].variants[variant], "projection", False) else None
    cell = make_cell(family, N, K, variant, layout, proj_size=proj)
    num = cell.compile()
    params = num.init_params(seed, dtype=dtype)
    rng = np.random.default_rng(seed + 1)
    rows = cell.shapes()["h_prev"][0]
    states = [rng.standard_normal((rows, B)).astype(dtype)]
    if len(num.state_names) == 2:
        states.append(rng.standard_normal((K, B)).astype(dtype))
    xs = rng.standard_normal((T, N, B)).astype(dtype)
    dhs = rng.standard_normal((T, rows, B)).astype(dtype)
    return num, params, xs, states, dhs


@pytest.mark.parametrize("family, variant, layout", CELLS)
def test_gradients_equal_central_differences(family, variant, layout):
    """d/dtheta of L = sum_t <dhs[t], h_t>, h_t from the NumPy reference; eps 1e-6, 1e-7 relative."""
    num, params, xs, states, dhs = cell_and_data(family, variant, layout, seed=5)
    grads = num.backward(params, xs, *states, dhs)
    names = dict(zip(num.initial_names, states))

    def loss():
        return float((reference_forward(variant, layout, params, xs, *states)[0] * dhs).sum())

    for name, arr in [*params.items(), ("xs", xs), *names.items()]:
        fd = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            keep = arr[idx]
            arr[idx] = keep + 1e-6
            plus = loss()
            arr[idx] = keep - 1e-6
            fd[idx] = (plus - loss()) / 2e-6
            arr[idx] = keep
        assert grads[name].shape == arr.shape
        scale = max(1.0, float(np.abs(fd).max()))
        assert float(np.abs(grads[name] - fd).max()) / scale <= 1e-7, name


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-4)], ids=["f64", "f32"])
@pytest.mark.parametrize("family, variant, layout", CELLS)
def test_gradients_equal_the_handwritten_bptt(family, variant, layout, dtype, tol):
    num, params, xs, states, dhs = cell_and_data(family, variant, layout, seed=9, dtype=dtype)
    grads = num.backward(params, xs, *states, dhs)
    ref = reference_backward(variant, layout, {k: v.astype(np.float64) for k, v in params.items()},
                             xs.astype(np.float64), *[s.astype(np.float64) for s in states], dhs.astype(np.float64))
    assert set(grads) == set(ref) == set(params) | {"xs"} | set(num.initial_names)
    for name, want in ref.items():
        assert grads[name].dtype == dtype, name
        np.testing.assert_allclose(grads[name], want, rtol=0, atol=tol, err_msg=name)


@pytest.mark.parametrize("variant", ["standard", "peephole", "projection"])
def test_stacked_and_per_gate_gradients_agree(variant):
    """A symbolic cell's BPTT has no stacked weights; a numeric cell's stacks its gate deltas."""
    num, params, xs, states, dhs = cell_and_data("lstm", variant, "separate", seed=2)
    assert num.stacks
    symbolic = make_cell("lstm", "n", "k", variant, proj_size="p" if variant == "projection" else None).compile()
    assert not symbolic.stacks
    stacked, per_gate = num.backward(params, xs, *states, dhs), symbolic.backward(params, xs, *states, dhs)
    for name in stacked:
        np.testing.assert_allclose(stacked[name], per_gate[name], rtol=0, atol=1e-13, err_msg=name)


def test_one_step_sequence():
    num, params, xs, states, dhs = cell_and_data("lstm", "standard", "separate", seed=4)
    grads = num.backward(params, xs[:1], *states, dhs[:1])
    ref = reference_backward("standard", "separate", params, xs[:1], *states, dhs[:1])
    for name in ref:
        np.testing.assert_allclose(grads[name], ref[name], rtol=0, atol=1e-12, err_msg=name)


def test_activations_the_backward_reads_are_recorded_once():
    derivation = Derivation(make_cell("lstm", N, K).with_batch("B"))
    forward_names = {eq.name for eq in derivation.forward}
    backward, materialized = materialize_activations(list(derivation.equations), forward_names)
    assert [str(eq.lhs) for eq in materialized] == ["tanh_c_t"]
    assert not any("tanh(c_t)" in str(eq.rhs) for eq in backward)
    assert any("tanh_c_t" in str(eq.rhs) for eq in backward)
    forward = insert_materialized(make_cell("lstm", N, K).with_batch("B").equations, materialized)
    names = [eq.name for eq in forward]
    assert names.index("tanh_c_t") == names.index("c_t") + 1
    assert "tanh_c_t" in str(forward[names.index("h_t")].rhs)


def test_upstream_gradients_are_checked_and_converted():
    good = np.ones((T, K, B))
    assert check_upstream(good, T, K, B, np.float64) is good
    assert check_upstream(good, T, K, B, np.float32).dtype == np.float32
    with pytest.raises(ShapeError) as err:
        check_upstream(np.ones((T, K, B + 1)), T, K, B, np.float64)
    assert str(err.value) == ("dhs (the upstream gradients dL/dh_t) has shape (3, 3, 3), expected (3, 3, 2) "
                              "(T x rows(h_t) x B)")
    with pytest.raises(UsageError) as err:
        check_upstream(good.astype(int), T, K, B, np.float64)
    assert str(err.value) == "dhs must hold floating-point numbers, got dtype int64"
    bad = good.copy()
    bad[1, 0, 0] = np.nan
    with pytest.raises(UsageError) as err:
        check_upstream(bad, T, K, B, np.float64)
    assert str(err.value) == "dhs contains NaN or inf values"

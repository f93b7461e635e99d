"""Parameter sets checked once and remembered: what is re-checked, what is seen, what is refused.

The reference is the independent NumPy cell (reference.py), run on the same arrays.
"""

import gc

import numpy as np
import pytest

from lstm_symbolic import LSTMCell, ShapeError, UsageError, numeric_checks
from lstm_symbolic import numeric as numeric_module
from lstm_symbolic.paramset import stack_view
from lstm_symbolic.reference import reference_backward, reference_forward, reference_step

from .conftest import ALL_LAYOUTS, ALL_VARIANTS, proj_for

N, K, B = 5, 4, 3


@pytest.fixture
def cell():
    return LSTMCell(N, K).compile()


def states(rng, dtype=np.float64):
    return (rng.standard_normal((N, B)).astype(dtype), rng.standard_normal((K, B)).astype(dtype),
            rng.standard_normal((K, B)).astype(dtype))


def copied(params):
    """The same values in separate arrays: the stacks cannot be views of them."""
    return {name: np.array(a) for name, a in params.items()}


def assert_step_matches(num, params, x, h, c, variant="standard", layout="separate", atol=1e-12):
    got = num.step(params, x, h, c)
    want = reference_step(variant, layout, params, x, h, c)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=0, atol=atol)


def test_init_params_and_prepare_stack_as_views(cell):
    params = cell.init_params(0)
    for members in cell.stacks.values():
        assert stack_view([params[m] for m in members]) is not None
    prepared = cell.prepare(copied(params))
    for members in cell.stacks.values():
        assert stack_view([prepared[m] for m in members]) is not None
    assert stack_view([params["W_f"], params["W_o"]]) is None  # not consecutive: W_i lies between
    assert stack_view([np.zeros((2, 3)), np.zeros((2, 3))]) is None  # two buffers


@pytest.mark.parametrize("make", [lambda p: p, copied, lambda p: {k: np.asfortranarray(v) for k, v in p.items()}],
                         ids=["views", "copies", "fortran-order"])
def test_values_changed_in_place_are_seen(cell, rng, make):
    """An optimizer's ``W -= lr * dW`` between calls: the stacks follow, whether they are views or copies."""
    params = make(cell.init_params(0))
    x, h, c = states(rng)
    assert_step_matches(cell, params, x, h, c)
    for name in ("W_f", "U_g", "b_o"):
        params[name] *= 1.5
        params[name] += 0.25
    assert_step_matches(cell, params, x, h, c)
    hs, h_T, c_T = cell.forward(params, np.stack([x, x]), h, c)
    np.testing.assert_allclose(hs, reference_forward("standard", "separate", params, np.stack([x, x]), h, c)[0],
                               rtol=0, atol=1e-12)


def test_large_copied_stacks_step_through_the_per_gate_code(cell, rng, monkeypatch):
    monkeypatch.setattr(numeric_module, "REFILL_LIMIT", 0)
    params = copied(cell.init_params(0))
    x, h, c = states(rng)
    assert_step_matches(cell, params, x, h, c)
    params["U_i"] -= 0.5
    assert_step_matches(cell, params, x, h, c)


def test_a_replaced_array_is_checked(cell, rng):
    params = cell.init_params(0)
    x, h, c = states(rng)
    cell.step(params, x, h, c)
    params["W_f"] = np.zeros((K, N + 1))
    with pytest.raises(ShapeError, match=r"W_f has shape \(4, 6\), expected \(4, 5\)"):
        cell.step(params, x, h, c)
    params["W_f"] = np.ones((K, N))  # right shape, new array: used, not the remembered one
    assert_step_matches(cell, params, x, h, c)


def test_a_shape_changed_in_place_is_checked(cell, rng):
    params = cell.init_params(0)
    x, h, c = states(rng)
    cell.step(params, x, h, c)
    params["b_f"].shape = (1, K)
    with pytest.raises(ShapeError, match=r"b_f has shape \(1, 4\), expected \(4, 1\)"):
        cell.step(params, x, h, c)


def test_a_dtype_changed_in_place_is_checked(cell, rng):
    params = copied(cell.init_params(0))
    x, h, c = states(rng)
    cell.step(params, x, h, c)
    params["U_o"].dtype = np.int64  # same size, reinterpreted: no longer floating point
    with pytest.raises(UsageError, match="parameter U_o must hold floating-point numbers, got dtype int64"):
        cell.step(params, x, h, c)


def test_a_new_dict_is_checked(cell, rng):
    params = cell.init_params(0)
    x, h, c = states(rng)
    cell.step(params, x, h, c)
    other = dict(params)
    other["extra"] = np.zeros(1)
    with pytest.raises(ShapeError, match="not parameters of the standard cell: extra"):
        cell.step(other, x, h, c)
    del other["extra"], other["U_o"]
    with pytest.raises(ShapeError, match="missing: U_o"):
        cell.step(other, x, h, c)
    with pytest.raises(UsageError, match="params must be a dict"):
        cell.step(list(params.values()), x, h, c)


def test_a_key_added_to_the_remembered_dict_is_refused(cell, rng):
    params = cell.init_params(0)
    x, h, c = states(rng)
    cell.step(params, x, h, c)
    params["p_f"] = np.zeros((K, 1))
    with pytest.raises(ShapeError, match="not parameters of the standard cell: p_f"):
        cell.step(params, x, h, c)


def test_ids_of_collected_arrays_are_not_reused_by_mistake(cell, rng):
    """The remembered set holds its arrays, so a new array cannot take the id of a checked one."""
    x, h, c = states(rng)
    for _ in range(20):
        params = {name: np.zeros(shape) for name, shape in ((p, cell.cell.shapes()[p]) for p in cell.parameters)}
        cell.step(params, x, h, c)
        del params
        gc.collect()
        wrong = {name: np.zeros((shape[1], shape[0]) if shape[0] != shape[1] else (shape[0] + 1, 1))
                 for name, shape in ((p, cell.cell.shapes()[p]) for p in cell.parameters)}
        with pytest.raises(ShapeError):
            cell.step(wrong, x, h, c)


def test_wrong_shapes_give_the_projects_error_not_numpy_s(cell, rng):
    params = cell.init_params(0)
    x, h, c = states(rng)
    cell.forward(params, np.stack([x]), h, c)
    params["U_f"] = np.zeros((K, K + 1))
    for call in (lambda: cell.step(params, x, h, c), lambda: cell.forward(params, np.stack([x]), h, c),
                 lambda: cell.backward(params, np.stack([x]), h, c, np.zeros((1, K, B)))):
        with pytest.raises(ShapeError, match=r"U_f has shape \(4, 5\), expected \(4, 4\)"):
            call()
    with pytest.raises(UsageError, match="takes 2 states"):
        cell.step(cell.init_params(0), x, h)


def test_mixed_parameter_dtypes_are_refused(cell, rng):
    params = cell.init_params(0)
    params["W_g"] = params["W_g"].astype(np.float32)
    with pytest.raises(UsageError, match=r"the parameters mix dtypes \(float64: W_f, .*; float32: W_g\)"):
        cell.step(params, *states(rng))


# -- float32 end to end -------------------------------------------------------------------------
@pytest.mark.parametrize("layout", ALL_LAYOUTS)
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_float32_parameters_compute_in_float32(variant, layout, rng):
    """float32 parameters: every result is float32 (even from float64 inputs), and agrees with the
    float64 reference to float32 precision (relative 1e-5 of the values' scale)."""
    cell = LSTMCell(N, K, variant, layout, proj_for(variant))
    num = cell.compile()
    params = num.init_params(1, dtype=np.float32)
    rows = cell.shapes()["h_prev"][0]
    xs = rng.standard_normal((6, N, B))  # float64 inputs: converted to the parameters' dtype
    h0, c0 = rng.standard_normal((rows, B)), rng.standard_normal((K, B))
    dhs = rng.standard_normal((6, rows, B))
    step = num.step(params, xs[0], h0, c0)
    forward = num.forward(params, xs, h0, c0)
    grads = num.backward(params, xs, h0, c0, dhs)
    assert all(a.dtype == np.float32 for a in (*step, *forward, *grads.values()))
    wide = {k: v.astype(np.float64) for k, v in params.items()}
    want_step = reference_step(variant, layout, wide, xs[0], h0, c0)
    want_forward = reference_forward(variant, layout, wide, xs, h0, c0)
    want_grads = reference_backward(variant, layout, wide, xs, h0, c0, dhs)
    pairs = list(zip(step, want_step)) + list(zip(forward, want_forward))
    pairs += [(grads[k], want_grads[k]) for k in want_grads]
    for got, want in pairs:
        scale = max(1.0, float(np.abs(want).max()))
        assert float(np.abs(got - want).max()) <= 1e-5 * scale


@pytest.mark.parametrize("layout", ALL_LAYOUTS)
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_no_call_changes_its_inputs(variant, layout, rng):
    """The generated code works in place only on its own temporaries."""
    cell = LSTMCell(N, K, variant, layout, proj_for(variant))
    num = cell.compile()
    params = num.init_params(2)
    rows = cell.shapes()["h_prev"][0]
    xs, h0, c0 = rng.standard_normal((4, N, B)), rng.standard_normal((rows, B)), rng.standard_normal((K, B))
    dhs = rng.standard_normal((4, rows, B))
    before = [a.copy() for a in (*params.values(), xs, h0, c0, dhs)]
    num.step(params, xs[0], h0, c0)
    num.forward(params, xs, h0, c0)
    num.backward(params, xs, h0, c0, dhs)
    for old, new in zip(before, (*params.values(), xs, h0, c0, dhs)):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("small", [4096, 0], ids=["dot-product-check", "sum-check"])
@pytest.mark.parametrize("where", [0, 1, 2], ids=["x", "h_prev", "c_prev"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
def test_non_finite_states_are_refused_after_the_cache_warmed(cell, rng, monkeypatch, small, where, bad):
    monkeypatch.setattr(numeric_checks, "SMALL_ARRAY", small)
    params = cell.init_params(0)
    arrays = list(states(rng))
    cell.step(params, *arrays)  # shapes and parameters remembered: the next call takes the quick path
    arrays[where][1, 2] = bad
    with pytest.raises(UsageError, match=f"{('x', 'h_prev', 'c_prev')[where]} contains NaN or inf"):
        cell.step(params, *arrays)


@pytest.mark.parametrize("family, variant", [("gru", "reset-after"), ("gru", "reset-before"), ("rnn", "tanh"),
                                             ("rnn", "relu")], ids=["gru-after", "gru-before", "rnn-tanh", "rnn-relu"])
def test_one_state_cells_float32_and_untouched_inputs(family, variant, rng):
    """GRU and simple RNN (checked against their references in float64 in
    tests/integration/test_recurrent_families.py): float32 parameters give float32 results that
    agree with the float64 ones, and no input is changed."""
    from lstm_symbolic import make_cell

    num = make_cell(family, N, K, variant).compile()
    wide = num.init_params(3)
    narrow = {k: v.astype(np.float32) for k, v in wide.items()}
    xs, h0, dhs = rng.standard_normal((5, N, B)), rng.standard_normal((K, B)), rng.standard_normal((5, K, B))
    before = [a.copy() for a in (*narrow.values(), xs, h0, dhs)]
    got = [num.step(narrow, xs[0], h0), *num.forward(narrow, xs, h0), *num.backward(narrow, xs, h0, dhs).values()]
    want = [num.step(wide, xs[0], h0), *num.forward(wide, xs, h0), *num.backward(wide, xs, h0, dhs).values()]
    for g, w in zip(got, want):
        assert g.dtype == np.float32
        assert float(np.abs(g - w).max()) <= 1e-5 * max(1.0, float(np.abs(w).max()))
    for old, new in zip(before, (*narrow.values(), xs, h0, dhs)):
        np.testing.assert_array_equal(old, new)


def test_a_few_alternating_parameter_sets_are_each_checked_once(cell, rng, monkeypatch):
    built = []
    real = numeric_module.build
    monkeypatch.setattr(numeric_module, "build", lambda *args: built.append(1) or real(*args))
    sets = [cell.init_params(seed) for seed in range(numeric_module.REMEMBERED)]
    x, h, c = states(rng)
    for _ in range(3):
        for params in sets:
            assert_step_matches(cell, params, x, h, c)
    assert len(built) == numeric_module.REMEMBERED
    cell.step(cell.init_params(99), x, h, c)  # one more: the least recent is forgotten
    cell.step(sets[0], x, h, c)
    assert len(built) == numeric_module.REMEMBERED + 2

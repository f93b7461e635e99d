"""The lambdify-compiled cell against the independent NumPy reference."""

import warnings

import numpy as np
import pytest

from lstm_symbolic import LSTMCell, ResourceError, UsageError, verify
from lstm_symbolic.reference import reference_backward, reference_forward, reference_step
from lstm_symbolic.verification import relative_error

from .conftest import ALL_LAYOUTS, ALL_VARIANTS, proj_for

TOL = {np.float64: 1e-12, np.float32: 1e-5}


def random_state(rng, cell, batch, steps, dtype):
    n, k = cell.input_size, cell.hidden_size
    h_rows = cell.shapes()["h_prev"][0]
    xs = rng.standard_normal((steps, n, batch)).astype(dtype)
    return xs, rng.standard_normal((h_rows, batch)).astype(dtype), rng.standard_normal((k, batch)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("batch", [1, 4])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("layout", ALL_LAYOUTS)
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_forward_matches_reference(variant, layout, seed, batch, dtype):
    cell = LSTMCell(7, 5, variant, layout, proj_for(variant, 3))
    num = cell.compile()
    params = num.init_params(seed, dtype=dtype)
    rng = np.random.default_rng(seed + 100)
    xs, h0, c0 = random_state(rng, cell, batch, steps=6, dtype=dtype)
    hs, h_T, c_T = num.forward(params, xs, h0, c0)
    ref = reference_forward(variant, layout, params, xs, h0, c0)
    assert hs.dtype == dtype
    for got, want in zip((hs, h_T, c_T), ref):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=0, atol=TOL[dtype])
    # step agrees with the reference too
    h1, c1 = num.step(params, xs[0], h0, c0)
    rh, rc = reference_step(variant, layout, params, xs[0], h0, c0)
    np.testing.assert_allclose(h1, rh, rtol=0, atol=TOL[dtype])
    np.testing.assert_allclose(c1, rc, rtol=0, atol=TOL[dtype])
    # the fused (stacked-gate) step reads prepared parameters and agrees as well
    h2, c2 = num.step(num.prepare(params), xs[0], h0, c0)
    np.testing.assert_allclose(h2, rh, rtol=0, atol=TOL[dtype])
    np.testing.assert_allclose(c2, rc, rtol=0, atol=TOL[dtype])


def test_symbolic_cell_compiles_and_runs(rng):
    num = LSTMCell("n", "k").compile()
    params = LSTMCell(4, 3).compile().init_params(0)
    x, h, c = rng.standard_normal((4, 2)), rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    got = num.step(params, x, h, c)
    want = reference_step("standard", "separate", params, x, h, c)
    np.testing.assert_allclose(got[0], want[0], atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("scale", [1e3, 1e6])
@pytest.mark.parametrize("layout", ALL_LAYOUTS)
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_extreme_inputs_stay_finite_without_warnings(variant, layout, scale, dtype, rng):
    """|x| = 1e3, 1e6 in weights, inputs and states, float32 and float64: the forward pass, the
    fused step and BPTT (compiled and reference) give finite numbers and no NumPy warning."""
    cell = LSTMCell(3, 4, variant, layout, proj_for(variant))
    num = cell.compile()
    big = dtype(scale)
    params = {k: v * big for k, v in num.init_params(0, dtype=dtype).items()}
    xs, h0, c0 = (a * big for a in random_state(rng, cell, 2, 6, dtype))
    dhs = rng.standard_normal((6,) + h0.shape).astype(dtype)
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        hs, h_T, c_T = num.forward(params, xs, h0, c0)
        step = num.step(num.prepare(params), xs[0], h0, c0)
        grads = num.backward(params, xs, h0, c0, dhs)
        ref = reference_backward(variant, layout, params, xs, h0, c0, dhs)
    outputs = [hs, h_T, c_T, *step, *grads.values(), *ref.values()]
    assert all(np.isfinite(a).all() and a.dtype == dtype for a in outputs)
    if variant not in ("no-output-tanh", "projection"):
        assert np.abs(hs).max() <= 1  # o_t * tanh(c_t): saturated, never beyond
    tolerance = 1e-3 if dtype == np.float32 else 1e-9
    assert all(relative_error(grads[k], ref[k]) <= tolerance for k in ref), \
        {k: relative_error(grads[k], ref[k]) for k in ref}


def test_verify_reports_every_combination():
    for variant in ALL_VARIANTS:
        for layout in ALL_LAYOUTS:
            report = verify(LSTMCell(6, 4, variant, layout, proj_for(variant)), batch=2, steps=5, seed=3)
            assert report.ok, (variant, layout, report.checks)
            assert {c.dtype for c in report.checks} == {"float64", "float32"}


def test_verify_detects_a_wrong_cell(monkeypatch):
    """A deliberately broken reference must make verify fail (the check can fail)."""
    import lstm_symbolic.verification as v

    def broken(variant, layout, params, xs, h0, c0):
        hs, h, c = reference_forward(variant, layout, params, xs, h0, c0)
        return hs * 1.001, h, c

    monkeypatch.setattr(v, "reference_forward", broken)
    report = v.verify(LSTMCell(3, 2), batch=1, steps=2)
    assert not report.ok


# -- bad input (the array checks: test_numeric_checks.py) ----------------------------------------
def test_memory_limit():
    with pytest.raises(ResourceError, match="the limit is 2.0 GiB"):
        verify(LSTMCell(10**5, 10**5))


def test_init_params_needs_numbers():
    with pytest.raises(UsageError, match="numeric sizes"):
        LSTMCell("n", "k").compile().init_params()


# -- long sequences, and the limits ---------------------------------------------------------
def test_a_long_sequence_widens_the_tolerance_and_passes():
    """The vanilla cell's state grows with T, so roundoff grows too: absolute tolerances used to
    report a MISMATCH at T = 3000 (found by hand in the polish pass)."""
    report = verify(LSTMCell(8, 6, "vanilla"), batch=2, steps=2000, seed=1)
    assert report.ok
    assert any(c.widened for c in report.checks)
    assert all(c.tolerance < 1e-1 for c in report.checks)


def test_a_widened_tolerance_still_catches_a_wrong_gradient(monkeypatch):
    import lstm_symbolic.verification as v

    def wrong(*args):
        grads = reference_backward(*args)
        grads["U_i"] = grads["U_i"] * 1.01 + 1e-2  # e.g. a dropped term
        return grads

    monkeypatch.setattr(v, "reference_backward", wrong)
    report = verify(LSTMCell(8, 6, "vanilla"), batch=2, steps=2000, seed=1)
    assert not report.ok
    assert [c.quantity for c in report.checks if not c.ok] == ["grads (worst: U_i)"] * 2


@pytest.mark.parametrize("sizes, batch, steps, message", [
    ((10**5, 10**5), 3, 5, "the limit is 2.0 GiB"),
    ((1, 1), 1, 10**6, "the limit is 60 seconds. Use fewer steps"),
    ((1200, 1200), 64, 30, "the limit is 60 seconds. Use smaller sizes or a smaller batch"),
])
def test_work_too_big_is_refused_before_it_starts(sizes, batch, steps, message):
    with pytest.raises(ResourceError, match=message):
        verify(LSTMCell(*sizes), batch=batch, steps=steps)

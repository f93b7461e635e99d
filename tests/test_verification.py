"""verification.py: the relative error, the checks and reports, the argument checks, the
collapsing of gradient checks to the worst one, and verify_every's cells.

(verify() against every variant and layout, a broken reference, and the widened tolerances of
long sequences are tested in test_numeric.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from lstm_symbolic import GRUCell, LSTMCell, RNNCell
from lstm_symbolic.errors import ResourceError, UsageError
from lstm_symbolic.verification import (
    FORWARD,
    GRADIENT_TOLERANCE,
    TOLERANCE,
    WEAK_TOLERANCE,
    Check,
    VerificationReport,
    _worst_gradient,
    default_projection,
    relative_error,
    verify,
    verify_every,
)


@pytest.mark.parametrize("got, want, expected", [
    ([1.0, 2.0], [1.0, 2.0], 0.0),
    ([1.5, 2.0], [1.0, 2.0], 0.5 / 2.0),  # scaled by the largest reference entry when it is above 1
    ([0.1, 0.0], [0.0, 0.0], 0.1),  # never divided by less than 1
    ([[3.0]], [[-4.0]], 7.0 / 4.0),
    ([], [], 0.0),
], ids=["equal", "scaled", "small-reference", "sign", "empty"])
def test_relative_error(got, want, expected):
    assert relative_error(np.array(got), np.array(want)) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
def test_relative_error_of_a_non_finite_result_is_infinite(bad):
    assert relative_error(np.array([0.0, bad]), np.zeros(2)) == float("inf")


def test_relative_error_is_computed_in_float64():
    got = np.array([1.0 + 2**-20], dtype=np.float32)
    assert relative_error(got, np.array([1.0])) == 2**-20


def test_check_ok_and_weak():
    assert Check("float64", "hs", 1e-13, 1e-12).ok
    assert not Check("float64", "hs", 2e-12, 1e-12).ok
    assert Check("float64", "hs", 1e-12, 1e-12).ok  # the tolerance itself passes
    assert not Check("float32", "hs", 0, WEAK_TOLERANCE).weak
    assert Check("float32", "hs", 0, WEAK_TOLERANCE * 2).weak


def test_report_ok_and_weak_dtypes():
    checks = (Check("float64", "hs", 0, 1e-12), Check("float32", "hs", 0, 0.5, True))
    report = VerificationReport(None, 1, 1, 0, checks)
    assert report.ok and report.weak_dtypes == ["float32"]
    failing = VerificationReport(None, 1, 1, 0, checks + (Check("float64", "h_T", 1.0, 1e-12),))
    assert not failing.ok


def test_worst_gradient_keeps_forward_checks_and_the_worst_gradient_per_dtype():
    checks = [Check("float64", "hs", 1e-14, 1e-12), Check("float64", "W_f", 5e-11, 1e-10),
              Check("float64", "U_f", 1e-12, 1e-13, True),  # worse relative to its tolerance
              Check("float32", "hs", 1e-7, 1e-5), Check("float32", "b_f", 1e-6, 1e-4)]
    result = _worst_gradient(checks)
    assert [(c.dtype, c.quantity) for c in result] == [
        ("float64", "hs"), ("float64", "grads (worst: U_f)"), ("float32", "hs"), ("float32", "grads (worst: b_f)")]
    assert result[1].error == 1e-12 and result[1].tolerance == 1e-13 and result[1].widened


@pytest.mark.parametrize("cell, states", [
    (LSTMCell(4, 3), ("hs", "h_T", "c_T")), (GRUCell(4, 3), ("hs", "h_T")), (RNNCell(4, 3), ("hs", "h_T")),
], ids=["lstm", "gru", "rnn"])
def test_a_report_checks_every_output_in_both_dtypes(cell, states):
    report = verify(cell, batch=2, steps=3, seed=1)
    assert report.ok
    assert [(c.dtype, c.quantity) for c in report.checks] == [
        (dtype, q) for dtype in ("float64", "float32") for q in states + ("grads (worst: " + _worst(report, dtype),)]
    for c in report.checks:
        base = (TOLERANCE if c.quantity in FORWARD else GRADIENT_TOLERANCE)[c.dtype]
        assert c.tolerance >= base and c.widened == (c.tolerance > base)


def _worst(report, dtype):
    return next(c.quantity for c in report.checks if c.dtype == dtype and c.quantity.startswith("grads"))[14:]


def test_without_backward_only_the_forward_outputs_are_checked():
    report = verify(LSTMCell(3, 2), steps=2, backward=False)
    assert {c.quantity for c in report.checks} == set(FORWARD)


@pytest.mark.parametrize("batch, steps, message", [
    (0, 5, "batch must be a positive integer, got 0"),
    (True, 5, "batch must be a positive integer, got True"),
    (1, 2.0, "steps must be a positive integer, got 2.0"),
], ids=["zero-batch", "bool-batch", "float-steps"])
def test_bad_batch_and_steps(batch, steps, message):
    with pytest.raises(UsageError, match=message):
        verify(LSTMCell(3, 2), batch=batch, steps=steps)


def test_symbolic_sizes_are_refused():
    with pytest.raises(UsageError, match="verify needs numeric sizes"):
        verify(LSTMCell("n", "k"))


def test_the_same_seed_gives_the_same_report():
    first, second = (verify(LSTMCell(3, 2), batch=2, steps=2, seed=7) for _ in range(2))
    assert first.checks == second.checks


@pytest.mark.parametrize("hidden, expected", [(12, 6), (7, 3), (1, 1), ("k", "k")])
def test_default_projection(hidden, expected):
    assert default_projection(hidden) == expected


@pytest.mark.parametrize("family, cells", [("lstm", 18), ("gru", 4), ("rnn", 6)])
def test_verify_every_covers_each_meaningful_combination(family, cells):
    reports = verify_every(3, 4, batch=1, steps=2, family=family)
    assert len(reports) == cells and all(r.ok for r in reports)
    assert len({(r.cell.variant.name, r.cell.layout.name) for r in reports}) == cells
    projected = [r.cell.proj_size for r in reports if r.cell.variant.projection]
    assert projected == ([2, 2, 2] if family == "lstm" else [])  # default_projection(4)


def test_verify_every_counts_all_cells_against_the_time_limit():
    with pytest.raises(ResourceError, match=r"18 cells\); the limit is 60 seconds.*or one variant instead of --all"):
        verify_every(200, 200, batch=64, steps=300)

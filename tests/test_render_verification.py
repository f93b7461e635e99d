"""render_verification.py: verification reports into text and data, from hand-built reports (real
cells, chosen checks), so that every line of the text is known in advance."""

from __future__ import annotations

import pytest

from lstm_symbolic import GRUCell, LSTMCell
from lstm_symbolic.commands import Verified
from lstm_symbolic.render_verification import (
    verification_data,
    verification_report_data,
    verification_report_text,
    verification_summary,
    verification_text,
)
from lstm_symbolic.verification import Check, VerificationReport

PASSING = (Check("float64", "hs", 1.5e-16, 1e-12), Check("float64", "grads (worst: U_f)", 2e-15, 1e-10),
           Check("float32", "hs", 3e-8, 2e-3, True))


def report(cell=None, checks=PASSING):
    return VerificationReport(cell or LSTMCell(3, 2), 2, 4, 7, checks)


def test_a_passing_report():
    assert verification_text(report()) == "\n".join([
        "verify: compiled standard cell (separate layout) against the NumPy reference, forward and backward (BPTT)",
        "  n = 3, k = 2, B = 2, T = 4, seed = 7",
        "",
        "  dtype    output                      error  tolerance  result",
        "  float64  hs                      1.500e-16    1.0e-12  ok",
        "  float64  grads (worst: U_f)      2.000e-15    1.0e-10  ok",
        "  float32  hs                      3.000e-08    2.0e-03* ok",
        "  (errors are max |compiled - reference| / max(1, |largest reference entry|))",
        "  * widened: this sequence amplifies roundoff (100x the float64 reference's change when its inputs",
        "    are perturbed by one rounding)",
        "",
        "all checks passed",
    ])


def test_a_failing_and_a_weak_report():
    failing = report(checks=(Check("float64", "hs", 1.0, 1e-12),))
    assert verification_text(failing).splitlines()[-3:] == [
        "  (errors are max |compiled - reference| / max(1, |largest reference entry|))", "", "verification FAILED"]
    assert "  float64  hs                      1.000e+00    1.0e-12  MISMATCH" in verification_text(failing)
    weak = verification_text(report(checks=(Check("float32", "hs", 1e-3, 0.5, True),)))
    assert ("  note: the float32 tolerances grew to 5.0e-01 (above 1e-02): a check this loose cannot tell a wrong "
            "rule\n    from roundoff; use fewer steps (--steps) for a meaningful float32 check") in weak
    assert weak.endswith("\nall checks passed (some too loose to mean much: see the note)")


def test_the_projection_size_is_shown():
    cell = LSTMCell(3, 4, "projection", proj_size=2)
    assert verification_text(report(cell)).splitlines()[1] == "  n = 3, k = 4, p = 2, B = 2, T = 4, seed = 7"


def test_data():
    assert verification_data(report(GRUCell(3, 2))) == {
        "ok": True, "cell": "gru", "variant": "reset-before", "layout": "separate", "dims": {"n": 3, "k": 2},
        "batch": 2, "steps": 4, "seed": 7, "too_loose": [],
        "checks": [{"dtype": c.dtype, "output": c.quantity, "relative_error": c.error, "tolerance": c.tolerance,
                    "tolerance_widened": c.widened, "ok": True} for c in PASSING]}


@pytest.mark.parametrize("reports, proj_chosen, expected", [
    ([report(), report(LSTMCell(3, 2, "peephole", "concat"))], True, "summary: all 2 cells passed"),
    ([report(LSTMCell(3, 4, "projection", proj_size=2))], True,
     "summary: all 1 cells passed; projection with p = 2 (half of k; choose with --proj)"),
    ([report(LSTMCell(3, 4, "projection", proj_size=2))], False, "summary: all 1 cells passed; projection with p = 2"),
    ([report(LSTMCell(3, 2, "cifg", "augmented"), (Check("float64", "hs", 1.0, 1e-12),)), report()], True,
     "summary: 1 of 2 cells FAILED (cifg/augmented)"),
    ([report(checks=(Check("float32", "hs", 0, 0.5, True),))], True,
     "summary: all 1 cells passed; 1 with checks too loose to mean much"),
], ids=["passed", "projection-chosen", "projection-given", "failed", "weak"])
def test_summary(reports, proj_chosen, expected):
    assert verification_summary(reports, 2, proj_chosen) == expected


def test_reports_of_one_cell_and_of_every_cell():
    one = Verified([report()], False, None, False)
    assert verification_report_text(one) == verification_text(report())
    assert verification_report_data(one) == verification_data(report())
    every = Verified([report(), report()], True, 1, True)
    assert verification_report_text(every) == (verification_text(report()) + "\n\n" + verification_text(report())
                                               + "\n\nsummary: all 2 cells passed")
    assert verification_report_data(every) == [verification_data(report())] * 2

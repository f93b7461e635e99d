"""Turn verification reports into text and JSON-ready data (``lstm-symbolic verify`` prints them)."""

from __future__ import annotations

from .families import cell_words
from .render import json_dim


def verification_text(report):
    cell = report.cell
    lines = [
        f"verify: compiled {cell_words(cell)} ({cell.layout.name} layout) against the NumPy reference,"
        " forward and backward (BPTT)",
        f"  n = {cell.input_size}, k = {cell.hidden_size}"
        + (f", p = {cell.proj_size}" if cell.proj_size is not None else "")
        + f", B = {report.batch}, T = {report.steps}, seed = {report.seed}",
        "",
        f"  {'dtype':<8} {'output':<22} {'error':>10}  {'tolerance':>9}  result",
    ]
    for c in report.checks:
        tolerance = f"{c.tolerance:.1e}" + ("*" if c.widened else " ")
        result = "ok" if c.ok else "MISMATCH"
        lines.append(f"  {c.dtype:<8} {c.quantity:<22} {c.error:>10.3e}  {tolerance:>10} {result}")
    lines.append("  (errors are max |compiled - reference| / max(1, |largest reference entry|))")
    if any(c.widened for c in report.checks):
        from .verification import SAFETY

        lines.append(f"  * widened: this sequence amplifies roundoff ({SAFETY}x the float64 reference's change when "
                     "its inputs\n    are perturbed by one rounding)")
    for dtype in report.weak_dtypes:
        from .verification import WEAK_TOLERANCE

        widest = max(c.tolerance for c in report.checks if c.dtype == dtype)
        lines.append(f"  note: the {dtype} tolerances grew to {widest:.1e} (above {WEAK_TOLERANCE:.0e}): a check this "
                     f"loose cannot tell a wrong rule\n    from roundoff; use fewer steps (--steps) for a "
                     f"meaningful {dtype} check")
    lines += ["", ("all checks passed" + (" (some too loose to mean much: see the note)" if report.weak_dtypes
                                          else "")) if report.ok else "verification FAILED"]
    return "\n".join(lines)


def verification_summary(reports, proj_size, proj_chosen):
    """One line after ``verify --all``: how many cells passed, which failed, the p used."""
    failed = [f"{r.cell.variant.name}/{r.cell.layout.name}" for r in reports if not r.ok]
    weak = sum(1 for r in reports if r.ok and r.weak_dtypes)
    head = (f"summary: all {len(reports)} cells passed" if not failed else
            f"summary: {len(failed)} of {len(reports)} cells FAILED ({', '.join(failed)})")
    notes = []
    if any(r.cell.variant.projection for r in reports):  # (a GRU or a simple RNN has no projection)
        notes.append(f"projection with p = {proj_size}" + (" (half of k; choose with --proj)" if proj_chosen else ""))
    if weak:
        notes.append(f"{weak} with checks too loose to mean much")
    return head + "".join(f"; {note}" for note in notes)


def verification_report_text(verified):
    """``verify``: each cell's checks, then (``--all``) the one-line summary."""
    text = "\n\n".join(verification_text(r) for r in verified.reports)
    if verified.every:
        text += "\n\n" + verification_summary(verified.reports, verified.proj_size, verified.proj_chosen)
    return text


def verification_report_data(verified):
    """``verify --json``: one cell's checks, or (``--all``) a list of them."""
    data = [verification_data(r) for r in verified.reports]
    return data if verified.every else data[0]


def verification_data(report):
    return {
        "ok": report.ok,
        "cell": report.cell.family.name,
        "variant": report.cell.variant.name,
        "layout": report.cell.layout.name,
        "dims": {k: json_dim(v) for k, v in report.cell.dims.items() if k != "B"},
        "batch": report.batch,
        "steps": report.steps,
        "seed": report.seed,
        "too_loose": report.weak_dtypes,
        "checks": [
            {"dtype": c.dtype, "output": c.quantity, "relative_error": c.error, "tolerance": c.tolerance,
             "tolerance_widened": c.widened, "ok": c.ok}
            for c in report.checks
        ],
    }

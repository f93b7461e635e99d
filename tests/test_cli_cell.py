"""cli_cell.py: derive, latex, diagram and verify as a user meets them (exit codes, output)."""

import json
from pathlib import Path

from .conftest import ALL_LAYOUTS, ALL_VARIANTS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_verify(cli):
    result = cli("verify", "-n", 20, "-k", 50)
    assert result.exit_code == 0
    assert "all checks passed" in result.output
    assert "float32" in result.output and "float64" in result.output


def test_verify_all_json(cli):
    result = cli("verify", "-n", 5, "-k", 4, "--proj", 2, "--all", "--json", "--steps", 3)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {(d["variant"], d["layout"]) for d in data} == {(v, lay) for v in ALL_VARIANTS for lay in ALL_LAYOUTS}
    assert all(d["ok"] for d in data)


def test_verify_mismatch_exit_1(cli, monkeypatch):
    import lstm_symbolic.verification as v

    original = v.reference_forward
    monkeypatch.setattr(v, "reference_forward", lambda *a: tuple(x + 1e-3 for x in original(*a)))
    result = cli("verify", "-n", 3, "-k", 2)
    assert result.exit_code == 1 and "MISMATCH" in result.output


def test_derive(cli):
    result = cli("derive", "-n", 20, "-k", 50)
    assert result.exit_code == 0
    assert "dW_f    : 50 x 20 = da_f @ x_t^T" in result.output
    assert "(50 x 1) @ (1 x 20)" in result.output
    assert "dc_t    : 50 x 1  = dh_t * o_t * (1 - tanh(c_t)^2) + dc_next" in result.output


def test_derive_symbolic_json_and_jacobians(cli):
    result = cli("derive", "-n", "n", "-k", "k", "--variant", "peephole", "--jacobians", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    eqs = {e["name"]: e for e in data["equations"]}
    assert eqs["dW_f"]["shape"] == ["k", "n"] and eqs["dp_f"]["rhs"] == "(da_f * c_prev) @ 1"
    assert {(j["of"], j["wrt"]) for j in data["jacobians"]} >= {("c_t", "c_prev"), ("h_t", "h_prev")}
    assert data["explanation"].startswith("The gates see the cell, so c_prev also reaches c_t through f_t and i_t: "
                                          "besides diag(f_t), d c_t / d c_prev has diagonal terms "
                                          "p_f * f_t(1 - f_t) * c_prev and p_i * i_t(1 - i_t) * g_t.")


def test_derive_text_jacobians(cli):
    result = cli("derive", "-n", 3, "-k", 2, "--variant", "vanilla", "--jacobians")
    assert "dc_t/dc_prev = I" in result.output and "constant error carousel" in result.output


def test_verify_checks_backward(cli):
    result = cli("verify", "-n", 4, "-k", 3, "--variant", "peephole", "--layout", "concat")
    assert result.exit_code == 0 and "grads (worst:" in result.output


def test_verify_says_when_a_widened_tolerance_is_too_loose(cli):
    result = cli("verify", "-n", "10", "-k", "20", "--steps", "3000", "--variant", "vanilla")
    assert result.exit_code == 0
    assert "note: the float32 tolerances grew to" in result.stdout
    assert result.stdout.rstrip().endswith("all checks passed (some too loose to mean much: see the note)")


def test_latex_and_diagram_to_standard_output_and_to_files(cli, tmp_path):
    fragment = cli("latex", "-n", 3, "-k", 2, "--fragment")
    assert fragment.exit_code == 0 and "\\begin{align*}" in fragment.stdout and fragment.stderr == ""
    written = cli("latex", "-n", 3, "-k", 2, "--fragment", "-o", tmp_path / "c.tex")
    assert written.stdout == "" and written.stderr == f"wrote {tmp_path / 'c.tex'}\n"
    assert (tmp_path / "c.tex").read_text() == fragment.stdout
    dot = cli("diagram", "-n", 3, "-k", 2)
    assert dot.stdout.startswith("digraph") and cli("diagram", "-n", 3, "-k", 2, "-o", tmp_path / "c.dot").stderr \
        == f"wrote {tmp_path / 'c.dot'}\n"
    assert (tmp_path / "c.dot").read_text() == dot.stdout

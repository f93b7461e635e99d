"""The command line, as a user meets it: exit codes, output, errors without tracebacks."""

import json
import shlex
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from lstm_symbolic.cli import main

from .conftest import ALL_LAYOUTS, ALL_VARIANTS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def table_rows(output):
    rows = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[2] == "x":
            rows[parts[0]] = " ".join(parts[1:4])
    return rows


def test_shapes_seed_course(cli):
    result = cli("shapes", "-n", 80, "-k", 12)
    assert result.exit_code == 0
    rows = table_rows(result.output)
    assert rows["W_f"] == "12 x 80" and rows["U_f"] == "12 x 12" and rows["b_f"] == "12 x 1"
    assert "parameters: 4464" in result.output


def test_shapes_symbolic(cli):
    result = cli("shapes", "-n", "n", "-k", "k")
    assert result.exit_code == 0
    assert table_rows(result.output)["W_f"] == "k x n"


def test_shapes_concat(cli):
    result = cli("shapes", "--layout", "concat", "-n", 20, "-k", 50, "--json")
    data = json.loads(result.output)
    assert data["tensors"]["W_f"] == [50, 70] and data["tensors"]["z_t"] == [70, 1]
    assert data["dims"] == {"n": 20, "k": 50, "B": 1}


def test_shapes_projection(cli):
    for args in (["--proj", 3], ["--proj", 3, "--variant", "projection"]):
        data = json.loads(cli("shapes", "-n", 10, "-k", 6, *args, "--json").output)
        assert data["tensors"]["W_hr"] == [3, 6] and data["tensors"]["U_f"] == [6, 3]


def test_shapes_symbolic_json(cli):
    data = json.loads(cli("shapes", "-n", "n", "-k", "k", "--layout", "augmented", "--json").output)
    assert data["tensors"]["W_o"] == ["k", "k + n + 1"]
    assert data["dims"] == {"n": "n", "k": "k", "B": 1}


def test_shapes_batch_and_steps(cli):
    data = json.loads(cli("shapes", "-n", 8, "-k", 4, "--batch", 16, "--steps", 10, "--json").output)
    assert data["tensors"]["x_t"] == [8, 16] and data["tensors"]["xs"] == [10, 8, 16]
    assert data["tensors"]["hs"] == [10, 4, 16] and data["dims"]["T"] == 10


def test_shapes_equations(cli):
    result = cli("shapes", "-n", 3, "-k", 2, "--variant", "cifg", "--equations")
    assert "f_t = 1 - i_t" in result.output
    assert "c_t = f_t * c_prev + i_t * g_t" in result.output


def test_solve(cli):
    result = cli("solve", "--shape", "W_f=50x20", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["tensors"]["U_i"] == [50, 50] and data["tensors"]["x_t"] == [20, 1]
    assert data["dims"]["n"] == 20 and data["dims"]["k"] == 50


@pytest.mark.parametrize("shapes", [["W_f=50x20", "h_prev=40x1"], ["W_f=50x20", "U_f=50x40"], ["W_f=50x20", "b_f=7x2"]])
def test_solve_contradiction_exit_1(cli, shapes):
    args = []
    for s in shapes:
        args += ["--shape", s]
    result = cli("solve", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    for s in shapes:
        assert s.split("=")[1].replace("x", " x ") in result.stderr
    assert "Traceback" not in result.stderr


def test_solve_under_determined(cli):
    result = cli("solve", "--shape", "b_f=50x1")
    assert result.exit_code == 1
    assert "cannot determine n" in result.stderr


@pytest.mark.parametrize("args,fragment", [
    (["shapes", "-n", "0", "-k", "3"], "at least 1"),
    (["shapes", "-n", "-3", "-k", "3"], "sizes are at least 1"),
    (["shapes", "-n", "2.5", "-k", "3"], "whole numbers"),
    (["shapes", "-n", "", "-k", "3"], "empty string"),
    (["shapes", "-n", "n!", "-k", "3"], "symbol name"),
    (["shapes", "-n", "3", "-k", "3", "--variant", "gru"], "'gru' is not one of 'standard'"),
    (["shapes", "-n", "3", "-k", "3", "--layout", "x"], "'x' is not one of 'separate', 'concat', 'augmented'"),
    (["shapes", "-n", "3", "-k", "3", "--variant", "projection"], "needs a projection size"),
    (["shapes", "-n", "3", "-k", "3", "--variant", "peephole", "--proj", "2"], "only applies to the projection"),
    (["solve", "--shape", "W_f=50x"], "is not a shape"),
    (["solve", "--shape", "x1"], "NAME=ROWSxCOLS"),
    (["solve", "--shape", "W_f=50x20x3"], "is not a shape"),
    (["solve", "--shape", "W_f"], "NAME=ROWSxCOLS"),
    (["solve", "--shape", "W_ff=50x20"], "did you mean W_f?"),
    (["solve", "--shape", "W_f=50x20", "--shape", "W_f=50x21"], "given twice"),
    (["verify", "-n", "n", "-k", "3"], "must be a positive integer"),
    (["verify", "-n", "3", "-k", "3", "--steps", "0"], "at least 1"),
    (["verify", "-n", "3", "-k", "3", "--all", "--variant", "cifg"], "--all verifies every variant"),
    (["verify", "-n", "100000", "-k", "100000"], "the limit is 2.0 GiB"),
])
def test_bad_input_exit_2(cli, args, fragment):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "Error:" in result.stderr and fragment in result.stderr
    assert "Traceback" not in result.output


def test_huge_sizes(cli):
    data = json.loads(cli("shapes", "-n", 10**9, "-k", 10**9, "--json").output)
    assert data["tensors"]["W_f"] == [10**9, 10**9]


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


@pytest.mark.parametrize("command", sorted(main.commands))
def test_help_has_an_example(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0 and "Examples:" in result.output and "lstm-symbolic " + command in result.output


def test_bare_command_prints_the_overview(cli):
    result = cli()
    assert result.exit_code == 0 and "Commands:" in result.output and "Examples:" in result.output


@pytest.mark.parametrize("words, cword, expected", [
    ("lstm-symbolic sh", 1, "shapes"),
    ("lstm-symbolic shapes --variant p", 3, "peephole"),
    ("lstm-symbolic latex --notation c", 3, "course"),
    ("lstm-symbolic convert w.npz --from k", 4, "keras"),
])
def test_shell_completion(words, cword, expected):
    """The README's `eval "$(_LSTM_SYMBOLIC_COMPLETE=bash_source lstm-symbolic)"` relies on this."""
    env = {"COMP_WORDS": words, "COMP_CWORD": str(cword), "_LSTM_SYMBOLIC_COMPLETE": "bash_complete"}
    result = CliRunner(env=env).invoke(main, [], prog_name="lstm-symbolic")
    assert f"plain,{expected}" in result.output.splitlines()


def test_convert_json(cli, tmp_path):
    arrays = {"weight_ih_l0": np.ones((12, 2)), "weight_hh_l0": np.ones((12, 3)), "bias_ih_l0": np.ones(12),
              "bias_hh_l0": np.ones(12)}
    np.savez(tmp_path / "t.npz", **arrays)
    result = cli("convert", tmp_path / "t.npz", "--from", "pytorch", "--to", "onnx", "-o", tmp_path / "o.npz", "--json")
    data = json.loads(result.output)
    assert data["arrays"] == {"B": [1, 24], "R": [1, 12, 3], "W": [1, 12, 2]} and (data["n"], data["k"]) == (2, 3)


def test_version(cli):
    assert cli("--version").output.startswith("lstm-symbolic, version ")


def test_python_dash_m():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "lstm_symbolic", "shapes", "-n", "4", "-k", "2", "--json"],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["tensors"]["W_f"] == [2, 4]


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
    assert "peephole" in data["explanation"] or "gates see the cell" in data["explanation"]


def test_derive_text_jacobians(cli):
    result = cli("derive", "-n", 3, "-k", 2, "--variant", "vanilla", "--jacobians")
    assert "dc_t/dc_prev = I" in result.output and "constant error carousel" in result.output


def test_verify_checks_backward(cli):
    result = cli("verify", "-n", 4, "-k", 3, "--variant", "peephole", "--layout", "concat")
    assert result.exit_code == 0 and "grads (worst:" in result.output


def test_start_up_choice_lists_match_the_family_table():
    """cli_options lists the families and the RNN's nonlinearities without building the family table."""
    from lstm_symbolic import cli_options as cli
    from lstm_symbolic.families import FAMILIES, RNN_VARIANTS

    assert cli.CELLS == list(FAMILIES)
    assert cli.NONLINEARITIES == tuple(RNN_VARIANTS)


def test_check_json_reports_declared_shapes_and_marks_conflicts(cli):
    result = cli("check", EXAMPLES / "broken.txt", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert data["tensors"]["W_f"] == [12, 81] and data["tensors"]["b"] == [5, 1]
    assert data["conflicting"] == ["W_f", "b"]


def test_verify_says_when_a_widened_tolerance_is_too_loose(cli):
    result = cli("verify", "-n", "10", "-k", "20", "--steps", "3000", "--variant", "vanilla")
    assert result.exit_code == 0
    assert "note: the float32 tolerances grew to" in result.stdout
    assert result.stdout.rstrip().endswith("all checks passed (some too loose to mean much: see the note)")


def test_suggested_commands_are_shell_quoted(cli, tmp_path):
    k, n = 2, 3
    source = tmp_path / "torch.npz"
    np.savez(source, weight_ih_l0=np.ones((4 * k, n)), weight_hh_l0=np.ones((4 * k, k)),
             bias_ih_l0=np.ones(4 * k), bias_hh_l0=np.ones(4 * k))
    target = str(tmp_path / "x;rm -rf ~.npz")
    result = cli("convert", source, "--from", "pytorch", "--to", "keras", "-o", target)
    assert result.exit_code == 0
    assert result.stderr.rstrip().endswith(f"list them with: lstm-symbolic inspect {shlex.quote(target)}")


def test_quiz_help_example_can_be_pasted(cli):
    text = cli("quiz", "--help").stdout
    lines = text[text.index("Examples:"):].splitlines()[1:4]
    command = shlex.split(" ".join(line.strip() for line in lines).replace("\\ ", ""))
    assert command[:2] == ["lstm-symbolic", "quiz"] and command.count("--option") == 4
    result = cli(*command[1:])
    assert result.exit_code == 0 and "choice: B. 50x1" in result.stdout


def test_solve_hints_at_the_column_convention(cli):
    result = cli("solve", "--shape", "W_f=nxk")
    assert result.stderr == (
        "warning: W_f was given as n x k, but in the column convention W_f is k x n (hidden size x input size), "
        "so the answer reads your k as the input size n and your n as the hidden size k; to keep your names, "
        "give W_f=kxn\n")
    assert cli("solve", "--shape", "W_f=kxn").stderr == ""


def test_wording_of_counts(cli, tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("x_t : 3 x 1\ny = tanh(x_t)\n")
    assert ": 1 equation, 2 tensors," in cli("check", path).stdout

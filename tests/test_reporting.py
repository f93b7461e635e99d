"""Reporting and internal points of the files-and-options issue: declared shapes in check's JSON,
the real nesting limit, one size limit, weak verification, shell-quoted suggestions, the
column-convention hint of solve, and the library's own errors where NumPy's used to escape."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pytest

from lstm_symbolic import LSTMCell
from lstm_symbolic.checker import check_text
from lstm_symbolic.errors import LstmSymbolicError, ShapeError, UsageError
from lstm_symbolic.parser import MAX_DEPTH

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_check_json_reports_declared_shapes_and_marks_conflicts(cli):
    result = cli("check", EXAMPLES / "broken.txt", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert data["tensors"]["W_f"] == [12, 81] and data["tensors"]["b"] == [5, 1]
    assert data["conflicting"] == ["W_f", "b"]


@pytest.mark.parametrize("open_, close", [("(", ")"), ("tanh(", ")"), ("[1; ", "]")], ids=["parens", "calls", "brackets"])
def test_the_nesting_limit_is_the_one_the_message_states(open_, close):
    assert check_text("y = " + open_ * MAX_DEPTH + "x" + close * MAX_DEPTH).ok
    with pytest.raises(UsageError, match=f"more than {MAX_DEPTH} levels of parentheses"):
        check_text("y = " + open_ * (MAX_DEPTH + 1) + "x" + close * (MAX_DEPTH + 1))


@pytest.mark.parametrize("size", ["1000000000000000000000", "1000000000 * 1000000000000"], ids=["literal", "product"])
def test_check_has_the_same_size_limit_as_the_options(size):
    with pytest.raises(UsageError, match=r"a size is at most 10\*\*18"):
        check_text(f"x_t : {size} x 1\ny = tanh(x_t)\n")
    assert check_text("x_t : 1000000000000000000 x 1\ny = tanh(x_t)\n").ok


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


@pytest.mark.parametrize("layout", ["separate", "concat", "augmented"])
def test_a_symbolic_cell_prepare_checks_shapes(layout):
    numeric = LSTMCell(3, 2, layout=layout).compile()
    symbolic = LSTMCell("n", "k", layout=layout).compile()
    params = numeric.init_params(seed=1)
    xs, h0, c0 = np.ones((2, 3, 1)), np.zeros((2, 1)), np.zeros((2, 1))
    np.testing.assert_allclose(symbolic.forward(symbolic.prepare(params), xs, h0, c0)[0],
                               numeric.forward(params, xs, h0, c0)[0], rtol=1e-12)
    wrong = {**params, "b_f": np.ones((5, 1))}
    with pytest.raises(ShapeError):
        symbolic.prepare(wrong)
    with pytest.raises(ShapeError, match="prepare them again"):
        symbolic.forward(symbolic.prepare(params), np.ones((2, 4, 1)), h0, c0)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True], ids=["negative", "float", "text", "bool"])
def test_init_params_seed_is_checked(seed):
    with pytest.raises(LstmSymbolicError, match="seed must be a non-negative integer"):
        LSTMCell(3, 2).compile().init_params(seed=seed)

"""cli_shapes.py: shapes, solve and params as a user meets them (exit codes, output, warnings)."""

import json
from pathlib import Path

import pytest

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


def test_huge_sizes(cli):
    data = json.loads(cli("shapes", "-n", 10**9, "-k", 10**9, "--json").output)
    assert data["tensors"]["W_f"] == [10**9, 10**9]


def test_solve_hints_at_the_column_convention(cli):
    result = cli("solve", "--shape", "W_f=nxk")
    assert result.stderr == (
        "warning: W_f was given as n x k, but in the column convention W_f is k x n (hidden size x input size), "
        "so the answer reads your k as the input size n and your n as the hidden size k; to keep your names, "
        "give W_f=kxn\n")
    assert cli("solve", "--shape", "W_f=kxn").stderr == ""


def test_params(cli):
    result = cli("params", "-n", 20, "-k", 50, "--framework", "keras", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["total"] == 4 * 50 * (20 + 50 + 1)
    text = cli("params", "-n", 20, "-k", 50, "--reset-after").stdout
    assert text.startswith("canonical GRU cell") and f"total: {3 * 50 * (20 + 50 + 2)}" in text


def test_shapes_with_a_framework(cli):
    result = cli("shapes", "-n", 3, "-k", 2, "--framework", "keras", "--json")
    assert json.loads(result.stdout)["framework"] == {
        "name": "keras", "parameters": 48,
        "shapes": {"input": ["None", "T", 3], "output": ["None", 2], "h_n": ["None", 2], "c_n": ["None", 2]}}

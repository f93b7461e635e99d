"""cli_files.py: check, quiz, summary, convert and inspect as a user meets them (exit codes, output)."""

import json
import shlex
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_convert_json(cli, tmp_path):
    arrays = {"weight_ih_l0": np.ones((12, 2)), "weight_hh_l0": np.ones((12, 3)), "bias_ih_l0": np.ones(12),
              "bias_hh_l0": np.ones(12)}
    np.savez(tmp_path / "t.npz", **arrays)
    result = cli("convert", tmp_path / "t.npz", "--from", "pytorch", "--to", "onnx", "-o", tmp_path / "o.npz", "--json")
    data = json.loads(result.output)
    assert data["arrays"] == {"B": [1, 24], "R": [1, 12, 3], "W": [1, 12, 2]} and (data["n"], data["k"]) == (2, 3)


def test_check_json_reports_declared_shapes_and_marks_conflicts(cli):
    result = cli("check", EXAMPLES / "broken.txt", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert data["tensors"]["W_f"] == [12, 81] and data["tensors"]["b"] == [5, 1]
    assert data["conflicting"] == ["W_f", "b"]


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


def test_wording_of_counts(cli, tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("x_t : 3 x 1\ny = tanh(x_t)\n")
    assert ": 1 equation, 2 tensors," in cli("check", path).stdout


def test_inspect(cli, tmp_path):
    path = tmp_path / "t.npz"
    np.savez(path, weight_ih_l0=np.ones((12, 2)), weight_hh_l0=np.ones((12, 3)), bias_ih_l0=np.ones(12),
             bias_hh_l0=np.ones(12))
    result = cli("inspect", path, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["framework"] == "pytorch"
    failed = cli("inspect", path, "--framework", "keras")
    assert failed.exit_code == 1 and "as keras: no kernel" in failed.stdout and failed.stderr.startswith("Error: ")


def test_summary_warns_about_code_it_does_not_read(cli):
    result = cli("summary", "-", input="model = nn.Sequential(nn.Linear(10, 64), nn.Frobnicate(3))\n")
    assert result.exit_code == 0 and result.stderr.startswith("Warning: ") and "Frobnicate" in result.stderr


def test_quiz_from_standard_input(cli):
    result = cli("quiz", "--json", input="How many parameters does a PyTorch LSTM with input_size=10 and "
                                          "hidden_size=20 have?\n")
    assert result.exit_code == 0 and json.loads(result.stdout)["answer"] == "2560"

"""Framework weights through the command line: convert and inspect end to end, bad files, the
parameter and shape commands with --framework (cross-cutting: npz, frameworks, reader, CLI)."""

import json

import numpy as np
import pytest

from lstm_symbolic.frameworks import random_model, to_framework


def save(tmp_path, name, arrays):
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


def test_cli_convert_and_inspect(cli, tmp_path):
    model = random_model(5, 4, layers=2, bidirectional=True)
    source = save(tmp_path, "torch.npz", to_framework("pytorch", model))
    target = tmp_path / "keras.npz"
    result = cli("convert", source, "--from", "pytorch", "--to", "keras", "-o", target)
    assert result.exit_code == 0, result.output
    with np.load(target) as data:
        assert data["l1/backward/kernel"].shape == (8, 16)
    inspected = cli("inspect", target, "--json")
    data = json.loads(inspected.output)
    assert data["framework"] == "keras"
    assert data["readings"]["keras"] == {"cell": "lstm", "n": 5, "k": 4, "p": None, "layers": 2, "directions": 2,
                                         "variant": "standard"}


def test_inspect_reports_every_inconsistency(cli, tmp_path):
    arrays = to_framework("pytorch", random_model(5, 4))
    arrays["weight_hh_l0"] = arrays["weight_hh_l0"][:, :3]
    del arrays["bias_hh_l0"]
    path = save(tmp_path, "bad.npz", arrays)
    result = cli("inspect", path, "--framework", "pytorch")
    assert result.exit_code == 1
    assert "missing bias_hh_l0" in result.output
    assert "missing weight_hr_l0 (weight_hh_l0 has 3 recurrent columns, not k = 4: a model with a projection)" \
        in result.output
    arrays = to_framework("keras", random_model(5, 4))
    arrays["kernel"] = arrays["kernel"][:, :15]
    result = cli("inspect", save(tmp_path, "k.npz", arrays), "--framework", "keras")
    assert result.exit_code == 1
    assert "kernel: the gate axis has 15 entries, not a multiple of 4 (one block per gate: i, f, c, o)" in result.output


@pytest.mark.parametrize("make,fragment", [
    (lambda p: None, "cannot read"),
    (lambda p: p.write_bytes(b"not a zip"), "is not an .npz file"),
    (lambda p: np.savez(p, weight_ih_l0=np.zeros((10, 3)), weight_hh_l0=np.zeros((10, 3)),
                        bias_ih_l0=np.zeros(10), bias_hh_l0=np.zeros(10)), "not a multiple of 4"),
    (lambda p: np.savez(p, weight_ih_l0=np.zeros((8, 3, 1)), weight_hh_l0=np.zeros((8, 2)),
                        bias_ih_l0=np.zeros(8), bias_hh_l0=np.zeros(8)), "has 3 dimensions"),
])
def test_cli_convert_bad_files(cli, tmp_path, make, fragment):
    source = tmp_path / "in.npz"
    make(source)
    out = tmp_path / "out.npz"
    result = cli("convert", source, "--from", "pytorch", "--to", "keras", "-o", out)
    assert result.exit_code in (1, 2) and fragment in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_cli_convert_unsupported_feature(cli, tmp_path):
    source = save(tmp_path, "p.npz", to_framework("pytorch", random_model(5, 4, proj_size=2)))
    out = tmp_path / "onnx.npz"
    result = cli("convert", source, "--from", "pytorch", "--to", "onnx", "-o", out)
    assert result.exit_code == 2 and "ONNX LSTM cannot hold a projection (proj_size)" in result.stderr
    assert not out.exists()


def test_cli_unknown_framework(cli):
    result = cli("params", "-n", 3, "-k", 2, "--framework", "caffe")
    assert result.exit_code == 2 and "'caffe' is not one of 'pytorch', 'keras', 'onnx', 'matlab', 'tf1'" in \
        result.stderr


def test_cli_params_json(cli):
    data = json.loads(cli("params", "-n", 20, "-k", 50, "--framework", "keras", "--json").output)
    assert data["total"] == 14200 and data["tensors"]["kernel"] == {"shape": [20, 200], "count": 4000}
    assert data["formula"].startswith("4k(n + k + 1) = 4·50·(20 + 50 + 1) = 14200")


def test_cli_shapes_framework(cli):
    result = cli("shapes", "-n", 1, "-k", 75, "--framework", "matlab", "--steps", 400, "--dense", 3, "--json")
    data = json.loads(result.output)["framework"]["shapes"]
    assert data["output"] == [75, 400] and data["dense weights"] == [3, 75]
    result = cli("shapes", "-n", 2, "-k", 16, "--layers", 2)
    assert result.exit_code == 2 and "add --framework" in result.stderr


def test_reading_with_the_wrong_framework_names_the_right_one(cli, tmp_path):
    arrays = {"weight_ih_l0": np.ones((12, 2)), "weight_hh_l0": np.ones((12, 3)), "bias_ih_l0": np.ones(12),
              "bias_hh_l0": np.ones(12)}
    np.savez(tmp_path / "t.npz", **arrays)
    result = cli("convert", tmp_path / "t.npz", "--from", "keras", "--to", "onnx", "-o", tmp_path / "o.npz")
    assert result.exit_code == 1 and "hint: the arrays read consistently as pytorch weights: try --from pytorch" \
        in result.stderr
    result = cli("inspect", tmp_path / "t.npz", "--framework", "matlab")
    assert result.exit_code == 1 and "they do read as pytorch weights (leave out --framework)" in result.stderr



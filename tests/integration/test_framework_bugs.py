"""The bugs of the framework code before it became one table (each test failed on that code).

They use only the command line and ``sequence_shapes``, so that they run against the old code too.
"""

import json

import numpy as np
import pytest

from lstm_symbolic.sequences import sequence_shapes


def npz(tmp_path, name, **arrays):
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


def torch_arrays(n=3, k=4, rng=None):
    rng = rng or np.random.default_rng(0)
    return {"weight_ih_l0": rng.standard_normal((4 * k, n)), "weight_hh_l0": rng.standard_normal((4 * k, k)),
            "bias_ih_l0": rng.standard_normal(4 * k), "bias_hh_l0": rng.standard_normal(4 * k)}


def test_inspect_a_key_with_a_malformed_layer_number_is_an_error_not_a_traceback(cli, tmp_path):
    arrays = torch_arrays()
    arrays["weight_ih_lx"] = arrays["weight_ih_l0"]
    result = cli("inspect", npz(tmp_path, "w.npz", **arrays), "--framework", "pytorch")
    assert result.exit_code == 1
    assert "weight_ih_lx" in result.output and "not arrays of the PyTorch nn.LSTM layout" in result.output


def test_tf1_projection_wider_than_the_kernel_is_not_a_negative_input_size(cli, tmp_path):
    path = npz(tmp_path, "tf1.npz", kernel=np.ones((3, 8)), bias=np.ones(8), **{"projection/kernel": np.ones((2, 5))})
    result = cli("inspect", path, "--framework", "tf1", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and not data["readings"]
    assert "leaves n = -2" in data["problems"]["tf1"]


def test_a_projection_not_below_the_hidden_size_is_not_written_for_pytorch(cli, tmp_path):
    n, k, p = 3, 2, 5  # a valid TF1 LSTMCell(num_units=2, num_proj=5)
    path = npz(tmp_path, "tf1.npz", kernel=np.ones((n + p, 4 * k)), bias=np.ones(4 * k),
               **{"projection/kernel": np.ones((k, p))})
    out = tmp_path / "torch.npz"
    result = cli("convert", path, "--from", "tf1", "--to", "pytorch", "-o", out)
    assert result.exit_code == 2 and "requires proj_size < hidden_size" in result.stderr and not out.exists()


def tf1_peephole_projection(rng, n=3, k=4, p=2):
    return {"kernel": rng.standard_normal((n + p, 4 * k)), "bias": rng.standard_normal(4 * k),
            "projection/kernel": rng.standard_normal((k, p)),
            **{f"w_{g}_diag": rng.standard_normal(k) for g in "ifo"}}


def test_tf1_peephole_and_projection_keep_both(cli, tmp_path):
    arrays = tf1_peephole_projection(np.random.default_rng(1))
    path = npz(tmp_path, "tf1.npz", **arrays)
    data = json.loads(cli("inspect", path, "--framework", "tf1", "--json").stdout)
    assert data["readings"]["tf1"]["variant"] == "peephole+projection"
    out = tmp_path / "again.npz"
    assert cli("convert", path, "--from", "tf1", "--to", "tf1", "-o", out).exit_code == 0
    with np.load(out) as back:
        assert set(back) == set(arrays)
        for name in arrays:
            np.testing.assert_allclose(back[name], arrays[name], rtol=0, atol=1e-15)


def test_tf1_sequence_shapes_use_the_projection():
    shapes = sequence_shapes("tf1", 10, 8, batch=2, steps=5, proj=3)
    assert shapes["h_n"] == (2, 3) and shapes["output"] == (2, 5, 3) and shapes["c_n"] == (2, 8)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_forget_bias_must_be_finite(cli, tmp_path, value):
    path = npz(tmp_path, "tf1.npz", kernel=np.ones((7, 16)), bias=np.ones(16))
    out = tmp_path / "torch.npz"
    result = cli("convert", path, "--from", "tf1", "--to", "pytorch", "-o", out, "--forget-bias", value)
    assert result.exit_code == 2 and "finite" in result.stderr and not out.exists()


def test_forget_bias_without_tf1_is_not_silently_ignored(cli, tmp_path):
    path = npz(tmp_path, "torch.npz", **torch_arrays())
    out = tmp_path / "keras.npz"
    result = cli("convert", path, "--from", "pytorch", "--to", "keras", "-o", out, "--forget-bias", "5")
    assert result.exit_code == 0 and "warning: --forget-bias" in result.stderr and "does not use it" in result.stderr


def test_forget_bias_with_a_recognised_tf1_source_is_used(cli, tmp_path):
    rng = np.random.default_rng(3)
    path = npz(tmp_path, "tf1.npz", kernel=rng.standard_normal((7, 16)), bias=np.zeros(16))
    out = tmp_path / "torch.npz"
    result = cli("convert", path, "--to", "pytorch", "-o", out, "--forget-bias", "0.5")  # --from recognised
    assert result.exit_code == 0 and "warning" not in result.stderr
    with np.load(out) as arrays:
        np.testing.assert_array_equal(arrays["bias_ih_l0"][4:8], 0.5)  # PyTorch's f block: rows k..2k


@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
def test_non_finite_weights_are_reported(cli, tmp_path, bad):
    arrays = torch_arrays()
    arrays["weight_hh_l0"][2, 1] = bad
    path = npz(tmp_path, "torch.npz", **arrays)
    out = tmp_path / "keras.npz"
    result = cli("convert", path, "--from", "pytorch", "--to", "keras", "-o", out)
    assert result.exit_code == 1 and "weight_hh_l0 holds" in result.stderr and "[2, 1]" in result.stderr
    assert not out.exists()

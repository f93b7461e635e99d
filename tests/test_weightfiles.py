"""Weight files through weightfiles.py: the format from the extension or --format, and the notes a
conversion adds (a float64 model onnxruntime cannot run, a simple RNN's nonlinearity).  Each format's
own reader and writer: test_npz, test_torch_files, test_onnx_files, test_keras_files, test_matlab_files."""

import numpy as np

from lstm_symbolic.frameworks import random_model, to_framework

from .conftest import require


def test_the_format_comes_from_the_extension_or_format(cli, tmp_path):
    with open(tmp_path / "weights.bin", "wb") as handle:  # np.savez would add .npz to a name
        np.savez(handle, **to_framework("pytorch", random_model(3, 2)))
    result = cli("inspect", tmp_path / "weights.bin")
    assert result.exit_code == 2 and "give --format" in result.stderr
    assert cli("inspect", tmp_path / "weights.bin", "--format", "npz").exit_code == 0
    result = cli("convert", tmp_path / "weights.bin", "--format", "npz", "-o", tmp_path / "out.npz")
    assert result.exit_code == 2 and "--to" in result.stderr


def test_a_float64_onnx_model_says_onnxruntime_cannot_run_it(cli, tmp_path):
    require("onnx")
    np.savez(tmp_path / "w.npz", **to_framework("pytorch", random_model(3, 2)))
    result = cli("convert", tmp_path / "w.npz", "-o", tmp_path / "m.onnx")
    assert result.exit_code == 0 and "convert with --dtype float32 for onnxruntime" in result.stderr
    result = cli("convert", tmp_path / "w.npz", "-o", tmp_path / "m.onnx", "--dtype", "float32", "--json")
    assert result.exit_code == 0 and "--dtype" not in result.stderr


def test_a_simple_rnn_conversion_says_the_nonlinearity_is_not_in_the_weights(cli, tmp_path):
    np.savez(tmp_path / "rnn.npz", **to_framework("pytorch", random_model(3, 2, cell="rnn")))
    result = cli("convert", tmp_path / "rnn.npz", "--to", "keras", "-o", tmp_path / "k.npz")
    assert result.exit_code == 0 and "nonlinearity (tanh or relu) is not stored" in result.stderr

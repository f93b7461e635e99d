"""Converted weights run in the target framework's own runtime and give torch's outputs.

torch ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` (stacked, bidirectional, projection) is saved as a
state dict (.pt), converted with the command line, and run in onnxruntime (the written .onnx),
ONNX's reference evaluator (float64, which onnxruntime's recurrent operators lack), a real
Keras 3 layer given the arrays with ``set_weights`` (on the torch backend), and torch itself
after a trip through every format.  float32 agrees within 1e-5, float64 within 1e-10.
"""

import numpy as np
import pytest

from ..conftest import require

T, B, N, K = 5, 3, 4, 6
TOLERANCE = {np.float32: 1e-5, np.float64: 1e-10}
CONFIGS = {"one-layer": dict(), "stacked": dict(num_layers=2), "bidirectional": dict(bidirectional=True),
           "stacked-bidirectional": dict(num_layers=3, bidirectional=True)}
TORCH_CLASSES = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}


def torch_layer(torch, cell, dtype, seed=0, **config):
    torch.manual_seed(seed)
    layer = getattr(torch.nn, TORCH_CLASSES[cell])(N, K, **config)
    return layer.double() if dtype == np.float64 else layer.float()


def torch_outputs(torch, layer, x, states=None):
    """(output, h_n[, c_n]) of a torch layer as NumPy, input T x B x n."""
    with torch.no_grad():
        out, final = layer(torch.from_numpy(x), states)
    finals = final if isinstance(final, tuple) else (final,)
    return [out.numpy()] + [f.numpy() for f in finals]


def saved(torch, layer, path):
    torch.save(layer.state_dict(), path)
    return path


def inputs(dtype, seed=1):
    return np.random.default_rng(seed).standard_normal((T, B, N)).astype(dtype)


def close(ours, theirs, dtype):
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOLERANCE[dtype])


def converted(cli, source, target, *options):
    result = cli("convert", source, "-o", target, *options)
    assert result.exit_code == 0, result.output
    return target


# -- onnxruntime on the written .onnx ---------------------------------------------------------------
@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_onnxruntime_runs_the_written_model_with_torchs_outputs(cli, tmp_path, cell, config):
    torch, ort = require("torch"), require("onnxruntime")
    layer = torch_layer(torch, cell, np.float32, **CONFIGS[config])
    path = converted(cli, saved(torch, layer, tmp_path / "model.pt"), tmp_path / "model.onnx")
    x = inputs(np.float32)
    results = ort.InferenceSession(str(path)).run(None, {"X": x})
    expected = torch_outputs(torch, layer, x)
    Y = results[0]
    close(Y.transpose(0, 2, 1, 3).reshape(T, B, -1), expected[0], np.float32)  # [T, D, B, k] -> [T, B, D k]
    for ours, theirs in zip(results[1:], expected[1:]):
        close(ours, theirs, np.float32)


def test_onnxruntime_with_initial_states(cli, tmp_path):
    torch, ort = require("torch"), require("onnxruntime")
    layer = torch_layer(torch, "lstm", np.float32, num_layers=2, bidirectional=True)
    path = converted(cli, saved(torch, layer, tmp_path / "model.pt"), tmp_path / "model.onnx", "--initial-states")
    rng = np.random.default_rng(4)
    x, h0, c0 = inputs(np.float32), *rng.standard_normal((2, 4, B, K)).astype(np.float32)
    Y, Y_h, Y_c = ort.InferenceSession(str(path)).run(None, {"X": x, "initial_h": h0, "initial_c": c0})
    out, h_n, c_n = torch_outputs(torch, layer, x, (torch.from_numpy(h0), torch.from_numpy(c0)))
    close(Y.transpose(0, 2, 1, 3).reshape(T, B, -1), out, np.float32)
    close(Y_h, h_n, np.float32)
    close(Y_c, c_n, np.float32)


@pytest.mark.parametrize("config", ["stacked-bidirectional"])
def test_onnx_reference_evaluator_in_float64(cli, tmp_path, config):
    torch = require("torch")
    require("onnx")
    from onnx.reference import ReferenceEvaluator

    layer = torch_layer(torch, "lstm", np.float64, **CONFIGS[config])
    path = converted(cli, saved(torch, layer, tmp_path / "model.pt"), tmp_path / "model.onnx")
    x = inputs(np.float64)
    Y, Y_h, Y_c = ReferenceEvaluator(str(path)).run(None, {"X": x})
    out, h_n, c_n = torch_outputs(torch, layer, x)
    close(Y.transpose(0, 2, 1, 3).reshape(T, B, -1), out, np.float64)
    close(Y_h, h_n, np.float64)
    close(Y_c, c_n, np.float64)


# -- a real Keras layer given the arrays with set_weights ---------------------------------------------
KERAS_CLASSES = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}


def keras_model(keras, cell, dtype, num_layers=1, bidirectional=False):
    dtype = np.dtype(dtype).name
    layers = [keras.Input((T, N), dtype=dtype)]
    for _ in range(num_layers):
        layer = getattr(keras.layers, KERAS_CLASSES[cell])(K, return_sequences=True, dtype=dtype)
        layers.append(keras.layers.Bidirectional(layer, dtype=dtype) if bidirectional else layer)
    return keras.Sequential(layers)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_keras_set_weights_gives_torchs_outputs(cli, tmp_path, cell, config, dtype):
    torch, keras = require("torch"), require("keras")
    layer = torch_layer(torch, cell, dtype, **CONFIGS[config])
    path = converted(cli, saved(torch, layer, tmp_path / "model.pt"), tmp_path / "keras.npz", "--to", "keras")
    model = keras_model(keras, cell, dtype, **CONFIGS[config])
    with np.load(path) as arrays:
        model.set_weights(list(arrays.values()))
    x = inputs(dtype)
    ours = keras.ops.convert_to_numpy(model(x.transpose(1, 0, 2)))  # Keras is batch-major
    # Keras 3.15's SimpleRNN with dtype float64 computes with float32 precision (1e-7 off a float64
    # NumPy loop); its LSTM and GRU agree to 1e-16
    tolerance = TOLERANCE[np.float32] if cell == "rnn" else TOLERANCE[dtype]
    np.testing.assert_allclose(ours.transpose(1, 0, 2), torch_outputs(torch, layer, x)[0], rtol=0, atol=tolerance)


# -- torch itself, after a trip through every format ---------------------------------------------------
def _trip_cases():
    """Every layout row x every format that holds its framework (generated from the two tables)."""
    from lstm_symbolic.framework_table import LAYOUTS
    from lstm_symbolic.weightfiles import FORMATS

    for row in LAYOUTS:
        for config in ("stacked-bidirectional", "projection"):
            if config == "projection" and "projection" not in row.features:
                continue
            for fmt in FORMATS.values():
                if fmt.writes and fmt.framework in (None, row.framework):
                    name = f"{row.framework}{fmt.suffixes[0]}"
                    yield pytest.param(row.cell, config, row.framework, name, fmt.library,
                                       id=f"{row.cell}-{config}-{name}")


TRIP_CASES = list(_trip_cases())


@pytest.mark.parametrize("cell,config,framework,name,library", TRIP_CASES)
def test_torch_runs_weights_brought_back_from_every_format(cli, tmp_path, cell, config, framework, name, library):
    torch = require("torch")
    require(library or "numpy")
    options = dict(num_layers=2, proj_size=3) if config == "projection" else CONFIGS[config]
    layer = torch_layer(torch, cell, np.float64, **options)
    there = converted(cli, saved(torch, layer, tmp_path / "model.pt"), tmp_path / name, "--to", framework)
    back = converted(cli, there, tmp_path / "back.pt", "--from", framework)
    fresh = torch_layer(torch, cell, np.float64, seed=99, **options)
    fresh.load_state_dict(torch.load(back, weights_only=True))
    x = inputs(np.float64)
    for ours, theirs in zip(torch_outputs(torch, fresh, x), torch_outputs(torch, layer, x)):
        close(ours, theirs, np.float64)


# -- the README's conversion examples ---------------------------------------------------------------
def test_the_readme_conversion_examples_run(cli, tmp_path, monkeypatch):
    """The README converts examples/lstm.pt to .onnx and to Keras arrays, and its Python blocks run
    them in onnxruntime and Keras and compare with torch (their asserts are the check)."""
    import re
    import shlex
    import shutil
    from pathlib import Path

    require("torch"), require("onnxruntime"), require("keras")
    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    text = (root / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^\$ lstm-symbolic (convert examples/lstm\.pt .*)$", text, re.M)
    blocks = [b for b in re.findall(r"^```python\n(.*?)^```", text, re.S | re.M) if "examples/lstm.pt" in b]
    assert len(commands) == 2 and len(blocks) == 2
    for command in commands:
        assert cli(*shlex.split(command)).exit_code == 0
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_a_keras_weights_h5_file_runs_in_torch_with_keras_outputs(cli, tmp_path, cell):
    torch, keras = require("torch"), require("keras")
    require("h5py")
    keras.utils.set_random_seed(7)
    model = keras_model(keras, cell, np.float32, num_layers=2, bidirectional=True)
    model.add(keras.layers.Dense(2))  # left out by the reader, with a note
    model.save_weights(tmp_path / "model.weights.h5")
    result = cli("convert", tmp_path / "model.weights.h5", "-o", tmp_path / "model.pt", "--to", "pytorch")
    assert result.exit_code == 0, result.output
    layer = torch_layer(torch, cell, np.float32, seed=99, num_layers=2, bidirectional=True)
    layer.load_state_dict(torch.load(tmp_path / "model.pt", weights_only=True))
    x = inputs(np.float32)
    recurrent = keras.Sequential(model.layers[:-1])
    expected = keras.ops.convert_to_numpy(recurrent(x.transpose(1, 0, 2))).transpose(1, 0, 2)
    close(torch_outputs(torch, layer, x)[0], expected, np.float32)

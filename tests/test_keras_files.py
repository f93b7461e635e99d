"""Writing Keras 3 ``.weights.h5`` files: torch nn.LSTM / nn.GRU / nn.RNN -> ``.pt`` -> ``convert`` ->
``.weights.h5`` -> a real Keras 3 model's ``load_weights`` gives torch's outputs; the file has the
groups and shapes Keras' own ``save_weights`` writes; reading it back gives the written arrays; a Keras
``.weights.h5`` and a ``get_weights()`` list saved without names are read in layer order."""

import re

import numpy as np
import pytest

from .conftest import require

#: (cell, layers, bidirectional): one layer, stacked, bidirectional, both.
CASES = [(cell, layers, bi) for cell in ("lstm", "gru", "rnn") for layers, bi in ((1, False), (2, False), (1, True),
                                                                                  (2, True))]
IDS = [f"{cell}-{layers}layer{'-bi' if bi else ''}" for cell, layers, bi in CASES]
TORCH_CLASS = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}
KERAS_CLASS = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}
N, K, T, B = 3, 4, 6, 2


def libraries():
    torch, keras = require("torch"), require("keras")
    return torch, keras, require("h5py")


def torch_pt(torch, path, cell, layers, bi, **extra):
    """A seeded torch recurrent module, saved as a state dict at ``path``."""
    torch.manual_seed(11)
    module = getattr(torch.nn, TORCH_CLASS[cell])(N, K, num_layers=layers, bidirectional=bi, **extra)
    torch.save(module.state_dict(), path)
    return module


def keras_stack(keras, cell, layers, bi):
    """The Keras 3 Sequential of the same layers (every layer returns its sequence)."""
    made = [getattr(keras.layers, KERAS_CLASS[cell])(K, return_sequences=True) for _ in range(layers)]
    made = [keras.layers.Bidirectional(layer) for layer in made] if bi else made
    return keras.Sequential([keras.Input((None, N)), *made])


def h5_tree(h5py, path):
    """``{group or dataset path: shape or None}`` of an HDF5 file."""
    tree = {}
    with h5py.File(path, "r") as handle:
        handle.visititems(lambda name, obj: tree.__setitem__(name, getattr(obj, "shape", None)))
    return tree


def convert(cli, source, target, *options):
    result = cli("convert", source, "-o", target, *options)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize(("cell", "layers", "bi"), CASES, ids=IDS)
def test_keras_loads_the_written_file_and_gives_torch_outputs(cli, tmp_path, cell, layers, bi):
    torch, keras, _ = libraries()
    module = torch_pt(torch, tmp_path / "model.pt", cell, layers, bi)
    convert(cli, tmp_path / "model.pt", tmp_path / "model.weights.h5")
    keras_stack(keras, cell, 1, False)  # an earlier model in the session: the file's names do not depend on it
    model = keras_stack(keras, cell, layers, bi)
    model.load_weights(tmp_path / "model.weights.h5")
    x = np.random.default_rng(5).standard_normal((B, T, N)).astype(np.float32)
    ours = keras.ops.convert_to_numpy(model(x))
    with torch.no_grad():
        expected = module(torch.from_numpy(x.transpose(1, 0, 2)))[0].numpy().transpose(1, 0, 2)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize(("cell", "layers", "bi"), CASES, ids=IDS)
def test_the_file_has_the_groups_and_shapes_keras_writes(cli, tmp_path, cell, layers, bi):
    torch, keras, h5py = libraries()
    torch_pt(torch, tmp_path / "model.pt", cell, layers, bi)
    convert(cli, tmp_path / "model.pt", tmp_path / "ours.weights.h5")
    keras_stack(keras, cell, layers, bi).save_weights(tmp_path / "keras.weights.h5")
    assert h5_tree(h5py, tmp_path / "ours.weights.h5") == h5_tree(h5py, tmp_path / "keras.weights.h5")


@pytest.mark.parametrize(("cell", "layers", "bi"), CASES, ids=IDS)
def test_reading_the_file_back_gives_the_written_arrays(cli, tmp_path, cell, layers, bi):
    torch = require("torch")
    require("h5py")
    from lstm_symbolic.keras_files import load

    torch_pt(torch, tmp_path / "model.pt", cell, layers, bi)
    convert(cli, tmp_path / "model.pt", tmp_path / "model.weights.h5")
    convert(cli, tmp_path / "model.pt", tmp_path / "keras.npz", "--to", "keras")  # the same arrays, get_weights() order
    back, _ = load(str(tmp_path / "model.weights.h5"))
    with np.load(tmp_path / "keras.npz") as written:
        assert len(back) == len(written)
        for ours, theirs in zip(back.values(), written.values()):
            np.testing.assert_array_equal(ours, theirs)
    again = convert(cli, tmp_path / "model.weights.h5", tmp_path / "again.weights.h5")
    assert "2 directions" in again.stderr if bi else "1 direction" in again.stderr


def test_the_note_names_a_keras_model_that_loads_the_file(cli, tmp_path):
    torch, keras, _ = libraries()
    torch_pt(torch, tmp_path / "model.pt", "gru", 2, True)
    result = convert(cli, tmp_path / "model.pt", tmp_path / "model.weights.h5")
    code = re.search(r"into (keras\.Sequential\(.*\]\))", result.stderr).group(1)
    assert "bidirectional, bidirectional_1" in result.stderr
    model = eval(code, {"keras": keras})
    model.load_weights(tmp_path / "model.weights.h5")
    model.add(keras.layers.Dense(2))  # a head the file does not hold: loaded with skip_mismatch, as the note says
    with pytest.warns(UserWarning, match="could not be loaded"):
        model.load_weights(tmp_path / "model.weights.h5", skip_mismatch=True)


def test_a_projection_lstm_is_refused_clearly(cli, tmp_path):
    torch = require("torch")
    require("h5py")
    torch_pt(torch, tmp_path / "model.pt", "lstm", 1, False, proj_size=2)
    result = cli("convert", tmp_path / "model.pt", "-o", tmp_path / "model.weights.h5")
    assert result.exit_code in (1, 2) and result.stderr.startswith("Error: ")
    assert "projection" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "model.weights.h5").exists()


@pytest.mark.parametrize(("target", "options", "message"), [
    ("model.h5", (), "ends in .weights.h5"),
    ("model.weights.h5", ("--to", "pytorch"), "holds only keras weights"),
    ("model.onnx", ("--to", "pytorch"), "holds only onnx weights"),
], ids=["plain-h5-name", "pytorch-into-keras-file", "pytorch-into-onnx-file"])
def test_a_file_keras_or_its_format_cannot_read_is_refused(cli, tmp_path, target, options, message):
    torch = require("torch")
    require("h5py")
    torch_pt(torch, tmp_path / "model.pt", "lstm", 1, False)
    result = cli("convert", tmp_path / "model.pt", "-o", tmp_path / target, *options)
    assert result.exit_code in (1, 2) and result.stderr.startswith("Error: ") and message in result.stderr
    assert not (tmp_path / target).exists()


def keras_model(keras):
    keras.utils.set_random_seed(3)
    return keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4, return_sequences=True),
                             keras.layers.LSTM(4, return_sequences=True), keras.layers.Dense(2)])


def test_keras_weights_h5_is_read_in_layer_order(cli, tmp_path):
    keras = require("keras")
    require("h5py")
    model = keras_model(keras)
    model.save_weights(tmp_path / "model.weights.h5")
    result = cli("convert", tmp_path / "model.weights.h5", "--to", "keras", "-o", tmp_path / "keras.npz")
    assert result.exit_code == 0, result.output
    assert "left out the layers without recurrent weights: dense" in result.stderr
    with np.load(tmp_path / "keras.npz") as arrays:
        for ours, theirs in zip(arrays.values(), model.get_weights()[:6]):
            np.testing.assert_array_equal(ours, theirs)


def test_keras_get_weights_saved_without_names(cli, tmp_path):
    keras = require("keras")
    model = keras_model(keras)
    np.savez(tmp_path / "weights.npz", *model.get_weights())
    result = cli("inspect", tmp_path / "weights.npz", "--framework", "keras", "--json")
    assert result.exit_code == 0, result.output
    assert '"layers": 2' in result.stdout and "a Dense layer's kernel and bias" in result.stdout

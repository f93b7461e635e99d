"""Weight-file formats: .pt state dicts and prefixes, .onnx files torch exported,
Keras .weights.h5 and get_weights() lists, MATLAB .mat, and the extras named when missing."""

import sys
import warnings

import numpy as np

from lstm_symbolic.frameworks import random_model, to_framework

from .conftest import require


# -- PyTorch .pt ------------------------------------------------------------------------------------------
class Encoder:
    """A module with an LSTM inside (built in the test, as torch is optional)."""

    @staticmethod
    def make(torch):
        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.embed = torch.nn.Linear(2, 3)
                self.lstm = torch.nn.LSTM(3, 4, num_layers=2)
                self.head = torch.nn.Linear(4, 1)

        torch.manual_seed(0)
        return Net()


def test_a_whole_modules_state_dict_is_read_by_prefix(cli, tmp_path):
    torch = require("torch")
    net = Encoder.make(torch)
    torch.save({"model_state_dict": net.state_dict(), "epoch": 3}, tmp_path / "checkpoint.pt")
    result = cli("convert", tmp_path / "checkpoint.pt", "-o", tmp_path / "lstm.pt")
    assert result.exit_code == 0, result.output
    assert "ignored 4 array(s) outside 'model_state_dict.lstm.'" in result.stderr
    ours, theirs = torch.load(tmp_path / "lstm.pt", weights_only=True), net.lstm.state_dict()
    for layer in range(2):
        for name in ("weight_ih", "weight_hh"):
            assert torch.equal(ours[f"{name}_l{layer}"], theirs[f"{name}_l{layer}"])
        # one canonical bias b = b_ih + b_hh, written to bias_ih (bias_hh is zero)
        torch.testing.assert_close(ours[f"bias_ih_l{layer}"], theirs[f"bias_ih_l{layer}"] + theirs[f"bias_hh_l{layer}"])
        assert not ours[f"bias_hh_l{layer}"].any()


def test_several_recurrent_layers_need_a_prefix(cli, tmp_path):
    torch = require("torch")
    state = {f"{side}.{key}": value for side in ("encoder", "decoder")
             for key, value in torch.nn.GRU(3, 4).state_dict().items()}
    torch.save(state, tmp_path / "seq2seq.pt")
    result = cli("inspect", tmp_path / "seq2seq.pt")
    assert result.exit_code == 1 and "'decoder.', 'encoder.': choose one with --prefix" in result.output
    result = cli("inspect", tmp_path / "seq2seq.pt", "--prefix", "decoder.", "--json")
    assert result.exit_code == 0 and '"cell": "gru"' in result.stdout


def test_a_pickled_module_is_refused(cli, tmp_path):
    torch = require("torch")
    torch.save(torch.nn.LSTM(3, 4), tmp_path / "module.pt")
    result = cli("inspect", tmp_path / "module.pt")
    assert result.exit_code == 2 and "save model.state_dict() instead" in result.stderr


def test_a_missing_library_names_the_extra(cli, tmp_path, monkeypatch):
    (tmp_path / "model.pt").write_bytes(b"x")
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    result = cli("inspect", tmp_path / "model.pt")
    assert result.exit_code == 2 and "pip install 'lstm_symbolic[torch]'" in result.stderr


# -- ONNX --------------------------------------------------------------------------------------------------
def test_a_model_torch_exported_converts_back_to_torch(cli, tmp_path):
    torch = require("torch")
    require("onnx")
    torch.manual_seed(5)
    lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(lstm, (torch.zeros(5, 2, 3),), str(tmp_path / "exported.onnx"), dynamo=False)
    result = cli("convert", tmp_path / "exported.onnx", "-o", tmp_path / "back.pt")
    assert result.exit_code == 0, result.output
    fresh = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    fresh.load_state_dict(torch.load(tmp_path / "back.pt", weights_only=True))
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((5, 2, 3)).astype(np.float32))
    with torch.no_grad():
        np.testing.assert_allclose(fresh(x)[0].numpy(), lstm(x)[0].numpy(), rtol=0, atol=1e-6)


def test_an_onnx_node_the_cell_cannot_express_is_refused(cli, tmp_path):
    onnx = require("onnx")
    from onnx import TensorProto, helper, numpy_helper

    W, R = np.zeros((1, 8, 3), np.float32), np.zeros((1, 8, 2), np.float32)
    node = helper.make_node("LSTM", ["X", "W", "R"], ["Y"], hidden_size=2, clip=3.0, input_forget=1)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 1, 3])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)],
                              [numpy_helper.from_array(W, "W"), numpy_helper.from_array(R, "R")])
    onnx.save(helper.make_model(graph), tmp_path / "clip.onnx")
    result = cli("inspect", tmp_path / "clip.onnx")
    assert result.exit_code == 2
    assert "has clip = 3.0, input_forget = 1 (a coupled input-forget gate)" in result.stderr


# -- Keras ---------------------------------------------------------------------------------------------------
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


# -- MATLAB ----------------------------------------------------------------------------------------------------
def test_a_mat_file_as_matlab_saves_it(cli, tmp_path):
    scipy_io = require("scipy.io")
    rng = np.random.default_rng(2)
    k, n = 3, 2
    variables = {"InputWeights": rng.standard_normal((8 * k, n)), "RecurrentWeights": rng.standard_normal((8 * k, k)),
                 "Bias": rng.standard_normal((8 * k, 1))}
    scipy_io.savemat(tmp_path / "bilstm.mat", variables)
    result = cli("inspect", tmp_path / "bilstm.mat", "--json")
    assert result.exit_code == 0 and '"directions": 2' in result.stdout
    assert cli("convert", tmp_path / "bilstm.mat", "-o", tmp_path / "again.mat").exit_code == 0
    again = scipy_io.loadmat(tmp_path / "again.mat")
    for name, value in variables.items():
        np.testing.assert_array_equal(again[name], value)


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

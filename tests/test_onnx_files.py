"""ONNX files (onnx_files.py): a model torch exported converts back to torch; a node the cell
cannot express is refused."""

import warnings

import numpy as np
import pytest

from .conftest import require


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


def test_a_gru_node_with_the_reset_gate_before_is_refused(tmp_path):
    onnx = require("onnx")
    from onnx import TensorProto, helper, numpy_helper

    from lstm_symbolic import UsageError
    from lstm_symbolic.onnx_files import load

    W, R = np.zeros((1, 6, 3), np.float32), np.zeros((1, 6, 2), np.float32)
    node = helper.make_node("GRU", ["X", "W", "R"], ["Y"], name="gru", hidden_size=2, linear_before_reset=0)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 1, 3])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)],
                              [numpy_helper.from_array(W, "W"), numpy_helper.from_array(R, "R")])
    path = tmp_path / "gru.onnx"
    onnx.save(helper.make_model(graph), path)
    with pytest.raises(UsageError) as err:
        load(path)
    assert str(err.value) == (f"{path}: node gru has linear_before_reset = 0 (the reset gate before the recurrent "
                              "product), which the canonical GRU cell does not express")


def test_initial_states_are_inputs_of_an_onnx_model_only(cli, tmp_path):
    from lstm_symbolic.frameworks import random_model, to_framework

    np.savez(tmp_path / "w.npz", **to_framework("pytorch", random_model(3, 2)))
    result = cli("convert", tmp_path / "w.npz", "--to", "keras", "-o", tmp_path / "k.npz", "--initial-states")
    assert result.exit_code == 2
    assert ("--initial-states adds the inputs initial_h and initial_c to an .onnx model; "
            f"{tmp_path / 'k.npz'} is not one") in result.stderr

"""Framework layouts: counts, conversions and forward passes against the real frameworks."""

import itertools
import json

import numpy as np
import pytest

from lstm_symbolic import ShapeError, UsageError
from lstm_symbolic.frameworks import (FRAMEWORKS, from_framework, from_pytorch, random_model, run_model,
                                      to_framework)
from lstm_symbolic.sequences import parameter_table, sequence_shapes

from .conftest import require

MODELS = {
    "one-layer": dict(),
    "stacked": dict(layers=2),
    "bidirectional": dict(bidirectional=True),
    "stacked-bidirectional": dict(layers=3, bidirectional=True),
    "projection": dict(proj_size=2, layers=2, bidirectional=True),
    "peephole": dict(peephole=True, layers=2),
}


def supports(fw, kw):
    f = FRAMEWORKS[fw]
    return (not kw.get("proj_size") or f.projection) and (not kw.get("peephole") or f.peepholes)


def same(a, b, fw_pair):
    # TF1 stores b_f - forget_bias: subtracting and adding 1.0 may change the last bit
    if "tf1" in fw_pair:
        return np.allclose(a, b, rtol=0, atol=1e-15)
    return np.array_equal(a, b)


ROUND_TRIPS = [(s, t, kind) for kind in MODELS for s, t in itertools.product(FRAMEWORKS, FRAMEWORKS)
               if supports(s, MODELS[kind]) and supports(t, MODELS[kind])]  # the rest: test_unsupported_features


@pytest.mark.parametrize("source,target,kind", ROUND_TRIPS)
def test_round_trips_between_every_pair(source, target, kind):
    kw = MODELS[kind]
    model = random_model(5, 3, seed=7, **kw)
    there = to_framework(target, from_framework(source, to_framework(source, model)))
    back = from_framework(source, to_framework(source, from_framework(target, there)))
    for L, directions in enumerate(model.layers):
        for d, params in enumerate(directions):
            for name, value in params.items():
                assert same(back.layers[L][d][name], value, (source, target)), (L, d, name)
    assert (back.input_size, back.hidden_size, back.proj_size, back.num_layers, back.num_directions) == \
        (5, 3, kw.get("proj_size"), kw.get("layers", 1), 2 if kw.get("bidirectional") else 1)


@pytest.mark.parametrize("fw,kw,message", [
    ("pytorch", dict(peephole=True), "PyTorch nn.LSTM has no peephole connections"),
    ("keras", dict(proj_size=2), "Keras LSTM has no projection"),
    ("onnx", dict(proj_size=2), "ONNX LSTM has no projection"),
    ("matlab", dict(peephole=True), "has no peephole connections"),
])
def test_unsupported_features(fw, kw, message):
    with pytest.raises(UsageError, match=message):
        to_framework(fw, random_model(4, 3, **kw))


# -- parameter counts ------------------------------------------------------------------------------
def test_one_and_two_bias_counts():
    assert parameter_table("keras", 20, 50)[0] == 4 * 50 * (20 + 50 + 1) == 14200
    assert parameter_table("matlab", 20, 50)[0] == 14200
    assert parameter_table("tf1", 20, 50)[0] == 14200
    assert parameter_table("pytorch", 20, 50)[0] == 4 * 50 * (20 + 50 + 2) == 14400
    assert parameter_table("onnx", 20, 50)[0] == 14400
    assert parameter_table(None, 20, 50)[0] == 14200
    total, tensors, formula = parameter_table("pytorch", 10, 6, proj=3)
    assert total == 4 * 6 * 10 + 4 * 6 * 3 + 8 * 6 + 3 * 6
    assert "= 4·6·(10 + 3 + 2) + 3·6 =" in formula


@pytest.mark.parametrize("fw,kind", [(fw, kind) for fw in FRAMEWORKS for kind in MODELS if supports(fw, MODELS[kind])])
def test_tables_match_the_converted_arrays(fw, kind):
    kw = MODELS[kind]
    arrays = to_framework(fw, random_model(5, 3, **kw))
    _, tensors, _ = parameter_table(fw, 5, 3, kw.get("layers", 1), kw.get("bidirectional", False),
                                    kw.get("proj_size"), kw.get("peephole", False))
    assert {name: tuple(a.shape) for name, a in arrays.items()} == tensors


def test_huge_sizes_never_allocate():
    total, tensors, _ = parameter_table("keras", 10**9, 10**9)
    assert total == 4 * 10**9 * (2 * 10**9 + 1)


# -- sequence shapes -------------------------------------------------------------------------------------
def test_seed_keras_input_shape():
    shapes = sequence_shapes("keras", 2, 16, steps=10)
    assert shapes["input"] == ("None", 10, 2) and shapes["output"] == ("None", 16)
    assert sequence_shapes("keras", 2, 16, steps=10, return_sequences=True)["output"] == ("None", 10, 16)


def test_seed_matlab_signal():
    shapes = sequence_shapes("matlab", 1, 75, steps=400, dense=3)
    assert shapes["input"] == (1, 400) and shapes["output"] == (75, 400)
    assert shapes["dense weights"] == (3, 75) and shapes["dense output"] == (3, 400)
    last = sequence_shapes("matlab", 1, 75, steps=400, output_mode="last", dense=3)
    assert last["output"] == (75, 1) and last["dense output"] == (3, 1)


def test_pytorch_and_onnx_shapes():
    s = sequence_shapes("pytorch", 10, 20, batch=32, steps=5, layers=2, bidirectional=True, batch_first=True)
    assert s["input"] == (32, 5, 10) and s["output"] == (32, 5, 40) and s["h_n"] == (4, 32, 20)
    o = sequence_shapes("onnx", 10, 20, batch=32, steps=5, bidirectional=True)
    assert o["X"] == (5, 32, 10) and o["Y"] == (5, 2, 32, 20) and o["Y_h"] == (2, 32, 20)


# -- against the real frameworks --------------------------------------------------------------------------


def torch_run(lstm, xs, h0, c0):
    import torch as t

    with t.no_grad():
        out, (h, c) = lstm(t.from_numpy(xs.transpose(0, 2, 1).copy()),
                           (t.from_numpy(h0.transpose(0, 2, 1).copy()), t.from_numpy(c0.transpose(0, 2, 1).copy())))
    return out.numpy().transpose(0, 2, 1), h.numpy().transpose(0, 2, 1), c.numpy().transpose(0, 2, 1)


GRID = [(4, 3, 1, False, 0), (5, 4, 2, True, 0), (3, 5, 3, True, 2), (6, 4, 2, False, 3), (2, 3, 1, True, 0)]


@pytest.mark.parametrize("n,k,layers,bidirectional,proj", GRID)
def test_pytorch_counts_and_outputs(n, k, layers, bidirectional, proj):
    t = require("torch")
    t.manual_seed(n * k)
    lstm = t.nn.LSTM(n, k, num_layers=layers, bidirectional=bidirectional, proj_size=proj).double()
    assert parameter_table("pytorch", n, k, layers, bidirectional, proj or None)[0] == \
        sum(p.numel() for p in lstm.parameters())
    model = from_pytorch({name: v.detach().numpy() for name, v in lstm.state_dict().items()})
    rng = np.random.default_rng(3)
    D, h = 2 if bidirectional else 1, proj or k
    xs, h0, c0 = rng.standard_normal((6, n, 2)), rng.standard_normal((layers * D, h, 2)), \
        rng.standard_normal((layers * D, k, 2))
    for ours, theirs in zip(run_model(model, xs, h0, c0), torch_run(lstm, xs, h0, c0)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


def test_pytorch_count_grid():
    t = require("torch")
    for n, k, layers, bi, proj in itertools.product([1, 20], [3, 50], [1, 2, 3], [False, True], [0, 2]):
        lstm = t.nn.LSTM(n, k, num_layers=layers, bidirectional=bi, proj_size=proj)
        assert parameter_table("pytorch", n, k, layers, bi, proj or None)[0] == sum(p.numel() for p in
                                                                                      lstm.parameters())


@pytest.mark.parametrize("bidirectional", [False, True], ids=["forward", "bidirectional"])
def test_onnx_reference_evaluator_reproduces_torch(bidirectional):
    t = require("torch")
    require("onnx")
    from onnx import TensorProto, helper
    from onnx.reference import ReferenceEvaluator

    n, k, B, T = 4, 3, 2, 5
    t.manual_seed(11)
    lstm = t.nn.LSTM(n, k, bidirectional=bidirectional).double()
    model = from_pytorch({name: v.detach().numpy() for name, v in lstm.state_dict().items()})
    arrays = to_framework("onnx", model)
    D = 2 if bidirectional else 1
    node = helper.make_node("LSTM", ["X", "W", "R", "B", "", "initial_h", "initial_c"], ["Y", "Y_h", "Y_c"],
                            hidden_size=k, direction="bidirectional" if bidirectional else "forward")
    graph = helper.make_graph(
        [node], "lstm",
        [helper.make_tensor_value_info(name, TensorProto.DOUBLE, shape) for name, shape in
         (("X", [T, B, n]), ("W", [D, 4 * k, n]), ("R", [D, 4 * k, k]), ("B", [D, 8 * k]),
          ("initial_h", [D, B, k]), ("initial_c", [D, B, k]))],
        [helper.make_tensor_value_info(name, TensorProto.DOUBLE, None) for name in ("Y", "Y_h", "Y_c")])
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    rng = np.random.default_rng(5)
    xs = rng.standard_normal((T, n, B))
    h0, c0 = rng.standard_normal((D, k, B)), rng.standard_normal((D, k, B))
    Y, Y_h, Y_c = ReferenceEvaluator(onnx_model).run(None, {
        "X": xs.transpose(0, 2, 1).copy(), "W": arrays["W"], "R": arrays["R"], "B": arrays["B"],
        "initial_h": h0.transpose(0, 2, 1).copy(), "initial_c": c0.transpose(0, 2, 1).copy()})
    out, h_n, c_n = torch_run(lstm, xs, h0, c0)
    # ONNX Y is [T, D, B, k]; torch's output is [T, B, D k] (here transposed to T x Dk x B)
    np.testing.assert_allclose(Y.transpose(0, 1, 3, 2).reshape(T, D * k, B), out, rtol=0, atol=1e-10)
    np.testing.assert_allclose(Y_h.transpose(0, 2, 1), h_n, rtol=0, atol=1e-10)
    np.testing.assert_allclose(Y_c.transpose(0, 2, 1), c_n, rtol=0, atol=1e-10)


def keras_lstm(arrays, xs_btn, h0, c0):
    """Keras' documented LSTM, written with NumPy: blocks i, f, c, o; x @ kernel + h @ recurrent_kernel + bias."""
    kernel, recurrent, bias = arrays["kernel"], arrays["recurrent_kernel"], arrays["bias"]
    k = recurrent.shape[0]
    h, c = h0, c0
    outs = []
    for t in range(xs_btn.shape[1]):
        z = xs_btn[:, t] @ kernel + h @ recurrent + bias
        i, f = 1 / (1 + np.exp(-z[:, :k])), 1 / (1 + np.exp(-z[:, k:2 * k]))
        cc, o = np.tanh(z[:, 2 * k:3 * k]), 1 / (1 + np.exp(-z[:, 3 * k:]))
        c = f * c + i * cc
        h = o * np.tanh(c)
        outs.append(h)
    return np.stack(outs, axis=1), h, c


def test_keras_equations_reproduce_torch():
    t = require("torch")
    n, k, B, T = 4, 3, 2, 6
    t.manual_seed(2)
    lstm = t.nn.LSTM(n, k).double()
    arrays = to_framework("keras", from_pytorch({k_: v.detach().numpy() for k_, v in lstm.state_dict().items()}))
    rng = np.random.default_rng(9)
    xs = rng.standard_normal((T, n, B))
    h0, c0 = rng.standard_normal((1, k, B)), rng.standard_normal((1, k, B))
    ys, h, c = keras_lstm(arrays, xs.transpose(2, 0, 1), h0[0].T, c0[0].T)
    out, h_n, c_n = torch_run(lstm, xs, h0, c0)
    np.testing.assert_allclose(ys.transpose(1, 2, 0), out, atol=1e-10)
    np.testing.assert_allclose(c.T, c_n[0], atol=1e-10)


# -- files and the command line ---------------------------------------------------------------------
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
    assert data["readings"]["keras"] == {"n": 5, "k": 4, "p": None, "layers": 2, "directions": 2,
                                         "variant": "standard"}


def test_inspect_reports_every_inconsistency(cli, tmp_path):
    arrays = to_framework("pytorch", random_model(5, 4))
    arrays["weight_hh_l0"] = arrays["weight_hh_l0"][:, :3]
    del arrays["bias_hh_l0"]
    path = save(tmp_path, "bad.npz", arrays)
    result = cli("inspect", path, "--framework", "pytorch")
    assert result.exit_code == 1
    assert "missing bias_hh_l0" in result.output
    assert "missing weight_hr_l0 (the recurrent weights have p = 3 columns, so this is a projection model)" \
        in result.output
    arrays = to_framework("keras", random_model(5, 4))
    arrays["kernel"] = arrays["kernel"][:, :15]
    result = cli("inspect", save(tmp_path, "k.npz", arrays), "--framework", "keras")
    assert result.exit_code == 1 and "kernel has 15 rows, not a multiple of 4" in result.output


@pytest.mark.parametrize("make,fragment", [
    (lambda p: None, "cannot read"),
    (lambda p: p.write_bytes(b"not a zip"), "not a readable .npz"),
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
    assert result.exit_code == 2 and "ONNX LSTM has no projection" in result.stderr and not out.exists()


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


def test_shape_errors_are_shape_errors():
    arrays = to_framework("keras", random_model(5, 4))
    arrays["recurrent_kernel"] = arrays["recurrent_kernel"][:3]
    with pytest.raises(ShapeError, match=r"recurrent_kernel has shape \(3, 16\), expected \(4, 16\)"):
        from_framework("keras", arrays)


def test_reading_with_the_wrong_framework_names_the_right_one(cli, tmp_path):
    arrays = {"weight_ih_l0": np.ones((12, 2)), "weight_hh_l0": np.ones((12, 3)), "bias_ih_l0": np.ones(12),
              "bias_hh_l0": np.ones(12)}
    np.savez(tmp_path / "t.npz", **arrays)
    result = cli("convert", tmp_path / "t.npz", "--from", "keras", "--to", "onnx", "-o", tmp_path / "o.npz")
    assert result.exit_code == 1 and "hint: the arrays read consistently as pytorch weights: try --from pytorch" \
        in result.stderr
    result = cli("inspect", tmp_path / "t.npz", "--framework", "matlab")
    assert result.exit_code == 1 and "they do read as pytorch weights (leave out --framework)" in result.stderr

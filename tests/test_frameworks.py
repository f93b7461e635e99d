"""Framework layouts: counts, conversions and forward passes against the real frameworks."""

import itertools
import re

import numpy as np
import pytest

from lstm_symbolic import UsageError, frameworks
from lstm_symbolic.framework_table import CELL_MODES, FEATURE_TEXT, FRAMEWORKS, LAYOUTS
from lstm_symbolic.frameworks import from_framework, from_pytorch, random_model, run_model, to_framework
from lstm_symbolic.sequences import parameter_table
from lstm_symbolic.weight_layout import tensor_shapes

from .conftest import require


def feature_sets(cell):
    """Every combination of the optional features some layout of the cell family has, times its modes."""
    optional = sorted({f for row in LAYOUTS if row.cell == cell for f in row.features} - set(CELL_MODES.get(cell, ())))
    modes = CELL_MODES.get(cell, (None,))
    return [frozenset(subset) | ({mode} if mode else set()) for size in range(len(optional) + 1)
            for subset in itertools.combinations(optional, size) for mode in modes]


def model_with(cell, features, dtype=np.float64, seed=7):
    return random_model(5, 3, layers=2 if "stacked" in features else 1, bidirectional="bidirectional" in features,
                        proj_size=2 if "projection" in features else None, peephole="peephole" in features,
                        cell=cell, reset_after="reset_before" not in features, seed=seed, dtype=dtype)


def label(features):
    return "+".join(sorted(features)) or "plain"


ROUND_TRIPS = [pytest.param(a.framework, b.framework, a.cell, features, id=f"{a.cell}-{a.framework}-{b.framework}-"
                            f"{label(features)}")
               for a in LAYOUTS for b in LAYOUTS if a.cell == b.cell
               for features in feature_sets(a.cell) if features <= a.features and features <= b.features]


def same(a, b, fw_pair):
    # TF1 stores b_f - forget_bias: subtracting and adding 1.0 may change the last bit
    if "tf1" in fw_pair:
        return np.allclose(a, b, rtol=0, atol=1e-15)
    return np.array_equal(a, b)


@pytest.mark.parametrize("source,target,cell,features", ROUND_TRIPS)
def test_round_trips_between_every_pair(source, target, cell, features):
    model = model_with(cell, features)
    there = to_framework(target, from_framework(source, to_framework(source, model)))
    back = from_framework(source, to_framework(source, from_framework(target, there)))
    for L, directions in enumerate(model.layers):
        for d, params in enumerate(directions):
            assert set(back.layers[L][d]) == set(params)
            for name, value in params.items():
                assert same(back.layers[L][d][name], value, (source, target)), (L, d, name)
    assert (back.input_size, back.hidden_size, back.proj_size, back.num_layers, back.num_directions, back.cell) == \
        (5, 3, model.proj_size, model.num_layers, model.num_directions, cell)
    assert back.features == model.features


@pytest.mark.parametrize("row", LAYOUTS, ids=lambda row: f"{row.cell}-{row.framework}")
def test_float32_stays_float32(row):
    model = model_with(row.cell, row.always, dtype=np.float32)
    arrays = to_framework(row.framework, model)
    assert {a.dtype for a in arrays.values()} == {np.dtype(np.float32)}
    back = from_framework(row.framework, arrays, cell=row.cell)
    assert {a.dtype for p in back.layers[0] for a in p.values()} == {np.dtype(np.float32)}


UNSUPPORTED = [pytest.param(row, feature, id=f"{row.cell}-{row.framework}-{feature}") for row in LAYOUTS
               for feature in sorted(set().union(*feature_sets(row.cell)) - row.features)]


@pytest.mark.parametrize("row,feature", UNSUPPORTED)
def test_unsupported_features_are_errors(row, feature):
    model = model_with(row.cell, {feature} | ({"reset_before"} if feature == "reset_before" else set()))
    with pytest.raises(UsageError, match=f"{re.escape(row.title)} cannot hold {re.escape(FEATURE_TEXT[feature])}"):
        to_framework(row.framework, model)


LISTED = [pytest.param(row, features, id=f"{row.cell}-{row.framework}-{label(features)}") for row in LAYOUTS
          for features in feature_sets(row.cell) if features <= row.features]


@pytest.mark.parametrize("row,features", LISTED)
def test_the_shape_lister_lists_what_the_writer_writes(row, features):
    model = model_with(row.cell, features)
    arrays = to_framework(row.framework, model)
    listed = tensor_shapes(row, 5, 3, model.num_layers, model.num_directions, model.proj_size, model.features)
    assert {name: a.shape for name, a in arrays.items()} == listed
    assert list(arrays) == list(listed)  # the order Keras' set_weights expects: layer, direction, tensor
    if row.cell == "lstm" and features <= {"stacked", "bidirectional", "projection", "peephole"}:
        counted = parameter_table(row.framework, 5, 3, model.num_layers, model.num_directions == 2, model.proj_size,
                                  "peephole" in features)
        assert counted[1] == listed


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


# -- TF1 and MATLAB: arrays written out by hand from their documentation -------------------------------
def two_unit_model():
    """n = 1, k = 2, every gate's numbers distinct: W_i = [1; 2], W_f = [3; 4], W_g = [5; 6], W_o = [7; 8];
    U_i = [11 12; 13 14], U_f = [21 ...], U_g = [31 ...], U_o = [41 ...]; b_i = [.1; .2], ... b_o = [.7; .8]."""
    params = {}
    for j, g in enumerate("ifgo"):
        params[f"W_{g}"] = np.array([[2 * j + 1.0], [2 * j + 2.0]])
        params[f"U_{g}"] = np.array([[10 * (j + 1) + 1.0, 10 * (j + 1) + 2], [10 * (j + 1) + 3, 10 * (j + 1) + 4]])
        params[f"b_{g}"] = np.array([[0.2 * j + 0.1], [0.2 * j + 0.2]])
    from lstm_symbolic.frameworks import Model
    return Model(1, 2, [[params]])


def test_tf1_arrays_as_its_documentation_lays_them_out():
    # rnn_cell_impl.LSTMCell: lstm_matrix = concat([inputs, m_prev], 1) @ kernel + bias;
    # i, j, f, o = split(lstm_matrix, 4, axis=1); c = sigmoid(f + forget_bias) * c_prev + sigmoid(i) * tanh(j)
    expected = {
        "kernel": np.array([[1, 2, 5, 6, 3, 4, 7, 8],            # x: i, j (= g), f, o
                            [11, 13, 31, 33, 21, 23, 41, 43],    # h_1 (U's first column)
                            [12, 14, 32, 34, 22, 24, 42, 44]]),  # h_2
        "bias": np.array([0.1, 0.2, 0.5, 0.6, 0.3 - 1, 0.4 - 1, 0.7, 0.8]),  # forget_bias 1.0 added at run time
    }
    arrays = to_framework("tf1", two_unit_model())
    assert list(arrays) == list(expected)
    for name, value in expected.items():
        np.testing.assert_allclose(arrays[name], value, rtol=0, atol=1e-15)
    back = from_framework("tf1", expected)
    np.testing.assert_allclose(back.layers[0][0]["b_f"], [[0.3], [0.4]], rtol=0, atol=1e-15)
    shifted = to_framework("tf1", two_unit_model(), forget_bias=0.0)  # LSTMCell(forget_bias=0.0)
    np.testing.assert_allclose(shifted["bias"][4:6], [0.3, 0.4], rtol=0, atol=1e-15)


def test_matlab_arrays_as_its_documentation_lays_them_out():
    # lstmLayer: InputWeights = [W_i; W_f; W_g; W_o] (4k x n), RecurrentWeights likewise (4k x k),
    # Bias = [b_i; b_f; b_g; b_o] (4k x 1)
    expected = {
        "InputWeights": np.array([[1], [2], [3], [4], [5], [6], [7], [8]]),
        "RecurrentWeights": np.array([[11, 12], [13, 14], [21, 22], [23, 24], [31, 32], [33, 34], [41, 42], [43, 44]]),
        "Bias": np.array([[0.1], [0.2], [0.3], [0.4], [0.5], [0.6], [0.7], [0.8]]),
    }
    arrays = to_framework("matlab", two_unit_model())
    assert list(arrays) == list(expected)
    for name, value in expected.items():
        np.testing.assert_allclose(arrays[name], value, rtol=0, atol=1e-15)


# -- the named shortcuts and run_model's refusals -----------------------------------------------------
@pytest.mark.parametrize("framework", list(FRAMEWORKS))
def test_named_shortcuts_are_the_general_functions(framework):
    model = random_model(3, 2, seed=4)
    arrays = getattr(frameworks, f"to_{framework}")(model)
    assert {k: v.shape for k, v in arrays.items()} == {k: v.shape for k, v in to_framework(framework, model).items()}
    back = getattr(frameworks, f"from_{framework}")(arrays)
    assert np.array_equal(back.layers[0][0]["U_g"], from_framework(framework, arrays).layers[0][0]["U_g"])
    assert {f"from_{framework}", f"to_{framework}"} <= set(frameworks.__all__)


@pytest.mark.parametrize("model, variant", [
    (lambda: random_model(3, 2, peephole=True, proj_size=1), "peephole+projection"),
    (lambda: random_model(3, 2, cell="gru"), "reset_after"),
], ids=["peephole-and-projection", "gru"])
def test_run_model_names_what_it_runs(model, variant):
    with pytest.raises(UsageError) as err:
        run_model(model(), np.zeros((2, 3, 1)))
    assert str(err.value) == f"run_model runs the LSTM variants standard, peephole and projection, not {variant}"

"""The GRU (both placements of the reset gate) and the simple RNN (tanh, relu) as built-in cells.

References, none of them the code under test: SymPy's elementwise derivatives at tiny sizes,
finite differences, the hand-written NumPy cells (reference_gru_rnn.py), torch.nn.GRU /
torch.nn.RNN and autograd, Keras' GRU(reset_after=False) and parameter counts from the frameworks.
"""

import json
import shutil

import numpy as np
import pytest
import sympy

from lstm_symbolic import FAMILIES, GRUCell, LSTMCell, RNNCell, ShapeError, UsageError, make_cell, solve
from lstm_symbolic.builtin_shapes import ShapeSheet, cell_shapes
from lstm_symbolic.families import choose_cell, combinations
from lstm_symbolic.reference import reference_backward, reference_forward
from lstm_symbolic.render import shapes_data, shapes_table

from .conftest import require
from .sympy_oracle import assert_backward_matches_sympy

#: Every GRU / simple-RNN cell that exists: (family, variant, layout); reset-after is separate-only.
CELLS = [(family, variant, layout) for family in ("gru", "rnn") for variant, layout in combinations(family)]
IDS = [f"{f}-{v}-{lay}" for f, v, lay in CELLS]


def build(family, variant, layout, n=4, k=3, batch=1):
    return make_cell(family, n, k, variant, layout, batch_size=batch)


def random_data(cell, seed, batch, steps):
    num = cell.compile()
    params = num.init_params(seed)
    rng = np.random.default_rng(seed + 50)
    xs = rng.standard_normal((steps, cell.input_size, batch))
    h0 = rng.standard_normal((cell.hidden_size, batch))
    dhs = rng.standard_normal((steps, cell.hidden_size, batch))
    return num, params, xs, h0, dhs


# -- the table, the API and shapes ---------------------------------------------------------------

def test_family_table():
    assert list(FAMILIES) == ["lstm", "gru", "rnn"]
    assert FAMILIES["gru"].states == ("h",) and FAMILIES["lstm"].states == ("h", "c")
    assert [v for v, _ in combinations("gru")] == ["reset-before"] * 3 + ["reset-after"]


@pytest.mark.parametrize("family,variant,layout", CELLS, ids=IDS)
def test_symbolic_shapes(family, variant, layout):
    cell = make_cell(family, "n", "k", variant, layout)
    n, k = sympy.Symbol("n", positive=True, integer=True), sympy.Symbol("k", positive=True, integer=True)
    shapes = cell.shapes()
    assert shapes["x_t"] == (n, 1) and shapes["h_prev"] == (k, 1) and shapes["h_t"] == (k, 1)
    assert "c_prev" not in shapes and "c_t" not in shapes
    gates = "rzn" if family == "gru" else "h"
    width = {"separate": n, "concat": k + n, "augmented": k + n + 1}[layout]
    for g in gates:
        assert shapes[f"W_{g}"] == (k, width)
        assert (f"U_{g}" in shapes) == (layout == "separate")
        assert (f"c_{g}" in shapes) == (variant == "reset-after")
    per_gate = k * (n + k + 1) + (k if variant == "reset-after" else 0)
    assert sympy.expand(cell.parameter_count() - len(gates) * per_gate) == 0


def test_api_names_and_repr():
    assert repr(GRUCell(80, 12)) == "GRUCell(input_size=80, hidden_size=12, reset_after=False, layout='separate')"
    assert repr(RNNCell(3, 2, "relu")) == "RNNCell(input_size=3, hidden_size=2, nonlinearity='relu', layout='separate')"
    assert GRUCell(80, 12).parameters == ("W_r", "W_z", "W_n", "U_r", "U_z", "U_n", "b_r", "b_z", "b_n")
    assert GRUCell(80, 12, True).parameters[-3:] == ("c_r", "c_z", "c_n")
    assert [str(eq) for eq in GRUCell("n", "k", True).equations] == [
        "r_t = sigmoid(W_r @ x_t + U_r @ h_prev + b_r + c_r)",
        "z_t = sigmoid(W_z @ x_t + U_z @ h_prev + b_z + c_z)",
        "n_t = tanh(W_n @ x_t + b_n + r_t * (U_n @ h_prev + c_n))",
        "h_t = (1 - z_t) * n_t + z_t * h_prev",
    ]
    assert str(GRUCell(3, 2).equations[2]) == "n_t = tanh(W_n @ x_t + U_n @ (r_t * h_prev) + b_n)"
    assert str(RNNCell(3, 2, "relu", "augmented").equations[-1]) == "h_t = relu(W_h @ z_t)"
    assert GRUCell(3, 2).with_batch(5).dims["B"] == 5 and isinstance(GRUCell(3, 2).with_batch(5), GRUCell)
    assert GRUCell(3, 2).to_latex().startswith("\\begin{align*}")


@pytest.mark.parametrize("family,variant,layout", CELLS, ids=IDS)
@pytest.mark.parametrize("n,k,batch", [(1, 1, 1), (80, 12, 1), (20, 50, 7)])
def test_shape_table_equals_cell(family, variant, layout, n, k, batch):
    sheet = cell_shapes(n, k, variant, layout, None, batch, family)
    cell = make_cell(family, n, k, variant, layout, batch_size=batch)
    assert isinstance(sheet, ShapeSheet)
    assert sheet.shapes() == cell.shapes() and sheet.parameter_count() == cell.parameter_count()
    assert sheet.equation_texts() == cell.equation_texts() and sheet.tensor_roles() == cell.tensor_roles()
    assert shapes_table(sheet, 4) == shapes_table(cell, 4) and shapes_data(sheet) == shapes_data(cell)


@pytest.mark.parametrize("n,k", [(80, 12), (3, 7), (20, 50)])
def test_parameter_counts_match_torch(n, k):
    torch = require("torch")
    assert GRUCell(n, k, reset_after=True).parameter_count() == sum(p.numel() for p in torch.nn.GRU(n, k).parameters())
    assert RNNCell(n, k).parameter_count() + k == sum(p.numel() for p in torch.nn.RNN(n, k).parameters())
    assert GRUCell(n, k).parameter_count() == 3 * k * (n + k + 1)  # Keras GRU(reset_after=False)


def test_solve_gru():
    cell = solve({"W_z": (50, 20)}, family="gru")
    assert isinstance(cell, GRUCell) and cell.shapes()["U_n"] == (50, 50) and cell.shapes()["x_t"] == (20, 1)
    assert solve({"c_n": (50, 1), "W_r": "50x20"}, "reset-after", family="gru").parameter_count() == 3 * 50 * 72
    with pytest.raises(ShapeError, match=r"(?s)h_prev : 40 x 1.*hint: in the reset-before GRU cell"):
        solve({"W_z": (50, 20), "h_prev": (40, 1)}, family="gru")
    with pytest.raises(UsageError, match=r"W_z is a tensor of the GRU cell \(--cell gru\)"):
        solve({"W_z": (50, 20)})
    with pytest.raises(UsageError, match=r"c_n is a tensor of the GRU cell"):
        solve({"c_n": (50, 1)}, family="rnn")


@pytest.mark.parametrize("kwargs,message", [
    (dict(family="gru", variant="peephole"), "--variant chooses the LSTM's variant (--cell lstm); it does not apply "
                                             "to --cell gru, whose reset-gate placement is chosen with --reset-after"),
    (dict(family="lstm", reset_after=True), "--reset-after or --reset-before chooses the GRU's reset-gate placement "
                                            "(--cell gru); it does not apply to --cell lstm"),
    (dict(family="rnn", proj_size=3), "--proj sets the LSTM's projection size"),
    (dict(family="gru", nonlinearity="relu"), "--nonlinearity chooses the simple RNN's nonlinearity"),
    (dict(reset_after=True, nonlinearity="relu"), "give the options of one cell"),
    (dict(family="rnn", framework="matlab"), "MATLAB has no simple RNN layout in this tool; frameworks with one: pytorch, keras, onnx"),
])
def test_bad_combinations(kwargs, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        choose_cell(**kwargs)


def test_choices_and_framework_defaults():
    assert choose_cell(reset_after=False) == ("gru", "reset-before")
    assert choose_cell(nonlinearity="relu") == ("rnn", "relu")
    assert choose_cell("gru") == ("gru", "reset-before")
    # the ONNX layout holds linear_before_reset=1 (what PyTorch exports), so its GRU is reset-after here
    assert [choose_cell("gru", framework=f)[1] for f in ("pytorch", "keras", "matlab", "onnx")] == \
        ["reset-after"] * 4
    assert choose_cell("gru", reset_after=False, framework="keras") == ("gru", "reset-before")
    with pytest.raises(UsageError, match=r"PyTorch nn.GRU cannot hold a reset gate applied before"):
        choose_cell("gru", reset_after=False, framework="pytorch")
    with pytest.raises(UsageError, match="TensorFlow has no GRU layout in this tool; frameworks with one: pytorch, keras, onnx, matlab"):
        choose_cell("gru", framework="tf1")


@pytest.mark.parametrize("layout", ["concat", "augmented"])
def test_reset_after_refuses_stacked_layouts(layout):
    with pytest.raises(UsageError, match=f"the {layout} layout does not apply to the reset-after GRU.*--layout separate"):
        GRUCell(4, 3, reset_after=True, layout=layout)


def test_bad_api_values():
    with pytest.raises(UsageError, match="reset_after must be True or False"):
        GRUCell(4, 3, reset_after="yes")
    with pytest.raises(UsageError, match="unknown simple RNN variant 'sigmoid'; valid simple RNN variants are: tanh, relu"):
        RNNCell(4, 3, "sigmoid")


# -- gradients against SymPy's elementwise derivatives --------------------------------------------

@pytest.mark.parametrize("family,variant,layout", CELLS, ids=IDS)
def test_backward_equals_elementwise_sympy_derivatives(family, variant, layout):
    """n = 2, k = 2, B = 2: every gradient entry of the reverse-mode equations equals SymPy's
    diff(L, entry) of L = sum(dh_t * h_t) built entry by entry from ``.as_explicit()``; 1e-12."""
    cell = make_cell(family, 2, 2, variant, layout, batch_size=2)
    assert list(cell.backward().upstream) == ["h_t"]
    assert_backward_matches_sympy(cell, seed=11)


# -- the compiled cell against the NumPy reference and finite differences --------------------------

@pytest.mark.parametrize("seed,batch,steps", [(0, 1, 5), (1, 4, 6), (2, 3, 9)])
@pytest.mark.parametrize("family,variant,layout", CELLS, ids=IDS)
def test_compiled_against_reference(family, variant, layout, seed, batch, steps):
    cell = build(family, variant, layout, n=5, k=4)
    num, params, xs, h0, dhs = random_data(cell, seed, batch, steps)
    hs, h_T = num.forward(params, xs, h0)
    ref_hs, ref_h = reference_forward(variant, layout, params, xs, h0)
    np.testing.assert_allclose(hs, ref_hs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(h_T, ref_h, rtol=0, atol=1e-12)
    h1 = num.step(params, xs[0], h0)
    np.testing.assert_allclose(h1, ref_hs[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(num.step(num.prepare(params), xs[0], h0), ref_hs[0], rtol=0, atol=1e-12)
    grads = num.backward(params, xs, h0, dhs)
    ref = reference_backward(variant, layout, params, xs, h0, dhs)
    assert set(grads) == set(ref) == set(cell.parameters) | {"xs", "h0"}
    for name in ref:
        np.testing.assert_allclose(grads[name], ref[name], rtol=0, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("family,variant,layout", CELLS, ids=IDS)
def test_backward_against_finite_differences(family, variant, layout):
    """Central differences of the reference forward pass (eps 1e-6) against the compiled BPTT."""
    cell = build(family, variant, layout)
    num, params, xs, h0, dhs = random_data(cell, 3, 2, 4)
    grads = num.backward(params, xs, h0, dhs)

    def loss():
        return float((reference_forward(variant, layout, params, xs, h0)[0] * dhs).sum())

    for name, arr in [*params.items(), ("xs", xs), ("h0", h0)]:
        fd = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            keep = arr[idx]
            arr[idx] = keep + 1e-6
            plus = loss()
            arr[idx] = keep - 1e-6
            fd[idx] = (plus - loss()) / 2e-6
            arr[idx] = keep
        scale = max(1.0, float(np.abs(fd).max()))
        assert float(np.abs(grads[name] - fd).max()) / scale <= 1e-6, name


def test_symbolic_gru_compiles_and_runs():
    _, params, xs, h0, dhs = random_data(GRUCell(4, 3), 0, 2, 3)
    num = GRUCell("n", "k").compile()
    hs, _ = num.forward(params, xs, h0)
    np.testing.assert_allclose(hs, reference_forward("reset-before", "separate", params, xs, h0)[0], atol=1e-12)
    grads = num.backward(params, xs, h0, dhs)
    np.testing.assert_allclose(grads["U_n"], reference_backward("reset-before", "separate", params, xs, h0, dhs)["U_n"],
                               atol=1e-12)


def test_numeric_state_errors():
    num, params, xs, h0, dhs = random_data(GRUCell(4, 3), 0, 2, 3)
    with pytest.raises(UsageError, match=r"the GRU cell takes 1 state \(h0\), got 2"):
        num.forward(params, xs, h0, h0)
    with pytest.raises(ShapeError, match=r"h_prev has shape \(2, 2\), expected \(3, 2\)"):
        num.step(params, xs[0], h0[:2])
    with pytest.raises(ShapeError, match=r"the parameters do not match the reset-after GRU cell \(missing: c_r, c_z, c_n\)"):
        GRUCell(4, 3, True).compile().forward(params, xs, h0)
    with pytest.raises(UsageError, match="backward needs the initial states and dhs"):
        num.backward(params, xs)


def test_fused_gates():
    assert list(GRUCell(5, 3).compile().stacks.values()) == [["W_r", "W_z"], ["U_r", "U_z"], ["b_r", "b_z"]]


# -- real frameworks -------------------------------------------------------------------------------

def canonical_from_torch(module, k, gates):
    """torch's stacked weights split into the canonical per-gate tensors (independent of the library)."""
    sd = {name: t.detach().numpy() for name, t in module.state_dict().items()}
    params = {}
    for j, g in enumerate(gates):
        block = slice(j * k, (j + 1) * k)
        params[f"W_{g}"] = sd["weight_ih_l0"][block]
        params[f"U_{g}"] = sd["weight_hh_l0"][block]
        if len(gates) == 3:  # nn.GRU: b_ih is the input bias, b_hh the recurrent bias (inside r * (...))
            params[f"b_{g}"], params[f"c_{g}"] = sd["bias_ih_l0"][block, None], sd["bias_hh_l0"][block, None]
        else:  # nn.RNN: both biases are added, one canonical bias b_h
            params[f"b_{g}"] = (sd["bias_ih_l0"][block] + sd["bias_hh_l0"][block])[:, None]
    return params


def torch_run(module, xs, h0, dhs):
    torch = require("torch")
    x = torch.from_numpy(xs.transpose(0, 2, 1).copy()).requires_grad_()
    h = torch.from_numpy(h0.T.copy())[None].requires_grad_()
    out, h_n = module(x, h)
    (out * torch.from_numpy(dhs.transpose(0, 2, 1).copy())).sum().backward()
    grads = {name: p.grad.numpy() for name, p in module.named_parameters()}
    return out.detach().numpy().transpose(0, 2, 1), h_n[0].detach().numpy().T, grads, x.grad.numpy().transpose(0, 2, 1), \
        h.grad[0].numpy().T


@pytest.mark.parametrize("n,k,B,T", [(3, 4, 1, 6), (7, 5, 4, 8), (5, 3, 2, 5)])
@pytest.mark.parametrize("cell_kind", ["gru", "rnn-tanh", "rnn-relu"])
def test_against_torch_and_autograd(cell_kind, n, k, B, T):
    """torch.nn.GRU (reset after the product) and torch.nn.RNN in float64: outputs, final state and every
    gradient (weights, biases, inputs, initial state) within 1e-10."""
    torch = require("torch")
    torch.manual_seed(10 * n + k)
    if cell_kind == "gru":
        module, cell, gates = torch.nn.GRU(n, k).double(), GRUCell(n, k, reset_after=True), "rzn"
    else:
        act = cell_kind.split("-")[1]
        module, cell, gates = torch.nn.RNN(n, k, nonlinearity=act).double(), RNNCell(n, k, act), "h"
    params = canonical_from_torch(module, k, gates)
    rng = np.random.default_rng(T)
    xs, h0, dhs = rng.standard_normal((T, n, B)), rng.standard_normal((k, B)), rng.standard_normal((T, k, B))
    out, h_n, tgrads, dxs, dh0 = torch_run(module, xs, h0, dhs)
    num = cell.compile()
    hs, h_T = num.forward(params, xs, h0)
    np.testing.assert_allclose(hs, out, rtol=0, atol=1e-12)
    np.testing.assert_allclose(h_T, h_n, rtol=0, atol=1e-12)
    grads = num.backward(params, xs, h0, dhs)
    for j, g in enumerate(gates):
        block = slice(j * k, (j + 1) * k)
        np.testing.assert_allclose(grads[f"W_{g}"], tgrads["weight_ih_l0"][block], rtol=0, atol=1e-10)
        np.testing.assert_allclose(grads[f"U_{g}"], tgrads["weight_hh_l0"][block], rtol=0, atol=1e-10)
        np.testing.assert_allclose(grads[f"b_{g}"][:, 0], tgrads["bias_ih_l0"][block], rtol=0, atol=1e-10)
        recurrent_bias = grads[f"c_{g}"] if cell_kind == "gru" else grads[f"b_{g}"]
        np.testing.assert_allclose(recurrent_bias[:, 0], tgrads["bias_hh_l0"][block], rtol=0, atol=1e-10)
    np.testing.assert_allclose(grads["xs"], dxs, rtol=0, atol=1e-10)
    np.testing.assert_allclose(grads["h0"], dh0, rtol=0, atol=1e-10)


@pytest.mark.parametrize("layout", ["separate", "concat", "augmented"])
def test_reset_before_against_torch_autograd(layout):
    """PyTorch has no reset-before GRU: Cho et al.'s equations written in torch operations, differentiated
    by autograd (float64), against the compiled cell in each layout (weights split by the layout)."""
    torch = require("torch")
    n, k, B, T = 4, 3, 2, 5
    rng = np.random.default_rng(5)
    W = {g: rng.uniform(-0.6, 0.6, (k, n)) for g in "rzn"}
    U = {g: rng.uniform(-0.6, 0.6, (k, k)) for g in "rzn"}
    b = {g: rng.uniform(-0.6, 0.6, (k, 1)) for g in "rzn"}
    xs, h0, dhs = rng.standard_normal((T, n, B)), rng.standard_normal((k, B)), rng.standard_normal((T, k, B))
    tW, tU, tb = ({g: torch.tensor(v, requires_grad=True) for g, v in d.items()} for d in (W, U, b))
    tx, th0 = torch.tensor(xs, requires_grad=True), torch.tensor(h0, requires_grad=True)
    h, outs = th0, []
    for t in range(T):
        r = torch.sigmoid(tW["r"] @ tx[t] + tU["r"] @ h + tb["r"])
        z = torch.sigmoid(tW["z"] @ tx[t] + tU["z"] @ h + tb["z"])
        cand = torch.tanh(tW["n"] @ tx[t] + tU["n"] @ (r * h) + tb["n"])
        h = (1 - z) * cand + z * h
        outs.append(h)
    (torch.stack(outs) * torch.tensor(dhs)).sum().backward()
    params = {}
    for g in "rzn":
        if layout == "separate":
            params.update({f"W_{g}": W[g], f"U_{g}": U[g], f"b_{g}": b[g]})
        elif layout == "concat":
            params.update({f"W_{g}": np.hstack([U[g], W[g]]), f"b_{g}": b[g]})
        else:
            params[f"W_{g}"] = np.hstack([b[g], U[g], W[g]])
    num = GRUCell(n, k, layout=layout).compile()
    hs, _ = num.forward(params, xs, h0)
    np.testing.assert_allclose(hs, torch.stack(outs).detach().numpy(), rtol=0, atol=1e-12)
    grads = num.backward(params, xs, h0, dhs)
    for g in "rzn":
        want = {"separate": tW[g].grad.numpy(), "concat": np.hstack([tU[g].grad.numpy(), tW[g].grad.numpy()]),
                "augmented": np.hstack([tb[g].grad.numpy(), tU[g].grad.numpy(), tW[g].grad.numpy()])}[layout]
        np.testing.assert_allclose(grads[f"W_{g}"], want, rtol=0, atol=1e-10)
    np.testing.assert_allclose(grads["xs"], tx.grad.numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(grads["h0"], th0.grad.numpy(), rtol=0, atol=1e-10)


@pytest.mark.parametrize("reset_after", [False, True], ids=["reset-before", "reset-after"])
def test_forward_against_keras_gru(reset_after):
    """Keras 3 GRU (gate order z, r, h; x @ kernel) in float64 on the torch backend."""
    keras = require("keras")
    n, k, B, T = 4, 3, 2, 5
    layer = keras.layers.GRU(k, reset_after=reset_after, return_sequences=True, dtype="float64")
    layer.build((B, T, n))
    rng = np.random.default_rng(9)
    kernel, recurrent = rng.uniform(-0.6, 0.6, (n, 3 * k)), rng.uniform(-0.6, 0.6, (k, 3 * k))
    bias = rng.uniform(-0.6, 0.6, (2, 3 * k) if reset_after else (3 * k,))
    layer.set_weights([kernel, recurrent, bias])
    xs, h0 = rng.standard_normal((T, n, B)), rng.standard_normal((k, B))
    out = keras.ops.convert_to_numpy(layer(xs.transpose(2, 0, 1), initial_state=[h0.T]))
    params = {}
    for j, g in enumerate("zrn"):  # Keras' blocks: update z, reset r, candidate h
        block = slice(j * k, (j + 1) * k)
        params[f"W_{g}"], params[f"U_{g}"] = kernel[:, block].T, recurrent[:, block].T
        if reset_after:
            params[f"b_{g}"], params[f"c_{g}"] = bias[0, block, None], bias[1, block, None]
        else:
            params[f"b_{g}"] = bias[block, None]
    hs, _ = GRUCell(n, k, reset_after=reset_after).compile().forward(params, xs, h0)
    # Keras' own reset_after=False path is only float32-accurate on the torch backend (measured: 5e-8 from a
    # float64 NumPy of Keras' formula); its reset_after=True path is float64-exact
    np.testing.assert_allclose(hs, out.transpose(1, 2, 0), rtol=0, atol=1e-12 if reset_after else 1e-6)


# -- the command line -------------------------------------------------------------------------------

@pytest.mark.parametrize("args,expected", [
    (["shapes", "-n", 80, "-k", 12, "--cell", "gru"], ["GRU cell: reset-before, layout separate", "parameters: 3348"]),
    (["shapes", "-n", 80, "-k", 12, "--cell", "gru", "--reset-after"], ["c_n     12 x 1", "parameters: 3384"]),
    (["shapes", "-n", "n", "-k", "k", "--cell", "gru"], ["W_z     k x n", "parameters: 3*k*(k + n + 1)"]),
    (["shapes", "-n", 80, "-k", 12, "--cell", "gru", "--framework", "pytorch"], ["GRU cell: reset-after",
                                                                                "PyTorch GRU layer: sequence shapes"]),
    (["shapes", "-n", 3, "-k", 2, "--nonlinearity", "relu", "--equations"], ["h_t = relu(W_h @ x_t + U_h @ h_prev + b_h)"]),
    (["solve", "--cell", "gru", "--shape", "W_z=50x20"], ["U_n     50 x 50", "parameters: 10650"]),
    (["derive", "-n", 20, "-k", 50, "--cell", "rnn"], ["da_h    : 50 x 1  = dh_t * (1 - h_t^2)"]),
    (["derive", "-n", "n", "-k", "k", "--cell", "gru", "--reset-after", "--jacobians"],
     ["dU_n    : k x k = (da_n * r_t) @ h_prev^T", "dh_t/dh_prev = "]),
    (["verify", "-n", 6, "-k", 5, "--cell", "gru"], ["compiled reset-before GRU cell", "all checks passed"]),
    (["verify", "-n", 6, "-k", 5, "--cell", "rnn", "--nonlinearity", "relu", "--layout", "concat"],
     ["compiled relu simple RNN cell (concat layout)", "all checks passed"]),
    (["diagram", "-n", 20, "-k", 50, "--cell", "gru"], ['label="GRU cell: reset-before, separate layout', "(h_t)"]),
    (["latex", "-n", 20, "-k", 50, "--cell", "gru", "--fragment"], [r"\underbrace{W_{z}}_{50 \times 20}"]),
])
def test_cli(cli, args, expected):
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    for text in expected:
        assert text in result.output, text


def test_cli_json(cli):
    data = json.loads(cli("verify", "-n", 4, "-k", 3, "--cell", "gru", "--all", "--json").output)
    assert [(d["cell"], d["variant"], d["layout"]) for d in data] == [("gru", v, lay) for v, lay in combinations("gru")]
    assert all(d["ok"] for d in data)
    derived = json.loads(cli("derive", "-n", 3, "-k", 2, "--cell", "gru", "--json").output)
    assert derived["cell"] == "gru" and list(derived["upstream"]) == ["dh_t"]


@pytest.mark.parametrize("args,code,message", [
    (["shapes", "-n", 3, "-k", 2, "--cell", "gru", "--variant", "cifg"], 2, "--variant chooses the LSTM's variant"),
    (["derive", "-n", 3, "-k", 2, "--cell", "gru", "--proj", 1], 2, "--proj sets the LSTM's projection size"),
    (["shapes", "-n", 3, "-k", 2, "--cell", "lstm", "--reset-before"], 2, "it does not apply to --cell lstm"),
    (["verify", "-n", 3, "-k", 2, "--cell", "gru", "--reset-after", "--layout", "augmented"], 2,
     "the augmented layout does not apply to the reset-after GRU"),
    (["latex", "-n", 3, "-k", 2, "--cell", "rnn", "--notation", "greff"], 2, "the greff notation names LSTM tensors"),
    (["shapes", "-n", 3, "-k", 2, "--cell", "rnn", "--framework", "matlab"], 2, "MATLAB has no simple RNN layout in this tool"),
    (["solve", "--shape", "W_h=5x3"], 2, "W_h is a tensor of the simple RNN cell (--cell rnn)"),
    (["solve", "--cell", "gru", "--shape", "W_z=50x20", "--shape", "U_n=50x40"], 1, "U_n : 50 x 40"),
])
def test_cli_errors(cli, args, code, message):
    result = cli(*args)
    assert result.exit_code == code
    assert result.stderr.startswith("Error: ") and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("args", [["--cell", "gru"], ["--cell", "gru", "--reset-after"],
                                  ["--cell", "gru", "--layout", "concat"], ["--cell", "rnn", "--nonlinearity", "relu"]],
                         ids=["gru", "gru-reset-after", "gru-concat", "rnn-relu"])
def test_latex_documents_compile(cli, tmp_path, args):
    from .test_document import compile_pdf

    for sizes in (["-n", 20, "-k", 50], ["-n", "n", "-k", "k"]):
        result = cli("latex", *sizes, *args, "--derivatives")
        assert result.exit_code == 0, result.stderr
        compile_pdf(result.output, tmp_path)


def test_lstm_output_unchanged_by_the_families(cli):
    assert cli("shapes", "-n", 80, "-k", 12).output.startswith("LSTM cell: variant standard, layout separate;")
    assert isinstance(make_cell("lstm", 3, 2), LSTMCell)

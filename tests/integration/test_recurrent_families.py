"""The GRU (both placements of the reset gate) and the simple RNN (tanh, relu) as built-in cells.

References, none of them the code under test: SymPy's elementwise derivatives at tiny sizes,
finite differences, the hand-written NumPy cells (reference_gru_rnn.py), torch.nn.GRU /
torch.nn.RNN and autograd, Keras' GRU(reset_after=False) and parameter counts from the frameworks.
"""

import json
import shutil

import numpy as np
import pytest

from lstm_symbolic import GRUCell, LSTMCell, RNNCell, ShapeError, UsageError, make_cell
from lstm_symbolic.families import combinations
from lstm_symbolic.reference import reference_backward, reference_forward

from ..conftest import require
from ..sympy_oracle import assert_backward_matches_sympy

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
    missing = r"the parameters do not match the reset-after GRU cell \(missing: c_r, c_z, c_n\)"
    with pytest.raises(ShapeError, match=missing):
        GRUCell(4, 3, True).compile().forward(params, xs, h0)
    with pytest.raises(UsageError, match="backward needs the initial states and dhs"):
        num.backward(params, xs)


def test_fused_gates():
    assert list(GRUCell(5, 3).compile().stacks.values()) == [["W_r", "W_z"], ["U_r", "U_z"], ["b_r", "b_z"]]


# -- real frameworks -------------------------------------------------------------------------------

@pytest.mark.parametrize("n,k", [(80, 12), (3, 7), (20, 50)])
def test_parameter_counts_match_torch(n, k):
    torch = require("torch")
    assert GRUCell(n, k, reset_after=True).parameter_count() == sum(p.numel() for p in torch.nn.GRU(n, k).parameters())
    assert RNNCell(n, k).parameter_count() + k == sum(p.numel() for p in torch.nn.RNN(n, k).parameters())
    assert GRUCell(n, k).parameter_count() == 3 * k * (n + k + 1)  # Keras GRU(reset_after=False)



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
    return out.detach().numpy().transpose(0, 2, 1), h_n[0].detach().numpy().T, grads, \
        x.grad.numpy().transpose(0, 2, 1), \
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
    (["shapes", "-n", 3, "-k", 2, "--nonlinearity", "relu", "--equations"],
     ["h_t = relu(W_h @ x_t + U_h @ h_prev + b_h)"]),
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
    (["shapes", "-n", 3, "-k", 2, "--cell", "rnn", "--framework", "matlab"], 2,
     "MATLAB has no simple RNN layout in this tool; frameworks with one: pytorch, keras, onnx"),
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
    from ..test_document import compile_pdf

    for sizes in (["-n", 20, "-k", 50], ["-n", "n", "-k", "k"]):
        result = cli("latex", *sizes, *args, "--derivatives")
        assert result.exit_code == 0, result.stderr
        compile_pdf(result.output, tmp_path)


def test_lstm_output_unchanged_by_the_families(cli):
    assert cli("shapes", "-n", 80, "-k", 12).output.startswith("LSTM cell: variant standard, layout separate;")
    assert isinstance(make_cell("lstm", 3, 2), LSTMCell)

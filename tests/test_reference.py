"""The hand-written NumPy cells (reference.py, reference_gru_rnn.py), the yardstick of the compiled cells,
checked on their own: their BPTT against central differences of their forward pass, their forward pass
against PyTorch's layers, their sigmoid against the textbook formula.  Nothing here uses the symbolic code:
the parameter shapes are written out below."""

import warnings

import numpy as np
import pytest

from lstm_symbolic.reference import reference_backward, reference_forward, reference_step
from lstm_symbolic.reference_gru_rnn import sigmoid

from .conftest import require

N, K, P = 3, 4, 2
LSTM_GATES = {"standard": "figo", "vanilla": "igo", "peephole": "figo", "cifg": "igo", "no-output-tanh": "figo",
              "projection": "figo"}
OTHER_GATES = {"reset-before": "rzn", "reset-after": "rzn", "tanh": "h", "relu": "h"}
LAYOUTS = ("separate", "concat", "augmented")
CASES = [(v, lay) for v in LSTM_GATES for lay in LAYOUTS] + \
        [(v, lay) for v in OTHER_GATES for lay in LAYOUTS if (v, lay) != ("reset-after", "concat")
         and (v, lay) != ("reset-after", "augmented")]


def parameter_shapes(variant, layout):
    """Every parameter's shape, written out by hand (k x (rows of the stacked input), ...)."""
    gates = LSTM_GATES.get(variant) or OTHER_GATES[variant]
    h = P if variant == "projection" else K
    width = {"separate": N, "concat": h + N, "augmented": 1 + h + N}[layout]
    shapes = {f"W_{g}": (K, width) for g in gates}
    if layout == "separate":
        shapes.update({f"U_{g}": (K, h) for g in gates})
    if layout != "augmented":
        shapes.update({f"b_{g}": (K, 1) for g in gates})
    if variant == "reset-after":
        shapes.update({f"c_{g}": (K, 1) for g in gates})
    if variant == "peephole":
        shapes.update({f"p_{g}": (K, 1) for g in "fio"})
    if variant == "projection":
        shapes["W_hr"] = (P, K)
    return shapes, h


def random_case(variant, layout, seed, batch=2, steps=3):
    rng = np.random.default_rng(seed)
    shapes, h = parameter_shapes(variant, layout)
    params = {name: rng.uniform(-0.7, 0.7, shape) for name, shape in shapes.items()}
    xs = rng.standard_normal((steps, N, batch))
    states = [rng.standard_normal((h, batch))]
    if variant in LSTM_GATES:
        states.append(rng.standard_normal((K, batch)))
    dhs = rng.standard_normal((steps, h, batch))
    return params, xs, states, dhs


@pytest.mark.parametrize("variant,layout", CASES, ids=[f"{v}-{lay}" for v, lay in CASES])
def test_backward_against_central_differences(variant, layout):
    params, xs, states, dhs = random_case(variant, layout, seed=len(variant) + len(layout))
    grads = reference_backward(variant, layout, params, xs, *states, dhs)

    def loss():
        return float((reference_forward(variant, layout, params, xs, *states)[0] * dhs).sum())

    named = [*params.items(), ("xs", xs), ("h0", states[0])] + ([("c0", states[1])] if len(states) == 2 else [])
    assert set(grads) == {name for name, _ in named}
    for name, arr in named:
        fd = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            keep = arr[idx]
            arr[idx] = keep + 1e-6
            plus = loss()
            arr[idx] = keep - 1e-6
            fd[idx] = (plus - loss()) / 2e-6
            arr[idx] = keep
        np.testing.assert_allclose(grads[name], fd, rtol=0, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("variant", list(LSTM_GATES))
def test_step_is_one_step_of_forward(variant):
    params, xs, (h0, c0), _ = random_case(variant, "separate", seed=1)
    hs, h_T, c_T = reference_forward(variant, "separate", params, xs[:1], h0, c0)
    h1, c1 = reference_step(variant, "separate", params, xs[0], h0, c0)
    assert (hs[0] == h1).all() and (h_T == h1).all() and (c_T == c1).all()


def test_sigmoid():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15, atol=1e-300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sigmoid(np.array([-1000.0, 1000.0], dtype=np.float32)).tolist() == [0.0, 1.0]


def _torch_weights(module, gates, k):
    """PyTorch's stacked per-gate blocks as the column-convention parameters, split by hand."""
    sd = {name: t.detach().numpy() for name, t in module.state_dict().items()}
    params = {}
    for j, g in enumerate(gates):
        block = slice(j * k, (j + 1) * k)
        params[f"W_{g}"], params[f"U_{g}"] = sd["weight_ih_l0"][block], sd["weight_hh_l0"][block]
        b_ih, b_hh = sd["bias_ih_l0"][block, None], sd["bias_hh_l0"][block, None]
        if gates == "rzn":  # the GRU keeps its recurrent bias inside r * (...)
            params[f"b_{g}"], params[f"c_{g}"] = b_ih, b_hh
        else:
            params[f"b_{g}"] = b_ih + b_hh
    if "weight_hr_l0" in sd:
        params["W_hr"] = sd["weight_hr_l0"]
    return params


@pytest.mark.parametrize("variant", ["standard", "projection", "reset-after", "tanh", "relu"])
def test_forward_against_torch(variant):
    torch = require("torch")
    torch.manual_seed(4)
    T, B = 5, 3
    if variant in LSTM_GATES:
        module = torch.nn.LSTM(N, K, proj_size=P if variant == "projection" else 0).double()
        gates = "ifgo"  # PyTorch's order
    elif variant == "reset-after":
        module, gates = torch.nn.GRU(N, K).double(), "rzn"
    else:
        module, gates = torch.nn.RNN(N, K, nonlinearity=variant).double(), "h"
    params = _torch_weights(module, gates, K)
    rng = np.random.default_rng(6)
    h = P if variant == "projection" else K
    xs, h0, c0 = rng.standard_normal((T, N, B)), rng.standard_normal((h, B)), rng.standard_normal((K, B))
    x = torch.from_numpy(xs.transpose(0, 2, 1).copy())
    with torch.no_grad():
        if variant in LSTM_GATES:
            out, (h_n, c_n) = module(x, (torch.from_numpy(h0.T.copy())[None], torch.from_numpy(c0.T.copy())[None]))
            hs, h_T, c_T = reference_forward(variant, "separate", params, xs, h0, c0)
            np.testing.assert_allclose(c_T, c_n[0].numpy().T, rtol=0, atol=1e-12)
        else:
            out, h_n = module(x, torch.from_numpy(h0.T.copy())[None])
            hs, h_T = reference_forward(variant, "separate", params, xs, h0)
    np.testing.assert_allclose(hs, out.numpy().transpose(0, 2, 1), rtol=0, atol=1e-12)
    np.testing.assert_allclose(h_T, h_n[0].numpy().T, rtol=0, atol=1e-12)

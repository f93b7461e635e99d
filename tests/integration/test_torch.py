"""Forward passes against torch.nn.LSTM (float64), when PyTorch is installed."""

import numpy as np
import pytest

from lstm_symbolic import LSTMCell

from ..conftest import require

torch = require("torch")

TORCH_GATE_ORDER = "ifgo"  # PyTorch stacks the gate blocks as i, f, g, o


def canonical_from_torch(lstm, k):
    """Split torch's stacked weights into the canonical per-gate parameters (separate layout)."""
    sd = {name: t.detach().numpy() for name, t in lstm.state_dict().items()}
    params = {}
    for j, g in enumerate(TORCH_GATE_ORDER):
        block = slice(j * k, (j + 1) * k)
        params[f"W_{g}"] = sd["weight_ih_l0"][block]
        params[f"U_{g}"] = sd["weight_hh_l0"][block]
        params[f"b_{g}"] = (sd["bias_ih_l0"][block] + sd["bias_hh_l0"][block])[:, None]
    if "weight_hr_l0" in sd:
        params["W_hr"] = sd["weight_hr_l0"]
    return params


@pytest.mark.parametrize("n,k,p,B,T", [(3, 4, None, 1, 6), (7, 5, None, 4, 8), (6, 5, 3, 2, 7), (4, 8, 2, 3, 5)])
def test_forward_matches_torch(n, k, p, B, T):
    torch.manual_seed(n * 100 + k)
    lstm = torch.nn.LSTM(n, k, proj_size=p or 0).double()
    variant = "projection" if p else "standard"
    cell = LSTMCell(n, k, variant, proj_size=p)
    params = canonical_from_torch(lstm, k)
    rng = np.random.default_rng(T)
    rows_h = p or k
    xs = rng.standard_normal((T, n, B))
    h0, c0 = rng.standard_normal((rows_h, B)), rng.standard_normal((k, B))
    with torch.no_grad():
        out, (h_n, c_n) = lstm(torch.from_numpy(xs.transpose(0, 2, 1).copy()),
                               (torch.from_numpy(h0.T.copy())[None], torch.from_numpy(c0.T.copy())[None]))
    hs, h_T, c_T = cell.compile().forward(params, xs, h0, c0)
    np.testing.assert_allclose(hs, out.numpy().transpose(0, 2, 1), rtol=0, atol=1e-12)
    np.testing.assert_allclose(h_T, h_n[0].numpy().T, rtol=0, atol=1e-12)
    np.testing.assert_allclose(c_T, c_n[0].numpy().T, rtol=0, atol=1e-12)


@pytest.mark.parametrize("n,k,p,B,T", [(3, 4, None, 2, 6), (6, 5, 3, 3, 7), (5, 3, None, 1, 5)])
def test_backward_matches_torch_autograd(n, k, p, B, T):
    torch.manual_seed(7 * n + k)
    lstm = torch.nn.LSTM(n, k, proj_size=p or 0).double()
    cell = LSTMCell(n, k, "projection" if p else "standard", proj_size=p)
    params = canonical_from_torch(lstm, k)
    rng = np.random.default_rng(n + T)
    rows_h = p or k
    xs = rng.standard_normal((T, n, B))
    h0, c0 = rng.standard_normal((rows_h, B)), rng.standard_normal((k, B))
    dhs = rng.standard_normal((T, rows_h, B))
    x_t = torch.from_numpy(xs.transpose(0, 2, 1).copy()).requires_grad_()
    h_t = torch.from_numpy(h0.T.copy())[None].requires_grad_()
    c_t = torch.from_numpy(c0.T.copy())[None].requires_grad_()
    out, _ = lstm(x_t, (h_t, c_t))
    (out * torch.from_numpy(dhs.transpose(0, 2, 1).copy())).sum().backward()
    grads = cell.compile().backward(params, xs, h0, c0, dhs)
    torch_grads = {name: t.grad.numpy() for name, t in lstm.named_parameters()}
    for j, g in enumerate(TORCH_GATE_ORDER):
        block = slice(j * k, (j + 1) * k)
        np.testing.assert_allclose(grads[f"W_{g}"], torch_grads["weight_ih_l0"][block], atol=1e-10)
        np.testing.assert_allclose(grads[f"U_{g}"], torch_grads["weight_hh_l0"][block], atol=1e-10)
        # one canonical bias b = b_ih + b_hh: both of torch's biases get its gradient
        np.testing.assert_allclose(grads[f"b_{g}"][:, 0], torch_grads["bias_ih_l0"][block], atol=1e-10)
        np.testing.assert_allclose(grads[f"b_{g}"][:, 0], torch_grads["bias_hh_l0"][block], atol=1e-10)
    if p:
        np.testing.assert_allclose(grads["W_hr"], torch_grads["weight_hr_l0"], atol=1e-10)
    np.testing.assert_allclose(grads["xs"], x_t.grad.numpy().transpose(0, 2, 1), atol=1e-10)
    np.testing.assert_allclose(grads["h0"], h_t.grad[0].numpy().T, atol=1e-10)
    np.testing.assert_allclose(grads["c0"], c_t.grad[0].numpy().T, atol=1e-10)

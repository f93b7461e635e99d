"""A GRU and a simple (Elman) RNN written by hand in NumPy, independent of the symbolic code.

Like :mod:`lstm_symbolic.reference` for the LSTM, this is a yardstick: every placement of
the GRU's reset gate, every nonlinearity and every layout is spelled out here, and the
backward passes are hand-derived BPTT, sharing nothing with the equation builder, the
reverse-mode rules or the printer.

GRU (column convention)::

    r = sigmoid(W_r x + U_r h + b_r [+ c_r])      z = sigmoid(W_z x + U_z h + b_z [+ c_z])
    n = tanh(W_n x + U_n (r * h) + b_n)                   reset before the product (Cho et al.)
    n = tanh(W_n x + b_n + r * (U_n h + c_n))             reset after it (PyTorch, Keras' default)
    h_new = (1 - z) * n + z * h

Simple RNN: ``h_new = act(W_h x + U_h h + b_h)``, act tanh or relu.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z):
    """Branch-wise logistic function: exp of a non-positive number only (the LSTM reference uses it too)."""
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)


def _stack(layout, h, x):
    """The column stack a concat / augmented weight multiplies: [h; x] or [1; h; x]."""
    rows = [h, x]
    if layout == "augmented":
        rows.insert(0, np.ones((1, x.shape[1]), dtype=x.dtype))
    return np.vstack(rows)


def _linear(g, layout, params, x, h):
    """W_g x + U_g h + b_g (separate), W_g [h; x] + b_g (concat), W_g [1; h; x] (augmented)."""
    if layout == "separate":
        return params["W_" + g] @ x + params["U_" + g] @ h + params["b_" + g]
    if layout == "concat":
        return params["W_" + g] @ _stack(layout, h, x) + params["b_" + g]
    if layout == "augmented":
        return params["W_" + g] @ _stack(layout, h, x)
    raise ValueError(layout)


def _linear_backward(g, layout, params, grads, d, x, h):
    """Accumulate the weight gradients of ``_linear`` for the delta ``d``; return (dx, dh)."""
    if layout == "separate":
        grads["W_" + g] += d @ x.T
        grads["U_" + g] += d @ h.T
        grads["b_" + g] += d.sum(axis=1, keepdims=True)
        return params["W_" + g].T @ d, params["U_" + g].T @ d
    grads["W_" + g] += d @ _stack(layout, h, x).T
    if layout == "concat":
        grads["b_" + g] += d.sum(axis=1, keepdims=True)
    dstack = params["W_" + g].T @ d
    skip = 1 if layout == "augmented" else 0
    rows = h.shape[0]
    return dstack[skip + rows:], dstack[skip:skip + rows]


def gru_step(variant, layout, params, x, h):
    """One GRU step; returns (h_new, the values the backward pass needs)."""
    after = variant == "reset-after"
    if after and layout != "separate":
        raise ValueError("the reset-after GRU exists only in the separate layout")
    a_r, a_z = _linear("r", layout, params, x, h), _linear("z", layout, params, x, h)
    if after:
        a_r, a_z = a_r + params["c_r"], a_z + params["c_z"]
    r, z = sigmoid(a_r), sigmoid(a_z)
    s = {"x": x, "h": h, "r": r, "z": z}
    if after:
        s["hn"] = params["U_n"] @ h + params["c_n"]
        n = np.tanh(params["W_n"] @ x + params["b_n"] + r * s["hn"])
    else:
        s["rh"] = r * h
        n = np.tanh(_linear("n", layout, params, x, s["rh"]))
    s["n"] = n
    return (1.0 - z) * n + z * h, s


def gru_forward(variant, layout, params, xs, h0):
    """T GRU steps: returns (hs, h_T) with hs of shape T x k x B."""
    h, hs = h0, []
    for x in xs:
        h, _ = gru_step(variant, layout, params, x, h)
        hs.append(h)
    return np.stack(hs), h


def gru_backward(variant, layout, params, xs, h0, dhs):
    """GRU BPTT by hand: gradients of sum_t <dhs[t], h_t>; returns {parameter: ..., "xs", "h0"}."""
    cache, h = [], h0
    for x in xs:
        h, s = gru_step(variant, layout, params, x, h)
        cache.append(s)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    dxs, dh_next = np.zeros_like(xs), np.zeros_like(h0)
    for t in range(xs.shape[0] - 1, -1, -1):
        s = cache[t]
        dh = dhs[t] + dh_next
        dn, dz, dh_prev = dh * (1.0 - s["z"]), dh * (s["h"] - s["n"]), dh * s["z"]
        da_n = dn * (1.0 - s["n"] ** 2)
        if variant == "reset-after":
            grads["W_n"] += da_n @ s["x"].T
            grads["b_n"] += da_n.sum(axis=1, keepdims=True)
            dxs[t] += params["W_n"].T @ da_n
            dhn = da_n * s["r"]
            grads["U_n"] += dhn @ s["h"].T
            grads["c_n"] += dhn.sum(axis=1, keepdims=True)
            dh_prev = dh_prev + params["U_n"].T @ dhn
            dr = da_n * s["hn"]
        else:
            dx, drh = _linear_backward("n", layout, params, grads, da_n, s["x"], s["rh"])
            dxs[t] += dx
            dr, dh_prev = drh * s["h"], dh_prev + drh * s["r"]
        deltas = {"r": dr * s["r"] * (1.0 - s["r"]), "z": dz * s["z"] * (1.0 - s["z"])}
        for g, d in deltas.items():
            dx, dhg = _linear_backward(g, layout, params, grads, d, s["x"], s["h"])
            dxs[t] += dx
            dh_prev = dh_prev + dhg
            if variant == "reset-after":
                grads["c_" + g] += d.sum(axis=1, keepdims=True)
        dh_next = dh_prev
    grads["xs"], grads["h0"] = dxs, dh_next
    return grads


def rnn_forward(variant, layout, params, xs, h0):
    """T simple-RNN steps (variant: the nonlinearity, tanh or relu): returns (hs, h_T)."""
    act = np.tanh if variant == "tanh" else (lambda a: np.maximum(a, 0.0))
    h, hs = h0, []
    for x in xs:
        h = act(_linear("h", layout, params, x, h))
        hs.append(h)
    return np.stack(hs), h


def rnn_backward(variant, layout, params, xs, h0, dhs):
    """Simple-RNN BPTT by hand: gradients of sum_t <dhs[t], h_t>; returns {parameter: ..., "xs", "h0"}."""
    hs, _ = rnn_forward(variant, layout, params, xs, h0)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    dxs, dh_next = np.zeros_like(xs), np.zeros_like(h0)
    for t in range(xs.shape[0] - 1, -1, -1):
        h_prev = hs[t - 1] if t > 0 else h0
        dh = dhs[t] + dh_next
        slope = 1.0 - hs[t] ** 2 if variant == "tanh" else (hs[t] > 0).astype(hs.dtype)
        dx, dh_next = _linear_backward("h", layout, params, grads, dh * slope, xs[t], h_prev)
        dxs[t] += dx
    grads["xs"], grads["h0"] = dxs, dh_next
    return grads


#: The hand-written cells by variant name (the names are unique across the cell families).
FORWARD = {"reset-before": gru_forward, "reset-after": gru_forward, "tanh": rnn_forward, "relu": rnn_forward}
BACKWARD = {"reset-before": gru_backward, "reset-after": gru_backward, "tanh": rnn_backward, "relu": rnn_backward}

"""An LSTM written by hand in NumPy, independent of the symbolic code (the GRU and the simple
RNN are in :mod:`lstm_symbolic.reference_gru_rnn`).

This is the yardstick the compiled cell is checked against (``lstm-symbolic
verify`` and the tests), so it deliberately shares nothing with the equation
builder or the printer: every variant is a row of its own small table of rules
(``_RULES``, not :data:`~lstm_symbolic.variants.VARIANTS`), every layout is spelled
out, and the sigmoid uses a different (branch-wise) formulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .reference_gru_rnn import BACKWARD, FORWARD, sigmoid


@dataclass(frozen=True)
class _Rules:
    """How one LSTM variant computes its step, written out here (not read from variants.py)."""

    gates: str  # the gates with weights
    peephole: bool = False  # f and i see c_prev, o sees c_t
    forget: str = "gate"  # "gate": a forget gate; "none": c_t = c_prev + i * g; "coupled": f = 1 - i
    output_tanh: bool = True  # h_t = o * tanh(c_t), else o * c_t
    projection: bool = False  # h_t = W_hr @ (o * tanh(c_t))


_RULES = {
    "standard": _Rules("figo"),
    "vanilla": _Rules("igo", forget="none"),
    "peephole": _Rules("figo", peephole=True),
    "cifg": _Rules("igo", forget="coupled"),
    "no-output-tanh": _Rules("figo", output_tanh=False),
    "projection": _Rules("figo", projection=True),
}


def _preactivation(gate, layout, params, x, h):
    if layout == "separate":
        return params["W_" + gate] @ x + params["U_" + gate] @ h + params["b_" + gate]
    if layout == "concat":
        return params["W_" + gate] @ np.vstack([h, x]) + params["b_" + gate]
    if layout == "augmented":
        one = np.ones((1, x.shape[1]), dtype=x.dtype)
        return params["W_" + gate] @ np.vstack([one, h, x])
    raise ValueError(layout)


def reference_step(variant, layout, params, x, h, c):
    """One step of the named variant: returns (h_t, c_t)."""
    rules = _RULES[variant]
    pre = {g: _preactivation(g, layout, params, x, h) for g in rules.gates}
    if rules.peephole:
        pre["f"] = pre["f"] + params["p_f"] * c
        pre["i"] = pre["i"] + params["p_i"] * c
    i = sigmoid(pre["i"])
    g = np.tanh(pre["g"])
    if rules.forget == "none":
        c_new = c + i * g
    elif rules.forget == "coupled":
        c_new = (1.0 - i) * c + i * g
    else:
        c_new = sigmoid(pre["f"]) * c + i * g
    if rules.peephole:
        pre["o"] = pre["o"] + params["p_o"] * c_new
    o = sigmoid(pre["o"])
    if not rules.output_tanh:
        h_new = o * c_new
    elif rules.projection:
        h_new = params["W_hr"] @ (o * np.tanh(c_new))
    else:
        h_new = o * np.tanh(c_new)
    return h_new, c_new


def reference_forward(variant, layout, params, xs, *states):
    """T steps from the initial states: returns (hs, h_T, c_T) with hs of shape T x rows(h) x B.

    A GRU or simple-RNN variant (``reset-before``, ``reset-after``, ``tanh``, ``relu``) takes
    ``h0`` alone and returns (hs, h_T): see :mod:`lstm_symbolic.reference_gru_rnn`.
    """
    if variant in FORWARD:
        return FORWARD[variant](variant, layout, params, xs, *states)
    h, c = states
    hs = []
    for x in xs:
        h, c = reference_step(variant, layout, params, x, h, c)
        hs.append(h)
    return np.stack(hs), h, c


def reference_backward(variant, layout, params, xs, *states_and_dhs):
    """BPTT written by hand: gradients of sum_t <dhs[t], h_t> w.r.t. everything; called as
    ``(variant, layout, params, xs, h0, c0, dhs)`` (``h0, dhs`` for a GRU or a simple RNN).

    Returns ``{parameter: gradient, "xs": ..., "h0": ..., "c0": ...}`` (no ``"c0"`` without a cell).
    """
    if variant in BACKWARD:
        return BACKWARD[variant](variant, layout, params, xs, *states_and_dhs)
    h0, c0, dhs = states_and_dhs
    cache = _forward_cache(variant, layout, params, xs, h0, c0)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    dxs = np.zeros_like(xs)
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
    for t in range(xs.shape[0] - 1, -1, -1):
        s = cache[t]
        delta, dc_prev = _cell_backward(variant, params, s, dhs[t] + dh_next, dc_next, grads)
        dh_prev = _gates_backward(_RULES[variant].gates, layout, params, s, delta, grads, dxs[t])
        dh_next, dc_next = dh_prev, dc_prev
    grads["xs"], grads["h0"], grads["c0"] = dxs, dh_next, dc_next
    return grads


def _forward_cache(variant, layout, params, xs, h, c):
    """The forward pass over ``xs``, keeping per step what the backward pass needs."""
    rules = _RULES[variant]
    cache = []
    for x in xs:
        step = {"x": x, "h_prev": h, "c_prev": c}
        pre = {g: _preactivation(g, layout, params, x, h) for g in rules.gates}
        if rules.peephole:
            pre["f"] = pre["f"] + params["p_f"] * c
            pre["i"] = pre["i"] + params["p_i"] * c
        step["i"], step["g"] = sigmoid(pre["i"]), np.tanh(pre["g"])
        if rules.forget == "none":
            step["f"] = None
            c = c + step["i"] * step["g"]
        else:
            step["f"] = 1.0 - step["i"] if rules.forget == "coupled" else sigmoid(pre["f"])
            c = step["f"] * step["c_prev"] + step["i"] * step["g"]
        if rules.peephole:
            pre["o"] = pre["o"] + params["p_o"] * c
        step["o"], step["c"] = sigmoid(pre["o"]), c
        step["squashed"] = c if not rules.output_tanh else np.tanh(c)
        step["m"] = step["o"] * step["squashed"]
        h = params["W_hr"] @ step["m"] if rules.projection else step["m"]
        cache.append(step)
    return cache


def _cell_backward(variant, params, s, dh, dc_next, grads):
    """One step back through the cell from ``dh`` (dL/dh_t) and ``dc_next``: the gates'
    pre-activation gradients ``delta`` and dL/dc_{t-1}; adds the projection and peephole gradients."""
    rules = _RULES[variant]
    if rules.projection:
        grads["W_hr"] += dh @ s["m"].T
        dm = params["W_hr"].T @ dh
    else:
        dm = dh
    do = dm * s["squashed"]
    if not rules.output_tanh:
        dc = dm * s["o"] + dc_next
    else:
        dc = dm * s["o"] * (1.0 - s["squashed"] ** 2) + dc_next
    delta = {"o": do * s["o"] * (1.0 - s["o"])}
    if rules.peephole:
        dc = dc + delta["o"] * params["p_o"]
        grads["p_o"] += np.sum(delta["o"] * s["c"], axis=1, keepdims=True)
    di, dg = dc * s["g"], dc * s["i"]
    if rules.forget == "none":
        dc_prev = dc
    else:
        df = dc * s["c_prev"]
        dc_prev = dc * s["f"]
        if rules.forget == "coupled":
            di = di - df
        else:
            delta["f"] = df * s["f"] * (1.0 - s["f"])
    delta["i"] = di * s["i"] * (1.0 - s["i"])
    delta["g"] = dg * (1.0 - s["g"] ** 2)
    if rules.peephole:
        dc_prev = dc_prev + delta["f"] * params["p_f"] + delta["i"] * params["p_i"]
        grads["p_f"] += np.sum(delta["f"] * s["c_prev"], axis=1, keepdims=True)
        grads["p_i"] += np.sum(delta["i"] * s["c_prev"], axis=1, keepdims=True)
    return delta, dc_prev


def _gates_backward(gates, layout, params, s, delta, grads, dx):
    """The gates' weight and bias gradients from ``delta``, added to ``grads``; dL/dx_t added to
    ``dx`` in place; returns dL/dh_{t-1}."""
    k_h = s["h_prev"].shape[0]
    dh_prev = np.zeros_like(s["h_prev"])
    for g in gates:
        d = delta[g]
        if layout == "separate":
            grads["W_" + g] += d @ s["x"].T
            grads["U_" + g] += d @ s["h_prev"].T
            grads["b_" + g] += d.sum(axis=1, keepdims=True)
            dx += params["W_" + g].T @ d
            dh_prev += params["U_" + g].T @ d
        else:
            rows = [s["h_prev"], s["x"]]
            if layout == "augmented":
                rows.insert(0, np.ones((1, s["x"].shape[1]), dtype=s["x"].dtype))
            z = np.vstack(rows)
            grads["W_" + g] += d @ z.T
            if layout == "concat":
                grads["b_" + g] += d.sum(axis=1, keepdims=True)
            dz = params["W_" + g].T @ d
            offset = 1 if layout == "augmented" else 0
            dh_prev += dz[offset:offset + k_h]
            dx += dz[offset + k_h:]
    return dh_prev

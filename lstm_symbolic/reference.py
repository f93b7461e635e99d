"""An LSTM written by hand in NumPy, independent of the symbolic code.

This is the yardstick the compiled cell is checked against (``lstm-symbolic
verify`` and the tests), so it deliberately shares nothing with the equation
builder or the printer: every variant and layout is spelled out here, and the
sigmoid uses a different (branch-wise) formulation.
"""

from __future__ import annotations

import numpy as np

GATES_OF = {
    "standard": "figo",
    "vanilla": "igo",
    "peephole": "figo",
    "cifg": "igo",
    "no-output-tanh": "figo",
    "projection": "figo",
}


def sigmoid(z):
    """Branch-wise logistic function: exp of a non-positive number only."""
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)


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
    pre = {g: _preactivation(g, layout, params, x, h) for g in GATES_OF[variant]}
    if variant == "peephole":
        pre["f"] = pre["f"] + params["p_f"] * c
        pre["i"] = pre["i"] + params["p_i"] * c
    i = sigmoid(pre["i"])
    g = np.tanh(pre["g"])
    if variant == "vanilla":
        c_new = c + i * g
    elif variant == "cifg":
        c_new = (1.0 - i) * c + i * g
    else:
        c_new = sigmoid(pre["f"]) * c + i * g
    if variant == "peephole":
        pre["o"] = pre["o"] + params["p_o"] * c_new
    o = sigmoid(pre["o"])
    if variant == "no-output-tanh":
        h_new = o * c_new
    elif variant == "projection":
        h_new = params["W_hr"] @ (o * np.tanh(c_new))
    else:
        h_new = o * np.tanh(c_new)
    return h_new, c_new


def reference_forward(variant, layout, params, xs, h0, c0):
    """T steps: returns (hs, h_T, c_T) with hs of shape T x rows(h) x B."""
    h, c = h0, c0
    hs = []
    for x in xs:
        h, c = reference_step(variant, layout, params, x, h, c)
        hs.append(h)
    return np.stack(hs), h, c

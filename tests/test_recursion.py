"""The document's BPTT recursion, evaluated numerically, equals the compiled backward pass.

The recursion (``recursion.time_recursion``) is what the LaTeX handout prints: dh_t = Delta_t +
(terms of step t+1), dc_t = ... + dc_{t+1} * f_{t+1} + ..., dW = sum_t (summand).  Here a small
NumPy interpreter of the SymPy trees, written for this test (it shares nothing with numeric.py),
runs it from t = T down to 1 and sums the parameter gradients; ``NumericCell.backward`` is the
compiled BPTT the package runs.
"""

import numpy as np
import pytest
from sympy import HadamardPower, HadamardProduct, Identity, MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from lstm_symbolic import LSTMCell
from lstm_symbolic.cell import make_cell
from lstm_symbolic.families import combinations
from lstm_symbolic.matrix_nodes import ColumnSum, RowBlock, VConcat
from lstm_symbolic.notations import NEXT
from lstm_symbolic.recursion import DIRECT, _flat_sum, later, time_recursion
from lstm_symbolic.textprint import function_name, text

from .conftest import ALL_LAYOUTS, ALL_VARIANTS, proj_for

FUNCTIONS = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
             "step": lambda y: (y > 0).astype(float)}  # relu' written with its output


def ev(e, env):
    """Evaluate a matrix expression with NumPy arrays from ``env``."""
    if isinstance(e, MatrixSymbol):
        return env[e.name]
    if isinstance(e, OneMatrix):
        return np.ones((int(e.shape[0]), int(e.shape[1])))
    if isinstance(e, Identity):
        return np.eye(int(e.shape[0]))
    if isinstance(e, MatAdd):
        return sum(ev(a, env) for a in e.args)
    if isinstance(e, MatMul):
        out = None
        for a in e.args:
            v = ev(a, env) if a.is_Matrix else float(a)
            out = v if out is None else (out * v if np.isscalar(v) or np.isscalar(out) else out @ v)
        return out
    if isinstance(e, HadamardProduct):
        return np.prod([ev(a, env) for a in e.args], axis=0)
    if isinstance(e, HadamardPower):
        return ev(e.base, env) ** int(e.exp)
    if isinstance(e, ElementwiseApplyFunction):
        return FUNCTIONS[function_name(e)](ev(e.expr, env))
    if isinstance(e, Transpose):
        return ev(e.arg, env).T
    if isinstance(e, ColumnSum):
        return ev(e.args[0], env).sum(axis=1, keepdims=True)
    if isinstance(e, RowBlock):
        return ev(e.args[0], env)[int(e.args[1]):int(e.args[2])]
    if isinstance(e, VConcat):
        return np.vstack([ev(b, env) for b in e.blocks])
    raise TypeError(type(e).__name__)


def run_recursion(cell, params, xs, initial_states, deltas):
    """The document's forward pass, then its backward recursion from t = T to 1 (``initial_states``:
    ``{"h_prev": h0, "c_prev": c0}``, or h0 alone for one-state cells)."""
    derivation = cell.backward()
    rec = time_recursion(derivation)
    T = len(xs)
    steps = []
    states = dict(initial_states)
    for t in range(T):
        env = dict(params, x_t=xs[t], **states)
        for eq in derivation.forward:
            env[eq.name] = ev(eq.rhs, env)
        states = {prev: env[new] for new, prev in cell.program.recurrence}
        steps.append(env)
    grads = {eq.name: 0.0 for eq in rec.sums}
    dxs = [None] * T
    B = xs.shape[2]
    wanted = {s.name for eq in rec.steps for s in eq.rhs.atoms(MatrixSymbol) if s.name.endswith(NEXT)}
    later = {name: np.zeros((int(rec.shapes[name[: -len(NEXT)]][0]), B)) for name in wanted}  # step T+1: none
    for t in range(T - 1, -1, -1):
        env = dict(steps[t], **later, **{DIRECT: deltas[t]})
        for eq in rec.steps:
            env[eq.name] = ev(eq.rhs, env)
        for eq in rec.sums:
            grads[eq.name] = grads[eq.name] + ev(eq.rhs, env)
        dxs[t] = env[derivation.gradients["x_t"]]
        later = {name + NEXT: value for name, value in env.items() if name not in params}
    initial = {}  # h_0, c_0: the terms of dh_t and dc_t that come from step 1, at t = 0
    env = dict(params, **later)
    for prev, state in rec.initial.items():
        initial[prev] = ev(rec.carries[state], env) if rec.carries[state] is not None else 0
    return grads, np.stack(dxs), initial, derivation


@pytest.mark.parametrize("layout", ALL_LAYOUTS)
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_document_recursion_equals_compiled_bptt(variant, layout):
    cell = LSTMCell(4, 3, variant, layout, proj_for(variant, 2), batch_size=2)
    num = cell.compile()
    rng = np.random.default_rng(7)
    params = num.init_params(seed=3)
    params = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in params.items()}
    T, B = 5, 2
    rows_h = cell.shapes()["h_t"][0]
    xs = rng.standard_normal((T, 4, B))
    h0, c0 = rng.standard_normal((rows_h, B)), rng.standard_normal((3, B))
    dhs = rng.standard_normal((T, rows_h, B))

    grads, dxs, initial, derivation = run_recursion(cell, params, xs, {"h_prev": h0, "c_prev": c0}, dhs)
    compiled = num.backward(params, xs, h0, c0, dhs)

    for tensor in cell.parameters:
        np.testing.assert_allclose(grads[derivation.gradients[tensor]], compiled[tensor], rtol=1e-10, atol=1e-12,
                                   err_msg=tensor)
    np.testing.assert_allclose(dxs, compiled["xs"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(initial["h_prev"], compiled["h0"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(initial["c_prev"], compiled["c0"], rtol=1e-10, atol=1e-12)


OTHER_CELLS = [(family, variant, layout) for family in ("gru", "rnn") for variant, layout in combinations(family)]


@pytest.mark.parametrize("family,variant,layout", OTHER_CELLS, ids=["-".join(c) for c in OTHER_CELLS])
def test_gru_and_rnn_recursion_equals_compiled_bptt(family, variant, layout):
    cell = make_cell(family, 4, 3, variant, layout, batch_size=2)
    num = cell.compile()
    rng = np.random.default_rng(11)
    params = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in num.init_params(seed=5).items()}
    T, B = 5, 2
    xs = rng.standard_normal((T, 4, B))
    h0 = rng.standard_normal((3, B))
    dhs = rng.standard_normal((T, 3, B))

    grads, dxs, initial, derivation = run_recursion(cell, params, xs, {"h_prev": h0}, dhs)
    compiled = num.backward(params, xs, h0, dhs)

    assert set(grads) == {derivation.gradients[p] for p in cell.parameters}
    for tensor in cell.parameters:
        np.testing.assert_allclose(grads[derivation.gradients[tensor]], compiled[tensor], rtol=1e-10, atol=1e-12,
                                   err_msg=tensor)
    np.testing.assert_allclose(dxs, compiled["xs"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(initial["h_prev"], compiled["h0"], rtol=1e-10, atol=1e-12)
    assert "c0" not in compiled


@pytest.mark.parametrize("variant,inside", [("reset-before", "U_n^T @ da_n__next) * r_t__next"),
                                            ("reset-after", "U_n^T @ (da_n__next * r_t__next)")])
def test_the_gru_hidden_gradient_has_every_path_of_the_next_step(variant, inside):
    """dh_t = Delta_t + dh_{t+1} * z_{t+1} + (the candidate's term, with r_{t+1}) + U_z^T da_z + U_r^T da_r."""
    dh = time_recursion(make_cell("gru", "n", "k", variant).backward()).steps[0]
    text = str(dh)
    assert dh.name == "dh_t" and text.startswith("dh_t = Delta_t + dh_t__next * z_t__next"), text
    assert inside in text and "U_z^T @ da_z__next" in text and "U_r^T @ da_r__next" in text


def test_the_cell_gradient_has_the_factor_of_the_next_forget_gate():
    rec = time_recursion(LSTMCell("n", "k", "peephole").backward())
    dc = next(eq for eq in rec.steps if eq.name == "dc_t")
    text = str(dc)
    assert "dc_t__next * f_t__next" in text and "da_f__next * p_f" in text and "da_i__next * p_i" in text
    dh = rec.steps[0]
    assert dh.name == "dh_t" and str(dh).startswith("dh_t = Delta_t + U_o^T @ da_o__next")


# -- the pieces of the recursion, directly -------------------------------------------------------------------
def test_later_renames_every_tensor_but_the_parameters():
    f_t, h_prev, W_f = MatrixSymbol("f_t", 3, 1), MatrixSymbol("h_prev", 3, 1), MatrixSymbol("W_f", 3, 3)
    moved = later(HadamardProduct(f_t, MatMul(W_f, h_prev)), {"W_f"})
    assert text(moved) == "f_t__next * (W_f @ h_t)"  # h_prev one step later is h_t
    assert {s.name: s.shape for s in moved.atoms(MatrixSymbol)} == {"f_t__next": (3, 1), "W_f": (3, 3), "h_t": (3, 1)}


def test_flat_sum():
    a, b, c = (MatrixSymbol(name, 3, 1) for name in "abc")
    assert text(_flat_sum(MatAdd(a, b, evaluate=False), c)) == "a + b + c"
    assert _flat_sum(a) is a


def test_the_simple_rnn_recursion_written_out():
    """BPTT of h_t = tanh(W_h x_t + U_h h_prev + b_h), as a textbook writes it."""
    rec = time_recursion(make_cell("rnn", 2, 3).backward())
    assert [f"{eq.name} = {text(eq.rhs)}" for eq in rec.steps] == [
        "dh_t = Delta_t + U_h^T @ da_h__next", "da_h = dh_t * (1 - h_t^2)", "dx_t = W_h^T @ da_h"]
    assert [f"{eq.name} = {text(eq.rhs)}" for eq in rec.sums] == [
        "dW_h = da_h @ x_t^T", "dU_h = da_h @ h_prev^T", "db_h = da_h @ 1"]
    assert rec.output == "h_t" and rec.initial == {"h_prev": "h_t"}
    assert text(rec.carries["h_t"]) == "U_h^T @ da_h__next" and rec.shapes[DIRECT] == (3, 1)


def test_the_lstm_cell_state_carry_is_the_next_forget_gate():
    rec = time_recursion(LSTMCell(2, 3).backward())
    assert rec.initial == {"h_prev": "h_t", "c_prev": "c_t"}
    assert text(rec.carries["c_t"]) == "dc_t__next * f_t__next"
    assert text(rec.steps[1].rhs) == "dh_t * o_t * (1 - tanh(c_t)^2) + dc_t__next * f_t__next"

"""The fusion passes (fusion.py) against independent per-gate NumPy computations.

``stack_products`` must compute every gate as the unfused equations do; ``stack_gradients``
must give the same per-step sums and weight gradients as the per-gate formulas
(``dx = sum_g W_g^T da_g``, ``dW_g = da_g x^T``) written here in NumPy; ``hoist_inputs`` must
split off exactly the x-only summands.
"""

import numpy as np
import pytest
from sympy import HadamardProduct, MatAdd, MatMul, MatrixSymbol, Transpose

from lstm_symbolic import LSTMCell, make_cell
from lstm_symbolic.codegen import Compiled
from lstm_symbolic.equations import Equation, symbols_of, tensor_names
from lstm_symbolic.fusion import hoist_inputs, stack_gradients, stack_products

N, K, B = 3, 2, 4


def run(equations, outputs, values):
    """Evaluate ``equations`` with the generated code on ``values`` ({name: array})."""
    syms = symbols_of(equations)
    reads = sorted(set().union(*(tensor_names(eq.rhs) for eq in equations)) - {eq.name for eq in equations})
    args = [syms[name] for name in reads]
    function = Compiled(args, equations, [syms[name] for name in outputs]).function
    return dict(zip(outputs, function(*[values[name] for name in reads])))


CELLS = [pytest.param("lstm", v, lay, id=f"lstm-{v}-{lay}") for v in ("standard", "peephole", "cifg", "projection")
         for lay in ("separate", "concat")] + \
        [pytest.param("gru", v, "separate", id=f"gru-{v}") for v in ("reset-after", "reset-before")] + \
        [pytest.param("rnn", "tanh", "separate", id="rnn-tanh")]


@pytest.mark.parametrize("family, variant, layout", CELLS)
def test_stacked_products_compute_the_unfused_gates(family, variant, layout):
    cell = make_cell(family, N, K, variant=variant, layout=layout, proj_size=1 if variant == "projection" else None)
    program = cell.with_batch(B)
    equations, parameters = program.equations, list(cell.parameters)
    fused, stacks = stack_products(equations, parameters)
    rng = np.random.default_rng(3)
    values = {name: rng.standard_normal(shape) for name, shape in program.shapes().items()}
    values.update({stack: np.concatenate([values[m] for m in members]) for stack, members in stacks.items()})
    names = [eq.name for eq in equations]
    want, got = run(equations, names, values), run(fused, names, values)
    for name in names:
        np.testing.assert_allclose(got[name], want[name], rtol=0, atol=1e-14, err_msg=name)
    assert bool(stacks) == (family != "rnn")  # one gate: nothing to stack
    assert all(len(members) > 1 and set(members) <= set(parameters) for members in stacks.values())


def test_fusion_stacks_all_gates():
    """The stacks list the sigmoid gates together (one call computes them), then the tanh one."""
    num = LSTMCell(5, 3).compile()
    assert list(num.stacks.values()) == [["W_f", "W_i", "W_o", "W_g"], ["U_f", "U_i", "U_o", "U_g"],
                                         ["b_f", "b_i", "b_o", "b_g"]]
    assert list(LSTMCell(5, 3, "cifg", "augmented").compile().stacks.values()) == [["W_i", "W_o", "W_g"]]
    # peephole gates add their own terms, so only g is computed in place; it goes first
    assert list(LSTMCell(5, 3, "peephole").compile().stacks.values())[0] == ["W_g", "W_f", "W_i", "W_o"]


def test_a_single_gate_is_not_stacked():
    fused, stacks = stack_products(make_cell("rnn", N, K).with_batch(B).equations, ["W_h", "U_h", "b_h"])
    assert stacks == {}
    assert [eq.name for eq in fused] == ["h_t"]


def _two_gate_backward():
    """da_g = dz * s_g, dx = W_f^T da_f + W_i^T da_i per step; dW_f = da_f x^T, dW_i = da_i x^T once."""
    W_f, W_i = MatrixSymbol("W_f", K, N), MatrixSymbol("W_i", K, N)
    da_f, da_i, x = MatrixSymbol("da_f", K, B), MatrixSymbol("da_i", K, B), MatrixSymbol("x_t", N, B)
    dz, s_f, s_i = MatrixSymbol("dz", K, B), MatrixSymbol("s_f", K, B), MatrixSymbol("s_i", K, B)
    dx = MatrixSymbol("dx_t", N, B)
    per_step = [Equation(da_f, HadamardProduct(dz, s_f)), Equation(da_i, HadamardProduct(dz, s_i)),
                Equation(dx, MatAdd(MatMul(Transpose(W_f), da_f), MatMul(Transpose(W_i), da_i), evaluate=False))]
    once = [Equation(MatrixSymbol("dW_f", K, N), MatMul(da_f, Transpose(x))),
            Equation(MatrixSymbol("dW_i", K, N), MatMul(da_i, Transpose(x)))]
    return per_step, once


def test_stacked_gradients_equal_the_per_gate_sums_and_products():
    per_step, once = _two_gate_backward()
    step, grads, new = stack_gradients(per_step, once, {"S0_0": ["W_f", "W_i"]}, {"da_f", "da_i"})
    assert new == ["dstack_0"]
    assert [eq.name for eq in step] == ["da_f", "da_i", "dstack_0", "dx_t"]
    assert tensor_names(step[-1].rhs) == {"S0_0", "dstack_0"}
    assert grads[0].name == "dS0_0"  # one product, the members its row blocks
    rng = np.random.default_rng(0)
    v = {name: rng.standard_normal(shape) for name, shape in
         (("W_f", (K, N)), ("W_i", (K, N)), ("dz", (K, B)), ("s_f", (K, B)), ("s_i", (K, B)), ("x_t", (N, B)))}
    v["S0_0"] = np.vstack([v["W_f"], v["W_i"]])
    v["da_f"], v["da_i"] = v["dz"] * v["s_f"], v["dz"] * v["s_i"]
    got = run(step + grads, ["dx_t", "dW_f", "dW_i"], v)
    np.testing.assert_allclose(got["dx_t"], v["W_f"].T @ v["da_f"] + v["W_i"].T @ v["da_i"], atol=1e-14)
    np.testing.assert_allclose(got["dW_f"], v["da_f"] @ v["x_t"].T, atol=1e-14)
    np.testing.assert_allclose(got["dW_i"], v["da_i"] @ v["x_t"].T, atol=1e-14)


def test_a_partial_sum_over_a_stack_is_left_alone():
    per_step, once = _two_gate_backward()
    W_f, da_f = MatrixSymbol("W_f", K, N), MatrixSymbol("da_f", K, B)
    partial = per_step[:2] + [Equation(per_step[2].lhs, MatMul(Transpose(W_f), da_f))]
    step, _, _ = stack_gradients(partial, once, {"S0_0": ["W_f", "W_i"]}, {"da_f", "da_i"})
    assert step[-1] == partial[-1]


def test_members_with_no_single_delta_are_not_stacked():
    per_step, once = _two_gate_backward()
    assert stack_gradients(per_step, once, {"S0_0": ["W_f", "W_i"]}, set()) == (per_step, once, [])


def test_hoisting_splits_off_the_input_terms():
    equations = LSTMCell(N, K).with_batch(B).equations
    hoisted, rest = hoist_inputs(equations, "x_t", ["W_f", "W_i", "W_g", "W_o", "b_f", "b_i", "b_g", "b_o"])
    assert [eq.name for eq in hoisted] == ["xin_f_t", "xin_i_t", "xin_g_t", "xin_o_t"]
    assert all(tensor_names(eq.rhs) <= {"x_t", "W_f", "W_i", "W_g", "W_o", "b_f", "b_i", "b_g", "b_o"}
               for eq in hoisted)
    assert all("x_t" not in tensor_names(eq.rhs) for eq in rest)
    rng = np.random.default_rng(1)
    values = {name: rng.standard_normal(shape) for name, shape in LSTMCell(N, K).with_batch(B).shapes().items()}
    names = [eq.name for eq in equations]
    want, got = run(equations, names, values), run(hoisted + rest, names, values)
    for name in names:
        np.testing.assert_allclose(got[name], want[name], rtol=0, atol=1e-14)

"""The equation programs built from the tables: word for word, their parameters, inputs and sizes,
placeholder shapes, and concretize (the matrix nodes themselves: test_matrix_nodes.py)."""

import pytest
from sympy import MatrixSymbol, OneMatrix

from lstm_symbolic.equations import (
    SIZE_SYMBOLS,
    broadcast,
    build_program,
    concretize,
    placeholder,
    symbols_of,
    tensor_names,
)
from lstm_symbolic.families import FAMILIES, combinations

ALL = [(f, v, lay) for f in FAMILIES for v, lay in combinations(f)]


@pytest.mark.parametrize("variant,layout,equations", [
    ("standard", "separate", ["f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)",
                              "i_t = sigmoid(W_i @ x_t + U_i @ h_prev + b_i)",
                              "g_t = tanh(W_g @ x_t + U_g @ h_prev + b_g)",
                              "o_t = sigmoid(W_o @ x_t + U_o @ h_prev + b_o)",
                              "c_t = f_t * c_prev + i_t * g_t", "h_t = o_t * tanh(c_t)"]),
    ("cifg", "augmented", ["z_t = [1; h_prev; x_t]", "i_t = sigmoid(W_i @ z_t)", "f_t = 1 - i_t",
                           "g_t = tanh(W_g @ z_t)", "o_t = sigmoid(W_o @ z_t)", "c_t = f_t * c_prev + i_t * g_t",
                           "h_t = o_t * tanh(c_t)"]),
    ("projection", "concat", ["z_t = [h_prev; x_t]", "f_t = sigmoid(W_f @ z_t + b_f)",
                              "i_t = sigmoid(W_i @ z_t + b_i)", "g_t = tanh(W_g @ z_t + b_g)",
                              "o_t = sigmoid(W_o @ z_t + b_o)", "c_t = f_t * c_prev + i_t * g_t",
                              "h_t = W_hr @ (o_t * tanh(c_t))"]),
    ("vanilla", "separate", ["i_t = sigmoid(W_i @ x_t + U_i @ h_prev + b_i)",
                             "g_t = tanh(W_g @ x_t + U_g @ h_prev + b_g)",
                             "o_t = sigmoid(W_o @ x_t + U_o @ h_prev + b_o)", "c_t = c_prev + i_t * g_t",
                             "h_t = o_t * tanh(c_t)"]),
], ids=lambda v: v if isinstance(v, str) else "")
def test_programs_word_for_word(variant, layout, equations):
    program = build_program(variant, layout)
    assert [str(eq) for eq in program.equations] == equations
    # a bias is broadcast over the batch by an explicit ones row (b_f @ 1^T), which the text leaves out
    ones = {o for eq in program.equations for o in eq.rhs.atoms(OneMatrix)}
    assert OneMatrix(1, SIZE_SYMBOLS["B"]) in ones


def test_parameters_inputs_sizes():
    program = build_program("peephole", "separate")
    assert program.parameters == ("W_f", "W_i", "W_g", "W_o", "U_f", "U_i", "U_g", "U_o",
                                  "b_f", "b_i", "b_g", "b_o", "p_f", "p_i", "p_o")
    assert program.inputs == ("x_t", "h_prev", "c_prev") and program.sizes == ("n", "k", "B")
    assert program.tensors[:3] == program.inputs and program.tensors[-1] == "h_t"
    projection = build_program("projection", "separate")
    assert projection.parameters[-1] == "W_hr" and projection.sizes == ("n", "k", "p", "B")
    assert projection.size_sources["p"] == ("h_prev", 0)
    gru = build_program("reset-after", "separate", "gru")
    assert gru.parameters[-3:] == ("c_r", "c_z", "c_n") and gru.recurrence == (("h_t", "h_prev"),)


@pytest.mark.parametrize("family,variant,layout", ALL, ids=["-".join(c) for c in ALL])
def test_every_tensor_is_a_placeholder(family, variant, layout):
    program = build_program(variant, layout, family)
    symbols = program.symbols()
    assert set(program.tensors) == set(symbols)
    for name, symbol in symbols.items():
        assert [str(d) for d in symbol.shape] == [f"{name}.rows", f"{name}.cols"]


def test_concretize_replaces_placeholders():
    from lstm_symbolic import LSTMCell

    program = build_program("standard", "separate")
    (first, *_) = concretize(program.equations, LSTMCell(80, 12, batch_size=3).shapes(), 3)
    assert first.lhs.shape == (12, 3)
    assert {s.shape for s in first.rhs.atoms(MatrixSymbol) if s.name == "W_f"} == {(12, 80)}
    assert {o.shape for o in first.rhs.atoms(OneMatrix)} == {(1, 3)}


def test_names_and_symbols():
    a, b = placeholder("a"), placeholder("b")
    assert tensor_names(a + b) == {"a", "b"}
    eqs = build_program("standard", "separate").equations[:1]
    assert set(symbols_of(eqs)) == {"f_t", "W_f", "x_t", "U_f", "h_prev", "b_f"}
    assert broadcast(placeholder("b_f")).args[1] == OneMatrix(1, SIZE_SYMBOLS["B"])

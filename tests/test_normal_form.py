"""The normal form: pre-activations and product operands named, solved without the backward program."""

import subprocess
import sys

import pytest
from sympy import MatMul, MatrixSymbol
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from lstm_symbolic.cell import make_cell
from lstm_symbolic.equations import build_program
from lstm_symbolic.families import FAMILIES, combinations
from lstm_symbolic.normal_form import normal_form, pre_activation_name

CELLS = [(fam, variant, layout) for fam in FAMILIES for variant, layout in combinations(fam)]


def _cell(family, variant, layout, sizes=(20, 50)):
    proj = 7 if FAMILIES[family].variants[variant].projection else None
    return make_cell(family, *sizes, variant, layout, proj)


@pytest.mark.parametrize("family,variant,layout", CELLS, ids=["-".join(c) for c in CELLS])
def test_every_activation_reads_a_named_tensor_and_every_product_reads_names(family, variant, layout):
    program = build_program(variant, layout, family)
    equations = normal_form(program)
    for eq in equations:
        for node in eq.rhs.atoms(ElementwiseApplyFunction):
            assert isinstance(node.expr, MatrixSymbol), eq
        if isinstance(eq.rhs, MatMul):
            assert all(isinstance(a, MatrixSymbol) or not a.is_Matrix or a.is_OneMatrix for a in eq.rhs.args), eq
    # the original tensors keep their order; each pre-activation comes right before its activation
    names = [eq.name for eq in equations]
    assert [n for n in names if n in {e.name for e in program.equations}] == [e.name for e in program.equations]
    for eq in program.equations:
        if isinstance(eq.rhs, ElementwiseApplyFunction) and not isinstance(eq.rhs.expr, MatrixSymbol):
            assert names[names.index(eq.name) - 1] == pre_activation_name(eq.name)


def test_the_standard_cell_word_for_word():
    text = [str(eq) for eq in _cell("lstm", "projection", "separate").normal_form().equations]
    assert text[:2] == ["a_f = W_f @ x_t + U_f @ h_prev + b_f", "f_t = sigmoid(a_f)"]
    assert text[-2:] == ["m_t = o_t * tanh(c_t)", "h_t = W_hr @ m_t"]


@pytest.mark.parametrize("family,variant,layout", CELLS, ids=["-".join(c) for c in CELLS])
def test_it_agrees_with_the_backward_programs_forward_part(family, variant, layout):
    cell = _cell(family, variant, layout)
    normal, derivation = cell.normal_form(), cell.backward()
    assert [str(eq) for eq in normal.equations] == [str(eq) for eq in derivation.forward]
    shapes = derivation.shapes()
    assert normal.shapes() == {name: shapes[name] for name in normal.shapes()}


def test_shapes_by_hand():
    shapes = make_cell("lstm", 80, 12, "projection", "concat", 5, batch_size=3).normal_form().shapes()
    assert (shapes["z_t"], shapes["a_f"], shapes["m_t"], shapes["h_t"]) == ((85, 3), (12, 3), (12, 3), (5, 3))


def test_drawing_the_diagram_does_not_build_the_backward_program():
    code = ("import sys; from lstm_symbolic import LSTMCell; from lstm_symbolic.diagram import dot_source; "
            "dot_source(LSTMCell(80, 12)); print('lstm_symbolic.derivatives' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

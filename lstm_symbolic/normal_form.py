"""A cell's forward equations in a readable normal form, solved at the cell's sizes.

The normal form names every activation's argument (``a_f``, the pre-activation:
``a_f = W_f @ x_t + ...``, ``f_t = sigmoid(a_f)``) and a compound operand of a
product (``m_t`` in ``h_t = W_hr @ m_t``).  The backward program
(:mod:`~lstm_symbolic.derivatives`), the gradient-flow Jacobians
(:mod:`~lstm_symbolic.jacobians`) and the diagram read it; :class:`NormalForm` solves
it alone, without building the backward program.

>>> from lstm_symbolic import LSTMCell
>>> normal = LSTMCell(80, 12).normal_form()
>>> [eq.name for eq in normal.equations][:3], normal.shapes()["a_f"]
(['a_f', 'f_t', 'a_i'], (12, 1))
"""

from __future__ import annotations

from functools import cache

from sympy import MatMul, MatrixSymbol, OneMatrix
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .equations import Equation, Program, build_program, concretize, placeholder

#: Names of the intermediate tensors the normal form introduces for a product's operand.
PRODUCT_OPERAND_NAMES = {"h_t": "m_t"}


def pre_activation_name(lhs):
    """``a_f`` for ``f_t``: the name of an activation's argument."""
    base = lhs[:-2] if lhs.endswith("_t") else lhs
    return f"a_{base}"


def _compound(arg):
    return arg.is_Matrix and not isinstance(arg, (MatrixSymbol, OneMatrix))


def normal_form(program):
    """The program's equations with activation arguments and compound product operands named."""
    out = []
    for eq in program.equations:
        rhs = eq.rhs
        if isinstance(rhs, ElementwiseApplyFunction) and not isinstance(rhs.expr, MatrixSymbol):
            a = placeholder(pre_activation_name(eq.name))
            out.append(Equation(a, rhs.expr))
            out.append(Equation(eq.lhs, ElementwiseApplyFunction(rhs.function, a)))
        elif isinstance(rhs, MatMul) and any(_compound(arg) for arg in rhs.args):
            args = []
            for arg in rhs.args:
                if _compound(arg):
                    m = placeholder(PRODUCT_OPERAND_NAMES.get(eq.name, f"u_{eq.name}"))
                    out.append(Equation(m, arg))
                    arg = m
                args.append(arg)
            out.append(Equation(eq.lhs, MatMul(*args, evaluate=False)))
        else:
            out.append(eq)
    return out


@cache
def normal_form_program(variant, layout, family="lstm"):
    """The normal form of a built-in cell as a program for the solver (placeholder shapes)."""
    program = build_program(variant, layout, family)
    return Program(
        equations=tuple(normal_form(program)), inputs=program.inputs, parameters=program.parameters,
        sizes=program.sizes, size_sources=program.size_sources, recurrence=program.recurrence,
    )


class NormalForm:
    """A cell's normal-form equations with every tensor at its solved shape."""

    def __init__(self, cell):
        from .solver import solve_program

        program = normal_form_program(cell.variant.name, cell.layout.name, cell.family.name)
        self._shapes = solve_program(program, dict(cell.dims)).shapes
        self.equations = concretize(program.equations, self._shapes, cell.dims["B"])

    def shapes(self):
        """Every tensor's (rows, cols): inputs, parameters, then the normal form's tensors."""
        return dict(self._shapes)

"""Backward (vector-Jacobian) equations of a cell, from reverse-mode rules of our own.

SymPy's matrix ``diff`` fails on these expressions (design, pitfall 2), so each
node type has a rule that maps the upstream gradient ``G`` of the node to the
gradients of its operands:

============================  =====================================================
node                          gradient of the operands
============================  =====================================================
``A + B``                     ``G``, ``G``
``A @ B``                     ``G @ B^T``, ``A^T @ G``
``b @ 1^T`` (broadcast)       ``G @ 1`` (a sum over the batch columns)
``A * B`` (Hadamard)          ``G * B``, ``G * A``
``act(u)``                    ``G * act'(u)``, written with the output: ``y * (1 - y)``, ``1 - y^2``
``[a; b]``                    ``G[0:rows(a)]``, ``G[rows(a):rows(a) + rows(b)]``
``A^T``                       ``G^T``
============================  =====================================================

The forward program is first put in a readable normal form
(:mod:`~lstm_symbolic.normal_form`: ``a_f`` names the pre-activation of ``f_t``,
``m_t`` the operand of ``h_t = W_hr @ m_t``).  Walking it backwards emits
one named equation per gradient (``do_t``, ``dc_t``, ``df_t``, ..., ``da_f``,
``dW_f``, ``db_f``, ..., ``dx_t``, ``dh_prev``, ``dc_prev``), each as soon as every
use of its tensor has been visited.  The result is a program the dimension solver
checks like the forward one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sympy import (
    HadamardPower,
    HadamardProduct,
    Identity,
    MatAdd,
    MatMul,
    MatrixSymbol,
    OneMatrix,
    Transpose,
)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .activations import derivative_from_output
from .equations import ColumnSum, Equation, Program, RowBlock, VConcat, build_program, concretize, placeholder
from .errors import ShapeError
from .normal_form import normal_form
from .textprint import function_name, is_broadcast, subtracted

#: The upstream gradients a step receives: dL/dh_t (everything, from the loss and the next
#: step) and dL/dc_t through the next step's cell state.
UPSTREAM = {"h_t": "dh_t", "c_t": "dc_next"}


def grad_name(name):
    return "d" + name


def _neg(expr):
    rest = subtracted(expr)
    return rest if rest is not None else MatMul(-1, expr, evaluate=False)


def _hadamard(*factors):
    flat = []
    for f in factors:
        flat.extend(f.args if isinstance(f, HadamardProduct) else [f])
    return flat[0] if len(flat) == 1 else HadamardProduct(*flat, evaluate=False)


def _transpose(expr):
    return expr.arg if isinstance(expr, Transpose) else Transpose(expr)


def _product(*factors):
    factors = [f for f in factors if f is not None]
    return factors[0] if len(factors) == 1 else MatMul(*factors, evaluate=False)


def vjp(expr, G, out, output=None):
    """Append ``(leaf, contribution)`` pairs: the gradient ``G`` of ``expr`` pushed to its leaves.

    ``output`` is the tensor ``expr`` defines when ``expr`` is a whole right-hand side, so an
    activation's derivative can be written with its stored output.
    """
    if isinstance(expr, MatrixSymbol):
        out.append((expr, G))
    elif isinstance(expr, (OneMatrix, Identity)):
        return
    elif isinstance(expr, MatAdd):
        for arg in expr.args:
            vjp(arg, G, out)
    elif is_broadcast(expr):
        vjp(expr.args[0], ColumnSum(G), out)
    elif isinstance(expr, MatMul):
        coeff = [a for a in expr.args if not a.is_Matrix]
        mats = [a for a in expr.args if a.is_Matrix]
        if coeff:
            if coeff != [-1]:
                raise ShapeError(f"no backward rule for the scalar factor {coeff} yet")
            G = _neg(G)
        for i, m in enumerate(mats):
            left = [_transpose(a) for a in reversed(mats[:i])]
            right = [_transpose(a) for a in reversed(mats[i + 1:])]
            vjp(m, _product(*left, G, *right), out)
    elif isinstance(expr, HadamardProduct):
        for i, arg in enumerate(expr.args):
            others = expr.args[:i] + expr.args[i + 1:]
            vjp(arg, _hadamard(G, *others), out)
    elif isinstance(expr, ElementwiseApplyFunction):
        y = output if output is not None else expr
        vjp(expr.expr, _hadamard(G, derivative_from_output(function_name(expr), y)), out)
    elif isinstance(expr, HadamardPower):
        if expr.exp != 2:
            raise ShapeError("only squares have a backward rule among Hadamard powers")
        vjp(expr.base, MatMul(2, _hadamard(G, expr.base), evaluate=False), out)
    elif isinstance(expr, Transpose):
        vjp(expr.arg, _transpose(G), out)
    elif isinstance(expr, VConcat):
        start = 0
        for block in expr.blocks:
            stop = start + block.shape[0]
            if not isinstance(block, OneMatrix):
                vjp(block, RowBlock(G, start, stop), out)
            start = stop
    else:
        raise ShapeError(f"no backward rule for {type(expr).__name__}")


@dataclass(frozen=True)
class BackwardProgram:
    """The backward equations of one step, with the forward normal form they read."""

    forward: tuple  # normal-form forward equations
    equations: tuple  # backward equations, in evaluation order
    upstream: dict  # forward tensor -> name of its upstream gradient input
    gradients: dict  # tensor -> name of its gradient (parameters, inputs, intermediates)
    program: Program  # forward + backward, for the solver


@cache
def build_backward(variant, layout, family="lstm"):
    """Reverse-mode backward program of a variant in a layout (placeholder shapes)."""
    forward_program = build_program(variant, layout, family)
    forward = normal_form(forward_program)
    defined = {eq.name for eq in forward}
    first_use = _first_use(forward)
    contributions = {}
    upstream_symbols = {name: placeholder(grad) for name, grad in UPSTREAM.items() if name in defined}
    gradients, equations = {}, []

    def emit(name, extra=None):
        terms = contributions.get(name, []) + ([extra] if extra is not None else [])
        if not terms:
            return None
        g = placeholder(grad_name(name))
        equations.append(Equation(g, terms[0] if len(terms) == 1 else MatAdd(*terms, evaluate=False)))
        gradients[name] = g.name
        return g

    for index in range(len(forward) - 1, -1, -1):
        eq = forward[index]
        if eq.name == "h_t":
            G = upstream_symbols["h_t"]
            gradients["h_t"] = G.name
        else:
            G = emit(eq.name, upstream_symbols.get(eq.name))
        if G is not None:
            pairs = []
            vjp(eq.rhs, G, pairs, output=eq.lhs)
            for leaf, contribution in pairs:
                contributions.setdefault(leaf.name, []).append(contribution)
        for name in forward_program.parameters:  # a parameter's gradient, once all its uses are in
            if first_use.get(name) == index:
                emit(name)
    for name in forward_program.inputs:
        emit(name)

    program = _joint_program(forward_program, forward, equations, upstream_symbols)
    return BackwardProgram(tuple(forward), tuple(equations),
                           {name: g.name for name, g in upstream_symbols.items()}, gradients, program)


def _first_use(forward):
    """``{symbol name: index of the first forward equation that reads it}``."""
    first_use = {}
    for index, eq in enumerate(forward):
        for s in eq.rhs.atoms(MatrixSymbol):
            first_use.setdefault(s.name, index)
    return first_use


def _joint_program(forward_program, forward, equations, upstream_symbols):
    """The forward and backward equations as one program for the solver; each upstream gradient
    has its state's shape."""
    return Program(
        equations=tuple(forward) + tuple(equations),
        inputs=forward_program.inputs + tuple(g.name for g in upstream_symbols.values()),
        parameters=forward_program.parameters,
        sizes=forward_program.sizes,
        size_sources=forward_program.size_sources,
        recurrence=forward_program.recurrence,
        same_shape=tuple((g.name, name) for name, g in upstream_symbols.items()),
    )


class Derivation:
    """A cell's backward equations at its sizes, every gradient shape-checked.

    >>> from lstm_symbolic import LSTMCell
    >>> d = LSTMCell("n", "k").backward()
    >>> d.shapes()["dW_f"], str(d.equation("dW_f"))
    ((k, n), 'dW_f = da_f @ x_t^T')
    """

    def __init__(self, cell):
        from .solver import solve_program

        self.cell = cell
        self._program = build_backward(cell.variant.name, cell.layout.name, cell.family.name)
        sizes = dict(cell.dims)
        self._solution = solve_program(self._program.program, sizes)
        shapes = self._solution.shapes
        for tensor, grad in self._program.gradients.items():
            if shapes[grad] != shapes[tensor]:
                raise ShapeError(
                    f"the gradient {grad} has shape {shapes[grad]}, but {tensor} has shape {shapes[tensor]}"
                )
        batch = cell.dims["B"]
        self.forward = concretize(self._program.forward, shapes, batch)
        self.equations = concretize(self._program.equations, shapes, batch)
        self.upstream = dict(self._program.upstream)
        self.gradients = dict(self._program.gradients)

    def shapes(self):
        """Shapes of every tensor of the forward normal form and of every gradient."""
        return dict(self._solution.shapes)

    def equation(self, name):
        for eq in self.equations:
            if eq.name == name:
                return eq
        raise KeyError(name)

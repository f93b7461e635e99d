"""Generate plain NumPy functions from a cell's equations.

Each equation becomes one NumPy statement, printed by :class:`CellPrinter` (SymPy's
own printer cannot print elementwise functions or broadcast ones: design, pitfalls 3
and 5): ``@`` for products, ``*`` for Hadamard products, the stable sigmoid, and NumPy
broadcasting for ``b @ 1^T``.  The function source is written here rather than by
``lambdify``, whose ``cse=`` hook prints one assignment per equation: a sum is
accumulated in place (``c_t = f_t * c_prev`` then ``c_t += i_t * g_t``) and a whole
time loop can be generated around the statements of one step (:func:`compile_loop`),
so a sequence pays one Python call, not one per step.
"""

from __future__ import annotations

import numpy as np
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
from sympy.printing.numpy import NumPyPrinter

from .activations import ACTIVATIONS
from .matrix_nodes import ColumnBlock, ColumnSum, Diag, InPlace, RowBlock, VConcat
from .textprint import function_name, is_broadcast, rule_for, subtracted


def _sigmoid_inplace(z):
    """The stable sigmoid written into ``z`` itself (``z`` is a temporary of the step)."""
    z *= 0.5
    np.tanh(z, out=z)
    z *= 0.5
    z += 0.5
    return z


#: Activations that can overwrite their argument: {name: function(z) -> z}.
IN_PLACE = {
    "sigmoid": _sigmoid_inplace,
    "tanh": lambda z: np.tanh(z, out=z),
    "relu": lambda z: np.maximum(z, 0, out=z),
    "exp": lambda z: np.exp(z, out=z),
}

#: Names the generated code may use.
NAMESPACE = {a.numpy_name: a.numpy_func for a in ACTIVATIONS.values()}
NAMESPACE.update({f"{ACTIVATIONS[name].numpy_name}_inplace": f for name, f in IN_PLACE.items()})
NAMESPACE.update({"concatenate": np.concatenate, "ones": np.ones, "diagflat": np.diagflat, "eye": np.eye})


class CellPrinter:
    """Prints matrix expressions as plain NumPy array code, by the rules of :data:`CODE_RULES`;
    numbers and sizes (a coefficient, a block's bounds, an exponent) by SymPy's NumPy printer."""

    def __init__(self):
        self.scalars = NumPyPrinter({"fully_qualified_modules": False, "inline": True,
                                     "allow_unknown_functions": True})

    def doprint(self, expr):
        """The NumPy code of ``expr``."""
        if not expr.is_Matrix:
            return self.scalars.doprint(expr)
        return rule_for(CODE_RULES, expr, "NumPy code")(self, expr)

    def operand(self, expr):
        """A tensor's name, or a parenthesized expression."""
        return expr.name if isinstance(expr, MatrixSymbol) else f"({self.doprint(expr)})"


def _product(p, e):
    """``A @ B``, ``(-1)*A @ B``; a broadcast bias ``b @ 1^T`` is ``b`` (NumPy broadcasts it over the batch)."""
    if is_broadcast(e):
        return p.doprint(e.args[0])
    args = list(e.args)
    coeff = f"({p.doprint(args.pop(0))})*" if not args[0].is_Matrix else ""
    return coeff + " @ ".join(p.operand(a) for a in args)


def _sum(p, e):
    """``a + b - c``: a term with a factor -1 is subtracted; a nested sum keeps its brackets."""
    parts = []
    for i, a in enumerate(e.args):
        rest = subtracted(a)
        if rest is not None:
            parts.append(("- " if i else "-") + p.operand(rest))
        else:
            body = f"({p.doprint(a)})" if isinstance(a, MatAdd) else p.doprint(a)
            parts.append(("+ " if i else "") + body)
    return " ".join(parts)


def _block(axis):
    """The rule of rows (``axis`` "") or columns (``axis`` ``":, "``) ``start:stop`` of a matrix."""
    def rule(p, e):
        parent, start, stop = e.args
        return f"({p.doprint(parent)})[{axis}{p.doprint(start)}:{p.doprint(stop)}]"
    return rule


def _stack(p, e):
    """``concatenate((h_prev, x_t,), axis=0)``; a block of ones takes its columns and dtype from a tensor."""
    ref = next(b for b in e.blocks if isinstance(b, MatrixSymbol))
    parts = []
    for block in e.blocks:
        if isinstance(block, OneMatrix):
            parts.append(f"ones(({p.doprint(block.shape[0])}, {ref.name}.shape[1]), dtype={ref.name}.dtype)")
        else:
            parts.append(p.doprint(block))
    return f"concatenate(({', '.join(parts)},), axis=0)"


def _in_place(p, e):
    """``sigmoid_inplace(z)``: the activation written into its argument's memory."""
    applied = e.args[0]
    return f"{ACTIVATIONS[function_name(applied)].numpy_name}_inplace({p.doprint(applied.expr)})"


#: Expression class -> rule(printer, expression) -> NumPy code.
CODE_RULES = {
    MatrixSymbol: lambda p, e: e.name,
    OneMatrix: lambda p, e: "1",  # only met where broadcasting makes a scalar right: 1 - i_t
    Identity: lambda p, e: f"eye({p.doprint(e.shape[0])})",
    MatAdd: _sum,
    MatMul: _product,
    HadamardProduct: lambda p, e: " * ".join(p.operand(a) for a in e.args),
    HadamardPower: lambda p, e: f"{p.operand(e.base)}**{p.doprint(e.exp)}",
    ElementwiseApplyFunction: lambda p, e: f"{ACTIVATIONS[function_name(e)].numpy_name}({p.doprint(e.expr)})",
    InPlace: _in_place,
    Transpose: lambda p, e: f"{p.operand(e.arg)}.T",
    VConcat: _stack,
    ColumnSum: lambda p, e: f"({p.doprint(e.args[0])}).sum(axis=1, keepdims=True)",
    RowBlock: _block(""),
    ColumnBlock: _block(":, "),
    Diag: lambda p, e: f"diagflat({p.doprint(e.args[0])})",
}


#: Expressions whose NumPy code makes a new array (an operator or a function call, not a view).
_FRESH = (MatMul, HadamardProduct, ElementwiseApplyFunction, HadamardPower)


def _fresh(term, shape):
    """True when ``term`` evaluates to a new array of the full ``shape`` (safe to add into)."""
    if term.shape != shape or is_broadcast(term) or subtracted(term) is not None:
        return False
    return isinstance(term, _FRESH)


def statements(equations, printer):
    """One statement per equation; a sum starts from a fresh full-size term and adds the rest in place."""
    lines = []
    for eq in equations:
        rhs = eq.rhs
        if isinstance(rhs, MatAdd):
            first = next((a for a in rhs.args if _fresh(a, eq.lhs.shape)), None)
            if first is not None:
                lines.append(f"{eq.name} = {printer.doprint(first)}")
                for a in rhs.args:
                    if a is not first:
                        rest = subtracted(a)
                        op, term = ("-=", rest) if rest is not None else ("+=", a)
                        lines.append(f"{eq.name} {op} {printer.doprint(term)}")
                continue
        lines.append(f"{eq.name} = {printer.doprint(rhs)}")
    return lines


def make_function(name, args, body, namespace=None):
    """Define ``def name(*args): body`` (lines, unindented) in the generated-code namespace."""
    source = f"def {name}({', '.join(args)}):\n" + "".join(f"    {line}\n" for line in body)
    scope = dict(NAMESPACE if namespace is None else namespace)
    exec(compile(source, f"<lstm_symbolic {name}>", "exec"), scope)  # runs only code this module printed
    function = scope[name]
    function.source, function.args = source, list(args)
    return function


class Compiled:
    """A generated function and the names of the arguments it reads, in order.

    ``args`` are its parameters (symbols, in order), ``equations`` its statements,
    ``outputs`` the expressions it returns (a tuple).
    """

    def __init__(self, args, equations, outputs):
        self.args = list(args)
        self.names = [a.name for a in self.args]
        printer = CellPrinter()
        body = statements(equations, printer)
        body.append(f"return ({''.join(printer.doprint(o) + ', ' for o in outputs)})")
        self.function = make_function("generated", self.names, body)


def compile_loop(per_step, carried, fixed, equations, carry_out, records, reverse=False):
    """A generated time loop ``run(T, *per_step arrays, *carried, *fixed, *record arrays)``
    that returns the carried values after the last step.

    ``per_step``: ``[(tensor, array, index)]``, read at each step as ``tensor = array[t]``
    (index ``"[t]"``) or ``array[:, t]`` (``"[:, t]"``); ``carried`` (``h_prev``, ``c_prev``)
    are set from ``carry_out`` (``h_t``, ``c_t``) after each step; ``fixed`` are read as
    they are (the parameters); ``records``: ``[(tensor, array, index)]`` written at each
    step, ``array[t] = tensor``, or ``array.append(tensor)`` for the index ``".append"``.
    A recorded concatenation is written straight into its record (``out=``).
    ``reverse`` runs t from T-1 down to 0.
    """
    printer = CellPrinter()
    targets = {name: f"{array}{index}" for name, array, index in records if index != ".append"}
    direct = [eq for eq in equations if eq.name in targets and isinstance(eq.rhs, VConcat)]
    body = [f"{name} = {array}{index}" for name, array, index in per_step]
    for eq, line in zip(equations, _lines_by_equation(equations, printer)):
        if eq in direct:  # concatenate((...), axis=0) -> concatenate((...), axis=0, out=record[:, t])
            line = line[:-1] + f", out={targets[eq.name]})"
        body.extend(line if isinstance(line, list) else [line])
    for name, array, index in records:
        if index == ".append":
            body.append(f"{array}.append({name})")
        elif not any(eq.name == name for eq in direct):
            body.append(f"{array}{index} = {name}")
    body += [f"{new_name} = {name}" for new_name, name in zip(carried, carry_out)]
    steps = "range(T - 1, -1, -1)" if reverse else "range(T)"
    lines = [f"for t in {steps}:"] + [f"    {line}" for line in body] + [f"return {', '.join(carried)},"]
    return make_function("run", ["T"] + _ordered(per_step, records, carried, fixed), lines)


def _ordered(per_step, records, carried, fixed):
    """The loop's argument names: per-step arrays, carried values, fixed values, record arrays."""
    inputs = list(dict.fromkeys(array for _, array, _ in per_step))
    outputs = list(dict.fromkeys(array for _, array, _ in records))
    return inputs + list(carried) + list(fixed) + outputs


def _lines_by_equation(equations, printer):
    """:func:`statements`, grouped per equation (a sum accumulated in place takes several lines)."""
    return [lines[0] if len(lines) == 1 else lines for lines in (statements([eq], printer) for eq in equations)]

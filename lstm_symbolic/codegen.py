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
from sympy import MatAdd, MatrixSymbol, OneMatrix
from sympy.printing.numpy import NumPyPrinter

from .activations import ACTIVATIONS
from .textprint import function_name, is_broadcast, subtracted


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


class CellPrinter(NumPyPrinter):
    """Prints matrix expressions as plain NumPy array code."""

    def __init__(self, settings=None):
        super().__init__({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                          **(settings or {})})

    def _print_MatrixSymbol(self, expr):
        return expr.name

    def _operand(self, expr):
        """A tensor's name, or a parenthesized expression."""
        return expr.name if isinstance(expr, MatrixSymbol) else f"({self._print(expr)})"

    def _print_OneMatrix(self, expr):
        return "1"  # only met where broadcasting makes a scalar right: 1 - i_t

    def _print_MatMul(self, expr):
        if is_broadcast(expr):
            return self._print(expr.args[0])  # NumPy broadcasts a column over the batch
        args = list(expr.args)
        coeff = ""
        if not args[0].is_Matrix:
            coeff = f"({self._print(args.pop(0))})*"
        return coeff + " @ ".join(self._operand(a) for a in args)

    def _print_MatAdd(self, expr):
        parts = []
        for i, a in enumerate(expr.args):
            rest = subtracted(a)
            if rest is not None:
                parts.append(("- " if i else "-") + self._operand(rest))
            else:
                body = f"({self._print(a)})" if isinstance(a, MatAdd) else self._print(a)
                parts.append(("+ " if i else "") + body)
        return " ".join(parts)

    def _print_HadamardProduct(self, expr):
        return " * ".join(self._operand(a) for a in expr.args)

    def _print_ElementwiseApplyFunction(self, expr):
        return f"{ACTIVATIONS[function_name(expr)].numpy_name}({self._print(expr.expr)})"

    def _print_InPlace(self, expr):
        applied = expr.args[0]
        return f"{ACTIVATIONS[function_name(applied)].numpy_name}_inplace({self._print(applied.expr)})"

    def _print_RowBlock(self, expr, axis=""):
        parent, start, stop = expr.args
        return f"({self._print(parent)})[{axis}{self._print(start)}:{self._print(stop)}]"

    def _print_ColumnBlock(self, expr):
        return self._print_RowBlock(expr, axis=":, ")

    def _print_Diag(self, expr):
        return f"diagflat({self._print(expr.args[0])})"

    def _print_Identity(self, expr):
        return f"eye({self._print(expr.shape[0])})"

    def _print_ColumnSum(self, expr):
        return f"({self._print(expr.args[0])}).sum(axis=1, keepdims=True)"

    def _print_Transpose(self, expr):
        return f"{self._operand(expr.arg)}.T"

    def _print_HadamardPower(self, expr):
        return f"{self._operand(expr.base)}**{self._print(expr.exp)}"

    def _print_VConcat(self, expr):
        ref = next(b for b in expr.blocks if isinstance(b, MatrixSymbol))
        parts = []
        for block in expr.blocks:
            if isinstance(block, OneMatrix):
                rows = self._print(block.shape[0])
                parts.append(f"ones(({rows}, {ref.name}.shape[1]), dtype={ref.name}.dtype)")
            else:
                parts.append(self._print(block))
        return f"concatenate(({', '.join(parts)},), axis=0)"


def _fresh(term, shape):
    """True when ``term`` evaluates to a new array of the full ``shape`` (safe to add into)."""
    if term.shape != shape or is_broadcast(term) or subtracted(term) is not None:
        return False
    return type(term).__name__ in ("MatMul", "HadamardProduct", "ElementwiseApplyFunction", "HadamardPower")


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
    direct = [eq for eq in equations if eq.name in targets and type(eq.rhs).__name__ == "VConcat"]
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

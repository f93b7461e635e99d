"""Build a cell's equations (an SSA program of SymPy matrix expressions) from the tables.

Every tensor is a ``MatrixSymbol`` whose dimensions are *placeholders*
(``W_f.rows``, ``W_f.cols``): nothing about shapes is written here.  The solver
(:mod:`lstm_symbolic.solver`) infers them by walking these equations.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy
from sympy import HadamardProduct, MatAdd, MatMul, MatrixSymbol, OneMatrix
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .activations import sympy_function
from .families import FAMILIES, check_layout
from .matrix_nodes import ColumnSum as ColumnSum  # re-exported: the solver and the rules import it from here
from .matrix_nodes import Diag as Diag
from .matrix_nodes import RowBlock as RowBlock
from .matrix_nodes import VConcat
from .variants import LAYOUTS, SIZE_SOURCES

#: The size symbols used inside templates (distinct from any user-named symbol).
SIZE_SYMBOLS = {name: sympy.Symbol(f"size:{name}", positive=True, integer=True) for name in SIZE_SOURCES}


@dataclass(frozen=True)
class Equation:
    """One named equation ``lhs = rhs`` of a cell, in evaluation order."""

    lhs: MatrixSymbol
    rhs: sympy.Basic

    @property
    def name(self):
        return self.lhs.name

    def __str__(self):
        from .textprint import text

        return f"{self.lhs.name} = {text(self.rhs)}"

    def _repr_latex_(self):
        from .latex import equation_latex

        return f"$\\displaystyle {equation_latex(self, 'symbols')}$"


@dataclass(frozen=True)
class Program:
    """A cell as data: its equations plus what the solver needs to know about them."""

    equations: tuple  # of Equation, in evaluation order
    inputs: tuple  # names of x_t, h_prev, c_prev
    parameters: tuple  # names of the weights and biases, in a stable order
    sizes: tuple  # size names this program uses, e.g. ("n", "k", "B")
    size_sources: dict  # size -> (tensor, axis)
    recurrence: tuple  # ((new, previous), ...)
    same_shape: tuple = ()  # ((a, b), ...): further tensors that must have equal shapes
    source: object = None  # a checked file's SourceMap (lines and columns for messages)

    @property
    def tensors(self):
        """All tensor names: inputs, parameters, then defined tensors in evaluation order."""
        return self.inputs + self.parameters + tuple(eq.name for eq in self.equations)

    def symbol(self, name):
        return self.symbols()[name]

    def symbols(self):
        return symbols_of(self.equations)


def tensor_names(expr):
    """Names of the tensors an expression reads."""
    return {s.name for s in expr.atoms(MatrixSymbol)}


def symbols_of(equations):
    """``{name: MatrixSymbol}`` of every tensor a list of equations defines or reads."""
    found = {}
    for eq in equations:
        found[eq.lhs.name] = eq.lhs
        for s in eq.rhs.atoms(MatrixSymbol):
            found.setdefault(s.name, s)
    return found


def concretize(equations, shapes, batch):
    """The equations with every placeholder dimension (``W_f.rows``) replaced by its solved value."""
    replace = {SIZE_SYMBOLS["B"]: batch}
    for eq in equations:
        for dim in eq.lhs.atoms(sympy.Symbol) | eq.rhs.atoms(sympy.Symbol):
            tensor, _, axis = dim.name.rpartition(".")
            if tensor in shapes and axis in _AXES:
                replace[dim] = shapes[tensor][_AXES[axis]]
    return [Equation(eq.lhs.xreplace(replace), eq.rhs.xreplace(replace)) for eq in equations]


_AXES = {"rows": 0, "cols": 1}


def placeholder(name):
    """A tensor whose shape is still unknown: ``name`` of ``name.rows x name.cols``."""
    return MatrixSymbol(name, sympy.Symbol(f"{name}.rows"), sympy.Symbol(f"{name}.cols"))


def apply(activation, expr):
    """An elementwise activation applied to a matrix expression."""
    return ElementwiseApplyFunction(sympy_function(activation), expr)


def add(*terms):
    return MatAdd(*terms, evaluate=False)


def hadamard(*factors):
    return HadamardProduct(*factors, evaluate=False)


def broadcast(vector):
    """``v @ 1^T``: a column vector repeated over the batch columns."""
    return MatMul(vector, OneMatrix(1, SIZE_SYMBOLS["B"]), evaluate=False)


def ones_like(tensor):
    return OneMatrix(*tensor.shape)


@cache
def build_program(variant_name, layout_name, family="lstm"):
    """The equations of one variant of a cell family in one layout, with placeholder shapes.

    >>> [eq.name for eq in build_program("standard", "separate").equations]
    ['f_t', 'i_t', 'g_t', 'o_t', 'c_t', 'h_t']
    >>> [eq.name for eq in build_program("reset-before", "separate", "gru").equations]
    ['r_t', 'z_t', 'n_t', 'h_t']
    """
    fam = FAMILIES[family]
    variant, layout = fam.variants[variant_name], LAYOUTS[layout_name]
    check_layout(family, variant_name, layout_name)
    t = {name: placeholder(name) for name in fam.inputs}
    equations = []

    def define(name, rhs):
        t[name] = placeholder(name)
        equations.append(Equation(t[name], rhs))

    BUILDERS[fam.name](fam, variant, layout, t, define)
    defined = {eq.name for eq in equations}
    found = {s.name for eq in equations for s in eq.rhs.atoms(MatrixSymbol)} - defined - set(fam.inputs)
    sizes = tuple(s for s in fam.size_sources if s != "p" or variant.projection)
    return Program(
        equations=tuple(equations),
        inputs=fam.inputs,
        parameters=tuple(sorted(found, key=lambda name: _parameter_order(name, fam.gates))),
        sizes=sizes,
        size_sources={s: fam.size_sources[s] for s in sizes},
        recurrence=fam.recurrence,
    )


def _concat(layout, recurrent, x):
    """``[h; x]`` or ``[1; h; x]``: the rows the layout stacks, with ``recurrent`` for h_prev."""
    parts = {"1": OneMatrix(1, SIZE_SYMBOLS["B"]), "h_prev": recurrent, "x_t": x}
    return VConcat(*[parts[part] for part in layout.stacked])


def _linear(g, layout, t, stacked=None, recurrent=None):
    """The terms of gate ``g``'s pre-activation: ``W_g @ x_t + U_g @ h_prev + b_g`` or ``W_g @ z_t + b_g``."""
    if layout.stacked:
        terms = [MatMul(placeholder(f"W_{g}"), stacked, evaluate=False)]
    else:
        terms = [
            MatMul(placeholder(f"W_{g}"), t["x_t"], evaluate=False),
            MatMul(placeholder(f"U_{g}"), t["h_prev"] if recurrent is None else recurrent, evaluate=False),
        ]
    if layout.bias:
        terms.append(broadcast(placeholder(f"b_{g}")))
    return terms


def _lstm(fam, variant, layout, t, define):
    """The LSTM's equations: gates, cell state, hidden state (see ``variants.VARIANTS``)."""
    if layout.stacked:
        define("z_t", _concat(layout, t["h_prev"], t["x_t"]))

    def gate(g):
        terms = _linear(g, layout, t, t.get("z_t"))
        if g in variant.peepholes:
            terms.append(hadamard(broadcast(placeholder(f"p_{g}")), t[variant.peepholes[g]]))
        define(f"{g}_t", apply(fam.gate_activation[g], add(*terms)))

    late = [g for g in variant.gates if variant.peepholes.get(g) == "c_t"]
    for g in variant.gates:
        if g not in late:
            gate(g)
        if g == "i" and variant.forget == "coupled":
            define("f_t", add(ones_like(t["i_t"]), MatMul(-1, t["i_t"], evaluate=False)))

    kept = t["c_prev"] if variant.forget == "none" else hadamard(t["f_t"], t["c_prev"])
    define("c_t", add(kept, hadamard(t["i_t"], t["g_t"])))
    for g in late:
        gate(g)

    squashed = t["c_t"] if variant.output_activation is None else apply(variant.output_activation, t["c_t"])
    out = hadamard(t["o_t"], squashed)
    define("h_t", MatMul(placeholder("W_hr"), out, evaluate=False) if variant.projection else out)


def _gru(fam, variant, layout, t, define):
    """The GRU's equations: reset and update gates, candidate, ``h_t = (1 - z_t) * n_t + z_t * h_prev``."""
    joined, reset_joined = fam.concat
    if layout.stacked:
        define(joined, _concat(layout, t["h_prev"], t["x_t"]))
    for g in ("r", "z"):
        terms = _linear(g, layout, t, t.get(joined))
        if variant.reset_after:
            terms.append(broadcast(placeholder(f"c_{g}")))
        define(f"{g}_t", apply(fam.gate_activation[g], add(*terms)))
    if variant.reset_after:  # r_t applied to the recurrent product and its own bias c_n
        recurrent = add(MatMul(placeholder("U_n"), t["h_prev"], evaluate=False), broadcast(placeholder("c_n")))
        terms = [MatMul(placeholder("W_n"), t["x_t"], evaluate=False), broadcast(placeholder("b_n")),
                 hadamard(t["r_t"], recurrent)]
    else:  # r_t applied to h_prev before the product
        reset = hadamard(t["r_t"], t["h_prev"])
        if layout.stacked:
            define(reset_joined, _concat(layout, reset, t["x_t"]))
        terms = _linear("n", layout, t, t.get(reset_joined), reset)
    define("n_t", apply(fam.gate_activation["n"], add(*terms)))
    keep = add(ones_like(t["z_t"]), MatMul(-1, t["z_t"], evaluate=False))
    define("h_t", add(hadamard(keep, t["n_t"]), hadamard(t["z_t"], t["h_prev"])))


def _rnn(fam, variant, layout, t, define):
    """The simple RNN's one equation: ``h_t = act(W_h @ x_t + U_h @ h_prev + b_h)``."""
    (joined,) = fam.concat
    if layout.stacked:
        define(joined, _concat(layout, t["h_prev"], t["x_t"]))
    define("h_t", apply(variant.activation, add(*_linear("h", layout, t, t.get(joined)))))


#: The equation builder of each family (a row of ``families.FAMILIES``).
BUILDERS = {"lstm": _lstm, "gru": _gru, "rnn": _rnn}

_KIND_ORDER = {"W": 0, "U": 1, "b": 2, "c": 3, "p": 4}


def _parameter_order(name, gates):
    """Weights, recurrent weights, biases, recurrent biases, peepholes; gates in the family's order."""
    kind, _, gate = name.partition("_")
    if gate == "hr":
        return (9, 0, name)
    return (_KIND_ORDER.get(kind, 8), gates.index(gate) if gate in gates else 8, name)

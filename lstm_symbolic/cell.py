"""The public cell object: build, solve and query an LSTM cell.

>>> cell = LSTMCell(80, 12)
>>> cell.shapes()["W_f"], cell.shapes()["U_f"], cell.shapes()["b_f"]
((12, 80), (12, 12), (12, 1))
>>> LSTMCell("n", "k").shapes()["W_f"]
(k, n)
"""

from __future__ import annotations

import difflib
from functools import cache

import sympy

from .equations import build_program, concretize
from .errors import ShapeError, UnderdeterminedError, UsageError
from .families import get_family
from .sizes import parse_shape, parse_size, shape_text
from .solver import solve_program
from .variants import LAYOUTS, lookup


@cache
def size_symbol(name):
    """The SymPy symbol of a user-named size (positive integer)."""
    return sympy.Symbol(name, positive=True, integer=True)


def _size_value(value, what):
    value = parse_size(value, what)
    return size_symbol(value) if isinstance(value, str) else value


class RecurrentCell:
    """A recurrent cell of any family (``families.FAMILIES``) as SymPy matrix equations with solved shapes.

    Build one with :class:`LSTMCell`, :class:`GRUCell`, :class:`RNNCell` or :func:`make_cell`.
    """

    def __init__(self, input_size, hidden_size, family="lstm", variant=None, layout="separate",
                 proj_size=None, batch_size=1):
        family, variant, layout = _rows(family, variant, layout)
        sizes = _cell_sizes(variant, input_size, hidden_size, proj_size, batch_size)
        program = build_program(variant.name, layout.name, family.name)
        self._set_solution(family, variant, layout, program, solve_program(program, sizes))

    def _set_solution(self, family, variant, layout, program, solution):
        """Hold a solved program (every shape known) of one row of each table."""
        self.family, self.variant, self.layout = family, variant, layout
        self.program = program
        self._solution = solution
        self.dims = dict(solution.dims)
        self._symbolic = any(not isinstance(v, int) for v in self.dims.values())

    # -- queries ------------------------------------------------------------------
    @property
    def input_size(self):
        return self.dims["n"]

    @property
    def hidden_size(self):
        return self.dims["k"]

    @property
    def proj_size(self):
        return self.dims.get("p")

    @property
    def is_symbolic(self):
        return self._symbolic

    @property
    def parameters(self):
        """Names of the weights and biases, in a stable order."""
        return self.program.parameters

    def shapes(self):
        """Every tensor's (rows, cols): inputs, parameters, then defined tensors."""
        return dict(self._solution.shapes)

    def tensor_roles(self):
        """``[("input", names), ("parameter", names), ("computed", names)]`` in display order."""
        computed = [eq.name for eq in self.program.equations]
        return [("input", list(self.program.inputs)), ("parameter", list(self.parameters)), ("computed", computed)]

    def parameter_count(self):
        """Total number of scalar parameters (an int, or a SymPy expression)."""
        total = sum((r * c for name, (r, c) in self._solution.shapes.items() if name in self.parameters), 0)
        return total if isinstance(total, int) else sympy.expand(total)

    @property
    def equations(self):
        """The equations in evaluation order, with every tensor at its solved shape."""
        return concretize(self.program.equations, self._solution.shapes, self.dims["B"])

    def equation_texts(self):
        """The equations as plain text (``f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)``)."""
        return [str(eq) for eq in self.equations]

    @property
    def states(self):
        """The state names: ``("h", "c")`` for the LSTM, ``("h",)`` for the GRU and the simple RNN."""
        return self.family.states

    def with_batch(self, batch_size):
        """The same cell with another batch size (an int, or a name such as ``"B"``)."""
        return make_cell(self.family.name, self.input_size, self.hidden_size, self.variant.name, self.layout.name,
                         self.proj_size, batch_size=batch_size)

    def normal_form(self):
        """The equations with each pre-activation named (``a_f = ...``, ``f_t = sigmoid(a_f)``), solved."""
        from .normal_form import NormalForm

        return NormalForm(self)

    def backward(self):
        """The backward (vector-Jacobian) equations of one step, shape-checked."""
        from .derivatives import Derivation

        return Derivation(self)

    def jacobians(self):
        """Gradient-flow Jacobians (d c_t / d c_prev, d h_t / d h_prev, ...) with explanations."""
        from .jacobians import gradient_flow

        return gradient_flow(self)

    def compile(self):
        """A NumPy cell (``step``, ``forward``, ``backward``, ``init_params``): each equation printed as one
        NumPy statement into generated Python functions (:mod:`~lstm_symbolic.codegen`)."""
        from .numeric import compile_cell

        return compile_cell(self)

    def to_latex(self, notation="standard", dims=True):
        """The equations as a LaTeX ``align*`` block, dimensions under each tensor."""
        from .latex import equations_block
        from .notations import get_notation

        return equations_block(self.equations, self.shapes() if dims else None, get_notation(notation))

    def _repr_latex_(self):
        from .latex import equation_latex

        rows = " \\\\ ".join(equation_latex(eq, self.shapes(), align=True) for eq in self.equations)
        return f"$$\\begin{{aligned}} {rows} \\end{{aligned}}$$"

    def __repr__(self):
        p = f", proj_size={self.proj_size}" if self.proj_size is not None else ""
        return (f"{type(self).__name__}(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"{self._variant_repr()}, layout={self.layout.name!r}{p})")

    def _variant_repr(self):
        return f"family={self.family.name!r}, variant={self.variant.name!r}"

    def __str__(self):
        return "\n".join(str(eq) for eq in self.equations)


class LSTMCell(RecurrentCell):
    """An LSTM cell as SymPy matrix equations with solved shapes.

    Parameters
    ----------
    input_size, hidden_size : int or str
        ``n`` and ``k``: integers, or names that become SymPy symbols.
    variant : one of ``VARIANTS`` (standard, vanilla, peephole, cifg, no-output-tanh, projection)
    layout : one of ``LAYOUTS`` (separate, concat, augmented)
    proj_size : ``p``, required by (and only by) the projection variant
    batch_size : ``B``, the columns of ``x_t`` (1 by default)
    """

    def __init__(self, input_size, hidden_size, variant="standard", layout="separate",
                 proj_size=None, batch_size=1):
        super().__init__(input_size, hidden_size, "lstm", variant, layout, proj_size, batch_size)

    def _variant_repr(self):
        return f"variant={self.variant.name!r}"


class GRUCell(RecurrentCell):
    """A GRU cell: ``r_t``, ``z_t``, ``n_t`` and ``h_t = (1 - z_t) * n_t + z_t * h_prev``; no cell state.

    ``reset_after=False`` (default): Cho et al. 2014 and Keras' ``reset_after=False``,
    ``n_t = tanh(W_n @ x_t + U_n @ (r_t * h_prev) + b_n)``.  ``reset_after=True``: PyTorch,
    cuDNN and Keras' default, ``n_t = tanh(W_n @ x_t + b_n + r_t * (U_n @ h_prev + c_n))`` with a
    second (recurrent) bias ``c_r, c_z, c_n`` per gate (only in the separate layout).

    >>> GRUCell(80, 12).shapes()["W_z"], GRUCell(80, 12, reset_after=True).parameter_count()
    ((12, 80), 3384)
    """

    def __init__(self, input_size, hidden_size, reset_after=False, layout="separate", batch_size=1):
        if not isinstance(reset_after, bool):
            raise UsageError(f"reset_after must be True or False, got {reset_after!r}")
        variant = get_family("gru").option_values[reset_after]
        super().__init__(input_size, hidden_size, "gru", variant, layout, None, batch_size)

    def _variant_repr(self):
        return f"reset_after={self.variant.reset_after}"


class RNNCell(RecurrentCell):
    """A simple (Elman) RNN cell: ``h_t = act(W_h @ x_t + U_h @ h_prev + b_h)``, act ``"tanh"`` or ``"relu"``.

    >>> RNNCell(80, 12).parameter_count(), RNNCell("n", "k").shapes()["U_h"]
    (1116, (k, k))
    """

    def __init__(self, input_size, hidden_size, nonlinearity="tanh", layout="separate", batch_size=1):
        super().__init__(input_size, hidden_size, "rnn", nonlinearity, layout, None, batch_size)

    def _variant_repr(self):
        return f"nonlinearity={self.variant.name!r}"


#: The public class of each family's cells.
CELL_CLASSES = {"lstm": LSTMCell, "gru": GRUCell, "rnn": RNNCell}


def _rows(family, variant, layout):
    """The rows of the family, variant and layout tables that these names choose."""
    fam = get_family(family)
    variant = lookup(fam.variants, variant or fam.default_variant, fam.variant_word)
    return fam, variant, lookup(LAYOUTS, layout, "layout")


def _cell_sizes(variant, input_size, hidden_size, proj_size, batch_size):
    """``{"n", "k", "B"[, "p"]}`` as ints or symbols; a UsageError for a bad size or a projection
    size given to (or missing from) a variant."""
    if variant.projection and proj_size is None:
        raise UsageError("the projection variant needs a projection size p (proj_size / --proj)")
    if proj_size is not None and not variant.projection:
        raise UsageError(f"a projection size only applies to the projection variant, not {variant.name!r}")
    sizes = {
        "n": _size_value(input_size, "the input size n"),
        "k": _size_value(hidden_size, "the hidden size k"),
        "B": _size_value(batch_size, "the batch size B"),
    }
    if proj_size is not None:
        sizes["p"] = _size_value(proj_size, "the projection size p")
    return sizes


def make_cell(family, input_size, hidden_size, variant=None, layout="separate", proj_size=None, batch_size=1):
    """A cell of any family from its variant name (``families.FAMILIES[family].variants``).

    >>> make_cell("gru", 20, 50, "reset-after")
    GRUCell(input_size=20, hidden_size=50, reset_after=True, layout='separate')
    """
    cls = CELL_CLASSES[get_family(family).name]
    cell = cls.__new__(cls)
    RecurrentCell.__init__(cell, input_size, hidden_size, family, variant, layout, proj_size, batch_size)
    return cell


def solve(shapes, variant=None, layout="separate", input_size=None, hidden_size=None,
          proj_size=None, family="lstm"):
    """Infer every shape from partial knowledge and return the solved cell (an :class:`LSTMCell`, or
    with ``family="gru"`` / ``"rnn"`` a :class:`GRUCell` / :class:`RNNCell`; ``variant`` is the family's).

    ``shapes`` maps tensor names to (rows, cols) (or ``"50x20"`` strings).  Raises
    :class:`~lstm_symbolic.errors.ShapeError` on a contradiction or a missing size.

    >>> cell = solve({"W_f": (50, 20)})
    >>> cell.dims["n"], cell.dims["k"], cell.shapes()["x_t"]
    (20, 50, (20, 1))
    """
    fam = get_family(family)
    v = lookup(fam.variants, variant or fam.default_variant, fam.variant_word)
    program = build_program(v.name, lookup(LAYOUTS, layout, "layout").name, fam.name)
    given = {}
    for name, shape in shapes.items():
        if name not in program.tensors:
            raise UsageError(unknown_tensor_message(name, program.tensors, v.name, fam.name))
        if isinstance(shape, str):
            shape = parse_shape(shape, name)
        if not isinstance(shape, (tuple, list)) or len(shape) != 2:
            raise UsageError(f"the shape of {name} must be (rows, cols), got {shape!r}")
        given[name] = tuple(_size_value(d, f"a dimension of {name}") for d in shape)
    sizes = {"n": input_size, "k": hidden_size, "p": proj_size}
    sizes = {key: _size_value(val, key) for key, val in sizes.items() if val is not None}
    try:
        solution = solve_program(program, sizes, given)
    except UnderdeterminedError:
        raise
    except ShapeError as err:
        raise ShapeError(f"{err}\n  {_expected_shapes_hint(fam.name, v.name, layout, given)}") from None
    dims = solution.dims  # (checked as a cell's sizes: a size found as k + n or m - k is refused)
    try:
        _cell_sizes(v, dims["n"], dims["k"], dims.get("p"), dims["B"])
    except UsageError as err:
        found = ", ".join(f"{key} = {dims[key]}" for key in ("n", "k", "p") if dims.get(key) is not None)
        raise ShapeError(f"the given shapes do not make a cell: {err}\n  solved sizes: {found}\n  "
                         f"{_expected_shapes_hint(fam.name, v.name, layout, given)}") from None
    cell = CELL_CLASSES[fam.name].__new__(CELL_CLASSES[fam.name])
    cell._set_solution(fam, v, lookup(LAYOUTS, layout, "layout"), program, solution)
    return cell


def _expected_shapes_hint(family, variant, layout, given):
    """``hint: in the standard cell, W_f is k x n and h_prev is k x 1``."""
    fam = get_family(family)
    reference = make_cell(family, "n", "k", variant, layout, "p" if fam.variants[variant].projection else None)
    shapes = reference.shapes()
    parts = [f"{name} is {shape_text(shapes[name])}" for name in given]
    return f"hint: in the {fam.cell_words.format(variant=variant)} ({layout} layout), " + ", ".join(parts)


def unknown_tensor_message(name, names, variant, family="lstm"):
    close = [n for n in names if n.lower() == str(name).lower()]
    close = close or difflib.get_close_matches(str(name), names, n=3, cutoff=0.6)
    hint = _other_family_hint(name, family)
    if close and not hint:
        hint = "; did you mean " + (close[0] if len(close) == 1 else ", ".join(close[:-1]) + " or " + close[-1]) + "?"
    return (f"unknown tensor {name!r} for the {get_family(family).cell_words.format(variant=variant)}{hint}\n"
            f"  known tensors: {', '.join(names)}")


def _other_family_hint(name, family):
    """``; W_z is a tensor of the GRU cell (--cell gru)`` when another family has that tensor."""
    from .families import FAMILIES, combinations

    for fam in FAMILIES.values():
        if fam.name != family and any(name in build_program(v, lay, fam.name).tensors
                                      for v, lay in combinations(fam.name)):
            return f"; {name} is a tensor of the {fam.title} cell (--cell {fam.name})"
    return ""



"""The pieces layer-table rows are made of: LayerOut, Row, argument binding and shape checks.

A shape is a tuple of dimensions: an int, or a string naming an open dimension (Keras' ``"None"``,
PyTorch's and MATLAB's batch ``"B"`` and time ``"T"``).  ``None`` instead of a shape means the
input is unknown.  Keras and PyTorch shapes are batch-first as the framework reports them;
MATLAB's are (channels, batch, time) as its layers see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod

from . import sizes
from .errors import LayerContradiction, LayerProblem
from .modelcode_nodes import Unknown
from .sizes import with_article


@dataclass
class LayerOut:
    """What a layer produces: its main ``output`` shape (None: unknown), further outputs
    (``states``: name -> shape), the parameter ``tensors`` (None: not countable, ``missing`` says
    why), and ``structure``: how the outputs nest when code unpacks them (names of ``output`` and
    ``states``, e.g. ``("output", ("h_n", "c_n"))``)."""

    output: tuple | None
    states: dict = field(default_factory=dict)
    tensors: dict | None = field(default_factory=dict)
    missing: str | None = None
    structure: object = "output"
    inner: str | None = None

    @property
    def params(self):
        return None if self.tensors is None else sum(prod(shape) for shape in self.tensors.values())


@dataclass(frozen=True)
class Row:
    """A layer type: its name as the framework spells it, positional argument names, defaults, and
    the function computing its LayerOut from ``(arguments, input shape, call)``."""

    title: str
    signature: tuple
    defaults: dict
    apply: object


class Rows(dict):
    """A framework's layer table, ``{type: Row}``; ``fold_case``: the framework's layer and argument
    names are case-insensitive (MATLAB), so the keys are lower case and so are the names looked up."""

    def __init__(self, rows, fold_case=False):
        super().__init__((row.title.lower() if fold_case else row.title, row) for row in rows)
        self.fold_case = fold_case

    def key(self, name):
        return name.lower() if self.fold_case else name


def bind(call, row, rows):
    """The layer's arguments by name (compared case-insensitively when the table ``rows`` folds case)."""
    values = dict(row.defaults)
    if len(call.args) > len(row.signature):
        raise LayerProblem(f"{len(call.args)} positional arguments, but {call.type} takes at most "
                           f"{len(row.signature)} here ({', '.join(row.signature) or 'none'})")
    values.update(zip(row.signature, call.args))
    for key, value in call.kwargs.items():
        values[rows.key(key)] = value
    return values


def size(args, name, allow_none=False):
    """A positive integer argument, or LayerProblem naming what it is instead."""
    value = args.get(name)
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        shown = value.text if isinstance(value, Unknown) else repr(value)
        raise LayerProblem(f"{name} is {shown}, not a positive integer this tool can read")
    return value


def choice(args, name, options):
    value = args.get(name)
    if isinstance(value, str):
        value = value.lower()
    if value not in options:
        shown = value.text if isinstance(value, Unknown) else repr(value)
        raise LayerProblem(f"{name} is {shown}; expected one of {', '.join(map(repr, options))}")
    return value


def flag(args, name):
    value = args.get(name)
    if not isinstance(value, (bool, int)) or isinstance(value, Unknown):
        raise LayerProblem(f"{name} is {getattr(value, 'text', repr(value))}, not True or False")
    return bool(value)


def need_rank(x, ranks, what):
    """``x`` when its rank is one of ``ranks``; LayerContradiction otherwise."""
    if x is not None and x[0] != "*" and len(x) not in ranks:  # "*": any leading dimensions (PyTorch)
        raise LayerContradiction(f"expects {what}, got {with_article(str(len(x)) + '-D input')} {shape_text(x)}")
    return x


def need_features(x, expected, what):
    """Check the last dimension of ``x`` against the size the layer was built for."""
    if x is not None and isinstance(x[-1], int) and x[-1] != expected:
        raise LayerContradiction(f"expects {expected} {what} as the last dimension of its input, got {x[-1]}: "
                                 f"input {shape_text(x)}")


def shape_text(shape):
    """A layer's shape as frameworks print it: ``(None, 10, 2)``."""
    return sizes.shape_text(shape, "tuple")


def same_shape(args, x, call):
    return LayerOut(x)


def apply_with(rows, call, x):
    """The LayerOut of ``call`` on an input of shape ``x`` (None: unknown), by ``rows``."""
    row = rows.get(rows.key(call.type))
    if row is None:
        known = sorted((r.title for r in rows.values()), key=str.lower)
        listed = ", ".join(known[:-1]) + " and " + known[-1] if len(known) > 1 else "".join(known)
        raise LayerProblem(f"{call.type} is not a layer type this tool knows; it reads {listed}")
    return row.apply(bind(call, row, rows), x, call)


def table(*rows, fold_case=False):
    """The :class:`Rows` of a framework (``fold_case`` for case-insensitive names)."""
    return Rows(rows, fold_case)



"""Shapes of the built-in cells without importing SymPy.

``lstm-symbolic shapes -n 80 -k 12`` answers from a stored table, without SymPy (which
alone takes a third of a second to import).  The table in
``builtin_shapes.json`` (package data) is the solver's own symbolic answer for every
variant x layout: each dimension and the parameter count as a polynomial in n, k, p and
B, written as a sum of products (``"k + n + 1"``, ``"4*k*k + 4*k*n + 4*k"``), and the
equations as text.
:func:`cell_shapes` evaluates it when every size is an integer and otherwise builds the
:class:`~lstm_symbolic.cell.LSTMCell`, which gives the same answer (the tests compare
the two on every variant, layout and several sizes) or the error message.

The table is generated, never edited by hand; after changing ``variants.py`` or
``equations.py`` run::

    python -m lstm_symbolic.builtin_shapes --write

(``tests/test_builtin_shapes.py`` fails while the stored table differs from the solver's.)
"""

from __future__ import annotations

import json
import sys
from functools import cache
from math import prod
from pathlib import Path

from .errors import UsageError
from .families import FAMILIES, combinations
from .sizes import SIZE_MEANINGS, parse_size
from .variants import LAYOUTS

DATA_FILE = Path(__file__).with_name("builtin_shapes.json")


@cache
def _table():
    """``{"variant/layout": entry}`` from the data file (read once)."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


class ShapeSheet:
    """The shape queries of an ``LSTMCell`` (``dims``, ``shapes()``, ``tensor_roles()``,
    ``parameter_count()``, ``equation_texts()``) answered from the generated table, for integer sizes."""

    is_symbolic = False

    def __init__(self, variant, layout, dims, shapes, roles, count, equations, family="lstm"):
        self.family = FAMILIES[family]
        self.variant = self.family.variants[variant]
        self.layout = LAYOUTS[layout]
        self.dims = dims
        self._shapes = shapes
        self._roles = roles
        self._count = count
        self._equations = equations

    input_size = property(lambda self: self.dims["n"])
    hidden_size = property(lambda self: self.dims["k"])
    proj_size = property(lambda self: self.dims.get("p"))

    def shapes(self):
        return dict(self._shapes)

    def tensor_roles(self):
        return [(role, list(names)) for role, names in self._roles]

    def parameter_count(self):
        return self._count

    def equation_texts(self):
        return list(self._equations)


def _evaluate(poly, sizes):
    """A sum of products of integers and size names, at integer sizes (nothing is ``eval``-ed).

    >>> _evaluate("4*k*k + 4*k*n + 4*k", {"k": 12, "n": 80})
    4464
    """
    return sum(prod(int(f) if f.isdigit() else sizes[f] for f in term.split("*")) for term in poly.split(" + "))


def sheet_from_table(variant, layout, sizes, family="lstm"):
    """A :class:`ShapeSheet`, or ``None`` when the table cannot answer (then build the cell).

    The table is keyed by (variant, layout): variant names are unique across the cell families.
    """
    if family not in FAMILIES or variant not in FAMILIES[family].variants:
        return None  # the cell names the valid choices
    entry = _table().get(f"{variant}/{layout}")
    if entry is None or set(sizes) != set(entry["dims"]):
        return None  # unknown name, or a projection size missing / not applicable: the cell says why
    if not all(type(v) is int for v in sizes.values()):
        return None
    dims = {name: sizes[name] for name in entry["dims"]}
    shapes = {name: (_evaluate(rows, dims), _evaluate(cols, dims)) for name, (rows, cols) in entry["shapes"].items()}
    return ShapeSheet(variant, layout, dims, shapes, entry["roles"], _evaluate(entry["count"], dims),
                      entry["equations"], family)


def cell_shapes(input_size, hidden_size, variant=None, layout="separate", proj_size=None, batch_size=1,
                family="lstm"):
    """Shape queries of a built-in cell: the table for integer sizes, else the cell (``make_cell``).

    >>> sheet = cell_shapes(80, 12)
    >>> sheet.shapes()["W_f"], sheet.parameter_count()
    ((12, 80), 4464)
    >>> cell_shapes("n", "k").shapes()["W_f"]
    (k, n)
    """
    try:
        sizes = {"n": parse_size(input_size), "k": parse_size(hidden_size), "B": parse_size(batch_size)}
        if proj_size is not None:
            sizes["p"] = parse_size(proj_size)
    except UsageError:  # the cell reports bad sizes with the size's name in the message
        sizes = None
    if variant is None and family in FAMILIES:
        variant = FAMILIES[family].default_variant
    sheet = sheet_from_table(variant, layout, sizes, family) if sizes is not None else None
    if sheet is not None:
        return sheet
    from .cell import make_cell

    return make_cell(family, input_size, hidden_size, variant, layout, proj_size, batch_size=batch_size)


# -- generating the table (needs SymPy) -------------------------------------------------

def _polynomial(expr, symbols):
    """A SymPy polynomial as ``"4*k*k + 4*k*n + 4*k"`` (the form :func:`_evaluate` reads)."""
    import sympy

    terms = []
    for exponents, coef in sympy.Poly(expr, *symbols).terms():
        factors = ([str(coef)] if coef != 1 or not any(exponents) else [])
        factors += [s.name for s, e in zip(symbols, exponents) for _ in range(e)]
        terms.append("*".join(factors))
    return " + ".join(terms)


def generate():
    """The table, from the solver: ``{(variant, layout): {"dims", "shapes", "roles", "count"}}`` for every
    cell family's variants (the LSTM's first)."""
    from .cell import make_cell, size_symbol

    symbols = [size_symbol(name) for name in SIZE_MEANINGS]
    table = {}
    for family in FAMILIES.values():
        for variant, layout in combinations(family.name):
            proj = "p" if family.variants[variant].projection else None
            cell = make_cell(family.name, "n", "k", variant, layout, proj, batch_size="B")
            table[(variant, layout)] = {
                "dims": tuple(cell.dims),
                "shapes": {name: tuple(_polynomial(d, symbols) for d in shape)
                           for name, shape in cell.shapes().items()},
                "roles": tuple((role, tuple(names)) for role, names in cell.tensor_roles()),
                "count": _polynomial(cell.parameter_count(), symbols),
                "equations": tuple(cell.equation_texts()),  # the same text at every size and batch
            }
    return table


def source(table):
    """The data file's text (JSON): one line per tensor, role and equation, so a regenerated
    table diffs readably."""
    def block(items, indent="      "):
        return ",\n".join(indent + item for item in items)

    entries = []
    for (variant, layout), entry in table.items():
        shapes = block(f"{json.dumps(name)}: {json.dumps(list(shape))}" for name, shape in entry["shapes"].items())
        roles = block(json.dumps([role, list(names)]) for role, names in entry["roles"])
        equations = block(json.dumps(text) for text in entry["equations"])
        entries.append(
            f'  {json.dumps(f"{variant}/{layout}")}: {{\n'
            f'    "dims": {json.dumps(list(entry["dims"]))},\n'
            f'    "shapes": {{\n{shapes}\n    }},\n'
            f'    "roles": [\n{roles}\n    ],\n'
            f'    "count": {json.dumps(entry["count"])},\n'
            f'    "equations": [\n{equations}\n    ]\n  }}'
        )
    return "{\n" + ",\n".join(entries) + "\n}\n"


if __name__ == "__main__":  # pragma: no cover - the developers' regeneration command
    text = source(generate())
    if sys.argv[1:] == ["--write"]:
        DATA_FILE.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {DATA_FILE}\n")
    else:
        sys.stdout.write(text)

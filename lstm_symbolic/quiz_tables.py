"""The columns of the variant, family and framework tables as the quiz reads them.

Each accessor reads what the quiz asks of a variant or family from the rows of
:data:`lstm_symbolic.variants.VARIANTS`, :data:`lstm_symbolic.families.FAMILIES` and
:mod:`lstm_symbolic.framework_table`, so nothing in the quiz tests a variant or family by its name.
Every variant row has the ``projection`` and ``peepholes`` columns; the gate blocks are
:data:`~lstm_symbolic.framework_table.CELL_GATES`; the variant with a recurrent bias is the one whose
mode the canonical layout's ``c`` tensors need; the output without tanh is the LSTM table's
``output_activation`` column (only the LSTM's rows have it).

>>> has_projection("projection"), has_peepholes("peephole"), gate_count("gru"), recurrent_bias_variant("gru")
(True, True, 3, 'reset-after')
"""

from __future__ import annotations

from .families import FAMILIES, get_family
from .framework_table import CANONICAL, CELL_GATES


def variant_row(variant):
    """The row of a variant in its family's table (variant names are unique across families)."""
    return next(family.variants[variant] for family in FAMILIES.values() if variant in family.variants)


def has_projection(variant):
    """Whether the variant projects h (LSTMP: h is p x 1)."""
    return variant_row(variant).projection


def has_peepholes(variant):
    """Whether the variant's gates see the cell state (its ``peepholes`` column is not empty)."""
    return bool(variant_row(variant).peepholes)


def projection_variant(family="lstm"):
    """The family's variant with a projection (None if it has none)."""
    return next((name for name, row in get_family(family).variants.items() if row.projection), None)


def projection_size(variant, sizes):
    """The projection size p a cell of ``variant`` is built with: ``sizes["p"]``, None without a projection."""
    return sizes.get("p") if has_projection(variant) else None


def probe_projection(variant):
    """A projection size for building a small cell of ``variant`` just to read its names or equations."""
    return 1 if has_projection(variant) else None


def gate_count(family):
    """How many gate blocks of k rows the family's weights stack (LSTM 4, GRU 3, simple RNN 1)."""
    return len(CELL_GATES[family])


def family_title(family):
    return FAMILIES[family].title


def recurrent_bias_variant(family):
    """The variant with a second, recurrent bias per gate (the reset-after GRU), or None: the one whose
    mode (``reset_after``) the canonical layout's recurrent-bias (``c``) tensors are present with."""
    modes = {t.feature for t in CANONICAL[family].tensors if "c" in t.parts}
    return next((name for name in get_family(family).variants if name.replace("-", "_") in modes), None)


def has_reset_gate(family):
    """Whether the family has a reset gate ``r`` among its gates (the GRU; its variants place that gate)."""
    return "r" in CELL_GATES[family]


def no_output_tanh_variant(family="lstm"):
    """The family's variant whose output has no activation (``h_t = o_t * c_t``); only the LSTM's rows
    have the ``output_activation`` column, so a row without it is not that variant."""
    return next(name for name, row in get_family(family).variants.items()
                if getattr(row, "output_activation", "") is None)

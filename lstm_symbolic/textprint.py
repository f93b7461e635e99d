"""Plain-text printing of matrix expressions, for messages and the terminal.

``W_f @ x_t + U_f @ h_prev + b_f``; ``*`` is the elementwise product; a bias
broadcast over the batch (``b_f @ 1^T``) is shown as ``b_f`` when the batch is 1.

The printer is a table, :data:`TEXT_RULES` (expression class -> rule), walked by
:func:`rule_for`, which the LaTeX and NumPy printers use for their own tables too.
"""

from __future__ import annotations

import sympy
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

from .errors import PrinterError
from .matrix_nodes import ColumnBlock, ColumnSum, Diag, RowBlock, VConcat
from .sizes import dim_text

#: Precedences: a sum binds loosest, then the products; an atom never needs brackets.
SUM, PRODUCT, ATOM = 1, 2, 9


def text(expr):
    """Render a matrix expression as readable ASCII.

    >>> from lstm_symbolic.equations import build_program
    >>> text(build_program("standard", "separate").equations[0].rhs)
    'sigmoid(W_f @ x_t + U_f @ h_prev + b_f)'
    """
    return _text(expr)[0]


def rule_for(rules, expr, printer):
    """The rule of ``rules`` (expression class -> rule) for ``expr``'s class or its nearest base class.

    ``printer`` names the printer in the error raised when no class of ``expr`` has a rule.
    """
    for cls in type(expr).__mro__:
        rule = rules.get(cls)
        if rule is not None:
            return rule
    raise PrinterError(f"the {printer} printer has no rule for {type(expr).__name__} "
                       f"(the expression {expr!s}); it prints {', '.join(sorted(c.__name__ for c in rules))}")


def is_broadcast(expr):
    """``v @ 1^T`` (a ones row vector on the right)."""
    return isinstance(expr, MatMul) and len(expr.args) == 2 and isinstance(expr.args[1], OneMatrix) \
        and expr.args[1].shape[0] == 1


def subtracted(e):
    """``rest`` when ``e`` is ``-1 * rest`` (a term written with a minus sign), else ``None``.

    The printers (text, LaTeX, NumPy) and the backward rules share this reading of a difference.
    """
    if isinstance(e, MatMul) and e.args[0] == -1:
        return e.args[1] if len(e.args) == 2 else MatMul(*e.args[1:], evaluate=False)
    return None


def function_name(e):
    """The activation name of an ``ElementwiseApplyFunction``."""
    f = e.function
    if isinstance(f, sympy.Lambda):
        f = f.expr.func
    return getattr(f, "__name__", str(f))


def _text(e):
    """``(text, precedence)`` of ``e``, by the rule of its class."""
    return rule_for(TEXT_RULES, e, "text")(e)


def _wrap(pair, prec):
    """The text of a ``(text, precedence)`` pair, in brackets when it binds looser than ``prec``."""
    s, p = pair
    return f"({s})" if p < prec else s


def _sum(e):
    """``a + b - c``: a term with a factor -1 is subtracted."""
    parts = []
    for i, a in enumerate(e.args):
        rest = subtracted(a)
        if rest is not None:
            parts.append(("- " if i else "-") + _wrap(_text(rest), PRODUCT))
        else:
            parts.append(("+ " if i else "") + _wrap(_text(a), SUM))
    return " ".join(parts), SUM


def _product(e):
    """``A @ B``, ``-A @ B``, ``0.5 * A``; a broadcast bias ``b @ 1^T`` is shown as ``b``."""
    if is_broadcast(e):
        return _text(e.args[0])
    args = list(e.args)
    coeff = args.pop(0) if args and not args[0].is_Matrix else None
    body = " @ ".join(_wrap(_text(a), PRODUCT + 1) for a in args)
    if coeff is None:
        return body, PRODUCT
    return (f"-{body}" if coeff == -1 else f"{coeff} * {body}"), PRODUCT


def _rows(e):
    parent, start, stop = e.args
    return f"{_wrap(_text(parent), ATOM)}[{dim_text(start)}:{dim_text(stop)}]", ATOM


def _columns(e):
    parent, start, stop = e.args
    return f"{_wrap(_text(parent), ATOM)}[:, {dim_text(start)}:{dim_text(stop)}]", ATOM


#: Expression class -> rule(expression) -> (text, precedence).
TEXT_RULES = {
    MatrixSymbol: lambda e: (e.name, ATOM),
    sympy.Number: lambda e: (str(e), ATOM),  # the 2 of a checked file's [a; 2], a row of twos broadcast
    OneMatrix: lambda e: ("1", ATOM),
    Identity: lambda e: ("I", ATOM),
    MatAdd: _sum,
    MatMul: _product,
    HadamardProduct: lambda e: (" * ".join(_wrap(_text(a), PRODUCT + 1) for a in e.args), PRODUCT),
    HadamardPower: lambda e: (f"{_wrap(_text(e.base), ATOM)}^{e.exp}", ATOM),
    ElementwiseApplyFunction: lambda e: (f"{function_name(e)}({_text(e.expr)[0]})", ATOM),
    Transpose: lambda e: (f"{_wrap(_text(e.arg), ATOM)}^T", ATOM),
    RowBlock: _rows,
    ColumnBlock: _columns,
    ColumnSum: lambda e: (f"{_wrap(_text(e.args[0]), PRODUCT + 1)} @ 1", PRODUCT),
    Diag: lambda e: (f"diag({_text(e.args[0])[0]})", ATOM),
    VConcat: lambda e: ("[" + "; ".join(_text(b)[0] for b in e.blocks) + "]", ATOM),
}

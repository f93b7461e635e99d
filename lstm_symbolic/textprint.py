"""Plain-text printing of matrix expressions, for messages and the terminal.

``W_f @ x_t + U_f @ h_prev + b_f``; ``*`` is the elementwise product; a bias
broadcast over the batch (``b_f @ 1^T``) is shown as ``b_f`` when the batch is 1.
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

from .sizes import dim_text

_PREC = {"add": 1, "had": 2, "mul": 2, "atom": 9}


def text(expr):
    """Render a matrix expression as readable ASCII.

    >>> from lstm_symbolic.equations import build_program
    >>> text(build_program("standard", "separate").equations[0].rhs)
    'sigmoid(W_f @ x_t + U_f @ h_prev + b_f)'
    """
    return _text(expr)[0]


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


def _wrap(pair, prec):
    s, p = pair
    return f"({s})" if p < prec else s


def _text(e):
    if isinstance(e, MatrixSymbol):
        return e.name, _PREC["atom"]
    if isinstance(e, OneMatrix):
        return "1", _PREC["atom"]
    if is_broadcast(e):
        return _text(e.args[0])
    if isinstance(e, MatAdd):
        parts = []
        for i, a in enumerate(e.args):
            rest = subtracted(a)
            if rest is not None:
                parts.append(("- " if i else "-") + _wrap(_text(rest), _PREC["mul"]))
            else:
                parts.append(("+ " if i else "") + _wrap(_text(a), _PREC["add"]))
        return " ".join(parts), _PREC["add"]
    if isinstance(e, MatMul):
        args = list(e.args)
        if args and not args[0].is_Matrix:
            coeff = args.pop(0)
            body = " @ ".join(_wrap(_text(a), _PREC["mul"] + 1) for a in args)
            if coeff == -1:
                return f"-{body}", _PREC["mul"]
            return f"{coeff} * {body}", _PREC["mul"]
        return " @ ".join(_wrap(_text(a), _PREC["mul"] + 1) for a in args), _PREC["mul"]
    if isinstance(e, HadamardProduct):
        return " * ".join(_wrap(_text(a), _PREC["had"] + 1) for a in e.args), _PREC["had"]
    if isinstance(e, HadamardPower):
        return f"{_wrap(_text(e.base), 9)}^{e.exp}", _PREC["atom"]
    if isinstance(e, ElementwiseApplyFunction):
        return f"{function_name(e)}({_text(e.expr)[0]})", _PREC["atom"]
    if isinstance(e, Transpose):
        return f"{_wrap(_text(e.arg), 9)}^T", _PREC["atom"]
    if type(e).__name__ == "RowBlock":
        parent, start, stop = e.args
        return f"{_wrap(_text(parent), 9)}[{dim_text(start)}:{dim_text(stop)}]", _PREC["atom"]
    if type(e).__name__ == "ColumnBlock":
        parent, start, stop = e.args
        return f"{_wrap(_text(parent), 9)}[:, {dim_text(start)}:{dim_text(stop)}]", _PREC["atom"]
    if type(e).__name__ == "ColumnSum":
        return f"{_wrap(_text(e.args[0]), _PREC['mul'] + 1)} @ 1", _PREC["mul"]
    if type(e).__name__ == "Diag":
        return f"diag({_text(e.args[0])[0]})", _PREC["atom"]
    if isinstance(e, Identity):
        return "I", _PREC["atom"]
    if type(e).__name__ == "VConcat":
        return "[" + "; ".join(_text(b)[0] for b in e.blocks) + "]", _PREC["atom"]
    return str(e), _PREC["atom"]


def function_name(e):
    """The activation name of an ``ElementwiseApplyFunction``."""
    f = e.function
    if isinstance(f, sympy.Lambda):
        f = f.expr.func
    return getattr(f, "__name__", str(f))

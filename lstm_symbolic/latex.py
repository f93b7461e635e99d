"""LaTeX of matrix equations, with dimensions under each tensor (rules as tables).

SymPy's own ``latex()`` prints elementwise functions in lambda notation (design,
pitfall 4), so this module has its own small printer.

>>> from lstm_symbolic import LSTMCell
>>> equation_latex(LSTMCell(20, 50).equations[0], dims=False)
'f_{t} = \\\\sigma\\\\left(W_{f} x_{t} + U_{f} h_{t-1} + b_{f}\\\\right)'
"""

from __future__ import annotations

import re

from sympy import (
    HadamardPower,
    HadamardProduct,
    Identity,
    MatAdd,
    MatMul,
    MatrixSymbol,
    Number,
    OneMatrix,
    Transpose,
)
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .matrix_nodes import ColumnBlock, ColumnSum, Diag, RowBlock, VConcat
from .notations import NEXT, get_notation
from .sizes import dim_text
from .textprint import function_name, is_broadcast, rule_for, subtracted

#: Function name -> LaTeX.
FUNCTION_LATEX = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{relu}", "exp": r"\exp",
                  "softmax": r"\operatorname{softmax}"}

#: Subscripts with a meaning of their own.
SUBSCRIPT_LATEX = {"prev": "t-1", "next": "t+1"}

#: Whole names with a conventional symbol.
NAME_LATEX = {"dc_next": r"\delta c_{t+1}"}


def name_latex(name, notation=None):
    """``W_f`` -> ``W_{f}``, ``h_prev`` -> ``h_{t-1}``, ``dW_f`` -> ``\\delta W_{f}``."""
    if name.endswith(NEXT) and notation is None:
        notation = get_notation("standard")
    if notation is not None:
        known = notation.tensor(name)
        if known is not None:
            return known
        if name.startswith("d") and notation.tensor(name[1:]) is not None:
            return r"\delta " + notation.tensor(name[1:])
    if name in NAME_LATEX:
        return NAME_LATEX[name]
    prefix = ""
    if name.startswith("d") and len(name) > 1 and "_" in name:
        prefix, name = r"\delta ", name[1:]
    base, _, sub = name.partition("_")
    if not sub:
        return prefix + base
    sub = SUBSCRIPT_LATEX.get(sub, sub).replace("_", r"\_")
    return f"{prefix}{base}_{{{sub}}}"


def dim_latex(d):
    r"""One dimension: ``50``, ``k``, ``(k + n)``, ``(4 \cdot k)``."""
    text = dim_text(d).replace("*", r" \cdot ")
    return f"({text})" if " " in text else text


def dims_latex(shape):
    r"""``50 \times 20``, ``k \times (k + n)``."""
    return r" \times ".join(dim_latex(d) for d in shape)


class LatexPrinter:
    """Prints a matrix expression.

    ``shapes``: a dict of tensor shapes, or ``"symbols"`` to read them off the MatrixSymbols;
    tensors then get ``\\underbrace{..}_{r \\times c}``.  ``substitute``: print every tensor
    as its shape, ``(50 \\times 20)``, for "shapes substituted" derivations.
    """

    def __init__(self, shapes=None, notation=None, substitute=False):
        self.shapes, self.notation, self.substitute = shapes, notation, substitute

    def shape_of(self, e):
        """The shape written under the tensor ``e`` (None: none is written)."""
        if self.shapes == "symbols":
            return e.shape
        name = e.name[: -len(NEXT)] if e.name.endswith(NEXT) else e.name  # one step later, same shape
        if self.shapes is not None and name in self.shapes and None not in self.shapes[name]:
            return self.shapes[name]
        return None

    def atom(self, e, power=None, transposed=False):
        """A tensor, its dimensions under it; a power or a transpose goes on the tensor, inside the brace."""
        shape = self.shape_of(e)
        if shape is not None and transposed:
            shape = shape[::-1]
        exponent = f"^{{{power}}}" if power is not None else ("^{\\top}" if transposed else "")
        if self.substitute and shape is not None:
            return f"({dims_latex(shape)})"
        text = name_latex(e.name, self.notation)
        if exponent:  # x_t^2, h_{t-1}^\top; (y^{t})^\top where the name has a superscript already
            text = f"({text}){exponent}" if "^" in text and not text.endswith(")") else f"{text}{exponent}"
        if shape is not None:
            return rf"\underbrace{{{text}}}_{{{dims_latex(shape)}}}"
        return text

    def parens(self, text):
        r"""``\left(..\right)``; with dimensions under the terms, fixed-size brackets (the braces
        below would otherwise stretch them to twice the line's height)."""
        if self.shapes is not None and not self.substitute:
            return rf"\bigl({text}\bigr)"
        return rf"\left({text}\right)"

    def print(self, e, prec=0):
        """LaTeX of ``e`` by the rule of its class (:data:`LATEX_RULES`); ``prec`` is the binding of
        the context (1 inside a sum, 2 beside a product, 3 as a factor, 4 under a script)."""
        return rule_for(LATEX_RULES, e, "LaTeX")(self, e, prec)

    def function(self, e, power=None):
        r"""``\sigma\left(..\right)``, ``\tanh^{2}\left(..\right)``."""
        f = FUNCTION_LATEX.get(function_name(e), rf"\operatorname{{{function_name(e)}}}")
        if power is not None:
            f = f"{f}^{{{power}}}"
        return f + self.parens(self.print(e.expr))

    def wrap(self, text, own, prec):
        """``text`` (binding ``own``), in brackets when the context ``prec`` binds tighter."""
        return self.parens(text) if own < prec else text

    def pieces(self, e):
        r"""``e`` as a list of LaTeX pieces between which a line may break: the terms of a sum,
        and the terms of a parenthesised sum inside a term (``D \Bigl(A + B\Bigr)``)."""
        if not isinstance(e, MatAdd):
            return self.term_pieces(e)
        out = []
        for i, a in enumerate(e.args):
            rest = subtracted(a)
            if rest is not None:  # - (A + B) keeps its brackets
                sign, sub = "- ", [self.print(rest, 2)] if isinstance(rest, MatAdd) else self.term_pieces(rest)
            else:  # a nested sum is flattened: A + (B + C) reads as A + B + C
                sign, sub = "+ ", self.pieces(a) if isinstance(a, MatAdd) else self.term_pieces(a)
            lead = sign if i else ("-" if rest is not None else "")
            out += [lead + sub[0]] + sub[1:]
        return out

    def term_pieces(self, e):
        r"""The pieces of one term: ``D \Bigl(A``, ``+ B\Bigr)`` for a product ending in a sum, else the term."""
        if isinstance(e, MatMul) and isinstance(e.args[-1], MatAdd) and all(a.is_Matrix for a in e.args):
            head = " ".join(self.print(a, 3) for a in e.args[:-1])
            inner = self.pieces(e.args[-1])
            if len(inner) > 1:  # lines break between the inner terms, never right after the bracket
                first = f"{head} \\Bigl({inner[0]}"
                if visible_width(first) > LINE_BUDGET - 8:  # too wide for one line: break before the bracket
                    return [head, f"\\Bigl({inner[0]}"] + inner[1:-1] + [f"{inner[-1]}\\Bigr)"]
                return [first] + inner[1:-1] + [f"{inner[-1]}\\Bigr)"]
        return [self.print(e, 1)]


def _sum(p, e, prec):
    """``a + b - c``: a term with a factor -1 is subtracted."""
    parts = []
    for i, a in enumerate(e.args):
        rest = subtracted(a)
        if rest is not None:
            parts.append(("- " if i else "-") + p.print(rest, 2))
        else:
            parts.append(("+ " if i else "") + p.print(a, 1))
    return p.wrap(" ".join(parts), 1, prec)


def _product(p, e, prec):
    """``W_{f} x_{t}``, ``-A B``, ``0.5 A``; a broadcast bias ``b @ 1^T`` is written ``b``."""
    if is_broadcast(e):
        return p.print(e.args[0], prec)
    args = list(e.args)
    coeff = ""
    if not args[0].is_Matrix:
        c = args.pop(0)
        coeff = "-" if c == -1 else f"{c} "
    return p.wrap(coeff + " ".join(p.print(a, 3) for a in args), 2, prec)


def _power(p, e, prec):
    r"""``x_{t}^{2}`` (the power on the tensor, inside its brace), ``\tanh^{2}\left(..\right)``, ``{..}^{2}``."""
    if isinstance(e.base, MatrixSymbol):
        return p.atom(e.base, power=e.exp)
    if isinstance(e.base, ElementwiseApplyFunction):
        return p.function(e.base, power=e.exp)
    return f"{{{p.print(e.base, 4)}}}^{{{e.exp}}}"


def _transpose(p, e, prec):
    r"""``h_{t-1}^{\top}`` (on the tensor, inside its brace) or ``{..}^{\top}``."""
    if isinstance(e.arg, MatrixSymbol):
        return p.atom(e.arg, transposed=True)
    return f"{{{p.print(e.arg, 4)}}}^{{\\top}}"


def _column_sum(p, e, prec):
    r"""``X \mathbf{1}``; a batch of one column sums to the column itself."""
    if e.args[0].shape[1] == 1:
        return p.print(e.args[0], prec)
    return f"{p.print(e.args[0], 3)} \\mathbf{{1}}"


def _block(axis):
    r"""The rule of rows (``axis`` "") or columns (``axis`` ``:,\,``) start+1 to stop of a matrix,
    counted from 1: ``(..)_{1:k}``, ``(..)_{:,\,1:k}``."""
    def rule(p, e, prec):
        parent, start, stop = e.args
        return f"{p.parens(p.print(parent))}_{{{axis}{dim_latex(start + 1)}:{dim_latex(stop)}}}"
    return rule


#: Expression class -> rule(printer, expression, context precedence) -> LaTeX.
LATEX_RULES = {
    MatrixSymbol: lambda p, e, prec: p.atom(e),
    Number: lambda p, e, prec: str(e),  # the 2 of a checked file's [a; 2], a row of twos broadcast
    OneMatrix: lambda p, e, prec: "1",  # 1 - i_t, [1; h_{t-1}; x_t]: ones, written 1 as in the references
    Identity: lambda p, e, prec: "I",
    MatAdd: _sum,
    MatMul: _product,
    HadamardProduct: lambda p, e, prec: p.wrap(r" \odot ".join(p.print(a, 3) for a in e.args), 2, prec),
    HadamardPower: _power,
    ElementwiseApplyFunction: lambda p, e, prec: p.function(e),
    Transpose: _transpose,
    VConcat: lambda p, e, prec: r"\begin{bmatrix} " + r" \\ ".join(p.print(b) for b in e.blocks) + r" \end{bmatrix}",
    ColumnSum: _column_sum,
    RowBlock: _block(""),
    ColumnBlock: _block(r":,\,"),
    Diag: lambda p, e, prec: r"\operatorname{diag}" + p.parens(p.print(e.args[0])),
}


#: Lines of an ``align*`` block are broken to about this many visible characters (``\small``
#: or normal size on an article page; measured against pdflatex's overfull-box warnings).
LINE_BUDGET = 62


_BRACED = r"\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}"
_UNDERBRACE = re.compile(r"\\underbrace" + _BRACED + "_" + _BRACED)
_FRAC = re.compile(r"\\frac" + _BRACED + _BRACED)


def visible_width(latex):
    """A rough count of the characters ``latex`` shows (scripts count 60%, commands by what they
    draw, an underbrace or a fraction as the wider of its two parts)."""
    text = _UNDERBRACE.sub(lambda m: "x" * round(max(visible_width(m.group(1)), 0.7 * visible_width(m.group(2)))),
                           latex)
    text = _FRAC.sub(lambda m: "x" * round(max(visible_width(m.group(1)), visible_width(m.group(2)))), text)
    text = re.sub(r"\\(?:left|right|Bigl|Bigr|quad|,)", "", text)
    text = re.sub(r"\\(?:operatorname|text|mathbf)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\(odot|times|cdot|top|sigma|delta|partial|rightarrow)", "o", text)
    text = re.sub(r"\\tanh", "tanh", text)
    scripts = sum(len(m) for m in re.findall(r"[_^]\{([^{}]*)\}", text))
    plain = len(re.sub(r"[{}_^ ]", "", text))
    return plain - 0.4 * scripts + 0.3 * text.count(" ")


def break_lines(pieces, budget=LINE_BUDGET, first=0):
    """Pack ``pieces`` greedily into lines of about ``budget`` visible characters; the first line
    already holds ``first`` characters (the left-hand side)."""
    lines, current, width = [], [], first
    for piece in pieces:
        w = visible_width(piece)
        if current and width + w > budget:
            lines.append(" ".join(current))
            current, width = [], 4  # continuation lines start with \quad
        current.append(piece)
        width += w + 1
    lines.append(" ".join(current))
    return lines


def aligned_rows(lhs, rhs_pieces, budget=LINE_BUDGET):
    r"""``lhs &= ...`` for an ``align*`` block, continued on ``&\quad ...`` lines when long; when
    even the first term does not fit beside ``lhs``, the terms start on the next line."""
    first = visible_width(lhs) + 2
    if first + visible_width(rhs_pieces[0]) > budget:
        return f"{lhs} &= \\\\\n&\\quad " + " \\\\\n&\\quad ".join(break_lines(rhs_pieces, budget, first=4))
    return f"{lhs} &= " + " \\\\\n&\\quad ".join(break_lines(rhs_pieces, budget, first=first))


def equation_latex(eq, shapes=None, dims=True, notation=None, align=False):
    """``lhs = rhs`` in LaTeX; with ``shapes`` (and ``dims``), dimensions under each tensor."""
    printer = LatexPrinter(shapes if dims else None, notation)
    return f"{printer.print(eq.lhs)} {'&' if align else ''}= {printer.print(eq.rhs)}"


def equations_block(equations, shapes=None, notation=None):
    """An ``align*`` block of equations with dimensions; a long right-hand side continues on
    further lines, broken between terms."""
    printer = LatexPrinter(shapes, notation)
    rows = [aligned_rows(printer.print(eq.lhs), printer.pieces(eq.rhs)) for eq in equations]
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"

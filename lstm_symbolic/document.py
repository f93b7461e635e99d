"""A standalone LaTeX handout a teacher could hand out (amsmath and amssymb only).

Written as the appendix of Greff et al. (2017) and chapter 4 of Graves (2012) write it:
every symbol in a table before it is used; the forward pass with the pre-activations
named, one block per gate, dimensions under each term; each equation's shape derivation;
the parameter count as one chain (formula, substitution, value); and, on request, the
backward pass as a recursion over time (:mod:`lstm_symbolic.recursion`: the derivation's own
equations, from which the compiled backward is built too) with the weight gradients as sums over time, and the
gradient-flow Jacobians.  Output is deterministic: no dates, no hash-ordered sets.
"""

from __future__ import annotations

import sympy
from sympy import MatrixSymbol, preorder_traversal
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .families import title as cell_title
from .handout_text import (
    ACTIVATION_DEFINITIONS,
    CELL_NOTES,
    DERIVATIVE_DEFINITIONS,
    EXPLANATIONS,
    FORWARD_DEFAULT,
    FORWARD_WORDS,
    RECURSION_NOTES,
    escape,
    fill,
    label,
    meaning,
)
from .latex import LatexPrinter, aligned_rows, dims_latex, name_latex
from .notations import NEXT
from .recursion import time_recursion
from .sizes import SIZE_MEANINGS
from .textprint import function_name

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\usepackage{amssymb}
\setlength{\textwidth}{16.5cm}
\setlength{\oddsidemargin}{0cm}
\setlength{\evensidemargin}{0cm}
\setlength{\textheight}{23cm}
\setlength{\topmargin}{-1cm}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\allowdisplaybreaks
\emergencystretch=3em
\begin{document}
"""

def _value(value):
    """LaTeX of a size: an integer as it is, a SymPy expression by ``sympy.latex``."""
    return str(value) if isinstance(value, int) else sympy.latex(value)


def grouped_block(equations, shapes, notation, group_of, prefix=""):
    r"""One ``align*`` with an ``\intertext`` heading before each group of consecutive equations
    (``Forget gate``: the pre-activation, then the activation).  ``prefix`` starts every right side."""
    printer = LatexPrinter(shapes, notation)
    rows, current = [], None
    for eq in equations:
        heading = group_of(eq.name)
        pieces = printer.pieces(eq.rhs)
        pieces[0] = prefix + pieces[0]
        row = aligned_rows(printer.print(eq.lhs), pieces)
        if heading and heading != current:
            row = f"\\intertext{{\\emph{{{heading}.}}}}\n{row}"
            current = heading
        rows.append(row)
    return "\\begin{align*}\n" + " \\\\[3pt]\n".join(rows) + "\n\\end{align*}"


def forward_block(cell, notation):
    """The forward pass in the normal form (pre-activations named), one group per gate."""
    normal = cell.normal_form()
    return grouped_block(normal.equations, normal.shapes(), notation, lambda n: label(n, cell.family))


def derivation_rows(cell, notation):
    """For every equation: formula, shapes substituted, result."""
    plain = LatexPrinter(None, notation)
    substituted = LatexPrinter(cell.shapes(), notation, substitute=True)
    rows = []
    for eq in cell.equations:
        result = dims_latex(cell.shapes()[eq.name])
        rows.append(
            f"{plain.print(eq.lhs)} &= {plain.print(eq.rhs)} \\\\\n"
            f"&\\rightarrow {substituted.print(eq.rhs)} = {result}"
        )
    return "\\begin{align*}\n" + " \\\\[4pt]\n".join(rows) + "\n\\end{align*}"


def dimension_table(cell, notation):
    """Every tensor of the forward pass (pre-activations included): symbol, shape, meaning."""
    normal = cell.normal_form()
    shapes = normal.shapes()
    names = list(cell.program.inputs) + list(cell.parameters) + [eq.name for eq in normal.equations]
    lines = [r"\begin{tabular}{llp{10cm}}", r"symbol & shape & meaning \\ \hline"]
    for name in names:
        lines.append(f"${name_latex(name, notation)}$ & ${dims_latex(shapes[name])}$ & "
                     f"{meaning(name, cell, notation)} \\\\")
    lines.append(r"\end{tabular}")
    return "\n".join(lines)


def sizes_sentence(cell):
    """``$n = 20$ (the input size), ...`` or, for symbols, what each symbol stands for."""
    parts = []
    for size, value in cell.dims.items():
        if size == "B" and value == 1:
            continue
        what = escape(SIZE_MEANINGS[size].split(":")[0])
        symbol = f"${size}$" if str(value) == size else f"${size} = {_value(value)}$"
        parts.append(f"{symbol} ({what})")
    return "Sizes: " + ", ".join(parts) + "."


def activations(cell):
    """The activation functions of the forward pass, in the order of ACTIVATION_DEFINITIONS."""
    used = {function_name(node) for eq in cell.normal_form().equations for node in preorder_traversal(eq.rhs)
            if isinstance(node, ElementwiseApplyFunction)}
    return [name for name in ACTIVATION_DEFINITIONS if name in used]


def _listing(texts):
    """``a, b and c``."""
    return ", ".join(texts[:-1]) + " and " + texts[-1] if len(texts) > 1 else texts[0]


def intro(cell, notation, derivatives):
    """The handout's first paragraph: what it derives, the sizes, the notation, the conventions."""
    what = "its forward pass, its shapes and its parameter count"
    if derivatives:
        what = "its forward pass, its shapes, its parameter count and its backward pass through time"
    lines = [
        f"This handout derives {what}. {sizes_sentence(cell)}",
        f"Symbols are written in {notation.title}. {notation.note}",
        r"Vectors are columns: $" + name_latex("x_t", notation) + r"$ is $n \times 1$ and weights multiply "
        r"from the left. $\odot$ is the elementwise (Hadamard) product; "
        + _listing([ACTIVATION_DEFINITIONS[a] for a in activations(cell)])
        + (" act" if len(activations(cell)) > 1 else " acts") + " elementwise.",
    ]
    return "\n".join(lines)


def _term_latex(count, r, c, values=None):
    """``4 k n`` (formula) or, with ``values``, ``4 \\cdot 50 \\cdot 20`` (substitution)."""
    if values is None:
        return sympy.latex(count * r * c)
    factors = [str(count)] if count != 1 else []
    for dim in (r, c):
        if dim == 1:
            continue
        if dim.is_Add:  # (k + n) -> (50 + 20)
            factors.append("(" + " + ".join(_value(a.xreplace(values)) for a in dim.as_ordered_terms()) + ")")
        else:
            factors.append(_value(dim.xreplace(values)))
    return r" \cdot ".join(factors) or "1"


def parameter_section(cell, notation):
    """The count as one chain: by kind of parameter, factored, substituted, value."""
    twin = cell if cell.is_symbolic else symbolic_twin(cell)
    shapes = twin.shapes()
    groups = {}
    for name in twin.parameters:
        kind = "W_hr" if name == "W_hr" else name.partition("_")[0]
        groups.setdefault((kind, shapes[name]), []).append(name)
    # the shapes are numbers and SymPy expressions (never text: strict refuses strings)
    terms = [(len(names), sympy.sympify(r, strict=True), sympy.sympify(c, strict=True))
             for (_, (r, c)), names in groups.items()]
    formula = " + ".join(_term_latex(*t) for t in terms)
    total = sum((m * r * c for m, r, c in terms), sympy.Integer(0))
    chain = [f"N &= {formula}"]
    factored = sympy.latex(sympy.factor(total))
    if factored != formula:
        chain.append(f"&= {factored}")
    if not cell.is_symbolic:
        values = {twin.dims[s]: v for s, v in cell.dims.items() if s in twin.dims and s != "B"}
        chain.append("&= " + " + ".join(_term_latex(*t, values=values) for t in terms))
        chain.append(f"&= {cell.parameter_count()}")
    listing = "; ".join(", ".join(f"${name_latex(n, notation)}$" for n in names)
                        + f" (${dims_latex(shapes[names[0]])}$" + (" each)" if len(names) > 1 else ")")
                        for names in groups.values())
    return "\n".join([
        f"The parameters are {listing}. Their number of entries:",
        r"\begin{align*}", " \\\\\n".join(chain), r"\end{align*}",
    ])


def symbolic_twin(cell):
    """The same cell with the sizes n, k (p) as symbols, for the formula of the parameter count."""
    from .cell import make_cell

    return make_cell(cell.family.name, "n", "k", cell.variant.name, cell.layout.name,
                     "p" if cell.variant.projection else None)


def backward_intro(cell, notation, direct_h):
    """The backward section's first paragraph: what L, delta v and Delta_t mean, the activations' derivatives."""
    return fill(r"Let $L$ be a loss computed from the outputs of steps $1, \dots, T$. For a tensor $v$, "
                r"$\delta v = \partial L / \partial v$ is the gradient of $L$ with respect to $v$ (it has the shape "
                r"of $v$), counting every path through later steps; ${Delta_t}$ is the part of ${dh}$ that comes "
                r"directly from the loss at step $t$. The derivatives of the activations are written with their "
                r"outputs: {derivatives}. "
                + (r"$v_{{a:b}}$ is the part of a vector $v$ from row $a$ to row $b$. " if cell.layout.stacked else "")
                + r"Going backwards from $t = T$ to $1$, with every gradient of step $T+1$ equal to zero:",
                notation, dh=direct_h, derivatives=_listing([DERIVATIVE_DEFINITIONS[a] for a in activations(cell)]))


def backward_section(cell, notation):
    """BPTT as a recursion over time, the weight gradients as sums, and the gradient flow."""
    derivation = cell.backward()
    rec = time_recursion(derivation)
    tensor_of = {grad: tensor for tensor, grad in derivation.gradients.items()}
    direct_h = f"\\delta {name_latex(rec.output, notation)}"
    later = [eq for eq in rec.steps if eq.name != derivation.upstream[rec.output]
             and any(s.name.endswith(NEXT) for s in eq.rhs.atoms(MatrixSymbol))]
    later_terms = ", ".join(f"${name_latex(eq.name, notation)}$" for eq in later)
    parts = [
        r"\section*{Backward pass through time}",
        backward_intro(cell, notation, direct_h),
        grouped_block(rec.steps, rec.shapes, notation, lambda n: label(tensor_of.get(n, n), cell.family)),
        recursion_words(cell, notation, direct_h, later_terms)
        + "Each weight is shared by all steps, so its gradient is a sum over time:",
        grouped_block(rec.sums, rec.shapes, notation, lambda n: label(tensor_of[n], cell.family),
                      prefix=r"\sum_{t=1}^{T} "),
    ]
    parts += gradient_flow_section(cell, notation)
    return "\n\n".join(parts)


def recursion_words(cell, notation, direct_h, later_terms):
    """What the terms of step t+1 in the recursion are (a family's own words, else the generic ones)."""
    if cell.variant.name in RECURSION_NOTES:
        h0 = name_latex("h_prev", notation).replace("t-1", "0")
        return fill(RECURSION_NOTES[cell.variant.name], notation, dh=direct_h, h0=h0)
    return (f"The terms with index $t+1$ in ${direct_h}$" + (f" and in {later_terms}" if later_terms else "")
            + " carry the gradient from step $t+1$ back to step $t$; the gradients of the initial states are "
            "these terms at $t = 0$. ")


def gradient_flow_section(cell, notation):
    """The gradient-flow Jacobians of one step and what they mean (a list of paragraphs)."""
    flow = cell.jacobians()
    printer = LatexPrinter(None, notation)
    rows = []
    for jac in flow.jacobians:
        lhs = rf"\frac{{\partial {name_latex(jac.of, notation)}}}{{\partial {name_latex(jac.wrt, notation)}}}"
        rows.append(aligned_rows(lhs, printer.pieces(jac.expr)) if jac.expr is not None else f"{lhs} &= 0")
    explanation = (fill(EXPLANATIONS[cell.variant.name], notation) if cell.variant.name in EXPLANATIONS
                   else escape(flow.explanation))
    return [
        r"\section*{Gradient flow}",
        r"The Jacobians of one step (a batch of one), $\operatorname{diag}(v)$ being the square matrix with $v$ "
        r"on its diagonal and $A_{:,\,a:b}$ the columns $a$ to $b$ of $A$:",
        "{\\small\n\\begin{align*}\n" + " \\\\[6pt]\n".join(rows) + "\n\\end{align*}}",
        explanation,
    ]


def document(cell, notation, derivatives=False, fragment=False):
    """The LaTeX source (a standalone document, or with ``fragment`` the equation blocks only)."""
    if fragment:
        blocks = [forward_block(cell, notation)]
        if derivatives:
            rec = time_recursion(cell.backward())
            blocks.append(grouped_block(rec.steps, rec.shapes, notation, lambda n: ""))
        return "\n\n".join(blocks) + "\n"
    body = [
        PREAMBLE,
        rf"\section*{{{escape(cell_title(cell))}}}",
        intro(cell, notation, derivatives),
        r"\section*{Symbols and dimensions}",
        dimension_table(cell, notation) + ("\n\n" + fill(CELL_NOTES[cell.variant.name], notation)
                                           if cell.variant.name in CELL_NOTES else ""),
        r"\section*{Forward pass}",
        r"For $t = 1, \dots, T$, starting from the initial state" + ("s $" if len(cell.states) > 1 else " $")
        + "$ and $".join(name_latex(prev, notation).replace("t-1", "0") for _, prev in cell.program.recurrence)
        + "$. " + FORWARD_WORDS.get(cell.family.name, FORWARD_DEFAULT) + " The dimensions are written under "
        "each term.",
        forward_block(cell, notation),
        r"\section*{Shapes, equation by equation}",
        "Each formula, then the same formula with every tensor replaced by its shape, then the result.",
        derivation_rows(cell, notation),
        r"\section*{Parameter count}",
        parameter_section(cell, notation),
    ]
    if derivatives:
        body.append(backward_section(cell, notation))
    body.append(r"\end{document}")
    return "\n\n".join(body) + "\n"

"""A standalone LaTeX document a teacher could hand out (amsmath and amssymb only).

Sections: the dimension table of every tensor; the forward equations with
dimensions under each term; for each equation its shape derivation ("formula,
then shapes substituted, then result"); the parameter count; and, on request,
the backward equations step by step and the gradient-flow Jacobians.
Output is deterministic: no dates, no hash-ordered sets.
"""

from __future__ import annotations

import sympy

from .families import describe_tensor
from .families import title as cell_title
from .latex import LatexPrinter, aligned_rows, dims_latex, equations_block, name_latex

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\usepackage{amssymb}
\setlength{\textwidth}{16.5cm}
\setlength{\oddsidemargin}{0cm}
\setlength{\evensidemargin}{0cm}
\setlength{\textheight}{23cm}
\setlength{\topmargin}{-1cm}
\allowdisplaybreaks
\begin{document}
"""

_TEX_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "{": r"\{", "}": r"\}", "^": r"\^{}", "~": r"\~{}"}


def tex_escape(text):
    """Plain text for LaTeX's text mode."""
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in text)


def _dim_value(value):
    return str(value) if isinstance(value, int) else sympy.latex(value)


def forward_block(cell, notation):
    return equations_block(cell.equations, cell.shapes(), notation)


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
    lines = [r"\begin{tabular}{lll}", r"tensor & shape & meaning \\ \hline"]
    for name, shape in cell.shapes().items():
        lines.append(f"${name_latex(name, notation)}$ & ${dims_latex(shape)}$ & "
                     f"{tex_escape(describe_tensor(name, cell.family.name))} \\\\")
    lines.append(r"\end{tabular}")
    return "\n".join(lines)


def parameter_section(cell, notation):
    """The count, grouped by shape: ``4 (50 \\cdot 20) + 4 (50 \\cdot 50) + ...``."""
    shapes = cell.shapes()
    groups = {}
    for name in cell.parameters:
        groups.setdefault(shapes[name], []).append(name)
    terms = []
    for (r, c), names in groups.items():
        product = f"({_dim_value(r)} \\cdot {_dim_value(c)})"
        terms.append(product if len(names) == 1 else f"{len(names)} \\cdot {product}")
    total = cell.parameter_count()
    total_text = _dim_value(total) if isinstance(total, int) else sympy.latex(sympy.factor(total))
    formula = sympy.latex(sympy.factor(LSTM_count_symbolic(cell)))
    return "\n".join([
        r"\begin{align*}",
        r"\text{parameters} &= " + " + ".join(terms) + r" \\",
        f"&= {formula} = {total_text}",
        r"\end{align*}",
    ])


def LSTM_count_symbolic(cell):  # noqa: N802 - reads as a formula name
    """The parameter count as a formula in n, k (p) for this variant and layout."""
    from .cell import make_cell

    symbolic = make_cell(cell.family.name, "n", "k", cell.variant.name, cell.layout.name,
                         "p" if cell.variant.projection else None)
    return symbolic.parameter_count()


def backward_section(cell, notation):
    derivation = cell.backward()
    flow = cell.jacobians()
    upstream = "The upstream gradient is $" + name_latex("dh_t", notation) + r"$ (from the loss and from step $t+1$)"
    if "c_t" in derivation.upstream:
        upstream = ("The upstream gradients are $" + name_latex("dh_t", notation) + r"$ (from the loss and from step "
                    r"$t+1$) and $" + name_latex("dc_next", notation) + r"$ (through the next cell state)")
    parts = [
        r"\section*{Backward equations (one step of BPTT)}",
        upstream + r". $\odot$ is the elementwise product, "
        r"$\mathbf{1}$ a vector of ones (summing over the batch); every gradient has the shape of its tensor.",
        equations_block(derivation.equations, derivation.shapes(), notation),
        r"\section*{Gradient flow}",
    ]
    printer = LatexPrinter(None, notation)
    rows = []
    for jac in flow.jacobians:
        lhs = rf"\frac{{\partial {name_latex(jac.of, notation)}}}{{\partial {name_latex(jac.wrt, notation)}}}"
        rows.append(aligned_rows(lhs, printer.pieces(jac.expr)))
    parts.append("{\\small")
    parts.append(r"\begin{align*}")
    parts.append(" \\\\[6pt]\n".join(rows))
    parts.append(r"\end{align*}}")
    parts.append(tex_escape(flow.explanation))
    return "\n".join(parts)


def document(cell, notation, derivatives=False, fragment=False):
    """The LaTeX source (a standalone document, or with ``fragment`` the equation blocks only)."""
    if fragment:
        blocks = [forward_block(cell, notation)]
        if derivatives:
            d = cell.backward()
            blocks.append(equations_block(d.equations, d.shapes(), notation))
        return "\n\n".join(blocks) + "\n"
    dims = ", ".join(f"${k} = {_dim_value(v)}$" for k, v in cell.dims.items())
    body = [
        PREAMBLE,
        rf"\section*{{{tex_escape(cell_title(cell))}}}",
        f"Sizes: {dims}. Notation: {tex_escape(notation.name)} ({tex_escape(notation.summary)}). "
        r"Column convention: $x_t$ is $n \times 1$ and weights act from the left.",
        r"\section*{Dimensions}",
        dimension_table(cell, notation),
        r"\section*{Forward equations}",
        r"Dimensions are written under each tensor; $\odot$ is the elementwise (Hadamard) product.",
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

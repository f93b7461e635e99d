"""lstm_symbolic.document: the LaTeX handout, read as a teacher reads it (every symbol defined before
use, no ASCII identifiers in the prose, the recursion's factors, the parameter chain), and compiled
with pdflatex for every variant, notation, layout and cell family."""

import re
import shutil
import subprocess

import pytest
import sympy
from sympy import MatrixSymbol

from lstm_symbolic import LSTMCell
from lstm_symbolic.cell import make_cell
from lstm_symbolic.document import (
    _listing,
    _term_latex,
    activations,
    derivation_rows,
    document,
    grouped_block,
    recursion_words,
    sizes_sentence,
)
from lstm_symbolic.families import combinations
from lstm_symbolic.latex import name_latex
from lstm_symbolic.notations import NOTATIONS, get_notation
from lstm_symbolic.variants import LAYOUTS

from .conftest import ALL_VARIANTS

needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")


def compile_pdf(tex, tmp_path):
    (tmp_path / "doc.tex").write_text(tex)
    result = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "doc.tex"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, "\n".join(line for line in result.stdout.splitlines() if line.startswith("!"))
    assert (tmp_path / "doc.pdf").stat().st_size > 1000
    log = (tmp_path / "doc.log").read_text(errors="replace")
    overfull = [float(pt) for pt in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log)]
    assert max(overfull, default=0) < 10, f"lines run past the margin by {max(overfull)} pt"  # (was up to 870)


@needs_pdflatex
@pytest.mark.parametrize("sizes", [(20, 50, 7), ("n", "k", "p")], ids=["numeric", "symbolic"])
@pytest.mark.parametrize("notation", list(NOTATIONS))
@pytest.mark.parametrize("variant", ALL_VARIANTS)
def test_every_document_compiles(variant, notation, sizes, tmp_path):
    cell = LSTMCell(sizes[0], sizes[1], variant, proj_size=sizes[2] if variant == "projection" else None)
    tex = document(cell, get_notation(notation), derivatives=True)
    compile_pdf(tex, tmp_path)


@needs_pdflatex
@pytest.mark.parametrize("layout", ["concat", "augmented"])
def test_layouts_compile(layout, tmp_path):
    compile_pdf(document(LSTMCell("n", "k", "peephole", layout), get_notation("greff"), derivatives=True), tmp_path)


def test_document_shows_dimensions():
    tex = document(LSTMCell(20, 50), get_notation("standard"))
    assert r"\underbrace{W_{f}}_{50 \times 20}" in tex
    assert r"&\rightarrow \sigma\left((50 \times 20) (20 \times 1) + (50 \times 50) (50 \times 1)" in tex
    assert "= 50 \\times 1" in tex
    assert "&= 4 k n + 4 k^{2} + 4 k \\\\\n&= 4 k \\left(k + n + 1\\right) \\\\\n" in tex
    assert "&= 4 \\cdot 50 \\cdot 20 + 4 \\cdot 50 \\cdot 50 + 4 \\cdot 50 \\\\\n&= 14200" in tex
    symbolic = document(LSTMCell("n", "k"), get_notation("standard"))
    assert r"\underbrace{W_{f}}_{k \times n}" in symbolic


# -- the handout read as a teacher reads it ----------------------------------------------------------
HANDOUTS = [(v, nota, lay) for v in ALL_VARIANTS for nota in NOTATIONS for lay in LAYOUTS]


def handout(variant, notation, layout, sizes=("n", "k", "p")):
    cell = LSTMCell(sizes[0], sizes[1], variant, layout, proj_size=sizes[2] if variant == "projection" else None)
    return cell, document(cell, get_notation(notation), derivatives=True)


@pytest.mark.parametrize("variant,notation,layout", HANDOUTS, ids=["-".join(h) for h in HANDOUTS])
def test_handout_prose_has_no_ascii_identifiers(variant, notation, layout):
    _, tex = handout(variant, notation, layout)
    assert_no_ascii_identifiers(tex.replace(get_notation(notation).note, ""))  # the gates note: c(n) became c(t)


def assert_no_ascii_identifiers(tex):
    for ascii_name in (r"\_", "_prev", "_next", "W_fF", "C~", "U^T", "diag(1", "seed", "n = n", "k = k", "@"):
        assert ascii_name not in tex, ascii_name
    assert r"\Bigl(" + "\n" not in tex and "(\n" not in tex  # no line ends with an open bracket
    assert "{n+1}" not in tex and "(n)" not in tex and "(n+1)" not in tex  # n is the input size, not a time


@pytest.mark.parametrize("variant,notation,layout", HANDOUTS, ids=["-".join(h) for h in HANDOUTS])
def test_handout_defines_every_symbol_before_using_it(variant, notation, layout):
    """Every tensor of the equations is a row of the symbol table, which comes before them; the
    gradients are defined in the backward pass's first paragraph (delta v = dL/dv, Delta_t)."""
    cell, tex = handout(variant, notation, layout)
    assert_symbols_defined(cell, tex, get_notation(notation))


def assert_symbols_defined(cell, tex, nota):
    from lstm_symbolic.recursion import time_recursion

    table = tex[tex.index(r"\begin{tabular}"):tex.index(r"\end{tabular}")]
    derivation = cell.backward()
    used = {s.name for eq in derivation.forward for s in eq.rhs.atoms(MatrixSymbol)}
    used |= {eq.name for eq in derivation.forward}
    for name in sorted(used):
        assert f"${name_latex(name, nota)}$ &" in table, name
    backward = tex[tex.index("Backward pass through time"):]
    assert r"$\delta v = \partial L / \partial v$" in backward and name_latex("Delta_t", nota) in backward
    rec = time_recursion(derivation)
    assert len(rec.sums) == len(cell.parameters)


@pytest.mark.parametrize("notation", list(NOTATIONS))
def test_handout_shows_the_time_recursive_terms_with_their_factors(notation):
    nota = get_notation(notation)
    _, tex = handout("peephole", notation, "separate", sizes=(20, 50, None))
    under = r"}_{50 \times 1}"
    dc_next = r"\underbrace{" + name_latex("dc_t__next", nota) + under
    f_next = r"\underbrace{" + name_latex("f_t__next", nota) + under
    assert f"{dc_next} \\odot {f_next}" in tex  # dc_{t+1} * f_{t+1}, never a bare dc_{t+1}
    assert r"\underbrace{" + name_latex("da_f__next", nota) + under in tex  # the peephole term
    assert r"\sum_{t=1}^{T}" in tex
    assert r"\underbrace{" + name_latex("Delta_t", nota) + under in tex


def test_parameter_count_keeps_biases_and_peepholes_apart():
    _, tex = handout("peephole", "standard", "separate", sizes=(20, 50, None))
    assert "N &= 4 k n + 4 k^{2} + 4 k + 3 k \\\\" in tex
    assert r"&= 4 \cdot 50 \cdot 20 + 4 \cdot 50 \cdot 50 + 4 \cdot 50 + 3 \cdot 50 \\" + "\n&= 14350" in tex


@pytest.mark.parametrize("layout,words", [
    ("separate", "input weights of the forget gate (multiply $x_{t}$)"),
    ("concat", r"(multiply $z_{t} = [h_{t-1}; x_{t}]$)"),
    ("augmented", r"bias in the first column (multiply $z_{t} = [1; h_{t-1}; x_{t}]$)")])
def test_weights_are_described_by_what_they_multiply(layout, words):
    _, tex = handout("standard", "standard", layout)
    assert words in tex


def test_standard_notation_mentions_peepholes_only_when_there_are_some():
    assert "p_{f}" not in handout("standard", "standard", "separate")[1]
    assert "p_{f}" in handout("peephole", "standard", "separate")[1]


# -- the GRU and the simple RNN, written as well as the LSTM --------------------------------------------
OTHER_CELLS = [(family, variant, layout) for family in ("gru", "rnn") for variant, layout in combinations(family)]
OTHER_IDS = ["-".join(c) for c in OTHER_CELLS]


def other_handout(family, variant, layout, sizes=("n", "k")):
    cell = make_cell(family, sizes[0], sizes[1], variant, layout)
    return cell, document(cell, get_notation("standard"), derivatives=True)


@needs_pdflatex
@pytest.mark.parametrize("sizes", [(20, 50), ("n", "k")], ids=["numeric", "symbolic"])
@pytest.mark.parametrize("family,variant,layout", OTHER_CELLS, ids=OTHER_IDS)
def test_every_gru_and_rnn_document_compiles(family, variant, layout, sizes, tmp_path):
    compile_pdf(other_handout(family, variant, layout, sizes)[1], tmp_path)


@pytest.mark.parametrize("family,variant,layout", OTHER_CELLS, ids=OTHER_IDS)
def test_gru_and_rnn_handouts_read_like_the_lstm_one(family, variant, layout):
    cell, tex = other_handout(family, variant, layout)
    assert_no_ascii_identifiers(tex)
    assert_symbols_defined(cell, tex, get_notation("standard"))
    assert tex.index(r"\end{tabular}") < tex.index(r"\section*{Forward pass}")
    for name in cell.parameters:  # every weight gradient is a sum over time
        assert r"\underbrace{\delta " + name_latex(name) + r"}_{" in tex.split("sum over time")[1], name


@pytest.mark.parametrize("variant", ["reset-before", "reset-after"])
def test_the_gru_handout_says_which_update_convention_it_uses(variant):
    _, tex = other_handout("gru", variant, "separate", sizes=(20, 50))
    convention = tex[tex.index(r"\end{tabular}"):tex.index(r"\section*{Forward pass}")]
    assert r"$h_{t} = (1 - z_{t}) \odot n_{t} + z_{t} \odot h_{t-1}$" in convention
    assert "Chung et al. 2014" in convention and "their update gate is $1 - z_{t}$ here" in convention
    under = r"}_{50 \times 1}"
    assert r"\underbrace{\delta h_{t+1}" + under + r" \odot \underbrace{z_{t+1}" + under in tex
    assert r"\underbrace{r_{t+1}" + under in tex and r"\underbrace{\delta a_{z,t+1}" + under in tex
    assert "the four ways $h_{t}$ reaches step $t+1$" in tex


def test_the_reset_after_count_has_two_biases_per_gate():
    _, tex = other_handout("gru", "reset-after", "separate", sizes=(20, 50))
    assert "N &= 3 k n + 3 k^{2} + 3 k + 3 k \\\\\n&= 3 k \\left(k + n + 2\\right) \\\\\n" in tex
    assert "&= 10800" in tex and "PyTorch's $b_{hr}, b_{hz}, b_{hn}$" in tex
    _, tex = other_handout("gru", "reset-before", "separate", sizes=(20, 50))
    assert "&= 3 k \\left(k + n + 1\\right)" in tex and "&= 10650" in tex


@pytest.mark.parametrize("nonlinearity,defined", [
    ("tanh", r"$\tanh$ acts elementwise"),
    ("relu", r"$\operatorname{step}(v)$ is $1$ where $v > 0$ and $0$ elsewhere")])
def test_the_rnn_handout_defines_its_activation(nonlinearity, defined):
    _, tex = other_handout("rnn", nonlinearity, "separate")
    assert defined in tex and r"\sigma" not in tex


@pytest.mark.parametrize("layout,words", [
    ("concat", r"weights of the candidate hidden state (multiply $\tilde{x}_{t} = [r_{t} \odot h_{t-1}; x_{t}]$)"),
    ("augmented",
     r"weights of the reset gate, bias in the first column (multiply $\hat{x}_{t} = [1; h_{t-1}; x_{t}]$)")])
def test_gru_weights_are_described_by_what_they_multiply(layout, words):
    assert words in other_handout("gru", "reset-before", layout)[1]


# -- the pieces of the handout, one function at a time -----------------------------------------------------
K, N = sympy.symbols("k n", positive=True, integer=True)


@pytest.mark.parametrize("args, values, expected", [
    ((4, K, N), None, "4 k n"),
    ((4, K, K + N), {K: 50, N: 20}, r"4 \cdot 50 \cdot (50 + 20)"),
    ((1, K, 1), {K: 50}, "50"),
    ((1, 1, 1), {}, "1"),
], ids=["formula", "substituted-sum", "vector", "one"])
def test_term_latex(args, values, expected):
    assert _term_latex(*args, values=values) == expected


@pytest.mark.parametrize("texts, expected", [(["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
                         ids=["one", "two", "three"])
def test_listing(texts, expected):
    assert _listing(texts) == expected


def test_sizes_sentence():
    assert sizes_sentence(LSTMCell(20, 50)) == "Sizes: $n = 20$ (the input size), $k = 50$ (the hidden size)."
    assert sizes_sentence(LSTMCell("n", "k")) == "Sizes: $n$ (the input size), $k$ (the hidden size)."


@pytest.mark.parametrize("cell, expected", [
    (LSTMCell(2, 3), ["sigmoid", "tanh"]), (make_cell("rnn", 2, 3, "relu"), ["relu"]),
    (make_cell("gru", 2, 3, "reset-after"), ["sigmoid", "tanh"]),
], ids=["lstm", "relu-rnn", "gru"])
def test_activations(cell, expected):
    assert activations(cell) == expected


def test_grouped_block_heads_each_group_once():
    cell = LSTMCell(2, 3)
    block = grouped_block(cell.equations[:2], cell.shapes(), get_notation("standard"), lambda name: "Gates",
                          prefix="+")
    assert block.count(r"\intertext{\emph{Gates.}}") == 1
    assert block.startswith("\\begin{align*}\n\\intertext{\\emph{Gates.}}\n"
                            "\\underbrace{f_{t}}_{3 \\times 1} &= +\\sigma")


def test_derivation_rows():
    rows = derivation_rows(LSTMCell(2, 3), get_notation("standard"))
    assert rows.startswith("\\begin{align*}\nf_{t} &= \\sigma\\left(W_{f} x_{t} + U_{f} h_{t-1} + b_{f}\\right) \\\\\n"
                           "&\\rightarrow \\sigma\\left((3 \\times 2) (2 \\times 1) + (3 \\times 3) (3 \\times 1) + "
                           "(3 \\times 1)\\right) = 3 \\times 1 \\\\[4pt]\n")


def test_recursion_words_generic_and_the_family_own():
    standard = get_notation("standard")
    assert recursion_words(LSTMCell(2, 3), standard, r"\delta h_{t}", "") == (
        r"The terms with index $t+1$ in $\delta h_{t}$ carry the gradient from step $t+1$ back to step $t$; the "
        "gradients of the initial states are these terms at $t = 0$. ")
    gru = recursion_words(make_cell("gru", 2, 3), standard, r"\delta h_{t}", "")
    assert gru.startswith(r"The terms of step $t+1$ in $\delta h_{t}$ are the four ways $h_{t}$ reaches step $t+1$")


def test_fragment_is_the_equation_blocks_only():
    tex = document(LSTMCell(2, 3), get_notation("standard"), fragment=True)
    assert tex.startswith("\\begin{align*}\n\\intertext{\\emph{Forget gate.}}") and r"\documentclass" not in tex
    assert tex.count(r"\begin{align*}") == 1
    with_backward = document(LSTMCell(2, 3), get_notation("standard"), derivatives=True, fragment=True)
    assert with_backward.count(r"\begin{align*}") == 2 and with_backward.startswith(tex.rstrip("\n"))

"""LaTeX documents, notations and diagrams."""

import pathlib
import re
import shutil
import subprocess

import pytest
from sympy import MatrixSymbol

from lstm_symbolic import LSTMCell, UsageError
from lstm_symbolic.document import document
from lstm_symbolic.latex import equation_latex, name_latex
from lstm_symbolic.notations import NOTATIONS, get_notation

from .conftest import ALL_VARIANTS

GOLDEN = pathlib.Path(__file__).parent / "golden"
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
    assert r"\left(\left(50 \times 20\right) (20 \times 1)" in tex or "(50 \\times 20) (20 \\times 1)" in tex
    assert "= 50 \\times 1" in tex
    assert "&= 4 k n + 4 k^{2} + 4 k \\\\\n&= 4 k \\left(k + n + 1\\right) \\\\\n" in tex
    assert "&= 4 \\cdot 50 \\cdot 20 + 4 \\cdot 50 \\cdot 50 + 4 \\cdot 50 \\\\\n&= 14200" in tex
    symbolic = document(LSTMCell("n", "k"), get_notation("standard"))
    assert r"\underbrace{W_{f}}_{k \times n}" in symbolic


@pytest.mark.parametrize("notation,name,expected", [
    ("standard", "U_f", "U_{f}"), ("course", "W_f", "W_{fF}"), ("course", "U_f", "W_{fR}"),
    ("course", "g_t", r"\tilde{C}_{t}"), ("course", "U_g", "W_{cR}"), ("greff", "U_i", "R_{i}"),
    ("greff", "p_f", "p_{f}"), ("pytorch", "W_o", "W_{io}"), ("pytorch", "U_o", "W_{ho}"),
    ("pytorch", "b_f", r"\left(b_{if} + b_{hf}\right)"), ("gates", "f_t", r"g^{\text{forget}}(t)"),
    ("gates", "c_prev", "c(t-1)"), ("gates", "g_t", "u(t)"), ("greff", "da_f__next", r"\delta \bar{f}^{t+1}"),
    ("standard", "a_f", "a_{f,t}"), ("course", "dc_t__next", r"\delta C_{t+1}"), ("standard", "Delta_t", r"\Delta_{t}"), ("standard", "h_prev", "h_{t-1}"),
    ("standard", "dW_f", r"\delta W_{f}"), ("course", "dU_i", r"\delta W_{iR}"),
])
def test_notations(notation, name, expected):
    assert name_latex(name, get_notation(notation)) == expected


def test_unknown_notation_lists_the_valid_ones():
    with pytest.raises(UsageError, match="valid notations are: standard, course, greff, pytorch, gates"):
        get_notation("feynman")


@pytest.mark.parametrize("golden,args", [
    ("standard_n20_k50.tex", ["latex", "-n", "20", "-k", "50"]),
    ("peephole_symbolic_course_derivatives.tex",
     ["latex", "-n", "n", "-k", "k", "--variant", "peephole", "--notation", "course", "--derivatives"]),
    ("fragment_pytorch_n80_k12.tex", ["latex", "-n", "80", "-k", "12", "--fragment", "--notation", "pytorch"]),
    ("projection_diagram.dot", ["diagram", "-n", "20", "-k", "50", "--variant", "projection", "--proj", "7"]),
])
def test_golden_files(cli, golden, args):
    result = cli(*args)
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / golden).read_text()


def test_jupyter_reprs():
    cell = LSTMCell(20, 50)
    assert cell._repr_latex_().startswith("$$\\begin{aligned}") and r"50 \times 20" in cell._repr_latex_()
    assert r"\underbrace{W_{f}}_{50 \times 20}" in cell.equations[0]._repr_latex_()
    assert "W_{fF}" in cell.to_latex("course")


def test_equation_without_dims():
    assert equation_latex(LSTMCell(3, 2).equations[-1], dims=False) == r"h_{t} = o_{t} \odot \tanh\left(c_{t}\right)"


# -- the command line -------------------------------------------------------------------------------
def test_latex_to_file(cli, tmp_path):
    target = tmp_path / "lstm.tex"
    result = cli("latex", "-n", 20, "-k", 50, "-o", target)
    assert result.exit_code == 0 and target.read_text().startswith(r"\documentclass")


@pytest.mark.parametrize("args,fragment", [
    (["--notation", "feynman"], "'feynman' is not one of 'standard', 'course', 'greff', 'pytorch', 'gates'"),
    (["-o", "{tmp}/missing/out.tex"], "does not exist"),
    (["--fragment", "-o", "{tmp}/missing/out.tex"], "does not exist"),
    (["-o", "{tmp}"], "is a directory"),
])
def test_latex_bad_output(cli, tmp_path, args, fragment):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = cli("latex", "-n", 20, "-k", 50, *args)
    assert result.exit_code == 2 and fragment in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "missing").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # nothing half-written


def test_latex_unwritable_path(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("latex", "-n", 2, "-k", 2, "-o", blocker / "out.tex")
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_diagram_dot(cli):
    result = cli("diagram", "-n", 20, "-k", 50)
    assert result.exit_code == 0 and result.stdout.startswith("digraph lstm {")
    assert 'x_t -> a_f [label="x_t 20 x 1"]' in result.stdout
    assert 'c_prev -> c_t [label="c_prev 50 x 1", color="#e37400"' in result.stdout


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("suffix,magic", [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_diagram_renders(cli, tmp_path, suffix, magic):
    target = tmp_path / f"lstm.{suffix}"
    assert cli("diagram", "-n", 20, "-k", 50, "-o", target).exit_code == 0
    assert target.read_bytes().startswith(magic)


def test_diagram_without_graphviz_says_how_to_get_it(cli, tmp_path, monkeypatch):
    import lstm_symbolic.diagram as diagram

    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    result = cli("diagram", "-n", 20, "-k", 50, "-o", tmp_path / "lstm.svg")
    assert result.exit_code == 2 and "apt-get install graphviz" in result.stderr
    assert (tmp_path / "lstm.dot").read_text().startswith("digraph")
    assert not (tmp_path / "lstm.svg").exists()


def test_diagram_unknown_format(cli, tmp_path):
    result = cli("diagram", "-n", 2, "-k", 2, "-o", tmp_path / "x.jpg")
    assert result.exit_code == 2 and "FILE.dot, FILE.svg or FILE.png" in result.stderr


# -- the handout read as a teacher reads it ----------------------------------------------------------
from lstm_symbolic.variants import LAYOUTS  # noqa: E402

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


@pytest.mark.parametrize("layout,words", [("separate", "input weights of the forget gate (multiply $x_{t}$)"),
                                          ("concat", r"(multiply $z_{t} = [h_{t-1}; x_{t}]$)"),
                                          ("augmented", r"bias in the first column (multiply $z_{t} = [1; h_{t-1}; x_{t}]$)")])
def test_weights_are_described_by_what_they_multiply(layout, words):
    _, tex = handout("standard", "standard", layout)
    assert words in tex


def test_standard_notation_mentions_peepholes_only_when_there_are_some():
    assert "p_{f}" not in handout("standard", "standard", "separate")[1]
    assert "p_{f}" in handout("peephole", "standard", "separate")[1]


def test_the_readme_picture_is_the_diagram_the_tool_draws():
    """docs/lstm_cell.dot is what ``diagram -n 20 -k 50`` writes now, and docs/lstm_cell.svg shows
    its labels (regenerate both with ``lstm-symbolic diagram -n 20 -k 50 -o docs/lstm_cell.svg``
    and ``-o docs/lstm_cell.dot``)."""
    import html

    from lstm_symbolic.diagram import dot_source

    docs = pathlib.Path(__file__).resolve().parents[1] / "docs"
    dot = dot_source(LSTMCell(20, 50))
    assert (docs / "lstm_cell.dot").read_text() == dot, "docs/lstm_cell.dot is stale"
    labels = set()
    for label in re.findall(r'label="([^"]*)"', dot):
        labels.update(part for part in label.split("\\n") if part)
    svg_texts = {html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", (docs / "lstm_cell.svg").read_text())}
    assert labels == svg_texts, "docs/lstm_cell.svg is stale"


# -- the GRU and the simple RNN, written as well as the LSTM --------------------------------------------
from lstm_symbolic.cell import make_cell  # noqa: E402
from lstm_symbolic.families import combinations  # noqa: E402

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
    ("augmented", r"weights of the reset gate, bias in the first column (multiply $\hat{x}_{t} = [1; h_{t-1}; x_{t}]$)")])
def test_gru_weights_are_described_by_what_they_multiply(layout, words):
    assert words in other_handout("gru", "reset-before", layout)[1]

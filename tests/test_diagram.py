"""lstm_symbolic.diagram: the DOT text of a cell's graph, Graphviz rendering, and the README's picture."""

import html
import pathlib
import re
import shutil

import pytest

from lstm_symbolic import LSTMCell, UsageError
from lstm_symbolic.cell import make_cell
from lstm_symbolic.diagram import dot_source, render

RNN_DOT = "\n".join([
    "digraph lstm {",
    "  rankdir=LR;",
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
    '  label="simple RNN cell: tanh, separate layout; n = 2, k = 3, B = 1";',
    "  labelloc=t;",
    r'  x_t [label="x_t\n2 x 1", shape=ellipse, style=filled, fillcolor="#e8f0fe"];',
    r'  h_prev [label="h_prev\n3 x 1", shape=ellipse, style=filled, fillcolor="#e8f0fe"];',
    r'  a_h [label="a_h = W_h @ x_t + U_h @ h_prev + b_h\nW_h: 3 x 2, U_h: 3 x 3, b_h: 3 x 1", '
    'shape=box, style="rounded,filled", fillcolor="#e6f4ea"];',
    '  h_prev -> a_h [label="h_prev 3 x 1", color="#1a73e8", penwidth=1.8];',
    '  x_t -> a_h [label="x_t 2 x 1"];',
    '  h_t [label="h_t = tanh(a_h)", shape=ellipse, style=filled, fillcolor="#fce8e6"];',
    '  a_h -> h_t [label="a_h 3 x 1", color="#1a73e8", penwidth=1.8];',
    r'  h_next [label="next step\n(h_t)", shape=plaintext];',
    '  h_t -> h_next [color="#1a73e8", penwidth=1.8, style=dashed];',
    "}",
    "",
])


def test_the_whole_dot_of_a_small_cell():
    assert dot_source(make_cell("rnn", 2, 3)) == RNN_DOT


def test_lstm_edges_carry_tensor_and_shape_and_the_cell_path_is_marked():
    dot = dot_source(LSTMCell(20, 50))
    assert 'x_t -> a_f [label="x_t 20 x 1"];' in dot
    assert 'c_prev -> c_t [label="c_prev 50 x 1", color="#e37400", penwidth=2.5];' in dot
    assert 'c_prev [label="c_prev\\n50 x 1", shape=ellipse, style=filled, fillcolor="#fde7c8"];' in dot
    assert 'h_next [label="next step\\n(h_t, c_t)", shape=plaintext];' in dot
    assert 'c_t -> h_next [color="#e37400", penwidth=2.5, style=dashed];' in dot


def test_symbolic_sizes_and_the_peephole_terms():
    dot = dot_source(LSTMCell("n", "k", "peephole"))
    assert 'label="LSTM cell: peephole variant, separate layout; n = n, k = k, B = 1";' in dot
    assert ('a_f [label="a_f = W_f @ x_t + U_f @ h_prev + b_f + p_f * c_prev\\n'
            'W_f: k x n, U_f: k x k, b_f: k x 1, p_f: k x 1"') in dot


def test_dot_source_is_deterministic():
    assert dot_source(LSTMCell(4, 3, layout="concat")) == dot_source(LSTMCell(4, 3, layout="concat"))


def test_render_without_graphviz_is_none(monkeypatch):
    import lstm_symbolic.diagram as diagram

    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    assert render(RNN_DOT, "svg") is None


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_render_svg_and_a_graphviz_error():
    assert render(RNN_DOT, "svg").startswith(b"<?xml")
    with pytest.raises(UsageError, match="Graphviz could not render the diagram: "):
        render("digraph {", "svg")


def test_the_readme_picture_is_the_diagram_the_tool_draws():
    """docs/lstm_cell.dot is what ``diagram -n 20 -k 50`` writes now, and docs/lstm_cell.svg shows
    its labels (regenerate both with ``lstm-symbolic diagram -n 20 -k 50 -o docs/lstm_cell.svg``
    and ``-o docs/lstm_cell.dot``)."""
    docs = pathlib.Path(__file__).resolve().parents[1] / "docs"
    dot = dot_source(LSTMCell(20, 50))
    assert (docs / "lstm_cell.dot").read_text() == dot, "docs/lstm_cell.dot is stale"
    labels = set()
    for label in re.findall(r'label="([^"]*)"', dot):
        labels.update(part for part in label.split("\\n") if part)
    svg = (docs / "lstm_cell.svg").read_text()
    svg_texts = {html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
    assert labels == svg_texts, "docs/lstm_cell.svg is stale"

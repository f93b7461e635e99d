"""The solver's constraint graph: union-find with the equalities that explain it, labels, values, and the
text of origins, provenances and labels."""

import sympy
from sympy import MatMul

from lstm_symbolic.constraints import UNNAMED, DimensionGraph, DimLabel, Origin, Provenance
from lstm_symbolic.equations import placeholder

W, x = placeholder("W_f"), placeholder("x_t")


def test_union_find_and_edges():
    graph = DimensionGraph()
    a, b, c, d = (graph.add(s) for s in sympy.symbols("a b c d"))
    origin = Origin("matmul", "f_t", MatMul(W, x, evaluate=False), (W, x))
    graph.equal(a, b, origin)
    graph.equal(b, c, origin)
    assert graph.find(a) == graph.find(c) != graph.find(d)
    assert graph.neighbours(b) == [(a, origin), (c, origin)] and graph.neighbours(d) == ()
    assert a in graph and sympy.Symbol("e") not in graph


def test_labels_keep_the_first_when_asked():
    graph = DimensionGraph()
    node = sympy.Symbol("t.rows")
    graph.add(node, DimLabel("rows", "a broadcast number"), replace=False)
    graph.add(node, DimLabel("rows", "t"))
    graph.add(node, DimLabel("rows", "a broadcast number"), replace=False)
    assert str(graph.label(node)) == "rows of t"
    assert graph.label(("sum", 0)) is UNNAMED and str(UNNAMED) == "a size"


def test_values_belong_to_classes():
    graph = DimensionGraph()
    a, b = graph.add("a"), graph.add("b")
    graph.equal(a, b, Origin("define", "y", None))
    provenance = Provenance("given", "W_f", (12, 80))
    graph.set_value(a, 12, provenance)
    assert graph.value(b) == 12 and graph.binding(b) == (12, a, provenance)
    graph.clear_values()
    assert graph.value(a) is None and graph.binding(a) is None


def test_expression_shapes_keep_the_first():
    graph = DimensionGraph()
    graph.set_shape(W, ("r", "c"))
    graph.set_shape(W, ("other", "other"))
    assert graph.shape_of(W) == ("r", "c") and graph.shape_of(x) == (None, None)


def test_label_text():
    n, k = sympy.Symbol("n", positive=True), sympy.Symbol("k", positive=True)
    assert str(DimLabel("columns", "W_f")) == "columns of W_f"
    assert str(DimLabel("n")) == "n" and str(DimLabel(k + n)) == "k + n"
    label = DimLabel("rows", placeholder("h_prev"))
    assert (label.axis_text(), label.owner_text(), str(label)) == ("rows", "h_prev", "rows of h_prev")


def test_origin_context():
    product = MatMul(W, x, evaluate=False)
    assert Origin("matmul", "f_t", product, (W, x)).context() == "W_f @ x_t in the equation for f_t"
    assert Origin("define", "f_t", product).context() == "f_t = W_f @ x_t"
    assert Origin("recurrence", None, None, ("h_t", "h_prev")).context() == \
        "recurrence: h_t becomes the next step's h_prev"
    assert Origin("size", None, None, ("n",)).context() == "definition of the size"
    assert Origin("gradient", None, None, ("dh_t", "h_t")).context() == "dh_t has the shape of h_t"
    long = placeholder("a" * 80)
    assert Origin("define", "y", long).context() == "y = " + "a" * 63 + "..."


def test_provenance_describe():
    assert Provenance("given", "W_f", (12, 80)).describe(6) == "W_f    : 12 x 80 (given)"
    assert Provenance("given", "W_f", (12, 80), line=3).describe() == "W_f : 12 x 80 (declared on line 3)"
    assert Provenance("size", "n", (80,)).describe() == "n = 80"
    assert Provenance("default", "B").describe() == "B = 1 by default"
    assert Provenance("literal").describe() == "a constant"
    origin = Origin("sum", "z_t", placeholder("z"))
    assert Provenance("sum", origin=origin).describe() == "from z in the equation for z_t"

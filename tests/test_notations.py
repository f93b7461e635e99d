"""lstm_symbolic.notations: how each notation writes the canonical names (weights by gate, tensors at a
time with a subscript, a superscript or an argument), and the lookup of a notation by name."""

import pytest

from lstm_symbolic import UsageError
from lstm_symbolic.notations import NOTATIONS, get_notation, stamp, time_text, timed

NAMES = ["W_f", "U_g", "b_o", "p_i", "a_f", "a_f__next", "a_r", "h_prev", "c_t", "g_t", "r_t", "W_hr", "Delta_t"]

#: Each notation's LaTeX for NAMES, written from the notation's own source (course text, paper, library).
EXPECTED = {
    "standard": ["W_{f}", "U_{g}", "b_{o}", "p_{i}", "a_{f,t}", "a_{f,t+1}", "a_{r,t}", "h_{t-1}", "c_{t}", "g_{t}",
                 "r_{t}", "W_{hr}", r"\Delta_{t}"],
    "course": ["W_{fF}", "W_{cR}", "b_{o}", "p_{i}", "a_{f,t}", "a_{f,t+1}", "a_{r,t}", "h_{t-1}", "C_{t}",
               r"\tilde{C}_{t}", "r_{t}", "W_{hr}", r"\Delta_{t}"],
    "greff": ["W_{f}", "R_{z}", "b_{o}", "p_{i}", r"\bar{f}^{t}", r"\bar{f}^{t+1}", "a_{r}^{t}", "y^{t-1}", "c^{t}",
              "z^{t}", "r^{t}", "W_{hr}", r"\Delta^{t}"],
    "pytorch": ["W_{if}", "W_{hg}", r"\left(b_{io} + b_{ho}\right)", "p_{i}", "a_{f,t}", "a_{f,t+1}", "a_{r,t}",
                "h_{t-1}", "c_{t}", "g_{t}", "r_{t}", "W_{hr}", r"\Delta_{t}"],
    "gates": [r"\mathbf{W}^{\text{forget}}", r"\mathbf{U}^{u}", r"b^{\text{output}}", r"p^{\text{input}}",
              r"a^{\text{forget}}(t)", r"a^{\text{forget}}(t+1)", "a_{r}(t)", r"\mathbf{y}(t-1)", "c(t)", "u(t)",
              "r(t)", r"\mathbf{W}^{\text{proj}}", r"\Delta(t)"],
}

CASES = [(notation, name, latex) for notation, row in EXPECTED.items() for name, latex in zip(NAMES, row)]


@pytest.mark.parametrize("notation, name, expected", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_tensor(notation, name, expected):
    assert get_notation(notation).tensor(name) == expected


def test_every_notation_is_tested():
    assert set(EXPECTED) == set(NOTATIONS)


@pytest.mark.parametrize("name", ["dW_f", "zz_t", "h", "W_x"], ids=["gradient", "unknown-key", "bare", "not-a-gate"])
def test_names_without_a_rule_are_none(name):
    """Gradients and other names fall back to latex.name_latex's own rules."""
    assert all(notation.tensor(name) is None for notation in NOTATIONS.values())


@pytest.mark.parametrize("base, offset, style, expected", [
    ("h", -1, "sub", "h_{t-1}"), ("a_{f}", 0, "sub", "a_{f,t}"), ("y", 1, "sup", "y^{t+1}"), ("c", -1, "arg", "c(t-1)"),
], ids=["subscript", "into-a-subscript", "superscript", "argument"])
def test_stamp(base, offset, style, expected):
    assert stamp(base, offset, style) == expected


@pytest.mark.parametrize("offset, expected", [(0, "t"), (-1, "t-1"), (1, "t+1"), (2, "t+2")])
def test_time_text(offset, expected):
    assert time_text(offset) == expected


@pytest.mark.parametrize("name, expected", [
    ("h_prev", ("h", -1)), ("x_t", ("x", 0)), ("dc_next", ("dc", 1)), ("a_f", ("a_f", 0)), ("f_t__next", ("f", 1)),
    ("h_prev__next", ("h", 0)), ("W_f", None), ("t", None),
], ids=["previous", "now", "next", "pre-activation", "one-step-later", "previous-one-step-later", "weight", "bare"])
def test_timed(name, expected):
    assert timed(name) == expected


def test_unknown_notation_lists_the_valid_ones():
    with pytest.raises(UsageError, match="valid notations are: standard, course, greff, pytorch, gates"):
        get_notation("feynman")

"""The equation checker: parsing, inference, every error reported with its location."""

import json
import pathlib
import re
import textwrap

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_symbolic import LSTMCell, UsageError
from lstm_symbolic.checker import check_text
from lstm_symbolic.parser import ParseError

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"
n_, k_, p_ = (sympy.Symbol(s, positive=True, integer=True) for s in "nkp")


def check(source):
    return check_text(textwrap.dedent(source), "cell.txt")


def test_gru_acceptance():
    result = check_text((EXAMPLES / "gru.txt").read_text(), "gru.txt")
    assert result.ok
    assert result.shapes["W_z"] == (16, 30) and result.shapes["U_n"] == (16, 16) and result.shapes["b_r"] == (16, 1)
    assert result.shapes["h_t"] == (16, 1)


def test_symbolic_bias_folded():
    result = check_text((EXAMPLES / "lstm_bias_folded.txt").read_text(), "fold.txt")
    assert result.ok
    assert result.shapes["W_o"] == (k_, k_ + n_ + 1)
    assert result.shapes["z_t"] == (k_ + n_ + 1, 1)


def test_broken_file_reports_every_error_with_lines():
    result = check_text((EXAMPLES / "broken.txt").read_text(), "broken.txt")
    assert not result.ok and len(result.errors) == 2
    first, second = result.errors
    assert first.startswith("broken.txt:5:19: cannot multiply W_f @ x_t in the equation for f_t")
    assert "81" in first and "80" in first
    assert second.startswith("broken.txt:11:7: cannot take the elementwise product a * b in the equation for y")
    assert "4 x 1" in second and "5 x 1" in second


def test_message_word_for_word():
    result = check("""\
        x_t : 80 x 1
        h_prev : 12 x 1
        W_f : 12 x 81
        f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)
        """)
    assert result.errors == [textwrap.dedent("""\
        cell.txt:4:19: cannot multiply W_f @ x_t in the equation for f_t
          W_f : 12 x 81 (declared on line 3)
          x_t : 80 x 1 (declared on line 1)
          expected W_f to have 80 columns (the rows of x_t), got 81
          declared: x_t : 80 x 1 (line 1), h_prev : 12 x 1 (line 2), W_f : 12 x 81 (line 3)""")]


def test_chain_message_names_lines():
    result = check("""\
        x_t : 20 x 1
        h_prev : 40 x 1
        W_f : 50 x 20
        f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)
        c_t = f_t * c_prev
        h_t = tanh(c_t)
        """)
    text = result.errors[0]
    assert text.startswith("cell.txt:")
    assert "h_prev : 40 x 1 (declared on line 2)" in text and "W_f    : 50 x 20 (declared on line 3)" in text
    assert "(line 4)" in text and "recurrence: h_t becomes the next step's h_prev" in text


def test_concat_and_transpose_and_scalars():
    result = check("""\
        x : 3 x 1
        h : 5 x 1
        z = [1; h; x]
        y = 2 * (W @ z).T
        q = 1 - sigmoid(V @ x) * 0.5
        """)
    assert result.ok
    assert result.shapes["W"][1] == 9 and result.shapes["y"][0] == 1
    assert result.shapes["q"] == (result.shapes["V"][0], 1)


def test_declared_expression_sizes():
    result = check("""\
        x_t : n x 1
        h_prev : k x 1
        W : k x (n + k)
        a = W @ [h_prev; x_t]
        """)
    assert result.ok and result.shapes["a"] == (k_, 1)
    bad = check("""\
        x_t : n x 1
        h_prev : k x 1
        W : k x (n + 2*k)
        a = W @ [h_prev; x_t]
        """)
    assert not bad.ok
    assert "expected [h_prev; x_t] to have 2*k + n rows (the columns of W), got k + n" in bad.errors[0]


def test_undetermined_shapes_are_reported_not_errors():
    result = check("y = tanh(W @ x)\n")
    assert result.ok and set(result.unresolved) >= {"W", "x", "y"}


@pytest.mark.parametrize("variant,filename,layout", [
    ("standard", "lstm_standard.txt", "separate"),
    ("vanilla", "lstm_vanilla.txt", "separate"),
    ("peephole", "lstm_peephole.txt", "separate"),
    ("cifg", "lstm_cifg.txt", "separate"),
    ("no-output-tanh", "lstm_no_output_tanh.txt", "separate"),
    ("projection", "lstm_projection.txt", "separate"),
    ("standard", "lstm_concat.txt", "concat"),
])
def test_builtin_cells_match_their_handwritten_versions(variant, filename, layout):
    result = check_text((EXAMPLES / filename).read_text(), filename)
    cell = LSTMCell("n", "k", variant, layout, "p" if variant == "projection" else None)
    assert result.ok
    builtin = cell.shapes()
    assert set(builtin) == set(result.shapes)
    for name, shape in builtin.items():
        assert result.shapes[name] == shape, name


def test_seed_bias_folded_form_matches_augmented_builtin():
    result = check_text((EXAMPLES / "lstm_bias_folded.txt").read_text(), "fold.txt")
    cell = LSTMCell("n", "k", "no-output-tanh", "augmented")
    assert result.shapes["W_o"] == cell.shapes()["W_o"]


# -- errors of the file as a whole (the parser's own errors: tests/test_parser.py) ------------------------
@pytest.mark.parametrize("source,message", [
    ("x = a\nx = b", "bad.txt:2:1: syntax error: x is assigned twice (first on line 1); each tensor has one equation"),
    ("x : 3 x 1\nx : 4 x 1\ny = x", "bad.txt:2:1: syntax error: x is declared twice with different shapes "
                                    "(first on line 1)"),
])
def test_statement_errors(source, message):
    with pytest.raises(ParseError) as err:
        check_text(source, "bad.txt")
    assert str(err.value).splitlines()[0] == message


def test_a_file_without_equations():
    with pytest.raises(UsageError, match=re.escape("bad.txt has no equations (NAME = expression)")):
        check_text("x : 3 x 1\n# nothing else\n", "bad.txt")


def test_declared_twice_with_the_same_shape_is_fine():
    assert check_text("x : 3 x 1\nx : 3 x 1\ny = tanh(x)\n", "f.txt").shapes["y"] == (3, 1)


def test_unused_declarations_are_warned_about():
    result = check_text("x : 3 x 1\nq : 2 x 2\ny = tanh(x)\n", "f.txt")
    assert result.warnings == ["f.txt:2: q is declared but not used"]


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list("xyzWbh_t0123456789 +-*@()[];:=.T\n#,×^")
                                + ["sigmoid", "tanh", " x ", ".T", "x_t", "h_prev", " : 3 x 1\n", " = "]),
                max_size=60).map("".join))
def test_fuzzed_text_gives_clean_errors(text):
    try:
        check_text(text, "fuzz.txt")
    except UsageError:
        pass  # ParseError and friends: clean, located messages


@settings(max_examples=200, deadline=2000)
@given(st.text(max_size=200))
def test_fuzzed_unicode_gives_clean_errors(text):
    try:
        check_text(text, "fuzz.txt")
    except UsageError:
        pass


# -- the command line ---------------------------------------------------------------------------
def test_cli_check_ok(cli):
    result = cli("check", str(EXAMPLES / "gru.txt"))
    assert result.exit_code == 0 and "every shape is consistent" in result.output
    assert "W_z     16 x 30" in result.output


def test_cli_check_json(cli):
    data = json.loads(cli("check", str(EXAMPLES / "lstm_bias_folded.txt"), "--json").output)
    assert data["ok"] is True and data["tensors"]["W_o"] == ["k", "k + n + 1"]


def test_cli_check_errors_exit_1(cli):
    result = cli("check", str(EXAMPLES / "broken.txt"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 2 shape problems in ")
    assert "broken.txt:5:19:" in result.stderr and "broken.txt:11:7:" in result.stderr


def test_cli_check_json_errors(cli):
    result = cli("check", str(EXAMPLES / "broken.txt"), "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data["ok"] is False and len(data["errors"]) == 2


def test_cli_check_latex(cli):
    result = cli("check", str(EXAMPLES / "gru.txt"), "--latex")
    assert r"\underbrace{W_{z}}_{16 \times 30}" in result.output and r"\begin{align*}" in result.output


def test_cli_check_parse_error_exit_2(cli):
    result = cli("check", "-", input="x = __import__('os')\n")
    assert result.exit_code == 2 and "syntax error" in result.stderr and "Traceback" not in result.output


def test_cli_check_missing_file(cli, tmp_path):
    result = cli("check", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2 and "cannot read" in result.stderr
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00")
    result = cli("check", str(binary))
    assert result.exit_code == 2 and "not UTF-8" in result.stderr


NAMES = ["a", "b", "W", "U", "x_t", "h_prev", "h_t", "c_prev", "c_t", "z"]
expressions = st.recursive(
    st.sampled_from(NAMES + ["1", "2"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" @ ", " * ", " + ", " - "]), inner).map("".join),
        st.tuples(st.sampled_from(["sigmoid(", "tanh(", "relu("]), inner).map(lambda t: t[0] + t[1] + ")"),
        st.tuples(inner, inner).map(lambda t: f"[{t[0]}; {t[1]}]"),
        inner.map(lambda e: f"({e}).T"),
    ),
    max_leaves=12,
)
declarations = st.tuples(st.sampled_from(NAMES), st.sampled_from(["1", "2", "3", "k", "n", "k + n"]),
                         st.sampled_from(["1", "2", "B"])).map(lambda t: f"{t[0]} : {t[1]} x {t[2]}")
equations_ = st.tuples(st.sampled_from(["y", "q", "h_t", "c_t", "z"]), expressions).map(lambda t: f"{t[0]} = {t[1]}")


@settings(max_examples=300, deadline=3000)
@given(st.lists(st.one_of(declarations, equations_), min_size=1, max_size=8))
def test_fuzzed_equation_files_are_checked_cleanly(lines):
    """Well-formed statements with random shapes: the solver reports located errors, never crashes."""
    try:
        result = check_text("\n".join(lines), "f")
    except UsageError:
        return
    for error in result.errors:
        assert error.startswith("f:"), error


def test_a_mistake_inside_a_long_chain_is_located():
    text = "a : 3 x 1\nb : 4 x 1\ny = a + a + a + b + a - a\n"
    result = check_text(text, "chain.txt")
    assert not result.ok and result.errors[0].startswith("chain.txt:3:15:")  # the '+' before b
    assert "b : 4 x 1" in result.errors[0]
    result = check_text("a : 3 x 1\nb : 4 x 1\ny = (a + a) - (a + b) * a\n", "chain.txt")
    assert result.errors[0].startswith("chain.txt:3:18:")  # the '+' inside the second parenthesis

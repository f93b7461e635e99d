"""commands.py: what each command decides, called directly (no click): the cell the options
mean, how a framework shows an unspecified batch, duplicate shapes, diagram formats and the
.dot fallback, the failure messages of check, summary and inspect, verify --all's projection."""

from __future__ import annotations

import io

import numpy as np
import pytest

from lstm_symbolic import commands
from lstm_symbolic.errors import ShapeError, UsageError


@pytest.mark.parametrize("options, family, variant", [
    ({}, "lstm", "standard"),
    ({"proj_size": 2}, "lstm", "projection"),
    ({"reset_after": True}, "gru", "reset-after"),
    ({"family": "gru"}, "gru", "reset-before"),
    ({"nonlinearity": "relu"}, "rnn", "relu"),
], ids=["default", "proj", "reset-after", "gru", "relu"])
def test_build_cell_chooses_the_family_from_the_options(options, family, variant):
    cell = commands.build_cell(3, 4, **options)
    assert (cell.family.name, cell.variant.name) == (family, variant)


# The frameworks' own conventions for a batch nobody gave: Keras and TF1 print None, MATLAB's layer takes
# one sequence without a batch axis, PyTorch and ONNX show the batch of one.
@pytest.mark.parametrize("framework, batch, input_shape", [
    ("keras", 1, ("None", "T", 3)), ("tf1", 1, ("None", "T", 3)), ("matlab", 1, (3, "T")),
    ("pytorch", 1, ("T", 1, 3)), ("onnx", 1, ("T", 1, 3)),
    ("keras", 5, (5, "T", 3)), ("matlab", 5, (3, 5, "T")),
], ids=["keras", "tf1", "matlab", "pytorch", "onnx", "keras-5", "matlab-5"])
def test_an_unspecified_batch_is_shown_the_frameworks_way(framework, batch, input_shape):
    answer = commands.shapes(3, 4, batch=batch, framework=framework)
    assert answer.framework == framework and next(iter(answer.sequence.values())) == input_shape  # (ONNX: X)


def test_framework_shapes_need_numbers():
    with pytest.raises(UsageError, match=r"give -n and -k as integers \(got -n n -k 4\)"):
        commands.shapes("n", 4, framework="keras")
    assert commands.shapes("n", 4).sequence is None


@pytest.mark.parametrize("framework, variant, family, expected", [
    ("pytorch", "standard", "lstm", 4 * 4 * (3 + 4 + 2)),
    ("keras", "standard", "lstm", 4 * 4 * (3 + 4 + 1)),
    ("keras", "reset-after", "gru", 3 * 4 * (3 + 4 + 2)),
    ("keras", "reset-before", "gru", 3 * 4 * (3 + 4 + 1)),
    ("pytorch", "relu", "rnn", 4 * (3 + 4 + 2)),
    ("onnx", "peephole", "lstm", 4 * 4 * (3 + 4 + 2) + 3 * 4),
    ("keras", "peephole", "lstm", None),  # Keras has no peepholes
    ("pytorch", "cifg", "lstm", None),  # no framework computes these variants
    ("pytorch", "vanilla", "lstm", None),
    ("pytorch", "no-output-tanh", "lstm", None),
], ids=lambda v: str(v))
def test_framework_parameters(framework, variant, family, expected):
    assert commands.framework_parameters(framework, 3, 4, 1, False, None, variant, family) == expected


def test_framework_parameters_of_symbolic_sizes():
    assert commands.framework_parameters("keras", "n", 4, 1, False, None, "standard") is None


def test_solve_accepts_a_shape_given_twice_alike_and_refuses_two_shapes():
    solved = commands.solve([("W_f", (50, 20)), ("W_f", (50, 20))])
    assert solved.given == {"W_f": (50, 20)} and solved.cell.dims["n"] == 20 and solved.hint is None
    with pytest.raises(UsageError, match="^W_f is given twice with different shapes$"):
        commands.solve([("W_f", (50, 20)), ("W_f", (50, 21))])


def test_check_composes_one_error_of_every_problem(tmp_path):
    good, one, two = tmp_path / "good.txt", tmp_path / "one.txt", tmp_path / "two.txt"
    good.write_text("x_t : 3 x 1\ny = tanh(x_t)\n")
    one.write_text("a : 4 x 1\nb : 5 x 1\ny = a * b\n")
    two.write_text("a : 4 x 1\nb : 5 x 1\ny = a * b\nc : 2 x 1\nd : 3 x 1\nz = c + d\n")
    assert commands.check(str(good)).error is None
    for path, head in ((one, "1 shape problem in"), (two, "2 shape problems in")):
        result, error = commands.check(str(path))
        assert isinstance(error, ShapeError) and error.exit_code == 1
        assert str(error) == f"{head} {path}\n\n" + "\n\n".join(result.errors)


def test_quiz_reads_the_question_from_one_place(tmp_path, monkeypatch):
    path = tmp_path / "q.txt"
    path.write_text("How many parameters does a PyTorch LSTM with input_size=10 and hidden_size=20 have?\n")
    assert commands.quiz(path=str(path)).result.answer == "2560"
    with pytest.raises(UsageError, match="either as an argument or with --file, not both"):
        commands.quiz("What?", path=str(path))
    monkeypatch.setattr("sys.stdin", _Terminal())
    with pytest.raises(UsageError, match="^no question: "):
        commands.quiz()


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_summary_separates_contradictions_from_unread_code(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("model = nn.Sequential(nn.Linear(10, 64), nn.Linear(128, 3))\n")
    summarized = commands.summary(str(path))
    assert summarized.warnings == [] and str(summarized.error).startswith("nn.Linear(128, 3) on line 1 expects 128")
    path.write_text("model = nn.Sequential(nn.Linear(10, 64), nn.Frobnicate(3))\n")
    summarized = commands.summary(str(path))
    assert summarized.error is None and len(summarized.warnings) == 1 and "Frobnicate" in summarized.warnings[0]


def test_derive():
    derivation, flow = commands.derive(input_size=3, hidden_size=2)
    assert flow is None and "dW_f" in {eq.name for eq in derivation.equations}
    assert commands.derive(True, input_size=3, hidden_size=2)[1] is not None


def test_latex_is_returned_or_written(tmp_path):
    source = commands.latex(input_size=3, hidden_size=2, fragment=True)
    assert "\\begin{align*}" in source and "\\documentclass" not in source
    assert commands.latex(str(tmp_path / "c.tex"), input_size=3, hidden_size=2, fragment=True) is None
    assert (tmp_path / "c.tex").read_text() == source
    with pytest.raises(UsageError, match="names LSTM tensors"):
        commands.latex(notation="course", input_size=3, hidden_size=2, family="gru")


@pytest.mark.parametrize("name", ["cell.dot", "cell.gv", "cell.DOT", "cell"])
def test_diagram_dot_names_get_the_dot_source(tmp_path, name):
    dot = commands.diagram(input_size=3, hidden_size=2)
    assert commands.diagram(str(tmp_path / name), input_size=3, hidden_size=2) is None
    assert (tmp_path / name).read_text() == dot and dot.startswith("digraph")


def test_diagram_images_and_unknown_formats(tmp_path, monkeypatch):
    import lstm_symbolic.diagram

    monkeypatch.setattr(lstm_symbolic.diagram, "render", lambda dot, fmt: f"<{fmt} of {len(dot)}>".encode())
    assert commands.diagram(str(tmp_path / "c.png"), input_size=3, hidden_size=2) is None
    assert (tmp_path / "c.png").read_bytes().startswith(b"<png of ")
    with pytest.raises(UsageError, match=r"^unknown diagram format \.pdf: "):
        commands.diagram(str(tmp_path / "c.pdf"), input_size=3, hidden_size=2)
    assert not (tmp_path / "c.pdf").exists()


def test_diagram_without_graphviz_leaves_the_dot_source(tmp_path, monkeypatch):
    import lstm_symbolic.diagram

    monkeypatch.setattr(lstm_symbolic.diagram, "render", lambda dot, fmt: None)
    with pytest.raises(UsageError, match=r"cannot render .*c\.svg: Graphviz's 'dot' program is not installed"):
        commands.diagram(str(tmp_path / "c.svg"), input_size=3, hidden_size=2)
    assert (tmp_path / "c.dot").read_text() == commands.diagram(input_size=3, hidden_size=2)
    assert not (tmp_path / "c.svg").exists()


@pytest.mark.parametrize("options, cells, proj_size, chosen", [
    ({"input_size": 3, "hidden_size": 4}, 18, 2, True),
    ({"input_size": 3, "hidden_size": 4, "proj_size": 3}, 18, 3, False),
    ({"input_size": 3, "hidden_size": 4, "family": "gru"}, 4, None, True),
], ids=["lstm", "lstm-proj", "gru"])
def test_verify_every_chooses_the_projection(options, cells, proj_size, chosen):
    verified = commands.verify(1, 2, 0, True, **options)
    assert (len(verified.reports), verified.proj_size, verified.proj_chosen, verified.every) == (cells, proj_size,
                                                                                                 chosen, True)
    assert verified.ok


def test_verify_one_cell():
    verified = commands.verify(1, 2, 0, input_size=3, hidden_size=2, variant="peephole")
    assert [r.cell.variant.name for r in verified.reports] == ["peephole"] and not verified.every


@pytest.mark.parametrize("options, cell, total", [
    ({}, "lstm", 4 * 50 * (20 + 50 + 1)),
    ({"reset_after": True}, "gru", 3 * 50 * (20 + 50 + 2)),
    ({"reset_after": False}, "gru", 3 * 50 * (20 + 50 + 1)),
    ({"cell": "rnn"}, "rnn", 50 * (20 + 50 + 1)),
], ids=["lstm", "reset-after", "reset-before", "rnn"])
def test_parameter_count_chooses_the_cell(options, cell, total):
    chosen, (count, _, _) = commands.parameter_count(20, 50, **options)
    assert (chosen, count) == (cell, total)


def test_inspect_says_what_would_read_the_file(tmp_path):
    path = tmp_path / "t.npz"
    np.savez(path, weight_ih_l0=np.ones((12, 2)), weight_hh_l0=np.ones((12, 3)), bias_ih_l0=np.ones(12),
             bias_hh_l0=np.ones(12))
    assert commands.inspect(str(path)).error is None
    error = commands.inspect(str(path), "keras").error
    assert str(error) == (f"{path} is not consistent recurrent-layer weights for keras (the problems are listed "
                          "above); they do read as pytorch weights (leave out --framework)")
    np.savez(path, weight_ih_l0=np.ones((12, 2)), weight_hh_l0=np.ones((12, 4)))
    assert str(commands.inspect(str(path)).error) == (
        f"{path} is not consistent recurrent-layer weights for any framework (the problems are listed above)")

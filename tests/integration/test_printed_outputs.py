"""The printed outputs end to end, through the command line: the LaTeX documents and the diagram
against golden files, and the latex and diagram commands' output files and errors."""

import pathlib
import shutil

import pytest

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden"


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


# -- the latex command ----------------------------------------------------------------------------------
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


# -- the diagram command --------------------------------------------------------------------------------
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

"""cli_options.py: the parameter types, JSON layout, errors into exit codes, and the option
decorators' start-up lists."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from lstm_symbolic.cli_options import (
    ASSIGNMENT,
    POSITIVE,
    SIZE,
    FilePath,
    FiniteFloat,
    ShapeList,
    command,
    emit_json,
    finish,
    warn,
)
from lstm_symbolic.errors import ShapeError, UsageError


def convert(param_type, text):
    return param_type.convert(text, None, None)


@pytest.mark.parametrize("param_type, text, value", [
    (SIZE, "80", 80), (SIZE, "k", "k"), (POSITIVE, "3", 3), (ShapeList(), "5,7,10", (5, 7, 10)),
    (ShapeList(), "5x7", (5, 7)), (FiniteFloat(), "-1.5", -1.5),
], ids=["size-int", "size-symbol", "positive", "shape-list", "shape-list-x", "float"])
def test_values(param_type, text, value):
    result = convert(param_type, text)
    assert result == value or str(result) == value


def test_assignment():
    name, shape = convert(ASSIGNMENT, "W_f=50x20")
    assert (name, shape) == ("W_f", (50, 20))


@pytest.mark.parametrize("param_type, text, message", [
    (SIZE, "0", "a size must be at least 1, got 0"),
    (POSITIVE, "k", "must be a positive integer, got 'k'"),
    (ShapeList(), "5,0", "expected positive integers separated by commas, such as 5,7,10; got '5,0'"),
    (ShapeList(), ",".join("1" * 17), "expected positive integers separated by commas"),
    (FiniteFloat(), "inf", "must be a finite number, got 'inf'"),
    (FiniteFloat(), "one", "'one' is not a number"),
    (FilePath(), "a\x00b", "'a\\x00b' contains a NUL character, which no file name can"),
], ids=["size-zero", "positive-symbol", "shape-list-zero", "shape-list-17-axes", "float-inf", "float-text", "nul"])
def test_bad_values(param_type, text, message):
    with pytest.raises(click.BadParameter) as err:
        convert(param_type, text)
    assert message in err.value.message


def test_emit_json_keeps_short_lists_on_one_line(capsys):
    emit_json({"tensors": {"W_f": [12, 80]}, "nested": [[1, 2], [3]], "names": ["a", "b"]})
    assert capsys.readouterr().out == (
        '{\n  "tensors": {\n    "W_f": [12, 80]\n  },\n  "nested": [\n    [1, 2],\n    [3]\n  ],\n'
        '  "names": ["a", "b"]\n}\n')


@command()
@click.option("--fail", "what", type=click.Choice(["shape", "usage", "memory", "none"]), default="none")
def probe(what):
    """A command for these tests."""
    warn("careful")
    warn("unread part", "Warning:")
    if what == "memory":
        raise MemoryError
    if what == "usage":
        raise UsageError("bad request")
    finish(ShapeError("contradiction\n  details") if what == "shape" else None)
    click.echo("done")


@pytest.mark.parametrize("what, code, err", [
    ("none", 0, ""), ("shape", 1, "Error: contradiction\n  details\n"), ("usage", 2, "Error: bad request\n"),
    ("memory", 2, "Error: out of memory: try smaller sizes\n"),
])
def test_errors_become_exit_codes(what, code, err):
    result = CliRunner().invoke(probe, ["--fail", what])
    assert result.exit_code == code
    assert result.stderr == "warning: careful\nWarning: unread part\n" + err
    assert result.stdout == ("done\n" if code == 0 else "")


def test_a_command_has_its_options_checked():
    """A command made by ``command()`` runs the option table (here: a command it does not know reads nothing)."""
    assert isinstance(probe, click.Command) and type(probe).__name__ == "CheckedCommand"


def test_start_up_choice_lists_match_the_family_table():
    """cli_options lists the families and the RNN's nonlinearities without building the family table."""
    from lstm_symbolic import cli_options as cli
    from lstm_symbolic.families import FAMILIES, RNN_VARIANTS

    assert cli.CELLS == list(FAMILIES)
    assert cli.NONLINEARITIES == tuple(RNN_VARIANTS)

"""cli.py: the group as a user meets it: help, version, completion, python -m, bad option values."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lstm_symbolic.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("args,fragment", [
    (["shapes", "-n", "0", "-k", "3"], "at least 1"),
    (["shapes", "-n", "-3", "-k", "3"], "sizes are at least 1"),
    (["shapes", "-n", "2.5", "-k", "3"], "whole numbers"),
    (["shapes", "-n", "", "-k", "3"], "empty string"),
    (["shapes", "-n", "n!", "-k", "3"], "symbol name"),
    (["shapes", "-n", "3", "-k", "3", "--variant", "gru"], "'gru' is not one of 'standard'"),
    (["shapes", "-n", "3", "-k", "3", "--layout", "x"], "'x' is not one of 'separate', 'concat', 'augmented'"),
    (["shapes", "-n", "3", "-k", "3", "--variant", "projection"], "needs a projection size"),
    (["shapes", "-n", "3", "-k", "3", "--variant", "peephole", "--proj", "2"], "--variant peephole has no projection"),
    (["solve", "--shape", "W_f=50x"], "is not a shape"),
    (["solve", "--shape", "x1"], "NAME=ROWSxCOLS"),
    (["solve", "--shape", "W_f=50x20x3"], "is not a shape"),
    (["solve", "--shape", "W_f"], "NAME=ROWSxCOLS"),
    (["solve", "--shape", "W_ff=50x20"], "did you mean W_f?"),
    (["solve", "--shape", "W_f=50x20", "--shape", "W_f=50x21"], "given twice"),
    (["verify", "-n", "n", "-k", "3"], "must be a positive integer"),
    (["verify", "-n", "3", "-k", "3", "--steps", "0"], "at least 1"),
    (["verify", "-n", "3", "-k", "3", "--all", "--variant", "cifg"], "--all verifies every variant"),
    (["verify", "-n", "100000", "-k", "100000"], "the limit is 2.0 GiB"),
])
def test_bad_input_exit_2(cli, args, fragment):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "Error:" in result.stderr and fragment in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", sorted(main.commands))
def test_help_has_an_example(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0 and "Examples:" in result.output and "lstm-symbolic " + command in result.output


def test_bare_command_prints_the_overview(cli):
    result = cli()
    assert result.exit_code == 0 and "Commands:" in result.output and "Examples:" in result.output


@pytest.mark.parametrize("words, cword, expected", [
    ("lstm-symbolic sh", 1, "shapes"),
    ("lstm-symbolic shapes --variant p", 3, "peephole"),
    ("lstm-symbolic latex --notation c", 3, "course"),
    ("lstm-symbolic convert w.npz --from k", 4, "keras"),
])
def test_shell_completion(words, cword, expected):
    """The README's `eval "$(_LSTM_SYMBOLIC_COMPLETE=bash_source lstm-symbolic)"` relies on this."""
    env = {"COMP_WORDS": words, "COMP_CWORD": str(cword), "_LSTM_SYMBOLIC_COMPLETE": "bash_complete"}
    result = CliRunner(env=env).invoke(main, [], prog_name="lstm-symbolic")
    assert f"plain,{expected}" in result.output.splitlines()


def test_version(cli):
    assert cli("--version").output.startswith("lstm-symbolic, version ")


def test_python_dash_m():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "lstm_symbolic", "shapes", "-n", "4", "-k", "2", "--json"],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["tensors"]["W_f"] == [2, 4]

"""The README shows real output: every ``$ lstm-symbolic ...`` in it is run and compared.

A line ``...`` in the README's output skips lines; numbers such as ``2.220e-16`` (roundoff,
which differs between BLAS builds) match any number of that form, and so does the name of the
worst gradient in ``verify``.  ``$ cat FILE`` shows a file:
an existing one must have that content, a new one is written for the commands after it.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lstm_symbolic.cli import main

ROOT = Path(__file__).resolve().parents[2]
FLOAT = re.compile(r"\b[0-9]\.[0-9]{3}e[-+][0-9]{2}\b|(?<=worst: )[A-Za-z_0-9]+")


def sessions():
    """``(command, expected output lines)`` for each ``$ `` line in the README's code blocks, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ "):
                out = []
                for later in lines[i + 1:]:
                    if later.startswith("$ "):
                        break
                    out.append(later)
                found.append((line[2:], out))
    return found


def matches(expected, actual):
    """Expected lines (with ``...`` gaps) against the actual output; returns a reason or None."""
    norm = [FLOAT.sub("<float>", line.rstrip()) for line in actual]
    chunks, chunk = [], []
    for line in expected:
        if line.strip() == "...":
            chunks.append(chunk)
            chunk = []
        else:
            chunk.append(FLOAT.sub("<float>", line.rstrip()))
    chunks.append(chunk)
    if len(chunks) == 1:  # no gaps: the whole output
        while norm and not norm[-1]:
            norm.pop()
        while chunk and not chunk[-1]:
            chunk.pop()
        return None if chunk == norm else "differs"
    at = 0
    for index, chunk in enumerate(chunks):
        if not chunk:
            continue
        if index == 0:
            if norm[:len(chunk)] != chunk:
                return "the first lines differ"
            at = len(chunk)
            continue
        for start in range(at, len(norm) - len(chunk) + 1):
            if norm[start:start + len(chunk)] == chunk:
                at = start + len(chunk)
                break
        else:
            return f"not found in order: {chunk[0]!r}"
    return None


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A fresh clone's view: examples/ (the README makes the weight file it converts itself)."""
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", root / "examples")
    return root


def run_python(args, cwd):
    """``python examples/...`` from the README, with this interpreter, in ``cwd``."""
    result = subprocess.run([sys.executable, *args[1:]], cwd=cwd, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def test_the_readme_has_sessions():
    commands = [cmd.split()[1] for cmd, _ in sessions() if cmd.startswith("lstm-symbolic ")]
    assert set(commands) >= set(main.commands) - {"diagram"}  # diagram writes a picture (shown in prose)


def test_every_readme_command_shows_its_real_output(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    problems = []
    for command, expected in sessions():
        if command.startswith("cat "):
            path = workdir / command[4:].strip()
            if path.exists():
                if path.read_text(encoding="utf-8").splitlines() != expected:
                    problems.append(f"$ {command}: the README's copy differs from the file")
            else:
                path.write_text("\n".join(expected) + "\n", encoding="utf-8")
            continue
        for part in command.split("&&"):
            args = shlex.split(part)
            if args and args[0] == "python":
                code, output = run_python(args, workdir)
            elif args and args[0] == "lstm-symbolic":
                result = CliRunner().invoke(main, args[1:], prog_name="lstm-symbolic")
                if result.exception is not None and not isinstance(result.exception, SystemExit):
                    problems.append(f"$ {part.strip()}: {result.exception!r}")
                    continue
                code, output = result.exit_code, result.output
            else:
                continue  # pdflatex (the LaTeX tests compile every document)
            if "&&" in command:
                if code != 0:
                    problems.append(f"$ {part.strip()}: exit code {code}")
            else:
                why = matches(expected, output.splitlines())
                if why:
                    problems.append(f"$ {command}: {why}\n--- README\n" + "\n".join(expected)
                                    + "\n--- actual\n" + output)
    assert not problems, "\n\n".join(problems)
    assert os.path.exists(workdir / "keras.npz")  # the convert example ran
    assert os.path.exists(workdir / "forget.tex")  # the tutorial's handout was written


#: "seed" may only mean a random seed (verify --seed, init_params(seed=0), PYTHONHASHSEED).
RANDOM_SEED = re.compile(r"--seed|seed ?= ?[0-9]|seeded|PYTHONHASHSEED|random seed", re.I)


def test_the_readme_never_says_seed_to_a_newcomer():
    for number, line in enumerate((ROOT / "README.md").read_text(encoding="utf-8").splitlines(), 1):
        assert "seed" not in RANDOM_SEED.sub("", line).lower(), f"README.md:{number}: {line}"


def test_every_readme_link_and_picture_exists():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#:]+)\)", text)
    assert "docs/lstm_cell.svg" in targets
    for target in targets:
        assert (ROOT / target).exists(), target

"""Fuzzing the command line in process: random commands, options and values.

Whatever the input, the CLI must exit with 0, 1 or 2, let no exception escape, print no
traceback, and put an ``Error:`` line on stderr whenever it fails.  The corpus is seeded
(``derandomize=True``), so CI runs the same cases every time: ``FUZZ_CASES`` of them.

Hypothesis also draws constants from the source of the project's modules imported so far, so
every module of the package is imported up front: otherwise the corpus would depend on which
modules earlier tests (or earlier cases) happened to import.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pkgutil
import shutil
import tempfile
from collections import Counter

import click
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lstm_symbolic
from lstm_symbolic import option_rules
from lstm_symbolic.cli import main
from lstm_symbolic.families import FAMILIES
from lstm_symbolic.framework_table import FRAMEWORKS
from lstm_symbolic.notations import NOTATIONS
from lstm_symbolic.variants import LAYOUTS, VARIANTS

for _module in pkgutil.iter_modules(lstm_symbolic.__path__):
    if _module.name != "__main__":  # (that one runs the CLI)
        importlib.import_module(f"lstm_symbolic.{_module.name}")

FUZZ_CASES = 1000
EXAMPLES = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples")

COMMANDS = ["shapes", "solve", "params", "convert", "inspect", "derive", "check", "quiz", "latex", "diagram",
            "verify", "nonsense", ""]

#: Every option any command takes (each command also gets the others': wrong options must fail cleanly).
OPTIONS = ["-n", "-k", "--input", "--hidden", "--variant", "--layout", "--proj", "--batch", "--steps", "--json",
           "--equations", "--framework", "--layers", "--bidirectional", "--batch-first", "--return-sequences",
           "--last-only", "--output-mode", "--dense", "--shape", "--from", "--to", "-o", "--output",
           "--forget-bias", "--jacobians", "--notation", "--derivatives", "--fragment", "--seed", "--all",
           "--option", "--file", "--latex", "--help", "--version", "--bogus", "-x", "--", "--cell", "--reset-after",
           "--reset-before", "--nonlinearity"]

NAMES = list(VARIANTS) + list(LAYOUTS) + list(FRAMEWORKS) + list(NOTATIONS) + ["sequence", "last"] + list(FAMILIES) \
    + ["relu", "tanh"]
SIZES = ["1", "2", "3", "7", "12", "80", "0", "-1", "+5", "007", "1.5", "1e3", "n", "k", "p", "B", "T",
         str(10**6), str(10**12), str(10**18), str(10**19), str(10**100), "nan", "inf", "-inf", "0x10"]
SHAPES = ["W_f=50x20", "h_prev=40x1", "b_f=50x1", "x_t=20x1", "U_f=7x7", "W_f=k x n", "W_f=(50, 20)",
          "W_f=50×20", "W_f=", "=50x20", "W_f=50x", "W_f=0x3", "bogus=3x3", "W_f=10**100x2", "z_t=9x1"]
ODD = ["", " ", "-", "--", "=", "x", "×", "\t", "é", "ß", "日本", "\u200b", "\x00", "a" * 300, "🙂", "$(ls)",
       "'; rm -rf /", "%s%n", "{0}", "\\", "..", "."]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Input files of every kind the commands read: good, broken, binary, empty, huge, missing."""
    root = tmp_path_factory.mktemp("fuzz")
    k, n = 3, 2
    good = {"weight_ih_l0": np.ones((4 * k, n)), "weight_hh_l0": np.ones((4 * k, k)),
            "bias_ih_l0": np.ones(4 * k), "bias_hh_l0": np.ones(4 * k)}
    np.savez(root / "torch.npz", **good)
    np.savez(root / "odd.npz", weight_ih_l0=np.array(["a", "b"]), x=np.ones((0, 3)))
    np.savez(root / "nan.npz", **{**good, "weight_ih_l0": np.full((4 * k, n), np.nan)})
    (root / "junk.npz").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (root / "empty.txt").write_text("")
    (root / "cell.txt").write_text("x_t : 4 x 1\nh_prev : 3 x 1\nh_t = tanh(W @ x_t + U @ h_prev + b)\n")
    (root / "question.txt").write_text("For a LSTM with input (20x1) and output (50x1), what is the shape of "
                                       "W_f?\n- 50x20\n- 20x50\n")
    (root / "huge.txt").write_text("a : 1 x 1\n" * 30_000)
    (root / "dir.npz").mkdir()
    for name in ("gru.txt", "broken.txt"):  # copies: an output option may name any of these files
        shutil.copy(os.path.join(EXAMPLES, name), root / name)
    return [str(p) for p in sorted(root.iterdir())] + [str(root / "missing.npz")]


def values(paths):
    return st.one_of(
        st.sampled_from(SIZES),
        st.sampled_from(NAMES),
        st.sampled_from(SHAPES),
        st.sampled_from(ODD),
        st.sampled_from(paths),
        st.sampled_from(["out.tex", "out.dot", "out.svg", "out.png", "out.npz", "out.pdf", "sub/out.npz", "-"]),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.text(max_size=12),
    )


def chaotic(paths):
    """Any command, any options (most of them wrong for the command), any values."""
    value = values(paths)
    option = st.tuples(st.sampled_from(OPTIONS), value).map(list)
    flag = st.sampled_from(OPTIONS).map(lambda o: [o])
    token = st.one_of(option, option, flag, value.map(lambda v: [v]))
    return st.tuples(st.sampled_from(COMMANDS), st.lists(token, max_size=6)).map(
        lambda t: ([t[0]] if t[0] else []) + [v for tok in t[1] for v in tok])


def value_for(param, paths):
    """Mostly a plausible value for the parameter's type, sometimes anything."""
    kind = param.type
    if isinstance(kind, click.Choice):
        plausible = st.sampled_from(list(kind.choices))
    elif isinstance(kind, click.Path):
        plausible = st.sampled_from(paths + ["out.tex", "out.svg", "out.npz", "-"])
    elif kind.name == "NAME=ROWSxCOLS":
        plausible = st.sampled_from(SHAPES)
    elif kind.name in ("SIZE", "INT", "integer range", "float"):
        plausible = st.sampled_from(SIZES[:6] * 3 + ["n", "k"] + SIZES[6:])
    else:
        plausible = st.sampled_from(QUESTIONS + ODD)
    return st.integers(0, 9).flatmap(lambda i: values(paths) if i == 0 else plausible)


@st.composite
def structured(draw, paths):
    """One command with a random selection of its own options (the required ones usually present)."""
    name = draw(st.sampled_from(sorted(main.commands)))
    command = main.commands[name]
    args = [name]
    for param in command.params:
        if param.name == "help":
            continue
        wanted = 0.9 if getattr(param, "required", False) or param.name in ("input_size", "hidden_size") else 0.3
        if draw(st.floats(0, 1)) > wanted:
            continue
        if isinstance(param, click.Argument):
            args.append(draw(value_for(param, paths)))
        elif param.is_flag:
            args.append(param.opts[-1] if not param.secondary_opts or draw(st.booleans())
                        else param.secondary_opts[0])
        else:
            for _ in range(draw(st.integers(1, 3)) if param.multiple else 1):
                args += [draw(st.sampled_from(param.opts)), draw(value_for(param, paths))]
    return args


@st.composite
def combinations(draw, paths):
    """One command with its required options and a few of the options the option table has rules
    about (the ones that conflict with, or do nothing without, another option)."""
    name = draw(st.sampled_from(sorted({c for rule in option_rules.RULES for c in rule.commands} & set(main.commands))))
    command = main.commands[name]
    ruled = sorted({rule.option for rule in option_rules.rules_for(name)} | {"framework", "variant", "every"})
    chosen = set(draw(st.lists(st.sampled_from(ruled), min_size=1, max_size=4)))
    args = [name]
    for param in command.params:
        if param.name == "help" or not (param.required or param.name in ("input_size", "hidden_size")
                                        or param.name in chosen):
            continue
        if isinstance(param, click.Argument):
            args.append(draw(value_for(param, paths)))
        elif param.is_flag:
            args.append(param.opts[-1] if not param.secondary_opts or draw(st.booleans()) else param.secondary_opts[0])
        elif isinstance(param.type, click.Choice):
            args += [param.opts[0], draw(st.sampled_from(list(param.type.choices)))]
        else:
            args += [param.opts[0], draw(st.sampled_from(["1", "2", "3", "5", "12"]) if param.name != "given"
                                          else value_for(param, paths))]
    return args


def invocations(paths):
    return st.one_of(structured(paths), structured(paths), structured(paths), combinations(paths), chaotic(paths))


QUESTIONS = [
    "For a LSTM network with input of dimension (20x1) and output of dimension (50x1), what will be the "
    "dimensions of the feed-forward weights of forget and input gate respectively?",
    "How many parameters does a PyTorch LSTM with input_size=10 and hidden_size=20 have?",
    "What is the range of values of the forget gate?",
    "Let the current memory cell be c(n) = [0.7, 0.3] and the value of the output gate g^output(n) = [0.4, 0.6]. "
    "What is the output of the whole LSTM block?",
    "Why does the input gate use both tanh and sigmoid?",
    "What is the shape of W_f when n = 10**40 and k = 0?",
    "50x20", "",
]


OUTCOMES = Counter()


@contextlib.contextmanager
def scratch_directory():
    """Run in an empty temporary directory (outputs such as -o out.tex land there)."""
    old = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            yield
        finally:
            os.chdir(old)


@contextlib.contextmanager
def recording_options(records):
    """Record what the option table said about each command that ran (CheckedCommand calls it)."""
    real = option_rules.check_options

    def record(command, values, given):
        found = real(command, values, given)
        records.append((command, set(given), found))
        return found

    option_rules.check_options = record
    try:
        yield
    finally:
        option_rules.check_options = real


def check_options_were_read(args, result, records):
    """An accepted command read every option it was given, or warned that it ignores it."""
    where = f"lstm-symbolic {' '.join(repr(a) for a in args)}"
    ran_a_command = args and args[0] in main.commands and not {"--help", "-h", "--version"} & set(args)
    if result.exit_code == 0 and ran_a_command:
        assert records, f"{where}: the command ran without checking its options"
    for command, options, found in records:
        assert options <= option_rules.READS[command], f"{where}: options the table does not know: " \
                                                        f"{options - option_rules.READS[command]}"
        assert options == found.read | found.ignored, f"{where}: given {options}, read {set(found.read)}"
        if found.ignored:
            assert "warning:" in result.stderr, f"{where}: {set(found.ignored)} ignored without a warning"


def run_one(args, stdin):
    records = []
    with scratch_directory(), recording_options(records):
        result = CliRunner().invoke(main, args, input=stdin, catch_exceptions=True)
    where = f"lstm-symbolic {' '.join(repr(a) for a in args)}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{where}: {type(result.exception).__name__}: {result.exception}") from result.exception
    assert result.exit_code in (0, 1, 2), f"{where}: exit code {result.exit_code}"
    assert "Traceback" not in result.output + result.stderr, where
    assert "\x1b[" not in result.output + result.stderr, f"{where}: colour codes when not on a terminal"
    if result.exit_code != 0:
        assert "Error:" in result.stderr, f"{where}: exit {result.exit_code} without an Error: line\n{result.stderr}"
    check_options_were_read(args, result, records)
    OUTCOMES[result.exit_code] += 1
    if os.environ.get("FUZZ_LOG"):  # FUZZ_LOG=file pytest tests/test_fuzz.py: every case and its exit code
        with open(os.environ["FUZZ_LOG"], "a") as log:
            log.write(f"{result.exit_code} {args!r}\n")


def test_fuzz_the_command_line(files):
    @settings(max_examples=FUZZ_CASES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def fuzz(data):
        args = data.draw(invocations(files))
        stdin = data.draw(st.sampled_from(["", "x_t : 3 x 1\ny = sigmoid(W @ x_t)\n", "What is 2x2?\n- 4\n- 5",
                                           "\x00\xff", "🙂" * 50]))
        run_one(args, stdin)

    OUTCOMES.clear()
    fuzz()
    total = sum(OUTCOMES.values())
    assert total >= 400
    # the corpus must reach the library, not only click's option checks (random draws of the cell-family
    # options --cell, --reset-after, --nonlinearity, --variant, --proj are mostly refused mixes: fewer successes)
    assert OUTCOMES[0] >= 40 and OUTCOMES[1] >= 15 and OUTCOMES[2] >= 300, dict(OUTCOMES)
    print(f"\nfuzzed {total} invocations: exit codes {dict(sorted(OUTCOMES.items()))}")


@pytest.mark.parametrize("args", [
    ["shapes", "-n", "\x00", "-k", "3"],
    ["check", "\x00"],
    ["inspect", "bad\x00name.npz"],
    ["quiz", "--file", "no\x00file"],
    ["latex", "-n", "3", "-k", "2", "-o", "bad\x00.tex"],
    ["diagram", "-n", "3", "-k", "2", "-o", "."],
    ["latex", "-n", "3", "-k", "2", "-o", ""],
    ["convert", "x.npz", "--from", "pytorch", "--to", "keras", "-o", ""],
    ["verify", "-n", "1", "-k", "1", "--batch", str(10**6), "--steps", str(10**6)],
    ["solve", "--shape", "W_f=" + "9" * 400 + "x2"],
    ["quiz", "a" * 30_000],
])
def test_fuzz_findings(args):
    """Inputs the fuzzer (or the hand-run loops before it) turned up."""
    run_one(args, "")

"""Which options each command reads, and which combinations conflict: one table, one function.

A command's options are checked as a whole before it runs.  :data:`READS` lists every option
each command reads; a row of :data:`RULES` names an option, the commands, when that option is
*not* read or conflicts with another, and whether that is a usage error (exit 2; the message
names both options) or harmless enough for a one-line warning.  A new option is one name in
:data:`READS` (and a row in :data:`RULES` when some other option makes it meaningless);
``tests/test_option_rules.py`` fails for an option a command takes that :data:`READS` omits.

>>> check_options("check", {"file": "a.txt", "as_json": True, "as_latex": True}, {"as_json", "as_latex"})
Traceback (most recent call last):
...
lstm_symbolic.errors.UsageError: --json and --latex are two output formats: give one of them
>>> found = check_options("shapes", {"input_size": 3, "hidden_size": 2, "proj_size": 2, "framework": None},
...                       {"proj_size"})
>>> found.read, found.ignored
(frozenset({'proj_size'}), frozenset())
>>> found.warnings
('--proj 2 is not smaller than -k 2: the projection does not reduce the hidden state (PyTorch refuses \
proj_size >= hidden_size)',)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from .errors import UsageError
from .framework_table import CELL_MODES, FRAMEWORKS, get_layout
from .variants import VARIANTS

#: What a rule's finding is: a usage error; a warning that the option is ignored (not read); a
#: warning about an option that is read but probably not what the user meant.
ERROR, IGNORED, ADVICE = "error", "ignored", "advice"
CELL = ("shapes", "derive", "latex", "diagram", "verify", "solve", "params")

_CELL_OPTIONS = {"input_size", "hidden_size", "variant", "layout", "proj_size",
                 "family", "reset_after", "nonlinearity"}  # --cell and the GRU's / simple RNN's choices

#: The options each command reads (click's parameter names), unless a rule below says otherwise.
READS = {
    "shapes": _CELL_OPTIONS | {"batch", "steps", "show_equations", "framework", "layers", "bidirectional",
                               "batch_first", "return_sequences", "output_mode", "dense", "as_json"},
    "solve": _CELL_OPTIONS | {"given", "as_json"},
    "params": {"input_size", "hidden_size", "framework", "layers", "bidirectional", "proj_size", "variant",
               "cell", "reset_after", "as_json"},
    "derive": _CELL_OPTIONS | {"jacobians", "as_json"},
    "latex": _CELL_OPTIONS | {"notation", "derivatives", "fragment", "output"},
    "diagram": _CELL_OPTIONS | {"output"},
    "verify": _CELL_OPTIONS | {"batch", "steps", "seed", "every", "as_json"},
    "check": {"file", "as_json", "as_latex"},
    "quiz": {"question", "options", "path", "as_json"},
    # convert: whether --forget-bias applies is known once the source is read (its framework may be
    # recognised from the names), so the library checks it (weightfiles.convert_file)
    "convert": {"source", "from_fw", "to_fw", "output", "forget_bias", "as_json", "in_format", "prefix", "cell",
                "out_format", "initial_states", "dtype"},
    "inspect": {"source", "framework", "as_json", "in_format", "prefix", "cell"},
    "summary": {"file", "framework", "input_shape", "as_json"},
}


@dataclass(frozen=True)
class Rule:
    """``option``, when given to one of ``commands`` and ``when(values)`` holds, is not read (or
    conflicts): an error or a warning with ``message`` (formatted with the values)."""

    commands: tuple
    option: str
    when: Callable
    level: str
    message: str


def _framework(values):
    """The :class:`~lstm_symbolic.framework_table.Framework` row of ``--framework`` (None without one)."""
    name = values.get("framework")
    return None if name is None else FRAMEWORKS[name]


def _has_projection(framework):
    return "projection" in get_layout(framework).features


def _input_batch_first(fw):
    """The framework's input is laid out batch first (Keras' and TF1's (B, T, n))."""
    return fw.shapes_sequence[0][1].split()[0] == "B"


def _switch(values, has_switch):
    """A framework is given and ``has_switch(its row)`` holds."""
    fw = _framework(values)
    return fw is not None and has_switch(fw)


# The framework table has no column naming a framework's own option for "every step or the last":
# MATLAB's OutputMode is told by the nearest column, its batchless layer (the only framework with both).
def _output_mode(fw):
    return fw.batchless


def _last_switch(fw):
    """The framework's output can hold only the last step (Keras' return_sequences, MATLAB's OutputMode)."""
    return fw.shapes_last is not None


def _no_batch_first(fw):
    return fw.batch_first is None


def _numeric(*values):
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _proj_too_big(values):
    p, k = values.get("proj_size"), values.get("hidden_size")
    return p is not None and _numeric(p, k) and p >= k


def _proj_refused(values):
    """``--proj`` is not below ``-k`` and the framework's layer refuses that (PyTorch's proj_size)."""
    return _proj_too_big(values) and _switch(values, lambda fw: get_layout(fw.name).proj_below_hidden)


def _sequences_disagree(v):
    return (_switch(v, _output_mode) and v["return_sequences"] is not None
            and (v["output_mode"] == "sequence") != v["return_sequences"])


def _layer_option(option, flag, changed):
    return Rule(("shapes",), option, lambda v: v.get("framework") is None and changed(v), ERROR,
                flag + " describes a framework's layer: add --framework " + "|".join(FRAMEWORKS))


_FRAMEWORK_ONLY = [
    _layer_option("layers", "--layers {layers}", lambda v: v["layers"] != 1),
    _layer_option("bidirectional", "--bidirectional", lambda v: v["bidirectional"]),
    _layer_option("batch_first", "--batch-first", lambda v: v["batch_first"]),
    _layer_option("return_sequences", "--return-sequences/--last-only", lambda v: v["return_sequences"] is not None),
    _layer_option("output_mode", "--output-mode {output_mode}", lambda v: v["output_mode"] is not None),
    _layer_option("dense", "--dense {dense}", lambda v: v["dense"] is not None),
]

_SEQUENCE_RULES = [
    Rule(("shapes",), "batch_first", lambda v: v["batch_first"]
         and _switch(v, lambda fw: _no_batch_first(fw) and _input_batch_first(fw)), IGNORED,
         "--batch-first changes nothing with --framework {framework}: its input is batch-first already"),
    Rule(("shapes",), "batch_first", lambda v: v["batch_first"]
         and _switch(v, lambda fw: _no_batch_first(fw) and not _input_batch_first(fw)), ERROR,
         "--batch-first is PyTorch's batch_first=True; --framework {framework} has no such option"),
    Rule(("shapes",), "return_sequences", lambda v: v["return_sequences"] is False
         and _switch(v, lambda fw: not _last_switch(fw)), ERROR,
         "--last-only does not apply to --framework {framework}: its recurrent layers always return every step's "
         "output (the last step is the final hidden state)"),
    Rule(("shapes",), "return_sequences", lambda v: v["return_sequences"] is True
         and _switch(v, lambda fw: not _last_switch(fw)), IGNORED,
         "--return-sequences changes nothing with --framework {framework}: its recurrent layers always return "
         "every step"),
    Rule(("shapes",), "output_mode", lambda v: v["output_mode"] is not None
         and _switch(v, lambda fw: not _output_mode(fw)), ERROR,
         "--output-mode is MATLAB's OutputMode and does not apply to --framework {framework}"
         "{_keras_hint}"),
    Rule(("shapes",), "output_mode", _sequences_disagree, ERROR,
         "--output-mode {output_mode} and {_sequences_flag} say different things: give one of them"),
    Rule(("shapes",), "output_mode", lambda v: _switch(v, _output_mode) and v["return_sequences"] is not None
         and v["output_mode"] is not None, ADVICE,
         "--output-mode {output_mode} and {_sequences_flag} say the same thing: one is enough"),
]

RULES = _FRAMEWORK_ONLY + _SEQUENCE_RULES + [
    Rule(("shapes",), "proj_size", lambda v: v["proj_size"] is not None
         and _switch(v, lambda fw: not _has_projection(fw.name)), ERROR,
         "--proj does not apply to --framework {framework}: it has no projection (proj_size); "
         "frameworks with one: {_projection_frameworks}"),
    Rule(("shapes", "params"), "proj_size", _proj_refused, ERROR,
         "--proj {proj_size} with --framework {framework}: {_framework_word} requires proj_size < hidden_size "
         "(-k {hidden_size})"),
    Rule(CELL, "proj_size", _proj_too_big, ADVICE,
         "--proj {proj_size} is not smaller than -k {hidden_size}: the projection does not reduce the hidden "
         "state (PyTorch refuses proj_size >= hidden_size)"),
    Rule(tuple(c for c in CELL if c != "params"), "proj_size", lambda v: v.get("variant") is not None
         and not VARIANTS[v["variant"]].projection and not v.get("every"), ERROR,
         "--proj applies to the projection variant; --variant {variant} has no projection"),
    Rule(("verify",), "variant", lambda v: v["every"], ERROR,
         "--all verifies every variant: leave out --variant {variant} (or --all)"),
    Rule(("verify",), "layout", lambda v: v["every"], ERROR,
         "--all verifies every layout: leave out --layout {layout} (or --all)"),
    Rule(("check",), "as_json", lambda v: v["as_latex"], ERROR,
         "--json and --latex are two output formats: give one of them"),
    Rule(("quiz",), "options", lambda v: v["path"] is not None, ERROR,
         "--option goes with a QUESTION argument; a question file (--file {path}) lists its own options, "
         "one per line after the question"),
    Rule(("quiz",), "options", lambda v: v["path"] is None and v["question"] is None, ERROR,
         "--option goes with a QUESTION argument; a question block on standard input lists its own options, "
         "one per line after the question"),
    Rule(("params",), "reset_after", lambda v: v["cell"] is not None
         and "reset_after" not in CELL_MODES.get(v["cell"], ()), ERROR,
         "--reset-after/--reset-before describe a GRU's reset gate; they do not apply to --cell {cell}"),
]


class Options(NamedTuple):
    """What :func:`check_options` found: the given options the command reads, those it ignores
    (each with a warning), and the warnings."""

    read: frozenset
    ignored: frozenset
    warnings: tuple


def _extras(values):
    fw = _framework(values)
    return {"_keras_hint": ": use --return-sequences/--last-only" if fw is not None and _last_switch(fw)
            and not _output_mode(fw) else "",
            "_framework_word": fw.title.split()[0] if fw is not None else "",
            "_sequences_flag": "--return-sequences" if values.get("return_sequences") else "--last-only",
            "_projection_frameworks": ", ".join(f for f in FRAMEWORKS if _has_projection(f))}


def rules_for(command):
    """The rows of :data:`RULES` about ``command``."""
    return [rule for rule in RULES if command in rule.commands]


def check_options(command, values, given):
    """Apply the table to one command's option ``values`` (``given``: the names the user typed).

    Raises :class:`UsageError` for the first conflict; returns :class:`Options` with the given
    options the command reads and the warnings about the ones it does not need.
    """
    warnings, unread = [], set()
    for rule in rules_for(command):
        if rule.option not in given or not rule.when(values):
            continue
        message = rule.message.format(**values, **_extras(values))
        if rule.level == ERROR:
            raise UsageError(message)
        if message not in warnings:
            warnings.append(message)
        if rule.level == IGNORED:
            unread.add(rule.option)
    return Options(frozenset(set(given) & READS.get(command, set()) - unread), frozenset(unread), tuple(warnings))

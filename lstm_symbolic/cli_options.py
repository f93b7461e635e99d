"""What the command modules share: parameter types, option decorators, and errors into exit codes.

The parameter types validate one option's text (a size, a shape, a file name); the option
decorators attach the options several commands take alike; :func:`library_errors` and
:func:`fail` turn the library's errors into one ``Error:`` paragraph on stderr and the error's
exit code.  Nothing here imports SymPy or NumPy (``--help`` and ``shapes`` start without them).
"""

from __future__ import annotations

import functools
import re
import sys

import click

from .errors import LstmSymbolicError, UsageError
from .framework_table import CELL_GATES
from .sizes import parse_assignment, parse_size
from .variants import LAYOUTS, VARIANTS


class SizeType(click.ParamType):
    """A positive integer or a symbol name."""

    name = "SIZE"

    def convert(self, value, param, ctx):
        try:
            return parse_size(value, "a size")
        except UsageError as err:
            self.fail(str(err), param, ctx)


class PositiveInt(click.ParamType):
    """A positive integer (sizes of commands that compute with numbers)."""

    name = "INT"

    def convert(self, value, param, ctx):
        try:
            size = parse_size(value, "a size")
        except UsageError as err:
            self.fail(str(err), param, ctx)
        if not isinstance(size, int):
            self.fail(f"must be a positive integer, got {value!r}", param, ctx)
        return size


class Assignment(click.ParamType):
    """``NAME=ROWSxCOLS``: a tensor name and its shape."""

    name = "NAME=ROWSxCOLS"

    def get_metavar(self, param, ctx=None):
        return self.name

    def convert(self, value, param, ctx):
        try:
            return parse_assignment(value)
        except UsageError as err:
            self.fail(str(err), param, ctx)


class FilePath(click.Path):
    """click.Path that names a NUL character instead of letting os.stat raise on it."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and "\x00" in value:
            self.fail(f"{value!r} contains a NUL character, which no file name can", param, ctx)
        return super().convert(value, param, ctx)


class FiniteFloat(click.ParamType):
    """A finite number (``nan`` and ``inf`` are refused)."""

    name = "NUMBER"

    def convert(self, value, param, ctx):
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"must be a finite number, got {value!r}", param, ctx)
        return number


class ShapeList(click.ParamType):
    """A shape written as comma-separated positive integers: 5,7,10."""

    name = "D1,D2,..."

    def convert(self, value, param, ctx):
        parts = [p.strip() for p in str(value).replace("x", ",").split(",")]
        if not parts or not all(p.isdigit() and int(p) > 0 for p in parts) or len(parts) > 16:
            self.fail(f"expected positive integers separated by commas, such as 5,7,10; got {value!r}", param, ctx)
        return tuple(int(p) for p in parts)


SIZE, POSITIVE, ASSIGNMENT = SizeType(), PositiveInt(), Assignment()
FORMAT_NAMES = ["npz", "pt", "onnx", "keras-h5", "mat"]  # weightfiles.FORMATS (not imported at start-up)
CELLS = list(CELL_GATES)  # the cell families (families.FAMILIES, without building that table at start-up)
NONLINEARITIES = ("tanh", "relu")  # the simple RNN's variants (families.RNN_VARIANTS; a test keeps them equal)


def fail(err):
    """Print an error paragraph and exit with its code."""
    click.echo(click.style("Error:", fg="red", bold=True) + " " + str(err), err=True)
    sys.exit(err.exit_code)


def finish(error):
    """Exit with ``error``'s paragraph and code when a command's result carries one."""
    if error is not None:
        fail(error)


def library_errors(command):
    """Turn the library's errors into ``Error:`` paragraphs and exit codes."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except LstmSymbolicError as err:
            fail(err)
        except MemoryError:
            fail(UsageError("out of memory: try smaller sizes"))

    return wrapper


def warn(message, label="warning:"):
    """One warning line on stderr."""
    click.echo(click.style(label, fg="yellow", bold=None if label == "warning:" else True) + " " + message, err=True)


class CheckedCommand(click.Command):
    """A command whose options are checked as a whole (``option_rules``) before it runs: a conflict
    is a usage error, an option given but not needed a warning."""

    def invoke(self, ctx):
        given = {name for name in ctx.params
                 if ctx.get_parameter_source(name) not in (click.core.ParameterSource.DEFAULT,
                                                           click.core.ParameterSource.DEFAULT_MAP)}
        from . import option_rules  # (not imported for --help: it reads the framework table)

        try:
            found = option_rules.check_options(self.name, ctx.params, given)
        except LstmSymbolicError as err:
            fail(err)
        for message in found.warnings:
            warn(message)
        return super().invoke(ctx)


def command(**settings):
    """``click.command`` of a :class:`CheckedCommand` whose errors become exit codes."""

    def decorate(function):
        return click.command(cls=CheckedCommand, **settings)(library_errors(function))

    return decorate


def emit_json(data):
    """Indented JSON with short lists kept on one line (``"W_f": [12, 80]``)."""
    import json  # (not at the top: --help and shape queries start faster without it)

    text = json.dumps(data, indent=2)
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    click.echo(text)


def _apply(command, options):
    for option in reversed(options):
        command = option(command)
    return command


def family_options(command):
    """--cell and the options that choose a GRU's or a simple RNN's variant (the library checks the mix)."""
    return _apply(command, [
        click.option("--cell", "family", type=click.Choice(CELLS), default=None,
                     help="Cell family: lstm, gru (gated recurrent unit) or rnn (simple Elman RNN); default: lstm, "
                          "or the family whose options are given (--reset-after: gru, --nonlinearity: rnn)."),
        click.option("--reset-after/--reset-before", "reset_after", default=None,
                     help="GRU: the reset gate after the recurrent product (PyTorch, Keras' default; a second bias "
                          "per gate) or before it (Cho et al. 2014; the default unless --framework says otherwise)."),
        click.option("--nonlinearity", type=click.Choice(NONLINEARITIES), default=None,
                     help="Simple RNN: tanh (default) or relu."),
    ])


LAYOUT_HELP = "separate: W@x + U@h + b; concat: W@[h; x] + b; augmented: W@[1; h; x]."


def cell_options(command=None, numeric=False):
    """The options every cell-building command shares (``numeric``: sizes must be integers)."""
    if command is None:
        return functools.partial(cell_options, numeric=numeric)
    size, kind = (POSITIVE, "a positive integer") if numeric else (SIZE, "an integer or a symbol name")
    return _apply(command, [
        click.option("-n", "--input", "input_size", type=size, required=True,
                     help=f"Input size n (features of x_t): {kind}."),
        click.option("-k", "--hidden", "hidden_size", type=size, required=True,
                     help=f"Hidden size k (units): {kind}."),
        family_options,
        click.option("--variant", type=click.Choice(list(VARIANTS)), default=None,
                     help="LSTM variant (default: standard; projection when --proj is given)."),
        click.option("--layout", type=click.Choice(list(LAYOUTS)), default="separate", show_default=True,
                     help=LAYOUT_HELP),
        click.option("--proj", "proj_size", type=size, default=None,
                     help="Projection size p (LSTMP, PyTorch's proj_size)."),
    ])


def weight_file_options(command):
    """Options of the commands that read a weight file."""
    return _apply(command, [
        click.option("--format", "in_format", type=click.Choice(FORMAT_NAMES), default=None,
                     help="Format of SOURCE (default: from its extension: .npz, .pt/.pth, .onnx, .weights.h5, .mat)."),
        click.option("--prefix", default=None,
                     help="Read the layer whose array names start with this (encoder.lstm. of a whole module's "
                          "state dict; a layer name of a .weights.h5 file)."),
        click.option("--cell", type=click.Choice(CELLS), default=None,
                     help="The recurrent cell family (default: recognised from the shapes)."),
    ])


def json_option(help_text):
    """``--json``: print data instead of text."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def output_option(help_text):
    """``-o/--output FILE`` (``-``: standard output)."""
    return click.option("-o", "--output", type=FilePath(dir_okay=False, allow_dash=True), default="-",
                        help=help_text)

"""The commands about one cell's equations: ``derive``, ``latex``, ``diagram`` and ``verify`` (each
parses, calls :mod:`lstm_symbolic.commands` once and prints what the renderers make of it)."""

from __future__ import annotations

import sys

import click

from .cli_options import POSITIVE, cell_options, command, emit_json, json_option, output_option
from .notations import NOTATIONS

# each command imports lstm_symbolic.commands (and, through it, the library) when it runs, so
# that --help and the shell completion load only the option tables


@command()
@cell_options
@click.option("--jacobians", is_flag=True, help="Also print the gradient-flow Jacobians and what they mean.")
@json_option("Print the equations (and Jacobians) as JSON.")
def derive(as_json, **options):
    """Backward (BPTT) equations of one step, with every term's shape.

    The gradients are produced by reverse-mode rules over the forward equations and
    shape-checked by the same solver: every dX has the shape of X.

    \b
    Examples:
      lstm-symbolic derive -n 20 -k 50
      lstm-symbolic derive -n n -k k --variant peephole --jacobians
      lstm-symbolic derive -n 20 -k 50 --layout concat --json
      lstm-symbolic derive -n n -k k --cell rnn --jacobians
    """
    from . import commands
    from .render import derivation_data, derivation_text

    derivation, flow = commands.derive(**options)
    if as_json:
        emit_json(derivation_data(derivation, flow))
    else:
        click.echo(derivation_text(derivation, flow))


@command()
@cell_options
@click.option("--notation", type=click.Choice(list(NOTATIONS)), default="standard", show_default=True,
              help="standard, course (W_fF, W_fR), greff (W, R, p), pytorch (W_if, W_hf), gates (g^forget ...).")
@click.option("--derivatives", is_flag=True, help="Add the backward equations and the gradient-flow Jacobians.")
@click.option("--fragment", is_flag=True, help="Only the equation blocks (align*), no preamble.")
@output_option("Write to FILE (default: standard output).")
def latex(**options):
    """A LaTeX derivation of the cell: dimensions, equations, shapes, parameter count.

    The document needs only amsmath and amssymb; compile it with pdflatex.  Output is
    byte-identical across runs.

    \b
    Examples:
      lstm-symbolic latex -n 20 -k 50 -o lstm.tex && pdflatex lstm.tex
      lstm-symbolic latex -n n -k k --notation course --derivatives -o lstm.tex
      lstm-symbolic latex -n 80 -k 12 --fragment
      lstm-symbolic latex -n n -k k --cell gru --derivatives -o gru.tex
    """
    from . import commands

    _deliver(commands.latex(**options), options["output"])


def _deliver(text, output):
    """Print ``text`` (a document for standard output), or say which file was written."""
    if text is not None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {output}", err=True)


@command()
@cell_options
@output_option("FILE.dot, FILE.svg or FILE.png (default: DOT on standard output).")
def diagram(**options):
    """The cell as a Graphviz graph, every edge labelled with its tensor and shape.

    Writes DOT; renders SVG or PNG when the output name ends in .svg or .png and
    Graphviz's 'dot' program is installed.

    \b
    Examples:
      lstm-symbolic diagram -n 20 -k 50 -o lstm.svg
      lstm-symbolic diagram -n n -k k --variant peephole -o peephole.dot
      lstm-symbolic diagram -n 20 -k 50 --cell gru -o gru.svg
    """
    from . import commands

    _deliver(commands.diagram(**options), options["output"])


@command()
@cell_options(numeric=True)
@click.option("--batch", type=POSITIVE, default=3, show_default=True, help="Batch size B.")
@click.option("--steps", type=POSITIVE, default=5, show_default=True, help="Time steps T.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True, help="Random seed.")
@click.option("--all", "every", is_flag=True,
              help="Verify every variant x layout (the projection variant with --proj, by default k // 2).")
@json_option("Print the checks as JSON.")
def verify(as_json, **options):
    """Check the generated NumPy cell against an independent NumPy LSTM (or GRU, simple RNN).

    Runs T steps forward and backward (BPTT) in float64 (tolerance 1e-12, gradients
    1e-10) and float32 (1e-5, gradients 1e-4) on random data and prints the largest
    errors, relative to max(1, the largest reference entry).  A sequence that amplifies
    roundoff (long, or without a forget gate) widens the tolerances to what its own
    sensitivity allows, marked with '*'.  Exit code 1 on a mismatch; work estimated to
    need more than 2 GiB or 60 seconds is refused (exit code 2).

    \b
    Examples:
      lstm-symbolic verify -n 20 -k 50
      lstm-symbolic verify -n 20 -k 50 --variant peephole --batch 8 --steps 10
      lstm-symbolic verify -n 8 -k 6 --all
      lstm-symbolic verify -n 20 -k 50 --cell gru --reset-after
    """
    from . import commands
    from .render_verification import verification_report_data, verification_report_text

    verified = commands.verify(**options)
    if as_json:
        emit_json(verification_report_data(verified))
    else:
        click.echo(verification_report_text(verified))
    if not verified.ok:
        sys.exit(1)

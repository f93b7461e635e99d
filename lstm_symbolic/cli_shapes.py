"""The commands about sizes: ``shapes``, ``solve`` and ``params`` (each parses, calls
:mod:`lstm_symbolic.commands` once and prints what :mod:`lstm_symbolic.render` makes of it)."""

from __future__ import annotations

import click

from .cli_options import (
    ASSIGNMENT,
    CELLS,
    LAYOUT_HELP,
    POSITIVE,
    SIZE,
    cell_options,
    command,
    emit_json,
    family_options,
    json_option,
    warn,
)
from .framework_table import FRAMEWORKS, framework_variants
from .variants import LAYOUTS, VARIANTS

_SHAPES_JSON = "Print {\"dims\": ..., \"tensors\": ...} as JSON."

# each command imports lstm_symbolic.commands (and, through it, the library) when it runs, so
# that --help and the shell completion load only the option tables


@command()
@cell_options
@click.option("--batch", type=SIZE, default=1, show_default=True, help="Batch size B (columns of x_t).")
@click.option("--steps", type=SIZE, default=None, help="Time steps T: also show the sequence tensors xs, hs.")
@click.option("--equations", "show_equations", is_flag=True, help="Also print the cell's equations.")
@click.option("--framework", type=click.Choice(list(FRAMEWORKS)), default=None,
              help="Also show the sequence shapes (input, output, h_n, c_n) as this framework lays them out.")
@click.option("--layers", type=POSITIVE, default=1, show_default=True, help="Stacked layers (with --framework).")
@click.option("--bidirectional", is_flag=True, help="Two directions (with --framework).")
@click.option("--batch-first", is_flag=True, help="PyTorch batch_first=True.")
@click.option("--return-sequences/--last-only", default=None,
              help="The output at every step, or only the last (default: the framework's own; Keras: last).")
@click.option("--output-mode", type=click.Choice(["sequence", "last"]), default=None,
              help="MATLAB OutputMode (the same choice as --return-sequences/--last-only).")
@click.option("--dense", type=POSITIVE, default=None, help="A fully connected head with C outputs after the LSTM.")
@json_option(_SHAPES_JSON)
def shapes(show_equations, as_json, **options):
    """Every tensor's shape for input size n and hidden size k.

    \b
    Examples:
      lstm-symbolic shapes -n 80 -k 12
      lstm-symbolic shapes -n n -k k                 # symbolic: W_f is k x n
      lstm-symbolic shapes -n 20 -k 50 --layout concat
      lstm-symbolic shapes -n 10 -k 6 --proj 3 --json
      lstm-symbolic shapes -n 80 -k 12 --cell gru --reset-after
    """
    from . import commands
    from .render import shapes_report_data, shapes_report_text

    answer = commands.shapes(**options)
    if as_json:
        emit_json(shapes_report_data(answer, options["steps"], show_equations))
    else:
        click.echo(shapes_report_text(answer, options["steps"], show_equations))


@command()
@click.option("--shape", "given", type=ASSIGNMENT, multiple=True, required=True,
              help="A known shape NAME=ROWSxCOLS (repeatable), e.g. W_f=50x20.")
@click.option("-n", "--input", "input_size", type=SIZE, default=None, help="Input size n, if known.")
@click.option("-k", "--hidden", "hidden_size", type=SIZE, default=None, help="Hidden size k, if known.")
@family_options
@click.option("--variant", type=click.Choice(list(VARIANTS)), default=None,
              help="LSTM variant whose equations relate the shapes (default: standard; projection with --proj).")
@click.option("--layout", type=click.Choice(list(LAYOUTS)), default="separate", show_default=True, help=LAYOUT_HELP)
@click.option("--proj", "proj_size", type=SIZE, default=None, help="Projection size p, if known.")
@json_option(_SHAPES_JSON)
def solve(as_json, **options):
    """Infer every shape from a few known ones, or explain why they contradict.

    Exit code 1 when the shapes contradict each other or leave a size undetermined.

    \b
    Examples:
      lstm-symbolic solve --shape W_f=50x20
      lstm-symbolic solve --shape W_f=50x20 --shape h_prev=40x1    # contradiction
      lstm-symbolic solve --layout concat --shape W_i=50x70
      lstm-symbolic solve --cell gru --shape W_z=50x20
    """
    from . import commands
    from .render import shapes_data, shapes_table

    solved = commands.solve(**options)
    if solved.hint:
        warn(solved.hint)
    if as_json:
        emit_json(shapes_data(solved.cell))
    else:
        click.echo(shapes_table(solved.cell))


@command()
@click.option("-n", "--input", "input_size", type=POSITIVE, required=True, help="Input size n.")
@click.option("-k", "--hidden", "hidden_size", type=POSITIVE, required=True, help="Hidden size k.")
@click.option("--framework", type=click.Choice(list(FRAMEWORKS)), default=None,
              help="Count the framework's own tensors (default: the canonical cell).")
@click.option("--layers", type=POSITIVE, default=1, show_default=True, help="Stacked layers.")
@click.option("--bidirectional", is_flag=True, help="Two directions.")
@click.option("--proj", "proj_size", type=POSITIVE, default=None, help="Projection size p.")
@click.option("--variant", type=click.Choice(framework_variants()), default=None,
              help="standard, peephole (ONNX, TF1; with --proj both, TF1) or projection (PyTorch, TF1; implied by "
                   "--proj).")
@click.option("--cell", type=click.Choice(CELLS), default=None,
              help="The recurrent cell family: LSTM (default), GRU or simple RNN.")
@click.option("--reset-after/--reset-before", default=None,
              help="A GRU's reset gate after the recurrent product (PyTorch, Keras' default) or before it "
                   "(implies --cell gru).")
@json_option('Print {"total": N, "tensors": {...}, "formula": "..."}.')
def params(as_json, **options):
    """Parameter count, tensor by tensor, with the formula and the numbers put in.

    One-bias frameworks (Keras, MATLAB, TF1) count 4k(n + k + 1) per layer and direction;
    two-bias ones (PyTorch, cuDNN, ONNX's B) 4k(n + k + 2).

    \b
    Examples:
      lstm-symbolic params -n 20 -k 50
      lstm-symbolic params -n 20 -k 50 --framework pytorch --layers 2 --bidirectional
      lstm-symbolic params -n 10 -k 6 --framework pytorch --proj 3 --json
      lstm-symbolic params -n 20 -k 50 --framework keras --cell gru
    """
    from . import commands
    from .render import params_data, params_text

    cell, table = commands.parameter_count(**options)
    if as_json:
        emit_json(params_data(*table))
    else:
        click.echo(params_text(options["framework"], *table, cell=cell))

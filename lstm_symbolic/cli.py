"""The ``lstm-symbolic`` command line: the click group and its commands.

Each command lives in a module of its concept (:mod:`.cli_shapes`: shapes, solve, params;
:mod:`.cli_cell`: derive, latex, diagram, verify; :mod:`.cli_files`: check, quiz, summary,
convert, inspect); it parses its options, calls one function of :mod:`.commands` and prints
what :mod:`.render` makes of the result.  :mod:`.cli_options` holds what they share.

Exit codes: 0 success; 1 a check found a problem (a shape contradiction, a
verification mismatch); 2 bad usage or bad input.  Errors are one ``Error:``
paragraph on stderr, never a traceback.
"""

from __future__ import annotations

import click

from . import __version__, cli_cell, cli_files, cli_shapes


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             invoke_without_command=True)
@click.version_option(__version__, prog_name="lstm-symbolic")
@click.pass_context
def main(ctx):
    """Shapes, equations and gradients of LSTM cells, checked symbolically.

    \b
    Examples:
      lstm-symbolic shapes -n 80 -k 12
      lstm-symbolic shapes -n n -k k --layout concat
      lstm-symbolic solve --shape W_f=50x20
      lstm-symbolic params -n 20 -k 50 --framework pytorch
      lstm-symbolic derive -n 20 -k 50 --jacobians
      lstm-symbolic check examples/gru.txt
      lstm-symbolic quiz "How many parameters does a PyTorch LSTM with input_size=10 and hidden_size=20 have?"
      lstm-symbolic latex -n 20 -k 50 -o lstm.tex
      lstm-symbolic verify -n 20 -k 50 --all --proj 3
      lstm-symbolic summary examples/keras_model.py
    """
    if ctx.invoked_subcommand is None:  # a bare `lstm-symbolic`: the overview, not a usage error
        click.echo(ctx.get_help())


for _command in (cli_shapes.shapes, cli_shapes.solve, cli_shapes.params,
                 cli_cell.derive, cli_cell.latex, cli_cell.diagram, cli_cell.verify,
                 cli_files.check, cli_files.quiz, cli_files.summary, cli_files.convert, cli_files.inspect):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()

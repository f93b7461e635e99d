"""The commands that read what a user wrote or saved: ``check``, ``quiz``, ``summary``, ``convert``
and ``inspect`` (each parses, calls the library once and prints what the renderers make of it)."""

from __future__ import annotations

import click

from .cli_options import (
    FORMAT_NAMES,
    FilePath,
    FiniteFloat,
    ShapeList,
    command,
    emit_json,
    finish,
    json_option,
    warn,
    weight_file_options,
)
from .framework_table import FRAMEWORKS

# each command imports lstm_symbolic.commands (and, through it, the library) when it runs, so
# that --help and the shell completion load only the option tables


@command()
@click.argument("file", type=FilePath(dir_okay=False, allow_dash=True))
@json_option("Print {\"ok\": ..., \"tensors\": ...} as JSON.")
@click.option("--latex", "as_latex", is_flag=True, help="Print the checked equations as LaTeX with dimensions.")
def check(file, as_json, as_latex):
    """Check a file of your own cell equations and infer every shape.

    One statement per line: declarations 'x_t : 80 x 1' (sizes may be symbols,
    'k x (n + k)') and equations 'f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)'.
    '@' is the matrix product, '*' the elementwise product, '[a; b]' stacks
    vertically, '.T' transposes; functions: sigmoid, tanh, relu, exp, softmax.
    Undeclared tensors get their shapes inferred; X_t has the shape of X_prev.

    Exit code 0 when consistent, 1 when a contradiction is found (all are listed),
    2 when the file cannot be parsed.  FILE may be '-' for standard input.

    \b
    Examples:
      lstm-symbolic check examples/gru.txt
      lstm-symbolic check examples/broken.txt
      lstm-symbolic check examples/lstm_bias_folded.txt --json
    """
    from . import commands
    from .render import check_data, check_text_report

    result, error = commands.check(file)
    for warning in result.warnings:
        warn(warning)
    if as_json:
        emit_json(check_data(result))
    elif as_latex:
        from .latex import equations_block

        click.echo(equations_block(result.equations, result.shapes))
    elif error is None:
        click.echo(check_text_report(result))
    finish(error)


@command()
@click.argument("question", required=False)
@click.option("--option", "options", multiple=True, help="An answer option (repeatable; lettered A, B, C ...).")
@click.option("--file", "path", type=FilePath(dir_okay=False, allow_dash=True), default=None,
              help="Read the question block (question, then its options) from FILE ('-' for stdin).")
@json_option('Print {"answer", "choices", "explanation", "understood"}.')
def quiz(as_json, **given):
    """Answer a quiz question about LSTM shapes, parameter counts, value ranges or values.

    Paste the question as a course quiz writes it (options as '- 50x1' lines, or
    'A. ...', 'a) ...', '1. ...'), or give QUESTION and --option.  An answer key in
    the paste ('Ans: ...') is ignored.  The answer is derived from the model built
    with the sizes the question gives; a conceptual question, or one missing a size,
    exits with 1 and says what is missing.

    \b
    Examples:
      lstm-symbolic quiz "For a LSTM network with input of dimension (20x1) and output of \\
          dimension (50x1), what will be the dimensions of the previous hidden state?" \\
          --option 50x50 --option 50x1 --option 1x50 --option 1x1
      lstm-symbolic quiz "How many parameters does a PyTorch LSTM with input_size=10 and hidden_size=20 have?"
      lstm-symbolic quiz --file question.txt --json
    """
    from . import commands
    from .render import quiz_data, quiz_text

    question, result = commands.quiz(**given)
    if as_json:
        emit_json(quiz_data(question, result))
    else:
        click.echo(quiz_text(question, result))


@command()
@click.argument("file", type=FilePath(dir_okay=False, allow_dash=True))
@click.option("--framework", type=click.Choice(["keras", "pytorch", "matlab"]), default=None,
              help="Read FILE as this framework's code (default: recognised from the names it uses).")
@click.option("--input-shape", type=ShapeList(), default=None,
              help="The input's full shape, batch included (5,7,10), where the code gives none (PyTorch).")
@json_option('Print {"framework", "layers": [{"name", "type", "output_shape", "params", ...}], '
             '"total_params", "complete", "problems"}.')
def summary(file, framework, input_shape, as_json):
    """Per layer output shape and parameter count of a Keras, PyTorch or MATLAB model definition.

    FILE ('-' for standard input) holds model code: a Keras Sequential model, model.add
    calls or functional code; a PyTorch module (its __init__ and forward) or nn.Sequential;
    a MATLAB layer array.  The code is read, never run.  Open dimensions are None (Keras),
    B / T (PyTorch, MATLAB), null in JSON.

    Exit codes: 0 when the summary is complete, and also when some code was not understood
    (the summary is then marked incomplete and each unread part is a warning on stderr);
    1 when the model contradicts itself (a layer that cannot take its input's shape);
    2 for input that is no model code.

    \b
    Examples:
      lstm-symbolic summary examples/keras_model.py
      lstm-symbolic summary examples/torch_model.py --input-shape 4,25
      lstm-symbolic summary examples/matlab_layers.m --json
      echo "nn.LSTM(10, 20, num_layers=2, batch_first=True)" | lstm-symbolic summary - --input-shape 5,7,10
    """
    from . import commands
    from .summary_text import summary_data, summary_text

    summarized = commands.summary(file, framework, input_shape)
    if as_json:
        emit_json(summary_data(summarized.result))
    else:
        click.echo(summary_text(summarized.result))
    for warning in summarized.warnings:
        warn(warning, "Warning:")
    finish(summarized.error)


@command()
@click.argument("source", type=FilePath(dir_okay=False))
@click.option("-o", "--output", type=FilePath(dir_okay=False), required=True,
              help="The file to write: .npz, .pt, .onnx (a runnable model) or .mat.")
@click.option("--from", "from_fw", type=click.Choice(list(FRAMEWORKS)), default=None,
              help="Framework of SOURCE (default: the format's own; for .npz recognised from the names).")
@click.option("--to", "to_fw", type=click.Choice(list(FRAMEWORKS)), default=None,
              help="Framework to write (default: the output format's own; needed for .npz).")
@weight_file_options
@click.option("--output-format", "out_format", type=click.Choice(FORMAT_NAMES), default=None,
              help="Format of the output (default: from its extension).")
@click.option("--forget-bias", type=FiniteFloat(), default=None,
              help="TF1 LSTMCell's forget_bias, added to the f block at run time (default 1.0; only with TF1).")
@click.option("--initial-states", is_flag=True, help="An .onnx output takes initial_h (and initial_c) inputs.")
@click.option("--dtype", type=click.Choice(["float32", "float64"]), default=None,
              help="Write the weights in this precision (default: as read).")
@json_option("Print what was written (arrays and their shapes, sizes) as JSON.")
def convert(source, output, from_fw, to_fw, in_format, prefix, cell, out_format, forget_bias, initial_states, dtype,
            as_json):
    """Convert recurrent-layer weights between frameworks and file formats.

    Gates are reordered, matrices transposed, biases merged or split: a canonical bias
    b = b_ih + b_hh; into PyTorch it goes to bias_ih and bias_hh is zero (ONNX: Wb and
    Rb likewise); TF1's forget_bias is folded in and out.  Reading .pt, .onnx,
    .weights.h5 and .mat files needs the framework's library (pip install
    'lstm_symbolic[torch]', [onnx], [keras], [matlab]).

    \b
    Examples:
      lstm-symbolic convert model.pt -o model.onnx
      lstm-symbolic convert model.pt --to keras -o keras.npz
      lstm-symbolic convert torch.npz --from pytorch --to keras -o keras.npz
    """
    from .render import convert_data, convert_text
    from .weightfiles import convert_file

    done = convert_file(source, output, from_fw, to_fw, in_format, out_format, prefix, cell, forget_bias,
                        initial_states, dtype)
    for message in done["warnings"]:
        warn(message)
    if as_json:
        emit_json(convert_data(done))
    else:
        click.echo(convert_text(done, output), err=True)


@command()
@click.argument("source", type=FilePath(dir_okay=False))
@click.option("--framework", type=click.Choice(list(FRAMEWORKS)), default=None,
              help="Read SOURCE as this framework (default: the format's own; .npz: recognised from the names).")
@weight_file_options
@json_option("Print what was found as JSON.")
def inspect(source, framework, in_format, prefix, cell, as_json):
    """Infer n, k, layers, directions and projection from a weights file; report inconsistencies.

    Exit code 1 when no framework reads the arrays consistently.

    \b
    Examples:
      lstm-symbolic inspect torch.npz
      lstm-symbolic inspect weights.npz --framework keras
      lstm-symbolic inspect model.pt --prefix encoder.lstm.
    """
    from . import commands
    from .render import inspection_data, inspection_text

    found, error = commands.inspect(source, framework, in_format, cell, prefix)
    if as_json:
        emit_json(inspection_data(found))
    else:
        click.echo(inspection_text(found))
    finish(error)

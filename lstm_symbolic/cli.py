"""The ``lstm-symbolic`` command line: parse options, call the library once, print.

Exit codes: 0 success; 1 a check found a problem (a shape contradiction, a
verification mismatch); 2 bad usage or bad input.  Errors are one ``Error:``
paragraph on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import re
import shlex
import sys

import click

from . import __version__, option_rules
from .errors import LstmSymbolicError, ShapeError, UsageError
from .families import FAMILIES, RNN_VARIANTS
from .framework_table import CELL_GATES, FRAMEWORKS
from .notations import NOTATIONS
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


SIZE, POSITIVE, ASSIGNMENT = SizeType(), PositiveInt(), Assignment()
FORMAT_NAMES = ["npz", "pt", "onnx", "keras-h5", "mat"]  # lstm_symbolic.weightfiles.FORMATS (not imported at start-up)
CELLS = list(CELL_GATES)


def fail(err):
    """Print an error paragraph and exit with its code."""
    click.echo(click.style("Error:", fg="red", bold=True) + " " + str(err), err=True)
    sys.exit(err.exit_code)


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


def warn(message):
    click.echo(click.style("warning:", fg="yellow") + " " + message, err=True)


class CheckedCommand(click.Command):
    """A command whose options are checked as a whole (``option_rules``) before it runs: a conflict
    is a usage error, an option given but not needed a warning."""

    def invoke(self, ctx):
        given = {name for name in ctx.params
                 if ctx.get_parameter_source(name) not in (click.core.ParameterSource.DEFAULT,
                                                           click.core.ParameterSource.DEFAULT_MAP)}
        try:
            found = option_rules.check_options(self.name, ctx.params, given)
        except LstmSymbolicError as err:
            fail(err)
        for message in found.warnings:
            warn(message)
        return super().invoke(ctx)


class CheckedGroup(click.Group):
    command_class = CheckedCommand


def emit_json(data):
    """Indented JSON with short lists kept on one line (``"W_f": [12, 80]``)."""
    import json  # (not at the top: --help and shape queries start faster without it)

    text = json.dumps(data, indent=2)
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    click.echo(text)


def family_options(command):
    """--cell and the options that choose a GRU's or a simple RNN's variant (the library checks the mix)."""
    options = [
        click.option("--cell", "family", type=click.Choice(list(FAMILIES)), default=None,
                     help="Cell family: lstm, gru (gated recurrent unit) or rnn (simple Elman RNN); default: lstm, "
                          "or the family whose options are given (--reset-after: gru, --nonlinearity: rnn)."),
        click.option("--reset-after/--reset-before", "reset_after", default=None,
                     help="GRU: the reset gate after the recurrent product (PyTorch, Keras' default; a second bias "
                          "per gate) or before it (Cho et al. 2014; the default unless --framework says otherwise)."),
        click.option("--nonlinearity", type=click.Choice(list(RNN_VARIANTS)), default=None,
                     help="Simple RNN: tanh (default) or relu."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def cell_options(command=None, numeric=False):
    """The options every cell-building command shares (``numeric``: sizes must be integers)."""
    if command is None:
        return functools.partial(cell_options, numeric=numeric)
    size, kind = (POSITIVE, "a positive integer") if numeric else (SIZE, "an integer or a symbol name")
    options = [
        click.option("-n", "--input", "input_size", type=size, required=True,
                     help=f"Input size n (features of x_t): {kind}."),
        click.option("-k", "--hidden", "hidden_size", type=size, required=True,
                     help=f"Hidden size k (units): {kind}."),
        family_options,
        click.option("--variant", type=click.Choice(list(VARIANTS)), default=None,
                     help="LSTM variant (default: standard; projection when --proj is given)."),
        click.option("--layout", type=click.Choice(list(LAYOUTS)), default="separate", show_default=True,
                     help="separate: W@x + U@h + b; concat: W@[h; x] + b; augmented: W@[1; h; x]."),
        click.option("--proj", "proj_size", type=size, default=None,
                     help="Projection size p (LSTMP, PyTorch's proj_size)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def build_cell(input_size, hidden_size, variant, layout, proj_size, family=None, reset_after=None,
               nonlinearity=None):
    from .cell import make_cell
    from .families import choose_cell

    family, chosen = choose_cell(family, variant, reset_after, nonlinearity, proj_size)
    return make_cell(family, input_size, hidden_size, chosen, layout, proj_size)


@click.group(cls=CheckedGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
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


@main.command()
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
@click.option("--json", "as_json", is_flag=True, help="Print {\"dims\": ..., \"tensors\": ...} as JSON.")
@library_errors
def shapes(input_size, hidden_size, family, reset_after, nonlinearity, variant, layout, proj_size, batch, steps,
           show_equations, framework, layers, bidirectional, batch_first, return_sequences, output_mode, dense, as_json):
    """Every tensor's shape for input size n and hidden size k.

    \b
    Examples:
      lstm-symbolic shapes -n 80 -k 12
      lstm-symbolic shapes -n n -k k                 # symbolic: W_f is k x n
      lstm-symbolic shapes -n 20 -k 50 --layout concat
      lstm-symbolic shapes -n 10 -k 6 --proj 3 --json
      lstm-symbolic shapes -n 80 -k 12 --cell gru --reset-after
    """
    from .builtin_shapes import cell_shapes  # the SymPy-free table for integer sizes
    from .families import choose_cell
    from .render import equations_text, framework_shapes_text, json_dim, shapes_data, shapes_table

    family, chosen = choose_cell(family, variant, reset_after, nonlinearity, proj_size, framework)
    cell = cell_shapes(input_size, hidden_size, chosen, layout, proj_size, batch, family)
    sequence = whole = None
    if framework is not None:
        from .render import framework_parameters
        from .sequences import sequence_shapes

        if not all(isinstance(v, int) for v in (input_size, hidden_size)):
            raise UsageError("framework sequence shapes need numeric -n and -k")
        sequence = sequence_shapes(framework, input_size, hidden_size, batch if batch != 1 or framework in
                                   ("pytorch", "onnx") else None, steps, layers, bidirectional, proj_size,
                                   batch_first, return_sequences, output_mode, dense, cell=family)
        whole = framework_parameters(framework, input_size, hidden_size, layers, bidirectional, proj_size,
                                     chosen, family)
    if as_json:
        data = shapes_data(cell, steps)
        if show_equations:
            data["equations"] = cell.equation_texts()
        if sequence is not None:
            data["framework"] = {"name": framework,
                                 "shapes": {k: [json_dim(d) if not isinstance(d, str) else d for d in v]
                                            for k, v in sequence.items()},
                                 "parameters": whole}
        emit_json(data)
        return
    click.echo(shapes_table(cell, steps, one_cell=sequence is not None))
    if sequence is not None:
        click.echo("\n" + framework_shapes_text(framework, sequence, whole, cell.family))
    if show_equations:
        click.echo("\nequations:\n" + equations_text(cell))


@main.command()
@click.option("--shape", "given", type=ASSIGNMENT, multiple=True, required=True,
              help="A known shape NAME=ROWSxCOLS (repeatable), e.g. W_f=50x20.")
@click.option("-n", "--input", "input_size", type=SIZE, default=None, help="Input size n, if known.")
@click.option("-k", "--hidden", "hidden_size", type=SIZE, default=None, help="Hidden size k, if known.")
@family_options
@click.option("--variant", type=click.Choice(list(VARIANTS)), default=None,
              help="LSTM variant whose equations relate the shapes (default: standard; projection with --proj).")
@click.option("--layout", type=click.Choice(list(LAYOUTS)), default="separate", show_default=True,
              help="separate: W@x + U@h + b; concat: W@[h; x] + b; augmented: W@[1; h; x].")
@click.option("--proj", "proj_size", type=SIZE, default=None, help="Projection size p, if known.")
@click.option("--json", "as_json", is_flag=True, help="Print {\"dims\": ..., \"tensors\": ...} as JSON.")
@library_errors
def solve(given, input_size, hidden_size, family, reset_after, nonlinearity, variant, layout, proj_size, as_json):
    """Infer every shape from a few known ones, or explain why they contradict.

    Exit code 1 when the shapes contradict each other or leave a size undetermined.

    \b
    Examples:
      lstm-symbolic solve --shape W_f=50x20
      lstm-symbolic solve --shape W_f=50x20 --shape h_prev=40x1    # contradiction
      lstm-symbolic solve --layout concat --shape W_i=50x70
      lstm-symbolic solve --cell gru --shape W_z=50x20
    """
    from .cell import solve as solve_shapes
    from .families import choose_cell
    from .render import shapes_data, shapes_table, swapped_size_hint

    shapes_given = {}
    for name, shape in given:
        if name in shapes_given and shapes_given[name] != shape:
            raise UsageError(f"{name} is given twice with different shapes")
        shapes_given[name] = shape
    family, chosen = choose_cell(family, variant, reset_after, nonlinearity, proj_size)
    cell = solve_shapes(shapes_given, chosen, layout, input_size, hidden_size, proj_size, family)
    hint = swapped_size_hint(cell, shapes_given)
    if hint:
        warn(hint)
    if as_json:
        emit_json(shapes_data(cell))
    else:
        click.echo(shapes_table(cell))


@main.command()
@click.argument("file", type=FilePath(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print {\"ok\": ..., \"tensors\": ...} as JSON.")
@click.option("--latex", "as_latex", is_flag=True, help="Print the checked equations as LaTeX with dimensions.")
@library_errors
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
    from .checker import check_file
    from .render import check_data, check_text_report

    result = check_file(file)
    for warning in result.warnings:
        warn(warning)
    if as_json:
        emit_json(check_data(result))
    elif as_latex:
        from .latex import equations_block

        click.echo(equations_block(result.equations, result.shapes))
    elif result.ok:
        click.echo(check_text_report(result))
    if not result.ok:
        count = len(result.errors)
        head = f"{count} shape problem{'s' if count > 1 else ''} in {result.filename}"
        click.echo(click.style("Error:", fg="red", bold=True) + f" {head}\n\n" + "\n\n".join(result.errors), err=True)
        sys.exit(1)


@main.command()
@click.argument("question", required=False)
@click.option("--option", "options", multiple=True, help="An answer option (repeatable; lettered A, B, C ...).")
@click.option("--file", "path", type=FilePath(dir_okay=False, allow_dash=True), default=None,
              help="Read the question block (question, then its options) from FILE ('-' for stdin).")
@click.option("--json", "as_json", is_flag=True, help='Print {"answer", "choices", "explanation", "understood"}.')
@library_errors
def quiz(question, options, path, as_json):
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
    from .inputs import read_text
    from .quiz import answer_question, parse_block
    from .quiz_reading import MAX_QUESTION_CHARS

    if path is not None and question:
        raise UsageError("give the question either as an argument or with --file, not both")
    if path is not None:
        text = read_text(path, MAX_QUESTION_CHARS, "a question")
    elif question is not None:
        text = question
    elif not sys.stdin.isatty():
        text = read_text("-", MAX_QUESTION_CHARS, "a question")
    else:
        raise UsageError('no question: lstm-symbolic quiz "QUESTION" [--option TEXT ...], or pipe the question block')
    q = parse_block(text, options)
    result = answer_question(q)
    if as_json:
        data = {"answer": result.answer}
        if q.options:
            data["choices"] = result.choices
        data["explanation"] = result.explanation
        data["understood"] = result.understood
        if result.key is not None:
            data["key"] = result.key
        emit_json(data)
        return
    click.echo(f"answer: {result.answer}")
    if q.options:
        letters = {chr(ord("A") + i): o for i, o in enumerate(q.options)}
        chosen = ", ".join(f"{c}. {letters[c]}" for c in result.choices) or "none of the options"
        click.echo(f"choice: {chosen}")
    click.echo("")
    click.echo(result.explanation)


class ShapeList(click.ParamType):
    """A shape written as comma-separated positive integers: 5,7,10."""

    name = "D1,D2,..."

    def convert(self, value, param, ctx):
        parts = [p.strip() for p in str(value).replace("x", ",").split(",")]
        if not parts or not all(p.isdigit() and int(p) > 0 for p in parts) or len(parts) > 16:
            self.fail(f"expected positive integers separated by commas, such as 5,7,10; got {value!r}", param, ctx)
        return tuple(int(p) for p in parts)


@main.command()
@click.argument("file", type=FilePath(dir_okay=False, allow_dash=True))
@click.option("--framework", type=click.Choice(["keras", "pytorch", "matlab"]), default=None,
              help="Read FILE as this framework's code (default: recognised from the names it uses).")
@click.option("--input-shape", type=ShapeList(), default=None,
              help="The input's full shape, batch included (5,7,10), where the code gives none (PyTorch).")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"framework", "layers": [{"name", "type", "output_shape", "params", ...}], '
                   '"total_params", "complete", "problems"}.')
@library_errors
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
    from .modelcode import MAX_MODEL_CHARS
    from .output import read_text
    from .summary import summarize
    from .summary_text import problem_text, summary_data, summary_text

    result = summarize(read_text(file, MAX_MODEL_CHARS), framework, input_shape)
    if as_json:
        emit_json(summary_data(result))
    else:
        click.echo(summary_text(result))
    for problem in result.problems:
        if problem.kind != "contradiction":
            click.echo(click.style("Warning:", fg="yellow", bold=True) + " " + problem_text(problem), err=True)
    if result.contradictions:
        fail(ShapeError("\n".join(problem_text(p) for p in result.contradictions)))


@main.command()
@cell_options
@click.option("--jacobians", is_flag=True, help="Also print the gradient-flow Jacobians and what they mean.")
@click.option("--json", "as_json", is_flag=True, help="Print the equations (and Jacobians) as JSON.")
@library_errors
def derive(input_size, hidden_size, family, reset_after, nonlinearity, variant, layout, proj_size, jacobians,
           as_json):
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
    from .render import derivation_data, derivation_text

    cell = build_cell(input_size, hidden_size, variant, layout, proj_size, family, reset_after, nonlinearity)
    derivation = cell.backward()
    flow = cell.jacobians() if jacobians else None
    if as_json:
        emit_json(derivation_data(derivation, flow))
    else:
        click.echo(derivation_text(derivation, flow))


@main.command()
@cell_options
@click.option("--notation", type=click.Choice(list(NOTATIONS)), default="standard", show_default=True,
              help="standard, course (W_fF, W_fR), greff (W, R, p), pytorch (W_if, W_hf), gates (g^forget ...).")
@click.option("--derivatives", is_flag=True, help="Add the backward equations and the gradient-flow Jacobians.")
@click.option("--fragment", is_flag=True, help="Only the equation blocks (align*), no preamble.")
@click.option("-o", "--output", type=FilePath(dir_okay=False, allow_dash=True), default="-",
              help="Write to FILE (default: standard output).")
@library_errors
def latex(input_size, hidden_size, family, reset_after, nonlinearity, variant, layout, proj_size, notation, derivatives,
          fragment, output):
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
    from .document import document
    from .families import check_notation
    from .notations import get_notation
    from .output import write_output

    chosen = get_notation(notation)
    cell = build_cell(input_size, hidden_size, variant, layout, proj_size, family, reset_after, nonlinearity)
    check_notation(cell.family.name, chosen.name)
    source = document(cell, chosen, derivatives=derivatives, fragment=fragment)
    if output == "-":
        click.echo(source, nl=False)
    else:
        write_output(output, source)
        click.echo(f"wrote {output}", err=True)


@main.command()
@cell_options
@click.option("-o", "--output", type=FilePath(dir_okay=False, allow_dash=True), default="-",
              help="FILE.dot, FILE.svg or FILE.png (default: DOT on standard output).")
@library_errors
def diagram(input_size, hidden_size, family, reset_after, nonlinearity, variant, layout, proj_size, output):
    """The cell as a Graphviz graph, every edge labelled with its tensor and shape.

    Writes DOT; renders SVG or PNG when the output name ends in .svg or .png and
    Graphviz's 'dot' program is installed.

    \b
    Examples:
      lstm-symbolic diagram -n 20 -k 50 -o lstm.svg
      lstm-symbolic diagram -n n -k k --variant peephole -o peephole.dot
      lstm-symbolic diagram -n 20 -k 50 --cell gru -o gru.svg
    """
    from .diagram import dot_source, render
    from .output import write_output

    cell = build_cell(input_size, hidden_size, variant, layout, proj_size, family, reset_after, nonlinearity)
    dot = dot_source(cell)
    if output == "-":
        click.echo(dot, nl=False)
        return
    fmt = output.rsplit(".", 1)[-1].lower() if "." in output else "dot"
    if fmt in ("svg", "png"):
        image = render(dot, fmt)
        if image is None:
            dot_path = output.rsplit(".", 1)[0] + ".dot"
            write_output(dot_path, dot)
            raise UsageError(
                f"cannot render {output}: Graphviz's 'dot' program is not installed. The DOT source was written "
                f"to {dot_path}; install Graphviz (apt-get install graphviz, brew install graphviz, or "
                f"conda install graphviz) and run: dot -T{fmt} {shlex.quote(dot_path)} -o {shlex.quote(output)}"
            )
        write_output(output, image)
    elif fmt == "dot" or fmt == "gv":
        write_output(output, dot)
    else:
        raise UsageError(f"unknown diagram format .{fmt}: name the output FILE.dot, FILE.svg or FILE.png")
    click.echo(f"wrote {output}", err=True)


@main.command()
@click.option("-n", "--input", "input_size", type=POSITIVE, required=True, help="Input size n.")
@click.option("-k", "--hidden", "hidden_size", type=POSITIVE, required=True, help="Hidden size k.")
@click.option("--framework", type=click.Choice(list(FRAMEWORKS)), default=None,
              help="Count the framework's own tensors (default: the canonical cell).")
@click.option("--layers", type=POSITIVE, default=1, show_default=True, help="Stacked layers.")
@click.option("--bidirectional", is_flag=True, help="Two directions.")
@click.option("--proj", "proj_size", type=POSITIVE, default=None, help="Projection size p.")
@click.option("--variant", type=click.Choice(["standard", "peephole", "projection"]), default=None,
              help="standard, peephole (ONNX, TF1; with --proj both, TF1) or projection (PyTorch, TF1; implied by "
                   "--proj).")
@click.option("--cell", type=click.Choice(CELLS), default=None,
              help="The recurrent cell family: LSTM (default), GRU or simple RNN.")
@click.option("--reset-after/--reset-before", default=None,
              help="A GRU's reset gate after the recurrent product (PyTorch, Keras' default) or before it "
                   "(implies --cell gru).")
@click.option("--json", "as_json", is_flag=True, help='Print {"total": N, "tensors": {...}, "formula": "..."}.')
@library_errors
def params(input_size, hidden_size, framework, layers, bidirectional, proj_size, variant, cell, reset_after,
           as_json):
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
    from .render import params_data, params_text
    from .sequences import parameter_table

    cell = cell or ("gru" if reset_after is not None else "lstm")
    table = parameter_table(framework, input_size, hidden_size, layers, bidirectional, proj_size, variant=variant,
                            cell=cell, reset_after=reset_after)
    if as_json:
        emit_json(params_data(*table))
    else:
        click.echo(params_text(framework, *table, cell=cell))


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




def weight_file_options(command):
    """Options of the commands that read a weight file."""
    for option in reversed([
        click.option("--format", "in_format", type=click.Choice(FORMAT_NAMES), default=None,
                     help="Format of SOURCE (default: from its extension: .npz, .pt/.pth, .onnx, .weights.h5, .mat)."),
        click.option("--prefix", default=None,
                     help="Read the layer whose array names start with this (encoder.lstm. of a whole module's "
                          "state dict; a layer name of a .weights.h5 file)."),
        click.option("--cell", type=click.Choice(CELLS), default=None,
                     help="The recurrent cell family (default: recognised from the shapes)."),
    ]):
        command = option(command)
    return command


@main.command()
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
@click.option("--json", "as_json", is_flag=True, help="Print what was written (arrays and their shapes, sizes) as JSON.")
@library_errors
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
    from .weightfiles import convert_file

    done = convert_file(source, output, from_fw, to_fw, in_format, out_format, prefix, cell, forget_bias,
                        initial_states, dtype)
    for message in done["warnings"]:
        warn(message)
    if as_json:
        emit_json({key: value for key, value in done.items() if key not in ("title", "warnings")})
        return
    sizes = ", ".join(f"{key} = {done[key]}" for key in ("n", "k", "p") if key in done)
    for note in done["notes"]:
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {output}: {_plural(len(done['arrays']), 'array')} in {done['title']}'s layout "
               f"({_plural(done['layers'], 'layer')}, {_plural(done['directions'], 'direction')}, {sizes}); "
               f"list them with: lstm-symbolic inspect {shlex.quote(output)}", err=True)


def _plural(count, noun):
    return f"{count} {noun}{'' if count == 1 else 's'}"


@main.command()
@click.argument("source", type=FilePath(dir_okay=False))
@click.option("--framework", type=click.Choice(list(FRAMEWORKS)), default=None,
              help="Read SOURCE as this framework (default: the format's own; .npz: recognised from the names).")
@weight_file_options
@click.option("--json", "as_json", is_flag=True, help="Print what was found as JSON.")
@library_errors
def inspect(source, framework, in_format, prefix, cell, as_json):
    """Infer n, k, layers, directions and projection from a weights file; report inconsistencies.

    Exit code 1 when no framework reads the arrays consistently.

    \b
    Examples:
      lstm-symbolic inspect torch.npz
      lstm-symbolic inspect weights.npz --framework keras
      lstm-symbolic inspect model.pt --prefix encoder.lstm.
    """
    from .render import inspection_data, inspection_text
    from .weightfiles import inspect_file

    found = inspect_file(source, framework, in_format, cell, prefix)
    data = inspection_data(found)
    if as_json:
        emit_json(data)
    else:
        click.echo(inspection_text(found))
    if not data["readings"]:
        which = found["requested"] or "any framework"
        hint = (f"; they do read as {' and '.join(found['alternatives'])} weights (leave out --framework)"
                if found["alternatives"] else "")
        fail(ShapeError(f"{source} is not consistent recurrent-layer weights for {which} (the problems are listed "
                        f"above){hint}"))


@main.command()
@cell_options(numeric=True)
@click.option("--batch", type=POSITIVE, default=3, show_default=True, help="Batch size B.")
@click.option("--steps", type=POSITIVE, default=5, show_default=True, help="Time steps T.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True, help="Random seed.")
@click.option("--all", "every", is_flag=True,
              help="Verify every variant x layout (the projection variant with --proj, by default k // 2).")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@library_errors
def verify(input_size, hidden_size, family, reset_after, nonlinearity, variant, layout, proj_size, batch, steps, seed,
           every, as_json):
    """Check the lambdify-compiled cell against an independent NumPy LSTM (or GRU, simple RNN).

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
    from .render import verification_data, verification_summary, verification_text
    from .verification import default_projection, verify_every
    from .verification import verify as run_verify

    if every:
        from .families import choose_cell

        family = choose_cell(family, variant, reset_after, nonlinearity, proj_size)[0]
        projecting = any(v.projection for v in FAMILIES[family].variants.values())
        p = default_projection(hidden_size) if proj_size is None and projecting else proj_size
        reports = verify_every(input_size, hidden_size, p, batch, steps, seed, family)
    else:
        cell = build_cell(input_size, hidden_size, variant, layout, proj_size, family, reset_after, nonlinearity)
        reports = [run_verify(cell, batch, steps, seed)]
    if as_json:
        data = [verification_data(r) for r in reports]
        emit_json(data if every else data[0])
    else:
        click.echo("\n\n".join(verification_text(r) for r in reports))
        if every:
            click.echo("\n" + verification_summary(reports, p, proj_size is None))
    if not all(r.ok for r in reports):
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()

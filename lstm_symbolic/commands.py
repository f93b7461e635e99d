"""One library function per command of ``lstm-symbolic``: what the command decides, as data.

The command line parses options, calls the function of its command here and renders what it
returns (``render.py``); every choice a command makes (which cell the options mean, how a
framework shows an unspecified batch, which diagram format a file name asks for, what a failed
inspection says) is made here.  A result that must end the command with an error after its
output is printed carries that error (``error``) instead of raising it.  Each function imports
the modules it needs, so that a command loads only its own part of the library (``shapes`` with
integer sizes: no SymPy).

>>> answer = shapes(80, 12)
>>> answer.cell.shapes()["W_f"], answer.sequence
((12, 80), None)
>>> parameter_count(20, 50, reset_after=True)[0]
'gru'
"""

from __future__ import annotations

import shlex
import sys
from typing import NamedTuple

from .errors import ShapeError, UsageError


def build_cell(input_size, hidden_size, family=None, reset_after=None, nonlinearity=None, variant=None,
               layout="separate", proj_size=None):
    """The symbolic cell the cell options describe (the family chosen from the options given)."""
    from .cell import make_cell
    from .families import choose_cell

    family, chosen = choose_cell(family, variant, reset_after, nonlinearity, proj_size)
    return make_cell(family, input_size, hidden_size, chosen, layout, proj_size)


class ShapesAnswer(NamedTuple):
    """The cell's shapes; with a framework also its sequence shapes and whole-layer parameter count."""

    cell: object  # a shape sheet (builtin_shapes.cell_shapes)
    framework: str | None = None
    sequence: dict | None = None
    parameters: int | None = None


def shapes(input_size, hidden_size, family=None, reset_after=None, nonlinearity=None, variant=None,
           layout="separate", proj_size=None, batch=1, steps=None, framework=None, layers=1, bidirectional=False,
           batch_first=False, return_sequences=None, output_mode=None, dense=None):
    """Every tensor's shape (SymPy-free for integer sizes); with ``framework`` the layer's sequence shapes."""
    from .builtin_shapes import cell_shapes
    from .families import choose_cell

    family, chosen = choose_cell(family, variant, reset_after, nonlinearity, proj_size, framework)
    cell = cell_shapes(input_size, hidden_size, chosen, layout, proj_size, batch, family)
    if framework is None:
        return ShapesAnswer(cell)
    from .sequences import sequence_shapes

    if not all(isinstance(v, int) for v in (input_size, hidden_size)):
        raise UsageError(f"--framework {framework} lays out sequences of numbers: give -n and -k as integers "
                         f"(got -n {input_size} -k {hidden_size})")
    sequence = sequence_shapes(framework, input_size, hidden_size, _framework_batch(framework, batch), steps, layers,
                               bidirectional, proj_size, batch_first, return_sequences, output_mode, dense,
                               cell=family)
    whole = framework_parameters(framework, input_size, hidden_size, layers, bidirectional, proj_size, chosen, family)
    return ShapesAnswer(cell, framework, sequence, whole)


def _framework_batch(framework, batch):
    """The batch to lay out: the default batch of one (``--batch`` not given, or 1) is ``None`` for a
    framework that shows an unknown batch its own way (Keras' ``None``; MATLAB leaves the axis out),
    and stays 1 for one whose placeholder is the letter B (PyTorch, ONNX)."""
    from .framework_table import get_framework

    fw = get_framework(framework)
    own_way = fw.batch_default != "B" or fw.batchless
    return None if batch == 1 and own_way else batch


def framework_parameters(framework, n, k, layers, bidirectional, proj, variant, family="lstm"):
    """The framework's whole-layer parameter count (as ``params`` gives it), or ``None`` when the
    framework has no such layer (a variant no framework computes, symbolic sizes)."""
    from .families import FAMILIES
    from .sequences import parameter_table

    options = _layer_options(FAMILIES[family], variant)
    if options is None or not all(isinstance(v, int) for v in (n, k)):
        return None
    try:
        return parameter_table(framework, n, k, layers, bidirectional, proj, cell=family, **options)[0]
    except UsageError:
        return None


def _layer_options(fam, variant):
    """``parameter_table``'s keywords for a variant of the family ``fam``, or ``None`` for an LSTM
    variant that no framework layer computes (no forget gate, a coupled one, no output tanh)."""
    from .framework_table import framework_variants

    if fam.option == "variant":  # the LSTM's table: only its framework variants are a framework's layer
        return {"variant": variant} if variant in framework_variants() else None
    return {"reset_after": fam.variants[variant].reset_after} if fam.option == "reset_after" else {}


class Solved(NamedTuple):
    """The solved cell, the shapes as given, and a hint when the size names changed places."""

    cell: object
    given: dict
    hint: str | None


def solve(given, input_size=None, hidden_size=None, family=None, reset_after=None, nonlinearity=None, variant=None,
          layout="separate", proj_size=None):
    """Solve the cell for the ``(name, shape)`` pairs ``given`` (a name given twice must agree)."""
    from .cell import solve as solve_shapes
    from .families import choose_cell
    from .render import swapped_size_hint

    shapes_given = {}
    for name, shape in given:
        if name in shapes_given and shapes_given[name] != shape:
            raise UsageError(f"{name} is given twice with different shapes")
        shapes_given[name] = shape
    family, chosen = choose_cell(family, variant, reset_after, nonlinearity, proj_size)
    cell = solve_shapes(shapes_given, chosen, layout, input_size, hidden_size, proj_size, family)
    return Solved(cell, shapes_given, swapped_size_hint(cell, shapes_given))


class Checked(NamedTuple):
    result: object  # checker.CheckResult
    error: ShapeError | None


def check(path):
    """Check a file of equations; the error lists every shape problem found."""
    from .checker import check_file

    result = check_file(path)
    if result.ok:
        return Checked(result, None)
    count = len(result.errors)
    head = f"{count} shape problem{'s' if count > 1 else ''} in {result.filename}"
    return Checked(result, ShapeError(f"{head}\n\n" + "\n\n".join(result.errors)))


class Answered(NamedTuple):
    question: object  # quiz.Question
    result: object  # quiz.Answer


def quiz(question=None, options=(), path=None):
    """Answer the question given as text, read from ``path``, or piped on standard input."""
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
    return Answered(q, answer_question(q))


class Summarized(NamedTuple):
    result: object  # summary.Summary
    warnings: list  # the parts not understood, one paragraph each
    error: ShapeError | None  # the contradictions


def summary(path, framework=None, input_shape=None):
    """Summarize the model code in ``path``; contradictions become the error, other problems warnings."""
    from .inputs import read_text
    from .modelcode import MAX_MODEL_CHARS
    from .summary import summarize
    from .summary_text import problem_text

    result = summarize(read_text(path, MAX_MODEL_CHARS), framework, input_shape)
    warnings = [problem_text(p) for p in result.problems if p.kind != "contradiction"]
    error = ShapeError("\n".join(problem_text(p) for p in result.contradictions)) if result.contradictions else None
    return Summarized(result, warnings, error)


def derive(jacobians=False, **cell_options):
    """``(backward program, gradient-flow Jacobians or None)`` of the cell."""
    cell = build_cell(**cell_options)
    return cell.backward(), cell.jacobians() if jacobians else None


def latex(output="-", notation="standard", derivatives=False, fragment=False, **cell_options):
    """The LaTeX document of the cell: returned when ``output`` is ``-``, else written there (``None``)."""
    from .document import document
    from .families import check_notation
    from .notations import get_notation

    chosen = get_notation(notation)
    cell = build_cell(**cell_options)
    check_notation(cell.family.name, chosen.name)
    return _deliver(output, document(cell, chosen, derivatives=derivatives, fragment=fragment))


def _deliver(output, data):
    if output == "-":
        return data
    from .output import write_output

    write_output(output, data)
    return None


#: Diagram formats by file-name extension (a name without one is DOT).
DIAGRAM_FORMATS = {"dot": "dot", "gv": "dot", "svg": "image", "png": "image"}


def diagram(output="-", **cell_options):
    """The cell's Graphviz DOT: returned when ``output`` is ``-``, else written (rendered for .svg and
    .png; without Graphviz the DOT goes beside and the error says how to render it)."""
    from .diagram import dot_source, render

    dot = dot_source(build_cell(**cell_options))
    if output == "-":
        return dot
    fmt = output.rsplit(".", 1)[-1].lower() if "." in output else "dot"
    kind = DIAGRAM_FORMATS.get(fmt)
    if kind is None:
        raise UsageError(f"unknown diagram format .{fmt}: name the output FILE.dot, FILE.svg or FILE.png")
    image = render(dot, fmt) if kind == "image" else dot
    if image is None:
        dot_path = output.rsplit(".", 1)[0] + ".dot"
        _deliver(dot_path, dot)
        raise UsageError(
            f"cannot render {output}: Graphviz's 'dot' program is not installed. The DOT source was written "
            f"to {dot_path}; install Graphviz (apt-get install graphviz, brew install graphviz, or "
            f"conda install graphviz) and run: dot -T{fmt} {shlex.quote(dot_path)} -o {shlex.quote(output)}"
        )
    return _deliver(output, image)


class Verified(NamedTuple):
    """The reports; with ``every``, the projection size used and whether it was chosen here."""

    reports: list
    every: bool
    proj_size: int | None
    proj_chosen: bool

    @property
    def ok(self):
        return all(r.ok for r in self.reports)


def verify(batch=3, steps=5, seed=0, every=False, **cell_options):
    """Verify the cell (``every``: every variant and layout of its family) against the NumPy reference."""
    from .verification import default_projection, verify_every
    from .verification import verify as verify_cell

    proj_size = cell_options.get("proj_size")
    if not every:
        return Verified([verify_cell(build_cell(**cell_options), batch, steps, seed)], False, proj_size, False)
    from .families import FAMILIES, choose_cell

    family = choose_cell(cell_options.get("family"), cell_options.get("variant"), cell_options.get("reset_after"),
                         cell_options.get("nonlinearity"), proj_size)[0]
    projecting = any(v.projection for v in FAMILIES[family].variants.values())
    p = default_projection(cell_options["hidden_size"]) if proj_size is None and projecting else proj_size
    reports = verify_every(cell_options["input_size"], cell_options["hidden_size"], p, batch, steps, seed, family)
    return Verified(reports, True, p, proj_size is None)


def parameter_count(input_size, hidden_size, framework=None, layers=1, bidirectional=False, proj_size=None,
                    variant=None, cell=None, reset_after=None):
    """``(cell family, (total, {tensor: shape}, formula))``; the family is the GRU when only
    ``reset_after`` names one."""
    from .families import choose_cell
    from .sequences import parameter_table

    if cell is None:
        cell = choose_cell(reset_after=reset_after)[0]
    table = parameter_table(framework, input_size, hidden_size, layers, bidirectional, proj_size, variant=variant,
                            cell=cell, reset_after=reset_after)
    return cell, table


class Inspected(NamedTuple):
    found: dict  # weightfiles.inspect_file's answer
    error: ShapeError | None  # when no framework reads the arrays consistently


def inspect(source, framework=None, in_format=None, cell=None, prefix=None):
    """What a weight file holds; the error, when nothing reads it, names the frameworks that would."""
    from .weightfiles import inspect_file

    found = inspect_file(source, framework, in_format, cell, prefix)
    if any(not isinstance(m, Exception) for m in found["readings"].values()):
        return Inspected(found, None)
    which = found["requested"] or "any framework"
    hint = (f"; they do read as {' and '.join(found['alternatives'])} weights (leave out --framework)"
            if found["alternatives"] else "")
    return Inspected(found, ShapeError(f"{source} is not consistent recurrent-layer weights for {which} (the "
                                       f"problems are listed above){hint}"))

"""Error messages, word for word: they are part of the interface.

The library's messages first (the solver's, the cell's), then every command's main bad-input
errors as the command line prints them: the exact text on stderr and the exit code.
"""

import shlex
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner

from lstm_symbolic import LSTMCell, ShapeError, UsageError, solve
from lstm_symbolic.cli import main
from lstm_symbolic.equations import build_program
from lstm_symbolic.solver import solve_program


def message(exc_info):
    return str(exc_info.value)


def test_product_with_wrong_inner_size():
    with pytest.raises(ShapeError) as err:
        solve_program(build_program("standard", "separate"), {"n": 80, "k": 12}, {"W_f": (12, 81)})
    assert message(err) == textwrap.dedent("""\
        cannot multiply W_f @ x_t in the equation for f_t
          W_f : 12 x 81
          x_t : 80 x 1
          expected W_f to have 80 columns (the rows of x_t), got 81
          bindings: n = 80, k = 12""")


def test_hidden_state_against_weight_rows():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 20), "h_prev": (40, 1)})
    assert message(err) == textwrap.dedent("""\
        inconsistent sizes: the rows of h_prev must equal the rows of W_f
          h_prev : 40 x 1 (given)
          W_f    : 50 x 20 (given)
          expected the rows of h_prev to be 50, got 40
          because:
            rows of W_f = rows of f_t      f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)
            rows of f_t = rows of c_t      c_t = f_t * c_prev + i_t * g_t
            rows of c_t = rows of o_t      o_t * tanh(c_t) in the equation for h_t
            rows of o_t = rows of h_t      h_t = o_t * tanh(c_t)
            rows of h_t = rows of h_prev   recurrence: h_t becomes the next step's h_prev
          bindings: n = 20, k = 50
          hint: in the standard cell (separate layout), W_f is k x n, h_prev is k x 1""")


def test_bias_with_wrong_rows():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 20), "b_f": (7, 2)})
    assert message(err) == textwrap.dedent("""\
        cannot add W_f @ x_t + U_f @ h_prev + b_f in the equation for f_t
          W_f @ x_t    : 50 x 1
          U_f @ h_prev : 50 x 1
          b_f          : 7 x 2
          expected the rows of b_f to be 50 (the rows of W_f), got 7
          the 50 comes from W_f : 50 x 20 (given)
          bindings: n = 20, k = 50
          hint: in the standard cell (separate layout), W_f is k x n, b_f is k x 1""")


def test_bias_that_is_not_a_column():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 20), "b_f": (50, 2)})
    assert message(err).splitlines()[:3] == [
        "b_f must be a column vector: it is added to every column of the batch (b_f @ 1^T) in the equation for f_t",
        "  b_f : 50 x 2",
        "  expected b_f to have 1 column, got 2",
    ]


def test_non_square_recurrent_weight_names_both():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 20), "U_f": (50, 40)})
    lines = message(err).splitlines()
    assert lines[0] == "inconsistent sizes: the columns of U_f must equal the rows of W_f"
    assert lines[3] == "  expected the columns of U_f to be 50, got 40"
    assert lines[-1] == "  hint: in the standard cell (separate layout), W_f is k x n, U_f is k x k"


def test_concatenation_too_small():
    with pytest.raises(ShapeError) as err:
        solve({"W_f": (50, 40)}, layout="concat")
    assert message(err).splitlines()[:4] == [
        "cannot fit [h_prev; x_t] in the equation for z_t",
        "  its rows must total 40 (W_f : 50 x 40 (given))",
        "  but rows of h_prev = 50, which leaves -10 for the rows of x_t",
        "  sizes are at least 1",
    ]


def test_missing_size():
    with pytest.raises(ShapeError) as err:
        solve({"b_f": (50, 1)})
    assert message(err) == textwrap.dedent("""\
        cannot determine n (the input size: features of x_t): no given shape fixes it; it is the rows of x_t, \
the columns of W_f, the columns of W_i, the columns of W_g, the columns of W_o. Give one of those shapes \
(e.g. x_t=20x1) or n itself (-n, input_size=).
          given: b_f
          bindings: n = ?, k = 50""")


def test_unknown_tensor():
    with pytest.raises(UsageError) as err:
        solve({"W_ff": (5, 5)})
    assert message(err).splitlines() == [
        "unknown tensor 'W_ff' for the standard cell; did you mean W_f?",
        "  known tensors: x_t, h_prev, c_prev, W_f, W_i, W_g, W_o, U_f, U_i, U_g, U_o, b_f, b_i, b_g, b_o, "
        "f_t, i_t, g_t, o_t, c_t, h_t",
    ]
    with pytest.raises(UsageError) as err:
        solve({"U_x": (5, 5)})
    assert message(err).splitlines()[0] == "unknown tensor 'U_x' for the standard cell; did you mean U_o, U_i or U_g?"


def test_unknown_variant():
    with pytest.raises(UsageError) as err:
        LSTMCell(3, 2, "gru")
    assert message(err) == (
        "unknown variant 'gru'; valid variants are: standard, vanilla, peephole, cifg, no-output-tanh, projection"
    )


@pytest.fixture
def files(tmp_path):
    """The files the commands below read, in a fresh folder (``{tmp}`` in the arguments and messages)."""
    np.savez(tmp_path / "t.npz", weight_ih_l0=np.ones((12, 2)), weight_hh_l0=np.ones((12, 3)), bias_ih_l0=np.ones(12),
             bias_hh_l0=np.ones(12))
    np.savez(tmp_path / "bad.npz", weight_ih_l0=np.ones((12, 2)), weight_hh_l0=np.ones((12, 4)))
    (tmp_path / "q.txt").write_text("What is the dimension of h_t for an LSTM with input 20 and hidden 50?\n"
                                    "- 50x1\n- 20x1\n")
    (tmp_path / "syntax.txt").write_text("x_t : 80 x 1\ny = tanh(x_t\n")
    (tmp_path / "torch_bad.py").write_text("import torch.nn as nn\n"
                                           "model = nn.Sequential(nn.Linear(10, 64), nn.Linear(128, 3))\n")
    (tmp_path / "prose.py").write_text("This is just a sentence about models.\n")
    (tmp_path / "notes.txt").write_text("hello\n")
    return tmp_path


def run(command_line, folder):
    """Run ``lstm-symbolic COMMAND_LINE`` in process with an empty standard input."""
    args = shlex.split(command_line.replace("{tmp}", str(folder)))
    return CliRunner().invoke(main, args, prog_name="lstm-symbolic", input="")


COMMAND_ERRORS = [
    pytest.param('shapes -n 0 -k 3', 2, (
        'Usage: lstm-symbolic shapes [OPTIONS]\n'
        "Try 'lstm-symbolic shapes --help' for help.\n"
        '\n'
        "Error: Invalid value for '-n' / '--input': a size must be at least 1, got 0\n"
    ), id='shapes-n-0'),
    pytest.param('shapes -n 3 -k 2 --layers 2', 2, (
        "Error: --layers 2 describes a framework's layer: add --framework pytorch|keras|onnx|matlab|tf1\n"
    ), id='shapes-layers-2'),
    pytest.param('shapes -n n -k k --framework keras', 2, (
        'Error: --framework keras lays out sequences of numbers: give -n and -k as integers (got -n n -k k)\n'
    ), id='shapes-framework-keras'),
    pytest.param('shapes -n 3 -k 2 --framework onnx --batch-first', 2, (
        "Error: --batch-first is PyTorch's batch_first=True; --framework onnx has no such option\n"
    ), id='shapes-framework-onnx-batch-first'),
    pytest.param('shapes -n 3 -k 2 --framework pytorch --last-only', 2, (
        'Error: --last-only does not apply to --framework pytorch: its recurrent layers always return every '
        "step's output (the last step is the final hidden state)\n"
    ), id='shapes-framework-pytorch-last-only'),
    pytest.param('shapes -n 3 -k 2 --framework keras --output-mode last', 2, (
        "Error: --output-mode is MATLAB's OutputMode and does not apply to --framework keras: use "
        '--return-sequences/--last-only\n'
    ), id='shapes-framework-keras-output-mode-last'),
    pytest.param('shapes -n 3 -k 2 --framework keras --proj 1', 2, (
        'Error: --proj does not apply to --framework keras: it has no projection (proj_size); frameworks '
        'with one: pytorch, tf1\n'
    ), id='shapes-framework-keras-proj-1'),
    pytest.param('shapes -n 3 -k 2 --cell gru --nonlinearity relu', 2, (
        "Error: --nonlinearity chooses the simple RNN's nonlinearity (--cell rnn); it does not apply to "
        '--cell gru, whose reset-gate placement is chosen with --reset-after or --reset-before\n'
    ), id='shapes-cell-gru-nonlinearity-relu'),
    pytest.param('shapes -n 3 -k 2 --variant projection', 2, (
        'Error: the projection variant needs a projection size p (proj_size / --proj)\n'
    ), id='shapes-variant-projection'),
    pytest.param('shapes -n 3 -k 2 --cell gru --reset-after --layout concat', 2, (
        'Error: the concat layout does not apply to the reset-after GRU: the reset-after GRU multiplies r_t '
        'into U_n @ h_prev + c_n after the product, so the input and recurrent weights of the candidate n_t '
        'cannot share one matrix over [h_prev; x_t]; use --layout separate, or the reset-before GRU '
        '(--reset-before), whose candidate reads [r_t * h_prev; x_t]\n'
    ), id='shapes-cell-gru-reset-after-layout-concat'),
    pytest.param('solve --shape W_f=50x', 2, (
        'Usage: lstm-symbolic solve [OPTIONS]\n'
        "Try 'lstm-symbolic solve --help' for help.\n"
        '\n'
        "Error: Invalid value for '--shape': W_f '50x' is not a shape: write ROWSxCOLS with two sizes, e.g. "
        '50x20 or k x n\n'
    ), id='solve-shape-W_f=50x'),
    pytest.param('solve --shape W_f=50x20 --shape W_f=50x21', 2, (
        'Error: W_f is given twice with different shapes\n'
    ), id='solve-shape-W_f=50x20-shape-W_f=50x21'),
    pytest.param('solve --layout concat --shape W_f=kxn', 1, (
        'Error: the given shapes do not make a cell: the input size n must be a positive integer or a symbol '
        'name (a letter followed by letters, digits or _), got -k + n (sizes are at least 1)\n'
        '  solved sizes: n = -k + n, k = k\n'
        '  hint: in the standard cell (concat layout), W_f is k x (k + n)\n'
    ), id='solve-concat-symbolic-columns'),
    pytest.param('shapes -n 3 -k 2 --variant peephole --proj 2', 2, (
        'Error: --proj applies to the projection variant; --variant peephole has no projection\n'
    ), id='shapes-peephole-proj-no-warning-first'),
    pytest.param('solve --shape W_ff=50x20', 2, (
        "Error: unknown tensor 'W_ff' for the standard cell; did you mean W_f?\n"
        '  known tensors: x_t, h_prev, c_prev, W_f, W_i, W_g, W_o, U_f, U_i, U_g, U_o, b_f, b_i, b_g, b_o, '
        'f_t, i_t, g_t, o_t, c_t, h_t\n'
    ), id='solve-shape-W_ff=50x20'),
    pytest.param('solve --shape W_f=50x20 --shape h_prev=40x1', 1, (
        'Error: inconsistent sizes: the rows of h_prev must equal the rows of W_f\n'
        '  h_prev : 40 x 1 (given)\n'
        '  W_f    : 50 x 20 (given)\n'
        '  expected the rows of h_prev to be 50, got 40\n'
        '  because:\n'
        '    rows of W_f = rows of f_t      f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)\n'
        '    rows of f_t = rows of c_t      c_t = f_t * c_prev + i_t * g_t\n'
        '    rows of c_t = rows of o_t      o_t * tanh(c_t) in the equation for h_t\n'
        '    rows of o_t = rows of h_t      h_t = o_t * tanh(c_t)\n'
        "    rows of h_t = rows of h_prev   recurrence: h_t becomes the next step's h_prev\n"
        '  bindings: n = 20, k = 50\n'
        '  hint: in the standard cell (separate layout), W_f is k x n, h_prev is k x 1\n'
    ), id='solve-shape-W_f=50x20-shape-h_prev=40x1'),
    pytest.param('solve --shape W_f=50x20 --variant peephole --proj 3', 2, (
        'Error: --proj applies to the projection variant; --variant peephole has no projection\n'
    ), id='solve-shape-W_f=50x20-variant-peephole-proj-3'),
    pytest.param('check {tmp}/syntax.txt', 2, (
        "Error: {tmp}/syntax.txt:2:13: syntax error: expected ')', found the end of the line\n"
        '  y = tanh(x_t\n'
        '              ^\n'
    ), id='check-syntax.txt'),
    pytest.param('check {tmp}/nonexistent.txt', 2, (
        'Error: cannot read {tmp}/nonexistent.txt: No such file or directory\n'
    ), id='check-nonexistent.txt'),
    pytest.param('check examples/gru.txt --json --latex', 2, (
        'Error: --json and --latex are two output formats: give one of them\n'
    ), id='check-examples/gru.txt-json-latex'),
    pytest.param('check examples/broken.txt', 1, (
        'Error: 2 shape problems in examples/broken.txt\n'
        '\n'
        'examples/broken.txt:5:19: cannot multiply W_f @ x_t in the equation for f_t\n'
        '  W_f : 12 x 81 (declared on line 4)\n'
        '  x_t : 80 x 1 (declared on line 2)\n'
        '  expected W_f to have 80 columns (the rows of x_t), got 81\n'
        '  declared: x_t : 80 x 1 (line 2), h_prev : 12 x 1 (line 3), W_f : 12 x 81 (line 4), a : 4 x 1 '
        '(line 9), b : 5 x 1 (line 10)\n'
        '\n'
        'examples/broken.txt:11:7: cannot take the elementwise product a * b in the equation for y\n'
        '  a : 4 x 1 (declared on line 9)\n'
        '  b : 5 x 1 (declared on line 10)\n'
        '  expected the rows of b to be 4 (the rows of a), got 5\n'
        '  declared: x_t : 80 x 1 (line 2), h_prev : 12 x 1 (line 3), W_f : 12 x 81 (line 4), a : 4 x 1 '
        '(line 9), b : 5 x 1 (line 10)\n'
    ), id='check-examples/broken.txt'),
    pytest.param('check -', 2, (
        'Error: <stdin> has no equations (NAME = expression)\n'
    ), id='check-empty-stdin'),
    pytest.param('quiz', 2, (
        'Error: the question is empty: give the question text (and its options)\n'
    ), id='quiz'),
    pytest.param('quiz "What is it?" --file {tmp}/q.txt', 2, (
        'Error: give the question either as an argument or with --file, not both\n'
    ), id='quiz-What_is_it-file-q.txt'),
    pytest.param('quiz --file {tmp}/q.txt --option 50x1', 2, (
        'Error: --option goes with a QUESTION argument; a question file (--file {tmp}/q.txt) lists its own '
        'options, one per line after the question\n'
    ), id='quiz-file-q.txt-option-50x1'),
    pytest.param('quiz "What is the meaning of life?"', 1, (
        'Error: cannot tell what is asked: ask for a shape/dimension, a number of parameters, a range of '
        'values, or a computed value\n'
    ), id='quiz-What_is_the_meaning_of_life'),
    pytest.param('quiz "Why does an LSTM have a forget gate?"', 1, (
        'Error: this is a conceptual question (why / which statement is true): the model decides shapes, '
        'parameter counts, value ranges and small evaluations, not explanations\n'
    ), id='quiz-Why_does_an_LSTM_have_a_forget_gate'),
    pytest.param('summary {tmp}/torch_bad.py', 1, (
        'Error: nn.Linear(128, 3) on line 2 expects 128 input features (in_features) as the last dimension of '
        'its input, got 64: input (*, 64)\n'
        '  its input comes from nn.Linear(10, 64) on line 2\n'
    ), id='summary-torch_bad.py'),
    pytest.param('summary {tmp}/prose.py', 2, (
        "Error: no Keras, PyTorch or MATLAB layers found: expected code such as 'Sequential([LSTM(32, "
        "input_shape=(10, 8)), Dense(1)])', 'nn.LSTM(10, 20, batch_first=True)' or '[sequenceInputLayer(12) "
        "lstmLayer(100)]'\n"
    ), id='summary-prose.py'),
    pytest.param('summary {tmp}/nonexistent.py', 2, (
        'Error: cannot read {tmp}/nonexistent.py: No such file or directory\n'
    ), id='summary-nonexistent.py'),
    pytest.param('summary examples/torch_model.py --input-shape 4,x', 2, (
        'Usage: lstm-symbolic summary [OPTIONS] FILE\n'
        "Try 'lstm-symbolic summary --help' for help.\n"
        '\n'
        "Error: Invalid value for '--input-shape': expected positive integers separated by commas, such as "
        "5,7,10; got '4,x'\n"
    ), id='summary-examples/torch_model.py-input-shape-4,x'),
    pytest.param('derive -n 3 -k 2 --variant projection', 2, (
        'Error: the projection variant needs a projection size p (proj_size / --proj)\n'
    ), id='derive-variant-projection'),
    pytest.param('derive -n 3 -k 2 --cell rnn --variant peephole', 2, (
        "Error: --variant chooses the LSTM's variant (--cell lstm); it does not apply to --cell rnn, whose "
        'nonlinearity is chosen with --nonlinearity\n'
    ), id='derive-cell-rnn-variant-peephole'),
    pytest.param('latex -n n -k k --cell gru --notation course', 2, (
        'Error: the course notation names LSTM tensors; the GRU cell is written in the standard notation '
        '(--notation standard)\n'
    ), id='latex-cell-gru-notation-course'),
    pytest.param('latex -n 3 -k 2 -o {tmp}/missing/out.tex', 2, (
        'Error: cannot write {tmp}/missing/out.tex: the folder {tmp}/missing does not exist\n'
    ), id='latex-o-missing/out.tex'),
    pytest.param('latex -n 3 -k 2 --notation klingon', 2, (
        'Usage: lstm-symbolic latex [OPTIONS]\n'
        "Try 'lstm-symbolic latex --help' for help.\n"
        '\n'
        "Error: Invalid value for '--notation': 'klingon' is not one of 'standard', 'course', 'greff', "
        "'pytorch', 'gates'.\n"
    ), id='latex-notation-klingon'),
    pytest.param('diagram -n 3 -k 2 -o {tmp}/d.pdf', 2, (
        'Error: unknown diagram format .pdf: name the output FILE.dot, FILE.svg or FILE.png\n'
    ), id='diagram-o-d.pdf'),
    pytest.param('diagram -n 3 -k 2 -o {tmp}/missing/d.dot', 2, (
        'Error: cannot write {tmp}/missing/d.dot: the folder {tmp}/missing does not exist\n'
    ), id='diagram-o-missing/d.dot'),
    pytest.param('verify -n n -k 2', 2, (
        'Usage: lstm-symbolic verify [OPTIONS]\n'
        "Try 'lstm-symbolic verify --help' for help.\n"
        '\n'
        "Error: Invalid value for '-n' / '--input': must be a positive integer, got 'n'\n"
    ), id='verify-symbolic-n'),
    pytest.param('verify -n 3 -k 2 --all --variant cifg', 2, (
        'Error: --all verifies every variant: leave out --variant cifg (or --all)\n'
    ), id='verify-all-variant-cifg'),
    pytest.param('verify -n 3 -k 2 --variant peephole --proj 2', 2, (
        'Error: --proj applies to the projection variant; --variant peephole has no projection\n'
    ), id='verify-variant-peephole-proj-2'),
    pytest.param('verify -n 1 -k 1 --steps 1000000', 2, (
        'Error: this would take about 13 minutes (n = 1, k = 1, B = 3, T = 1000000); the limit is 60 '
        'seconds. Use fewer steps (--steps).\n'
    ), id='verify-too-long'),
    pytest.param('verify -n 100000 -k 100000', 2, (
        'Error: this would need about 3.5 TiB of arrays (n = 100000, k = 100000, B = 3, T = 5); the limit is '
        '2.0 GiB. Use smaller sizes, a smaller batch (--batch) or fewer steps (--steps).\n'
    ), id='verify-too-much-memory'),
    pytest.param('params -n 20 -k 0', 2, (
        'Usage: lstm-symbolic params [OPTIONS]\n'
        "Try 'lstm-symbolic params --help' for help.\n"
        '\n'
        "Error: Invalid value for '-k' / '--hidden': a size must be at least 1, got 0\n"
    ), id='params-k-0'),
    pytest.param('params -n 10 -k 6 --framework pytorch --proj 6', 2, (
        'Error: --proj 6 with --framework pytorch: PyTorch requires proj_size < hidden_size (-k 6)\n'
    ), id='params-framework-pytorch-proj-6'),
    pytest.param('params -n 20 -k 50 --cell rnn --reset-after', 2, (
        "Error: --reset-after/--reset-before describe a GRU's reset gate; they do not apply to --cell rnn\n"
    ), id='params-cell-rnn-reset-after'),
    pytest.param('params -n 20 -k 50 --cell rnn --framework matlab', 2, (
        'Error: MATLAB has no simple RNN layout in this tool; frameworks with one: pytorch, keras, onnx\n'
    ), id='params-cell-rnn-framework-matlab'),
    pytest.param('params -n 20 -k 50 --variant peephole --framework keras', 2, (
        'Error: Keras LSTM cannot hold peephole connections, which the model has. Frameworks that can hold '
        'this LSTM: onnx, tf1\n'
    ), id='params-variant-peephole-framework-keras'),
    pytest.param('params -n 20 -k 50 --layers 5000', 2, (
        'Error: --layers 5000 is more than this tool lists (at most 1,000 layers; every layer above the '
        'first has the same shapes, so a few layers show them all)\n'
    ), id='params-layers-5000'),
    pytest.param('convert {tmp}/nonexistent.npz --to keras -o {tmp}/x.npz', 2, (
        'Error: cannot read {tmp}/nonexistent.npz: No such file or directory\n'
    ), id='convert-nonexistent.npz-to-keras-o-x.npz'),
    pytest.param('convert {tmp}/t.npz --from pytorch --to keras -o {tmp}/k3.npz --forget-bias nan', 2, (
        'Usage: lstm-symbolic convert [OPTIONS] SOURCE\n'
        "Try 'lstm-symbolic convert --help' for help.\n"
        '\n'
        "Error: Invalid value for '--forget-bias': must be a finite number, got 'nan'\n"
    ), id='convert-t.npz-from-pytorch-to-keras-o-k3.npz-forget-bias-nan'),
    pytest.param('convert {tmp}/t.npz --from pytorch --to keras -o {tmp}/x.xyz', 2, (
        'Error: cannot tell the format of {tmp}/x.xyz from its name (known: .npz, .pt, .pth, .onnx, '
        '.weights.h5, .h5, .mat); give --output-format\n'
    ), id='convert-t.npz-from-pytorch-to-keras-o-x.xyz'),
    pytest.param('convert {tmp}/t.npz --from pytorch -o {tmp}/x2.npz', 2, (
        'Error: name the framework to write into {tmp}/x2.npz with --to (pytorch, keras, onnx, matlab, tf1)\n'
    ), id='convert-t.npz-from-pytorch-o-x2.npz'),
    pytest.param('convert {tmp}/notes.txt --to keras -o {tmp}/x3.npz', 2, (
        'Error: cannot tell the format of {tmp}/notes.txt from its name (known: .npz, .pt, .pth, .onnx, '
        '.weights.h5, .h5, .mat); give --format\n'
    ), id='convert-notes.txt-to-keras-o-x3.npz'),
    pytest.param('inspect {tmp}/bad.npz', 1, (
        'Error: {tmp}/bad.npz is not consistent recurrent-layer weights for any framework (the problems are '
        'listed above)\n'
    ), id='inspect-bad.npz'),
    pytest.param('inspect {tmp}/t.npz --framework keras', 1, (
        'Error: {tmp}/t.npz is not consistent recurrent-layer weights for keras (the problems are listed '
        'above); they do read as pytorch weights (leave out --framework)\n'
    ), id='inspect-t.npz-framework-keras'),
    pytest.param('inspect {tmp}/nonexistent.npz', 2, (
        'Error: cannot read {tmp}/nonexistent.npz: No such file or directory\n'
    ), id='inspect-nonexistent.npz'),
    pytest.param('inspect {tmp}/notes.txt', 2, (
        'Error: cannot tell the format of {tmp}/notes.txt from its name (known: .npz, .pt, .pth, .onnx, '
        '.weights.h5, .h5, .mat); give --format\n'
    ), id='inspect-notes.txt'),
    pytest.param('inspect examples/lstm.pt --format npz', 2, (
        'Error: examples/lstm.pt is a zip archive but not an .npz: lstm/data.pkl, lstm/.format_version, '
        'lstm/.storage_alignment ... are not .npy arrays\n'
    ), id='inspect-pt-as-npz'),

]


@pytest.mark.parametrize("command_line, exit_code, expected", COMMAND_ERRORS)
def test_command_errors(files, command_line, exit_code, expected):
    result = run(command_line, files)
    assert (result.exit_code, result.stderr) == (exit_code, expected.replace("{tmp}", str(files)))
    assert result.stdout == "" or exit_code == 1  # (a check that fails prints what it found, then the error)


def test_every_command_has_its_errors_tested():
    tested = {shlex.split(line)[0] for line, _, _ in (p.values for p in COMMAND_ERRORS)}
    assert tested == set(main.commands)


def test_diagram_without_graphviz_writes_the_dot_source(files, monkeypatch):
    import lstm_symbolic.diagram

    monkeypatch.setattr(lstm_symbolic.diagram, "render", lambda dot, fmt: None)
    result = run("diagram -n 3 -k 2 -o {tmp}/cell.svg", files)
    assert (result.exit_code, result.stderr) == (2, (
        f"Error: cannot render {files}/cell.svg: Graphviz's 'dot' program is not installed. The DOT source was "
        f"written to {files}/cell.dot; install Graphviz (apt-get install graphviz, brew install graphviz, or conda "
        f"install graphviz) and run: dot -Tsvg {files}/cell.dot -o {files}/cell.svg\n"))
    assert (files / "cell.dot").read_text().startswith("digraph")


WARNINGS = [
    pytest.param("convert {tmp}/t.npz --from pytorch --to keras -o {tmp}/k.npz --forget-bias 2",
                 "warning: --forget-bias is TF1 LSTMCell's forget_bias; converting --from pytorch --to keras does not "
                 "use it", id="convert-forget-bias"),
    pytest.param("shapes -n 3 -k 2 --framework keras --batch-first",
                 "warning: --batch-first changes nothing with --framework keras: its input is batch-first already",
                 id="shapes-batch-first-keras"),
    pytest.param("shapes -n 3 -k 2 --proj 2",
                 "warning: --proj 2 is not smaller than -k 2: the projection does not reduce the hidden state "
                 "(PyTorch refuses proj_size >= hidden_size)", id="shapes-proj-not-smaller"),
    pytest.param("shapes -n 3 -k 2 --framework matlab --output-mode last --last-only",
                 "warning: --output-mode last and --last-only say the same thing: one is enough",
                 id="shapes-output-mode-and-last-only"),
    pytest.param("solve --shape W_f=nxk",
                 "warning: W_f was given as n x k, but in the column convention W_f is k x n (hidden size x input "
                 "size), so the answer reads your k as the input size n and your n as the hidden size k; to keep "
                 "your names, give W_f=kxn", id="solve-row-convention"),
]


@pytest.mark.parametrize("command_line, expected", WARNINGS)
def test_warnings(files, command_line, expected):
    result = run(command_line, files)
    assert (result.exit_code, result.stderr.splitlines()[0]) == (0, expected)

"""render.py: results into text and JSON-ready data, from hand-built results where the input is
plain data (quiz answers, conversions, inspections, check results, parameter tables) and from
real cells where it is a cell.  Expected texts are written out in full."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sympy

from lstm_symbolic import LSTMCell
from lstm_symbolic.commands import ShapesAnswer
from lstm_symbolic.errors import ShapeError
from lstm_symbolic.render import (
    check_data,
    check_text_report,
    convert_data,
    convert_text,
    count_text,
    describe_sizes,
    framework_shapes_text,
    inspection_data,
    inspection_text,
    json_dim,
    params_data,
    params_text,
    quiz_data,
    quiz_text,
    shapes_report_data,
    shapes_report_text,
    swapped_size_hint,
    term_shapes,
)


@pytest.mark.parametrize("value, expected", [
    (12, 12), (sympy.Integer(7), 7), (sympy.Symbol("k"), "k"), (sympy.Symbol("k") + sympy.Symbol("n"), "k + n"),
], ids=["int", "sympy-integer", "symbol", "sum"])
def test_json_dim(value, expected):
    assert json_dim(value) == expected and type(json_dim(value)) is type(expected)


def test_count_text_factors_a_symbolic_count():
    n, k = sympy.symbols("n k")
    assert count_text(4464) == "4464"
    assert count_text(4 * k * n + 4 * k**2 + 4 * k) == "4*k*(k + n + 1)"


def test_describe_sizes():
    assert describe_sizes((sympy.Symbol("k"), sympy.Symbol("n"))) == "hidden size x input size"
    assert describe_sizes((sympy.Symbol("p"), 3)) == "projection size x 3"


def test_term_shapes():
    W, x, b = sympy.MatrixSymbol("W", 5, 3), sympy.MatrixSymbol("x", 3, 1), sympy.MatrixSymbol("b", 5, 1)
    assert term_shapes(W @ x) == "(5 x 3) @ (3 x 1)"
    assert term_shapes(W @ x + b) == "(5 x 1) + (5 x 1)"
    assert term_shapes(sympy.HadamardProduct(b, b)) == "(5 x 1) * (5 x 1)"
    assert term_shapes(b) == "(5 x 1)"


def test_swapped_size_hint_only_when_the_names_changed_places():
    from lstm_symbolic import solve

    n, k = sympy.symbols("n k")
    swapped = solve({"W_f": (n, k)})
    assert swapped_size_hint(swapped, {"W_f": (n, k)}).endswith("to keep your names, give W_f=kxn")
    assert swapped_size_hint(solve({"W_f": (k, n)}), {"W_f": (k, n)}) is None
    assert swapped_size_hint(solve({"W_f": (50, 20)}), {"W_f": (50, 20)}) is None


def test_shapes_report_with_a_framework():
    cell = LSTMCell(3, 2)
    answer = ShapesAnswer(cell, "keras", {"input": ("None", "T", 3), "output": ("None", 2)}, 48)
    data = shapes_report_data(answer, show_equations=True)
    assert data["framework"] == {"name": "keras", "shapes": {"input": ["None", "T", 3], "output": ["None", 2]},
                                 "parameters": 48}
    assert data["equations"][0] == "f_t = sigmoid(W_f @ x_t + U_f @ h_prev + b_f)"
    text = shapes_report_text(answer, show_equations=True)
    assert "\n\nKeras LSTM: sequence shapes\n  input   (None, T, 3)\n  output  (None, 2)\n\n" in text
    assert "parameters of one cell (one layer, one direction, one bias per gate): 48" in text
    assert text.endswith("\n\nequations:\n" + "\n".join(cell.equation_texts()))


def test_framework_shapes_text():
    text = framework_shapes_text("pytorch", {"input": (5, 1, 3), "h_n": (2, 1, 4)}, 240)
    assert text == ("PyTorch nn.LSTM: sequence shapes\n"
                    "  input  (5, 1, 3)\n"
                    "  h_n    (2, 1, 4)\n"
                    "\n"
                    "parameters of the whole PyTorch nn.LSTM (every layer and direction, its own biases): 240")


def test_params_text_and_data():
    tensors = {"weight_ih_l0": (8, 3), "bias_ih_l0": (8,)}
    assert params_data(32, tensors, "f") == {"total": 32, "formula": "f", "tensors": {
        "weight_ih_l0": {"shape": [8, 3], "count": 24}, "bias_ih_l0": {"shape": [8], "count": 8}}}
    assert params_text("pytorch", 32, tensors, "4k(n + k + 2)") == (
        "PyTorch nn.LSTM\n"
        "\n"
        "tensor        shape  count\n"
        "weight_ih_l0  8 x 3     24\n"
        "bias_ih_l0    8          8\n"
        "\n"
        "total: 32\n"
        "formula: 4k(n + k + 2)\n"
        "Keras, MATLAB and TF1 keep one bias per gate (4k fewer per layer and direction); the two biases are only "
        "ever used as their sum.")
    assert params_text("keras", 1, {"bias": (1,)}, "f", cell="gru").splitlines()[-1] == "formula: f"


def _check_result(ok=True):
    return SimpleNamespace(ok=ok, filename="cell.txt", equations=["y = tanh(x)"], conflicting=[] if ok else ["x"],
                           shapes={"x": (3, 1), "y": (sympy.Symbol("k") + 1, None)},
                           errors=[] if ok else ["cell.txt:1:5: cannot ..."], warnings=[], unresolved=["y"])


def test_check_text_report():
    assert check_text_report(_check_result()) == (
        "cell.txt: 1 equation, 2 tensors, every shape is consistent\n"
        "\n"
        "x  3 x 1\n"
        "y  (k + 1) x ?\n"
        "\n"
        "undetermined (declare a shape to fix them): y")


def test_check_data():
    assert check_data(_check_result(False)) == {
        "ok": False, "tensors": {"x": [3, 1], "y": ["k + 1", None]}, "conflicting": ["x"],
        "errors": ["cell.txt:1:5: cannot ..."], "undetermined": ["y"]}


def _inspection(readings, requested=None):
    return {"arrays": {"W": (1, 8, 2), "R": (1, 8, 2)}, "readings": readings, "requested": requested,
            "alternatives": [], "notes": ["read as float64"]}


_MODEL = SimpleNamespace(cell="lstm", input_size=2, hidden_size=2, proj_size=None, num_layers=1, num_directions=1,
                         variant="standard")


def test_inspection_of_one_framework():
    found = _inspection({"onnx": _MODEL, "keras": ShapeError("no kernel")})
    assert inspection_data(found) == {
        "arrays": {"W": [1, 8, 2], "R": [1, 8, 2]}, "framework": "onnx",
        "readings": {"onnx": {"cell": "lstm", "n": 2, "k": 2, "p": None, "layers": 1, "directions": 1,
                              "variant": "standard"}},
        "problems": {"keras": "no kernel"}, "notes": ["read as float64"]}
    assert inspection_text(found) == (
        "arrays:\n  W: (1, 8, 2)\n  R: (1, 8, 2)\n"
        "\nframework: onnx (LSTM)\n  n = 2, k = 2, layers = 1, directions = 1, variant = standard\n"
        "note: read as float64")


def test_inspection_of_several_and_of_none():
    assert "\nreadable as several frameworks (give --framework): onnx, matlab" in inspection_text(
        _inspection({"onnx": _MODEL, "matlab": _MODEL}))
    requested = inspection_text(_inspection({"onnx": _MODEL, "keras": ShapeError("no kernel")}, requested="onnx"))
    assert "\nas keras: no kernel" in requested  # (asked for a framework: every problem is shown)
    failed = inspection_text(_inspection({"keras": ShapeError("no kernel")}))
    assert failed.endswith("\nas keras: no kernel\nnote: read as float64")


def test_quiz_text_and_data():
    question = SimpleNamespace(options=["50x50", "50x1"])
    result = SimpleNamespace(answer="50 x 1", choices=["B"], explanation="h_prev is k x 1.", understood={"k": 50},
                             key=None)
    assert quiz_text(question, result) == "answer: 50 x 1\nchoice: B. 50x1\n\nh_prev is k x 1."
    assert quiz_data(question, result) == {"answer": "50 x 1", "choices": ["B"], "explanation": "h_prev is k x 1.",
                                           "understood": {"k": 50}}
    open_question = SimpleNamespace(options=[])
    unchosen = SimpleNamespace(**{**vars(result), "choices": [], "key": "A"})
    assert quiz_text(open_question, unchosen) == "answer: 50 x 1\n\nh_prev is k x 1."
    assert quiz_text(question, unchosen).splitlines()[1] == "choice: none of the options"
    assert quiz_data(open_question, unchosen)["key"] == "A" and "choices" not in quiz_data(open_question, unchosen)


def test_convert_text_and_data():
    done = {"title": "Keras LSTM", "warnings": ["w"], "notes": ["the biases were summed"],
            "arrays": {"kernel": [2, 12]},
            "layers": 1, "directions": 2, "n": 2, "k": 3}
    assert convert_data(done) == {"notes": ["the biases were summed"], "arrays": {"kernel": [2, 12]}, "layers": 1,
                                  "directions": 2, "n": 2, "k": 3}
    assert convert_text(done, "out dir/k.npz") == (
        "note: the biases were summed\n"
        "wrote out dir/k.npz: 1 array in Keras LSTM's layout (1 layer, 2 directions, n = 2, k = 3); "
        "list them with: lstm-symbolic inspect 'out dir/k.npz'")

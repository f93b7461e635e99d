"""summary_text: a Summary as a table, as JSON data, and its problems as paragraphs."""

from lstm_symbolic.summary import LayerSummary, Problem, Summary
from lstm_symbolic.summary_text import _wrap, problem_text, summary_data, summary_text


def keras_summary(params=12416, problems=()):
    layers = [LayerSummary("lstm", "LSTM", 2, ("None", 32), params, {}, {"kernel": (64, 128), "bias": (128,)}),
              LayerSummary("dense", "Dense", 3, ("None", 3), 99)]
    return Summary("keras", layers, list(problems))


def test_the_table():
    assert summary_text(keras_summary()) == "\n".join([
        "keras model",
        "layer (type)   output shape  params  line",
        "-----------------------------------------",
        "lstm (LSTM)    (None, 32)    12,416     2",
        "    kernel (64, 128), bias (128,)",
        "dense (Dense)  (None, 3)         99     3",
        "-----------------------------------------",
        "total params: 12,515",
        "shapes are batch first; None is a dimension the code leaves open",
    ])


def test_unknown_counts_make_the_total_incomplete():
    text = summary_text(keras_summary(params=None))
    assert "lstm (LSTM)    (None, 32)         ?     2" in text
    assert "total params: 99 (incomplete: 1 layer not counted)" in text
    problem = Problem(4, "Foo(3): not a layer this tool reads")
    assert "total params: 12,515 (incomplete: see the problems)" in summary_text(keras_summary(problems=[problem]))


def test_input_shape_states_and_wrapped_layers_are_shown():
    layer = LayerSummary("bidirectional", "Bidirectional", 1, (5, 16), 0, {"forward_state_h": (5, 8)},
                         inner="LSTM(8)")
    text = summary_text(Summary("keras", [layer], [], input_shape=(5, 7, 3)))
    assert text.splitlines()[0] == "keras model, input shape (5, 7, 3)"
    assert "    wraps LSTM(8)" in text and "    also returns forward_state_h (5, 8)" in text
    assert "None is a dimension" not in text  # every dimension is known


def test_open_dimension_note_follows_the_framework():
    layer = LayerSummary("lstm", "LSTM", 1, ("T", "B", 20), 5920)
    text = summary_text(Summary("pytorch", [layer], []))
    assert " ".join(text.splitlines()[-2:]).endswith("leaves open; give them with --input-shape")
    assert all(len(line) <= 100 for line in text.splitlines())


def test_wrap_never_splits_an_item():
    items = [f"weight_{i} (1000, 1000)" for i in range(12)]
    lines = _wrap(items, width=60)
    assert all(len(line) <= 61 for line in lines)
    assert ", ".join(line.strip().rstrip(",") for line in lines) == ", ".join(items)


def test_data():
    data = summary_data(keras_summary(problems=[Problem(4, "clash", "contradiction")]))
    assert data["framework"] == "keras" and data["total_params"] == 12_515 and data["complete"] is False
    assert data["layers"][0] == {"name": "lstm", "type": "LSTM", "line": 2, "output_shape": [None, 32],
                                 "params": 12416, "states": {}, "tensors": {"kernel": [64, 128], "bias": [128]}}
    assert data["problems"] == [{"line": 4, "kind": "contradiction", "message": "clash"}]


def test_problem_text():
    assert problem_text(Problem(4, "Foo(3): not read")) == "line 4: Foo(3): not read"
    assert problem_text(Problem(0, "no layers found in the code")) == "no layers found in the code"
    assert problem_text(Problem(4, "LSTM(3) on line 4 expects ...", "contradiction")) == "LSTM(3) on line 4 expects ..."

"""quiz_sizes: which size each number of a question gives (n, k, p, B, T, L, C), from the words around
it, shapes, tuples and the framework's input layout."""

import pytest

from lstm_symbolic.quiz_sizes import (
    FULL_INPUT_SHAPES,
    Sizes,
    input_order,
    read_sizes,
    read_tuple,
)
from lstm_symbolic.quiz_tokens import tokenize


def sizes(text, framework=None, batch_first=False):
    return read_sizes(tokenize(text), framework, batch_first)


@pytest.mark.parametrize("text, framework, expected", [
    ("input of dimension (20x1) and output of dimension (50x1)", None, {"n": 20, "k": 50}),
    ("80 features and 12 hidden units", None, {"n": 80, "k": 12}),
    ("input_size=10, hidden_size=20, num_layers=2", None, {"n": 10, "k": 20, "L": 2}),
    ("a batch of 32 sequences of 10 time steps", None, {"B": 32, "T": 10}),
    ("input of dimension n x 1 and hidden state of size m", None, {"n": "n", "k": "m"}),
    ("x_t is 7x1 and h_t is 3x1", None, {"n": 7, "k": 3}),
    ("two stacked LSTM layers", None, {"L": 2}),
    ("proj_size=3", None, {"p": 3}),
    ("Keras 3 with 10 inputs", None, {"n": 10}),
    ("1 x 400 signal", "matlab", {"n": 1, "T": 400}),
    ("inputs of shape (None, 10, 3)", "keras", {"T": 10, "n": 3}),
    ("128 hidden units take 300-dimensional embeddings", None, {"k": 128, "n": 300}),
    ("it reads 300-dimensional word embeddings and has 128 units", None, {"n": 300, "k": 128}),
    ("300 dimensional embeddings and 128 hidden units", None, {"n": 300, "k": 128}),
], ids=["dimensions", "features-units", "keywords", "batch-steps", "symbols", "vectors", "number-word",
        "projection", "version-is-not-a-size", "signal", "keras-tuple", "embeddings-after-units", "word-embeddings",
        "embeddings-without-hyphen"])
def test_roles(text, framework, expected):
    found = sizes(text, framework)
    assert found.values == expected and found.unread == [] and found.conflicts == []


def test_sources_quote_the_question():
    found = sizes("80 features and 12 hidden units")
    assert found.sources == {"n": "80 features and", "k": "80 features and 12 hidden units"}


def test_two_values_for_one_size_are_a_conflict():
    found = sizes("input_size=10 and input_size=20")
    assert found.values == {"n": 10} and len(found.conflicts) == 1 and "n = 20" in found.conflicts[0]


def test_a_number_without_a_role_is_unread():
    assert sizes("37 of something").unread == ["'37' (in '37 of something')"]


def test_the_same_value_twice_is_no_conflict():
    found = Sizes()
    found.set("n", 5, "a")
    found.set("n", 5, "b")
    assert found.values == {"n": 5} and found.sources == {"n": "a"} and found.conflicts == []


@pytest.mark.parametrize("framework", FULL_INPUT_SHAPES)
@pytest.mark.parametrize("batch_first", [False, True], ids=["time-first", "batch-first"])
def test_input_order_follows_the_framework_table(framework, batch_first):
    """PyTorch is time-first unless batch_first=True; Keras and TF1 are always batch-first."""
    expected = {"pytorch": ("B", "T", "n") if batch_first else ("T", "B", "n")}.get(framework, ("B", "T", "n"))
    assert input_order(framework, batch_first) == expected


@pytest.mark.parametrize("items, framework, batch_first, expected", [
    ((10, 3), "keras", False, {"T": 10, "n": 3}),
    ((10, 3), None, False, {"T": 10, "n": 3}),
    ((None, 10, 3), "keras", False, {"T": 10, "n": 3}),
    ((5, 3, 10), "pytorch", False, {"T": 5, "B": 3, "n": 10}),
    ((5, 3, 10), "pytorch", True, {"B": 5, "T": 3, "n": 10}),
    ((5, 3, 10), "tf1", False, {"B": 5, "T": 3, "n": 10}),
])
def test_read_tuple(items, framework, batch_first, expected):
    found = Sizes(batch_first=batch_first)
    read_tuple(found, items, framework, "snippet")
    assert found.values == expected and found.unread == []


@pytest.mark.parametrize("items, framework", [((5, 3, 10), None), ((5, 3, 10), "onnx"), ((3, 10), "pytorch")])
def test_read_tuple_without_a_known_layout_is_unread(items, framework):
    found = Sizes()
    read_tuple(found, items, framework, "snippet")
    assert found.values == {} and "cannot name without the framework" in found.unread[0]


def test_axis_names_written_beside_a_tuple_win():
    tokens = tokenize("(5, 3, 10) (seq_len, batch, input_size)")
    found = Sizes()
    read_tuple(found, tokens[0].value, None, "snippet", tokens, 0)
    assert found.values == {"T": 5, "B": 3, "n": 10}

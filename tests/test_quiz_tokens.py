"""quiz_tokens: the tokens of a question (numbers, shapes, tuples, vectors, tensor names, LaTeX, code),
in one linear scan."""

import pytest

from lstm_symbolic.quiz_tokens import MAX_GROUP, names_a_value, tokenize


def kinds(text):
    return [(t.kind, t.value) for t in tokenize(text)]


@pytest.mark.parametrize("text, expected", [
    ("80 features", [("num", 80), ("word", "features")]),
    ("-0.5 and 2e3", [("num", -0.5), ("word", "and"), ("num", 2000.0)]),
    ("50 x 1", [("shape", (50, 1))]),
    ("3×4", [("shape", (3, 4))]),
    ("3 x 4 x 5", [("shape", (3, 4, 5))]),
    ("n x 1", [("shape", ("n", 1))]),
    ("(None, 10, 32)", [("tuple", (None, 10, 32))]),
    ("[0.5, -1e-3]", [("vector", (0.5, -0.001))]),
    (r"\begin{bmatrix}1 \\ 2\end{bmatrix}", [("vector", (1.0, 2.0))]),
    (r"x_t \in \mathbb{R}^{30}", [("ident", ("x", "t")), ("word", "in"), ("real", (30,))]),
    ("x_t ∈ R^{16}", [("ident", ("x", "t")), ("sym", "∈"), ("real", (16,))]),
    ("h ∈ ℝ^32", [("word", "h"), ("sym", "∈"), ("real", (32,))]),
    ("W ∈ R^{k×n}", [("word", "w"), ("sym", "∈"), ("real", ("k", "n"))]),
    ("R^{}", [("ident", ("R^", None))]),
], ids=["number", "signed-and-exponent", "shape", "times-sign", "three-axes", "symbolic-shape", "tuple", "vector",
        "latex-vector", "latex-real-space", "plain-real-space", "unicode-real-space", "symbolic-real-space",
        "empty-exponent"])
def test_values(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize("text, value", [
    ("h_{t-1}", ("h", "t-1")), ("ht−1", ("h", "t-1")), ("c(n)", ("c", "n")), ("f(t)", ("f", "t")),
    (r"\tilde{C}_t", ("C~", "t")), ("W_{fF}", ("W_fF", None)), ("W_{xi}", ("W_xi", None)),
    ("g^{output}(n)", ("g^output", "n")), ("weight_ih_l0", ("weight_ih_l0", None)),
], ids=lambda v: v if isinstance(v, str) else None)
def test_tensor_names(text, value):
    assert kinds(text) == [("ident", value)]


@pytest.mark.parametrize("text", ["nn.LSTM(10, 20)", "lstmLayer(100, 'OutputMode', 'last')",
                                  "LSTM(32, input_shape=(10, 64))"])
def test_code_is_one_token_with_its_text(text):
    assert kinds(text) == [("code", text)]


def test_tokens_keep_their_text_and_position():
    tokens = tokenize("W_f is 12 x 80")
    assert [(t.text, t.start) for t in tokens] == [("W_f", 0), ("is", 4), ("12 x 80", 7)]


def test_names_a_value():
    assert [names_a_value(t) for t in tokenize("h_t W_f x hello")] == [True, True, False, False]


def test_unclosed_and_deep_brackets_are_plain_symbols():
    tokens = tokenize("(" * 5_000)
    assert len(tokens) == 5_000 and all(t.kind == "sym" for t in tokens)
    far = "[" + "1, " * MAX_GROUP + "1]"
    assert tokenize(far)[0].kind == "sym"  # a group longer than MAX_GROUP is not read as one vector

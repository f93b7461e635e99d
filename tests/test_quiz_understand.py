"""quiz_understand: a question split into setup and focus, the kind of question, and the Understanding
(sizes, model, framework, variant, flags, targets) read from it, or the reason it cannot be read."""

import pytest

from lstm_symbolic.errors import CannotDecide, UsageError
from lstm_symbolic.quiz_reading import Question
from lstm_symbolic.quiz_tokens import tokenize
from lstm_symbolic.quiz_understand import check_sizes, question_kind, read_question, split_focus, understand


def texts(tokens):
    return " ".join(t.text for t in tokens)


@pytest.mark.parametrize("question, setup, focus", [
    ("An LSTM has 80 features. What is the shape of W_f if it has 12 units?", "An LSTM has 80 features .",
     "What is the shape of W_f if it has 12 units ?"),
    ("Given o_t = [0.5] and c_t = [0.2], what is h_t?", "Given o_t = [0.5] and c_t = [0.2] ,", "what is h_t ?"),
], ids=["sentence", "clause"])
def test_split_focus(question, setup, focus):
    found_setup, found_focus = split_focus(tokenize(question))
    assert (texts(found_setup), texts(found_focus)) == (setup, focus)


@pytest.mark.parametrize("focus, vectors, kind", [
    ("how many parameters does it have", False, "count"),
    ("what is the shape of W_f", False, "shape"),
    ("what range can the forget gate take", False, "range"),
    ("compute h_t", True, "value"),
    ("how many more parameters does an LSTM have than a GRU", False, "diff"),
    ("why is tanh used", False, None),
])
def test_question_kind(focus, vectors, kind):
    assert question_kind(tokenize(focus), vectors) == kind


@pytest.mark.parametrize("question, family, variant, stated, framework, sizes", [
    ("An LSTM without a forget gate has 3 inputs and 4 units. What is the shape of W_i?", "lstm", "vanilla", True,
     None, {"n": 3, "k": 4}),
    ("An LSTM with no output tanh has 3 inputs and 4 units. What range can h_t take?", "lstm", "no-output-tanh",
     True, None, {"n": 3, "k": 4}),
    ("An LSTM with proj_size=3, input_size=10, hidden_size=20: what is the shape of U_f?", "lstm", "projection",
     True, None, {"p": 3, "n": 10, "k": 20}),
    ("A peephole LSTM has 3 inputs and 4 units. How many parameters?", "lstm", "peephole", True, None,
     {"n": 3, "k": 4}),
    ("A PyTorch GRU has 10 inputs and 20 units. What is the shape of W_z?", "gru", "reset-after", True, "pytorch",
     {"n": 10, "k": 20}),
    ("A GRU has 10 inputs and 20 units. What is the shape of W_z?", "gru", "reset-before", False, None,
     {"n": 10, "k": 20}),
    ("A bidirectional LSTM with 5 inputs and 6 units in Keras: how many parameters?", "lstm", "standard", True,
     "keras", {"n": 5, "k": 6, "D": 2}),
    ("How many parameters does nn.LSTM(10, 20, num_layers=2) have?", "lstm", "standard", True, "pytorch",
     {"n": 10, "k": 20, "L": 2}),
], ids=["vanilla", "no-output-tanh", "projection", "peephole", "gru-framework", "gru-default", "bidirectional",
        "code"])
def test_the_model(question, family, variant, stated, framework, sizes):
    u = read_question(question)
    assert (u.family, u.variant, u.variant_stated, u.framework, u.sizes) == (family, variant, stated, framework,
                                                                               sizes)


def test_a_projection_size_makes_the_lstm_the_projection_variant():
    u = read_question("How many parameters does nn.LSTM(10, 20, proj_size=5) have?")  # no variant word: code only
    assert (u.variant, u.sizes) == ("projection", {"n": 10, "k": 20, "p": 5})


def test_targets_and_vectors_are_read_into_the_understanding():
    u = read_question("Given o_t = [0.5, 0.1] and c_t = [0.2, 0.3], what is h_t?")
    assert u.kind == "value" and u.targets == ["h_t"] and u.given == {"o_t": [0.5, 0.1], "c_t": [0.2, 0.3]}
    assert understand(Question("What is the shape of W_f when n = 3 and k = 2?")).targets == ["W_f"]


@pytest.mark.parametrize("question", [
    "Let x_t ∈ R^{16} and h_{t-1} ∈ R^{32}. What is the shape of W_f?",
    "Let x_t ∈ ℝ^16 and h_{t-1} ∈ ℝ^32. What is the shape of W_f?",
    r"Let $x_t \in \mathbb{R}^{16}$ and $h_{t-1} \in \mathbb{R}^{32}$. What is the shape of W_f?",
], ids=["plain-R", "unicode-R", "latex-R"])
def test_real_spaces_give_the_sizes(question):
    assert read_question(question).sizes == {"n": 16, "k": 32}


def test_a_per_gate_count():
    assert "per-gate" in read_question("An LSTM has 3 inputs and 4 units. How many parameters does each gate "
                                       "have?").targets


@pytest.mark.parametrize("question, reason", [
    ("Why do LSTMs use a forget gate?", "conceptual"),
    ("banana banana banana", "cannot tell what is asked"),
    ("An LSTM has input_size=10 and input_size=20 and hidden_size=5. What is the shape of W_f?", "two values"),
    ("An LSTM with 20 input features and 50 hidden units. 37 of something. What is the shape of W_f?",
     "could not tell what '37'"),
    ("How many parameters does a GRU have in PyTorch, and what is the shape of the update gate weights?",
     "two things at once"),
    ("How many parameters does a Transformer encoder layer with d_model=512 have?", "Transformer"),
    ("How many parameters does nn.LSTM(10, 20, bias=False) have?", "could not read all of the code"),
], ids=["conceptual", "nonsense", "conflict", "unread", "two-questions", "out-of-scope", "code-problem"])
def test_declines_with_the_reason(question, reason):
    with pytest.raises(CannotDecide, match=reason):
        read_question(question)


def test_check_sizes_uses_the_shared_limit():
    check_sizes({"n": 10**18, "k": "m", "D": 2}, {})
    with pytest.raises(UsageError, match=r"the hidden size k \(read from '50 units'\) is too large"):
        check_sizes({"k": 10**19}, {"k": "50 units"})
    with pytest.raises(UsageError, match="the number of layers L"):
        check_sizes({"L": 0}, {})

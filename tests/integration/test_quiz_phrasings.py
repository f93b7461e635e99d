"""End to end: questions of our own, written as templates over sizes, with answers computed here
from closed forms; fuzzed questions; values and ranges through the whole reader.  The quiz corpus
(test_quiz_corpus.py) is the larger check; these are the phrasings the reader was built from."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_symbolic.quiz import answer_question, parse_block


def ask(text, options=()):
    return answer_question(parse_block(text, options))


# -- our own set: templates x sizes, answers computed here --------------------------------------------------
def shape(r, c):
    return f"{r}x{c}"


TEMPLATES = [
    # (question template, expected answer as a function of n and k)
    ("For an LSTM with input of dimension ({n}x1) and output of dimension ({k}x1), what is the dimension of the "
     "previous hidden state h_{{t-1}}?", lambda n, k: shape(k, 1)),
    ("An LSTM layer has {k} hidden units and receives inputs with {n} features. What is the shape of the "
     "recurrent weights of the output gate?", lambda n, k: shape(k, k)),
    ("Input x_t is {n}x1 and the hidden state has size {k}. What are the dimensions of the feed-forward weights "
     "of the input gate?", lambda n, k: shape(k, n)),
    ("With {n} features and {k} hidden units, what is the shape of the bias of the forget gate?",
     lambda n, k: shape(k, 1)),
    ("For an LSTM cell with input of dimension {n}x1 and output of dimension {k}x1, what is the dimension of the "
     "cell state C_t?", lambda n, k: shape(k, 1)),
    ("If the input has {n} features and there are {k} units, what are the dimensions of W_fF and W_fR "
     "respectively?", lambda n, k: f"{shape(k, n)}, {shape(k, k)}"),
    ("Consider an LSTM with input size {n} and hidden size {k}. Give the shapes of the input weights and the "
     "recurrent weights of the candidate gate, respectively.", lambda n, k: f"{shape(k, n)}, {shape(k, k)}"),
    ("An LSTM with input of dimension ({n}x1) and hidden state of size {k} concatenates [h_{{t-1}}, x_t]. What is "
     "the dimension of the concatenated vector?", lambda n, k: shape(n + k, 1)),
    ("An LSTM with {n} input features and {k} hidden units: how many parameters does it have (one bias per "
     "gate)?", lambda n, k: str(4 * k * (n + k + 1))),
    ("How many parameters does a PyTorch LSTM with input_size={n} and hidden_size={k} have?",
     lambda n, k: str(4 * k * (n + k + 2))),
    ("How many trainable parameters are in a Keras LSTM layer with {k} units on inputs with {n} features?",
     lambda n, k: str(4 * k * (n + k + 1))),
    ("In a Keras LSTM with {k} units reading inputs of shape (None, 10, {n}), what is the shape of the kernel?",
     lambda n, k: f"{n}x{4 * k}"),
    ("In a Keras LSTM with {k} units reading inputs of shape (None, 7, {n}), what is the shape of the "
     "recurrent_kernel?", lambda n, k: f"{k}x{4 * k}"),
    ("In PyTorch, nn.LSTM(input_size={n}, hidden_size={k}): what is the shape of weight_ih_l0?",
     lambda n, k: f"{4 * k}x{n}"),
    ("For a PyTorch LSTM with input_size={n} and hidden_size={k}, what is the shape of weight_hh_l0?",
     lambda n, k: f"{4 * k}x{k}"),
    ("A MATLAB lstmLayer with {k} hidden units gets a {n} x 400 signal. What is the size of the LSTM layer's "
     "output?", lambda n, k: f"{k}x400"),
    ("How many parameters does a bidirectional PyTorch LSTM with input_size={n} and hidden_size={k} have?",
     lambda n, k: str(2 * 4 * k * (n + k + 2))),
    ("A PyTorch LSTM has 2 layers, input_size={n} and hidden_size={k}. How many parameters does it have?",
     lambda n, k: str(4 * k * (n + k + 2) + 4 * k * (k + k + 2))),
    ("With an input of dimension ({n}x1) and output of dimension ({k}x1), what are the dimensions of the "
     "recurrent weights of the forget gate and of the input gate respectively?",
     lambda n, k: f"{shape(k, k)}, {shape(k, k)}"),
    ("Input of dimension {n}x1, output of dimension {k}x1: what is the dimension of the output gate's "
     "activation o_t?", lambda n, k: shape(k, 1)),
]
SIZES = [(20, 50), (80, 12), (3, 7), (128, 64), (1, 16)]


@pytest.mark.parametrize("template,expected", TEMPLATES, ids=[f"t{i}" for i in range(len(TEMPLATES))])
@pytest.mark.parametrize("n,k", SIZES, ids=[f"n{n}k{k}" for n, k in SIZES])
def test_own_questions(template, expected, n, k):
    """20 phrasings x 5 sizes = 100 questions; answers change with the sizes."""
    assert ask(template.format(n=n, k=k)).answer == expected(n, k)


RANGES = [
    ("In a standard LSTM, what range can the values of the forget gate take?", "(0, 1)"),
    ("What is the range of the candidate cell state values?", "(-1, 1)"),
    ("What range of values can the hidden state h_t of a standard LSTM take?", "(-1, 1)"),
    ("What can be the output of the output gate?", "(0, 1)"),
    ("What range of values can the cell state c_t take?", "(-inf, inf)"),
    ("In an LSTM with no output tanh (h_t = o_t * c_t), what range can the hidden state take?", "(-inf, inf)"),
]


@pytest.mark.parametrize("question,expected", RANGES)
def test_ranges(question, expected):
    """Derived by interval arithmetic over the cell's equations (sigmoid (0, 1), tanh (-1, 1))."""
    assert ask(question).answer == expected


def test_options_are_compared_semantically():
    q = "For an LSTM with input of dimension (20x1) and output of dimension (50x1), what are the dimensions of " \
        "the feed-forward weights of the forget gate?"
    assert ask(q, ["(50, 20)", "20 x 50", "50×20", "50 x 50"]).choices == ["A", "C"]
    assert ask("What can be the output of the forget gate?", ["2", "0.7", "-0.3", "0.01"]).choices == ["B", "D"]
    assert ask("What is the range of the input gate?", ["(-1, 1)", "between 0 and 1", "[0, inf)"]).choices == ["B"]


def test_option_styles():
    block = """Qn: For a LSTM network with input of dimension (20x1) and output of dimension (50x1), what
will be the dimensions of the previous hidden state?
A. 50x50
B. 50x1
C) 1x50
D) 1x1
Ans: A (a wrong key, to show it is ignored)"""
    assert ask(block).choices == ["B"]
    numbered = "1. For an LSTM with 80 features and 12 hidden units, what is the shape of W_fR?\n1. 12x80\n2. 12x12"
    assert ask(numbered).choices == ["B"]


def test_symbolic_sizes():
    a = ask("An LSTM has input of dimension n x 1 and hidden state of size m. What is the shape of the "
            "feed-forward weights of the forget gate?")
    assert a.answer == "mxn"


@pytest.mark.parametrize("text,expected", [
    ("The forget gate is [0.5, 1.0], the previous cell state c_{t-1} = [2.0, -1.0], the input gate is [0.2, 0.0] "
     "and the candidate is [1.0, 0.3]. Compute the new cell state c_t.", [0.5 * 2.0 + 0.2 * 1.0, -1.0]),
    # a standard LSTM's output has the tanh (the first-generation quiz dropped it here)
    ("Output gate o_t = [0.5, 0.25] and memory cell c_t = [0.2, 0.8]. Calculate the output of the LSTM block.",
     [0.5 * math.tanh(0.2), 0.25 * math.tanh(0.8)]),
])
def test_numeric_evaluations(text, expected):
    answer = ask(text).answer
    values = [float(x) for x in answer.strip("[]").split(",")]
    assert values == pytest.approx(expected, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 5000), k=st.integers(1, 5000))
def test_answers_follow_the_sizes(n, k):
    q = f"For a LSTM network with input of dimension ({n}x1) and output of dimension ({k}x1), what will be the " \
        "dimensions of the feed-forward weights of forget and input gate respectively?"
    assert ask(q).answer == f"{k}x{n}, {k}x{n}"


WORDS = ["input", "of", "dimension", "(20x1)", "output", "50x1", "what", "is", "the", "shape", "hidden", "units",
         "feed-forward", "weights", "forget", "gate", "respectively", "how many", "parameters", "PyTorch", "Keras",
         "range", "[0.5, 0.2]", "cell state", "c(n)", "=", "?", "\n- 3x4", "\n", "bidirectional", "proj_size=3",
         "layers", "kernel", "weight_ih_l0", "n", "m", "0", "-5", "1e400", "units=0", "(None, 10, 2)", "signal",
         "1 x 400", "dense", "with 3", "ONNX", "MATLAB", "compute", "[1, 2, 3]", "tanh"]


@settings(max_examples=300, deadline=3000)
@given(st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join))
def test_fuzzed_questions_give_clean_errors(text):
    from lstm_symbolic import LstmSymbolicError

    try:
        answer_question(parse_block(text))
    except LstmSymbolicError:
        pass


# -- found in the polish pass's tour ------------------------------------------------------------------
@pytest.mark.parametrize("question, answer", [
    ("What is the shape of W_f when n = 80 and k = 12?", "12x80"),
    ("How many parameters does a Keras LSTM with 10 inputs and 20 units have?", "2480"),
    ("Let the current memory cell be c(n) = [1e3, -2.5e-1] and the output gate g^output(n) = [0.5, 0.5]. "
     "What is the output of the whole LSTM block?", "[500, -0.125]"),
])
def test_more_ways_of_saying_it(cli, question, answer):
    result = cli("quiz", question)
    assert result.exit_code == 0 and result.output.startswith(f"answer: {answer}\n"), result.output + result.stderr


def test_values_that_overflow_or_no_gate_could_output(cli):
    update = ("The previous cell state is c_{{t-1}} = [{c}, 1], the forget gate is [{f}, 0.5], the input gate is "
              "[0.2, 0.3] and the candidate is [0.1, 0]. What is the new cell state?")
    result = cli("quiz", update.format(c="1e308", f="10"))
    assert result.exit_code == 2 and "overflows double precision" in result.stderr
    result = cli("quiz", update.format(c="0.5", f="1.5"))
    assert result.exit_code == 0 and "note: f_t has values outside (0, 1)" in result.output

"""End to end: the quiz on GRU and simple RNN questions (shapes from the cell tables, values from the family's own
equations), and the size limit every command shares."""

import math

import pytest

from lstm_symbolic.quiz import CannotDecide, answer_question, parse_block


def ask(text, options=()):
    return answer_question(parse_block(text, options))


# -- the size limit: the quiz refuses exactly as the other commands do --------------------------------------
HUGE = str(10**22)


@pytest.mark.parametrize("question", [
    f"An LSTM has {HUGE} input features and 20 hidden units. What values can the forget gate take?",
    f"An LSTM has input_size={HUGE} and hidden_size=2. Given o_t = [0.4, 0.6] and c_t = [0.7, 0.3], compute h_t.",
    f"How many parameters does nn.LSTM({HUGE}, 20) have?",
    f"What is the shape of W_f for an LSTM with 10 inputs and {HUGE} hidden units?",
], ids=["range", "value", "code", "shape"])
def test_sizes_over_the_limit_are_refused(cli, question):
    result = cli("quiz", question)
    assert result.exit_code == 2, result.output
    assert f"is too large: {HUGE} (the limit is 10**18)" in result.stderr
    shapes = cli("shapes", "-n", HUGE, "-k", "3")
    assert shapes.exit_code == 2 and f"too large: {HUGE} (the limit is 10**18)" in shapes.stderr


def test_size_at_the_limit_is_answered():
    big = 10**18
    assert ask(f"What is the shape of W_f for an LSTM with {big} inputs and 3 hidden units?").answer == f"3x{big}"


def test_zero_size_is_refused(cli):
    result = cli("quiz", "An LSTM has 0 hidden units and 3 inputs. How many parameters?")
    assert result.exit_code == 2 and "hidden size k" in result.stderr and "at least 1" in result.stderr


# -- counts: the working's formula -------------------------------------------------------------------------
@pytest.mark.parametrize("question,formula", [
    ("How many parameters does a simple RNN with input (20x1) and hidden state (50x1) have?",
     "k(n + k + 1) = 50·(20 + 50 + 1) = 3550   (one bias vector, textbook convention)"),
    ("How many parameters does torch.nn.RNN(10, 20) have?", "k(n + k + 2) = 20·(10 + 20 + 2) = 640"),
    ("How many parameters does nn.GRU(10, 20, num_layers=3) have?", "3k(n + k + 2) + 2·[3k(k + k + 2)] = 6960"),
    ("How many parameters does nn.GRU(10, 20, num_layers=2, bidirectional=True) have?",
     "(3k(n + k + 2) + 3k(2k + k + 2)) x 2 directions = 11280"),
])
def test_count_formula_in_the_working(question, formula):
    a = ask(question)
    assert formula in a.explanation and "1k(" not in a.explanation


# -- GRU and simple RNN: shapes, declines and the working ---------------------------------------------------
def test_gru_shape_questions_of_the_report():
    a = ask("What is the shape of W_z in a GRU with 10 inputs and 20 hidden units?")
    assert a.answer == "20x10" and "input (feed-forward) weights of the update gate" in a.explanation
    b = ask("A GRU has 10 inputs and 20 hidden units. What is the shape of the recurrent weights of the update gate?")
    assert b.answer == "20x20" and "U_z is 20x20" in b.explanation
    c = ask("A GRU has 10 inputs and 20 hidden units. What is the shape of the recurrent bias of the reset gate?")
    assert c.answer == "20x1" and "only the reset-after GRU" in c.explanation


@pytest.mark.parametrize("question,reason", [
    ("A GRU has 10 inputs and 20 hidden units. What is the shape of its cell state?", "a GRU has no cell state"),
    ("For a GRU with 10 inputs and 20 hidden units, what are the dimensions of the memory cell?", "no cell state"),
    ("A simple RNN with 3 inputs and 4 units: what is the shape of C_{t-1}?", "a simple RNN has no cell state"),
    ("A GRU has 10 inputs and 20 units. What is the shape of the forget gate's weights?",
     "its gates are the reset gate r, the update gate z and the candidate hidden state n"),
    ("A reset-before GRU has 10 inputs and 20 hidden units. What is the shape of c_r?", "reset-before GRU cell"),
    ("How many parameters does a GRU with 10 inputs and 20 hidden units have in PyTorch, and what is the shape of "
     "the update gate weights?", "two things at once"),
    ("What range of values can the hidden state of a GRU take?", "previous state"),
])
def test_gru_rnn_declines_with_the_reason(question, reason):
    with pytest.raises(CannotDecide, match=reason):
        ask(question)


def test_value_working_states_the_placement():
    unsaid = ask("A GRU has update gate z_t = [0.2, 0.9], candidate n_t = [0.5, -0.5] and previous hidden state "
                 "h_{t-1} = [1, 0]. What is h_t?")
    assert unsaid.answer == "[0.6, -0.05]"
    assert "does not say where the reset gate is applied" in unsaid.explanation
    assert "z_t weighs the previous state" in unsaid.explanation
    said = ask("A one-unit PyTorch GRU has W_r = 0.5, U_r = -0.3, b_r = 0.1, c_r = 0, W_z = 0.2, U_z = 0.4, b_z = 0, "
               "c_z = 0, W_n = 1.0, U_n = 0.7, b_n = 0.2, c_n = 0.3, x_t = 1 and h_{t-1} = 0.5. Compute h_t.")
    assert "a reset-after GRU" in said.explanation and "r_t * (U_n @ h_prev + c_n)" in said.explanation
    cho = ask("A one-unit GRU (Cho et al.) has W_r = 0.3, U_r = 0.6, b_r = 0, W_n = -1.2, U_n = 0.9, b_n = 0.4, "
              "x_t = 0.5 and h_{t-1} = 0.8. What is the candidate n_t?")
    assert "a reset-before GRU" in cho.explanation and "U_n @ (r_t * h_prev)" in cho.explanation


def test_rnn_nonlinearity_from_code_and_words():
    relu = ask("A simple RNN with ReLU has W_h = 0.5, U_h = -1, b_h = 0.1, x_t = 2 and h_{t-1} = 0.4. What is h_t?")
    assert relu.answer == "[0.7]" and "relu" in relu.explanation
    assert ask("What is the range of the hidden state of a simple RNN with ReLU?").answer == "[0, inf)"
    with pytest.raises(CannotDecide, match="both 'relu' and 'tanh'"):
        ask("A simple RNN uses relu instead of tanh. With W_h = 0.5, U_h = -1, b_h = 0.1, x_t = 2 and "
            "h_{t-1} = 0.4, what is h_t?")


# -- held-out phrasings (written after the corpus; answers computed by hand and with NumPy here) ---------------
def _gru_one_unit(Wz, Uz, bz, Wr, Ur, br, Wn, Un, bn, x, h):
    import numpy as np

    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    r, z = sig(Wr * x + Ur * h + br), sig(Wz * x + Uz * h + bz)
    return (1 - z) * np.tanh(Wn * x + Un * (r * h) + bn) + z * h


HELD_OUT = [
    ("I'm building a GRU with hidden_size=64 and input_size=32. What shape should the update-gate weight matrix "
     "that multiplies x_t have?", "64x32"),
    ("What are the dimensions of the reset gate's recurrent weight matrix in a GRU with 40 inputs and 25 hidden "
     "units?", "25x25"),
    ("A GRU has 12 input features and 24 units. How big is the bias vector of the update gate?", "24x1"),
    ("What's the shape of the hidden-to-hidden weight matrix of a vanilla RNN with 128 hidden units and 50 input "
     "features?", "128x128"),
    ("An RNN (Elman) has input dimension 5 and hidden dimension 10. What are the shapes of W_h, U_h and b_h?",
     "10x5, 10x10, 10x1"),
    ("Given a GRU with z_t = [0.9, 0.1], candidate \\tilde{h}_t = [0.2, 0.4] and h_{t-1} = [0.5, -0.5], what is the "
     "new hidden state?", [0.1 * 0.2 + 0.9 * 0.5, 0.9 * 0.4 + 0.1 * -0.5]),
    ("GRU step: r_t = [0.5, 0.5], z_t = [0.3, 0.6], n_t = [0.1, -0.1], h_{t-1} = [0.2, 0.2]. Find h_t.",
     [0.7 * 0.1 + 0.3 * 0.2, 0.4 * -0.1 + 0.6 * 0.2]),
    ("A scalar RNN computes h_t = tanh(W_h x_t + U_h h_{t-1} + b_h). If W_h = 2, U_h = 0.5, b_h = -1, x_t = 0.5 "
     "and h_{t-1} = 1, what is h_t?", [math.tanh(0.5)]),
    ("For a one-unit GRU with W_z = 0.1, U_z = 0.2, b_z = 0.3, W_r = 0.4, U_r = 0.5, b_r = 0.6, W_n = 0.7, "
     "U_n = 0.8, b_n = 0.9, x_t = 1 and h_{t-1} = 1, compute h_t.",
     [_gru_one_unit(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0)]),
    ("What is the range of values of the reset gate in a GRU?", "(0, 1)"),
    ("In Keras, GRU(32, reset_after=False, input_shape=(10, 8)): what is the shape of W_z in the column "
     "convention?", "32x8"),
]


@pytest.mark.parametrize("question,expected", HELD_OUT, ids=[f"held{i}" for i in range(len(HELD_OUT))])
def test_held_out_phrasings(question, expected):
    a = ask(question)
    if isinstance(expected, str):
        assert a.answer == expected
    else:
        got = [float(x) for x in a.answer.strip("[]").split(",")]
        assert got == pytest.approx(expected, abs=1e-6)

"""The quiz on GRU and simple RNN questions (shapes from the cell tables, values from the family's own
equations), and the size limit every command shares."""

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
    ("How many parameters does nn.GRU(10, 20, num_layers=3) have?", "3k(n + k + 2) + 2 x 3k(k + k + 2) = 6960"),
    ("How many parameters does nn.GRU(10, 20, num_layers=2, bidirectional=True) have?",
     "(3k(n + k + 2) + 3k(2k + k + 2)) x 2 directions = 11280"),
])
def test_count_formula_in_the_working(question, formula):
    a = ask(question)
    assert formula in a.explanation and "1k(" not in a.explanation

"""quiz: answer_question (reading, the handler of each kind of question, options and the answer key)
and answer_value's choice of the LSTM's or another family's equations; the seed course's quiz."""

import json
import pathlib

import pytest

from lstm_symbolic import quiz
from lstm_symbolic.quiz import Answer, CannotDecide, answer_question, parse_block
from lstm_symbolic.quiz_reading import Understanding

# a verbatim copy of ../shared/seeds/000_6fd2dc68e06c1fdf.txt (the seed course with its quiz)
SEED_COURSE = pathlib.Path(__file__).resolve().parent / "data" / "seed_course_000.txt"


def ask(text, options=()):
    return answer_question(parse_block(text, options))


# -- the seed course's quiz, exactly as it appears -----------------------------------------------------
def seed_blocks():
    text = SEED_COURSE.read_text()
    return ["Qn:" + part.split("\n#")[0] for part in text.split("Qn:")[1:]]


EXPECTED_SEED = [
    ("rationale behind using a tanh", None),  # conceptual
    ("The output gate contains a sigmoid", None),  # conceptual ("which statements are correct")
    ("what can be the output of the forget gate", ["D"]),  # 0.2; the seed's key says C, but its own
    # explanation ("between 0 and 1") picks the fourth option, 0.2
    ("Which of the statements is true about the outputs", None),
    ("previous hidden state", ["B"]),
    ("feed-forward weights of forget and input gate respectively", ["A"]),
]


def test_seed_quiz_questions():
    blocks = seed_blocks()
    assert len(blocks) == len(EXPECTED_SEED)
    for block, (marker, expected) in zip(blocks, EXPECTED_SEED):
        assert marker in block
        q = parse_block(block)
        assert len(q.options) == 4 and "Ans" not in " ".join(q.options)
        if expected is None:
            with pytest.raises(CannotDecide):
                answer_question(q)
        else:
            assert answer_question(q).choices == expected, block


def test_seed_course_example_and_seed_page_value():
    a = ask("Suppose you have an LSTM cell where input (xt) dimensions are 80x1 (80 features) and output (ot) "
            "dimensions are 12x1 (12 classes). What will be the dimension of W_fF and W_fR respectively?")
    assert a.answer == "12x80, 12x12"
    b = ask("Let the current memory cell be c(n) = [0.7, 0.3] and the value of the output gate "
            "g^output(n) = [0.4, 0.6]. Then, what is the output of the whole LSTM block?")
    assert b.answer == "[0.28, 0.18]"


@pytest.mark.parametrize("text,fragment", [
    ("Why do LSTMs use a forget gate?", "conceptual"),
    ("What is the shape of the forget gate weights?", "does not give n"),
    ("banana banana banana", "cannot tell what is asked"),
])
def test_cannot_decide(text, fragment):
    with pytest.raises(CannotDecide, match=fragment):
        ask(text)


def test_cli_quiz(cli):
    result = cli("quiz", "For a LSTM network with input of dimension (20x1) and output of dimension (50x1), what "
                         "will be the dimensions of the previous hidden state (ht−1)?",
                 "--option", "50x50", "--option", "50x1", "--option", "1x50", "--option", "1x1", "--json")
    data = json.loads(result.output)
    assert data["answer"] == "50x1" and data["choices"] == ["B"] and data["understood"]["sizes"] == {"n": 20, "k": 50}
    text = cli("quiz", "How many parameters does a PyTorch LSTM with input_size=10 and hidden_size=20 have?")
    assert text.output.startswith("answer: 2560") and "two biases" in text.output
    assert "choices" not in json.loads(cli("quiz", "What can be the output of the forget gate?", "--json").output)


def test_cli_quiz_block_on_stdin(cli):
    block = seed_blocks()[4]
    result = cli("quiz", input=block)
    assert result.exit_code == 0 and "choice: B. 50x1" in result.output


@pytest.mark.parametrize("args,code", [(["Why is tanh used?"], 1), ([""], 2), (["--option", "50x1"], 2)])
def test_cli_quiz_errors(cli, args, code):
    result = cli("quiz", *args)
    assert result.exit_code == code and result.stderr.startswith("Error:")


# -- answer_question: one handler per kind of question ------------------------------------------------------
@pytest.mark.parametrize("question, kind, answer", [
    ("What is the shape of W_f when n = 80 and k = 12?", "shape", "12x80"),
    ("How many parameters does a Keras LSTM with 10 inputs and 20 units have?", "count", str(4 * 20 * (10 + 20 + 1))),
    ("How many more parameters does an LSTM have than a GRU with 10 inputs and 20 units (one bias per gate)?",
     "diff", str(20 * (10 + 20 + 1))),
    ("What range of values can the input gate take?", "range", "(0, 1)"),
    ("Given o_t = [0.5] and c_t = [0.0], what is h_t?", "value", "[0]"),
], ids=["shape", "count", "diff", "range", "value"])
def test_each_kind_has_its_handler(question, kind, answer):
    a = ask(question)
    assert isinstance(a, Answer) and a.understood["asked"] == kind and a.answer == answer
    assert a.choices is None and a.key is None and a.explanation.startswith(("understood:", "model"))


def test_options_are_judged_and_the_key_compared_afterwards():
    block = "What is the shape of W_f when n = 80 and k = 12?\nA. 80x12\nB. 12x80\nC. (12, 80)\nAns: A"
    a = answer_question(parse_block(block))
    assert a.answer == "12x80" and a.choices == ["B", "C"]
    assert a.key == {"letters": ["A"], "agrees": False}
    assert "the key says A; the model gives B & C" in a.explanation


def understanding(family, variant):
    return Understanding({"n": 1, "k": 1}, {}, None, family, variant, "separate", "value", ["h_t"], {},
                         given={"h_prev": [0.5]})


@pytest.mark.parametrize("family, variant, used", [("lstm", "standard", "lstm_value"), ("gru", "reset-after",
                                                   "family_value"), ("rnn", "tanh", "family_value")])
def test_answer_value_uses_the_family_equations(monkeypatch, family, variant, used):
    from lstm_symbolic import quiz_family_values, quiz_values

    calls = []
    monkeypatch.setattr(quiz_values, "lstm_value", lambda u: calls.append("lstm_value") or (0, "0", []))
    monkeypatch.setattr(quiz_family_values, "family_value", lambda u: calls.append("family_value") or (0, "0", []))
    quiz.answer_value(understanding(family, variant))
    assert calls == [used]


def test_answer_value_checks_the_vectors_first():
    u = understanding("lstm", "standard")
    u.given = {}
    with pytest.raises(CannotDecide, match="found no vectors"):
        quiz.answer_value(u)

"""quiz_reading: a pasted block split into the question, its options and its answer key; the
Understanding a question is read into."""

import pytest

from lstm_symbolic.errors import UsageError
from lstm_symbolic.quiz_reading import MAX_QUESTION_CHARS, Question, Understanding, parse_block


@pytest.mark.parametrize("block, text, options, key", [
    ("What is the shape of W_f?", "What is the shape of W_f?", [], []),
    ("Qn: What is the shape of W_f?\nA. 12x80\nB. 80x12\nC) 12x12\nAns: B", "What is the shape of W_f?",
     ["12x80", "80x12", "12x12"], ["B"]),
    ("Question 3. Which?\n- 50x1\n- 1x50\nAnswer: a", "Which?", ["50x1", "1x50"], ["A"]),
    ("Which?\n(a) 3x4\n(b) 4x3\nCorrect answer: A & B (both)", "Which?", ["3x4", "4x3"], ["A", "B"]),
    ("Which?\n1. 3x4\n2. 4x3\nKey: 2", "Which?", ["3x4", "4x3"], []),
    ("Which shape? (a) 50x20 (b) 20x50 (c) (50, 20)", "Which shape?", ["50x20", "20x50", "(50, 20)"], []),
    ("Which?\nA. a long option\nthat goes on\nB. 4x3", "Which?", ["a long option that goes on", "4x3"], []),
    ("A. What is the shape of the input gate's weights when n = 3?\nB. 3x3", "What is the shape of the input "
     "gate's weights when n = 3?", ["3x3"], []),
    ("What? (b) first (a) second", "What? (b) first (a) second", [], []),
], ids=["plain", "lettered-key", "dashes-lowercase-key", "parenthesized-two-letter-key", "numbered-digit-key",
        "inline", "continued-option", "question-as-first-option", "inline-not-from-a"])
def test_blocks(block, text, options, key):
    assert parse_block(block) == Question(text, options, key)


def test_the_key_and_what_follows_it_are_never_the_question():
    q = parse_block("What is the shape of W_f?\nAns: C\nExplanation: since W_f is 12x80 ...")
    assert q.text == "What is the shape of W_f?" and q.key == ["C"]


def test_options_given_apart_are_appended():
    q = parse_block("Which?\nA. 3x4", options=["4x3", "  ", ""])
    assert q.options == ["3x4", "4x3"]


def test_the_length_limit():
    assert parse_block("?" * MAX_QUESTION_CHARS).text == "?" * MAX_QUESTION_CHARS
    with pytest.raises(UsageError, match=f"too long \\({MAX_QUESTION_CHARS + 1} characters"):
        parse_block("?" * (MAX_QUESTION_CHARS + 1))


@pytest.mark.parametrize("text,error", [
    ("", "empty"),
    ("- 50x1\n- 1x1", "options but no question"),
    ("x" * 30_000, "too long"),
])
def test_bad_input(text, error):
    with pytest.raises(UsageError, match=error):
        parse_block(text)




def test_understanding_as_dict():
    u = Understanding({"n": 20, "k": 50}, {"n": "input of dimension (20x1)"}, "keras", "lstm", "standard",
                      "separate", "shape", ["h_prev"])
    assert u.as_dict() == {"sizes": {"n": 20, "k": 50}, "framework": "keras", "model": "lstm",
                           "variant": "standard", "layout": "separate", "asked": "shape", "targets": ["h_prev"],
                           "read": {"n": "input of dimension (20x1)"}}
    u.flags["batch_first"] = True
    assert u.as_dict()["flags"] == {"batch_first": True}

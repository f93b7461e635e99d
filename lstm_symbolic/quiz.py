"""Answer quiz-style questions about LSTM (and GRU / simple RNN) shapes, parameter counts,
value ranges and values.

The question is read by a small semantic parser (:mod:`quiz_tokens` -> :mod:`quiz_understand`,
with the lexicon of :mod:`quiz_lexicon` generated from the project's tables); the answer comes
from the model (:mod:`quiz_answers`: cell and framework tables; :mod:`quiz_values`: the cell's own
equations evaluated on numbers or intervals).  Multiple-choice options are judged one by one and an
answer key in the paste is compared only afterwards (:mod:`quiz_choices`).  Whatever the reader
does not understand makes :class:`CannotDecide` say what it was (exit code 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import CannotDecide  # noqa: F401 - the module's API
from .quiz_reading import Question, parse_block  # noqa: F401 - the module's API
from .quiz_understand import understand


@dataclass
class Answer:
    answer: str
    explanation: str
    understood: dict
    choices: list | None = None
    key: dict | None = None


def answer_question(question):
    """The answer, its working, and (with options) the letters of every right option."""
    from .quiz_answers import answer_count, answer_diff, answer_shape
    from .quiz_choices import judge_options
    from .quiz_values import answer_range

    u = understand(question)
    handler = {"shape": answer_shape, "count": answer_count, "diff": answer_diff, "range": answer_range,
               "value": answer_value}[u.kind]
    value, text, lines = handler(u)
    choices, key = None, None
    if question.options:
        choices, option_lines, key = judge_options(u, value, text, question.options, question.key)
        lines = lines + option_lines
    return Answer(text, "\n".join(lines), u.as_dict(), choices, key)


def answer_value(u):
    """The value of a tensor computed from the question's vectors: the LSTM's equations, or the GRU's
    or the simple RNN's (:mod:`lstm_symbolic.quiz_family_values`)."""
    from .quiz_family_values import family_value
    from .quiz_values import check_given, lstm_value

    check_given(u)
    return {"lstm": lstm_value}.get(u.family, family_value)(u)

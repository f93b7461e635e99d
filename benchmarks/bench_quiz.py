"""Time the quiz on hostile 20,000-character pastes and on the corpus (prints seconds; not a test)."""

import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from lstm_symbolic import LstmSymbolicError
from lstm_symbolic.quiz import answer_question, parse_block
from tests.integration.test_quiz_corpus import ENTRIES
from tests.integration.test_quiz_examples import HOSTILE


def run(text):
    start = time.perf_counter()
    try:
        answer_question(parse_block(text[:20_000]))
        outcome = "answered"
    except LstmSymbolicError as exc:
        outcome = type(exc).__name__
    return time.perf_counter() - start, outcome


if __name__ == "__main__":
    run("What is the shape of W_f for 20 inputs and 50 units?")  # warm the imports
    for name, text in HOSTILE.items():
        seconds, outcome = run(text)
        print(f"{name:12s} {len(text[:20_000]):6d} chars  {seconds * 1000:8.1f} ms  {outcome}")
    times = sorted(run(e.text)[0] for e in ENTRIES)
    print(f"corpus: {len(times)} questions, median {times[len(times) // 2] * 1000:.1f} ms, "
          f"max {times[-1] * 1000:.1f} ms")

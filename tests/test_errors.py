"""errors.py: which error means which exit code, the hierarchy callers catch, and ParseError's
caret line."""

from __future__ import annotations

import pytest

from lstm_symbolic import errors
from lstm_symbolic.errors import (
    CannotDecide,
    LstmSymbolicError,
    ParseError,
    ResourceError,
    ShapeError,
    UnderdeterminedError,
    UsageError,
    VerificationError,
)


@pytest.mark.parametrize("error, code", [
    (LstmSymbolicError, 2), (UsageError, 2), (ParseError, 2), (ResourceError, 2),
    (ShapeError, 1), (UnderdeterminedError, 1), (VerificationError, 1), (CannotDecide, 1),
], ids=lambda v: v.__name__ if isinstance(v, type) else str(v))
def test_exit_codes(error, code):
    assert error.exit_code == code


@pytest.mark.parametrize("error", [UsageError, ShapeError, UnderdeterminedError, ParseError],
                         ids=lambda e: e.__name__)
def test_malformed_values_are_value_errors(error):
    """Callers that catch ValueError (as for int("x")) also catch the library's bad-value errors."""
    assert issubclass(error, ValueError) and issubclass(error, LstmSymbolicError)


def test_every_error_the_library_raises_on_purpose_derives_from_the_base():
    raised = [value for value in vars(errors).values() if isinstance(value, type) and issubclass(value, Exception)]
    signals = {errors.LayerProblem, errors.LayerContradiction}  # between layer rules and summary, never shown
    assert {e for e in raised if not issubclass(e, LstmSymbolicError)} == signals


@pytest.mark.parametrize("col, caret", [(1, "^"), (5, "    ^")], ids=["first", "fifth"])
def test_parse_error_points_at_the_column(col, caret):
    err = ParseError("expected ')'", "cell.txt", 3, col, "y = tanh(x")
    assert str(err) == f"cell.txt:3:{col}: syntax error: expected ')'\n  y = tanh(x\n  {caret}"
    assert (err.message, err.filename, err.line, err.col, err.text) == ("expected ')'", "cell.txt", 3, col,
                                                                        "y = tanh(x")

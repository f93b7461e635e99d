"""The project's exceptions, and which one means what.

Policy
------
* ``LstmSymbolicError`` is the base of everything this library raises on purpose.
* ``UsageError``: the request itself is malformed (a size that is not a positive
  integer or a name, an unknown variant, layout or tensor name, a malformed shape).
  The CLI exits with 2.
* ``ShapeError``: the request is well formed but the shapes contradict each other
  (a product whose inner sizes differ, a non-square recurrent weight, ...), or the
  shapes cannot all be determined from what was given.  The CLI exits with 1.
  ``UnderdeterminedError`` (a ShapeError) is the second case: the message names the missing size
  and the shapes that would supply it.
* ``VerificationError``: a numeric check found a mismatch.  The CLI exits with 1.
* ``ResourceError``: the request would not fit in memory or time.  The CLI exits with 2.
* ``ParseError`` (a UsageError): a statement of a model file that is not in the language.
* ``CannotDecide``: a quiz question outside what the model decides, or lacking a size (exit 1).
* ``PrinterError``: a printer has no rule for an expression class (a gap in the library, exit 2).
* ``LayerProblem`` and ``LayerContradiction`` are not user errors but signals between the layer
  rules and the ``summary`` command, which turns them into reported problems.

Messages are complete paragraphs written for a person: they name the user-level
thing, show every operand with its shape and end with the current bindings.
"""


class LstmSymbolicError(Exception):
    """Base class of the errors this library raises on purpose."""

    exit_code = 2


class UsageError(LstmSymbolicError, ValueError):
    """A malformed request: bad size, unknown name, malformed shape."""

    exit_code = 2


class ShapeError(LstmSymbolicError, ValueError):
    """Shapes that contradict each other, or that cannot all be determined."""

    exit_code = 1


class UnderdeterminedError(ShapeError):
    """The given shapes leave a size undetermined; the message says what would fix it."""


class VerificationError(LstmSymbolicError):
    """A numeric check (compiled cell against the NumPy reference) failed."""

    exit_code = 1


class ResourceError(LstmSymbolicError):
    """The request would not fit in memory or time."""

    exit_code = 2


class ParseError(UsageError):
    """A statement that is not in the language; carries file, line and column."""

    def __init__(self, message, filename, line, col, text):
        self.message, self.filename, self.line, self.col, self.text = message, filename, line, col, text
        caret = " " * (col - 1) + "^"
        super().__init__(f"{filename}:{line}:{col}: syntax error: {message}\n  {text}\n  {caret}")


class CannotDecide(LstmSymbolicError):
    """The question is outside what the model decides, or lacks a size (exit code 1)."""

    exit_code = 1


class LayerProblem(Exception):
    """The layer cannot be summarized (an argument that is not a literal, an unknown layer type)."""


class LayerContradiction(Exception):
    """The layer's input contradicts what the layer expects; the message is the reason
    (``expects ... , got ...``), the caller adds where each side came from."""


class PrinterError(LstmSymbolicError, TypeError):
    """A printer (text, LaTeX, NumPy code) met an expression class it has no rule for: a gap in the
    library's rule tables, never a problem with the user's input."""

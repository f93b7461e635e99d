"""Sizes (integers or symbol names) and shapes as users type them.

Nothing here imports SymPy at module level: the CLI parses its options with these
functions before it knows whether it needs the symbolic machinery.
"""

from __future__ import annotations

import re

from .errors import UsageError

#: The sizes of a cell, in display order, with their meaning.
SIZE_MEANINGS = {
    "n": "the input size: features of x_t",
    "k": "the hidden size: units, rows of c_t",
    "p": "the projection size: rows of h_t",
    "B": "the batch size: columns of x_t",
}

#: The largest size any command accepts (options, shapes, equation files, quiz questions).
MAX_SIZE = 10**18
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}\Z")
_INT = re.compile(r"[+]?[0-9]+\Z")
_SHAPE = re.compile(r"\s*\(?\s*([^,x×*]+?)\s*(?:x|×|\*|,)\s*([^,x×*]+?)\s*\)?\s*\Z", re.IGNORECASE)


def parse_size(text, what="size"):
    """Parse a size: a positive integer, or a symbol name such as ``n``.

    Returns an ``int`` or the name as a ``str`` (turned into a SymPy symbol later).

    >>> parse_size("80"), parse_size("n"), parse_size(12)
    (80, 'n', 12)
    """
    if isinstance(text, bool):
        raise UsageError(f"{what} must be a positive integer or a name, got {text!r}")
    if isinstance(text, int):
        value = text
    else:
        raw = str(text).strip()
        if _INT.match(raw):
            value = int(raw)
        elif _NAME.match(raw):
            return raw
        else:
            shown = raw if raw else "an empty string"
            hint = ""
            if re.fullmatch(r"[+-]?[0-9]*\.[0-9]+(e[+-]?[0-9]+)?|[+-]?[0-9]+e[+-]?[0-9]+", raw, re.I):
                hint = " (sizes count rows and columns, so they are whole numbers)"
            elif raw.startswith("-"):
                hint = " (sizes are at least 1)"
            raise UsageError(
                f"{what} must be a positive integer or a symbol name (a letter followed by "
                f"letters, digits or _), got {shown}{hint}"
            )
    return check_size(value, what)


def check_size(value, what="a size"):
    """``value`` when it is a size this tool accepts (1 to :data:`MAX_SIZE`), else a UsageError.

    >>> check_size(12)
    12
    >>> check_size(10**21, "the input size")
    Traceback (most recent call last):
    ...
    lstm_symbolic.errors.UsageError: the input size is too large: 1000000000000000000000 (the limit is 10**18)
    """
    if value < 1:
        raise UsageError(f"{what} must be at least 1, got {value}")
    if value > MAX_SIZE:
        raise UsageError(f"{what} is too large: {value} (the limit is 10**18)")
    return value


def parse_shape(text, what="shape"):
    """Parse ``"50x20"``, ``"50 x 20"``, ``"(50, 20)"`` or ``"k x n"`` into a pair of sizes.

    >>> parse_shape("50x20"), parse_shape("(k, n)")
    ((50, 20), ('k', 'n'))
    """
    match = _SHAPE.match(str(text))
    if not match:
        raise UsageError(
            f"{what} {text!r} is not a shape: write ROWSxCOLS with two sizes, e.g. 50x20 or k x n"
        )
    return parse_size(match.group(1), f"the rows of {what}"), parse_size(
        match.group(2), f"the columns of {what}"
    )


def parse_assignment(text):
    """Parse ``"W_f=50x20"`` into ``("W_f", (50, 20))``.

    >>> parse_assignment("W_f=50x20")
    ('W_f', (50, 20))
    """
    name, sep, shape = str(text).partition("=")
    name = name.strip()
    if not sep:
        raise UsageError(f"{text!r} needs the form NAME=ROWSxCOLS, e.g. W_f=50x20")
    if not name:
        raise UsageError(f"{text!r} has no tensor name before '=': write NAME=ROWSxCOLS, e.g. W_f=50x20")
    return name, parse_shape(shape, name)


def dim_text(d):
    """A dimension as text: ``12``, ``k``, ``k + n``."""
    if isinstance(d, int):
        return str(d)
    s = str(d)
    return s.replace("size:", "")


def _tuple(dims):
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _tight(shape):
    return [str(d).replace(" ", "") for d in shape]


def _matrix(shape, compound=" "):
    texts = [dim_text(d) for d in shape]
    return " x ".join(f"({t})" if any(c in t for c in compound) else t for t in texts)


#: How each part of the tool writes a shape (see :func:`shape_text`).
SHAPE_STYLES = {
    "matrix": _matrix,
    "solver": lambda shape: _matrix(shape, compound=" +-*"),
    "tuple": lambda shape: _tuple([str(d) for d in shape]),
    "tight tuple": lambda shape: _tuple(_tight(shape)),
    "tight": lambda shape: "x".join(_tight(shape)) if len(shape) == 2 else _tuple(_tight(shape)),
}


def shape_text(shape, style="matrix"):
    """A shape as text, in one of the :data:`SHAPE_STYLES`:

    * ``matrix`` (shapes of the cell's tensors): ``12 x 80``, ``(k + 1) x B`` - a size with spaces in brackets;
    * ``solver`` (the solver's messages): as ``matrix``, and any size with an operator in brackets (``(2*k) x 1``);
    * ``tuple`` (framework arrays and layer outputs): ``(None, 10, 2)``, ``(5,)``;
    * ``tight tuple``: ``tuple`` without spaces inside a size;
    * ``tight`` (quiz answers): ``12x80`` for a matrix, ``tight tuple`` for any other rank.

    >>> import sympy
    >>> k = sympy.Symbol("k")
    >>> [shape_text((k + 1, 2 * k)), shape_text((k + 1, 2 * k), "solver"), shape_text((None, 10, 2), "tuple")]
    ['(k + 1) x 2*k', '(k + 1) x (2*k)', '(None, 10, 2)']
    >>> [shape_text((12, 80), "tight"), shape_text((5,), "tight"), shape_text((k + 1, 3), "tight tuple")]
    ['12x80', '(5,)', '(k+1, 3)']
    """
    return SHAPE_STYLES[style](shape)


#: Words read letter by letter, whose first letter sounds like a vowel ("an LSTM", "an RNN").
_SPELLED = ("LSTM", "RNN", "HDF5", "NPZ", "SVG", "MLP", "FC")


def with_article(phrase):
    """``phrase`` with "a" or "an" in front, by how its first word sounds.

    >>> [with_article(p) for p in ("ONNX LSTM", "Keras LSTM", "LSTM cell", "8-D input", "1-D input")]
    ['an ONNX LSTM', 'a Keras LSTM', 'an LSTM cell', 'an 8-D input', 'a 1-D input']
    """
    first = phrase.split(" ", 1)[0]
    vowel = first[:1].lower() in "aeiou" or first.startswith(_SPELLED) or re.match(r"(8|11|18)(\D|$)", first)
    return ("an " if vowel else "a ") + phrase

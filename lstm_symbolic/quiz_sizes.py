"""Sizes in a quiz question, each with its role and where it was read.

A number, shape, tuple or ``R^d`` gets its role from the words right after it ("128 hidden
units", "300 input features") or, failing that, from the nearest subject word before it ("input
size is 20", "x_t is 7x1", "output of dimension (50x1)").  A number with no role, or two
different values for one role, is reported rather than guessed.
"""

from __future__ import annotations

from .quiz_lexicon import AFTER_CUES, FILLER, NUMBER_WORDS, STOP, SUBJECTS
from .quiz_tokens import names_a_value

SIZE_KINDS = ("num", "shape", "tuple", "real")
SYMBOL_LETTERS = set("nkmdhpq")


class Sizes:
    """Role -> value, with the text each was read from; conflicts and unread numbers collected.
    ``batch_first``: a 3-item PyTorch input shape is (B, T, n)."""

    def __init__(self, batch_first=False):
        self.values, self.sources, self.conflicts, self.unread = {}, {}, [], []
        self.batch_first = batch_first

    def set(self, role, value, source):
        if role in self.values and self.values[role] != value:
            self.conflicts.append(f"{role} = {self.values[role]} (from '{self.sources[role]}') and {role} = {value} "
                                  f"(from '{source}')")
            return
        if role not in self.values:
            self.values[role], self.sources[role] = value, source


def _words(tokens, start, step):
    """Word values from ``start`` walking by ``step`` until a stop token; fillers skipped."""
    out, i = [], start
    while 0 <= i < len(tokens) and len(out) < 8 and abs(i - start) < 12:
        t = tokens[i]
        if t.kind in SIZE_KINDS or t.kind in ("vector", "code"):
            break
        value = t.value[0] if t.kind == "ident" else t.value
        if t.kind == "sym" and value in STOP or (t.kind == "word" and value in STOP):
            break
        if not (t.kind == "sym" and value in "()=:$-'") and value not in FILLER:
            out.append(value.lower() if isinstance(value, str) else value)
        i += step
    return out


def after_role(tokens, i):
    words = _words(tokens, i + 1, 1)
    for phrase, role in AFTER_CUES:
        if tuple(words[:len(phrase)]) == phrase:
            return role
    return None


def before_role(tokens, i):
    for word in _words(tokens, i - 1, -1):
        base = word.split("_")[0] if word not in SUBJECTS["n"] | SUBJECTS["k"] else word
        for role, subjects in SUBJECTS.items():
            if word in subjects or base in subjects:
                return role
    return None


def _snippet(tokens, i):
    """The question's own words around token ``i`` (about four tokens either side)."""
    lo, hi = max(0, i - 4), min(len(tokens), i + 3)
    source = getattr(tokens, "source", None)
    if source is None:
        return " ".join(t.text for t in tokens[lo:hi])
    return " ".join(source[tokens[lo].start:tokens[hi - 1].start + len(tokens[hi - 1].text)].split())


def _vector_dim(value):
    """The length of a column/row vector shape ``(20, 1)`` / ``(1, 20)``, else None."""
    if len(value) == 2 and 1 in value:
        return value[0] if value[1] == 1 else value[1]
    return None


def read_sizes(tokens, framework, batch_first=False):
    """A :class:`Sizes` from every size-bearing token (code is read separately)."""
    sizes = Sizes(batch_first)
    for i, t in enumerate(tokens):
        value = t.value
        if t.kind == "word" and (value in NUMBER_WORDS and after_role(tokens, i) == "L"):
            sizes.set("L", NUMBER_WORDS[value], _snippet(tokens, i))
            continue
        if t.kind == "word" and len(value) == 1 and value in SYMBOL_LETTERS and _symbol_slot(tokens, i):
            role = before_role(tokens, i)
            if role in ("n", "k"):
                sizes.set(role, t.text, _snippet(tokens, i))
            continue
        if t.kind not in SIZE_KINDS or _in_formula(tokens, i):
            continue
        _assign(sizes, tokens, i, framework)
    return sizes


def _symbol_slot(tokens, i):
    prev = tokens[i - 1] if i else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return prev is not None and prev.value in ("size", "dimension", "of") and (nxt is None or nxt.value in
                                                                              (".", ",", "?", "and", ";"))


def _in_formula(tokens, i):
    """A number inside a vector value, a version ("Keras 2.3+"), or given as a value (``f_t = 0.25``)."""
    prev = tokens[i - 1] if i else None
    t = tokens[i]
    if prev is not None and prev.kind == "word" and prev.value in ("keras", "version", "python", "tensorflow",
                                                                   "q", "qn", "question"):
        return True
    if t.kind == "num" and isinstance(t.value, float):
        return True  # sizes are whole numbers; 0.5 is a value
    if any(tok.kind == "word" and tok.value == "al" for tok in tokens[max(0, i - 2):i]):
        return True  # a year: "Cho et al. 2014"
    nxt, after = (tokens[i + 1:i + 3] + [None, None])[:2]
    if nxt is not None and nxt.kind == "sym" and nxt.value in "+-*" and after is not None and after.kind == "ident":
        return True  # the 1 of (1 - z_t)
    if t.kind == "num" and prev is not None and prev.value == "=" and i >= 2 and names_a_value(tokens[i - 2]):
        return True
    return False


def _assign(sizes, tokens, i, framework):
    t, snippet = tokens[i], _snippet(tokens, i)
    role = after_role(tokens, i)
    if role in (None, "n", "k") and t.kind not in ("num", "shape") or (t.kind == "shape" and role is None):
        role = role or before_role(tokens, i)
    elif role is None:
        role = before_role(tokens, i)
    if role in ("-", None) and t.kind == "tuple":
        role = "tuple"
    if role == "-":
        return
    if role is None or role == "?":
        sizes.unread.append(f"'{t.text}' (in '{snippet}')")
        return
    if t.kind == "num":
        if role == "signal":
            sizes.unread.append(f"'{t.text}' (in '{snippet}')")
        else:
            sizes.set(role, t.value, snippet)
    elif t.kind == "real":
        dim = t.value[0] if len(t.value) == 1 or t.value[1:] == (1,) else None
        _set_vector(sizes, role, dim, t, snippet)
    elif t.kind == "shape":
        if role == "signal" or (role == "n" and "signal" in snippet.lower()):
            sizes.set("n", t.value[0], snippet)
            sizes.set("T", t.value[1], snippet)
        else:
            _set_vector(sizes, role, _vector_dim(t.value), t, snippet)
    else:
        read_tuple(sizes, t.value, framework, snippet, tokens, i)


def _set_vector(sizes, role, dim, t, snippet):
    if dim is None or role not in ("n", "k", "p"):
        sizes.unread.append(f"'{t.text}' (in '{snippet}': not a vector size)")
    else:
        sizes.set(role, dim, snippet)


#: Frameworks whose input shapes the quiz reads without axis names: a 3-item shape by the framework table's
#: input template (``B T n``; PyTorch ``T B n`` unless batch_first); a 2-item one as Keras' ``input_shape=(T, n)``
#: (also when no framework is named).
FULL_INPUT_SHAPES = ("keras", "tf1", "pytorch")
BATCHLESS_INPUT_SHAPES = ("keras", None)


def input_order(framework, batch_first=False):
    """The axes of the framework's input, from its row in :data:`lstm_symbolic.framework_table.FRAMEWORKS`."""
    from .framework_table import FRAMEWORKS

    row = FRAMEWORKS[framework]
    template = row.batch_first[0] if batch_first and row.batch_first else dict(row.shapes_sequence)["input"]
    return tuple(template.split())


def read_tuple(sizes, items, framework, snippet, tokens=None, i=0):
    """An input shape: ``(T, n)`` / ``(None, T, n)`` for Keras, ``(T, B, n)`` / ``(B, T, n)`` for PyTorch."""
    order = _named_order(tokens, i) if tokens is not None else None
    if order is None:
        if len(items) == 2 and framework in BATCHLESS_INPUT_SHAPES:
            order = ("T", "n")
        elif len(items) == 3 and framework in FULL_INPUT_SHAPES:
            order = input_order(framework, sizes.batch_first)
        else:
            sizes.unread.append(f"'{snippet}' (a shape whose axes I cannot name without the framework)")
            return
    for role, value in zip(order, items):
        if isinstance(value, int):
            sizes.set(role, value, snippet)


_AXIS_WORDS = {"batch": "B", "batch_size": "B", "samples": "B", "seq_len": "T", "seq": "T", "timesteps": "T",
               "time_steps": "T", "sequence": "T", "input_size": "n", "features": "n", "feature": "n",
               "input_dim": "n", "n": "n", "t": "T", "b": "B"}


def _named_order(tokens, i):
    """Axis names written next to a tuple: ``(5, 3, 10) (seq_len, batch, input_size)``."""
    for j in (i + 1, i - 1):
        if 0 <= j < len(tokens) and tokens[j].kind == "tuple":
            names = tokens[j].value
            named = all(isinstance(v, str) and v.lower() in _AXIS_WORDS for v in names)
            if named and len(names) == len(tokens[i].value):
                return tuple(_AXIS_WORDS[v.lower()] for v in names)
    return None

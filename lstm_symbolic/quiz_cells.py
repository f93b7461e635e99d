"""The quiz's reading of which cell of a family a question means: the GRU's placement of the reset
gate and the simple RNN's nonlinearity, from code flags, the question's words and the framework's
default (:func:`lstm_symbolic.families.choose_variant`, the same choice as the CLI's options).
"""

from __future__ import annotations

from .errors import CannotDecide, UsageError
from .families import choose_variant, get_family

#: Words that say where a GRU applies its reset gate (True: after the recurrent product).
PLACEMENT_WORDS = {("reset", "after"): True, ("after", "multiplication"): True, ("reset", "before"): False,
                   ("before", "multiplication"): False, ("cho",): False}
NONLINEARITY_WORDS = ("relu", "tanh")


def _has(words, phrase):
    return any(tuple(words[i:i + len(phrase)]) == phrase for i in range(len(words)))


def _placement(words, flags, kind):
    """The GRU's reset_after the question states (code flag or words), or None."""
    said = flags.get("reset_after")
    if said is None:
        said = next((v for phrase, v in PLACEMENT_WORDS.items() if _has(words, phrase)), None)
    if said is not None:
        flags["reset_after"] = said
    return said


def _nonlinearity(words, flags, kind):
    """The simple RNN's nonlinearity the question states, or None."""
    said = flags.get("nonlinearity")
    if said is None:
        named = [w for w in NONLINEARITY_WORDS if w in words]
        if len(named) > 1 and kind in ("value", "range"):
            raise CannotDecide("I read both 'relu' and 'tanh': say which nonlinearity the simple RNN uses")
        said = named[0] if named else None
    return said


#: How the question states a family's variant option, by the family's ``option`` column.
_OPTION_READERS = {"reset_after": _placement, "nonlinearity": _nonlinearity}


def worded_variant(family):
    """Whether the family's variant is the one the question's words name (the LSTM's ``variant`` option),
    rather than an option read by :func:`cell_variant` (a GRU's placement, an RNN's nonlinearity)."""
    return get_family(family).option not in _OPTION_READERS


def cell_variant(family, words, flags, framework, kind, named=None):
    """``(variant, stated)`` of the question's cell; ``stated`` is False when it is only the default.

    An LSTM's variant is the one its words name (``named``, read with the lexicon's variant words).

    A GRU's placement is stated by ``reset_after`` (code or words), "reset after / before", "Cho"
    or a framework (its default in the framework table: PyTorch, Keras, ONNX, MATLAB: after); else it
    is Cho et al.'s reset-before.
    """
    if worded_variant(family):
        return named, True
    option = _OPTION_READERS[get_family(family).option](words, flags, kind)
    stated = option is not None or (framework is not None and bool(get_family(family).framework_defaults))
    try:
        return choose_variant(family, **{get_family(family).option: option}, framework=framework), stated
    except UsageError as exc:
        raise CannotDecide(str(exc)) from None


#: The GRU's update as some texts write it (Wikipedia's "fully gated unit", Olah's blog): z_t weighs the candidate.
SWAPPED_UPDATE = "h_t = (1 - z_t) * h_prev + z_t * n_t"
_TERM_END = {"+", "-", "=", ",", ";", ".", "?"}


def own_update(text):
    """The question's own GRU update equation: None (not written, or the cell's own), or SWAPPED_UPDATE.

    The update is read from ``h_t = ...``: the name that z_t alone multiplies (h_prev: the cell's
    convention, n_t: the swapped one).  An update written some other way is declined.
    """
    from .quiz_targets import canonical
    from .quiz_tokens import tokenize

    tokens = tokenize(text)
    names = [canonical(t, tokens, "gru") if t.kind == "ident" else None for t in tokens]
    for start in range(len(tokens) - 2):
        if names[start] == "h_t" and tokens[start + 1].value == "=" and tokens[start + 2].kind != "vector" \
                and "z_t" in names[start + 2:start + 30]:
            partner = _plain_z_partner(tokens[start + 2:start + 30], names[start + 2:start + 30])
            if partner == "h_prev":
                return None
            if partner == "n_t":
                return SWAPPED_UPDATE
            raise CannotDecide("the question writes its own equation for h_t, which I could not read: write it as "
                               "h_t = (1 - z_t) * n_t + z_t * h_{t-1} (or with z_t and 1 - z_t swapped)")
    return None


def _plain_z_partner(tokens, names):
    """The name multiplied by a z_t that is not inside ``(1 - z_t)``, within its term."""
    for j, name in enumerate(names):
        if name != "z_t" or (j >= 2 and tokens[j - 1].value == "-" and tokens[j - 2].value in (1, "1")):
            continue
        after = next((names[m] for m in range(j + 1, len(names)) if names[m] or tokens[m].value in _TERM_END), None)
        before = next((names[m] for m in range(j - 1, -1, -1) if names[m] or tokens[m].value in _TERM_END), None)
        return after or before
    return None

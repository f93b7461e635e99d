"""The quiz's reading of which cell of a family a question means: the GRU's placement of the reset
gate and the simple RNN's nonlinearity, from code flags, the question's words and the framework's
default (:func:`lstm_symbolic.families.choose_variant`, the same choice as the CLI's options).
"""

from __future__ import annotations

from .errors import UsageError
from .quiz_reading import CannotDecide

#: Words that say where a GRU applies its reset gate (True: after the recurrent product).
PLACEMENT_WORDS = {("reset", "after"): True, ("after", "multiplication"): True, ("reset", "before"): False,
                   ("before", "multiplication"): False, ("cho",): False}
NONLINEARITY_WORDS = ("relu", "tanh")


def _has(words, phrase):
    return any(tuple(words[i:i + len(phrase)]) == phrase for i in range(len(words)))


def _option(family, words, flags, kind):
    """The GRU's reset_after or the simple RNN's nonlinearity the question states, or None."""
    if family == "gru":
        said = flags.get("reset_after")
        if said is None:
            said = next((v for phrase, v in PLACEMENT_WORDS.items() if _has(words, phrase)), None)
        if said is not None:
            flags["reset_after"] = said
        return said
    said = flags.get("nonlinearity")
    if said is None:
        named = [w for w in NONLINEARITY_WORDS if w in words]
        if len(named) > 1 and kind in ("value", "range"):
            raise CannotDecide("I read both 'relu' and 'tanh': say which nonlinearity the simple RNN uses")
        said = named[0] if named else None
    return said


def cell_variant(family, words, flags, framework, kind):
    """``(variant, stated)`` of a GRU or simple RNN; ``stated`` is False when it is only the default.

    A GRU's placement is stated by ``reset_after`` (code or words), "reset after / before", "Cho"
    or a framework (PyTorch, Keras: after; ONNX, TF1: before); else it is Cho et al.'s reset-before.
    """
    from .families import choose_variant, get_family

    option = _option(family, words, flags, kind)
    stated = option is not None or (family == "gru" and framework is not None)
    try:
        return choose_variant(family, **{get_family(family).option: option}, framework=framework), stated
    except UsageError as exc:
        raise CannotDecide(str(exc)) from None

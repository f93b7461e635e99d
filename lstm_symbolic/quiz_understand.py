"""The semantic reading of one question: setup and focus, model, sizes, what is asked, targets."""

from __future__ import annotations

from .errors import CannotDecide
from .families import FAMILIES
from .quiz_cells import cell_variant
from .quiz_code import read_code
from .quiz_lexicon import (
    CONCEPTUAL,
    FAMILY_PHRASES,
    FAMILY_WORDS,
    FRAMEWORK_WORDS,
    OUT_OF_SCOPE,
    STATE_PHRASES,
    VARIANT_PHRASES,
    VARIANT_WORDS,
    framework_tensors,
)
from .quiz_reading import Understanding
from .quiz_sizes import read_sizes
from .quiz_tables import projection_variant
from .quiz_targets import focus_targets, given_vectors
from .quiz_tokens import Token, names_a_value, tokenize

INTERROGATIVES = {"what", "which", "how", "compute", "calculate", "find", "give", "state", "write", "determine",
                  "whats", "what's"}


def split_focus(tokens):
    """``(setup tokens, focus tokens)``: the focus is the last question sentence from its question word."""
    sentences, start = [], 0
    for i, t in enumerate(tokens):
        if t.kind == "sym" and t.value in ".?!":
            sentences.append((start, i + 1, t.value == "?"))
            start = i + 1
    if start < len(tokens):
        sentences.append((start, len(tokens), False))
    chosen = None
    for lo, hi, asks in sentences:
        if asks or any(tokens[i].kind == "word" and tokens[i].value in INTERROGATIVES and not _noun_state(tokens, i)
                       for i in range(lo, hi)):
            chosen = (lo, hi)
    if chosen is None:
        return [], tokens
    lo, hi = chosen
    head = next((i for i in range(lo, hi) if tokens[i].kind == "word" and tokens[i].value in INTERROGATIVES
                 and not _noun_state(tokens, i)), None)
    if head is None:
        colon = [i for i in range(lo, hi) if tokens[i].kind == "sym" and tokens[i].value == ":"]
        head = colon[-1] + 1 if colon else lo
    return tokens[:head] + tokens[hi:], tokens[head:hi]


def _noun_state(tokens, i):
    """'state' asks ("State the shapes") only where a sentence or clause starts; 'hidden state' is a noun."""
    return tokens[i].value == "state" and i > 0 and tokens[i - 1].kind != "sym"


def _words(tokens):
    """Lower-case words of the tokens; a name stands for itself, a code call for its callee."""
    out = []
    for t in tokens:
        if t.kind in ("word", "ident"):
            out.append(t.value if t.kind == "word" else t.text.lower())
        elif t.kind == "code":
            out.append(t.text.split("(")[0].strip("[ ").rpartition(".")[2].lower())
    return out


def question_kind(focus, has_vectors):
    words = _words(focus)
    joined = " ".join(words)
    if "how" in words and "more" in words and any(w.startswith("param") for w in words):
        return "diff"
    if any(w in ("parameters", "params", "learnables", "param", "parameter") for w in words) and \
            (any(w in words for w in ("how", "number", "count", "total", "calculate", "compute"))
             or words[-1:] in (["parameters"], ["params"]) or words[0:1] == ["parameters"]):
        return "count"
    if "how many" in joined and any(w in ("weights", "numbers", "biases") for w in words):
        return "count"
    if has_vectors and any(w in words for w in ("compute", "calculate", "what", "obtain", "value", "result", "find",
                                                "determine", "evaluate")):
        return "value"
    if "range" in words or "values" in words or "can be the output" in joined or "can take" in joined:
        return "range"
    if any(w in words for w in ("shape", "shapes", "dimension", "dimensions", "size", "dim", "big", "large", "rows",
                                "columns", "output.shape")):
        return "shape"
    if "what can be" in joined:
        return "range"
    return None


def _model(tokens, code):
    """``(families in order of mention, framework, variant, flags)`` from words, names and code."""
    families, framework, flags = list(code.families), code.framework, dict(code.flags)
    variant = FAMILIES["lstm"].default_variant
    words = [(t.value if t.kind == "word" else t.value[0].lower() if t.kind == "ident" else "") for t in tokens]
    for i, w in enumerate(words):
        if w in FAMILY_WORDS:
            families.append(FAMILY_WORDS[w])
        families.extend(f for phrase, f in FAMILY_PHRASES if tuple(words[i:i + len(phrase)]) == phrase)
        if w in FRAMEWORK_WORDS and framework is None:
            framework = FRAMEWORK_WORDS[w]
        if w in VARIANT_WORDS:
            variant = VARIANT_WORDS[w]
        if w in ("bidirectional", "bilstm", "bilstmlayer") or (w == "directional" and words[i - 1:i] == ["bi"]):
            flags["bidirectional"] = True
    fw_names = framework_tensors()
    for t in tokens:
        plain = t.value[0].rstrip("0123456789").removesuffix("_l") if t.kind == "ident" and t.value[1] is None else ""
        if plain in fw_names and framework is None:
            owners = fw_names[plain]
            framework = "keras" if "keras" in owners else next(iter(owners)) if len(owners) == 1 else None
        if t.kind == "ident" and t.value[0] in ("batch_first", "return_sequences", "reset_after", "bidirectional"):
            flags[t.value[0]] = _flag_value(tokens, t)
    text = " ".join(words)
    for phrase, named in VARIANT_PHRASES:
        if phrase in text:
            variant = named
    if "'last'" in text or "last" in words and "outputmode" in words:
        flags["return_sequences"] = False
    return families, framework, variant, flags


def _flag_value(tokens, t):
    i = tokens.index(t)
    nxt = tokens[i + 2] if i + 2 < len(tokens) and tokens[i + 1].value in ("=", "is") else None
    if nxt is not None and nxt.kind == "word" and nxt.value in ("true", "false"):
        return nxt.value == "true"
    return True


def _family(families, kind):
    strong = [f for f in families if not f.endswith("?")]
    plain = sorted(set(strong)) or (["rnn"] if families else [])
    if kind == "diff":
        return plain[0] if plain else "lstm", plain
    if len(plain) > 1:
        raise CannotDecide(f"I read more than one model ({' and '.join(plain)}): ask about one of them, or ask how "
                           "many more parameters one has than the other")
    return (plain[0] if plain else "lstm"), plain


def _refuse_out_of_scope(tokens, focus, kind):
    words = _words(tokens)
    if any(w in CONCEPTUAL for w in _words(focus)) or "which of the statements" in " ".join(_words(focus)):
        if kind in (None, "range") or "why" in _words(focus) or "explain" in _words(focus):
            raise CannotDecide("this is a conceptual question (why / which statement is true): the model decides "
                               "shapes, parameter counts, value ranges and small evaluations, not explanations")
    for i, w in enumerate(words):
        if w in OUT_OF_SCOPE and not _input_embedding(words, i):
            raise CannotDecide(f"I read '{w}' but the quiz answers only about LSTM, GRU and simple RNN layers (and "
                               f"their dense heads); {OUT_OF_SCOPE[w]} is outside the model")


def _input_embedding(words, i):
    """'word embeddings of dimension 300' describes the input, not an Embedding layer."""
    return words[i].startswith("embedding") and (words[i - 1:i] == ["word"] or words[i + 1:i + 3][:1] in (["of"],
                                                                                                        ["size"]))


_SHAPE_CALLS = ("rand", "randn", "zeros", "ones", "empty", "reshape", "size")


class Tokens(list):
    """A token list that remembers the question's text (for quoting where a size was read)."""

    source = None


def _shape_vectors(tokens, source):
    """``torch.rand([60, 8, 256])``: a list of whole numbers passed to a tensor constructor is a shape."""
    out = Tokens(tokens)
    out.source = source
    for i, t in enumerate(tokens):
        if t.kind == "vector" and i >= 2 and tokens[i - 1].value == "(" and tokens[i - 2].kind == "word" \
                and tokens[i - 2].value.rpartition(".")[2] in _SHAPE_CALLS and all(v.is_integer() for v in t.value):
            out[i] = Token("tuple", t.text, tuple(int(v) for v in t.value), t.start)
    return out


def _has_values(tokens):
    for i, t in enumerate(tokens):
        if t.kind == "vector":
            return True
        if t.kind == "num" and i >= 2 and tokens[i - 1].value == "=" and names_a_value(tokens[i - 2]):
            return True
    return False


def read_question(text):
    tokens = _shape_vectors(tokenize(text), text)
    setup, focus = split_focus(tokens)
    code = read_code([t.value for t in tokens if t.kind == "code"], _framework_hint(tokens))
    has_vectors = _has_values(tokens)
    kind = question_kind(focus, has_vectors)
    _refuse_out_of_scope(tokens, focus, kind)
    if code.problems:
        raise CannotDecide("I could not read all of the code: " + "; ".join(code.problems))
    asked = _words(focus)
    if any(a == "and" and b in ("what", "how", "which") for a, b in zip(asked, asked[1:])):
        raise CannotDecide("the question asks two things at once: ask them one at a time")
    if kind is None:
        raise CannotDecide("cannot tell what is asked: ask for a shape/dimension, a number of parameters, a range "
                           "of values, or a computed value")
    families, framework, variant, flags = _model(tokens, code)
    family, plain = _family(families, kind)
    sizes = read_sizes(tokens, framework, bool(flags.get("batch_first")))
    for role, value, source in code.sizes:
        sizes.set(role, value, source)
    if sizes.conflicts:
        raise CannotDecide("the question gives two values for one size, I read both " + "; ".join(sizes.conflicts))
    if sizes.unread:
        shown = ", ".join(sizes.unread[:4]) + (f" and {len(sizes.unread) - 4} more" if len(sizes.unread) > 4 else "")
        raise CannotDecide("I could not tell what " + shown + " stands for (input size, hidden "
                           "size, time steps, batch, layers?): say e.g. '20 input features' or '50 hidden units'")
    if code.recurrent > 1 and "L" not in sizes.values and len(set(code.families)) == 1:
        sizes.set("L", code.recurrent, "the recurrent layers in the code")
    values = dict(sizes.values)
    check_sizes(values, sizes.sources)
    if flags.get("bidirectional"):
        values["D"] = 2
    if values.get("p") and variant == FAMILIES["lstm"].default_variant:
        variant = projection_variant()
    variant, stated = cell_variant(family, _words(tokens), flags, framework, kind, variant)
    u = Understanding(values, dict(sizes.sources), framework, family, variant, "concat" if _concatenates(tokens) else
                      "separate", kind, [], flags, families=plain, text=text, variant_stated=stated)
    u.targets = focus_targets(focus, u)
    joined = " ".join(_words(focus))
    if kind == "count" and any(p in joined for p in ("each gate", "every gate", "single gate", "does one gate")):
        u.targets.append("per-gate")
    if kind == "value":
        u.given = given_vectors(tokens, u)
    return u


#: What each size role is called in a refusal ("the input size n (read from '...') is too large").
ROLE_WORDS = {"n": "the input size", "k": "the hidden size", "p": "the projection size", "B": "the batch size",
              "T": "the number of time steps", "L": "the number of layers", "C": "the number of classes"}


def check_sizes(values, sources):
    """Every whole-number size within the limit every command shares (:func:`sizes.check_size`, a UsageError)."""
    from .sizes import check_size

    for role, value in values.items():
        if isinstance(value, int) and not isinstance(value, bool):
            where = f" (read from '{sources[role]}')" if role in sources else ""
            check_size(value, f"{ROLE_WORDS.get(role, 'the size ' + role)} {role}{where}")


def _framework_hint(tokens):
    for t in tokens:
        if t.kind == "word" and t.value in FRAMEWORK_WORDS:
            return FRAMEWORK_WORDS[t.value]
    return None


def _concatenates(tokens):
    words = _words(tokens)
    if any(w.startswith("concatenat") for w in words):
        return True
    for i, t in enumerate(tokens[:-2]):
        if t.kind == "sym" and t.value == "[" and tokens[i + 1].kind == "ident" and tokens[i + 1].value[0] == "h":
            return True
    return False


__all__ = ["read_question", "split_focus", "question_kind", "STATE_PHRASES"]


def understand(question):
    """An :class:`Understanding` of a :class:`~lstm_symbolic.quiz_reading.Question`, or CannotDecide
    saying what was not understood."""
    return read_question(question.text)

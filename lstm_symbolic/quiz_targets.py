"""What a question is about: the tensors named in its focus, and the vectors its setup gives.

Tensor names are looked up in the lexicon (every notation and framework table); English
phrases ("the recurrent weights of the forget gate", "the forget gate's input weight matrix",
"the weight that multiplies h_{t-1}") are read by a small phrase grammar.
"""

from __future__ import annotations

from .errors import CannotDecide
from .quiz_lexicon import (
    KIND_WORDS,
    SHARED_NAMES,
    TIME_CLASS,
    WEIGHT_NOUNS,
    WRITTEN_GATE_NAMES,
    family_names,
    family_tensors,
    flat,
    framework_tensors,
    gate_names,
    gate_words,
    state_phrases,
    tensor_names,
)
from .quiz_tokens import names_a_value

#: Words after which the focus no longer names what is asked ("..., which is multiplied with h_t").
CUT_WORDS = {"when", "if", "given", "where", "which", "so", "respectively", "because", "since", "using", "in",
             "such"}
ACTIVATIONS = {"h_n": "h_n", "c_n": "c_n", "output": "output", "output.shape": "output"}


def canonical(token, tokens, family="lstm"):
    """The canonical tensor an identifier names in ``family``'s cell, or None; ambiguity is reported.

    A GRU's or simple RNN's own names come first (``W_n`` is the GRU candidate's, not a time index);
    an LSTM name that the family does not have (``c_t``, ``W_f``) is declined with the reason.
    """
    if family in WRITTEN_GATE_NAMES:  # the LSTM: its names are the lexicon's own
        return _lstm_canonical(token, tokens)
    name = family_names(family).get(flat(token.value))
    if name is None:
        name = _lstm_canonical(token, tokens)
        if name is not None and name not in SHARED_NAMES:
            raise CannotDecide(absent(family, name, token.text))
    return name


def absent(family, name, written):
    """Why ``family``'s cell has no tensor ``name`` (an LSTM name such as c_t, f_t, W_f)."""
    from .families import describe_tensor, get_family

    fam = get_family(family)
    gates = [f"the {meaning} {g}" for g, meaning in fam.gate_meaning.items() if g not in fam.states]
    gates = ", ".join(gates[:-1]) + " and " + gates[-1] if len(gates) > 1 else "".join(gates)
    if name in ("c_t", "c_prev"):
        what = "" if "cell" in written.lower() else " (the cell state)"
        return (f"I read '{written}'{what}, but a {fam.title} has no cell state: its only state is the hidden state "
                "h_t (k x 1)")
    return (f"I read '{written}' ({name}: the LSTM's {describe_tensor(name)}), but a {fam.title} has none"
            + (f"; its gates are {gates}" if gates else f"; its tensors are {', '.join(family_tensors(family))}"))


def _lstm_canonical(token, tokens):
    base, index = token.value
    cls = TIME_CLASS.get(index) if index else None
    if index == "n" and not any(t.kind == "ident" and t.value[1] == "n+1" for t in tokens):
        cls = "cur"  # c(n) and g^output(n) written alone are the current step
    table = tensor_names()
    names = table.get((base, cls)) or table.get((base.lower(), cls))
    if names is None:
        folded = [v for (b, c), v in table.items() if b.lower() == base.lower() and c == cls]
        names = folded[0] if len(folded) == 1 else None
    if names and len(names) > 1:
        raise CannotDecide(f"'{token.text}' means {' or '.join(sorted(names))} in different notations: use the "
                           "canonical names (W_f, U_f, b_f, h_prev, c_t, ...)")
    return next(iter(names)) if names else None


def _common_word(name):
    """A framework tensor name that is also a plain word or letter (``W``, ``kernel``, ``bias``): it names the
    tensor only in a question about a framework that has it."""
    return len(name) == 1 or name in ("kernel", "bias")


#: Final states a framework returns under their own names (``out, (h_n, c_n) = lstm(x)``).
_NAMED_STATES = {"pytorch": ("h_n", "c_n")}


def _framework_name(token, u):
    """A framework tensor named in the focus (``weight_ih_l0``, ``kernel``, ``InputWeights``), or None."""
    raw = token.text if token.kind != "ident" else token.value[0]
    if token.kind == "ident" and token.value[1] is not None:
        raw = token.text
    table = framework_tensors()
    plain = raw.rstrip("0123456789").rstrip("_l") if raw.startswith(("weight_", "bias_")) else raw
    match = next((name for name in table if name.lower() == plain.lower()), None)
    if match is None or (_common_word(match) and u.framework not in table[match]):
        return None
    return "fw:" + (raw if raw.startswith(("weight_", "bias_")) else match)


def _cut(focus):
    """The focus up to the first word that starts a description of what was named; hyphens dropped."""
    focus = [t for t in focus if not (t.kind == "sym" and t.value in "-'")]
    for i, t in enumerate(focus):
        if i > 1 and ((t.kind == "word" and t.value in CUT_WORDS and not _gate_follows(focus, i))
                      or (t.kind == "sym" and t.value in "=;:") or _model_description(focus, i)):
            return focus[:i]
    return focus


_DESCRIBED = {"a", "an", "this", "each", "lstm", "pytorch", "keras", "matlab", "onnx", "gru", "rnn", "input", "inputs"}


def _model_description(focus, i):
    """'... with 20 inputs', '... for a PyTorch LSTM': the setup written inside the question sentence."""
    t, nxt = focus[i], focus[i + 1] if i + 1 < len(focus) else None
    if t.kind != "word" or nxt is None:
        return False
    if t.value == "with":
        return True
    return t.value in ("for", "of", "in") and nxt.kind == "word" and nxt.value in _DESCRIBED


def _gate_follows(focus, i):
    """'in the forget gate' keeps going; 'in f_t = ...' starts an equation."""
    words = [t.value for t in focus[i + 1:i + 5] if t.kind == "word"]
    return focus[i].value == "in" and "gate" in words


def focus_targets(focus, u):
    """Canonical names (``W_f``), framework tensors (``fw:kernel``) or activations (``act:output``) asked about."""
    tokens = _cut(focus)
    words = [t.value if t.kind == "word" else "" for t in tokens]
    found, used = [], set()
    for i in range(len(tokens)):
        if i in used:
            continue
        got = _weight_phrase(tokens, words, i, u, used) or _name(tokens, i, u) or _state_phrase(words, i, u, used)
        if got and tokens[i].kind == "ident":
            used.update(range(i, _gates_after(words, i + 1, u.family)[1]))  # "b_c of the cell candidate"
        for name in got or []:
            if name not in found:
                found.append(name)
    return found


def _name(tokens, i, u):
    t = tokens[i]
    if t.kind not in ("ident", "word"):
        return None
    if t.text in _NAMED_STATES.get(u.framework, ()):
        return ["act:" + t.text]
    if t.kind == "word" and t.value == "output.shape":
        return ["act:output"]
    fw = _framework_name(t, u)
    if fw:
        return [fw]
    if t.kind == "ident":
        name = canonical(t, tokens, u.family)
        return [name] if name else None
    return None


def _match(words, i, phrase):
    return tuple(words[i:i + len(phrase)]) == phrase


def _state_phrase(words, i, u, used):
    if words[i] == "output" and not _match(words, i, ("output", "gate")):
        if u.framework is not None and "of the whole" not in " ".join(words[i:i + 4]):
            return ["act:output"]
    for phrase, name in state_phrases(u.family):
        if _match(words, i, phrase):
            if name.startswith("!absent:"):
                raise CannotDecide(absent(u.family, name[8:], " ".join(phrase)))
            after = [w for w in words[i + len(phrase):i + len(phrase) + 4] if w not in ("", "s")]
            if phrase[-1] == "gate" and any(w in WEIGHT_NOUNS or w in ("input", "recurrent", "bias", "feed",
                                                                       "weight") for w in after[:3]):
                return None  # "the forget gate's input weight matrix": the gate names whose weights
            used.update(range(i, i + len(phrase) + 1))  # "the final hidden state h_n": one tensor
            if name.startswith("act:") and u.framework is None:
                name = {"act:h_n": "h_t", "act:c_n": "c_t"}[name]
            return [name]
    return None


def _weight_phrase(tokens, words, i, u, used):
    """``<kind> weights of <gates>`` / ``<gate>'s <kind> weight matrix`` / ``the weight that multiplies x_t``."""
    if words[i] not in WEIGHT_NOUNS | {"bias", "biases"}:
        return None
    kind = "b" if words[i].startswith("bias") else _kind_before(words, i)
    if kind == "b" and _kind_before(words, i) == "U" and any(f"c_{g}" in family_tensors(u.family)
                                                             for g in gate_names(u.family)):
        kind = "c"  # the reset-after GRU's recurrent bias (PyTorch bias_hh)
    if words[i] == "kernel" and u.framework in framework_tensors()["kernel"]:
        used.add(i)
        return ["fw:recurrent_kernel" if kind == "U" else "fw:kernel"]
    gates, end = _gates_after(words, i + 1, u.family)
    if kind is None:
        kind, gates2, end2 = _operand(tokens, words, i + 1, u.family)
        gates, end = (gates or gates2), max(end, end2)
    gates = gates or _gates_before(words, i, u.family) or _shared_gates(words, i + 1, u.family)
    if not gates and kind is not None and len(gate_names(u.family)) == 1:
        gates = list(gate_names(u.family))  # a simple RNN's only weights: "the input-to-hidden weight matrix"
    if kind is None or not gates:
        if kind is None and gates:
            used.update(range(i, end))
            return ["?which weights of the " + " and ".join(gate_names(u.family)[g] for g in gates) + ": the "
                    "input (feed-forward) weights W or the recurrent weights U?"]
        if kind is not None and u.framework is None and words[i] in ("weights", "biases", "matrices"):
            used.update(range(max(0, i - 4), i + 1))
            return [f"{kind}_*"]  # "the recurrent weights": every gate's, which share one shape
        return None
    used.update(range(max(0, i - 4), end))
    return [f"{kind}_{g}" for g in gates]


def _shared_gates(words, j, family):
    """'the input weights and the recurrent weights of the candidate gate': the gate closing the list."""
    for k in range(j, min(len(words), j + 8)):
        if words[k] in ("of", "for") and k > j:
            return _gates_after(words, k, family)[0]
        if words[k] not in ("and", "the", "", "input", "recurrent", "feed", "forward", "weights", "weight", "matrix",
                            "hidden", "to", "biases", "bias", "matrices"):
            return []
    return []


def _kind_before(words, i):
    for j in range(i - 1, max(-1, i - 5), -1):
        for kind, phrases in KIND_WORDS.items():
            for phrase in phrases:
                start = j - len(phrase) + 1
                if start >= 0 and tuple(words[start:j + 1]) == phrase and not _match(words, j + 1, ("gate",)):
                    return kind
    return None


def _gate_at(words, j, family):
    for phrase, gate in gate_words(family):
        if _match(words, j, phrase):
            return gate, j + len(phrase)
    return None, j


def _gates_after(words, j, family):
    """Gates named after ``of``/``for``: ``of forget and input gate``, ``of the forget gate and of the input gate``."""
    if j >= len(words) or words[j] not in ("of", "for", "in"):
        return [], j
    gates, k = [], j + 1
    while k < len(words):
        if words[k] in ("the", "and", "of", "", "gate", "gates", "all"):
            k += 1
            continue
        gate, k2 = _gate_at(words, k, family)
        if gate is None:
            break
        gates.append(gate)
        k = k2
    return gates, k


def _gates_before(words, i, family):
    for j in range(i - 1, max(-1, i - 6), -1):
        if words[j] == "gate" and j >= 1:
            gate, _ = _gate_at(words, j - 1, family)
            if gate:
                return [gate]
    return []


def _operand(tokens, words, j, family):
    """``that multiplies h_{t-1}`` / ``applied to x_t``: W for x_t, U for h_{t-1}."""
    for k in range(j, min(len(tokens), j + 4)):
        t = tokens[k]
        if t.kind == "ident":
            name = canonical(t, tokens, family)
            kind = {"x_t": "W", "h_prev": "U"}.get(name)
            if kind:
                gates, end = _gates_after(words, k + 1, family)
                return kind, gates, end
    return None, [], j


def given_vectors(tokens, u):
    """``{canonical name: values}`` for the vectors (and ``name = number`` scalars) in the question."""
    given = {}
    for i, t in enumerate(tokens):
        values = _values(tokens, i)
        if values is None:
            continue
        name = _owner(tokens, i, u.family)
        if name is None:
            raise CannotDecide(f"I could not tell which tensor the values {t.text} belong to: write e.g. 'o_t = "
                               "[0.4, 0.6]' or 'the output gate is [0.4, 0.6]'")
        if name in given and given[name] != values:
            raise CannotDecide(f"two different values are given for {name}")
        given[name] = values
    return given


def _values(tokens, i):
    t = tokens[i]
    if t.kind == "vector":
        return list(t.value)
    if t.kind == "num" and i >= 2 and tokens[i - 1].value == "=" and names_a_value(tokens[i - 2]):
        return [float(t.value)]
    return None


def _owner(tokens, i, family):
    words = [t.value if t.kind == "word" else "" for t in tokens]
    for j in range(i - 1, max(-1, i - 12), -1):
        t = tokens[j]
        if t.kind in ("vector",) or (t.kind == "num" and j < i - 1):
            break
        if t.kind == "ident":
            name = canonical(t, tokens, family)
            if name:
                return name
        found = _phrase_covering(words, j, family)
        if found:
            start, phrase, name = found
            if name.startswith("!absent:"):
                raise CannotDecide(absent(family, name[8:], " ".join(phrase)))
            return "c_prev" if name == "c_t" and words[start - 1:start] == ["previous"] else name
    return None


def _phrase_covering(words, j, family):
    """The state phrase that covers word ``j`` and starts earliest ("the candidate hidden state": n_t, not h_t)."""
    for start in range(max(0, j - 3), j + 1):
        for phrase, name in state_phrases(family):
            if start + len(phrase) > j and _match(words, start, phrase):
                return start, phrase, name
    return None

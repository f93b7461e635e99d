"""Reading a quiz question: the pasted block, the sizes, framework and variant it names,
what it asks, and the values (shapes, numbers, intervals, vectors) written in it.

The reading is done with small pattern tables; :mod:`lstm_symbolic.quiz` answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import LstmSymbolicError, UsageError

MAX_QUESTION_CHARS = 20_000


class CannotDecide(LstmSymbolicError):
    """The question is outside what the model decides, or lacks a size (exit code 1)."""

    exit_code = 1


# -- the question block ------------------------------------------------------------------------------
_OPTION = re.compile(r"^\s*(?:[-•*]\s+|(?:[A-Ha-h]|[1-8])[.)]\s+|\(([A-Ha-h])\)\s+)(?P<text>.+?)\s*$")
_ANSWER_KEY = re.compile(r"^\s*(?:ans(?:wer)?|correct answer)\s*[:.]", re.IGNORECASE)


@dataclass
class Question:
    text: str
    options: list = field(default_factory=list)


def parse_block(block, options=()):
    """Split a pasted block into the question and its options (an answer key is ignored)."""
    if not isinstance(block, str) or not block.strip():
        raise UsageError("the question is empty: give the question text (and its options)")
    if len(block) > MAX_QUESTION_CHARS:
        raise UsageError(f"the question is too long ({len(block)} characters; the limit is {MAX_QUESTION_CHARS})")
    lines, found = [], []
    for line in block.splitlines():
        if _ANSWER_KEY.match(line):
            break  # never read the answer key
        m = _OPTION.match(line)
        if m:
            found.append(m.group("text"))
        elif line.strip():
            if found and lines:  # text after the options: a continuation of the last option
                found[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
    if not lines and found and ("?" in found[0] or len(found[0]) > 60):
        lines.append(found.pop(0))  # a numbered question: "1. For a LSTM network ... ?"
    text = re.sub(r"^\s*(?:qn|q|question)\s*\d*\s*[:.]\s*", "", " ".join(lines), flags=re.IGNORECASE)
    all_options = found + [o for o in options if o and o.strip()]
    if not text.strip():
        raise UsageError("there are options but no question: put the question first")
    return Question(text.strip(), all_options)


# -- values in text ---------------------------------------------------------------------------------------
_DIM = r"(\d+|[a-z](?:\s*[+]\s*[a-z0-9]+)*)"
_SHAPE = re.compile(rf"\(?\s*{_DIM}\s*(?:x|×|\*|,)\s*{_DIM}\s*\)?", re.IGNORECASE)
_NUMBER = re.compile(r"[-+−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.IGNORECASE)
_VECTOR = re.compile(r"\[\s*((?:[-+−\d.,;\s\\]|(?<=\d)[eE](?=[-+−]?\d))+?)\s*\]")


def _num(text):
    return float(text.replace("−", "-"))


def parse_shapes(text):
    """All shapes in a text: ``"50x20, 50x20"`` -> ``[(50, 20), (50, 20)]``."""
    shapes = []
    for m in _SHAPE.finditer(text):
        dims = tuple(int(d) if d.isdigit() else d.replace(" ", "") for d in m.groups())
        shapes.append(dims)
    return shapes


def parse_vector(text):
    m = _VECTOR.search(text)
    if not m:
        return None
    parts = [p for p in re.split(r"[,;\s\\]+", m.group(1)) if p]
    try:
        return [_num(p) for p in parts]
    except ValueError:
        return None


def parse_interval(text):
    m = re.search(r"([(\[])\s*([-+−]?\d*\.?\d+|-?inf)\s*,\s*([-+−]?\d*\.?\d+|\+?inf|∞)\s*([)\]])", text)
    if m:
        return (_num(m.group(2)), _num(m.group(3).replace("∞", "inf")))
    m = re.search(r"between\s+([-+−]?\d*\.?\d+)\s+and\s+([-+−]?\d*\.?\d+)", text)
    if m:
        return (_num(m.group(1)), _num(m.group(2)))
    m = re.search(r"([-+−]?\d*\.?\d+)\s+to\s+([-+−]?\d*\.?\d+)", text)
    if m:
        return (_num(m.group(1)), _num(m.group(2)))
    return None


# -- understanding: pattern tables ---------------------------------------------------------------------
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10}
_V = r"(\d+|[a-z](?![a-z]))"  # a number or a one-letter symbol

#: (size, pattern) in priority order; the first match of a size wins.
SIZE_PATTERNS = [
    ("keras_input", r"\(\s*(?:none|\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)"),
    ("signal", r"(\d+)\s*[x×]\s*(\d+)\s+(?:input\s+)?signal|signal of (?:size\s+)?(\d+)\s*[x×]\s*(\d+)"),
    ("n", rf"input(?:\s*\(\s*x_?\{{?t\}}?\s*\))?\s+(?:vector\s+)?(?:is\s+)?(?:of\s+|with\s+)?(?:a\s+)?"
          rf"(?:dimension|dimensions|size|shape)s?\s*(?:of|is|are|=|:)?\s*\(?\s*{_V}\s*(?:[x×]\s*1\b)?"),
    ("n", r"input_size\s*=\s*(\d+)"),
    ("n", rf"\bx_?\{{?t\}}?\s*(?:is|has|of)?\s*(?:dimension|shape|size)?\s*(?:of\s+)?\(?\s*{_V}\s*[x×]\s*1\b"),
    ("n", r"(\d+)\s+(?:input\s+)?features"),
    ("n", r"(\d+)\s+inputs\b"),
    ("n", r"\bn\s*=\s*(\d+)\b(?!\s*\*)"),
    ("n", rf"{_V}[- ]dimensional\s+input"),
    ("n", r"(?:features|feature size|input dim(?:ension)?)\s*(?:=|of|is)\s*(\d+)"),
    ("k", rf"output(?:\s*\(\s*o_?\{{?t\}}?\s*\))?\s+(?:is\s+)?(?:of\s+|with\s+)?(?:a\s+)?"
          rf"(?:dimension|dimensions|size|shape)s?\s*(?:of|is|are|=|:)?\s*\(?\s*{_V}\s*[x×]\s*1\b"),
    ("k", r"(\d+)\s+classes"),
    ("k", rf"{_V}\s+(?:hidden\s+)?(?:units|neurons|cells)\b"),
    ("k", r"(?:units|hidden_size|num_units)\s*=\s*(\d+)"),
    ("k", r"\bk\s*=\s*(\d+)\b(?!\s*\*)"),
    ("k", rf"hidden(?:\s+state)?\s+(?:size|dimension|dim)\s*(?:of\s+|is\s+|=\s*)?{_V}"),
    ("k", rf"hidden\s+state\s+(?:has\s+|of\s+|with\s+)(?:a\s+)?(?:size|dimension)\s*(?:of\s+)?{_V}"),
    ("k", rf"hidden\s+(?:layer\s+)?(?:of\s+)?(?:size\s+)?{_V}\s+units"),
    ("p", r"proj(?:ection)?_?size\s*(?:=|of|is)?\s*(\d+)|project(?:s|ed|ion)?\s+(?:\w+\s+){0,3}to\s+(\d+)"),
    ("B", r"batch(?:\s+size)?\s*(?:of|=|is)?\s*(\d+)|(\d+)\s+sequences"),
    ("T", r"(\d+)\s+time[\s_-]?steps|sequences?\s+of\s+(?:length\s+)?(\d+)|timesteps\s*=\s*(\d+)|(\d+)\s+steps"),
    ("L", r"(\d+|one|two|three|four|five)\s+(?:stacked\s+)?(?:lstm\s+)?layers|num_layers\s*=\s*(\d+)"),
    ("dense", r"(?:fully[- ]connected|dense|linear)\s+(?:layer|head)?\s*(?:with|of)?\s*(\d+)\s*(?:units|outputs|neurons|classes)?"),
]

FRAMEWORK_PATTERNS = [("pytorch", r"pytorch|\btorch\b|nn\.lstm|weight_ih|weight_hh|proj_size"),
                      ("keras", r"keras|tensorflow|tf\.keras|recurrent_kernel"),
                      ("onnx", r"\bonnx\b"), ("matlab", r"matlab|lstmlayer|bilstm")]

VARIANT_PATTERNS = [("peephole", r"peephole"), ("projection", r"projection|proj_size|lstmp\b"),
                    ("cifg", r"coupled|cifg"), ("vanilla", r"no forget gate|without (?:a |the )?forget gate"),
                    ("no-output-tanh", r"no output tanh|without (?:the |a )?(?:output )?tanh on the output|"
                                       r"without (?:the |an )?output tanh|h_?t\s*=\s*o_?t\s*[*⊙·]\s*c_?t\b")]

CONCEPTUAL = r"\bwhy\b|rationale|which of the (?:following )?statements|statement is (?:true|correct)|" \
             r"true about|advantage|purpose|intuition|explain|better than|more likely"

#: What can be asked about.  (name, pattern); weights take their gates from the text that follows.
WEIGHT_KINDS = [
    ("W", r"feed[- ]?forward|input(?:-to-hidden)?(?=\s+weights?)|\bkernel\b|weight_ih(?:_l\d+)?|"
          r"\bW_?\{?[fiogc]F\}?|\bW_?\{?x[fiogc]?\}?\b|\bW_[fiogc]\b"),
    ("U", r"recurrent(?:_kernel)?|hidden(?:-to-hidden)?(?=\s+weights?)|weight_hh(?:_l\d+)?|\bU_?[fiogc]\b|"
          r"\bW_?\{?[fiogc]R\}?|\bW_?\{?h[fiogc]?\}?\b|\bR_[fiogc]\b"),
    ("b", r"\bbias(?:es)?\b|\bb_[fiogc]\b"),
]
STATE_TARGETS = [
    ("z_t", r"concatenat\w*\s+(?:vector|input)|\[\s*h_?\{?t\s*[-−–]\s*1\}?\s*[,;]\s*x_?t\s*\]"),
    ("h_prev", r"previous\s+hidden\s+state|\bh_?\{?t\s*[-−–]\s*1\}?|\bh_prev\b"),
    ("c_prev", r"previous\s+(?:cell|memory)\s+state|\bc_?\{?t\s*[-−–]\s*1\}?|\bc_prev\b|\bc\(n\)"),
    ("f_t", r"forget\s+gate|\bf_?t\b|g\^?\{?\\?(?:text)?\{?forget"),
    ("i_t", r"input\s+gate|update\s+gate|\bi_?t\b|g\^?\{?\\?(?:text)?\{?input"),
    ("o_t", r"output\s+gate|\bo_?t\b|g\^?\{?\\?(?:text)?\{?output"),
    ("g_t", r"candidate|cell\s+input|\bg_?t\b|c\s*tilde|c̃|~c|input\s+neuron"),
    ("c_t", r"(?<!previous )(?:cell|memory)\s+state|memory\s+cell|\bc_?t\b(?!\s*[-−–]\s*1)"),
    ("h_t", r"(?<!previous )hidden\s+state|\bh_?t\b(?!\s*[-−–]\s*1)|output\s+of\s+the\s+(?:whole\s+)?(?:lstm\s+)?(?:cell|block)|"
            r"output\s+activation"),
    ("output", r"(?:output|outputs)\s+of\s+the\s+(?:lstm\s+)?layer|layer'?s?\s+output|output\s+shape|"
               r"shape\s+of\s+the\s+output"),
    ("dense", r"fully[- ]connected\s+(?:layer\s+)?weights|dense\s+(?:layer\s+)?(?:weights|kernel)"),
]
GATE_WORDS = [("f", r"forget"), ("i", r"input|update"), ("g", r"candidate|cell\s+input|cell\b"), ("o", r"output")]


@dataclass
class Understanding:
    sizes: dict
    framework: str | None
    variant: str
    layout: str
    kind: str  # shape | count | range | value
    targets: list
    text: str = ""  # the question, for the answers that read values or wording from it

    def as_dict(self):
        return {"sizes": {k: v for k, v in self.sizes.items()}, "framework": self.framework,
                "variant": self.variant, "layout": self.layout, "asked": self.kind, "targets": self.targets}


def _find_sizes(text):
    sizes = {}
    low = text.lower()
    for name, pattern in SIZE_PATTERNS:
        if name in sizes:
            continue
        m = re.search(pattern, text, re.IGNORECASE)
        if not m:
            continue
        groups = [g for g in m.groups() if g]
        if name == "signal":
            sizes.setdefault("n", int(groups[0]))
            sizes.setdefault("T", int(groups[1]))
            continue
        if name == "keras_input":  # (batch, timesteps, features)
            sizes.setdefault("T", int(groups[0]))
            sizes.setdefault("n", int(groups[1]))
            continue
        value = groups[0]
        value = _WORDS.get(value.lower(), value)
        sizes[name] = int(value) if str(value).isdigit() else str(value)
    if re.search(r"bidirectional|bi-directional|bilstm", low):
        sizes["D"] = 2
    return sizes


def _first(patterns, text, default=None):
    for name, pattern in patterns:
        if re.search(pattern, text, re.IGNORECASE):
            return name
    return default


FRAMEWORK_TENSORS = r"^(?:kernel|recurrent_kernel|weight_ih(?:_l\d+)?|weight_hh(?:_l\d+)?)$"


def _targets(text):
    """Tensors asked about, in the order they appear (for "respectively")."""
    found = []  # (start, end, target names)
    for kind, pattern in WEIGHT_KINDS:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            token = m.group(0)
            if re.match(FRAMEWORK_TENSORS, token, re.IGNORECASE):
                found.append((m.start(), m.end(), [f"fw:{token.lower()}"]))
                continue
            tail = text[m.end():m.end() + 80]
            gm = re.match(r"\s*(?:weights?|matrix|matrices)?\s*(?:of|for|in)\s+(?:the\s+|all\s+(?:the\s+)?)?"
                          r"((?:[\w\s,-]|and)+?gates?(?:(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+)(?:of\s+)?(?:the\s+)?"
                          r"\w+(?:\s+\w+)?\s+gates?)*)", tail, re.IGNORECASE)
            direct = re.search(r"_\{?([fiogc])", token) or re.match(r"W_?\{?([fiogc])[FR]", token)
            gates = ["g" if direct.group(1) == "c" else direct.group(1)] if direct else []
            end = m.end()
            if gm:
                phrase = gm.group(1)
                named = sorted((_pos(p, phrase), g) for g, p in GATE_WORDS if _pos(p, phrase) < 999)
                gates = [g for _, g in named] or gates
                end = m.end() + gm.end()
            found.append((m.start(), end, [f"{kind}_{g}" for g in (gates or ["f"])]))
    for name, pattern in STATE_TARGETS:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            found.append((m.start(), m.end(), [name]))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    targets, covered = [], -1
    for start, end, names in found:
        if start < covered:
            continue  # inside an earlier, longer mention ("weights of the forget gate")
        covered = end
        targets.extend(n for n in names if n not in targets)
    return targets


def _pos(pattern, text):
    m = re.search(pattern, text, re.IGNORECASE)
    return m.start() if m else 999


def understand(question):
    text = question.text
    low = text.lower()
    sizes = _find_sizes(text)
    framework = _first(FRAMEWORK_PATTERNS, low)
    variant = _first(VARIANT_PATTERNS, low, "standard")
    if sizes.get("p") and variant == "standard":
        variant = "projection"
    layout = "concat" if re.search(r"concatenat|\[\s*h_?\{?t\s*[-−–]\s*1", low) else "separate"
    if re.search(r"how many\s+(?:trainable\s+|learnable\s+)?(?:parameters|weights|params)|number of\s+(?:trainable\s+|"
                 r"learnable\s+)?(?:parameters|params)|parameter count|total\s+(?:number of\s+)?parameters", low):
        kind = "count"
    elif _has_vectors(text) and re.search(r"comput|calculat|what is the (?:output|value|new|result)|"
                                          r"obtain|result|evaluate|value of", low):
        kind = "value"
    elif re.search(r"\brange\b|what can be the (?:output|value)|possible values?|values? (?:can|could|will|does|do)|"
                   r"lie between|always (?:output|be)|which (?:value|number)", low):
        kind = "range"
    elif re.search(r"dimension|shape|size|how (?:big|large)|rows|columns", low):
        kind = "shape"
    else:
        kind = None
    if re.search(CONCEPTUAL, low) and kind in (None, "range") and not re.search(r"what can be the", low):
        raise CannotDecide("this is a conceptual question (why / which statement is true): the model decides "
                           "shapes, parameter counts, value ranges and small evaluations, not explanations")
    if kind is None:
        raise CannotDecide("cannot tell what is asked: ask for a shape/dimension, a number of parameters, a range "
                           "of values, or a computed value")
    targets = _targets(_asked_part(text))
    return Understanding(sizes, framework, variant, layout, kind, targets, text)


def _asked_part(text):
    """The part of the question after its last interrogative ("what is the dimension of ...")."""
    starts = [m.start() for m in re.finditer(r"\b(?:what|which|how\s+many|give|compute|calculate|find|"
                                             r"determine)\b", text, re.IGNORECASE)]
    return text[starts[-1]:] if starts else text


def _has_vectors(text):
    return len(_VECTOR.findall(text)) >= 2 or bool(re.search(r"\[\s*[-\d.]+\s*\\\\", text))

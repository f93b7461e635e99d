"""Reading a quiz question: the pasted block (question, options, answer key), then a small
semantic reading of the question over its tokens (:mod:`lstm_symbolic.quiz_tokens`).

The question is split into the **setup** (what is given: sizes with their roles, the model, the
framework, flags, code, vectors) and the **focus** (the interrogative clause: what is asked and
about which tensors), so a tensor named in the setup never becomes the answer.  Anything that
could change the answer and is not understood makes :class:`CannotDecide` say what it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import CannotDecide, UsageError  # noqa: F401 - CannotDecide re-exported: it used to live here

MAX_QUESTION_CHARS = 20_000


# -- the question block ------------------------------------------------------------------------------
_OPTION = re.compile(r"^\s{0,8}(?:[-•*]\s+|(?:[A-Ha-h]|[1-8])[.)]\s+|\(([A-Ha-h])\)\s+)(?P<text>.+)$")
_ANSWER_KEY = re.compile(r"^\s{0,8}(?:ans(?:wer)?|correct answer|key)\s{0,3}[:.\-]\s{0,3}(?P<rest>.*)$", re.IGNORECASE)
_INLINE = re.compile(r"\(([a-hA-H])\)\s")


@dataclass
class Question:
    text: str
    options: list = field(default_factory=list)
    key: list = field(default_factory=list)  # the answer key's letters, read only after answering


def _key_letters(rest):
    head = re.split(r"[*(]|\s{2}|\.\s", rest.strip(), maxsplit=1)[0][:40]
    return [m.upper() for m in re.findall(r"\b([A-Ha-h])\b", head)]


def _inline_options(text):
    """``... (a) 50x20 (b) 20x50 (c) ...`` written inside the question: ``(question, options)``."""
    marks = list(_INLINE.finditer(text))
    letters = [m.group(1).lower() for m in marks]
    start = next((i for i, letter in enumerate(letters) if letter == "a"), None)
    if start is None:
        return text, []
    run = [marks[start]]
    for m in marks[start + 1:]:
        if m.group(1).lower() == chr(ord(run[-1].group(1).lower()) + 1):
            run.append(m)
    if len(run) < 2:
        return text, []
    ends = [m.start() for m in run[1:]] + [len(text)]
    options = [text[m.end():end].strip() for m, end in zip(run, ends)]
    return text[:run[0].start()].strip(), options


def parse_block(block, options=()):
    """Split a pasted block into the question, its options and its answer key (kept apart)."""
    if not isinstance(block, str) or not block.strip():
        raise UsageError("the question is empty: give the question text (and its options)")
    if len(block) > MAX_QUESTION_CHARS:
        raise UsageError(f"the question is too long ({len(block)} characters; the limit is {MAX_QUESTION_CHARS})")
    lines, found, key = [], [], []
    for line in block.splitlines():
        m = _ANSWER_KEY.match(line)
        if m:
            key = _key_letters(m.group("rest"))
            break  # the key and what follows it are never read as the question
        m = _OPTION.match(line)
        if m and len(_INLINE.findall(line)) >= 2 and not found:
            m = None  # "(a) -0.5 (b) 1.5 (c) -2" on one line: options written inline, split below
        if m:
            found.append(m.group("text").strip())
        elif line.strip():
            if found and lines:  # text after the options: a continuation of the last option
                found[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
    if not lines and found and ("?" in found[0] or len(found[0]) > 60):
        lines.append(found.pop(0))
    text = re.sub(r"^\s*(?:qn|q|question)\s*\d*\s*[:.]\s*", "", " ".join(lines), flags=re.IGNORECASE)
    if not found:
        text, found = _inline_options(text)
    all_options = found + [o for o in options if o and o.strip()]
    if not text.strip():
        raise UsageError("there are options but no question: put the question first")
    return Question(text.strip(), all_options, key)


# -- understanding ------------------------------------------------------------------------------------------
@dataclass
class Understanding:
    sizes: dict
    sources: dict
    framework: str | None
    family: str
    variant: str
    layout: str
    kind: str  # shape | count | diff | range | value
    targets: list
    flags: dict = field(default_factory=dict)
    given: dict = field(default_factory=dict)  # canonical name -> values (value questions)
    families: list = field(default_factory=list)  # the two models of a difference
    notes: list = field(default_factory=list)
    text: str = ""
    variant_stated: bool = True  # False: a GRU's placement / RNN's nonlinearity is only the default

    def as_dict(self):
        return {"sizes": dict(self.sizes), "framework": self.framework, "model": self.family,
                "variant": self.variant, "layout": self.layout, "asked": self.kind, "targets": self.targets,
                "read": dict(self.sources), **({"flags": self.flags} if self.flags else {})}

"""Tokens of a quiz question: words, numbers, shapes, tuples, vectors, tensor names, code.

One left-to-right scan with bounded look-ahead (no regular expression runs over the whole
text), so a 20,000-character paste is tokenized in linear time.

>>> [(t.kind, t.value) for t in tokenize("W_{fF} is 12 x 80, x_t = [0.5, 1]")]  # doctest: +NORMALIZE_WHITESPACE
[('ident', ('W_fF', None)), ('word', 'is'), ('shape', (12, 80)), ('sym', ','), ('ident', ('x', 't')),
 ('sym', '='), ('vector', (0.5, 1.0))]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

#: The longest bracketed group (vector, tuple, code call) looked at; longer ones are plain symbols.
MAX_GROUP = 4000
#: Callables whose argument list is model code (read by modelcode, never run); MATLAB's end in "Layer".
CODE_CALLS = frozenset({"LSTM", "GRU", "SimpleRNN", "RNN", "LSTMCell", "GRUCell", "SimpleRNNCell", "RNNCell",
                        "Bidirectional", "Dense", "Linear", "Embedding", "Conv1D", "Conv2D", "Conv1d", "Conv2d",
                        "Sequential", "TimeDistributed", "Dropout", "MultiHeadAttention", "Transformer"})
_LATEX_DROP = ("\\text", "\\mathrm", "\\mathbf", "\\boldsymbol", "\\mathit", "\\bm", "\\operatorname")
_LATEX_WORDS = {"\\sigma": "sigma", "\\tanh": "tanh", "\\in": "in", "\\odot": "*", "\\cdot": "*", "\\circ": "*",
                "\\times": "x", "\\left": "", "\\right": "", "\\quad": "", "\\,": "", "\\;": ""}
_MINUS = "-−–"
_TIME = {"t", "t-1", "t+1", "n", "n+1", "n-1", "t−1", "n−1"}


@dataclass(frozen=True)
class Token:
    kind: str  # word num shape tuple vector ident real code sym
    text: str
    value: object
    start: int


def _number_at(s, i):
    """``(value, end)`` of a number starting at ``i``, or None."""
    j, n = i, len(s)
    if j < n and s[j] in "+-−–":
        j += 1
    k = j
    while k < n and s[k].isdigit():
        k += 1
    if k < n and s[k] == "." and k + 1 < n and s[k + 1].isdigit():
        k += 1
        while k < n and s[k].isdigit():
            k += 1
    if k == j or (k == j + 1 and s[j] == "."):
        return None
    if k < n and s[k] in "eE" and k + 1 < n and (s[k + 1].isdigit() or (s[k + 1] in "+-" and k + 2 < n
                                                                           and s[k + 2].isdigit())):
        k += 2
        while k < n and s[k].isdigit():
            k += 1
    text = s[i:k].replace("−", "-").replace("–", "-")
    value = int(text) if text.lstrip("+-").isdigit() else float(text)
    return value, k


def _skip_space(s, i):
    while i < len(s) and s[i] in " \t":
        i += 1
    return i


def _dim_at(s, i):
    """A dimension: a number, or one letter standing alone (``n``, ``k``)."""
    got = _number_at(s, i)
    if got and isinstance(got[0], int) and got[0] >= 0:
        return got
    if i < len(s) and s[i].isalpha() and s[i].isascii() and (i + 1 == len(s) or not s[i + 1].isalnum()):
        return s[i], i + 1
    return None


def _times_at(s, i):
    """End of a 'x' / '×' / '\\times' between two dimensions, or None."""
    i = _skip_space(s, i)
    if s.startswith("\\times", i):
        return i + 6
    if i < len(s) and s[i] in "x×X" and not (i + 1 < len(s) and s[i + 1].isalpha() and s[i + 1] not in "xX"):
        return i + 1
    return None


def _shape_at(s, i):
    """``((d1, d2, ...), end)`` for ``12x80``, ``n x 1``, ``28x28x1`` starting at ``i``, or None."""
    first = _dim_at(s, i)
    if not first:
        return None
    dims, end = [first[0]], first[1]
    while len(dims) < 4:
        t = _times_at(s, end)
        if t is None:
            break
        nxt = _dim_at(s, _skip_space(s, t))
        if not nxt:
            break
        dims.append(nxt[0])
        end = nxt[1]
    return (tuple(dims), end) if len(dims) >= 2 else None


@lru_cache(maxsize=8)
def _pairs(s):
    """``{opening index: closing index}`` for (), [] and {} (each kind nested on its own), in one pass."""
    pairs, stacks = {}, {"(": [], "[": [], "{": []}
    closing = {")": "(", "]": "[", "}": "{"}
    for j, c in enumerate(s):
        if c in stacks:
            stacks[c].append(j)
        elif c in closing and stacks[closing[c]]:
            pairs[stacks[closing[c]].pop()] = j
    return pairs


def _close(s, i):
    """Index of the bracket closing the one at ``i`` (nesting counted), or -1 beyond MAX_GROUP."""
    j = _pairs(s).get(i, -1)
    return j if 0 <= j - i <= MAX_GROUP else -1


def _numbers(parts):
    out = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        got = _number_at(part, 0)
        if not got or got[1] != len(part):
            return None
        out.append(float(got[0]))
    return tuple(out)


def _split_vector(body):
    for sep in ("\\\\", "&", ";", ",", "\n"):
        body = body.replace(sep, " ")
    return body.split()


def _bracket(s, i):
    """A vector ``[0.7, 0.3]``, MATLAB code ``[lstmLayer(100) ...]``, or None."""
    j = _close(s, i)
    if j < 0:
        return None
    body = s[i + 1:j]
    if "Layer" in body and "(" in body:
        return Token("code", s[i:j + 1], s[i:j + 1], i), j + 1
    values = _numbers(_split_vector(body))
    if values:
        return Token("vector", s[i:j + 1], values, i), j + 1
    return None


def _paren(s, i):
    """A tuple ``(None, 10, 2)``, a shape ``(20x1)``, or None."""
    j = _close(s, i)
    if j < 0 or j - i > 200:
        return None
    body = s[i + 1:j].strip()
    shape = _shape_at(body, 0)
    if shape and shape[1] == len(body):
        return Token("shape", s[i:j + 1], shape[0], i), j + 1
    if "," not in body:
        return None
    items = []
    for part in body.split(","):
        part = part.strip()
        if part == "":
            continue
        if part.isdigit():
            items.append(int(part))
        elif part in ("None", "none", "?"):
            items.append(None)
        elif part.isidentifier() and len(part) <= 12:
            items.append(part)
        else:
            return None
    return (Token("tuple", s[i:j + 1], tuple(items), i), j + 1) if items else None


def _matrix(s, i):
    """``\\begin{bmatrix} 0.7 \\\\ 0.3 \\end{bmatrix}`` (or pmatrix) as a vector."""
    for env in ("bmatrix", "pmatrix", "matrix", "vmatrix"):
        head = "\\begin{" + env + "}"
        if s.startswith(head, i):
            end = s.find("\\end{" + env + "}", i, i + MAX_GROUP)
            if end < 0:
                return None
            values = _numbers(_split_vector(s[i + len(head):end]))
            stop = end + len(env) + 6
            return (Token("vector", s[i:stop], values, i), stop) if values else None
    return None


def _group(s, i):
    """The text of a ``{...}`` group at ``i`` (without braces) and its end, or a single character."""
    if i < len(s) and s[i] == "\\":  # ^\text{output}
        j = i + 1
        while j < len(s) and s[j].isalpha() and j - i < 16:
            j += 1
        return _group(s, j) if j < len(s) and s[j] == "{" else (s[i:j], j)
    if i < len(s) and s[i] == "{":
        j = _close(s, i)
        if j > 0 and j - i < 80:
            return s[i + 1:j], j + 1
        return "", i + 1
    j = i
    while j < len(s) and (s[j].isalnum()) and j - i < 12:
        j += 1
    return s[i:j], j


def _clean(text):
    for cmd in ("\\widetilde", "\\tilde", "\\hat"):
        at = text.find(cmd)
        if at >= 0:
            inner, end = _group(text, _skip_space(text, at + len(cmd)))
            text = text[:at] + inner + "~" + text[end:]
    for cmd in _LATEX_DROP:
        text = text.replace(cmd, "")
    for cmd, word in _LATEX_WORDS.items():
        text = text.replace(cmd, word)
    return text.replace("{", "").replace("}", "").replace("\\", "").replace(" ", "").replace("−", "-")


_WORDY = frozenset({"xt", "ht", "ct", "Ct", "ot", "ft", "gt"})  # the course's "input (xt)", "ht−1"


def _ident_value(raw):
    """``(base, time index)`` of a tensor name: ``h_{t-1}`` -> ``("h", "t-1")``, ``W_{fF}`` -> ``("W_fF", None)``."""
    name = _clean(raw)
    if name.endswith(")") and "(" in name:
        base, _, index = name[:-1].rpartition("(")
        if index in _TIME:
            return base, index.replace("−", "-")
    for sep in ("_", "^"):
        base, found, index = name.rpartition(sep)
        if found and base and index in _TIME:
            return base, index
    if name in _WORDY:
        return name[0], "t"
    return name, None


def names_a_value(token):
    """``o_t``, ``h_{t-1}``, ``W_z``, ``b_r``: a name a number can be given for (``input_size`` is a size)."""
    if token.kind != "ident":
        return False
    base, index = token.value
    return index is not None or (len(base) <= 5 and base[1:2] == "_" and base[:1].isalpha())


def _suffix(s, j, raw):
    """Extend a name over its subscripts/superscripts and a ``(n)``/``(t-1)`` argument."""
    while j < len(s) and s[j] in "_^":
        part, j2 = _group(s, j + 1)
        if not part and j2 == j + 1:
            break
        raw, j = raw + s[j] + "{" + part + "}", j2
    if j < len(s) and s[j] == "(" and len(raw) <= 30:
        k = s.find(")", j, j + 8)
        if k > 0 and s[j + 1:k].replace(" ", "") in _TIME:
            raw, j = raw + s[j:k + 1].replace(" ", ""), k + 1
    if raw in _WORDY and j + 1 < len(s) and s[j] in _MINUS and s[j + 1] == "1":
        raw, j = raw[0] + "_{t-1}", j + 2
    return raw, j


def _latex(s, i):
    """A LaTeX command at ``i``: a word, R^n, a decorated name, or nothing."""
    j = i + 1
    while j < len(s) and s[j].isalpha():
        j += 1
    cmd = s[i:j]
    if cmd in ("\\mathbb", "\\R", "\\mathbf") and (s.startswith("{R}", j) or cmd == "\\R"):
        k = j + 3 if s.startswith("{R}", j) else j
        if k < len(s) and s[k] == "^":
            dims, end = _group(s, k + 1)
            return Token("real", s[i:end], _real_dims(dims), i), end
    if cmd in ("\\tilde", "\\hat", "\\widetilde", "\\bar"):
        inner, k = _group(s, _skip_space(s, j))
        raw, end = _suffix(s, k, _clean(inner) + "~")
        return Token("ident", s[i:end], _ident_value(raw), i), end
    if cmd in _LATEX_WORDS:
        word = _LATEX_WORDS[cmd]
        return (Token("word" if word.isalpha() else "sym", cmd, word, i) if word else None), j
    return None, j


def _real_dims(text):
    """``30`` / ``{30 \\times 1}`` / ``n`` -> the dimensions of R^..."""
    text = _clean(text)
    return tuple(int(p) if p.isdigit() else p for p in text.replace("×", "x").split("x") if p)


#: The real numbers written in plain text before an exponent (``R^{16}``, ``ℝ^16``), read as ``\\mathbb{R}^{16}``.
_REALS = ("R", "ℝ")


def _plain_real(s, i, j):
    """``R^{16}`` / ``ℝ^16`` from ``i`` (the name ends at ``j``): a ``real`` token and its end, or None."""
    if s[i:j] not in _REALS or j >= len(s) or s[j] != "^":
        return None
    dims, end = _group(s, j + 1)
    found = _real_dims(dims)
    if not found or not all(isinstance(d, int) or d.isalpha() for d in found):
        return None
    return Token("real", s[i:end], found, i), end


def scan_name(s, i):
    """A word, tensor name, LaTeX command or code call starting at ``i``: ``(token, end)``."""
    if s[i] == "\\":
        return _latex(s, i)
    j = i
    while j < len(s) and (s[j].isalnum() or (s[j] == "." and j + 1 < len(s) and s[j + 1].isalpha())) and j - i < 60:
        j += 1
    raw = s[i:j]
    real = _plain_real(s, i, j)
    if real is not None:
        return real
    call = raw.rpartition(".")[2]
    k = _skip_space(s, j)
    layer_call = call in CODE_CALLS or (call.endswith("Layer") and call[:1].islower())
    if layer_call and k == j and k < len(s) and s[k] == "(":
        end = _close(s, k)
        if end > 0:
            return Token("code", s[i:end + 1], s[i:end + 1], i), end + 1
    if len(raw) == 1 and raw.isascii():
        shape = _shape_at(s, i)
        if shape:
            return Token("shape", s[i:shape[1]], shape[0], i), shape[1]
    raw2, end = _suffix(s, j, raw)
    if raw2 != raw or raw in _WORDY:
        return Token("ident", s[i:end], _ident_value(raw2), i), end
    return Token("word", raw, raw.lower(), i), j


def tokenize(text):
    """The tokens of ``text`` (see the module docstring)."""
    s, i, out = text, 0, []
    while i < len(s):
        c = s[i]
        if c.isspace():
            i += 1
            continue
        got = None
        if c == "\\" and s.startswith("\\begin{", i):
            got = _matrix(s, i)
        elif c == "[":
            got = _bracket(s, i)
        elif c == "(":
            got = _paren(s, i)
        elif c.isdigit() or (c in "+-−–." and i + 1 < len(s) and s[i + 1].isdigit()
                             and not (out and out[-1].kind in ("num", "ident", "word") and c in "+-−–")):
            shape = _shape_at(s, i)
            if shape and not (i > 0 and s[i - 1].isalpha()):
                got = Token("shape", s[i:shape[1]], shape[0], i), shape[1]
            else:
                number = _number_at(s, i)
                if number:
                    got = Token("num", s[i:number[1]], number[0], i), number[1]
        elif c.isalpha() or c == "\\":
            got = scan_name(s, i)
        if got is None:
            out.append(Token("sym", c, c, i))
            i += 1
        else:
            token, i = got
            if token is not None:
                out.append(token)
    return out

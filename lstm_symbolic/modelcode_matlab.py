"""MATLAB layer arrays read by a small tokenizer and expression reader (nothing is executed).

Understood: ``layers = [sequenceInputLayer(12) lstmLayer(100,'OutputMode','last') ...]`` with
rows separated by spaces, commas, semicolons or new lines, ``...`` continuations, ``%``
comments, name-value pairs in both spellings (``'OutputMode','last'`` and ``OutputMode="last"``),
layers without parentheses (``softmaxLayer``), numeric variables (``numHiddenUnits = 100;``) and
arrays built from other arrays (``layers = [layers; fullyConnectedLayer(3)]``).  The model is the
last layer array the code builds.
"""

from __future__ import annotations

import re

from .modelcode_nodes import LayerCall, ModelCode, Unknown

_TOKEN = re.compile(r"""
    (?P<cont>\.\.\.[^\n]*\n?) | (?P<comment>%[^\n]*) | (?P<nl>\n) | (?P<space>[ \t\r]+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?) | (?P<name>[A-Za-z_]\w*)
  | (?P<dstr>"(?:[^"\n]|"")*") | (?P<sstr>'(?:[^'\n]|'')*')
  | (?P<op>[-+*/^(),;=\[\]{}:.<>~&|\\'@!])
""", re.X)
_KEYWORDS = {"function", "end", "if", "else", "elseif", "for", "while", "switch", "case", "otherwise", "try",
             "catch", "return", "break", "continue", "global", "persistent"}
_CLOSING = {"(": ")", "[": "]", "{": "}"}


class _Unreadable(Exception):
    pass


def _tokens(text):
    """``(kind, text, line)`` tokens; a quote right after a value is the transpose operator."""
    found, pos, line = [], 0, 1
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            found.append(("op", text[pos], line))
            pos += 1
            continue
        kind, value = match.lastgroup, match.group()
        if kind == "sstr" and pos > 0 and found and found[-1][0] in ("name", "num", "op") and \
                (found[-1][0] != "op" or found[-1][1] in ")]}'") and not text[pos - 1].isspace():
            kind, value = "op", "'"
        if kind in ("nl", "cont"):
            if kind == "nl":
                found.append(("nl", "\n", line))
            line += 1
        elif kind not in ("space", "comment"):
            found.append((kind, value, line))
        pos += len(value)
    return found


class _Parser:
    def __init__(self, tokens, code):
        self.tokens, self.i, self.code = tokens, 0, code
        self.depth = 0
        self.env = {}
        self.model = None

    def peek(self, skip_nl=None):
        skip = self.depth > 0 if skip_nl is None else skip_nl
        while skip and self.i < len(self.tokens) and self.tokens[self.i][0] == "nl":
            self.i += 1
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "", self.tokens[-1][2])

    def take(self, text=None):
        token = self.peek()
        if text is not None and token[1] != text:
            raise _Unreadable(f"expected {text!r}, found {token[1] or 'the end'!r}")
        self.i += 1
        return token

    def statements(self):
        while self.i < len(self.tokens):
            kind, text, line = self.peek(skip_nl=False)
            if kind == "nl" or text in (";", ","):
                self.i += 1
                continue
            start = self.i
            try:
                self.statement()
            except _Unreadable as err:
                self.depth = 0
                self.skip_statement()
                if any(t[0] == "name" and t[1].endswith("Layer") for t in self.tokens[start:self.i]):
                    self.code.problem(line, f"not understood ({err}); the layers on this line are not read")

    def skip_statement(self):
        while self.i < len(self.tokens) and self.tokens[self.i][0] != "nl" and self.tokens[self.i][1] != ";":
            self.i += 1

    def statement(self):
        kind, text, line = self.peek()
        if kind == "name" and text in _KEYWORDS:
            self.skip_statement()
            return
        nxt = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else ("end", "", line)
        after = self.tokens[self.i + 2][1] if self.i + 2 < len(self.tokens) else ""
        target = None
        if kind == "name" and nxt[1] == "=" and after != "=":
            target = text
            self.i += 2
        value = self.expr()
        if self.peek(skip_nl=False)[0] not in ("nl", "end") and self.peek()[1] not in (";", ","):
            raise _Unreadable(f"unexpected {self.peek()[1]!r}")
        if target is not None:
            self.env[target] = value
        if _has_layers(value):
            self.model = value

    def expr(self):
        value = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            value = _arith(op, value, self.term())
        return value

    def term(self):
        value = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            value = _arith(op, value, self.unary())
        return value

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return _arith("-", 0, self.unary())
        return self.primary()

    def primary(self):
        kind, text, line = self.take()
        if kind == "num":
            number = float(text)
            return int(number) if number.is_integer() and abs(number) < 1e15 else number
        if kind in ("sstr", "dstr"):
            return text[1:-1].replace(text[0] * 2, text[0])
        if kind == "name":
            return self.name(text, line)
        if text in ("[", "{"):
            return self.array(_CLOSING[text])
        if text == "(":
            self.depth += 1
            value = self.expr()
            self.take(")")
            self.depth -= 1
            return value
        raise _Unreadable(f"unexpected {text or 'end of text'!r}")

    def name(self, text, line):
        if text in ("true", "false"):
            return text == "true"
        called = self.peek(skip_nl=False)[1] == "("
        args, kwargs = self.call_args(line, text.endswith("Layer")) if called else ((), {})
        if self.peek(skip_nl=False)[1] == "." and self.tokens[self.i + 1][0] == "name":
            self.i += 2
            return Unknown(text + "....")  # a property (layers(1).Name): not followed
        if text in self.env and not called:
            return self.env[text]
        if text.endswith("Layer"):
            return LayerCall(text, args, kwargs, line, "matlab")
        return Unknown(text + ("(...)" if called else ""))

    def call_args(self, line, layer):
        self.take("(")
        self.depth += 1
        values, kwargs = [], {}
        while self.peek()[1] != ")":
            kind, text, _ = self.peek()
            if kind == "name" and self.tokens[self.i + 1][1] == "=":
                self.i += 2
                kwargs[text] = self.expr()
            else:
                values.append(self.expr())
            if self.peek()[1] == ",":
                self.take()
            elif self.peek()[1] != ")":
                raise _Unreadable(f"expected ',' or ')' in the arguments, found {self.peek()[1]!r}")
        self.take(")")
        self.depth -= 1
        return _name_value_pairs(values, kwargs, line, self.code if layer else None)

    def array(self, closing):
        self.depth += 1
        items = []
        while self.peek()[1] != closing:
            if self.peek()[1] in (",", ";"):
                self.take()
                continue
            value = self.expr()
            items.extend(value if isinstance(value, list) else [value])
        self.take(closing)
        self.depth -= 1
        return items


def _name_value_pairs(values, kwargs, line, code):
    """Leading positional arguments, then ``'Name', value`` pairs."""
    first = next((i for i, v in enumerate(values) if isinstance(v, str)), len(values))
    rest = values[first:]
    if len(rest) % 2 and code is not None:
        code.problem(line, f"an odd number of name-value arguments ({rest!r}); the last one is ignored")
    for key, value in zip(rest[0::2], rest[1::2]):
        kwargs[key] = value
    return tuple(values[:first]), kwargs


def _arith(op, left, right):
    if all(type(v) in (int, float) for v in (left, right)) and not (op == "/" and right == 0):
        result = {"+": left + right, "-": left - right, "*": left * right}.get(op) if op != "/" else left / right
        if isinstance(result, float) and result.is_integer():
            result = int(result)
        return result
    return Unknown(f"{left!r} {op} {right!r}")


def _has_layers(value):
    return isinstance(value, LayerCall) or (isinstance(value, list) and any(isinstance(v, LayerCall) for v in value))


def read_matlab(text):
    """A ModelCode for MATLAB source ``text``: the layers of the last layer array it builds."""
    code = ModelCode("matlab")
    tokens = _tokens(text)
    if not tokens:
        return code
    parser = _Parser(tokens, code)
    try:
        parser.statements()
    except RecursionError:
        code.problem(0, "the code is nested too deeply to read")
    model = parser.model
    if isinstance(model, LayerCall):
        model = [model]
    for item in model or []:
        if isinstance(item, LayerCall):
            code.layers.append(item)
        else:
            code.problem(0, f"{item!r} in the layer array is not a layer this tool reads")
    return code

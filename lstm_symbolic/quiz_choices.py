"""Multiple choice: each option judged against the model's answer, with a reason, and the
pasted answer key compared only after the model has answered.
"""

from __future__ import annotations

import math

from .quiz_tokens import tokenize


def option_shapes(text):
    return [tuple("None" if d is None else str(d) for d in t.value) for t in tokenize(text)
            if t.kind in ("shape", "tuple")]


def option_numbers(text):
    out = []
    for t in tokenize(text.replace(",", "") if "[" not in text and "(" not in text else text):
        if t.kind == "num":
            out.append((float(t.value), _decimals(t.text)))
        elif t.kind == "vector":
            out.extend((v, 9) for v in t.value)
    return out


def _decimals(text):
    return len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0


def _interval(text):
    low = text.lower().replace("∞", "inf").replace("infinity", "inf")
    values = []
    for t in tokenize(low):
        if t.kind == "num" or (t.kind == "word" and t.value == "inf"):
            values.append(float(t.value) if t.kind == "num" else math.inf)
        elif t.kind == "tuple":  # "(0, 1)" and "(0, inf)" are read as one tuple token
            values.extend(math.inf if v == "inf" else float(v) for v in t.value if isinstance(v, int) or v == "inf")
    if "-inf" in low.replace(" ", "") and values and values[0] == math.inf:
        values[0] = -math.inf
    if len(values) == 2 and ("between" in low or "(" in low or "[" in low or " to " in low):
        return tuple(values)
    return None


def _judge(kind, value, option, alternatives):
    """``(right?, reason)`` for one option."""
    if kind == "shape":
        got = option_shapes(option)
        want = [tuple("None" if d is None else str(d).replace(" ", "") for d in s) for s in value]
        if got == want:
            return True, "matches"
        named = alternatives.get(got[0]) if len(got) == 1 else None
        return False, (f"that is {named}" if named else "does not match" if got else "no shape in this option")
    if kind in ("count", "diff"):
        nums = option_numbers(option)
        if len(nums) == 1 and nums[0][0] == value:
            return True, "matches"
        named = alternatives.get(nums[0][0]) if len(nums) == 1 else None
        return False, f"that is {named}" if named else "a different number"
    if kind == "range":
        interval = _interval(option)
        if interval is not None:
            return interval == value, ("the same interval" if interval == value else f"not the interval {value}")
        nums = option_numbers(option)
        if len(nums) == 1:
            inside = value[0] < nums[0][0] < value[1]
            return inside, ("inside" if inside else "outside") + f" ({_f(value[0])}, {_f(value[1])})"
        return False, "no number or interval in this option"
    nums = [v for v, _ in option_numbers(option)]
    ok = len(nums) == len(value) and all(abs(a - b) <= 0.6 * 10 ** -min(_places(option), 9) + 1e-9
                                         for a, b in zip(nums, value))
    return ok, "matches to the digits shown" if ok else "different values"


def _places(option):
    digits = [_decimals(t.text) for t in tokenize(option) if t.kind == "num"]
    inner = [len(p.split(".")[1]) for p in option.replace("[", " ").replace("]", " ").replace(",", " ").split()
             if "." in p and p.replace(".", "").replace("-", "").isdigit()]
    return min(digits + inner) if digits + inner else 0


def _f(x):
    return ("-inf" if x < 0 else "inf") if math.isinf(x) else f"{x:g}"


def _alternatives(u, kind):
    """Answers of common slips, to say what a wrong option is."""
    alt = {}
    if kind == "shape" and "n" in u.sizes and "k" in u.sizes:
        from .builtin_shapes import cell_shapes
        from .quiz_tables import projection_size

        try:
            shapes = cell_shapes(u.sizes["n"], u.sizes["k"], u.variant, u.layout, projection_size(u.variant, u.sizes),
                                 family=u.family).shapes()
        except Exception:  # any failure: the shapes only improve the wording
            return alt
        for name, shape in shapes.items():
            alt.setdefault(tuple(str(d) for d in shape), f"the shape of {name}")
            alt.setdefault(tuple(str(d) for d in reversed(shape)), f"{name} transposed (the row convention)")
    if kind == "count" and isinstance(u.sizes.get("n"), int) and isinstance(u.sizes.get("k"), int):
        n, k = u.sizes["n"], u.sizes["k"]
        for biases, what in ((0, "no biases"), (1, "one bias per gate"), (2, "two biases per gate")):
            for gates, cell in ((4, "an LSTM"), (3, "a GRU"), (1, "a simple RNN")):
                alt.setdefault(gates * k * (n + k + biases), f"the count of {cell} with {what}")
    return alt


def judge_options(u, value, text, options, key):
    """``(right letters, working lines, key report)``."""
    alternatives = _alternatives(u, u.kind)
    letters, lines = [], []
    for i, option in enumerate(options):
        letter = chr(ord("A") + i)
        ok, reason = _judge(u.kind, value, option, alternatives)
        if ok:
            letters.append(letter)
        lines.append(f"{letter}. {option}: {'right' if ok else 'wrong'} ({reason})")
    if not letters:
        lines.append("None of the options matches this answer.")
    report = None
    if key:
        agrees = sorted(key) == letters
        report = {"letters": key, "agrees": agrees}
        if not agrees:
            said = " & ".join(key)
            gives = " & ".join(letters) or "none of the options"
            keyed = [(k, options[ord(k) - 65]) for k in key if ord(k) - 65 < len(options)]
            lines.append(f"the key says {said}; the model gives {gives} because the answer is {text}"
                         + "".join(f"; {k}. {option}: {_judge(u.kind, value, option, alternatives)[1]}"
                                   for k, option in keyed))
        else:
            lines.append(f"the key ({' & '.join(key)}) agrees with the model")
    return letters, lines, report

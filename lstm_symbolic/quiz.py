"""Answer quiz-style questions about LSTM dimensions, parameters, ranges and values.

The question is read by :mod:`lstm_symbolic.quiz_reading` (pattern tables for sizes,
framework, variant and what is asked); the answer comes from the model: the cell is
built with the sizes understood and queried (shapes, parameter count, activation
ranges, a numeric evaluation).  Nothing is looked up in a table of known questions.
A question the model cannot decide (a conceptual "why"), or one missing a size it
needs, gets a plain :class:`CannotDecide` saying what is missing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import UsageError
from .quiz_reading import (  # noqa: F401 - parse_block and understand are part of this module's API
    _NUMBER,
    _VECTOR,
    CannotDecide,
    Question,
    _num,
    parse_block,
    parse_interval,
    parse_shapes,
    parse_vector,
    understand,
)


# -- answering ----------------------------------------------------------------------------------------------
@dataclass
class Answer:
    answer: str
    explanation: str
    understood: dict
    choices: list | None = None


def _need(sizes, *names, numeric=False):
    """The sizes must be there (and positive; and numbers when ``numeric``)."""
    from .sizes import SIZE_MEANINGS

    missing = [n for n in names if n not in sizes]
    if missing:
        what = "; ".join(f"{n} ({SIZE_MEANINGS.get(n, n)})" for n in missing)
        raise CannotDecide(f"the question does not give {what}: say e.g. 'input of dimension (20x1)', "
                           "'80 features', '50 hidden units' or 'output of dimension (50x1)'")
    for name, value in sizes.items():
        if value == 0:
            raise CannotDecide(f"{name} = 0 is not a size: sizes are at least 1")
        if numeric and isinstance(value, str):
            raise CannotDecide(f"parameter counts and framework layouts need numbers, but {name} is the symbol "
                               f"{value!r}")


def _shape_text(shape):
    return "x".join(str(d).replace(" ", "") for d in shape)


def answer_question(question):
    """The answer, its working, and (with options) the letters of every right option."""
    u = understand(question)
    handler = {"shape": _answer_shape, "count": _answer_count, "range": _answer_range, "value": _answer_value}[u.kind]
    value, text, working = handler(u)
    choices = None
    if question.options:
        choices = [chr(ord("A") + i) for i, option in enumerate(question.options) if _matches(u.kind, value, option)]
        if not choices:
            working += "\nNone of the options matches this answer."
    return Answer(text, working, u.as_dict(), choices)


def _cell(u):
    """The cell's shape queries: from the SymPy-free table for integer sizes, else an LSTMCell."""
    from .builtin_shapes import cell_shapes

    _need(u.sizes, "n", "k")
    proj = u.sizes.get("p") if u.variant == "projection" else None
    if u.variant == "projection" and proj is None:
        raise CannotDecide("a projection LSTM needs the projection size: say e.g. 'proj_size=3'")
    return cell_shapes(u.sizes["n"], u.sizes["k"], u.variant, u.layout, proj)


def _answer_shape(u):
    if not u.targets:
        raise CannotDecide("cannot tell which tensor's shape is asked (e.g. the feed-forward weights of the forget "
                           "gate, the previous hidden state, the cell state)")
    shapes, lines = [], []
    cell_shapes = equations = None  # the cell is built once, when a cell tensor is asked
    for target in u.targets:
        if target.startswith("fw:") or target in ("output", "dense"):
            shape, line = _framework_shape(u, target)
        else:
            if cell_shapes is None:
                cell = _cell(u)
                cell_shapes, equations = cell.shapes(), {t.split(" = ")[0]: t for t in cell.equation_texts()}
            if target not in cell_shapes:
                raise CannotDecide(f"the {u.variant} cell has no {target}")
            shape = cell_shapes[target]
            eq = equations.get(target)
            line = f"{target} is {_shape_text(shape)}" + (f", from {eq}" if eq else "")
        shapes.append(shape)
        lines.append(line)
    dims = ", ".join(f"{k} = {v}" for k, v in u.sizes.items())
    working = (f"understood: {dims}; variant {u.variant}, {u.layout} layout (column convention: x_t is n x 1, "
               "weights act from the left)\n" + "\n".join(lines))
    if any(t.startswith(("W_", "U_")) for t in u.targets):
        working += "\nW_* (feed-forward) is k x n so that W x_t is k x 1; U_* (recurrent) is k x k (k x p)."
    return shapes, ", ".join(_shape_text(s) for s in shapes), working


def _framework_shape(u, target):
    from .frameworks import get_framework
    from .sequences import parameter_table, sequence_shapes

    if u.framework is None:
        raise CannotDecide("name the framework (PyTorch, Keras, ONNX, MATLAB) for its own tensor names and layouts")
    _need(u.sizes, "n", "k", numeric=True)
    fw = get_framework(u.framework)
    if target.startswith("fw:"):
        name = target[3:]
        _, tensors, _ = parameter_table(u.framework, u.sizes["n"], u.sizes["k"], u.sizes.get("L", 1),
                                        u.sizes.get("D", 1) == 2, u.sizes.get("p"))
        if name in ("weight_ih", "weight_hh"):
            name += "_l0"
        if name not in tensors:
            raise CannotDecide(f"{fw.title} has no tensor named {name}")
        return tensors[name], f"{fw.title}: {name} is {tensors[name]} ({fw.note})"
    shapes = sequence_shapes(u.framework, u.sizes["n"], u.sizes["k"], u.sizes.get("B"), u.sizes.get("T"),
                             u.sizes.get("L", 1), u.sizes.get("D", 1) == 2, u.sizes.get("p"),
                             dense=u.sizes.get("dense"))
    key = "output" if target == "output" else next((k for k in shapes if k.startswith(("dense w", "dense k",
                                                                                       "linear w"))), None)
    if key is None or key not in shapes:
        raise CannotDecide(f"cannot find {target} for {fw.title}")
    return shapes[key], f"{fw.title}: {key} is {shapes[key]}"


def _answer_count(u):
    from .sequences import parameter_table

    _need(u.sizes, "n", "k", numeric=True)
    proj = u.sizes.get("p")
    total, tensors, formula = parameter_table(u.framework, u.sizes["n"], u.sizes["k"], u.sizes.get("L", 1),
                                              u.sizes.get("D", 1) == 2, proj, u.variant == "peephole")
    gate = next((t for t in u.targets if t in ("f_t", "i_t", "o_t", "g_t")), None)
    text = u.text
    if gate and re.search(r"(?:parameters|weights)\s+(?:does|do|are|in|of|for)\s+(?:the\s+|one\s+|a\s+single\s+|"
                          r"each\s+)?\w+\s+gate|per\s+gate\b(?!\s*\))|each\s+gate\s+(?:have|has)", text, re.IGNORECASE):
        n, k = u.sizes["n"], u.sizes["k"]
        count = k * n + k * (proj or k) + k
        return count, str(count), (f"one gate ({gate[0]}): W {k}x{n} + U {k}x{proj or k} + b {k}x1 = "
                                   f"{k}*{n} + {k}*{proj or k} + {k} = {count}")
    convention = ("canonical cell (one bias per gate)" if u.framework is None else
                  f"{u.framework} convention")
    return total, str(total), f"{convention}: {formula}"


def _answer_range(u):
    from .cell import LSTMCell

    target = next((t for t in u.targets if t in ("f_t", "i_t", "o_t", "g_t", "c_t", "h_t")), None)
    if target is None:
        raise CannotDecide("cannot tell which gate or state's values are asked")
    cell = LSTMCell(3, 2, u.variant if u.variant != "projection" else "standard")
    if target not in cell.shapes():
        raise CannotDecide(f"the {u.variant} cell has no {target}")
    low, high = _interval(cell, target)
    working = f"{target}: {_interval_reason(cell, target)} -> ({_fmt(low)}, {_fmt(high)})"
    return (low, high), f"({_fmt(low)}, {_fmt(high)})", working


def _fmt(x):
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    return f"{x:g}"


def _interval(cell, name):
    """Open interval of a tensor's values, by interval arithmetic over its equation."""
    from sympy import HadamardProduct, MatAdd, MatMul, MatrixSymbol, OneMatrix
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

    from .activations import ACTIVATIONS
    from .textprint import function_name

    equations = {eq.name: eq.rhs for eq in cell.equations}

    def walk(e):
        if isinstance(e, MatrixSymbol):
            return walk(equations[e.name]) if e.name in equations else (-math.inf, math.inf)
        if isinstance(e, OneMatrix):
            return (1.0, 1.0)
        if isinstance(e, ElementwiseApplyFunction):
            a = ACTIVATIONS[function_name(e)]
            return (a.low, a.high)
        if isinstance(e, HadamardProduct):
            lo, hi = walk(e.args[0])
            for arg in e.args[1:]:
                a, b = walk(arg)
                products = [x * y for x in (lo, hi) for y in (a, b) if not (math.isinf(x) and y == 0)
                            and not (math.isinf(y) and x == 0)]
                lo, hi = min(products), max(products)
            return (lo, hi)
        if isinstance(e, MatAdd):
            lo = hi = 0.0
            for arg in e.args:
                a, b = walk(arg)
                lo, hi = lo + a, hi + b
            return (lo, hi)
        if isinstance(e, MatMul):
            if e.args[0] == -1 and len(e.args) == 2:
                a, b = walk(e.args[1])
                return (-b, -a)
            return (-math.inf, math.inf)
        return (-math.inf, math.inf)

    return walk(equations[name])


def _interval_reason(cell, name):
    eq = next(str(e) for e in cell.equations if e.name == name)
    return eq + " (sigmoid in (0, 1), tanh in (-1, 1))"


_GIVEN = [("c_prev", r"previous\s+(?:cell|memory)|c_?\{?t\s*[-−–]\s*1\}?"),
          ("c_n", r"\bc\(n\)"),  # the seed page's c(n): the cell the output reads, or the previous one
          ("f_t", r"forget"), ("i_t", r"input\s+gate|g\^?\{?\\?(?:text)?\{?input"),
          ("g_t", r"candidate|input\s+neuron|\bu\b|c\s*tilde|\bg_?t\b"),
          ("o_t", r"output\s+gate|g\^?\{?\\?(?:text)?\{?output"),
          ("c_t", r"memory\s+cell|cell\s+state|\bc_?t\b")]


def _answer_value(u):
    """Evaluate the asked tensor's equation on the vectors the question gives."""
    import numpy as np

    from .builtin_shapes import cell_shapes

    text = u.text
    given = _given_vectors(text)
    if not given:
        raise CannotDecide("found no vectors to compute with: write them like [0.7, 0.3]")
    asked = "c_t" if re.search(r"(?:new|next|updated)\s+(?:cell|memory)|c_?t\b.*=\s*\?|cell state update", text,
                               re.IGNORECASE) and "f_t" in given else "h_t"
    uses_tanh = bool(re.search(r"tanh", text, re.IGNORECASE))
    variant = "standard" if uses_tanh else "no-output-tanh"
    k = len(next(iter(given.values())))
    if any(len(v) != k for v in given.values()):
        raise CannotDecide("the vectors have different lengths: " + ", ".join(f"{n} has {len(v)}"
                                                                           for n, v in given.items()))
    output_equation = next(t for t in cell_shapes(1, k, variant).equation_texts() if t.startswith("h_t = "))
    values = {name: np.array(v, dtype=float).reshape(k, 1) for name, v in given.items()}
    if "c_n" in values:  # c(n): the cell the output reads, or the previous cell of an update
        values.setdefault("c_prev" if "f_t" in values else "c_t", values.pop("c_n"))
        given = {("c_prev" if "f_t" in values else "c_t") if n == "c_n" else n: v for n, v in given.items()}
    with np.errstate(over="raise", invalid="raise"):
        try:
            result, working, asked = _evaluate_given(output_equation, values, given, asked, uses_tanh)
        except FloatingPointError:
            raise UsageError("the numbers are too large to compute with: the result overflows double "
                             "precision (about 1.8e308)") from None
    out = [round(float(x), 10) for x in result[:, 0]]
    text_answer = "[" + ", ".join(f"{x:g}" for x in out) + "]"
    shown = ", ".join(f"{n} = {[float(x) for x in v]}" for n, v in given.items())
    gates = [n for n in ("f_t", "i_t", "o_t") if n in given and not all(0 < x < 1 for x in given[n])]
    note = "".join(f"\nnote: {n} has values outside (0, 1), which a sigmoid gate cannot output" for n in gates)
    return out, text_answer, (f"{working} (elementwise products; {variant} cell)\nwith {shown}\n"
                              f"{asked} = {text_answer}{note}")


def _evaluate_given(output_equation, values, given, asked, uses_tanh):
    """The asked tensor from the given ones: ``(result, working, asked)``."""
    import numpy as np

    if asked == "h_t" and "c_t" in given and "o_t" in given:
        result = values["o_t"] * (np.tanh(values["c_t"]) if uses_tanh else values["c_t"])
        working = output_equation
    elif asked == "c_t" or ("f_t" in given and "c_prev" in given):
        missing = [n for n in ("f_t", "c_prev", "i_t", "g_t") if n not in values]
        if missing:
            raise CannotDecide(f"to update the cell state the question must give f_t, c_prev, i_t and g_t; "
                               f"missing: {', '.join(missing)}")
        result = values["f_t"] * values["c_prev"] + values["i_t"] * values["g_t"]
        working = "c_t = f_t * c_prev + i_t * g_t"
        asked = "c_t"
    else:
        raise CannotDecide("the question gives vectors, but not the ones needed: the output needs the output gate "
                           "and the memory cell; a cell update needs f_t, c_prev, i_t and g_t")
    return result, working, asked


def _given_vectors(text):
    """Vectors in the text, each named by the nearest tensor mention before it."""
    given = {}
    for m in _VECTOR.finditer(text):
        vector = parse_vector(m.group(0))
        if not vector:
            continue
        before = text[max(0, m.start() - 120):m.start()]
        best, where = None, -1
        for name, pattern in _GIVEN:
            for mm in re.finditer(pattern, before, re.IGNORECASE):
                if mm.start() > where:
                    best, where = name, mm.start()
        if best and best not in given:
            given[best] = vector
    return given


def _matches(kind, value, option):
    if kind == "shape":
        return [tuple(str(d) for d in s) for s in parse_shapes(option)] == [tuple(str(d) for d in s) for s in value]
    if kind == "count":
        numbers = [_num(x) for x in _NUMBER.findall(option.replace(",", ""))]
        return len(numbers) == 1 and numbers[0] == value
    if kind == "range":
        interval = parse_interval(option)
        if interval is not None:
            return interval == value
        numbers = [_num(x) for x in _NUMBER.findall(option)]
        return len(numbers) == 1 and value[0] < numbers[0] < value[1]
    if kind == "value":
        vector = parse_vector(option)
        return vector is not None and len(vector) == len(value) and all(abs(a - b) <= 1e-9 + 1e-6 * abs(b)
                                                                         for a, b in zip(vector, value))
    return False

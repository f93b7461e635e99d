"""Values and ranges by evaluating the cell's own equations.

The equations are the named variant's text from the shape table (``h_t = o_t * tanh(c_t)``),
parsed with :mod:`ast` (our own text, never the user's) and walked twice: over NumPy arrays for
a value, over intervals for a range (sigmoid in (0, 1), tanh in (-1, 1), unknown tensors
unbounded).
"""

from __future__ import annotations

import ast
import math

from .errors import CannotDecide, UsageError
from .quiz_answers import read_line
from .quiz_tables import has_reset_gate, no_output_tanh_variant, probe_projection

_STATE_ORDER = ("f_t", "i_t", "g_t", "o_t", "c_t", "h_t")


def equations(variant, family="lstm", replace=None):
    """``({name: right-hand side AST}, texts)`` of a variant's equations, in evaluation order.

    ``replace`` is an equation text (``h_t = ...``) that takes the place of the cell's own for its name.
    """
    from .builtin_shapes import cell_shapes

    texts = cell_shapes(3, 2, variant, "separate", probe_projection(variant), family=family).equation_texts()
    if replace:
        texts = [replace if t.split(" = ")[0] == replace.split(" = ")[0] else t for t in texts]
    return {t.split(" = ")[0]: ast.parse(t.split(" = ", 1)[1], mode="eval").body for t in texts}, texts


def evaluate(eqs, texts, target, env):
    """``target`` computed from the arrays in ``env`` (which gains every name computed on the way)."""
    import numpy as np

    with np.errstate(over="raise", invalid="raise"):
        try:
            return walk(eqs[target], env, Numbers(np), eqs)
        except KeyError as exc:
            chain = exc.args
            source = next((t for t in texts if t.startswith(chain[0] + " = ")), None) if len(chain) > 1 else None
            equation = next(t for t in texts if t.startswith(target + " = "))
            raise CannotDecide(f"to compute {target} the question must also give {chain[0]}"
                               + (f" (or what it is computed from: {source})" if len(chain) > 1 else "")
                               + f" (the equation is {equation})") from None
        except FloatingPointError:
            raise UsageError("the numbers are too large to compute with: the result overflows double "
                             "precision (about 1.8e308)") from None
        except ValueError:
            raise CannotDecide("the given values do not fit together: a weight matrix times a vector needs as many "
                               "columns as the vector has rows") from None


class Numbers:
    """NumPy arithmetic for the walk."""

    def __init__(self, np):
        from .activations import ACTIVATIONS

        self.np, self.functions = np, {name: a.numpy_func for name, a in ACTIVATIONS.items()}

    def const(self, value):
        return float(value)

    def unknown(self, name):
        return None

    def add(self, a, b):
        return a + b

    def sub(self, a, b):
        return a - b

    def mul(self, a, b):
        return a * b

    def matmul(self, a, b):
        return a @ b

    def call(self, name, a):
        return self.functions[name](a)


class Intervals:
    """Interval arithmetic for the walk: values are ``(low, high)``."""

    def const(self, value):
        return (float(value), float(value))

    def unknown(self, name):
        return (-math.inf, math.inf)

    def add(self, a, b):
        return (a[0] + b[0], a[1] + b[1])

    def sub(self, a, b):
        return (a[0] - b[1], a[1] - b[0])

    def mul(self, a, b):
        products = [x * y for x in a for y in b if not ((math.isinf(x) and y == 0) or (math.isinf(y) and x == 0))]
        return (min(products), max(products)) if products else (0.0, 0.0)

    def matmul(self, a, b):
        return (-math.inf, math.inf)

    def call(self, name, a):
        from .activations import ACTIVATIONS

        return (ACTIVATIONS[name].low, ACTIVATIONS[name].high)


def walk(node, env, algebra, eqs):
    """The value of an equation's right-hand side; names are looked up in ``env`` or computed."""
    if isinstance(node, ast.Constant):
        return algebra.const(node.value)
    if isinstance(node, ast.Name):
        if node.id not in env and node.id in eqs:
            try:
                env[node.id] = walk(eqs[node.id], env, algebra, eqs)
            except KeyError as exc:  # the chain of names that could not be computed: (n_t, W_n)
                raise KeyError(node.id, *exc.args) from None
        elif node.id not in env:
            env[node.id] = algebra.unknown(node.id)
        if env[node.id] is None:
            raise KeyError(node.id)
        return env[node.id]
    if isinstance(node, ast.BinOp):
        a, b = walk(node.left, env, algebra, eqs), walk(node.right, env, algebra, eqs)
        op = {ast.Add: algebra.add, ast.Sub: algebra.sub, ast.Mult: algebra.mul, ast.MatMult: algebra.matmul}
        return op[type(node.op)](a, b)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return algebra.call(node.func.id, walk(node.args[0], env, algebra, eqs))
    raise UsageError(f"cannot evaluate {ast.dump(node)}")  # pragma: no cover - our own equations only


def _fmt(x):
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    return f"{x:g}"


def answer_range(u):
    from .families import get_family

    eqs, texts = equations(u.variant, u.family)
    target = next((t for t in u.targets if t in eqs), None)
    if target is None:
        raise CannotDecide("cannot tell which gate or state's values are asked")
    if has_reset_gate(u.family) and target == "h_t":
        raise CannotDecide("a GRU's h_t = (1 - z_t) * n_t + z_t * h_prev mixes the candidate with the previous "
                           "state, so its range is the previous state's too: it stays in (-1, 1) when the initial "
                           "state does (zeros by default); interval arithmetic alone cannot show that")
    low, high = walk(eqs[target], {}, Intervals(), eqs)
    node = eqs[target]
    attained = isinstance(node, ast.Call) and getattr(node.func, "id", "") == "relu"  # relu outputs 0 itself
    text = f"{'[' if attained else '('}{_fmt(low)}, {_fmt(high)})"
    line = next(t for t in texts if t.startswith(target + " = "))
    return (low, high), text, [
        f"model {get_family(u.family).title} ({u.variant}); {line}",
        "interval arithmetic: sigmoid in (0, 1), tanh in (-1, 1), " + ("relu in [0, inf), " if attained else "")
        + f"weights and inputs unbounded -> {target} in {text}"]


def _output_variant(u):
    """The question's own definition of the output wins; the page notation (g^output, c(n)) defines h = g*c."""
    low = u.text.replace(" ", "").lower()
    for marker in ("h_t=o_t*c_t", "h_t=o_t⊙c_t", "h_t=o_t·c_t", "h_t=o_tc_t", "ht=ot*ct"):
        if marker in low:
            return no_output_tanh_variant(), "the question defines the output as h_t = o_t * c_t (no tanh)"
    if "tanh" in low:
        return u.variant, "the question's output equation uses tanh"
    if "g^output" in low or "g^\\text{output}" in low:
        return no_output_tanh_variant(), ("in the gate notation (g^output, memory cell c(n)) the block output is "
                                  "g^output(n) · c(n), with no tanh")
    return u.variant, f"a {u.variant} LSTM (the question does not define the output otherwise)"


def vector_text(result):
    """``([floats], "[0.241747, 0.174788]")``."""
    import numpy as np

    out = [float(x) for x in np.asarray(result).ravel()]
    return out, "[" + ", ".join(f"{x:.6g}" for x in out) + "]"


def given_text(given):
    return ", ".join(f"{n} = [{', '.join(f'{x:g}' for x in v)}]" for n, v in given.items())


def check_given(u):
    """CannotDecide unless the question gives vectors of one length, the hidden size if it says one."""
    if not u.given:
        raise CannotDecide("found no vectors to compute with: write them like o_t = [0.7, 0.3]")
    lengths = {len(v) for v in u.given.values()}
    if len(lengths) != 1:
        raise CannotDecide("the vectors have different lengths: " + ", ".join(f"{n} has {len(v)}"
                                                                           for n, v in u.given.items()))
    rows = u.sizes.get("p") or u.sizes.get("k")
    if isinstance(rows, int) and lengths != {rows}:
        raise CannotDecide(f"the vectors have {lengths.pop()} entries but the hidden size is {rows}: "
                           "check the question")


def lstm_value(u):
    """``(values, text, working lines)`` of the asked LSTM tensor (h_t unless another is named)."""
    import numpy as np

    target = next((t for t in u.targets if t in _STATE_ORDER), None) or "h_t"
    variant, why = _output_variant(u) if target == "h_t" else (u.variant, f"a {u.variant} LSTM")
    eqs, texts = equations(variant)
    env = {name: np.array(v, dtype=float).reshape(-1, 1) for name, v in u.given.items()}
    out, text = vector_text(evaluate(eqs, texts, target, env))
    shown = given_text(u.given)
    notes = [f"note: {n} has values outside (0, 1), which a sigmoid gate cannot output" for n in ("f_t", "i_t", "o_t")
             if n in u.given and not all(0 < x < 1 for x in u.given[n])]
    equation = next(t for t in texts if t.startswith(target + " = "))
    return out, text, [read_line(u), f"{why}", f"{equation} (elementwise products)", f"with {shown}",
                       f"{target} = {text}"] + notes

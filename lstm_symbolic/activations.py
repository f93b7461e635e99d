"""Elementwise activation functions as data: SymPy function, NumPy code, range.

The derivative is written in terms of the function's own output ``y`` (``y (1 - y)``
for the sigmoid, ``1 - y^2`` for tanh), the way backward equations reuse stored
activations.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np


def stable_sigmoid(z):
    """Logistic sigmoid that never overflows: ``0.5 * tanh(0.5 z) + 0.5``.

    >>> float(stable_sigmoid(np.float32(-1000.0)))
    0.0
    """
    y = np.multiply(z, 0.5)
    if not isinstance(y, np.ndarray):  # a NumPy scalar
        return 0.5 * np.tanh(y) + 0.5
    np.tanh(y, out=y)
    y *= 0.5
    y += 0.5
    return y


@dataclass(frozen=True)
class Activation:
    name: str
    numpy_name: str  # name under which the NumPy function is given to generated code
    numpy_func: object
    low: float  # open range (low, high) of the output
    high: float
    latex: str


def relu(z):
    return np.maximum(z, 0)


def step(z):
    """The derivative of relu written with its output: 1 where the output is positive, else 0."""
    return (np.asarray(z) > 0).astype(np.result_type(z, np.float32), copy=False)


def softmax(z):
    """Softmax over each column (the classes of one sample), shifted for stability."""
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", "sigmoid", stable_sigmoid, 0.0, 1.0, r"\sigma"),
    "tanh": Activation("tanh", "tanh", np.tanh, -1.0, 1.0, r"\tanh"),
    "relu": Activation("relu", "relu", relu, 0.0, float("inf"), r"\operatorname{relu}"),
    "exp": Activation("exp", "exp", np.exp, 0.0, float("inf"), r"\exp"),
    "softmax": Activation("softmax", "softmax", softmax, 0.0, 1.0, r"\operatorname{softmax}"),
    "step": Activation("step", "step", step, 0.0, 1.0, r"\operatorname{step}"),
}


@cache
def sympy_function(name):
    """The SymPy function class of an activation (created on first use: SymPy is lazy)."""
    import sympy

    if name == "tanh":
        return sympy.tanh
    if name == "exp":
        return sympy.exp
    if name != "sigmoid":
        return sympy.Function(name)

    class sigmoid(sympy.Function):  # lower case, as SymPy names its functions
        """The logistic function; its derivative is ``sigmoid(z) (1 - sigmoid(z))``."""

        def fdiff(self, argindex=1):
            s = sigmoid(self.args[0])
            return s * (1 - s)

        def _eval_rewrite_as_exp(self, z, **kwargs):
            return 1 / (1 + sympy.exp(-z))

        def _eval_evalf(self, prec):
            return (1 / (1 + sympy.exp(-self.args[0])))._eval_evalf(prec)

    return sigmoid


def derivative_from_output(name, y):
    """The activation's derivative written with its output ``y`` (a matrix expression).

    sigmoid: ``y * (1 - y)``; tanh: ``1 - y^2``; relu: ``step(y)`` (1 where y > 0, else 0).
    """
    from sympy import HadamardPower, HadamardProduct, MatAdd, MatMul, OneMatrix
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

    def one_minus(e):
        return MatAdd(OneMatrix(*y.shape), MatMul(-1, e, evaluate=False), evaluate=False)

    rules = {
        "sigmoid": lambda: HadamardProduct(y, one_minus(y), evaluate=False),
        "tanh": lambda: one_minus(HadamardPower(y, 2)),
        "relu": lambda: ElementwiseApplyFunction(sympy_function("step"), y),
    }
    if name not in rules:
        raise KeyError(f"no derivative rule for {name!r}")
    return rules[name]()

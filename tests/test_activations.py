"""Activations: the NumPy functions against their textbook formulas, their ranges, the SymPy sigmoid, and
each derivative written with the output against central differences."""

import warnings

import numpy as np
import pytest
import sympy
from sympy import MatrixSymbol

from lstm_symbolic.activations import (
    ACTIVATIONS,
    derivative_from_output,
    relu,
    softmax,
    stable_sigmoid,
    step,
    sympy_function,
)

rng = np.random.default_rng(8)
Z = rng.uniform(-6, 6, (4, 3))


def test_stable_sigmoid_is_the_logistic_function():
    np.testing.assert_allclose(stable_sigmoid(Z), 1 / (1 + np.exp(-Z)), rtol=1e-14, atol=1e-15)
    assert float(stable_sigmoid(np.float64(0.0))) == 0.5


def test_stable_sigmoid_never_overflows():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = stable_sigmoid(np.array([-1000.0, 1000.0], dtype=np.float32))
    assert out.dtype == np.float32 and out.tolist() == [0.0, 1.0]


def test_relu_step_softmax():
    assert (relu(Z) == np.where(Z > 0, Z, 0)).all()
    assert (step(relu(Z)) == (Z > 0)).all() and step(np.float32(2.0)).dtype == np.float32
    expected = np.exp(Z) / np.exp(Z).sum(axis=0)
    np.testing.assert_allclose(softmax(Z), expected, rtol=1e-14)
    assert np.isfinite(softmax(np.array([[1000.0], [0.0]]))).all()


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_outputs_in_range(name):
    act = ACTIVATIONS[name]
    out = act.numpy_func(Z * 3)
    assert ((out >= act.low) & (out <= act.high)).all()


def test_sympy_sigmoid():
    sigmoid, z = sympy_function("sigmoid"), sympy.Symbol("z")
    assert sympy.simplify(sigmoid(z).diff(z) - sigmoid(z) * (1 - sigmoid(z))) == 0
    assert sigmoid(z).rewrite(sympy.exp) == 1 / (1 + sympy.exp(-z))
    assert abs(float(sigmoid(sympy.Float(0.3)).evalf()) - 1 / (1 + np.exp(-0.3))) < 1e-15
    assert sympy_function("tanh") is sympy.tanh and sympy_function("sigmoid") is sigmoid


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_derivative_from_output_against_differences(name):
    f = ACTIVATIONS[name].numpy_func
    z = Z + 0.05  # (keeps relu's kink away from the sample points)
    y_value = f(z)
    y = MatrixSymbol("y", *z.shape)
    expr = derivative_from_output(name, y)
    step_function = sympy_function("step")
    explicit = expr.as_explicit().subs(dict(zip(y.as_explicit(), y_value.ravel().tolist())))
    got = np.array(explicit.replace(step_function, lambda v: 1 if v > 0 else 0).tolist(), dtype=float)
    eps = 1e-6
    np.testing.assert_allclose(got, (f(z + eps) - f(z - eps)) / (2 * eps), rtol=0, atol=1e-8)


def test_no_rule_is_a_key_error():
    with pytest.raises(KeyError, match="no derivative rule for 'softmax'"):
        derivative_from_output("softmax", MatrixSymbol("y", 2, 1))

"""The elementwise SymPy oracle for the backward equations, shared by the LSTM and GRU/RNN tests.

A cell's forward equations are built entry by entry from ``.as_explicit()``, a scalar loss
L = sum over the states of sum(upstream * state) is differentiated by SymPy entry by entry, and
the reverse-mode backward equations are evaluated by SymPy at the same random point.
"""

import numpy as np
import sympy
from sympy import ImmutableMatrix, MatrixSymbol


def explicit_symbols(name, shape):
    rows, cols = shape
    return ImmutableMatrix(rows, cols, lambda i, j: sympy.Symbol(f"{name}[{i},{j}]"))


def _elementary(expr):
    """relu as Max(0, .) and its derivative step as Heaviside: functions SymPy can differentiate and evaluate."""
    return expr.replace(sympy.Function("relu"), lambda a: sympy.Max(0, a)).replace(
        sympy.Function("step"), lambda a: sympy.Heaviside(a, 0))  # step(0) = 0: relu is flat left of 0


def evaluate(equations, env):
    """Evaluate equations entry by entry, as explicit SymPy matrices."""
    for eq in equations:
        replace = {s: env[s.name] for s in eq.rhs.atoms(MatrixSymbol)}
        env[eq.name] = ImmutableMatrix(eq.rhs.xreplace(replace).as_explicit()).applyfunc(_elementary)
    return env


def assert_backward_matches_sympy(cell, seed, atol=1e-12):
    """Every gradient entry of ``cell``'s backward equations equals SymPy's diff(L, entry)."""
    derivation = cell.backward()
    shapes = derivation.shapes()
    leaves = list(cell.program.inputs) + list(cell.parameters) + list(derivation.upstream.values())
    symbolic = {name: explicit_symbols(name, shapes[name]) for name in leaves}
    rng = np.random.default_rng(seed)
    numeric = {name: ImmutableMatrix(rng.uniform(-1.5, 1.5, shapes[name])) for name in leaves}
    evaluate(derivation.forward, symbolic)
    evaluate(derivation.forward + derivation.equations, numeric)
    loss = sum(sum(symbolic[up].multiply_elementwise(symbolic[state])) for state, up in derivation.upstream.items())
    point = {sym: numeric[name][i, j] for name in leaves
             for (i, j), sym in np.ndenumerate(np.array(symbolic[name].tolist(), dtype=object))}
    ours, theirs = [], []
    for tensor in list(cell.program.inputs) + list(cell.parameters):
        grad = numeric[derivation.gradients[tensor]]
        for (i, j) in np.ndindex(*grad.shape):
            ours.append(float(grad[i, j]))
            theirs.append(sympy.diff(loss, symbolic[tensor][i, j]))
    args = sorted(point, key=str)
    sigmoid = {"sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z))}
    values = sympy.lambdify(args, theirs, modules=[sigmoid, "numpy"], cse=True)(*[float(point[a]) for a in args])
    np.testing.assert_allclose(ours, np.array(values, dtype=float), rtol=0, atol=atol)

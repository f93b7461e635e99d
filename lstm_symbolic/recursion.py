"""The backward pass as a recursion over time, as Graves (2012, ch. 4) and Greff et al. (2017) write it.

The derivation (:mod:`lstm_symbolic.derivatives`) is one step of BPTT: it reads the
upstream gradients ``dh_t`` (everything that reaches h_t) and ``dc_next`` (what reaches
c_t through step t+1) and returns ``dh_prev`` and ``dc_prev``.  Written for a reader, the
same equations become a recursion over t = T, ..., 1 in which every gradient means the
total derivative of the loss:

* ``dh_t = Delta_t + (dh_prev of step t+1)``, where ``Delta_t`` is the loss's own gradient
  at h_t (``dL/dh_t`` through the output at step t only);
* the upstream ``dc_next`` is replaced by ``dc_prev`` of step t+1
  (``dc_{t+1} * f_{t+1} + ...``), so the factor f_{t+1} is written out;
* parameter gradients are sums over t of the per-step products (``dW_f = sum_t da_f x_t^T``).

"Of step t+1" is the same SymPy expression with every tensor renamed one step later
(``f_t`` -> ``f_t__next``, ``h_prev`` -> ``h_t``); parameters keep their names.  The
equations are therefore the derivation's own equations (the compiled backward is built from a
derivation of the same cell, with a batch of B columns), rearranged, not a second derivation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import MatAdd, MatrixSymbol

from .equations import Equation
from .notations import NEXT

#: The loss's own gradient at the output state, before anything from later steps is added.
DIRECT = "Delta_t"


@dataclass(frozen=True)
class Recursion:
    """BPTT as a recursion: ``steps`` at step t (reading gradients of step t+1), ``sums`` summed over t."""

    steps: tuple  # Equations, in evaluation order; names ending in NEXT are tensors at step t+1
    sums: tuple  # Equations whose right-hand side is the step-t summand of a parameter gradient
    carries: dict  # state (h_t, c_t) -> the part of its gradient that comes from step t+1, or None
    output: str  # the state the loss reads (h_t); it receives DIRECT
    initial: dict  # initial state (h_prev, c_prev) -> the state whose carry is its gradient at t = 0
    shapes: dict  # every tensor's shape (one step later: the same shape)


def later(expr, parameters):
    """``expr`` one step later: ``f_t`` -> ``f_t__next``, ``h_prev`` -> ``h_t``; parameters unchanged."""
    replace = {}
    for s in expr.atoms(MatrixSymbol):
        if s.name in parameters:
            continue
        name = s.name[: -len("_prev")] + "_t" if s.name.endswith("_prev") else s.name + NEXT
        replace[s] = MatrixSymbol(name, *s.shape)
    return expr.xreplace(replace)


def _flat_sum(*terms):
    flat = []
    for term in terms:
        flat.extend(term.args if isinstance(term, MatAdd) else [term])
    return flat[0] if len(flat) == 1 else MatAdd(*flat, evaluate=False)


def time_recursion(derivation):
    """The :class:`Recursion` of a :class:`~lstm_symbolic.derivatives.Derivation` (any cell)."""
    program = derivation.cell.program
    parameters = set(program.parameters)
    grads = derivation.gradients
    by_name = {eq.name: eq for eq in derivation.equations}
    carries, initial = {}, {}
    for new, prev in program.recurrence:
        source = by_name.get(grads.get(prev))
        carries[new] = later(source.rhs, parameters) if source is not None else None
        initial[prev] = new
    output = next(state for state, up in derivation.upstream.items() if grads.get(state) == up)
    symbols = {s.name: s for eq in derivation.equations for s in eq.rhs.atoms(MatrixSymbol)}
    upstream = symbols[derivation.upstream[output]]
    direct = MatrixSymbol(DIRECT, *upstream.shape)
    carry = carries[output]
    steps = [Equation(upstream, direct if carry is None else _flat_sum(direct, carry))]
    replace = {symbols[up]: carries[state] for state, up in derivation.upstream.items()
               if state != output and up in symbols and carries.get(state) is not None}
    hidden = {grads[prev] for _, prev in program.recurrence if prev in grads}
    summed = {grads[p] for p in program.parameters if p in grads}
    sums = []
    for eq in derivation.equations:
        if eq.name in hidden:
            continue
        rhs = eq.rhs.xreplace(replace)
        rhs = _flat_sum(*rhs.args) if isinstance(rhs, MatAdd) else rhs
        (sums if eq.name in summed else steps).append(Equation(eq.lhs, rhs))
    shapes = dict(derivation.shapes())
    shapes[DIRECT] = shapes[upstream.name]
    return Recursion(tuple(steps), tuple(sums), carries, output, initial, shapes)

"""Backpropagation through time with the compiled backward equations.

The symbolic program is never unrolled over time (for T = 8 that tree has ten
million nodes).  Instead:

1. the input terms of every step are computed by one product (as in ``forward``), then
   one generated loop runs the forward steps and records what the backward equations
   read (gates, states, ``tanh(c_t)``, ...);
2. one generated loop runs the per-step backward equations (everything that leads to
   ``dh_prev`` and ``dc_prev``) from t = T-1 down to 0, writing the per-step deltas
   (``dstack_0 = [da_f; da_i; ...]``) straight into one rows x T x B array;
3. the parameter gradients and ``dx_t`` are sums over time of per-step products
   (``dW_f = sum_t da_f x_t^T``), so their equations are evaluated *once* on the
   time-stacked columns: ``dW_f = [da_f(1) ... da_f(T)] @ [x(1) ... x(T)]^T``.

What a once-equation reads is recorded as a rows x T x B array (its T*B columns are a
view); what only the per-step equations read is kept as a list of the step's arrays.
"""

from __future__ import annotations

import numpy as np
from sympy import MatAdd, MatrixSymbol
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .codegen import Compiled, compile_loop
from .derivatives import Derivation
from .equations import Equation, symbols_of, tensor_names
from .errors import ShapeError, UsageError
from .fusion import hoist_inputs, stack_gradients
from .textprint import function_name


def _reads(equations):
    return set().union(*(tensor_names(eq.rhs) for eq in equations))


def _call(function, env):
    """Call a generated function with the values of its arguments' names."""
    return function(*[env[name] for name in function.args])


class CompiledBackward:
    """The compiled pieces of BPTT for one numeric cell (batch size left symbolic)."""

    def __init__(self, numeric):
        self.numeric = numeric
        self.derivation = Derivation(numeric.cell.with_batch("B"))
        self._params = list(numeric.parameters) + list(numeric.stacks)
        forward, per_step, once = self._split()
        self._symbols = symbols_of(list(forward) + list(per_step) + list(once))
        self._compile_forward(forward, per_step, once)
        self._compile_backward(per_step, once)
        self._compile_gradients(once)

    def _split(self):
        """``(forward, per-step backward, once-over-all-steps backward)`` equations.

        The forward is the numeric cell's fused program, with the activations the backward
        reads (``tanh(c_t)``) named once and the normal form's tensors it lacks added.  The
        once-equations are the parameter gradients and ``dx_t``; with stacked weights the
        gate deltas are stacked once per step (:func:`.fusion.stack_gradients`).
        """
        numeric, derivation = self.numeric, self.derivation
        normal, backward = derivation.forward, list(derivation.equations)
        backward, materialized = materialize_activations(backward, {eq.name for eq in normal})
        plain = insert_materialized(numeric.fused_equations, materialized)
        available = {eq.name for eq in plain} | set(numeric.inputs)
        once_names = {derivation.gradients[p] for p in numeric.parameters} | {derivation.gradients[numeric.x_name]}
        once = [eq for eq in backward if eq.name in once_names]
        per_step = [eq for eq in backward if eq.name not in once_names]
        self._wanted = [eq.name for eq in once]
        extra = [eq for eq in normal if eq.name in _reads(once) | _reads(per_step) and eq.name not in available]
        if numeric.stacks:
            step_defined = {eq.name for eq in per_step} | set(derivation.upstream.values())
            per_step, once, _ = stack_gradients(per_step, once, numeric.stacks, step_defined)
        return list(plain) + extra, per_step, once

    def _compile_forward(self, forward, per_step, once):
        """Hoisted input terms, and a loop recording what the backward equations read."""
        numeric, sym = self.numeric, self._symbols
        hoisted, rest = hoist_inputs(forward, numeric.x_name, self._params)
        self._inputs = None
        self._hoisted = [eq.name for eq in hoisted]
        if hoisted:
            used = [p for p in self._params if p in _reads(hoisted)]
            self._inputs = Compiled([sym[numeric.x_name]] + [sym[p] for p in used], hoisted,
                                    [eq.lhs for eq in hoisted])
        inputs = [(eq.name, f"{eq.name}_all", "[:, t]") for eq in hoisted] + [(numeric.x_name, "xs", "[t]")]
        defined = ({eq.name for eq in forward} | set(numeric.inputs)) - {numeric.x_name}
        self._columns = sorted(_reads(once) & defined)
        self._listed = sorted((_reads(per_step) & defined) - set(self._columns))
        records = [(n, f"R_{n}", "[:, t]") for n in self._columns] + [(n, f"R_{n}", ".append") for n in self._listed]
        params = [p for p in self._params if p in _reads(rest)]
        self._forward_loop = compile_loop(_used_inputs(inputs, rest), numeric.state_names, params, rest,
                                          numeric.outputs, records)

    def _compile_backward(self, per_step, once):
        """The loop over t = T-1 ... 0: the output's upstream gradient is ``dhs[t]`` plus what
        the next step sends back; the deltas the once-equations read are recorded."""
        numeric, derivation, sym = self.numeric, self.derivation, self._symbols
        upstream = [derivation.upstream[name] for name in numeric.outputs]  # dh_t, dc_next
        shape = sym[upstream[0]].shape
        self._carried = [f"{upstream[0]}_carry"] + upstream[1:]
        self._carried_like = dict(zip(self._carried, upstream))
        add = Equation(sym[upstream[0]], MatAdd(MatrixSymbol("dhs_t", *shape), MatrixSymbol(self._carried[0], *shape),
                                                evaluate=False))
        inputs = [(n, f"R_{n}", "[:, t]") for n in self._columns] + [(n, f"R_{n}", "[t]") for n in self._listed]
        inputs += [("dhs_t", "dhs", "[t]"), (numeric.x_name, "xs", "[t]")]
        self._deltas = sorted(_reads(once) & ({eq.name for eq in per_step} | set(upstream)))
        records = [(n, f"D_{n}", "[:, t]") for n in self._deltas]
        params = [p for p in self._params if p in _reads(per_step)]
        carry_out = [derivation.gradients[name] for name in numeric.state_names]  # dh_prev, dc_prev
        equations = [add] + list(per_step)
        self._backward_loop = compile_loop(_used_inputs(inputs, equations), self._carried, params, equations,
                                           carry_out, records, reverse=True)

    def _compile_gradients(self, once):
        """The parameter gradients and dx_t: one function over the time-stacked columns."""
        sym = self._symbols
        reads = sorted(_reads(once) - set(self._params) - {eq.name for eq in once})
        wanted = [eq for eq in once if eq.name in self._wanted]
        params = [p for p in self._params if p in _reads(once)]
        self._grads = Compiled([sym[n] for n in reads + params], once,
                               [eq.lhs for eq in wanted])
        self._tensor_of = {g: t for t, g in self.derivation.gradients.items()}
        self._grad_names = [eq.name for eq in wanted]

    # -- running --------------------------------------------------------------------
    def run(self, values, xs, states, dhs, dims):
        """BPTT with checked values (stacks included): ``{parameter: gradient, "xs", "h0", ...}``."""
        numeric = self.numeric
        T, n, B = xs.shape
        env = dict(values)
        env.update(T=T, xs=xs, dhs=dhs, **dict(zip(numeric.state_names, states)))
        env[numeric.x_name] = np.ascontiguousarray(xs.transpose(1, 0, 2)).reshape(n, T * B)
        if self._inputs is not None:
            for eq_name, arr in zip(self._hoisted, _call(self._inputs.function, env)):
                env[f"{eq_name}_all"] = arr.reshape(arr.shape[0], T, B)
        rows = lambda name: numeric.size_of(self._symbols[name].shape[0], dims)  # noqa: E731
        env.update({f"R_{n}": np.empty((rows(n), T, B), dtype=xs.dtype) for n in self._columns})
        env.update({f"R_{n}": [] for n in self._listed})
        _call(self._forward_loop, env)
        env.update({name: np.zeros((rows(like), B), dtype=xs.dtype) for name, like in self._carried_like.items()})
        env.update({f"D_{n}": np.empty((rows(n), T, B), dtype=xs.dtype) for n in self._deltas})
        finals = _call(self._backward_loop, env)
        for name in self._columns + self._deltas:
            arr = env[f"R_{name}" if name in self._columns else f"D_{name}"]
            env[name] = arr.reshape(arr.shape[0], T * B)
        grads = {}
        for name, arr in zip(self._grad_names, _call(self._grads.function, env)):
            tensor = self._tensor_of[name]
            if tensor == numeric.x_name:
                grads["xs"] = np.ascontiguousarray(arr.reshape(n, T, B).transpose(1, 0, 2))
            else:
                grads[tensor] = arr
        grads.update(zip(numeric.initial_names, finals))
        return grads


def _used_inputs(inputs, equations):
    """The per-step inputs ``equations`` read."""
    reads = _reads(equations)
    return [entry for entry in inputs if entry[0] in reads]


def materialize_activations(equations, forward_names):
    """Name activations of forward tensors (``tanh(c_t)``) that backward equations read.

    The forward pass computes them anyway; recording them saves recomputing them
    (twice, for ``tanh(c_t)``) in every backward step.  Returns the rewritten equations
    and the new forward equations (``tanh_c_t = tanh(c_t)``).
    """
    found, replace = {}, {}

    def visit(expr):
        if isinstance(expr, ElementwiseApplyFunction) and isinstance(expr.expr, MatrixSymbol) \
                and expr.expr.name in forward_names:
            name = f"{function_name(expr)}_{expr.expr.name}"
            if name not in found:
                found[name] = Equation(MatrixSymbol(name, *expr.shape), expr)
            replace[expr] = found[name].lhs
        for arg in getattr(expr, "args", ()):
            visit(arg)

    for eq in equations:
        visit(eq.rhs)
    rewritten = [Equation(eq.lhs, eq.rhs.xreplace(replace)) for eq in equations]
    return rewritten, list(found.values())


def insert_materialized(equations, materialized):
    """Use ``tanh_c_t`` in place of ``tanh(c_t)``, defined right after ``c_t``."""
    replace = {eq.rhs: eq.lhs for eq in materialized}
    out = []
    for eq in equations:
        out.append(Equation(eq.lhs, eq.rhs.xreplace(replace)))
        out.extend(m for m in materialized if m.rhs.expr.name == eq.name)
    return out


def check_upstream(dhs, T, rows, B, dtype):
    """``dhs`` checked (shape, floating point, finite) and converted to the parameters' dtype."""
    dhs = np.asarray(dhs)
    if dhs.shape != (T, rows, B):
        raise ShapeError(
            f"dhs (the upstream gradients dL/dh_t) has shape {tuple(dhs.shape)}, expected {(T, rows, B)} "
            f"(T x rows(h_t) x B)"
        )
    if dhs.dtype.kind != "f":
        raise UsageError(f"dhs must hold floating-point numbers, got dtype {dhs.dtype}")
    if not np.isfinite(dhs).all():
        raise UsageError("dhs contains NaN or inf values")
    return dhs if dhs.dtype == dtype else dhs.astype(dtype)

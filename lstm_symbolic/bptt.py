"""Backpropagation through time with the compiled backward equations.

The symbolic program is never unrolled over time (for T = 8 that tree has ten
million nodes).  Instead:

1. the forward pass records, per step, the tensors the backward equations read
   (gates, states, the concatenated input ...) into arrays laid out rows x T x B;
2. the per-step backward equations (everything that leads to ``dh_prev`` and
   ``dc_prev``) are compiled once and run in a loop from t = T-1 down to 0, recording
   the per-step deltas (``da_f``, ...);
3. the parameter gradients and ``dx_t`` are sums over time of per-step products
   (``dW_f = sum_t da_f x_t^T``), so their equations are evaluated *once* on the
   time-stacked columns: ``dW_f = [da_f(1) ... da_f(T)] @ [x(1) ... x(T)]^T``.
"""

from __future__ import annotations

import numpy as np
from sympy import MatrixSymbol

from .derivatives import Derivation
from .equations import symbols_of, tensor_names
from .errors import ShapeError, UsageError


def _reads(equations):
    return set().union(*(tensor_names(eq.rhs) for eq in equations))


class CompiledBackward:
    """The compiled pieces of BPTT for one cell (batch size left symbolic)."""

    def __init__(self, numeric):
        from .fusion import hoist_inputs, stack_gradients
        from .numeric import Compiled

        cell = numeric.cell
        self.numeric = numeric
        derivation = Derivation(cell.with_batch("B"))
        self.derivation = derivation
        forward, backward = derivation.forward, list(derivation.equations)
        backward, self._materialized = materialize_activations(backward, {eq.name for eq in forward})
        params = set(cell.parameters)
        forward_defined = {eq.name for eq in forward} | set(cell.program.inputs)
        forward_defined |= {eq.name for eq in self._materialized}

        # 3. equations evaluated once over all steps: parameter gradients and dx_t
        stacked_names = {derivation.gradients[p] for p in cell.parameters} | {derivation.gradients["x_t"]}
        stacked = [eq for eq in backward if eq.name in stacked_names]
        per_step = [eq for eq in backward if eq.name not in stacked_names]
        step_defined = {eq.name for eq in per_step} | set(derivation.upstream.values())
        stacked_reads = _reads(stacked) - params
        step_reads = _reads(per_step) - params - step_defined
        self.recorded_forward = sorted((stacked_reads | step_reads) & forward_defined)

        # 1. a forward step that also returns what the backward pass reads: the numeric cell's
        #    fused (stacked-gate) program, with the named activations computed once
        stacks = numeric.stacks
        plain = insert_materialized(numeric.fused_equations, self._materialized)
        available = {eq.name for eq in plain} | set(cell.program.inputs)
        extra = [eq for eq in forward if eq.name in self.recorded_forward and eq.name not in available]
        # 2. the per-step backward (gate deltas stacked once per step when the weights stack)
        extra_out = []
        if stacks:
            per_step, stacked, extra_out = stack_gradients(per_step, stacked, stacks, step_defined)
            stacked_reads = _reads(stacked) - params - set(stacks) - {eq.name for eq in stacked}
        self.recorded_deltas = sorted(stacked_reads & (step_defined | set(extra_out)))
        sym = symbols_of(list(forward) + list(backward) + list(plain) + extra + list(per_step) + list(stacked))

        self._record_names = [n for n in self.recorded_forward if n not in cell.program.inputs]
        recurrence = cell.program.recurrence  # ((h_t, h_prev), (c_t, c_prev)) or ((h_t, h_prev),)
        self._count = len(recurrence)
        outs = [sym[new] for new, _ in recurrence] + [sym[n] for n in self._record_names]
        all_params = list(cell.parameters) + list(stacks)
        hoisted, rest = hoist_inputs(list(plain) + extra, "x_t", all_params)
        param_syms = [sym[p] for p in all_params]
        self._inputs = Compiled([sym["x_t"]] + param_syms, hoisted, [eq.lhs for eq in hoisted]) if hoisted else None
        ins = [sym[n] for n in cell.program.inputs]
        self._forward_step = Compiled([eq.lhs for eq in hoisted] + ins + param_syms, rest, outs)

        upstream = [derivation.upstream[new] for new, _ in recurrence]  # dh_t[, dc_next]
        self._step_in = [n for n in self.recorded_forward] + upstream
        self._step_out = [derivation.gradients[prev] for _, prev in recurrence] + self.recorded_deltas
        self._backward_step = Compiled([sym[n] for n in self._step_in] + param_syms, per_step,
                                       [sym[n] for n in self._step_out])
        reads = sorted(stacked_reads)
        wanted = [eq for eq in stacked if eq.name in stacked_names]
        self._grads = Compiled([sym[n] for n in reads] + param_syms, stacked, [eq.lhs for eq in wanted])
        self._grad_names = [eq.name for eq in wanted]
        self._tensor_of = {g: t for t, g in derivation.gradients.items()}

    def run(self, params, xs, states, dhs):
        """BPTT with prepared parameters (:meth:`NumericCell.prepare`: checked, gate weights stacked);
        ``states`` are the initial states (h0, c0) or (h0,)."""
        T, n, B = xs.shape
        values = params
        count, inputs = self._count, self.numeric.inputs
        # -- forward, keeping (references to) what the backward pass reads -------------
        store = {name: [] for name in self.recorded_forward}
        x_cols = np.ascontiguousarray(xs.transpose(1, 0, 2)).reshape(n, T * B)
        pre = []
        if self._inputs is not None:
            pre = self._inputs.function(x_cols, *[values[a] for a in self._inputs.names[1:]])
            pre = [p.reshape(p.shape[0], T, B) for p in pre]
        fstep = self._forward_step
        record = [store[name] for name in self._record_names]
        for t in range(T):
            local = dict(zip(inputs, (xs[t], *states)))
            for i, p in enumerate(pre):
                local[fstep.names[i]] = p[:, t, :]
            for name in inputs:
                if name in store:
                    store[name].append(local[name])
            out = fstep.function(*[local[a] if a in local else values[a] for a in fstep.names])
            states = out[:count]
            for target, arr in zip(record, out[count:]):
                target.append(arr)
        # -- backward, step by step ----------------------------------------------------
        deltas = {name: [None] * T for name in self._step_out[count:]}
        bstep = self._backward_step
        # the carried gradients: dL/dh_prev (added to the next output's dhs) and dL/dc_prev
        carry = [np.zeros_like(dhs[0])] + [np.zeros_like(s, dtype=dhs.dtype) for s in states[1:]]
        upstream = self._step_in[-count:]
        up_h = upstream[0]
        outputs = [deltas[name] for name in self._step_out[count:]]
        for t in range(T - 1, -1, -1):
            local = {name: store[name][t] for name in self.recorded_forward}
            local[up_h] = dhs[t] + carry[0]
            local.update(zip(upstream[1:], carry[1:]))
            out = bstep.function(*[local[a] if a in local else values[a] for a in bstep.names])
            carry = out[:count]
            for name, target, arr in zip(self._step_out[count:], outputs, out[count:]):
                target[t] = local[up_h] if name == up_h else arr
        # -- parameter gradients and dx: one product over all steps --------------------
        columns = {"x_t": x_cols}
        for name in self._grads.names:
            if name in columns or name in values:
                continue
            series = store[name] if name in store else deltas[name]
            columns[name] = np.concatenate(series, axis=1)
        grads_fn = self._grads
        out = grads_fn.function(*[columns[a] if a in columns else values[a] for a in grads_fn.names])
        grads = {}
        for name, arr in zip(self._grad_names, out):
            tensor = self._tensor_of[name]
            if tensor == "x_t":
                grads["xs"] = np.ascontiguousarray(arr.reshape(n, T, B).transpose(1, 0, 2))
            else:
                grads[tensor] = arr
        for name, arr in zip(self.numeric._state_names(True), carry):
            grads[name] = arr
        return grads

def materialize_activations(equations, forward_names):
    """Name activations of forward tensors (``tanh(c_t)``) that backward equations read.

    The forward pass computes them anyway; recording them saves recomputing them
    (twice, for ``tanh(c_t)``) in every backward step.  Returns the rewritten equations
    and the new forward equations (``tanh_c_t = tanh(c_t)``).
    """
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

    from .equations import Equation
    from .textprint import function_name

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
    from .equations import Equation

    replace = {eq.rhs: eq.lhs for eq in materialized}
    out = []
    for eq in equations:
        out.append(Equation(eq.lhs, eq.rhs.xreplace(replace)))
        out.extend(m for m in materialized if m.rhs.expr.name == eq.name)
    return out


def check_upstream(numeric, dhs, T, rows, B):
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
    return dhs

"""The numeric cell: a cell's equations compiled into NumPy functions (:mod:`.codegen`).

``step`` runs one step; ``forward`` a whole sequence, with the terms that depend only on
``x_t`` (``W_f @ x_t + b_f``) hoisted out of the time loop and computed for all steps by
one product, and the steps run by one generated loop; ``backward`` is BPTT
(:mod:`.bptt`).  With numeric sizes the gates' products are stacked into one
(:func:`.fusion.stack_products`).  Parameters are checked once per parameter set and the
stacked weights prepared once (:mod:`.paramset`); the arrays' checks are :mod:`.numeric_checks`.
Everything is computed in the parameters' dtype: float32 parameters give float32 results
(inputs are converted).
"""

from __future__ import annotations

import math
import operator

import numpy as np

from .bptt import CompiledBackward, check_upstream
from .codegen import Compiled, compile_loop
from .equations import symbols_of, tensor_names
from .errors import ShapeError, UsageError
from .fusion import hoist_inputs, stack_products
from .numeric_checks import ArrayChecks, bindings
from .paramset import build, stacked_copy
from .resources import check_resources

#: Above this many stacked elements, refilling copied stacks at every ``step`` costs more
#: than the per-gate products it saves; such a step reads the members directly.
REFILL_LIMIT = 1 << 16

#: How many parameter sets a cell remembers (a training loop may alternate a few).
REMEMBERED = 4


def _reads(equations):
    return set().union(*(tensor_names(eq.rhs) for eq in equations))


class PreparedParams(dict):
    """Parameters returned by :meth:`NumericCell.prepare`: copies whose stack members are
    row blocks of one buffer, so the fused code reads the stacks without copying.  A symbolic
    cell's also record the sizes (``dims``) their shapes gave."""

    dims = None


class NumericCell:
    """A compiled cell: ``step``, ``forward``, ``backward``, ``prepare`` and ``init_params``.

    Arrays follow the column convention: ``x`` is n x B, ``h`` is k x B (p x B with a
    projection), ``xs`` is T x n x B, biases are k x 1.  The states are the cell's
    recurrence (``h_prev``, ``c_prev`` for an LSTM), in that order.
    """

    def __init__(self, cell):
        self.cell = cell
        self._symbolic = cell.is_symbolic
        equations = cell.with_batch("B").equations
        syms = symbols_of(equations)
        program = cell.program
        self.parameters = cell.parameters
        self.inputs = tuple(program.inputs)
        self.outputs = tuple(new for new, _ in program.recurrence)  # h_t, c_t
        self.state_names = tuple(prev for _, prev in program.recurrence)  # h_prev, c_prev
        self.x_name = next(name for name in self.inputs if name not in self.state_names)
        self._getter = operator.itemgetter(*self.parameters)
        self._backward = None
        self._slots, self._slot = [], None  # the parameter sets checked last, the most recent first
        self.checks = ArrayChecks(cell, self.parameters, self.inputs, self.x_name, self.state_names)
        self._quick_state_check = self.checks.quick_state_check  # bound once: the step's fast path
        ins = [syms[name] for name in (self.x_name,) + self.state_names]
        outs = [syms[name] for name in self.outputs]
        self._step = Compiled(ins + [syms[p] for p in self.parameters], equations, outs)
        self.stacks = {}
        if not self._symbolic:
            equations, self.stacks = stack_products(equations, self.parameters)
        self.fused_equations = equations  # stacked gate products; the backward pass records from these
        syms = symbols_of(equations)
        self._fused_params = self._used(equations)
        self._fused_step = Compiled(ins + [syms[p] for p in self._fused_params], equations, outs)
        self._compile_sequence(equations, syms)

    def _used(self, equations):
        """The parameters and stacks ``equations`` read, in a fixed order."""
        reads = _reads(equations)
        return [p for p in list(self.parameters) + list(self.stacks) if p in reads]

    def _compile_sequence(self, equations, syms):
        """``forward``'s pieces: the hoisted input terms for all steps, and one generated time loop."""
        hoisted, rest = hoist_inputs(equations, self.x_name, list(self.parameters) + list(self.stacks))
        self._hoisted_params = self._used(hoisted)
        self._inputs_all = None
        if hoisted:
            self._inputs_all = Compiled([syms[self.x_name]] + [syms[p] for p in self._hoisted_params],
                                        hoisted, [eq.lhs for eq in hoisted])
        per_step = [(eq.name, f"{eq.name}_all", "[:, t]") for eq in hoisted]  # rows x T x B
        if self.x_name in _reads(rest):
            per_step.append((self.x_name, "xs", "[t]"))  # T x n x B
        self._reads_x = self.x_name in _reads(rest)
        self._loop_params = self._used(rest)
        self._loop = compile_loop(per_step, self.state_names, self._loop_params, rest, self.outputs,
                                  [(self.outputs[0], "hs", "[t]")])

    # -- shapes and checks (:mod:`.numeric_checks`) -------------------------------
    def expected_shapes(self, dims):
        """{tensor: shape} of every input and parameter for the sizes ``dims``."""
        return self.checks.expected_shapes(dims)

    def size_of(self, size, dims):
        """The integer value of a size of the batch-symbolic cell (``k``, ``4*k``, ``B``) at ``dims``."""
        return self.checks.size_of(size, dims)

    def _parameter_set(self, params, dims=None):
        """The checked :class:`~.paramset.ParameterSet` of ``params``: the remembered one when
        these are the very arrays it checked (same shapes and dtypes), else checked now."""
        for index, slot in enumerate(self._slots):
            try:
                if len(params) == len(self.parameters) and slot.matches(self._getter(params)):
                    if index:  # the most recent first: the step's fast path looks there
                        self._slots.insert(0, self._slots.pop(index))
                        self._slot = slot
                    return slot
            except (KeyError, TypeError, AttributeError):
                break  # the thorough check below says what is wrong
        if dims is None:
            dims = {**self.cell.dims, "B": 1}
        self.checks.check_params(params, self.expected_shapes(dims), dims)
        pset = build(params, self.parameters, self.stacks)
        # one step reads the stacks, unless refilling copied ones costs more than it saves
        per_gate = pset.copied > REFILL_LIMIT
        pset.step = (self._step if per_gate else self._fused_step).function
        pset.step_args = tuple(pset.values[p] for p in (self.parameters if per_gate else self._fused_params))
        pset.refill_each_step = bool(pset.refills) and not per_gate
        if not self._symbolic:  # a symbolic cell's parameter shapes depend on the states
            self._slots.insert(0, pset)
            del self._slots[REMEMBERED:]
            self._slot = pset
        return pset

    def _checked(self, params, x, states, names, ndim_x):
        """``(parameter set, x, states, dims)`` checked; a symbolic cell's parameter shapes
        need the states' sizes."""
        if self._symbolic:
            _, _, dims = self.checks.states(x, states, None, names, ndim_x)
            prepared = getattr(params, "dims", None)
            if prepared is not None and any(prepared.get(k) != v for k, v in dims.items() if k != "B"):
                raise ShapeError(f"the prepared parameters are for {bindings(prepared)}, "
                                 f"the inputs for {bindings(dims)}: prepare them again")
            pset = self._parameter_set(params, dims)
        else:
            pset = self._parameter_set(params)
        x, states, dims = self.checks.states(x, states, pset.dtype, names, ndim_x)
        return pset, x, states, dims

    # -- numeric API --------------------------------------------------------------
    def prepare(self, params):
        """``params`` checked and copied so that each stack's members are row blocks of one
        buffer: the fused code then reads the stacks without copying at any call."""
        if self._symbolic:  # no stacks: checked at the sizes its shapes give, and at each call
            dims = self.checks.dims_from_params(params)
            self.checks.check_params(params, self.expected_shapes(dims) if dims is not None else None, dims)
            prepared = PreparedParams(build(params, self.parameters, {}).values)
            prepared.dims = dims
            return prepared
        pset = self._parameter_set(params)
        return PreparedParams(stacked_copy(pset.values, self.parameters, self.stacks))

    def step(self, params, x, *states):
        """One step: the new states from ``x`` (n x B) and the states: ``(h_t, c_t)`` from ``h_prev,
        c_prev`` (an LSTM), ``h_t`` alone from ``h_prev`` (a GRU or a simple RNN: one state).

        ``params`` is a dict {parameter name: array}; it is checked once and remembered
        (see :mod:`.paramset`).
        """
        pset = self._slot
        try:  # the remembered parameters and states of shapes met before: no call beyond the checks
            fast = (pset is not None and len(params) == len(self.parameters)
                    and pset.matches(self._getter(params)) and self._quick_state_check(x, states, pset.dtype))
        except (KeyError, TypeError, AttributeError):
            fast = False
        if not fast:
            pset, x, states, _ = self._checked(params, x, states, ("x",) + self.state_names, 2)
        if pset.refill_each_step:
            pset.fresh()
        out = pset.step(x, *states, *pset.step_args)
        return out if len(out) > 1 else out[0]

    def forward(self, params, xs, *states):
        """Run T steps from the initial states (``h0, c0``; ``h0`` for one-state cells): ``(hs, h_T, c_T)``
        (``(hs, h_T)``) with ``xs`` T x n x B and ``hs`` T x rows(h) x B (the outputs)."""
        pset, xs, states, _ = self._checked(params, xs, states, ("xs",) + self.initial_names, 3)
        values = pset.fresh()
        T = xs.shape[0]
        hs = np.empty((T,) + states[0].shape, dtype=xs.dtype)
        finals = self._loop(T, *self._per_step_arrays(values, xs), *states,
                            *[values[p] for p in self._loop_params], hs)
        return (hs, *finals)

    @property
    def initial_names(self):
        """``h0, c0``: the names of the initial states in messages and gradients."""
        return tuple(name.split("_")[0] + "0" for name in self.state_names)

    def _per_step_arrays(self, values, xs, x_columns=None):
        """The loop's per-step inputs: the hoisted input terms of all steps (one product over
        the T*B columns of ``x_columns``, rows x T x B) and ``xs`` when the loop reads ``x_t``."""
        T, n, B = xs.shape
        arrays = []
        if self._inputs_all is not None:
            if x_columns is None:
                x_columns = np.ascontiguousarray(xs.transpose(1, 0, 2)).reshape(n, T * B)
            pre = self._inputs_all.function(x_columns, *[values[p] for p in self._hoisted_params])
            arrays = [p.reshape(p.shape[0], T, B) for p in pre]
        if self._reads_x:
            arrays.append(xs)
        return arrays

    def backward(self, params, xs, *args):
        """Gradients of a loss through T steps (BPTT): ``backward(params, xs, h0, c0, dhs)`` for an
        LSTM, ``backward(params, xs, h0, dhs)`` for a GRU or a simple RNN.

        ``dhs`` (T x rows(h) x B) is the upstream gradient dL/dh_t of every output.
        Returns ``{parameter: gradient (same shape), "xs": ..., "h0": ..., "c0": ...}`` (no ``"c0"``
        without a cell state).
        """
        if not args:
            raise UsageError("backward needs the initial states and dhs: backward(params, xs, "
                             + ", ".join(self.initial_names) + ", dhs)")
        states, dhs = args[:-1], args[-1]
        pset, xs, states, dims = self._checked(params, xs, states, ("xs",) + self.initial_names, 3)
        dhs = check_upstream(dhs, xs.shape[0], states[0].shape[0], xs.shape[2], pset.dtype)
        if self._backward is None:
            self._backward = CompiledBackward(self)
        return self._backward.run(pset.fresh(), xs, states, dhs, dims)

    def init_params(self, seed=0, dtype=np.float64):
        """Random parameters, uniform in (-1/sqrt(k), 1/sqrt(k)) as PyTorch initialises them.

        Each stack's members are row blocks of one buffer (see :meth:`prepare`).
        """
        if self._symbolic:
            raise UsageError("init_params needs numeric sizes; this cell's sizes are symbolic")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise UsageError(f"seed must be a non-negative integer (or None), got {seed!r}")
        check_resources(self.cell, batch=1, steps=1, passes=0)
        rng = np.random.default_rng(seed)
        bound = 1.0 / math.sqrt(self.cell.hidden_size)
        values = {
            name: rng.uniform(-bound, bound, size=self.cell.shapes()[name]).astype(dtype)
            for name in self.parameters
        }
        return stacked_copy(values, self.parameters, self.stacks)



def compile_cell(cell):
    return NumericCell(cell)

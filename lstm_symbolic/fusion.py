"""Compiler passes over a cell's equations for faster NumPy code.

``stack_products``: gates whose pre-activations have the same structure
(``W_g @ x_t + U_g @ h_prev + b_g`` for every gate g) are computed as one stacked
product ``Z = [W_f; W_i; ...] @ x_t + [U_f; ...] @ h_prev + [b_f; ...]`` and each
gate reads its block of rows, the way PyTorch and cuDNN store LSTM weights.

``hoist_inputs``: the summands that depend only on ``x_t`` and parameters are moved
into their own equations, so a whole sequence computes them with one product.
"""

from __future__ import annotations

from sympy import MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .codegen import IN_PLACE
from .equations import Equation, RowBlock, VConcat, broadcast, symbols_of, tensor_names
from .matrix_nodes import InPlace
from .textprint import function_name, is_broadcast


def _signature(term, parameters):
    """('product', right operand) or ('bias',) for a stackable term; None otherwise."""
    if is_broadcast(term) and isinstance(term.args[0], MatrixSymbol) and term.args[0].name in parameters:
        return ("bias",)
    if isinstance(term, MatMul) and len(term.args) == 2 and isinstance(term.args[0], MatrixSymbol) \
            and term.args[0].name in parameters and term.args[1].is_Matrix:
        return ("product", term.args[1])
    return None


def _stackable_gates(equations, parameters):
    """{signature: [(index, equation, stackable terms, other terms), ...]} of ``act(sum)`` equations."""
    groups = {}
    for idx, eq in enumerate(equations):
        rhs = eq.rhs
        if not (isinstance(rhs, ElementwiseApplyFunction) and isinstance(rhs.expr, MatAdd)):
            continue
        sigs = [_signature(t, parameters) for t in rhs.expr.args]
        signature = tuple(s for s in sigs if s is not None)
        if any(s[0] == "product" for s in signature):
            stackable = [t for t, s in zip(rhs.expr.args, sigs) if s is not None]
            others = [t for t, s in zip(rhs.expr.args, sigs) if s is None]
            groups.setdefault(signature, []).append((idx, eq, stackable, others))
    return groups


def _stack_order(members):
    """Gates whose whole argument is their block first, those of one activation adjacent, so
    one call computes them all (f, i, o with the sigmoid, then g with tanh)."""
    first_seen = {}
    for m in members:
        first_seen.setdefault(function_name(m[1].rhs), len(first_seen))
    return sorted(members, key=lambda m: (bool(m[3]), first_seen[function_name(m[1].rhs)], m[0]))


def _gate_equations(z, members):
    """Each member gate reading its rows of ``z``; runs of plain gates of one activation
    computed by one in-place call (``stacked_0_sigmoid = sigmoid_inplace(stacked_0[0:36])``,
    ``f_t = stacked_0_sigmoid[0:12]``).  Returns ``{equation index: [equations]}``."""
    runs, start = [], 0  # (activation that may run in place, or None; [(index, equation, lo, hi, others)])
    for idx, eq, _, others in members:
        gate = (idx, eq, start, start + eq.lhs.shape[0], others)
        start = gate[3]
        name = function_name(eq.rhs) if not others and function_name(eq.rhs) in IN_PLACE else None
        if name is not None and runs and runs[-1][0] == name:
            runs[-1][1].append(gate)
        else:
            runs.append((name, [gate]))
    out = {}
    for name, gates in runs:
        if name is None:
            idx, eq, lo, hi, others = gates[0]
            arg = MatAdd(RowBlock(z, lo, hi), *others, evaluate=False) if others else RowBlock(z, lo, hi)
            out[idx] = [Equation(eq.lhs, ElementwiseApplyFunction(eq.rhs.function, arg))]
            continue
        lo, hi = gates[0][2], gates[-1][3]
        act = MatrixSymbol(f"{z.name}_{name}", hi - lo, z.shape[1])
        applied = ElementwiseApplyFunction(gates[0][1].rhs.function, RowBlock(z, lo, hi))
        out[gates[0][0]] = [Equation(act, InPlace(applied))]
        for idx, eq, a, b, _ in gates:
            out.setdefault(idx, []).append(Equation(eq.lhs, RowBlock(act, a - lo, b - lo)))
    return out


def _stack_group(number, signature, members):
    """The stacked pre-activation of one group: ``(stacks, pre-activation equation, gate equations)``."""
    total, cols = sum(m[1].lhs.shape[0] for m in members), members[0][1].lhs.shape[1]
    z = MatrixSymbol(f"stacked_{number}", total, cols)
    stacks, terms = {}, []
    for position, sig in enumerate(signature):
        first = members[0][2][position].args[0]
        s = MatrixSymbol(f"S{number}_{position}", total, first.shape[1])
        stacks[s.name] = [m[2][position].args[0].name for m in members]
        terms.append(broadcast(s) if sig == ("bias",) else MatMul(s, sig[1], evaluate=False))
    return stacks, Equation(z, MatAdd(*terms, evaluate=False)), _gate_equations(z, members)


def stack_products(equations, parameters):
    """Return ``(equations, stacks)``: the rewritten equations and {stacked name: [parameters]}.

    Requires numeric row counts (slices are printed as numbers).  The stacks list their
    members in the order of the rows (:func:`_stack_order`), not the equations'.
    """
    groups = _stackable_gates(equations, set(parameters))
    stacks, replace, insert_at = {}, {}, {}
    ordered = sorted(groups.items(), key=lambda kv: kv[1][0][0])
    for number, (signature, members) in enumerate(ordered):
        if len(members) < 2:
            continue
        new_stacks, pre, gates = _stack_group(number, signature, _stack_order(members))
        stacks.update(new_stacks)
        insert_at.setdefault(members[0][0], []).append(pre)
        replace.update(gates)
    out = []
    for idx, eq in enumerate(equations):
        out.extend(insert_at.get(idx, []))
        out.extend(replace.get(idx, [eq]))
    return out, stacks


def hoist_inputs(equations, x_name, parameters):
    """Split each equation's x-only summands (``W_f @ x_t + b_f``) into their own equations.

    Returns ``(hoisted, rest)``: the hoisted equations (computable for all steps at
    once) and the remaining per-step equations, which read the hoisted tensors.
    """
    allowed = set(parameters) | {x_name}
    hoisted, rest = [], []

    def visit(expr, owner):
        if isinstance(expr, MatAdd):
            if any(tensor_names(a) <= allowed and x_name in tensor_names(a) for a in expr.args):
                fixed = [a for a in expr.args if tensor_names(a) <= allowed and not isinstance(a, OneMatrix)]
                others = [a for a in expr.args if a not in fixed]
                sym = MatrixSymbol(f"xin_{owner}", *expr.shape)
                hoisted.append(Equation(sym, MatAdd(*fixed, evaluate=False) if len(fixed) > 1 else fixed[0]))
                return MatAdd(sym, *others, evaluate=False) if others else sym
        if isinstance(expr, ElementwiseApplyFunction):
            return ElementwiseApplyFunction(expr.function, visit(expr.expr, owner))
        return expr

    for eq in equations:
        rest.append(Equation(eq.lhs, visit(eq.rhs, eq.name)))
    return hoisted, rest




def stack_gradients(per_step, stacked, stacks, step_defined):
    """The backward mirror of :func:`stack_products`.

    ``stacks`` maps stacked parameter names to their members (``S0_0: [W_f, W_i, ...]``).
    The members' deltas (``da_f``, ...) are concatenated once per step (``dstack_0``);
    a sum ``W_f^T @ da_f + W_i^T @ da_i + ...`` over a whole stack becomes
    ``S0_0^T @ dstack_0``, and member gradients of one form (``dW_f = da_f @ x_t^T``)
    become one product ``dS0_0 = dstack_0 @ x_t^T`` whose row blocks they are.
    Returns ``(per_step, stacked, new per-step outputs)``.
    """
    grad_eq = {eq.name: eq for eq in stacked}
    groups = _delta_groups(stacks, grad_eq, step_defined)
    if not groups:
        return per_step, stacked, []
    symbols = symbols_of(list(per_step) + list(stacked))
    delta_stack, new_step = {}, []
    for _, _, deltas in groups:
        if deltas not in delta_stack:
            rows = sum((symbols[d].shape[0] for d in deltas), 0)
            sym = MatrixSymbol(f"dstack_{len(delta_stack)}", rows, symbols[deltas[0]].shape[1])
            delta_stack[deltas] = sym
            new_step.append(Equation(sym, VConcat(*[symbols[d] for d in deltas])))
    fuse = _sum_fuser(groups, delta_stack, symbols)
    step_out = [Equation(eq.lhs, fuse(eq.rhs)) for eq in per_step]
    for new in new_step:  # each delta stack right after the last delta it needs
        needed = tensor_names(new.rhs)
        last = max(i for i, eq in enumerate(step_out) if eq.name in needed)
        step_out.insert(last + 1, new)
    out = [Equation(eq.lhs, fuse(eq.rhs)) for eq in stacked]
    for name, members, deltas in groups:
        _stack_member_gradients(out, name, members, deltas, delta_stack[deltas], grad_eq, symbols)
    return step_out, out, [eq.name for eq in new_step]


def _delta_groups(stacks, grad_eq, step_defined):
    """``[(stack name, members, deltas)]`` for the stacks whose every member's gradient reads
    exactly one per-step delta (``dW_f = da_f @ x_t^T`` reads ``da_f``)."""
    groups = []
    for name, members in stacks.items():
        deltas = []
        for member in members:
            eq = grad_eq.get("d" + member)
            found = sorted(tensor_names(eq.rhs) & step_defined) if eq is not None else []
            if len(found) != 1:
                break
            deltas.append(found[0])
        else:
            groups.append((name, members, tuple(deltas)))
    return groups


def _sum_fuser(groups, delta_stack, symbols):
    """A rewrite of ``W_f^T @ da_f + W_i^T @ da_i + ...`` over a whole stack into ``S0_0^T @ dstack_0``."""
    def fuse(expr):
        if not isinstance(expr, MatAdd):
            return expr
        terms = {}
        for a in expr.args:
            if isinstance(a, MatMul) and len(a.args) == 2 and isinstance(a.args[0], Transpose) \
                    and isinstance(a.args[0].arg, MatrixSymbol) and isinstance(a.args[1], MatrixSymbol):
                terms[(a.args[0].arg.name, a.args[1].name)] = a
        for name, members, deltas in groups:
            keys = list(zip(members, deltas))
            if all(key in terms for key in keys) and len(keys) == len(expr.args):
                S = MatrixSymbol(name, *_stack_shape(symbols, ["d" + m for m in members]))
                return MatMul(Transpose(S), delta_stack[deltas], evaluate=False)
        return expr

    return fuse


def _stack_member_gradients(out, name, members, deltas, D, grad_eq, symbols):
    """When the members' gradients have one form (``dW_f = da_f @ x_t^T``), compute it once on
    the delta stack (``dS0_0 = dstack_0 @ x_t^T``) and make each member's its row block (in ``out``)."""
    forms = {grad_eq["d" + m].rhs.xreplace({symbols[d]: D}) for m, d in zip(members, deltas)}
    if len(forms) != 1:
        return
    S = MatrixSymbol("d" + name, *_stack_shape(symbols, ["d" + m for m in members]))
    out.insert(0, Equation(S, forms.pop()))
    start = 0
    for m in members:
        rows = symbols["d" + m].shape[0]
        index = next(i for i, eq in enumerate(out) if eq.name == "d" + m)
        out[index] = Equation(out[index].lhs, RowBlock(S, start, start + rows))
        start += rows


def _stack_shape(symbols, members):
    """Shape of the row-stack of ``members`` (names of equally wide matrices)."""
    return sum((symbols[m].shape[0] for m in members), 0), symbols[members[0]].shape[1]

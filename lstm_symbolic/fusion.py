"""Compiler passes over a cell's equations for faster NumPy code.

``stack_products``: gates whose pre-activations have the same structure
(``W_g @ x_t + U_g @ h_prev + b_g`` for every gate g) are computed as one stacked
product ``Z = [W_f; W_i; ...] @ x_t + [U_f; ...] @ h_prev + [b_f; ...]`` and each
gate reads its block of rows, the way PyTorch and cuDNN store LSTM weights.

``hoist_inputs``: the summands that depend only on ``x_t`` and parameters are moved
into their own equations, so a whole sequence computes them with one product.
"""

from __future__ import annotations

from sympy import MatAdd, MatMul, MatrixSymbol, OneMatrix
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .equations import Equation, RowBlock, VConcat, broadcast, symbols_of, tensor_names
from .textprint import is_broadcast


def _signature(term, parameters):
    """('product', right operand) or ('bias',) for a stackable term; None otherwise."""
    if is_broadcast(term) and isinstance(term.args[0], MatrixSymbol) and term.args[0].name in parameters:
        return ("bias",)
    if isinstance(term, MatMul) and len(term.args) == 2 and isinstance(term.args[0], MatrixSymbol) \
            and term.args[0].name in parameters and term.args[1].is_Matrix:
        return ("product", term.args[1])
    return None


def stack_products(equations, parameters):
    """Return ``(equations, stacks)``: the rewritten equations and {stacked name: [parameters]}.

    Requires numeric row counts (slices are printed as numbers).
    """
    parameters = set(parameters)
    found = []  # (index, equation, stackable terms, other terms, signature)
    for idx, eq in enumerate(equations):
        rhs = eq.rhs
        if isinstance(rhs, ElementwiseApplyFunction) and isinstance(rhs.expr, MatAdd):
            terms = rhs.expr.args
            sigs = [_signature(t, parameters) for t in terms]
            stackable = [t for t, s in zip(terms, sigs) if s is not None]
            others = [t for t, s in zip(terms, sigs) if s is None]
            signature = tuple(s for s in sigs if s is not None)
            if any(s[0] == "product" for s in signature):
                found.append((idx, eq, stackable, others, signature))
    groups = {}
    for item in found:
        groups.setdefault(item[4], []).append(item)
    stacks, replace, insert_at = {}, {}, {}
    for number, (signature, members) in enumerate(sorted(groups.items(), key=lambda kv: kv[1][0][0])):
        if len(members) < 2:
            continue
        rows = [m[1].lhs.shape[0] for m in members]
        total, cols = sum(rows), members[0][1].lhs.shape[1]
        z = MatrixSymbol(f"stacked_{number}", total, cols)
        terms = []
        for position, sig in enumerate(signature):
            names = [(m[2][position].args[0]).name for m in members]
            first = members[0][2][position].args[0]
            s = MatrixSymbol(f"S{number}_{position}", total, first.shape[1])
            stacks[s.name] = names
            terms.append(broadcast(s) if sig == ("bias",) else MatMul(s, sig[1], evaluate=False))
        insert_at.setdefault(members[0][0], []).append(Equation(z, MatAdd(*terms, evaluate=False)))
        start = 0
        for (idx, eq, _, others, _), r in zip(members, rows):
            block = RowBlock(z, start, start + r)
            start += r
            arg = MatAdd(block, *others, evaluate=False) if others else block
            replace[idx] = Equation(eq.lhs, ElementwiseApplyFunction(eq.rhs.function, arg))
    out = []
    for idx, eq in enumerate(equations):
        out.extend(insert_at.get(idx, []))
        out.append(replace.get(idx, eq))
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
    from sympy import Transpose

    grad_eq = {eq.name: eq for eq in stacked}
    groups = []  # (stack name, members, deltas)
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
    if not groups:
        return per_step, stacked, []
    symbols = symbols_of(list(per_step) + list(stacked))
    delta_stack = {}
    new_step = []
    for _, _, deltas in groups:
        if deltas not in delta_stack:
            rows = sum((symbols[d].shape[0] for d in deltas), 0)
            sym = MatrixSymbol(f"dstack_{len(delta_stack)}", rows, symbols[deltas[0]].shape[1])
            delta_stack[deltas] = sym
            new_step.append(Equation(sym, VConcat(*[symbols[d] for d in deltas])))

    def fuse_sums(expr):
        if isinstance(expr, MatAdd):
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

    step_out = []
    for eq in per_step:
        step_out.append(Equation(eq.lhs, fuse_sums(eq.rhs)))
    # insert the delta stacks after the last delta they need
    for new in new_step:
        needed = tensor_names(new.rhs)
        last = max(i for i, eq in enumerate(step_out) if eq.name in needed)
        step_out.insert(last + 1, new)
    out = [Equation(eq.lhs, fuse_sums(eq.rhs)) for eq in stacked]
    for name, members, deltas in groups:
        D = delta_stack[deltas]
        forms = {grad_eq["d" + m].rhs.xreplace({symbols[d]: D}) for m, d in zip(members, deltas)}
        if len(forms) != 1:
            continue
        S = MatrixSymbol("d" + name, *_stack_shape(symbols, ["d" + m for m in members]))
        out.insert(0, Equation(S, forms.pop()))
        start = 0
        for m in members:
            rows = symbols["d" + m].shape[0]
            index = next(i for i, eq in enumerate(out) if eq.name == "d" + m)
            out[index] = Equation(out[index].lhs, RowBlock(S, start, start + rows))
            start += rows
    return step_out, out, [eq.name for eq in new_step]


def _stack_shape(symbols, members):
    """Shape of the row-stack of ``members`` (names of equally wide matrices)."""
    return sum((symbols[m].shape[0] for m in members), 0), symbols[members[0]].shape[1]

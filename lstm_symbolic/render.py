"""Turn results into text and JSON-ready data (the CLI prints what these return)."""

from __future__ import annotations

import shlex

from .families import cell_words, describe_tensor, heading
from .sizes import shape_text


def json_dim(value):
    """An int stays an int; a symbolic size becomes its text (``"k + n"``)."""
    if isinstance(value, int):
        return value
    if getattr(value, "is_Integer", False):  # a SymPy Integer (SymPy itself is not imported here)
        return int(value)
    return str(value).replace("size:", "")


def count_text(count):
    """``4464``, or a factored formula such as ``4*k*(k + n + 1)``."""
    if isinstance(count, int):
        return str(count)
    import sympy

    return str(sympy.factor(count)).replace("**", "^")


def shapes_data(cell, steps=None):
    """``{"dims": {...}, "tensors": {name: [rows, cols]}}`` for ``--json``."""
    dims = {k: json_dim(v) for k, v in cell.dims.items()}
    tensors = {name: [json_dim(d) for d in shape] for name, shape in cell.shapes().items()}
    if steps is not None:
        dims["T"] = json_dim(steps)
        for name, shape in _sequence_tensors(cell, steps).items():
            tensors[name] = [json_dim(d) for d in shape]
    return {"dims": dims, "tensors": tensors}


def _parameters(cell):
    """The parameter names of a cell or a shape sheet (``tensor_roles``)."""
    return {name for role, names in cell.tensor_roles() if role == "parameter" for name in names}


def _sequence_tensors(cell, steps):
    shapes = cell.shapes()
    return {
        "xs": (steps,) + shapes["x_t"],
        "hs": (steps,) + shapes["h_t"],
    }


def shapes_table(cell, steps=None, one_cell=False):
    """An aligned table of every tensor's shape, grouped by role (``one_cell``: say that the count
    is one cell's, not a framework's whole layer)."""
    dims = ", ".join(f"{k} = {json_dim(v)}" for k, v in cell.dims.items())
    head = f"{heading(cell)}; {dims}"
    rows = []
    for role, names in cell.tensor_roles():
        for name in names:
            meaning = describe_tensor(name, cell.family.name, cell.layout.name)
            rows.append((name, shape_text(cell.shapes()[name]), role, meaning))
    if steps is not None:
        for name, shape in _sequence_tensors(cell, steps).items():
            what = "all inputs, one per step" if name == "xs" else "all hidden states, one per step"
            rows.append((name, shape_text(shape), "sequence", what))
    widths = [max(len(r[i]) for r in rows + [("tensor", "shape", "role", "")]) for i in range(3)]
    lines = [head, ""]
    lines.append(f"{'tensor':<{widths[0]}}  {'shape':<{widths[1]}}  {'role':<{widths[2]}}  meaning")
    for r in rows:
        lines.append(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip())
    biases = "two biases" if any(p.startswith("c_") for p in _parameters(cell)) else "one bias"  # c_*: GRU
    label = f"parameters of one cell (one layer, one direction, {biases} per gate)" if one_cell else "parameters"
    lines += ["", f"{label}: {count_text(cell.parameter_count())}"]
    return "\n".join(lines)


def shapes_report_data(answer, steps=None, show_equations=False):
    """``shapes --json``: :func:`shapes_data`, the equations, the framework's shapes and count."""
    data = shapes_data(answer.cell, steps)
    if show_equations:
        data["equations"] = answer.cell.equation_texts()
    if answer.sequence is not None:
        data["framework"] = {"name": answer.framework,
                             "shapes": {k: [json_dim(d) if not isinstance(d, str) else d for d in v]
                                        for k, v in answer.sequence.items()},
                             "parameters": answer.parameters}
    return data


def shapes_report_text(answer, steps=None, show_equations=False):
    """``shapes``: the table, the framework's sequence shapes, the equations."""
    parts = [shapes_table(answer.cell, steps, one_cell=answer.sequence is not None)]
    if answer.sequence is not None:
        parts.append(framework_shapes_text(answer.framework, answer.sequence, answer.parameters, answer.cell.family))
    if show_equations:
        parts.append("equations:\n" + equations_text(answer.cell))
    return "\n\n".join(parts)


def swapped_size_hint(cell, given):
    """A hint when the size names the user wrote (n, k, p) landed in each other's places, as when
    ``W_f=n x k`` is written in the row convention: ``None`` when every name kept its meaning."""
    swapped = {str(value): name for name, value in cell.dims.items()
               if str(value) in cell.dims and str(value) != name}
    if not swapped:
        return None
    from sympy import Symbol

    back = {value: Symbol(name) for name, value in cell.dims.items() if str(value) in swapped}
    for name, shape in given.items():
        if any(str(d) in swapped for d in shape):
            canonical = tuple(d.xreplace(back) if hasattr(d, "xreplace") else d for d in cell.shapes()[name])
            reading = " and ".join(f"your {written} as {SIZE_WORDS.get(meant, meant)} {meant}"
                                   for written, meant in sorted(swapped.items()))
            return (f"{name} was given as {shape_text(shape)}, but in the column convention {name} is "
                    f"{shape_text(canonical)} ({describe_sizes(canonical)}), so the answer reads {reading}; "
                    f"to keep your names, give {name}={shape_text(canonical).replace(' ', '')}")
    return None


SIZE_WORDS = {"n": "the input size", "k": "the hidden size", "p": "the projection size", "B": "the batch"}


def describe_sizes(shape):
    return " x ".join(SIZE_WORDS.get(str(d), str(d)).replace("the ", "") for d in shape)


def equations_text(cell):
    return "\n".join(cell.equation_texts())


def term_shapes(expr):
    """The shapes of an expression's top-level terms: ``(50 x 1) @ (1 x 20)``."""
    from sympy import HadamardProduct, MatAdd, MatMul

    if isinstance(expr, MatAdd):
        return " + ".join(f"({shape_text(a.shape)})" for a in expr.args)
    if isinstance(expr, HadamardProduct):
        return " * ".join(f"({shape_text(a.shape)})" for a in expr.args)
    if isinstance(expr, MatMul):
        return " @ ".join(f"({shape_text(a.shape)})" for a in expr.args if a.is_Matrix)
    return f"({shape_text(expr.shape)})"


def derivation_text(derivation, flow=None):
    cell = derivation.cell
    dims = ", ".join(f"{k} = {json_dim(v)}" for k, v in cell.dims.items())
    shapes = derivation.shapes()
    meaning = {"h_t": "(dL/dh_t: from the loss and from step t+1)", "c_t": "(dL/dc_t through step t+1's cell state)"}
    upstream = [f"{grad} : {shape_text(shapes[grad])}  {meaning.get(name, '')}".rstrip()
                for name, grad in derivation.upstream.items()]
    lines = [
        f"backward equations of the {cell_words(cell)} ({cell.layout.name} layout); {dims}",
        "upstream: " + "\n          ".join(upstream),
        "'*' is the elementwise product, '@ 1' sums over the batch columns",
        "",
    ]
    rows = [(eq.name, shape_text(shapes[eq.name]), str(eq).split(" = ", 1)[1], term_shapes(eq.rhs))
            for eq in derivation.equations]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    for name, shape, rhs, terms in rows:
        lines.append(f"{name:<{w0}} : {shape:<{w1}} = {rhs}")
        lines.append(f"{'':<{w0}}   {'':<{w1}}   {terms}")
    lines.append("")
    lines.append("forward tensors they read: " + "; ".join(str(eq) for eq in derivation.forward
                                                          if eq.name.startswith(("a_", "m_"))))
    if flow is not None:
        lines += ["", "gradient flow (Jacobians of one step, batch of one):", str(flow)]
    return "\n".join(lines)


def derivation_data(derivation, flow=None):
    cell = derivation.cell
    shapes = derivation.shapes()
    data = {
        "cell": cell.family.name,
        "variant": cell.variant.name,
        "layout": cell.layout.name,
        "dims": {k: json_dim(v) for k, v in cell.dims.items()},
        "upstream": {name: [json_dim(d) for d in shapes[name]] for name in derivation.upstream.values()},
        "equations": [
            {"name": eq.name, "rhs": str(eq).split(" = ", 1)[1], "shape": [json_dim(d) for d in shapes[eq.name]],
             "terms": term_shapes(eq.rhs)}
            for eq in derivation.equations
        ],
        "gradients": dict(derivation.gradients),
    }
    if flow is not None:
        data["jacobians"] = [{"of": j.of, "wrt": j.wrt, "expr": str(j).split(" = ", 1)[1]} for j in flow.jacobians]
        data["explanation"] = flow.explanation
    return data


def check_data(result):
    data = {"ok": result.ok,
            "tensors": {name: [None if d is None else json_dim(d) for d in shape]
                        for name, shape in result.shapes.items()}}
    if result.conflicting:
        data["conflicting"] = list(result.conflicting)  # declared shapes the equations contradict
    if result.errors:
        data["errors"] = list(result.errors)
    if result.warnings:
        data["warnings"] = list(result.warnings)
    if result.unresolved:
        data["undetermined"] = result.unresolved
    return data


def check_text_report(result):
    rows = [(name, " x ".join("?" if d is None else _paren(json_dim(d)) for d in shape))
            for name, shape in result.shapes.items()]
    width = max(len(r[0]) for r in rows)
    lines = [f"{result.filename}: {_count(len(result.equations), 'equation')}, {_count(len(rows), 'tensor')}, "
             + ("every shape is consistent" if result.ok else f"{len(result.errors)} problem(s)"), ""]
    lines += [f"{name:<{width}}  {shape}" for name, shape in rows]
    if result.unresolved:
        lines += ["", "undetermined (declare a shape to fix them): " + ", ".join(result.unresolved)]
    return "\n".join(lines)


def _count(number, noun):
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _paren(value):
    text = str(value)
    return f"({text})" if " " in text else text


def framework_shapes_text(framework, shapes, parameters=None, family=None):
    """The framework's sequence shapes, then the whole layer's parameter count when known; ``family``
    names the layer when it is not an LSTM (a Family row)."""
    from .framework_table import FRAMEWORKS

    rows = [(name, shape_text(shape, "tuple"))
            for name, shape in shapes.items()]
    width = max(len(r[0]) for r in rows)
    title = FRAMEWORKS[framework].title
    if family is not None and family.layer_title:
        title = f"{title.split()[0]} {family.layer_title}"
    lines = [f"{title}: sequence shapes"]
    lines += [f"  {name:<{width}}  {shape}" for name, shape in rows]
    if parameters is not None:
        lines += ["", f"parameters of the whole {title} (every layer and direction, "
                      f"its own biases): {parameters}"]
    return "\n".join(lines)


def params_data(total, tensors, formula):
    from math import prod

    return {"total": total,
            "tensors": {name: {"shape": list(shape), "count": prod(shape)} for name, shape in tensors.items()},
            "formula": formula}


def params_text(framework, total, tensors, formula, cell="lstm"):
    from math import prod

    from .framework_table import BIAS_NOTES, CANONICAL, get_layout

    row = get_layout(framework, cell) if framework else CANONICAL[cell]
    rows = [(name, " x ".join(str(d) for d in shape), str(prod(shape))) for name, shape in tensors.items()]
    w = [max(len(r[i]) for r in rows + [("tensor", "shape", "count")]) for i in range(3)]
    lines = [f"{row.title}", "", f"{'tensor':<{w[0]}}  {'shape':<{w[1]}}  {'count':>{w[2]}}"]
    lines += [f"{a:<{w[0]}}  {b:<{w[1]}}  {c:>{w[2]}}" for a, b, c in rows]
    lines += ["", f"total: {total}", f"formula: {formula}"]
    if cell in BIAS_NOTES:
        lines.append(BIAS_NOTES[cell][row.two_biases])
    return "\n".join(lines)


def _reading_summary(model):
    return {"cell": model.cell, "n": model.input_size, "k": model.hidden_size, "p": model.proj_size,
            "layers": model.num_layers, "directions": model.num_directions, "variant": model.variant}


def inspection_data(found):
    readings = found["readings"]
    ok = {name: _reading_summary(m) for name, m in readings.items() if not isinstance(m, Exception)}
    return {"arrays": {k: list(v) for k, v in found["arrays"].items()},
            "framework": next(iter(ok)) if len(ok) == 1 else None,
            "readings": ok,
            "problems": {name: str(e) for name, e in readings.items() if isinstance(e, Exception)},
            "notes": found.get("notes", [])}


def inspection_text(found):
    data = inspection_data(found)
    lines = ["arrays:"] + [f"  {k}: {tuple(v)}" for k, v in data["arrays"].items()]
    if data["framework"]:
        r = data["readings"][data["framework"]]
        lines.append(f"\nframework: {data['framework']} ({r['cell'].upper()})")
        lines.append(f"  n = {r['n']}, k = {r['k']}" + (f", p = {r['p']}" if r["p"] else "")
                     + f", layers = {r['layers']}, directions = {r['directions']}, variant = {r['variant']}")
    elif data["readings"]:
        lines.append("\nreadable as several frameworks (give --framework): " + ", ".join(data["readings"]))
    if found["requested"] or not data["readings"]:
        for name, problem in data["problems"].items():
            lines.append(f"\nas {name}: {problem}")
    lines += [f"note: {note}" for note in data["notes"]]
    return "\n".join(lines)


def quiz_data(question, result):
    """``quiz --json``: the answer, the chosen options (when there are options), how it was found."""
    data = {"answer": result.answer}
    if question.options:
        data["choices"] = result.choices
    data["explanation"] = result.explanation
    data["understood"] = result.understood
    if result.key is not None:
        data["key"] = result.key
    return data


def quiz_text(question, result):
    """``quiz``: the answer, the lettered options chosen, the explanation."""
    lines = [f"answer: {result.answer}"]
    if question.options:
        letters = {chr(ord("A") + i): o for i, o in enumerate(question.options)}
        lines.append("choice: " + (", ".join(f"{c}. {letters[c]}" for c in result.choices) or "none of the options"))
    return "\n".join(lines + ["", result.explanation])


def convert_data(done):
    """``convert --json``: what was written (arrays and their shapes, sizes, layers, notes)."""
    return {key: value for key, value in done.items() if key not in ("title", "warnings")}


def convert_text(done, output):
    """``convert``'s report on stderr: its notes, then what was written and how to list it."""
    sizes = ", ".join(f"{key} = {done[key]}" for key in ("n", "k", "p") if key in done)
    lines = [f"note: {note}" for note in done["notes"]]
    lines.append(f"wrote {output}: {_count(len(done['arrays']), 'array')} in {done['title']}'s layout "
                 f"({_count(done['layers'], 'layer')}, {_count(done['directions'], 'direction')}, {sizes}); "
                 f"list them with: lstm-symbolic inspect {shlex.quote(output)}")
    return "\n".join(lines)

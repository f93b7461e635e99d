"""A model Summary as a table (like Keras' ``model.summary()`` and torchinfo) and as JSON data."""

from __future__ import annotations

import textwrap

from .layer_rules import shape_text

_NOTES = {
    "keras": "shapes are batch first; None is a dimension the code leaves open",
    "pytorch": "B (batch), T (time) and * (any leading dimensions) are dimensions the code leaves open; "
               "give them with --input-shape",
    "matlab": "shapes are (channels, batch, time) as MATLAB's layers see them; B (batch) and T (time) are open",
}


def _number(value):
    return "?" if value is None else f"{value:,}"


def summary_text(summary):
    """The table: one row per layer (name, type, output shape, parameters, line), its further outputs
    and tensors indented below, then the totals."""
    rows = [(f"{layer.name} ({layer.type})", "?" if layer.dims is None else shape_text(layer.dims),
             _number(layer.params), str(layer.line)) for layer in summary.layers]
    header = ("layer (type)", "output shape", "params", "line")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]

    def line(cells):
        return (f"{cells[0]:<{widths[0]}}  {cells[1]:<{widths[1]}}  {cells[2]:>{widths[2]}}  "
                f"{cells[3]:>{widths[3]}}").rstrip()

    title = f"{summary.framework} model"
    if summary.input_shape:
        title += f", input shape {shape_text(summary.input_shape)}"
    out = [title, line(header), "-" * len(line(header))]
    for layer, row in zip(summary.layers, rows):
        out.append(line(row))
        if layer.inner:
            out.append(f"    wraps {layer.inner}")
        if layer.states:
            out.append("    also returns " + ", ".join(f"{k} {shape_text(v)}" for k, v in layer.states.items()))
        if layer.tensors:
            out.extend(_wrap([f"{k} {shape_text(v)}" for k, v in layer.tensors.items()]))
    out.append("-" * len(line(header)))
    total = f"total params: {summary.total_params:,}"
    if not summary.complete:
        unknown = sum(layer.params is None for layer in summary.layers)
        total += (f" (incomplete: {unknown} layer{'s' if unknown != 1 else ''} not counted)" if unknown
                  else " (incomplete: see the problems)")
    out.append(total)
    if any(not isinstance(d, int) for layer in summary.layers for d in layer.dims or ()):
        out.append(textwrap.fill(_NOTES[summary.framework], 100))
    return "\n".join(out)


def _wrap(items, width=100):
    """``items`` joined by commas on indented lines of at most ``width`` characters, none split."""
    lines, current = [], "   "
    for item in items:
        if len(current) + len(item) + 2 > width and current.strip():
            lines.append(current + ",")
            current = "   "
        current += (" " if not current.strip() else ", ") + item
    return lines + [current]


def summary_data(summary):
    """``{"framework", "layers": [{"name", "type", "line", "output_shape", "params", "states", "tensors"}],
    "total_params", "complete", "problems"}`` with null for open dimensions and unknown values."""
    return {
        "framework": summary.framework,
        "layers": [{"name": layer.name, "type": layer.type, "line": layer.line,
                    "output_shape": None if layer.output_shape is None else list(layer.output_shape),
                    "params": layer.params,
                    "states": {k: list(v) for k, v in layer.state_shapes.items()},
                    "tensors": {k: list(v) for k, v in layer.tensors.items()}} for layer in summary.layers],
        "total_params": summary.total_params,
        "complete": summary.complete,
        "problems": [{"line": p.line, "kind": p.kind, "message": p.message} for p in summary.problems],
    }


def problem_text(problem):
    """One problem as a paragraph for stderr (the line first, when known)."""
    where = f"line {problem.line}: " if problem.line and problem.kind != "contradiction" else ""
    return where + problem.message

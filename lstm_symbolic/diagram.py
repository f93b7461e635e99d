"""The cell as a Graphviz graph: gates, the cell path and the hidden path, every edge
labelled with its tensor and shape (like the course's figure of the LSTM cell).

Built from the normal-form equations, so every variant and layout draws itself.
"""

from __future__ import annotations

import shutil
import subprocess

from sympy import MatrixSymbol

from .families import title as cell_title
from .sizes import shape_text
from .textprint import text

#: Styles of the nodes and edges, by role.
STYLE = {
    "input": 'shape=ellipse, style=filled, fillcolor="#e8f0fe"',
    "state": 'shape=ellipse, style=filled, fillcolor="#fde7c8"',
    "gate": 'shape=box, style="rounded,filled", fillcolor="#e6f4ea"',
    "op": 'shape=box, style="rounded,filled", fillcolor="#f1f3f4"',
    "output": 'shape=ellipse, style=filled, fillcolor="#fce8e6"',
}
CELL_PATH = 'color="#e37400", penwidth=2.5'
HIDDEN_PATH = 'color="#1a73e8", penwidth=1.8'


def _quote(s):
    """A DOT string literal (a double quote inside becomes a single one)."""
    return '"' + s.replace('"', "'") + '"'


def dot_source(cell):
    """The DOT text of a cell's diagram (deterministic)."""
    derivation = cell.backward()
    forward = derivation.forward  # normal form: a_f = ..., f_t = sigmoid(a_f), ...
    shapes = derivation.shapes()
    params = set(cell.parameters)
    sizes = ", ".join(f"{k} = {v}" for k, v in cell.dims.items())
    title = _quote(f"{cell_title(cell)}; {sizes}")
    lines = [
        "digraph lstm {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
        f"  label={title};",
        "  labelloc=t;",
    ]
    newline = "\\n"  # DOT's line break inside a label
    for name in cell.program.inputs:
        role = "state" if name == "c_prev" else "input"
        label = _quote(name + newline + shape_text(shapes[name]))
        lines.append(f"  {name} [label={label}, {STYLE[role]}];")
    for eq in forward:
        used = sorted({s.name for s in eq.rhs.atoms(MatrixSymbol)} - params)
        weights = [p for p in cell.parameters if p in {s.name for s in eq.rhs.atoms(MatrixSymbol)}]
        role = "output" if eq.name in ("h_t", "c_t") else ("gate" if eq.name.startswith("a_") else "op")
        label = f"{eq.name} = {text(eq.rhs)}"
        if weights:
            label += newline + ", ".join(f"{w}: {shape_text(shapes[w])}" for w in weights)
        lines.append(f"  {eq.name} [label={_quote(label)}, {STYLE[role]}];")
        for source in used:
            style = ""
            if {source, eq.name} <= {"c_prev", "c_t"} or (source == "c_prev" and eq.name == "c_t"):
                style = ", " + CELL_PATH
            elif source == "h_prev" or eq.name == "h_t":
                style = ", " + HIDDEN_PATH
            edge = _quote(f"{source} {shape_text(shapes[source])}")
            lines.append(f"  {source} -> {eq.name} [label={edge}{style}];")
    news = [new for new, _ in cell.program.recurrence]
    lines.append(f'  h_next [label="next step\\n({", ".join(news)})", shape=plaintext];')
    for new in news:
        lines.append(f"  {new} -> h_next [{CELL_PATH if new == 'c_t' else HIDDEN_PATH}, style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(dot, fmt):
    """Render DOT to ``svg`` or ``png`` bytes with Graphviz's ``dot``; None when it is missing."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    result = subprocess.run([exe, f"-T{fmt}"], input=dot.encode(), capture_output=True, timeout=60, check=False)
    if result.returncode != 0:
        from .errors import UsageError

        raise UsageError(f"Graphviz could not render the diagram: {result.stderr.decode(errors='replace')[:300]}")
    return result.stdout

"""The dimension solver's constraint graph: which dimensions are equal, why, and their values.

Every dimension of every tensor is a *node*.  :class:`DimensionGraph` merges equal nodes
(union-find), keeps every equality as an edge with its :class:`Origin` (for the shortest
explanation of a contradiction), what each node is (a :class:`DimLabel`: ``columns of W_f``),
each expression's (rows, cols) nodes, and the value bound to each class of equal nodes
with its :class:`Provenance`.  Text is only built when an error happens: origins and labels
keep references, not strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from .sizes import dim_text, shape_text
from .textprint import text


@dataclass(frozen=True)
class Origin:
    """Why two dimensions are equal: which operation, in which equation."""

    kind: str  # matmul | add | hadamard | concat | define | recurrence | size | gradient | sum
    equation: str | None
    node: object = None  # the expression (or tensor names) the constraint came from
    operands: tuple = ()

    def context(self):
        """The constraint as one line of a message: ``W_f @ x_t in the equation for f_t``."""
        where = f" in the equation for {self.equation}" if self.equation else ""
        if self.kind == "define":
            line = f"{self.equation} = {text(self.node)}"
            return line if len(line) <= 70 else line[:67] + "..."
        if self.kind == "recurrence":
            new, prev = self.operands
            return f"recurrence: {new} becomes the next step's {prev}"
        if self.kind == "size":
            return "definition of the size"
        if self.kind == "gradient":
            new, old = self.operands
            return f"{new} has the shape of {old}"
        if self.kind == "sum":
            return f"{text(self.node)}{where}"
        return f"{_short(self.node)}{where}"


def _short(expr, limit=60):
    s = text(expr)
    return s if len(s) <= limit else s[: limit - 3] + "..."


@dataclass(frozen=True)
class Provenance:
    """Where a value came from: a given shape, a size, a literal, a sum, a default."""

    kind: str  # given | size | literal | sum | default
    name: str = ""
    shape: tuple = ()
    origin: Origin | None = None
    line: int | None = None  # where a declaration fixed it, in a checked file

    def describe(self, width=0):
        """One line of a message; ``width`` pads a given tensor's name (to align two of them)."""
        if self.kind == "given":
            where = f"declared on line {self.line}" if self.line else "given"
            return f"{self.name:<{width}} : {shape_text(self.shape, 'solver')} ({where})"
        if self.kind == "size":
            return f"{self.name} = {dim_text(self.shape[0])}"
        if self.kind == "sum":
            return f"from {self.origin.context()}"
        if self.kind == "default":
            return f"{self.name} = 1 by default"
        return "a constant"


@dataclass(frozen=True)
class DimLabel:
    """What a node is, for messages: an ``axis`` of an ``owner`` (``columns of W_f``, ``rows of
    [h_prev; x_t]``, ``rows of a broadcast number``), or with no owner a size (``n``), a literal
    (``1``) or a declared sum (``k + n``).  ``axis`` and ``owner`` may be SymPy objects, printed
    only when a message needs them."""

    axis: object
    owner: object = ""

    def axis_text(self):
        return self.axis if isinstance(self.axis, str) else dim_text(self.axis)

    def owner_text(self):
        return self.owner if isinstance(self.owner, str) else text(self.owner)

    def __str__(self):
        owner = self.owner_text()
        return f"{self.axis_text()} of {owner}" if owner else self.axis_text()


#: The label of a node nothing describes.
UNNAMED = DimLabel("a size")


class DimensionGraph:
    """Nodes, their equalities (union-find plus the edges that explain them), labels and values."""

    def __init__(self):
        self._parent = {}
        self._edges = {}  # node -> [(other node, Origin)]
        self._labels = {}  # node -> DimLabel
        self._values = {}  # root -> (value, anchor node, Provenance)
        self._shapes = {}  # expression -> (rows node, cols node)

    def add(self, node, label=None, replace=True):
        """Add ``node`` (once); ``label`` says what it is (``replace=False`` keeps an earlier label)."""
        self._parent.setdefault(node, node)
        if label is not None and (replace or node not in self._labels):
            self._labels[node] = label
        return node

    def __contains__(self, node):
        return node in self._parent

    def find(self, node):
        """The representative of ``node``'s class of equal nodes."""
        parent = self._parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def equal(self, a, b, origin):
        """Record ``a = b`` because of ``origin``."""
        self._edges.setdefault(a, []).append((b, origin))
        self._edges.setdefault(b, []).append((a, origin))
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[ra] = rb

    def neighbours(self, node):
        """``[(other node, Origin), ...]``: the equalities recorded at ``node``."""
        return self._edges.get(node, ())

    def label(self, node):
        return self._labels.get(node, UNNAMED)

    def set_shape(self, expr, shape):
        """Keep the first (rows node, cols node) found for ``expr`` (messages show its shape)."""
        self._shapes.setdefault(expr, shape)

    def shape_of(self, expr):
        return self._shapes.get(expr, (None, None))

    # -- values -----------------------------------------------------------------------------
    def clear_values(self):
        self._values = {}

    def binding(self, node):
        """``(value, anchor node, Provenance)`` of ``node``'s class, or None while it is unbound."""
        return self._values.get(self.find(node))

    def value(self, node):
        entry = self.binding(node)
        return None if entry is None else entry[0]

    def set_value(self, node, value, provenance):
        self._values[self.find(node)] = (value, node, provenance)

"""modelcode_flow: a forward method's data flow (layer calls, indexing, concatenation, elementwise
functions) as Apply / Select / Concat / Opaque steps."""

import ast
from types import SimpleNamespace

import pytest

from lstm_symbolic.modelcode_flow import CONCATENATE, FlowReader, index, integer, structure
from lstm_symbolic.modelcode_nodes import Apply, Concat, ModelCode, Opaque, Select


class Layers:
    """The reader the flow asks: two named layers (``self.rnn`` one, ``self.head`` a Sequential of two)."""

    def __init__(self):
        self.groups = {"rnn": [0], "head": [1, 2]}
        self.code = ModelCode("pytorch")
        self.added = []

    def functional(self, node):
        return False

    def add_layer(self, node):
        self.added.append(ast.unparse(node))
        return len(self.added) - 1

    def value(self, node):
        return node.value if isinstance(node, ast.Constant) else SimpleNamespace(text=ast.unparse(node))


def flow(source):
    reader = FlowReader(Layers())
    reader.statements(ast.parse(source).body)
    return reader


def test_named_layers_and_sequentials_are_applied_in_order():
    steps = flow("out, (h, c) = self.rnn(x)\nreturn self.head(out)").steps
    assert steps == [Apply(0, "x", ("out", ("h", "c")), 1), Apply(1, "out", "$1", 2), Apply(2, "$1", "return", 2)]


@pytest.mark.parametrize("source, step", [
    ("y = x[:, -1, :]", Select("x", (slice(None), -1, slice(None)), "y", 1)),
    ("y = x[..., None]", Select("x", (Ellipsis, None), "y", 1)),
    ("y = x[1:3:2]", Select("x", (slice(1, 3, 2),), "y", 1)),
    ("y = x[i]", Opaque("y", "x[i]", 1)),
    ("y = F.relu(x)", Select("x", (), "y", 1, same=True)),
    ("y = x.contiguous()", Select("x", (), "y", 1, same=True)),
    ("y = torch.tanh()", Opaque("y", "torch.tanh()", 1)),
    ("y = torch.cat([a, b], dim=1)", Concat(("a", "b"), 1, "y", 1)),
    ("y = torch.cat((a, b), 2)", Concat(("a", "b"), 2, "y", 1)),
    ("y = concatenate([a, b])", Concat(("a", "b"), -1, "y", 1)),
    ("y = torch.cat([a, b], dim=axis)", Opaque("y", "torch.cat([a, b], dim=axis)", 1)),
    ("y = x.view(3, -1)", Opaque("y", "x.view(3, -1)", 1)),
    ("y = x + 1", Opaque("y", "x + 1", 1)),
    ("y = x", Select("x", (), "y", 1, same=True)),
], ids=lambda x: x if isinstance(x, str) else None)
def test_one_statement(source, step):
    assert flow(source).steps == [step]


def test_default_concatenation_axes():
    assert CONCATENATE == {"cat": 0, "concat": 0, "concatenate": -1}


def test_nested_expressions_get_temporaries():
    steps = flow("return self.head(torch.tanh(out[-1]))").steps
    assert steps == [Select("out", (-1,), "$2", 1), Select("$2", (), "$1", 1, same=True),
                     Apply(1, "$1", "$3", 1), Apply(2, "$3", "return", 1)]


def test_control_flow_is_reported_and_its_assignments_are_opaque():
    reader = flow("if x is None:\n    h = zeros\nout = self.rnn(x)")
    assert reader.layers.code.problems == [(1, "if x is None: control flow and in-place updates in forward are "
                                               "not followed; shapes after it may be unknown")]
    assert reader.steps[0] == Opaque("h", "if x is None:", 1)


@pytest.mark.parametrize("text, expected", [("-1", -1), ("3", 3), ("--2", 2), ("True", False), ("1.0", False),
                                            ("n", False)])
def test_integer(text, expected):
    found = integer(ast.parse(text, mode="eval").body)
    assert (type(found), found) == (type(expected), expected)  # False (not a literal) is not 0


@pytest.mark.parametrize("text, expected", [("x[::2]", (slice(None, None, 2),)), ("x[n:]", None),
                                            ("x[0, 1.5]", None)])
def test_index(text, expected):
    assert index(ast.parse(text, mode="eval").body.slice) == expected


@pytest.mark.parametrize("text, expected", [("a = 0", "a"), ("a, (b, c) = 0", ("a", ("b", "c"))),
                                            ("[a, b] = 0", ("a", "b")), ("self.a = 0", "_"), ("a[0] = 0", "_")])
def test_structure(text, expected):
    assert structure(ast.parse(text).body[0].targets[0]) == expected

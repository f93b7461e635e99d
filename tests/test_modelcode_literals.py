"""modelcode_literals: the values Python expressions certainly have, read with ast (nothing evaluated)."""

import ast

import pytest

from lstm_symbolic.modelcode_literals import MAX_INT, Literals, dotted
from lstm_symbolic.modelcode_nodes import LayerCall, Unknown


def expr(text):
    return ast.parse(text, mode="eval").body


def value(text, env=None, layer_call=lambda node: None):
    literals = Literals(layer_call)
    literals.env.update(env or {})
    return literals.value(expr(text))


@pytest.mark.parametrize("text, expected", [
    ("128", 128), ("'last'", "last"), ("None", None), ("True", True), ("-3", -3), ("+2.5", 2.5),
    ("(10, 64)", (10, 64)), ("[1, (2, 3)]", [1, (2, 3)]),
    ("64 * 2 + 1", 129), ("7 // 2", 3), ("7 % 4", 3), ("6 / 3", 2), ("7 / 2", 3.5), ("2 - 5", -3),
    ("not False", True), ("3 if True else 4", 3), ("3 if 0 else 4", 4),
], ids=lambda x: str(x))
def test_literal_values(text, expected):
    found = value(text)
    assert found == expected and type(found) is type(expected)


@pytest.mark.parametrize("text", [
    "width", "f(3)", "x.shape[0]", "1 / 0", "5 // 0", "5 % 0", "'a' + 'b'", "2 ** 8", "~3", "not 0", "-'a'",
    "3 if width else 4", f"{MAX_INT} * 10",
], ids=lambda x: x[:20])
def test_unknown_values_keep_their_text(text):
    found = value(text)
    assert found == Unknown(ast.unparse(expr(text)))


def test_names_resolve_through_the_environment():
    assert value("hidden * (2 if bidirectional else 1)", {"hidden": 64, "bidirectional": True}) == 128
    assert value("self.hidden", {"self.hidden": 32}) == 32


def test_bind_keeps_only_known_values():
    literals = Literals(lambda node: None)
    literals.bind("a", expr("3 * 4"))
    literals.bind("b", expr("a + width"))
    assert literals.env == {"a": 12}


def test_a_layer_call_is_a_value_through_the_callback():
    inner = LayerCall("LSTM", (8,), {}, 1, "keras")
    calls = []

    def layer_call(node):
        calls.append(ast.unparse(node))
        return inner if dotted(node.func) == "LSTM" else None

    assert value("(LSTM(8), Dense(3))", layer_call=layer_call) == (inner, Unknown("Dense(3)"))
    assert calls == ["LSTM(8)", "Dense(3)"]


@pytest.mark.parametrize("text, expected", [
    ("nn.LSTM", "nn.LSTM"), ("self.lstm", "self.lstm"), ("x", "x"), ("super().forward", "super().forward"),
    ("f().x", None), ("x[0]", None), ("3", None),
])
def test_dotted(text, expected):
    assert dotted(expr(text)) == expected

"""modelcode_nodes: the values a model-code reader produces (layer calls, flow steps, ModelCode)."""

import dataclasses

import pytest

from lstm_symbolic.modelcode_nodes import Apply, Concat, LayerCall, ModelCode, Opaque, Select, Unknown


def test_unknown_shows_its_source_text():
    assert repr(Unknown("hidden * 2")) == "<hidden * 2>"
    assert Unknown("n") == Unknown("n") and Unknown("n") != Unknown("m")


@pytest.mark.parametrize("node", [
    Unknown("n"), LayerCall("LSTM", (3,), {}, 1, "keras"), Apply(0, "x", "y", 1), Select("x", (0,), "y", 1),
    Concat(("a", "b"), 1, "y", 1), Opaque("y", "f(x)", 1),
], ids=lambda node: type(node).__name__)
def test_nodes_are_frozen(node):
    field = dataclasses.fields(node)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(node, field, None)


def test_layer_call_defaults():
    call = LayerCall("GRU", (8,), {"reset_after": False}, 4, "keras")
    assert (call.name, call.group) == (None, None)
    assert Select("x", (), "y", 1).same is False


def test_model_code_collects_problems_in_order():
    code = ModelCode("pytorch")
    assert (code.layers, code.problems, code.flow, code.inputs) == ([], [], None, ())
    code.problem(3, "first")
    code.problem(1, "second")
    assert code.problems == [(3, "first"), (1, "second")]
    assert ModelCode("keras").layers is not code.layers  # no shared default list

"""layer_rules: argument binding, the argument and shape checks, LayerOut and the row tables."""

import pytest

from lstm_symbolic.errors import LayerContradiction, LayerProblem
from lstm_symbolic.layer_rules import (
    LayerOut,
    Row,
    apply_with,
    bind,
    choice,
    flag,
    need_features,
    need_rank,
    same_shape,
    shape_text,
    size,
    table,
)
from lstm_symbolic.modelcode_nodes import LayerCall, Unknown


def echo(args, x, call):
    return LayerOut(x, {"args": args})


ROW = Row("Thing", ("units", "mode"), {"mode": "a", "bias": True}, echo)
CASED = table(Row("thingLayer", ("units",), {}, echo), fold_case=True)


def call(type_, *args, framework="keras", **kwargs):
    return LayerCall(type_, args, kwargs, 1, framework)


def test_bind_fills_defaults_then_positional_then_named():
    rows = table(ROW)
    assert bind(call("Thing", 3), ROW, rows) == {"units": 3, "mode": "a", "bias": True}
    assert bind(call("Thing", 3, "b", bias=False), ROW, rows) == {"units": 3, "mode": "b", "bias": False}


def test_bind_refuses_extra_positional_arguments():
    with pytest.raises(LayerProblem, match=r"3 positional arguments, but Thing takes at most 2 here \(units, mode\)"):
        bind(call("Thing", 1, 2, 3), ROW, table(ROW))


def test_a_case_folding_table_folds_types_and_names():
    assert list(CASED) == ["thinglayer"] and CASED.fold_case
    out = apply_with(CASED, call("THINGLAYER", 4, framework="matlab", Units=5), None)
    assert out.states["args"] == {"units": 5}
    plain = table(ROW)
    assert list(plain) == ["Thing"] and not plain.fold_case
    with pytest.raises(LayerProblem, match="thing is not a layer type this tool knows; it reads Thing"):
        apply_with(plain, call("thing"), None)


def test_unknown_type_lists_the_known_ones():
    rows = table(ROW, Row("Other", (), {}, echo), Row("alpha", (), {}, echo))
    with pytest.raises(LayerProblem, match="it reads alpha, Other and Thing"):
        apply_with(rows, call("Nope"), None)


@pytest.mark.parametrize("value, ok", [(3, True), (0, False), (-2, False), (True, False), (2.0, False),
                                       (Unknown("n"), False), (None, False)])
def test_size(value, ok):
    if ok:
        assert size({"units": value}, "units") == value
    else:
        with pytest.raises(LayerProblem, match="units is .*, not a positive integer"):
            size({"units": value}, "units")


def test_size_may_allow_none():
    assert size({}, "units", allow_none=True) is None


def test_choice_and_flag():
    assert choice({"mode": "LAST"}, "mode", ("sequence", "last")) == "last"
    with pytest.raises(LayerProblem, match="mode is 'all'; expected one of 'sequence', 'last'"):
        choice({"mode": "all"}, "mode", ("sequence", "last"))
    assert flag({"bias": 0}, "bias") is False and flag({"bias": True}, "bias") is True
    with pytest.raises(LayerProblem, match="bias is b, not True or False"):
        flag({"bias": Unknown("b")}, "bias")


def test_rank_and_feature_checks():
    assert need_rank((2, 3, 4), (3,), "3-D") == (2, 3, 4)
    assert need_rank(None, (3,), "3-D") is None
    assert need_rank(("*", 4), (3,), "3-D") == ("*", 4)  # any leading dimensions
    with pytest.raises(LayerContradiction, match=r"expects a 3-D input, got a 2-D input \(2, 3\)"):
        need_rank((2, 3), (3,), "a 3-D input")
    need_features((2, "T", 8), 8, "features")
    need_features((2, "T", "F"), 8, "features")  # an open dimension is not a contradiction
    with pytest.raises(LayerContradiction, match=r"expects 8 features as the last dimension of its input, got 16"):
        need_features((2, 5, 16), 8, "features")


def test_layer_out_counts_its_tensors():
    assert LayerOut((1, 2), tensors={"W": (4, 3), "b": (4,)}).params == 16
    assert LayerOut((1, 2), tensors=None).params is None
    assert LayerOut((1, 2)).params == 0
    assert same_shape({}, (5, 6), None).output == (5, 6)


def test_shape_text_is_the_framework_tuple():
    assert shape_text((None, 10, 2)) == "(None, 10, 2)"

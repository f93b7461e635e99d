import pytest

from lstm_symbolic.errors import UsageError
from lstm_symbolic.sizes import parse_assignment, parse_shape, parse_size


@pytest.mark.parametrize("text,value", [("80", 80), (" 12 ", 12), ("n", "n"), ("hidden_1", "hidden_1"), (7, 7),
                                        ("+3", 3), (str(10**18), 10**18)])
def test_valid_sizes(text, value):
    assert parse_size(text) == value


@pytest.mark.parametrize("text,fragment", [
    ("0", "at least 1"), ("-3", "sizes are at least 1"), ("2.5", "whole numbers"), ("", "empty string"),
    ("3x", "positive integer or a symbol name"), ("1e3", "whole numbers"), (str(10**18 + 1), "too large"),
    ("n k", "symbol name"), ("_n", "symbol name"), (True, "positive integer"),
])
def test_invalid_sizes(text, fragment):
    with pytest.raises(UsageError, match=fragment):
        parse_size(text)


@pytest.mark.parametrize("text,shape", [("50x20", (50, 20)), ("50 x 20", (50, 20)), ("(50, 20)", (50, 20)),
                                        ("50×20", (50, 20)), ("k x n", ("k", "n")), ("50X1", (50, 1))])
def test_shapes(text, shape):
    assert parse_shape(text) == shape


@pytest.mark.parametrize("text", ["50x", "x1", "50x20x3", "", "50", "axb x c"])
def test_malformed_shapes(text):
    with pytest.raises(UsageError):
        parse_shape(text)


def test_assignment():
    assert parse_assignment("W_f = 50x20") == ("W_f", (50, 20))
    with pytest.raises(UsageError, match="NAME=ROWSxCOLS"):
        parse_assignment("W_f")
    with pytest.raises(UsageError, match="no tensor name"):
        parse_assignment("=50x20")

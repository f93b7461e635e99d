"""The equation language's tokens and the token reader's errors."""

import pytest

from lstm_symbolic.errors import ParseError
from lstm_symbolic.parser_tokens import MAX_DEPTH, TokenReader, tokenize


def test_tokens_kinds_columns_and_comments():
    tokens = tokenize("y = 2.5e3 * a.T @ [1; b]  # comment @", "f", 1)
    assert [(t.kind, t.text, t.col) for t in tokens] == [
        ("name", "y", 1), ("op", "=", 3), ("number", "2.5e3", 5), ("op", "*", 11), ("name", "a", 13),
        ("op", ".T", 14), ("op", "@", 17), ("op", "[", 19), ("number", "1", 20), ("op", ";", 21),
        ("name", "b", 23), ("op", "]", 24),
    ]
    assert tokenize("   # only a comment", "f", 1) == []


def test_unexpected_character():
    with pytest.raises(ParseError) as err:
        tokenize("y = a $ b", "f.txt", 7)
    assert str(err.value).splitlines() == ["f.txt:7:7: syntax error: unexpected character '$'", "  y = a $ b",
                                           "        ^"]


def test_reader():
    reader = TokenReader(tokenize("( a b", "f", 1), "f", 1, "( a b")
    assert reader.peek().text == "(" and reader.peek("a") is None
    assert reader.take("(").col == 1 and reader.take().text == "a"
    with pytest.raises(ParseError, match="unexpected 'b' after the end of the expression"):
        reader.done()
    with pytest.raises(ParseError, match=r"expected '\)', found 'b'"):
        reader.take(")")
    reader.take()
    with pytest.raises(ParseError, match="expected 'x', found the end of the line"):
        reader.take("x")
    for _ in range(MAX_DEPTH):
        reader.enter(None)
    with pytest.raises(ParseError, match="nested too deeply"):
        reader.enter(None)
    reader.check_name(tokenize("a", "f", 1)[0])
    with pytest.raises(ParseError, match="'lambda' is a reserved word"):
        reader.check_name(tokenize("lambda", "f", 1)[0])

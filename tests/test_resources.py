"""resources.py: the memory and time estimates, the limits and how their messages read.

The estimates are recomputed here from the formulas the module documents (weights of the cell,
every step's inputs, gates and states), with the parameter count taken from the cell's own
shape table."""

from __future__ import annotations

import pytest

from lstm_symbolic import GRUCell, LSTMCell
from lstm_symbolic.errors import ResourceError, UsageError
from lstm_symbolic.resources import (
    ELEMENT_COST,
    FLOP_RATE,
    STEP_OVERHEAD,
    _duration,
    _human,
    array_bytes,
    check_resources,
    estimated_seconds,
)


def _weights(n, k):
    return 4 * (k * n + k * k + k)  # a standard LSTM cell, separate layout


@pytest.mark.parametrize("n, k, batch, steps", [(20, 50, 3, 5), (1, 1, 1, 1), (80, 12, 16, 100)])
def test_array_bytes(n, k, batch, steps):
    elements = _weights(n, k) + steps * batch * (n + 8 * k)
    assert array_bytes(LSTMCell(n, k), batch, steps) == 8 * 6 * elements
    assert array_bytes(LSTMCell(n, k), batch, steps, itemsize=4, copies=1) == 4 * elements


def test_array_bytes_counts_the_projection():
    cell = LSTMCell(5, 4, "projection", proj_size=2)
    weights = 4 * (4 * 5 + 4 * 2 + 4) + 2 * 4
    assert array_bytes(cell, 1, 1, itemsize=1, copies=1) == weights + (5 + 8 * 4 + 2)


def test_estimated_seconds():
    n, k, batch, steps, passes = 20, 50, 3, 5, 20
    weights = _weights(n, k)
    elements = weights + steps * batch * (n + 8 * k)
    expected = passes * steps * STEP_OVERHEAD + 2 * weights * batch * steps * passes / FLOP_RATE \
        + passes * elements * ELEMENT_COST
    assert estimated_seconds(LSTMCell(n, k), batch, steps, passes) == pytest.approx(expected, rel=1e-12)


def test_symbolic_sizes_have_no_estimate():
    with pytest.raises(UsageError, match="numeric work needs numeric sizes"):
        array_bytes(LSTMCell("n", "k"), 1, 1)


def test_within_the_limits_nothing_is_raised():
    assert check_resources(LSTMCell(20, 50), batch=3, steps=5) is None
    assert check_resources(GRUCell(20, 50), batch=3, steps=5) is None


def test_the_limits_are_parameters():
    cell = LSTMCell(20, 50)
    need = array_bytes(cell, 3, 5)
    assert check_resources(cell, 3, 5, memory_limit=need) is None
    with pytest.raises(ResourceError, match=r"the limit is 1\.0 KiB"):
        check_resources(cell, 3, 5, memory_limit=1024)
    with pytest.raises(ResourceError, match="the limit is 0 seconds"):
        check_resources(cell, 3, 5, time_limit=1e-9)


def test_memory_message():
    with pytest.raises(ResourceError) as err:
        check_resources(LSTMCell(10**5, 10**5), batch=3, steps=5)
    assert str(err.value) == (
        "this would need about 3.5 TiB of arrays (n = 100000, k = 100000, B = 3, T = 5); the limit is 2.0 GiB. "
        "Use smaller sizes, a smaller batch (--batch) or fewer steps (--steps).")


@pytest.mark.parametrize("cell, batch, steps, cells, advice", [
    (LSTMCell(1, 1), 1, 10**6, 1, "fewer steps (--steps)."),
    (LSTMCell(1200, 1200), 64, 30, 1, "smaller sizes or a smaller batch (--batch)."),
    (LSTMCell(1, 1), 1, 10**5, 18, "fewer steps (--steps), or one variant instead of --all."),
], ids=["steps", "sizes", "all-cells"])
def test_time_message_says_what_to_lower(cell, batch, steps, cells, advice):
    with pytest.raises(ResourceError) as err:
        check_resources(cell, batch, steps, cells=cells)
    assert str(err.value).endswith("; the limit is 60 seconds. Use " + advice)
    assert (f", {cells} cells)" in str(err.value)) == (cells > 1)


def test_the_projection_size_is_named():
    with pytest.raises(ResourceError, match=r"\(n = 1, k = 4, p = 2, B = 1, T = 1000000\)"):
        check_resources(LSTMCell(1, 4, "projection", proj_size=2), 1, 10**6)


@pytest.mark.parametrize("seconds, text", [
    (61, "61 seconds"), (119.4, "119 seconds"), (120, "2 minutes"), (7199, "120 minutes"), (7200, "2.0 hours"),
    (86400 * 2 - 1, "48.0 hours"), (86400 * 2, "2 days"),
])
def test_duration(seconds, text):
    assert _duration(seconds) == text


@pytest.mark.parametrize("nbytes, text", [
    (0, "0 bytes"), (1023, "1023 bytes"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (2 * 1024**3, "2.0 GiB"),
    (1024**7, "1024.0 EiB"),
])
def test_human(nbytes, text):
    assert _human(nbytes) == text

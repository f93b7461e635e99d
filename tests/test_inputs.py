"""The one reader of input files: limits applied while reading, whatever the file is."""

from __future__ import annotations

import os
import threading

import pytest

from lstm_symbolic.errors import UsageError
from lstm_symbolic.inputs import read_bytes, read_text

LINE = b"x_t : 3 x 1\n"


def endless_writer(fifo):
    """Write the same line into ``fifo`` until the reader goes away (like ``yes > fifo``)."""
    def run():
        try:
            with open(fifo, "wb") as out:
                while True:
                    out.write(LINE * 1000)
        except (BrokenPipeError, OSError):
            pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_an_endless_fifo_stops_at_the_limit(tmp_path):
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)
    writer = endless_writer(fifo)
    with pytest.raises(UsageError, match=r"endless\b.* holds more than 1,000 characters \(the limit\)"):
        read_text(str(fifo), 1000, "equations")
    writer.join(timeout=30)
    assert not writer.is_alive()  # the reader closed the pipe: the writer stopped too


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("reader", [
    pytest.param(lambda: read_text("/dev/zero", 10_000), id="text"),
    pytest.param(lambda: read_bytes("/dev/zero", 10_000), id="bytes"),
])
def test_an_endless_device_stops_at_the_limit(reader):
    with pytest.raises(UsageError, match=r"holds more than 10,000 \w+ \(the limit\)"):
        reader()


def test_a_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + LINE)
    assert read_text(str(path), 100) == LINE.decode()


@pytest.mark.parametrize("content, found", [
    pytest.param(b"PK\x03\x04\x14\x00", "is a zip archive (an .npz weights file?), not equations", id="zip"),
    pytest.param(b"\x93NUMPY\x01\x00", "is a NumPy .npy array, not equations", id="npy"),
    pytest.param(b"\x7fELF\x02\x01", "is a program (ELF executable), not equations", id="program"),
    pytest.param(b"abc\x00def", "is binary data, not equations", id="binary"),
    pytest.param("x_t : 3 x 1".encode("utf-16"), "is UTF-16 text, not UTF-8: save it as UTF-8", id="utf16"),
    pytest.param(b"x_t : 3 \xff 1", "is not UTF-8 text (byte 9 is b'\\xff'); save it as UTF-8", id="latin1"),
])
def test_what_a_file_is_gets_one_line(tmp_path, content, found):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(UsageError) as err:
        read_text(str(path), 100, "equations")
    assert str(err.value) == f"{path} {found}"


def test_a_regular_file_over_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(LINE * 1000)
    with pytest.raises(UsageError, match=r"is too large \(12,000 bytes; the limit is 100 characters\)"):
        read_text(str(path), 100)


def test_folders_and_missing_files(tmp_path):
    with pytest.raises(UsageError, match="it is a folder"):
        read_text(str(tmp_path), 100)
    with pytest.raises(UsageError, match="cannot read .*: No such file"):
        read_text(str(tmp_path / "missing.txt"), 100)


def test_cli_check_reads_a_bom_file_and_stdin_clean(cli, tmp_path):
    path = tmp_path / "cell.txt"
    path.write_bytes(b"\xef\xbb\xbf" + LINE + b"h_t = tanh(W @ x_t)\n")
    for args, stdin in (((str(path),), None), (("-",), path.read_bytes())):
        result = cli("check", *args, input=stdin)
        assert result.exit_code == 0, result.stderr
        assert ": 1 equation, 3 tensors" in result.stdout


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("args", [["check", "/dev/zero"], ["quiz", "--file", "/dev/zero"]], ids=["check", "quiz"])
def test_cli_endless_input_is_a_usage_error(cli, args):
    result = cli(*args)
    assert result.exit_code == 2 and "(the limit)" in result.stderr and "/dev/zero" in result.stderr


def test_cli_stdin_over_the_limit(cli):
    result = cli("check", "-", input=LINE * 100_000)
    assert result.exit_code == 2 and "standard input holds more than 200,000 characters" in result.stderr

"""The one writer of output files: never replaces anything that is not a regular file."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from lstm_symbolic.errors import UsageError
from lstm_symbolic.output import write_output

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_file_gets_the_umask_mode(tmp_path, umask_022):
    path = tmp_path / "new.tex"
    write_output(str(path), "text\n")
    assert path.read_text() == "text\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["new.tex"]  # no temporary file left


def test_an_existing_file_keeps_its_mode_and_hard_links(tmp_path):
    path, other = tmp_path / "out.tex", tmp_path / "hard.tex"
    path.write_text("old content, longer than the new")
    path.chmod(0o600)
    os.link(path, other)
    write_output(str(path), b"new")
    assert other.read_bytes() == b"new" and path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_nlink == 2


@pytest.mark.parametrize("exists", [True, False], ids=["target-exists", "dangling"])
def test_a_symlink_stays_and_its_target_is_written(tmp_path, exists):
    target, link = tmp_path / "real.tex", tmp_path / "link.tex"
    if exists:
        target.write_text("stale")
    link.symlink_to("real.tex")
    write_output(str(link), "fresh")
    assert link.is_symlink() and os.readlink(link) == "real.tex"
    assert target.read_text() == "fresh"


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_dev_null_is_a_sink_and_stays_a_device():
    write_output("/dev/null", b"x" * 100_000)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_dev_full_says_no_space_and_stays_a_device():
    with pytest.raises(UsageError, match="cannot write /dev/full: No space left on device"):
        write_output("/dev/full", "x")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@needs_fifo
def test_a_fifo_is_written_directly(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    data = b"0123456789" * 20_000  # more than a pipe's buffer
    for _ in range(1000):  # the writer refuses a FIFO nobody reads: wait for the reader to open it
        try:
            write_output(str(fifo), data)
            break
        except UsageError:
            threading.Event().wait(0.01)
    reader.join(timeout=30)
    assert received == [data] and stat.S_ISFIFO(fifo.stat().st_mode)


@needs_fifo
def test_a_fifo_nobody_reads_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="it is a pipe that no program is reading"):
        write_output(str(fifo), "x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_folders_and_missing_folders_are_refused(tmp_path):
    with pytest.raises(UsageError, match="it is a folder"):
        write_output(str(tmp_path), "x")
    with pytest.raises(UsageError, match="the folder .* does not exist"):
        write_output(str(tmp_path / "no" / "out.tex"), "x")


def test_cli_latex_onto_a_symlink(cli, tmp_path):
    target, link = tmp_path / "real.tex", tmp_path / "link.tex"
    target.write_text("stale")
    link.symlink_to(target)
    result = cli("latex", "-n", "3", "-k", "2", "--fragment", "-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and target.read_text().startswith("\\begin{align*}")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("args", [["latex", "-n", "3", "-k", "2"], ["diagram", "-n", "3", "-k", "2"]],
                         ids=["latex", "diagram"])
def test_cli_onto_dev_full(cli, args):
    result = cli(*args, "-o", "/dev/full")
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)

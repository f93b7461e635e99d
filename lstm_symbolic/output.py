"""Writing output files: one writer for ``latex -o``, ``diagram -o`` and ``convert -o``.

What the target is decides how it is written, and nothing but a regular file is ever
created or replaced:

* a new file: written to a temporary file in the same folder, created with the mode the
  umask allows (0644 under umask 022), and renamed into place once complete, so a failure
  leaves nothing behind;
* an existing regular file: written in place once the content is complete, so its mode,
  owner and hard links stay as they are;
* a symbolic link: followed; the link stays and its target is written (a dangling link's
  target is created);
* a character device or a FIFO (``/dev/null``, ``/dev/stdout``, ``>(cat)``, a named pipe):
  written directly; ``/dev/full`` gives "No space left on device"; a FIFO nobody reads is
  refused instead of waited on;
* anything else (a folder, a block device, a socket) is refused.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat

from .errors import UsageError


def _fail(path, err):
    reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    if isinstance(err, OSError) and err.errno == errno.ENXIO:
        reason = "it is a pipe that no program is reading"
    raise UsageError(f"cannot write {path}: {reason}") from None


def _target_info(path):
    """``os.stat`` of what ``path`` names after following links, or ``None`` when nothing is there."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as err:
        _fail(path, err)


def write_output(path, data):
    """Write ``data`` (str: UTF-8 with ``\\n`` line ends, or bytes) to ``path``; see the module text."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    info = _target_info(path)
    if info is None:
        _create(path, data)
    elif stat.S_ISREG(info.st_mode):
        _write_to(path, data, os.O_WRONLY | os.O_TRUNC)
    elif stat.S_ISCHR(info.st_mode):
        _write_to(path, data, os.O_WRONLY)
    elif stat.S_ISFIFO(info.st_mode):
        _write_to(path, data, os.O_WRONLY | os.O_NONBLOCK)  # no reader: ENXIO at once, not a hang
    elif stat.S_ISDIR(info.st_mode):
        raise UsageError(f"cannot write {path}: it is a folder")
    else:
        raise UsageError(f"cannot write {path}: it is not a regular file, a character device or a pipe, "
                         "and this tool never replaces such a thing")


#: The old name: every caller gets the same writer.
write_atomically = write_output


def _write_to(path, data, flags):
    """Write into what is already there (a regular file in place, a device, a FIFO)."""
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        _fail(path, err)
    try:
        if flags & os.O_NONBLOCK:
            os.set_blocking(fd, True)
        _write_all(fd, data)
    except OSError as err:
        _fail(path, err)
    finally:
        os.close(fd)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _create(path, data):
    """A new file: a temporary file (mode 0666 less the umask) renamed into place when complete.
    A dangling symbolic link is followed: its target is created and the link kept."""
    target = os.path.realpath(path) if os.path.islink(path) else path
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    tmp = os.path.join(folder, f".lstm-symbolic-{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as err:
        _fail(path, err)
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        _fail(path, err)

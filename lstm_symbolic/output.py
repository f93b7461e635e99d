"""Reading input text and writing output files, with size limits and clear errors."""

from __future__ import annotations

import os
import sys
import tempfile

from .errors import UsageError


def read_text(path, max_chars):
    """The UTF-8 text of ``path`` (``"-"``: standard input, read no further than the limit),
    refusing more than ``max_chars`` characters (a file's exact length is the caller's check)."""
    if path == "-":
        text = sys.stdin.read(max_chars + 1)
        if len(text) > max_chars:
            raise UsageError(f"standard input holds more than {max_chars} characters (the limit)")
        return text
    try:
        size = os.path.getsize(path)
        if size > 4 * max_chars:  # UTF-8 takes at most 4 bytes a character
            raise UsageError(f"{path} is too large ({size} bytes; the limit is {max_chars} characters)")
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror}") from None


def write_atomically(path, data):
    """Write ``data`` (str or bytes) to ``path`` through a temporary file, so that a failure
    leaves no partial file behind."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"cannot write {path}: it is a folder")
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".lstm-symbolic-", suffix=".tmp")
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}") from None
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": "\n"})) as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise UsageError(f"cannot write {path}: {err.strerror}") from None

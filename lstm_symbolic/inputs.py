"""Reading input files with the limits applied while reading, whatever the file is.

A regular file, a device (``/dev/zero``), a FIFO, a process substitution (``<(yes)``) or
standard input: every one is read in chunks and abandoned as soon as it passes the limit,
so an endless source stops within a chunk instead of filling memory.  Text loses a UTF-8
byte-order mark; a file that is plainly something else (a zip archive, a NumPy array, an
image, binary data) is named as such in one line.

>>> import io
>>> read_text("-", 100, stream=io.BytesIO(b"\\xef\\xbb\\xbfx_t : 3 x 1\\n"))
'x_t : 3 x 1\\n'
"""

from __future__ import annotations

import os
import stat
import sys

from .errors import UsageError

#: Bytes read at a time: an endless source is stopped after at most one chunk past the limit.
CHUNK = 1 << 16

#: The first bytes of files people give the wrong command, and what they are.
SIGNATURES = {
    b"PK\x03\x04": "a zip archive (an .npz weights file?)",
    b"\x93NUMPY": "a NumPy .npy array",
    b"\x89HDF": "an HDF5 file (.h5)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\x7fELF": "a program (ELF executable)",
    b"\x80\x02": "a Python pickle (a .pt checkpoint?)",
    b"\x1f\x8b": "a gzip-compressed file",
}

#: Byte-order marks of text in other encodings than UTF-8 (longest first).
ENCODINGS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
             b"\xfe\xff": "UTF-16"}


def describe_bytes(head):
    """What a file starting with ``head`` is, or ``None`` when it does not look like anything known.

    >>> describe_bytes(b"PK\\x03\\x04...")
    'a zip archive (an .npz weights file?)'
    """
    for magic, what in SIGNATURES.items():
        if head.startswith(magic):
            return what
    if b"\x00" in head[:4096]:
        return "binary data"
    return None


def _name(path):
    return "standard input" if path == "-" else path


def _open(path):
    """A binary file object for ``path`` (never creates, never blocks on opening a FIFO's reader)."""
    try:
        handle = open(path, "rb", buffering=0)
    except IsADirectoryError:
        raise UsageError(f"cannot read {path}: it is a folder") from None
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
    if stat.S_ISDIR(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise UsageError(f"cannot read {path}: it is a folder")
    return handle


def _stdin_bytes():
    return getattr(sys.stdin, "buffer", None)


def read_bytes(path, max_bytes, what="bytes", stream=None, limit=None):
    """At most ``max_bytes`` bytes of ``path`` (``"-"``: standard input); a longer source is
    refused as soon as it passes the limit, whatever kind of file it is (``limit``: the limit
    as the message states it, by default ``max_bytes`` ``what``)."""
    limit = limit or f"{max_bytes:,} {what}"
    if stream is not None:
        return _read_limited(stream, max_bytes, _name(path), limit)
    if path == "-":
        raw = _stdin_bytes()
        if raw is None:  # a text-only stand-in for stdin (an embedding program's)
            text = sys.stdin.read(max_bytes + 1)
            if len(text) > max_bytes:
                raise UsageError(f"standard input holds more than {limit} (the limit)")
            return text.encode("utf-8", "surrogateescape")
        return _read_limited(raw, max_bytes, "standard input", limit)
    with _open(path) as handle:
        info = os.fstat(handle.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
            raise UsageError(f"{path} is too large ({info.st_size:,} bytes; the limit is {limit})")
        return _read_limited(handle, max_bytes, path, limit)


def _read_limited(handle, max_bytes, name, limit):
    chunks, total = [], 0
    try:
        while True:
            chunk = handle.read(min(CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UsageError(f"{name} holds more than {limit} (the limit); "
                                 "is it an endless source such as a device or a pipe?")
    except OSError as err:
        raise UsageError(f"cannot read {name}: {err.strerror or err}") from None
    return b"".join(chunks)


def read_text(path, max_chars, what="text", stream=None):
    """The UTF-8 text of ``path`` (``"-"``: standard input), at most ``max_chars`` characters.

    A byte-order mark is skipped; binary data, a zip archive and the like are named in a
    one-line error (``what`` says what the command expected, e.g. "equations").
    """
    name = _name(path)
    # UTF-8 takes at most 4 bytes a character (and 3 for a byte-order mark)
    data = read_bytes(path, 4 * max_chars + 3, stream=stream, limit=f"{max_chars:,} characters")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    encoding = next((name for mark, name in ENCODINGS.items() if data.startswith(mark)), None)
    if encoding is not None:
        raise UsageError(f"{name} is {encoding} text, not UTF-8: save it as UTF-8")
    found = describe_bytes(data[:4096])
    if found is not None:
        raise UsageError(f"{name} is {found}, not {what}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(f"{name} is not UTF-8 text (byte {err.start + 1} is {data[err.start:err.start + 1]!r}); "
                         f"save it as UTF-8") from None
    if len(text) > max_chars:
        raise UsageError(f"{name} holds more than {max_chars:,} characters (the limit)")
    return text

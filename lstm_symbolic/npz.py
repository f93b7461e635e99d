"""The .npz weight-file format: named NumPy arrays in a zip archive, read with every check first.

Refused before anything is allocated: a path that is not a regular file (``/dev/zero``, a
pipe: a zip archive needs seeking), a file that is not a zip archive, a file or its arrays
past :data:`MAX_BYTES` (each array's header is read and its size computed first, so a
header claiming 320 GB is named, not attempted), pickled objects.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from math import prod

import numpy as np

from .errors import LstmSymbolicError, UsageError
from .output import write_output

#: Largest .npz accepted: on disk and unpacked (a small compressed file can unpack to gigabytes).
MAX_BYTES = 2 * 1024**3
MAX_ARRAYS = 10_000
GIB = 1024**3


def check_regular_file(path, max_bytes=MAX_BYTES):
    """The size of ``path``; a UsageError when it is missing, not a regular file or too large."""
    try:
        info = os.stat(path)
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path} is not a regular file (a device, pipe or folder); weight files are read from "
                         "regular files only")
    if info.st_size > max_bytes:
        raise UsageError(f"{path} is {info.st_size / GIB:.1f} GiB; the limit is {max_bytes / GIB:.0f} GiB")
    return info.st_size


def _claimed_bytes(archive, member):
    """The bytes an array member's .npy header claims (0 for a member that is not an array)."""
    with archive.open(member) as handle:
        try:
            version = np.lib.format.read_magic(handle)
            read = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
            shape, _, dtype = read[version](handle, max_header_size=100_000)
        except (ValueError, SyntaxError, EOFError, KeyError):
            return 0  # np.load reports it
    return prod(shape) * dtype.itemsize


def _check_archive(path):
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > MAX_ARRAYS:
            raise UsageError(f"{path} holds {len(members)} arrays; the limit is {MAX_ARRAYS}")
        unpacked = sum(m.file_size for m in members)
        claimed = sum(_claimed_bytes(archive, m) for m in members if m.filename.endswith(".npy"))
    total = max(unpacked, claimed)
    if total > MAX_BYTES:
        what = "the array headers claim" if claimed >= unpacked else "it unpacks to"
        raise UsageError(f"{path}: {what} {total / GIB:.1f} GiB of arrays; the limit is {MAX_BYTES / GIB:.0f} GiB")


def load_npz(path):
    """``{name: array}`` from an .npz file; clear errors for missing, corrupt, special or huge files."""
    check_regular_file(path)
    with open(path, "rb") as handle:
        magic = handle.read(6)
    if magic == b"\x93NUMPY":
        raise UsageError(f"{path} is a single .npy array, not an .npz archive of named arrays")
    if not zipfile.is_zipfile(path):
        raise UsageError(f"{path} is not an .npz file (an .npz is a zip archive of .npy arrays, as np.savez writes)")
    try:
        _check_archive(path)
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except LstmSymbolicError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError) as err:
        raise UsageError(f"{path} is not a readable .npz archive ({str(err)[:120]})") from None
    others = [name for name, value in arrays.items() if not isinstance(value, np.ndarray)]
    if others:  # np.load returns the bytes of a member that is not a .npy array (a .pt file is a zip too)
        what = "is not an .npy array" if len(others) == 1 else "are not .npy arrays"
        raise UsageError(f"{path} is a zip archive but not an .npz: {', '.join(others[:3])}"
                         f"{' ...' if len(others) > 3 else ''} {what}")
    return arrays


def save_npz(path, arrays, model=None, **_):
    """Write ``arrays`` in their order (the order Keras' ``set_weights`` takes them)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_output(path, buffer.getvalue())


load, save = load_npz, save_npz  # the names every weight-file format module provides

"""Reading and writing weight files (.npz), and recognising which framework wrote them."""

from __future__ import annotations

import io
import os
import zipfile

import numpy as np

from .errors import LstmSymbolicError, ShapeError, UsageError
from .frameworks import FRAMEWORKS, from_framework
from .output import write_atomically

MAX_BYTES = 2 * 1024**3


def load_npz(path):
    """``{name: array}`` from an .npz file; clear errors for missing, corrupt or huge files."""
    try:
        size = os.path.getsize(path)
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror}") from None
    if size > MAX_BYTES:
        raise UsageError(f"{path} is {size / 1024**3:.1f} GiB; the limit is {MAX_BYTES / 1024**3:.0f} GiB")
    try:
        with np.load(path, allow_pickle=False) as data:
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise UsageError(f"{path} is a single .npy array, not an .npz archive of named arrays")
            return {name: data[name] for name in data.files}
    except LstmSymbolicError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
        raise UsageError(f"{path} is not a readable .npz archive ({str(err)[:120]})") from None


def save_npz(path, arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_atomically(path, buffer.getvalue())


def inspect_arrays(arrays, framework=None):
    """Which frameworks can read these arrays, and what they say about the model."""
    candidates = [framework] if framework else list(FRAMEWORKS)
    readings = {}
    for name in candidates:
        try:
            readings[name] = from_framework(name, arrays)
        except (ShapeError, UsageError) as err:
            readings[name] = err
    return {"arrays": {k: tuple(v.shape) for k, v in arrays.items()}, "readings": readings,
           "requested": framework}

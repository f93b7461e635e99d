"""Reading and writing weight files (.npz), and recognising which framework wrote them."""

from __future__ import annotations

import io
import os
import zipfile

import numpy as np

from .errors import LstmSymbolicError, ShapeError, UsageError
from .frameworks import FRAMEWORKS, from_framework
from .output import write_atomically

#: Largest .npz accepted: on disk and unpacked (a small compressed file can unpack to gigabytes).
MAX_BYTES = 2 * 1024**3
MAX_ARRAYS = 10_000


def load_npz(path):
    """``{name: array}`` from an .npz file; clear errors for missing, corrupt or huge files."""
    try:
        size = os.path.getsize(path)
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror}") from None
    if size > MAX_BYTES:
        raise UsageError(f"{path} is {size / 1024**3:.1f} GiB; the limit is {MAX_BYTES / 1024**3:.0f} GiB")
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_BYTES:
                raise UsageError(f"{path} unpacks to {unpacked / 1024**3:.1f} GiB of arrays; the limit is "
                                 f"{MAX_BYTES / 1024**3:.0f} GiB")
            if len(members) > MAX_ARRAYS:
                raise UsageError(f"{path} holds {len(members)} arrays; the limit is {MAX_ARRAYS}")
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


def _reading(name, arrays, **options):
    try:
        return from_framework(name, arrays, **options)
    except (ShapeError, UsageError) as err:
        return err


def _readers(arrays, besides):
    """The frameworks other than ``besides`` that read ``arrays`` consistently."""
    return [name for name in FRAMEWORKS if name != besides and not isinstance(_reading(name, arrays), Exception)]


def read_weights(framework, arrays, forget_bias=1.0):
    """``from_framework``; when it fails, the error names the frameworks that do read the arrays."""
    model = _reading(framework, arrays, forget_bias=forget_bias)
    if not isinstance(model, Exception):
        return model
    others = _readers(arrays, besides=framework)
    if others:
        raise type(model)(f"{model}\n  hint: the arrays read consistently as {' and '.join(others)} weights: "
                          f"try --from {others[0]}") from None
    raise model


def inspect_arrays(arrays, framework=None):
    """Which frameworks can read these arrays, and what they say about the model.

    With ``framework`` given and failing, ``alternatives`` lists the frameworks that do read them."""
    readings = {name: _reading(name, arrays) for name in ([framework] if framework else FRAMEWORKS)}
    alternatives = []
    if framework and isinstance(readings[framework], Exception):
        alternatives = _readers(arrays, besides=framework)
    return {"arrays": {k: tuple(v.shape) for k, v in arrays.items()}, "readings": readings,
            "requested": framework, "alternatives": alternatives}

"""MATLAB ``.mat`` weight files (``scipy.io``): ``InputWeights``, ``RecurrentWeights``, ``Bias``.

A layer's arrays are top-level variables, or the fields of a struct per layer (stacked
layers are written as structs ``l0``, ``l1``, ...); a key ``l1/Bias`` is field ``Bias`` of
struct ``l1``.  MATLAB saves with ``save('lstm.mat', 'InputWeights', 'RecurrentWeights', 'Bias')``
(or ``-struct``); version 7.3 files are HDF5, which scipy does not read: save with ``-v7``.
"""

from __future__ import annotations

import io

import numpy as np

from .errors import UsageError
from .npz import check_regular_file
from .output import write_output


def load(path):
    """``({key: array}, notes)`` from a .mat file."""
    import scipy.io

    check_regular_file(path)
    try:
        data = scipy.io.loadmat(path, squeeze_me=False, struct_as_record=False, mat_dtype=False)
    except NotImplementedError:
        raise UsageError(f"{path} is a MATLAB v7.3 (HDF5) file, which scipy cannot read: save it with -v7") from None
    except Exception as err:  # scipy's parser raises many kinds on a file that is not a .mat file
        raise UsageError(f"{path} is not a readable .mat file ({type(err).__name__}: {str(err)[:120]})") from None
    arrays, notes = {}, []
    for name, value in data.items():
        if not name.startswith("__"):
            _flatten(name, value, arrays, notes)
    return arrays, notes


def _flatten(name, value, arrays, notes):
    if isinstance(value, np.ndarray) and value.dtype == object and value.size == 1:
        value = value.item()
    if hasattr(value, "_fieldnames"):
        for field in value._fieldnames:
            _flatten(f"{name}/{field}", getattr(value, field), arrays, notes)
    elif isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        arrays[name] = value
    else:
        notes.append(f"left out {name} (not a numeric matrix)")


def save(path, arrays, model=None, **_):
    """Top-level variables, or one struct per layer for keys ``l0/InputWeights``."""
    import scipy.io

    variables = {}
    for key, array in arrays.items():
        *structs, field = key.split("/")
        target = variables
        for struct in structs:
            target = target.setdefault(struct, {})
        target[field] = array
    buffer = io.BytesIO()
    scipy.io.savemat(buffer, variables, long_field_names=True, oned_as="column")
    write_output(path, buffer.getvalue())

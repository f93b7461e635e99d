"""PyTorch ``.pt`` / ``.pth`` weight files: state dicts, read with ``weights_only=True``.

A file may hold an ``nn.LSTM``'s state dict, a whole module's (``encoder.lstm.weight_ih_l0``)
or a checkpoint dict that nests one (``{"model_state_dict": {...}, "epoch": 3}``): nested
dicts are flattened with dots, and what is not a tensor is left out with a note.  Nothing
but tensors and plain containers is ever unpickled.
"""

from __future__ import annotations

import io

import numpy as np

from .errors import UsageError
from .npz import check_regular_file
from .output import write_output


def load(path):
    """``({key: array}, notes)`` from a .pt/.pth file."""
    import torch

    check_regular_file(path)
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch.load raises many kinds on a file it cannot read
        first = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
        raise UsageError(f"{path} is not a state dict PyTorch loads with weights_only=True ({first}); a whole "
                         "pickled module is refused (it can run code): save model.state_dict() instead") from None
    arrays, notes = {}, []
    _flatten(obj, "", arrays, notes, torch)
    if not arrays:
        raise UsageError(f"{path} holds no tensors (a {type(obj).__name__})")
    return arrays, notes


def _flatten(obj, prefix, arrays, notes, torch):
    if isinstance(obj, dict):
        for key, value in obj.items():
            _flatten(value, f"{prefix}{key}.", arrays, notes, torch)
    elif isinstance(obj, torch.Tensor):
        tensor = obj.detach()
        if tensor.dtype in (torch.float16, torch.bfloat16):
            notes.append(f"{prefix[:-1]}: {tensor.dtype} read as float32")
            tensor = tensor.float()
        arrays[prefix[:-1]] = tensor.numpy()
    elif prefix:
        notes.append(f"left out {prefix[:-1]} (a {type(obj).__name__}, not a tensor)")


def save(path, arrays, model=None, **_):
    """A state dict that ``module.load_state_dict(torch.load(path))`` takes."""
    import torch

    buffer = io.BytesIO()
    torch.save({key: torch.from_numpy(np.ascontiguousarray(a)) for key, a in arrays.items()}, buffer)
    write_output(path, buffer.getvalue())

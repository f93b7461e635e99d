"""Framework weight layouts, as data, and conversion to and from canonical parameters.

Canonical parameters are the separate layout of this project, one dict per layer and
direction: ``W_g`` (k x in), ``U_g`` (k x h), ``b_g`` (k x 1) for g in i, f, g, o, plus
``p_i, p_f, p_o`` (k x 1, peephole) and ``W_hr`` (p x k, projection); h is p with a
projection, else k.  A framework is a row of :data:`FRAMEWORKS`: its gate order, how it
stacks the four gates, its tensor names, and which features it has.

>>> import numpy as np
>>> model = random_model(input_size=3, hidden_size=2)
>>> arrays = to_framework("keras", model)
>>> sorted(arrays), arrays["kernel"].shape
(['bias', 'kernel', 'recurrent_kernel'], (3, 8))
>>> back = from_framework("keras", arrays)
>>> bool(np.array_equal(back.layers[0][0]["W_f"], model.layers[0][0]["W_f"]))
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import ShapeError, UsageError
from .framework_table import FRAMEWORKS, GATES, TF1_FORGET_BIAS, Framework, get_framework  # noqa: F401

@dataclass
class Model:
    """A stack of LSTM layers in canonical form: ``layers[L][d]`` is a parameter dict."""

    input_size: int
    hidden_size: int
    layers: list
    proj_size: int | None = None
    peephole: bool = False
    notes: list = field(default_factory=list)

    @property
    def num_layers(self):
        return len(self.layers)

    @property
    def num_directions(self):
        return len(self.layers[0])

    @property
    def variant(self):
        return "projection" if self.proj_size else ("peephole" if self.peephole else "standard")

    def layer_input_size(self, layer):
        h = self.proj_size or self.hidden_size
        return self.input_size if layer == 0 else self.num_directions * h


def random_model(input_size, hidden_size, layers=1, bidirectional=False, proj_size=None, peephole=False, seed=0):
    """A model with random canonical parameters (for tests and examples)."""
    rng = np.random.default_rng(seed)
    model = Model(input_size, hidden_size, [], proj_size, peephole)
    k, h = hidden_size, proj_size or hidden_size
    for layer in range(layers):
        n_in = model.layer_input_size(layer) if layer else input_size
        directions = []
        for _ in range(2 if bidirectional else 1):
            p = {}
            for g in GATES:
                p[f"W_{g}"] = rng.uniform(-0.5, 0.5, (k, n_in))
                p[f"U_{g}"] = rng.uniform(-0.5, 0.5, (k, h))
                p[f"b_{g}"] = rng.uniform(-0.5, 0.5, (k, 1))
            if peephole:
                for g in ("i", "f", "o"):
                    p[f"p_{g}"] = rng.uniform(-0.5, 0.5, (k, 1))
            if proj_size:
                p["W_hr"] = rng.uniform(-0.5, 0.5, (proj_size, k))
            directions.append(p)
        model.layers.append(directions)
    return model


# -- helpers ------------------------------------------------------------------------------------
def _stack(params, kind, order):
    return np.concatenate([params[f"{kind}_{g}"] for g in order], axis=0)


def _split(array, kind, order, k, into):
    for j, g in enumerate(order):
        into[f"{kind}_{g}"] = np.array(array[j * k:(j + 1) * k])


def _check_supported(fw, model):
    if model.proj_size and not fw.projection:
        raise UsageError(f"{fw.title} has no projection (proj_size); the model has p = {model.proj_size}. "
                         "Frameworks with a projection: " + ", ".join(f.name for f in FRAMEWORKS.values() if f.projection))
    if model.peephole and fw.peepholes is None:
        raise UsageError(f"{fw.title} has no peephole connections; the model has them. Frameworks with peepholes: "
                         + ", ".join(f.name for f in FRAMEWORKS.values() if f.peepholes))


def _prefix(fw, num_layers, num_directions, layer, direction):
    """Key prefix of a layer/direction for the frameworks that use prefixes (``l1/backward/``)."""
    return (f"l{layer}/" if num_layers > 1 else "") + (f"{fw.directions[direction]}/" if num_directions > 1 else "")


# -- to a framework -------------------------------------------------------------------------------
def to_framework(name, model):
    """Canonical model -> ``{framework name: array}``."""
    fw = get_framework(name)
    _check_supported(fw, model)
    out = {}
    order = fw.gate_order
    for L, directions in enumerate(model.layers):
        if name == "onnx":
            sfx = f"_l{L}" if model.num_layers > 1 else ""
            out["W" + sfx] = np.stack([_stack(p, "W", order) for p in directions])
            out["R" + sfx] = np.stack([_stack(p, "U", order) for p in directions])
            out["B" + sfx] = np.stack([np.concatenate([_stack(p, "b", order)[:, 0], np.zeros(4 * model.hidden_size)])
                                       for p in directions])
            if model.peephole:
                out["P" + sfx] = np.stack([_stack(p, "p", fw.peepholes)[:, 0] for p in directions])
            continue
        if name == "matlab":
            prefix = f"l{L}/" if model.num_layers > 1 else ""
            out[prefix + "InputWeights"] = np.concatenate([_stack(p, "W", order) for p in directions])
            out[prefix + "RecurrentWeights"] = np.concatenate([_stack(p, "U", order) for p in directions])
            out[prefix + "Bias"] = np.concatenate([_stack(p, "b", order) for p in directions])
            continue
        for d, p in enumerate(directions):
            if name == "pytorch":
                sfx = f"_l{L}{fw.directions[d]}"
                out["weight_ih" + sfx] = _stack(p, "W", order)
                out["weight_hh" + sfx] = _stack(p, "U", order)
                out["bias_ih" + sfx] = _stack(p, "b", order)[:, 0]
                out["bias_hh" + sfx] = np.zeros(4 * model.hidden_size)
                if model.proj_size:
                    out["weight_hr" + sfx] = p["W_hr"]
            elif name == "keras":
                prefix = _prefix(fw, model.num_layers, model.num_directions, L, d)
                out[prefix + "kernel"] = _stack(p, "W", order).T
                out[prefix + "recurrent_kernel"] = _stack(p, "U", order).T
                out[prefix + "bias"] = _stack(p, "b", order)[:, 0]
            elif name == "tf1":
                prefix = _prefix(fw, model.num_layers, model.num_directions, L, d)
                out[prefix + "kernel"] = np.concatenate([_stack(p, "W", order), _stack(p, "U", order)], axis=1).T
                bias = _stack(p, "b", order)[:, 0].copy()
                k = model.hidden_size
                f = order.index("f")
                bias[f * k:(f + 1) * k] -= TF1_FORGET_BIAS  # LSTMCell adds forget_bias at run time
                out[prefix + "bias"] = bias
                if model.proj_size:
                    out[prefix + "projection/kernel"] = p["W_hr"].T
                if model.peephole:
                    for g in fw.peepholes:
                        out[prefix + f"w_{g}_diag"] = p[f"p_{g}"][:, 0]
    return out


# -- from a framework -----------------------------------------------------------------------------
class _Reader:
    """Reads arrays by name, collecting every inconsistency before raising."""

    def __init__(self, fw, arrays):
        self.fw, self.arrays, self.problems, self.used = fw, arrays, [], set()

    def get(self, key, ndim):
        if key not in self.arrays:
            self.problems.append(f"missing {key}")
            return None
        self.used.add(key)
        arr = np.asarray(self.arrays[key])
        if arr.ndim != ndim:
            self.problems.append(f"{key} has {arr.ndim} dimensions {tuple(arr.shape)}, expected {ndim}")
            return None
        if arr.dtype.kind not in "fi":
            self.problems.append(f"{key} holds {arr.dtype} values, expected numbers")
            return None
        if arr.size == 0:
            self.problems.append(f"{key} is empty, shape {tuple(arr.shape)}")
            return None
        return arr.astype(np.float64) if arr.dtype.kind == "i" else arr

    def expect(self, key, arr, shape, why):
        if arr is not None and tuple(arr.shape) != tuple(shape):
            self.problems.append(f"{key} has shape {tuple(arr.shape)}, expected {tuple(shape)} ({why})")
            return False
        return arr is not None

    def finish(self):
        extra = sorted(set(self.arrays) - self.used)
        if extra:
            self.problems.append(f"not parameters of the {self.fw.title} layout: " + ", ".join(extra))
        if self.problems:
            raise ShapeError(f"these arrays are not a consistent {self.fw.title}:\n  " + "\n  ".join(self.problems))


def _layers_and_directions(fw, keys):
    """(layers, directions) from the key names."""
    if fw.name == "pytorch":
        layers = {int(key.split("_l")[1].split("_")[0]) for key in keys if key.startswith("weight_ih_l")}
        directions = 2 if any(key.endswith("_reverse") for key in keys) else 1
    elif fw.name == "onnx":
        layers = {int(key.split("_l")[1]) if "_l" in key else 0 for key in keys if key.startswith("W")}
        layers = layers if layers else {0}
        directions = None  # read from the leading axis
    else:
        layers = {int(key[1:].split("/")[0]) if key.startswith("l") and "/" in key else 0 for key in keys}
        directions = 2 if any(f"{fw.directions[1]}/" in key for key in keys) else 1
    if not layers or sorted(layers) != list(range(len(layers))):
        raise ShapeError(f"cannot find the layers of a {fw.title} in: {', '.join(sorted(keys))}")
    return len(layers), directions


def _gate_rows(arr, key, fw, reader, gates=4):
    rows = arr.shape[0]
    if rows % gates:
        reader.problems.append(f"{key} has {rows} rows, not a multiple of {gates} (one block per gate: "
                               f"{', '.join(fw.gate_labels)})")
        return None
    return rows // gates


def from_framework(name, arrays, forget_bias=TF1_FORGET_BIAS):
    """``{framework name: array}`` -> canonical :class:`Model` (sizes inferred from the shapes)."""
    fw = get_framework(name)
    if not arrays:
        raise UsageError(f"no arrays to read as a {fw.title}")
    reader = _Reader(fw, arrays)
    num_layers, num_dirs = _layers_and_directions(fw, set(arrays))
    model = Model(0, 0, [], None, False)
    for L in range(num_layers):
        directions = _read_layer(fw, reader, model, L, num_layers, num_dirs, forget_bias)
        if directions is None:
            break
        model.layers.append(directions)
    reader.finish()
    return model


def _read_layer(fw, reader, model, L, num_layers, num_dirs, forget_bias):  # noqa: C901 - one branch per framework
    order = fw.gate_order
    out = []
    if fw.name == "onnx":
        sfx = f"_l{L}" if num_layers > 1 else ""
        W, R, B = reader.get("W" + sfx, 3), reader.get("R" + sfx, 3), reader.get("B" + sfx, 2)
        P = reader.get("P" + sfx, 2) if "P" + sfx in reader.arrays else None
        if W is None or R is None:
            return None
        D = W.shape[0]
        k = _gate_rows(W[0], "W" + sfx, fw, reader)
        if k is None:
            return None
        _set_sizes(model, L, W.shape[2], k, R.shape[2], reader, "R" + sfx)
        reader.expect("R" + sfx, R, (D, 4 * k, R.shape[2]), f"[D, 4k, k] with k = {k}")
        if B is not None:
            reader.expect("B" + sfx, B, (D, 8 * k), f"[D, 8k] with k = {k}: Wb then Rb")
        else:
            reader.problems.pop() if reader.problems and reader.problems[-1] == "missing B" + sfx else None
            reader.problems.append(f"missing B{sfx} (the ONNX bias may be omitted only when it is zero)")
        if P is not None:
            model.peephole = True
            reader.expect("P" + sfx, P, (D, 3 * k), f"[D, 3k] with k = {k}: i, o, f")
        for d in range(D):
            p = {}
            _split(W[d], "W", order, k, p)
            _split(R[d], "U", order, k, p)
            if B is not None and B.shape == (D, 8 * k):
                _split((B[d, :4 * k] + B[d, 4 * k:])[:, None], "b", order, k, p)
            if P is not None and P.shape == (D, 3 * k):
                _split(P[d][:, None], "p", fw.peepholes, k, p)
            out.append(p)
        return out
    if fw.name == "matlab":
        prefix = f"l{L}/" if num_layers > 1 else ""
        Wi, Wr, b = (reader.get(prefix + key, 2) for key in ("InputWeights", "RecurrentWeights", "Bias"))
        if Wi is None or Wr is None:
            return None
        D = 2 if Wr.shape[0] == 8 * Wr.shape[1] else 1
        k = _gate_rows(Wi, prefix + "InputWeights", fw, reader, 4 * D)
        if k is None:
            return None
        _set_sizes(model, L, Wi.shape[1], k, Wr.shape[1], reader, prefix + "RecurrentWeights")
        reader.expect(prefix + "RecurrentWeights", Wr, (4 * D * k, k), f"{4 * D}k x k with k = {k}")
        reader.expect(prefix + "Bias", b, (4 * D * k, 1), f"{4 * D}k x 1 with k = {k}")
        for d in range(D):
            p = {}
            rows = slice(d * 4 * k, (d + 1) * 4 * k)
            _split(Wi[rows], "W", order, k, p)
            _split(Wr[rows], "U", order, k, p)
            if b is not None and b.shape == (4 * D * k, 1):
                _split(b[rows], "b", order, k, p)
            out.append(p)
        return out
    for d in range(num_dirs):
        p = {}
        if fw.name == "pytorch":
            sfx = f"_l{L}{fw.directions[d]}"
            Wi, Wh = reader.get("weight_ih" + sfx, 2), reader.get("weight_hh" + sfx, 2)
            bi, bh = reader.get("bias_ih" + sfx, 1), reader.get("bias_hh" + sfx, 1)
            Whr = reader.get("weight_hr" + sfx, 2) if "weight_hr" + sfx in reader.arrays else None
            if Wi is None or Wh is None:
                return None
            k = _gate_rows(Wi, "weight_ih" + sfx, fw, reader)
            if k is None:
                return None
            _set_sizes(model, L, Wi.shape[1], k, Wh.shape[1], reader, "weight_hh" + sfx)
            reader.expect("weight_hh" + sfx, Wh, (4 * k, model.proj_size or k), "4k x h")
            ok = reader.expect("bias_ih" + sfx, bi, (4 * k,), f"4k with k = {k}")
            ok = reader.expect("bias_hh" + sfx, bh, (4 * k,), f"4k with k = {k}") and ok
            if Whr is not None:
                reader.expect("weight_hr" + sfx, Whr, (model.proj_size, k), f"p x k with k = {k}")
                p["W_hr"] = np.array(Whr)
            elif model.proj_size:
                reader.problems.append(f"missing weight_hr{sfx} (the recurrent weights have p = {model.proj_size} "
                                       "columns, so this is a projection model)")
            _split(Wi, "W", order, k, p)
            _split(Wh, "U", order, k, p)
            if ok:
                _split((bi + bh)[:, None], "b", order, k, p)
        else:  # keras, tf1
            prefix = _prefix(fw, num_layers, num_dirs, L, d)
            kernel, bias = reader.get(prefix + "kernel", 2), reader.get(prefix + "bias", 1)
            if kernel is None:
                return None
            k = _gate_rows(kernel.T, prefix + "kernel", fw, reader)
            if k is None:
                return None
            if fw.name == "keras":
                rk = reader.get(prefix + "recurrent_kernel", 2)
                if rk is None:
                    return None
                _set_sizes(model, L, kernel.shape[0], k, rk.shape[0], reader, prefix + "recurrent_kernel")
                reader.expect(prefix + "recurrent_kernel", rk, (k, 4 * k), f"(k, 4k) with k = {k}")
                _split(kernel.T, "W", order, k, p)
                _split(rk.T, "U", order, k, p)
            else:
                proj = reader.get(prefix + "projection/kernel", 2) if prefix + "projection/kernel" in reader.arrays \
                    else None
                h = proj.shape[1] if proj is not None else k
                n_in = kernel.shape[0] - h
                _set_sizes(model, L, n_in, k, h, reader, prefix + "kernel")
                if proj is not None:
                    reader.expect(prefix + "projection/kernel", proj, (k, model.proj_size), f"[k, p] with k = {k}")
                    p["W_hr"] = np.array(proj.T)
                _split(kernel[:n_in].T, "W", order, k, p)
                _split(kernel[n_in:].T, "U", order, k, p)
                for g in ("i", "f", "o"):
                    key = prefix + f"w_{g}_diag"
                    if key in reader.arrays:
                        model.peephole = True
                        diag = reader.get(key, 1)
                        if reader.expect(key, diag, (k,), f"[k] with k = {k}"):
                            p[f"p_{g}"] = np.array(diag)[:, None]
            if bias is None:
                continue
            if reader.expect(prefix + "bias", bias, (4 * k,), f"4k with k = {k}"):
                bias = np.array(bias, dtype=np.float64)
                if fw.name == "tf1":
                    f = order.index("f")
                    bias[f * k:(f + 1) * k] += forget_bias
                _split(bias[:, None], "b", order, k, p)
        out.append(p)
    return out


def _set_sizes(model, layer, n_in, k, h, reader, key):
    """Record n, k, p from layer 0; check the layers above against them."""
    if layer == 0:
        model.input_size, model.hidden_size = n_in, k
        if h != k:
            model.proj_size = h
        return
    if k != model.hidden_size:
        reader.problems.append(f"layer {layer} has k = {k} but layer 0 has k = {model.hidden_size}")
    expected_in = (len(model.layers[0]) if model.layers else 1) * (model.proj_size or model.hidden_size)
    if n_in != expected_in:
        reader.problems.append(f"layer {layer} takes {n_in} inputs; the layer below outputs {expected_in} "
                               f"(D x h)")
    if h != (model.proj_size or k):
        reader.problems.append(f"{key}: h = {h} differs from layer 0's {model.proj_size or k}")


# -- thin named wrappers: from_pytorch(state_dict), to_keras(model), ... --------------------------
def _make_wrappers():
    namespace = {}
    for fw in FRAMEWORKS:
        namespace[f"from_{fw}"] = (lambda name: lambda arrays, **kw: from_framework(name, arrays, **kw))(fw)
        namespace[f"to_{fw}"] = (lambda name: lambda model: to_framework(name, model))(fw)
        namespace[f"from_{fw}"].__doc__ = f"Read {FRAMEWORKS[fw].title} arrays into a canonical Model."
        namespace[f"to_{fw}"].__doc__ = f"Write a canonical Model as {FRAMEWORKS[fw].title} arrays."
    return namespace


globals().update(_make_wrappers())


def run_model(model, xs, h0=None, c0=None):
    """Run a canonical model with the compiled cell (column convention).

    ``xs``: T x n x B.  Returns ``(ys, h_n, c_n)``: ys is T x (D h) x B (the last layer's
    outputs, directions concatenated), h_n and c_n are (L D) x rows x B, ordered like
    PyTorch's (layer major, forward before reverse).
    """
    from .cell import LSTMCell

    T, _, B = xs.shape
    k, h = model.hidden_size, model.proj_size or model.hidden_size
    cells = {}
    inputs = xs
    h_n, c_n = [], []
    for L, directions in enumerate(model.layers):
        n_in = inputs.shape[1]
        key = n_in
        if key not in cells:
            cells[key] = LSTMCell(n_in, k, model.variant, proj_size=model.proj_size).compile()
        outputs = []
        for d, params in enumerate(directions):
            index = L * model.num_directions + d
            h_init = np.zeros((h, B)) if h0 is None else h0[index]
            c_init = np.zeros((k, B)) if c0 is None else c0[index]
            seq = inputs if d == 0 else inputs[::-1]
            hs, h_T, c_T = cells[key].forward(params, np.ascontiguousarray(seq), h_init, c_init)
            outputs.append(hs if d == 0 else hs[::-1])
            h_n.append(h_T)
            c_n.append(c_T)
        inputs = np.concatenate(outputs, axis=1)
    return inputs, np.stack(h_n), np.stack(c_n)

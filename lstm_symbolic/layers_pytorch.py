"""PyTorch layer rows: output shapes as a forward pass produces them, and ``named_parameters``.

Open dimensions are named: ``"B"`` batch, ``"T"`` time, ``"*"`` any leading dimensions.
A recurrent layer returns ``(output, (h_n, c_n))`` (LSTM) or ``(output, h_n)`` (GRU, RNN).
"""

from __future__ import annotations

from math import prod

from .framework_table import CELL_FEATURES, CELL_STATE
from .layer_rules import (
    LayerContradiction,
    LayerOut,
    LayerProblem,
    Row,
    choice,
    flag,
    need_features,
    need_rank,
    same_shape,
    shape_text,
    size,
    table,
)
from .recurrent import GATES, MAX_LAYERS, recurrent_tensors

_RNN_DEFAULTS = {"num_layers": 1, "bias": True, "batch_first": False, "dropout": 0.0, "bidirectional": False,
                 "proj_size": 0, "nonlinearity": "tanh"}
_LSTM_SIGNATURE = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional",
                   "proj_size")
_RNN_SIGNATURE = ("input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "dropout",
                  "bidirectional")


def _projection(args, cell, k):
    p = args.get("proj_size")
    if p in (0, None, False):
        return None
    p = size(args, "proj_size")
    if "projection" not in CELL_FEATURES[cell]:
        raise LayerProblem("proj_size exists only for nn.LSTM")
    if p >= k:
        raise LayerContradiction(f"needs proj_size < hidden_size, got proj_size = {p}, hidden_size = {k} "
                                 "(PyTorch raises ValueError)")
    return p


def _sequence_shapes(x, batch_first, width, layers_directions, r, k, cell):
    """(output, states) of a recurrent layer whose output has ``width`` features."""
    if x is None or x[0] == "*":
        batch, steps = "B", "T"
        output = (batch, steps, width) if batch_first else (steps, batch, width)
    elif len(x) == 3:
        batch = x[0] if batch_first else x[1]
        output = x[:2] + (width,)
    else:  # unbatched (time, features)
        batch, output = None, (x[0], width)
    lead = (layers_directions,) if batch is None else (layers_directions, batch)
    states = {"h_n": lead + (r,)} | ({"c_n": lead + (k,)} if cell in CELL_STATE else {})
    return output, states


def _recurrent(cell, nonlinearities=()):
    """The row function of nn.LSTM / nn.GRU / nn.RNN (``nonlinearities``: the values its ``nonlinearity`` takes)."""

    def apply(args, x, call):
        n, k, layers = size(args, "input_size"), size(args, "hidden_size"), size(args, "num_layers")
        if layers > MAX_LAYERS:
            raise LayerProblem(f"num_layers = {layers} is more than this tool lists (at most {MAX_LAYERS:,})")
        directions = 2 if flag(args, "bidirectional") else 1
        p = _projection(args, cell, k)
        if nonlinearities:
            choice(args, "nonlinearity", nonlinearities)
        need_rank(x, (2, 3), "a 3-D input (time, batch, features), (batch, time, features) with batch_first=True, "
                             "or an unbatched 2-D (time, features)")
        need_features(x, n, "input features (input_size)")
        r = p or k
        output, states = _sequence_shapes(x, flag(args, "batch_first"), directions * r, directions * layers, r, k,
                                          cell)
        tensors = recurrent_tensors(cell, "pytorch", n, k, layers, directions == 2, p, bias=flag(args, "bias"))
        structure = ("output", ("h_n", "c_n")) if cell in CELL_STATE else ("output", "h_n")
        return LayerOut(output, states, tensors, structure=structure)

    return apply


def _cell(cell):
    def apply(args, x, call):
        n, k = size(args, "input_size"), size(args, "hidden_size")
        need_rank(x, (1, 2), "a 2-D input (batch, features) or an unbatched 1-D one")
        need_features(x, n, "input features (input_size)")
        h = ("B", k) if x is None or x[0] == "*" else x[:-1] + (k,)
        rows = GATES[cell] * k
        tensors = {"weight_ih": (rows, n), "weight_hh": (rows, k)}
        if flag(args, "bias"):
            tensors |= {"bias_ih": (rows,), "bias_hh": (rows,)}
        if cell in CELL_STATE:
            return LayerOut(h, {"c": h}, tensors, structure=("output", "c"))
        return LayerOut(h, {}, tensors)

    return apply


def _linear(args, x, call):
    n, m = size(args, "in_features"), size(args, "out_features")
    need_rank(x, range(1, 99), "an input with a feature dimension")
    need_features(x, n, "input features (in_features)")
    tensors = {"weight": (m, n)} | ({"bias": (m,)} if flag(args, "bias") else {})
    return LayerOut(("*", m) if x is None else x[:-1] + (m,), {}, tensors)


def _embedding(args, x, call):
    count, dim = size(args, "num_embeddings"), size(args, "embedding_dim")
    return LayerOut(("*", dim) if x is None else x + (dim,), {}, {"weight": (count, dim)})


def _layer_norm(args, x, call):
    shape = args.get("normalized_shape")
    shape = (shape,) if isinstance(shape, int) else shape
    if not isinstance(shape, (tuple, list)) or not all(isinstance(d, int) and d > 0 for d in shape):
        raise LayerProblem(f"normalized_shape is {shape!r}, not sizes this tool can read")
    if x is not None and all(isinstance(d, int) for d in x[-len(shape):]) and tuple(x[-len(shape):]) != tuple(shape):
        raise LayerContradiction(f"normalizes the last dimensions {shape_text(tuple(shape))}, "
                                 f"got input {shape_text(x)}")
    affine = flag(args, "elementwise_affine")
    return LayerOut(x, {}, {"weight": tuple(shape), "bias": tuple(shape)} if affine else {})


def _batch_norm(args, x, call):
    c = size(args, "num_features")
    need_rank(x, (2, 3), "a 2-D (batch, channels) or 3-D (batch, channels, length) input")
    if x is not None and isinstance(x[1], int) and x[1] != c:
        raise LayerContradiction(f"expects {c} channels (dimension 1 of its input), got {x[1]}: input {shape_text(x)}")
    return LayerOut(x, {}, {"weight": (c,), "bias": (c,)} if flag(args, "affine") else {})


def _flatten(args, x, call):
    if x is None:
        return LayerOut(None)
    start, end = args.get("start_dim"), args.get("end_dim")
    if not isinstance(start, int) or not isinstance(end, int):
        raise LayerProblem("start_dim and end_dim must be integers")
    start, end = start % len(x), end % len(x)
    middle = x[start:end + 1]
    merged = prod(middle) if all(isinstance(d, int) for d in middle) else "*"
    return LayerOut(x[:start] + (merged,) + x[end + 1:])


def _conv1d(args, x, call):
    c_in, c_out, width = size(args, "in_channels"), size(args, "out_channels"), size(args, "kernel_size")
    stride, padding = size(args, "stride"), args.get("padding")
    if not isinstance(padding, int) or padding < 0:
        raise LayerProblem(f"padding is {padding!r}; this tool reads integer padding")
    need_rank(x, (2, 3), "a 3-D input (batch, channels, length) or an unbatched 2-D (channels, length)")
    if x is not None and isinstance(x[-2], int) and x[-2] != c_in:
        raise LayerContradiction(f"expects {c_in} input channels (dimension -2), got {x[-2]}: input {shape_text(x)}")
    length = x[-1] if x is not None else "L"
    if isinstance(length, int):
        length = (length + 2 * padding - width) // stride + 1
    output = ("B", c_out, length) if x is None else x[:-2] + (c_out, length)
    tensors = {"weight": (c_out, c_in, width)} | ({"bias": (c_out,)} if flag(args, "bias") else {})
    return LayerOut(output, {}, tensors)



_SAME = ("Dropout", "ReLU", "Tanh", "Sigmoid", "GELU", "ELU", "LeakyReLU", "Softmax", "LogSoftmax", "Identity",
         "CrossEntropyLoss", "MSELoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "L1Loss")

ROWS = table(
    Row("LSTM", _LSTM_SIGNATURE, _RNN_DEFAULTS, _recurrent("lstm")),
    Row("GRU", _LSTM_SIGNATURE[:-1], _RNN_DEFAULTS, _recurrent("gru")),
    Row("RNN", _RNN_SIGNATURE, _RNN_DEFAULTS, _recurrent("rnn", ("tanh", "relu"))),
    Row("LSTMCell", ("input_size", "hidden_size", "bias"), {"bias": True}, _cell("lstm")),
    Row("GRUCell", ("input_size", "hidden_size", "bias"), {"bias": True}, _cell("gru")),
    Row("RNNCell", ("input_size", "hidden_size", "bias", "nonlinearity"), {"bias": True}, _cell("rnn")),
    Row("Linear", ("in_features", "out_features", "bias"), {"bias": True}, _linear),
    Row("Embedding", ("num_embeddings", "embedding_dim", "padding_idx"), {}, _embedding),
    Row("LayerNorm", ("normalized_shape", "eps", "elementwise_affine"), {"elementwise_affine": True}, _layer_norm),
    Row("BatchNorm1d", ("num_features", "eps", "momentum", "affine"), {"affine": True}, _batch_norm),
    Row("Flatten", ("start_dim", "end_dim"), {"start_dim": 1, "end_dim": -1}, _flatten),
    Row("Conv1d", ("in_channels", "out_channels", "kernel_size", "stride", "padding"), {"stride": 1, "padding": 0,
                                                                                       "bias": True}, _conv1d),
    *(Row(name, ("p",) if name == "Dropout" else ("dim",), {}, same_shape) for name in _SAME),
)

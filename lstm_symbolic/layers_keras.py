"""Keras 3 layer rows: output shapes (batch first, ``"None"`` for open dimensions) and weights.

Keras' own checks are reproduced where Keras rejects a model (a recurrent layer needs a 3-D
input, RepeatVector a 2-D one, TimeDistributed at least 3-D, Dense a known last dimension).
"""

from __future__ import annotations

from math import prod

from .framework_table import CELL_STATE
from .layer_rules import (
    LayerContradiction,
    LayerOut,
    LayerProblem,
    Row,
    apply_with,
    choice,
    flag,
    need_rank,
    same_shape,
    shape_text,
    size,
    table,
)
from .modelcode import LayerCall
from .recurrent import recurrent_tensors

OPEN = "None"
_RNN_DEFAULTS = {"return_sequences": False, "return_state": False, "use_bias": True, "reset_after": True}


def declared_input(args):
    """The input a layer declares itself (``input_shape=``, ``batch_input_shape=``), or None."""
    if isinstance(args.get("batch_input_shape"), (tuple, list)):
        return tuple(OPEN if d is None else d for d in args["batch_input_shape"])
    if isinstance(args.get("input_shape"), (tuple, list)):
        return (OPEN,) + tuple(OPEN if d is None else d for d in args["input_shape"])
    return None


def _input(args, x, call):
    shape = args.get("shape") if args.get("shape") is not None else args.get("input_shape")
    if isinstance(shape, int):
        shape = (shape,)
    batch = args.get("batch_size")
    if isinstance(args.get("batch_shape"), (tuple, list)):
        return LayerOut(tuple(OPEN if d is None else d for d in args["batch_shape"]))
    if not isinstance(shape, (tuple, list)) or not all(d is None or isinstance(d, int) for d in shape):
        raise LayerProblem(f"shape is {shape!r}, not a tuple of sizes")
    return LayerOut(((batch if isinstance(batch, int) else OPEN),) + tuple(OPEN if d is None else d for d in shape))


def _recurrent(cell):
    def apply(args, x, call):
        k = size(args, "units")
        need_rank(x, (3,), "a 3-D input (batch, time, features)")
        n = x[-1] if x is not None else None
        batch, steps = (x[0], x[1]) if x is not None else (OPEN, OPEN)
        output = (batch, steps, k) if flag(args, "return_sequences") else (batch, k)
        states = {}
        if flag(args, "return_state"):
            states = {"state_h": (batch, k)} | ({"state_c": (batch, k)} if cell in CELL_STATE else {})
        structure = ("output",) + tuple(states) if states else "output"
        if not isinstance(n, int):
            return LayerOut(output, states, None, "the input size is unknown (no input shape in the code)", structure)
        tensors = recurrent_tensors(cell, "keras", n, k, reset_after=flag(args, "reset_after"),
                                    bias=flag(args, "use_bias"))
        return LayerOut(output, states, tensors, structure=structure)

    return apply


def _bidirectional(args, x, call):
    inner = args.get("layer")
    if not isinstance(inner, LayerCall) or inner.type not in ("LSTM", "GRU", "SimpleRNN"):
        raise LayerProblem("Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN) given in the code")
    x = x if x is not None else declared_input(inner.kwargs)
    one = apply_with(ROWS, inner, x)
    mode = choice(args, "merge_mode", ("concat", "sum", "mul", "ave", None))
    main = one.output
    if mode == "concat":
        main = main[:-1] + (2 * main[-1],)
    states = {f"{side}_{name}": shape for side in ("forward", "backward") for name, shape in one.states.items()}
    if mode is None:
        states = {"backward_output": main} | states
    tensors = None if one.tensors is None else {f"{side}_{inner.type.lower()}/{name}": shape for side in
                                                 ("forward", "backward") for name, shape in one.tensors.items()}
    structure = ("output",) + tuple(states) if states else "output"
    return LayerOut(main, states, tensors, one.missing, structure,
                    inner=f"{inner.type}({_args_text(inner)})")


def _dense(args, x, call):
    units = size(args, "units")
    need_rank(x, range(2, 99), "an input with at least 2 dimensions (batch, features)")
    if x is None or not isinstance(x[-1], int):
        if x is not None:
            raise LayerContradiction(f"needs a known last dimension, got {shape_text(x)} (Keras cannot create the "
                                     "kernel: add an input shape, or give Flatten a fixed number of time steps)")
        return LayerOut((OPEN, units), {}, None, "the input size is unknown (no input shape in the code)")
    tensors = {"kernel": (x[-1], units)} | ({"bias": (units,)} if flag(args, "use_bias") else {})
    return LayerOut(x[:-1] + (units,), {}, tensors)


def _embedding(args, x, call):
    vocabulary, dim = size(args, "input_dim"), size(args, "output_dim")
    if x is None:
        length = args.get("input_length")
        x = (OPEN, length if isinstance(length, int) else OPEN)
    return LayerOut(x + (dim,), {}, {"embeddings": (vocabulary, dim)})


def _time_distributed(args, x, call):
    inner = args.get("layer")
    if not isinstance(inner, LayerCall):
        raise LayerProblem("TimeDistributed wraps a layer given in the code")
    need_rank(x, range(3, 99), "an input with at least 3 dimensions (batch, time, ...)")
    one = apply_with(ROWS, inner, None if x is None else (x[0],) + x[2:])
    output = None if one.output is None or x is None else (one.output[0], x[1]) + one.output[1:]
    return LayerOut(output, {}, one.tensors, one.missing, inner=f"{inner.type}({_args_text(inner)})")


def _repeat_vector(args, x, call):
    n = size(args, "n")
    need_rank(x, (2,), "a 2-D input (batch, features)")
    return LayerOut((OPEN, n, OPEN) if x is None else (x[0], n, x[1]))


def _flatten(args, x, call):
    if x is None:
        return LayerOut(None)
    rest = x[1:]
    return LayerOut((x[0], prod(rest) if all(isinstance(d, int) for d in rest) else OPEN))


def _global_pool(args, x, call):
    need_rank(x, (3,), "a 3-D input (batch, time, features)")
    return LayerOut(None if x is None else (x[0], x[2]))


def _normalization(count):
    def apply(args, x, call):
        if x is None or not isinstance(x[-1], int):
            return LayerOut(x, {}, None, "the input size is unknown")
        c = x[-1]
        names = ("gamma", "beta", "moving_mean", "moving_variance")[:count]
        return LayerOut(x, {}, {name: (c,) for name in names})

    return apply


def _conv1d(args, x, call):
    filters, width = size(args, "filters"), args.get("kernel_size")
    width = width[0] if isinstance(width, (tuple, list)) and len(width) == 1 else width
    if not isinstance(width, int) or width <= 0:
        raise LayerProblem(f"kernel_size is {width!r}, not a positive integer")
    stride = args.get("strides") if isinstance(args.get("strides"), int) else 1
    padding = choice(args, "padding", ("valid", "same", "causal"))
    need_rank(x, (3,), "a 3-D input (batch, time, channels)")
    if x is None or not isinstance(x[-1], int):
        return LayerOut(None, {}, None, "the input size is unknown")
    steps = x[1]
    if isinstance(steps, int):
        steps = (steps - width) // stride + 1 if padding == "valid" else -(-steps // stride)
    tensors = {"kernel": (width, x[-1], filters)} | ({"bias": (filters,)} if flag(args, "use_bias") else {})
    return LayerOut((x[0], steps, filters), {}, tensors)



def _args_text(call):
    return ", ".join([repr(a) for a in call.args] + [f"{k}={v!r}" for k, v in call.kwargs.items()])


ROWS = table(
    Row("Input", ("shape", "batch_size"), {}, _input),
    Row("InputLayer", ("shape", "batch_size"), {}, _input),
    Row("LSTM", ("units",), _RNN_DEFAULTS, _recurrent("lstm")),
    Row("GRU", ("units",), _RNN_DEFAULTS, _recurrent("gru")),
    Row("SimpleRNN", ("units",), _RNN_DEFAULTS, _recurrent("rnn")),
    Row("Bidirectional", ("layer", "merge_mode"), {"merge_mode": "concat"}, _bidirectional),
    Row("Dense", ("units", "activation", "use_bias"), {"use_bias": True}, _dense),
    Row("Embedding", ("input_dim", "output_dim"), {}, _embedding),
    Row("TimeDistributed", ("layer",), {}, _time_distributed),
    Row("RepeatVector", ("n",), {}, _repeat_vector),
    Row("Flatten", ("data_format",), {}, _flatten),
    Row("GlobalAveragePooling1D", ("data_format",), {}, _global_pool),
    Row("GlobalMaxPooling1D", ("data_format",), {}, _global_pool),
    Row("BatchNormalization", ("axis",), {}, _normalization(4)),
    Row("LayerNormalization", ("axis",), {}, _normalization(2)),
    Row("Conv1D", ("filters", "kernel_size", "strides", "padding"), {"padding": "valid", "use_bias": True}, _conv1d),
    *(Row(name, ("rate",), {}, same_shape) for name in ("Dropout", "SpatialDropout1D", "GaussianNoise")),
    *(Row(name, ("activation",), {}, same_shape) for name in ("Activation", "Masking", "ReLU", "Softmax")),
)

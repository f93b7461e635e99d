"""MATLAB layer rows: activations as (channels, batch, time), learnables as MATLAB stores them.

Formulas from MathWorks' layer pages: ``lstmLayer`` InputWeights 4k x n, RecurrentWeights
4k x k, Bias 4k x 1; ``bilstmLayer`` 8k rows; ``gruLayer`` 3k rows and a 6k x 1 Bias with
``'ResetGateMode','recurrent-bias-after-multiplication'`` (3k x 1 with the default
'after-multiplication' and with 'before-multiplication'); ``fullyConnectedLayer`` Weights
C x n and Bias C x 1.  ``'OutputMode','last'`` drops the time dimension.
"""

from __future__ import annotations

from .layer_rules import (
    LayerContradiction,
    LayerOut,
    LayerProblem,
    Row,
    choice,
    need_rank,
    same_shape,
    shape_text,
    size,
    table,
)
from .recurrent import recurrent_tensors

_MODES = ("after-multiplication", "before-multiplication", "recurrent-bias-after-multiplication")


def _sequence_input(args, x, call):
    n = args.get("inputsize")
    if isinstance(n, list) and len(n) == 1:
        n = n[0]
    if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
        raise LayerProblem(f"inputSize is {n!r}; this tool reads a sequence of feature vectors (a positive integer)")
    return LayerOut((n, "B", "T"))


def _input_size(args, x):
    """The channels of ``x``, checked against an explicit 'InputSize'; None when unknown."""
    declared = args.get("inputsize", "auto")
    n = x[0] if x is not None and isinstance(x[0], int) else None
    if declared != "auto":
        declared = size(args, "inputsize")
        if n is not None and n != declared:
            raise LayerContradiction(f"has 'InputSize' {declared}, but its input has {n} channels: input "
                                     f"{shape_text(x)}")
        n = declared
    return n


def _recurrent(cell, directions, modes=None):
    """The row function of lstmLayer / bilstmLayer / gruLayer (``modes``: the values of its 'ResetGateMode')."""

    def apply(args, x, call):
        k = size(args, "numhiddenunits")
        mode = choice(args, "outputmode", ("sequence", "last"))
        reset = choice(args, "resetgatemode", modes) if modes else None
        need_rank(x, (3,), "sequence input (channels, batch, time); an earlier layer with 'OutputMode' 'last' "
                           "has removed the time dimension")
        n = _input_size(args, x)
        batch, steps = (x[1], x[2]) if x is not None else ("B", "T")
        output = (directions * k, batch, steps) if mode == "sequence" else (directions * k, batch)
        if n is None:
            return LayerOut(output, {}, None, "the input size is unknown")
        tensors = recurrent_tensors(cell, "matlab", n, k, bidirectional=directions == 2,
                                    recurrent_bias=reset == "recurrent-bias-after-multiplication")
        return LayerOut(output, {}, tensors)

    return apply


def _fully_connected(args, x, call):
    c = size(args, "outputsize")
    n = _input_size(args, x)
    output = (c,) + (x[1:] if x is not None else ("B",))
    if n is None:
        return LayerOut(output, {}, None, "the input size is unknown")
    return LayerOut(output, {}, {"Weights": (c, n), "Bias": (c, 1)})


def _word_embedding(args, x, call):
    dim, words = size(args, "dimension"), size(args, "numwords")
    if x is not None and isinstance(x[0], int) and x[0] != 1:
        raise LayerContradiction(f"expects word indices (1 channel), got {x[0]} channels: input {shape_text(x)}")
    return LayerOut((dim,) + (x[1:] if x is not None else ("B", "T")), {}, {"Weights": (dim, words)})


def _normalization(args, x, call):
    if x is None or not isinstance(x[0], int):
        return LayerOut(x, {}, None, "the input size is unknown")
    return LayerOut(x, {}, {"Offset": (x[0], 1), "Scale": (x[0], 1)})



_RNN_DEFAULTS = {"outputmode": "sequence", "resetgatemode": "after-multiplication"}

ROWS = table(
    Row("sequenceInputLayer", ("inputsize",), {}, _sequence_input),
    Row("lstmLayer", ("numhiddenunits",), _RNN_DEFAULTS, _recurrent("lstm", 1)),
    Row("bilstmLayer", ("numhiddenunits",), _RNN_DEFAULTS, _recurrent("lstm", 2)),
    Row("gruLayer", ("numhiddenunits",), _RNN_DEFAULTS, _recurrent("gru", 1, _MODES)),
    Row("fullyConnectedLayer", ("outputsize",), {}, _fully_connected),
    Row("wordEmbeddingLayer", ("dimension", "numwords"), {}, _word_embedding),
    Row("batchNormalizationLayer", (), {}, _normalization),
    Row("layerNormalizationLayer", (), {}, _normalization),
    Row("dropoutLayer", ("probability",), {}, same_shape),
    *(Row(name, (), {}, same_shape) for name in ("softmaxLayer", "reluLayer", "tanhLayer", "sigmoidLayer",
                                            "classificationLayer", "regressionLayer")),
    fold_case=True,  # MATLAB's names are case-insensitive
)

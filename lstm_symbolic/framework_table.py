"""The frameworks' LSTM layouts as a data table (no NumPy: the CLI reads it at start-up).

A framework is a row: its gate order, its names for the gate blocks, one or two biases,
which features it has, and how it names directions.  The conversion code that walks
this table is :mod:`lstm_symbolic.frameworks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from .variants import lookup

GATES = ("i", "f", "g", "o")


@dataclass(frozen=True)
class Framework:
    name: str
    title: str
    gate_order: tuple  # canonical gate letters in the order the framework stacks its blocks
    gate_labels: tuple  # the framework's own names for those blocks
    biases: int  # 1: one bias per gate; 2: input and recurrent biases (summed at run time)
    projection: bool
    peepholes: tuple | None  # order of the peephole blocks, or None
    directions: tuple  # names (or suffixes) of the forward and reverse direction
    note: str = ""


FRAMEWORKS = MappingProxyType({fw.name: fw for fw in (
    Framework("pytorch", "PyTorch nn.LSTM", ("i", "f", "g", "o"), ("i", "f", "g", "o"), 2, True, None, ("", "_reverse"),
              "weight_ih_l{L} (4k, in), weight_hh_l{L} (4k, h), bias_ih_l{L} (4k), bias_hh_l{L} (4k), "
              "weight_hr_l{L} (p, k); suffix _reverse for the backward direction"),
    Framework("keras", "Keras LSTM", ("i", "f", "g", "o"), ("i", "f", "c", "o"), 1, False, None,
              ("forward", "backward"),
              "kernel (in, 4k), recurrent_kernel (k, 4k), bias (4k): transposed, x @ kernel; "
              "l{L}/ and forward/, backward/ prefixes for stacked and Bidirectional layers"),
    Framework("onnx", "ONNX LSTM", ("i", "o", "f", "g"), ("i", "o", "f", "c"), 2, False, ("i", "o", "f"),
              ("forward", "reverse"),
              "W [D, 4k, in], R [D, 4k, k], B [D, 8k] (Wb then Rb), P [D, 3k] (i, o, f); one node per layer, "
              "_l{L} suffix for layers above the first"),
    Framework("matlab", "MATLAB lstmLayer / bilstmLayer", ("i", "f", "g", "o"), ("i", "f", "g", "o"), 1, False, None,
              ("forward", "backward"),
              "InputWeights 4k x in, RecurrentWeights 4k x k, Bias 4k x 1 (bilstmLayer: 8k rows, forward "
              "then backward); l{L}/ prefix for stacked layers"),
    Framework("tf1", "TensorFlow 1 LSTMCell", ("i", "g", "f", "o"), ("i", "j", "f", "o"), 1, True, ("i", "f", "o"),
              ("fw", "bw"),
              "kernel [in + h, 4k] on concat(x, h), bias [4k], forget_bias (1.0) added to f at run time, "
              "projection/kernel [k, p], w_i_diag/w_f_diag/w_o_diag [k]"),
)})

TF1_FORGET_BIAS = 1.0


def get_framework(name):
    return lookup(FRAMEWORKS, name, "framework")

"""The frameworks' recurrent layers as data (no NumPy: the CLI reads this table at start-up).

Two tables.  :data:`FRAMEWORKS` holds what a framework is as a whole: its title and how it
lays out a sequence (input, output, final states, a dense head).  :data:`LAYOUTS` holds one
row per framework *and* cell family (``lstm``, ``gru``, ``rnn``): which arrays hold the
weights, under which key templates, in which gate order and orientation, with which bias
convention, and which features (peephole, projection, bidirectional, stacked, reset-after)
the framework can express.  One function each walks a row: :mod:`~lstm_symbolic.weight_layout` lists its
arrays, :mod:`~lstm_symbolic.frameworks` writes them and :mod:`~lstm_symbolic.framework_reader`
reads them; :mod:`~lstm_symbolic.sequences` and :mod:`~lstm_symbolic.recurrent` derive sequence
shapes and parameter counts from the same rows.

Canonical parameters (column convention, one dict per layer and direction): ``W_g`` (k x in),
``U_g`` (k x h), ``b_g`` (k x 1) per gate g, a GRU's reset-after recurrent biases ``c_g``,
peepholes ``p_i, p_f, p_o`` (k x 1) and the projection ``W_hr`` (p x k); h is p with a
projection, else k.

A tensor's ``parts`` are canonical kinds joined into one array: ``("W",)`` is the gate blocks
of the input weights stacked on the rows; ``("W", "U")`` (TF1's kernel on concat(x, h)) puts
the input and recurrent weights side by side; ``("b", "c")`` joined on ``gates`` is ONNX's
``B`` (Wb then Rb), joined by ``stack`` is Keras' reset-after GRU bias of shape (2, 3k).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from .errors import UsageError
from .variants import VARIANTS, lookup

#: Canonical gate letters of each cell family, and which canonical kinds the family has.
CELL_GATES = MappingProxyType({"lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n"), "rnn": ("h",)})
CELL_TITLES = MappingProxyType({"lstm": "LSTM", "gru": "GRU", "rnn": "simple RNN"})
#: The features a cell family can have (the canonical row holds them all).
CELL_FEATURES = MappingProxyType({"lstm": frozenset({"peephole", "projection"}),
                                  "gru": frozenset({"reset_after", "reset_before"}), "rnn": frozenset()})
#: What a cell family's weights do not say, told whenever they are converted.
CELL_NOTES = MappingProxyType({"rnn": "a simple RNN's nonlinearity (tanh or relu) is not stored with its weights: "
                                      "build the target layer with the one the source used (the default is tanh)"})
#: What ``params`` says of a family's two biases, by whether the counted layout keeps two (True) or one.
BIAS_NOTES = MappingProxyType({"lstm": MappingProxyType({
    True: "Keras, MATLAB and TF1 keep one bias per gate (4k fewer per layer and direction); the two biases are "
          "only ever used as their sum.",
    False: "PyTorch, cuDNN and ONNX keep two biases per gate (4k more per layer and direction); Keras, MATLAB and "
           "TF1 keep one.",
})})
#: Cell families with a cell state c (an LSTM's c_n / Y_c).
CELL_STATE = frozenset({"lstm"})
#: Modes of a cell family: a model of the family has exactly one (the last is assumed when no array shows one).
CELL_MODES = MappingProxyType({"gru": ("reset_after", "reset_before")})
GATES = CELL_GATES["lstm"]
PEEPHOLE_GATES = ("i", "f", "o")

#: Features a model can have; a row lists those it can express.
FEATURE_TEXT = MappingProxyType({
    "peephole": "peephole connections", "projection": "a projection (proj_size)",
    "bidirectional": "two directions", "stacked": "stacked layers",
    "reset_after": "a reset gate applied after the recurrent product (reset_after=True)",
    "reset_before": "a reset gate applied before the recurrent product (reset_after=False)",
})

TF1_FORGET_BIAS = 1.0


@dataclass(frozen=True)
class Tensor:
    """One stored array of a layer (and direction): see the module docstring."""

    key: str  # template with {layer} and {direction}
    parts: tuple  # canonical kinds joined in this array
    join: str = "gates"  # "gates" (rows), "inputs" (columns), "stack" (a new leading axis)
    gates: tuple | None = None  # the gate blocks held (default: the row's gate or peephole order)
    transpose: bool = False  # stored as (inputs, blocks): x @ kernel
    column: bool = False  # vectors stored as (m, 1) columns
    feature: str | None = None  # present only with this feature


@dataclass(frozen=True)
class Layout:
    """One framework's layout of one cell family."""

    framework: str
    cell: str
    title: str
    gate_order: tuple  # canonical gate letters in the order the blocks are stored
    gate_labels: tuple  # the framework's own names for those blocks
    tensors: tuple
    features: frozenset  # what the framework can express
    always: frozenset = frozenset()  # features every model in this layout has
    defaults: frozenset = frozenset()  # features a model has unless told otherwise (Keras' reset_after=True)
    layer_key: str = "l{L}/"
    layer_key_always: bool = False  # the layer part of a key is there even with one layer
    direction_keys: tuple = ("forward/", "backward/")
    directions_on: str = "keys"  # "keys", "axis" (a leading D axis) or "rows" (directions' blocks stacked)
    peephole_order: tuple = PEEPHOLE_GATES
    forget_bias: float | None = None  # added to the forget gate's block at run time
    proj_below_hidden: bool = False  # the framework refuses p >= k
    runtime: str = ""  # how the framework's own code runs this row (for messages)

    @property
    def blocks(self):
        return len(self.gate_order)

    @property
    def two_biases(self):
        return any("c" in t.parts for t in self.tensors)


@dataclass(frozen=True)
class Framework:
    """A framework as a whole: its title and how it lays out sequences (templates over
    T, B, n, k, h, D; ``Dh`` is D h, ``DL`` is D L; a dense head's C outputs and F inputs)."""

    name: str
    title: str
    note: str
    batch_default: str  # how an unspecified batch is shown
    sequence_default: bool  # the output holds every step unless told otherwise
    shapes_sequence: tuple  # (name, template) pairs with every step
    shapes_last: tuple | None  # with only the last step (None: the framework has no such switch)
    states: tuple  # (name, template, needs a cell state)
    batch_first: tuple | None = None  # input and output with batch_first=True
    head: tuple = ()  # dense head: weight, bias and output names, weight and bias templates, replaced axis
    batchless: bool = False  # without --batch the batch axis is left out (B1: it is 1)
    shape_style: str = "tight tuple"  # how it prints an array's shape (a sizes.SHAPE_STYLES name): (None, 10, 32)


FRAMEWORKS = MappingProxyType({fw.name: fw for fw in (
    Framework("pytorch", "PyTorch nn.LSTM", "weight_ih_l{L} (4k, in), weight_hh_l{L} (4k, h), bias_ih_l{L} (4k), "
              "bias_hh_l{L} (4k), weight_hr_l{L} (p, k); suffix _reverse for the backward direction",
              "B", True, (("input", "T B n"), ("output", "T B Dh")), None,
              (("h_n", "DL B h", False), ("c_n", "DL B k", True)), batch_first=("B T n", "B T Dh"),
              head=("linear weight", "linear bias", "linear output", "C F", "C", -1)),
    Framework("keras", "Keras LSTM", "kernel (in, 4k), recurrent_kernel (k, 4k), bias (4k): transposed, "
              "x @ kernel; l{L}/ and forward/, backward/ prefixes for stacked and Bidirectional layers",
              "None", False, (("input", "B T n"), ("output", "B T Dh")), (("input", "B T n"), ("output", "B Dh")),
              (("h_n", "B h", False), ("c_n", "B k", True)),
              head=("dense kernel", "dense bias", "dense output", "F C", "C", -1)),
    Framework("onnx", "ONNX LSTM", "W [D, 4k, in], R [D, 4k, k], B [D, 8k] (Wb then Rb), P [D, 3k] (i, o, f); "
              "one node per layer, an _l{L} suffix on every key when there are several layers",
              "B", True, (("X", "T B n"), ("Y", "T D B h")), None,
              (("Y_h", "D B h", False), ("Y_c", "D B k", True)),
              head=("dense W", "dense B", None, "C F", "C", -1)),
    Framework("matlab", "MATLAB lstmLayer / bilstmLayer", "InputWeights 4k x in, RecurrentWeights 4k x k, "
              "Bias 4k x 1 (bilstmLayer: 8k rows, forward then backward); l{L}/ prefix for stacked layers",
              "B", True, (("input", "n B T"), ("output", "Dh B T")), (("input", "n B T"), ("output", "Dh B1")),
              (), head=("dense weights", "dense bias", "dense output", "C F", "C 1", 0), batchless=True,
              shape_style="tight"),
    Framework("tf1", "TensorFlow 1 LSTMCell", "kernel [in + h, 4k] on concat(x, h), bias [4k], forget_bias (1.0) "
              "added to f at run time, projection/kernel [k, p], w_i_diag/w_f_diag/w_o_diag [k]",
              "None", True, (("input", "B T n"), ("output", "B T Dh")), (("input", "B T n"), ("output", "B Dh")),
              (("h_n", "B h", False), ("c_n", "B k", True)),
              head=("dense kernel", "dense bias", "dense output", "F C", "C", -1)),
)})

_BOTH = frozenset({"bidirectional", "stacked"})
_TORCH = dict(layer_key="_l{L}", layer_key_always=True, direction_keys=("", "_reverse"))
_ONNX = dict(layer_key="_l{L}", direction_keys=("forward", "reverse"), directions_on="axis")
_TF1 = dict(direction_keys=("fw/", "bw/"))


def _torch(cell, title, order, labels, extra=(), features=_BOTH, **kw):
    key = "{layer}{direction}"
    tensors = (Tensor("weight_ih" + key, ("W",)), Tensor("weight_hh" + key, ("U",)),
               Tensor("bias_ih" + key, ("b",)), Tensor("bias_hh" + key, ("c",))) + extra
    return Layout("pytorch", cell, title, order, labels, tensors, features, **_TORCH, **kw)


def _keras(cell, title, order, labels, bias=(Tensor("{layer}{direction}bias", ("b",)),), **kw):
    tensors = (Tensor("{layer}{direction}kernel", ("W",), transpose=True),
               Tensor("{layer}{direction}recurrent_kernel", ("U",), transpose=True)) + bias
    return Layout("keras", cell, title, order, labels, tensors, kw.pop("features", _BOTH), **kw)


def _onnx(cell, title, order, labels, extra=(), features=_BOTH, **kw):
    tensors = (Tensor("W{layer}", ("W",)), Tensor("R{layer}", ("U",)), Tensor("B{layer}", ("b", "c"))) + extra
    return Layout("onnx", cell, title, order, labels, tensors, features, **_ONNX, **kw)


def _matlab(cell, title, order, labels, bias=("b",), features=_BOTH, **kw):
    tensors = (Tensor("{layer}InputWeights", ("W",)), Tensor("{layer}RecurrentWeights", ("U",)),
               Tensor("{layer}Bias", bias, column=True))
    return Layout("matlab", cell, title, order, labels, tensors, features, directions_on="rows", **kw)


LAYOUTS = (
    _torch("lstm", "PyTorch nn.LSTM", GATES, ("i", "f", "g", "o"),
           (Tensor("weight_hr{layer}{direction}", ("W_hr",), feature="projection"),),
           _BOTH | {"projection"}, proj_below_hidden=True, runtime="torch.nn.LSTM"),
    _keras("lstm", "Keras LSTM", GATES, ("i", "f", "c", "o"), runtime="keras.layers.LSTM"),
    _onnx("lstm", "ONNX LSTM", ("i", "o", "f", "g"), ("i", "o", "f", "c"),
          (Tensor("P{layer}", ("p",), gates=("i", "o", "f"), feature="peephole"),), _BOTH | {"peephole"},
          runtime="the ONNX LSTM operator"),
    _matlab("lstm", "MATLAB lstmLayer / bilstmLayer", GATES, ("i", "f", "g", "o"), runtime="lstmLayer"),
    Layout("tf1", "lstm", "TensorFlow 1 LSTMCell", ("i", "g", "f", "o"), ("i", "j", "f", "o"), (
        Tensor("{layer}{direction}kernel", ("W", "U"), join="inputs", transpose=True),
        Tensor("{layer}{direction}bias", ("b",)),
        Tensor("{layer}{direction}projection/kernel", ("W_hr",), transpose=True, feature="projection"),
        *(Tensor(f"{{layer}}{{direction}}w_{g}_diag", ("p",), gates=(g,), feature="peephole")
          for g in PEEPHOLE_GATES),
    ), _BOTH | {"peephole", "projection"}, forget_bias=TF1_FORGET_BIAS, runtime="tf.nn.rnn_cell.LSTMCell", **_TF1),
    _torch("gru", "PyTorch nn.GRU", ("r", "z", "n"), ("r", "z", "n"), always=frozenset({"reset_after"}),
           features=_BOTH | {"reset_after"}, runtime="torch.nn.GRU"),
    _keras("gru", "Keras GRU", ("z", "r", "n"), ("z", "r", "h"), bias=(
        Tensor("{layer}{direction}bias", ("b", "c"), join="stack", feature="reset_after"),
        Tensor("{layer}{direction}bias", ("b",), feature="reset_before")),
        features=_BOTH | {"reset_after", "reset_before"}, defaults=frozenset({"reset_after"}),
        runtime="keras.layers.GRU"),
    _onnx("gru", "ONNX GRU (linear_before_reset=1)", ("z", "r", "n"), ("z", "r", "h"),
          always=frozenset({"reset_after"}), features=_BOTH | {"reset_after"}, runtime="the ONNX GRU operator"),
    _matlab("gru", "MATLAB gruLayer (ResetGateMode recurrent-bias-after-multiplication)", ("r", "z", "n"),
            ("r", "z", "h"), bias=("b", "c"), always=frozenset({"reset_after"}), features=_BOTH | {"reset_after"},
            runtime="gruLayer"),
    _torch("rnn", "PyTorch nn.RNN", ("h",), ("h",), runtime="torch.nn.RNN"),
    _keras("rnn", "Keras SimpleRNN", ("h",), ("h",), runtime="keras.layers.SimpleRNN"),
    _onnx("rnn", "ONNX RNN", ("h",), ("h",), runtime="the ONNX RNN operator"),
)


def _canonical(cell):
    """The canonical separate layout as a row (one array per tensor name, column biases)."""
    gates, features = CELL_GATES[cell], CELL_FEATURES[cell]
    kinds = ("W", "U", "b") + (("c",) if "reset_after" in features else ())
    tensors = tuple(Tensor(f"{{layer}}{{direction}}{kind}_{g}", (kind,), gates=(g,), column=kind in "bc",
                           feature="reset_after" if kind == "c" else None) for g in gates for kind in kinds)
    tensors += tuple(Tensor(f"{{layer}}{{direction}}p_{g}", ("p",), gates=(g,), column=True, feature="peephole")
                     for g in PEEPHOLE_GATES if "peephole" in features)
    tensors += tuple(Tensor("{layer}{direction}W_hr", ("W_hr",), feature="projection") for _ in [0]
                     if "projection" in features)
    biases = "" if "reset_after" in features else ", one bias per gate"
    return Layout("canonical", cell, f"canonical {CELL_TITLES[cell]} cell (separate layout{biases})",
                  gates, gates, tensors, _BOTH | features)


CANONICAL = MappingProxyType({cell: _canonical(cell) for cell in CELL_GATES})


def variant_features(variant):
    """The features a framework layout needs for an LSTM :class:`~lstm_symbolic.variants.Variant`
    row: ``peephole`` when its gates see the cell, ``projection`` when h is projected."""
    return frozenset(f for f, on in (("peephole", bool(variant.peepholes)), ("projection", variant.projection)) if on)


def lstm_variant(features):
    """The name of the LSTM variant a model with these features is, or ``None`` when no variant
    has them all (peepholes and a projection together).

    The frameworks' LSTM is the first row of :data:`~lstm_symbolic.variants.VARIANTS` (the
    standard cell) with its features added; the other rows without features (no forget
    gate, coupled gates, no output tanh) are no framework's layer.

    >>> lstm_variant(frozenset()), lstm_variant({"peephole"}), lstm_variant({"peephole", "projection"})
    ('standard', 'peephole', None)
    """
    return next((name for name, v in VARIANTS.items() if variant_features(v) == set(features)), None)


def framework_variants():
    """The LSTM variants the frameworks' layers have (the standard cell, with peepholes, with a projection)."""
    return [name for name, v in VARIANTS.items() if lstm_variant(variant_features(v)) == name]


def frameworks_with(cell):
    """The frameworks with a layout of the cell family ``cell``, in table order.

    >>> frameworks_with("rnn")
    ('pytorch', 'keras', 'onnx')
    """
    return tuple(dict.fromkeys(row.framework for row in LAYOUTS if row.cell == cell))


def default_features(cell):
    """framework -> the features its layout of ``cell`` has unless told otherwise (``always`` and ``defaults``).

    >>> default_features("gru")["keras"], default_features("rnn")["onnx"]
    (frozenset({'reset_after'}), frozenset())
    """
    return MappingProxyType({row.framework: row.always | row.defaults for row in LAYOUTS if row.cell == cell})


def get_framework(name):
    """The :class:`Framework` row named ``name`` (a UsageError lists the valid names)."""
    return lookup(FRAMEWORKS, name, "framework")


def layouts_of(framework, cell=None):
    """The layout rows of a framework (``None``: the canonical cell), optionally of one cell family."""
    if framework is None:
        return [CANONICAL[c] for c in CELL_GATES if cell in (None, c)]
    get_framework(framework)
    return [row for row in LAYOUTS if row.framework == framework and cell in (None, row.cell)]


def get_layout(framework, cell="lstm"):
    """The row of one framework and cell family, or a UsageError naming the frameworks that have it."""
    rows = layouts_of(framework, cell)
    if not rows:
        raise UsageError(f"{get_framework(framework).title.split()[0]} has no {CELL_TITLES[cell]} layout in this "
                         f"tool; frameworks with one: {', '.join(frameworks_with(cell))}")
    return rows[0]


"""A model summary from model code: per layer its output shape, parameters and tensors, then totals.

The code is read by :mod:`modelcode` (never executed), every layer is walked through the layer
table (:mod:`layers`), along the data flow when the code has one (a PyTorch ``forward``, Keras'
functional style) or one layer after another (``Sequential``, a layer array).

>>> s = summarize("model = Sequential([Embedding(1000, 64, input_shape=(10,)), LSTM(32), Dense(3)])")
>>> [(layer.name, layer.output_shape, layer.params) for layer in s.layers]
[('embedding', (None, 10, 64), 64000), ('lstm', (None, 32), 12416), ('dense', (None, 3), 99)]
>>> s.total_params, s.complete
(76515, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import UsageError
from .layers import LayerContradiction, LayerProblem, apply_layer, shape_text
from .layers_keras import declared_input
from .modelcode import Apply, Concat, Opaque, Select, read_model


def _no_declared_input(kwargs):
    return None


@dataclass(frozen=True)
class _Style:
    """How a framework's model code looks, as the summary reads and quotes it.

    ``prefix``: written before a layer type when a call is quoted (``nn.Linear(64, 3)``);
    ``keyword``: how a named argument is quoted; ``snake_names``: unnamed layers are named by their
    snake-cased type without ``Layer`` (Keras' ``lstm_1``), else by the lower-cased type;
    ``declared_input``: the input a layer declares itself (Keras' ``input_shape=``);
    ``input_types``: layers that are the model input; ``no_input_shape``: why ``--input-shape`` is
    refused (None: it is accepted); ``sequential_tuples``: a Sequential passes a layer's whole returned
    tuple on (PyTorch); ``last_step``: recurrent layers that output only the last step unless given
    ``return_sequences=True``."""

    prefix: str = ""
    keyword: str = "{k}={v!r}"
    snake_names: bool = True
    declared_input: object = _no_declared_input
    input_types: tuple = ()
    no_input_shape: str | None = None
    sequential_tuples: bool = False
    last_step: tuple = ()


_STYLES = {
    "keras": _Style(declared_input=declared_input, input_types=("Input", "InputLayer"),
                    last_step=("LSTM", "GRU", "SimpleRNN")),
    "pytorch": _Style(prefix="nn.", snake_names=False, sequential_tuples=True),
    "matlab": _Style(keyword="{k!r}, {v!r}", no_input_shape=(
        "a MATLAB layer array gives its input size in sequenceInputLayer; --input-shape is for PyTorch modules and "
        "Keras models without an input shape")),
}


@dataclass
class LayerSummary:
    """One layer: ``dims`` keeps open dimensions by name ("None", "B", "T", "*"),
    ``output_shape`` has None for them; ``states`` are further outputs (h_n, c_n, state_h ...)."""

    name: str
    type: str
    line: int
    dims: tuple | None = None
    params: int | None = None
    states: dict = field(default_factory=dict)
    tensors: dict = field(default_factory=dict)
    inner: str | None = None

    @property
    def output_shape(self):
        return None if self.dims is None else _open(self.dims)

    @property
    def state_shapes(self):
        return {name: _open(dims) for name, dims in self.states.items()}


@dataclass(frozen=True)
class Problem:
    """Something not understood (``kind="unread"``) or a shape contradiction (``"contradiction"``)."""

    line: int
    message: str
    kind: str = "unread"


@dataclass
class Summary:
    framework: str
    layers: list
    problems: list
    input_shape: tuple | None = None

    @property
    def total_params(self):
        return sum(layer.params or 0 for layer in self.layers)

    @property
    def complete(self):
        return not self.problems and all(layer.params is not None for layer in self.layers)

    @property
    def contradictions(self):
        return [p for p in self.problems if p.kind == "contradiction"]


def _open(dims):
    return tuple(d if isinstance(d, int) else None for d in dims)


def _snake(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _names(code):
    """Each layer's name: its own (``name=``, ``'Name'``, the attribute), else the type numbered as
    Keras does (``lstm``, ``lstm_1``)."""
    counts, names = {}, []
    for call in code.layers:
        given = call.kwargs.get("name", call.kwargs.get("Name"))
        if not isinstance(given, str):
            given = call.name
        if not isinstance(given, str):
            base = _snake(call.type.removesuffix("Layer")) if _STYLES[call.framework].snake_names else call.type.lower()
            given = base if base not in counts else f"{base}_{counts[base]}"
            counts[base] = counts.get(base, 0) + 1
        names.append(given)
    return names


def summarize(text, framework=None, input_shape=None):
    """A :class:`Summary` of the model that ``text`` defines (see the module docstring).

    ``input_shape``: the full input shape, batch included (``(5, 7, 10)``), for code that does
    not give one (PyTorch modules; Keras models without an input shape).  Raises UsageError for
    text that is no model code; everything else not understood is in ``problems``.
    """
    code = read_model(text, framework)
    if input_shape is not None:
        input_shape = _check_input_shape(code, input_shape)
    walk = _Walk(code, input_shape)
    if code.flow and any(isinstance(step, Apply) for step in code.flow):
        walk.follow_flow()
    else:
        walk.chain()
    problems = [Problem(line, message) for line, message in code.problems] + walk.problems
    if not code.layers:
        problems.append(Problem(0, "no layers found in the code"))
    return Summary(code.framework, walk.summaries, sorted(problems, key=lambda p: p.line), input_shape)


def _check_input_shape(code, shape):
    shape = tuple(shape)
    if not shape or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape):
        raise UsageError(f"the input shape must be positive integers, got {shape!r}")
    style = _STYLES[code.framework]
    if style.no_input_shape:
        raise UsageError(style.no_input_shape)
    given = [c for c in code.layers if c.type in style.input_types or style.declared_input(c.kwargs)]
    if given:
        raise UsageError(f"the code gives the input shape already (line {given[0].line}); --input-shape is "
                         "for code that does not")
    return shape


@dataclass(frozen=True)
class _Tensor:
    """A value in the walk: its dims (None: unknown) and the layer that produced it (None: the input)."""

    dims: tuple | None
    origin: int | None
    failed: bool = False  # unknown because of a contradiction (already reported)


_UNKNOWN = _Tensor(None, None)


def _main(value):
    """The main output of a layer's value (the first of a tuple such as (output, (h_n, c_n)))."""
    while isinstance(value, tuple):
        value = value[0] if value else _UNKNOWN
    return value


def _call_text(call):
    """The call as the code writes it, shortened: ``nn.Linear(64, 3)``, ``lstmLayer(100, 'OutputMode', 'last')``."""
    style = _STYLES[call.framework]
    args = [repr(a) for a in call.args] + [style.keyword.format(k=k, v=v) for k, v in call.kwargs.items()]
    text = f"{style.prefix}{call.type}({', '.join(args)})"
    return text if len(text) <= 70 else text[:67] + "...)"


class _Walk:
    """Runs every layer through the table, in a chain or along the code's data flow."""

    def __init__(self, code, input_shape):
        self.code, self.input = code, input_shape
        self.summaries = [LayerSummary(name, call.type, call.line) for name, call in zip(_names(code), code.layers)]
        self.problems = []
        self.done = set()

    def chain(self):
        value = _Tensor(self.input, None) if self.input else _UNKNOWN
        layers = self.code.layers
        for index, call in enumerate(layers):
            result = self.run(index, value)
            following = layers[index + 1] if index + 1 < len(layers) else None
            if isinstance(result, tuple) and _STYLES[call.framework].sequential_tuples and call.group is not None and \
                    following is not None and following.group == call.group:
                self.contradiction(following.line, f"{_call_text(following)} on line {following.line} receives the "
                                   f"whole tuple {call.type} returns (output and states): nn.Sequential passes it "
                                   "on as it is, and PyTorch rejects it\n  hint: write a forward() that takes the "
                                   f"output of the {call.type} (out, _ = self.{call.type.lower()}(x)) and indexes it")
            value = _main(result)

    def follow_flow(self):
        names = {}
        used = {s.source for s in self.code.flow if isinstance(s, (Apply, Select))} | \
            {src for s in self.code.flow if isinstance(s, Concat) for src in s.sources}
        for step in self.code.flow:
            if isinstance(step, Apply):
                source = None if step.source is None else names.get(step.source)
                if source is None and step.source in self.code.inputs and self.input:
                    source = _Tensor(self.input, None)
                self.bind(names, step.target, self.run(step.layer, source or _UNKNOWN), step.line)
            elif isinstance(step, Select):
                value = names.get(step.source, _UNKNOWN)
                names[step.target] = value if step.same else self.index(value, step.index, step.line)
            elif isinstance(step, Concat):
                names[step.target] = self.concat([names.get(s, _UNKNOWN) for s in step.sources], step.dim, step.line)
            elif isinstance(step, Opaque):
                names[step.target] = _UNKNOWN
                if step.target in used:
                    self.problems.append(Problem(step.line, f"{step.text}: not followed; shapes computed from it "
                                                            "are unknown"))
        for index in range(len(self.code.layers)):
            if index not in self.done:  # defined but not used in the data flow: count its parameters only
                self.run(index, _UNKNOWN)
                self.summaries[index].dims, self.summaries[index].states = None, {}

    def run(self, index, value):
        """The layer's value (a _Tensor, or a tuple of them as the layer returns them)."""
        call, summary = self.code.layers[index], self.summaries[index]
        x = value.dims if isinstance(value, _Tensor) else None
        if x is None:
            x = _STYLES[call.framework].declared_input(call.kwargs)
        first = index not in self.done
        self.done.add(index)
        try:
            out = apply_layer(call, x)
        except LayerProblem as err:
            if first:
                self.problems.append(Problem(call.line, f"{_call_text(call)}: {err}"))
            return _Tensor(None, index)
        except LayerContradiction as err:
            self.contradiction(call.line, self.contradiction_text(call, err, value))
            return _Tensor(None, index, failed=True)
        if first:
            summary.dims, summary.params, summary.states = out.output, out.params, out.states
            summary.tensors, summary.inner = out.tensors or {}, out.inner
            if out.missing and not (isinstance(value, _Tensor) and value.failed):
                self.problems.append(Problem(call.line, f"{_call_text(call)}: {out.missing}; its parameters are "
                                                        "not counted"))
        named = {"output": out.output} | out.states

        def build(structure):
            if isinstance(structure, str):
                return _Tensor(named.get(structure), index)
            return tuple(build(s) for s in structure)

        return build(out.structure)

    def bind(self, names, target, value, line):
        if isinstance(target, str):
            if target != "_":
                names[target] = value
        elif isinstance(value, tuple) and len(value) == len(target):
            for t, v in zip(target, value):
                self.bind(names, t, v, line)
        else:
            count = len(value) if isinstance(value, tuple) else 1
            if isinstance(value, tuple) or value.dims is not None:
                self.contradiction(line, f"line {line} unpacks {len(target)} values from a layer that returns {count}")
            for t in target:
                self.bind(names, t, _UNKNOWN, line)

    def contradiction(self, line, message):
        self.problems.append(Problem(line, message, "contradiction"))

    def origin_text(self, value):
        if not isinstance(value, _Tensor) or value.origin is None:
            return "the model input" + (f" (input shape {shape_text(self.input)})" if self.input else "")
        call = self.code.layers[value.origin]
        return f"{_call_text(call)} on line {call.line}"

    def contradiction_text(self, call, err, value):
        reason = str(err)
        text = f"{_call_text(call)} on line {call.line} {reason}\n  its input comes from {self.origin_text(value)}"
        numbers = re.search(r"expects (\d+) .*got (\d+)", reason)
        if numbers and int(numbers.group(2)) == 2 * int(numbers.group(1)):
            text += ("\n  hint: the input has twice the features expected: a bidirectional layer outputs both "
                     "directions side by side (2 x hidden_size)")
        origin = self.code.layers[value.origin] if isinstance(value, _Tensor) and value.origin is not None else None
        if "3-D" in reason and origin is not None and origin.type in _STYLES[origin.framework].last_step and \
                not origin.kwargs.get("return_sequences"):
            text += (f"\n  hint: give the {origin.type} on line {origin.line} return_sequences=True: without it, it "
                     "outputs only the last step (batch, units)")
        return text

    def index(self, value, index, line):
        """``value[index]`` as NumPy/PyTorch index: ints drop a dimension, slices keep it, None adds one."""
        if isinstance(value, tuple):
            if len(index) == 1 and isinstance(index[0], int) and -len(value) <= index[0] < len(value):
                return value[index[0]]
            return _UNKNOWN
        if value.dims is None or value.dims[:1] == ("*",):
            return _Tensor(None, value.origin)
        dims, explicit = list(value.dims), sum(1 for i in index if i is not None and i is not Ellipsis)
        if explicit > len(dims):
            self.contradiction(line, f"line {line} indexes {explicit} dimensions of a {len(dims)}-D tensor "
                                     f"{shape_text(value.dims)} from {self.origin_text(value)}")
            return _Tensor(None, value.origin)
        expanded = []
        for item in index:
            expanded.extend([slice(None)] * (len(dims) - explicit) if item is Ellipsis else [item])
        out, axis = [], 0
        for item in expanded:
            if item is None:
                out.append(1)
                continue
            extent = dims[axis]
            if isinstance(item, int) and isinstance(extent, int) and not -extent <= item < extent:
                self.contradiction(line, f"line {line} takes index {item} of dimension {axis} (size {extent}) of "
                                         f"{shape_text(value.dims)} from {self.origin_text(value)}")
                return _Tensor(None, value.origin)
            if isinstance(item, slice):
                out.append(len(range(extent)[item]) if isinstance(extent, int) else
                           extent if item == slice(None) else "?")
            axis += 1
        return _Tensor(tuple(out + dims[axis:]), value.origin)

    def concat(self, values, dim, line):
        shapes = [v.dims for v in values if isinstance(v, _Tensor)]
        if len(shapes) != len(values) or any(s is None or s[:1] == ("*",) for s in shapes):
            return _UNKNOWN
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes) or not -rank <= dim < rank:
            self.contradiction(line, f"line {line} concatenates tensors of shapes "
                                     + ", ".join(shape_text(s) for s in shapes) + f" along dimension {dim}")
            return _UNKNOWN
        axis = dim % rank
        for other in range(rank):
            sizes = {s[other] for s in shapes}
            if other != axis and len(sizes) > 1 and all(isinstance(d, int) for d in sizes):
                self.contradiction(line, f"line {line} concatenates along dimension {dim} tensors whose dimension "
                                         f"{other} differs: " + ", ".join(shape_text(s) for s in shapes))
                return _UNKNOWN
        along = [s[axis] for s in shapes]
        total = sum(along) if all(isinstance(d, int) for d in along) else "?"
        return _Tensor(shapes[0][:axis] + (total,) + shapes[0][axis + 1:], values[0].origin)

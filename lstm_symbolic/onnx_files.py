"""ONNX ``.onnx`` weight files: the ``LSTM`` / ``GRU`` / ``RNN`` nodes' initializers in, a
complete runnable model out.

Reading takes the recurrent nodes in graph order as the stacked layers (``W``, ``R``, ``B``,
``P``; ``_l1`` ... for the layers above the first) and refuses what the canonical cell cannot
express (clip, coupled input-forget gate, other activations, a reverse-only layer, a GRU
with ``linear_before_reset=0``).  Writing builds a graph that ``onnxruntime`` runs:
input ``X`` [T, B, n] (and ``initial_h``, ``initial_c`` [L D, B, h] with ``initial_states``),
outputs ``Y`` [T, D, B, h] of the last layer and ``Y_h``, ``Y_c`` [L D, B, h] of every layer
(PyTorch's h_n, c_n order).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .errors import UsageError
from .npz import check_regular_file
from .output import write_output


#: ONNX operator of each cell family, its default activations per direction, and its state outputs.
class Op(NamedTuple):
    """The ONNX operator of a cell family: its name, default activations, states, and the attributes
    the canonical cell needs, as ``(attribute, value, what another value means)``."""

    name: str
    activations: list
    states: tuple
    required: tuple = ()


OPS = {"lstm": Op("LSTM", ["Sigmoid", "Tanh", "Tanh"], ("h", "c")),
       "gru": Op("GRU", ["Sigmoid", "Tanh"], ("h",), (
           ("linear_before_reset", 1, "linear_before_reset = 0 (the reset gate before the recurrent product)"),)),
       "rnn": Op("RNN", ["Tanh"], ("h",))}
OPSET = 14


def load(path):
    """``({key: array}, notes)`` from the recurrent nodes of an ONNX model."""
    import onnx
    from onnx import numpy_helper

    check_regular_file(path)
    try:
        model = onnx.load(path)
    except Exception as err:  # protobuf raises its own DecodeError
        raise UsageError(f"{path} is not a readable ONNX model ({str(err)[:120]})") from None
    constants = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    constants.update({n.output[0]: numpy_helper.to_array(a.t) for n in model.graph.node
                      if n.op_type == "Constant" for a in n.attribute if a.name == "value"})
    nodes = [n for n in model.graph.node if n.op_type in {op.name for op in OPS.values()}]
    if not nodes:
        raise UsageError(f"{path} has no LSTM, GRU or RNN node")
    arrays = {}
    for index, node in enumerate(nodes):
        _check_node(node, path)
        suffix = f"_l{index}" if len(nodes) > 1 else ""
        for name, position in (("W", 1), ("R", 2), ("B", 3), ("P", 7)):
            source = node.input[position] if len(node.input) > position else ""
            if source and source not in constants:
                raise UsageError(f"{path}: input {source!r} of node {node.name or node.op_type} is computed in the "
                                 "graph, not stored; this tool reads stored weights only")
            if source:
                arrays[name + suffix] = constants[source]
        if "B" + suffix not in arrays:  # optional in ONNX: zero
            w = arrays["W" + suffix]
            arrays["B" + suffix] = np.zeros((w.shape[0], 2 * w.shape[1]), w.dtype)
    notes = [f"read {len(nodes)} {nodes[0].op_type} node(s) as stacked layers, in graph order"]
    return arrays, notes


def _check_node(node, path):
    from onnx import helper

    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    op = next(op for op in OPS.values() if op.name == node.op_type)
    direction = attrs.get("direction", b"forward")
    direction = direction.decode() if isinstance(direction, bytes) else direction
    defaults = op.activations * (2 if direction == "bidirectional" else 1)
    activations = [a.decode() if isinstance(a, bytes) else a for a in attrs.get("activations", defaults)]
    problems = [text for text, bad in (
        (f"clip = {attrs.get('clip')}", "clip" in attrs),
        ("input_forget = 1 (a coupled input-forget gate)", attrs.get("input_forget", 0)),
        (f"activations {activations}", activations != defaults),
        ("direction reverse (a layer that only reads backwards)", direction == "reverse"),
    ) + tuple((text, attrs.get(name, 0) != value) for name, value, text in op.required) if bad]
    if problems:
        raise UsageError(f"{path}: node {node.name or node.op_type} has {', '.join(problems)}, which the canonical "
                         f"{node.op_type} cell does not express")


def save(path, arrays, model, initial_states=False, **_):
    """A complete ONNX model that runs the layers (see the module docstring)."""
    import onnx
    from onnx import helper, numpy_helper

    first = arrays["W" if "W" in arrays else "W_l0"]
    elem = helper.np_dtype_to_tensor_dtype(first.dtype)
    L, D, k = model.num_layers, model.num_directions, model.hidden_size
    states = OPS[model.cell].states
    graph_inputs = [helper.make_tensor_value_info("X", elem, ["T", "B", model.input_size])]
    if initial_states:
        graph_inputs += [helper.make_tensor_value_info(f"initial_{s}", elem, [L * D, "B", k]) for s in states]
    nodes, inits = [], [numpy_helper.from_array(a, name) for name, a in arrays.items()]
    x, finals = "X", {s: [] for s in states}
    for layer in range(L):
        x = _layer(nodes, inits, model, layer, x, finals, initial_states, "P" in arrays or "P_l0" in arrays)
    nodes.append(helper.make_node("Identity", [x], ["Y"]))
    for s, names in finals.items():
        nodes.append(helper.make_node("Concat", names, [f"Y_{s}"], axis=0))
    outputs = [helper.make_tensor_value_info("Y", elem, ["T", D, "B", k])]
    outputs += [helper.make_tensor_value_info(f"Y_{s}", elem, [L * D, "B", k]) for s in states]
    graph = helper.make_graph(nodes, "recurrent", graph_inputs, outputs, inits)
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                   producer_name="lstm-symbolic")
    onnx_model.ir_version = 8
    onnx.checker.check_model(onnx_model)
    write_output(path, onnx_model.SerializeToString())
    if first.dtype != np.float32:
        return [f"the model computes in {first.dtype}, which onnxruntime's {OPS[model.cell].name} operator does not "
                "run (ONNX's reference evaluator does): convert with --dtype float32 for onnxruntime"]
    return []


def _layer(nodes, inits, model, layer, x, finals, initial_states, peephole):
    """One recurrent node (and the reshaping of its output into the next layer's input)."""
    from onnx import helper, numpy_helper

    op, _, states, required = OPS[model.cell]
    L, D = model.num_layers, model.num_directions
    sfx, tag = (f"_l{layer}" if L > 1 else ""), f"_l{layer}"  # weight names; names inside the graph
    initial = []
    for s in states:
        if initial_states:
            bounds = [numpy_helper.from_array(np.array([v], np.int64), f"slice_{s}{tag}_{i}")
                      for i, v in enumerate((layer * D, (layer + 1) * D, 0))]
            inits.extend(bounds)
            nodes.append(helper.make_node("Slice", [f"initial_{s}"] + [b.name for b in bounds], [f"h0_{s}{tag}"]))
        initial.append(f"h0_{s}{tag}" if initial_states else "")
    inputs = [x, "W" + sfx, "R" + sfx, "B" + sfx, ""] + initial + (["P" + sfx] if peephole else [])
    attrs = dict(hidden_size=model.hidden_size, direction="bidirectional" if D == 2 else "forward")
    attrs.update({name: value for name, value, _ in required})
    outputs = [f"Y{tag}"] + [f"Y_{s}{tag}" for s in states]
    nodes.append(helper.make_node(op, inputs, outputs, **attrs))
    for s in states:
        finals[s].append(f"Y_{s}{tag}")
    if layer == L - 1:
        return outputs[0]
    inits.append(numpy_helper.from_array(np.array([0, 0, -1], np.int64), f"shape{tag}"))
    nodes.append(helper.make_node("Transpose", [outputs[0]], [f"Y{tag}_tbdk"], perm=[0, 2, 1, 3]))
    nodes.append(helper.make_node("Reshape", [f"Y{tag}_tbdk", f"shape{tag}"], [f"X_l{layer + 1}"]))
    return f"X_l{layer + 1}"

"""Keras and PyTorch model code read with :mod:`ast` into layers and data flow (nothing executed).

Understood: ``Sequential([...])`` and ``model.add(...)``, the Keras functional style
(``x = LSTM(32)(x)``), a PyTorch module's ``__init__`` (``self.lstm = nn.LSTM(...)``,
``nn.Sequential``) and its ``forward`` (layer calls, indexing such as ``out[:, -1, :]``,
``torch.cat``, elementwise functions), single layer calls as fragments, and names bound to
literal values (``hidden = 128``, ``__init__`` defaults, ``self.hidden = hidden``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from .errors import UsageError
from .modelcode_flow import FlowReader, structure
from .modelcode_literals import Literals, dotted
from .modelcode_nodes import Apply, LayerCall, ModelCode, Unknown


@dataclass(frozen=True)
class _Syntax:
    """How one framework's Python code writes a model.

    ``known``: layer classes recognised outside a Sequential list or ``add`` (a bare ``LSTM(...)``
    fragment); ``module``: the module path that marks any layer class (``nn.GRU``, ``layers.GRU``);
    ``list_sequential``: ``Sequential([...])`` takes one list (Keras) rather than the layers as
    arguments (PyTorch); ``numbered``: layers of a named Sequential are named ``seq.0``, ``seq.1``
    (PyTorch's attribute names); ``functional``: layers are applied by calling them (``LSTM(32)(x)``)."""

    known: frozenset
    module: str
    list_sequential: bool
    numbered: bool
    functional: bool


_SYNTAX = {
    "keras": _Syntax(frozenset({
        "Input", "InputLayer", "Embedding", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "Dense", "Dropout",
        "TimeDistributed", "RepeatVector", "Flatten", "Activation", "Masking", "SpatialDropout1D",
        "BatchNormalization", "LayerNormalization", "GlobalAveragePooling1D", "GlobalMaxPooling1D", "Conv1D",
        "Reshape", "Permute", "ConvLSTM2D", "LSTMCell", "GRUCell", "RNN"}),
        "layers.", list_sequential=True, numbered=False, functional=True),
    "pytorch": _Syntax(frozenset({
        "Embedding", "LSTM", "GRU", "RNN", "Linear", "Dropout", "LSTMCell", "GRUCell", "RNNCell", "ReLU", "Tanh",
        "Sigmoid", "Softmax", "LogSoftmax", "Flatten", "LayerNorm", "Identity"}),
        "nn.", list_sequential=False, numbered=True, functional=False),
}
_CONTAINERS = {"Sequential", "ModuleList"}
#: Keras layers that are a model input, not applied to one (``Input(shape=...)``).
_INPUTS = ("Input", "InputLayer")


class _Reader:
    """One pass over a module; collects layers, constants and the data flow into ``self.code``."""

    def __init__(self, framework):
        self.code = ModelCode(framework)
        self.syntax = _SYNTAX[framework]
        self.literals = Literals(self.nested_layer)
        self.env = self.literals.env
        self.value = self.literals.value
        self.groups = {}  # attribute or variable -> indices of its layers (nn.Sequential)
        self.flow = FlowReader(self)
        self.instances = {}  # class name -> the module-level call creating it (``model = Net(28)``)

    # -- layers ---------------------------------------------------------------------------
    def layer_type(self, func, anywhere=False):
        """The class name of a layer constructor (``nn.LSTM`` -> ``LSTM``), or None.

        ``anywhere``: only known layer classes or names under ``nn.`` / ``layers.`` count (a call
        outside a Sequential list might be anything)."""
        name = dotted(func)
        if name is None:
            return None
        last = name.rsplit(".", 1)[-1]
        if not last[:1].isupper() or last in _CONTAINERS | {"Model", "Module"} or last.endswith("Loss"):
            return None
        marked = name[:-len(last)].endswith(self.syntax.module)
        if anywhere and not marked and last not in self.syntax.known:
            return None
        return last

    def nested_layer(self, node):
        """The LayerCall of a call used as a value (``Bidirectional(LSTM(8))``), or None if not a layer."""
        return self.layer_call(node) if self.layer_type(node.func, anywhere=True) else None

    def layer_call(self, node, name=None):
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                self.code.problem(node.lineno, f"**{ast.unparse(kw.value)}: keyword arguments passed as a "
                                               "dictionary are not read")
                continue
            kwargs[kw.arg] = self.value(kw.value)
        args = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                self.code.problem(node.lineno, f"*{ast.unparse(a.value)}: starred arguments are not read")
                continue
            args.append(self.value(a))
        return LayerCall(self.layer_type(node.func) or dotted(node.func) or "?", tuple(args), kwargs,
                         node.lineno, self.code.framework, name)

    def add_layer(self, node, name=None, group=None):
        """Record the layer constructed by call ``node``; its index in ``code.layers``."""
        if not isinstance(node, ast.Call) or self.layer_type(node.func) is None:
            self.code.problem(getattr(node, "lineno", 0), f"{ast.unparse(node)}: not a layer this tool reads")
            return None
        call = self.layer_call(node, name)
        self.code.layers.append(call if group is None else replace(call, group=group))
        if name:
            self.groups[name] = [len(self.code.layers) - 1]
        return len(self.code.layers) - 1

    def sequential(self, node, name):
        """A ``Sequential(...)`` call: its layers recorded, their indices bound to ``name``."""
        items = list(node.args)
        if self.syntax.list_sequential:
            items = [kw.value for kw in node.keywords if kw.arg == "layers"] or items[:1]
            items = items[0].elts if items and isinstance(items[0], (ast.List, ast.Tuple)) else items
        indices = []
        for i, item in enumerate(items):
            index = self.add_layer(item, f"{name}.{i}" if name and self.syntax.numbered else None,
                                   group=name or "")
            if index is not None:
                indices.append(index)
        if name:
            self.groups[name] = indices
        return indices

    # -- statements -----------------------------------------------------------------------
    def statements(self, body):
        for stmt in body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                self.assign(targets, stmt.value)
            elif isinstance(stmt, (ast.Expr, ast.Return)) and stmt.value is not None:
                self.expression(stmt.value)
            elif isinstance(stmt, ast.ClassDef):
                self.class_def(stmt)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.defaults(stmt.args)
                self.statements(stmt.body)
            elif isinstance(stmt, (ast.With, ast.If, ast.Try)):
                self.statements(stmt.body)  # `with strategy.scope():`, `if __name__ == ...:`

    def assign(self, targets, value):
        names = [dotted(t) for t in targets]
        if isinstance(value, ast.Call):
            func_type = dotted(value.func) or ""
            if func_type.rsplit(".", 1)[-1] in _CONTAINERS:
                self.sequential(value, names[0].removeprefix("self.") if names[0] else None)
                return
            if self.functional(value):
                for target in targets:
                    self.flow.expression(value, structure(target))
                return
            if self.layer_type(value.func, anywhere=not any(n and n.startswith("self.") for n in names)):
                self.add_layer(value, names[0].removeprefix("self.") if names[0] else None)
                return
            if self.nested_functional(value):
                return
        found = self.value(value)
        for name in names:
            if name is not None and not isinstance(found, Unknown):
                self.env[name] = found

    def functional(self, node):
        """Keras functional style: ``LSTM(32)(x)`` or ``Input(shape=...)``."""
        if not self.syntax.functional or not isinstance(node, ast.Call):
            return False
        inner = node.func
        return (isinstance(inner, ast.Call) and self.layer_type(inner.func) is not None) or \
            self.layer_type(inner) in _INPUTS

    def nested_functional(self, node):
        """Keras layers applied inside another call (``Model(inputs, Dense(3)(x))``); whether any was."""
        inner = [a for a in list(node.args) + [k.value for k in node.keywords] if self.functional(a)]
        for argument in inner:
            self.flow.expression(argument, "_")
        return bool(inner)

    def expression(self, node):
        """A bare expression: ``model.add(LSTM(...))``, ``Sequential([...])`` or a lone layer call."""
        if not isinstance(node, ast.Call):
            return
        func = dotted(node.func) or ""
        if func.endswith(".add") and node.args:
            self.add_layer(node.args[0])
        elif func.rsplit(".", 1)[-1] in _CONTAINERS:
            self.sequential(node, None)
        elif self.functional(node):
            self.flow.expression(node, "_")
        elif self.layer_type(node.func, anywhere=True):
            self.add_layer(node)
        else:
            self.nested_functional(node)

    def defaults(self, arguments):
        """Parameters with defaults (``def __init__(self, hidden=128)``) become known names."""
        positional = arguments.posonlyargs + arguments.args
        for arg, default in zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults):
            self.literals.bind(arg.arg, default)
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
            if default is not None:
                self.literals.bind(arg.arg, default)

    def instance_arguments(self, arguments, call):
        """``__init__`` parameters given where the module creates the model (``Net(input_dim=28)``)."""
        if call is None:
            return
        names = [a.arg for a in arguments.posonlyargs + arguments.args][1:]
        for name, value in zip(names, call.args):
            self.literals.bind(name, value)
        for keyword in call.keywords:
            if keyword.arg is not None:
                self.literals.bind(keyword.arg, keyword.value)

    def class_def(self, node):
        """A model class: ``__init__`` defines the layers, ``forward`` (``call`` in Keras) the flow."""
        methods = {m.name: m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
        init = methods.get("__init__")
        if init is not None:
            saved = dict(self.env)
            self.defaults(init.args)
            self.instance_arguments(init.args, self.instances.get(node.name))
            self.statements(init.body)
            for key in [k for k in self.env if not k.startswith("self.")]:
                if key not in saved:
                    del self.env[key]
        forward = methods.get("forward") or methods.get("call")
        if forward is not None:
            if self.flow.steps:
                self.code.problem(forward.lineno, f"{node.name}.{forward.name}: a second model class; the data "
                                                  "flow of the first one is used")
                return
            self.code.inputs = tuple(a.arg for a in forward.args.args[1:2])
            self.flow.statements(forward.body)
            if not any(isinstance(step, Apply) for step in self.flow.steps):
                self.flow.steps = []


def _instances(tree):
    """Module-level calls of the classes the module defines: ``{class name: ast.Call}`` (the last one)."""
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    found = {}
    for node in tree.body:
        value = getattr(node, "value", None)
        if isinstance(node, (ast.Assign, ast.Expr)) and isinstance(value, ast.Call) and \
                isinstance(value.func, ast.Name) and value.func.id in classes:
            found[value.func.id] = value
    return found


def read_python(text, framework):
    """A ModelCode for Keras or PyTorch source ``text`` (see the module docstring)."""
    reader = _Reader(framework)
    try:
        tree = ast.parse(text)
        bodies = [tree.body]
    except SyntaxError as err:
        reader.code.problem(err.lineno or 0, f"not valid Python ({err.msg}); the lines that are valid on "
                                             "their own were still read")
        bodies = _lines_that_parse(text)
    except (RecursionError, MemoryError, ValueError):
        raise UsageError("the model definition is nested too deeply to read") from None
    try:
        for body in bodies:
            reader.instances.update(_instances(ast.Module(body=body, type_ignores=[])))
            reader.statements(body)
    except RecursionError:
        raise UsageError("the model definition is nested too deeply to read") from None
    if reader.flow.steps:
        reader.code.flow = reader.flow.steps
    return reader.code


def _lines_that_parse(text):
    """Statement lists of the single lines that parse on their own (with their own line numbers)."""
    bodies = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip().rstrip(",")
        try:
            tree = ast.parse(stripped)
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            continue
        for node in ast.walk(tree):
            if hasattr(node, "lineno"):
                node.lineno = number
        bodies.append(tree.body)
    return bodies

"""Keras and PyTorch model code read with :mod:`ast` into layers and data flow (nothing executed).

Understood: ``Sequential([...])`` and ``model.add(...)``, the Keras functional style
(``x = LSTM(32)(x)``), a PyTorch module's ``__init__`` (``self.lstm = nn.LSTM(...)``,
``nn.Sequential``) and its ``forward`` (layer calls, indexing such as ``out[:, -1, :]``,
``torch.cat``, elementwise functions), single layer calls as fragments, and names bound to
literal values (``hidden = 128``, ``__init__`` defaults, ``self.hidden = hidden``).
"""

from __future__ import annotations

import ast
from dataclasses import replace

from .errors import UsageError
from .modelcode_nodes import Apply, Concat, LayerCall, ModelCode, Opaque, Select, Unknown

#: Layer classes recognised outside a Sequential list or ``add`` (a bare ``LSTM(...)`` fragment).
_KNOWN = {
    "keras": {"Input", "InputLayer", "Embedding", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "Dense",
              "Dropout", "TimeDistributed", "RepeatVector", "Flatten", "Activation", "Masking",
              "SpatialDropout1D", "BatchNormalization", "LayerNormalization", "GlobalAveragePooling1D",
              "GlobalMaxPooling1D", "Conv1D", "Reshape", "Permute", "ConvLSTM2D", "LSTMCell", "GRUCell", "RNN"},
    "pytorch": {"Embedding", "LSTM", "GRU", "RNN", "Linear", "Dropout", "LSTMCell", "GRUCell", "RNNCell",
                "ReLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "Flatten", "LayerNorm", "Identity"},
}
_CONTAINERS = {"Sequential", "ModuleList"}
#: Functions (last name component) that keep their argument's shape.
_ELEMENTWISE = {"relu", "tanh", "sigmoid", "dropout", "gelu", "elu", "leaky_relu", "softmax", "log_softmax",
                "contiguous", "float", "double", "clone", "detach", "to", "cpu", "cuda"}
_MAX_INT = 10 ** 15


def _dotted(node):
    """``nn.LSTM`` for ``nn.LSTM``, ``self.lstm`` for ``self.lstm``; None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id] + parts[::-1])
    if isinstance(node, ast.Call) and _dotted(node.func) == "super":
        return ".".join(["super()"] + parts[::-1])
    return None


class _Reader:
    """One pass over a module; collects layers, constants and the data flow into ``self.code``."""

    def __init__(self, framework):
        self.code = ModelCode(framework)
        self.env = {}
        self.groups = {}  # attribute or variable -> indices of its layers (nn.Sequential)
        self.flow = []
        self.temps = 0
        self.instances = {}  # class name -> the module-level call creating it (``model = Net(28)``)

    # -- values ---------------------------------------------------------------------------
    def value(self, node):
        """The literal value of an expression, a LayerCall for a layer call, else Unknown."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.Tuple, ast.List)):
            return tuple(self.value(e) for e in node.elts) if isinstance(node, ast.Tuple) else \
                [self.value(e) for e in node.elts]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            inner = self.value(node.operand)
            if isinstance(node.op, ast.Not) and isinstance(inner, bool):
                return not inner
            if type(inner) in (int, float):
                return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            return self.arithmetic(node)
        if isinstance(node, ast.IfExp):
            test = self.value(node.test)
            if isinstance(test, (bool, int)) and not isinstance(test, Unknown):
                return self.value(node.body if test else node.orelse)
        name = _dotted(node)
        if name is not None and name in self.env:
            return self.env[name]
        if isinstance(node, ast.Call) and self.layer_type(node.func, anywhere=True):
            return self.layer_call(node)
        return Unknown(ast.unparse(node))

    def arithmetic(self, node):
        left, right = self.value(node.left), self.value(node.right)
        ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
               ast.FloorDiv: lambda a, b: a // b, ast.Div: lambda a, b: a / b, ast.Mod: lambda a, b: a % b}
        numbers = all(type(v) in (int, float) for v in (left, right))
        if numbers and type(node.op) in ops and not (right == 0 and type(node.op) in (ast.FloorDiv, ast.Div,
                                                                                        ast.Mod)):
            result = ops[type(node.op)](left, right)
            if isinstance(result, float) and result.is_integer() and isinstance(node.op, ast.Div):
                result = int(result)
            if abs(result) <= _MAX_INT:
                return result
        return Unknown(ast.unparse(node))

    # -- layers ---------------------------------------------------------------------------
    def layer_type(self, func, anywhere=False):
        """The class name of a layer constructor (``nn.LSTM`` -> ``LSTM``), or None.

        ``anywhere``: only known layer classes or names under ``nn.`` / ``layers.`` count (a call
        outside a Sequential list might be anything)."""
        name = _dotted(func)
        if name is None:
            return None
        last = name.rsplit(".", 1)[-1]
        if not last[:1].isupper() or last in _CONTAINERS | {"Model", "Module"} or last.endswith("Loss"):
            return None
        prefix = name[:-len(last)]
        framework = self.code.framework
        marked = prefix.endswith("nn.") if framework == "pytorch" else prefix.endswith("layers.")
        if anywhere and not marked and last not in _KNOWN[framework]:
            return None
        return last

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
        return LayerCall(self.layer_type(node.func) or _dotted(node.func) or "?", tuple(args), kwargs,
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
        if self.code.framework == "keras":
            items = [kw.value for kw in node.keywords if kw.arg == "layers"] or items[:1]
            items = items[0].elts if items and isinstance(items[0], (ast.List, ast.Tuple)) else items
        indices = []
        for i, item in enumerate(items):
            index = self.add_layer(item, f"{name}.{i}" if name and self.code.framework == "pytorch" else None,
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
        names = [_dotted(t) for t in targets]
        if isinstance(value, ast.Call):
            func_type = _dotted(value.func) or ""
            if func_type.rsplit(".", 1)[-1] in _CONTAINERS:
                self.sequential(value, names[0].removeprefix("self.") if names[0] else None)
                return
            if self.functional(value):
                for target in targets:
                    self.flow_expr(value, _structure(target))
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
        if self.code.framework != "keras" or not isinstance(node, ast.Call):
            return False
        inner = node.func
        return (isinstance(inner, ast.Call) and self.layer_type(inner.func) is not None) or \
            self.layer_type(inner) in ("Input", "InputLayer")

    def nested_functional(self, node):
        """Keras layers applied inside another call (``Model(inputs, Dense(3)(x))``); whether any was."""
        inner = [a for a in list(node.args) + [k.value for k in node.keywords] if self.functional(a)]
        for argument in inner:
            self.flow_expr(argument, "_")
        return bool(inner)

    def expression(self, node):
        """A bare expression: ``model.add(LSTM(...))``, ``Sequential([...])`` or a lone layer call."""
        if not isinstance(node, ast.Call):
            return
        func = _dotted(node.func) or ""
        if func.endswith(".add") and node.args:
            self.add_layer(node.args[0])
        elif func.rsplit(".", 1)[-1] in _CONTAINERS:
            self.sequential(node, None)
        elif self.functional(node):
            self.flow_expr(node, "_")
        elif self.layer_type(node.func, anywhere=True):
            self.add_layer(node)
        else:
            self.nested_functional(node)

    def defaults(self, arguments):
        """Parameters with defaults (``def __init__(self, hidden=128)``) become known names."""
        positional = arguments.posonlyargs + arguments.args
        for arg, default in zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults):
            self.bind_default(arg.arg, default)
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
            if default is not None:
                self.bind_default(arg.arg, default)

    def instance_arguments(self, arguments, call):
        """``__init__`` parameters given where the module creates the model (``Net(input_dim=28)``)."""
        if call is None:
            return
        names = [a.arg for a in arguments.posonlyargs + arguments.args][1:]
        for name, value in zip(names, call.args):
            self.bind_default(name, value)
        for keyword in call.keywords:
            if keyword.arg is not None:
                self.bind_default(keyword.arg, keyword.value)

    def bind_default(self, name, default):
        found = self.value(default)
        if not isinstance(found, Unknown):
            self.env[name] = found

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
            if self.flow:
                self.code.problem(forward.lineno, f"{node.name}.{forward.name}: a second model class; the data "
                                                  "flow of the first one is used")
                return
            self.code.inputs = tuple(a.arg for a in forward.args.args[1:2])
            self.flow_statements(forward.body)
            if not any(isinstance(step, Apply) for step in self.flow):
                self.flow = []

    # -- data flow (forward / functional) -------------------------------------------------
    def flow_statements(self, body):
        for stmt in body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]):
                    self.flow_expr(stmt.value, _structure(target))
            elif isinstance(stmt, ast.Return) and stmt.value is not None:
                self.flow_expr(stmt.value, "return")
            elif isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.AugAssign)):
                self.code.problem(stmt.lineno, f"{ast.unparse(stmt).splitlines()[0]}: control flow and in-place "
                                               "updates in forward are not followed; shapes after it may be unknown")
                for node in ast.walk(stmt):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        self.flow.append(Opaque(node.id, ast.unparse(stmt).splitlines()[0], stmt.lineno))

    def temp(self):
        self.temps += 1
        return f"${self.temps}"

    def flow_expr(self, node, target=None):
        """Record the steps computing ``node``; the variable (or name structure) holding it."""
        if target is None and isinstance(node, ast.Name):
            return node.id
        target = target or self.temp()
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name):
            self.flow.append(Select(node.id, (), target, line, same=True))
        elif isinstance(node, ast.Subscript):
            index = _index(node.slice)
            if index is None:
                self.flow.append(Opaque(target, ast.unparse(node), line))
            else:
                self.flow.append(Select(self.flow_expr(node.value), index, target, line))
        elif isinstance(node, ast.Call):
            self.flow_call(node, target, line)
        else:
            self.flow.append(Opaque(target, ast.unparse(node), line))
        return target

    def flow_call(self, node, target, line):
        func = _dotted(node.func) or ""
        last = func.rsplit(".", 1)[-1]
        if func.startswith("self.") and func[5:] in self.groups:
            steps = self.groups[func[5:]]
            source = self.flow_expr(node.args[0]) if node.args else None
            for i, index in enumerate(steps):
                out = target if i == len(steps) - 1 else self.temp()
                self.flow.append(Apply(index, source, out, line))
                source = out
        elif self.functional(node):
            is_input = not isinstance(node.func, ast.Call)
            index = self.add_layer(node if is_input else node.func)
            source = None if is_input or not node.args else self.flow_expr(node.args[0])
            self.flow.append(Apply(index, source, target, line))
        elif last in ("cat", "concat", "concatenate") and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
            dim = ([self.value(k.value) for k in node.keywords if k.arg in ("dim", "axis")]
                   or [self.value(a) for a in node.args[1:2]] or [0 if last != "concatenate" else -1])[0]
            sources = tuple(self.flow_expr(e) for e in node.args[0].elts)
            self.flow.append(Concat(sources, dim, target, line) if isinstance(dim, int)
                             else Opaque(target, ast.unparse(node), line))
        elif last in _ELEMENTWISE:
            module_function = func.split(".")[0] in ("F", "torch", "functional", "nn")
            operand = (node.args[0] if node.args else None) if module_function else getattr(node.func, "value", None)
            self.flow.append(Opaque(target, ast.unparse(node), line) if operand is None
                             else Select(self.flow_expr(operand), (), target, line, same=True))
        else:
            self.flow.append(Opaque(target, ast.unparse(node), line))


def _index(node):
    """An index expression as a tuple of ints, slices, None and Ellipsis; None if not literal."""
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    index = []
    for part in parts:
        if isinstance(part, ast.Slice):
            bounds = [_int(b) if b is not None else None for b in (part.lower, part.upper, part.step)]
            if any(b is False for b in bounds):
                return None
            index.append(slice(*bounds))
        elif isinstance(part, ast.Constant) and (part.value is None or part.value is Ellipsis):
            index.append(part.value)
        elif _int(part) is False:
            return None
        else:
            index.append(_int(part))
    return tuple(index)


def _int(node):
    """An integer literal (``-1`` included), or False."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int(node.operand)
        return False if inner is False else -inner
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return False


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


def _structure(target):
    """The name structure of an assignment target: ``out, (h, c)`` -> ``("out", ("h", "c"))``."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, (ast.Tuple, ast.List)):
        return tuple(_structure(e) for e in target.elts)
    return "_"


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
    if reader.flow:
        reader.code.flow = reader.flow
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

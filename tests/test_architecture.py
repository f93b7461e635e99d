"""The package's structure: no import cycle between its modules (every import counts, including
the function-local ones that only hide a cycle), no function longer than 50 lines and no module
longer than 400."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lstm_symbolic"
MODULES = sorted(path.stem for path in PACKAGE.glob("*.py"))

#: The longest function allowed, in lines from ``def`` to its last line (docstring included).
MAX_FUNCTION_LINES = 50

#: Functions allowed to be longer for now, as "module.qualified name"; this list may only shrink.
KNOWN_LONG_FUNCTIONS = set()

#: The longest module allowed, in lines.
MAX_MODULE_LINES = 400

#: Modules allowed to be longer for now; this list may only shrink.
KNOWN_LONG_MODULES = set()

#: Import cycles allowed for now, each a set of modules; this list may only shrink.
KNOWN_CYCLES = []


def imported_modules(path):
    """The package modules ``path`` imports anywhere in its code (module level or in a function)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            relative = node.level == 1
            absolute = node.level == 0 and (node.module or "").split(".")[0] == "lstm_symbolic"
            if not (relative or absolute):
                continue
            parts = (node.module or "").split(".")[0 if relative else 1:]
            found.update(parts[:1] if parts and parts[0] else (alias.name for alias in node.names))
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names
                         if alias.name.startswith("lstm_symbolic."))
    return found & set(MODULES) - {path.stem}


def import_graph():
    return {name: imported_modules(PACKAGE / f"{name}.py") for name in MODULES}


def cycles(graph):
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while not component or node not in component:
                component.add(stack.pop())
            on_stack.difference_update(component)
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_function_local_imports():
    graph = import_graph()
    assert "quiz_family_values" in graph["quiz"]  # imported inside answer_value only
    assert "sizes" in graph["cli_options"] and "render" in graph["cli_shapes"]  # render: inside the commands


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [{"a", "b"}]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}}, [{"a", "b", "c"}]),
], ids=["two", "chain", "three"])
def test_cycle_finder(graph, expected):
    assert cycles(graph) == expected


def test_no_import_cycles():
    graph = import_graph()
    found = cycles(graph)
    unexpected = [sorted(c) for c in found if c not in KNOWN_CYCLES]
    assert not unexpected, "import cycles: " + "; ".join(
        ", ".join(f"{m} -> {sorted(graph[m] & set(c))}" for m in c) for c in unexpected)


def test_known_cycles_still_exist():
    """A known cycle that is gone must leave the list, so that it cannot come back unnoticed."""
    found = cycles(import_graph())
    assert [c for c in KNOWN_CYCLES if c not in found] == []


def function_lengths():
    """``{"module.qualified name": lines}`` of every function and method in the package."""
    lengths = {}

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}.{child.name}"
                if not isinstance(child, ast.ClassDef):
                    lengths[name] = child.end_lineno - child.lineno + 1
                walk(child, name)
            else:
                walk(child, prefix)

    for module in MODULES:
        walk(ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8")), module)
    return lengths


def test_function_lengths_are_measured():
    lengths = function_lengths()
    assert lengths["errors.ParseError.__init__"] == 4
    assert "reference._forward_cache" in lengths


def test_no_function_over_50_lines():
    long = {name: n for name, n in function_lengths().items() if n > MAX_FUNCTION_LINES}
    unexpected = {name: n for name, n in long.items() if name not in KNOWN_LONG_FUNCTIONS}
    assert not unexpected, f"functions over {MAX_FUNCTION_LINES} lines (split them): {unexpected}"


def test_known_long_functions_are_still_long():
    """A known long function that was split must leave the list."""
    lengths = function_lengths()
    assert {name for name in KNOWN_LONG_FUNCTIONS if lengths.get(name, 0) <= MAX_FUNCTION_LINES} == set()


def module_lengths():
    return {name: len((PACKAGE / f"{name}.py").read_text(encoding="utf-8").splitlines()) for name in MODULES}


def test_no_module_over_400_lines():
    long = {name: n for name, n in module_lengths().items() if n > MAX_MODULE_LINES}
    unexpected = {name: n for name, n in long.items() if name not in KNOWN_LONG_MODULES}
    assert not unexpected, f"modules over {MAX_MODULE_LINES} lines (split them by concept): {unexpected}"


def test_known_long_modules_are_still_long():
    """A known long module that was split must leave the list."""
    lengths = module_lengths()
    assert {name for name in KNOWN_LONG_MODULES if lengths.get(name, 0) <= MAX_MODULE_LINES} == set()

"""The package's structure: no import cycle between its modules (every import counts, including
the function-local ones that only hide a cycle), no function longer than 50 lines, no module
longer than 400, and tests that mirror the modules (``tests/test_<module>.py``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "lstm_symbolic"
TESTS = ROOT / "tests"
MODULES = sorted(path.stem for path in PACKAGE.glob("*.py"))

#: The longest function allowed, in lines from ``def`` to its last line (docstring included).
MAX_FUNCTION_LINES = 50

#: The longest module allowed, in lines.
MAX_MODULE_LINES = 400

#: Modules whose tests live in another module's test file, and that file.
TESTED_WITH = {
    "__init__": "test_cell",  # the public names, used throughout; its doctest runs with --doctest-modules
    "__main__": "test_cli",  # ``python -m lstm_symbolic``
    "reference_gru_rnn": "test_reference",  # the GRU and simple RNN beside the LSTM's NumPy reference
}

#: Top-level test modules that mirror no one module (each command's error messages, word for word,
#: as style.md asks); cross-cutting tests (frameworks, README, fuzzing, corpora) are in tests/integration/.
NOT_MIRRORS = {"test_messages"}


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
    assert not found, "import cycles: " + "; ".join(
        ", ".join(f"{m} -> {sorted(graph[m] & set(c))}" for m in c) for c in found)



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
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (split them): {long}"



def module_lengths():
    return {name: len((PACKAGE / f"{name}.py").read_text(encoding="utf-8").splitlines()) for name in MODULES}


def test_no_module_over_400_lines():
    long = {name: n for name, n in module_lengths().items() if n > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them by concept): {long}"


def test_every_module_has_its_test_module():
    missing = [name for name in MODULES
               if not (TESTS / f"{TESTED_WITH.get(name, 'test_' + name)}.py").exists()]
    assert not missing, f"modules without tests/test_<module>.py: {missing}"


def test_every_test_module_mirrors_a_module():
    stray = [path.name for path in TESTS.glob("test_*.py")
             if path.stem[len("test_"):] not in MODULES and path.stem not in NOT_MIRRORS]
    assert not stray, f"top-level test modules named after no module (move them to tests/integration/): {stray}"


def test_exemptions_are_current():
    """An exemption whose module was removed, or that now has its own test module, must go."""
    assert [name for name in TESTED_WITH if name not in MODULES or (TESTS / f"test_{name}.py").exists()] == []

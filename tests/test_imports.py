"""No circular imports between the modules of kaoping, and the command line never imports web.

The import graph is read from the source (``ast``), not from a running interpreter, so every
import counts wherever it is written: at the top of a module, inside a function (the usual
way to hide a cycle), under ``if TYPE_CHECKING:``, and a module named in a string that the
same module hands to ``importlib.import_module`` (lazy command or name registries). A cycle
between two modules of the same package counts like any other: each module of a cycle can
only be understood, tested and imported together with the others.

The layers themselves (scoring at the bottom, web on top) are guarded by tests/test_layers.py
and the web apps' one-way order by tests/web/test_layers_web.py.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import kaoping

PACKAGE = Path(kaoping.__file__).resolve().parent

Graph = dict[str, set[str]]


def module_files(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (Django's migrations left out)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The module that ``name`` (a module, or a name inside one) lives in."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(modules: dict[str, Path]) -> Graph:
    """Which modules of ``modules`` each one imports, anywhere in its source."""
    graph: Graph = {name: set() for name in modules}
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        imports_by_name = "import_module" in source
        for node in ast.walk(ast.parse(source)):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from . import x, from ..y import z
                    stem = here[: len(here) - node.level + 1]
                    base = ".".join([*stem, *([node.module] if node.module else [])])
                # ``from package import module`` imports the module, else the package
                targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
                targets = [t if t in modules else base for t in targets]
            elif imports_by_name and isinstance(node, ast.Constant) and isinstance(node.value, str):
                # a module's name, or "module:attribute" (the command line's registry)
                named = node.value.partition(":")[0]
                targets = [named] if named in modules else []
            for target in targets:
                owner = _owner(target, modules)
                if owner and owner != name:
                    graph[name].add(owner)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted.

    Examples
    --------
    >>> cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    [['a', 'b', 'c']]
    >>> cycles({"a": {"b"}, "b": set()})
    []
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def reaches(graph: Graph, start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


MODULES = module_files()
GRAPH = import_graph(MODULES)


def test_the_graph_sees_imports_inside_functions_and_by_name():
    assert len(MODULES) > 100 and "kaoping.scoring.schemes.loader" in MODULES
    # kaoping.cli.evaluate imports the workbook writer inside the command that writes one
    assert "kaoping.reports.workbook" in GRAPH["kaoping.cli.evaluate"]
    # ``from package import module`` points at the module, not at the package
    assert "kaoping.scoring.schemes.loader" in GRAPH["kaoping.scoring.schemes"]
    # names handed to importlib.import_module (the lazy exports of kaoping.tables), and the
    # "module:attribute" registry of the command line's commands
    assert "kaoping.tables.template" in GRAPH["kaoping.tables"]
    assert "kaoping.cli.evaluate" in GRAPH["kaoping.cli.main"]
    assert not reaches(GRAPH, "kaoping.cli.evaluate", "kaoping.cli.main")


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import g\n\ndef f():\n    return g()\n")
    (package / "b.py").write_text("def g():\n    from pkg import a\n    return a\n")
    (package / "c.py").write_text("from . import a\n")
    graph = import_graph(module_files(package))
    assert graph["pkg.c"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


def test_no_circular_imports():
    assert cycles(GRAPH) == []


def test_the_command_line_never_imports_the_web_layer():
    cli = {name for name in MODULES if name.startswith("kaoping.cli")}
    assert {(a, b) for a in cli for b in GRAPH[a] if b.startswith("kaoping.web")} == set()
    # and nothing it imports does either, at any depth (statically, functions included)
    reachable, todo = set(), list(cli)
    while todo:
        name = todo.pop()
        if name not in reachable:
            reachable.add(name)
            todo.extend(GRAPH[name])
    assert sorted(n for n in reachable if n.startswith("kaoping.web")) == []


def test_importing_every_command_loads_no_web_module_nor_django():
    names = sorted(name for name in MODULES if name.startswith("kaoping.cli"))
    script = (
        "import importlib, json, sys\n"
        "import kaoping.cli.main\n"  # first, as the console entry point does
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = json.loads(out.stdout)
    assert "kaoping.cli.robustness" in loaded  # the imports really ran
    assert [n for n in loaded if n.startswith("kaoping.web") or n.split(".")[0] == "django"] == []


def test_the_log_chain_is_verified_by_one_pure_function_both_doors_use():
    """kaoping.archive.chain checks entries without a database; the web's log reads its rows
    into entries and calls it, and ``kaoping log verify`` runs the web's same check."""
    chain = "kaoping.archive.chain"
    assert {n for n in GRAPH[chain] if not n.startswith("kaoping.archive")} == set()
    tree = ast.parse(MODULES[chain].read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
    users = {name for name, targets in GRAPH.items() if chain in targets}
    assert "kaoping.web.audit.log" in users and "kaoping.web.audit.anchors" in users
    log_source = MODULES["kaoping.web.audit.log"].read_text(encoding="utf-8")
    assert "check_entries(" in log_source

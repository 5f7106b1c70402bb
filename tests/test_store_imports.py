"""The store's modules import each other in one direction: no import circle.

The graph is read from the source (every ``import``, at the top of a module or inside a
function), so that a circle hidden by an import "when used" counts too. The store's modules are
``geo.store`` and its submodules, and the modules on either side of it: the exports, the
corrections' records and the GeoJSON Feature builder.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "gazetteer", "web")
STORE_SIDE = ("geo.export", "geo.export_kml", "geo.corrections", "geo.feature")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "node_modules" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Each module of geo, gazetteer and web -> the modules of theirs it imports. ``from
    package import name`` is an edge to the submodule ``package.name`` when there is one,
    else to the package (its ``__init__``)."""
    modules = _modules()
    graph: dict[str, frozenset[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
                deps.update(subs)
                if base in modules and len(subs) < len(node.names):
                    deps.add(base)
        graph[name] = frozenset(deps - {name})
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: the strongly connected components of more than one module
    (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def _store_side(name: str) -> bool:
    return name == "geo.store" or name.startswith("geo.store.") or name in STORE_SIDE


def test_the_store_and_its_neighbours_import_in_one_direction():
    graph = import_graph()
    assert "geo.store.sqlite" in graph and "geo.store.postgis" in graph  # the graph is read
    found = [c for c in circles(graph) if any(map(_store_side, c))]
    assert found == [], f"import circles through the store: {found}"


def test_the_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_a_backend_mixin_never_imports_its_host():
    """A mixin gets its host's dialect from the host (attributes), never by importing the
    host's module: geo.store.sqlite and geo.store.postgis are imported by no store module but
    the package's open_store."""
    graph = import_graph()
    for host in ("geo.store.sqlite", "geo.store.postgis"):
        importers = sorted(m for m, deps in graph.items() if host in deps and _store_side(m))
        assert importers == ["geo.store"], f"{host} imported by {importers}"


# Each module imported first, after the project's modules are forgotten (third-party ones stay
# loaded: one interpreter for all, fast).
_IMPORT_EACH_FIRST = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("geo", "gazetteer", "web")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_each_store_module_imports_first():
    """Imported before any other (as a worker process or a command does), each module loads:
    no import left half-done by the order modules import each other."""
    modules = sorted(m for m in _modules() if _store_side(m))
    assert len(modules) > 20
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH_FIRST, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]

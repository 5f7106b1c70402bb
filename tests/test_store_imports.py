"""The store's modules import each other in one direction: no import circle.

The graph is read from the source (every ``import``, at the top of a module or inside a
function), so that a circle hidden by an import "when used" counts too. The store's modules are
``geo.store`` and its submodules, and the modules on either side of it: the exports, the
corrections' records and the GeoJSON Feature builder.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache

from tests.import_graph import ROOT, circles, modules
from tests.import_graph import import_graph as read_graph

STORE_SIDE = ("geo.export", "geo.export_kml", "geo.corrections", "geo.feature")


@cache
def import_graph() -> dict[str, set[str]]:
    """Each module of geo, gazetteer and web -> the modules of theirs it imports."""
    return read_graph(modules())


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
    names = sorted(m for m in modules() if _store_side(m))
    assert len(names) > 20
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH_FIRST, *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]

"""No import circle between the modules of ``web/``: the package's ``__init__`` builds the app
from its blueprints, and no blueprint or helper imports the package back (what they share is
in :mod:`web.context`, :mod:`web.hosts`, :mod:`web.limits`, :mod:`web.layers`, ...).

Every ``import`` statement counts, those inside functions too: a lazy import hides a circle
from Python, not from a reader.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.import_graph import ROOT, circles, import_graph, modules


def web_modules(root: Path = ROOT) -> dict[str, Path]:
    """``web.x.y`` -> its file, for every Python module under ``root``/web."""
    return modules(root, ("web",))


def test_no_import_circle_between_web_modules():
    graph = import_graph(web_modules())
    assert len(graph) > 20  # every module was read
    assert circles(graph) == []


def test_the_check_finds_the_circles_there_were(tmp_path):
    """The web modules as they were before web.context and web.layers: one big circle."""
    old = "3cdff7b"  # the last commit with the circles (web.api <-> web.openapi, web <-> web.api)
    got = subprocess.run(
        f"git archive {old} web | tar -x -C {tmp_path} --exclude=web/node_modules",
        shell=True,
        cwd=ROOT,
        capture_output=True,
    )
    if got.returncode != 0:  # a copy of the tree without its history
        pytest.skip("no git history here")
    found = circles(import_graph(web_modules(tmp_path)))
    assert any(
        {"web", "web.api", "web.openapi", "web.maps", "web.snapshot"} <= set(c) for c in found
    )


def test_the_check_finds_a_circle_put_back():
    """The check would fail if a module imported the package back (as the blueprints did with
    ``from web import get_store``), or if two modules imported each other."""
    graph = import_graph(web_modules())
    assert "web.api" in graph["web"]  # the app factory registers the API's blueprint
    back = {k: set(v) for k, v in graph.items()}
    back["web.api"].add("web")  # `from web import get_store` in web/api.py
    assert any({"web", "web.api"} <= set(c) for c in circles(back))
    pair = {k: set(v) for k, v in graph.items()}
    pair["web.layers"].add("web.snapshot_layers")  # the registry importing its drawings
    assert ["web.layers", "web.snapshot_layers"] in circles(pair)


def test_the_graph_reads_every_kind_of_import(tmp_path):
    """``from web import x`` (a submodule or a name of the package), ``import web.x``, relative
    imports and imports inside functions are all edges."""
    pkg = tmp_path / "web"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("def create_app():\n    from web import a\n")
    (pkg / "a.py").write_text("from web import helper_name\nimport web.b\n")
    (pkg / "b.py").write_text("def f():\n    from .sub import c\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "c.py").write_text("from .. import a\n")
    modules = {
        "web": pkg / "__init__.py",
        "web.a": pkg / "a.py",
        "web.b": pkg / "b.py",
        "web.sub": pkg / "sub" / "__init__.py",
        "web.sub.c": pkg / "sub" / "c.py",
    }
    graph = import_graph(modules)
    assert graph["web"] == {"web.a"}
    assert graph["web.a"] == {"web", "web.b"}
    assert graph["web.b"] == {"web.sub.c"}
    assert graph["web.sub.c"] == {"web.a"}
    assert circles(graph) == [["web", "web.a", "web.b", "web.sub.c"]]


def test_the_public_names_still_import():
    """What the tests, the command line and the benchmarks import from ``web`` is there, and a
    module that used to be loaded from the package first loads alone."""
    from web import LOOPBACK_HOSTS, create_app, get_store, heavy, printable

    assert callable(create_app) and callable(get_store) and callable(heavy)
    assert "127.0.0.1" in LOOPBACK_HOSTS and printable("a\nb") == "a\\nb"
    code = "import web.snapshot, web.openapi, web.params; print(len(web.params.snapshot_params()))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]

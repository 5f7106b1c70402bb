"""No import circle anywhere in the project: between the modules of ``gazetteer/``, ``geo/`` and
``web/`` together (the graph and its reading: ``tests/import_graph.py``). The packages' own
tests (``test_web_imports.py``, ``test_store_imports.py``) check their rules; this one covers
the edges between packages (a gazetteer module importing the store that imports it).
"""

from __future__ import annotations

from tests.import_graph import circles, import_graph, modules


def test_no_module_of_the_project_imports_itself_back_through_others() -> None:
    graph = import_graph(modules())
    assert len(graph) > 100  # the whole project was read
    assert circles(graph) == []


def test_the_check_finds_a_circle_between_packages() -> None:
    graph = import_graph(modules())
    graph["gazetteer.lookup"] = graph["gazetteer.lookup"] | {"geo.store"}  # as once planted
    found = circles(graph)
    assert found and any("gazetteer.lookup" in c and "geo.store" in c for c in found)

"""A big store's map: the event markers asked for by view and zoom (web/clusters.py,
``/map/clusters.json``), on a real SQLite store written by the benchmarks' synthetic generator,
served by waitress and drawn in headless Chromium.

The app's ``MAP_VIEW_GROUPS`` is set to 0 so that a store of a few thousand events is drawn as
a store of a million would be (its page holds no event; each view is asked for).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from geo.store import SQLiteStore
from tests.test_web_map import chromium, only_local, served
from web import clusters, create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

EVENTS = 3000
SYRIA = (35.0, 32.0, 43.0, 38.0)
PACIFIC = (170.0, -25.0, -170.0, 0.0)  # a box across the antimeridian


@pytest.fixture(scope="module")
def db(gaz, tmp_path_factory) -> str:
    from synthetic import write_store

    path = tmp_path_factory.mktemp("clusters") / "synthetic.sqlite"
    write_store(path, EVENTS, gaz, seed=3)
    return str(path)


@pytest.fixture(scope="module")
def store(db):
    st = SQLiteStore(db)
    yield st
    st.close()


@pytest.fixture(scope="module")
def client(db, gazetteer_path):
    app = create_app({"DB": db, "GAZETTEER": gazetteer_path, "MAP_VIEW_GROUPS": 0})
    return app.test_client()


def events_in(store, box, **filters) -> int:
    """The store's own count of the placed events in ``box`` (the baseline the clusters must
    add up to)."""
    rows = store.event_groups(bbox=box, **filters)
    return sum(g["count"] for g in rows)


# -- the server's answers -----------------------------------------------------------------------
def test_clusters_count_every_event_of_the_view_once(store):
    pts = clusters.points(store, {})
    for box, zoom in [(None, 2), (SYRIA, 5), ((-20.0, -40.0, 60.0, 40.0), 4)]:
        got = clusters.view_clusters(pts, box, zoom, None)
        total = sum(c[2] for c in got["clusters"]) + sum(s[3] for s in got["singles"])
        expected = events_in(store, box) if box else pts.events
        assert total == got["events"] == expected, box
        # a cluster's centre lies within the bounds of its places, which lie in the view
        for c in got["clusters"]:
            assert c[5] - 1e-6 <= c[0] <= c[7] + 1e-6 and c[6] - 1e-6 <= c[1] <= c[8] + 1e-6
            assert c[4] >= 2  # a cell of one place and type is sent as that marker
            if box:
                assert box[1] <= c[5] and c[7] <= box[3] and box[0] <= c[6] and c[8] <= box[2]


def test_the_world_is_a_few_clusters_and_a_town_is_its_places(store):
    pts = clusters.points(store, {})
    world = clusters.view_clusters(pts, None, 2, None)
    assert world["clusters"], "the world at zoom 2 is clustered"
    assert len(world["clusters"]) + len(world["singles"]) < 200
    # a small view: its places one by one, each with its place id for the popup
    lat, lon = float(pts.lat[0]), float(pts.lon[0])
    small = clusters.view_clusters(pts, (lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05), 12, None)
    assert not small["clusters"] and small["singles"]
    assert any(s[5] == pts.place[0] for s in small["singles"])


def test_types_ticked_and_the_period_narrow_the_markers(store):
    pts = clusters.points(store, {})
    battles = clusters.view_clusters(pts, None, 3, ["Battles"])
    n_battles = sum(c[2] for c in battles["clusters"]) + sum(s[3] for s in battles["singles"])
    assert n_battles == pts.per_type()["Battles"] == events_in(store, None, type="Battles")
    for s in battles["singles"]:
        assert battles["types"][s[2]] == "Battles"
    period = {"start": "2016-01-01", "end": "2016-06-30"}
    half = clusters.points(store, period)
    assert 0 < half.events < pts.events
    assert half.events == sum(g["count"] for g in store.event_groups(**period))


def test_a_view_across_the_antimeridian(store):
    pts = clusters.points(store, {})
    got = clusters.view_clusters(pts, PACIFIC, 4, None)
    west = clusters.view_clusters(pts, (170.0, -25.0, 180.0, 0.0), 4, None)
    east = clusters.view_clusters(pts, (-180.0, -25.0, -170.0, 0.0), 4, None)
    assert got["events"] == west["events"] + east["events"]


def test_the_counts_follow_a_new_document(gaz, tmp_path):
    """What was counted is kept until the store changes, then counted again."""
    from synthetic import documents

    st = SQLiteStore(tmp_path / "grow.sqlite")
    try:
        docs = iter(documents(gaz, 300, seed=5))
        st.add(next(docs))
        before = clusters.points(st, {}).events
        st.add(next(docs))
        after = clusters.points(st, {}).events
        assert after > before
        assert after == sum(g["count"] for g in st.event_groups())
    finally:
        st.close()


def test_route_answers_the_view_and_refuses_bad_input(client, store):
    r = client.get("/map/clusters.json?view=35,32,43,38&zoom=6&start=2016-01-01&end=2019-12-31")
    assert r.status_code == 200
    body = r.json
    want = events_in(store, SYRIA, start="2016-01-01", end="2019-12-31")
    assert body["events"] == want
    assert sum(c[2] for c in body["clusters"]) + sum(s[3] for s in body["singles"]) == want
    r = client.get("/map/clusters.json?zoom=2&types=Battles,Riots")
    assert set(r.json["types"][s[2]] for s in r.json["singles"]) <= {"Battles", "Riots"}
    for bad in ("zoom=19", "zoom=x", "view=1,2,3", "start=2016-13-01", "types=%01"):
        r = client.get(f"/map/clusters.json?{bad}")
        assert r.status_code == 400, bad
        assert "error" in r.json


def test_the_page_of_a_big_store_holds_no_event(client, gazetteer_path, db):
    page = client.get("/").get_data(as_text=True)
    assert '"by_view":true' in page and '"clusters_url":"/map/clusters.json"' in page
    assert '"events":[]' in page
    small = create_app({"DB": db, "GAZETTEER": gazetteer_path}).test_client()
    assert '"by_view":false' in small.get("/").get_data(as_text=True)  # 3000 events: inline
    layers = client.get("/map/layers.json?start=2016-01-01&end=2016-12-31&places=0").json
    assert layers["by_view"] is True and layers["events"] == []
    per_type = {t["name"]: t["count"] for t in layers["event_types"]}
    assert sum(per_type.values()) == layers["events_total"]


# -- in the browser -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(db, gazetteer_path):
    app = create_app({"DB": db, "GAZETTEER": gazetteer_path, "MAP_VIEW_GROUPS": 0})
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def view_loads(browser) -> int:
    return browser.eval("conflictmap.viewLoads || 0")


def wait_view(browser, before: int) -> None:
    browser.wait_for(
        f"(conflictmap.viewLoads || 0) > {before} &&"
        " !document.body.hasAttribute('data-cm-view-loading')"
    )


def markers_in_view(browser) -> dict:
    """The event markers drawn, and whether each lies in the map's bounds."""
    return browser.eval(
        "(() => { const b = conflictmap.map.getBounds().pad(0.05); let n = 0, out = 0;"
        " conflictmap.viewLayer._fg.eachLayer(m => { n++; if (!b.contains(m.getLatLng())) out++; });"
        " return {n: n, out: out, clusters: document.querySelectorAll('.cm-cluster').length,"
        " singles: document.querySelectorAll('.cm-marker').length}; })()"
    )


def test_panning_loads_the_new_views_clusters(server, browser):
    browser.open(f"{server}/?lat=34&lon=38&zoom=6")
    browser.wait_for("!!document.body.getAttribute('data-cm-view')")
    assert browser.eval("conflictmap.data.by_view") is True
    first = markers_in_view(browser)
    assert first["n"] > 0 and first["out"] == 0
    # the places mentioned, asked for once the first view is drawn, are then counted
    browser.wait_for(
        "/Places mentioned \\(\\d+/.test(Array.from(document.querySelectorAll("
        "'.leaflet-control-layers-overlays label')).map(l => l.textContent).join('|'))"
    )
    asked = [u for u in browser.requests() if "/map/clusters.json" in u]
    assert asked and "view=" in asked[-1] and "zoom=6" in asked[-1]
    before = view_loads(browser)
    browser.eval("void conflictmap.map.setView([48.85, 2.35], 6, {animate: false})")  # to Europe
    wait_view(browser, before)
    moved = markers_in_view(browser)
    assert moved["out"] == 0
    asked = [u for u in browser.requests() if "/map/clusters.json" in u]
    assert "view=" in asked[-1]
    w, s, e, n = map(float, asked[-1].split("view=")[1].split("&")[0].split("%2C"))
    assert w < 2.35 < e and s < 48.85 < n  # the new view was asked for
    assert not only_local(browser.requests(), server)
    failed = [f for f in browser.failed() if not f.endswith("/favicon.ico")]
    assert not failed, failed
    assert not [c for c in browser.console() if c.startswith("EXCEPTION")]


# The centre of a marker that a click reaches (not under a control), as [x, y].
CLICKABLE = """(() => {
  for (const e of document.querySelectorAll('SELECTOR')) {
    const r = e.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    if (hit && e.closest('.leaflet-marker-icon').contains(hit)) return [x, y];
  }
  return null;
})()"""


def test_clicking_a_cluster_zooms_in_and_a_place_opens_its_popup(server, browser):
    browser.open(f"{server}/?lat=30&lon=30&zoom=3")
    browser.wait_for("document.querySelectorAll('.cm-cluster').length > 0")
    z0 = browser.eval("conflictmap.map.getZoom()")
    x, y = browser.eval(CLICKABLE.replace("SELECTOR", ".cm-cluster"))
    before = view_loads(browser)
    browser.click(x, y)
    browser.wait_for(f"conflictmap.map.getZoom() > {z0}", timeout=10)
    wait_view(browser, before)
    assert browser.eval("conflictmap.viewMarkers.zoom") > z0
    # zoom on until places stand alone, then open one's popup (fetched from the server)
    for _ in range(8):
        if browser.eval("document.querySelectorAll('.cm-marker').length") > 0:
            break
        before = view_loads(browser)
        browser.eval(
            "(() => { const m = conflictmap.map; m.setZoom(m.getZoom() + 2, {animate: false}); })()"
        )
        wait_view(browser, before)
    x, y = browser.eval(CLICKABLE.replace("SELECTOR", ".cm-marker"))
    browser.click(x, y)
    browser.wait_for(
        "!!document.querySelector('.leaflet-popup-content') && "
        "!document.querySelector('.leaflet-popup-content').textContent.startsWith('Loading')",
        timeout=10,
    )
    text = browser.eval("document.querySelector('.leaflet-popup-content').textContent")
    assert "event" in text


def test_types_and_period_apply_to_the_views_markers(server, browser):
    browser.open(f"{server}/?lat=30&lon=30&zoom=3&types=Battles&period=2016-01-01/2016-12-31")
    browser.wait_for(
        "!!document.body.getAttribute('data-cm-view') && "
        "document.body.getAttribute('data-cm-period') === '2016-01-01/2016-12-31'"
    )
    browser.wait_for("!document.body.hasAttribute('data-cm-view-loading')")
    asked = [u for u in browser.requests() if "/map/clusters.json" in u][-1]
    assert "types=Battles" in asked and "start=2016-01-01" in asked and "end=2016-12-31" in asked
    colours = browser.eval(
        "Array.from(document.querySelectorAll('.cm-cluster div, .cm-marker'))"
        ".map(e => e.style.background)"
    )
    battle = browser.eval("conflictmap.data.event_types.find(t => t.name === 'Battles').color")
    assert colours and all(c for c in colours)
    assert len(set(colours)) == 1, (set(colours), battle)
    # unticking the last type shown clears the markers
    before = browser.eval("document.body.getAttribute('data-cm-view')")
    browser.eval(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".find(l => l.textContent.trim().startsWith('Events: Battles')).querySelector('input')"
        ".click()"
    )
    browser.wait_for("document.body.getAttribute('data-cm-view') === 'none'")
    assert before != "none"
    assert browser.eval("document.querySelectorAll('.cm-cluster, .cm-marker').length") == 0


def test_place_names_are_those_of_the_event_groups(store):
    """The snapshot names its most important places with Store.place_names: the names the
    store's event groups give (the SQLite query and the interface's default agree)."""
    from geo.store.base import Store

    groups = store.event_groups()
    ids = sorted({g["place_id"] for g in groups})[:50]
    fast = store.place_names(ids)
    slow = Store.place_names(store, ids)
    assert set(fast) == set(ids) == set(slow)
    for pid in ids:
        assert fast[pid]["place_name_fr"] == slow[pid]["place_name_fr"]
        assert fast[pid]["place_name_en"] == slow[pid]["place_name_en"]
        assert fast[pid]["place_name"] in (slow[pid]["place_name_fr"], slow[pid]["place_name_en"],
                                           slow[pid]["place_name"])  # fmt: skip


def test_a_snapshot_draws_the_counts_the_map_clusters(store, gaz):
    """The snapshot's symbols and the map's clusters count the same events."""
    import io

    from web.snapshot import render_snapshot

    info = render_snapshot(store, io.BytesIO(), "png", gazetteer=gaz, lang="en")
    assert info["events"] == clusters.points(store, {}).events
    assert info["labels"] and all(isinstance(n, str) and n for n in info["labels"])
    syria = render_snapshot(
        store, io.BytesIO(), "png", bbox=SYRIA, gazetteer=gaz, start="2016-01-01"
    )
    assert syria["events"] == events_in(store, SYRIA, start="2016-01-01")


def test_both_stores_count_by_place_and_type_as_their_event_groups(store_url, gaz):
    """The store method behind the clusters and the snapshot, on SQLite and PostGIS: the
    counts and names of event_groups, for the whole store and a period; the stamp changes
    with a new document, and the counts kept follow it."""
    from synthetic import documents

    from geo.store import open_store

    st = open_store(store_url)
    try:
        docs = iter(documents(gaz, 900, seed=9))
        for _ in range(8):
            st.add(next(docs))
        for filters in ({}, {"start": "2015-01-01", "end": "2019-12-31"}, {"type": "Battles"}):
            got = sorted((r[0], r[3].casefold(), r[5]) for r in st.event_place_counts(**filters))
            want = sorted(
                (g["place_id"], g["type"].casefold(), g["count"])
                for g in st.event_groups(**filters)
            )
            assert got == want and got, filters
        ids = [g["place_id"] for g in st.event_groups()][:20]
        names = st.place_names(ids)
        assert set(names) == set(ids)
        by_id = {g["place_id"]: g for g in st.event_groups()}
        assert all(names[i]["place_name_en"] == by_id[i]["place_name_en"] for i in ids)
        before, stamp = clusters.points(st, {}).events, st.data_stamp()
        st.add(next(docs))
        assert st.data_stamp() != stamp
        assert clusters.points(st, {}).events > before
    finally:
        st.close()

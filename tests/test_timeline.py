"""The map's timeline, its shareable view and its counts: the JSON endpoints with the Flask test
client, the page in a real headless Chromium (as tests/test_web_map.py drives it), over a real
SQLite store.

The store holds the web fixtures' documents and one more: an ambush the text places nowhere
(20 killed, its sentence hostile markup) and a bombing with no date.
"""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.model import DateValue, Document
from geo.pipeline import Extracted
from geo.store import SQLiteStore
from geo.store.base import HISTOGRAM_UNITS, Store
from tests.web_fixtures import HOSTILE, _event, _mentions, _place, build_extracted, make_store
from web import create_app, snapshot

PERIOD_LOADS = "+(document.body.getAttribute('data-cm-loads') || 0)"
DAMASCUS = (33.51, 36.29)


def unplaced_and_undated(gaz) -> Extracted:
    idlib = _place(gaz, "Idleb")
    text = (
        f"{HOSTILE} Twenty soldiers were killed in an ambush. "
        "A convoy was hit by a roadside bomb near Idleb."
    )
    ambush = _event(
        text, f"{HOSTILE} Twenty soldiers were killed in an ambush.", "Battles", "Armed clash",
        "2024-03-20", None, ["soldiers"], 20,
    )  # fmt: skip
    bomb = _event(
        text, "A convoy was hit by a roadside bomb near Idleb.", "Explosions/Remote violence",
        "Remote explosive/landmine/IED", None, idlib,
    )  # fmt: skip
    return Extracted(
        doc=Document("doc-nowhere", text, lang="en", published="2024-03-21", title="Ambush"),
        lang="en",
        published=DateValue("2024-03-21", "day"),
        mentions=_mentions(text, [("Idleb", idlib)]),
        events=(ambush, bomb),
        statements=(),
    )


@pytest.fixture(scope="module")
def db(gaz, tmp_path_factory):
    path = tmp_path_factory.mktemp("timeline") / "store.sqlite"
    store = make_store(path, [*build_extracted(gaz), unplaced_and_undated(gaz)])
    assert isinstance(store, SQLiteStore)
    store.close()
    return str(path)


@pytest.fixture(scope="module")
def store(db):
    st = SQLiteStore(db)
    yield st
    st.close()


@pytest.fixture(scope="module")
def app(db, gazetteer_path):
    return create_app({"DB": db, "GAZETTEER": gazetteer_path})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


# -- the store: the contract's counts and SQLite's own queries agree ---------------------------
@pytest.mark.parametrize("unit", HISTOGRAM_UNITS)
@pytest.mark.parametrize("filters", [{}, {"type": "Battles"}, {"start": "2024-02-01"}])
def test_sqlite_counts_as_the_contract_does(store, unit, filters):
    fast = store.date_histogram(unit, **filters)
    assert fast == Store.date_histogram(store, unit, **filters)
    rows, total = store.events(**filters, limit=1000)
    assert sum(b[1] for b in fast["bins"]) + fast["undated"][0] == total
    assert sum(b[2] for b in fast["bins"]) + fast["undated"][1] == sum(
        r["fatalities"] or 0 for r in rows
    )


def test_counts_by_country_and_the_events_the_map_cannot_draw(store):
    def key(r):
        return (r["country_code"], r.get("admin1"), r["events"], r["fatalities"])

    fast = store.country_totals()
    assert list(map(key, fast)) == list(map(key, Store.country_totals(store)))
    divisions = store.admin1_totals()
    assert list(map(key, divisions)) == list(map(key, Store.admin1_totals(store)))
    assert sum(d["events"] for d in divisions) == 17  # every placed event, once
    by_cc = {r["country_code"]: r for r in fast}
    assert by_cc["SY"]["events"] == 16 and by_cc["DE"]["events"] == 1
    assert by_cc[None] == {"country_code": None, "place_id": None, "events": 1, "fatalities": 20}
    for what, sentence in (("place", "ambush"), ("date", "roadside bomb")):
        rows, n = store.events_lacking(what)
        assert (n, len(rows)) == (1, 1) and sentence in rows[0]["sentence"]
        assert (rows, n) == Store.events_lacking(store, what)
    with pytest.raises(Exception, match="unit must be one of"):
        store.date_histogram("fortnight")


# -- the JSON endpoints -------------------------------------------------------------------------
def test_timeline_json_lists_every_bar_of_the_range(client, store):
    t = client.get("/map/timeline.json").json
    assert t["unit"] == "week"  # 2024-01-01..2024-04-02: 93 days, by week
    starts = [b[0] for b in t["bins"]]
    assert starts[0] == "2024-01-01" and starts[-1] == "2024-04-01" and len(starts) == 14
    for first, last, n, f in t["bins"]:
        rows, total = store.events(start=first, end=last, limit=100)
        assert (n, f) == (total, sum(r["fatalities"] or 0 for r in rows)), first
    # the bomb with no date of its own is in the bar of its publication, as the filters find it
    assert t["no_date"] == 1 and t["undated"] == {"events": 0, "fatalities": 0}
    assert t["events"] == 18 and t["fatalities"] == 25
    m = client.get("/map/timeline.json?unit=month&start=2024-02-15&type=Battles").json
    assert [b[:3] for b in m["bins"]] == [
        ["2024-02-01", "2024-02-29", 0],
        ["2024-03-01", "2024-03-31", 2],
    ]
    assert client.get("/map/timeline.json?unit=hour").status_code == 400
    r = client.get("/map/timeline.json?unit=day&start=1900-01-01&end=2100-01-01")
    assert r.status_code == 400 and "bars" in r.json["error"]


def test_layers_json_gives_a_period_and_keeps_text_escaped(client):
    d = client.get("/map/layers.json?start=2024-04-01&end=2024-04-30").json
    assert [t["name"] for t in d["event_types"]] == ["Explosions/Remote violence"]
    assert d["events_matching"] == d["events_shown"] == 1
    popups = json.dumps([row[4] for row in d["events"]])
    assert "<script>" not in popups and "&lt;script&gt;" in popups
    assert d["places"] and d["places_total"] == len(d["places"])
    # the places mentioned left out (their layer hidden): the rest is the same
    lean = client.get("/map/layers.json?start=2024-04-01&end=2024-04-30&places=0").json
    assert lean["places"] is None and lean["events"] == d["events"]
    assert client.get("/map/layers.json?start=2024-05-01&end=2024-04-01").status_code == 400
    assert client.get("/map/layers.json?places=yes").status_code == 400


def test_unlisted_page_lists_what_the_map_cannot_draw(client):
    r = client.get("/map/unlisted?type=Battles")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "Events with no place <small>(1)</small>" in page
    assert "Events with no date of their own <small>(0)</small>" in page
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="/export/events.csv?type=Battles"' in page


def test_countries_json_counts_the_view(client):
    world = client.get("/map/countries.json").json
    assert [(c["iso"], c["events"], c["fatalities"]) for c in world["countries"]] == [
        ("SY", 16, 5),
        ("DE", 1, 0),
    ]
    assert world["unplaced"] == {"events": 1, "fatalities": 20}
    assert (world["events"], world["fatalities"]) == (18, 25)
    syria = world["countries"][0]
    assert syria["name"] == "Syrie" and syria["place"] and syria["bbox"] is None
    # its first-level divisions add up to it
    assert sum(d["events"] for d in syria["divisions"]) == 16
    assert sum(d["fatalities"] for d in syria["divisions"]) == 5
    assert ("Damascus Governorate", 12) in [(d["name"], d["events"]) for d in syria["divisions"]]
    germany = world["countries"][1]  # not a place of the store: filtered by its outline
    assert germany["place"] is None and germany["bbox"][0] < 10 < germany["bbox"][2]
    view = client.get("/map/countries.json?view=30,30,45,40&lang=en&start=2024-03-01").json
    assert [(c["name"], c["events"]) for c in view["countries"]] == [("Syria", 3)]
    assert view["unplaced"] is None
    assert client.get("/map/countries.json?view=1,2,3").status_code == 400


# -- the page in Chromium ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(app):
    from tests.test_web_map import served

    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from tests.test_web_map import chromium

    with chromium() as b:
        yield b


def open_map(browser, url: str) -> None:
    browser.open(url)
    browser.wait_for("document.body.getAttribute('data-cm-timeline') > '0'")


def bars(browser) -> list[list]:
    return browser.eval(
        "Array.from(document.querySelectorAll('#cm-timeline .cm-bar'), b => [b.dataset.start,"
        " b.dataset.end, +b.dataset.count, +b.dataset.fatalities, b.classList.contains('cm-out'),"
        " +b.getAttribute('height')])"
    )


def drawn_events(browser) -> dict[str, int]:
    """Events of each type drawn by the markers (the counts of the rows they stand for)."""
    return browser.eval(
        "Object.fromEntries(conflictmap.layers.events.map(c =>"
        " [c.type.name, c.layer.rows.reduce((n, r) => n + r[3], 0)]))"
    )


def drag(browser, x0: float, x1: float, y: float) -> None:
    send = browser.send
    send("Input.dispatchMouseEvent", type="mouseMoved", x=x0, y=y)
    send("Input.dispatchMouseEvent", type="mousePressed", x=x0, y=y, button="left", clickCount=1)
    send("Input.dispatchMouseEvent", type="mouseMoved", x=x1, y=y, button="left", buttons=1)
    send("Input.dispatchMouseEvent", type="mouseReleased", x=x1, y=y, button="left", clickCount=1)


def test_timeline_bars_count_the_store_and_a_brushed_period_redraws_the_map(server, browser, store):
    open_map(browser, server + "/")
    drawn = bars(browser)
    for first, last, n, f, out, height in drawn:  # each bar as the store counts those days
        rows, total = store.events(start=first, end=last, limit=100)
        assert (n, f) == (total, sum(r["fatalities"] or 0 for r in rows)), first
        assert (height > 0) == (n > 0) and not out
    assert len(drawn) == 14 and drawn[0][0] == "2024-01-01"
    label = browser.eval("document.getElementById('cm-period').textContent")
    assert label == "All dates: 18 events, 17 on the map"
    assert drawn_events(browser) == {  # the unplaced ambush has no marker
        "Battles": 13, "Explosions/Remote violence": 3, "Protests": 1
    }  # fmt: skip
    # brush the first two weeks (January, Damascus): the markers, heatmap and choropleth follow
    x0, x1, y = browser.eval(
        "(() => { const b = document.querySelectorAll('#cm-timeline .cm-bar');"
        " const r0 = b[0].getBoundingClientRect(), r1 = b[1].getBoundingClientRect();"
        " const svg = document.querySelector('.cm-tl-chart').getBoundingClientRect();"
        " return [r0.left + r0.width / 2, r1.left + r1.width / 2, svg.top + 10]; })()"
    )
    drag(browser, x0, x1, y)
    browser.wait_for("document.body.getAttribute('data-cm-period') === '2024-01-01/2024-01-14'")
    assert drawn_events(browser) == {
        "Battles": 12, "Explosions/Remote violence": 0, "Protests": 0
    }  # fmt: skip
    markers = browser.eval(
        "conflictmap.layers.events.flatMap(c => c.layer._fg ? c.layer._fg.getLayers()"
        ".map(m => [m.getLatLng().lat, m.getLatLng().lng]) : [])"
    )
    assert markers and all(
        abs(a - DAMASCUS[0]) < 0.1 and abs(b - DAMASCUS[1]) < 0.1 for a, b in markers
    )
    assert [b[4] for b in bars(browser)] == [False, False] + [True] * 12
    legend = browser.eval("document.querySelector('.cm-legend .cm-mapped').textContent")
    assert legend.startswith("12 of 12 matching events on the map")
    # the choropleth: mentions in the documents published in the period
    assert browser.eval("conflictmap.data.counts") == store.country_counts(
        start="2024-01-01", end="2024-01-14"
    )
    browser.eval(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".find(l => l.textContent.includes('Heatmap')).querySelector('input').click()"
    )
    assert browser.eval("conflictmap.layers.heatmap._latlngs.length") == 1
    assert "period=2024-01-01%2F2024-01-14" in browser.eval("location.search")
    # play steps through the period one bar at a time, then shows the whole period again
    browser.eval(
        "window.cmPeriods = []; new MutationObserver(() => cmPeriods.push("
        "document.body.getAttribute('data-cm-period'))).observe(document.body,"
        " {attributes: true, attributeFilter: ['data-cm-period']});"
        " document.querySelector('.cm-tl-play').click()"
    )
    browser.wait_for("window.cmPeriods.length >= 3", timeout=20)
    assert browser.eval("cmPeriods") == [
        "2024-01-01/2024-01-07",
        "2024-01-08/2024-01-14",
        "2024-01-01/2024-01-14",
    ]
    assert browser.eval("document.querySelector('.cm-tl-play').textContent").endswith("Play")
    # the keyboard moves the period by one bar
    browser.eval("document.querySelector('.cm-tl-chart').focus()")
    for kind in ("keyDown", "keyUp"):
        browser.send(
            "Input.dispatchKeyEvent", type=kind, key="ArrowRight", code="ArrowRight",
            windowsVirtualKeyCode=39,
        )  # fmt: skip
    browser.wait_for("document.body.getAttribute('data-cm-period') === '2024-01-08/2024-01-21'")
    assert drawn_events(browser)["Battles"] == 5  # Damascus, 8-12 January
    assert [c for c in browser.console() if c.startswith("EXCEPTION")] == []


def test_the_url_keeps_the_view_and_a_copied_link_opens_it_again(server, browser):
    open_map(browser, server + "/?layers=events,statements,places,choropleth")
    loads = browser.eval(PERIOD_LOADS)
    browser.eval(
        "(() => { const i = document.getElementById('cm-search-input');"
        " i.value = 'Alep'; i.dispatchEvent(new Event('change')); })()"
    )
    browser.eval("void conflictmap.choose(8, 10)")  # 2024-02-26 .. 2024-03-17
    browser.wait_for(f"{PERIOD_LOADS} > {loads}")
    browser.eval(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".find(l => l.textContent.trim().startsWith('Events: Protests')).querySelector('input')"
        ".click()"
    )
    browser.eval("void conflictmap.map.setView([35.5, 37.5], 7, {animate: false})")
    q = parse_qs(urlsplit(browser.eval("location.href")).query)
    assert q["period"] == ["2024-02-26/2024-03-17"]
    assert (q["lat"], q["lon"], q["zoom"]) == (["35.50000"], ["37.50000"], ["7"])
    assert sorted(q["types"]) == ["Battles", "Explosions/Remote violence"]
    assert q["layers"] == ["events,statements,places,choropleth"]
    assert q["search"] == ["Alep"]
    link = browser.eval("document.getElementById('cm-view-link').href")
    assert urlsplit(link).query == urlsplit(browser.eval("location.href")).query
    # the snapshot of this view: the same filters, the period, the map's bounds
    shots = browser.eval(
        "Object.fromEntries(Array.from(document.querySelectorAll('#cm-timeline a.cm-snapshot'),"
        " a => [a.dataset.format, a.href]))"
    )
    assert sorted(shots) == sorted(snapshot.FORMATS)
    sq = parse_qs(urlsplit(shots["png"]).query)
    assert (sq["start"], sq["end"]) == (["2024-02-26"], ["2024-03-17"])
    assert sq["layers"] == ["events,statements,places,choropleth"]
    w, s, e, n = map(float, sq["bbox"][0].split(","))
    assert w < 37.5 < e and s < 35.5 < n
    with urllib.request.urlopen(shots["png"], timeout=60) as r:
        assert r.status == 200 and r.headers["Content-Type"] == "image/png"

    # the link opened again: the same centre, zoom, period, layers, types and search
    browser.open(link)
    browser.wait_for("document.body.getAttribute('data-cm-period') === '2024-02-26/2024-03-17'")
    c = browser.eval("[conflictmap.map.getCenter().lat, conflictmap.map.getCenter().lng]")
    assert abs(c[0] - 35.5) < 0.01 and abs(c[1] - 37.5) < 0.01  # to the pixel at zoom 7
    assert browser.eval("conflictmap.map.getZoom()") == 7
    shown = browser.eval(
        "conflictmap.layers.events.filter(c => conflictmap.map.hasLayer("
        "conflictmap.groups[c.type.key])).map(c => c.type.name)"
    )
    assert sorted(shown) == ["Battles", "Explosions/Remote violence"]
    assert browser.eval("conflictmap.map.hasLayer(conflictmap.groups.choropleth)")
    assert not browser.eval("conflictmap.map.hasLayer(conflictmap.groups.heatmap)")
    assert drawn_events(browser) == {
        "Battles": 1, "Explosions/Remote violence": 1, "Protests": 1
    }  # fmt: skip
    assert [b[4] for b in bars(browser)] == [True] * 8 + [False] * 3 + [True] * 3
    assert browser.eval("document.getElementById('cm-search-input').value") == "Alep"
    assert browser.eval("document.querySelector('.leaflet-popup-content').textContent") == "Alep"


def test_counts_panel_counts_the_view_and_each_country_filters_the_map(server, browser, store):
    open_map(browser, server + "/?lat=30&lon=20&zoom=2")  # the whole world in view
    browser.wait_for("(document.body.getAttribute('data-cm-counts') || '').endsWith('@world')")
    rows = browser.eval(
        "Array.from(document.querySelectorAll('#cm-counts tbody tr:not(.cm-division)'), tr =>"
        " Array.from(tr.cells, td => td.textContent.replace(/^[\u25b8\u25be]/, '')))"
    )
    expected = {r["country_code"]: r for r in store.country_totals()}
    assert rows == [
        ["Syrie", str(expected["SY"]["events"]), str(expected["SY"]["fatalities"])],
        ["Allemagne", "1", "0"],
        ["no place", "1", "20"],
    ]
    # a country unfolds into its first-level divisions, as the store counts them
    assert browser.eval("document.querySelectorAll('#cm-counts tr.cm-division:not(.cm-hidden)')"
                        ".length") == 0  # fmt: skip
    browser.eval("document.querySelector('#cm-counts tr[data-iso=SY] .cm-fold').click()")
    divisions = browser.eval(
        "Array.from(document.querySelectorAll('#cm-counts tr.cm-division:not(.cm-hidden)'),"
        " tr => [tr.cells[0].textContent, +tr.cells[1].textContent])"
    )
    assert divisions == [
        [d["admin1_name"], d["events"]] for d in store.admin1_totals() if d["country_code"] == "SY"
    ]
    total = browser.eval("document.querySelector('#cm-counts .cm-counts-total').textContent")
    assert total == "18 events, 25 killed"
    legend = browser.eval("document.querySelector('.cm-legend').textContent")
    assert "17 of 18 matching events on the map" in legend
    assert "1 with no place, 1 with no date: list them" in legend
    assert browser.eval(
        "document.querySelector('.cm-legend .cm-unlisted a').getAttribute('href')"
    ).startswith("/map/unlisted?")
    # the view moves to Germany: the panel counts what is in it
    browser.eval("void conflictmap.map.setView([52, 10], 6, {animate: false})")
    browser.wait_for("!(document.body.getAttribute('data-cm-counts') || '').endsWith('@world')")
    browser.wait_for("document.querySelectorAll('#cm-counts tbody tr.cm-country').length === 1")
    assert browser.eval("document.querySelector('#cm-counts tbody tr').textContent") == (
        "\u25b8Allemagne10"
    )
    # a country's link filters the map to it
    browser.open(server + "/?lat=30&lon=20&zoom=2")
    browser.wait_for("document.querySelectorAll('#cm-counts tbody tr.cm-country').length === 2")
    href = browser.eval("document.querySelector('#cm-counts tr[data-iso=SY] a').href")
    place = parse_qs(urlsplit(href).query)["place"][0]
    open_map(browser, href)
    legend = browser.eval("document.querySelector('.cm-legend .cm-mapped').textContent")
    _, n = store.events(place=place, limit=0)
    assert n == 16 and legend.startswith(f"{n} of {n} matching events")

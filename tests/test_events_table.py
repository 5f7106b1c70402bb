"""The events table under the map, in a real headless Chromium (as tests/test_web_map.py drives
it) over the real Flask app and a real SQLite store: its rows are the store's events of the
view (filters, timeline period, map bounds, event types ticked), it sorts and pages, a row
opens its marker and its documents, its export links give the same events, hostile text stays
text, and an 800x600 embed starts with the table folded.
"""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.model import DateValue, Document, Statement
from geo.pipeline import Extracted
from geo.store import SQLiteStore
from tests.test_timeline import open_map, unplaced_and_undated
from tests.test_web_map import XSS_MARK, chromium, only_local, served
from tests.web_fixtures import HOSTILE, HOSTILE_IMG, build_extracted, make_store
from web import create_app, maps


def unplaced_statement() -> Extracted:
    """A statement said nowhere the text names: no marker on the map."""
    text = "« Nous continuerons », a déclaré un porte-parole."
    quote = "Nous continuerons"
    return Extracted(
        doc=Document("doc-said-nowhere", text, lang="fr", published="2024-03-05", title="Dit"),
        lang="fr",
        published=DateValue("2024-03-05", "day"),
        mentions=(),
        events=(),
        statements=(
            Statement(
                quote,
                text.index(quote),
                text.index(quote) + len(quote),
                speaker="un porte-parole",
                date=DateValue("2024-03-05", "day"),
            ),
        ),  # fmt: skip
    )


@pytest.fixture(scope="module")
def db(gaz, tmp_path_factory):
    """The web fixtures' documents and more: an ambush placed nowhere, a bomb undated, a
    statement said nowhere."""
    path = tmp_path_factory.mktemp("table") / "store.sqlite"
    extracted = [*build_extracted(gaz), unplaced_and_undated(gaz), unplaced_statement()]
    make_store(path, extracted).close()
    return str(path)


@pytest.fixture(scope="module")
def store(db):
    st = SQLiteStore(db)
    yield st
    st.close()


@pytest.fixture(scope="module")
def server(db, gazetteer_path):
    app = create_app({"DB": db, "GAZETTEER": gazetteer_path})
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


ALEPPO = (36.20124, 37.16117)
ROWS = "#cm-table tbody tr.cm-tb-row"


def table_ready(browser) -> None:
    browser.wait_for(
        "!!document.body.getAttribute('data-cm-table') &&"
        " !document.body.getAttribute('data-cm-table-loading')"
    )


def wait_table_change(browser, before: str) -> None:
    browser.wait_for(
        f"document.body.getAttribute('data-cm-table') !== {before!r} &&"
        " !document.body.getAttribute('data-cm-table-loading')"
    )


def rows(browser) -> list[list[str]]:
    return browser.eval(
        f"Array.from(document.querySelectorAll('{ROWS}'), tr =>"
        " [tr.dataset.event].concat(Array.from(tr.cells, td => td.textContent)))"
    )


def table_query(browser) -> dict:
    """The filters the table asks the API for (its CSV export link carries them)."""
    href = browser.eval("document.querySelector('.cm-tb-export a[data-format=csv]').href")
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def store_filters(q: dict) -> dict:
    out = {k: v for k, v in q.items() if k in maps.FILTER_NAMES}
    if "bbox" in out:
        out["bbox"] = tuple(map(float, out["bbox"].split(",")))
    return out


def open_table_map(browser, url: str) -> None:
    open_map(browser, url)
    table_ready(browser)


def test_rows_are_the_events_of_the_view_and_follow_period_types_and_bounds(server, browser, store):
    open_table_map(browser, server + "/")
    assert browser.eval("document.body.classList.contains('cm-table-open')")  # 1280x900: open
    q = table_query(browser)
    assert "bbox" in q  # the map's bounds
    expected, total = store.events(**store_filters(q), limit=1000)
    got = rows(browser)
    assert total == 17 and len(got) == 17  # every placed event in view; the ambush has no place
    assert browser.eval("document.getElementById('cm-table-count').textContent") == (
        "17 events in view"
    )
    assert sorted(int(r[0]) for r in got) == sorted(e["id"] for e in expected)
    dates = [r[1].strip("()") for r in got]  # (publication date) of an event with none
    assert dates == sorted(dates, reverse=True)  # newest first
    assert "(2024-03-21)" in [r[1] for r in got]  # the bomb near Idleb, no date of its own
    first = got[0]  # the explosion in Raqqa, 2 April; its document's title is hostile markup
    assert first[1] == "2024-04-02" and first[2].startswith("Explosions/Remote violence")
    assert first[3].startswith("Raqa") and "(town)" in first[3]
    assert first[4] == HOSTILE_IMG and first[6] == f"{HOSTILE} title"
    # the timeline's period: the rows follow the brush
    before = browser.eval("document.body.getAttribute('data-cm-table')")
    browser.eval("void conflictmap.choose(8, 10)")  # 2024-02-26 .. 2024-03-17
    wait_table_change(browser, before)
    q = table_query(browser)
    assert (q["start"], q["end"]) == ("2024-02-26", "2024-03-17")
    _, total = store.events(**store_filters(q), limit=0)
    assert len(rows(browser)) == total == 3
    # an event type unticked in the layer control leaves the table too
    before = browser.eval("document.body.getAttribute('data-cm-table')")
    browser.eval(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".find(l => l.textContent.trim().startsWith('Events: Protests')).querySelector('input')"
        ".click()"
    )
    wait_table_change(browser, before)
    assert [r[2][:7] for r in rows(browser)] == ["Battles", "Explosi"]  # no Protests
    # the map's bounds: Germany alone holds no event of these types
    before = browser.eval("document.body.getAttribute('data-cm-table')")
    browser.eval("void conflictmap.map.setView([51, 10], 6, {animate: false})")
    wait_table_change(browser, before)
    assert rows(browser) == []
    assert browser.eval("document.querySelector('#cm-table tbody').textContent") == (
        "No event in this view."
    )
    # the view's link keeps the table's state only when it is not the default
    assert "table=" not in browser.eval("location.search")
    browser.eval("document.querySelector('.cm-tb-toggle').click()")
    assert "table=0" in browser.eval("location.search")
    assert browser.eval("document.getElementById('cm-table-body').hidden")


def test_columns_sort_and_a_row_opens_its_marker_and_documents(server, browser):
    open_table_map(browser, server + "/")
    browser.eval("document.querySelector('#cm-table th[data-key=fatalities] button').click()")
    got = rows(browser)
    assert got[0][5] == "5" and got[0][3].startswith("Alep")  # most killed first
    assert (
        browser.eval(
            "document.querySelector('#cm-table th[data-key=fatalities]').getAttribute('aria-sort')"
        )
        == "descending"
    )
    browser.eval("document.querySelector('#cm-table th[data-key=place] button').click()")
    places = [r[3] for r in rows(browser)]
    assert places == sorted(places, key=str.lower) and places[0].startswith("Alep")
    # the row's documents: links to their pages
    href = browser.eval(f"document.querySelector('{ROWS} .cm-tb-sources a').getAttribute('href')")
    assert href == "/documents/doc-alep"
    # a click on the row: the map flies to Aleppo and opens the marker's popup
    browser.eval("void conflictmap.map.setView([40, 25], 4, {animate: false})")
    time.sleep(0.4)  # the table follows the new view (Aleppo is still in it)
    table_ready(browser)
    row = browser.eval(
        f"Array.from(document.querySelectorAll('{ROWS}')).find(tr =>"
        " tr.cells[2].textContent.startsWith('Alep')).dataset.event"
    )
    browser.eval(f"document.querySelector('{ROWS}[data-event=\"{row}\"] .cm-tb-go').click()")
    browser.wait_for(f"document.body.getAttribute('data-cm-table-opened') === '{row}'")
    browser.wait_for("!!document.querySelector('.leaflet-popup-content')", timeout=5)
    c = browser.eval("[conflictmap.map.getCenter().lat, conflictmap.map.getCenter().lng]")
    assert abs(c[0] - ALEPPO[0]) < 0.3 and abs(c[1] - ALEPPO[1]) < 0.3
    assert browser.eval("conflictmap.map.getZoom()") >= maps.TABLE_ZOOM
    popup = browser.eval("document.querySelector('.leaflet-popup-content').textContent")
    assert "Des frappes aériennes ont visé Alep" in popup
    assert [c for c in browser.console() if c.startswith("EXCEPTION")] == []


def test_export_links_give_the_events_of_the_table(server, browser, store):
    open_table_map(browser, server + "/")
    browser.eval("void conflictmap.choose(0, 1)")  # the first two weeks: Damascus
    browser.wait_for("document.body.getAttribute('data-cm-period') === '2024-01-01/2024-01-14'")
    time.sleep(0.4)
    table_ready(browser)
    shown = {int(r[0]) for r in rows(browser)}
    assert len(shown) == 12
    links = browser.eval(
        "Object.fromEntries(Array.from(document.querySelectorAll('.cm-tb-export a'),"
        " a => [a.dataset.format, a.href]))"
    )
    assert sorted(links) == ["csv", "geojson"]
    with urllib.request.urlopen(links["csv"], timeout=30) as r:
        exported = list(csv.DictReader(io.StringIO(r.read().decode("utf-8-sig"))))
    assert len(exported) == len(shown)
    with urllib.request.urlopen(links["geojson"], timeout=30) as r:
        fc = json.load(r)
    assert {f["id"] for f in fc["features"]} == shown


def test_hostile_text_in_the_table_stays_text(server, browser):
    browser.events.clear()
    open_table_map(browser, server + "/")
    cells = browser.eval("document.getElementById('cm-table').textContent")
    assert HOSTILE_IMG in cells and f"{HOSTILE} title" in cells
    assert browser.eval("document.querySelectorAll('#cm-table script, #cm-table img').length") == 0
    time.sleep(0.3)  # an onerror handler would fire by now
    assert browser.eval("document.title") != XSS_MARK
    assert not any(XSS_MARK in c for c in browser.console())
    assert browser.dialogs() == []
    assert only_local(browser.requests(), server) == []


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 5 rows and views of more than 10 events paged by the server."""
    monkeypatch.setattr(maps, "TABLE_ROWS", 5)
    monkeypatch.setattr(maps, "TABLE_SORT_ALL", 10)


def test_a_large_view_is_paged_by_the_server(server, browser, store, small_pages):
    open_table_map(browser, server + "/?lat=30&lon=20&zoom=2")  # the world: 18 events
    q = table_query(browser)
    expected, total = store.events(**store_filters(q), limit=1000)
    assert total == 18
    assert [int(r[0]) for r in rows(browser)] == [e["id"] for e in expected[:5]]
    note = browser.eval("document.querySelector('.cm-tb-note').textContent")
    assert note.startswith("More than 10 events")
    seen = []
    for _ in range(4):
        seen += [int(r[0]) for r in rows(browser)]
        before = browser.eval("document.body.getAttribute('data-cm-table')")
        if browser.eval("document.querySelector('.cm-tb-next').disabled"):
            break
        browser.eval("document.querySelector('.cm-tb-next').click()")
        wait_table_change(browser, before)
    assert seen == [e["id"] for e in expected]  # every event once, in the order stored
    assert browser.eval("document.querySelector('.cm-tb-span').textContent") == "16\u201318 of 18"
    # the event with no place is listed, with no link to the map
    assert browser.eval(f"document.querySelectorAll('{ROWS} .cm-tb-noplace').length") == 1


def test_a_large_view_is_sorted_by_the_server_page_after_page(server, browser, store, small_pages):
    open_table_map(browser, server + "/?lat=30&lon=20&zoom=2")  # the world: 18 events
    filters = store_filters(table_query(browser))
    stored, total = store.events(**filters, limit=1000)
    assert total == 18
    expected, _ = store.events(**filters, limit=1000, sort="-fatalities")
    first = [str(e["id"]) for e in expected[:5]]
    assert first != [str(e["id"]) for e in stored[:5]]  # the first page is another one
    browser.eval("document.querySelector('#cm-table th[data-key=fatalities] button').click()")
    browser.wait_for(  # the server's sorted first page
        f"Array.from(document.querySelectorAll('{ROWS}'), tr => tr.dataset.event).join() ==="
        f" {','.join(first)!r} && !document.body.getAttribute('data-cm-table-loading')"
    )
    seen = []
    for _ in range(4):  # paging keeps the order: the whole view, most killed first
        seen += [int(r[0]) for r in rows(browser)]
        if browser.eval("document.querySelector('.cm-tb-next').disabled"):
            break
        now = browser.eval("document.body.getAttribute('data-cm-table')")
        browser.eval("document.querySelector('.cm-tb-next').click()")
        wait_table_change(browser, now)
    assert seen == [e["id"] for e in expected]
    killed = browser.eval(f"Array.from(document.querySelectorAll('{ROWS}'), tr => tr.cells[4]"
                          ".textContent)")  # fmt: skip
    assert killed[-1] == ""  # the last page ends with events whose toll is unknown
    sort = "#cm-table th[data-key=fatalities]"
    assert browser.eval(f"document.querySelector('{sort}').getAttribute('aria-sort')") == (
        "descending"
    )
    note = browser.eval("document.querySelector('.cm-tb-note').textContent")
    assert note.startswith("More than 10 events: the server sorts them")
    # a second click: ascending, from the first page again
    now = browser.eval("document.body.getAttribute('data-cm-table')")
    browser.eval(f"document.querySelector('{sort} button').click()")
    wait_table_change(browser, now)
    asc, _ = store.events(**filters, limit=5, sort="fatalities")
    assert [int(r[0]) for r in rows(browser)] == [e["id"] for e in asc]
    assert browser.eval("document.querySelector('.cm-tb-span').textContent") == "1\u20135 of 18"


def test_an_800x600_embed_shows_its_map_and_the_table_unfolds(server, browser):
    browser.send(
        "Emulation.setDeviceMetricsOverride", width=800, height=600, deviceScaleFactor=1,
        mobile=False,
    )  # fmt: skip
    try:
        open_map(browser, server + "/map")
        assert not browser.eval("document.body.classList.contains('cm-table-open')")
        assert browser.eval("document.getElementById('cm-table-body').hidden")
        height = browser.eval("conflictmap.map.getSize().y")
        assert height >= 600 - 86 - 29
        assert (
            browser.eval("document.getElementById('cm-table').getBoundingClientRect().bottom")
            <= 600
        )
        browser.eval("document.querySelector('.cm-tb-toggle').click()")
        table_ready(browser)
        assert len(rows(browser)) > 0
        assert browser.eval("conflictmap.map.getSize().y") < height
        assert (
            browser.eval("document.getElementById('cm-table').getBoundingClientRect().bottom")
            <= 600
        )
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")


def layer_labels(browser) -> list[str]:
    return browser.eval(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'),"
        " l => l.textContent.trim())"
    )


def test_layer_counts_say_what_is_drawn_and_what_is_not(server, browser):
    open_table_map(browser, server + "/")
    labels = layer_labels(browser)
    drawn = browser.eval("document.querySelectorAll('.cm-speech').length")
    assert drawn == 2
    assert "Statements (2 drawn of 3)" in labels  # one was said nowhere the map knows
    assert any(label.startswith("Places mentioned (") for label in labels)
    # a period: the counts follow, the same way
    browser.eval("void conflictmap.choose(9, 9)")  # 2024-03-04 .. 2024-03-10
    browser.wait_for("document.body.getAttribute('data-cm-period') === '2024-03-04/2024-03-10'")
    assert "Statements (0 drawn of 1)" in layer_labels(browser)
    browser.eval("void conflictmap.choose(8, 8)")  # 2024-02-26 .. 2024-03-03: Ankara
    browser.wait_for("document.body.getAttribute('data-cm-period') === '2024-02-26/2024-03-03'")
    assert "Statements (1)" in layer_labels(browser)

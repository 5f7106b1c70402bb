"""The page a newcomer meets: the title and navigation bar, error pages in the app's style
(JSON for the API), the panels that fold so a small embed shows its data, the readable
"Embed, data and API" panel, and the place names on the offline basemap; in headless Chromium
at 1400x900 and 800x600, on the real SQLite store of the web fixtures.
"""

from __future__ import annotations

import pytest

from tests.test_web_map import chromium, served
from tests.web_fixtures import build_extracted, make_store
from web import create_app, maps

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
HOSTILE_PATH = "/documents/%3Cscript%3Ealert(1)%3C%2Fscript%3E"


@pytest.fixture(scope="module")
def config(gaz, gazetteer_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "store.sqlite"
    make_store(path, build_extracted(gaz)).close()
    return {"GAZETTEER": gazetteer_path, "API_TOKEN": "t", "DB": str(path)}


@pytest.fixture(scope="module")
def client(config):
    return create_app(config).test_client()


# -- errors: a page for a browser, JSON for the API ---------------------------------------------
@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/no-such-page", 404, "Page not found"),
        ("/documents/no-such-document", 404, "no document with id"),
        ("/?start=2016-99-01", 400, "start is not a valid date"),
        ("/documents?page=0", 400, "page"),
        ("/map?layers=nonsense", 400, "unknown layer"),
    ],
)
def test_a_browser_gets_an_error_page_in_the_apps_style(client, path, status, words):
    r = client.get(path, headers=HTML)
    assert r.status_code == status
    assert r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert words in page
    assert 'class="cm-nav"' in page and 'href="/documents"' in page  # the navigation bar
    assert "/assets/app/pages.css" in page
    assert r.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]


def test_hostile_text_in_an_error_page_stays_text(client):
    r = client.get(HOSTILE_PATH, headers=HTML)
    assert r.status_code == 404 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "path",
    [
        "/api/documents/no-such-document",
        "/api/events?start=2016-99-01",
        "/export/events.csv?start=nope",
        "/snapshot.png?width=5",
        "/ogcapi/collections/nothing",
        "/map/timeline.json?unit=century",
        "/map/clusters.json?zoom=99",
        "/no-such-file.json",
    ],
)
def test_the_api_answers_json_errors_even_to_a_browser(client, path):
    r = client.get(path, headers=HTML)
    assert r.status_code >= 400
    assert r.is_json, path
    assert "error" in r.json or "code" in r.json


def test_a_client_that_asks_no_html_gets_json(client):
    r = client.get("/no-such-page")
    assert r.status_code == 404 and r.is_json
    r = client.get("/documents/nothing", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.is_json
    r = client.post("/", headers=HTML)  # not a page a browser navigates to
    assert r.status_code == 405 and r.is_json


def test_documents_pages_have_the_title_and_navigation_bar(client):
    page = client.get("/documents").get_data(as_text=True)
    assert f'class="cm-brand" href="/">{maps.SITE_TITLE}</a>' in page
    for label, href in maps.NAV_LINKS:
        assert f'href="{href}"' in page and f">{label}</a>" in page
    assert 'href="/documents" aria-current="page"' in page


def test_labels_of_the_basemap_come_from_the_gazetteer(client):
    en = client.get("/map/labels.json?lang=en").json
    fr = client.get("/map/labels.json?lang=fr").json
    names_en = {c[0] for c in en["countries"]}
    names_fr = {c[0] for c in fr["countries"]}
    assert "Syria" in names_en and "Syrie" in names_fr
    cities = {c[0]: c for c in en["cities"]}
    assert "Aleppo" in cities and "Alep" in {c[0] for c in fr["cities"]}
    # the largest cities are named from a lower zoom than smaller ones
    assert cities["Aleppo"][3] <= 7
    zooms = [c[3] for c in en["cities"]]
    assert zooms == sorted(zooms)
    # the country is named inside its outline, near Syria's middle
    syria = next(c for c in en["countries"] if c[0] == "Syria")
    assert 32 < syria[1] < 37.5 and 35.5 < syria[2] < 42.5


# -- in the browser -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(config):
    with served(create_app(config)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def window(browser, width: int, height: int) -> None:
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=False,
    )


RECTS = """(sel => Array.from(document.querySelectorAll(sel)).filter(e => e.offsetParent)
  .map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }))"""


def overlapping(rects: list[list[float]]) -> list[tuple]:
    out = []
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
                out.append((a, b))
    return out


def folded(browser, sel: str) -> bool:
    return browser.eval(f"document.querySelector('{sel}').classList.contains('cm-folded')")


@pytest.fixture
def wide(browser):
    window(browser, 1400, 900)
    yield
    browser.send("Emulation.clearDeviceMetricsOverride")


@pytest.fixture
def small(browser):
    window(browser, 800, 600)
    yield
    browser.send("Emulation.clearDeviceMetricsOverride")


def test_the_map_page_at_1400x900(server, browser, wide):
    browser.open(server + "/")
    browser.wait_for("!!document.querySelector('#cm-layers')")
    assert browser.eval("document.title") == f"Map · {maps.SITE_TITLE}"
    nav = browser.eval("Array.from(document.querySelectorAll('#cm-nav nav a'), a => a.textContent)")
    assert nav == [label for label, _ in maps.NAV_LINKS]
    # the nav bar sits above the map, not over it
    bar = browser.eval(RECTS + "('#cm-nav')")[0]
    top = browser.eval("conflictmap.map.getContainer().getBoundingClientRect().top")
    assert bar[3] <= top + 0.5
    assert not folded(browser, "#cm-layers")  # room for the layer list
    # the embed panel: its links one under the other, none over another
    browser.eval("document.querySelector('.cm-embed button').click()")
    links = browser.eval(RECTS + "('.cm-embed .cm-panel a')")
    assert len(links) >= 8
    assert not overlapping(links), overlapping(links)
    heights = {round(r[3] - r[1]) for r in links}
    assert max(heights) < 60  # text links, not Leaflet's 26-pixel squares stacked
    browser.eval("document.querySelector('.cm-embed button').click()")
    # place names on the basemap, in the map's language (French by default), none overlapping
    browser.eval("void conflictmap.map.setView([35, 38], 6, {animate: false})")
    browser.wait_for("(document.body.getAttribute('data-cm-labels') || '').endsWith('@6')")
    labels = browser.eval(
        "Array.from(document.querySelectorAll('.cm-label span'), s => s.textContent)"
    )
    assert "Alep" in labels and "SYRIE" not in labels  # upper case is the style, not the text
    assert "Syrie" in labels
    assert not overlapping(browser.eval(RECTS + "('.cm-label span')"))
    assert browser.eval("getComputedStyle(document.querySelector('.cm-label')).pointerEvents")
    # the embed (/map) has no navigation bar
    browser.open(server + "/map")
    assert browser.eval("!document.querySelector('#cm-nav')")


def test_an_800x600_embed_shows_its_data(server, browser, small):
    browser.open(server + "/map")
    browser.wait_for("!!document.querySelector('#cm-layers')")
    # the legend and the layer list start folded, and unfold on a click
    assert folded(browser, "#cm-layers") and folded(browser, "#cm-legend")
    assert browser.eval(
        "document.querySelector('#cm-layers .leaflet-control-layers-list').offsetParent === null"
    )
    browser.eval("document.querySelector('#cm-layers .cm-fold-head').click()")
    assert not folded(browser, "#cm-layers")
    assert browser.eval(
        "document.querySelector('#cm-layers .leaflet-control-layers-list').offsetParent !== null"
    )
    browser.eval("document.querySelector('#cm-layers .cm-fold-head').click()")
    browser.eval("document.querySelector('#cm-legend .cm-fold-head').click()")
    assert not folded(browser, "#cm-legend")
    assert "matching events on the map" in browser.eval(
        "document.querySelector('#cm-legend').textContent"
    )
    browser.eval("document.querySelector('#cm-legend .cm-fold-head').click()")
    # most of the map is free of panels: the controls cover less than a third of it
    size = browser.eval(
        "(() => { const r = conflictmap.map.getContainer().getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    assert size[1] >= 400
    covered = browser.eval(
        "(() => { const m = conflictmap.map.getContainer().getBoundingClientRect(); let n = 0, k = 0;"
        " for (let x = m.left + 5; x < m.right; x += 20) for (let y = m.top + 5; y < m.bottom; y += 20)"
        " { k++; if (document.elementFromPoint(x, y).closest('.leaflet-control')) n++; }"
        " return n / k; })()"
    )
    assert covered < 1 / 3, covered
    # the events are on it: a marker of Aleppo's events in view and not under a panel
    browser.eval("void conflictmap.map.setView([36.2, 37.16], 7, {animate: false})")
    hit = browser.eval(
        "(() => { for (const e of document.querySelectorAll('.cm-marker, .cm-cluster')) {"
        " const r = e.getBoundingClientRect(), h = document.elementFromPoint("
        "r.left + r.width / 2, r.top + r.height / 2);"
        " if (h && e.closest('.leaflet-marker-icon').contains(h)) return true; } return false; })()"
    )
    assert hit

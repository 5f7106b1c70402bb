"""The map page in a real headless Chromium, served on 127.0.0.1 with no outside network.

Chromium is driven through the DevTools protocol (websocket-client). Outside hosts cannot be
resolved (``--host-resolver-rules``) and every request the page makes is recorded: all must go to
the app itself. Hostile text must show as text and never run: ``alert`` is replaced before any
page script by one that logs a marker and changes the title, and dialogs are recorded too.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from geo.export import EXPORTS
from tests.web_fixtures import HOSTILE, HOSTILE_IMG, build_extracted, make_store
from web import assets, create_app

websocket = pytest.importorskip("websocket", reason="websocket-client is not installed")
waitress_server = pytest.importorskip("waitress.server", reason="waitress is not installed")

ALEPPO = (36.20124, 37.16117)  # lat, lon
HAMBURG_NAME = "Hamburg"
XSS_MARK = "XSS-EXECUTED"
TRAP = f"""
window.alert = window.confirm = window.prompt = function (m) {{
  console.log("{XSS_MARK}:" + m); document.title = "{XSS_MARK}";
}};
"""


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@contextlib.contextmanager
def served(app):
    """The app on a loopback waitress server (a free port) for the ``with`` block: its URL."""
    srv = waitress_server.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=srv.run, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.effective_port}"
    finally:
        srv.close()


@contextlib.contextmanager
def chromium():
    """A headless Chromium for the ``with`` block; the test is skipped where none is installed."""
    binary = chromium_binary()
    if binary is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    b = Browser(binary)
    try:
        yield b
    finally:
        b.close()


class Browser:
    """A headless Chromium and one page, spoken to over the DevTools protocol."""

    def __init__(self, binary: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="conflictmap-chromium-")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--no-default-browser-check",
                f"--user-data-dir={self.profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--window-size=1280,900",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True
        )
        self.ids = itertools.count(1)
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Network"):
            self.send(f"{domain}.enable")
        self.send("Page.addScriptToEvaluateOnNewDocument", source=TRAP)

    def send(self, method: str, **params):
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)
            if msg.get("method") == "Page.javascriptDialogOpening":
                self.send("Page.handleJavaScriptDialog", accept=True)

    def eval(self, expression: str):
        res = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expression[:80]}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not self.eval(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}")
            time.sleep(0.05)

    def open(self, url: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for(
            "document.readyState === 'complete' && "
            "(document.body && document.body.getAttribute('data-cm-ready') === '1' || "
            "!document.querySelector('.folium-map'))"
        )

    def click(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def failed(self) -> list[str]:
        """The page's requests answered with an error status, or that failed to load."""
        out = []
        for e in self.events:
            if e.get("method") == "Network.responseReceived":
                r = e["params"]["response"]
                if r["status"] >= 400:
                    out.append(f"{r['status']} {r['url']}")
            elif e.get("method") == "Network.loadingFailed":
                out.append(f"failed {e['params'].get('errorText')} ({e['params']['requestId']})")
        return out

    def console(self) -> list[str]:
        out = []
        for e in self.events:
            if e.get("method") == "Runtime.consoleAPICalled":
                out += [str(a.get("value", a.get("description"))) for a in e["params"]["args"]]
            elif e.get("method") == "Runtime.exceptionThrown":
                out.append("EXCEPTION " + json.dumps(e["params"]["exceptionDetails"])[:500])
        return out

    def dialogs(self) -> list[dict]:
        return [e for e in self.events if e.get("method") == "Page.javascriptDialogOpening"]

    def close(self) -> None:
        with contextlib.suppress(OSError, websocket.WebSocketException):
            self.ws.close()  # the browser may have dropped it
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def server(gaz, gazetteer_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("map") / "store.sqlite"
    make_store(path, build_extracted(gaz)).close()
    # the SQLite store by its path: one connection per server thread
    config = {"GAZETTEER": gazetteer_path, "API_TOKEN": "t", "DB": str(path)}
    with served(create_app(config)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def only_local(urls: list[str], base: str) -> list[str]:
    return [u for u in urls if not (u.startswith(base) or u.startswith("data:"))]


def test_map_renders_offline_with_its_layers(server, browser, tmp_path):
    if assets.missing_required():
        pytest.fail(f"map assets not installed: {assets.missing_required()}")
    browser.events.clear()
    browser.open(server + "/")
    browser.wait_for("document.body.getAttribute('data-cm-countries') > '0'")
    browser.screenshot(tmp_path / "map.png")
    shot = os.environ.get("CONFLICTMAP_SCREENSHOT")
    if shot:
        shutil.copy(tmp_path / "map.png", shot)

    assert only_local(browser.requests(), server) == []
    # every file the page loads is among the assets served (web.assets.served_files)
    assert [f for f in browser.failed() if "/assets/" in f or f.startswith("failed")] == []
    errors = [c for c in browser.console() if c.startswith("EXCEPTION")]
    assert errors == []
    overlays = browser.eval(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".map(l => l.textContent.trim())"
    )
    for label in (
        "Events: Battles (13)",
        "Events: Explosions/Remote violence (2)",
        "Events: Protests (1)",
        "Statements (2)",
        "Places mentioned",
        "Heatmap of events",
        "Mentions by country",
    ):
        assert any(o.startswith(label) for o in overlays), (label, overlays)
    bases = browser.eval(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-base label'))"
        ".map(l => l.textContent.trim())"
    )
    assert bases[0] == "Countries (Natural Earth)"
    # the basemap is drawn (country paths), with no tile requested
    assert browser.eval("document.querySelectorAll('.leaflet-cm-base-pane path').length") > 100
    assert browser.eval("document.querySelectorAll('.leaflet-tile').length") == 0
    assert browser.eval("!!document.querySelector('.leaflet-control-scale')")
    assert browser.eval("!!document.querySelector('.cm-legend')")
    assert browser.eval("!!document.querySelector('#cm-search-input')")
    assert "GeoNames" in browser.eval(
        "document.querySelector('.leaflet-control-attribution').textContent"
    )
    if assets.available("fullscreen"):
        assert browser.eval("!!document.querySelector('.leaflet-control-zoom-fullscreen')")
    embed = browser.eval("document.getElementById('cm-embed-code').value")
    assert embed.startswith('<iframe src="http://127.0.0.1') and "/map" in embed
    # the data panel offers every export format the app declares, each a link to its route
    hrefs = browser.eval(
        "[...document.querySelectorAll('.cm-embed a')].map(a => a.getAttribute('href'))"
    )
    for fmt in EXPORTS:
        assert any(h and f"/export/events.{fmt}" in h for h in hrefs), fmt


def test_markers_are_where_the_places_are_and_popups_open(server, browser):
    browser.open(f"{server}/?lat={ALEPPO[0]}&lon={ALEPPO[1]}&zoom=11")
    lat, lon = ALEPPO
    x, y = browser.eval(
        f"(() => {{ const p = conflictmap.map.latLngToContainerPoint([{lat}, {lon}]);"
        " const r = conflictmap.map.getContainer().getBoundingClientRect();"
        " return [p.x + r.left, p.y + r.top]; })()"
    )
    centres = browser.eval(
        "Array.from(document.querySelectorAll('.cm-marker')).map(e => {"
        " const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })"
    )
    near = [c for c in centres if abs(c[0] - x) < 4 and abs(c[1] - y) < 4]
    assert near, (x, y, centres)
    browser.click(*near[0])
    browser.wait_for("!!document.querySelector('.leaflet-popup-content')", timeout=5)
    text = browser.eval("document.querySelector('.leaflet-popup-content').textContent")
    assert "Des frappes aériennes ont visé Alep" in text
    assert "Russian air force" in text and "2024-02-27" in text
    href = browser.eval(
        "document.querySelector('.leaflet-popup-content a[href^=\"/documents/\"]').getAttribute('href')"
    )
    assert href == "/documents/doc-alep"
    # every event marker sits at its place: compare with the API's coordinates
    positions = browser.eval("conflictmap.layers.events.flatMap(c => c.layer.points())")
    assert any(abs(p[0] - lat) < 1e-4 and abs(p[1] - lon) < 1e-4 for p in positions)


def test_layer_control_toggles_and_search_finds_a_place(server, browser):
    browser.open(server + "/")
    before = browser.eval("document.querySelectorAll('.cm-speech').length")
    assert before >= 1
    browser.eval(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".find(l => l.textContent.trim().startsWith('Statements')).querySelector('input').click()"
    )
    assert browser.eval("document.querySelectorAll('.cm-speech').length") == 0
    assert not browser.eval("conflictmap.map.hasLayer(conflictmap.groups.statements)")
    assert browser.eval("document.querySelectorAll('#cm-search-list option').length") == 0
    suggested = browser.eval(
        "(() => { const i = document.getElementById('cm-search-input');"
        f" i.value = '{HAMBURG_NAME[:3].lower()}'; i.dispatchEvent(new Event('input'));"
        " return Array.from(document.querySelectorAll('#cm-search-list option'), o => o.value); })()"
    )
    assert HAMBURG_NAME in suggested
    browser.eval(
        "(() => { const i = document.getElementById('cm-search-input');"
        f" i.value = '{HAMBURG_NAME}'; i.dispatchEvent(new Event('change')); }})()"
    )
    browser.wait_for("!!document.querySelector('.leaflet-popup-content')", timeout=5)
    assert HAMBURG_NAME in browser.eval(
        "document.querySelector('.leaflet-popup-content').textContent"
    )
    c = browser.eval("[conflictmap.map.getCenter().lat, conflictmap.map.getCenter().lng]")
    assert abs(c[0] - 53.55) < 0.5 and abs(c[1] - 10.0) < 0.5  # the popup may pan a little


def test_hostile_text_shows_as_text_and_never_runs(server, browser):
    browser.events.clear()
    browser.open(f"{server}/?lat=35.95&lon=39.01&zoom=11")
    for cls in ("cm-marker", "cm-speech"):
        # the hostile document's marker among the others there (whatever the tests before left),
        # once the map has drawn them (after the page is ready, later on a loaded machine)
        selector = f"document.querySelectorAll('.leaflet-marker-pane .{cls}').length"
        browser.wait_for(f"{selector} > 0")
        count = browser.eval(selector)
        popups = []
        for k in range(count):
            browser.eval(f"document.querySelectorAll('.leaflet-marker-pane .{cls}')[{k}].click()")
            browser.wait_for("!!document.querySelector('.leaflet-popup-content')", timeout=5)
            popups.append(
                browser.eval("document.querySelector('.leaflet-popup-content').textContent")
            )
            assert (
                browser.eval(
                    "document.querySelectorAll('.leaflet-popup-content script, "
                    ".leaflet-popup-content img').length"
                )
                == 0
            )
            browser.eval("void conflictmap.map.closePopup()")
            # a closed popup fades out for 200 ms, still in the page: the next click's popup
            # would be read from it
            browser.wait_for("!document.querySelector('.leaflet-popup')", timeout=5)
            if HOSTILE in popups[-1] or HOSTILE_IMG in popups[-1]:
                break
        assert any(HOSTILE in p or HOSTILE_IMG in p for p in popups), popups
    browser.open(f"{server}/documents/doc-hostile")
    body = browser.eval("document.getElementById('text').textContent")
    assert HOSTILE in body and HOSTILE_IMG in body
    assert browser.eval("document.querySelectorAll('main script, main img').length") == 0
    time.sleep(0.3)  # an onerror handler would fire by now
    assert browser.eval("document.title") != XSS_MARK
    assert not any(XSS_MARK in c for c in browser.console())
    assert browser.dialogs() == []
    assert only_local(browser.requests(), server) == []


def test_event_markers_cluster_by_zoom_and_every_place_is_reachable(server, browser):
    browser.open(f"{server}/?lat=35&lon=38&zoom=3")
    layers = "conflictmap.layers.events"
    # the clusters of every zoom hold each place of the layer once and the type's count
    sums = browser.eval(
        f"{layers}.map(c => [2, 6, 11, 18].map(z => {{ const seen = new Set(); let n = 0;"
        " c.layer._clusters(z).forEach(k => { n += k[3]; k[4].forEach(i => seen.add(i)); });"
        " return [n, seen.size]; }).concat([[c.type.count, c.layer.rows.length]]))"
    )
    for per_zoom in sums:
        assert all(s == per_zoom[-1] for s in per_zoom), per_zoom
    # at the last zoom each place has a marker of its own
    last = browser.eval(f"{layers}.map(c => c.layer._clusters(18).length === c.layer.rows.length)")
    assert all(last)
    # at zoom 3 the Syrian places are clustered; clicking a cluster zooms in on its places
    assert browser.eval("document.querySelectorAll('.cm-cluster').length") >= 1
    browser.eval("document.querySelector('.cm-cluster').click()")
    assert browser.eval("conflictmap.map.getZoom()") > 3
    # an unticked type has no marker in the page, ticking it draws them again
    browser.open(f"{server}/?lat=35&lon=38&zoom=6")
    battles = "conflictmap.layers.events.find(c => c.type.name === 'Battles').layer._fg"
    toggle = (
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".find(l => l.textContent.trim().startsWith('Events: Battles')).querySelector('input')"
        ".click()"
    )
    drawn = browser.eval(f"{battles}.getLayers().length")
    assert drawn >= 1
    browser.eval(toggle)
    assert browser.eval(f"!{battles}")
    browser.eval(toggle)
    assert browser.eval(f"{battles}.getLayers().length") == drawn


@pytest.mark.parametrize(
    ("query", "typed", "shown"),
    [("", "Alep", "Alep"), ("", "aleppo", "Alep"), ("", "Raqqa", "Raqa"),
     ("?lang=en", "Alep", "Aleppo"), ("?lang=en", "Alèp", "Aleppo")],
)  # fmt: skip
def test_search_finds_a_place_by_any_of_its_names(server, browser, query, typed, shown):
    # French by default: the names a French reader knows, the English ones, and the names as
    # the documents wrote them all lead to the place, shown by the map's language's name
    browser.open(server + "/" + query)
    suggested = browser.eval(
        "(() => { const i = document.getElementById('cm-search-input');"
        f" i.value = {json.dumps(typed[:3])}; i.dispatchEvent(new Event('input'));"
        " return Array.from(document.querySelectorAll('#cm-search-list option'), o => o.value); })()"
    )
    assert any(s.lower().startswith(typed[:3].lower().replace("è", "e")) for s in suggested)
    browser.eval(
        "(() => { const i = document.getElementById('cm-search-input');"
        f" i.value = {json.dumps(typed)}; i.dispatchEvent(new Event('change')); }})()"
    )
    browser.wait_for("!!document.querySelector('.leaflet-popup-content h4')", timeout=5)
    title = browser.eval("document.querySelector('.leaflet-popup-content h4').textContent")
    assert title.strip() == shown
    assert not browser.eval(
        "document.getElementById('cm-search-input').classList.contains('cm-miss')"
    )

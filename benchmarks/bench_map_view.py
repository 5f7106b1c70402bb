"""The map page of a big store, its markers asked for by view (``web/clusters.py``), beside
today's full page (every place and type written into the page) and the empty map, in the
same process, in headless Chromium over loopback; and the server's answer to each pan and
zoom (``/map/clusters.json``) beside the store's count of the same view.

Figures, for each store:

* first view: seconds from navigation until the page is ready (``data-cm-ready``) and its
  event markers are drawn (``data-cm-view``: the clusters of the first view answered), the
  median of ``--runs`` loads, each after the server went quiet (the timeline, the counts and
  the places the page asks for after its first view are answered before the next load);
* beside it, the same page with every event written into it (the page before, forced by
  ``MAP_VIEW_GROUPS``), and the empty store's map page;
* pan/zoom: ``/map/clusters.json`` for random views (zoom 3 to 12 around stored events),
  milliseconds p50 / p99 through the Flask test client, the store's counts of the filter held
  in memory; beside the store's count of the events in the same view (``store.events(bbox,
  limit=0)``, the R*Tree's count); the first answer of a new filter (a one-month period, the
  world) and the same filter again;
* in the browser: a pan and a zoom, from the map's move until the new view's markers are
  drawn.

Usage::

    python benchmarks/synthetic.py --events 1000000 -o /tmp/synthetic-1m.sqlite
    python benchmarks/bench_map_view.py --db /tmp/synthetic-100k.sqlite --db /tmp/synthetic-1m.sqlite
    python benchmarks/bench_map_view.py --events 100000       # builds a store in a temp dir

The stores are only read. The machine's other work shows in the figures: read the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

AIM_PAGE_S = 1.0
AIM_PAN_MS = 100.0
QUIET = (
    "document.body.getAttribute('data-cm-timeline') !== null && "
    "document.body.getAttribute('data-cm-counts') !== null && "
    "!document.body.hasAttribute('data-cm-loading') && "
    "!document.body.hasAttribute('data-cm-view-loading')"
)
DRAWN = (
    "document.body && document.body.getAttribute('data-cm-ready') === '1' && "
    "(!conflictmap.data.by_view || !!document.body.getAttribute('data-cm-view'))"
)


def serve(db: Path, gaz_path: str, **config):
    from waitress.server import create_server

    from web import create_app

    logging.getLogger("waitress").setLevel(logging.CRITICAL)
    app = create_app({"DB": str(db), "GAZETTEER": gaz_path, **config})
    srv = create_server(app, host="127.0.0.1", port=0, threads=4)

    def run() -> None:
        with contextlib.suppress(OSError):
            srv.run()

    threading.Thread(target=run, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.effective_port}/"


def wait(browser, expression: str, timeout: float = 180) -> None:
    t0 = time.perf_counter()
    while not browser.eval(expression):
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"timed out: {expression}")
        time.sleep(0.01)


def load(browser, url: str) -> float:
    """Seconds until the first view is drawn; then waits for the server to go quiet."""
    browser.send("Page.navigate", url="about:blank")
    t0 = time.perf_counter()
    browser.send("Page.navigate", url=url)
    wait(browser, f"location.href.startsWith({url.split('?')[0]!r}) && !!({DRAWN})")
    secs = time.perf_counter() - t0
    wait(browser, QUIET)
    time.sleep(0.3)
    return secs


def page_times(browser, url: str, runs: int) -> float:
    load(browser, url)  # assets cached, as for a returning visitor
    return statistics.median(load(browser, url) for _ in range(runs))


def moves(browser, url: str) -> dict:
    """A pan and a zoom in the browser, from a view of the Middle East at zoom 5: seconds
    until the new view's markers are drawn."""
    load(browser, url + "?lat=34&lon=38&zoom=5")
    out = {}
    for name, js in (
        ("pan", "void conflictmap.map.panBy([300, 120], {animate: false})"),
        ("zoom", "void conflictmap.map.setZoom(conflictmap.map.getZoom() + 2, {animate: false})"),
    ):
        before = browser.eval("conflictmap.viewLoads || 0")
        t0 = time.perf_counter()
        browser.eval(js)
        wait(browser, f"(conflictmap.viewLoads || 0) > {before}")
        out[name] = time.perf_counter() - t0
        out[name + "_view"] = browser.eval("document.body.getAttribute('data-cm-view')")
    return out


def random_views(db: Path, k: int, seed: int = 7) -> list[tuple[tuple, int]]:
    rng = random.Random(seed)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    pts = con.execute(
        "SELECT p.lat, p.lon FROM event_counts c JOIN places p ON p.pk = c.place_pk"
    ).fetchall()
    con.close()
    out = []
    for _ in range(k):
        lat, lon = rng.choice(pts)
        zoom = rng.randint(3, 12)
        half_lon = 360 / 2**zoom * 2.5  # a 1280-pixel-wide map: 5 tiles across
        half_lat = half_lon * 0.6
        box = (
            round(max(lon - half_lon, -180), 4),
            round(max(lat - half_lat, -85), 4),
            round(min(lon + half_lon, 180), 4),
            round(min(lat + half_lat, 85), 4),
        )
        out.append((box, zoom))
    return out


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def server_side(db: Path, gaz_path: str, k: int) -> dict:
    from geo.store import SQLiteStore
    from web import clusters, create_app

    app = create_app({"DB": str(db), "GAZETTEER": gaz_path})
    client = app.test_client()
    views = random_views(db, k)
    client.get("/map/clusters.json?zoom=2")  # the whole store's counts read once
    times, base, answered = [], [], []
    store = SQLiteStore(db)
    try:
        for box, zoom in views:
            view = ",".join(map(str, box))
            t0 = time.perf_counter()
            r = client.get(f"/map/clusters.json?view={view}&zoom={zoom}")
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.get_data(as_text=True)
            answered.append(len(r.json["clusters"]) + len(r.json["singles"]))
            t0 = time.perf_counter()
            store.events(bbox=box, limit=0)
            base.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        client.get("/map/clusters.json?zoom=2&types=Battles,Riots")
        types = (time.perf_counter() - t0) * 1000
        month = "start=2016-03-01&end=2016-03-31"
        clusters._cache.clear()
        t0 = time.perf_counter()
        client.get(f"/map/clusters.json?zoom=2&{month}")
        first = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        client.get(f"/map/clusters.json?zoom=2&{month}")
        again = (time.perf_counter() - t0) * 1000
    finally:
        store.close()
    return {
        "pan_p50": pct(times, 0.5),
        "pan_p99": pct(times, 0.99),
        "count_p50": pct(base, 0.5),
        "count_p99": pct(base, 0.99),
        "markers_median": statistics.median(answered),
        "period_first": first,
        "period_again": again,
        "world_types": types,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", action="append", default=[], help="a synthetic store (repeatable)")
    ap.add_argument("--events", type=int, default=100_000, help="without --db: build this many")
    ap.add_argument("--gazetteer", default=os.environ.get("CONFLICTMAP_GAZETTEER"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--views", type=int, default=250)
    args = ap.parse_args(argv)

    from bench_store import Chromium

    from gazetteer.lookup import Gazetteer, default_path
    from geo.store import SQLiteStore

    gaz_path = args.gazetteer or str(default_path())
    workdir = Path(tempfile.mkdtemp(prefix="conflictmap-mapview-"))
    dbs = [Path(d) for d in args.db]
    if not dbs:
        from synthetic import write_store

        dbs = [workdir / f"synthetic-{args.events}.sqlite"]
        write_store(dbs[0], args.events, Gazetteer(gaz_path), 0)
    empty = workdir / "empty.sqlite"
    SQLiteStore(empty).close()
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        print("Chromium is not installed")
        return 1
    browser = Chromium(binary)
    try:
        srv_e, url_e = serve(empty, gaz_path)
        try:
            empty_s = page_times(browser, url_e, args.runs)
        finally:
            srv_e.close()
        for db in dbs:
            st = SQLiteStore(db)
            n = st.stats().get("events")
            st.close()
            print(f"\nstore: {db.name} ({n:,} events)")
            srv, url = serve(db, gaz_path)
            srv_f, url_f = serve(db, gaz_path, MAP_VIEW_GROUPS=10**9)
            try:
                view_s = page_times(browser, url, args.runs)
                mode = browser.eval("conflictmap.data.by_view")
                first = browser.eval("document.body.getAttribute('data-cm-view')")
                full_s = page_times(browser, url_f, args.runs)
                moved = moves(browser, url)
            finally:
                srv.close()
                srv_f.close()
            flag = "" if view_s <= AIM_PAGE_S else f"  (aim <= {AIM_PAGE_S:g} s)"
            print(f"first view, by view ({first}, by_view={mode}): {view_s:.2f} s{flag}")
            print(f"  baseline: the full page (every place and type in it): {full_s:.2f} s")
            print(f"  baseline: the empty map page: {empty_s:.2f} s")
            print(
                f"  ratio to the full page {view_s / full_s:.2f}, to the empty {view_s / empty_s:.2f}"
            )
            print(
                f"in the browser: a pan drawn in {moved['pan']:.2f} s ({moved['pan_view']}), "
                f"zoom +2 in {moved['zoom']:.2f} s ({moved['zoom_view']})"
            )
            s = server_side(db, gaz_path, args.views)
            flag = "" if s["pan_p99"] <= AIM_PAN_MS else f"  (aim <= {AIM_PAN_MS:g} ms)"
            print(
                f"/map/clusters.json, {args.views} views zoom 3-12: p50 {s['pan_p50']:.1f} ms, "
                f"p99 {s['pan_p99']:.1f} ms{flag} (median {s['markers_median']:.0f} markers)"
            )
            print(
                f"  baseline: store.events(bbox, limit=0) of the same views: p50 "
                f"{s['count_p50']:.1f} ms, p99 {s['count_p99']:.1f} ms"
            )
            print(
                f"  a new filter (one month, the world): first {s['period_first']:.0f} ms, "
                f"again {s['period_again']:.1f} ms; the world, two types: "
                f"{s['world_types']:.1f} ms"
            )
    finally:
        browser.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

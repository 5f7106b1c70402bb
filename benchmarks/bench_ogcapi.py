"""OGC API – Features beside the app's own JSON API on the synthetic stores of
``benchmarks/synthetic.py`` (1M events by default), in the same run and the same process:

* ``/ogcapi/collections/events/items`` with ``bbox`` + ``datetime`` (a closed interval), a page
  of 100, beside ``/api/events`` with the same ``bbox``, ``start`` and ``end`` (the same rows:
  ``numberMatched`` is checked equal), p50 / p99 over random queries through the Flask test
  client; the queries of ``benchmarks/bench_store.py`` (a bbox 1–10° wide around stored events,
  1 month to 2 years), once without and once with its ``type`` filter;
* the store call alone (``store.events``), the floor both endpoints stand on;
* one feature by id (``/items/{id}``) beside ``/api/events/{id}/sources``;
* the collection's description (``/collections/events``: its extent, computed from the store),
  cold, then served from the app's cache;
* with ``--gdal``: every event read by GDAL's OAPIF driver from the app served on loopback,
  beside the GeoJSON and FlatGeobuf exports downloaded and read by GDAL.

The store is written by ``synthetic.write_store`` (not committed) unless ``--db`` names one.

Usage: python benchmarks/bench_ogcapi.py [--sizes 1000000] [--queries 250] [--db STORE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import fmt_n, gazetteer_path, pct, random_queries  # noqa: E402

AIM_P99_MS = 50
PAGE = 100


def _timed(client, url: str) -> tuple[float, dict]:
    t0 = time.perf_counter()
    resp = client.get(url)
    ms = (time.perf_counter() - t0) * 1000
    if resp.status_code != 200:
        raise RuntimeError(f"{url}: {resp.status_code} {resp.data[:300]!r}")
    return ms, resp.get_json()


def bench_items(path: Path, gaz_path: str, k: int, with_type: bool) -> dict:
    """p50 / p99 of the two endpoints and of the store over the same ``k`` queries."""
    from geo.store import SQLiteStore
    from web import create_app

    queries = random_queries(path, k)
    if not with_type:
        for q in queries:
            del q["type"]
    app = create_app({"DB": str(path), "GAZETTEER": gaz_path})
    client = app.test_client()
    store = SQLiteStore(path)

    def urls(q: dict) -> tuple[str, str]:
        bbox = ",".join(map(str, q["bbox"]))
        extra = {"type": q["type"]} if "type" in q else {}
        api = "/api/events?" + urlencode(
            {"bbox": bbox, "start": q["start"], "end": q["end"], **extra, "limit": PAGE}
        )
        ogc = "/ogcapi/collections/events/items?" + urlencode(
            {"bbox": bbox, "datetime": f"{q['start']}/{q['end']}", **extra, "limit": PAGE}
        )
        return api, ogc

    for q in queries[:10]:  # warm the page cache and the connections
        for url in urls(q):
            client.get(url)
    api_ms, ogc_ms, store_ms, matched = [], [], [], []
    for i, q in enumerate(queries):
        api, ogc = urls(q)
        t0 = time.perf_counter()
        _, total = store.events(**q, limit=PAGE)
        store_ms.append((time.perf_counter() - t0) * 1000)
        # alternate which goes first, so neither always finds the pages the other read cached
        pair = [(api, api_ms), (ogc, ogc_ms)]
        for url, sink in pair if i % 2 else pair[::-1]:
            ms, body = _timed(client, url)
            sink.append(ms)
            if body["numberMatched"] != total or body["numberReturned"] != min(total, PAGE):
                raise RuntimeError(f"{url}: {body['numberMatched']} matched, store {total}")
        matched.append(total)
    store.close()
    return {
        "ogc_p50": pct(ogc_ms, 0.5),
        "ogc_p99": pct(ogc_ms, 0.99),
        "api_p50": pct(api_ms, 0.5),
        "api_p99": pct(api_ms, 0.99),
        "store_p50": pct(store_ms, 0.5),
        "store_p99": pct(store_ms, 0.99),
        "matched_median": sorted(matched)[len(matched) // 2],
        "n": len(queries),
    }


def bench_item_and_extent(path: Path, gaz_path: str, k: int = 100) -> dict:
    """One feature by id beside the event's sources; the collection's extent cold and cached."""
    import sqlite3

    from web import create_app

    con = sqlite3.connect(path)
    (top,) = con.execute("SELECT max(id) FROM events").fetchone()
    rng = random.Random(2)
    ids: list[int] = []
    while len(ids) < k:  # events that are items: not reports merged into another event
        fid = rng.randint(1, top)
        row = con.execute("SELECT merged_into FROM events WHERE id = ?", (fid,)).fetchone()
        if row is not None and row[0] is None:
            ids.append(fid)
    con.close()
    app = create_app({"DB": str(path), "GAZETTEER": gaz_path})
    client = app.test_client()
    t0 = time.perf_counter()
    _, coll = _timed(client, "/ogcapi/collections/events")
    cold = (time.perf_counter() - t0) * 1000
    warm, _ = _timed(client, "/ogcapi/collections/events")
    item_ms, sources_ms = [], []
    for fid in ids:
        ms, feature = _timed(client, f"/ogcapi/collections/events/items/{fid}")
        if feature["id"] != fid:
            raise RuntimeError(f"item {fid}: got {feature['id']}")
        item_ms.append(ms)
        ms, _ = _timed(client, f"/api/events/{fid}/sources")
        sources_ms.append(ms)
    return {
        "item_p50": pct(item_ms, 0.5),
        "item_p99": pct(item_ms, 0.99),
        "sources_p50": pct(sources_ms, 0.5),
        "sources_p99": pct(sources_ms, 0.99),
        "extent_cold_ms": cold,
        "extent_warm_ms": warm,
        "extent": coll["extent"],
    }


# the app served by waitress in a process of its own: GDAL holds the GIL while it reads, so a
# server in this process could not answer it
SERVE = """
import logging, sys
from waitress.server import create_server
from web import create_app
logging.getLogger("waitress").setLevel(logging.CRITICAL)
srv = create_server(create_app({"DB": sys.argv[1], "GAZETTEER": sys.argv[2]}),
                    host="127.0.0.1", port=0, threads=4)
print(srv.effective_port, flush=True)
srv.run()
"""


def bench_gdal(path: Path, gaz_path: str, workdir: Path) -> dict:
    """Every event read by GDAL (pyogrio) over HTTP from the app served by waitress on
    loopback: through the OAPIF driver (pages of GDAL's choosing), beside downloading the
    GeoJSON export and reading that file, and the FlatGeobuf export likewise."""
    import subprocess
    import urllib.request

    import pyogrio

    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(path), gaz_path],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    out: dict = {}
    try:
        base = f"http://127.0.0.1:{int(proc.stdout.readline())}/"
        t0 = time.perf_counter()
        df = pyogrio.read_dataframe(f"OAPIF:{base}ogcapi", layer="events")
        out["gdal_oapif_s"], out["gdal_n"] = time.perf_counter() - t0, len(df)
        for name in ("geojson", "fgb"):
            target = workdir / f"bench-events.{name}"
            t0 = time.perf_counter()
            with urllib.request.urlopen(f"{base}export/events.{name}") as resp:
                target.write_bytes(resp.read())
            got = time.perf_counter() - t0
            n = len(pyogrio.read_dataframe(target))
            out[f"gdal_{name}_s"], out[f"gdal_{name}_download_s"] = time.perf_counter() - t0, got
            out[f"gdal_{name}_n"] = n
            target.unlink()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return out


def report(results: dict[int, dict]) -> None:
    sizes = list(results)
    print(
        "\n| figure (page of 100, Flask test client) | "
        + " | ".join(fmt_n(n) for n in sizes)
        + " | aim |"
    )
    print("|---|" + "---|" * len(sizes) + "---|")

    def row(label: str, cell, aim: str = "") -> None:
        print(f"| {label} | " + " | ".join(cell(results[n]) for n in sizes) + f" | {aim} |")

    for key, label in (("plain", "bbox + datetime"), ("typed", "bbox + datetime + type")):
        row(
            f"`/ogcapi/.../items` {label}, p50 / p99",
            lambda r, k=key: f"{r[k]['ogc_p50']:.1f} / {r[k]['ogc_p99']:.1f} ms",
            f"p99 ≤ {AIM_P99_MS} ms" if key == "plain" else "",
        )
        row(
            f"beside: `/api/events` {label}, p50 / p99",
            lambda r, k=key: f"{r[k]['api_p50']:.1f} / {r[k]['api_p99']:.1f} ms",
        )
        row(
            f"floor: `store.events` {label}, p50 / p99",
            lambda r, k=key: f"{r[k]['store_p50']:.1f} / {r[k]['store_p99']:.1f} ms",
        )
        row(
            f"events matched per query ({label}), median",
            lambda r, k=key: f"{r[k]['matched_median']:,}",
        )
    row(
        "`/ogcapi/.../items/{id}`, p50 / p99",
        lambda r: f"{r['item']['item_p50']:.1f} / {r['item']['item_p99']:.1f} ms",
    )
    row(
        "beside: `/api/events/{id}/sources`, p50 / p99",
        lambda r: f"{r['item']['sources_p50']:.1f} / {r['item']['sources_p99']:.1f} ms",
    )
    row(
        "`/ogcapi/collections/events` (extent): cold / cached",
        lambda r: f"{r['item']['extent_cold_ms']:.0f} / {r['item']['extent_warm_ms']:.1f} ms",
    )
    if all("gdal" in r for r in results.values()):
        row(
            "every event read by GDAL through OAPIF", lambda r: f"{r['gdal']['gdal_oapif_s']:.1f} s"
        )
        for name in ("geojson", "fgb"):
            row(
                f"beside: the {name} export downloaded (of which) and read by GDAL",
                lambda r, k=name: (
                    f"{r['gdal'][f'gdal_{k}_s']:.1f} s ({r['gdal'][f'gdal_{k}_download_s']:.1f} s)"
                ),
            )
        row(
            "ratio OAPIF / GeoJSON export",
            lambda r: f"{r['gdal']['gdal_oapif_s'] / r['gdal']['gdal_geojson_s']:.1f}",
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000000", help="comma-separated event counts")
    ap.add_argument("--queries", type=int, default=250, help="random queries per size and kind")
    ap.add_argument("--db", default=None, help="an existing synthetic store (one size: its own)")
    ap.add_argument("--gazetteer", default=None)
    ap.add_argument("--workdir", default=None, help="where the stores go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the generated stores")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    ap.add_argument(
        "--gdal", action="store_true", help="also read every event through GDAL (OAPIF, exports)"
    )
    args = ap.parse_args(argv)

    import synthetic

    from gazetteer.lookup import Gazetteer

    gaz_path = gazetteer_path(args.gazetteer)
    os.environ["CONFLICTMAP_GAZETTEER"] = gaz_path
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="conflictmap-bench-ogc-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict] = {}
    try:
        if args.db:
            import sqlite3

            con = sqlite3.connect(args.db)
            (n,) = con.execute("SELECT count(*) FROM events").fetchone()
            con.close()
            stores = [(n, Path(args.db), False)]
        else:
            gaz = Gazetteer(gaz_path)
            stores = []
            for n in (int(s) for s in args.sizes.split(",") if s.strip()):
                path = workdir / f"synthetic-{n}.sqlite"
                if not path.exists():
                    t0 = time.perf_counter()
                    synthetic.write_store(path, n, gaz)
                    print(f"[{fmt_n(n)}] store written in {time.perf_counter() - t0:.0f} s",
                          file=sys.stderr)  # fmt: skip
                stores.append((n, path, not args.keep))
        for n, path, remove in stores:
            r = results[n] = {}
            for name, step in (
                ("plain", partial(bench_items, path, gaz_path, args.queries, with_type=False)),
                ("typed", partial(bench_items, path, gaz_path, args.queries, with_type=True)),
                ("item", partial(bench_item_and_extent, path, gaz_path)),
                *([("gdal", partial(bench_gdal, path, gaz_path, workdir))] if args.gdal else []),
            ):
                t0 = time.perf_counter()
                r[name] = step()
                shown = {k: v for k, v in r[name].items() if k != "extent"}
                print(
                    f"[{fmt_n(n)}] {name}: {time.perf_counter() - t0:.1f} s "
                    + json.dumps({k: round(v, 2) for k, v in shown.items()}),
                    file=sys.stderr,
                    flush=True,
                )
            if remove:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    ok = all(r["plain"]["ogc_p99"] <= AIM_P99_MS for r in results.values())
    print(f"\naim (p99 ≤ {AIM_P99_MS} ms, bbox + datetime): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The PostGIS store beside the SQLite store, same run, same synthetic events.

Figures, for N events (default 1,000,000) written through :meth:`~geo.store.Store.add` (one
transaction per 100-event document, :mod:`benchmarks.synthetic`), each document written to both
stores in turn:

- ingest rate (events/s, generation excluded);
- the map's query, bbox + date range + type (``store.events(..., limit=100)``): p50 and p99 over
  the same random queries on both stores;
- the full GeoJSON export (``geo.export.export_events``) in a child process each, ``--exports``
  runs of each in turn (median seconds, highest peak resident memory; flat means streamed): the
  SQLite store's export builds the Features in SQLite in parallel worker processes, the
  PostGIS one in PostgreSQL, read by one connection per core through server-side cursors in
  one snapshot; beside it, the baseline of the same run, the PostGIS export with each Feature
  built in Python from the event's row (what the store did before). The files are compared:
  the same Features, line by line.

PostgreSQL is a throwaway cluster started here (``initdb``/``pg_ctl``, as the tests do, with
``--shared-buffers`` of cache) unless ``--pg-url`` names a database. A build too long for one
sitting: ``--ingest-only`` writes the stores (``--workdir``, ``--pg-url``) and stops, ``--resume``
goes on writing an interrupted build (each store gets the documents it lacks, in the same order;
the rate of each part is kept in ``ingest.json``), ``--reuse`` measures finished stores. Usage::

    python benchmarks/bench_postgis.py --events 1000000
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _export_child(url: str, out: str, how: str = "store") -> None:
    from bench_store import peak_rss_mb

    import geo.export
    from geo.export import export_events
    from geo.store import Store, open_store

    store = open_store(url)
    if how == "python":  # the baseline: each Feature built in Python from the event's row
        geo.export.PARALLEL_EXPORT_MIN = float("inf")
        type(store).iter_event_features = Store.iter_event_features
    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    n = export_events(store, "geojson", out)
    secs = time.perf_counter() - t0
    store.close()
    print(json.dumps({"n": n, "s": secs, "rss_mb": peak_rss_mb(), "rss0_mb": rss0}))


def bench_export(url: str, target: Path, how: str = "store") -> dict:
    res = subprocess.run(
        [sys.executable, __file__, "--export-child", url, str(target), how],
        capture_output=True,
        text=True,
        check=True,
    )
    fig = json.loads(res.stdout.strip().splitlines()[-1])
    fig["mb"] = target.stat().st_size / 1e6
    return fig


def bench_exports(runs: dict[str, tuple[str, str]], work: Path, repeat: int) -> dict:
    """Each export ``repeat`` times, the runs in turn (the load of a shared machine falls on
    all): median seconds, each run's seconds, the highest peak memory; the files are kept
    for :func:`same_features`."""
    times: dict[str, list[float]] = {k: [] for k in runs}
    figs: dict[str, dict] = {}
    for _ in range(repeat):
        for name, (url, how) in runs.items():
            fig = bench_export(url, work / f"{name}.geojson", how)
            times[name].append(fig["s"])
            figs[name] = {**fig, "rss_mb": max(fig["rss_mb"], figs.get(name, fig)["rss_mb"])}
    return {
        name: {**figs[name], "s": statistics.median(t), "runs_s": t} for name, t in times.items()
    }


def same_features(a: Path, b: Path) -> tuple[bool, int]:
    """Whether two GeoJSON exports hold the same Features (one a line, as written), and how
    many lines differ in their text (numbers written 117 or 117.0) while equal once read."""
    differ = 0
    with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
        for la, lb in itertools.zip_longest(fa, fb):
            if la == lb:
                continue
            if la is None or lb is None:
                return False, differ
            differ += 1
            if json.loads(la.rstrip().rstrip(",")) != json.loads(lb.rstrip().rstrip(",")):
                return False, differ
    return True, differ


def bench_queries(store, queries: list[dict]) -> dict:
    from bench_store import pct

    for q in queries[:10]:  # warm caches and connections
        store.events(**q, limit=100)
    ms, totals = [], []
    for q in queries:
        t0 = time.perf_counter()
        _, total = store.events(**q, limit=100)
        ms.append((time.perf_counter() - t0) * 1000)
        totals.append(total)
    return {"p50_ms": pct(ms, 0.5), "p99_ms": pct(ms, 0.99), "totals": totals}


def ingest_both(sq, pg, args) -> dict:
    """The same generated documents written to both stores in turn: for each store, the
    events it stored before, the events written now and their seconds. A document a store
    holds already (an interrupted run resumed) is passed over, its time not counted."""
    from synthetic import EVENTS_PER_DOCUMENT, documents

    from gazetteer.lookup import Gazetteer

    gaz = Gazetteer(args.gazetteer) if args.gazetteer else Gazetteer()
    stores = {"sqlite": sq, "postgis": pg}
    # every document holds EVENTS_PER_DOCUMENT events (stats() counts the shown ones only)
    seg = {
        name: {"before": st.stats()["documents"] * EVENTS_PER_DOCUMENT, "events": 0, "s": 0.0}
        for name, st in stores.items()
    }
    n = 0
    t_start = time.perf_counter()
    for x in documents(gaz, args.events):
        n += len(x.events)
        for name, st in stores.items():
            if n <= seg[name]["before"]:
                continue  # stored by the interrupted run (documents come in the same order)
            t0 = time.perf_counter()
            added = st.add(x)
            if added is not None:
                seg[name]["s"] += time.perf_counter() - t0
                seg[name]["events"] += len(x.events)
        if n % 100_000 < len(x.events):
            rates = ", ".join(
                f"{name} {f['events'] / f['s']:,.0f}/s" for name, f in seg.items() if f["s"]
            )
            print(
                f"  {n:,} events: {rates or 'stored already'} "
                f"({time.perf_counter() - t_start:,.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    for name, st in stores.items():
        t0 = time.perf_counter()
        st.optimize()
        seg[name]["s"] += time.perf_counter() - t0
    return seg


def ingest_figures(work: Path, seg: dict | None = None) -> dict:
    """The ingest's figures kept in the work folder (``ingest.json``), a segment for each run
    that wrote to the stores (a resumed run adds one); ``seg`` is appended first."""
    path = work / "ingest.json"
    figs = json.loads(path.read_text()) if path.exists() else {"segments": []}
    if seg is not None:
        figs["segments"].append(seg)
        path.write_text(json.dumps(figs, indent=1))
    return figs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--gazetteer", default=os.environ.get("CONFLICTMAP_GAZETTEER"))
    ap.add_argument("--pg-url", default=None, help="an empty PostGIS database (default: start one)")
    ap.add_argument(
        "--shared-buffers",
        default="4GB",
        help="the started server's cache (default 4GB, a sixth of this machine's memory; "
        "PostgreSQL advises a quarter of a database server's)",
    )
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--exports", type=int, default=3, help="runs of each export, in turn")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="the stores of an earlier run (--workdir and --pg-url): only the queries and exports",
    )
    ap.add_argument(
        "--ingest-only", action="store_true", help="write the stores, then stop (see --reuse)"
    )
    ap.add_argument(
        "--resume",
        action="store_true",
        help="go on writing the stores of an interrupted run (--workdir and --pg-url) up to "
        "--events, then measure as usual",
    )
    ap.add_argument("--export-child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    for flag in ("reuse", "resume"):
        if getattr(args, flag) and (args.workdir is None or args.pg_url is None):
            ap.error(f"--{flag} needs the --workdir and --pg-url of the earlier run")
    if args.export_child:
        _export_child(*args.export_child)
        return 0

    from bench_store import random_queries

    from geo.store import open_store

    # a kill (SIGTERM) unwinds like an error: the throwaway cluster is stopped and removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench_postgis: terminated"))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-postgis-"))
    work.mkdir(parents=True, exist_ok=True)
    cluster = None
    url = args.pg_url
    if url is None:
        from tests.postgis_cluster import Cluster, server_bin

        bin_dir = server_bin()
        if bin_dir is None:
            sys.exit("PostgreSQL is not installed (apt-get install postgresql postgis)")
        cluster = Cluster(bin_dir, shared_buffers=args.shared_buffers)
        cluster.start()
        url = cluster.create_database()
    sqlite_path = work / "bench.sqlite"
    ingest_fig = work / "ingest.json"  # the ingest's figures, for a later --reuse
    if args.reuse and not ingest_fig.exists():
        sys.exit(f"--reuse: no finished ingest in {work} ({ingest_fig.name} is missing)")
    if not (args.reuse or args.resume):
        ingest_fig.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    try:
        sq, pg = open_store(sqlite_path), open_store(url)
        if args.reuse:
            segments = ingest_figures(work)["segments"]
        else:
            segments = ingest_figures(work, ingest_both(sq, pg, args))["segments"]
            if args.ingest_only:
                print(json.dumps(segments[-1]))
                return 0
        stats = {"sqlite": sq.stats(), "postgis": pg.stats()}
        queries = random_queries(sqlite_path, args.queries)
        q = {"sqlite": bench_queries(sq, queries), "postgis": bench_queries(pg, queries)}
        same = q["sqlite"].pop("totals") == q["postgis"].pop("totals")
        sq.close()
        pg.close()
        exports = bench_exports(
            {"sqlite": (str(sqlite_path), "store"), "postgis": (url, "store"),
             "postgis_python": (url, "python")},
            work,
            args.exports,
        )  # fmt: skip
        same_files = same_features(work / "sqlite.geojson", work / "postgis.geojson")
        same_python = same_features(work / "postgis.geojson", work / "postgis_python.geojson")
        for name in exports:
            (work / f"{name}.geojson").unlink()
    finally:
        if cluster is not None:
            cluster.stop()
    # the rate of each run that wrote the stores, from the events they held before it
    ingest_eps = [
        {name: (f["before"], f["events"] / f["s"] if f["s"] else 0.0) for name, f in seg.items()}
        for seg in segments
    ]
    fig = {
        "events": args.events,
        "stored_events": {k: v["events"] for k, v in stats.items()},
        "ingest_eps": ingest_eps,
        "query": q,
        "same_totals": same,
        "export": exports,
        "same_features": {"sqlite_postgis": same_files, "postgis_python": same_python},
    }
    print(json.dumps(fig, indent=1))
    s, p = "sqlite", "postgis"
    print(f"\n{args.events:,} events, {len(queries)} bbox+dates+type queries")
    print(f"{'':32}{'SQLite':>12}{'PostGIS':>12}{'ratio':>8}")
    rows = [
        *(
            (f"ingest from {seg[s][0]:,} (events/s)", seg[s][1], seg[p][1], "{:,.0f}")
            for seg in ingest_eps
        ),
        ("query p50 (ms)", q[s]["p50_ms"], q[p]["p50_ms"], "{:.1f}"),
        ("query p99 (ms)", q[s]["p99_ms"], q[p]["p99_ms"], "{:.1f}"),
        ("GeoJSON export (s)", exports[s]["s"], exports[p]["s"], "{:.1f}"),
        ("export peak memory (MB)", exports[s]["rss_mb"], exports[p]["rss_mb"], "{:.0f}"),
        ("export file (MB)", exports[s]["mb"], exports[p]["mb"], "{:.0f}"),
        (
            "export, Features in Python (s)",
            exports[s]["s"],
            exports["postgis_python"]["s"],
            "{:.1f}",
        ),
        (
            "  its peak memory (MB)",
            exports[s]["rss_mb"],
            exports["postgis_python"]["rss_mb"],
            "{:.0f}",
        ),
    ]
    for label, a, b, f in rows:
        print(f"{label:32}{f.format(a):>12}{f.format(b):>12}{b / a if a else 0:>8.2f}")
    print(f"same number of matches on both stores for every query: {same}")
    runs = {k: ", ".join(f"{t:.1f}" for t in v["runs_s"]) for k, v in exports.items()}
    print(
        f"exports: median of {args.exports} runs each, in turn (SQLite {runs[s]}; PostGIS "
        f"{runs[p]}; PostGIS with Features built in Python {runs['postgis_python']} s)"
    )
    for label, (ok, differ) in (
        ("SQLite and PostGIS", same_files),
        ("PostGIS built in SQL and in Python", same_python),
    ):
        print(f"{label}: same Features {ok} ({differ} lines written differently: spacing, "
              "117 against 117.0)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

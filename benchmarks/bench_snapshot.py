"""Report-grade snapshots (proportional symbols, place names, size key, scale bar, caption) of a
synthetic store beside the snapshot of an empty store (countries, scale bar and caption only),
in the same process.

Figures: seconds per snapshot (the best of ``--runs``, after one warm-up of each kind, since a
server draws many) of the whole world and of Syria, as PNG, SVG and PDF, and sized by
fatalities (which reads every matching event rather than the store's counts). The store's
counts by place and type are held in memory until the store changes (web.clusters, shared
with the map), so a server reads them once: the world is also drawn with them read afresh each
time, as a command's single snapshot does. The aim of issue 15: a snapshot of 1M events with
labels and caption in <= 1 s.

Usage::

    python benchmarks/synthetic.py --events 1000000 -o /tmp/synthetic-1m.sqlite
    python benchmarks/bench_snapshot.py --db /tmp/synthetic-1m.sqlite
    python benchmarks/bench_snapshot.py --events 10000          # builds a store in a temp dir

The gazetteer comes from ``--gazetteer`` or ``$CONFLICTMAP_GAZETTEER``. Nothing is written
to the stores read.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AIM_S = 1.0
SYRIA = (35.0, 32.0, 43.0, 38.0)
CASES = [
    # (label, format, bbox, extra arguments)
    ("world, PNG", "png", None, {}),
    # the store's counts read again for each snapshot (a command's one snapshot; a server's
    # first after the store changed): the other cases read them once, as a server does
    ("world, PNG, counts read afresh", "png", None, {"fresh": True}),
    ("world, SVG", "svg", None, {}),
    ("world, PDF", "pdf", None, {}),
    ("Syria 2016, PNG", "png", SYRIA, {"start": "2016-01-01", "end": "2016-12-31"}),
    ("world, PNG, sized by fatalities", "png", None, {"size": "fatalities"}),
]


def shot(store, gaz, fmt: str, bbox, extra: dict) -> tuple[float, dict]:
    from web import clusters
    from web.snapshot import render_snapshot

    extra = dict(extra)
    if extra.pop("fresh", False):
        clusters._cache.clear()
    t0 = time.perf_counter()
    info = render_snapshot(
        store, io.BytesIO(), fmt, bbox=bbox, gazetteer=gaz, title="Benchmark", **extra
    )
    return time.perf_counter() - t0, info


def best(store, gaz, runs: int, *case) -> tuple[float, dict]:
    shot(store, gaz, *case)  # warm-up
    results = [shot(store, gaz, *case) for _ in range(runs)]
    return min(results, key=lambda r: r[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=None, help="a synthetic store (benchmarks/synthetic.py)")
    ap.add_argument("--events", type=int, default=10_000, help="without --db: build this many")
    ap.add_argument("--gazetteer", default=os.environ.get("CONFLICTMAP_GAZETTEER"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-fatalities", action="store_true", help="only the counted cases")
    args = ap.parse_args(argv)

    from gazetteer.lookup import Gazetteer, default_path
    from geo.store import SQLiteStore

    gaz = Gazetteer(args.gazetteer or default_path())
    workdir = Path(tempfile.mkdtemp(prefix="conflictmap-snap-"))
    db = args.db
    if db is None:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from synthetic import write_store

        db = str(workdir / f"synthetic-{args.events}.sqlite")
        write_store(db, args.events, gaz, 0)
    empty_path = workdir / "empty.sqlite"
    empty = SQLiteStore(empty_path)
    store = SQLiteStore(db)
    n = store.stats().get("events")
    print(f"store: {db} ({n:,} events)" if isinstance(n, int) else f"store: {db}")
    print(f"{'case':34} {'store':>9} {'empty':>9} {'ratio':>6}  labels  symbols  events")
    try:
        for label, fmt, bbox, extra in CASES:
            if args.skip_fatalities and extra.get("size") == "fatalities":
                continue
            base, _ = best(empty, gaz, args.runs, fmt, bbox, extra)
            secs, info = best(store, gaz, args.runs, fmt, bbox, extra)
            flag = "" if secs <= AIM_S else f"  (aim <= {AIM_S:g} s)"
            print(
                f"{label:34} {secs:8.2f}s {base:8.2f}s {secs / base:6.2f}  "
                f"{len(info['labels']):6}  {info['symbols']:7}  {info['events']:,}{flag}"
            )
    finally:
        store.close()
        empty.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

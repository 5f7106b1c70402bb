"""The map's timeline and its counts on a synthetic store (``benchmarks/synthetic.py``), in one
process through the Flask test client, beside baselines measured in the same run:

* ``/map/timeline.json`` (auto unit: the store counts by day, the page sums them by month),
  beside the contract's ``Store.date_histogram`` built on ``iter_events`` (what a backend
  without its own query gives) and SQLite's GROUP BY alone;
* ``/map/layers.json`` for one random month (what the page fetches at each brush or play
  step), beside the same endpoint for every date (the page's own data for these filters);
* ``/map/countries.json`` for a random view (1-10 degrees wide around stored events) and the
  period, beside ``store.events(bbox, limit=0)`` (the count alone) for the same box.

Usage: python benchmarks/bench_timeline.py [--events 100000] [--db STORE] [--queries 30]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import fmt_n, gazetteer_path, get_ok, pct, random_queries, timed  # noqa: E402


def get(client, url: str):
    return get_ok(client, url).get_json()


def line(label: str, values: list[float]) -> None:
    print(f"| {label} | {pct(values, 0.5):.0f} | {pct(values, 0.99):.0f} | {len(values)} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--db", help="an existing synthetic store (else one is written)")
    ap.add_argument("--queries", type=int, default=30)
    ap.add_argument("--gazetteer")
    args = ap.parse_args(argv)
    gaz_path = gazetteer_path(args.gazetteer)

    from geo.store import SQLiteStore
    from geo.store.base import Store
    from web import create_app

    if args.db:
        db = Path(args.db)
    else:
        import synthetic

        from gazetteer.lookup import Gazetteer

        db = Path(tempfile.mkdtemp(prefix="bench-timeline-")) / f"synthetic-{args.events}.sqlite"
        print(f"writing {args.events} events to {db} ...", file=sys.stderr)
        synthetic.write_store(db, args.events, Gazetteer(gaz_path))
    store = SQLiteStore(db)
    n = store.stats()["events"]
    app = create_app({"DB": str(db), "GAZETTEER": gaz_path})
    client = app.test_client()
    get(client, "/map/countries.json")  # warm: the country outlines are built once
    rng = random.Random(3)

    print(f"\n{fmt_n(n)} events ({db.name}); milliseconds\n")
    print("| figure | p50 | p99 | runs |")
    print("|---|---|---|---|")
    runs = max(3, args.queries // 10)
    line("contract `date_histogram` on `iter_events` (baseline)",
         [timed(lambda: Store.date_histogram(store, "month"))[0] for _ in range(1)])  # fmt: skip
    line("SQLite `date_histogram` GROUP BY, by day",
         [timed(lambda: store.date_histogram("day"))[0] for _ in range(runs)])  # fmt: skip
    line("`/map/timeline.json` (auto unit)",
         [timed(lambda: get(client, "/map/timeline.json"))[0] for _ in range(runs)])  # fmt: skip

    t = get(client, "/map/timeline.json?unit=month")
    months = [b for b in t["bins"] if b[2]]
    line("`/map/layers.json`, every date (the page's data, baseline)",
         [timed(lambda: get(client, "/map/layers.json"))[0] for _ in range(runs)])  # fmt: skip
    per_month = []
    for _ in range(args.queries):
        b = rng.choice(months)
        per_month.append(
            timed(lambda b=b: get(client, f"/map/layers.json?start={b[0]}&end={b[1]}"))[0]
        )
    line("`/map/layers.json`, one month (a brush or play step)", per_month)
    lean = []
    for _ in range(args.queries):
        b = rng.choice(months)
        url = f"/map/layers.json?start={b[0]}&end={b[1]}&places=0"
        lean.append(timed(lambda url=url: get(client, url))[0])
    line("`/map/layers.json`, one month, places layer hidden", lean)

    views, counts, bare = random_queries(db, args.queries), [], []
    for q in views:
        period = {"start": q["start"], "end": q["end"]}
        url = "/map/countries.json?" + urlencode({**period, "view": ",".join(map(str, q["bbox"]))})
        counts.append(timed(lambda url=url: get(client, url))[0])
        bare.append(timed(lambda q=q, p=period: store.events(bbox=q["bbox"], **p, limit=0))[0])
    line("`store.events(bbox, dates, limit=0)`, the count alone (baseline)", bare)
    line("`/map/countries.json`, a view and a period", counts)
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

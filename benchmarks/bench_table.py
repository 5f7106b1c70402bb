"""The map's events table and the searches on a synthetic store (``benchmarks/synthetic.py``),
in one process through the Flask test client, beside baselines measured in the same run:

* a page of the events table: ``/api/events`` with the view's bbox and a period, 50 rows (what
  the table asks at each pan, brush or page), and the read of a whole small view (1000 rows),
  beside ``store.events(bbox, dates, limit=0)`` (the count alone);
* the world's first page (no bbox: the table of a map zoomed out), and a far page (offset
  10 000);
* the document search: a word (FTS alone), a place's other name (``Aleppo``: FTS or the
  documents naming the place), operators (``OR``, ``NOT``), beside FTS5 alone on the same word;
* the map's place search (``/map/places.json``) beside the gazetteer's ``candidates`` alone.

Usage: python benchmarks/bench_table.py [--events 100000] [--db STORE] [--queries 30]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import fmt_n, gazetteer_path, get_ok, pct, random_queries, timed  # noqa: E402


def line(label: str, values: list[float]) -> None:
    print(f"| {label} | {pct(values, 0.5):.1f} | {pct(values, 0.99):.1f} | {len(values)} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--db", help="an existing synthetic store (else one is written)")
    ap.add_argument("--queries", type=int, default=30)
    ap.add_argument("--gazetteer")
    args = ap.parse_args(argv)
    gaz_path = gazetteer_path(args.gazetteer)

    from gazetteer.lookup import Gazetteer
    from geo.store import SQLiteStore
    from web import create_app

    if args.db:
        db = Path(args.db)
    else:
        import synthetic

        db = Path(tempfile.mkdtemp(prefix="bench-table-")) / f"synthetic-{args.events}.sqlite"
        print(f"writing {args.events} events to {db} ...", file=sys.stderr)
        synthetic.write_store(db, args.events, Gazetteer(gaz_path))
    store = SQLiteStore(db)
    n = store.stats()["events"]
    client = create_app({"DB": str(db), "GAZETTEER": gaz_path}).test_client()
    gaz = Gazetteer(gaz_path)
    runs = max(3, args.queries // 3)

    print(f"\n{fmt_n(n)} events ({db.name}); milliseconds\n")
    print("| figure | p50 | p99 | runs |")
    print("|---|---|---|---|")
    views = random_queries(db, args.queries)
    bare, page, whole = [], [], []
    for q in views:
        period = {"start": q["start"], "end": q["end"]}
        bbox = ",".join(map(str, q["bbox"]))
        bare.append(timed(lambda q=q, p=period: store.events(bbox=q["bbox"], **p, limit=0))[0])
        url = "/api/events?" + urlencode({"bbox": bbox, **period, "limit": 50, "offset": 0})
        page.append(timed(lambda url=url: get_ok(client, url))[0])
        url = "/api/events?" + urlencode({"bbox": bbox, **period, "limit": 1000})
        whole.append(timed(lambda url=url: get_ok(client, url))[0])
    line("`store.events(bbox, dates, limit=0)`, the count alone (baseline)", bare)
    line("table page: `/api/events` view + period, 50 rows", page)
    line("table, a view read whole: `/api/events` view + period, 1000 rows", whole)
    line("table page, the world (no bbox), 50 rows",
         [timed(lambda: get_ok(client, "/api/events?limit=50"))[0] for _ in range(runs)])  # fmt: skip
    line("table page, the world, offset 10 000",
         [timed(lambda: get_ok(client, "/api/events?limit=50&offset=10000"))[0]
          for _ in range(runs)])  # fmt: skip

    def fts_alone(word: str) -> int:
        return store._read(
            "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", (f'"{word}"',)
        )[0][0]

    line("FTS5 alone, one word (baseline)",
         [timed(lambda: fts_alone("Aleppo"))[0] for _ in range(runs)])  # fmt: skip
    for q in ("Aleppo", "Aleppo OR Damascus", "Aleppo -Idlib", '"air strike" OR shelling'):
        url = "/api/documents?" + urlencode({"q": q, "limit": 50})
        line(f"`/api/documents?q={q}` (words or places named)",
             [timed(lambda url=url: get_ok(client, url))[0] for _ in range(runs)])  # fmt: skip

    names = ["Idleb", "Raqa", "Syrie", "Homs", "Lattakia", "Qwxzyville"]
    line("gazetteer `candidates` alone (baseline)",
         [timed(lambda name=name: gaz.candidates(name, lang="fr", limit=8,
                                                 allow_common=True))[0]
          for name in names])  # fmt: skip
    line("`/map/places.json` (the map's place search)",
         [timed(lambda name=name: get_ok(client, "/map/places.json?q=" + name))[0]
          for name in names])  # fmt: skip
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

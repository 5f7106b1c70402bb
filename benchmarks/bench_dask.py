"""Dask extraction beside the plain process pool, same run, same articles.

N articles (default 2,000) are the seed articles again and again, each copy with a line of
its own so that no two texts are the same (the extraction's cost is a real article's) and
published two days after the copy before it (its events are then other days' incidents: copies
of one report, merged into one event with hundreds of sources, made the writer's work grow
with every copy, which a real stream of news does not do). Each configuration ingests all of
them into a new store (``--store``: an SQLite file written by this process, the one writer, or
a PostGIS database written by the Dask workers themselves): the process pool with 1 and 2
workers, then ``--dask local`` with 1 and 2 workers.
Figures: seconds, documents/s, the speed-up of 2 workers over 1, and Dask's overhead per
document against the pool; each run is cold (starting the pool or the LocalCluster and reading
the models are counted, once per worker). ``--order`` gives the runs in turn (a name may come
again: each run has its own store and corpus), the figures are each configuration's median;
a short run of 20 articles comes first and is not counted (the machine's first reading of the
models from disk falls on it, not on the first configuration).

Usage::

    python benchmarks/bench_dask.py --articles 2000 [--order dask2,dask1,dask1,dask2] [--no-ner]
        [--store postgis]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_corpus(folder: Path, n: int, tag: str) -> Path:
    """``n`` articles from the seeds, each with a line of its own, as one JSON Lines file."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    meta = json.loads((ROOT / "seeds" / "metadata.json").read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{tag}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            seed = seeds[i % len(seeds)]
            info = meta.get(seed.name, meta.get(seed.stem, {})) if isinstance(meta, dict) else {}
            text = seed.read_text(encoding="utf-8") + f"\n\n(Dépêche {tag}-{i}.)"
            row = {"id": f"{tag}-{i}", "text": text}
            row.update(
                {k: v for k, v in info.items() if k in ("lang", "published", "source") and v}
            )
            if "published" in row:  # each copy two days after the one before
                day = date.fromisoformat(row["published"]) + timedelta(days=2 * (i // len(seeds)))
                row["published"] = day.isoformat()
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def run(n: int, workers: int, dask: bool, use_ner: bool, work: Path, tag: str, new_db=None) -> dict:
    """One cold ingest into a new store named ``tag`` (``new_db()``: a new PostGIS database's
    URL, else an SQLite file): starting the pool or the cluster and reading the models
    included."""
    from geo.ingest import ingest
    from geo.store import open_store

    src = write_corpus(work / "in", n, tag)
    store = open_store(new_db() if new_db else work / f"{tag}.sqlite")
    t0 = time.perf_counter()
    report = ingest(
        [src], store, workers=workers, progress=False, use_ner=use_ner,
        dask="local" if dask else None,
    )  # fmt: skip
    secs = time.perf_counter() - t0
    store.close()
    return {"ingested": report.ingested, "failed": len(report.failed), "s": secs, "dps": n / secs}


# The configurations --order may name: workers, and whether Dask runs them.
CONFIGS = {"pool1": (1, False), "pool2": (2, False), "dask1": (1, True), "dask2": (2, True)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--no-ner", action="store_true")
    ap.add_argument("--order", default="pool1,dask1,pool2,dask2", help="the runs, in this order")
    ap.add_argument(
        "--store",
        choices=("sqlite", "postgis"),
        default="sqlite",
        help="sqlite: written by this process from what the workers send back; postgis: a "
        "throwaway PostgreSQL cluster started here, written by the Dask workers themselves "
        "(by this process for the pool), a new database for each run",
    )
    args = ap.parse_args(argv)
    order = args.order.split(",")
    bad = [name for name in order if name not in CONFIGS]
    if bad:
        ap.error(f"--order: unknown run(s) {', '.join(bad)} (known: {', '.join(CONFIGS)})")
    work = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    cluster = new_db = None
    if args.store == "postgis":
        from tests.postgis_cluster import Cluster, server_bin

        bin_dir = server_bin()
        if bin_dir is None:
            sys.exit("PostgreSQL is not installed (apt-get install postgresql postgis)")
        cluster = Cluster(bin_dir)
        cluster.start()
        new_db = cluster.create_database
    runs: dict[str, list[dict]] = {}
    try:
        first = CONFIGS[order[0]]
        run(20, first[0], first[1], not args.no_ner, work, "warm-up", new_db)  # not counted
        shutil.rmtree(work / "in", ignore_errors=True)
        for i, name in enumerate(order):  # interleaved: a change of load hits every kind
            w, dask = CONFIGS[name]
            fig = run(args.articles, w, dask, not args.no_ner, work, f"{name}-{i}", new_db)
            runs.setdefault(name, []).append(fig)
            print(json.dumps({name: fig}), file=sys.stderr, flush=True)
            shutil.rmtree(work / "in", ignore_errors=True)
    finally:
        if cluster is not None:
            cluster.stop()
    n = args.articles
    res = {
        name: {
            "s": statistics.median(f["s"] for f in figs),
            "runs_s": [f["s"] for f in figs],
            "failed": sum(f["failed"] for f in figs),
        }
        for name, figs in runs.items()
    }
    print(f"\n{n:,} articles, {os.cpu_count()} cores, NER {'off' if args.no_ner else 'on'}, "
          f"store {args.store}; "
          "each configuration's median, its runs in brackets")  # fmt: skip
    for k, r in sorted(res.items()):
        each = ", ".join(f"{t:.1f}" for t in r["runs_s"])
        print(f"  {k:6} {r['s']:8.1f} s  {n / r['s']:6.2f} doc/s  ({each})  failed {r['failed']}")
    for kind in ("pool", "dask"):
        if f"{kind}1" in res and f"{kind}2" in res:
            print(f"  {kind} speed-up, 2 workers over 1: "
                  f"{res[f'{kind}1']['s'] / res[f'{kind}2']['s']:.2f}")  # fmt: skip
    for w in (1, 2):
        if f"dask{w}" in res and f"pool{w}" in res:
            over = (res[f"dask{w}"]["s"] - res[f"pool{w}"]["s"]) / n * 1000
            print(f"  Dask overhead per document, {w} worker(s): {over:+.1f} ms")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

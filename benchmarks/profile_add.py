"""Where ``Store.add`` spends its time, on both backends, with the documents of
``bench_postgis.py`` (:mod:`benchmarks.synthetic`: 100-event digests).

For each store (a new SQLite file, a new PostGIS database), the same documents are written
through :meth:`~geo.store.Store.add` under cProfile: the rate (events/s, generation excluded)
and the functions that take the most time. ``--against DIR`` runs the same measure, in the
same run and on the same documents, with the source tree ``DIR`` (an older checkout: ``git
worktree add /tmp/old <commit>``) in a child process, the two trees in turn for
``--repeat`` rounds (the load of a shared machine falls on both), and prints the median rates
side by side. Rates under cProfile are slower than plain ones: each store is written twice,
on fresh stores, first without the profiler (the plain rate), then with it. For PostGIS the
wall time of each statement is added up too (the server's share, which cProfile only sees as
waiting).

PostgreSQL is a throwaway cluster started here (``initdb``/``pg_ctl``, as the tests do) unless
``--pg-url`` names a server whose ``postgres`` database may create databases. Usage::

    python benchmarks/profile_add.py --events 20000 [--against /tmp/old] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed_statements() -> dict[str, list[float]]:
    """Patch psycopg's cursors to add up the wall time of each statement (by its first words):
    the server's share, which cProfile sees only as waiting."""
    import psycopg

    spent: dict[str, list[float]] = {}

    def wrap(method):
        def timed(self, query, *args, **kwargs):
            key = " ".join(str(query if isinstance(query, str) else query.as_string(self)).split())
            key = key[:90]
            t0 = time.perf_counter()
            try:
                return method(self, query, *args, **kwargs)
            finally:
                s = spent.setdefault(key, [0.0, 0])
                s[0] += time.perf_counter() - t0
                s[1] += 1

        return timed

    psycopg.Cursor.execute = wrap(psycopg.Cursor.execute)
    psycopg.Cursor.executemany = wrap(psycopg.Cursor.executemany)
    return spent


def _measure(root: Path, pg_server: str, events: int, top: int, gazetteer: str | None) -> dict:
    """Rates and profiles of ``Store.add`` with the code of ``root`` (this process's imports)."""
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(root / "benchmarks"))
    import psycopg
    from synthetic import documents

    from gazetteer.lookup import Gazetteer
    from geo.store import open_store

    gaz = Gazetteer(gazetteer) if gazetteer else Gazetteer()
    docs = list(documents(gaz, events))
    n = sum(len(x.events) for x in docs)
    work = Path(tempfile.mkdtemp(prefix="profile-add-"))
    out: dict = {"events": n, "source": str(root)}

    def new_pg() -> str:
        name = f"profile_add_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_server, autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name} TEMPLATE conflictmap_template")
        return pg_server.rsplit("/", 1)[0] + "/" + name

    def drop_pg(url: str) -> None:
        with psycopg.connect(pg_server, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")

    spent: dict[str, list[float]] = {}
    for name in ("sqlite", "postgis"):
        for profiled in (False, True):
            if name == "postgis" and profiled:
                spent = _timed_statements()
            url = str(work / f"{name}-{profiled}.sqlite") if name == "sqlite" else new_pg()
            store = open_store(url)
            prof = cProfile.Profile() if profiled else None
            t0 = time.perf_counter()
            if prof:
                prof.enable()
            for x in docs:
                store.add(x)
            if prof:
                prof.disable()
            secs = time.perf_counter() - t0
            store.close()
            if name == "postgis":
                drop_pg(url)
            key = f"{name}{'_profiled' if profiled else ''}_eps"
            out[key] = n / secs
            if prof:
                buf = io.StringIO()
                stats = pstats.Stats(prof, stream=buf)
                stats.sort_stats("tottime").print_stats(top)
                out[f"{name}_profile"] = buf.getvalue()
    out["postgis_statements"] = sorted(
        ([round(t, 3), k, key] for key, (t, k) in spent.items()), reverse=True
    )[:top]
    return out


def _child(args: argparse.Namespace, root: Path, pg_server: str) -> dict:
    res = subprocess.run(
        [sys.executable, __file__, "--child", str(root), "--pg-url", pg_server,
         "--events", str(args.events), "--top", str(args.top)],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3, help="rounds, the trees in turn")
    ap.add_argument("--top", type=int, default=25, help="functions listed per profile")
    ap.add_argument("--against", type=Path, help="an older source tree to compare with")
    ap.add_argument("--pg-url", help="postgresql://.../postgres of a running server")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    gazetteer = os.environ.get("CONFLICTMAP_GAZETTEER")
    if args.child:
        print(json.dumps(_measure(args.child, args.pg_url, args.events, args.top, gazetteer)))
        return 0
    cluster = None
    pg_server = args.pg_url
    if pg_server is None:
        sys.path.insert(0, str(ROOT))
        from tests.postgis_cluster import Cluster, server_bin

        bin_dir = server_bin()
        if bin_dir is None:
            sys.exit("PostgreSQL is not installed (apt-get install postgresql postgis)")
        cluster = Cluster(bin_dir)
        cluster.start()
        pg_server = cluster.url("postgres")
    trees = {"this": ROOT, **({"against": args.against.resolve()} if args.against else {})}
    rounds: list[dict] = []
    try:
        for _ in range(args.repeat):  # the trees in turn: the machine's load falls on both
            rounds.append({label: _child(args, root, pg_server) for label, root in trees.items()})
    finally:
        if cluster is not None:
            cluster.stop()
    runs = rounds[0]
    for label, r in runs.items():
        for name in ("sqlite", "postgis"):
            print(f"\n==== {label} ({r['source']}), {name}: top functions by own time ====")
            print(r[f"{name}_profile"])
        print(f"==== {label}, postgis: statements by wall time (s, calls, statement) ====")
        for t, k, key in r["postgis_statements"]:
            print(f"{t:8.3f} {k:7d}  {key}")
    print(
        f"\nStore.add, {runs['this']['events']:,} events in 100-event documents (events/s), "
        f"median of {len(rounds)} rounds"
    )
    cols = list(runs)
    print(f"{'':22}" + "".join(f"{c:>12}" for c in cols) + ("   ratio" if len(cols) == 2 else ""))
    for key in ("sqlite_eps", "postgis_eps", "sqlite_profiled_eps", "postgis_profiled_eps"):
        vals = [statistics.median(r[c][key] for r in rounds) for c in cols]
        ratio = f"{vals[0] / vals[1]:8.2f}" if len(vals) == 2 and vals[1] else ""
        each = "  (" + "; ".join(", ".join(f"{r[c][key]:,.0f}" for c in cols) for r in rounds) + ")"
        print(f"{key:22}" + "".join(f"{v:12,.0f}" for v in vals) + ratio + each)
    return 0


if __name__ == "__main__":
    sys.exit(main())

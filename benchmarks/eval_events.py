"""Events on the development sets: the main event's place, type and toll, beside a baseline.

The project's main event (its first event) is scored as the shared scorer does
(``score_main_events.py``: place within 50 km of the annotated place, the same ACLED type, the
exact toll), and so is a baseline measured in the same run on the same extraction: the first
event in text order taken as the main event. On the seeds, every expected event (the README's
"Events") must come out. Cost: the extra time ``extract`` spends over ``geoparse`` on the same
documents, as a share of geoparse's time (the issue's aim: at most 25 %).

Usage: python benchmarks/eval_events.py [--fr-dev DIR] [--json OUT]
    (the French dev set rebuilt at --fr-dev, $CONFLICTMAP_FR_DEV or ../devdata/fr; the seeds
    always)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core; before numpy is loaded
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.devsets import fr_dev_dir, read_docs  # noqa: E402
from geo.errors import DocumentError  # noqa: E402
from geo.model import Document  # noqa: E402

AIMS = {"place": 0.80, "type": 0.85, "fatalities": 0.85, "cost": 0.25}
# The seeds' expected events (README, "Events"): seed prefix, type, subtype, date (None: any),
# GeoNames id of the place (None: unplaced), and the tolls.
SEED_EVENTS = (
    ("002", "Explosions/Remote violence", "Air/drone strike", "2016-08-11", 172957, 30, 70),
    ("003", "Battles", "Government regains territory", "2020-02-05", 164816, None, None),
    ("003", "Explosions/Remote violence", "Shelling/artillery/missile attack", None, 164816,
     None, None),
    ("004", "Diplomacy", "Meeting/talks", "2016-12-08", 2911298, None, None),
    ("004", "Diplomacy", "Meeting/talks", "2016-12-10", 2988507, None, None),
    ("001", "Diplomacy", "Phone call", "2016-11-30", None, None, None),
)  # fmt: skip
SEED_MAIN = {"002": "Air/drone strike", "001": "Phone call"}


def _km(a: dict, b: dict) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b["lon"] - a["lon"]) / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(h))


def score(gold: dict, main: dict[str, dict | None]) -> dict:
    """The shared scorer's figures for one choice of main event per document.

    Parameters
    ----------
    gold : dict
        ``fr_dev_gold.json``'s content.
    main : dict
        Document id -> the chosen main event (an ``Event.to_dict()``) or None.

    Returns
    -------
    dict
        ``place`` and ``type`` (shares of documents) and ``fatalities`` (exact / with a toll).
    """
    docs = [d for d in gold["documents"]]
    place = type_ = fat = fat_n = 0
    for d in docs:
        g, e = d["main_event"], main.get(d["id"])
        fat_n += g.get("fatalities") is not None
        if not e:
            continue
        p = e.get("place") or {}
        if p.get("lat") is not None and g["place"].get("lat") is not None:
            place += _km(g["place"], p) <= 50
        type_ += (e.get("type") or "").lower().startswith(g["type"].lower()[:8])
        if g.get("fatalities") is not None:
            fat += e.get("fatalities") == g["fatalities"]
    n = max(1, len(docs))
    return {
        "documents": len(docs),
        "place": round(place / n, 3),
        "type": round(type_ / n, 3),
        "fatalities": round(fat / max(1, fat_n), 3),
        "fatalities_exact": f"{fat}/{fat_n}",
    }


def run(extractor, docs: list[Document]) -> tuple[dict[str, list[dict]], float, float]:
    """Extract every document: the events of each, geoparse's time and extract's extra time."""
    t0 = time.perf_counter()
    parsed = [p for p in extractor.geoparser.parse_many(docs) if not isinstance(p, DocumentError)]
    t1 = time.perf_counter()
    events = {p.doc.id: [e.to_dict() for e in extractor._from_parsed(p).events] for p in parsed}
    t2 = time.perf_counter()
    return events, t1 - t0, t2 - t1


def _counts(events: dict[str, list[dict]], into: dict | None = None) -> dict:
    """How many events, and how many of them are unplaced, placed only in a country, undated."""
    c = dict(into or {"documents": 0, "events": 0, "unplaced": 0, "country_only": 0, "undated": 0})
    c["documents"] += len(events)
    for evs in events.values():
        c["events"] += len(evs)
        c["unplaced"] += sum(e["place"] is None for e in evs)
        c["country_only"] += sum((e["place"] or {}).get("feature") == "country" for e in evs)
        c["undated"] += sum(e["date"]["value"] is None for e in evs)
    return c


def seeds_check(events: dict[str, list[dict]]) -> tuple[int, list[str]]:
    """How many of the seeds' expected events come out, and the missing ones."""
    by_prefix = {k[:3]: v for k, v in events.items()}
    missing = []
    for prefix, type_, sub, date, geonameid, killed, injured in SEED_EVENTS:
        found = any(
            e["type"] == type_ and e["subtype"] == sub
            and (date is None or e["date"]["value"] == date)
            and (geonameid is None or (e["place"] or {}).get("geonameid") == geonameid)
            and (killed is None or e["fatalities"] == killed)
            and (injured is None or e["injured"] == injured)
            for e in by_prefix.get(prefix, [])
        )  # fmt: skip
        if not found:
            missing.append(f"{prefix} {type_}: {sub} {date or ''}")
    for prefix, sub in SEED_MAIN.items():
        first = (by_prefix.get(prefix) or [{}])[0]
        if first.get("subtype") != sub:
            missing.append(f"{prefix} main event {sub}")
    return len(SEED_EVENTS) + len(SEED_MAIN) - len(missing), missing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fr-dev", help="the rebuilt French dev set's folder")
    ap.add_argument("--json", help="write the figures to this file too")
    args = ap.parse_args(argv)

    from geo.pipeline import Extractor

    extractor = Extractor()
    extractor.extract(Document("warm-up", "Des frappes ont tué 3 civils à Alep.", "fr"))  # models
    results: dict = {}
    seeds = read_docs(ROOT / "seeds", "fr")
    events, geo_s, extra_s = run(extractor, seeds)
    ok, missing = seeds_check(events)
    counts = _counts(events)
    results["seeds"] = {"expected": ok, "of": len(SEED_EVENTS) + len(SEED_MAIN)}
    print(f"seeds: {ok}/{results['seeds']['of']} expected events" + (
        f" (missing: {'; '.join(missing)})" if missing else ""))  # fmt: skip

    folder = fr_dev_dir(args.fr_dev)
    gold_path, docs_path = folder / "fr_dev_gold.json", folder / "fr_dev_docs.jsonl"
    words, geo_t, extra_t = sum(len(d.text.split()) for d in seeds), geo_s, extra_s
    if gold_path.exists() and docs_path.exists():
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        docs = read_docs(docs_path, "fr")
        events, g, x = run(extractor, docs)
        counts = _counts(events, counts)
        words += sum(len(d.text.split()) for d in docs)
        geo_t, extra_t = geo_t + g, extra_t + x
        project = score(gold, {k: (v[0] if v else None) for k, v in events.items()})
        baseline = score(
            gold, {k: min(v, key=lambda e: e["start"]) if v else None for k, v in events.items()}
        )
        results["fr"] = {"project": project, "baseline_first_in_text": baseline}
        print(f"French dev ({project['documents']} documents): main event")
        print(f"  {'':24} {'place':>7} {'type':>7} {'fatalities':>11}")
        for name, s in (("project", project), ("baseline: first in text", baseline)):
            print(f"  {name:24} {s['place']:7.2f} {s['type']:7.2f} {s['fatalities_exact']:>11}")
        print(f"  {'aim':24} {AIMS['place']:7.2f} {AIMS['type']:7.2f} {AIMS['fatalities']:11.2f}")
    else:
        print(f"French dev: skipped, {docs_path} not found (see ../shared/eval/dev/README.md)")
    results["events"] = counts
    print(
        f"events: {counts['events']} in {counts['documents']} documents, "
        f"{counts['unplaced']} unplaced, {counts['country_only']} placed only in a country, "
        f"{counts['undated']} undated"
    )
    cost = extra_t / geo_t if geo_t else 0.0
    results["cost"] = {
        "geoparse_words_per_s": round(words / geo_t) if geo_t else None,
        "extract_words_per_s": round(words / (geo_t + extra_t)) if geo_t else None,
        "extra_over_geoparse": round(cost, 3),
    }
    print(
        f"cost: geoparse {results['cost']['geoparse_words_per_s']} words/s, extract "
        f"{results['cost']['extract_words_per_s']} words/s; extract's extra cost "
        f"{cost:.0%} of geoparse's time (aim <= {AIMS['cost']:.0%})"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

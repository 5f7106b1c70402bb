"""Geoparse and extract throughput: words/s and articles/s of the whole geoparser on the seed articles
repeated to a corpus, beside spaCy ``fr_core_news_md`` alone (the same NER components, same
texts, same run) and beside a plain gazetteer scan (every capitalised word looked up, no context).

Per core: one process, one thread. All cores: one process per core.

Extract's extra cost over geoparse alone is given in wall time and in CPU time of this process:
on a machine shared with other work the CPU figure is the steadier one. ``--extract-only`` times
geoparse and extract only (not the baselines).

Usage: python benchmarks/bench_geoparse.py [--articles N] [--extract-only]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent


def corpus(n: int) -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    # vary each copy a little so no two articles are byte-identical
    return [f"{seeds[i % len(seeds)]}\n\n(réf. {i})" for i in range(n)]


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def run_geoparse(texts: list[str], use_ner: bool = True, clear_cache: bool = False) -> int:
    from geo.geoparse import Geoparser
    from geo.model import Document

    gp = Geoparser(use_ner=use_ner)
    docs = [Document(str(i), t, "fr") for i, t in enumerate(texts)]
    if clear_cache:
        n = 0
        for d in docs:
            gp.gaz._cache.clear()
            n += len(gp.parse(d).mentions)
        return n
    return sum(len(p.mentions) for p in gp.parse_many(docs))


def run_extract(texts: list[str]) -> int:
    from geo.model import Document
    from geo.pipeline import Extractor

    ex = Extractor()
    docs = [Document(str(i), t, "fr", "2016-11-30") for i, t in enumerate(texts)]
    return sum(len(x.events) + len(x.statements) for x in ex.extract_many(docs))


def run_spacy(texts: list[str]) -> int:
    import spacy

    nlp = spacy.load(
        "fr_core_news_md",
        exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"],
    )
    return sum(len(d.ents) for d in nlp.pipe(texts, batch_size=32))


def run_scan(texts: list[str]) -> int:
    from gazetteer.lookup import get_gazetteer

    gaz = get_gazetteer()
    word = re.compile(r"[A-ZÀ-Ý][^\W\d_]+(?:-[^\W\d_]+)*")
    found = 0
    for t in texts:
        gaz._cache.clear()  # no help from the repeated corpus
        found += sum(1 for w in word.findall(t) if gaz.candidates(w, limit=1, fuzzy=False))
    return found


def timed(fn, *args, **kw) -> float:
    t0 = time.perf_counter()
    fn(*args, **kw)
    return time.perf_counter() - t0


def parallel(fn, texts: list[str], procs: int) -> float:
    chunks = [texts[i::procs] for i in range(procs)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(procs) as ex:
        list(ex.map(fn, chunks))
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--extract-only", action="store_true", help="time geoparse and extract only")
    args = ap.parse_args()
    texts = corpus(args.articles)
    n_words = words(texts)
    from gazetteer.lookup import get_gazetteer

    get_gazetteer()  # build outside the timings if needed
    run_geoparse(texts[:5])  # load the model once outside the timings (each process loads its own)
    run_extract(texts[:5])  # and the lexicons of the later stages

    rows = []

    def rate(t: float) -> str:
        return f"{n_words / t:>9,.0f} w/s {len(texts) / t:>7,.1f} art/s"

    if not args.extract_only:
        t_spacy = timed(run_spacy, texts)
        t_scan = timed(run_scan, texts)
    c0 = time.process_time()
    t_geo = timed(run_geoparse, texts)
    c_geo = time.process_time() - c0
    if not args.extract_only:
        t_fast = timed(run_geoparse, texts, use_ner=False)
    c0 = time.process_time()
    t_extract = timed(run_extract, texts)
    c_extract = time.process_time() - c0
    if args.extract_only:
        rows.append(("geoparse, 1 core", rate(t_geo), None))
        rows.append(
            ("extract (geoparse + dates + statements + events), 1 core", rate(t_extract), None)
        )
    else:
        sub = texts[: max(50, len(texts) // 10)]
        t_cold = timed(run_geoparse, sub, clear_cache=True) * len(texts) / len(sub)
        procs = os.cpu_count() or 1
        t_par = parallel(run_geoparse, texts, procs)
        rows.append(("spaCy fr_core_news_md NER alone (baseline)", rate(t_spacy), 1.0))
        rows.append(("plain gazetteer scan (baseline)", rate(t_scan), t_spacy / t_scan))
        rows.append(("geoparse, 1 core", rate(t_geo), t_spacy / t_geo))
        rows.append(
            ("geoparse, 1 core, lookup cache cleared per article", rate(t_cold), t_spacy / t_cold)
        )
        rows.append(("geoparse --no-ner, 1 core", rate(t_fast), t_spacy / t_fast))
        rows.append(
            (
                "extract (geoparse + dates + statements + events), 1 core",
                rate(t_extract),
                t_spacy / t_extract,
            )
        )
        rows.append(
            (f"geoparse, {procs} processes (incl. model loading)", rate(t_par), t_spacy / t_par)
        )
    print(f"{len(texts)} articles, {n_words:,} words")
    print(f"{'run':60s} {'throughput':>30s}   speed vs spaCy alone")
    for name, r, ratio in rows:
        print(f"{name:60s} {r:>30s}   {'' if ratio is None else f'{ratio:.2f}'}")
    extra = (t_extract - t_geo) / t_geo
    cpu = (c_extract - c_geo) / c_geo
    print(
        f"extract's extra cost over geoparse alone: {extra:.0%} of geoparse's time "
        f"(CPU time: {cpu:.0%})"
    )


if __name__ == "__main__":
    main()

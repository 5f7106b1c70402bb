"""Statements (quotations, reported speech, speakers, where said) on the development sets,
beside a plain baseline measured in the same run.

The project reads each document as ``conflictmap extract`` does (geoparse, dates, then
:func:`geo.statements.extract_statements` on the text with repeated paragraphs blanked); the
baseline reads the same geoparsed documents: every quotation between quote marks, its speaker
the nearest person entity (NER) before it in the text, no reported speech, no place where said.
Scores come from the shared scorer (``score_statements.py``, imported, not copied): recall of
the gold statements, speaker accuracy (over all gold statements) and where-said within 161 km.

Usage: python benchmarks/eval_statements.py [--sets seeds,fr] [--json OUT]
    [--eval-dir DIR] [--fr-dev DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.devsets import eval_dir, fr_dev_dir, read_docs, shared_scorer  # noqa: E402
from geo import dates as dates_mod  # noqa: E402
from geo.errors import DocumentError  # noqa: E402
from geo.lang import get_language  # noqa: E402
from geo.model import Document  # noqa: E402
from geo.text import blank_repeated_paragraphs  # noqa: E402

AIMS = {"recall": 0.85, "speaker_accuracy": 0.85}  # the aims on the French dev set
PERSON = {"PER", "PERSON"}
_QUOTE = re.compile(r"«\s*([^«»]+?)\s*»|\"([^\"]+)\"|“([^”]+)”")


def load_scorer(folder: Path):
    """The shared statements scorer's ``score(gold, preds)``."""
    return shared_scorer(folder, "score_statements")


def load_set(name: str, evals: Path, fr_dev: Path) -> tuple[list[Document], dict] | str:
    """The documents and gold of ``seeds`` or ``fr``, or a message saying why they are missing."""
    paths = {
        "seeds": (ROOT / "seeds", evals / "seeds_statements_gold.json"),
        "fr": (fr_dev / "fr_dev_docs.jsonl", fr_dev / "fr_dev_statements_gold.json"),
    }
    if name not in paths:
        return f"{name}: unknown set ({', '.join(paths)})"
    texts, gold = paths[name]
    missing = " and ".join(str(p) for p in (texts, gold) if not p.exists())
    if missing:
        return (
            f"{name}: skipped, {missing} not found (the French dev set is rebuilt as"
            " ../shared/eval/dev/README.md says; --fr-dev or CONFLICTMAP_FR_DEV points at it)"
        )
    return read_docs(texts, "fr"), json.loads(gold.read_text(encoding="utf-8"))


def _statement_inputs(parsed):
    """What the pipeline gives the statements stage: text, mentions, dates, entities."""
    cleaned = blank_repeated_paragraphs(parsed.normalized)
    blank = [(b.start, b.end) for b in cleaned.blanked]

    def visible(start: int) -> bool:
        return not any(a <= start < b for a, b in blank)

    mentions = [m for m in parsed.norm_mentions if visible(m.start)]
    ents = None
    if parsed.entities is not None:
        ents = [e for e in parsed.entities if visible(e[0])]
    return cleaned.text, mentions, ents


def project(parsed_docs) -> tuple[list[dict], float]:
    """The project's statements of each geoparsed document, and the seconds they took."""
    from geo.statements import extract_statements

    preds, t0 = [], time.perf_counter()
    for parsed in parsed_docs:
        lang = parsed.lang
        if get_language(lang) is None:
            preds.append({"id": parsed.doc.id, "statements": []})
            continue
        text, mentions, ents = _statement_inputs(parsed)
        published = dates_mod.infer_publication_date(text, parsed.doc.published)
        found = dates_mod.find_dates(text, published if published.value else None, lang)
        kw = {"entities": ents} if ents is not None else {"nlp": False}
        sts = extract_statements(text, mentions, lang=lang, dates=found, **kw)
        preds.append({"id": parsed.doc.id, "statements": [s.to_dict() for s in sts]})
    return preds, time.perf_counter() - t0


def baseline(parsed_docs) -> list[dict]:
    """Quotations between quote marks, each said by the nearest person entity before it."""
    preds = []
    for parsed in parsed_docs:
        text = parsed.normalized.text
        persons = sorted((s, e) for s, e, label in (parsed.entities or ()) if label in PERSON)
        out = []
        for m in _QUOTE.finditer(text):
            before = [text[s:e] for s, e in persons if e <= m.start()]
            quote = next(g for g in m.groups() if g is not None)
            out.append({"quote": quote, "speaker": before[-1] if before else None})
        preds.append({"id": parsed.doc.id, "statements": out})
    return preds


def evaluate(names: list[str], evals: Path, fr_dev: Path) -> dict:
    """Score the project and the baseline on each set that can be loaded."""
    from geo.geoparse import default_geoparser

    score = load_scorer(evals)
    parser = default_geoparser()
    results: dict = {}
    for name in names:
        loaded = load_set(name, evals, fr_dev)
        if isinstance(loaded, str):
            print(loaded, file=sys.stderr)
            continue
        docs, gold = loaded
        parsed = [p for p in parser.parse_many(docs) if not isinstance(p, DocumentError)]
        preds, seconds = project(parsed)
        words = sum(len(p.normalized.text.split()) for p in parsed)
        results[name] = {
            "project": score(gold, preds),
            "baseline": score(gold, baseline(parsed)),
            "statements_words_per_s": round(words / seconds) if seconds else None,
        }
    return results


def report(results: dict) -> str:
    """The table printed: each set's project and baseline figures, and the aims."""
    lines = [
        f"{'set':6s} {'system':9s} {'recall':>7s} {'speakers':>9s} {'where':>7s} {'extra':>6s}"
    ]
    for name, r in results.items():
        for system in ("project", "baseline"):
            s = r[system]
            lines.append(
                f"{name:6s} {system:9s} {s['recall']:7.3f} {s['speaker_accuracy']:9.3f} "
                f"{s['where_said_correct']:>7s} {s['predicted_not_in_gold']:6d}"
            )
        lines.append(f"{name:6s} statements stage: {r['statements_words_per_s']} words/s")
    if "fr" in results:
        fr = results["fr"]["project"]
        met = ", ".join(
            f"{k} {fr[k]:.3f} {'>=' if fr[k] >= v else '<'} {v}" for k, v in AIMS.items()
        )
        lines.append(f"aims (fr): {met}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="seeds,fr", help="comma-separated: seeds, fr")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--eval-dir", help="the shared evaluation folder (../shared/eval)")
    ap.add_argument("--fr-dev", help="the rebuilt French dev set's folder (../devdata/fr)")
    args = ap.parse_args(argv)
    results = evaluate(
        [s.strip() for s in args.sets.split(",") if s.strip()],
        eval_dir(args.eval_dir),
        fr_dev_dir(args.fr_dev),
    )
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

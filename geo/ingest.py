"""Files, folders, HTML pages and JSON Lines -> extracted documents -> the store.

Extraction runs in a pool of processes (one per core by default); each worker loads the
gazetteer and the language model once. The parent process writes every result to the store
in its own transaction, so a document is stored whole or not at all, and a text already stored
is skipped before it costs an extraction. A bad document is reported with its id and the
reason, and the others go on.

Example
-------
>>> from geo.store import open_store
>>> report = ingest(["seeds/"], open_store("news.sqlite"))          # doctest: +SKIP
>>> report.summary()                                               # doctest: +SKIP
'ingested 5, skipped 0, failed 0'
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

from geo.documents import _folder_metadata, check_document_id, read_jsonl, read_text_file, shown_id
from geo.errors import ConflictmapError, DocumentError, InputError
from geo.ingest_dask import DaskPool, Stored
from geo.lang import SUPPORTED
from geo.model import Document
from geo.store import Store
from geo.text import MAX_CHARS, check_document_text, text_hash

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
INPUT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
MAX_HTML_BYTES = 8 * MAX_CHARS  # pages carry markup around the article
QUEUE_PER_WORKER = 4  # documents in flight per worker: keeps them busy, memory bounded
MAX_SHOWN = 5  # stale corrections named in the summary line (all are in the trail)
_META_KEYS = ("lang", "published", "source", "url", "title")


@dataclass
class IngestReport:
    """What an ingest did: ids stored, duplicates skipped, failures with their reasons."""

    ingested: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # reviewers' corrections the new extraction no longer carries: (document id, why)
    unapplied: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """``"ingested N, skipped N, failed N"``, then the corrections that no longer apply."""
        text = f"ingested {self.ingested}, skipped {self.skipped}, failed {len(self.failed)}"
        if self.unapplied:
            shown = "; ".join(f"{doc}: {why}" for doc, why in self.unapplied[:MAX_SHOWN])
            more = len(self.unapplied) - MAX_SHOWN
            text += (
                f"; {len(self.unapplied)} correction(s) no longer match their text, marked "
                f"stale in the trail ({shown}" + (f"; and {more} more" if more > 0 else "") + ")"
            )
        return text


# -- reading ------------------------------------------------------------------------------------
def read_html_file(path: Path, meta: dict | None = None) -> Document:
    """One HTML page reduced to its article with trafilatura; title, URL and publication date
    come from the page's metadata unless ``meta`` (or a ``NAME.json`` sidecar) gives them.

    Raises
    ------
    DocumentError
        Unreadable, too large, not HTML, or no article text found.
    """
    import trafilatura

    from geo.dates import infer_publication_date

    doc_id = check_document_id(path.stem, shown_id(path.name))
    try:
        size = path.stat().st_size
        if size > MAX_HTML_BYTES:
            raise DocumentError(doc_id, f"file of {size:,} bytes is too large")
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(doc_id, f"cannot read {path.name}: {exc.strerror}") from None
    if b"\x00" in raw[:4096]:
        raise DocumentError(doc_id, "looks binary, not an HTML page")
    try:
        html = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        html = raw.decode("cp1252", errors="replace")  # old news sites; markup survives
    info = _sidecar(path, meta, doc_id)
    try:
        page = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False
        )
    except (ValueError, TypeError, RecursionError) as exc:  # lxml on hostile markup
        raise DocumentError(doc_id, f"cannot parse the HTML: {exc}") from None
    text = (getattr(page, "text", None) or "").strip() if page is not None else ""
    if not text:
        raise DocumentError(doc_id, "no article text found in the HTML page")
    check_document_text(text, doc_id)
    published = info.get("published")
    if not published:
        found = infer_publication_date("", None, html=html)
        published = found.value or getattr(page, "date", None)
    lang = info.get("lang") if info.get("lang") in SUPPORTED else None
    return Document(
        id=doc_id,
        text=text,
        lang=lang,
        published=_str(published),
        source=_str(info.get("source") or getattr(page, "sitename", None)),
        url=_str(info.get("url") or getattr(page, "url", None)),
        title=_str(info.get("title") or getattr(page, "title", None)),
    )


def _str(value) -> str | None:
    return str(value) if value not in (None, "") else None


def _sidecar(path: Path, meta: dict | None, doc_id: str) -> dict:
    info = dict(meta or {})
    sidecar = path.with_suffix(".json")
    if sidecar.is_file():
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DocumentError(doc_id, f"unreadable metadata {sidecar.name}: {exc}") from None
        if not isinstance(data, dict):
            raise DocumentError(doc_id, f"metadata {sidecar.name} must be a JSON object")
        info.update(data)
    return info


def _read_file(path: Path, meta: dict | None) -> Iterator[Document | DocumentError]:
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as fh:
                yield from read_jsonl(fh, path.name)
        elif suffix in HTML_SUFFIXES:
            yield read_html_file(path, meta)
        else:
            yield read_text_file(path, meta)
    except DocumentError as err:
        yield err
    except OSError as exc:
        yield DocumentError(path.name, f"cannot read: {exc.strerror}")


def iter_documents(
    paths: Iterable[str | os.PathLike], *, published: str | None = None, source: str | None = None
) -> Iterator[Document | DocumentError]:
    """Documents from files and folders (recursively): .txt, .html/.htm, .jsonl/.ndjson.

    Metadata comes from each JSON line, a ``NAME.json`` sidecar or a folder's
    ``metadata.json``; ``published`` and ``source`` fill in what a document does not give.
    A path that does not exist, or a folder without any input file, is reported as an error.
    """
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in INPUT_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                yield DocumentError(str(path), "no .txt, .html or .jsonl file in this folder")
            metas: dict[Path, dict] = {}
            for f in files:
                if f.parent not in metas:
                    try:
                        metas[f.parent] = _folder_metadata(f.parent)
                    except InputError as exc:
                        yield DocumentError(str(f.parent / "metadata.json"), exc.message)
                        metas[f.parent] = {}
                yield from _defaults(_read_file(f, metas[f.parent].get(f.name)), published, source)
        elif path.is_file():
            try:
                meta = _folder_metadata(path.parent).get(path.name)
            except InputError:
                meta = None
            yield from _defaults(_read_file(path, meta), published, source)
        else:
            yield DocumentError(str(item), "no such file or folder")


def count_documents(paths: Iterable[str | os.PathLike]) -> int:
    """How many documents :func:`iter_documents` will give at most (a file each, a non-blank
    line each in JSON Lines), for the progress bar's total; read without parsing."""
    total = 0
    for item in paths:
        path = Path(item)
        files = (
            (p for p in path.rglob("*") if p.suffix.lower() in INPUT_SUFFIXES and p.is_file())
            if path.is_dir()
            else [path] if path.is_file() else []
        )  # fmt: skip
        for f in files:
            if f.suffix.lower() not in JSONL_SUFFIXES:
                total += 1
                continue
            with contextlib.suppress(OSError), open(f, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
    return total


def _defaults(stream, published, source):
    for d in stream:
        if isinstance(d, Document) and (
            (published and not d.published) or (source and not d.source)
        ):
            d = replace(d, published=d.published or published, source=d.source or source)
        yield d


# -- extraction in worker processes ---------------------------------------------------------------
_EXTRACTOR = None


# What the store's reviewers taught (gazetteer.reviewed), for the extractors of the running
# ingest: set by ingest(), passed to each worker process.
_REVIEWED = None


def _init_worker(use_ner: bool, reviewed=None) -> None:
    global _EXTRACTOR
    from gazetteer.lookup import taught
    from geo.geoparse import Geoparser
    from geo.pipeline import Extractor

    _EXTRACTOR = Extractor(Geoparser(taught(reviewed), use_ner=use_ner))


def _extract(doc: Document):
    """Extracted, or ``(doc id, reason)``: exceptions do not cross processes whole."""
    try:
        return _EXTRACTOR.extract(doc)
    except DocumentError as err:
        return (err.doc_id or doc.id, err.reason)
    except Exception as exc:  # noqa: BLE001 - one document's bug must not stop the others
        return (doc.id, f"extraction failed: {type(exc).__name__}: {exc}")


class _Serial:
    """The same interface as the pool, in this process (one core, or very few documents)."""

    def __init__(self, use_ner: bool) -> None:
        _init_worker(use_ner, _REVIEWED)

    def submit(self, fn, doc) -> Future:
        f: Future = Future()
        f.set_result(fn(doc))
        return f

    def shutdown(self, **_) -> None:
        pass


# -- ingest ---------------------------------------------------------------------------------------
def ingest(
    paths: Iterable[str | os.PathLike],
    store: Store,
    *,
    published: str | None = None,
    source: str | None = None,
    workers: int | None = None,
    progress: bool = True,
    use_ner: bool = True,
    dask: str | None = None,
    force: bool = False,
) -> IngestReport:
    """Extract and store every document under ``paths``.

    Parameters
    ----------
    paths
        Files (.txt, .html/.htm, .jsonl/.ndjson) and folders (searched recursively).
    store
        Where to write; each document is one transaction.
    published, source
        Publication date (ISO 8601) and source for documents that do not give their own.
    workers
        Extraction processes (default: the available cores; 1 extracts in this process).
    progress
        Show a progress bar on standard error.
    use_ner
        Use spaCy's NER in the geoparser (slower, more precise).
    dask
        Extract on a Dask cluster instead: ``"local"`` (one worker per core, or ``workers``)
        or a scheduler's address (:mod:`geo.ingest_dask`).
    force
        Re-extract documents already stored (after a change of model or lexicon): each one's
        mentions, events and statements replaced in one transaction (``Store.replace``).

    Returns
    -------
    IngestReport
        Counts of documents ingested and skipped (same text already stored), and the failures
        as ``(document id, reason)``.
    """
    from tqdm import tqdm

    from geo.dates import parse_iso

    if published and not parse_iso(published):
        raise InputError(f"--published must be an ISO 8601 date, not {published!r}")
    if workers is not None and workers < 1:
        raise InputError("workers must be at least 1")
    t0 = time.perf_counter()
    report = IngestReport()
    paths = list(paths)
    total = count_documents(paths) if progress else None
    bar = tqdm(
        desc="ingest", unit="doc", total=total or None, file=sys.stderr, disable=not progress,
        leave=False,
    )  # fmt: skip

    def done(kind: str, doc_id: str | None = None, reason: str | None = None) -> None:
        if kind == "ingested":
            report.ingested += 1
            report.ids.append(doc_id)
        elif kind == "skipped":
            report.skipped += 1
        else:
            report.failed.append((doc_id or "?", reason or "unknown error"))
        bar.update(1)
        bar.set_postfix_str(report.summary(), refresh=False)

    seen: set[str] = set()

    def to_extract() -> Iterator[Document]:
        for d in iter_documents(paths, published=published, source=source):
            if isinstance(d, DocumentError):
                done("failed", d.doc_id, d.reason)
                continue
            try:
                h = text_hash(d.text)
                if h in seen or (not force and store.has_text(d.text)):
                    done("skipped")
                    continue
            except ConflictmapError as exc:
                done("failed", d.id, exc.message)
                continue
            seen.add(h)
            yield d

    def write(doc: Document, result) -> None:
        if isinstance(result, tuple):
            done("failed", *result)
            return
        if isinstance(result, Stored):  # written by a Dask worker
            done("ingested", result.doc_id) if result.doc_id else done("skipped")
            return
        try:
            stored = store.replace(result) if force else store.add(result)
        except ConflictmapError as exc:
            done("failed", doc.id, exc.message)
            return
        done("ingested", stored) if stored else done("skipped")
        if stored:  # the reviewers' corrections its text no longer carries
            report.unapplied += [
                (stored, c["status_detail"]) for c in store.unapplied_corrections(stored)
            ]

    global _REVIEWED
    reviewed = getattr(store, "reviewed_layer", None)  # places and names reviewers taught
    _REVIEWED = reviewed() if reviewed else None
    n_workers = workers or available_cores()
    docs = to_extract()
    head = list(islice(docs, 2))  # one document alone is not worth a pool
    stream = _chain(head, docs)
    pool = None
    try:
        if head and dask:
            pool = DaskPool(dask, use_ner, store.shared_url, workers, force)
            n_workers = pool.size
        elif head:
            pool = _new_pool(n_workers if len(head) > 1 else 1, use_ner)
        pending: deque[tuple[Document, Future]] = deque()
        for doc in stream:
            pending.append((doc, pool.submit(_extract, doc)))
            while len(pending) >= n_workers * QUEUE_PER_WORKER:
                pool = _collect(pending, pool, n_workers, use_ner, write, done)
        while pending:
            pool = _collect(pending, pool, n_workers, use_ner, write, done)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        bar.close()
        _REVIEWED = None
    if report.ingested:
        store.optimize()
    report.seconds = time.perf_counter() - t0
    return report


def available_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _chain(head: list, rest: Iterator) -> Iterator:
    yield from head
    yield from rest


def _new_pool(n: int, use_ner: bool):
    if n <= 1:
        return _Serial(use_ner)
    return ProcessPoolExecutor(
        max_workers=n,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(use_ner, _REVIEWED),
    )


def _collect(pending, pool, n_workers, use_ner, write, done):
    """Write the oldest pending result; a dead worker fails the documents it took down."""
    doc, fut = pending.popleft()
    try:
        result = fut.result()
    except BrokenProcessPool:
        done("failed", doc.id, "the extraction process died (out of memory?)")
        lost = [d for d, _ in pending]
        pending.clear()
        pool.shutdown(cancel_futures=True)
        pool = _new_pool(n_workers, use_ner)
        for d in lost:  # retried once in a fresh pool
            pending.append((d, pool.submit(_extract, d)))
        return pool
    write(doc, result)
    return pool

"""Files, folders, HTML pages and JSON Lines -> extracted documents -> the store.

Documents are read by :mod:`geo.documents`; extraction runs in a pool of processes (one per
core by default, :mod:`geo.ingest_worker`); each worker loads the gazetteer and the language
model once. The parent process writes every result to the store
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

import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice

from gazetteer.lookup import open_gazetteer
from geo.documents import count_documents, iter_documents
from geo.errors import ConflictmapError, DocumentError, InputError
from geo.ingest_dask import LOCAL, DaskPool, Stored
from geo.ingest_worker import available_cores, extract, new_pool
from geo.model import Document
from geo.store import Store
from geo.text import text_hash

QUEUE_PER_WORKER = 4  # documents in flight per worker: keeps them busy, memory bounded
MAX_SHOWN = 5  # stale corrections named in the summary line (all are in the trail)


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

    reviewed = store.reviewed_layer()  # places and names reviewers taught

    def restart(n: int):
        return new_pool(n, use_ner, reviewed)

    n_workers = workers or available_cores()
    docs = to_extract()
    head = list(islice(docs, 2))  # one document alone is not worth a pool
    if head and not (dask and dask != LOCAL):  # built here once, not by each worker at a time
        open_gazetteer(progress=progress)
    stream = _chain(head, docs)
    pool = None
    try:
        if head and dask:
            pool = DaskPool(dask, use_ner, store.shared_url, workers, force, reviewed)
            n_workers = pool.size
        elif head:
            pool = restart(n_workers if len(head) > 1 else 1)
        pending: deque[tuple[Document, Future]] = deque()
        for doc in stream:
            pending.append((doc, pool.submit(extract, doc)))
            while len(pending) >= n_workers * QUEUE_PER_WORKER:
                pool = _collect(pending, pool, lambda: restart(n_workers), write, done)
        while pending:
            pool = _collect(pending, pool, lambda: restart(n_workers), write, done)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        bar.close()
    if report.ingested:
        store.optimize()
    report.seconds = time.perf_counter() - t0
    return report


def _chain(head: list, rest: Iterator) -> Iterator:
    yield from head
    yield from rest


def _collect(pending, pool, restart, write, done):
    """Write the oldest pending result; a dead worker fails the documents it took down, and
    the others are retried once in a fresh pool (``restart()``)."""
    doc, fut = pending.popleft()
    try:
        result = fut.result()
    except BrokenProcessPool:
        done("failed", doc.id, "the extraction process died (out of memory?)")
        lost = [d for d, _ in pending]
        pending.clear()
        pool.shutdown(cancel_futures=True)
        pool = restart()
        for d in lost:  # retried once in a fresh pool
            pending.append((d, pool.submit(extract, d)))
        return pool
    write(doc, result)
    return pool

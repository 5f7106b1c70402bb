"""Extraction in the ingest's worker processes: each loads the gazetteer and the language model
once (:func:`init_worker`), then extracts the documents it is given (:func:`extract`). The
process pool of :func:`geo.ingest.ingest` and the Dask workers of :mod:`geo.ingest_dask` both
run these; :class:`SerialPool` runs them in this process (one core, or very few documents).
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import TYPE_CHECKING

from geo.errors import DocumentError

if TYPE_CHECKING:  # pragma: no cover
    from gazetteer.reviewed import ReviewedLayer
    from geo.model import Document

_EXTRACTOR = None  # this process's Extractor, made by init_worker


def init_worker(use_ner: bool, reviewed: ReviewedLayer | None = None) -> None:
    """Load this process's extractor: the geoparser (with spaCy's NER when ``use_ner``) over
    the gazetteer with what reviewers taught (``reviewed``, :mod:`gazetteer.reviewed`)."""
    global _EXTRACTOR
    from gazetteer.lookup import taught
    from geo.geoparse import Geoparser
    from geo.pipeline import Extractor

    _EXTRACTOR = Extractor(Geoparser(taught(reviewed), use_ner=use_ner))


def extract(doc: Document):
    """Extracted, or ``(doc id, reason)``: exceptions do not cross processes whole."""
    try:
        return _EXTRACTOR.extract(doc)
    except DocumentError as err:
        return (err.doc_id or doc.id, err.reason)
    except Exception as exc:  # noqa: BLE001 - one document's bug must not stop the others
        return (doc.id, f"extraction failed: {type(exc).__name__}: {exc}")


class SerialPool:
    """The same interface as the process pool, in this process."""

    def __init__(self, use_ner: bool, reviewed: ReviewedLayer | None = None) -> None:
        init_worker(use_ner, reviewed)

    def submit(self, fn, doc) -> Future:
        f: Future = Future()
        f.set_result(fn(doc))
        return f

    def shutdown(self, **_) -> None:
        pass


def new_pool(n: int, use_ner: bool, reviewed: ReviewedLayer | None = None):
    """``n`` extraction processes (spawned, each initialised once), or a :class:`SerialPool`
    for one."""
    if n <= 1:
        return SerialPool(use_ner, reviewed)
    return ProcessPoolExecutor(
        max_workers=n,
        mp_context=get_context("spawn"),
        initializer=init_worker,
        initargs=(use_ner, reviewed),
    )


def available_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1

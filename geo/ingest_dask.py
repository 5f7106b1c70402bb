"""Extraction on a Dask cluster: ``conflictmap ingest PATHS --dask local|tcp://host:8786``.

:func:`geo.ingest.ingest` streams the corpus to the cluster a few documents per worker at a time
(the same bounded queue as its process pool), so the partitions are the documents themselves,
handed to whichever worker is free. Each worker process loads the gazetteer and the language
model once (on its first document) and keeps them. A store on a database server (PostGIS) is
written from the workers, each document in its own transaction, through one connection per
worker process; an SQLite file, which only this machine sees, is written by this process, the
one writer, from the results the workers send back.

A worker that dies takes its tasks with it: Dask gives them to another worker (a document
already committed there is then found by its text and skipped, never stored twice); one that
kills every worker it is given fails with its id and reason, and the others go on.

``local`` starts a :class:`distributed.LocalCluster` of one single-threaded worker process per
core of this machine; an address connects to a running scheduler, whose workers must have
conflictmap and its models installed (and reach the database).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from gazetteer.reviewed import ReviewedLayer
    from geo.model import Document

LOCAL = "local"
CONNECT_TIMEOUT_S = 30
# A local cluster runs a batch ingest, not an interactive session: no statistical profiler
# sampling every worker's stack each 10 ms, no GIL monitor, and the system monitor (psutil)
# every 10 s instead of twice a second. On a machine whose every core extracts, they took
# about a quarter of the cluster's CPU (200 articles, 2 workers: 79 CPU-seconds with them,
# 59 without). A remote cluster keeps its own configuration.
LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.admin.system-monitor.interval": "10s",
}

# per worker process: the extractor and the stores it writes to, loaded on first use
_WORKER: dict = {}
_TASKS = itertools.count()  # the tasks' keys


@dataclass(frozen=True)
class Stored:
    """A document a worker wrote to the store itself: its id, or None when already stored."""

    doc_id: str | None


def _extract_on_worker(
    doc: Document,
    use_ner: bool,
    store_url: str | None,
    force: bool,
    reviewed: ReviewedLayer | None = None,
    layer: str | None = None,
):
    """On a worker: the Extracted (SQLite: this process writes it), :class:`Stored` (the
    worker wrote it), or ``(doc id, reason)``. ``reviewed``: the places and names reviewers
    taught, sent to every worker once (``layer`` names that copy: the extractor is built again
    only for another ingest's)."""
    from geo.errors import ConflictmapError
    from geo.ingest_worker import extract, init_worker

    if _WORKER.get("config") != (use_ner, layer):
        init_worker(use_ner, reviewed)
        _WORKER["config"] = (use_ner, layer)
    result = extract(doc)
    if store_url is None or isinstance(result, tuple):
        return result
    store = _WORKER.get(store_url)
    try:
        if store is None:
            from geo.store import open_store

            store = _WORKER[store_url] = open_store(store_url)
        return Stored(store.replace(result) if force else store.add(result))
    except ConflictmapError as exc:
        return (doc.id, exc.message)


class _Result:
    """A Dask future seen as the process pool's: its failure is the document's, not ours."""

    def __init__(self, future, doc: Document) -> None:
        self.future, self.doc = future, doc

    def result(self):
        try:
            return self.future.result()
        except Exception as exc:  # noqa: BLE001 - a worker lost, a task killed: this document
            return (self.doc.id, f"dask: {type(exc).__name__}: {exc}")


class DaskPool:
    """The ingest's pool on a Dask cluster: ``submit(fn, doc)``, ``shutdown()``, ``size``.

    Parameters
    ----------
    address
        ``"local"`` for a LocalCluster of ``workers`` processes (default: the cores), or a
        scheduler's address (``tcp://host:8786``).
    use_ner
        Use spaCy's NER in the geoparser.
    store_url
        The store's URL when the workers write to it themselves (a database server), else
        None: the results come back to this process.
    force
        The workers re-extract stored documents (``Store.replace``) instead of adding.
    reviewed
        The places and names reviewers taught (the store's :class:`ReviewedLayer`), sent to
        every worker once, as the process pool gives it to each of its processes.
    """

    def __init__(
        self,
        address: str,
        use_ner: bool,
        store_url: str | None,
        workers: int | None = None,
        force: bool = False,
        reviewed: ReviewedLayer | None = None,
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError("--dask needs Dask: pip install 'dask[distributed]'") from None
        from geo.ingest_worker import available_cores

        self.use_ner, self.store_url, self.force = use_ner, store_url, force
        self.cluster = None
        try:
            if address == LOCAL:
                import dask

                with dask.config.set(LOCAL_CONFIG):  # the workers' nannies pass it on
                    self.cluster = LocalCluster(
                        n_workers=workers or available_cores(), threads_per_worker=1,
                        processes=True, dashboard_address=None, silence_logs=40,
                    )  # fmt: skip
                    self.client = Client(self.cluster)
            else:
                self.client = Client(address, timeout=CONNECT_TIMEOUT_S)
        except OSError as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise ConfigError(f"cannot reach the Dask scheduler {address}: {exc}") from None
        self.size = max(1, sum(self.client.nthreads().values()))
        self.reviewed = None  # one copy on each worker, not one in every task
        if reviewed:
            self.reviewed = self.client.scatter(reviewed, broadcast=True, hash=False)

    def submit(self, fn, doc: Document) -> _Result:
        # the task's key names the document (for Dask's dashboard and logs)
        future = self.client.submit(
            _extract_on_worker, doc, self.use_ner, self.store_url, self.force, self.reviewed,
            None if self.reviewed is None else self.reviewed.key, pure=False,
            key=f"extract-{next(_TASKS)}-{doc.id}",
        )  # fmt: skip
        return _Result(future, doc)

    def shutdown(self, **_) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

"""Ingest on a Dask cluster (``--dask``): a LocalCluster of two single-threaded worker
processes; a PostGIS store written from the workers, an SQLite one through this process; the
same events as the plain ingest; a worker killed in the middle, and a rerun that completes with
no document lost or stored twice."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from geo.ingest import ingest
from geo.store import open_store

pytest.importorskip("distributed")

N_DOCS = 10


@pytest.fixture(autouse=True)
def _gazetteer(gazetteer_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", gazetteer_path)  # the workers inherit it


def corpus(folder: Path, n: int = N_DOCS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "dispatches.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = (
                # a year apart: no two are reports of one incident (merges depend on the order
                # documents are written in, which workers writing at once do not keep)
                f"Des combats ont opposé l'armée et des rebelles à Alep le 3 mars {2000 + i}. "
                f"Le bilan fait état de {i + 2} morts, selon une ONG (dépêche {i})."
            )
            fh.write(
                json.dumps(
                    {"id": f"d{i}", "text": text, "lang": "fr", "published": f"{2000 + i}-03-30"}
                )
                + "\n"
            )
    return path


def events_of(store) -> list[tuple]:
    return sorted(
        (e["doc_id"], e["type"], e["date"], e["place_id"], e["fatalities"], e["sentence"])
        for e in store.iter_events()
    )


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, one thread each, as ``--dask local`` starts (reused by the tests
    through the scheduler's address: the real-cluster path)."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=40,
    ) as c:  # fmt: skip
        yield c


def test_dask_ingest_is_the_plain_ingest_on_both_backends(tmp_path, postgis_url, cluster):
    src = corpus(tmp_path / "in")
    plain = open_store(tmp_path / "plain.sqlite")
    assert ingest([src], plain, workers=1, progress=False, use_ner=False).ingested == N_DOCS
    expected = events_of(plain)
    assert expected
    for st in (open_store(tmp_path / "dask.sqlite"), open_store(postgis_url)):
        report = ingest([src], st, dask=cluster.scheduler_address, progress=False, use_ner=False)
        assert (report.ingested, report.skipped, report.failed) == (N_DOCS, 0, [])
        assert sorted(report.ids) == sorted(f"d{i}" for i in range(N_DOCS))
        assert events_of(st) == expected
        again = ingest([src], st, dask=cluster.scheduler_address, progress=False, use_ner=False)
        assert (again.ingested, again.skipped) == (0, N_DOCS)
        forced = ingest(
            [src], st, dask=cluster.scheduler_address, progress=False, use_ner=False, force=True
        )
        assert (forced.ingested, forced.skipped, forced.failed) == (N_DOCS, 0, [])
        assert st.stats()["documents"] == N_DOCS and events_of(st) == expected
        st.close()


def test_a_place_reviewers_added_resolves_a_dask_ingest_on_both_backends(
    tmp_path, postgis_url, cluster
):
    from geo.corrections import check_place

    place = check_place(
        {"name": "Al-Boulil", "lat": 35.05, "lon": 40.45, "feature": "city", "country": "SY"}
    )
    src = tmp_path / "in"
    src.mkdir()
    for i, day in enumerate(("mardi", "jeudi")):
        (src / f"boulil{i}.txt").write_text(
            f"Trois civils ont été tués {day} à Al-Boulil, dans l'est de la Syrie.",
            encoding="utf-8",
        )
    for st in (open_store(tmp_path / "dask.sqlite"), open_store(postgis_url)):
        st.add_reviewed_place(place, reviewer="ana")
        report = ingest([src], st, dask=cluster.scheduler_address, progress=False, use_ner=False)
        assert (report.ingested, report.failed) == (2, [])
        for doc_id in ("boulil0", "boulil1"):
            [m] = [m for m in st.document(doc_id)["mentions"] if m["text"] == "Al-Boulil"]
            assert m["place_id"] == place.id
        st.close()
    # a store without it: the workers' extractor forgets the last ingest's reviews
    plain = open_store(tmp_path / "plain.sqlite")
    ingest([src], plain, dask=cluster.scheduler_address, progress=False, use_ner=False)
    mentions = plain.document("boulil0")["mentions"]
    assert all(m["place_id"] != place.id for m in mentions)
    plain.close()


def test_a_worker_killed_mid_ingest_loses_nothing_and_stores_nothing_twice(
    tmp_path, postgis_url, cluster
):
    from distributed import Client

    src = corpus(tmp_path / "in", 16)
    store = open_store(postgis_url)
    client = Client(cluster)
    pids = list(client.run(os.getpid).values())
    out: dict = {}
    run = threading.Thread(
        target=lambda: out.update(
            report=ingest([src], open_store(postgis_url), dask=cluster.scheduler_address,
                          progress=False, use_ner=False)
        )
    )  # fmt: skip
    run.start()
    deadline = time.monotonic() + 120
    while store.stats()["documents"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.is_alive(), "the ingest ended before the kill: give it more documents"
    os.kill(pids[0], signal.SIGKILL)  # the nanny starts a new worker; its tasks move
    run.join(timeout=300)
    assert not run.is_alive()
    report = out["report"]
    # the killed worker's documents went to the other one: none failed (one it had stored
    # before dying is found by its text: skipped)
    assert report.failed == [] and report.ingested + report.skipped == 16
    # a rerun completes: every document stored, each once
    again = ingest([src], store, dask=cluster.scheduler_address, progress=False, use_ner=False)
    assert again.failed == []
    assert store.stats()["documents"] == 16
    docs, total = store.documents(limit=100)
    assert total == 16 and sorted(d["id"] for d in docs) == sorted(f"d{i}" for i in range(16))
    assert len(list(store.iter_events())) == store.stats()["events"]
    client.close()
    store.close()

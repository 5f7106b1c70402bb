"""``conflictmap ingest --force`` on both backends: documents already stored are extracted
again and replace what was stored (same ids, no document twice), one transaction each."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.ingest import ingest
from geo.store import open_store
from tests.test_ingest_dask import corpus, events_of


@pytest.fixture(autouse=True)
def _gazetteer(gazetteer_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", gazetteer_path)


def test_force_re_extracts_what_is_stored(tmp_path, store_url):
    src = corpus(tmp_path / "in", 4)
    st = open_store(store_url)
    first = ingest([src], st, workers=1, progress=False, use_ner=False)
    assert first.ingested == 4
    before = events_of(st)
    ids_before = sorted(d["id"] for d in st.documents()[0])
    # extracted again, stored in place of the first
    again = ingest([src], st, workers=1, progress=False, use_ner=False, force=True)
    assert (again.ingested, again.skipped, again.failed) == (4, 0, [])
    assert st.stats()["documents"] == 4
    assert sorted(d["id"] for d in st.documents()[0]) == ids_before
    assert events_of(st) == before  # the same extraction: the same events, once each
    assert sum(g["count"] for g in st.event_groups()) == st.stats()["events"]
    st.close()
    out = CliRunner().invoke(
        main, ["ingest", str(src), "--db", store_url, "--force", "--no-ner", "--workers", "1",
               "-q"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "ingested 4, skipped 0, failed 0" in out.output

"""What only the PostGIS store has, on a throwaway cluster: its URL on the command line and in
``$CONFLICTMAP_DB``, its schema version, writers in many processes that never store a text
twice, French and English full text, the GiST index a bbox + dates + type query reads, and the
same GeoJSON export as the SQLite store's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.errors import ConfigError
from geo.model import DateValue, Document
from geo.pipeline import Extracted
from geo.store import SCHEMA_VERSION, open_store, store_location
from tests.test_store import ALEPPO, TEXT_A, sample_documents

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def pg(postgis_url, gaz):
    st = open_store(postgis_url)
    for x in sample_documents(gaz):
        assert st.add(x) == x.doc.id
    yield st
    st.close()


def _sql(url: str, statement: str, params=()):
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        cur = con.execute(statement, params)
        return cur.fetchall() if cur.description else None


# -- where the store is ---------------------------------------------------------------------------
def test_store_locations():
    assert store_location("postgresql://cm@db:5432/news") == "postgresql://cm@db:5432/news"
    assert store_location("postgres://cm@db/news") == "postgresql://cm@db/news"
    assert store_location(Path("postgresql://cm@db/news")) == "postgresql://cm@db/news"
    assert store_location("sqlite:///data/x.sqlite") == "/data/x.sqlite"
    assert store_location("x.sqlite") == "x.sqlite"
    with pytest.raises(ConfigError, match="sqlite:///"):
        store_location("sqlite://")


def test_environment_variable_and_sqlite_url(postgis_url, tmp_path, monkeypatch, gaz):
    monkeypatch.setenv("CONFLICTMAP_DB", postgis_url)
    with open_store() as st:
        assert type(st).__name__ == "PostGISStore" and st.location == postgis_url
    monkeypatch.setenv("CONFLICTMAP_DB", f"sqlite://{tmp_path}/env.sqlite")
    with open_store() as st:
        assert st.location == str(tmp_path / "env.sqlite")
    assert (tmp_path / "env.sqlite").exists()


def test_unreachable_server_is_a_config_error_without_the_password(postgis_cluster):
    url = f"postgresql://postgres:s3cret@127.0.0.1:{postgis_cluster.port}/no_such_db"
    with pytest.raises(ConfigError) as err:
        open_store(url)
    assert "s3cret" not in str(err.value) and "no_such_db" in str(err.value)


# -- schema ---------------------------------------------------------------------------------------
def test_schema_is_versioned_and_a_newer_one_refused(postgis_url):
    open_store(postgis_url).close()
    open_store(postgis_url).close()  # opened again: nothing to create
    assert _sql(postgis_url, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]
    _sql(postgis_url, "UPDATE meta SET value = %s WHERE key = 'schema_version'",
         (str(SCHEMA_VERSION + 1),))  # fmt: skip
    with pytest.raises(ConfigError, match="newer"):
        open_store(postgis_url)


def test_a_database_of_something_else_is_refused(postgis_url):
    _sql(postgis_url, "CREATE TABLE invoices (id int)")
    with pytest.raises(ConfigError, match="other tables"):
        open_store(postgis_url)


def test_points_are_postgis_geometries(pg, postgis_url):
    rows = _sql(
        postgis_url,
        "SELECT ST_SRID(geom), ST_X(geom), ST_Y(geom) FROM places WHERE id = %s",
        (ALEPPO,),
    )
    [(srid, x, y)] = rows
    assert srid == 4326 and (round(x, 3), round(y, 3)) == (37.161, 36.201)


# -- many writers -----------------------------------------------------------------------------------
_WRITER = """
import sys
from geo.model import DateValue, Document, Event, Place
from geo.pipeline import Extracted
from geo.store import open_store

aleppo = Place("gn:170063", "Aleppo", "city", 36.20124, 37.16117, "SY", "SY.09")
store = open_store(sys.argv[1])
for i in range(int(sys.argv[2])):
    text = f"Des combats ont eu lieu a Alep, rapport numero {i}."
    x = Extracted(
        Document(f"doc-{i}", text, "fr"), "fr", DateValue(f"2024-01-{i % 28 + 1:02d}", "day"), (),
        (Event("Battles", "Armed clash", text, 0, len(text), place=aleppo,
               date=DateValue(f"2024-01-{i % 28 + 1:02d}", "day")),), (),
    )
    store.add(x)
store.close()
"""


def test_writers_in_many_processes_never_store_a_text_twice(postgis_url):
    open_store(postgis_url).close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, postgis_url, "12"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with open_store(postgis_url) as st:
        stats = st.stats()
        assert stats["documents"] == 12
        # one event per document, each counted once on the map (or merged into another)
        events = _sql(postgis_url, "SELECT count(*) FROM events")[0][0]
        assert events == 12
        shown = sum(g["count"] for g in st.event_groups())
        assert shown == stats["events"] == len(list(st.iter_events()))
    ids = {r[0] for r in _sql(postgis_url, "SELECT id FROM documents")}
    assert ids == {f"doc-{i}" for i in range(12)}


# -- full text ----------------------------------------------------------------------------------------
def test_full_text_reads_each_document_in_its_language(pg):
    en = "Russian air strikes killed civilians in Aleppo on Thursday."
    pg.add(
        Extracted(
            doc=Document("en-1", en, lang="en", published="2016-12-09"), lang="en",
            published=DateValue("2016-12-09", "day"), mentions=(), events=(), statements=(),
        )
    )  # fmt: skip
    ids = lambda q: sorted(d["id"] for d in pg.documents(q=q)[0])  # noqa: E731
    assert ids("frappe") == ["afp-a"]  # French stems: "frappes" in the text
    assert ids("strike") == ["en-1"]  # English ones: "strikes"
    assert ids("cederons") == ["afp-a"]  # accents ignored
    assert ids('"frappes russes"') == ["afp-a"] and ids('"russes frappes"') == []
    assert ids("civil*") == ["afp-a", "en-1"]
    assert pg.events(q="frappe")[1] == 1


# -- the index a map query reads ------------------------------------------------------------------------
def test_a_bbox_dates_type_query_reads_the_gist_index(pg, postgis_url):
    from geo.store import EventFilter

    where, params = pg._event_filters(
        EventFilter.of(bbox=(36, 35, 38, 37), start="2016-12-01", end="2016-12-31", type="Battles")
    )
    import psycopg

    with psycopg.connect(postgis_url, autocommit=True) as con:
        con.execute("SET enable_seqscan = off")  # a store this small would be read whole
        plan = "\n".join(
            r[0] for r in con.execute(f"EXPLAIN SELECT e.id FROM events e{where}", params)
        )
    assert "events_where_when_kind" in plan


# -- the same export as SQLite's ---------------------------------------------------------------------------
def test_geojson_export_is_the_sqlite_stores(pg, tmp_path, gaz):
    from geo.export import export_events

    sq = open_store(tmp_path / "s.sqlite")
    for x in sample_documents(gaz):
        sq.add(x)
    export_events(sq, "geojson", tmp_path / "s.geojson")
    export_events(pg, "geojson", tmp_path / "p.geojson")
    sq.close()
    a = json.loads((tmp_path / "s.geojson").read_text())
    b = json.loads((tmp_path / "p.geojson").read_text())
    assert len(a["features"]) == 3 and a == b
    assert TEXT_A[:20] in json.dumps(b, ensure_ascii=False)


def test_timeline_counts_are_the_sqlite_stores(pg, tmp_path, gaz):
    sq = open_store(tmp_path / "s.sqlite")
    for x in sample_documents(gaz):
        sq.add(x)
    for unit in ("day", "week", "month", "year"):
        assert pg.date_histogram(unit) == sq.date_histogram(unit)
    assert pg.date_histogram("month", type="Battles") == sq.date_histogram("month", type="Battles")
    assert pg.country_totals() == sq.country_totals()
    assert pg.admin1_totals() == sq.admin1_totals()
    for what in ("place", "date"):
        assert pg.events_lacking(what) == sq.events_lacking(what)
    sq.close()


def test_one_event_and_the_extent(pg, tmp_path, gaz):
    from geo.errors import NotFoundError

    rows, _ = pg.events()
    assert all(pg.event(r["id"]) == r for r in rows)
    ext = pg.event_extent()
    located = [r for r in rows if r["lat"] is not None]
    lons, lats = [r["lon"] for r in located], [r["lat"] for r in located]
    assert ext["bbox"] == (min(lons), min(lats), max(lons), max(lats))
    assert ext["days"][0] <= "2016-12-08" and ext["days"][1] >= "2020-02-29"
    sq = open_store(tmp_path / "s.sqlite")
    for x in sample_documents(gaz):
        sq.add(x)
    if hasattr(sq, "event_extent"):  # the SQLite store's, for the OGC API
        assert sq.event_extent() == ext and sq.event(rows[0]["id"]) == rows[0]
    sq.close()
    for bad in (10**6, 2**70, "x"):
        with pytest.raises(NotFoundError):
            pg.event(bad)
        with pytest.raises(NotFoundError):
            pg.sources(bad)


def test_two_reports_of_one_incident_written_at_once_are_merged(postgis_url, gaz):
    """Writers merge one at a time where their events may merge (an advisory lock by region):
    two workers storing two reports of one meeting at the same moment give one event."""
    import threading

    from tests.test_store import SOCHI, report

    open_store(postgis_url).close()
    docs = [
        report(gaz, f"r{i}", text, SOCHI, "2024-09-03")
        for i, text in enumerate(
            ["Poutine et Erdogan se sont rencontrés mardi à Sotchi.",
             "Putin met Erdogan in Sochi on Tuesday."]
        )
    ]  # fmt: skip
    for _ in range(3):  # a race lost once would show
        _sql(postgis_url, "TRUNCATE documents, mentions, events, event_sources, event_counts, "
             "statements, statement_places, place_names, places CASCADE")  # fmt: skip
        stores = [open_store(postgis_url) for _ in docs]
        # the place stored already: the writers do not wait on its new row
        stores[0].add(report(gaz, "old", "Une manifestation à Sotchi.", SOCHI, "2010-05-01",
                             type_="Protests", subtype=None))  # fmt: skip
        barrier = threading.Barrier(len(docs))

        def add(st, x, barrier):
            barrier.wait()
            st.add(x)

        threads = [
            threading.Thread(target=add, args=(st, x, barrier))
            for st, x in zip(stores, docs, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        [ev], total = stores[0].events(type="Diplomacy")
        assert total == 1 and ev["n_sources"] == 2
        for st in stores:
            st.close()

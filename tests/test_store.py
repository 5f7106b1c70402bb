"""The store on both backends (an SQLite file, a PostGIS database on a throwaway cluster):
adds, idempotence, filters, pagination, merges, concurrency, crashes; the SQLite file's own
schema migrations."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from geo.errors import ConfigError, InputError, NotFoundError
from geo.model import DateValue, Document, Event, Mention, Statement
from geo.pipeline import Extracted
from geo.store import SCHEMA_VERSION, date_bounds, fts_query, open_store, parse_bbox, text_hash

ALEPPO, IDLIB, ANKARA, SYRIA, DAMASCUS = (
    "gn:170063",
    "gn:169389",
    "gn:323786",
    "gn:163843",
    "gn:170654",
)

TEXT_A = (
    "Des frappes russes ont tué jeudi 30 civils à Alep, selon l'OSDH. "
    "« Nous ne céderons pas », a déclaré à Ankara le ministre turc."
)
TEXT_B = "Des combats ont opposé mardi l'armée syrienne aux rebelles à Idleb, en Syrie."
TEXT_C = "Le régime de Damas a repris le contrôle d'un quartier au printemps."


def mention(text: str, word: str, place, role: str = "literal", nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Mention(start, start + len(word), word, place=place, role=role, score=0.9)


def extracted(doc_id, text, published, mentions=(), events=(), statements=(), **meta):
    return Extracted(
        doc=Document(id=doc_id, text=text, lang="fr", published=published, **meta),
        lang="fr",
        published=DateValue(published, "day" if published else "unknown", published),
        mentions=tuple(mentions),
        events=tuple(events),
        statements=tuple(statements),
    )


def sample_documents(gaz) -> list[Extracted]:
    """Three hand-made documents at real gazetteer places."""
    aleppo, idlib, ankara = gaz.get(ALEPPO), gaz.get(IDLIB), gaz.get(ANKARA)
    syria, damascus = gaz.get(SYRIA), gaz.get(DAMASCUS)
    a = extracted(
        "afp-a",
        TEXT_A,
        "2016-12-08",
        mentions=[mention(TEXT_A, "Alep", aleppo), mention(TEXT_A, "Ankara", ankara)],
        events=[
            Event(
                "Explosions/Remote violence",
                "Air/drone strike",
                TEXT_A[:64],
                0,
                64,
                date=DateValue("2016-12-08", "day", "jeudi"),
                actors=("Russie", "civils"),
                fatalities=30,
                place=aleppo,
                place_precision="city",
                confidence=0.85,
            )
        ],
        statements=[
            Statement(
                "Nous ne céderons pas",
                TEXT_A.index("Nous"),
                TEXT_A.index("Nous") + 20,
                speaker="le ministre turc",
                speaker_role="ministre",
                where_said=ankara,
                places=(aleppo,),
            )
        ],
        title="Frappes sur Alep",
        source="AFP",
        url="https://example.org/a",
    )
    b = extracted(
        "afp-b",
        TEXT_B,
        "2020-02-04",
        mentions=[mention(TEXT_B, "Idleb", idlib), mention(TEXT_B, "Syrie", syria, "country")],
        events=[
            Event(
                "Battles",
                "Armed clash",
                TEXT_B,
                0,
                len(TEXT_B),
                date=DateValue("2020-02", "month", "février"),
                actors=("armée syrienne", "rebelles"),
                place=idlib,
                place_precision="city",
            )
        ],
    )
    c = extracted(
        "c",
        TEXT_C,
        None,
        mentions=[mention(TEXT_C, "Damas", damascus, "metonymic")],
        events=[
            Event(
                "Strategic developments",
                "Change to group/activity",
                TEXT_C,
                0,
                len(TEXT_C),
                actors=("régime syrien",),
            )
        ],
    )
    return [a, b, c]


@pytest.fixture
def store(store_url, gaz):
    st = open_store(store_url)
    for x in sample_documents(gaz):
        assert st.add(x) == x.doc.id
    yield st
    st.close()


# -- writes -----------------------------------------------------------------------------------
def test_same_text_is_stored_once(store, gaz):
    again = sample_documents(gaz)[0]
    assert store.add(again) is None
    retyped = extracted("other-id", TEXT_A.replace("'", "\u2019") + "\r\n", None)
    assert store.has_text(retyped.doc.text)
    assert store.add(retyped) is None
    assert store.stats()["documents"] == 3


def test_an_id_already_taken_by_another_text_gets_a_suffix(store):
    doc_id = store.add(extracted("afp-a", "Un autre texte sur Alep.", None))
    assert doc_id.startswith("afp-a-") and doc_id != "afp-a"
    assert store.document(doc_id)["text"] == "Un autre texte sur Alep."


def test_a_failing_add_leaves_nothing_and_the_store_works(store):
    bad = extracted(
        "broken",
        "Un texte dont l'événement est invalide.",
        None,
        events=[Event("Battles", None, None, 0, 1)],  # sentence NULL: the insert fails
    )
    with pytest.raises(Exception, match="broken"):
        store.add(bad)
    stats = store.stats()
    assert stats["documents"] == 3 and stats["events"] == 3
    with pytest.raises(NotFoundError):
        store.document("broken")
    assert store.add(extracted("ok", "Un texte valide.", None)) == "ok"


def test_document_row_has_its_mentions_events_and_statements(store):
    d = store.document("afp-a")
    assert d["title"] == "Frappes sur Alep" and d["source"] == "AFP"
    assert d["hash"] == text_hash(TEXT_A) and d["published"] == "2016-12-08"
    assert set(d) >= {"id", "url", "lang", "text", "ingested_at"}
    m = d["mentions"][0]
    assert set(m) == {
        "id", "start", "end", "text", "role", "score", "place_id", "name", "name_fr", "name_en",
        "lat", "lon", "feature", "country_code",
    }  # fmt: skip
    assert isinstance(m["id"], int)  # the id a reviewer's PATCH /api/mentions/<id> names
    assert (m["text"], m["place_id"]) == ("Alep", ALEPPO)
    assert TEXT_A[m["start"] : m["end"]] == "Alep"
    # a French document names its places in French
    assert (m["name"], m["name_fr"], m["name_en"]) == ("Alep", "Alep", "Aleppo")
    assert d["events"][0]["fatalities"] == 30
    assert d["events"][0]["place_name"] == "Alep"
    st = d["statements"][0]
    assert st["where_name"] == "Ankara" and st["places"][0]["id"] == ALEPPO
    assert st["places"][0]["name"] == "Alep"
    with pytest.raises(NotFoundError):
        store.document("nope")


# -- event filters ----------------------------------------------------------------------------
def ids(result):
    rows, total = result
    assert total >= len(rows)
    return sorted(r["doc_id"] for r in rows)


def test_event_row_shape(store):
    rows, total = store.events()
    assert total == 3
    ev = next(r for r in rows if r["doc_id"] == "afp-a")
    for key in [
        "id",
        "doc_id",
        "type",
        "subtype",
        "secondary_types",
        "date",
        "date_precision",
        "date_phrase",
        "actors",
        "fatalities",
        "injured",
        "place_id",
        "place_name",
        "lat",
        "lon",
        "feature",
        "country_code",
        "admin1",
        "precision",
        "sentence",
        "start",
        "end",
        "confidence",
        "doc_title",
        "doc_source",
        "doc_url",
        "published",
        "place_name_fr",
        "place_name_en",
        "doc_lang",
    ]:
        assert key in ev, key
    assert (round(ev["lon"], 2), round(ev["lat"], 2)) == (37.16, 36.20)
    assert ev["actors"] == ["Russie", "civils"] and ev["doc_title"] == "Frappes sur Alep"


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"bbox": (36.0, 35.0, 38.0, 37.0)}, ["afp-a", "afp-b"]),  # Aleppo and Idlib
        ({"bbox": "36.9,36,37.5,36.5"}, ["afp-a"]),
        ({"bbox": (-10, -10, 10, 10)}, []),
        ({"start": "2016-12-08", "end": "2016-12-08"}, ["afp-a"]),
        ({"start": "2020-02-15"}, ["afp-b"]),  # a month-precise date overlaps the range
        ({"end": "2019-12-31"}, ["afp-a"]),  # unknown dates only without start/end
        ({"type": "battles"}, ["afp-b"]),
        ({"type": "AIR/DRONE STRIKE"}, ["afp-a"]),
        ({"actor": "russie"}, ["afp-a"]),
        ({"actor": "Regime"}, ["c"]),  # accent-insensitive substring
        ({"place": ALEPPO}, ["afp-a"]),
        ({"place": "alep"}, ["afp-a"]),  # the name written in the text
        ({"place": "Aleppo"}, ["afp-a"]),
        ({"place": "Syrie"}, ["afp-a", "afp-b"]),  # a country covers its places
        ({"place": "Atlantis"}, []),
        ({"q": "frappes"}, ["afp-a"]),
        ({"q": "armee syrienne"}, ["afp-b"]),  # accents folded
        ({"q": '"rebelles à Idleb"'}, ["afp-b"]),
        ({"q": "reb*"}, ["afp-b"]),
        ({"q": "AND OR NOT"}, []),  # operators are plain words
        ({"q": "combats", "type": "battles", "bbox": (36, 35, 37, 36.5)}, ["afp-b"]),
    ],
)
def test_event_filters(store, filters, expected):
    assert ids(store.events(**filters)) == expected
    assert sorted(e["doc_id"] for e in store.iter_events(**filters)) == expected


@pytest.mark.parametrize(
    "filters",
    [
        {"bbox": (1, 2, 3)},
        {"bbox": "a,b,c,d"},
        {"bbox": (0, 50, 10, 40)},
        {"bbox": (0, 0, 200, 10)},
        {"start": "2016-13-01"},
        {"start": "yesterday"},
        {"start": "2017-01-01", "end": "2016-01-01"},
        {"q": '"'},
        {"q": "*"},
        {"limit": -1},
        {"offset": "3"},
    ],
)
def test_bad_filters_are_input_errors(store, filters):
    with pytest.raises(InputError):
        store.events(**filters)


def test_pagination(store):
    first, total = store.events(limit=2)
    second, total2 = store.events(limit=2, offset=2)
    assert total == total2 == 3 and len(first) == 2 and len(second) == 1
    assert {r["id"] for r in first}.isdisjoint(r["id"] for r in second)
    assert store.events(limit=0) == ([], 3)


@pytest.mark.parametrize("sort", [None, "date", "-fatalities", "place", "-type"])
def test_pages_of_a_box_hold_its_events_in_order_with_their_count(store, sort):
    world = (-180.0, -90.0, 180.0, 90.0)
    located = [r["id"] for r in store.events(sort=sort)[0] if r["lat"] is not None]
    assert len(located) >= 2
    for offset in range(len(located) + 2):
        rows, total = store.events(bbox=world, sort=sort, limit=1, offset=offset)
        assert total == len(located)  # past the last page too
        assert [r["id"] for r in rows] == located[offset : offset + 1]
    rows, total = store.events(bbox=world, sort=sort, limit=100)
    assert [r["id"] for r in rows] == located and total == len(located)
    assert store.events(bbox=(0.0, 0.0, 1.0, 1.0), sort=sort) == ([], 0)


@pytest.mark.parametrize("filters", [{}, {"type": "battles"}, {"bbox": (36.0, 35.0, 38.0, 37.0)}])
def test_event_groups_count_events_by_place_and_type(store, filters):
    from geo.store import Store

    groups = store.event_groups(**filters)
    key = lambda g: (g["place_id"], g["type"].lower())  # noqa: E731
    assert sorted(groups, key=key) == sorted(Store.event_groups(store, **filters), key=key)
    placed = [e for e in store.iter_events(**filters) if e["place_id"]]
    assert sum(g["count"] for g in groups) == len(placed)
    for g in groups:
        same = [e for e in placed if key(g) == (e["place_id"], e["type"].lower())]
        assert g["count"] == len(same) and (g["lat"], g["lon"]) == (same[0]["lat"], same[0]["lon"])
    with pytest.raises(InputError):
        store.event_groups(colour="red")


# -- statements, places, documents ---------------------------------------------------------------
def test_statements(store):
    rows, total = store.statements()
    assert total == 1
    s = rows[0]
    assert s["quote"] == "Nous ne céderons pas" and s["indirect"] is False
    assert (s["where_id"], s["doc_title"]) == (ANKARA, "Frappes sur Alep")
    assert store.statements(place="Alep")[1] == 1  # a place the quote names
    assert store.statements(bbox=(32, 39, 33, 40))[1] == 1  # where it was said
    assert store.statements(actor="ministre")[1] == 1
    assert store.statements(actor="")[1] == 1  # an empty filter filters nothing
    assert store.statements(q="céderons")[1] == 1
    assert store.statements(start="2016-12-01", end="2016-12-31")[1] == 1  # published date
    assert store.statements(start="2017-01-01")[1] == 0


def test_places_and_counts(store):
    rows, total = store.places()
    assert total == 5
    aleppo = next(p for p in rows if p["id"] == ALEPPO)
    assert aleppo["mentions"] == 1 and aleppo["roles"] == {
        "literal": 1,
        "metonymic": 0,
        "country": 0,
    }
    assert aleppo["documents"] == [{"id": "afp-a", "title": "Frappes sur Alep"}]
    assert {p["id"] for p in store.places(bbox=(35, 34, 38, 37))[0]} == {ALEPPO, IDLIB}
    assert {p["id"] for p in store.places(start="2020-01-01")[0]} == {IDLIB, SYRIA}
    assert {p["id"] for p in store.places(q="Damas")[0]} == {DAMASCUS}
    assert store.country_counts() == {"SY": 4, "TR": 1}
    assert store.country_counts(start="2020-01-01") == {"SY": 2}
    assert store.stats() == {
        "documents": 3,
        "mentions": 5,
        "events": 3,
        "statements": 1,
        "places": 5,
    }


def test_documents_list(store):
    rows, total = store.documents()
    assert total == 3 and [r["id"] for r in rows] == ["afp-b", "afp-a", "c"]  # newest first
    assert rows[1] == {
        "id": "afp-a", "title": "Frappes sur Alep", "source": "AFP",
        "url": "https://example.org/a", "published": "2016-12-08", "lang": "fr", "mentions": 2,
        "events": 1, "statements": 1,
    }  # fmt: skip
    assert [r["id"] for r in store.documents(q="Idleb")[0]] == ["afp-b"]
    assert [r["id"] for r in store.documents(end="2017-01-01")[0]] == ["afp-a"]


# -- the file ---------------------------------------------------------------------------------
def test_file_is_wal_and_versioned(tmp_path):
    open_store(tmp_path / "s.sqlite").close()
    con = sqlite3.connect(tmp_path / "s.sqlite")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )


def test_a_schema_1_store_gets_time_and_kind_in_its_rtree(tmp_path, gaz):
    path = tmp_path / "v1.sqlite"
    store = open_store(path)
    for x in sample_documents(gaz):
        store.add(x)
    expected = ids(
        store.events(bbox=(36.0, 35.0, 38.0, 37.0), start="2016-12-08", end="2016-12-08")
    )
    store.close()
    con = sqlite3.connect(path)  # back to schema 1: a two-dimensional R*Tree
    con.execute("DROP TABLE event_rtree")
    con.execute("DROP TABLE event_kinds")
    con.execute("DROP TABLE event_counts")
    con.execute("CREATE VIRTUAL TABLE event_rtree USING rtree (id, a, b, c, d)")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    store = open_store(path)
    assert (
        ids(store.events(bbox=(36.0, 35.0, 38.0, 37.0), start="2016-12-08", end="2016-12-08"))
        == expected
    )
    assert expected == ["afp-a"]
    from geo.store import Store

    key = lambda g: (g["place_id"], g["type"].lower())  # noqa: E731
    counted = sorted(store.event_groups(), key=key)
    assert counted and counted == sorted(Store.event_groups(store), key=key)
    store.close()
    con = sqlite3.connect(path)
    cols = [r[1] for r in con.execute("PRAGMA table_info(event_rtree)")]
    assert cols[-4:] == ["min_day", "max_day", "min_kind", "max_kind"]
    version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)
    con.close()


RAFAH = "gn:281102"  # GeoNames writes Rafaḩ
TEXT_RAFAH = "An air strike hit Rafah on Tuesday, killing four people."


def rafah_document(gaz) -> Extracted:
    rafah = gaz.get(RAFAH)
    return Extracted(
        doc=Document("en-rafah", TEXT_RAFAH, lang="en", published="2024-05-07"),
        lang="en",
        published=DateValue("2024-05-07", "day"),
        mentions=(mention(TEXT_RAFAH, "Rafah", rafah),),
        events=(
            Event(
                "Explosions/Remote violence",
                "Air/drone strike",
                TEXT_RAFAH,
                0,
                len(TEXT_RAFAH),
                place=rafah,
                place_precision="city",
            ),
        ),
        statements=(),
    )


def test_places_are_named_in_their_documents_language(store, gaz):
    store.add(rafah_document(gaz))
    [rafah] = store.events(place="Rafah")[0]  # an English document: not Rafaḩ
    assert [rafah[k] for k in ("place_name", "place_name_en", "doc_lang")] == ["Rafah"] * 2 + ["en"]
    [aleppo] = store.events(place=ALEPPO)[0]  # a French one
    names = [aleppo[k] for k in ("place_name", "place_name_fr", "place_name_en")]
    assert names == ["Alep", "Alep", "Aleppo"]
    [p] = store.places(place=ALEPPO)[0]  # no document's: every name, and as written
    assert [p[k] for k in ("name", "name_fr", "name_en", "names")] == [
        "Aleppo",
        "Alep",
        "Aleppo",
        ["Alep"],
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Alep", ALEPPO), ("ALEP", ALEPPO), ("Aleppo", ALEPPO), ("Idleb", IDLIB), ("Idlib", IDLIB),
     ("Damas", DAMASCUS), ("Damascus", DAMASCUS), ("Turkey", ANKARA), ("Turquie", ANKARA)],
)  # fmt: skip
def test_a_place_is_found_by_any_of_its_names(store, gaz, name, expected):
    text = "La Turquie a protesté."  # the country covers Ankara; CLDR's English is Türkiye
    store.add(extracted("tr", text, None, [mention(text, "Turquie", gaz.get("gn:298795"))]))
    assert expected in {p["id"] for p in store.places(place=name)[0]}


def test_a_schema_4_store_gets_the_names_readers_see(tmp_path, gaz):
    path = tmp_path / "v4.sqlite"
    store = open_store(path)
    for x in [*sample_documents(gaz), rafah_document(gaz)]:
        store.add(x)
    store.close()
    con = sqlite3.connect(path)  # back to schema 4: no English names, spellings only folded
    con.execute("DROP INDEX places_name_en")
    for table, column in (
        ("places", "name_en"),
        ("places", "name_en_fold"),
        ("place_names", "name"),
    ):
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.execute("UPDATE places SET name_fr = NULL")  # as an older gazetteer left them
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    store = open_store(path)
    [rafah] = store.events(place="Rafah")[0]
    assert rafah["place_name"] == "Rafah"  # not Rafaḩ
    [p] = store.places(place=RAFAH)[0]
    assert (p["name"], p["name_en"], p["names"]) == ("Rafaḩ", "Rafah", ["Rafah"])
    [aleppo] = store.events(place=ALEPPO)[0]
    assert aleppo["place_name"] == "Aleppo"  # no French name stored yet: the English one
    # a new document naming Aleppo brings its names from the current gazetteer
    text = "Des tirs à Alep."
    store.add(extracted("new", text, None, [mention(text, "Alep", gaz.get(ALEPPO))]))
    [aleppo] = store.events(place=ALEPPO)[0]
    assert aleppo["place_name"] == "Alep"
    store.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    con.close()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.sqlite"
    open_store(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,))
    con.commit()
    con.close()
    with pytest.raises(ConfigError, match="newer"):
        open_store(path)


@pytest.mark.parametrize("content", [b"not a database at all" * 100, None])
def test_other_files_are_refused(tmp_path, content):
    path = tmp_path / "x.sqlite"
    if content:
        path.write_bytes(content)
    else:
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    with pytest.raises(ConfigError):
        open_store(path)


def test_concurrent_adds_of_one_text_store_it_once(store_url, gaz):
    path = store_url
    open_store(path).close()
    x = sample_documents(gaz)[0]
    barrier = threading.Barrier(6)
    results = []

    def add():
        st = open_store(path)  # its own connection, as another process would have
        barrier.wait()
        results.append(st.add(x))
        st.close()

    threads = [threading.Thread(target=add) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("afp-a") == 1 and results.count(None) == 5
    assert open_store(path).stats()["documents"] == 1


def test_helpers():
    assert date_bounds("2016-12") == ("2016-12-01", "2016-12-31")
    assert date_bounds("2016-winter") == ("2016-12-01", "2017-02-28")
    assert date_bounds("2016-W49") == ("2016-12-05", "2016-12-11")
    assert date_bounds("2016") == ("2016-01-01", "2016-12-31")
    assert date_bounds("jeudi") == (None, None)
    assert fts_query('Alep "frappes russes" bomb* -') == '"Alep" AND "frappes russes" AND "bomb"*'
    assert parse_bbox("170,-10,-170,10") == (170.0, -10.0, -170.0, 10.0)  # antimeridian


# -- a crash in the middle of a write -----------------------------------------------------------
_CRASH_CHILD = """
import sys
from geo.model import DateValue, Document, Event, Place
from geo.pipeline import Extracted
from geo.store import open_store

aleppo = Place("gn:170063", "Aleppo", "city", 36.20124, 37.16117, "SY")
n = int(sys.argv[2])
x = Extracted(
    Document("big", "Un très long article. " * 10, "fr"), "fr", DateValue(None), (),
    tuple(Event("Battles", None, f"Phrase {i}.", 0, 9, place=aleppo) for i in range(n)), (),
)
store = open_store(sys.argv[1])
print("adding", flush=True)
store.add(x)
print("added", flush=True)
"""


def test_a_kill_during_add_leaves_no_partial_document(store_url):
    path = store_url
    open_store(path).close()
    n = 150_000
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    child = subprocess.Popen(
        [sys.executable, "-c", _CRASH_CHILD, str(path), str(n)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout.readline().strip() == "adding"
    time.sleep(0.3)  # well inside the write, which takes seconds
    child.send_signal(signal.SIGKILL)
    child.wait()
    store = open_store(path)  # SQLite recovers the WAL; PostgreSQL rolled the transaction back
    stats = store.stats()
    assert (stats["documents"], stats["events"]) in ((0, 0), (1, n))
    assert stats["documents"] == 0, "the child finished before the kill: raise n"
    # re-running completes
    done = subprocess.run(
        [sys.executable, "-c", _CRASH_CHILD, str(path), "10"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.stdout.split() == ["adding", "added"]
    assert store.stats()["events"] == 10
    assert store.events(place=ALEPPO)[1] == 10


# -- ACLED's fields, actors in either language, undated events ---------------------------------
def test_acled_fields_are_stored_and_filled_when_missing(store, gaz):
    text = "Des hommes armés ont tué douze civils jeudi à Tin-Barkoudou, dans la région d'Alep."
    ev = Event(
        "Violence against civilians", "Attack", text, 0, len(text),
        date=DateValue("2024-03-07", "day", "jeudi"), actors=("hommes armés", "civils"),
        fatalities=12, place=gaz.get("gn:170062"), place_precision="admin1",
        location="Tin-Barkoudou", geo_precision=2, fatalities_phrase="douze civils",
        why="lead sentence; toll stated",
    )  # fmt: skip
    store.add(extracted("acled", text, "2024-03-08", events=[ev]))
    [row] = store.events(q="Barkoudou")[0]
    assert row["location"] == "Tin-Barkoudou" and row["geo_precision"] == 2
    assert row["time_precision"] == 1  # from the day-precise date
    assert (row["actor1"], row["actor2"], row["interaction"]) == ("gunmen", "civilians", 37)
    assert (row["fatalities_phrase"], row["why"]) == ("douze civils", "lead sentence; toll stated")
    assert row["sources"] == ["acled"] and row["n_sources"] == 1 and row["merged_into"] is None
    [a] = store.events(place=ALEPPO, type="Explosions/Remote violence")[0]
    # Russia in Syria is an external force (8) against civilians (7)
    assert (a["actor1"], a["actor2"], a["interaction"]) == ("russia", "civilians", 78)
    assert a["geo_precision"] == 1 and a["location"] is None


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("Russia", ["afp-a"]),  # the event's label is "Russie"
        ("russes", ["afp-a"]),
        ("russia", ["afp-a"]),  # the registry's id
        ("civilians", ["afp-a"]),
        ("Syrian government", ["afp-b", "c"]),  # "armée syrienne", "régime syrien"
        ("rebels", ["afp-b"]),
        ("US", []),  # a whole label, not a part of "Russie"
    ],
)
def test_actor_filter_takes_either_language(store, actor, expected):
    assert ids(store.events(actor=actor)) == expected


def test_statement_speaker_filter_takes_either_language(store, gaz):
    text = "« Nous répondrons », a déclaré la Russie."
    st = Statement("Nous répondrons", 2, 17, speaker="Russie", where_said=gaz.get(DAMASCUS))
    store.add(extracted("ru", text, "2024-01-02", statements=[st]))
    assert [s["doc_id"] for s in store.statements(actor="Russia")[0]] == ["ru"]


def test_type_filter_takes_french_labels(store):
    assert ids(store.events(type="Combats")) == ["afp-b"]
    assert ids(store.events(type="Frappe aérienne ou de drone")) == ["afp-a"]


def test_an_event_without_a_date_is_in_the_date_filters_of_its_publication(store, gaz):
    text = "Un bombardement a frappé Alep."
    ev = Event("Explosions/Remote violence", None, text, 0, len(text), place=gaz.get(ALEPPO))
    store.add(extracted("undated", text, "2024-05-02", events=[ev]))
    assert "undated" in ids(store.events(start="2024-05-01", end="2024-05-03"))
    assert "undated" not in ids(store.events(start="2024-05-03"))
    [row] = [r for r in store.events(start="2024-05-01")[0] if r["doc_id"] == "undated"]
    assert row["date"] is None and row["time_precision"] is None  # unknown, not invented
    got = ids(store.events(bbox=(36.0, 35.0, 38.0, 37.0), start="2024-05-01", end="2024-05-03"))
    assert got == ["undated"]


def test_a_schema_5_store_gets_acled_fields_and_sources(tmp_path, gaz):
    path = tmp_path / "v5.sqlite"
    store = open_store(path)
    for x in sample_documents(gaz):
        store.add(x)
    store.close()
    con = sqlite3.connect(path)  # back to schema 5: none of the new columns, no sources
    con.execute("DROP TABLE event_sources")
    for column in (
        "location", "geo_precision", "time_precision", "actor1", "actor2", "interaction",
        "fatalities_phrase", "why", "report_fatalities", "n_sources", "merged_into", "why_merged",
    ):  # fmt: skip
        con.execute(f"ALTER TABLE events DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    store = open_store(path)
    [a] = store.events(place=ALEPPO)[0]
    assert (a["geo_precision"], a["time_precision"], a["actor1"], a["interaction"]) == (
        1, 1, "russia", 78,
    )  # fmt: skip
    assert a["sources"] == ["afp-a"] and a["fatalities"] == 30
    assert ids(store.events(actor="Russia")) == ["afp-a"]
    [b] = store.events(place=IDLIB)[0]
    assert b["time_precision"] == 3  # a month
    store.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    con.close()


# -- one incident, one event --------------------------------------------------------------------
SOCHI, ALEPPO_PROVINCE = "gn:491422", "gn:170062"


def report(gaz, doc_id, text, place_id, day, type_="Diplomacy", subtype="Meeting/talks",
           actors=("Russie", "Turquie"), fatalities=None, precision="city", source=None,
           **fields):  # fmt: skip
    ev = Event(
        type_, subtype, text, 0, len(text), date=DateValue(day, "day", "mardi"), actors=actors,
        fatalities=fatalities, place=gaz.get(place_id), place_precision=precision,
        confidence=0.8, **fields,
    )  # fmt: skip
    return extracted(doc_id, text, day, events=[ev], source=source)


def test_two_reports_of_one_meeting_are_one_event_with_two_sources(store_url, gaz):
    st = open_store(store_url)
    st.add(report(gaz, "afp", "Poutine et Erdogan se sont rencontrés mardi à Sotchi.", SOCHI,
                  "2024-09-03", source="AFP"))  # fmt: skip
    en = "Putin met Erdogan in Sochi on Tuesday."
    st.add(report(gaz, "reuters", en, SOCHI, "2024-09-03", actors=("Russia", "Turkey"),
                  source="Reuters"))  # fmt: skip
    rows, total = st.events()
    assert total == 1 and st.stats()["events"] == 1
    [ev] = rows
    assert ev["sources"] == ["afp", "reuters"] and ev["n_sources"] == 2
    assert "2 reports of one incident" in ev["why_merged"]
    srcs = st.sources(ev["id"])
    assert [s["doc_id"] for s in srcs] == ["afp", "reuters"]
    assert "same family (diplomacy)" in srcs[1]["why_merged"]
    assert "shared actor russia, turkey" in srcs[1]["why_merged"]
    # each document still shows its own report, the second one saying where it went
    [rep] = st.document("reuters")["events"]
    assert rep["merged_into"] == ev["id"] and rep["why_merged"].startswith("same family")
    # the map counts one event; the export writes one
    assert sum(g["count"] for g in st.event_groups()) == 1
    assert len(list(st.iter_events())) == 1
    # a word of the second report finds the event
    assert [r["id"] for r in st.events(q="Tuesday")[0]] == [ev["id"]]
    st.close()


def test_reports_placed_only_at_a_country_stay_two_events(store_url, gaz):
    st = open_store(store_url)
    kw = {"type_": "Explosions/Remote violence", "subtype": "Air/drone strike",
          "actors": ("Russie",), "precision": "country"}  # fmt: skip
    st.add(report(gaz, "a", "Des frappes russes en Syrie mardi.", SYRIA, "2024-09-03", **kw))
    st.add(report(gaz, "b", "Russian strikes in Syria on Tuesday.", SYRIA, "2024-09-03", **kw))
    assert st.events()[1] == 2
    st.close()


def test_reports_of_different_days_stay_two_events(store_url, gaz):
    st = open_store(store_url)
    st.add(report(gaz, "a", "Rencontre à Sotchi mardi.", SOCHI, "2024-09-03"))
    st.add(report(gaz, "b", "Nouvelle rencontre à Sotchi vendredi.", SOCHI, "2024-09-06"))
    assert st.events()[1] == 2
    st.close()


@pytest.mark.parametrize(
    ("second", "merged"),
    [
        ({"day": "2024-09-04"}, True),  # the next day: within a day
        ({"type_": "Protests", "subtype": None}, False),  # another family
        ({"subtype": "Phone call"}, False),  # diplomacy: another act
        ({"actors": ("Iran",)}, False),  # no actor in common
        ({"actors": ()}, True),  # no actor named: no contradiction
        ({"place_id": ALEPPO}, False),  # far away
        # two villages the gazetteer lacks, both drawn at one province: two incidents
        ({"location": "Anzourou", "geo_precision": 3}, False),
        ({"location": "tin barkoudou", "geo_precision": 3}, True),  # one village, spelt alike
    ],
)
def test_what_makes_two_reports_one_incident(store_url, gaz, second, merged):
    st = open_store(store_url)
    first = {}
    if "location" in second:  # both drawn at the province that holds the village named
        first = {"location": "Tin-Barkoudou", "geo_precision": 3}
    st.add(report(gaz, "a", "Rencontre à Sotchi mardi.", SOCHI, "2024-09-03", **first))
    args = {"place_id": SOCHI, "day": "2024-09-03", **second}
    st.add(report(gaz, "b", "Un autre récit.", args.pop("place_id"), args.pop("day"), **args))
    assert st.events()[1] == (1 if merged else 2)
    st.close()


def test_a_city_report_merges_into_its_province_report_with_the_best_supported_toll(store_url, gaz):
    st = open_store(store_url)
    kw = {"type_": "Explosions/Remote violence", "subtype": "Air/drone strike",
          "actors": ("Russie",)}  # fmt: skip
    st.add(report(gaz, "a", "Raid dans la province d'Alep.", ALEPPO_PROVINCE, "2016-12-08",
                  fatalities=15, precision="admin1", **kw))  # fmt: skip
    st.add(report(gaz, "b", "Raid sur Alep: 12 morts.", ALEPPO, "2016-12-08", fatalities=12, **kw))
    st.add(report(gaz, "c", "Air strike on Aleppo kills 12.", ALEPPO, "2016-12-09", fatalities=12,
                  **{**kw, "actors": ("Russia",)}))  # fmt: skip
    [ev], total = st.events()
    assert total == 1 and ev["n_sources"] == 3 and ev["fatalities"] == 12
    assert "toll: 12 killed in 2 of 3 reports" in ev["why_merged"]
    why_b = st.sources(ev["id"])[1]["why_merged"]
    assert "province (SY.09)" in why_b
    # undo: the merged event gives back its reports, each with its own toll
    assert st.unmerge(ev["id"]) == [ev["id"], ev["id"] + 1, ev["id"] + 2]
    rows, total = st.events()
    assert total == 3 and [r["fatalities"] for r in rows] == [15, 12, 12]
    assert all(r["n_sources"] == 1 and r["why_merged"] is None for r in rows)
    assert sum(g["count"] for g in st.event_groups()) == 3
    assert len(st.events(bbox=(36.0, 35.0, 38.0, 37.0))[0]) == 3
    with pytest.raises(InputError, match="not merged"):
        st.unmerge(ev["id"])
    with pytest.raises(NotFoundError):
        st.unmerge(9999)
    # and by hand again
    st.merge(ev["id"] + 2, into=ev["id"] + 1)
    assert st.events()[1] == 2
    assert st.sources(ev["id"] + 1)[1]["why_merged"] == "merged by hand"
    st.unmerge(ev["id"] + 2)  # one report detached
    assert st.events()[1] == 3
    st.close()


def _run_sql(url: str, *statements: str) -> None:
    """Statements run on a store's database, either backend, outside the store."""
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as con:
            for statement in statements:
                con.execute(statement)
        return
    con = sqlite3.connect(url)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


def test_a_schema_7_store_finds_a_province_report_s_cities_by_place_and_date(store_url, gaz):
    kw = {"type_": "Explosions/Remote violence", "subtype": "Air/drone strike",
          "actors": ("Russie",)}  # fmt: skip
    st = open_store(store_url)
    st.add(report(gaz, "b", "Raid sur Alep: 12 morts.", ALEPPO, "2016-12-08", fatalities=12, **kw))
    st.close()
    # the store as schema 7 left it: events indexed by place alone
    _run_sql(
        store_url,
        "DROP INDEX events_place_date",
        "CREATE INDEX events_place ON events (place_pk)",
        "UPDATE meta SET value = '7' WHERE key = 'schema_version'",
    )
    st = open_store(store_url)  # migrated on opening
    # a later report at the province finds the city's report of the day before it
    st.add(report(gaz, "a", "Raid dans la province d'Alep.", ALEPPO_PROVINCE, "2016-12-09",
                  fatalities=15, precision="admin1", **kw))  # fmt: skip
    [ev], total = st.events()
    assert total == 1 and ev["n_sources"] == 2
    assert "province (SY.09)" in st.sources(ev["id"])[1]["why_merged"]
    # a report at the province in another week stays an event of its own
    st.add(report(gaz, "c", "Nouveau raid dans la province d'Alep.", ALEPPO_PROVINCE,
                  "2016-12-20", precision="admin1", **kw))  # fmt: skip
    assert st.events()[1] == 2
    st.close()
    with pytest.raises(Exception, match="events_place"):  # the old index is gone
        _run_sql(store_url, "DROP INDEX events_place")


def test_cli_lists_sources_and_unmerges(store_url, gaz):
    from click.testing import CliRunner

    from geo.cli import main

    db = store_url
    st = open_store(db)
    st.add(report(gaz, "a", "Rencontre à Sotchi mardi.", SOCHI, "2024-09-03"))
    st.add(report(gaz, "b", "Meeting in Sochi on Tuesday.", SOCHI, "2024-09-03"))
    [ev] = st.events()[0]
    st.close()
    runner = CliRunner()
    out = runner.invoke(main, ["events", "sources", str(ev["id"]), "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert "\ta\t2024-09-03" in out.output and "same family (diplomacy)" in out.output
    out = runner.invoke(main, ["events", "unmerge", str(ev["id"]), "--db", str(db)])
    assert out.exit_code == 0 and "are events of their own" in out.output
    out = runner.invoke(main, ["events", "unmerge", str(ev["id"]), "--db", str(db)])
    assert out.exit_code != 0 and "not merged" in out.output
    out = runner.invoke(main, ["events", "merge", str(ev["id"] + 1), "--into", str(ev["id"]),
                               "--db", str(db)])  # fmt: skip
    assert out.exit_code == 0, out.output
    with open_store(db) as st:
        assert st.events()[1] == 1


# -- re-extraction (ingest --force) ---------------------------------------------------------------
def test_replace_writes_a_new_extraction_in_place_of_the_stored_one(store, gaz):
    from dataclasses import replace

    from geo.store import Store

    old = sample_documents(gaz)[0]
    damascus = gaz.get(DAMASCUS)
    start = TEXT_A.index("«")
    new_sentence = TEXT_A[start:]
    new = replace(
        old,
        doc=replace(old.doc, id="renamed"),
        mentions=(mention(TEXT_A, "Ankara", gaz.get(ANKARA)),),
        events=(
            Event(
                "Battles",
                "Armed clash",
                new_sentence,
                start,
                len(TEXT_A),
                place=damascus,
                date=DateValue("2016-12-07", "day"),
                actors=("rebelles",),
            ),
        ),  # fmt: skip
        statements=(),
    )
    assert store.replace(new) == "afp-a"  # the stored document keeps its id
    assert store.stats() == {
        "documents": 3, "mentions": 4, "events": 3, "statements": 0, "places": 4,
    }  # fmt: skip
    [ev] = store.document("afp-a")["events"]
    assert (ev["type"], ev["place_id"], ev["date"]) == ("Battles", DAMASCUS, "2016-12-07")
    assert ids(store.events(type="Air/drone strike")) == []
    assert ids(store.events(q="OSDH")) == [] and ids(store.events(q="céderons")) == ["afp-a"]
    assert "afp-a" in ids(store.events(place=DAMASCUS))
    assert ALEPPO not in {p["id"] for p in store.places()[0]}  # its only mention is gone
    key = lambda g: (g["place_id"], g["type"].lower())  # noqa: E731
    assert sorted(store.event_groups(), key=key) == sorted(Store.event_groups(store), key=key)
    assert store.statements()[1] == 0
    # a text not stored yet is added
    assert store.replace(extracted("fresh", "Un texte neuf.", None)) == "fresh"


def test_replacing_a_merged_report_gives_each_document_its_own_events_back(store_url, gaz):
    st = open_store(store_url)
    afp = report(gaz, "afp", "Poutine et Erdogan se sont rencontrés mardi à Sotchi.", SOCHI,
                 "2024-09-03")  # fmt: skip
    reuters = report(gaz, "reuters", "Putin met Erdogan in Sochi on Tuesday.", SOCHI,
                     "2024-09-03", actors=("Russia", "Turkey"))  # fmt: skip
    st.add(afp)
    st.add(reuters)
    [merged] = st.events()[0]
    assert merged["n_sources"] == 2
    # the event others were merged into is re-extracted away: the report is its own again
    st.replace(extracted("afp", afp.doc.text, "2024-09-03"))
    [ev], total = st.events()
    assert total == 1 and ev["doc_id"] == "reuters" and ev["n_sources"] == 1
    assert [s["doc_id"] for s in st.sources(ev["id"])] == ["reuters"]
    assert sum(g["count"] for g in st.event_groups()) == 1
    # and back: the merged report re-extracted away leaves the event with one source
    st.replace(afp)
    assert st.events()[1] == 1 and st.events()[0][0]["n_sources"] == 2
    st.replace(extracted("reuters", reuters.doc.text, "2024-09-03"))
    [ev] = st.events()[0]
    assert ev["doc_id"] == "afp" and ev["n_sources"] == 1 and ev["why_merged"] is None
    st.close()

"""Corrections in the store itself, on both backends (SQLite, PostGIS): merged incidents, and
the counts the store keeps (events by place and type, the spatial index, the places' and the
documents' counts) equal to a recount after each correction."""

from __future__ import annotations

import sqlite3

import pytest

from geo.corrections import check_changes
from geo.errors import InputError, NotFoundError
from geo.model import DateValue, Event, Statement
from geo.store import open_store
from tests.test_store import extracted, mention

SOCHI, ANKARA, DAMASCUS = "gn:491422", "gn:323786", "gn:170654"
DAY = "2024-09-03"


def meeting(gaz, doc_id: str, text: str, name: str, fatalities=None):
    """A document telling of a meeting at Sochi, its place named ``name`` in the text."""
    ev = Event(
        "Diplomacy", "Meeting/talks", text, 0, len(text), date=DateValue(DAY, "day", "mardi"),
        actors=("Russie", "Turquie"), fatalities=fatalities, place=gaz.get(SOCHI),
        place_precision="city", confidence=0.8, location=name,
    )  # fmt: skip
    return extracted(doc_id, text, DAY, mentions=[mention(text, name, gaz.get(SOCHI))],
                     events=[ev])  # fmt: skip


@pytest.fixture()
def merged(store_url, gaz):
    """Two reports of one meeting, merged into one event with two sources."""
    st = open_store(store_url)
    st.add(
        meeting(gaz, "afp", "Poutine et Erdogan se sont rencontrés mardi à Sotchi.", "Sotchi", 2)
    )
    st.add(meeting(gaz, "reuters", "Putin met Erdogan in Sochi on Tuesday.", "Sochi", 2))
    [ev] = st.events()[0]
    assert ev["sources"] == ["afp", "reuters"]
    yield st
    st.close()


def _connect(st):
    if hasattr(st, "path"):
        return sqlite3.connect(st.path), "SELECT id FROM event_rtree"
    import psycopg

    return psycopg.connect(st.url), "SELECT id FROM events WHERE geom IS NOT NULL"


def consistent(st) -> None:
    """What the store keeps equals a recount from the rows."""
    con, indexed = _connect(st)
    try:
        kept = {
            (pk, t.casefold()): n
            for pk, t, n in con.execute("SELECT place_pk, type, n FROM event_counts").fetchall()
        }
        recount = {
            (pk, t.casefold()): n
            for pk, t, n in con.execute(
                "SELECT place_pk, min(type), count(*) FROM events WHERE merged_into IS NULL "
                "AND place_pk IS NOT NULL GROUP BY place_pk, lower(type)"
            ).fetchall()
        }
        assert kept == recount
        visible = con.execute(
            "SELECT id FROM events WHERE merged_into IS NULL AND place_pk IS NOT NULL"
        ).fetchall()
        assert sorted(r[0] for r in con.execute(indexed).fetchall()) == sorted(
            r[0] for r in visible
        )
        if not hasattr(st, "path"):  # PostGIS: an event's kind and days, as its GiST index
            assert con.execute(
                "SELECT count(*) FROM events e JOIN event_kinds k ON k.code = e.kind WHERE "
                "k.type_key != lower(e.type) OR k.subtype_key != lower(coalesce(e.subtype, '')) "
                "OR e.days != daterange(e.date_min::date, e.date_max::date, '[]')"
            ).fetchone() == (0,)
        for n, counted in con.execute(
            "SELECT p.n_mentions, (SELECT count(*) FROM mentions m WHERE m.place_pk = p.pk) "
            "FROM places p"
        ).fetchall():
            assert n == counted
        for n, counted in con.execute(
            "SELECT n_mentions, (SELECT count(*) FROM mentions m WHERE m.doc_pk = d.pk) FROM "
            "documents d UNION ALL SELECT n_events, (SELECT count(*) FROM events e WHERE "
            "e.doc_pk = d.pk) FROM documents d"
        ).fetchall():
            assert n == counted
    finally:
        con.close()


def first_mention(st, doc_id: str) -> dict:
    return st.document(doc_id)["mentions"][0]


def test_a_merged_report_re_pointed_becomes_an_event_of_its_own(merged, gaz):
    m = first_mention(merged, "reuters")
    place = check_changes("mention", {"place": ANKARA}, gaz.get)
    merged.correct_mention(m["id"], place, reviewer="ana")
    rows, total = merged.events()
    assert total == 2
    by_doc = {r["doc_id"]: r for r in rows}
    assert by_doc["afp"]["place_id"] == SOCHI and by_doc["afp"]["sources"] == ["afp"]
    assert by_doc["afp"]["n_sources"] == 1 and by_doc["afp"]["why_merged"] is None
    assert by_doc["reuters"]["place_id"] == ANKARA and by_doc["reuters"]["merged_into"] is None
    consistent(merged)


def test_the_event_others_merged_into_gives_them_back_when_it_moves(merged, gaz):
    m = first_mention(merged, "afp")
    merged.correct_mention(m["id"], check_changes("mention", {"place": ANKARA}, gaz.get),
                           reviewer="ana")  # fmt: skip
    by_doc = {r["doc_id"]: r for r in merged.events()[0]}
    assert by_doc["afp"]["place_id"] == ANKARA and by_doc["reuters"]["place_id"] == SOCHI
    assert by_doc["reuters"]["sources"] == ["reuters"]
    consistent(merged)


def test_a_report_s_toll_corrected_gives_the_incident_its_toll_again(merged):
    [ev] = merged.events()[0]
    report = merged.document("reuters")["events"][0]
    merged.correct_event(report["id"], {"fatalities": 9}, reviewer="ana")
    merged.correct_event(ev["id"], {"fatalities": 9}, reviewer="ana")
    [again] = merged.events()[0]
    assert again["n_sources"] == 2 and again["fatalities"] == 9
    consistent(merged)


def test_a_type_corrected_detaches_and_counts_under_the_new_type(merged):
    report = merged.document("reuters")["events"][0]
    merged.correct_event(report["id"], check_changes("event", {"type": "Protests"}),
                         reviewer="ana")  # fmt: skip
    assert merged.events(type="Protests")[1] == 1 and merged.events(type="Diplomacy")[1] == 1
    consistent(merged)


def test_corrected_actors_and_speakers_are_searched(merged, gaz):
    [ev] = merged.events()[0]
    merged.correct_event(ev["id"], check_changes("event", {"actors": ["Hezbollah"]}),
                         reviewer="ana")  # fmt: skip
    assert [e["id"] for e in merged.events(q="Hezbollah")[0]] == [ev["id"]]
    assert merged.events(q="Hezbollah", actor="Hezbollah")[1] == 1
    assert merged.events(actor="Turquie")[1] == 0
    st = merged.add(extracted("quote", "« Nous partons », a dit un porte-parole.", DAY,
                              statements=[Statement("Nous partons", 2, 14, speaker="un porte-parole")]))  # fmt: skip
    [s] = merged.document(st)["statements"]
    merged.correct_statement(s["id"], check_changes("statement", {"speaker": "Dmitri Peskov"}),
                             reviewer="ana")  # fmt: skip
    assert [x["id"] for x in merged.statements(actor="Peskov")[0]] == [s["id"]]
    assert merged.statements(q="Peskov")[1] == 1
    consistent(merged)


def test_a_deleted_event_leaves_every_count(merged):
    [ev] = merged.events()[0]
    merged.correct_event(ev["id"], {"deleted": True}, reviewer="ana")
    [left] = merged.events()[0]
    assert left["doc_id"] == "reuters" and left["sources"] == ["reuters"]
    consistent(merged)
    with pytest.raises(NotFoundError):
        merged.correct_event(ev["id"], {"fatalities": 1}, reviewer="ana")
    assert merged.corrections()[1] == 1  # the failed one left no row


def test_a_mention_added_then_re_applied_after_a_new_extraction(merged, gaz):
    text = merged.document("afp")["text"]
    start = text.index("Erdogan")
    change = check_changes("new_mention", {"start": start, "end": start + 7, "place": ANKARA},
                           gaz.get)  # fmt: skip
    merged.add_mention("afp", change, reviewer="ana")
    assert [m["text"] for m in merged.document("afp")["mentions"]] == ["Erdogan", "Sotchi"]
    consistent(merged)
    # the same extraction again (ingest --force): the reviewer's mention is still there
    merged.replace(meeting(gaz, "afp", text, "Sotchi", 2))
    got = {m["text"]: m["place_id"] for m in merged.document("afp")["mentions"]}
    assert got == {"Erdogan": ANKARA, "Sotchi": SOCHI}
    consistent(merged)
    with pytest.raises(InputError, match="already there"):
        merged.add_mention("afp", change, reviewer="ana")


def test_corrections_stick_through_a_re_extraction_or_are_marked_stale(merged, gaz):
    text = merged.document("afp")["text"]
    m = first_mention(merged, "afp")
    merged.correct_mention(m["id"], check_changes("mention", {"place": ANKARA}, gaz.get),
                           reviewer="ana")  # fmt: skip
    merged.replace(meeting(gaz, "afp", text, "Sotchi", 2))  # ingest --force: the same text
    assert first_mention(merged, "afp")["place_id"] == ANKARA
    assert merged.unapplied_corrections("afp") == []
    # the same normalised text with one more space: the name moved by one character
    moved = text.replace(" à Sotchi", " à  Sotchi")
    merged.replace(meeting(gaz, "afp", moved, "Sotchi", 2))
    assert first_mention(merged, "afp")["place_id"] == SOCHI
    [stale] = merged.unapplied_corrections("afp")
    assert stale["status"] == "stale" and "'Sotchi'" in stale["status_detail"]
    assert merged.corrections(status="stale")[1] == 1
    consistent(merged)


def test_shared_corrections_are_imported_once(merged, gaz, tmp_path):
    import io

    from geo.corrections import read_jsonl, write_jsonl

    source = open_store(tmp_path / "desk-a.sqlite")
    text = "Poutine et Erdogan se sont rencontrés mardi à Sotchi."
    source.add(meeting(gaz, "afp", text, "Sotchi", 2))
    m = first_mention(source, "afp")
    source.correct_mention(m["id"], check_changes("mention", {"place": ANKARA}, gaz.get),
                           reviewer="ana", note="<b>desk A</b>")  # fmt: skip
    source.add_mention("afp", check_changes("new_mention", {"start": 0, "end": 7,
                                                            "place": ANKARA}, gaz.get),
                       reviewer="ana")  # fmt: skip
    shared = io.StringIO()
    assert write_jsonl(source.iter_corrections(), shared) == 2
    source.close()
    records = list(read_jsonl(io.BytesIO(shared.getvalue().encode())))
    counts = merged.import_corrections(records)
    assert counts == {"added": 2, "present": 0, "applied": 2, "stale": 0, "pending": 0}
    assert {m["text"]: m["place_id"] for m in merged.document("afp")["mentions"]} == {
        "Poutine": ANKARA, "Sotchi": ANKARA,
    }  # fmt: skip
    trail = merged.corrections()
    assert merged.import_corrections(records)["present"] == 2
    assert merged.corrections() == trail
    assert trail[0][0]["note"] == "<b>desk A</b>"
    consistent(merged)


def test_an_older_shared_correction_does_not_undo_a_later_one(merged, gaz):
    from geo.corrections import check_shared, place_dict

    m = first_mention(merged, "afp")
    merged.correct_mention(m["id"], check_changes("mention", {"place": ANKARA}, gaz.get),
                           reviewer="here")  # fmt: skip
    older = check_shared({
        "kind": "mention", "document": "afp",
        "target": {"start": m["start"], "end": m["end"], "text": m["text"]},
        "before": {}, "after": {"place": place_dict(gaz.get(DAMASCUS))}, "reviewer": "there",
        "created_at": "2000-01-01T00:00:00+00:00",
    })  # fmt: skip
    assert merged.import_corrections([older])["applied"] == 1
    assert first_mention(merged, "afp")["place_id"] == ANKARA
    [row] = merged.corrections(reviewer="there")[0]
    assert row["status_detail"] == "superseded by a later correction of the same target"
    text = merged.document("afp")["text"]
    merged.replace(meeting(gaz, "afp", text, "Sotchi", 2))  # in the order made: the later wins
    assert first_mention(merged, "afp")["place_id"] == ANKARA
    consistent(merged)

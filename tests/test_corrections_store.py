"""Corrections in the SQLite store itself: merged incidents, and the counts the store keeps
(events by place and type, the R*Tree, the places' mentions) equal to a recount after each
correction."""

from __future__ import annotations

import sqlite3

import pytest

from geo.corrections import check_changes
from geo.errors import InputError, NotFoundError
from geo.model import DateValue, Event
from geo.store import open_store
from tests.test_store import extracted, mention

SOCHI, ANKARA = "gn:491422", "gn:323786"
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
def merged(tmp_path, gaz):
    """Two reports of one meeting, merged into one event with two sources."""
    st = open_store(tmp_path / "s.sqlite")
    st.add(
        meeting(gaz, "afp", "Poutine et Erdogan se sont rencontrés mardi à Sotchi.", "Sotchi", 2)
    )
    st.add(meeting(gaz, "reuters", "Putin met Erdogan in Sochi on Tuesday.", "Sochi", 2))
    [ev] = st.events()[0]
    assert ev["sources"] == ["afp", "reuters"]
    yield st
    st.close()


def consistent(st) -> None:
    """What the store keeps equals a recount from the rows."""
    con = sqlite3.connect(st.path)
    kept = dict(
        ((pk, t.casefold()), n)
        for pk, t, n in con.execute("SELECT place_pk, type, n FROM event_counts")
    )
    recount = dict(
        ((pk, t.casefold()), n)
        for pk, t, n in con.execute(
            "SELECT place_pk, type, count(*) FROM events WHERE merged_into IS NULL "
            "AND place_pk IS NOT NULL GROUP BY place_pk, type"
        )
    )
    assert kept == recount
    assert sorted(r[0] for r in con.execute("SELECT id FROM event_rtree")) == sorted(
        r[0]
        for r in con.execute(
            "SELECT id FROM events WHERE merged_into IS NULL AND place_pk IS NOT NULL"
        )
    )
    for n, counted in con.execute(
        "SELECT p.n_mentions, (SELECT count(*) FROM mentions m WHERE m.place_pk = p.pk) "
        "FROM places p"
    ):
        assert n == counted
    for n, counted in con.execute(
        "SELECT n_mentions, (SELECT count(*) FROM mentions m WHERE m.doc_pk = d.pk) FROM "
        "documents d UNION ALL SELECT n_events, (SELECT count(*) FROM events e WHERE "
        "e.doc_pk = d.pk) FROM documents d"
    ):
        assert n == counted
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

"""Reviewers' corrections end to end: the seeds ingested by the real pipeline into a real SQLite
store, the real Flask app with a token, the real gazetteer. A mention re-pointed moves its
events on the map, the exports and the counts, stays through ``ingest --force``, is reported
when its text no longer matches, and travels to another store as JSON Lines."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.ingest import ingest
from geo.store import open_store
from tests.web_fixtures import HOSTILE, HOSTILE_IMG
from web import create_app

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_002 = SEEDS / "002_ef8bd75f117b8bae.txt"
DOC = "002_ef8bd75f117b8bae"
TOKEN = "review-s3cret-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RAQQA = "gn:172957"  # where the pipeline puts "Raqa" (the governorate)
HOMS = "gn:169577"


@pytest.fixture(autouse=True)
def _gazetteer(gazetteer_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", gazetteer_path)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, gazetteer_path) -> Path:
    """The five seeds as the pipeline stores them, once per module."""
    import os

    os.environ.setdefault("CONFLICTMAP_GAZETTEER", gazetteer_path)
    path = tmp_path_factory.mktemp("seeds") / "pristine.sqlite"
    with open_store(path) as st:
        report = ingest([SEEDS], st, workers=1, progress=False)
    assert report.ingested == 5, report.failed
    return path


@pytest.fixture()
def db(pristine, tmp_path) -> Path:
    path = tmp_path / "store.sqlite"
    shutil.copy(pristine, path)
    return path


@pytest.fixture()
def client(db, gazetteer_path):
    app = create_app(
        {"DB": str(db), "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN, "TESTING": True}
    )
    yield app.test_client()
    app.extensions["conflictmap"].close()


def mention(client, text: str, doc: str = DOC) -> dict:
    body = client.get(f"/api/documents/{doc}").get_json()
    return next(m for m in body["mentions"] if m["text"] == text)


def raqqa_event(client) -> dict:
    body = client.get(f"/api/documents/{DOC}").get_json()
    return next(e for e in body["events"] if e["location"] == "Raqa")


def located(st) -> int:
    """The events with a place, counted one by one (the map's kept counts must agree)."""
    return sum(1 for e in st.iter_events() if e["lat"] is not None)


def patch(client, url: str, body: dict, headers=AUTH):
    return client.patch(url, json=body, headers=headers)


# -- 1. identifiers -----------------------------------------------------------------------------
def test_every_mention_event_and_statement_of_a_document_has_an_id(client):
    body = client.get(f"/api/documents/{DOC}").get_json()
    for key in ("mentions", "events", "statements"):
        ids = [row["id"] for row in body[key]]
        assert ids and all(isinstance(i, int) for i in ids), key
        assert len(set(ids)) == len(ids), key
    m = mention(client, "Raqa")
    assert {"id", "start", "end", "text", "role", "place_id"} <= set(m)
    assert body["text"][m["start"] : m["end"]] == "Raqa"


# -- 2. the corrections API ---------------------------------------------------------------------
def test_a_write_needs_the_token_and_says_so(client):
    m = mention(client, "Raqa")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        resp = patch(client, f"/api/mentions/{m['id']}", {"place": HOMS, "reviewer": "a"}, headers)
        assert resp.status_code == 401
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
        assert "error" in resp.get_json()
    assert mention(client, "Raqa")["place_id"] == RAQQA  # nothing changed
    ev = raqqa_event(client)
    for method, url, body in (
        ("patch", f"/api/events/{ev['id']}", {"deleted": True, "reviewer": "a"}),
        ("patch", "/api/statements/1", {"speaker": "x", "reviewer": "a"}),
        ("post", f"/api/documents/{DOC}/mentions", {"start": 0, "end": 4, "place": HOMS}),
        ("patch", "/api/mentions/not-a-number", {}),  # 401 first, whatever the request
    ):
        resp = getattr(client, method)(url, json=body)
        assert resp.status_code == 401 and "WWW-Authenticate" in resp.headers, url
    assert raqqa_event(client)["id"] == ev["id"]
    assert client.get("/api/corrections").get_json()["numberMatched"] == 0


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"place": HOMS}, "reviewer"),
        ({"place": "gn:999999999", "reviewer": "a"}, "no place"),
        ({"reviewer": "a"}, "nothing to correct"),
        ({"colour": "red", "reviewer": "a"}, "cannot correct"),
        ({"role": "capital", "reviewer": "a"}, "role must be"),
        ({"place": HOMS, "reviewer": "a\u202eb"}, "invisible"),
        ({"place": HOMS, "reviewer": "x" * 101}, "longer than"),
    ],
)
def test_bad_input_is_a_json_400_and_changes_nothing(client, body, words):
    m = mention(client, "Raqa")
    resp = patch(client, f"/api/mentions/{m['id']}", body)
    assert resp.status_code == 400, resp.data
    assert words in resp.get_json()["error"]
    assert mention(client, "Raqa")["place_id"] == RAQQA


def test_an_event_corrected_to_a_day_the_calendar_has_not_is_a_400(client):
    ev = raqqa_event(client)
    for day in ("0000", "0000-01", "9999-winter", "2016-02-30"):
        resp = patch(client, f"/api/events/{ev['id']}", {"date": day, "reviewer": "a"})
        assert resp.status_code == 400 and "date must be" in resp.get_json()["error"], day
    assert raqqa_event(client)["date"] == ev["date"]


def test_the_openapi_document_asks_what_the_check_asks(client):
    """The reviewer is required in the body (there is no other way to give it); a deletion is
    asked alone; a text is not blank and has no control characters; a place has an id's form."""
    doc = client.get("/openapi.json").get_json()["paths"]
    body = doc["/api/events/{id}"]["patch"]["requestBody"]["content"]["application/json"]
    fields, deleting = body["schema"]["oneOf"]
    assert "reviewer" in fields["required"] and "deleted" not in fields["properties"]
    assert deleting["required"] == ["deleted", "reviewer"]
    assert set(deleting["properties"]) == {"deleted", "reviewer", "note"}
    assert not any(p["in"] == "header" for p in doc["/api/events/{id}"]["patch"]["parameters"])
    reviewer = re.compile(fields["properties"]["reviewer"]["pattern"])
    assert reviewer.match("Leïla <b>K</b>") and not reviewer.match("  ")
    assert not reviewer.match("a\u202eb") and not reviewer.match("a\nb")
    place = fields["properties"]["place"]
    assert re.match(place["pattern"], HOMS) and not re.match(place["pattern"], "Homs")
    m = mention(client, "Raqa")  # the header that once named a reviewer is not read
    resp = client.patch(f"/api/mentions/{m['id']}", json={"place": HOMS},
                        headers={**AUTH, "X-Reviewer": "bob"})  # fmt: skip
    assert resp.status_code == 400 and "reviewer" in resp.get_json()["error"]


def test_not_json_and_unknown_ids(client):
    m = mention(client, "Raqa")
    resp = client.patch(f"/api/mentions/{m['id']}", data="place=x", headers=AUTH)
    assert resp.status_code == 400 and "JSON" in resp.get_json()["error"]
    body = {"place": HOMS, "reviewer": "a"}
    assert patch(client, "/api/mentions/99999999", body).status_code == 404
    assert patch(client, "/api/mentions/abc", body).status_code == 400
    assert (
        patch(client, "/api/events/99999999", {"deleted": True, "reviewer": "a"}).status_code == 404
    )


def test_a_mention_re_pointed_moves_its_events_everywhere_at_once(client, db):
    m = mention(client, "Raqa")
    ev = raqqa_event(client)
    assert ev["place_id"] == RAQQA
    before = client.get("/api/events?limit=1000").get_json()["numberMatched"]
    resp = patch(
        client,
        f"/api/mentions/{m['id']}",
        {"place": HOMS, "reviewer": "Leïla", "note": "the raids hit Homs, per the desk"},
    )
    assert resp.status_code == 200, resp.data
    row = resp.get_json()["correction"]
    assert row["before"]["place"]["id"] == RAQQA and row["after"]["place"]["id"] == HOMS
    assert (row["reviewer"], row["kind"], row["status"]) == ("Leïla", "mention", "applied")
    assert row["target"] == {"start": m["start"], "end": m["end"], "text": "Raqa"}
    # the document, its event
    assert mention(client, "Raqa")["place_id"] == HOMS
    moved = raqqa_event(client)
    assert moved["id"] == ev["id"] and moved["place_id"] == HOMS
    assert abs(moved["lat"] - 34.72) < 0.05 and abs(moved["lon"] - 36.73) < 0.05
    # the API's list and filters, the map's counts, the export
    feats = client.get("/api/events?place=Homs").get_json()["features"]
    assert [f["id"] for f in feats] == [ev["id"]]
    assert client.get(f"/api/events?place={RAQQA}").get_json()["numberMatched"] == 0
    assert client.get("/api/events?limit=1000").get_json()["numberMatched"] == before
    bbox = client.get("/api/events?bbox=36.5,34.5,37,35").get_json()
    assert [f["id"] for f in bbox["features"]] == [ev["id"]]
    geojson = json.loads(client.get("/export/events.geojson").data)
    [f] = [f for f in geojson["features"] if f["id"] == ev["id"]]
    assert f["properties"]["place_id"] == HOMS
    assert abs(f["geometry"]["coordinates"][1] - 34.72) < 0.05
    with open_store(db) as st:
        groups = {(g["place_id"], g["type"]): g["count"] for g in st.event_groups()}
        assert groups.get((HOMS, ev["type"])) == 1 and (RAQQA, ev["type"]) not in groups
        assert sum(groups.values()) == located(st)
        places = {p["id"]: p for p in st.places(limit=500)[0]}
        assert places[HOMS]["mentions"] == 1 and "Raqa" in places[HOMS]["names"]
        assert RAQQA not in places  # its only mention left it
    # the trail, without the token
    trail = client.get("/api/corrections")
    assert trail.status_code == 200 and trail.get_json()["numberMatched"] == 1
    assert TOKEN not in trail.get_data(as_text=True)
    assert TOKEN.encode() not in b"".join(p.read_bytes() for p in db.parent.glob("store.sqlite*"))


def test_null_means_not_a_place_and_its_event_leaves_the_map(client):
    m = mention(client, "Rouba HUSSEINI")  # a person the pipeline placed at Beirut
    assert m["place_id"] is not None
    resp = patch(client, f"/api/mentions/{m['id']}", {"place": None, "reviewer": "ana"})
    assert resp.status_code == 200
    assert mention(client, "Rouba HUSSEINI")["place_id"] is None
    assert (
        client.get("/api/places?place=Beyrouth").get_json()["features"][0]["properties"]["mentions"]
        == 1
    )  # Beyrouth itself is still mentioned once


def test_corrections_are_listed_with_filters_and_pages(client):
    raqa, beirut = mention(client, "Raqa"), mention(client, "Beyrouth")
    patch(client, f"/api/mentions/{raqa['id']}", {"place": HOMS, "reviewer": "ana"})
    patch(client, f"/api/mentions/{beirut['id']}", {"role": "metonymic", "reviewer": "bob"})
    body = client.get("/api/corrections?limit=1").get_json()
    assert (body["numberMatched"], body["numberReturned"]) == (2, 1)
    assert body["corrections"][0]["reviewer"] == "ana" and "offset=1" in body["next"]
    assert client.get("/api/corrections?reviewer=bob").get_json()["numberMatched"] == 1
    assert client.get(f"/api/corrections?document={DOC}").get_json()["numberMatched"] == 2
    assert client.get("/api/corrections?document=other").get_json()["numberMatched"] == 0
    assert client.get("/api/corrections?since=2000-01-01").get_json()["numberMatched"] == 2
    assert (
        client.get("/api/corrections?since=2999-01-01T00:00:00Z").get_json()["numberMatched"] == 0
    )
    assert client.get("/api/corrections?since=yesterday").status_code == 400
    assert client.get("/api/corrections?status=lost").status_code == 400


def test_an_event_is_corrected_or_deleted_with_its_counts(client, db):
    ev = raqqa_event(client)
    resp = patch(
        client,
        f"/api/events/{ev['id']}",
        {"type": "Combats", "fatalities": 31, "date": "2016-08-10", "actors": ["Russie", "EI"],
         "reviewer": "ana"},
    )  # fmt: skip
    assert resp.status_code == 200, resp.data
    assert resp.get_json()["correction"]["before"]["type"] == "Explosions/Remote violence"
    [f] = client.get("/api/events?type=Battles&actor=Russia&start=2016-08-10&end=2016-08-10")\
        .get_json()["features"]  # fmt: skip
    assert f["id"] == ev["id"] and f["properties"]["fatalities"] == 31
    assert f["properties"]["subtype"] is None  # the old sub-type was of the other type
    assert f["properties"]["actor1"] == "russia"
    bad = patch(client, f"/api/events/{ev['id']}", {"type": "Picnic", "reviewer": "a"})
    assert bad.status_code == 400 and "declared event type" in bad.get_json()["error"]
    bad = patch(client, f"/api/events/{ev['id']}", {"fatalities": -1, "reviewer": "a"})
    assert bad.status_code == 400
    n = client.get("/api/events").get_json()["numberMatched"]
    assert (
        patch(client, f"/api/events/{ev['id']}", {"deleted": True, "reviewer": "a"}).status_code
        == 200
    )
    assert client.get("/api/events").get_json()["numberMatched"] == n - 1
    assert all(
        e["id"] != ev["id"] for e in client.get(f"/api/documents/{DOC}").get_json()["events"]
    )
    with open_store(db) as st:
        assert sum(g["count"] for g in st.event_groups()) == located(st)
    con = sqlite3.connect(db)
    assert con.execute(
        "SELECT d.n_events = (SELECT count(*) FROM events e WHERE e.doc_pk = d.pk) FROM documents d "
        "WHERE d.id = ?", (DOC,),
    ).fetchone() == (1,)  # fmt: skip
    con.close()


def test_a_statement_gets_its_speaker_and_where_it_was_said(client):
    st = client.get(f"/api/documents/{DOC}").get_json()["statements"][0]
    resp = patch(
        client,
        f"/api/statements/{st['id']}",
        {"speaker": "Mevlüt Çavuşoğlu", "where": "gn:323786", "reviewer": "ana"},
    )
    assert resp.status_code == 200, resp.data
    feats = client.get("/api/statements?actor=Çavuşoğlu").get_json()["features"]
    [f] = [f for f in feats if f["id"] == st["id"]]
    assert f["properties"]["where_id"] == "gn:323786" and f["geometry"] is not None


def test_a_missed_mention_is_added_with_its_offsets_checked(client, gaz):
    doc = "004_a27d87f476d17d93"
    text = client.get(f"/api/documents/{doc}").get_json()["text"]
    start = text.index("Europe")
    europe = gaz.candidates("Europe", lang="fr")[0].place.id
    url = f"/api/documents/{doc}/mentions"
    for body, words in (
        ({"start": len(text) - 2, "end": len(text) + 3, "place": europe}, "past the document"),
        ({"start": start - 1, "end": start + 6, "place": europe}, "space"),
        ({"start": start, "end": start + 6}, "needs 'place'"),
    ):
        resp = client.post(url, json={**body, "reviewer": "ana"}, headers=AUTH)
        assert resp.status_code == 400 and words in resp.get_json()["error"], resp.data
    assert client.post(url, json={"start": start, "end": start + 6, "place": europe,
                                  "reviewer": "ana"}).status_code == 401  # fmt: skip
    resp = client.post(url, json={"start": start, "end": start + 6, "place": europe,
                                  "role": "country", "reviewer": "ana"}, headers=AUTH)  # fmt: skip
    assert resp.status_code == 201, resp.data
    added = mention(client, "Europe", doc)
    assert (added["place_id"], added["role"], added["start"]) == (europe, "country", start)
    again = client.post(url, json={"start": start, "end": start + 6, "place": europe,
                                   "reviewer": "ana"}, headers=AUTH)  # fmt: skip
    assert again.status_code == 409 and "already" in again.get_json()["error"]


def test_hostile_reviewer_and_note_stay_text(client, db):
    m = mention(client, "Raqa")
    resp = patch(client, f"/api/mentions/{m['id']}",
                 {"place": HOMS, "reviewer": HOSTILE, "note": HOSTILE_IMG + "\nsecond line"})  # fmt: skip
    assert resp.status_code == 200
    trail = client.get("/api/corrections")
    assert trail.mimetype == "application/json"
    [row] = trail.get_json()["corrections"]
    assert row["reviewer"] == HOSTILE and row["note"] == HOSTILE_IMG + "\nsecond line"
    out = CliRunner().invoke(main, ["corrections", "list", "--db", str(db)])
    assert out.exit_code == 0 and repr(HOSTILE) in out.output


# -- 4. corrections stick -----------------------------------------------------------------------
def test_a_correction_stays_through_a_forced_re_ingest(client, db):
    m, ev = mention(client, "Raqa"), raqqa_event(client)
    patch(client, f"/api/mentions/{m['id']}", {"place": HOMS, "reviewer": "ana"})
    patch(client, f"/api/events/{ev['id']}", {"fatalities": 31, "reviewer": "ana"})
    client.application.extensions["conflictmap"].close()
    out = CliRunner().invoke(
        main, ["ingest", str(SEED_002), "--db", str(db), "--force", "--workers", "1", "-q"]
    )
    assert out.exit_code == 0, out.output
    assert "ingested 1, skipped 0, failed 0" in out.output and "no longer" not in out.output
    assert mention(client, "Raqa")["id"] != m["id"]  # a new extraction, new rows
    assert mention(client, "Raqa")["place_id"] == HOMS
    again = raqqa_event(client)
    assert again["place_id"] == HOMS and again["fatalities"] == 31
    rows = client.get("/api/corrections").get_json()["corrections"]
    assert [r["status"] for r in rows] == ["applied", "applied"]
    with open_store(db) as st:
        assert sum(g["count"] for g in st.event_groups()) == located(st)


def test_a_correction_whose_text_moved_is_reported_and_marked_stale(client, db, tmp_path):
    m = mention(client, "Raqa")
    patch(client, f"/api/mentions/{m['id']}", {"place": HOMS, "reviewer": "ana"})
    # the same article (same normalised text) with one more space before the paragraph
    text = SEED_002.read_text(encoding="utf-8")
    para = text.index("Dans la région septentrionale")
    folder = tmp_path / "again"
    folder.mkdir()
    (folder / SEED_002.name).write_text(text[:para] + " " + text[para:], encoding="utf-8")
    (folder / "metadata.json").write_text(
        json.dumps({SEED_002.name: {"lang": "fr", "published": "2016-08-11"}}), encoding="utf-8"
    )
    client.application.extensions["conflictmap"].close()
    with open_store(db) as st:
        report = ingest([folder], st, workers=1, progress=False, force=True)
    assert report.ingested == 1 and report.failed == []
    [(doc, why)] = report.unapplied
    assert doc == DOC and "'Raqa'" in why and "no longer in the text" in why
    assert "1 correction(s) no longer match" in report.summary()
    [row] = client.get("/api/corrections?status=stale").get_json()["corrections"]
    assert row["status_detail"] == why
    assert mention(client, "Raqa")["place_id"] == RAQQA  # the pipeline's place, not forced


# -- 7. sharing ---------------------------------------------------------------------------------
def test_export_then_import_into_another_store_twice(client, db, pristine, tmp_path, gaz):
    m, ev = mention(client, "Raqa"), raqqa_event(client)
    patch(client, f"/api/mentions/{m['id']}", {"place": HOMS, "reviewer": "ana", "note": "n"})
    patch(client, f"/api/events/{ev['id']}", {"fatalities": 31, "reviewer": "bob"})
    st = client.get(f"/api/documents/{DOC}").get_json()["statements"][0]
    patch(client, f"/api/statements/{st['id']}", {"speaker": "M. Cavusoglu", "reviewer": "ana"})
    runner = CliRunner()
    out_file = tmp_path / "reviews.jsonl"
    out = runner.invoke(main, ["corrections", "export", "-o", str(out_file), "--db", str(db)])
    assert out.exit_code == 0, out.output
    lines = out_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and TOKEN not in out_file.read_text(encoding="utf-8")
    assert json.loads(lines[0])["after"]["place"]["id"] == HOMS
    other = tmp_path / "other.sqlite"
    shutil.copy(pristine, other)
    out = runner.invoke(main, ["corrections", "import", str(out_file), "--db", str(other)])
    assert out.exit_code == 0, out.output
    assert "imported 3 correction(s), 0 already there; applied 3, stale 0" in out.output
    with open_store(other) as st2:
        doc = st2.document(DOC)
        assert next(x for x in doc["mentions"] if x["text"] == "Raqa")["place_id"] == HOMS
        moved = next(e for e in doc["events"] if e["location"] == "Raqa")
        assert (moved["place_id"], moved["fatalities"]) == (HOMS, 31)
        assert doc["statements"][0]["speaker"] == "M. Cavusoglu"
        first = st2.corrections()
    out = runner.invoke(main, ["corrections", "import", str(out_file), "--db", str(other)])
    assert "imported 0 correction(s), 3 already there" in out.output
    with open_store(other) as st2:
        assert st2.corrections() == first  # nothing changed
        assert st2.document(DOC) == doc


def test_a_bad_line_is_named_and_nothing_is_imported(client, db, tmp_path):
    m = mention(client, "Raqa")
    patch(client, f"/api/mentions/{m['id']}", {"place": HOMS, "reviewer": "ana"})
    runner = CliRunner()
    good = tmp_path / "good.jsonl"
    runner.invoke(main, ["corrections", "export", "-o", str(good), "--db", str(db)])
    line = json.loads(good.read_text(encoding="utf-8"))
    edited = dict(line, after={"place": None})  # changed after export: its key no longer fits
    for bad_line, words in (
        ("not json", "line 2: not JSON"),
        (json.dumps({**line, "kind": "party"}), "line 2: unknown kind"),
        (json.dumps(edited), "line 2: key does not match"),
        (
            json.dumps({k: v for k, v in line.items() if k != "reviewer"}),
            "line 2: missing reviewer",
        ),
    ):
        bad = tmp_path / "bad.jsonl"
        other_line = dict(line, created_at="2000-01-01T00:00:00+00:00", key=None)
        bad.write_text(json.dumps(other_line) + "\n" + bad_line + "\n", encoding="utf-8")
        out = runner.invoke(main, ["corrections", "import", str(bad), "--db", str(db)])
        assert out.exit_code == 2 and words in out.output, out.output
    with open_store(db) as st:
        assert st.corrections()[1] == 1  # the good first line was not imported either


def test_an_older_store_gets_the_trail_when_opened(tmp_path, pristine):
    path = tmp_path / "v6.sqlite"
    shutil.copy(pristine, path)
    con = sqlite3.connect(path)
    con.execute("DROP TABLE corrections")
    con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with open_store(path) as st:
        assert st.corrections() == ([], 0)
        assert st.stats()["documents"] == 5

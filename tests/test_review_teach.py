"""Corrections teach (issue 14, items 5 and 6), on a real SQLite store, the real gazetteer and
the real geoparser: a name reviewers re-pointed becomes a reviewed alias (scoped by country
when the reviewer moved it across countries, with the count of reviews), a place a reviewer
added is a candidate for its name, and both resolve the next documents (geoparse, ingest),
said "reviewed" in --explain; the shared gazetteer is left as built. The place form and its
map in headless Chromium.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gazetteer.lookup import get_gazetteer, taught
from geo.cli import main
from geo.geoparse import Geoparser
from geo.ingest import ingest
from geo.model import DateValue, Document
from geo.pipeline import Extracted
from geo.store import open_store
from tests.web_fixtures import HOSTILE_IMG, _mentions
from web import create_app

TOKEN = "teach-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TRIPOLI_LY, TRIPOLI_LB = "gn:2210247", "gn:266826"
ALEPPO_CITY, ALEPPO_GOVERNORATE = "gn:170063", "gn:170062"
BOULIL = {"name": "Al-Boulil", "lat": 35.05, "lon": 40.45, "feature": "city", "country": "SY"}


def _doc(doc_id: str, text: str, pairs, published="2024-03-04") -> Extracted:
    return Extracted(
        doc=Document(doc_id, text, lang="fr", published=published, title=doc_id),
        lang="fr",
        published=DateValue(published, "day"),
        mentions=_mentions(text, pairs),
        events=(),
        statements=(),
    )


@pytest.fixture
def store_path(gaz, tmp_path):
    """Two reports about Lebanon that placed Tripoli in Libya, and one that placed Alep at the
    city where its reviewer meant the governorate."""
    ly, lebanon = gaz.get(TRIPOLI_LY), gaz.get("gn:272103")
    docs = [
        _doc(
            f"doc-tripoli-{i}",
            f"Des affrontements ont eu lieu à Tripoli ({i}), dans le nord du Liban.",
            [("Tripoli", ly), ("Liban", lebanon)],
        )
        for i in (1, 2)
    ]
    docs.append(
        _doc("doc-alep", "Les combats continuent dans Alep.", [("Alep", gaz.get(ALEPPO_CITY))])
    )
    path = tmp_path / "store.sqlite"
    with open_store(path) as store:
        for x in docs:
            store.add(x)
    return path


@pytest.fixture
def client(store_path, gazetteer_path):
    app = create_app({"DB": str(store_path), "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN})
    return app.test_client()


def mention_id(client, doc_id: str, text: str) -> int:
    doc = client.get(f"/api/documents/{doc_id}").json
    return next(m["id"] for m in doc["mentions"] if m["text"] == text)


def repoint(client, doc_id: str, text: str, place: str | None, reviewer="ana"):
    mid = mention_id(client, doc_id, text)
    r = client.patch(
        f"/api/mentions/{mid}", json={"place": place, "reviewer": reviewer}, headers=AUTH
    )
    assert r.status_code == 200, r.json
    return r


def layer_of(store_path):
    with open_store(store_path) as store:
        return store.reviewed_layer()


def first(parser: Geoparser, text: str, name: str):
    parsed = parser.parse(Document("new", text, lang="fr"))
    return next(m for m in parsed.mentions if m.text == name)


# -- reviewed aliases ---------------------------------------------------------------------------
def test_a_repointed_name_becomes_a_reviewed_alias_with_its_count_and_scope(client, store_path):
    assert not layer_of(store_path)  # nothing reviewed yet
    repoint(client, "doc-tripoli-1", "Tripoli", TRIPOLI_LB)
    repoint(client, "doc-tripoli-2", "Tripoli", TRIPOLI_LB, reviewer="bob")
    repoint(client, "doc-alep", "Alep", ALEPPO_GOVERNORATE)
    aliases = layer_of(store_path).aliases
    # moved from Libya to Lebanon: context-dependent, scoped by Lebanon, two reviews
    assert [(a.place.id, a.country, a.reviews) for a in aliases["tripoli"]] == [
        (TRIPOLI_LB, "LB", 2)
    ]
    # the city to its governorate, in one country: an alias everywhere
    assert [(a.place.id, a.country, a.reviews) for a in aliases["alep"]] == [
        (ALEPPO_GOVERNORATE, None, 1)
    ]
    # a name marked not a place afterwards teaches nothing any more
    repoint(client, "doc-alep", "Alep", None)
    assert "alep" not in layer_of(store_path).aliases


def test_reviewed_aliases_resolve_the_next_documents(client, store_path, gazetteer_path):
    repoint(client, "doc-alep", "Alep", ALEPPO_GOVERNORATE)
    plain = Geoparser(get_gazetteer(gazetteer_path), use_ner=False)
    parser = Geoparser(taught(layer_of(store_path), gazetteer_path), use_ner=False)
    aleppo = "Des combats ont éclaté à Alep mardi."
    assert first(plain, aleppo, "Alep").place.id == ALEPPO_CITY
    m = first(parser, aleppo, "Alep")
    assert m.place.id == ALEPPO_GOVERNORATE
    assert "reviewed: chosen for 'Alep' by 1 review" in m.reason
    # the shared gazetteer is left as built
    assert get_gazetteer(gazetteer_path).reviewed is None
    assert first(plain, aleppo, "Alep").place.id == ALEPPO_CITY


def test_an_alias_scoped_by_a_country_counts_in_documents_about_it(
    client, store_path, gazetteer_path
):
    repoint(client, "doc-tripoli-1", "Tripoli", TRIPOLI_LB)
    repoint(client, "doc-tripoli-2", "Tripoli", TRIPOLI_LB, reviewer="bob")
    plain = Geoparser(get_gazetteer(gazetteer_path), use_ner=False)
    parser = Geoparser(taught(layer_of(store_path), gazetteer_path), use_ner=False)
    about_lebanon = "Des combats à Tripoli, au Liban."
    assert first(plain, about_lebanon, "Tripoli").place.id == TRIPOLI_LY
    m = first(parser, about_lebanon, "Tripoli")
    assert m.place.id == TRIPOLI_LB
    assert "reviewed: chosen for 'Tripoli' by 2 reviews in documents about LB" in m.reason
    # about Libya, the alias scoped by Lebanon says nothing
    m = first(parser, "Des combats à Tripoli, capitale de la Libye.", "Tripoli")
    assert m.place.id == TRIPOLI_LY and "reviewed" not in m.reason


def test_geoparse_explain_reads_a_stores_reviews(client, store_path, gazetteer_path, tmp_path):
    repoint(client, "doc-alep", "Alep", ALEPPO_GOVERNORATE)
    line = json.dumps({"id": "n1", "lang": "fr", "text": "Des combats ont éclaté à Alep mardi."})
    runner = CliRunner()
    args = ["geoparse", "--explain", "--no-ner", "--db", str(store_path)]
    out = runner.invoke(main, args, input=line + "\n")
    assert out.exit_code == 0, out.output
    mention = json.loads(out.stdout.splitlines()[0])["mentions"][0]
    assert mention["place"]["id"] == ALEPPO_GOVERNORATE and "reviewed" in mention["reason"]
    plain = runner.invoke(main, ["geoparse", "--explain", "--no-ner"], input=line + "\n")
    assert json.loads(plain.stdout.splitlines()[0])["mentions"][0]["place"]["id"] == ALEPPO_CITY
    missing = runner.invoke(main, [*args[:-1], str(tmp_path / "nope.sqlite")], input=line)
    assert missing.exit_code != 0 and "Traceback" not in missing.output


# -- places the gazetteer lacks ----------------------------------------------------------------
def test_a_reviewer_adds_a_place_once(client):
    r = client.post("/api/reviewed-places", json={**BOULIL, "reviewer": "ana"}, headers=AUTH)
    assert r.status_code == 201
    place = r.json["place"]
    assert place["id"].startswith("rv:") and place["country_code"] == "SY"
    again = client.post("/api/reviewed-places", json={**BOULIL, "reviewer": "bob"}, headers=AUTH)
    assert again.status_code == 200 and again.json["place"]["id"] == place["id"]
    found = client.get("/api/reviewed-places?q=al-bou").json["places"]
    assert [p["id"] for p in found] == [place["id"]]
    assert client.get("/api/reviewed-places?q=zz").json["places"] == []
    # a hostile name is kept as text
    hostile = {**BOULIL, "name": HOSTILE_IMG, "lat": 1.0, "reviewer": "ana"}
    r = client.post("/api/reviewed-places", json=hostile, headers=AUTH)
    assert r.status_code == 201 and r.json["place"]["name"] == HOSTILE_IMG


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lat": 91}, "lat must be a number from -90 to 90"),
        ({"lon": "40"}, "lon must be a number"),
        ({"feature": "planet"}, "feature must be one of city, site, admin2, admin1"),
        ({"country": "Syria"}, "country must be a two-letter ISO code"),
        ({"name": " "}, "name must not be empty"),
        ({"name": None}, "a place needs 'name'"),
        ({"population": 3}, "unknown field 'population'"),
    ],
)
def test_a_bad_place_is_a_clear_400_and_adds_nothing(client, change, message):
    r = client.post(
        "/api/reviewed-places", json={**BOULIL, **change, "reviewer": "ana"}, headers=AUTH
    )
    assert r.status_code == 400 and message in r.json["error"], r.json
    assert client.get("/api/reviewed-places").json["places"] == []


def test_adding_a_place_needs_the_token(client):
    r = client.post("/api/reviewed-places", json={**BOULIL, "reviewer": "ana"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/reviewed-places").json["places"] == []


def test_a_place_a_reviewer_added_resolves_mentions_and_the_next_ingest(
    client, store_path, tmp_path
):
    place = client.post(
        "/api/reviewed-places", json={**BOULIL, "reviewer": "ana"}, headers=AUTH
    ).json["place"]
    # a name can be pointed at it at once
    repoint(client, "doc-alep", "Alep", place["id"])
    doc = client.get("/api/documents/doc-alep").json
    assert next(m for m in doc["mentions"] if m["text"] == "Alep")["place_id"] == place["id"]
    # and the next documents that name it are resolved to it
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "boulil.txt").write_text(
        "Trois civils ont été tués mardi à Al-Boulil, dans l'est de la Syrie.", encoding="utf-8"
    )
    with open_store(store_path) as store:
        report = ingest([tmp_path / "in"], store, workers=1, progress=False, use_ner=False)
        assert report.ingested == 1
        stored = store.document("boulil")
    m = next(m for m in stored["mentions"] if m["text"] == "Al-Boulil")
    assert m["place_id"] == place["id"] and m["name"] == "Al-Boulil"
    assert get_gazetteer().reviewed is None  # the ingest left the shared gazetteer as built


# -- the place form in headless Chromium -------------------------------------------------------
@pytest.fixture
def server(client):
    from tests.test_web_map import served

    with served(client.application) as url:
        yield url


@pytest.fixture
def browser(server):
    """A Chromium for one test, closed before its server stops (no request left in flight)."""
    from tests.test_web_map import chromium

    with chromium() as b:
        yield b


def test_a_reviewer_adds_a_place_picked_on_the_map(server, browser, client):
    from tests.test_review_pages import browser_sign_in, click_mention, data, saved

    browser_sign_in(browser, server, "ana", "/documents/doc-alep", TOKEN)
    click_mention(browser, "Alep")
    browser.eval("document.getElementById('review-new-place').open = true")
    # the country outlines drawn (the server's work for them done before the test moves on)
    browser.wait_for("document.querySelectorAll('#review-pick-map path').length > 10")
    assert browser.eval("document.getElementById('review-place-name').value") == "Alep"
    assert browser.eval("document.getElementById('review-place-country').value") == "SY"
    # a click on the map gives the point
    browser.wait_for("document.getElementById('review-panel').hasAttribute('data-candidates')")
    box = browser.eval(
        "(() => { const m = document.getElementById('review-pick-map');"
        " m.scrollIntoView({block: 'center'}); const r = m.getBoundingClientRect();"
        " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
    )
    browser.click(*box)
    browser.wait_for("document.getElementById('review-place-lat').value !== ''")
    lat = float(browser.eval("document.getElementById('review-place-lat').value"))
    assert -90 <= lat <= 90
    browser.eval("document.getElementById('review-place-name').value = 'Alep-Est (camp)'")
    saved(browser, "document.getElementById('review-add-place').click()")
    alep = next(m for m in data(browser)["mentions"] if m["text"] == "Alep")
    assert alep["place_id"].startswith("rv:") and alep["name"] == "Alep-Est (camp)"
    places = client.get("/api/reviewed-places").json["places"]
    assert [p["name"] for p in places] == ["Alep-Est (camp)"] and places[0]["reviewer"] == "ana"

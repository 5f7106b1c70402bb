"""The JSON API through Flask's test client: filters, pagination, next links, errors, GeoJSON."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from geo.export import EXPORTS
from tests.web_fixtures import HOSTILE, HOSTILE_IMG, make_store, sample_store
from web import create_app
from web.ogcapi.collections import COLLECTIONS as OGC_COLLECTIONS
from web.snapshot import FORMATS as SNAPSHOT_FORMATS

TOKEN = "s3cret-token"
ALEPPO = (37.16, 36.20)  # lon, lat
ANKARA = (32.85, 39.92)


store = sample_store("web")


@pytest.fixture(scope="module")
def app(store, gazetteer_path):
    return create_app(
        {"STORE": store, "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN, "TESTING": True}
    )


@pytest.fixture()
def client(app):
    return app.test_client()


def features(resp):
    assert resp.status_code == 200, resp.data
    assert resp.mimetype == "application/geo+json"
    body = resp.get_json()
    assert body["type"] == "FeatureCollection"
    assert "crs" not in body
    return body


def near(coords, lonlat, tol=0.02):
    return abs(coords[0] - lonlat[0]) < tol and abs(coords[1] - lonlat[1]) < tol


# -- GeoJSON -----------------------------------------------------------------------------------
def test_events_are_rfc7946_points_lon_then_lat(client):
    body = features(client.get("/api/events?limit=100"))
    assert body["numberMatched"] == 16
    for f in body["features"]:
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert "lat" not in f["properties"] and "lon" not in f["properties"]
    aleppo = [f for f in body["features"] if f["properties"]["place_id"] == "gn:170063"]
    assert len(aleppo) == 1
    assert near(aleppo[0]["geometry"]["coordinates"], ALEPPO)
    assert aleppo[0]["properties"]["type"] == "Explosions/Remote violence"
    assert aleppo[0]["properties"]["fatalities"] == 5


def test_statements_are_located_where_said(client):
    body = features(client.get("/api/statements"))
    fidan = [f for f in body["features"] if f["properties"]["speaker"] == "Hakan Fidan"]
    assert len(fidan) == 1
    assert near(fidan[0]["geometry"]["coordinates"], ANKARA)
    # the French document's places by their French names, both names given
    [idlib] = fidan[0]["properties"]["places"]
    assert (idlib["name"], idlib["name_fr"], idlib["name_en"]) == ("Idleb", "Idleb", "Idlib")


def test_places_carry_counts_and_documents(client):
    body = features(client.get("/api/places?place=gn:170063"))
    [aleppo] = body["features"]
    assert near(aleppo["geometry"]["coordinates"], ALEPPO)
    assert aleppo["properties"]["mentions"] == 1
    assert aleppo["properties"]["documents"][0]["id"] == "doc-alep"


# -- filters -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, expected",
    [
        ("bbox=37.0,36.1,37.3,36.3", 1),  # Aleppo only
        ("bbox=35,32,43,38", 15),  # Syria: all but Hamburg
        ("start=2024-01-01&end=2024-01-31", 12),
        ("start=2024-03-01", 3),
        ("end=2024-01-05", 5),
        ("type=Battles", 13),
        ("type=air/drone%20strike", 1),  # a subtype, any case
        ("actor=hts", 1),
        ("place=gn:170063", 1),
        ("place=aleppo", 1),
        ("type=Protests&bbox=35,32,43,38", 0),
    ],
)
def test_event_filters(client, query, expected):
    body = features(client.get(f"/api/events?{query}&limit=1000"))
    assert body["numberMatched"] == expected
    assert body["numberReturned"] == expected


def test_full_text_filter(client):
    body = features(client.get("/api/events?q=Hamburg"))
    assert [f["properties"]["place_name"] for f in body["features"]] == ["Hamburg"]


# -- pagination --------------------------------------------------------------------------------
def test_pagination_follows_next_links_to_the_end(client):
    seen, url, pages = [], "/api/events?type=Battles&limit=5", 0
    while url:
        body = features(client.get(url))
        assert body["numberMatched"] == 13
        seen += [f["id"] for f in body["features"]]
        nxt = body["next"]
        if nxt:
            assert {"rel": "next", "type": "application/geo+json", "href": nxt} in body["links"]
            assert "type=Battles" in nxt and "limit=5" in nxt
            parts = urlsplit(nxt)
            url = f"{parts.path}?{parts.query}"
        else:
            url = None
        pages += 1
    assert pages == 3
    assert len(seen) == 13 and len(set(seen)) == 13


def test_documents_list_and_one_document(client):
    resp = client.get("/api/documents?limit=2")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["numberMatched"] == 4 and len(body["documents"]) == 2
    assert "offset=2" in body["next"]
    doc = client.get("/api/documents/doc-alep").get_json()
    assert doc["title"] == "Frappes sur Alep"
    assert {m["text"] for m in doc["mentions"]} == {"Alep", "Idleb", "Ankara"}


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=0,20,10,10",  # min_lat > max_lat (min_lon > max_lon crosses the antimeridian)
        "bbox=0,-95,10,10",
        "bbox=nan,0,1,1",
        "start=2024-02-30",
        "start=yesterday",
        "end=2024-13-01",
        "start=2024-03-01&end=2024-01-01",
        "limit=0",
        "limit=1001",
        "limit=ten",
        "limit=five",
        "limit= 5",  # an integer is digits only
        "offset=-1",
        "q=" + "x" * 500,
    ],
)
def test_bad_parameters_are_400_json(client, query):
    for path in ("/api/events", "/api/statements", "/api/places"):
        resp = client.get(f"{path}?{query}")
        assert resp.status_code == 400, (path, query)
        assert resp.mimetype == "application/json"
        assert resp.get_json()["error"]


def test_unknown_things_are_404_json(client):
    for url in ("/api/documents/no-such-doc", "/no/such/page", "/documents/no-such-doc"):
        resp = client.get(url)
        assert resp.status_code == 404
        assert resp.get_json()["error"]


def test_unexpected_errors_are_500_without_details(gazetteer_path):
    class Broken:
        def events(self, **kw):
            raise RuntimeError("secret internals /etc/passwd")

    app = create_app({"STORE": Broken(), "GAZETTEER": gazetteer_path})
    resp = app.test_client().get("/api/events")
    assert resp.status_code == 500
    assert resp.get_json() == {"error": "internal server error"}
    assert b"secret" not in resp.data and b"Traceback" not in resp.data


# -- writes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": "Basic x"}],
)
def test_post_without_the_token_is_401(client, headers):
    resp = client.post("/api/documents", json={"text": "Des combats à Alep."}, headers=headers)
    assert resp.status_code == 401
    assert resp.get_json()["error"]


def test_post_refused_when_no_token_is_configured(store, gazetteer_path):
    app = create_app({"STORE": store, "GAZETTEER": gazetteer_path})
    resp = app.test_client().post(
        "/api/documents", json={"text": "x"}, headers={"Authorization": "Bearer "}
    )
    assert resp.status_code == 401


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": "{not json", "content_type": "application/json"},
        {"json": ["a list"]},
        {"json": {"text": ""}},
        {"json": {"text": 42}},
        {"json": {"text": "Alep", "lang": "de"}},
        {"json": {"text": "Alep", "published": "2024-02-31"}},
        {"json": {"text": "Alep", "url": "javascript:alert(1)"}},
        {"data": b"\xff\xfe", "content_type": "text/plain"},
        {"data": "<x/>", "content_type": "application/xml"},
        {"json": {"text": "Alep", "id": "../../etc/passwd"}},
        {"json": {"text": "Alep", "id": "a\nb"}},
        {"data": "Alep", "content_type": "text/plain", "query_string": {"id": "x/y"}},
    ],
)
def test_post_bad_bodies_are_400(client, kwargs):
    resp = client.post("/api/documents", headers={"Authorization": f"Bearer {TOKEN}"}, **kwargs)
    assert resp.status_code == 400, resp.data
    assert resp.get_json()["error"]


def test_post_too_large_is_413_json(store, gazetteer_path):
    app = create_app(
        {"STORE": store, "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN, "MAX_CONTENT_LENGTH": 100}
    )
    resp = app.test_client().post(
        "/api/documents",
        data="Alep " * 100,
        content_type="text/plain",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert resp.status_code == 413
    assert resp.get_json()["error"]


def test_post_ingests_an_article_once(gaz, gazetteer_path, tmp_path):
    from geo.geoparse import Geoparser
    from geo.pipeline import Extractor

    st = make_store(tmp_path / "post.sqlite", [])
    app = create_app(
        {
            "STORE": st,
            "GAZETTEER": gazetteer_path,
            "API_TOKEN": TOKEN,
            "EXTRACTOR": Extractor(Geoparser(gaz, use_ner=False)),
        }
    )
    c = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = "Des frappes aériennes ont visé Alep mardi, faisant trois morts, selon l'OSDH."
    resp = c.post(
        "/api/documents",
        json={"text": text, "id": "posted-1", "published": "2024-05-02", "lang": "fr"},
        headers=auth,
    )
    assert resp.status_code == 201, resp.data
    body = resp.get_json()
    assert body["id"] == "posted-1" and body["stored"] is True
    assert c.get("/api/documents/posted-1").get_json()["text"] == text
    places = features(c.get("/api/places")).get("features")
    assert any(near(f["geometry"]["coordinates"], ALEPPO) for f in places)
    again = c.post("/api/documents", data=text, content_type="text/plain", headers=auth)
    assert again.status_code == 200 and again.get_json()["stored"] is False
    st.close()


# -- exports, OpenAPI, headers ------------------------------------------------------------------
def test_export_unknown_format_is_400(client):
    resp = client.get("/export/events.xlsx")
    assert resp.status_code == 400 and resp.get_json()["error"]


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_export_reads_back(client, fmt, tmp_path):
    pytest.importorskip("geo.export", reason="geo.export is not in this tree yet")
    import geopandas as gpd

    resp = client.get(f"/export/events.{fmt}?type=Battles")
    assert resp.status_code == 200, resp.data[:200]
    out = tmp_path / f"events.{fmt}"
    out.write_bytes(resp.data)
    if fmt == "csv":
        assert resp.data.decode("utf-8").count("\n") >= 14
    else:
        df = gpd.read_file(out)
        assert len(df) == 13


# Route variables whose values the app declares once: each value is its own documented path.
_DECLARED_VALUES = {
    "/export/events.<fmt>": ("<fmt>", lambda: list(EXPORTS)),
    "/snapshot.<fmt>": ("<fmt>", lambda: list(SNAPSHOT_FORMATS)),
}


def test_openapi_describes_every_api_route(client):
    """Every route of the API, the exports, the snapshots and OGC API (walked from the app's
    URL map, not a list written here) is a path of the OpenAPI document, with its method."""
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    json.dumps(spec)

    def norm(path: str) -> str:
        return re.sub(r"\{[^}]+\}", "{}", path)

    documented = {(norm(p), m.upper()) for p, ops in spec["paths"].items() for m in ops}
    missing = []
    for rule in client.application.url_map.iter_rules():
        if not rule.rule.startswith(("/api/", "/export/", "/snapshot", "/ogcapi")):
            continue  # pages and the map's own helpers
        if rule.rule.endswith("/") and rule.rule != "/":
            continue  # the same route with a trailing slash
        paths = [rule.rule]
        if rule.rule in _DECLARED_VALUES:
            var, values = _DECLARED_VALUES[rule.rule]
            paths = [rule.rule.replace(var, v) for v in values()]
        elif "<cid>" in rule.rule:
            paths = [rule.rule.replace("<cid>", c) for c in OGC_COLLECTIONS]
        for path in paths:
            path = norm(re.sub(r"<(?:[^:>]+:)?[^>]+>", "{x}", path))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                if (path, method) not in documented:
                    missing.append(f"{method} {path}")
    assert missing == []


def test_map_page_has_a_csp_and_no_cdn(client):
    resp = client.get("/")
    assert resp.status_code == 200
    csp = resp.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split(";")[1]
    page = resp.get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(f'nonce="{nonce}"' in s for s in scripts)
    assert not re.search(r'<script[^>]+src="https?:', page)
    assert not re.search(r'<link[^>]+href="https?:', page)
    assert "cdn" not in page.lower()
    assert client.get("/").headers["Content-Security-Policy"] != csp  # a fresh nonce


def test_hostile_text_is_escaped_in_pages(client):
    page = client.get("/").get_data(as_text=True)
    assert HOSTILE not in page and HOSTILE_IMG not in page
    doc = client.get("/documents/doc-hostile")
    assert "Content-Security-Policy" in doc.headers
    html = doc.get_data(as_text=True)
    assert HOSTILE not in html and HOSTILE_IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_document_page_links_places_to_the_map(client):
    html = client.get("/documents/doc-alep").get_data(as_text=True)
    m = re.search(r'<a class="place role-literal" href="([^"]+)"[^>]*>Alep</a>', html)
    assert m, html
    href = m.group(1).replace("&amp;", "&")
    assert "lat=36.2" in href and "lon=37.16" in href and "focus=gn%3A170063" in href
    assert client.get(href).status_code == 200


def test_map_parameters_are_validated(client):
    for q in ("lat=100&lon=0", "lat=1", "layers=events,nope", "zoom=5", "start=bad"):
        resp = client.get(f"/?{q}")
        assert resp.status_code == 400, q
        assert resp.get_json()["error"]


def test_lazy_event_popup_is_escaped_html(client, monkeypatch):
    from web import maps

    resp = client.get("/map/popup/events?place=gn:170063&type=Explosions/Remote%20violence")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "Des frappes aériennes ont visé Alep" in resp.get_data(as_text=True)
    raqqa = client.get("/api/events?q=explosion").get_json()["features"][0]["properties"]
    html = client.get(f"/map/popup/events?place={raqqa['place_id']}").get_data(as_text=True)
    assert HOSTILE not in html and HOSTILE_IMG not in html and "&lt;script&gt;" in html
    assert client.get("/map/popup/events").status_code == 400
    assert client.get("/map/popup/events?place=gn:1").status_code == 404
    # past INLINE_POPUPS groups, the page carries no popup text at all
    monkeypatch.setattr(maps, "INLINE_POPUPS", 0)
    page = client.get("/").get_data(as_text=True)
    assert "Des frappes" not in page and "/map/popup/events" in page


def test_map_legend_counts_the_events_it_can_place(gaz, tmp_path):
    # an event with no place is in the store but not on the map: the legend's "N of M events"
    # must not count it on one side only
    from geo.model import DateValue, Document, Event
    from geo.pipeline import Extracted
    from web.maps import build_map, render_map_html

    aleppo = gaz.candidates("Alep", lang="fr")[0].place
    text = "Des frappes ont visé Alep. Des combats ont eu lieu."
    x = Extracted(
        Document("legend", text, "fr"),
        "fr",
        DateValue(None),
        (),
        (
            Event("Explosions/Remote violence", None, text[:26], 0, 26, place=aleppo),
            Event("Battles", None, text[27:], 27, len(text)),
        ),
        (),
    )
    store = make_store(tmp_path / "legend.sqlite", [x])
    html = render_map_html(build_map(store))
    data = json.loads(
        re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html).group(1)
    )
    assert (data["events_shown"], data["events_total"]) == (1, 1)


# -- names in the reader's language -------------------------------------------------------------
def map_data(client, query: str = "") -> dict:
    resp = client.get("/" + query)
    assert resp.status_code == 200, resp.data
    html = resp.get_data(as_text=True)
    block = re.search(r'<script[^>]* type="application/json"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def popup_of(data: dict, sentence: str) -> str:
    return next(r[4] for r in data["events"] if sentence in r[4])


@pytest.mark.parametrize(
    ("query", "aleppo", "others"),
    [("", "Alep", ("Aleppo", "Ḩalab")), ("?lang=en", "Aleppo", ("Alep<", "Ḩalab"))],
)
def test_map_names_places_in_its_language(client, query, aleppo, others):
    # French by default: the French document's event popup says Alep, the English map Aleppo
    data = map_data(client, query)
    html = popup_of(data, "Des frappes aériennes ont visé Alep")
    assert f'<div class="cm-where">{aleppo} <span' in html
    assert not any(f'class="cm-where">{o}' in html for o in others)
    place = next(r[3] for r in data["places"] if r[4] == "gn:170063")
    assert f"</i> {aleppo}</h4>" in place
    assert data["name_keys"][0] == ("name_fr" if aleppo == "Alep" else "name_en")
    lazy = client.get(f"/map/popup/events?place=gn:170063{query.replace('?', '&')}")
    assert f'<div class="cm-where">{aleppo} <span' in lazy.get_data(as_text=True)


def test_map_search_lists_every_name_of_a_place(client):
    data = map_data(client)
    entries = {(s[0], s[3], s[4]) for s in data["search"]}
    for name in ("Alep", "Aleppo"):  # the French and English names, shown as Alep
        assert (name, "gn:170063", "Alep") in entries
    for name in ("Raqa", "Ar Raqqah", "Raqqa"):  # and as the English document wrote it
        assert (name, "gn:172955", "Raqa") in entries
    english = {(s[0], s[3], s[4]) for s in map_data(client, "?lang=en")["search"]}
    assert ("Alep", "gn:170063", "Aleppo") in english


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Alep", "gn:170063"), ("Aleppo", "gn:170063"), ("ALEP", "gn:170063"),
     ("Idleb", "gn:169389"), ("Idlib", "gn:169389"), ("Raqa", "gn:172955"),
     ("Raqqa", "gn:172955"), ("Syrie", "gn:163843"), ("Syria", "gn:163843")],
)  # fmt: skip
def test_places_api_finds_a_place_by_any_of_its_names(client, name, expected):
    body = features(client.get(f"/api/places?place={name}&limit=1000"))
    assert expected in {f["id"] for f in body["features"]}
    hit = next(f for f in body["features"] if f["id"] == expected)
    assert {"name", "name_fr", "name_en", "names"} <= set(hit["properties"])


def test_document_pages_name_places_in_the_documents_language(client):
    french = client.get("/documents/doc-alep").get_data(as_text=True)
    assert re.search(r'<a href="/\?[^"]*focus=gn%3A170063">Alep</a>', french), french
    assert 'title="Alep (literal' in french  # the highlighted name's tooltip
    english = client.get("/documents/doc-saraqib").get_data(as_text=True)
    assert ">Saraqib</a>" in english and "Sarāqib" not in english


def test_map_language_is_validated_and_configurable(store, gazetteer_path):
    app = create_app({"STORE": store, "GAZETTEER": gazetteer_path, "LANG": "en"})
    client = app.test_client()
    html = popup_of(map_data(client), "Des frappes aériennes ont visé Alep")
    assert '<div class="cm-where">Aleppo <span' in html
    resp = client.get("/?lang=xx")
    assert resp.status_code == 400 and "lang" in resp.get_json()["error"]


# -- ACLED's fields, actors in either language, one incident one event ---------------------------
@pytest.fixture()
def merged_client(gaz, gazetteer_path, tmp_path):
    from geo.model import DateValue, Event
    from tests.test_store import ALEPPO_PROVINCE, SOCHI, extracted, report

    text = "Des hommes armés ont tué douze civils jeudi à Tin-Barkoudou, dans la région d'Alep."
    vac = Event(
        "Violence against civilians", "Attack", text, 0, len(text),
        date=DateValue("2024-03-07", "day", "jeudi"), actors=("hommes armés", "civils"),
        fatalities=12, place=gaz.get(ALEPPO_PROVINCE), place_precision="admin1",
        location="Tin-Barkoudou", geo_precision=3, fatalities_phrase="douze civils",
    )  # fmt: skip
    docs = [
        extracted("vac", text, "2024-03-08", events=[vac]),
        report(gaz, "afp", "Poutine a rencontré Erdogan mardi à Sotchi.", SOCHI, "2024-09-03"),
        report(
            gaz,
            "reuters",
            "Putin met Erdogan in Sochi on Tuesday.",
            SOCHI,
            "2024-09-03",
            actors=("Russia", "Turkey"),
        ),  # fmt: skip
    ]
    store = make_store(tmp_path / "merged.sqlite", docs)
    app = create_app(
        {"STORE": store, "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN, "TESTING": True}
    )
    yield app.test_client()
    store.close()


def test_events_carry_acled_fields_and_sources(merged_client):
    body = features(merged_client.get("/api/events"))
    assert body["numberMatched"] == 2  # the meeting reported twice is one event
    by_doc = {f["properties"]["doc_id"]: f["properties"] for f in body["features"]}
    vac = by_doc["vac"]
    assert (vac["location"], vac["geo_precision"], vac["time_precision"]) == (
        "Tin-Barkoudou", 3, 1,
    )  # fmt: skip
    assert (vac["actor1"], vac["actor2"], vac["interaction"]) == ("gunmen", "civilians", 37)
    meeting = by_doc["afp"]
    assert meeting["sources"] == ["afp", "reuters"] and meeting["n_sources"] == 2
    resp = merged_client.get(f"/api/events/{meeting['id']}/sources")
    assert resp.status_code == 200
    assert [s["doc_id"] for s in resp.get_json()["sources"]] == ["afp", "reuters"]
    assert merged_client.get("/api/events/999/sources").status_code == 404


@pytest.mark.parametrize("actor", ["Russia", "Russie", "russia", "Turkey"])
def test_actor_filter_in_either_language(merged_client, actor):
    body = features(merged_client.get(f"/api/events?actor={actor}"))
    assert [f["properties"]["doc_id"] for f in body["features"]] == ["afp"]


def test_unmerge_needs_the_token_and_splits_the_event(merged_client):
    [meeting] = features(merged_client.get("/api/events?actor=Russia"))["features"]
    url = f"/api/events/{meeting['id']}/unmerge"
    assert merged_client.post(url).status_code == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    resp = merged_client.post(url, headers=auth)
    assert resp.status_code == 200 and resp.get_json()["event_id"] == meeting["id"]
    assert features(merged_client.get("/api/events"))["numberMatched"] == 3
    again = merged_client.post(url, headers=auth)  # nothing merged now: the state refuses it
    assert again.status_code == 409 and "not merged" in again.get_json()["error"]


def test_popup_says_what_a_province_marker_stands_for(merged_client):
    data = map_data(merged_client)
    popup = popup_of(data, "Tin-Barkoudou")
    assert "Location: <b>Tin-Barkoudou</b>, shown at Alep" in popup
    assert "stands for the whole province" in popup
    assert "(“douze civils”)" in popup
    meeting = popup_of(data, "Poutine")
    assert "Also reported by" in meeting and "reuters" in meeting


def test_document_page_says_where_its_event_was_merged(merged_client):
    page = merged_client.get("/documents/reuters").get_data(as_text=True)
    assert "merged into" in page and "/sources" in page and "same family (diplomacy)" in page
    page = merged_client.get("/documents/afp").get_data(as_text=True)
    assert 'Also reported by <a href="/documents/reuters">reuters</a>' in page
    page = merged_client.get("/documents/vac").get_data(as_text=True)
    assert "Tin-Barkoudou, shown at" in page and "(“douze civils”)" in page

"""OGC API – Features under /ogcapi: the conformance rules through Flask's test client, then the
real clients a GIS user has (GDAL's OAPIF driver in the pyogrio wheel, OWSLib) against the app
served by waitress on a loopback port (in a process of its own)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.web_fixtures import HOSTILE, HOSTILE_IMG, build_extracted, make_store, sample_store
from web import create_app

ALEPPO = (37.16, 36.20)  # lon, lat
SYRIA_BOX = "35.5,32.3,42.4,37.4"
CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"


store = sample_store("ogc")


@pytest.fixture(scope="module")
def app(store, gazetteer_path):
    return create_app({"STORE": store, "GAZETTEER": gazetteer_path, "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


def get_json(client, url, status=200, mimetype=None):
    resp = client.get(url)
    assert resp.status_code == status, resp.data[:500]
    if mimetype:
        assert resp.mimetype == mimetype
    return resp.get_json()


def rels(links) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for link in links:
        assert {"href", "rel", "type"} <= set(link), link
        out.setdefault(link["rel"], []).append(link)
    return out


def all_items(client, url) -> list[dict]:
    """Every feature, following the next links from ``url``."""
    feats, seen = [], set()
    while url:
        assert url not in seen
        seen.add(url)
        body = get_json(client, url, mimetype="application/geo+json")
        assert body["numberReturned"] == len(body["features"])
        feats += body["features"]
        nxt = rels(body["links"]).get("next")
        url = nxt[0]["href"] if nxt else None
    return feats


# -- landing page, conformance, API definition ---------------------------------------------------
def test_landing_page_links_to_the_definition_the_conformance_and_the_data(client):
    body = get_json(client, "/ogcapi", mimetype="application/json")
    links = rels(body["links"])
    for rel in ("self", "alternate", "service-desc", "conformance", "data"):
        assert rel in links, rel
    assert links["self"][0]["type"] == "application/json"
    assert links["alternate"][0]["type"] == "text/html"
    assert links["service-desc"][0]["type"].startswith("application/vnd.oai.openapi+json")
    for rel in ("service-desc", "conformance", "data"):
        assert client.get(links[rel][0]["href"]).status_code == 200
    assert client.get("/ogcapi/").status_code == 200


def test_conformance_declares_core_geojson_html_and_oas30(client):
    body = get_json(client, "/ogcapi/conformance")
    assert set(body["conformsTo"]) == {CORE + c for c in ("core", "geojson", "html", "oas30")}


def test_the_api_definition_is_the_apps_openapi_document_with_every_ogc_operation(client):
    resp = client.get("/ogcapi/api")
    assert resp.status_code == 200
    assert resp.mimetype == "application/vnd.oai.openapi+json"
    doc = resp.get_json()
    assert doc == client.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.0")
    paths = doc["paths"]
    assert "/api/events" in paths  # the rest of the API is still there
    for cid in ("events", "statements", "places"):
        items = paths[f"/ogcapi/collections/{cid}/items"]["get"]
        names = {p["name"]: p for p in items["parameters"]}
        assert {"bbox", "datetime", "limit", "f"} <= set(names)
        assert names["limit"]["schema"]["default"] == 100
        assert names["limit"]["schema"]["maximum"] == 10000
        assert f"/ogcapi/collections/{cid}/items/{{featureId}}" in paths
    filters = {p["name"] for p in paths["/ogcapi/collections/events/items"]["get"]["parameters"]}
    assert {"type", "actor", "place", "q"} <= filters
    refs = re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', str(doc).replace("'", '"'))
    for section, name in refs:  # every reference resolves
        assert name in doc["components"][section], (section, name)


# -- collections ---------------------------------------------------------------------------------
def test_collections_have_extents_from_the_store_item_type_and_crs84(client, store):
    body = get_json(client, "/ogcapi/collections")
    assert rels(body["links"])["self"][0]["href"].endswith("/ogcapi/collections?f=json")
    by_id = {c["id"]: c for c in body["collections"]}
    assert set(by_id) == {"events", "statements", "places"}
    rows, _ = store.events(limit=1000)
    lons = [r["lon"] for r in rows if r["lon"] is not None]
    lats = [r["lat"] for r in rows if r["lat"] is not None]
    days = sorted(r["date"] for r in rows if r["date"])
    for c in by_id.values():
        assert c["itemType"] == "feature"
        assert c["crs"] == ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]
        assert c["extent"]["spatial"]["crs"].endswith("CRS84")
        links = rels(c["links"])
        assert {link["type"] for link in links["items"]} == {"application/geo+json", "text/html"}
        assert get_json(client, links["self"][0]["href"])["id"] == c["id"]
    w, s, e, n = by_id["events"]["extent"]["spatial"]["bbox"][0]
    assert w <= min(lons) and e >= max(lons) and s <= min(lats) and n >= max(lats)
    assert min(lons) - w < 0.01 and e - max(lons) < 0.01  # tight, not the whole world
    first, last = by_id["events"]["extent"]["temporal"]["interval"][0]
    assert first <= days[0] + "T00:00:00Z" and last >= days[-1] + "T00:00:00Z"
    assert first[:4] >= "2000"
    assert get_json(client, "/ogcapi/collections/events")["extent"] == by_id["events"]["extent"]


def test_the_events_extent_read_from_the_store_agrees_with_counting(store):
    """The store's ``event_extent`` (read from its counts and date index) and the halving of
    its filters (what any store can do) give the same extent, to the 0.001° steps."""
    from web.ogcapi.collections import COLLECTIONS, _extent_by_counts, extent

    events = COLLECTIONS["events"]
    fast = extent(events, store)
    box, (first, last) = _extent_by_counts(events, store)  # what any store's filters tell
    assert fast["temporal"]["interval"] == [[f"{first}T00:00:00Z", f"{last}T23:59:59Z"]]
    assert fast["spatial"]["bbox"][0] == pytest.approx(list(box), abs=0.0021)
    rows, _ = store.events(limit=1000)
    w, s, e, n = fast["spatial"]["bbox"][0]
    assert all(w <= r["lon"] <= e and s <= r["lat"] <= n for r in rows if r["lon"] is not None)


def test_an_extent_follows_the_store_once_its_counts_change(
    gaz, gazetteer_path, tmp_path, monkeypatch
):
    """Served from the app's cache while the store's counts stay the same (read at most every
    EXTENT_RECHECK_S seconds), computed again once they change."""
    import web.ogcapi
    from tests.test_export_formats import _month_in_bamako

    st = make_store(tmp_path / "store.sqlite", build_extracted(gaz))
    app = create_app({"STORE": st, "GAZETTEER": gazetteer_path, "TESTING": True})
    c = app.test_client()
    before = get_json(c, "/ogcapi/collections/events")["extent"]
    st.add(_month_in_bamako(gaz))  # west of every other event, in 2023
    assert get_json(c, "/ogcapi/collections/events")["extent"] == before  # within 30 s: cached
    monkeypatch.setattr(web.ogcapi, "EXTENT_RECHECK_S", 0)
    after = get_json(c, "/ogcapi/collections")["collections"][0]["extent"]
    assert after["spatial"]["bbox"][0][0] < -7.9 < before["spatial"]["bbox"][0][0]
    assert after["temporal"]["interval"][0][0] < before["temporal"]["interval"][0][0]
    st.close()


def _undated_in(gaz, place_id: str):
    from geo.model import DateValue, Document, Event
    from geo.pipeline import Extracted

    text = "Des combats ont eu lieu à Sotchi."
    ev = Event("Battles", None, text, 0, len(text), place=gaz.get(place_id), place_precision="city")
    return Extracted(Document("undated", text, "fr"), "fr", DateValue(None), (), (ev,), ())


def test_number_matched_of_a_bbox_and_dates_is_the_number_of_items(gaz, tmp_path):
    """The store counts a bbox (+ a closed date interval) from its R*Tree alone; the count must
    be the rows' count whatever the events: undated, without a place, month-precise, merged
    into another (two reports of one meeting), across the antimeridian."""
    import itertools

    from tests.test_export_formats import _month_in_bamako, _unlocated
    from tests.test_store import SOCHI, report

    st = make_store(tmp_path / "store.sqlite", build_extracted(gaz))
    for x in (
        _unlocated(),
        _month_in_bamako(gaz),
        report(gaz, "m1", "Rencontre à Sotchi mardi.", SOCHI, "2024-09-03"),
        report(gaz, "m2", "Meeting in Sochi on Tuesday.", SOCHI, "2024-09-03"),
        _undated_in(gaz, SOCHI),
    ):
        st.add(x)
    rows, _ = st.events(limit=1000)
    assert any(r["merged_into"] is None and r["n_sources"] == 2 for r in rows)  # m2 merged
    assert any(r["date"] is None and r["lon"] is not None for r in rows)  # located, undated
    boxes = [
        (-180, -90, 180, 90), (35.5, 32.3, 42.4, 37.4), (36, 35, 38, 37), (-10, 5, 45, 50),
        (170, -90, -170, 90), (39.7, 43.5, 39.8, 43.7), (0, 0, 1, 1),
    ]  # fmt: skip
    days = [
        (None, None), ("2024-01-01", "2024-12-31"), ("2024-03-10", "2024-03-10"),
        ("2023-11-15", "2023-11-15"), ("2024-09-03", "2024-09-03"), ("2024-01-05", "2024-02-27"),
        ("2000-01-01", "2023-10-31"),
    ]  # fmt: skip
    for box, (start, end) in itertools.product(boxes, days):
        _, total = st.events(bbox=box, start=start, end=end, limit=0)
        listed = list(st.iter_events(bbox=box, start=start, end=end))  # the SQL filter
        assert total == len(listed), (box, start, end)
    st.close()


def test_an_event_read_by_its_id_is_the_row_its_document_lists(store):
    """The store's ``event`` (one row by its id, what the item page reads) gives the row the
    event's document lists; a report merged into another event and an unknown id are 404."""
    from geo.errors import NotFoundError
    from web.ogcapi.collections import COLLECTIONS, get_item

    events = COLLECTIONS["events"]
    rows, _ = store.events(limit=1000)
    for row in rows:
        doc_id = store.sources(row["id"])[0]["doc_id"]
        listed = next(e for e in store.document(doc_id)["events"] if e["id"] == row["id"])
        assert get_item(events, store, row["id"]) == listed
    for missing in (0, max(r["id"] for r in rows) + 1):
        with pytest.raises(NotFoundError):
            get_item(events, store, missing)


def test_an_unknown_collection_or_feature_is_404_with_a_json_message(client):
    for url in (
        "/ogcapi/collections/nope",
        "/ogcapi/collections/nope/items",
        "/ogcapi/collections/events/items/999999",
        "/ogcapi/collections/events/items/abc",
        "/ogcapi/collections/places/items/gn:1",
    ):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert resp.mimetype == "application/json"
        assert resp.get_json()["description"]


# -- items ---------------------------------------------------------------------------------------
def test_items_are_geojson_with_counts_and_links(client, store):
    body = get_json(client, "/ogcapi/collections/events/items", mimetype="application/geo+json")
    _, total = store.events(limit=0)
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == total
    assert body["numberReturned"] == len(body["features"]) == min(total, 100)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timeStamp"])
    links = rels(body["links"])
    assert links["self"][0]["type"] == "application/geo+json"
    assert links["alternate"][0]["type"] == "text/html"
    for f in body["features"]:
        assert f["geometry"] is None or f["geometry"]["type"] == "Point"
        assert "lat" not in f["properties"]


def test_paging_by_next_and_prev_links_reaches_every_item_once(client, store):
    _, total = store.events(limit=0)
    feats = all_items(client, "/ogcapi/collections/events/items?limit=3&type=")
    assert len(feats) == total
    assert len({f["id"] for f in feats}) == total
    page2 = get_json(client, "/ogcapi/collections/events/items?limit=3&offset=3")
    prev = rels(page2["links"])["prev"][0]["href"]
    assert parse_qs(urlsplit(prev).query)["offset"] == ["0"]
    first = get_json(client, prev)
    assert "prev" not in rels(first["links"])
    assert [f["id"] for f in first["features"]] == [f["id"] for f in feats[:3]]
    last = get_json(client, f"/ogcapi/collections/events/items?limit=3&offset={total - 1}")
    assert last["numberReturned"] == 1 and "next" not in rels(last["links"])


def test_limit_has_a_default_a_maximum_and_a_minimum(client):
    assert get_json(client, "/ogcapi/collections/events/items?limit=10000")["numberReturned"]
    for bad in ("0", "-1", "x", "1.5", "10001"):
        assert client.get(f"/ogcapi/collections/events/items?limit={bad}").status_code == 400


def test_bbox_selects_the_features_inside(client):
    body = get_json(client, f"/ogcapi/collections/events/items?bbox={SYRIA_BOX}&limit=1000")
    assert (
        0
        < body["numberMatched"]
        < get_json(client, "/ogcapi/collections/events/items")["numberMatched"]
    )
    for f in body["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 35.5 <= lon <= 42.4 and 32.3 <= lat <= 37.4
    six = get_json(client, "/ogcapi/collections/events/items?bbox=35.5,32.3,0,42.4,37.4,100")
    assert six["numberMatched"] == body["numberMatched"]


@pytest.mark.parametrize(
    "value",
    ["1,2,3", "a,b,c,d", "0,0,1,nan", "0,91,1,92", "0,10,1,5", "200,0,201,1", "1,2,3,4,5"],
)
def test_a_bad_bbox_is_400_with_a_json_message(client, value):
    resp = client.get(f"/ogcapi/collections/events/items?bbox={value}")
    assert resp.status_code == 400
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["code"] == "InvalidParameterValue" and "bbox" in body["description"]


def test_datetime_instants_and_closed_and_open_intervals(client, store):
    rows, total = store.events(limit=1000)
    days = sorted({r["date"] for r in rows if r["date"]})
    assert len(days) >= 2
    day = days[0]

    def matched(value):
        return get_json(client, f"/ogcapi/collections/events/items?datetime={value}")[
            "numberMatched"
        ]

    assert matched(day) == store.events(start=day, end=day, limit=0)[1] > 0
    assert matched(f"{day}T12:30:00Z") == matched(day)
    assert matched(f"{days[0]}/{days[-1]}") == store.events(start=days[0], end=days[-1])[1]
    assert matched(f"{days[-1]}/..") == store.events(start=days[-1], limit=0)[1] > 0
    assert matched(f"{days[-1]}/") == matched(f"{days[-1]}/..")
    assert matched(f"../{days[0]}") == store.events(end=days[0], limit=0)[1] > 0
    assert matched("1900-01-01/1900-12-31") == 0


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2024-13-01",
        "2024-02-30",
        "2024-03-01/2024-01-01",
        "../..",
        "2024-03-01T25:00:00Z",
        "2024-03-01T10:00:00",  # no time zone
        "2024-03-01/2024-03-02/2024-03-03",
    ],
)
def test_a_bad_datetime_is_400_with_a_json_message(client, value):
    resp = client.get(f"/ogcapi/collections/events/items?datetime={value}")
    assert resp.status_code == 400, value
    assert "datetime" in resp.get_json()["description"]


def test_an_unknown_parameter_is_400(client):
    resp = client.get("/ogcapi/collections/events/items?colour=red")
    assert resp.status_code == 400
    assert "colour" in resp.get_json()["description"]
    assert client.get("/ogcapi/collections/places/items?type=Battles").status_code == 400
    assert client.get("/ogcapi/conformance?f=xml").status_code == 400
    # a blank value is no value, as for every parameter of the service (web.params.BLANK_RULE)
    assert client.get("/ogcapi/conformance?f=").get_json()["conformsTo"]


def test_queryables_filter_like_the_api_does(client):
    for query in ("type=Battles", "actor=Russia", "place=gn:170063", "q=frappes"):
        ogc = get_json(client, f"/ogcapi/collections/events/items?{query}&limit=1000")
        api = get_json(client, f"/api/events?{query}&limit=1000")
        assert ogc["numberMatched"] == api["numberMatched"], query
        assert [f["id"] for f in ogc["features"]] == [f["id"] for f in api["features"]]
    q = get_json(client, "/ogcapi/collections/events/queryables")
    assert set(q["properties"]) == {"type", "actor", "place", "q"}
    assert set(get_json(client, "/ogcapi/collections/places/queryables")["properties"]) == {
        "place",
        "q",
    }


@pytest.mark.parametrize("cid", ["events", "statements", "places"])
def test_every_item_is_found_by_its_id(client, cid):
    feats = all_items(client, f"/ogcapi/collections/{cid}/items?limit=1000")
    assert feats
    for f in feats:
        one = get_json(
            client, f"/ogcapi/collections/{cid}/items/{f['id']}", mimetype="application/geo+json"
        )
        assert one["id"] == f["id"] and one["properties"] == f["properties"]
        links = rels(one["links"])
        assert {"self", "alternate", "collection"} <= set(links)


def test_statements_and_places_are_located_features(client):
    st = get_json(client, "/ogcapi/collections/statements/items")
    assert st["numberMatched"] > 0
    assert any(f["geometry"] for f in st["features"])
    assert all("where_lat" not in f["properties"] for f in st["features"])
    pl = get_json(client, "/ogcapi/collections/places/items?place=gn:170063")
    assert pl["features"][0]["id"] == "gn:170063"
    lon, lat = pl["features"][0]["geometry"]["coordinates"]
    assert abs(lon - ALEPPO[0]) < 0.05 and abs(lat - ALEPPO[1]) < 0.05


# -- HTML ----------------------------------------------------------------------------------------
HTML_PAGES = [
    "/ogcapi",
    "/ogcapi/conformance",
    "/ogcapi/collections",
    "/ogcapi/collections/events",
    "/ogcapi/collections/events/items",
    "/ogcapi/collections/statements/items",
    "/ogcapi/collections/places/items",
]


@pytest.mark.parametrize("url", HTML_PAGES)
def test_html_by_f_or_by_a_browsers_accept_header(client, url):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for resp in (client.get(url + "?f=html"), client.get(url, headers={"Accept": browser})):
        assert resp.status_code == 200
        assert resp.mimetype == "text/html"
        page = resp.get_data(as_text=True)
        assert page.startswith("<!doctype html>")
        csp = resp.headers["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split(";")[1]
        assert "Accept" in resp.headers.get("Vary", "")
    assert client.get(url, headers={"Accept": "application/json"}).mimetype != "text/html"
    assert client.get(url).mimetype != "text/html"  # no Accept: JSON


def test_html_pages_escape_the_articles_text(client, store):
    rows, _ = store.events(limit=1000)
    hostile = [r for r in rows if HOSTILE in (r.get("sentence") or "") or HOSTILE_IMG in str(r)]
    statements, _ = store.statements(limit=1000)
    hostile_st = [s for s in statements if HOSTILE in str(s) or HOSTILE_IMG in str(s)]
    assert hostile or hostile_st, "the fixtures carry hostile markup"
    pages = ["/ogcapi/collections/events/items?f=html&limit=1000"]
    pages += [f"/ogcapi/collections/events/items/{r['id']}?f=html" for r in hostile]
    pages += ["/ogcapi/collections/statements/items?f=html&limit=1000"]
    pages += [f"/ogcapi/collections/statements/items/{s['id']}?f=html" for s in hostile_st]
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, url
        nonces = re.findall(r"<script nonce=", page)
        assert len(nonces) == 1  # the map's own script only


def test_the_item_page_shows_its_properties_and_links_only_http_addresses(client, store):
    rows, _ = store.events(limit=1)
    page = client.get(f"/ogcapi/collections/events/items/{rows[0]['id']}?f=html")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "ogc-map" in text and "/assets/leaflet/leaflet.js" in text
    assert rows[0]["sentence"][:20].replace("'", "&#39;") in text
    assert "javascript:" not in text


# -- real clients --------------------------------------------------------------------------------
# GDAL holds the interpreter's lock while it reads, so the app is served by another process.
SERVE = """
import sys
from waitress.server import create_server
from web import create_app
app = create_app({"DB": sys.argv[1], "GAZETTEER": sys.argv[2]})
srv = create_server(app, host="127.0.0.1", port=0, threads=4)
print(srv.effective_port, flush=True)
srv.run()
"""


@pytest.fixture(scope="module")
def server(gaz, gazetteer_path, tmp_path_factory):
    pytest.importorskip("waitress.server")
    path = tmp_path_factory.mktemp("ogc-served") / "store.sqlite"
    make_store(path, build_extracted(gaz)).close()
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(path), gazetteer_path],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(proc.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_gdal_oapif_lists_the_collections_and_reads_every_event(server, store):
    pyogrio = pytest.importorskip("pyogrio")
    url = f"OAPIF:{server}/ogcapi"
    names = {name for name, _ in pyogrio.list_layers(url)}
    assert names == {"events", "statements", "places"}
    df = pyogrio.read_dataframe(url, layer="events")
    rows, total = store.events(limit=1000)
    assert len(df) == total
    assert sorted(df["type"]) == sorted(r["type"] for r in rows)
    located = df[~df.geometry.isna()]
    assert len(located) == sum(r["lon"] is not None for r in rows)
    assert located.crs.to_authority() in (("OGC", "CRS84"), ("EPSG", "4326"))
    aleppo = located[(located.geometry.x - ALEPPO[0]).abs() < 0.05]
    assert len(aleppo) and ((aleppo.geometry.y - ALEPPO[1]).abs() < 0.05).all()


def test_gdal_oapif_reads_a_bbox_subset(server, store):
    pyogrio = pytest.importorskip("pyogrio")
    box = tuple(float(v) for v in SYRIA_BOX.split(","))
    df = pyogrio.read_dataframe(f"OAPIF:{server}/ogcapi", layer="events", bbox=box)
    _, inside = store.events(bbox=box, limit=0)
    _, total = store.events(limit=0)
    assert 0 < len(df) < total
    assert len(df) == inside
    assert df.geometry.x.between(box[0], box[2]).all()
    assert df.geometry.y.between(box[1], box[3]).all()


def test_the_events_enclosures_download_every_export_format(server, store, tmp_path):
    """OGC's bulk download (``rel=enclosure``) links the events collection to each export format
    of the one declaration; downloaded from the served app, GDAL reads the GIS formats."""
    import json
    import urllib.request

    import pyogrio

    from geo.export import EXPORTS

    with urllib.request.urlopen(f"{server}/ogcapi/collections/events?f=json") as resp:
        links = rels(json.load(resp)["links"])["enclosure"]
    assert {link["type"] for link in links} == {
        f.media_type.split(";")[0] for f in EXPORTS.values()
    }
    _, total = store.events(limit=0)
    for link in links:
        name = link["href"].rsplit(".", 1)[1]
        with urllib.request.urlopen(link["href"]) as resp:
            assert resp.headers.get_content_type() == link["type"]
            body = resp.read()
        if name in ("fgb", "geojsonl", "geojson", "gpkg"):
            path = tmp_path / f"events.{name}"
            path.write_bytes(body)
            assert len(pyogrio.read_dataframe(path)) == total, name  # every event is located
    with urllib.request.urlopen(f"{server}/ogcapi/collections/places?f=json") as resp:
        assert "enclosure" not in rels(json.load(resp)["links"])


def test_owslib_collections_items_with_a_datetime_and_bbox_paging_and_one_item(server, store):
    features = pytest.importorskip("owslib.ogcapi.features")
    api = features.Features(server + "/ogcapi")
    assert {c["id"] for c in api.collections()["collections"]} == {
        "events",
        "statements",
        "places",
    }
    assert set(api.conformance()["conformsTo"]) >= {CORE + "core", CORE + "geojson"}
    assert api.collection("events")["itemType"] == "feature"

    rows, _ = store.events(limit=1000)
    days = sorted({r["date"] for r in rows if r["date"]})
    interval = f"{days[0]}/{days[-1]}"
    box = [float(v) for v in SYRIA_BOX.split(",")]
    fc = api.collection_items("events", datetime_=interval, bbox=box, limit=1000)
    _, expected = store.events(start=days[0], end=days[-1], bbox=box, limit=0)
    assert fc["numberMatched"] == expected == len(fc["features"]) > 0
    assert len(api.collection_items("events", datetime_=f"{days[-1]}/..")["features"]) > 0

    seen, offset = [], 0
    while True:  # paging to the end with the parameters the next links carry
        page = api.collection_items("events", limit=4, offset=offset)
        seen += [f["id"] for f in page["features"]]
        nxt = [link for link in page["links"] if link["rel"] == "next"]
        if not nxt:
            break
        offset = int(parse_qs(urlsplit(nxt[0]["href"]).query)["offset"][0])
    assert sorted(seen) == sorted(r["id"] for r in rows)

    one = api.collection_item("events", str(rows[0]["id"]))
    assert one["id"] == rows[0]["id"] and one["properties"]["type"] == rows[0]["type"]
    place = api.collection_item("places", "gn:170063")
    assert place["properties"]["id"] == "gn:170063"


def test_the_html_pages_draw_their_map_in_a_browser_under_the_csp(server, store):
    from tests.test_web_map import XSS_MARK, Browser, chromium_binary

    binary = chromium_binary()
    if binary is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    rows, _ = store.events(limit=1000)
    located = [r for r in rows if r["lon"] is not None]
    hostile = [r for r in rows if HOSTILE in str(r) or HOSTILE_IMG in str(r)] or located[:1]
    browser = Browser(binary)
    try:
        browser.send("Runtime.evaluate", expression="0")
        pages = [
            ("/ogcapi/collections/events/items?f=html&limit=1000", len(located)),
            *[(f"/ogcapi/collections/events/items/{r['id']}?f=html", 1) for r in hostile],
        ]
        for url, markers in pages:
            browser.events.clear()
            browser.open(server + url)
            count = "document.querySelectorAll('#ogc-map path.leaflet-interactive').length"
            browser.wait_for(f"{count} >= {markers}")
            # the countries from /data/countries.geojson are drawn too (no tiles)
            browser.wait_for(f"{count} > {markers} + 100")
            assert browser.eval("document.querySelectorAll('.leaflet-tile').length") == 0
            assert [c for c in browser.console() if c.startswith("EXCEPTION")] == []
            assert not any(XSS_MARK in c for c in browser.console()) and not browser.dialogs()
            assert all(u.startswith(server) for u in browser.requests())
    finally:
        browser.close()


def test_a_report_merged_into_another_event_is_no_item_of_its_own(gaz, gazetteer_path, tmp_path):
    st = make_store(tmp_path / "merged.sqlite", build_extracted(gaz))
    try:
        rows, total = st.events(limit=1000)
        report, into = rows[-1]["id"], rows[-2]["id"]
        st.merge(report, into)
        client = create_app({"STORE": st, "GAZETTEER": gazetteer_path}).test_client()
        assert client.get(f"/ogcapi/collections/events/items/{report}").status_code == 404
        merged = get_json(client, f"/ogcapi/collections/events/items/{into}")
        assert merged["properties"]["n_sources"] == 2
        listed = [f["id"] for f in all_items(client, "/ogcapi/collections/events/items?limit=5")]
        assert len(listed) == total - 1 and report not in listed
    finally:
        st.close()

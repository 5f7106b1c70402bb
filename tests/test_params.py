"""The query parameters, declared once in web.params: what the OpenAPI document says about each
one is what the routes do (a value the document forbids is a 400, a blank value is no value, on
every route), and one rule and one wording for a bbox across the command line, the API, the
snapshot, OGC API and the store, a box across the antimeridian included."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.errors import InputError
from geo.store.base import parse_bbox
from tests.test_store import report
from tests.web_fixtures import build_extracted, make_store
from web import create_app

SUVA, APIA = "gn:2198148", "gn:4035413"  # Fiji (178.4 E) and Samoa (171.8 W)
PACIFIC = "170,-25,-170,-5"  # across the antimeridian: Suva and Apia, nothing else


@pytest.fixture(scope="module")
def store_path(gaz, tmp_path_factory):
    path = tmp_path_factory.mktemp("params") / "store.sqlite"
    extra = [
        report(gaz, "suva", "Des combats ont eu lieu à Suva.", SUVA, "2024-05-02",
               type_="Battles", subtype="Armed clash", actors=()),
        report(gaz, "apia", "Des combats ont eu lieu à Apia.", APIA, "2024-05-03",
               type_="Battles", subtype="Armed clash", actors=()),
    ]  # fmt: skip
    st = make_store(path, build_extracted(gaz) + extra)
    st.close()
    return path


@pytest.fixture(scope="module")
def app(store_path, gazetteer_path):
    from geo.store import open_store

    st = open_store(store_path)
    yield create_app({"STORE": st, "GAZETTEER": gazetteer_path, "TESTING": True})
    st.close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/openapi.json").get_json()


def _query_params(spec: dict, op: dict) -> list[dict]:
    out = []
    for p in op.get("parameters", []):
        if "$ref" in p:
            p = spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
        if p["in"] == "query":
            out.append(p)
    return out


def _valid(value: object, schema: dict) -> bool:
    """JSON Schema's reading of the keywords the document's parameters use (no validator
    among the test dependencies)."""
    if "anyOf" in schema and not any(_valid(value, s) for s in schema["anyOf"]):
        return False
    kind = schema.get("type")
    if kind == "integer" and not (isinstance(value, int) and not isinstance(value, bool)):
        return False
    if kind == "string" and not isinstance(value, str):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return False
        if len(value) > schema.get("maxLength", len(value)):
            return False
    return not isinstance(value, int) or (
        schema.get("minimum", value) <= value <= schema.get("maximum", value)
    )


def _documented(value: str, schema: dict) -> bool:
    """Whether the document allows ``value`` in the query, read as a client serialises it (an
    integer as its digits)."""
    candidates: list[object] = [value]
    if re.fullmatch(r"-?[0-9]+", value) and str(int(value)) == value:
        candidates.append(int(value))
    return any(_valid(v, schema) for v in candidates)


PROBES = [
    "", " ", "\t", "\u2003", "x", "0", "5", "-1", "1001", "10001", " 5", "+5", "05",
    "2024-01-01", " 2024-01-01 ", "2024-1-1", "2024-13-01", "35.5,32.3,42.4,37.4",
    " 35 , 32 , 43 , 38 ", PACIFIC, "1,2,3", "1,2,3,4,5", "a\x01b", "\x1c", "x" * 201, "fr", "FR",
    " en ", "de", "events", "events,places", "events,,places", "json", "html", "1", "true",
    "banana", "http://www.opengis.net/def/crs/OGC/1.3/CRS84", "day", "2016-01-01/..", "/",
    "a4", "print", "fatalities",
]  # fmt: skip


def _operations(spec: dict):
    for path, ops in spec["paths"].items():
        if "get" in ops and "{" not in path:
            yield path, ops["get"]


def test_a_value_the_document_forbids_is_a_400_on_every_operation(client, spec):
    """What schemathesis checks in ``make stress``, on every GET operation and every query
    parameter: a value outside the parameter's schema is refused (4xx, JSON). A value the
    schema allows is answered 200, or 400 for a rule a schema cannot say (a real date...)."""
    slow = re.compile(r"^/snapshot\.|^/export/events\.(?!csv|geojson$)")  # drawn, or a file
    checked = refused = 0
    for path, op in _operations(spec):
        for p in _query_params(spec, op):
            for value in PROBES:
                documented = _documented(value, p["schema"])
                if documented and slow.match(path):
                    continue
                resp = client.get(path, query_string={p["name"]: value}, buffered=True)
                checked += 1
                where = (path, p["name"], value, resp.status_code, resp.data[:200])
                if documented:
                    assert resp.status_code in (200, 400), where
                else:
                    refused += 1
                    assert 400 <= resp.status_code < 500, where
                    assert resp.mimetype == "application/json", where
    assert checked > 1000 and refused > 300


@pytest.mark.parametrize("blank", ["", " ", "\t \n"])
def test_a_blank_value_is_no_value_on_every_operation(client, spec, blank):
    """Every query parameter of every GET operation given blank answers as if it were absent
    (the document's info says so, and each blank value is allowed by its schema)."""
    assert (
        "whitespace-only value is the same as leaving the parameter out"
        in (spec["info"]["description"])
    )
    for path, op in _operations(spec):
        names = [p["name"] for p in _query_params(spec, op)]
        for p in _query_params(spec, op):
            assert _documented(blank, p["schema"]), (path, p["name"])
        if path.startswith("/snapshot.") and path != "/snapshot.svg":
            continue  # one format is enough to draw
        base = {"width": "100", "height": "100"} if path.startswith("/snapshot.") else {}
        given = {**{n: blank for n in names}, **base}
        plain = client.get(path, query_string=base, buffered=True)  # a streamed export's
        blanked = client.get(path, query_string=given, buffered=True)  # slot is then let go
        assert blanked.status_code == plain.status_code == 200, (path, blanked.data[:300])
        if plain.mimetype.endswith("json"):
            a, b = plain.get_json(), blanked.get_json()
            for body in (a, b):
                if isinstance(body, dict):
                    body.pop("links", None), body.pop("timeStamp", None), body.pop("next", None)
            assert a == b, path


def test_integers_are_digits_and_names_are_read_without_spaces(client):
    assert client.get("/api/events?limit=%205").status_code == 400
    assert client.get("/api/events?limit=5").get_json()["numberReturned"] == 5
    assert client.get("/api/events?limit=").get_json()["numberReturned"] > 5  # the default
    assert client.get("/api/events?type=%20Battles%20").get_json()["numberMatched"] >= 2
    assert client.get("/ogcapi/conformance?f=%20json%20").status_code == 200
    assert client.get("/snapshot.svg?width=100&height=100&inset=banana").status_code == 400


# -- one bbox rule ------------------------------------------------------------------------------
BAD_BOXES = ["1,2,3", "a,b,c,d", "0,-95,10,10", "0,20,10,10", "nan,0,1,1", "200,0,201,1"]


def _cli(*args: str, gazetteer_path: str):
    return CliRunner().invoke(main, list(args), env={"CONFLICTMAP_GAZETTEER": gazetteer_path})


@pytest.mark.parametrize("bad", BAD_BOXES)
def test_one_wording_for_a_bad_bbox_everywhere(client, store_path, gazetteer_path, tmp_path, bad):
    with pytest.raises(InputError) as exc:
        parse_bbox(bad)
    words = exc.value.message
    assert words.startswith("bbox ")
    for url in (
        "/api/events", "/api/places", "/export/events.csv", "/snapshot.png", "/map/timeline.json",
    ):  # fmt: skip
        resp = client.get(url, query_string={"bbox": bad})
        assert resp.status_code == 400 and resp.get_json()["error"] == words, url
    ogc = client.get("/ogcapi/collections/events/items", query_string={"bbox": bad})
    assert ogc.status_code == 400
    if bad != "1,2,3":  # OGC's bbox may also have six numbers: its own first words
        assert ogc.get_json()["description"] == words
    db = str(store_path)
    for args in (
        ["export", "--db", db, "-o", str(tmp_path / "x.csv"), "--bbox", bad],
        ["snapshot", "--db", db, "-o", str(tmp_path / "x.png"), "--bbox", bad],
    ):
        result = _cli(*args, gazetteer_path=gazetteer_path)
        assert result.exit_code != 0 and words in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_a_box_across_the_antimeridian_finds_both_sides(
    client, store_path, gazetteer_path, tmp_path
):
    """min_lon > max_lon is the box from min_lon east across 180 to max_lon: the API, OGC API,
    the timeline and the command line's export find the events on both sides, and only them."""
    body = client.get(f"/api/events?bbox={PACIFIC}").get_json()
    assert sorted(f["properties"]["doc_id"] for f in body["features"]) == ["apia", "suva"]
    lons = [f["geometry"]["coordinates"][0] for f in body["features"]]
    assert min(lons) < -170 and max(lons) > 170
    ogc = client.get(f"/ogcapi/collections/events/items?bbox={PACIFIC}").get_json()
    assert ogc["numberMatched"] == 2
    assert client.get(f"/map/timeline.json?bbox={PACIFIC}").get_json()["events"] == 2
    west_of_180 = client.get("/api/events?bbox=170,-25,180,-5").get_json()
    assert [f["properties"]["doc_id"] for f in west_of_180["features"]] == ["suva"]
    out = tmp_path / "pacific.csv"
    result = _cli(
        "export", "--db", str(store_path), "-o", str(out), "--bbox", PACIFIC,
        gazetteer_path=gazetteer_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = out.read_text(encoding="utf-8").strip().splitlines()
    assert len(rows) == 3 and any("Suva" in r for r in rows) and any("Apia" in r for r in rows)


def test_a_snapshot_across_the_antimeridian_says_how_to_ask(
    client, store_path, gazetteer_path, tmp_path
):
    """A snapshot cannot draw a box across 180: 400 (and one line from the command line) that
    names the two boxes to ask for instead; each of them is drawn."""
    resp = client.get(f"/snapshot.png?bbox={PACIFIC}&width=100&height=100")
    assert resp.status_code == 400
    words = resp.get_json()["error"]
    assert "antimeridian" in words and "170,-25,180,-5" in words and "-180,-25,-170,-5" in words
    result = _cli(
        "snapshot", "--db", str(store_path), "-o", str(tmp_path / "p.png"), "--bbox", PACIFIC,
        gazetteer_path=gazetteer_path,
    )  # fmt: skip
    assert result.exit_code != 0 and words in result.output
    assert not (tmp_path / "p.png").exists()
    for side in ("170,-25,180,-5", "-180,-25,-170,-5"):
        drawn = client.get(f"/snapshot.png?bbox={side}&width=100&height=100")
        assert drawn.status_code == 200 and drawn.data[:4] == b"\x89PNG"


def test_the_document_says_the_bbox_rule(spec):
    bbox = spec["components"]["parameters"]["bbox"]
    assert "antimeridian" in bbox["description"] and "170,-20,-170,-10" in bbox["description"]
    [snap_bbox] = [
        p for p in spec["paths"]["/snapshot.png"]["get"]["parameters"] if p.get("name") == "bbox"
    ]
    assert "antimeridian" in snap_bbox["description"] and "400" in snap_bbox["description"]


def test_the_map_pages_json_endpoints_are_in_the_document(app, spec):
    """The map page's JSON endpoints are documented with the parameters they read, so
    schemathesis and the probes above reach them."""
    json_routes = {
        r.rule
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("timeline.") and r.rule.endswith(".json")
    }  # the map's JSON endpoints, walked from the app's URL map
    assert len(json_routes) >= 4
    assert json_routes <= set(spec["paths"]), json_routes - set(spec["paths"])
    names = {p.get("name") for p in spec["paths"]["/map/countries.json"]["get"]["parameters"]}
    assert {"view", "lang"} <= names


def test_an_event_id_past_the_stores_integers_is_404_not_500(client, spec):
    """schemathesis sent /api/events/9491104952190355456/sources: SQLite cannot hold the number
    and the answer was a 500. The document bounds the id; past it there is no such event."""
    [param] = spec["paths"]["/api/events/{id}/sources"]["get"]["parameters"]
    top = param["schema"]["maximum"]
    assert top == 2**63 - 1
    for eid in (top + 1, 9491104952190355456, 10**30):
        resp = client.get(f"/api/events/{eid}/sources")
        assert resp.status_code == 404 and "no event with id" in resp.get_json()["error"]

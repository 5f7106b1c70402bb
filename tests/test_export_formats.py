"""The export formats a GIS reads fastest (FlatGeobuf, GeoJSON Text Sequences) and KML, read back
by their real readers: GDAL (pyogrio) for the downloads of the real Flask app over a real SQLite
store, the standard library's XML parser for KML; one declaration of the formats read by the
route, the command line and the OpenAPI document; and exports bounded in number (503 past the
slots, with Retry-After)."""

from __future__ import annotations

import html.parser
import json
import xml.etree.ElementTree as ET

import pyogrio
import pytest
from click.testing import CliRunner

from geo.cli_store import export_cmd
from geo.errors import ConfigError
from geo.export import EXPORTS, LAYER_FIELDS, RS, export_events
from geo.model import DateValue, Document, Event
from geo.pipeline import Extracted
from tests.web_fixtures import HOSTILE, HOSTILE_IMG, build_extracted, make_store
from web import create_app
from web.limits import SLOTS

KML = "{http://www.opengis.net/kml/2.2}"
ALEPPO = (37.16, 36.20)
SYRIA_BOX = (35.5, 32.3, 42.4, 37.4)
# what the layer a GIS gets must carry (issue 13, item 4)
USEFUL = (
    "type", "subtype", "date", "date_precision", "time_precision", "geo_precision", "actors",
    "fatalities", "place_name", "admin1_name", "sentence", "doc_title", "doc_url",
)  # fmt: skip
HOSTILE_SENTENCE = f'{HOSTILE} & {HOSTILE_IMG} ]]> "quoted" \x0b\x01 ends here.'


def _unlocated() -> Extracted:
    """One event without a place, with hostile text and characters XML forbids."""
    text = f"Dans un lieu inconnu, {HOSTILE_SENTENCE}"
    return Extracted(
        Document(
            "doc-nowhere",
            text,
            "fr",
            published="2024-05-02",
            title=f"{HOSTILE} & co",
            url="javascript:alert(1)",
        ),
        "fr",
        DateValue("2024-05-02", "day"),
        (),
        (
            Event(
                "Battles",
                None,
                HOSTILE_SENTENCE,
                0,
                len(text),
                date=DateValue("2024-05", "month"),
                actors=(HOSTILE_IMG,),
            ),
        ),
        (),
    )


def _month_in_bamako(gaz) -> Extracted:
    """A located event dated to a month (``2023-11``), west of Greenwich."""
    text = "En novembre, des affrontements ont eu lieu près de Bamako."
    bamako = gaz.candidates("Bamako", lang="fr")[0].place
    return Extracted(
        Document("doc-bamako", text, "fr", published="2023-12-01", title="Mali"),
        "fr",
        DateValue("2023-12-01", "day"),
        (),
        (
            Event(
                "Battles",
                "Armed clash",
                text,
                0,
                len(text),
                date=DateValue("2023-11", "month", "En novembre"),
                place=bamako,
                place_precision="city",
            ),
        ),
        (),
    )


@pytest.fixture(scope="module")
def store(gaz, tmp_path_factory):
    docs = [*build_extracted(gaz), _unlocated(), _month_in_bamako(gaz)]
    st = make_store(tmp_path_factory.mktemp("formats") / "store.sqlite", docs)
    yield st
    st.close()


@pytest.fixture(scope="module")
def app(store, gazetteer_path):
    return create_app({"STORE": store, "GAZETTEER": gazetteer_path, "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def reference(app) -> dict[int, dict]:
    """The GeoJSON export's Features by id: what every other layer must say."""
    resp = app.test_client().get("/export/events.geojson")
    assert resp.status_code == 200, resp.data[:300]
    return {f["id"]: f for f in json.loads(resp.data)["features"]}


def download(client, url: str, tmp_path, name: str, media: str):
    resp = client.get(url, buffered=True)
    assert resp.status_code == 200, resp.data[:300]
    assert resp.mimetype == media
    assert f"filename={name}" in resp.headers["Content-Disposition"]
    path = tmp_path / name
    path.write_bytes(resp.data)
    return path


# -- FlatGeobuf -------------------------------------------------------------------------------
def test_flatgeobuf_download_reads_in_gdal_with_the_geojson_layers_content(
    client, tmp_path, reference
):
    path = download(client, "/export/events.fgb", tmp_path, "events.fgb", "application/flatgeobuf")
    info = pyogrio.read_info(path)
    assert info["driver"] == "FlatGeobuf" and info["geometry_type"] == "Point"
    assert info["capabilities"]["fast_spatial_filter"]  # the spatial index is there
    assert sorted(info["fields"]) == sorted(name for name, _ in LAYER_FIELDS)
    df = pyogrio.read_dataframe(path)
    assert df.crs.to_epsg() == 4326
    located = {i for i, f in reference.items() if f["geometry"] is not None}
    assert set(df["id"]) == located and len(located) == len(reference) - 1  # unlocated: left out
    for col in USEFUL:
        assert col in df.columns, col
    for _, row in df.iterrows():
        props = reference[row["id"]]["properties"]
        lon, lat = reference[row["id"]]["geometry"]["coordinates"]
        assert (row.geometry.x, row.geometry.y) == pytest.approx((lon, lat))
        for col in ("type", "subtype", "sentence", "doc_title", "place_name", "admin1_name"):
            assert (None if row[col] != row[col] else row[col]) == props[col], col
        assert json.loads(row["actors"]) == props["actors"]  # lists as JSON text
        assert row["date"] == props["date"]  # text: 2023-11 is a month
        assert row["time_precision"] == props["time_precision"]
        assert row["geo_precision"] == props["geo_precision"]
    hostile = df[df["doc_id"] == "doc-hostile"].iloc[0]
    assert HOSTILE in hostile["sentence"] and json.loads(hostile["actors"]) == [HOSTILE_IMG]
    # a bbox read uses the index: only the Syrian events
    syria = pyogrio.read_dataframe(path, bbox=SYRIA_BOX)
    inside = {i for i in located if _inside(reference[i], SYRIA_BOX)}
    assert set(syria["id"]) == inside and 0 < len(inside) < len(located)


def _inside(feature: dict, box) -> bool:
    lon, lat = feature["geometry"]["coordinates"]
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def test_flatgeobuf_of_no_event_is_an_empty_layer_with_its_columns(client, tmp_path):
    path = download(
        client,
        "/export/events.fgb?place=Atlantis",
        tmp_path,
        "events.fgb",
        "application/flatgeobuf",
    )
    df = pyogrio.read_dataframe(path)
    assert len(df) == 0 and "sentence" in df.columns
    # filters matching only the event without a place: nothing to index, an empty layer too
    resp = client.get("/export/events.fgb?start=2024-05-01&end=2024-05-31", buffered=True)
    path.write_bytes(resp.data)
    assert resp.status_code == 200 and len(pyogrio.read_dataframe(path)) == 0


# -- GeoJSON Text Sequences -------------------------------------------------------------------
def test_geojson_text_sequence_is_rfc8142_and_reads_in_gdal(client, tmp_path, reference):
    resp = client.get("/export/events.geojsonl", buffered=False)
    assert resp.status_code == 200 and resp.is_streamed
    assert resp.mimetype == "application/geo+json-seq"
    body = b"".join(resp.response).decode("utf-8")
    resp.close()
    records = body.split(RS)
    assert records[0] == ""  # every text starts with RS ...
    assert all(r.endswith("\n") and r.count("\n") == 1 for r in records[1:])  # ... ends with LF
    features = [json.loads(r) for r in records[1:]]
    assert {f["id"]: f for f in features} == reference  # the GeoJSON export's Features, all
    path = download(
        client, "/export/events.geojsonl", tmp_path, "events.geojsonl", "application/geo+json-seq"
    )
    df = pyogrio.read_dataframe(path)
    assert pyogrio.read_info(path)["driver"] == "GeoJSONSeq"
    assert len(df) == len(reference) and df.crs.to_epsg() == 4326
    for col in USEFUL:
        assert col in df.columns, col
    aleppo = df[df["place_id"] == "gn:170063"].iloc[0]
    assert (aleppo.geometry.x, aleppo.geometry.y) == pytest.approx(ALEPPO, abs=0.01)
    url = "/export/events.geojsonl?type=Battles&bbox=35.5,32.3,42.4,37.4"
    filtered = client.get(url, buffered=True).data
    assert 0 < filtered.count(RS.encode()) < len(reference)


# -- KML --------------------------------------------------------------------------------------
def test_kml_has_one_placemark_per_event_and_hostile_text_stays_text(client, reference):
    resp = client.get("/export/events.kml", buffered=True)
    assert resp.status_code == 200 and resp.mimetype == "application/vnd.google-earth.kml+xml"
    root = ET.fromstring(resp.data)  # the standard library's parser: well-formed
    placemarks = root.findall(f"{KML}Document/{KML}Placemark")
    assert len(placemarks) == len(reference)
    by_id = {}
    for pm in placemarks:
        data = {
            d.get("name"): d.text for d in pm.iter(f"{KML}SimpleData")
        }  # ExtendedData, typed by the document's Schema
        by_id[int(data["id"])] = (pm, data)
        for el in (pm.find(f"{KML}name"), pm.find(f"{KML}description")):
            assert el is not None and len(el) == 0  # text only: no element inside
    assert set(by_id) == set(reference)
    schema = {f.get("name") for f in root.iter(f"{KML}SimpleField")}
    assert schema == {name for name, _ in LAYER_FIELDS}
    for fid, feature in reference.items():
        pm, data = by_id[fid]
        props = feature["properties"]
        for col in ("type", "sentence", "doc_title", "place_name", "admin1_name", "date"):
            if props[col] is not None:
                assert data[col] == _xml_clean(str(props[col])), col
        assert data.get("actors") == ("; ".join(props["actors"]) or None)  # empty: omitted
        point = pm.find(f"{KML}Point/{KML}coordinates")
        if feature["geometry"] is None:
            assert point is None
        else:
            lon, lat = map(float, point.text.split(","))
            assert (lon, lat) == pytest.approx(tuple(feature["geometry"]["coordinates"]))
        when = pm.find(f"{KML}TimeStamp/{KML}when")
        assert (when is None) == (props["date"] is None)
    # a month-precise date is a month in KML's time (xsd:gYearMonth)
    nowhere_pm, nowhere = next(v for v in by_id.values() if v[1]["doc_id"] == "doc-nowhere")
    assert nowhere_pm.find(f"{KML}TimeStamp/{KML}when").text == "2024-05"
    assert nowhere["sentence"] == _xml_clean(HOSTILE_SENTENCE)  # the raw text, as data
    # the description is HTML (Google Earth renders it): the hostile text is escaped inside
    # it, and a javascript: address is no link
    desc = nowhere_pm.find(f"{KML}description").text
    tags = _tags(desc)
    assert not {"script", "img"} & {t for t, _ in tags}
    assert not any(t == "a" for t, _ in tags)
    assert "&lt;script&gt;" in desc and HOSTILE not in desc
    hostile_pm, _ = next(v for v in by_id.values() if v[1]["doc_id"] == "doc-hostile")
    assert not {"script", "img"} & {t for t, _ in _tags(hostile_pm.find(f"{KML}description").text)}
    linked = next(v for v in by_id.values() if v[1]["doc_id"] == "doc-alep")[0]
    links = [a for t, a in _tags(linked.find(f"{KML}description").text) if t == "a"]
    assert links == [{"href": "https://example.org/alep"}]
    # the balloon shows the description alone (not Google Earth's HTML table of the data)
    balloon = root.find(f"{KML}Document/{KML}Style/{KML}BalloonStyle/{KML}text")
    assert balloon.text == "$[description]"


def _xml_clean(text: str) -> str:
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


def _tags(fragment: str) -> list[tuple[str, dict]]:
    """The elements an HTML parser finds in ``fragment``."""
    found: list[tuple[str, dict]] = []

    class Parser(html.parser.HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Parser().feed(fragment)
    return found


def test_kml_reads_in_gdal(client, tmp_path, reference):
    path = download(
        client,
        "/export/events.kml",
        tmp_path,
        "events.kml",
        "application/vnd.google-earth.kml+xml",
    )
    df = pyogrio.read_dataframe(path)
    assert len(df) == len(reference) and "sentence" in df.columns and "doc_title" in df.columns


# -- one declaration ----------------------------------------------------------------------------
def test_route_cli_and_openapi_read_one_declaration(client, store, tmp_path):
    spec = client.get("/openapi.json").get_json()
    served = {p[len("/export/events.") :] for p in spec["paths"] if p.startswith("/export/")}
    assert served == set(EXPORTS)
    for name, form in EXPORTS.items():
        op = spec["paths"][f"/export/events.{name}"]["get"]
        assert list(op["responses"]["200"]["content"]) == [form.media_type.split(";")[0]]
        assert "503" in op["responses"]
        resp = client.get(f"/export/events.{name}?type=Battles", buffered=True)
        assert resp.status_code == 200 and resp.mimetype == form.media_type.split(";")[0]
        # text: sent while written (no length known); a file: sent from disk, its length known
        assert ("Content-Length" in resp.headers) != form.streamed
        assert f"filename={form.file_name}" in resp.headers["Content-Disposition"]
    runner = CliRunner()
    for name in EXPORTS:
        out = tmp_path / f"cli.{name}"  # the format told by the file's extension
        res = runner.invoke(export_cmd, ["-o", str(out), "--db", str(store.path)])
        assert res.exit_code == 0, res.output
        assert f"as {name}" in res.output and out.stat().st_size > 0
    res = runner.invoke(
        export_cmd, ["--format", "fgb", "-o", str(tmp_path / "x.bin"), "--db", str(store.path)]
    )
    assert res.exit_code == 0 and "left out" in res.output  # the format's note
    assert len(pyogrio.read_dataframe(tmp_path / "x.bin")) > 0  # told by its content


def test_export_events_writes_each_format_whole_and_counts_it(store, tmp_path, reference):
    for name in EXPORTS:
        out = tmp_path / f"e.{name}"
        n = export_events(store, name, out, bbox=SYRIA_BOX)
        inside = sum(
            1 for f in reference.values() if f["geometry"] is not None and _inside(f, SYRIA_BOX)
        )
        assert n == inside, name
        assert not [p.name for p in tmp_path.iterdir() if ".part" in p.name or "fgb-" in p.name]


# -- bounded exports ------------------------------------------------------------------------------
def test_exports_past_their_slots_get_503_with_retry_after(store, gazetteer_path):
    """A response holds its slot until the server closes it (read to the end, or the client
    gone); the Flask test client closes a response only when told (``close``, ``buffered``)."""
    app = create_app({"STORE": store, "GAZETTEER": gazetteer_path, "TESTING": True})
    client = app.test_client()
    n = SLOTS["export"]
    held = [client.get("/export/events.geojson", buffered=False) for _ in range(n)]
    assert all(r.status_code == 200 for r in held)
    for url in ("/export/events.csv", "/export/events.fgb", "/export/events.kml"):
        busy = client.get(url)
        assert busy.status_code == 503, url
        assert int(busy.headers["Retry-After"]) > 0
        assert busy.mimetype == "application/json" and "busy" in busy.get_json()["error"]
    assert client.get("/api/events?limit=1").status_code == 200  # light requests still answered
    held[0].close()  # a client that goes away frees its slot, read or not
    again = client.get("/export/events.kml", buffered=False)
    assert again.status_code == 200
    assert client.get("/export/events.csv").status_code == 503
    for r in (again, *held[1:]):
        b"".join(r.response)
        r.close()
    for _ in range(3 * n):  # every finished export gave its slot back
        assert client.get("/export/events.fgb", buffered=True).status_code == 200
        assert client.get("/export/events.geojsonl", buffered=True).status_code == 200
    # a bad request takes no slot
    for _ in range(3 * n):
        assert client.get("/export/events.csv?bbox=1,2", buffered=True).status_code == 400
    held = [client.get("/export/events.csv", buffered=False) for _ in range(n)]
    assert [r.status_code for r in held] == [200] * n
    for r in held:
        r.close()


class _Unreadable:
    """The real store, except that reading the events fails once the query runs (a disk error,
    a database replaced under the server)."""

    def __init__(self, store) -> None:
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def _failing(self, method, filters):
        method(**filters)  # the filters are checked as usual

        def rows():
            raise ConfigError("disk I/O error while reading the events")
            yield  # pragma: no cover

        return rows()

    def iter_event_features(self, **filters):
        return self._failing(self._store.iter_event_features, filters)

    def iter_events(self, **filters):
        return self._failing(self._store.iter_events, filters)


def test_a_store_that_cannot_be_read_is_an_error_status_not_a_cut_download(store):
    """The first row is read before the response starts: the client gets a 500 with a JSON
    message (not a 200 whose body stops short), and the export's slot is given back."""
    client = create_app({"STORE": _Unreadable(store), "TESTING": True}).test_client()
    for _ in range(2 * SLOTS["export"]):
        for name in EXPORTS:
            resp = client.get(f"/export/events.{name}", buffered=True)
            assert resp.status_code == 500, name
            assert resp.mimetype == "application/json" and "error" in resp.get_json()
    ok = create_app({"STORE": store, "TESTING": True}).test_client()
    assert ok.get("/export/events.geojsonl", buffered=True).status_code == 200

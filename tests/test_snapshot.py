"""Static map snapshots: the requested size, the expected colours where Syria is, the credits."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.web_fixtures import sample_store
from web import create_app, layers, maps
from web.snapshot import LAND, SEA, render_snapshot

SYRIA_BBOX = (35.0, 32.0, 43.0, 38.0)
ALEPPO = (37.16117, 36.20124)
PALMYRA = (38.28, 34.56)  # in Syria, no event there
SEA_POINT = (35.0, 35.4)  # the Mediterranean off the Syrian coast


store = sample_store("snap")


def rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))


def pixel(img: Image.Image, info: dict, lon: float, lat: float) -> tuple[int, int, int]:
    min_lon, min_lat, max_lon, max_lat = info["bbox"]
    left, top, right, bottom = info["map_px"]  # the caption is under the map
    x = left + (lon - min_lon) / (max_lon - min_lon) * (right - left)
    y = top + (max_lat - lat) / (max_lat - min_lat) * (bottom - top)
    return img.convert("RGB").getpixel((int(x), int(y)))


def close(a, b, tol=12) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def test_png_has_the_requested_size_and_colours(store, gaz):
    buf = io.BytesIO()
    info = render_snapshot(
        store,
        buf,
        bbox=SYRIA_BBOX,
        width=640,
        height=480,
        layers=["events", "choropleth"],
        title="Syria, 2024",
        gazetteer=gaz,
    )
    img = Image.open(io.BytesIO(buf.getvalue()))
    assert img.format == "PNG" and img.size == (640, 480)
    assert info["events"] == 15  # every event but Hamburg's
    event_color = rgb(maps.event_style("Explosions/Remote violence")[0])
    assert close(pixel(img, info, *ALEPPO), event_color)
    # Syria holds the most mentions: the darkest class of the choropleth.
    assert close(pixel(img, info, *PALMYRA), rgb(layers.get("choropleth").colors[-1]))
    assert close(pixel(img, info, *SEA_POINT), rgb(SEA))


def test_without_choropleth_syria_is_plain_land(store, gaz, tmp_path):
    out = tmp_path / "map.png"
    info = render_snapshot(store, out, bbox=SYRIA_BBOX, width=400, height=300, gazetteer=gaz)
    img = Image.open(out)
    assert img.size == (400, 300)
    assert close(pixel(img, info, *PALMYRA), rgb(LAND))


def test_svg_keeps_title_legend_and_credits_as_text(store, gaz):
    buf = io.BytesIO()
    render_snapshot(
        store,
        buf,
        fmt="svg",
        title="Costs $5 & <more>",
        gazetteer=gaz,
        start="2024-01-01",
        end="2024-01-31",
    )
    svg = buf.getvalue().decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "GeoNames (CC BY 4.0)" in svg and "Natural Earth" in svg
    assert "Costs $5 &amp; &lt;more&gt;" in svg
    assert "Battles (12)" in svg


@pytest.mark.parametrize(
    "kwargs", [{"width": 10}, {"height": 99999}, {"layers": ["tiles"]}, {"fmt": "gif"}]
)
def test_bad_arguments_are_input_errors(store, gaz, kwargs):
    from geo.errors import InputError

    with pytest.raises(InputError):
        render_snapshot(store, io.BytesIO(), gazetteer=gaz, **kwargs)


def test_snapshot_endpoint(store, gazetteer_path):
    c = create_app({"STORE": store, "GAZETTEER": gazetteer_path}).test_client()
    resp = c.get("/snapshot.png?width=320&height=200&bbox=35,32,43,38&title=Syrie")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert Image.open(io.BytesIO(resp.data)).size == (320, 200)
    for bad in ("width=5", "bbox=1,2", "layers=nope", "start=2024-99-01"):
        r = c.get(f"/snapshot.png?{bad}")
        assert r.status_code == 400 and r.get_json()["error"], bad


def test_legend_follows_the_declared_type_order(store, gaz):
    # the types file ranks Explosions/Remote violence before Battles: so does the legend
    from geo.event_types import event_types

    buf = io.BytesIO()
    render_snapshot(store, buf, fmt="svg", gazetteer=gaz)
    svg = buf.getvalue().decode("utf-8")
    shown = [t.name for t in event_types() if f"{t.name} (" in svg]
    assert len(shown) >= 2, shown
    assert sorted(shown, key=lambda n: svg.index(f"{n} (")) == shown


# -- the filters of export (issue 15, item 9) ------------------------------------------------
def run_cli(gazetteer_path, *args):
    from click.testing import CliRunner

    from geo.cli import main

    return CliRunner().invoke(
        main, ["snapshot", *args], env={"CONFLICTMAP_GAZETTEER": gazetteer_path}
    )


@pytest.mark.parametrize(
    ("args", "drawn"),
    [
        ([], 15),
        (["--actor", "HTS"], 1),  # the battle near Saraqib only
        (["--actor", "Syrian army"], 13),
        (["--place", "gn:170063"], 1),  # Aleppo
        (["--q", "Clashes"], 1),
        (["--start", "2024-01-01", "--end", "2024-01-31"], 12),  # January: Damascus
        (["--type", "Battles", "--start", "2024-03-01"], 1),
    ],
)
def test_cli_snapshot_takes_the_filters_of_export(store, gazetteer_path, tmp_path, args, drawn):
    out = tmp_path / "s.png"
    db = store.location
    res = run_cli(
        gazetteer_path, "-o", str(out), "--db", db, "--bbox", "35,32,43,38",
        "--width", "200", "--height", "150", "--title", "Syria, 2016", *args,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert res.output.strip().endswith(f"{drawn} events"), res.output
    assert Image.open(out).size == (200, 150)


def test_web_snapshot_takes_the_filters_of_export(store, gazetteer_path):
    c = create_app({"STORE": store, "GAZETTEER": gazetteer_path}).test_client()
    svg = c.get("/snapshot.svg?width=300&height=200&bbox=35,32,43,38&actor=HTS").data.decode()
    assert "Battles (1)" in svg and "Explosions" not in svg


# -- report-grade snapshots (issue 15, item 1) ----------------------------------------------
def offset_pixel(img, info, lon, lat, dx):
    """The pixel ``dx`` pixels west (negative: east) of a place."""
    min_lon, min_lat, max_lon, max_lat = info["bbox"]
    left, top, right, bottom = info["map_px"]
    x = left + (lon - min_lon) / (max_lon - min_lon) * (right - left) - dx
    y = top + (max_lat - lat) / (max_lat - min_lat) * (bottom - top)
    return img.convert("RGB").getpixel((int(x), int(y)))


@pytest.fixture(scope="module")
def damascus(gaz):
    p = gaz.candidates("Damas", lang="fr")[0].place
    return (p.lon, p.lat)


def test_symbols_are_proportional_to_events_or_fatalities(store, gaz, damascus):
    battles = rgb(maps.event_style("Battles")[0])
    strikes = rgb(maps.event_style("Explosions/Remote violence")[0])
    buf = io.BytesIO()
    info = render_snapshot(store, buf, bbox=SYRIA_BBOX, width=600, height=450, gazetteer=gaz)
    img = Image.open(io.BytesIO(buf.getvalue()))
    assert info["symbols"] == 4  # one per place and type: Damascus' 12 battles are one symbol
    # Damascus' symbol is wide enough for the battles' icon (geo/data/event_types.tsv), as on
    # the web map; the others are too small for one
    assert info["icons"] == 1
    # Damascus (12 battles) is a big disc; Aleppo (1 strike) a small one
    # (between the icon and the edge: Damascus' disc is 42 px across, its icon 24 px)
    assert close(offset_pixel(img, info, *damascus, 17), battles)
    assert not close(offset_pixel(img, info, *ALEPPO, 17), strikes)

    buf = io.BytesIO()
    info = render_snapshot(
        store, buf, bbox=SYRIA_BBOX, width=600, height=450, gazetteer=gaz, size="fatalities"
    )
    img = Image.open(io.BytesIO(buf.getvalue()))
    # five killed at Aleppo, none reported in Damascus: now Aleppo's is the big one
    assert close(offset_pixel(img, info, *ALEPPO, 11), strikes)  # a 28 px disc now
    assert not close(offset_pixel(img, info, *damascus, 11), battles)
    assert "5 killed" in info["caption"][1]


def test_svg_has_labels_scale_caption_and_size_key_as_text(store, gaz):
    buf = io.BytesIO()
    info = render_snapshot(
        store, buf, fmt="svg", bbox=SYRIA_BBOX, width=900, height=650, gazetteer=gaz,
        start="2024-01-01", end="2024-03-31", title="<script>alert(1)</script> & co",
    )  # fmt: skip
    svg = buf.getvalue().decode("utf-8")
    texts = svg.count("<text")
    assert texts >= 10, texts  # text kept as text, not paths
    # the most important places are named, Damascus (12 events) first
    assert info["labels"][0] == "Damascus" and "Saraqib" in info["labels"]
    for name in info["labels"]:
        assert f">{name}</text>" in svg
    boxes = info["label_boxes"]
    assert not any(
        a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
    )
    assert f">{info['scale_km']} km</text>" in svg
    assert "Period: 2024-01-01 to 2024-03-31" in svg
    assert "Shown: 14 events with a place, at 3 places" in svg  # Raqqa's is in April
    assert ">Symbol area</text>" in svg and ">12 events</text>" in svg  # the size key
    assert "GeoNames (CC BY 4.0)" in svg and "Made " in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg and "<script>" not in svg


def test_labels_in_the_asked_language(store, gaz):
    info = render_snapshot(store, io.BytesIO(), fmt="svg", bbox=SYRIA_BBOX, width=700,
                           height=500, gazetteer=gaz, lang="fr")  # fmt: skip
    assert "Damas" in info["labels"] and "Alep" in info["labels"]
    assert "Damascus" not in info["labels"]


def test_pdf_from_the_cli_and_the_web(store, gaz, gazetteer_path, tmp_path):
    out = tmp_path / "s.pdf"
    res = run_cli(
        gazetteer_path, "-o", str(out), "--db", store.location, "--bbox", "35,32,43,38",
        "--width", "300", "--height", "250", "--start", "2016-01-01", "--end", "2016-12-31",
        "--title", "Syria, 2016",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF") and "0 events" in res.output
    c = create_app({"STORE": store, "GAZETTEER": gazetteer_path}).test_client()
    r = c.get("/snapshot.pdf?width=300&height=250&bbox=35,32,43,38&size=fatalities&lang=fr")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data.startswith(b"%PDF")
    for bad in ("size=deaths", "lang=xx"):
        r = c.get(f"/snapshot.svg?{bad}")
        assert r.status_code == 400 and r.get_json()["error"], bad
    assert c.get("/snapshot.gif").status_code in (400, 404)


def test_symbols_of_one_size_at_one_place_are_set_apart_and_crowds_merge():
    import numpy as np

    from web.snapshot_symbols import merge_close, spread_ties

    px = np.array([[100.0, 100.0], [100.0, 100.0], [300.0, 300.0]])
    r = np.array([6.0, 6.0, 6.0])
    moved = spread_ties(px, r)
    # a battle and a strike at Saraqib, one each: both show, side by side
    assert np.hypot(*(moved[0] - moved[1])) >= 6 and (moved[2] == px[2]).all()
    assert spread_ties(px, np.array([9.0, 6.0, 6.0])) is None  # nested, biggest first
    # two symbols of one type a pixel apart are one, sized by their sum; another type stays
    keep, sums = merge_close(np.array([[10.0, 10.0], [11.0, 10.0], [10.0, 10.0]]), [5, 2, 1],
                             [0, 0, 1])  # fmt: skip
    assert sorted(zip(keep.tolist(), sums.tolist(), strict=True)) == [(0, 7.0), (2, 1.0)]


def test_paper_presets_and_png_resolution(store, gaz, gazetteer_path, tmp_path):
    import re

    from geo.errors import InputError

    buf = io.BytesIO()
    render_snapshot(store, buf, fmt="pdf", paper="a4", bbox=SYRIA_BBOX, gazetteer=gaz)
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)", buf.getvalue())
    assert box and (round(float(box[1])), round(float(box[2]))) == (842, 595)  # A4 landscape
    buf = io.BytesIO()
    render_snapshot(store, buf, width=300, height=200, dpi=200, bbox=SYRIA_BBOX, gazetteer=gaz)
    assert Image.open(io.BytesIO(buf.getvalue())).size == (600, 400)
    with pytest.raises(InputError, match="pixels a side"):
        render_snapshot(store, io.BytesIO(), paper="a4", dpi=300, gazetteer=gaz)
    out = tmp_path / "letter.png"
    res = run_cli(gazetteer_path, "-o", str(out), "--db", store.location, "--paper",
                  "letter-portrait", "--dpi", "150")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert Image.open(out).size == (1275, 1650)
    c = create_app({"STORE": store, "GAZETTEER": gazetteer_path}).test_client()
    for bad in ("dpi=5", "paper=a0", "dpi=600&width=1000"):
        r = c.get(f"/snapshot.png?{bad}")
        assert r.status_code == 400 and r.get_json()["error"], bad


def test_print_style_is_greyscale_with_hatching(store, gaz, gazetteer_path):
    import numpy as np

    buf = io.BytesIO()
    info = render_snapshot(store, buf, bbox=SYRIA_BBOX, width=500, height=380, gazetteer=gaz,
                           style="print", layers=["events"])  # fmt: skip
    img = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")).astype(int)
    chroma = img.max(axis=2) - img.min(axis=2)
    assert chroma.max() <= 8, chroma.max()  # nothing a black-and-white printer would lose
    assert info["events"] == 15
    svg = io.BytesIO()
    render_snapshot(store, svg, fmt="svg", bbox=SYRIA_BBOX, width=500, height=380,
                    gazetteer=gaz, style="print")  # fmt: skip
    assert 'id="h' in svg.getvalue().decode()  # the hatching patterns
    c = create_app({"STORE": store, "GAZETTEER": gazetteer_path}).test_client()
    assert c.get("/snapshot.png?style=neon").status_code == 400
    assert c.get("/snapshot.png?style=print&width=200&height=150").status_code == 200


def test_inset_locates_the_map_and_no_name_covers_it(store, gaz):
    info = render_snapshot(store, io.BytesIO(), fmt="svg", bbox=SYRIA_BBOX, width=700,
                           height=500, gazetteer=gaz, inset=True, title="Syria")  # fmt: skip
    box = info["inset"]
    assert box and 0 <= box[0] < box[2] <= 700 and 0 <= box[1] < box[3] <= 500
    assert info["labels"]
    assert not any(
        a[0] < box[2] and box[0] < a[2] and a[1] < box[3] and box[1] < a[3]
        for a in info["label_boxes"]
    )
    assert render_snapshot(store, io.BytesIO(), fmt="svg", width=300, height=200,
                           gazetteer=gaz)["inset"] is None  # fmt: skip

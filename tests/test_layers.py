"""The layer registry (web/layers.py) is the one source of the map's layers: every layer it
declares reaches the layer control, the page's script, the legends and the snapshot, and a
name it does not declare is refused wherever layers are chosen."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from tests.test_web_map import chromium, served
from tests.web_fixtures import sample_store
from web import create_app, layers, maps, snapshot_layers
from web.snapshot import render_snapshot

JS = (Path(__file__).parent.parent / "web" / "static" / "conflictmap.js").read_text()
SYRIA_BBOX = (35.0, 32.0, 43.0, 38.0)


store = sample_store("layers")


@pytest.fixture(scope="module")
def client(store, gazetteer_path):
    app = create_app({"STORE": store, "GAZETTEER": gazetteer_path, "TESTING": True})
    return app.test_client()


def page_data(html: str) -> dict:
    """The map page's JSON block (what its script reads)."""
    m = re.search(
        r'<script[^>]* type="application/json" id="cm-data-[^"]*">(.*?)</script>', html, re.S
    )
    assert m, "the map page has no data block"
    return json.loads(m.group(1))


def control_labels(html: str) -> list[str]:
    """The overlays' labels of the page's Leaflet layer control, as Folium writes them."""
    return [
        json.loads(f'"{x}"') for x in re.findall(r'"((?:[^"\\]|\\.)*)"\s*:\s*feature_group_', html)
    ]


def test_the_registry_is_well_formed():
    names = layers.names()
    assert len(set(names)) == len(names)
    for layer in layers.LAYERS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", layer.name), layer.name
        assert layer.legend_kind in layers.LEGEND_KINDS, layer
        assert (layer.legend is None) == (layer.legend_kind is None), layer
        assert not layer.snapshot_shown or layer.snapshot, layer
    assert set(layers.shown_at_first()) <= set(names)
    assert set(layers.snapshot_shown()) <= set(layers.snapshot_names()) <= set(names)


def test_every_layer_is_in_the_layer_control_and_the_page_data(client, store):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = page_data(html)
    # the page's script reads the registry from the data block, nothing else
    assert data["layers"] == layers.page_data()
    assert [x["name"] for x in data["layers"]] == list(layers.names())
    labels = control_labels(html)
    for layer in layers.LAYERS:
        if layer.name == "events":  # one overlay per event type, "Events: <type> (<n>)"
            assert data["event_types"], "the fixture has events"
            for t in data["event_types"]:
                assert any(f"{layer.label}: {t['type']} ({t['count']})" in x for x in labels)
            continue
        mine = [x for x in labels if f"</i> {layer.label}" in x]
        assert len(mine) == 1, (layer.name, labels)
        assert f"fa-{layer.icon}" in mine[0]
        if layer.counted:  # "Statements (2)": what it draws
            assert re.search(re.escape(layer.label) + r" \(\d+( drawn of \d+)?\)", mine[0])
    # the layer control lists them in the registry's order
    order = [
        next(i for i, x in enumerate(labels) if f"</i> {layer.label}" in x)
        for layer in layers.LAYERS
    ]
    assert order == sorted(order)


def test_the_layers_shown_at_first_are_the_declared_ones(client):
    html = client.get("/").get_data(as_text=True)
    # folium adds a shown group to the map at once ("feature_group_x.addTo(map_y)")
    groups = {
        json.loads(f'"{name}"'): var
        for name, var in re.findall(r'"((?:[^"\\]|\\.)*)"\s*:\s*(feature_group_\w+)', html)
    }
    for layer in layers.LAYERS:
        if layer.name == "events":
            continue
        (var,) = [v for k, v in groups.items() if f"</i> {layer.label}" in k]
        added = re.search(rf"{var}\s*\.addTo\(", html) is not None
        assert added == layer.shown, layer.name


def test_the_page_script_draws_and_explains_every_layer():
    """conflictmap.js has a drawing function for each layer name and a legend for each kind."""
    draw = JS[JS.index("var DRAW = {") : JS.index("\n  };", JS.index("var DRAW = {"))]
    legend = JS[JS.index("var LEGEND = {") : JS.index("\n  };", JS.index("var LEGEND = {"))]
    for layer in layers.LAYERS:
        assert re.search(rf"\n\s+{layer.name}:", draw), f"no DRAW.{layer.name} in conflictmap.js"
    for kind in filter(None, layers.LEGEND_KINDS):
        assert re.search(rf"\n\s+{kind}: function", legend), f"no LEGEND.{kind}"
    # no layer name or colour written in the script: it reads them from data.layers
    for layer in layers.LAYERS:
        for color in layer.colors:
            assert color not in JS, (layer.name, color)


def test_the_web_legend_shows_every_layer(store, gazetteer_path):
    app = create_app({"STORE": store, "GAZETTEER": gazetteer_path})
    with served(app) as url, chromium() as browser:
        browser.open(url + "/")
        browser.wait_for("document.body.getAttribute('data-cm-ready') === '1'")
        text = browser.eval("document.querySelector('#cm-legend').textContent")
        html = browser.eval("document.querySelector('#cm-legend').innerHTML")
        for layer in layers.LAYERS:
            if layer.legend is None:
                continue
            assert layer.legend in text, (layer.name, text)
            # its colour (a scale's first class: the lightest is kept for no count)
            for color in layer.colors[1:2] if layer.legend_kind == "scale" else layer.colors:
                assert color in html or _rgb(color) in html, (layer.name, color)
        # the layer control's labels, as a reader sees them
        overlays = browser.eval(
            "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
            ".map(l => l.textContent.trim())"
        )
        for layer in layers.LAYERS:
            assert any(o.startswith(layer.label) for o in overlays), (layer.name, overlays)
        errors = [c for c in browser.console() if c.startswith("EXCEPTION")]
        assert errors == []


def _rgb(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))


def test_every_snapshot_layer_is_drawn_and_in_the_snapshot_legend(store, gaz):
    context = set(snapshot_layers.DRAWINGS)
    # the snapshot draws what the registry says it draws, the events itself, nothing else
    assert context | {"events"} == set(layers.snapshot_names())
    buf = io.BytesIO()
    render_snapshot(
        store,
        buf,
        fmt="svg",
        bbox=SYRIA_BBOX,
        width=900,
        height=700,
        layers=list(layers.snapshot_names()),
        gazetteer=gaz,
    )
    svg = buf.getvalue().decode()
    for layer in layers.LAYERS:
        if not layer.snapshot or layer.snapshot_legend is None:
            continue
        words = layer.snapshot_legend.replace("{}", "")
        assert words.strip() in svg, (layer.name, words)
    # the events' entries: each type drawn, by its name
    assert "Battles (" in svg


def test_a_name_the_registry_lacks_is_refused_everywhere(client):
    r = client.get("/map?layers=events,nonsense")
    assert r.status_code == 400
    msg = r.get_json()["error"] if r.is_json else r.get_data(as_text=True)
    assert "nonsense" in msg and all(name in msg for name in layers.names())
    # a layer the web map has and a snapshot does not draw
    web_only = [x for x in layers.names() if x not in layers.snapshot_names()]
    assert web_only, "the registry has a layer snapshots do not draw"
    r = client.get(f"/snapshot.png?layers={web_only[0]}&width=200&height=200")
    assert r.status_code == 400
    assert web_only[0] in r.get_json()["error"]
    for name in layers.names():
        assert client.get(f"/map?layers={name}").status_code == 200, name
    # the OpenAPI document offers the snapshot's layers as the registry declares them
    spec = client.get("/openapi.json").get_json()
    params = spec["paths"]["/snapshot.png"]["get"]["parameters"]
    (lay,) = [p for p in params if p.get("name") == "layers"]
    pattern = re.compile(lay["schema"]["pattern"])
    assert pattern.fullmatch(",".join(layers.snapshot_names()))
    assert not pattern.fullmatch(web_only[0])
    assert lay["description"] == f"Comma-separated: {', '.join(layers.snapshot_names())}."


def test_a_new_layer_is_one_entry(client, monkeypatch):
    """A layer added to the registry alone is in the layer control, the page's data and the
    legend's data, and ``?layers=`` takes its name; the snapshot refuses it until drawn."""
    new = layers.Layer(
        "frontlines",
        label="Front lines",
        icon="route",
        source="events",
        colors=("#123456",),
        legend="front line",
        legend_kind="swatch",
        shown=True,
    )
    registry = (*layers.LAYERS, new)
    monkeypatch.setattr(layers, "LAYERS", registry)
    monkeypatch.setattr(layers, "BY_NAME", {x.name: x for x in registry})
    r = client.get("/map?layers=events,frontlines")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert any("fa-route" in x and "Front lines" in x for x in control_labels(html))
    assert page_data(html)["layers"][-1]["legend"] == "front line"
    with pytest.raises(Exception, match="unknown snapshot layer"):
        layers.check(["frontlines"], snapshot=True)


def test_map_keeps_its_names_of_the_registry():
    """The map module reads its styles from the registry (nothing declared twice)."""
    for name in ("LAYERS", "DEFAULT_LAYERS", "CHOROPLETH_COLORS", "PLACE_COLOR"):
        assert not hasattr(maps, name), name
    assert maps.event_style is layers.event_style

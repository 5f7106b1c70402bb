"""How a snapshot draws the layers of :data:`web.layers.LAYERS` other than the events (those
are its proportional symbols, :mod:`web.snapshot`): one :class:`Drawing` per layer name in
:data:`DRAWINGS`, which reads the layer's rows from the store, says where they are (the
map's extent takes them in) and draws them, returning its legend entries.

The snapshot draws them from the last declared to the first, under the events, so that the
first layers of the layer control are on top (the choropleth, then the places mentioned, then
the statements: where said, dashed lines to the places named).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

from web import layers, limits


class Drawing(NamedTuple):
    """A layer's part in a snapshot."""

    read: Callable[..., Any]  # (store, filters) -> the layer's rows
    points: Callable[[Any], list[tuple[float, float]]]  # rows -> (lon, lat) for the extent
    draw: Callable[..., list]  # (ax, layer, rows, countries) -> legend handles


def read_statements(store, filters: dict) -> list[dict]:
    """The statements said somewhere the gazetteer knows (``filters``: the store's, no type)."""
    rows, _ = store.statements(**filters, limit=limits.MAX_STATEMENTS)
    return [s for s in rows if s.get("where_lat") is not None]


def draw_statements(ax, layer: layers.Layer, statements: list[dict], countries) -> list:
    """Where each statement was said (a square), dashed lines to the places it names."""
    from matplotlib.lines import Line2D

    if not statements:
        return []
    for st in statements:
        for p in st.get("places") or []:
            if p.get("lat") is not None:
                ax.plot(
                    [st["where_lon"], p["lon"]],
                    [st["where_lat"], p["lat"]],
                    color=layer.color,
                    linewidth=1,
                    linestyle="--",
                    zorder=4,
                )
    ax.scatter(
        [s["where_lon"] for s in statements],
        [s["where_lat"] for s in statements],
        marker="s",
        s=40,
        color=layer.color,
        edgecolor="white",
        zorder=5,
    )
    return [
        Line2D(
            [], [], marker="s", linestyle="--", color=layer.color, label=layer.snapshot_legend
        )  # fmt: skip
    ]


def read_places(store, filters: dict) -> list[dict]:
    """The places mentioned (an actor filters events and statements, not places)."""
    pf = {k: v for k, v in filters.items() if k != "actor"}
    rows, _ = store.places(**pf, limit=limits.SNAPSHOT_PLACES)
    return [p for p in rows if p.get("lat") is not None]


def draw_places(ax, layer: layers.Layer, places: list[dict], countries) -> list:
    """A circle per place, its area growing with its mentions."""
    from matplotlib.lines import Line2D

    if not places:
        return []
    ax.scatter(
        [p["lon"] for p in places],
        [p["lat"] for p in places],
        s=[12 + 10 * math.sqrt(p.get("mentions") or 0) for p in places],
        facecolor=layer.color + "55",
        edgecolor=layer.color,
        linewidth=0.8,
        zorder=3,
    )
    return [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor=layer.color + "55",
            markeredgecolor=layer.color,
            label=layer.snapshot_legend,
        )  # fmt: skip
    ]


def read_counts(store, filters: dict) -> dict[str, int]:
    """Mentions by country code (the period only: the country is the place)."""
    return store.country_counts(**{k: v for k, v in filters.items() if k in ("start", "end")})


def draw_choropleth(ax, layer: layers.Layer, counts: dict[str, int], countries) -> list:
    """The countries coloured by their mentions, in the classes of :func:`web.layers.breaks`."""
    from matplotlib.patches import Patch

    if not counts:
        return []
    bounds = layers.breaks(list(counts.values()))
    colors = layer.colors
    sub = countries[countries["iso"].isin(list(counts))] if len(countries) else countries
    if len(sub):
        sub.plot(
            ax=ax,
            color=[layers.class_color(counts[c], bounds, colors) for c in sub["iso"]],
            edgecolor="#7a4a1a",
            linewidth=0.5,
            zorder=2,
        )
    handles = []
    lo = 1
    for i, b in enumerate(bounds):
        label = f"{lo}–{b}" if b > lo else f"{lo}"
        color = colors[min(i + 1, len(colors) - 1)]
        handles.append(Patch(facecolor=color, label=layer.snapshot_legend.format(label)))
        lo = b + 1
    return handles


def _where_said(rows: list[dict]) -> list[tuple[float, float]]:
    return [(s["where_lon"], s["where_lat"]) for s in rows]


def _located(rows: list[dict]) -> list[tuple[float, float]]:
    return [(p["lon"], p["lat"]) for p in rows]


DRAWINGS: dict[str, Drawing] = {
    "statements": Drawing(read_statements, _where_said, draw_statements),
    "places": Drawing(read_places, _located, draw_places),
    # the whole countries: the map's extent follows the other layers
    "choropleth": Drawing(read_counts, lambda counts: [], draw_choropleth),
}


def context_layers(shown: set[str]) -> list[layers.Layer]:
    """The layers of ``shown`` drawn by :data:`DRAWINGS`, the last declared first (lowest)."""
    return [
        layer for layer in reversed(layers.LAYERS) if layer.name in shown and layer.name in DRAWINGS
    ]

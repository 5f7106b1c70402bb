"""Static PNG/SVG maps for reports, drawn offline with geopandas and matplotlib (no browser).

Country outlines come from the gazetteer (Natural Earth), cut to the drawn extent and simplified
to the image's resolution (an SVG of a small area holds only the outlines it shows); events are
coloured by type as on the web map; a legend, the title and the data credits are drawn on the
image. Images are at most :data:`web.limits.SNAPSHOT_MAX_SIZE` pixels a side, and the app draws
at most ``web.limits.SLOTS["snapshot"]`` at a time (503 past them).

Example
-------
>>> render_snapshot(store, "syria.png", bbox=(35, 32, 43, 38), title="Syria, March")  # doctest: +SKIP
{'bbox': (...), 'events': 42, 'width': 1200, 'height': 800}
"""

from __future__ import annotations

import io
import math
import os
import threading
import unicodedata
from collections.abc import Iterable
from typing import IO, Any

from flask import Blueprint, current_app, request, send_file

from geo.errors import InputError
from web import limits, maps
from web.api import MAX_TEXT_PARAM

SNAPSHOT_LAYERS = ("events", "statements", "places", "choropleth")
DEFAULT_SNAPSHOT_LAYERS = ("events",)
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
MIN_SIZE, MAX_SIZE = limits.SNAPSHOT_MIN_SIZE, limits.SNAPSHOT_MAX_SIZE
MAX_TITLE = MAX_TEXT_PARAM  # as every text parameter of the API (and its OpenAPI document)
DPI = 100
SEA = "#cfe2ee"
LAND = "#f3f0e8"
BORDER = "#a0a0a0"

OUTLINE_TOLERANCE = 0.01  # degrees: the cached outlines' simplification

_lock = threading.Lock()
_frames: dict[str, Any] = {}


def countries_frame(gazetteer=None):
    """The country outlines as a GeoDataFrame (EPSG:4326), cached per gazetteer."""
    import geopandas as gpd

    if gazetteer is None:
        from gazetteer.lookup import get_gazetteer

        gazetteer = get_gazetteer()
    key = str(getattr(gazetteer, "path", id(gazetteer)))
    if key not in _frames:
        fc = maps.countries_geojson(gazetteer, tolerance=OUTLINE_TOLERANCE)
        _frames[key] = gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")
    return _frames[key]


def outlines(countries, extent, width: int, height: int):
    """The country outlines that show in ``extent`` drawn at ``width`` x ``height`` pixels: cut
    a few pixels beyond it (the cut edges fall outside the image) and simplified to half a
    pixel, so that the SVG of a small area writes only what it shows."""
    import shapely

    x0, y0, x1, y1 = extent
    pixel = max((x1 - x0) / width, (y1 - y0) / height)
    margin = 4 * pixel
    geoms = countries.geometry.values
    keep = shapely.intersects(
        geoms, shapely.box(x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    )
    frame = countries[keep].copy()
    if not len(frame):
        return frame
    cut = shapely.clip_by_rect(
        frame.geometry.values, x0 - margin, y0 - margin, x1 + margin, y1 + margin
    )
    if pixel / 2 > OUTLINE_TOLERANCE:  # finer than the cached outlines: nothing to gain
        # without topology: ten times faster, and a path drawn need not be a valid polygon
        cut = shapely.simplify(cut, pixel / 2, preserve_topology=False)
    frame = frame.set_geometry(cut)
    return frame[~frame.geometry.is_empty]


def check_snapshot_args(
    fmt: str, width: int, height: int, layers: Iterable[str] | None, title: str | None
) -> set[str]:
    """Validate a snapshot's format, size, layers and title (:class:`InputError` naming the bad
    one); returns the layers to draw."""
    if fmt not in FORMATS:
        raise InputError(f"snapshot format must be png or svg, not {fmt!r}")
    for name, v in (("width", width), ("height", height)):
        if not isinstance(v, int) or not MIN_SIZE <= v <= MAX_SIZE:
            raise InputError(f"{name} must be an integer between {MIN_SIZE} and {MAX_SIZE}")
    shown = set(DEFAULT_SNAPSHOT_LAYERS if layers is None else layers)
    unknown = shown - set(SNAPSHOT_LAYERS)
    if unknown:
        raise InputError(
            f"unknown snapshot layer(s) {', '.join(sorted(unknown))}; use {', '.join(SNAPSHOT_LAYERS)}"
        )
    if title is not None:
        if len(title) > MAX_TITLE:
            raise InputError(f"title is longer than {MAX_TITLE} characters")
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in title):
            raise InputError("title contains control characters (a line break, NUL...)")
    return shown


def _mpl(text: str) -> str:
    """Text for matplotlib: ``$`` would start mathtext."""
    return text.replace("$", r"\$")


def _fit_bbox(bbox, width: int, height: int) -> tuple[float, float, float, float]:
    """Widen ``bbox`` so that it fills a ``width`` x ``height`` image without distortion at its
    middle latitude (equirectangular, x scaled by cos(latitude))."""
    min_lon, min_lat, max_lon, max_lat = bbox
    mid = math.radians((min_lat + max_lat) / 2)
    k = max(math.cos(mid), 0.2)
    w_deg = max(max_lon - min_lon, 1e-3) * k
    h_deg = max(max_lat - min_lat, 1e-3)
    target = width / height
    cx, cy = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
    if w_deg / h_deg < target:
        w_deg = h_deg * target
    else:
        h_deg = w_deg / target
    half_w, half_h = w_deg / k / 2, h_deg / 2
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def _data_bbox(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    if not points:
        return (-170.0, -60.0, 180.0, 80.0)
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    pad_lon = max((max_lon - min_lon) * 0.15, 2.0)
    pad_lat = max((max_lat - min_lat) * 0.15, 2.0)
    return (
        max(min_lon - pad_lon, -180.0),
        max(min_lat - pad_lat, -85.0),
        min(max_lon + pad_lon, 180.0),
        min(max_lat + pad_lat, 85.0),
    )


def render_snapshot(
    store,
    out: str | os.PathLike | IO[bytes],
    fmt: str = "png",
    bbox: tuple[float, float, float, float] | None = None,
    layers: Iterable[str] | None = None,
    width: int = 1200,
    height: int = 800,
    title: str | None = None,
    gazetteer=None,
    **filters: Any,
) -> dict[str, Any]:
    """Draw the map of the store's rows and write it as PNG or SVG.

    Parameters
    ----------
    store:
        A :class:`geo.store.Store`.
    out:
        A path or a binary file object.
    fmt:
        ``"png"`` or ``"svg"``.
    bbox:
        ``(min_lon, min_lat, max_lon, max_lat)``; widened to the image's proportions. Default:
        the extent of the data, padded.
    layers:
        Among :data:`SNAPSHOT_LAYERS` (default: events); the country outlines are always drawn.
    width, height:
        Image size in pixels.
    title:
        Drawn at the top left.
    **filters:
        The store's filters: start, end, type, actor, place, q.

    Returns
    -------
    dict
        ``bbox`` (the drawn extent, pixel (0, 0) at its top-left corner), ``events`` drawn,
        ``width``, ``height``.
    """
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    shown = check_snapshot_args(fmt, width, height, layers, title)
    store_filters = {k: v for k, v in filters.items() if v is not None}
    if bbox is not None:
        store_filters["bbox"] = tuple(bbox)
    ev_filters = dict(store_filters)
    other_filters = {k: v for k, v in store_filters.items() if k != "type"}

    # -- data -----------------------------------------------------------------------------
    by_type: dict[str, tuple[list[float], list[float]]] = {}
    type_counts: dict[str, int] = {}
    points: list[tuple[float, float]] = []
    n_events = 0
    if "events" in shown:
        # one dot per place and type, counted by the store: events at one place share a dot
        for g in store.event_groups(**ev_filters):
            if g.get("lat") is None or g.get("lon") is None:
                continue
            n_events += g["count"]
            t = g.get("type") or ""
            xs, ys = by_type.setdefault(t, ([], []))
            xs.append(g["lon"])
            ys.append(g["lat"])
            type_counts[t] = type_counts.get(t, 0) + g["count"]
            points.append((g["lon"], g["lat"]))
    statements: list[dict] = []
    if "statements" in shown:
        statements, _ = store.statements(**other_filters, limit=maps.MAX_STATEMENTS)
        statements = [s for s in statements if s.get("where_lat") is not None]
        points += [(s["where_lon"], s["where_lat"]) for s in statements]
    places: list[dict] = []
    if "places" in shown:
        pf = {k: v for k, v in other_filters.items() if k != "actor"}
        places, _ = store.places(**pf, limit=maps.MAX_PLACES)
        places = [p for p in places if p.get("lat") is not None]
        points += [(p["lon"], p["lat"]) for p in places]
    counts: dict[str, int] = {}
    if "choropleth" in shown:
        counts = store.country_counts(**{k: v for k, v in filters.items() if k in ("start", "end")})

    extent = _fit_bbox(bbox if bbox is not None else _data_bbox(points), width, height)

    # -- drawing --------------------------------------------------------------------------
    with _lock:
        countries = outlines(countries_frame(gazetteer), extent, width, height)
        fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_facecolor(SEA)
        ax.set_axis_off()
        ax.patch.set_visible(True)
        fig.patch.set_facecolor(SEA)
        if len(countries):  # none: open sea
            countries.plot(ax=ax, color=LAND, edgecolor=BORDER, linewidth=0.5, zorder=1)
        handles: list[Any] = []
        if counts:
            breaks = maps._breaks(list(counts.values()))
            colors = maps.CHOROPLETH_COLORS

            def color_of(n: int) -> str:
                for i, b in enumerate(breaks):
                    if n <= b:
                        return colors[min(i + 1, len(colors) - 1)]
                return colors[-1]

            sub = countries[countries["iso"].isin(list(counts))]
            if len(sub):
                sub.plot(
                    ax=ax,
                    color=[color_of(counts[c]) for c in sub["iso"]],
                    edgecolor="#7a4a1a",
                    linewidth=0.5,
                    zorder=2,
                )
            lo = 1
            for i, b in enumerate(breaks):
                label = f"{lo}–{b}" if b > lo else f"{lo}"
                handles.append(
                    Patch(facecolor=colors[min(i + 1, len(colors) - 1)], label=f"{label} mentions")
                )
                lo = b + 1
        if places:
            ax.scatter(
                [p["lon"] for p in places],
                [p["lat"] for p in places],
                s=[12 + 10 * math.sqrt(p.get("mentions") or 0) for p in places],
                facecolor=maps.PLACE_COLOR + "55",
                edgecolor=maps.PLACE_COLOR,
                linewidth=0.8,
                zorder=3,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    markerfacecolor=maps.PLACE_COLOR + "55",
                    markeredgecolor=maps.PLACE_COLOR,
                    label="place mentioned",
                )
            )
        for st in statements:
            for p in st.get("places") or []:
                if p.get("lat") is not None:
                    ax.plot(
                        [st["where_lon"], p["lon"]],
                        [st["where_lat"], p["lat"]],
                        color=maps.STATEMENT_STYLE[0],
                        linewidth=1,
                        linestyle="--",
                        zorder=4,
                    )
        if statements:
            ax.scatter(
                [s["where_lon"] for s in statements],
                [s["where_lat"] for s in statements],
                marker="s",
                s=40,
                color=maps.STATEMENT_STYLE[0],
                edgecolor="white",
                zorder=5,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="s",
                    linestyle="--",
                    color=maps.STATEMENT_STYLE[0],
                    label="statement (lines: places named)",
                )
            )
        order = sorted(by_type, key=maps.type_order)
        for t in order:
            xs, ys = by_type[t]
            color = maps.event_style(t)[0]
            # arrays, not lists: matplotlib reads a list of floats one element at a time
            xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
            ax.scatter(xs, ys, s=46, color=color, edgecolor="white", linewidth=0.8, zorder=6)
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    markerfacecolor=color,
                    markeredgecolor="white",
                    markersize=8,
                    label=_mpl(f"{t or 'other'} ({type_counts[t]})"),
                )
            )
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect("auto")
        if handles:
            leg = ax.legend(
                handles=handles,
                # "best" avoids covering the data; it is slow past some thousands of points
                loc="best" if n_events + len(places) < 20_000 else "lower left",
                fontsize=9,
                framealpha=0.9,
                title="Legend",
            )
            leg.set_zorder(10)
        if title:
            fig.text(
                0.01,
                0.985,
                _mpl(title),
                ha="left",
                va="top",
                fontsize=15,
                fontweight="bold",
                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
                zorder=11,
            )
        fig.text(
            0.995,
            0.005,
            maps.CREDITS_TEXT,
            ha="right",
            va="bottom",
            fontsize=8,
            color="#333",
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 2},
            zorder=11,
        )
        kwargs: dict[str, Any] = {"format": fmt, "dpi": DPI, "facecolor": fig.get_facecolor()}
        if fmt == "png":
            kwargs["metadata"] = {"Software": "conflictmap"}
        # SVG keeps its text as text (searchable, editable in a report).
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            if isinstance(out, (str, os.PathLike)):
                with open(out, "wb") as fh:
                    fig.savefig(fh, **kwargs)
            else:
                fig.savefig(out, **kwargs)
        del canvas
    return {"bbox": extent, "events": n_events, "width": width, "height": height}


bp = Blueprint("snapshot", __name__)


@bp.get("/snapshot.<fmt>")
def snapshot(fmt: str):
    """``/snapshot.png`` (or ``.svg``): the static map for these filters."""
    from web import api, get_gazetteer, get_store, heavy

    if fmt not in FORMATS:
        raise InputError("snapshot format must be png or svg")
    args = request.args
    filters = api.parse_filters(args, api.FILTERS["events"])
    bbox = filters.pop("bbox", None)
    layers = None
    if args.get("layers"):
        layers = [x.strip() for x in args["layers"].split(",") if x.strip()]
    width = api.parse_int("width", args.get("width"), 1200, MIN_SIZE, MAX_SIZE)
    height = api.parse_int("height", args.get("height"), 800, MIN_SIZE, MAX_SIZE)
    title = args.get("title")
    check_snapshot_args(fmt, width, height, layers, title)  # a bad request never takes a slot
    buf = io.BytesIO()
    with heavy("snapshot"):
        render_snapshot(
            get_store(),
            buf,
            fmt=fmt,
            bbox=bbox,
            layers=layers,
            width=width,
            height=height,
            title=title,
            gazetteer=get_gazetteer(),
            **filters,
        )
    buf.seek(0)
    current_app.logger.debug("snapshot %s bytes", buf.getbuffer().nbytes)
    return send_file(buf, mimetype=FORMATS[fmt], download_name=f"conflictmap.{fmt}")

"""Static PNG/SVG/PDF maps for reports, drawn offline with geopandas and matplotlib (no browser).

Country outlines come from the gazetteer (Natural Earth), cut to the drawn extent and simplified
to the image's resolution (an SVG of a small area holds only the outlines it shows). Events are
drawn as proportional symbols, one per place and type (:mod:`web.snapshot_symbols`), coloured
by type as on the web map, biggest first; the most important places are named without overlaps
(:mod:`web.snapshot_labels`); a legend with a size key, a scale bar in km and a caption under
the map (the filters, the counts shown, the credits, when it was made:
:mod:`web.snapshot_caption`) make it readable in a report. The formats are declared once in
:data:`FORMATS` (the map page's "Snapshot of this view" links read it). Images are at most :data:`web.limits.SNAPSHOT_MAX_SIZE` pixels a side, and the app draws
at most ``web.limits.SLOTS["snapshot"]`` at a time (503 past them).

Example
-------
>>> render_snapshot(store, "syria.png", bbox=(35, 32, 43, 38), title="Syria, March")  # doctest: +SKIP
{'bbox': (...), 'events': 42, 'width': 1200, 'height': 800}
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import threading
import unicodedata
from collections.abc import Iterable
from typing import IO, Any

from flask import Blueprint, current_app, request, send_file

from geo.errors import InputError
from web import layers as layers_mod
from web import limits
from web import snapshot_caption as caption
from web import snapshot_icons as icons
from web import snapshot_labels as labels
from web import snapshot_legend as legend
from web import snapshot_style as looks
from web import snapshot_symbols as symbols
from web.api import LANGS, MAX_TEXT_PARAM
from web.basemap import CREDITS_TEXT, countries_frame, outlines
from web.snapshot_layers import DRAWINGS, context_layers

# The layers a snapshot draws, and those it draws unasked: declared in web/layers.py.
SNAPSHOT_LAYERS = layers_mod.snapshot_names()
DEFAULT_SNAPSHOT_LAYERS = layers_mod.snapshot_shown()
# The snapshot's formats, by file extension: the command line, /snapshot.<fmt> and the map
# page's "Snapshot of this view" links read this.
FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
SIZE_BY = symbols.SIZE_BY
MIN_SIZE, MAX_SIZE = limits.SNAPSHOT_MIN_SIZE, limits.SNAPSHOT_MAX_SIZE
MAX_TITLE = MAX_TEXT_PARAM  # as every text parameter of the API (and its OpenAPI document)
DPI = limits.SNAPSHOT_DPI  # the layout's: width and height are pixels at this resolution
MIN_DPI, MAX_DPI = limits.SNAPSHOT_MIN_DPI, limits.SNAPSHOT_MAX_DPI  # a PNG's (--dpi, ?dpi=)
PAPERS = limits.SNAPSHOT_PAPERS  # (--paper, ?paper=): a PDF's page is then the paper's size
STYLES = looks.STYLES
SEA, LAND, BORDER = (getattr(looks.LOOKS["color"], k) for k in ("sea", "land", "border"))
CAPTION_BG = "white"
CAPTION_PAD = 6  # pixels around the caption
MAX_CAPTION_SHARE = 0.4  # of the image's height, at most (longer captions are cut with "…")

_lock = threading.Lock()


def check_snapshot_args(
    fmt: str,
    width: int,
    height: int,
    layers: Iterable[str] | None,
    title: str | None,
    size: str = "events",
    lang: str | None = None,
    dpi: int = DPI,
) -> set[str]:
    """Validate a snapshot's format, size, layers, title, symbol size, language and PNG
    resolution (:class:`InputError` naming the bad one); returns the layers to draw."""
    if not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
        raise InputError(f"dpi must be an integer between {MIN_DPI} and {MAX_DPI}")
    if fmt == "png" and max(width, height) * dpi / DPI > MAX_SIZE:
        raise InputError(
            f"at {dpi} dpi a {width}x{height} map is {round(max(width, height) * dpi / DPI)} "
            f"pixels a side; the most is {MAX_SIZE} (a PDF or SVG prints at any resolution)"
        )
    if fmt not in FORMATS:
        raise InputError(f"snapshot format must be one of {', '.join(FORMATS)}, not {fmt[:20]!r}")
    if size not in SIZE_BY:
        raise InputError(f"size must be one of {', '.join(SIZE_BY)}, not {str(size)[:20]!r}")
    if lang is not None and lang not in LANGS:
        raise InputError(f"lang must be one of {', '.join(LANGS)}, not {str(lang)[:20]!r}")
    for name, v in (("width", width), ("height", height)):
        if not isinstance(v, int) or not MIN_SIZE <= v <= MAX_SIZE:
            raise InputError(f"{name} must be an integer between {MIN_SIZE} and {MAX_SIZE}")
    shown = layers_mod.check(DEFAULT_SNAPSHOT_LAYERS if layers is None else layers, snapshot=True)
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


EDGE_PT = 0.8  # the outline of an event symbol (points)


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
    size: str = "events",
    lang: str | None = None,
    made: str | None = None,
    paper: str | None = None,
    dpi: int = DPI,
    style: str = "color",
    inset: bool = False,
    **filters: Any,
) -> dict[str, Any]:
    """Draw the map of the store's rows and write it as PNG, SVG or PDF.

    Parameters
    ----------
    store:
        A :class:`geo.store.Store`.
    out:
        A path or a binary file object.
    fmt:
        One of :data:`FORMATS`.
    bbox:
        ``(min_lon, min_lat, max_lon, max_lat)``; widened to the map's proportions. Default:
        the extent of the data, padded.
    layers:
        Among :data:`SNAPSHOT_LAYERS` (default: events); the country outlines are always drawn.
    width, height:
        Image size in pixels (the map and the caption under it).
    title:
        Drawn at the top left; only text: the filters choose what is drawn.
    size:
        What a symbol's area counts: ``"events"`` or ``"fatalities"`` (:data:`SIZE_BY`).
    lang:
        The language of the place names and type labels (default: each place as its first
        report names it, the types' names).
    made:
        When the snapshot was made, as the caption says it (default: now, UTC).
    paper:
        One of :data:`PAPERS` (A4 or letter, landscape or portrait): sets width and height.
    inset:
        Draw a small world map under the title with the map's extent on it.
    style:
        ``"color"`` (the web map's colours) or ``"print"`` (greys and hatching, :data:`STYLES`).
    dpi:
        A PNG's resolution: ``width`` x ``height`` at 100 dpi, scaled (a PDF or SVG has the
        page's size and any resolution).
    **filters:
        The store's filters, those of ``export``: start, end, type, actor, place, q.

    Returns
    -------
    dict
        ``bbox`` (the drawn extent), ``map_px`` (the map's box in the image's pixels: left,
        top, right, bottom; the caption is under it), ``events`` drawn, ``places``,
        ``labels`` (the names drawn) and ``label_boxes`` (their pixel boxes, y up),
        ``symbols`` (one per place and type), ``icons`` (symbols showing their type's icon), ``caption`` (its lines), ``scale_km`` (the
        scale bar's length), ``width``, ``height``.
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgba
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    if paper is not None:
        if paper not in PAPERS:
            raise InputError(f"paper must be one of {', '.join(PAPERS)}, not {str(paper)[:20]!r}")
        width, height = PAPERS[paper]
    if style not in STYLES:
        raise InputError(f"style must be one of {', '.join(STYLES)}, not {str(style)[:20]!r}")
    shown = check_snapshot_args(fmt, width, height, layers, title, size, lang, dpi)
    st = looks.LOOKS[style]
    store_filters = {k: v for k, v in filters.items() if v is not None}
    if bbox is not None:
        store_filters["bbox"] = tuple(bbox)
    other_filters = {k: v for k, v in store_filters.items() if k != "type"}
    if gazetteer is None:
        from gazetteer.lookup import get_gazetteer

        gazetteer = get_gazetteer()

    # -- data -----------------------------------------------------------------------------
    groups = symbols.symbol_groups(store, size, **store_filters) if "events" in shown else None
    type_counts = groups.type_counts() if groups else {}
    n_places = groups.n_places() if groups else 0
    n_events = sum(type_counts.values())
    points: list[tuple[float, float]] = []
    if groups:  # the symbols' extent: its corners stand for them all
        points += [
            (float(groups.lon.min()), float(groups.lat.min())),
            (float(groups.lon.max()), float(groups.lat.max())),
        ]
    # the other layers (web/layers.py), each read and drawn by its web.snapshot_layers.DRAWINGS
    context = context_layers(shown)
    rows = {c.name: DRAWINGS[c.name].read(store, other_filters) for c in context}
    for c in context:
        points += DRAWINGS[c.name].points(rows[c.name])
    statements = rows.get("statements") or []
    places = rows.get("places") or []

    # -- the caption, which sets the map's height -----------------------------------------
    made = made or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = caption.caption_lines(
        store_filters,
        events=n_events,
        places=n_places,
        types=len(type_counts),
        made=made,
        size_by=size,
        fatalities=int(groups.fatalities.sum())
        if size == "fatalities" and groups is not None
        else None,
        statements=len(statements) if "statements" in shown else None,
        credits=CREDITS_TEXT,
    )
    wrapped, caption_pt, band = caption.fit(
        lines,
        width - 2 * CAPTION_PAD,
        height * MAX_CAPTION_SHARE - 2 * CAPTION_PAD,
        DPI,
        short=CREDITS_TEXT,
    )
    band += 2 * CAPTION_PAD
    map_h = height - band
    extent = _fit_bbox(bbox if bbox is not None else _data_bbox(points), width, map_h)

    # -- drawing --------------------------------------------------------------------------
    with _lock:
        countries = outlines(countries_frame(gazetteer), extent, width, map_h)
        fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        canvas = FigureCanvasAgg(fig)
        fig.patch.set_facecolor(CAPTION_BG)
        ax = fig.add_axes((0, band / height, 1, map_h / height))
        ax.set_axis_off()  # which hides the axes' background: the sea is a rectangle
        ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, color=st.sea, zorder=0))
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect("auto")
        if len(countries):  # none: open sea
            countries.plot(ax=ax, color=st.land, edgecolor=st.border, linewidth=0.5, zorder=1)
        handles: list[Any] = []
        for c in context:  # under the events, the last declared lowest
            handles += DRAWINGS[c.name].draw(ax, c, rows[c.name], countries)
        # one symbol per place and type, biggest first, so that none hides a smaller one
        top = float(groups.value[0]) if groups else 1
        biggest = min(symbols.MAX_DIAMETER_PT, map_h * 72 / DPI / 5)
        radius_px: dict[tuple[float, float], float] = {}
        n_symbols = n_icons = 0
        obstacles = symbol_boxes = np.zeros((0, 4))
        fontsize = 8 if width >= 700 else 6  # the legends' (points)
        if groups:
            kinds = sorted(type_counts, key=layers_mod.type_order)
            kind_of = {t: i for i, t in enumerate(kinds)}
            kind_looks = [looks.look(t or None, style) for t in kinds]
            rgba = np.array([to_rgba(fill) for fill, _ in kind_looks])
            xs, ys = groups.lon, groups.lat
            px = ax.transData.transform(np.column_stack([xs, ys]))
            # the symbols' types as the legend's kinds (a type with no event has none)
            kind = np.array([kind_of.get(t, 0) for t in groups.types], dtype=int)[groups.type]
            values = groups.value
            keep, values = symbols.merge_close(px, values, kind)
            order = keep[np.argsort(-values, kind="stable")]  # biggest first, again
            values = np.sort(values)[::-1]
            xs, ys, px, kind = xs[order], ys[order], px[order], kind[order]
            top = float(values[0])
            s = symbols.areas(values, top, biggest)
            r_px = np.sqrt(s) / 2 * DPI / 72
            # symbols of one size at one place would hide each other: set them around it
            moved = symbols.spread_ties(px, r_px)
            reach = r_px  # how far from its place a symbol covers, in pixels
            if moved is not None:
                reach = r_px + np.hypot(*(moved - px).T)
                px = moved
                xs, ys = ax.transData.inverted().transform(px).T
            if style == "color" and fmt == "png":
                # a raster: each symbol a disc of the edge's colour under its fill, in one
                # collection (biggest first still): the look of a 0.8-point outline, drawn three
                # times faster than stroked circles (23,000 symbols at a million events)
                d = np.sqrt(s)
                both = np.empty(2 * len(s))
                both[0::2] = (d + EDGE_PT) ** 2
                both[1::2] = np.maximum(d - EDGE_PT, 0.5) ** 2
                fills = np.empty((2 * len(s), 4))
                fills[0::2] = to_rgba(st.edge)
                fills[1::2] = rgba[kind]
                ax.scatter(
                    np.repeat(xs, 2), np.repeat(ys, 2), s=both, c=fills, linewidths=0, zorder=6
                )
            elif style == "color":  # vector: circles with their outline, as an editor sees them
                ax.scatter(
                    xs, ys, s=s, c=rgba[kind], edgecolors=st.edge, linewidths=EDGE_PT, zorder=6
                )
            else:  # one hatching per collection: by type, in bands of size, biggest first
                sizes = np.floor(np.log2(np.maximum(s, 1))).astype(int)
                for b in sorted(set(sizes.tolist()), reverse=True):
                    for k, (fill, hatch) in enumerate(kind_looks):
                        sel = (sizes == b) & (kind == k)
                        if sel.any():
                            ax.scatter(
                                xs[sel], ys[sel], s=s[sel], facecolor=fill, hatch=hatch,
                                edgecolors=st.edge, linewidths=0.6, zorder=6 - b * 1e-3,
                            )  # fmt: skip
            # the type's icon (as on the web map) on the symbols wide enough for one
            with_icon = np.asarray(
                icons.icons_shown(px, r_px, icons.ICON_MIN_PT / 2 * DPI / 72), dtype=int
            )
            for k, t in enumerate(kinds):
                marker = icons.icon_marker(layers_mod.event_style(t or None)[1])
                sel = with_icon[kind[with_icon] == k] if len(with_icon) else with_icon
                if marker is not None and len(sel):
                    ax.scatter(
                        xs[sel], ys[sel], s=s[sel] * icons.ICON_SHARE**2, marker=marker,
                        color=looks.icon_color(kind_looks[k][0], style), linewidths=0, zorder=7,
                    )  # fmt: skip
            n_symbols, n_icons = len(order), len(with_icon)
            lon0, lat0 = groups.lon.tolist(), groups.lat.tolist()
            for i, r in zip(order.tolist(), reach.tolist(), strict=True):
                key = (lon0[i], lat0[i])  # the place's, as labels read it
                if r > radius_px.get(key, 0):
                    radius_px[key] = r
            symbol_boxes = np.column_stack(
                [px[:, 0] - r_px, px[:, 1] - r_px, px[:, 0] + r_px, px[:, 1] + r_px]
            )
            big = r_px * 2 >= labels.BIG_SYMBOL_PX
            obstacles = np.column_stack(
                [px[big, 0] - r_px[big], px[big, 1] - r_px[big],
                 px[big, 0] + r_px[big], px[big, 1] + r_px[big]]
            )  # fmt: skip
        handles += legend.type_entries(type_counts, style, lang, escape=_mpl)
        key_handles = []
        if groups:  # the size key: circles as big as the symbols they stand for
            key_handles = legend.size_entries(top, biggest, size)
        bar_km = caption.scale_bar(ax, extent, escape=_mpl)
        drawn_boxes = []
        renderer = canvas.get_renderer()
        if handles:
            leg = ax.legend(
                handles=handles,
                labels=[(h[0] if isinstance(h, tuple) else h).get_label() for h in handles],
                # "best" avoids covering the data; it is slow past some thousands of points
                loc="best"
                if (len(groups) if groups else 0) + len(places) < 2_000 and not inset
                else "upper right",
                fontsize=fontsize,
                title_fontsize=fontsize + 1,
                framealpha=0.9,
                title="Legend",
            )
            leg.set_zorder(10)
            drawn_boxes.append(leg.get_window_extent(renderer).extents)
        if key_handles:
            drawn_boxes.append(
                legend.size_key(
                    ax, renderer, key_handles, size, drawn_boxes, symbol_boxes, fontsize
                )
            )
        if title:
            ttl = fig.text(
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
            drawn_boxes.append(ttl.get_window_extent(renderer).extents)
        inset_box = None
        if inset:  # under the title: where on Earth the map is
            below = drawn_boxes[-1][1] if title else band + map_h
            inset_box = legend.inset_map(
                fig, countries_frame(gazetteer), extent, below, width, height, st
            )
            drawn_boxes.append(inset_box)
        # the scale bar's corner
        ax_box = ax.get_window_extent(renderer).extents
        aw, ah = ax_box[2] - ax_box[0], ax_box[3] - ax_box[1]
        drawn_boxes.append((ax_box[0], ax_box[1], ax_box[0] + aw * 0.3, ax_box[1] + ah * 0.12))
        if len(drawn_boxes):
            obstacles = np.vstack([obstacles, np.asarray(drawn_boxes, dtype=float)])
        named = []
        if groups:
            ranked = labels.ranked_places(groups, gazetteer, lang, store.place_names)
            named = labels.place_labels(
                ax, renderer, ranked, radius_px, obstacles, tuple(ax_box), escape=_mpl
            )
        fig.text(
            CAPTION_PAD / width,
            (band - CAPTION_PAD) / height,
            _mpl("\n".join(wrapped)),
            ha="left",
            va="top",
            fontsize=caption_pt,
            linespacing=caption.LINE_SPACING,
            color="#222",
            gid="caption",
        )
        label_boxes = [tuple(t.get_window_extent(renderer).extents) for t in named]
        _save(fig, out, fmt, dpi)
        del canvas
    return {
        "bbox": extent,
        "map_px": (0, 0, width, map_h),
        "events": n_events,
        "places": n_places,
        "labels": [t.get_text().replace(r"\$", "$") for t in named],
        "label_boxes": label_boxes,
        "symbols": n_symbols,
        "icons": n_icons,
        "inset": inset_box,
        "caption": lines,
        "scale_km": bar_km,
        "width": width,
        "height": height,
        "pixels": (round(width * dpi / DPI), round(height * dpi / DPI)),
    }


def _save(fig, out, fmt: str, dpi: int = DPI) -> None:
    """Write ``fig`` to ``out`` in ``fmt``, its text kept as text (SVG: ``<text>``; PDF:
    embedded TrueType), so that a report's editor can restyle and search it."""
    import matplotlib

    kwargs: dict[str, Any] = {"format": fmt, "dpi": dpi, "facecolor": fig.get_facecolor()}
    if fmt == "png":
        kwargs["metadata"] = {"Software": "conflictmap"}
    elif fmt == "pdf":
        kwargs["metadata"] = {"Creator": "conflictmap"}
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        if isinstance(out, (str, os.PathLike)):
            with open(out, "wb") as fh:
                fig.savefig(fh, **kwargs)
        else:
            fig.savefig(out, **kwargs)


bp = Blueprint("snapshot", __name__)


@bp.get("/snapshot.<fmt>")
def snapshot(fmt: str):
    """``/snapshot.png`` (``.svg``, ``.pdf``): the static map for these filters (those of
    ``/api/events`` and ``/export``), sized by ``size``, named in ``lang``."""
    from web import api, params, snapshot_cache
    from web.context import get_gazetteer, get_store, heavy

    if fmt not in FORMATS:
        raise InputError(f"snapshot format must be one of {', '.join(FORMATS)}")
    args = request.args
    filters = api.parse_filters(args, ("start", "end", "type", "actor", "place", "q"))
    bbox = params.SNAPSHOT_BBOX.parse(args.get("bbox"))  # no box across the antimeridian
    given = {name: p.parse(args.get(name)) for name, p in params.snapshot_params().items()}
    layers, width, height, title = (given[k] for k in ("layers", "width", "height", "title"))
    size, lang, dpi, paper, style = (given[k] for k in ("size", "lang", "dpi", "paper", "style"))
    inset = given["inset"] in ("1", "true", "yes")
    if paper is not None:
        width, height = PAPERS[paper]
    # a bad request never takes a slot
    check_snapshot_args(fmt, width, height, layers, title, size, lang, dpi)
    scale = dpi / DPI if fmt == "png" else 1
    pixels = round(width * scale) * round(height * scale)
    api.check_open(
        pixels,
        "SNAPSHOT_OPEN_PIXELS",
        f"a {round(width * scale)}x{round(height * scale)} snapshot is {pixels:,} pixels",
        "ask for a smaller width, height or dpi (1200x800 at 100 dpi is 960,000 pixels)",
    )
    store = get_store()
    shown = {**filters, **given, "bbox": bbox, "width": width, "height": height}
    key = snapshot_cache.snapshot_key(store, fmt, shown)
    cache = snapshot_cache.app_cache()
    data = cache.get(key) if key is not None else None
    status = "hit"
    if data is None:
        buf = io.BytesIO()
        with heavy("snapshot"):
            render_snapshot(
                store,
                buf,
                fmt=fmt,
                bbox=bbox,
                layers=layers,
                width=width,
                height=height,
                title=title,
                gazetteer=get_gazetteer(),
                size=size,
                lang=lang,
                dpi=dpi,
                style=style,
                inset=inset,
                **filters,
            )
        data = buf.getvalue()
        status = "fwd=miss; stored" if key is not None else "fwd=uri-miss"
        if key is not None:
            cache.put(key, data)
    current_app.logger.debug("snapshot %s bytes (%s)", len(data), status)
    resp = send_file(io.BytesIO(data), mimetype=FORMATS[fmt], download_name=f"conflictmap.{fmt}")
    resp.headers["Cache-Status"] = f"conflictmap; {status}"  # RFC 9211
    return resp

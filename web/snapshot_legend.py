"""The legends around a snapshot's map: the event types' entries (name in the reader's
language, colour and icon), the size key placed in a free corner, and the locator inset."""

from __future__ import annotations

import math

from web import layers
from web import snapshot_icons as icons
from web import snapshot_labels as labels
from web import snapshot_style as looks
from web import snapshot_symbols as symbols


def type_entries(type_counts: dict[str, int], style: str, lang: str | None, escape=str) -> list:
    """The legend's entry of each type drawn, in the declared order: "Battles (13)" (in
    ``lang``) beside a disc of its colour with its icon, or in print a hatched swatch."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    edge = looks.LOOKS[style].edge
    out: list = []
    for t in sorted(type_counts, key=layers.type_order):
        color, hatch = looks.look(t or None, style)
        label = escape(f"{type_label(t, lang)} ({type_counts[t]})")
        if hatch:  # print: a hatched swatch
            out.append(Patch(facecolor=color, hatch=hatch, edgecolor="black", label=label))
            continue
        dot = Line2D([], [], marker="o", linestyle="", markerfacecolor=color,
                     markeredgecolor=edge, markersize=11, label=label)  # fmt: skip
        marker = icons.icon_marker(layers.event_style(t or None)[1])
        if marker is None:
            out.append(dot)
            continue
        glyph = Line2D([], [], marker=marker, linestyle="",
                       color=looks.icon_color(color, style), markersize=5.5)  # fmt: skip
        out.append((dot, glyph))  # drawn one over the other
    return out


def size_entries(top: float, biggest: float, size: str) -> list:
    """The size key's rows: circles as big as the symbols of :func:`symbols.key_values`."""
    from matplotlib.lines import Line2D

    out = []
    for v in symbols.key_values(int(top)):
        d = math.sqrt(symbols.areas([v], top, biggest)[0])
        noun = ("event" if v == 1 else "events") if size == "events" else "killed"
        out.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="#dddddd",
                          markeredgecolor="#555", markersize=d, label=f"{v:,} {noun}"))  # fmt: skip
    return out


def inset_map(fig, world, extent, top_px: float, width: int, height: int, st) -> tuple:
    """A locator map of the world, 22 % of the image's width, under ``top_px`` at the left,
    with the drawn extent outlined; returns its pixel box."""
    from matplotlib.patches import Rectangle

    from web.basemap import outlines

    w = max(60, round(width * 0.22))
    h = w / 2  # the world, equirectangular
    y0 = top_px - 6 - h
    iax = fig.add_axes((6 / width, y0 / height, w / width, h / height))
    iax.set_axis_off()
    iax.add_patch(Rectangle((0, 0), 1, 1, transform=iax.transAxes, facecolor=st.sea,
                            edgecolor=st.border, linewidth=0.8, zorder=0))  # fmt: skip
    land = outlines(world, (-180.0, -90.0, 180.0, 90.0), w, round(h))
    if len(land):
        land.plot(ax=iax, color=st.land, edgecolor=st.border, linewidth=0.2, zorder=1)
    x0, y0_, x1, y1 = extent
    pad = 2.5  # degrees: a small map stays visible as a box
    iax.add_patch(Rectangle((x0 - pad, y0_ - pad), x1 - x0 + 2 * pad, y1 - y0_ + 2 * pad,
                            fill=False, edgecolor="#d62728" if st.edge == "white" else "black",
                            linewidth=1.2, zorder=2))  # fmt: skip
    iax.set_xlim(-180, 180)
    iax.set_ylim(-90, 90)
    iax.set_aspect("auto")
    iax.set_zorder(10)
    return (6.0, y0, 6.0 + w, y0 + h)


def size_key(ax, renderer, handles: list, size: str, taken: list, symbols_px, fontsize) -> tuple:
    """Add the legend of symbol sizes in the first corner of the map where it covers no other
    legend and no symbol (lower right first: the scale bar is at the lower left); else where it
    covers no legend; returns its pixel box."""
    import numpy as np
    from matplotlib.legend import Legend

    d_max = max(h.get_markersize() for h in handles)
    em = d_max / fontsize  # in font sizes
    title = "Symbol area"  # the labels say what it counts: "12 events", "5 killed"
    fits = []
    for loc in ("lower right", "upper right", "upper left", "center right"):
        key = Legend(
            ax, handles, [h.get_label() for h in handles], loc=loc, fontsize=fontsize,
            title_fontsize=fontsize, framealpha=0.9, title=title,
            handlelength=max(1.5, em), handleheight=max(0.7, em * 1.25), labelspacing=0.4,
        )  # fmt: skip
        key.set_zorder(10)
        ax.add_artist(key)
        box = tuple(key.get_window_extent(renderer).extents)
        key.remove()
        if any(labels.boxes_overlap(box, t) for t in taken):
            continue
        s = symbols_px
        hidden = len(s) and np.any(
            (s[:, 0] < box[2]) & (box[0] < s[:, 2]) & (s[:, 1] < box[3]) & (box[1] < s[:, 3])
        )
        fits.append((bool(hidden), key, box))
        if not hidden:
            break
    if not fits:  # every corner holds another legend: the first
        fits.append((True, key, box))
    _, key, box = min(fits, key=lambda f: f[0])
    ax.add_artist(key)
    return box


def type_label(t: str, lang: str | None) -> str:
    """A type's name in the legend: its label in ``lang`` when the types file declares one."""
    from geo import event_types as etypes

    declared = etypes.get(t) if t else None
    if declared is None:
        return t or "other"
    return declared.label(lang) if lang else t

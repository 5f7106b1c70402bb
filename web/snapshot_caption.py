"""What a snapshot says under its map and on it: the caption (the filters, the counts shown,
the credits, when it was made) and the scale bar in kilometres.

Example
-------
>>> caption_lines({"start": "2016-01-01", "end": "2016-12-31"}, events=3, places=2, types=1,
...               made="2026-12-01 18:00 UTC")[0]
'Period: 2016-01-01 to 2016-12-31. Types: all. Actors: all.'
>>> nice_length(437.0)
400
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

KM_PER_DEGREE = 111.32  # along a meridian, and along the equator
FONT_SIZE = 8  # points
SMALLEST = 5  # points: a caption that does not fit is written smaller, down to this
LINE_SPACING = 1.35  # in font sizes
SCALE_FRACTION = 0.2  # the scale bar's length, about this part of the map's width


def caption_lines(
    filters: dict[str, Any],
    *,
    events: int,
    places: int,
    types: int,
    made: str,
    size_by: str = "events",
    fatalities: int | None = None,
    statements: int | None = None,
    credits: str = "",
) -> list[str]:
    """The caption's sentences: what was asked (every filter, "all" where none was given),
    what is shown, the sources and credits, and when the snapshot was made."""
    start, end = filters.get("start"), filters.get("end")
    if start or end:
        period = f"{start or 'the first report'} to {end or 'the last report'}"
    else:
        period = "all dates"
    asked = [
        f"Period: {period}.",
        f"Types: {filters.get('type') or 'all'}.",
        f"Actors: {filters.get('actor') or 'all'}.",
    ]
    if filters.get("place"):
        asked.append(f"Place: {filters['place']}.")
    if filters.get("q"):
        asked.append(f"Text search: {filters['q']}.")
    if filters.get("bbox"):
        asked.append("Area: " + ", ".join(f"{v:g}" for v in filters["bbox"]) + " (W, S, E, N).")
    shown = f"Shown: {events} event{'s' if events != 1 else ''} with a place"
    shown += f", at {places} place{'s' if places != 1 else ''}, of {types} type"
    shown += "s" if types != 1 else ""
    if fatalities is not None:
        shown += f"; {fatalities} killed"
    if statements is not None:
        shown += f"; {statements} statement{'s' if statements != 1 else ''}"
    shown += (
        ". Symbol area: "
        + ("events" if size_by == "events" else "people killed")
        + " at a place, by type."
    )
    return [
        " ".join(asked),
        shown,
        f"Sources: news reports geoparsed by conflictmap. {credits} Made {made}.".replace(
            "  ", " "
        ),
    ]


def wrap(lines: list[str], width_px: float, font_px: float) -> list[str]:
    """``lines`` wrapped to ``width_px`` pixels of text of ``font_px`` pixels (an average
    character is about 0.55 of the font's size in DejaVu Sans)."""
    chars = max(10, int(width_px / (0.55 * font_px)))
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, chars, break_long_words=True) or [""]
    return out


def fit(
    lines: list[str], width_px: float, height_px: float, dpi: float, short: str
) -> tuple[list[str], float, int]:
    """The caption wrapped to fit ``width_px`` x ``height_px``: at :data:`FONT_SIZE`, else
    smaller down to :data:`SMALLEST`; else only ``short`` (the credits, which every image
    keeps), cut with "…" if need be. Returns the lines, their size in points and their height
    in pixels."""
    for size in range(FONT_SIZE, SMALLEST - 1, -1):
        font_px = size * dpi / 72
        wrapped = wrap(lines, width_px, font_px)
        if len(wrapped) * font_px * LINE_SPACING <= height_px:
            return wrapped, size, round(len(wrapped) * font_px * LINE_SPACING)
    font_px = SMALLEST * dpi / 72
    wrapped = wrap([short], width_px, font_px)
    most = max(1, int(height_px // (font_px * LINE_SPACING)))
    if len(wrapped) > most:
        wrapped = wrapped[:most]
        wrapped[-1] = wrapped[-1][:-1] + "…"
    return wrapped, SMALLEST, round(len(wrapped) * font_px * LINE_SPACING)


def nice_length(km: float) -> int:
    """A round length (1, 2 or 5 times a power of ten, or 3 or 4 times) no longer than ``km``."""
    if km < 1:
        return 1
    p = 10 ** int(math.floor(math.log10(km)))
    for m in (5, 4, 3, 2, 1):
        if m * p <= km:
            return m * p
    return p


def scale_bar(ax, extent: tuple[float, float, float, float], escape=str) -> float:
    """Draw a scale bar in kilometres at the bottom left of the map (true at its middle
    latitude: the map is equirectangular, x scaled by the cosine of that latitude). Returns
    the bar's length in km."""
    x0, y0, x1, y1 = extent
    mid = math.radians((y0 + y1) / 2)
    km_per_lon = KM_PER_DEGREE * max(math.cos(mid), 1e-6)
    width_km = (x1 - x0) * km_per_lon
    km = nice_length(width_km * SCALE_FRACTION)
    frac = km / width_km  # of the axes' width
    left, base = 0.03, 0.04
    tick = 0.012
    kw: dict[str, Any] = {"transform": ax.transAxes, "color": "#222", "zorder": 9,
                          "solid_capstyle": "butt"}  # fmt: skip
    ax.plot([left, left + frac], [base, base], linewidth=2.5, **kw)
    for x in (left, left + frac / 2, left + frac):
        ax.plot([x, x], [base, base + tick], linewidth=1, **kw)
    ax.text(
        left + frac / 2, base + tick * 1.5, escape(f"{km:,} km"), transform=ax.transAxes,
        ha="center", va="bottom", fontsize=FONT_SIZE, color="#222", zorder=9, gid="scale-bar",
        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.6,
              "edgecolor": "none"},
    )  # fmt: skip
    return km

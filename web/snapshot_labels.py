"""Place names on a snapshot: the most important places (most events, then most people),
named in the reader's language, placed greedily where they overlap no other label, no big
symbol and no edge of the map.

Example
-------
>>> boxes_overlap((0, 0, 10, 10), (5, 5, 20, 20)), boxes_overlap((0, 0, 10, 10), (11, 0, 20, 9))
(True, False)
"""

from __future__ import annotations

from typing import Any

from geo.model import pick_name

MAX_LABELS = 25  # names drawn at most (those of the most important places that fit)
CANDIDATES = 200  # places tried at most, in order of importance
FONT_SIZE = 9  # points
GAP_PX = 3  # between a symbol and its label
BIG_SYMBOL_PX = 10  # symbols at least this wide (pixels) are not covered by a label
# Where a label goes around its symbol, in order of preference: right, left, above, below,
# then the diagonals (cartographers' usual order); (dx, dy) in units of the symbol's radius.
POSITIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))


def boxes_overlap(a: tuple, b: tuple) -> bool:
    """Whether two boxes ``(x0, y0, x1, y1)`` overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def ranked_places(groups: list[dict], gazetteer, lang: str | None) -> list[dict]:
    """The places of ``groups`` (symbols by place and type) by importance: events there, then
    population (from the gazetteer), at most :data:`CANDIDATES`. Each: ``name`` (in ``lang``;
    without it, in the language of the first report), ``lon``, ``lat``, ``events``."""
    places: dict[Any, dict] = {}
    for g in groups:
        key = g.get("place_id") or (g["lon"], g["lat"])
        p = places.get(key)
        if p is None:
            name = g.get("place_name") if not lang else pick_name(g, lang, prefix="place_")
            name = name or g.get("place_name") or ""
            p = places[key] = {"id": g.get("place_id"), "name": name, "lon": g["lon"],
                               "lat": g["lat"], "events": 0}  # fmt: skip
        p["events"] += g["count"]
    ranked = sorted(places.values(), key=lambda p: -p["events"])
    if len(ranked) > CANDIDATES:  # the ties at the cut are decided by population too
        floor = ranked[CANDIDATES - 1]["events"]
        ranked = [p for p in ranked if p["events"] >= floor][: CANDIDATES * 5]
    for p in ranked:
        p["population"] = _population(gazetteer, p["id"])
    ranked.sort(key=lambda p: (-p["events"], -p["population"], p["name"]))
    return [p for p in ranked if p["name"]][:CANDIDATES]


def _population(gazetteer, place_id: str | None) -> int:
    if gazetteer is None or not place_id:
        return 0
    try:
        return int(gazetteer.get(place_id).population or 0)
    except Exception:  # noqa: BLE001 - a place the gazetteer lacks (an older build): no population
        return 0


def place_labels(
    ax, renderer, places: list[dict], radius_px: dict, obstacles, frame: tuple, escape=str
) -> list:
    """Draw the names of ``places`` (most important first) where each fits.

    Parameters
    ----------
    ax, renderer:
        The map's axes (limits set) and the canvas' renderer (to measure the names).
    places:
        From :func:`ranked_places`.
    radius_px:
        The radius in pixels of the biggest symbol at each place (``(lon, lat)`` keys).
    obstacles:
        ``(n, 4)`` array of pixel boxes no label may cover (big symbols).
    frame:
        The pixel box labels must stay in (the map, less its legend and scale bar corners).
    escape:
        Makes a name safe for matplotlib (``$`` would start mathtext).

    Returns
    -------
    list
        The text artists drawn, each with ``get_text()`` the place's name.
    """
    import numpy as np
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(size=FONT_SIZE)
    to_px = ax.transData.transform
    placed: list[tuple] = []
    texts = []
    obstacles = np.asarray(obstacles, dtype=float).reshape(-1, 4)
    for p in places:
        if len(texts) >= MAX_LABELS:
            break
        x, y = to_px((p["lon"], p["lat"]))
        w, h, _ = renderer.get_text_width_height_descent(p["name"], prop, ismath=False)
        w, h = w + 4, h + 3  # the box around the text
        r = radius_px.get((p["lon"], p["lat"]), 3) + GAP_PX
        for dx, dy in POSITIONS:
            cx = x + dx * (r + w / 2)
            cy = y + dy * (r + h / 2)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if box[0] < frame[0] or box[1] < frame[1] or box[2] > frame[2] or box[3] > frame[3]:
                continue
            if any(boxes_overlap(box, b) for b in placed):
                continue
            if len(obstacles) and np.any(
                (obstacles[:, 0] < box[2]) & (box[0] < obstacles[:, 2])
                & (obstacles[:, 1] < box[3]) & (box[1] < obstacles[:, 3])
            ):  # fmt: skip
                continue
            placed.append(box)
            inv = ax.transData.inverted().transform((cx, cy))
            texts.append(
                ax.text(
                    inv[0],
                    inv[1],
                    escape(p["name"]),
                    fontproperties=prop,
                    ha="center",
                    va="center",
                    color="#222",
                    zorder=8,
                    gid="place-label",
                    bbox={
                        "boxstyle": "round,pad=0.1",
                        "facecolor": "white",
                        "alpha": 0.75,
                        "edgecolor": "none",
                    },
                )  # fmt: skip
            )
            break
    return texts

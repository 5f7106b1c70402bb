"""Place names on a snapshot: the most important places (most events, then most people),
named in the reader's language, placed greedily where they overlap no other label, no big
symbol and no edge of the map.

Example
-------
>>> boxes_overlap((0, 0, 10, 10), (5, 5, 20, 20)), boxes_overlap((0, 0, 10, 10), (11, 0, 20, 9))
(True, False)
"""

from __future__ import annotations

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


def ranked_places(sym, gazetteer, lang: str | None, names_of=None) -> list[dict]:
    """The places of ``sym`` (a :class:`web.snapshot_symbols.Symbols`: symbols by place and
    type) by importance: events there, then population (from the gazetteer), at most
    :data:`CANDIDATES`. Each: ``name`` (in ``lang``; without it, as the first report there
    names it), ``lon``, ``lat``, ``events``. ``names_of``: place ids -> their names
    (:meth:`geo.store.base.Store.place_names`), asked for the candidates only."""
    import numpy as np

    if not len(sym):
        return []
    # one entry per place (its id; a place with none, by its position)
    keys = [pid or (lon, lat) for pid, lon, lat in zip(
        sym.place, sym.lon.tolist(), sym.lat.tolist(), strict=True)]  # fmt: skip
    index: dict = {}
    which = np.fromiter((index.setdefault(k, len(index)) for k in keys), np.int64, len(keys))
    events = np.bincount(which, weights=sym.count, minlength=len(index))
    first = np.full(len(index), -1)
    first[which[::-1]] = np.arange(len(keys))[::-1]  # each place's first symbol (its biggest)
    order = np.argsort(-events, kind="stable")
    if len(order) > CANDIDATES:  # the ties at the cut are decided by population too
        floor = events[order[CANDIDATES - 1]]
        order = order[events[order] >= floor][: CANDIDATES * 5]
    ids = [sym.place[first[i]] for i in order.tolist() if sym.place[first[i]]]
    names = names_of(ids) if names_of is not None and ids else {}
    ranked = []
    for i in order.tolist():
        j = int(first[i])
        pid = sym.place[j]
        g = names.get(pid) or {}
        name = g.get("place_name") if not lang else pick_name(g, lang, prefix="place_")
        ranked.append(
            {
                "id": pid,
                "name": name or g.get("place_name") or "",
                "lon": float(sym.lon[j]),
                "lat": float(sym.lat[j]),
                "events": int(events[i]),
                "population": _population(gazetteer, pid),
            }
        )
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

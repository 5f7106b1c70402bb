"""Proportional symbols of a snapshot: one per place and event type, its area proportional to
the events there (or to their fatalities), and the size key of the legend.

The groups come from the store's counts (:meth:`geo.store.Store.event_groups`), so a snapshot
of a million events reads tens of thousands of counts; sized by fatalities, the events matching
the filters are read once and summed by place and type.

Example
-------
>>> areas([1, 4, 16], top=16, max_diameter=30)  # 30 points across for 16 events
[56.25, 225.0, 900.0]
>>> areas([1, 2], top=2, max_diameter=40)  # one event is never more than 9 points across
[81.0, 162.0]
>>> key_values(250)
[250, 100, 10, 1]
"""

from __future__ import annotations

import math
from typing import Any

SIZE_BY = ("events", "fatalities")  # what a symbol's area counts (--size, ?size=)
MAX_DIAMETER_PT = 30.0  # the biggest symbol, in points (0.42 in; 42 px at 100 dpi)
MIN_DIAMETER_PT = 4.0  # the smallest, so that one event (or none killed) still shows
TIE_PX = 3  # symbols closer than this (pixels) are at one place for the eye
ONE_DIAMETER_PT = 9.0  # one event (or one killed) at most: a few events are small symbols


def symbol_groups(store, size_by: str = "events", **filters: Any) -> list[dict]:
    """The placed events matching ``filters`` by place and type, biggest first: each group has
    the keys of :meth:`~geo.store.Store.event_groups` and ``value`` (its events, or their
    fatalities with ``size_by="fatalities"``, then also ``fatalities``)."""
    from geo.errors import InputError

    if size_by not in SIZE_BY:
        raise InputError(f"size must be one of {', '.join(SIZE_BY)}, not {size_by[:20]!r}")
    if size_by == "events":
        groups = [g for g in store.event_groups(**filters) if g["lat"] is not None]
        for g in groups:
            g["value"] = g["count"]
    else:
        by_key: dict[tuple, dict] = {}
        for ev in store.iter_events(**filters):
            if ev.get("lat") is None or ev.get("lon") is None:
                continue
            key = (ev.get("place_id"), (ev.get("type") or "").casefold())
            g = by_key.get(key)
            if g is None:
                g = by_key[key] = {
                    "place_id": ev.get("place_id"), "place_name": ev.get("place_name"),
                    "place_name_fr": ev.get("place_name_fr"),
                    "place_name_en": ev.get("place_name_en"),
                    "lat": ev["lat"], "lon": ev["lon"], "type": ev.get("type"),
                    "precision": ev.get("precision"), "count": 0, "fatalities": 0,
                }  # fmt: skip
            g["count"] += 1
            g["fatalities"] += ev.get("fatalities") or 0
        groups = [{**g, "value": g["fatalities"]} for g in by_key.values()]
    # biggest first, so that each smaller symbol is drawn over the bigger ones it overlaps
    groups.sort(key=lambda g: -g["value"])
    return groups


def areas(values, top: float, max_diameter: float = MAX_DIAMETER_PT) -> list[float]:
    """Marker areas (points², matplotlib's ``s``) proportional to ``values``: one unit gets a
    circle of :data:`ONE_DIAMETER_PT` across, unless ``top`` would then be wider than
    ``max_diameter``; none is smaller than :data:`MIN_DIAMETER_PT` across."""
    per_unit = min(ONE_DIAMETER_PT**2, max_diameter**2 / max(top, 1))
    least = MIN_DIAMETER_PT**2
    return [max(least, per_unit * v) for v in values]


def merge_close(px, values, kinds, cell: float = TIE_PX):
    """Symbols of one kind (type) whose centres fall in one ``cell`` x ``cell`` pixel square
    are one for the eye: drawn once, at the biggest one's place, sized by their sum. ``px``
    (``(n, 2)`` pixel centres), ``values`` and ``kinds`` are in drawing order, biggest first.
    Returns the indices of the symbols kept (the biggest of each square) and their summed
    values; a large store's world map draws thousands of symbols, not tens of thousands."""
    import numpy as np

    cells = np.floor(np.asarray(px, dtype=float) / cell).astype(np.int64)
    key = np.column_stack([cells, np.asarray(kinds, dtype=np.int64)])
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    sums = np.bincount(np.ravel(inverse), weights=np.asarray(values, dtype=float))
    return first, sums


def spread_ties(px, r_px):
    """Pixel positions where symbols of the same size at one place (or at places within
    :data:`TIE_PX` pixels) are set around it (their centres on a circle of about their
    radius), so that each shows; None when there are no such ties. ``px``: the symbols' pixel
    centres, ``r_px`` their radii."""
    import numpy as np

    # one place, or places a pixel or two apart: symbols sharing a cell
    cells = np.round(np.asarray(px, dtype=float) / TIE_PX).astype(np.int64)
    _, inverse, counts = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
    inverse = np.ravel(inverse)
    at: dict[int, list[int]] = {}
    for i in np.flatnonzero(counts[inverse] > 1).tolist():
        at.setdefault(int(inverse[i]), []).append(i)
    out = None
    for idx in at.values():
        if len(idx) < 2 or len({round(float(r_px[i]), 1) for i in idx}) == len(idx):
            continue  # one symbol, or all of different sizes: drawn nested, biggest first
        if out is None:
            out = np.array(px, dtype=float)
        step = 2 * math.pi / len(idx)
        for k, i in enumerate(idx):
            out[i, 0] += r_px[i] * 0.9 * math.cos(math.pi / 2 + k * step)
            out[i, 1] += r_px[i] * 0.9 * math.sin(math.pi / 2 + k * step)
    return out


def key_values(top: int) -> list[int]:
    """The sizes the legend shows: the biggest value, then round numbers (powers of ten)
    down to 1, each visibly smaller than the last (at most four)."""
    if top <= 1:
        return [1]
    out = [int(top)]
    p = 10 ** int(math.floor(math.log10(top)))
    if p == top:
        p //= 10
    while p >= 1 and len(out) < 4:
        if p * 2 <= out[-1]:  # an area at most half the previous one
            out.append(p)
        p //= 10
    if out[-1] != 1 and len(out) < 4:
        out.append(1)
    return out

"""Proportional symbols of a snapshot: one per place and event type, its area proportional to
the events there (or to their fatalities), and the size key of the legend.

The groups come from the store's counts (:meth:`geo.store.Store.event_groups`), so a snapshot
of a million events reads tens of thousands of counts; sized by fatalities, the events matching
the filters are read once and summed by place and type.

Example
-------
>>> areas([1, 4, 16], top=16, max_diameter=40)
[100.0, 400.0, 1600.0]
>>> key_values(250)
[250, 100, 10, 1]
"""

from __future__ import annotations

import math
from typing import Any

SIZE_BY = ("events", "fatalities")  # what a symbol's area counts (--size, ?size=)
MAX_DIAMETER_PT = 30.0  # the biggest symbol, in points (0.42 in; 42 px at 100 dpi)
MIN_DIAMETER_PT = 4.0  # the smallest, so that one event (or none killed) still shows


def symbol_groups(store, size_by: str = "events", **filters: Any) -> list[dict]:
    """The placed events matching ``filters`` by place and type, biggest first: each group has
    the keys of :meth:`~geo.store.Store.event_groups` and ``value`` (its events, or their
    fatalities with ``size_by="fatalities"``, then also ``fatalities``)."""
    from geo.errors import InputError

    if size_by not in SIZE_BY:
        raise InputError(f"size must be one of {', '.join(SIZE_BY)}, not {size_by[:20]!r}")
    if size_by == "events":
        groups = [
            {**g, "value": g["count"]}
            for g in store.event_groups(**filters)
            if g.get("lat") is not None and g.get("lon") is not None
        ]
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
    """Marker areas (points², matplotlib's ``s``) proportional to ``values``: ``top`` gets a
    circle of ``max_diameter`` points; none is smaller than :data:`MIN_DIAMETER_PT` across."""
    full = max_diameter**2
    least = MIN_DIAMETER_PT**2
    top = max(top, 1)
    return [max(least, full * v / top) for v in values]


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

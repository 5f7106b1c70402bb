"""Proportional symbols of a snapshot: one per place and event type, its area proportional to
the events there (or to their fatalities), and the size key of the legend.

The groups come from the store's counts (:meth:`geo.store.Store.event_place_counts`, held in
memory by :mod:`web.clusters` until the store changes), so a snapshot of a million events reads
tens of thousands of counts; sized by fatalities, the events matching the filters are read once
and summed by place and type.

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
from dataclasses import dataclass
from typing import Any

import numpy as np

SIZE_BY = ("events", "fatalities")  # what a symbol's area counts (--size, ?size=)
MAX_DIAMETER_PT = 30.0  # the biggest symbol, in points (0.42 in; 42 px at 100 dpi)
MIN_DIAMETER_PT = 4.0  # the smallest, so that one event (or none killed) still shows
TIE_PX = 3  # symbols closer than this (pixels) are at one place for the eye
ONE_DIAMETER_PT = 9.0  # one event (or one killed) at most: a few events are small symbols


@dataclass(frozen=True)
class Symbols:
    """The placed events of a snapshot by place and type, biggest first, as arrays: position,
    type (an index into ``types``), events, ``value`` (what the area counts: the events, or
    their fatalities), place ids, and ``fatalities`` when sized by them."""

    lon: np.ndarray
    lat: np.ndarray
    type: np.ndarray
    types: list[str]
    count: np.ndarray
    value: np.ndarray
    place: np.ndarray  # place ids (objects)
    fatalities: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.lon)

    def type_counts(self) -> dict[str, int]:
        """Events by type name (the types with none left out)."""
        sums = np.bincount(self.type, weights=self.count, minlength=len(self.types))
        return {t: int(n) for t, n in zip(self.types, sums, strict=True) if n}

    def n_places(self) -> int:
        """The places drawn (distinct positions)."""
        if not len(self):
            return 0
        return len(np.unique(np.column_stack([self.lon, self.lat]), axis=0))

    def _sorted(self) -> Symbols:
        order = np.argsort(-self.value, kind="stable")
        return Symbols(
            self.lon[order], self.lat[order], self.type[order], self.types, self.count[order],
            self.value[order], self.place[order],
            None if self.fatalities is None else self.fatalities[order],
        )  # fmt: skip


def symbol_groups(store, size_by: str = "events", **filters: Any) -> Symbols:
    """The placed events matching ``filters`` by place and type, biggest first (see
    :class:`Symbols`). Sized by events, they come from the store's counts by place and type,
    shared with the map's clusters (:func:`web.clusters.points`: read once until the store
    changes); by fatalities, the matching events are read once and summed."""
    from geo.errors import InputError
    from web import clusters

    if size_by not in SIZE_BY:
        raise InputError(f"size must be one of {', '.join(SIZE_BY)}, not {size_by[:20]!r}")
    if size_by == "events":
        pts = clusters.points(store, filters)
        return Symbols(
            pts.lon, pts.lat, pts.type, pts.types, pts.count, pts.count.astype(float), pts.place
        )._sorted()
    by_key: dict[tuple, list] = {}
    types: dict[str, int] = {}
    for ev in store.iter_events(**filters):
        if ev.get("lat") is None or ev.get("lon") is None:
            continue
        t = ev.get("type") or ""
        key = (ev.get("place_id"), t.casefold())
        g = by_key.get(key)
        if g is None:
            g = by_key[key] = [ev["lon"], ev["lat"], types.setdefault(t, len(types)), 0, 0,
                               ev.get("place_id")]  # fmt: skip
        g[3] += 1
        g[4] += ev.get("fatalities") or 0
    rows = list(by_key.values())
    col = list(zip(*rows, strict=True)) if rows else [[]] * 6
    fatalities = np.asarray(col[4], dtype=np.int64)
    return Symbols(
        np.asarray(col[0], dtype=float), np.asarray(col[1], dtype=float),
        np.asarray(col[2], dtype=np.int64), list(types), np.asarray(col[3], dtype=np.int64),
        fatalities.astype(float), _objects(col[5]), fatalities,
    )._sorted()  # fmt: skip


def _objects(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def areas(values, top: float, max_diameter: float = MAX_DIAMETER_PT):
    """Marker areas (points², matplotlib's ``s``) proportional to ``values``: one unit gets a
    circle of :data:`ONE_DIAMETER_PT` across, unless ``top`` would then be wider than
    ``max_diameter``; none is smaller than :data:`MIN_DIAMETER_PT` across. A list for a list,
    an array for an array."""
    per_unit = min(ONE_DIAMETER_PT**2, max_diameter**2 / max(top, 1))
    out = np.maximum(MIN_DIAMETER_PT**2, per_unit * np.asarray(values, dtype=float))
    return out.tolist() if isinstance(values, list) else out


def merge_close(px, values, kinds, cell: float = TIE_PX):
    """Symbols of one kind (type) whose centres fall in one ``cell`` x ``cell`` pixel square
    are one for the eye: drawn once, at the biggest one's place, sized by their sum. ``px``
    (``(n, 2)`` pixel centres), ``values`` and ``kinds`` are in drawing order, biggest first.
    Returns the indices of the symbols kept (the biggest of each square) and their summed
    values; a large store's world map draws thousands of symbols, not tens of thousands."""
    cells = np.floor(np.asarray(px, dtype=float) / cell).astype(np.int64)
    key = _cell_key(cells, np.asarray(kinds, dtype=np.int64))
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    sums = np.bincount(np.ravel(inverse), weights=np.asarray(values, dtype=float))
    return first, sums


def _cell_key(cells, kinds=None):
    """One integer per pixel cell (and kind): what ``np.unique`` sorts far faster than rows.
    Cells are taken within a million of the image (the data drawn are within its box); kinds
    below 64."""
    lim = (1 << 20) - 1
    x = np.clip(cells[:, 0], -lim, lim) + (1 << 20)
    y = np.clip(cells[:, 1], -lim, lim) + (1 << 20)
    key = (x << 22) + y
    return key if kinds is None else (key << 6) + kinds


def spread_ties(px, r_px):
    """Pixel positions where symbols of the same size at one place (or at places within
    :data:`TIE_PX` pixels) are set around it (their centres on a circle of about their
    radius), so that each shows; None when there are no such ties. ``px``: the symbols' pixel
    centres, ``r_px`` their radii."""
    # one place, or places a pixel or two apart: symbols sharing a cell
    cells = np.round(np.asarray(px, dtype=float) / TIE_PX).astype(np.int64)
    key = _cell_key(cells)
    # sizes to a tenth of a pixel; sorted by cell, then by size: a cell's ties are neighbours
    r10 = np.round(np.asarray(r_px, dtype=float) * 10).astype(np.int64)
    order = np.lexsort((r10, key))
    k, r = key[order], r10[order]
    if not len(k):
        return None
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.diff(np.r_[starts, len(k)])
    same = np.r_[False, (k[1:] == k[:-1]) & (r[1:] == r[:-1])]
    # a cell where two symbols have one size: all its symbols are set around it
    tied = np.add.reduceat(same.astype(np.int64), starts) > 0
    if not tied.any():
        return None
    cell = np.repeat(np.arange(len(starts)), sizes)  # each sorted symbol's cell
    in_tie = tied[cell]
    group, members = cell[in_tie], order[in_tie]
    by = np.lexsort((members, group))  # each tied cell's symbols in drawing order
    members, group = members[by], group[by]
    first = np.r_[0, np.flatnonzero(group[1:] != group[:-1]) + 1]
    count = np.diff(np.r_[first, len(group)])
    j = np.arange(len(group)) - np.repeat(first, count)  # the place on the circle
    angle = math.pi / 2 + j * 2 * math.pi / np.repeat(count, count)
    r = np.asarray(r_px, dtype=float)[members] * 0.9
    out = np.array(px, dtype=float)
    out[members, 0] += r * np.cos(angle)
    out[members, 1] += r * np.sin(angle)
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

"""The map's event markers of a view, for big stores: clusters on a grid by zoom, or the
places one by one when few are in view.

A store with more than :data:`VIEW_GROUPS` (place, type) groups does not write its events
into the map page (at a million events, tens of thousands of groups): the page asks
``/map/clusters.json`` for what is in view at its zoom, with its filters, the timeline's
period and the event types ticked, each time the map moves. The server answers from the
store's counts by place and type (:meth:`geo.store.base.Store.event_place_counts`), read once
per filter and kept in memory until the store changes (:meth:`~geo.store.base.Store.data_stamp`):

* more than :data:`SINGLES` groups in view: one cluster per cell of a grid of
  :data:`CELL_PX` pixels at the map's zoom (Web Mercator, as Leaflet draws it), with its count
  of events, its centre (the places' centre weighted by their events), the type with most
  events there and the bounds of its places (a click zooms to them); a cell holding a single
  group is sent as that group;
* else every group in view: ``[lat, lon, type, count, imprecise, place id]``, the rows the
  page draws as markers with their popups (fetched when opened).

Example
-------
>>> pts = points(store, {})                                   # doctest: +SKIP
>>> view_clusters(pts, (35, 32, 43, 38), 6, None)["clusters"][0]   # doctest: +SKIP
[36.2, 37.16, 1234, 0, 17, 35.9, 36.6, 36.5, 37.8]
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

VIEW_GROUPS = 10_000  # (place, type) groups in the store past which the page asks by view
CELL_PX = 64  # a cluster's cell, in screen pixels at the map's zoom
SINGLES = 400  # groups in view at most sent one by one (each its own marker)
MAX_ZOOM = 18  # the map's last zoom (web.maps.build_map): every place its own marker there
CACHE_SIZE = 24  # filters whose counts are kept (each a few MB at a million events)


@dataclass(frozen=True)
class Points:
    """The (place, type) groups of a filter as arrays: position, type (an index into
    ``types``), events, imprecise (placed at a province or country), place ids."""

    lon: np.ndarray
    lat: np.ndarray
    x: np.ndarray  # Web Mercator, 0..1 from the west
    y: np.ndarray  # 0..1 from the north
    type: np.ndarray
    count: np.ndarray
    imprecise: np.ndarray
    place: np.ndarray  # place ids (objects)
    types: list[str]

    @property
    def events(self) -> int:
        return int(self.count.sum())

    def per_type(self) -> dict[str, int]:
        """Events by type name."""
        sums = np.bincount(self.type, weights=self.count, minlength=len(self.types))
        return {t: int(n) for t, n in zip(self.types, sums, strict=True)}

    def bounds(self) -> list[float] | None:
        """``[south, west, north, east]`` of the places, None when there is none."""
        if not len(self.lon):
            return None
        return [
            float(self.lat.min()),
            float(self.lon.min()),
            float(self.lat.max()),
            float(self.lon.max()),
        ]


def _points(rows: list[tuple]) -> Points:
    types: dict[str, int] = {}
    n = len(rows)
    lon = np.empty(n)
    lat = np.empty(n)
    tix = np.empty(n, dtype=np.int32)
    count = np.empty(n, dtype=np.int64)
    imprecise = np.empty(n, dtype=bool)
    place = []
    for i, (pid, lo, la, t, prec, c) in enumerate(rows):
        lon[i], lat[i], count[i] = lo, la, c
        tix[i] = types.setdefault(t or "", len(types))
        imprecise[i] = bool(prec) and prec != "city"
        place.append(pid)
    x, y = mercator(lon, lat)
    ids = np.empty(n, dtype=object)
    ids[:] = place
    return Points(lon, lat, x, y, tix, count, imprecise, ids, list(types))


def mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator coordinates in 0..1 (x from the west, y from the north), as Leaflet's.

    >>> [round(float(v), 3) for v in mercator(np.array([0.0]), np.array([0.0]))[0]]
    [0.5]
    """
    la = np.clip(lat, -85.0511287798, 85.0511287798)
    s = np.sin(np.radians(la))
    return (lon + 180.0) / 360.0, 0.5 - np.log((1 + s) / (1 - s)) / (4 * np.pi)


_lock = threading.Lock()
_cache: OrderedDict[tuple, Points] = OrderedDict()


def points(store, filters: dict) -> Points:
    """The (place, type) groups of the events matching ``filters``, kept until the store
    changes (or forgotten past :data:`CACHE_SIZE` filters)."""
    stamp = store.data_stamp()
    key = (store.location, stamp, tuple(sorted((k, str(v)) for k, v in filters.items())))
    if stamp is not None:
        with _lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
    pts = _points(store.event_place_counts(**filters))
    if stamp is not None:
        with _lock:
            _cache[key] = pts
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return pts


def by_view(store, groups: int | None = None) -> bool:
    """Whether the map page asks for its markers by view: the store holds more (place, type)
    groups than ``groups`` (default :data:`VIEW_GROUPS`; the app's ``MAP_VIEW_GROUPS``)."""
    return len(points(store, {}).lon) > (VIEW_GROUPS if groups is None else groups)


def app_by_view(store) -> bool:
    """:func:`by_view` with the current app's ``MAP_VIEW_GROUPS`` setting, if any."""
    from flask import current_app

    return by_view(store, current_app.config.get("MAP_VIEW_GROUPS"))


def _in_view(pts: Points, view, types) -> np.ndarray:
    keep = np.ones(len(pts.lon), dtype=bool)
    if view is not None:
        w, s, e, n = view
        keep &= (pts.lat >= s) & (pts.lat <= n)
        keep &= (pts.lon >= w) & (pts.lon <= e) if w <= e else (pts.lon >= w) | (pts.lon <= e)
    if types is not None:
        wanted = [i for i, t in enumerate(pts.types) if t in set(types)]
        keep &= np.isin(pts.type, wanted)
    return keep


def view_clusters(pts: Points, view, zoom: int, types: list[str] | None) -> dict:
    """What the page draws for a view (``(w, s, e, n)``, None: the world) at ``zoom``, the
    event types ``types`` only (None: all): ``clusters`` ``[lat, lon, events, type, groups,
    south, west, north, east]`` and ``singles`` ``[lat, lon, type, events, imprecise (0/1),
    place id]``, ``type`` an index into ``types`` of the answer; ``events``: in view."""
    idx = np.flatnonzero(_in_view(pts, view, types))
    out: dict = {"zoom": zoom, "types": pts.types, "clusters": [], "singles": []}
    out["events"] = int(pts.count[idx].sum())
    out["groups"] = len(idx)
    if len(idx) <= SINGLES or zoom >= MAX_ZOOM:
        out["singles"] = [_single(pts, i) for i in idx]
        return out
    size = 256.0 * 2.0**zoom / CELL_PX
    cx = np.floor(pts.x[idx] * size).astype(np.int64)
    cy = np.floor(pts.y[idx] * size).astype(np.int64)
    key = cx * (1 << 26) + cy
    order = np.argsort(key, kind="stable")  # each cell's groups together
    sk = key[order]
    starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
    k = len(starts)
    inv = np.empty(len(idx), dtype=np.int64)
    inv[order] = np.repeat(np.arange(k), np.diff(np.r_[starts, len(sk)]))
    w = pts.count[idx].astype(float)
    n = np.bincount(inv, weights=w, minlength=k)
    groups = np.bincount(inv, minlength=k)
    lat = np.bincount(inv, weights=w * pts.lat[idx], minlength=k) / n
    lon = np.bincount(inv, weights=w * pts.lon[idx], minlength=k) / n
    nt = len(pts.types)
    by_type = np.bincount(inv * nt + pts.type[idx], weights=w, minlength=k * nt)
    dominant = by_type.reshape(k, nt).argmax(axis=1)
    lat_s, lon_s = pts.lat[idx][order], pts.lon[idx][order]
    south, north = np.minimum.reduceat(lat_s, starts), np.maximum.reduceat(lat_s, starts)
    west, east = np.minimum.reduceat(lon_s, starts), np.maximum.reduceat(lon_s, starts)
    first = idx[order[starts]]  # a member of each cell (the one group of a cell of one)
    for c in range(k):
        if groups[c] == 1:
            out["singles"].append(_single(pts, int(first[c])))
            continue
        out["clusters"].append(
            [
                round(float(lat[c]), 5),
                round(float(lon[c]), 5),
                int(n[c]),
                int(dominant[c]),
                int(groups[c]),
                round(float(south[c]), 5),
                round(float(west[c]), 5),
                round(float(north[c]), 5),
                round(float(east[c]), 5),
            ]
        )
    return out


def _single(pts: Points, i: int) -> list:
    return [
        round(float(pts.lat[i]), 5),
        round(float(pts.lon[i]), 5),
        int(pts.type[i]),
        int(pts.count[i]),
        int(pts.imprecise[i]),
        pts.place[i],
    ]

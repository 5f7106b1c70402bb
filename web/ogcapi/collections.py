"""The collections served by OGC API – Features, declared once: the routes, the HTML pages, the
queryables and the OpenAPI paths all read :data:`COLLECTIONS`.

Each collection is a list method of the store (``store.events``, ``store.statements``,
``store.places``) and the columns of its rows that hold the point. The extent and one item by
id are answered through that same public interface (:func:`extent`, :func:`get_item`), so any
store backend serves them.

Example
-------
>>> COLLECTIONS["events"].filters
('type', 'actor', 'place', 'q')
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from geo.errors import NotFoundError
from web import params as _params

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"


@dataclass(frozen=True)
class Collection:
    """One feature collection: a store list method and how its rows become Features."""

    id: str
    title: str
    description: str
    filters: tuple[str, ...]  # the queryables, beside bbox and datetime
    lon: str  # the row keys of the point
    lat: str
    id_schema: dict  # the JSON schema of a feature id (the /items/{featureId} path parameter)
    properties: str  # the name of the properties' schema in the OpenAPI document
    datetime_means: str  # what the datetime filter selects, in words

    def query(self, store, **kwargs) -> tuple[list[dict], int]:
        """``(rows, numberMatched)`` of the store's list method."""
        return getattr(store, self.id)(**kwargs)

    def feature(self, row: dict) -> dict:
        """An RFC 7946 Feature of a row: its point (``[lon, lat]``), or a null geometry."""
        lon, lat = row.get(self.lon), row.get(self.lat)
        geometry = None
        if lon is not None and lat is not None:
            geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        props = {k: v for k, v in row.items() if k not in (self.lon, self.lat)}
        return {"type": "Feature", "id": row.get("id"), "geometry": geometry, "properties": props}

    def parse_id(self, value: str) -> Any:
        """A feature id from the URL, or :class:`NotFoundError` when it cannot be one."""
        if self.id_schema.get("type") == "integer":
            if not value.isdigit() or len(value) > 18:
                raise NotFoundError(f"no {self.id[:-1]} with id {value[:40]!r}")
            return int(value)
        return value


# name -> (JSON type, description): the text filters declared in web.params
QUERYABLES: dict[str, tuple[str, str]] = {
    name: ("string", p.description) for name, p in _params.QUERYABLES.items()
}

COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        Collection(
            "events",
            "Events",
            "Conflict events (ACLED-like types) extracted from the news, one point each at its "
            "place: type, sub-type, date and its precision, actors, fatalities, the sentence and "
            "the document it comes from.",
            ("type", "actor", "place", "q"),
            "lon",
            "lat",
            {"type": "integer"},
            "Event",
            "events dated within the interval (an undated event: its document's publication date)",
        ),
        Collection(
            "statements",
            "Statements",
            "Quotations and reported speech, located where they were said (a null geometry when "
            "that is unknown), with the speaker and the places they name.",
            ("actor", "place", "q"),
            "where_lon",
            "where_lat",
            {"type": "integer"},
            "Statement",
            "statements dated within the interval",
        ),
        Collection(
            "places",
            "Places",
            "Places the documents mention, most mentioned first, with their mention counts and "
            "the documents naming them.",
            ("place", "q"),
            "lon",
            "lat",
            {"type": "string"},
            "Place",
            "places mentioned in documents published within the interval",
        ),
    )
}


# -- one item ---------------------------------------------------------------------------------
def get_item(coll: Collection, store, fid: Any) -> dict:
    """The row of the feature ``fid``, or :class:`NotFoundError`.

    Places are found by the store's ``place`` filter; an event by the store's ``event`` (a
    report merged into another event is no item of its own). Statements are listed in
    increasing id order, so the row is found by searching the offset whose row has that id (interpolation steps alternating with halvings: a few
    one-row pages).
    """
    missing = NotFoundError(f"no {coll.id[:-1]} with id {str(fid)[:40]!r} in {coll.id}")
    if coll.id == "events":  # the store reads it by its id
        try:
            return store.event(fid)
        except NotFoundError:
            raise missing from None
    if coll.id == "places":
        if ":" not in str(fid):  # a place's id is "<source>:<key>" (gn:170063); a name is none
            raise missing
        rows, _ = coll.query(store, place=str(fid), limit=1)
        if rows and rows[0].get("id") == fid:
            return rows[0]
        # a country or a province also lists the places inside it: look further
        offset = 0
        while True:
            rows, total = coll.query(store, place=str(fid), limit=500, offset=offset)
            for r in rows:
                if r.get("id") == fid:
                    return r
            offset += len(rows)
            if not rows or offset >= total:
                raise missing

    def at(offset: int) -> dict:
        return coll.query(store, limit=1, offset=offset)[0][0]

    _, total = coll.query(store, limit=0)
    if total == 0:
        raise missing
    lo, hi = 0, total - 1
    a, b = at(lo), at(hi)
    for row in (a, b):
        if row["id"] == fid:
            return row
    if not a["id"] < fid < b["id"]:
        raise missing
    halve = False
    while hi - lo > 1:
        if halve:
            mid = (lo + hi) // 2
        else:
            mid = lo + (fid - a["id"]) * (hi - lo) // (b["id"] - a["id"])
            mid = min(max(mid, lo + 1), hi - 1)
        halve = not halve
        m = at(mid)
        if m["id"] == fid:
            return m
        if m["id"] < fid:
            lo, a = mid, m
        else:
            hi, b = mid, m
    raise missing


# -- extents ----------------------------------------------------------------------------------
_FIRST_DAY, _LAST_DAY = dt.date(1800, 1, 1).toordinal(), dt.date(2200, 12, 31).toordinal()
_STEP = 1e-3  # the precision of the spatial extent, in degrees (rounded outwards)


def _first(lo: float, hi: float, ok: Callable[[float], bool], step: float) -> float:
    """The smallest x in [lo, hi] (to ``step``) where the monotone ``ok`` turns true."""
    while hi - lo > step:
        mid = (lo + hi) / 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _first_day(lo: int, hi: int, ok: Callable[[int], bool]) -> int:
    """The smallest integer in [lo, hi] where the monotone ``ok`` turns true (``ok(hi)``)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def extent(coll: Collection, store) -> dict:
    """The collection's extent: the bounding box of its features in CRS84 and the interval of
    their dates (``None`` at an end nothing is dated at). The events' is read from the store
    when it can tell it (``event_extent``: milliseconds at a million events); otherwise it is
    found by halving the store's own bbox and date filters, counting rows only."""
    spatial: dict[str, Any] = {"bbox": [[-180.0, -90.0, 180.0, 90.0]], "crs": CRS84}
    temporal: dict[str, Any] = {"interval": [[None, None]], "trs": GREGORIAN}
    if coll.id == "events":
        box, days = (store.event_extent()[k] for k in ("bbox", "days"))
    else:
        box, days = _extent_by_counts(coll, store)
    if box is not None:

        def out(v: float, up: bool) -> float:
            return (math.ceil if up else math.floor)(round(v / _STEP, 6)) * _STEP

        w, s, e, n = box
        spatial["bbox"] = [
            [
                round(max(-180.0, out(w, False) - _STEP), 3),
                round(max(-90.0, out(s, False) - _STEP), 3),
                round(min(180.0, out(e, True) + _STEP), 3),
                round(min(90.0, out(n, True) + _STEP), 3),
            ]
        ]
    if days is not None:
        temporal["interval"] = [[f"{days[0]}T00:00:00Z", f"{days[1]}T23:59:59Z"]]
    return {"spatial": spatial, "temporal": temporal}


def _extent_by_counts(coll: Collection, store) -> tuple[tuple | None, tuple | None]:
    """The bbox (w, s, e, n, to :data:`_STEP`) and the first and last day of a collection's
    features, by halving the store's bbox and date filters; None where there is none."""

    def count(**filters) -> int:
        return coll.query(store, **filters, limit=0)[1]

    if count() == 0:
        return None, None
    box = None
    if count(bbox=(-180, -90, 180, 90)):
        w = _first(-180, 180, lambda x: count(bbox=(-180, -90, x, 90)) > 0, _STEP)
        e = -_first(-180, 180, lambda x: count(bbox=(-x, -90, 180, 90)) > 0, _STEP)
        s = _first(-90, 90, lambda y: count(bbox=(-180, -90, 180, y)) > 0, _STEP)
        n = -_first(-90, 90, lambda y: count(bbox=(-180, -y, 180, 90)) > 0, _STEP)
        box = (w, s, e, n)

    def day(n: int) -> str:
        return dt.date.fromordinal(n).isoformat()

    days = None
    if count(start=day(_FIRST_DAY), end=day(_LAST_DAY)):
        first = _first_day(_FIRST_DAY, _LAST_DAY, lambda d: count(end=day(d)) > 0)
        last = -_first_day(-_LAST_DAY, -_FIRST_DAY, lambda d: count(start=day(-d)) > 0)
        days = (day(first), day(last))
    return box, days

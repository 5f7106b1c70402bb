"""The query parameters of OGC API – Features (Part 1: Core): ``bbox``, ``datetime``, ``limit``,
``offset``, ``f``, ``crs``, ``bbox-crs`` and the queryables, each validated into what the store's
queries take, or :class:`InputError` (400 with a JSON message).

The parameters are declared in :mod:`web.params` with the rest of the service's (the same rule
for a blank value, a box, a text filter); this module gives the routes of :mod:`web.ogcapi`
their readers by name.

Example
-------
>>> parse_datetime("2016-01-01/..")
('2016-01-01', None)
>>> parse_bbox("170,-20,-170,-10")   # across the antimeridian
(170.0, -20.0, -170.0, -10.0)
"""

from __future__ import annotations

from collections.abc import Mapping

from geo.errors import InputError
from web import params as p

DEFAULT_LIMIT = p.DEFAULT_LIMIT
MAX_LIMIT = p.OGC_MAX_LIMIT  # declared in the API definition (GDAL pages by it); more is a 400
MAX_OFFSET = p.MAX_OFFSET
MAX_TEXT = p.MAX_TEXT  # the longest value of a text filter (type, actor, place, q)
COMMON = ("f",)  # accepted by every resource
ITEMS = ("bbox", "datetime", "limit", "offset", "crs", "bbox-crs")  # accepted by every /items
CRS84 = p.CRS84
FORMATS = p.OGC_FORMATS


def check_known(args: Mapping[str, str], allowed: tuple[str, ...]) -> None:
    """400 for a parameter the API definition does not declare (/req/core/query-param-unknown)."""
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        names = ", ".join(repr(u[:40]) for u in unknown[:5])
        raise InputError(f"unknown parameter(s) {names}; this resource takes {', '.join(allowed)}")


def parse_format(args: Mapping[str, str]) -> str | None:
    """``f=json|html``, or None when absent or blank (the Accept header then decides)."""
    return p.F.parse(args.get("f"))


def check_crs(args: Mapping[str, str]) -> None:
    """``crs`` and ``bbox-crs`` (GDAL sends them) may only name CRS84, the one CRS served."""
    p.CRS.parse(args.get("crs"))
    p.BBOX_CRS.parse(args.get("bbox-crs"))


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``minLon,minLat,maxLon,maxLat`` (or six numbers with heights, which are dropped), in
    CRS84; ``minLon > maxLon`` is a box crossing the antimeridian (the rule of
    :func:`geo.store.base.parse_bbox`)."""
    return p.OGC_BBOX.parse(value)


def parse_datetime(value: str | None) -> tuple[str | None, str | None]:
    """The first and last day a ``datetime`` covers: an instant, a closed interval, or an
    interval open at one end (``..`` or empty). Events are dated to the day: a date-time selects
    the day it falls on (UTC)."""
    return p.DATETIME.parse(value) or (None, None)


def parse_int(name: str, value: str | None, default: int, lo: int, hi: int) -> int:
    """An integer parameter in ``[lo, hi]`` (``limit``, ``offset``; blank: ``default``).

    A limit above the maximum is refused rather than lowered (OGC recommends lowering it): the
    API definition declares the maximum, and a request outside what it declares is a 400.
    """
    return p.Param(name, "int", "", default=default, minimum=lo, maximum=hi).parse(value)


def parse_text(name: str, value: str | None) -> str | None:
    """A text filter (a queryable): at most :data:`MAX_TEXT` characters, no control characters."""
    return p.QUERYABLES[name].parse(value)

"""The query parameters of OGC API – Features (Part 1: Core): ``bbox``, ``datetime``, ``limit``,
``offset``, ``f``, each validated into what the store's queries take, or :class:`InputError`
(400 with a JSON message).

Example
-------
>>> parse_datetime("2016-01-01/..")
('2016-01-01', None)
>>> parse_bbox("170,-20,-170,-10")   # across the antimeridian
(170.0, -20.0, -170.0, -10.0)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping

from geo.errors import InputError

DEFAULT_LIMIT = 100
MAX_LIMIT = 10000  # declared in the API definition (GDAL pages by it); a larger limit is a 400
MAX_OFFSET = 10**9
MAX_TEXT = 200  # the longest value of a text filter (type, actor, place, q)
COMMON = ("f",)  # accepted by every resource
ITEMS = ("bbox", "datetime", "limit", "offset", "crs", "bbox-crs")  # accepted by every /items
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
FORMATS = ("json", "html")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def check_known(args: Mapping[str, str], allowed: tuple[str, ...]) -> None:
    """400 for a parameter the API definition does not declare (/req/core/query-param-unknown)."""
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        names = ", ".join(repr(u[:40]) for u in unknown[:5])
        raise InputError(f"unknown parameter(s) {names}; this resource takes {', '.join(allowed)}")


def parse_format(args: Mapping[str, str]) -> str | None:
    """``f=json|html``, or None when absent (the Accept header then decides)."""
    f = args.get("f")
    if f is None:
        return None
    if f not in FORMATS:
        raise InputError(f"f must be one of {', '.join(FORMATS)}, not {f[:20]!r}")
    return f


def check_crs(args: Mapping[str, str]) -> None:
    """``crs`` and ``bbox-crs`` (GDAL sends them) may only name CRS84, the one CRS served."""
    for name in ("crs", "bbox-crs"):
        value = args.get(name)
        if value and value.strip() != CRS84:
            raise InputError(f"{name} must be {CRS84} (the only CRS served), not {value[:80]!r}")


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``minLon,minLat,maxLon,maxLat`` (or six numbers with heights, which are dropped), in
    CRS84; ``minLon > maxLon`` is a box crossing the antimeridian."""
    parts = value.split(",")
    if len(parts) not in (4, 6):
        raise InputError("bbox must be four numbers: minLon,minLat,maxLon,maxLat (CRS84)")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise InputError(f"bbox has a value that is not a number: {value[:80]!r}") from None
    if not all(math.isfinite(v) for v in nums):
        raise InputError("bbox values must be finite numbers")
    w, s, e, n = nums[:2] + nums[3:5] if len(nums) == 6 else nums
    if not (-180 <= w <= 180 and -180 <= e <= 180):
        raise InputError("bbox longitudes must be between -180 and 180")
    if not (-90 <= s <= 90 and -90 <= n <= 90):
        raise InputError("bbox latitudes must be between -90 and 90")
    if s > n:
        raise InputError("bbox minimum latitude is greater than its maximum")
    return (w, s, e, n)


def _day(value: str) -> str:
    """The calendar day (UTC) of an RFC 3339 date or date-time."""
    try:
        if _DATE.match(value):
            return dt.date.fromisoformat(value).isoformat()
        if _DATETIME.match(value):
            stamp = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
            return stamp.astimezone(dt.timezone.utc).date().isoformat()
    except ValueError:
        raise InputError(f"datetime has an impossible date: {value[:40]!r}") from None
    raise InputError(
        f"datetime must be an RFC 3339 date or date-time, or an interval of them "
        f"('2016-01-01/2016-12-31', '2016-01-01/..'), not {value[:60]!r}"
    )


def parse_datetime(value: str) -> tuple[str | None, str | None]:
    """The first and last day a ``datetime`` covers: an instant, a closed interval, or an
    interval open at one end (``..`` or empty). Events are dated to the day: a date-time selects
    the day it falls on (UTC)."""
    value = value.strip()
    if "/" not in value:
        day = _day(value)
        return day, day
    start, _, end = value.partition("/")
    lo = None if start in ("", "..") else _day(start)
    hi = None if end in ("", "..") else _day(end)
    if lo is None and hi is None:
        raise InputError("datetime must bound at least one end of its interval")
    if lo and hi and lo > hi:
        raise InputError(f"datetime interval starts after it ends: {value[:60]!r}")
    return lo, hi


def parse_int(name: str, value: str | None, default: int, lo: int, hi: int) -> int:
    """An integer parameter in ``[lo, hi]``.

    A limit above the maximum is refused rather than lowered (OGC recommends lowering it): the
    API definition declares the maximum, and a request outside what it declares is a 400.
    """
    if value is None or value == "":
        return default
    if not re.fullmatch(r"\+?\d{1,12}", value.strip()):
        raise InputError(f"{name} must be a non-negative integer, not {value[:40]!r}")
    n = int(value)
    if not lo <= n <= hi:
        raise InputError(f"{name} must be between {lo} and {hi}")
    return n


def parse_text(name: str, value: str) -> str:
    """A text filter: at most :data:`MAX_TEXT` characters, no control characters."""
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InputError(f"{name} is longer than {MAX_TEXT} characters")
    if any(ord(c) < 32 for c in value):
        raise InputError(f"{name} contains control characters")
    return value

"""The query parameters of the HTTP service, declared once: the JSON API, the exports, the
snapshots, the map page's JSON endpoints and OGC API – Features.

Each :class:`Param` holds a parameter's name, its kind, its range, pattern or choices, its
default and its description. The routes parse a request with :meth:`Param.parse` (or
:func:`parse_filters`), and the OpenAPI document (:mod:`web.openapi`, :mod:`web.ogcapi.openapi`)
is written from :meth:`Param.openapi`: the pattern a value is checked against is the pattern
the document publishes, so the two cannot drift.

One rule for every parameter of every route (:data:`BLANK_RULE`): an empty or whitespace-only
value is the same as leaving the parameter out. Text, dates and boxes are read without the
whitespace around them; numbers and names from a list are taken as they are.

Adding a parameter: declare it here (or in one of the tables below), read it in the route
with ``PARAM.parse(request.args.get(name))``; the document follows.

Example
-------
>>> LIMIT.parse(" "), LIMIT.parse("20")
(100, 20)
>>> parse_filters({"bbox": "170,-20,-170,-10", "type": " Battles "}, ("bbox", "type"))
{'bbox': (170.0, -20.0, -170.0, -10.0), 'type': 'Battles'}
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from geo.errors import InputError
from geo.lang import SUPPORTED
from geo.store.base import (
    BBOX_HELP,
    BBOX_NUMBER,
    BBOX_PATTERN,
    EVENT_SORTS,
    HISTOGRAM_UNITS,
    SPACE,
    SPACE_CHARS,
    check_day,
    parse_bbox,
)
from web import limits

BLANK_RULE = (
    "An empty or whitespace-only value is the same as leaving the parameter out, for every "
    "parameter. Text, dates, boxes and names from a list are read without the whitespace "
    "around them; an integer is digits only."
)
CHECKED_BY_SERVER = (
    "Rules a schema cannot say are checked by the server (400 with a JSON message): a real "
    "calendar date, start not after end, a bbox's ranges and min_lat <= max_lat."
)

MAX_TEXT = 200  # the longest value of a text parameter (a filter, a title)
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000  # the JSON API's rows per page
MAX_OFFSET = 10**9
OGC_MAX_LIMIT = 10000  # OGC API's features per page (GDAL pages by the declared maximum)
LANGS = SUPPORTED  # the languages of place names (and of a posted article)

_S = SPACE  # a whitespace character (geo.store.base: one class for every regex dialect)
_BLANK = re.compile(f"{_S}*")
_INT = r"0|-?[1-9][0-9]{0,11}"  # an integer as a client writes it: no sign, zero or space more
_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"  # (31 February: 400)
_HOUR = r"(?:[01][0-9]|2[0-3])"
_INSTANT = (
    _DATE + rf"(?:[Tt]{_HOUR}:[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?(?:[Zz]|[+-]{_HOUR}:[0-5][0-9]))?"
)
_END = rf"(?:{_INSTANT}|\.\.)?"
_NO_CONTROL = r"[^\x00-\x1f]*"  # a text filter: no control character
_NO_CONTROL_TITLE = r"[^\x00-\x1f\x7f-\x9f]*"  # a title drawn on a map: none of Unicode's Cc


def _fold(word: str) -> str:
    """A regex of ``word`` in any case (JSON Schema patterns have no flags)."""
    return "".join(
        f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else re.escape(c) for c in word
    )


@dataclass(frozen=True)
class Param:
    """One query parameter: how it is read and how the OpenAPI document describes it.

    ``kind`` is ``"text"`` (a string matching ``pattern``, stripped), ``"int"`` (in
    ``[minimum, maximum]``), ``"choice"`` (one of ``choices``), ``"list"`` (``choices``
    separated by commas), or a string read by ``convert`` after ``pattern`` matched (a date, a
    box, an interval).
    """

    name: str
    kind: str
    description: str
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    pattern: str = ""  # a non-blank value's regex (whitespace around it allowed)
    convert: Callable[[Param, str], Any] | None = None  # the stripped value -> the parsed one
    bad: str = ""  # the message of a value that does not match (``{name}``, ``{value}``)
    fold_case: bool = False  # a choice in any case ("FR" is "fr")
    example: Any = None
    extra: dict = field(default_factory=dict)  # more of the OpenAPI parameter object

    # -- reading ------------------------------------------------------------------------
    def parse(self, raw: str | None) -> Any:
        """The value of ``raw`` (a query string's value, or None), or :class:`InputError`
        (400) naming the parameter; a blank value gives the default."""
        if raw is None or _BLANK.fullmatch(raw):
            return self.default
        if self.max_length is not None and len(raw) > self.max_length:
            raise InputError(f"{self.name} is longer than {self.max_length} characters")
        if self.kind == "int":
            if not re.fullmatch(_INT, raw):
                raise InputError(f"{self.name} must be an integer, not {raw[:40]!r}")
            n = int(raw)
            if not self.minimum <= n <= self.maximum:  # type: ignore[operator]
                raise InputError(f"{self.name} must be between {self.minimum} and {self.maximum}")
            return n
        if self.kind == "choice":
            value = raw.strip(SPACE_CHARS)
            value = value.lower() if self.fold_case else value
            if value not in self.choices:
                raise InputError(
                    f"{self.name} must be one of {', '.join(self.choices)}, not {raw[:20]!r}"
                )
            return value
        if not self._regex.fullmatch(raw):
            raise InputError(self._bad(raw))
        value = raw.strip(SPACE_CHARS)
        if self.kind == "list":
            return [x.strip(SPACE_CHARS) for x in value.split(",")]
        return self.convert(self, value) if self.convert else value

    @functools.cached_property
    def _regex(self) -> re.Pattern:
        return re.compile(rf"{_S}*(?:{self._core}){_S}*")

    @property
    def _core(self) -> str:
        one = "(?:" + "|".join(re.escape(c) for c in self.choices) + ")"
        if self.kind == "list":
            return rf"{one}(?:{_S}*,{_S}*{one})*"
        if self.kind == "choice":
            return "(?:" + "|".join(map(_fold, self.choices)) + ")" if self.fold_case else one
        return self.pattern

    def _bad(self, raw: str) -> str:
        if self.kind == "list":
            items = [x.strip(SPACE_CHARS) for x in raw.split(",")]
            unknown = [x for x in items if x not in self.choices]
            if unknown:
                return (
                    f"unknown {self.name} {', '.join(repr(x[:20]) for x in unknown[:5])}; "
                    f"use {', '.join(self.choices)} (separated by commas)"
                )
            return f"{self.name} must be names separated by commas: {', '.join(self.choices)}"
        if self.convert is not None:
            self.convert(
                self, raw.strip(SPACE_CHARS)
            )  # the converter's own words, when it has some
        return (self.bad or "{name} is not valid: {value}").format(
            name=self.name, value=repr(raw[:40])
        )

    # -- describing -----------------------------------------------------------------------
    def schema(self) -> dict:
        """The parameter's JSON schema: what :meth:`parse` accepts, blank values included."""
        blank = {"type": "string", "pattern": f"^{_S}*$"}
        if self.kind == "int":
            number = {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
            out: dict[str, Any] = {"anyOf": [number, blank], **number}
            out.pop("type")
        elif self.kind == "choice":  # the names, and the same with whitespace around or blank
            padded = {"type": "string", "pattern": rf"^{_S}*(?:{self._core})?{_S}*$"}
            out = {"anyOf": [{"type": "string", "enum": list(self.choices)}, padded]}
        else:
            out = {"type": "string", "pattern": rf"^{_S}*(?:{self._core})?{_S}*$"}
            if self.max_length is not None:
                out["maxLength"] = self.max_length
        if self.default is not None:
            out["default"] = (
                ",".join(self.default) if isinstance(self.default, tuple) else self.default
            )
        return out

    def openapi(self) -> dict:
        """The OpenAPI 3.0 parameter object (in the query, never required)."""
        out = {
            "name": self.name,
            "in": "query",
            "required": False,
            "description": self.description,
            "schema": self.schema(),
            **self.extra,
        }
        if self.example is not None:
            out["example"] = self.example
        return out


def param(name: str, kind: str, description: str, **kw: Any) -> Param:
    return Param(name, kind, description, **kw)


# -- converters ---------------------------------------------------------------------------------
def _date(p: Param, value: str) -> str:
    day = check_day(value, p.name)  # the store's rule and words
    if day is None:
        raise InputError(f"{p.name} must be a date YYYY-MM-DD, not {value[:40]!r}")
    return day


def _bbox(p: Param, value: str) -> tuple[float, float, float, float]:
    try:
        return parse_bbox(value, antimeridian=p.extra.get("x-antimeridian", True))  # type: ignore[return-value]
    except InputError as exc:
        if p.name == "bbox":
            raise
        raise InputError(f"{p.name}: {exc.message}") from None


def _ogc_bbox(p: Param, value: str) -> tuple[float, float, float, float]:
    parts = value.split(",")
    if len(parts) == 6:  # with heights, which are dropped
        parts = parts[:2] + parts[3:5]
    return _bbox(p, ",".join(parts))


def _ogc_day(value: str) -> str:
    import datetime as dt

    try:
        if re.fullmatch(_DATE, value):
            return dt.date.fromisoformat(value).isoformat()
        stamp = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        return stamp.astimezone(dt.timezone.utc).date().isoformat()
    except ValueError:
        raise InputError(f"datetime has an impossible date: {value[:40]!r}") from None


def _datetime(p: Param, value: str) -> tuple[str | None, str | None]:
    """The first and last day a ``datetime`` covers (see :data:`DATETIME`)."""
    if not re.fullmatch(rf"{_INSTANT}|{_END}/{_END}", value):
        raise InputError(
            "datetime must be an RFC 3339 date or date-time, or an interval of them "
            f"('2016-01-01/2016-12-31', '2016-01-01/..'), not {value[:60]!r}"
        )
    if "/" not in value:
        day = _ogc_day(value)
        return day, day
    start, _, end = value.partition("/")
    lo = None if start in ("", "..") else _ogc_day(start)
    hi = None if end in ("", "..") else _ogc_day(end)
    if lo is None and hi is None:
        raise InputError("datetime must bound at least one end of its interval")
    if lo and hi and lo > hi:
        raise InputError(f"datetime interval starts after it ends: {value[:60]!r}")
    return lo, hi


# -- the filters of events, statements, places and documents -----------------------------------
BBOX = param(
    "bbox",
    "bbox",
    f"The box: {BBOX_HELP}.",
    pattern=BBOX_PATTERN,
    convert=_bbox,
    bad="bbox must be four numbers: min_lon,min_lat,max_lon,max_lat",
    example="35.5,32.3,42.4,37.4",
)
START = param(
    "start",
    "date",
    "First day included (YYYY-MM-DD).",
    pattern=_DATE,
    convert=_date,
    bad="{name} must be a date YYYY-MM-DD, not {value}",
    example="2024-01-01",
)
END = replace(
    START, name="end", description="Last day included (YYYY-MM-DD).", example="2024-12-31"
)


def _text(name: str, description: str, **kw: Any) -> Param:
    return param(
        name,
        "text",
        description,
        max_length=MAX_TEXT,
        pattern=_NO_CONTROL,
        bad="{name} contains control characters",
        **kw,
    )


TYPE = _text(
    "type",
    "Event type or subtype, by its name or its French or English label (Battles, Combats, "
    "Air/drone strike); the types are declared in geo/data/event_types.tsv.",
    example="Battles",
)
ACTOR = _text(
    "actor",
    "An actor by its id or any of its names in either language (Russia and Russie find the "
    "same events); a name the actor registry lacks matches part of an actor's label.",
    example="Russia",
)
PLACE = _text(
    "place",
    "A place id (gn:170063) or any of its names: French, English, or as a document wrote it "
    "(Alep, Aleppo); a country or a province covers the places inside it.",
    example="gn:170063",
)
Q = _text("q", "Words that must all appear in the text (a phrase in double quotes; SQLite FTS5).")
LIMIT = param(
    "limit",
    "int",
    "Rows per page.",
    default=DEFAULT_LIMIT,
    minimum=1,
    maximum=MAX_LIMIT,
    example=100,
)
OFFSET = param(
    "offset", "int", "Rows to skip.", default=0, minimum=0, maximum=MAX_OFFSET, example=0
)

SORT = param(  # /api/events: the events table sorts a view too big to read whole
    "sort",
    "choice",
    "The order of the events: by date, fatalities, type or place name, descending with '-'; "
    "ties by id, so paging is stable. Without it, the order stored.",
    choices=EVENT_SORTS,
    example="-date",
)

FILTER_PARAMS: dict[str, Param] = {p.name: p for p in (BBOX, START, END, TYPE, ACTOR, PLACE, Q)}
FILTERS = {  # the filters each list takes
    "events": ("bbox", "start", "end", "type", "actor", "place", "q"),
    "statements": ("bbox", "start", "end", "actor", "place", "q"),
    "places": ("bbox", "start", "end", "q", "place"),
    "documents": ("q", "start", "end"),
}


def parse_filters(args: Mapping[str, str], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The store filters among ``allowed`` found in ``args``, validated; absent (or blank)
    ones omitted; ``start`` after ``end`` is a 400."""
    out: dict[str, Any] = {}
    for key in allowed:
        value = FILTER_PARAMS[key].parse(args.get(key))
        if value is not None:
            out[key] = value
    if "start" in out and "end" in out and out["start"] > out["end"]:
        raise InputError("start must not be after end")
    return out


def parse_page(args: Mapping[str, str], limit: Param = LIMIT) -> tuple[int, int]:
    """``limit`` and ``offset``."""
    return limit.parse(args.get("limit")), OFFSET.parse(args.get("offset"))


# -- the map page's JSON endpoints (web.timeline) ---------------------------------------------
LANG = param(
    "lang",
    "choice",
    "Language of the place names (any case); without it the app's language.",
    choices=LANGS,
    fold_case=True,
)
UNIT = param(
    "unit",
    "choice",
    "The timeline's bars: by day, week, month or year; without it, chosen from the range "
    "(up to 92 days by day, up to 3 years by week, then by month).",
    choices=HISTOGRAM_UNITS,
)
PLACES = param(
    "places",
    "choice",
    "0 leaves the places mentioned out (asked for only while their layer is shown).",
    choices=("0", "1"),
    default="1",
)
VIEW = replace(
    BBOX,
    name="view",
    description=f"The map's bounds, to count the events in view: {BBOX_HELP}.",
    example=None,
)
ZOOM = param(  # /map/clusters.json: the grid of the clusters
    "zoom",
    "int",
    "The map's zoom: the clusters of the view are cells of a grid at this zoom.",
    minimum=0,
    maximum=18,
    default=2,
)
TYPES = param(  # /map/clusters.json: the event types ticked in the layer control
    "types",
    "text",
    "Event types shown, by name, separated by commas (without it, every type).",
    pattern=f"{_NO_CONTROL}",
    max_length=2000,
)

# -- snapshots (web.snapshot) ------------------------------------------------------------------
SNAPSHOT_BBOX = replace(
    BBOX,
    description=(
        "The drawn box (widened to the image's proportions; default: the data's extent): "
        "min_lon,min_lat,max_lon,max_lat in degrees (WGS 84). A box across the antimeridian "
        "(min_lon > max_lon) is a 400 here: ask for each side."
    ),
    extra={"x-antimeridian": False},
)


@functools.cache
def snapshot_params() -> dict[str, Param]:
    """The snapshot's own parameters (beside the filters), by name; read from the snapshot's,
    its styles' and the limits' declarations."""
    from web import layers
    from web.snapshot_style import STYLES
    from web.snapshot_symbols import SIZE_BY

    def size(side: str, default: int) -> Param:
        return param(
            side,
            "int",
            "Pixels (at 100 dpi).",
            default=default,
            minimum=limits.SNAPSHOT_MIN_SIZE,
            maximum=limits.SNAPSHOT_MAX_SIZE,
        )

    return {
        p.name: p
        for p in (
            param(
                "layers",
                "list",
                f"Comma-separated: {', '.join(layers.snapshot_names())}.",
                choices=layers.snapshot_names(),
                example=",".join(layers.snapshot_shown()),
            ),
            size("width", 1200),
            size("height", 800),
            param(
                "title",
                "text",
                "Title drawn on the map (one line: no control characters). It filters nothing.",
                max_length=MAX_TEXT,
                pattern=_NO_CONTROL_TITLE,
                bad="title contains control characters (a line break, NUL...)",
            ),
            param(
                "size",
                "choice",
                "What a symbol's area counts: the events at the place, or the people killed.",
                choices=SIZE_BY,
                default="events",
            ),
            replace(LANG, description="Language of the place names (any case)."),
            param(
                "dpi",
                "int",
                "A PNG's resolution (the layout is at 100 dpi).",
                default=limits.SNAPSHOT_DPI,
                minimum=limits.SNAPSHOT_MIN_DPI,
                maximum=limits.SNAPSHOT_MAX_DPI,
            ),
            param(
                "paper",
                "choice",
                "A page size, in place of width and height.",
                choices=tuple(limits.SNAPSHOT_PAPERS),
            ),
            param(
                "style",
                "choice",
                "Colours, or greys and hatching for print.",
                choices=STYLES,
                default="color",
            ),
            param(
                "inset",
                "choice",
                "Add a world locator map (1, true or yes; 0, false or no).",
                choices=("1", "true", "yes", "0", "false", "no"),
                default="0",
            ),
        )
    }


# -- OGC API – Features (web.ogcapi) -----------------------------------------------------------
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
OGC_FORMATS = ("json", "html")
F = param(
    "f",
    "choice",
    "The format of the response; without it the Accept header decides (JSON by default).",
    choices=OGC_FORMATS,
)
OGC_BBOX = param(
    "bbox",
    "bbox",
    "minLon,minLat,maxLon,maxLat in CRS84 (WGS 84 longitude, latitude); minLon > maxLon "
    "crosses the antimeridian. Six numbers (with heights) are taken as the same box.",
    pattern=rf"{BBOX_PATTERN}(?:,{_S}*{BBOX_NUMBER}{_S}*,{_S}*{BBOX_NUMBER}{_S}*)?",
    convert=_ogc_bbox,
    bad="bbox must be four numbers: minLon,minLat,maxLon,maxLat (CRS84)",
    example="35.5,32.3,42.4,37.4",
)
DATETIME = param(
    "datetime",
    "interval",
    "An RFC 3339 date or date-time, or an interval of them: closed (2016-01-01/2016-12-31) or "
    "open at one end (2016-01-01/.., ../2016-12-31). Dates are days: a date-time selects the "
    "day (UTC) it falls on.",
    pattern=rf"{_INSTANT}|{_END}/{_END}",
    convert=_datetime,
    bad="datetime must be an RFC 3339 date or date-time, or an interval of them, not {value}",
    example="2016-01-01/..",
)
OGC_LIMIT = param(
    "limit",
    "int",
    f"Features per page: {DEFAULT_LIMIT} by default, at most {OGC_MAX_LIMIT}. Follow the "
    "response's next link for the next page.",
    default=DEFAULT_LIMIT,
    minimum=1,
    maximum=OGC_MAX_LIMIT,
    extra={"style": "form", "explode": False},
)
OGC_OFFSET = replace(OFFSET, description="Features to skip (the next and prev links set it).")
CRS = param(
    "crs",
    "choice",
    "The CRS of the response: CRS84 only (the one served; any other is a 400).",
    choices=(CRS84,),
)
BBOX_CRS = param("bbox-crs", "choice", "The CRS of bbox: CRS84 only.", choices=(CRS84,))
QUERYABLES = {p.name: p for p in (TYPE, ACTOR, PLACE, Q)}  # the text filters of /items

"""The store's contract: what every backend (SQLite, PostGIS) gives and what callers may use.

The web app, the exports and the snapshot see only this: the :class:`Store` interface, the shapes
of its rows (:data:`EVENT_KEYS`, :data:`STATEMENT_KEYS`), one :class:`EventFilter` for the
filters of events, and the checks of what a caller gives (a bbox, a day, a page). No SQL here:
each backend turns a filter into its own dialect (FTS5 or ``tsvector``, an R*Tree or a GiST
index).
"""

from __future__ import annotations

import abc
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from geo import event_types
from geo.dates import date_bounds
from geo.errors import ConfigError, InputError
from geo.text import text_hash  # noqa: F401 - the backends' hash of a text, read from here

if TYPE_CHECKING:  # pragma: no cover
    from gazetteer.reviewed import ReviewedLayer
    from geo.pipeline import Extracted

# 7: the reviewers' corrections (geo.store.sqlite_review); 8: events by place and date
SCHEMA_VERSION = 8
BUSY_TIMEOUT_MS = 60_000
FETCH_CHUNK = 256
MAX_PLACE_DOCUMENTS = 20
MAX_PLACE_NAMES = 20  # names as written listed per place


# -- helpers shared with callers ----------------------------------------------------------------
# One rule for a bounding box, read by the store, the command line, the API, the snapshot and
# the OGC API (web.params declares the HTTP parameter with BBOX_PATTERN and BBOX_HELP).
# Whitespace: the characters every regex dialect (Python, ECMA-262, Rust's) calls a space, so
# that a published pattern means the same to every client; Python's str.strip() would also take
# the separators U+001C-U+001F, which the others do not.
SPACE_CHARS = (
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)
SPACE = r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
BBOX_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"  # what parse_bbox reads as a number
_LON = r"[-+]?(?:180(?:\.0*)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]*)?|\.[0-9]+)"
_LAT = r"[-+]?(?:90(?:\.0*)?|[1-8]?[0-9](?:\.[0-9]*)?|\.[0-9]+)"
# the pattern the OpenAPI document publishes: four numbers in range (min_lat <= max_lat is left
# to parse_bbox: a regex cannot compare)
BBOX_PATTERN = rf"{SPACE}*,{SPACE}*".join([rf"{SPACE}*{_LON}", _LAT, _LON, rf"{_LAT}{SPACE}*"])
BBOX_HELP = (
    "min_lon,min_lat,max_lon,max_lat in degrees (WGS 84); min_lon > max_lon is a box across "
    "the antimeridian (170,-20,-170,-10 spans 20 degrees around 180)"
)
_BBOX_NUMBER = re.compile(rf"{SPACE}*{BBOX_NUMBER}{SPACE}*")


def parse_bbox(
    value: str | tuple | list | None, *, antimeridian: bool = True
) -> tuple[float, float, float, float] | None:
    """``(min_lon, min_lat, max_lon, max_lat)`` from ``"35.0,35.5,38,37"`` or a sequence; None
    for None or a blank string (no box).

    The one rule of a box for every caller: four decimal numbers, longitudes in [-180, 180],
    latitudes in [-90, 90], ``min_lat <= max_lat``; ``min_lon > max_lon`` is a box crossing the
    antimeridian (RFC 7946 section 5.2), which every store query reads as two boxes. A caller
    that cannot draw such a box (the snapshot) passes ``antimeridian=False`` and gets a 400
    that says how to ask for it.

    Raises
    ------
    InputError
        Not four numbers, a latitude or longitude out of range, ``min_lat > max_lat``, or a box
        across the antimeridian where it is not allowed.

    Example
    -------
    >>> parse_bbox("170,-10,-170,10")
    (170.0, -10.0, -170.0, 10.0)
    >>> parse_bbox(" ") is None
    True
    """
    if value is None or (isinstance(value, str) and not value.strip(SPACE_CHARS)):
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    if len(parts) != 4:
        raise InputError("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat")
    for p in parts:
        if isinstance(p, str) and not _BBOX_NUMBER.fullmatch(p):
            if p.strip(SPACE_CHARS).lower().lstrip("+-") in ("nan", "inf", "infinity"):
                raise InputError("bbox values must be finite numbers")
            raise InputError(f"bbox has a value that is not a number: {str(p)[:40]!r}")
    try:
        w, s, e, n = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise InputError(f"bbox must be four numbers, not {str(value)[:80]!r}") from None
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        raise InputError("bbox values must be finite numbers")
    if not (-180 <= w <= 180 and -180 <= e <= 180):
        raise InputError("bbox longitudes must be between -180 and 180")
    if not (-90 <= s <= 90 and -90 <= n <= 90):
        raise InputError("bbox latitudes must be between -90 and 90")
    if s > n:
        raise InputError("bbox must have min_lat <= max_lat")
    if w > e and not antimeridian:
        raise InputError(
            f"bbox crosses the antimeridian (min_lon {w:g} > max_lon {e:g}), which a snapshot "
            f"cannot draw: ask for each side ({w:g},{s:g},180,{n:g} and -180,{s:g},{e:g},{n:g})"
        )
    return (w, s, e, n)


def check_day(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        shown = value[:40] if isinstance(value, str) else value
        raise InputError(f"{name} must be a date YYYY-MM-DD, not {shown!r}")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name} is not a valid date: {value!r}") from None
    return value


def check_page(limit: int, offset: int) -> tuple[int, int]:
    for name, v in (("limit", limit), ("offset", offset)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise InputError(f"{name} must be a non-negative integer, not {v!r}")
    return limit, offset


# The orders of a page of events (``events(sort=...)``): a column, descending with "-". The
# SQL of each is fixed here (never the client's text); ties go by id, so paging is stable.
EVENT_SORT_COLUMNS = ("date", "fatalities", "type", "place")
EVENT_SORTS = tuple(s for c in EVENT_SORT_COLUMNS for s in (c, "-" + c))


def event_order_sql(sort: str | None, place_name_sql: str, collate: str = "") -> str:
    """The ORDER BY list of :meth:`Store.events` for ``sort`` (None: id, the order stored).

    ``place_name_sql`` is the engine's expression of the place name shown (aliases ``e``,
    ``d``, ``p``); ``collate`` a COLLATE clause making text compare by code point on every
    engine. Missing values sort as the table sorts them: first ascending, last descending.
    """
    if sort is None:
        return "e.id"
    if sort not in EVENT_SORTS:
        raise InputError(f"sort must be one of {', '.join(EVENT_SORTS)}, not {sort!r}")
    c = collate  # on the text itself: lower() changes ASCII letters only, as SQLite's does
    keys = {
        "date": [f"COALESCE(NULLIF(e.date, ''), substr(d.published, 1, 10), ''){c}"],
        "fatalities": ["COALESCE(e.fatalities, -1)"],
        "type": [f"COALESCE(e.type, ''){c}", f"COALESCE(e.subtype, ''){c}"],
        "place": [f"lower(COALESCE({place_name_sql}, ''){c})"],
    }[sort.lstrip("-")]
    way = " DESC" if sort.startswith("-") else ""
    return ", ".join(k + way for k in keys) + ", e.id"


def type_name(value: str) -> str:
    """The declared name of the type or sub-type a filter names in any language ("Combats",
    "Frappe aérienne ou de drone"); a name not declared is kept as given (exact, any case).

    >>> type_name("combats"), type_name("Rencontre/pourparlers"), type_name(" Other kind ")
    ('Battles', 'Meeting/talks', 'Other kind')
    """
    found = event_types.resolve(str(value).strip())
    if found is None:
        return str(value).strip()
    return found[1] or found[0]


# ACLED's codes for the stored precisions, for events whose extractor did not give them: geo
# 1 = the place itself, 2 = a district or nearby town, 3 = a province or larger; time 1 = the
# day, 2 = a week or a range of days, 3 = a month or vaguer.
GEO_PRECISION_CODES = {"city": 1, "site": 1, "admin2": 2, "admin1": 3, "region": 3, "country": 3}
TIME_PRECISION_CODES = {"day": 1, "week": 2, "range": 2, "month": 3, "season": 3, "year": 3}

EVENT_KEYS = [
    "id",
    "doc_id",
    "type",
    "subtype",
    "secondary_types",
    "date",
    "date_precision",
    "date_phrase",
    "actors",
    "fatalities",
    "injured",
    "place_id",
    "place_name",
    "lat",
    "lon",
    "feature",
    "country_code",
    "admin1",
    "precision",
    "sentence",
    "start",
    "end",
    "confidence",
    "doc_title",
    "doc_source",
    "doc_url",
    "published",
    "admin1_name",
    "place_name_fr",
    "place_name_en",
    "doc_lang",
    "location",
    "geo_precision",
    "time_precision",
    "actor1",
    "actor2",
    "interaction",
    "fatalities_phrase",
    "why",
    "n_sources",
    "merged_into",
    "why_merged",
    "sources",
]

STATEMENT_KEYS = [
    "id",
    "doc_id",
    "quote",
    "speaker",
    "speaker_role",
    "indirect",
    "date",
    "date_precision",
    "where_id",
    "where_name",
    "where_lat",
    "where_lon",
    "start",
    "end",
    "doc_title",
    "doc_source",
    "doc_url",
    "where_name_fr",
    "where_name_en",
    "doc_lang",
]


_SEARCH_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def search_terms(q: str) -> list[tuple[str, bool]]:
    """What a person typed in a search box as ``(words, prefix)`` terms that must all appear:
    each word, or ``"quoted phrase"``; a word ending in ``*`` is a prefix. Operators of any
    search syntax are plain words; each backend writes the terms in its own syntax.

    Raises
    ------
    InputError
        When nothing searchable is left (only punctuation).

    Example
    -------
    >>> search_terms('Alep "frappes russes" bomb* -')
    [('Alep', False), ('frappes russes', False), ('bomb', True)]
    """
    terms = []
    for m in _SEARCH_TERM.finditer(str(q)):
        phrase, word = m.group(1), m.group(2)
        prefix = False
        if word is not None:
            prefix = word.endswith("*")
            phrase = word.rstrip("*").replace('"', " ")
        if not re.search(r"\w", phrase or ""):
            continue
        terms.append((phrase.strip(), prefix))
    if not terms:
        raise InputError(f"q has no word to search for: {q!r}")
    return terms


def json_list(value: str | None) -> list:
    return json.loads(value) if value else []


# -- one filter object for events ---------------------------------------------------------------
@dataclass(frozen=True)
class EventFilter:
    """The filters of :meth:`Store.events`, checked once: ``bbox`` as four floats, ``start`` and
    ``end`` as ISO days in order, ``type`` as its declared name, the page as two integers.

    Example
    -------
    >>> f = EventFilter.of(bbox="35,35,38,37", start="2016-12-01", type="combats", limit=10)
    >>> f.bbox, f.type, f.limit
    ((35.0, 35.0, 38.0, 37.0), 'Battles', 10)
    >>> EventFilter.of(colour="red")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: unknown event filter(s): colour
    """

    bbox: tuple[float, float, float, float] | None = None
    start: str | None = None
    end: str | None = None
    type: str | None = None
    actor: str | None = None
    place: str | None = None
    q: str | None = None
    limit: int = 100
    offset: int = 0

    @classmethod
    def of(cls, **filters: Any) -> EventFilter:
        """The checked filter from keyword arguments; InputError for an unknown name or value."""
        unknown = set(filters) - set(EVENT_FILTERS) - {"limit", "offset"}
        if unknown:
            raise InputError(f"unknown event filter(s): {', '.join(sorted(unknown))}")
        start = check_day(filters.get("start"), "start")
        end = check_day(filters.get("end"), "end")
        if start and end and start > end:
            raise InputError(f"start {start} is after end {end}")
        limit, offset = check_page(filters.get("limit", 100), filters.get("offset", 0))
        t = filters.get("type")
        return cls(
            bbox=parse_bbox(filters.get("bbox")),
            start=start,
            end=end,
            type=type_name(t) if t else None,
            actor=str(filters["actor"]) if filters.get("actor") else None,
            place=str(filters["place"]) if filters.get("place") else None,
            q=str(filters["q"]) if filters.get("q") else None,
            limit=limit,
            offset=offset,
        )

    def where(self) -> dict[str, Any]:
        """The filters given (no page), as keyword arguments of :meth:`Store.events`."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name in EVENT_FILTERS and getattr(self, f.name) is not None
        }


# the names of the filters of events (EventFilter's, less the page)
EVENT_FILTERS = ("bbox", "start", "end", "type", "actor", "place", "q")


# -- the timeline and the counts of a view ------------------------------------------------------
HISTOGRAM_UNITS = ("day", "week", "month", "year")
LACKING = ("place", "date")  # what an event may lack: events_lacking's ``what``


def check_unit(unit: str) -> str:
    """``unit`` when it is one of :data:`HISTOGRAM_UNITS`, else InputError."""
    if unit not in HISTOGRAM_UNITS:
        raise InputError(f"unit must be one of {', '.join(HISTOGRAM_UNITS)}, not {unit!r}")
    return unit


def bin_start(day: str, unit: str) -> str:
    """The first day of the ``unit`` holding ``day`` (a week starts on Monday, as ISO's).

    >>> [bin_start("2024-03-14", u) for u in HISTOGRAM_UNITS]
    ['2024-03-14', '2024-03-11', '2024-03-01', '2024-01-01']
    """
    check_unit(unit)
    d = date.fromisoformat(day)
    if unit == "week":
        d = date.fromordinal(d.toordinal() - d.weekday())
    elif unit == "month":
        d = d.replace(day=1)
    elif unit == "year":
        d = d.replace(month=1, day=1)
    return d.isoformat()


# -- the interface ------------------------------------------------------------------------------
class Store(abc.ABC):
    """Documents, mentions, places, events and statements; SQLite by default, PostGIS later.

    Every list method takes ``limit``/``offset`` and returns ``(rows, total)``; rows are plain
    JSON-serialisable dicts (shapes in the README's "Store" section).
    """

    @abc.abstractmethod
    def add(self, x: Extracted) -> str | None:
        """Store one extracted document in one transaction; its id, or None if already stored."""

    def replace(self, x: Extracted) -> str:
        """Store a new extraction of a stored document (``ingest --force``): in one
        transaction, what the stored one brought is taken out (its mentions, events,
        statements, counts and merges) and ``x`` written under the stored document's id; a
        text not stored yet is added. Its id."""
        raise ConfigError(f"{type(self).__name__} cannot re-extract documents")

    @abc.abstractmethod
    def has_text(self, text: str) -> bool:
        """True when a document with the same normalised text is stored."""

    @abc.abstractmethod
    def documents(
        self, *, q=None, start=None, end=None, limit=100, offset=0
    ) -> tuple[list[dict], int]:
        """Documents, newest publication first."""

    @abc.abstractmethod
    def document(self, doc_id: str) -> dict:
        """One document with its text, mentions, events and statements (NotFoundError)."""

    @abc.abstractmethod
    def events(
        self,
        *,
        bbox=None,
        start=None,
        end=None,
        type=None,
        actor=None,
        place=None,
        q=None,
        limit=100,
        offset=0,
        sort=None,
    ) -> tuple[list[dict], int]:
        """Events matching every filter given, in the order they were stored, or by ``sort``
        (one of :data:`EVENT_SORTS`, ties by id: :func:`event_order_sql`)."""

    @abc.abstractmethod
    def iter_events(self, **filters) -> Iterator[dict]:
        """Every event matching the filters of :meth:`events`, streamed."""

    def iter_event_features(self, **filters) -> Iterator[str]:
        """Every event matching the filters of :meth:`events` as one GeoJSON Feature (RFC 7946)
        in compact JSON text, streamed; a backend may build the text itself, faster."""
        from geo.feature import geojson_feature

        events = self.iter_events(**filters)  # an invalid filter fails here, not when read
        return (
            json.dumps(geojson_feature(ev), ensure_ascii=False, separators=(",", ":"))
            for ev in events
        )

    def event_groups(self, **filters) -> list[dict]:
        """Events matching the filters of :meth:`events`, counted by place and type.

        One dict per (place, type): ``place_id``, ``place_name`` (in the language of the first
        event's document), ``place_name_fr``, ``place_name_en``, ``lat``, ``lon``, ``type``,
        ``precision`` (of the first event stored) and ``count``; events with no place are left
        out. The map draws one marker per group, so it never reads every event.
        """
        groups: dict[tuple, dict] = {}
        for ev in self.iter_events(**filters):
            if ev.get("lat") is None or ev.get("lon") is None:
                continue
            key = (ev.get("place_id"), (ev.get("type") or "").casefold())
            g = groups.get(key)
            if g is None:
                g = groups[key] = {
                    "place_id": ev.get("place_id"), "place_name": ev.get("place_name"),
                    "place_name_fr": ev.get("place_name_fr"),
                    "place_name_en": ev.get("place_name_en"),
                    "lat": ev["lat"], "lon": ev["lon"], "type": ev.get("type"),
                    "precision": ev.get("precision"), "count": 0,
                }  # fmt: skip
            g["count"] += 1
        return list(groups.values())

    def date_histogram(self, unit: str, **filters) -> dict:
        """Events matching the filters of :meth:`events` counted by ``unit`` (one of
        :data:`HISTOGRAM_UNITS`), with their fatalities: the timeline under the map.

        Returns ``{"unit": unit, "bins": [[first day, events, fatalities], ...], "undated":
        [events, fatalities]}``: the bins holding events, in date order. An event counts in the
        bin of its first day (one dated to a month, on its first); one with no date of its own
        at its document's publication date, where the date filters find it; ``undated``, those
        with neither. Built on :meth:`iter_events`; a backend may count in its own query.

        Example
        -------
        >>> store.date_histogram("month", type="Battles")              # doctest: +SKIP
        {'unit': 'month', 'bins': [['2024-01-01', 12, 0], ['2024-03-01', 1, 0]], 'undated': [0, 0]}
        """
        check_unit(unit)
        bins: dict[str, list[int]] = {}
        undated = [0, 0]
        for ev in self.iter_events(**filters):
            first = date_bounds(ev.get("date"))[0] or date_bounds(ev.get("published"))[0]
            b = undated if first is None else bins.setdefault(bin_start(first, unit), [0, 0])
            b[0] += 1
            b[1] += ev.get("fatalities") or 0
        return {
            "unit": unit,
            "bins": [[k, *v] for k, v in sorted(bins.items())],
            "undated": undated,
        }

    def country_totals(self, **filters) -> list[dict]:
        """Events matching the filters of :meth:`events` and their fatalities by the country of
        their place, most events first: ``country_code``, ``place_id`` (the country as a place
        of the store, which the ``place`` filter takes; None when the store does not hold it),
        ``events``, ``fatalities``. Events with no place count under ``country_code`` None.
        """
        totals: dict[str | None, list] = {}
        for ev in self.iter_events(**filters):
            cc = ev.get("country_code") if ev.get("lat") is not None else None
            t = totals.setdefault(cc, [None, 0, 0])
            if ev.get("feature") == "country" and t[0] is None:
                t[0] = ev.get("place_id")
            t[1] += 1
            t[2] += ev.get("fatalities") or 0
        rows = [
            {"country_code": cc, "place_id": pid, "events": n, "fatalities": f}
            for cc, (pid, n, f) in totals.items()
        ]
        return sorted(rows, key=lambda r: (-r["events"], r["country_code"] or "~"))

    def admin1_totals(self, **filters) -> list[dict]:
        """Events matching the filters of :meth:`events` and their fatalities by the
        first-level division of their place, most events first: ``country_code``, ``admin1``
        (its code, ``SY.09``), ``admin1_name``, ``place_id`` (the division as a place of the
        store, which the ``place`` filter takes; None when the store does not hold it),
        ``events``, ``fatalities``. Events with no place are left out; those at a place with
        no division (a country) count under ``admin1`` None.
        """
        totals: dict[tuple, list] = {}
        for ev in self.iter_events(**filters):
            if ev.get("lat") is None:
                continue
            key = (ev.get("country_code"), ev.get("admin1"))
            t = totals.setdefault(key, [ev.get("admin1_name"), None, 0, 0])
            if ev.get("feature") == "admin1" and t[1] is None:
                t[1] = ev.get("place_id")
            t[2] += 1
            t[3] += ev.get("fatalities") or 0
        rows = [
            {"country_code": cc, "admin1": a1, "admin1_name": name, "place_id": pid,
             "events": n, "fatalities": f}
            for (cc, a1), (name, pid, n, f) in totals.items()
        ]  # fmt: skip
        return sorted(
            rows, key=lambda r: (-r["events"], r["country_code"] or "~", r["admin1"] or "~")
        )

    def events_lacking(self, what: str, *, limit: int = 100, **filters) -> tuple[list[dict], int]:
        """Events matching the filters of :meth:`events` that have no place (``what="place"``)
        or no date of their own (``"date"``): the first ``limit`` in the order stored, and how
        many there are. The map cannot draw the first, the timeline shows the others at their
        document's publication date; the map's legend links to their list."""
        if what not in LACKING:
            raise InputError(f"what must be one of {', '.join(LACKING)}, not {what!r}")
        check_page(limit, 0)
        rows, n = [], 0
        for ev in self.iter_events(**filters):
            if not (ev.get("lat") is not None if what == "place" else ev.get("date")):
                n += 1
                if len(rows) < limit:
                    rows.append(ev)
        return rows, n

    @abc.abstractmethod
    def sources(self, event_id: int) -> list[dict]:
        """The reports an event was merged from, its own first (one when it is not merged):
        ``event_id`` (the report's), ``doc_id``, ``doc_title``, ``doc_source``, ``doc_url``,
        ``published``, ``fatalities`` (the report's), ``date``, ``sentence``, ``why_merged``."""

    @abc.abstractmethod
    def unmerge(self, event_id: int) -> list[int]:
        """Undo merges: a report of a merged event becomes an event of its own again; a merged
        event gives back all its other reports. Returns the ids of the events concerned (the
        merged one first). NotFoundError for an unknown id, InputError if nothing is merged."""

    @abc.abstractmethod
    def merge(self, event_id: int, into: int) -> None:
        """Make the event ``event_id`` a report of the event ``into`` by hand (the reverse of
        :meth:`unmerge`); ``why_merged`` says so."""

    @abc.abstractmethod
    def statements(
        self,
        *,
        bbox=None,
        start=None,
        end=None,
        actor=None,
        place=None,
        q=None,
        limit=100,
        offset=0,
    ) -> tuple[list[dict], int]:
        """Statements matching every filter given."""

    @abc.abstractmethod
    def places(
        self, *, bbox=None, start=None, end=None, q=None, place=None, limit=100, offset=0
    ) -> tuple[list[dict], int]:
        """Places mentioned, most mentioned first."""

    @abc.abstractmethod
    def country_counts(self, *, start=None, end=None) -> dict[str, int]:
        """Mentions per ISO country code."""

    @abc.abstractmethod
    def stats(self) -> dict:
        """Counts of documents, mentions, events, statements and places."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store's connections."""

    @property
    def shared_url(self) -> str | None:
        """The URL other processes and machines write this store through (a database
        server's), or None when one process of this machine writes it (an SQLite file)."""
        return None

    @property
    def location(self) -> str:
        """Where the store is, for messages: its file, or its server's URL without password."""
        return type(self).__name__

    def optimize(self) -> None:  # noqa: B027 - optional for a backend
        """Refresh the query planner's statistics after many writes (optional)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- review: reviewers' corrections (fields and checks declared in geo.corrections) -------
    def correct_mention(
        self, mention_id: int, changes: dict, *, reviewer: str, note: str | None = None
    ) -> dict:
        """Correct a mention in one transaction: ``place`` (a :class:`geo.model.Place`, or None:
        not a place) and/or ``role``. The events of its document placed by that mention move
        with it, and every count the store keeps (the places' mentions, the events by place
        and type, the spatial indexes) follows; the correction joins the trail. Returns the
        trail's row (:data:`CORRECTION_KEYS`); NotFoundError for an unknown id."""
        raise ConfigError(f"{type(self).__name__} cannot take corrections")

    def correct_event(
        self, event_id: int, changes: dict, *, reviewer: str, note: str | None = None
    ) -> dict:
        """Correct an event: ``type``, ``subtype``, ``date``, ``fatalities``, ``place``,
        ``actors``, or ``deleted``; as :meth:`correct_mention`. A change of its place, type or
        date takes it out of the incident it was merged with."""
        raise ConfigError(f"{type(self).__name__} cannot take corrections")

    def correct_statement(
        self, statement_id: int, changes: dict, *, reviewer: str, note: str | None = None
    ) -> dict:
        """Correct a statement's ``speaker`` or ``where`` (the place it was said at)."""
        raise ConfigError(f"{type(self).__name__} cannot take corrections")

    def add_mention(
        self, doc_id: str, changes: dict, *, reviewer: str, note: str | None = None
    ) -> dict:
        """Add a mention the pipeline missed (``start``, ``end``, ``place``, ``role``), its
        offsets checked against the stored text (InputError); as :meth:`correct_mention`."""
        raise ConfigError(f"{type(self).__name__} cannot take corrections")

    def corrections(
        self, *, document=None, reviewer=None, since=None, status=None, limit=100, offset=0
    ) -> tuple[list[dict], int]:
        """The trail of corrections, oldest first (filters: a document id, a reviewer, made
        since a day or an instant, a status of :data:`geo.corrections.STATUSES`)."""
        return [], 0

    def iter_corrections(self) -> Iterator[dict]:
        """Every correction of the trail, oldest first (to share them)."""
        return iter(())

    def import_corrections(self, records: list[dict]) -> dict[str, int]:
        """Add corrections another store made (checked by :func:`geo.corrections.check_shared`)
        in one transaction, each applied at once when its document is stored; one already in
        the trail is left as it is. Counts: ``added``, ``present``, ``applied``, ``stale``,
        ``pending`` (its document is not stored yet: applied when it is)."""
        raise ConfigError(f"{type(self).__name__} cannot take corrections")

    def unapplied_corrections(self, doc_id: str) -> list[dict]:
        """The corrections of a document that its stored extraction does not carry (stale):
        what ``ingest --force`` reports after writing it again."""
        return []

    # -- the map's clusters of a view (web.clusters) ---------------------------------------------
    def event_place_counts(self, **filters) -> list[tuple]:
        """The events matching the filters of :meth:`events` that have a place, counted by
        place and type, compactly: one tuple ``(place_id, lon, lat, type, precision, count)``
        each (the precision of the place the first event stored gives). What the map's
        clusters of a view are made of (:mod:`web.clusters`): a million events are some tens
        of thousands of tuples. Built on :meth:`event_groups`; a backend reads its own counts.

        Example
        -------
        >>> store.event_place_counts(start="2016-01-01")[0]        # doctest: +SKIP
        ('gn:170063', 37.16117, 36.20124, 'Battles', 'city', 12)
        """
        return [
            (g["place_id"], g["lon"], g["lat"], g["type"], g["precision"], g["count"])
            for g in self.event_groups(**filters)
        ]

    def place_names(self, place_ids: list[str]) -> dict[str, dict]:
        """The names of places of the store's events, by place id: ``place_name`` (as the
        first report of an event there names it, in its document's language),
        ``place_name_fr``, ``place_name_en``. A snapshot names its most important places with
        them, without reading the names of every place it draws. Built on
        :meth:`event_groups`; a backend reads only the places asked for."""
        wanted = set(place_ids)
        out: dict[str, dict] = {}
        for g in self.event_groups():
            if g["place_id"] in wanted and g["place_id"] not in out:
                out[g["place_id"]] = {
                    k: g[k] for k in ("place_name", "place_name_fr", "place_name_en")
                }
        return out

    @abc.abstractmethod
    def event(self, event_id: int) -> dict:
        """One event shown (not a report merged into another), by its id, as the rows of
        :meth:`events`; NotFoundError otherwise."""

    @abc.abstractmethod
    def event_extent(self) -> dict:
        """Where and when the events are: ``bbox`` (min_lon, min_lat, max_lon, max_lat) of the
        places events are shown at and ``days`` (first, last) of their dates, each None when no
        event has one (an OGC API collection's extent)."""

    @abc.abstractmethod
    def reviewed_layer(self) -> ReviewedLayer:
        """What the store's reviewers taught the geoparser (:mod:`gazetteer.reviewed`)."""

    def write_all_features(self, parts: list, min_events: int = 1) -> int | None:
        """Every event's GeoJSON Feature written into the files ``parts`` by as many processes,
        the number written; None when the backend cannot (the default) or the store is smaller
        than ``min_events``: the caller writes the export the usual way."""
        return None

    def data_stamp(self) -> object | None:
        """A value that changes whenever the store's data may have changed (a write by any
        process), so what was counted from it can be kept until then; None: the backend cannot
        tell, and nothing is kept."""
        return None


CORRECTION_KEYS = [
    "id", "key", "kind", "document", "target", "target_id", "before", "after", "reviewer",
    "note", "created_at", "status", "status_detail", "checked_at",
]  # fmt: skip

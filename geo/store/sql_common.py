"""What the two SQL backends (:mod:`geo.store.sqlite`, :mod:`geo.store.postgis`) share: the SQL
text that is the same in both dialects, the time spans and kind codes of the events' indexes,
the fields a stored document and event row get from an extraction, the schema version's checks
and a connection per thread.

This module imports nothing of a backend: each backend, and each of its mixins, imports from
here (and from the contract, :mod:`geo.store.base`), never from its host's module.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from typing import IO, TYPE_CHECKING

from gazetteer.normalize import fold
from geo import actors as actor_registry
from geo import incidents
from geo.dates import date_bounds
from geo.errors import ConfigError, NotFoundError
from geo.model import DEFAULT_NAME_LANG, NAME_FIELDS, ROLES
from geo.store.base import GEO_PRECISION_CODES, SCHEMA_VERSION, TIME_PRECISION_CODES

if TYPE_CHECKING:  # pragma: no cover
    from geo.model import Event
    from geo.pipeline import Extracted

__all__ = [
    "DOCUMENT_COLUMNS",
    "DOC_PLACE_NAME",
    "EVENT_FROM",
    "KIND_BLOCK",
    "NO_DAY",
    "STATEMENT_SELECT",
    "VISIBLE",
    "EventFields",
    "ThreadConnections",
    "day_span",
    "docs_naming_place",
    "document_values",
    "event_fields",
    "event_key",
    "event_report",
    "event_select",
    "iso_day",
    "julian_day",
    "keep_id",
    "new_kind_code",
    "reader_name_sql",
    "role_counts",
    "schema_error",
    "stamp_now",
    "stored_version",
    "write_joined",
]


def reader_name_sql(place: str, lang: str) -> str:
    """SQL for the name of the place ``place`` (a table alias) that a reader of the language
    in the SQL expression ``lang`` sees: :data:`geo.model.NAME_FIELDS` as a ``CASE`` (the same
    text in SQLite and PostgreSQL).

    >>> reader_name_sql("p", "d.lang")
    "CASE d.lang WHEN 'fr' THEN coalesce(p.name_fr, p.name_en, p.name) ELSE coalesce(p.name_en, p.name) END"
    """

    def first(fields: tuple[str, ...]) -> str:
        return "coalesce(" + ", ".join(f"{place}.{f}" for f in fields) + ")"

    whens = " ".join(
        f"WHEN '{code}' THEN {first(fields)}"
        for code, fields in NAME_FIELDS.items()
        if code != DEFAULT_NAME_LANG and code.isalpha()
    )
    return f"CASE {lang} {whens} ELSE {first(NAME_FIELDS[DEFAULT_NAME_LANG])} END"


# the place's name in the language of the event's (statement's) document
DOC_PLACE_NAME = reader_name_sql("p", "d.lang")
VISIBLE = "e.merged_into IS NULL"  # events shown: not a report merged into another
EVENT_FROM = (
    "FROM events e JOIN documents d ON d.pk = e.doc_pk LEFT JOIN places p ON p.pk = e.place_pk"
)


def event_select(sources_sql: str) -> str:
    """``SELECT`` the columns of :data:`geo.store.base.EVENT_KEYS` ``FROM`` an event, its
    document and its place; ``sources_sql`` is the dialect's JSON list of the documents that
    reported the event (its own first). A caller adds its ``WHERE`` and ``ORDER BY``."""
    return f"""
SELECT e.id, d.id, e.type, e.subtype, e.secondary_types, e.date, e.date_precision,
       e.date_phrase, e.actors, e.fatalities, e.injured, p.id, {DOC_PLACE_NAME}, p.lat, p.lon,
       p.feature, p.country_code, p.admin1, e.precision, e.sentence, e.start, e."end",
       e.confidence, d.title, d.source, d.url, d.published, p.admin1_name, p.name_fr, p.name_en,
       d.lang, e.location, e.geo_precision, e.time_precision, e.actor1, e.actor2, e.interaction,
       e.fatalities_phrase, e.why, e.n_sources, e.merged_into, e.why_merged, {sources_sql}
{EVENT_FROM}
"""


# the columns of geo.store.base.STATEMENT_KEYS
STATEMENT_SELECT = f"""
SELECT s.id, d.id, s.quote, s.speaker, s.speaker_role, s.indirect, s.date, s.date_precision,
       p.id, {DOC_PLACE_NAME}, p.lat, p.lon, s.start, s."end", d.title, d.source, d.url,
       p.name_fr, p.name_en, d.lang
FROM statements s JOIN documents d ON d.pk = s.doc_pk LEFT JOIN places p ON p.pk = s.where_pk
"""


def docs_naming_place(alias: str, param: str) -> str:
    """SQL for the documents ``alias`` that mention a place one of whose names (the
    gazetteer's, French, English, or as a document wrote it) is a search term, folded:
    "Aleppo" finds the articles that say Alep. Four parameters (``param``: the dialect's
    placeholder), each the folded term.

    >>> docs_naming_place("d", "?").count("?")
    4
    """
    p = param
    return (
        f"{alias}.pk IN (SELECT m.doc_pk FROM mentions m WHERE m.place_pk IN ("
        f"SELECT pk FROM places WHERE name_fold = {p} OR name_fr_fold = {p} OR name_en_fold = {p} "
        f"UNION SELECT place_pk FROM place_names WHERE name_fold = {p}))"
    )


def event_key(value) -> int:
    """An event id as the database holds it (a 64-bit integer); NotFoundError for anything else.

    >>> event_key("12")
    12
    >>> event_key(2**70)
    Traceback (most recent call last):
    ...
    geo.errors.NotFoundError: no event with id 1180591620717411303424
    """
    try:
        key = int(value)
    except (TypeError, ValueError):
        raise NotFoundError(f"no event with id {value!r}") from None
    if not -(2**63) <= key < 2**63:
        raise NotFoundError(f"no event with id {value}")
    return key


# -- the events' indexes: days and kinds ----------------------------------------------------------
KIND_BLOCK = 4096  # event kind codes: type number * 4096 + subtype number
NO_DAY = (0.0, 1e7)  # an unknown date spans every day (the SQL filter decides)


def new_kind_code(same: int | None, top: int | None) -> int:
    """The code of a new (type, subtype): the next of its type's codes (``same``: the largest
    one, None for a new type; past 4095 subtypes they share the last), or for a new type the
    first of the next block after ``top``, the largest code of all (None: none yet).

    >>> new_kind_code(None, None), new_kind_code(None, 4097), new_kind_code(4097, 4097)
    (0, 8192, 4098)
    """
    if same is None:
        return 0 if top is None else (top // KIND_BLOCK + 1) * KIND_BLOCK
    return min(same + 1, (same // KIND_BLOCK + 1) * KIND_BLOCK - 1)


def julian_day(value: str) -> float:
    """The Julian day of an ISO date, as SQLite's julianday() counts it.

    >>> julian_day("2024-09-03")
    2460556.5
    """
    return date.fromisoformat(value).toordinal() + 1721424.5


def day_span(dmin: str | None, dmax: str | None) -> tuple[float, float]:
    """The time span of an event in the indexes: the Julian days its date covers."""
    if not dmin or not dmax:
        return NO_DAY
    return julian_day(dmin), julian_day(dmax)


def iso_day(julian: float) -> str:
    """The ISO date of a Julian day (as SQLite's julianday() counts them).

    >>> iso_day(2460556.5)
    '2024-09-03'
    """
    return date.fromordinal(int(julian - 1721424.5)).isoformat()


# -- what the stored rows get from an extraction -----------------------------------------------
DOCUMENT_COLUMNS = (
    "id, hash, title, source, url, lang, published, published_precision, date_min, date_max, "
    "text, metadata, ingested_at, n_mentions, n_events, n_statements"
)


def document_values(
    x: Extracted, doc_id: str, h: str
) -> tuple[tuple, tuple[str | None, str | None]]:
    """The values of :data:`DOCUMENT_COLUMNS` for the document of ``x`` stored as ``doc_id``
    with the text hash ``h``, and the days its publication date covers (those of its events
    and statements with no date of their own). Its metadata keep the id it came with when it is
    stored under another, and the words that gave its publication date."""
    doc, pub = x.doc, x.published
    dmin, dmax = date_bounds(pub.value)
    meta = {"original_id": doc.id} if doc_id != doc.id else {}
    if pub.phrase:
        meta["published_phrase"] = pub.phrase
    values = (
        doc_id, h, doc.title, doc.source, doc.url, x.lang, pub.value, pub.precision, dmin, dmax,
        doc.text, json.dumps(meta, ensure_ascii=False), stamp_now(), len(x.mentions),
        len(x.events), len(x.statements),
    )  # fmt: skip
    return values, (dmin, dmax)


def role_counts(mentions: Iterable[tuple[Hashable, str]]) -> dict[Hashable, list[int]]:
    """A document's mentions ``(place, role)`` counted by place: ``[all, then each of
    geo.model.ROLES]``, what is added to (taken from) the places' counters.

    >>> role_counts([(1, "literal"), (1, "country"), (2, "metonymic")])
    {1: [2, 1, 0, 1], 2: [1, 0, 1, 0]}
    """
    counts: dict[Hashable, list[int]] = {}
    for place, role in mentions:
        c = counts.setdefault(place, [0] * (1 + len(ROLES)))
        c[0] += 1
        if role in ROLES:
            c[1 + ROLES.index(role)] += 1
    return counts


# -- what a stored event row gets from an extracted event --------------------------------------
@dataclass(frozen=True, slots=True)
class EventFields:
    """The columns of an event row that the store works out (the rest are the event's own)."""

    date_min: str | None
    date_max: str | None
    time_precision: int | None
    geo_precision: int | None
    labels: list[str]  # the actors as the text names them
    actor1: str | None
    actor2: str | None
    interaction: int | None
    actors_fold: str  # "|label|...|": every label and actor id, folded, for the actor filter


def event_fields(e: Event, doc_days: tuple[str | None, str | None]) -> EventFields:
    """The dates, ACLED's precision codes and actors of the extracted event ``e`` as stored.

    An event with no date of its own happened by the time its document was published
    (``doc_days``), as far as we know: the date filters find it there, its date stays unknown
    and so does its time precision.
    """
    emin, emax = date_bounds(e.date.value)
    time_precision = e.time_precision or TIME_PRECISION_CODES.get(e.date.precision or "")
    if emin is None and doc_days[0] is not None:
        emin, emax = doc_days
        time_precision = None
    labels = list(e.actors)
    cc = e.place.country_code if e.place else None
    actor1, actor2, interaction = actor_registry.acled_fields(
        labels, e.actor1, e.actor2, e.interaction, cc
    )
    geo_precision = e.geo_precision
    if geo_precision is None and e.place is not None:
        geo_precision = GEO_PRECISION_CODES.get(e.place_precision or e.place.feature)
    fold_labels = [*labels, *(a for a in (actor1, actor2) if a)]
    return EventFields(
        emin, emax, time_precision, geo_precision, labels, actor1, actor2, interaction,
        "|" + "|".join(fold(a) for a in fold_labels) + "|",
    )  # fmt: skip


def event_report(e: Event, f: EventFields, doc_pk: int) -> incidents.Report | None:
    """The report :mod:`geo.incidents` merges the event by (None for an event with no place):
    its days only when its date is a day's."""
    if e.place is None:
        return None
    return incidents.Report(
        e.type, e.subtype, e.place.lat, e.place.lon, e.place.feature, e.place.admin1,
        *(day_span(f.date_min, f.date_max) if f.time_precision == 1 else (None, None)),
        incidents.actor_ids([*f.labels, f.actor1, f.actor2]), doc_pk, e.location,
        f.geo_precision,
    )  # fmt: skip


def keep_id(x: Extracted, doc_id: str) -> Extracted:
    """``x`` under the id its text is stored with (a re-extraction keeps the document's id)."""
    return replace(x, doc=replace(x.doc, id=doc_id))


def stamp_now() -> str:
    """The time a row is written (a document ingested, a schema created): UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_joined(chunks: Iterator[list[tuple]], fh: IO[str]) -> int:
    """Write the texts of rows ``(text,)`` that come in chunks to ``fh``, joined by ``",\\n"``
    (the Features of an export's part); their number."""
    n, sep = 0, ""
    for rows in chunks:
        fh.write(sep + ",\n".join([r for (r,) in rows]))
        sep = ",\n"
        n += len(rows)
    return n


# -- connections ------------------------------------------------------------------------------
class ThreadConnections:
    """A connection per thread, opened when the thread first asks (:attr:`_con`), all closed by
    :meth:`close`: a store safe to share between threads. The host gives ``_connect()`` and
    sets ``_local`` (a ``threading.local``), ``_all`` (a list) and ``_lock`` (a lock)."""

    @staticmethod
    def _is_closed(con) -> bool:
        """True for a connection the engine closed (a server gone); it is opened again."""
        return False

    @property
    def _con(self):
        con = getattr(self._local, "con", None)
        if con is None or self._is_closed(con):
            con = self._connect()
            self._local.con = con
            with self._lock:
                self._all.append(con)
        return con

    def close(self) -> None:
        with self._lock:
            for con in self._all:
                con.close()
            self._all.clear()
        self._local = threading.local()


# -- the schema's version ---------------------------------------------------------------------
def stored_version(con) -> int | None:
    """The schema version a store's ``meta`` table holds (None: none yet, -1: unreadable)."""
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        return None
    try:
        return int(row[0])
    except ValueError:
        return -1


def schema_error(location: str, version: int | None) -> ConfigError | None:
    """Why the store at ``location``, at schema ``version`` once migrated, cannot be used (a
    newer conflictmap wrote it, or it is not a version this one knows); None when it can.

    >>> print(schema_error("x.sqlite", SCHEMA_VERSION + 1))  # doctest: +ELLIPSIS
    x.sqlite has schema version ..., newer than this conflictmap supports (...): upgrade ...
    """
    if version == SCHEMA_VERSION:
        return None
    if version is not None and version > SCHEMA_VERSION:
        return ConfigError(
            f"{location} has schema version {version}, newer than this conflictmap supports "
            f"({SCHEMA_VERSION}): upgrade conflictmap to use it"
        )
    return ConfigError(f"{location} has an unknown schema version {version!r}")

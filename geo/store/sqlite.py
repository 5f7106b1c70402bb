"""The SQLite backend of the store: the embedded default, one file.

One SQLite file in WAL mode holds the documents (text, hash of the normalised text, metadata),
the gazetteer places they use, their mentions, events and statements, an R*Tree index on the
points of events and places, and FTS5 indexes over documents, event sentences and quotes. No
language processing happens here: the store keeps what :mod:`geo.pipeline` extracted.

Each :meth:`Store.add` is one ``BEGIN IMMEDIATE`` transaction, so a crash never leaves half a
document, and several processes can write the same file at once (each waits its turn up to
``BUSY_TIMEOUT_MS``). The same text twice is stored once: the hash column is ``UNIQUE``.

Example
-------
>>> store = SQLiteStore("news.sqlite")                              # doctest: +SKIP
>>> store.add(Extractor().extract(doc))                              # doctest: +SKIP
'afp-001'
>>> rows, total = store.events(bbox=(35.0, 35.0, 38.0, 37.0), type="Battles")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gazetteer.normalize import fold
from geo import actors as actor_registry
from geo.dates import date_bounds
from geo.errors import ConfigError, ConflictmapError, InputError
from geo.model import Place
from geo.store import search_query
from geo.store.base import (
    BUSY_TIMEOUT_MS,
    EVENT_KEYS,
    FETCH_CHUNK,
    GEO_PRECISION_CODES,
    SCHEMA_VERSION,
    TIME_PRECISION_CODES,
    EventFilter,
    Store,
    check_page,
    event_order_sql,
    json_list,
    parse_bbox,
    text_hash,
    type_name,
)
from geo.store.sql_clusters import GROUP_PLACE
from geo.store.sql_common import (
    DOC_PLACE_NAME,
    DOCUMENT_COLUMNS,
    EVENT_FROM,
    NO_DAY,
    VISIBLE,
    ThreadConnections,
    docs_naming_place,
    document_values,
    event_fields,
    event_report,
    event_select,
    julian_day,
    new_kind_code,
    role_counts,
    schema_error,
    stamp_now,
    stored_version,
    write_joined,
)
from geo.store.sql_reads import SQLReadsMixin
from geo.store.sqlite_clusters import ClustersMixin
from geo.store.sqlite_incidents import IncidentsMixin
from geo.store.sqlite_replace import ReplaceMixin
from geo.store.sqlite_review import REVIEW_SCHEMA, ReviewMixin
from geo.store.sqlite_timeline import TimelineMixin

if TYPE_CHECKING:  # pragma: no cover
    from geo.pipeline import Extracted


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL UNIQUE,             -- sha256 of the normalised text
    title TEXT, source TEXT, url TEXT, lang TEXT,
    published TEXT, published_precision TEXT, date_min TEXT, date_max TEXT,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',   -- JSON: anything else given with the document
    ingested_at TEXT NOT NULL,
    n_mentions INTEGER NOT NULL DEFAULT 0,
    n_events INTEGER NOT NULL DEFAULT 0,
    n_statements INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS documents_date ON documents (date_min, date_max);
CREATE TABLE IF NOT EXISTS places (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,               -- gazetteer id: gn:170063, cm:incirlik-air-base
    name TEXT NOT NULL, name_fr TEXT, name_fold TEXT NOT NULL, name_fr_fold TEXT,
    name_en TEXT, name_en_fold TEXT,       -- name: the gazetteer's; fr/en: what readers see
    feature TEXT, country_code TEXT, admin1 TEXT, admin1_name TEXT,
    lat REAL NOT NULL, lon REAL NOT NULL,
    n_mentions INTEGER NOT NULL DEFAULT 0,
    n_literal INTEGER NOT NULL DEFAULT 0,
    n_metonymic INTEGER NOT NULL DEFAULT 0,
    n_country INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS places_name ON places (name_fold);
CREATE INDEX IF NOT EXISTS places_name_fr ON places (name_fr_fold);
CREATE INDEX IF NOT EXISTS places_name_en ON places (name_en_fold);
CREATE INDEX IF NOT EXISTS places_country ON places (country_code);
CREATE INDEX IF NOT EXISTS places_admin1 ON places (admin1);
CREATE INDEX IF NOT EXISTS places_mentions ON places (n_mentions DESC);
CREATE TABLE IF NOT EXISTS place_names (       -- names a place was written as: "Alep", "Halab"
    name_fold TEXT NOT NULL,
    place_pk INTEGER NOT NULL REFERENCES places (pk),
    name TEXT,                                  -- as first written
    PRIMARY KEY (name_fold, place_pk)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mentions (
    id INTEGER PRIMARY KEY,
    doc_pk INTEGER NOT NULL REFERENCES documents (pk),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    role TEXT NOT NULL, score REAL NOT NULL, reason TEXT,
    place_pk INTEGER REFERENCES places (pk)      -- NULL: unresolved, kept anyway
);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions (doc_pk);
CREATE INDEX IF NOT EXISTS mentions_place ON mentions (place_pk, doc_pk);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    doc_pk INTEGER NOT NULL REFERENCES documents (pk),
    type TEXT NOT NULL COLLATE NOCASE, subtype TEXT COLLATE NOCASE,
    secondary_types TEXT NOT NULL DEFAULT '[]',
    date TEXT, date_precision TEXT, date_phrase TEXT, date_min TEXT, date_max TEXT,
    actors TEXT NOT NULL DEFAULT '[]', actors_text TEXT NOT NULL DEFAULT '',
    actors_fold TEXT NOT NULL DEFAULT '',
    fatalities INTEGER, injured INTEGER,
    place_pk INTEGER REFERENCES places (pk), precision TEXT,
    sentence TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    confidence REAL NOT NULL DEFAULT 0,
    location TEXT,                          -- the place as the text names it
    geo_precision INTEGER, time_precision INTEGER,  -- ACLED's codes 1..3
    actor1 TEXT, actor2 TEXT, interaction INTEGER,  -- geo.actors ids, ACLED's interaction
    fatalities_phrase TEXT, why TEXT,
    report_fatalities INTEGER,              -- the toll this report gave (fatalities: the
                                            -- incident's best-supported toll once merged)
    n_sources INTEGER NOT NULL DEFAULT 1,   -- reports of the incident (event_sources)
    merged_into INTEGER,                    -- set: this report is a source of that event
    why_merged TEXT
);
CREATE INDEX IF NOT EXISTS events_doc ON events (doc_pk);
CREATE INDEX IF NOT EXISTS events_date ON events (date_min, date_max);
CREATE INDEX IF NOT EXISTS events_type ON events (type);
CREATE INDEX IF NOT EXISTS events_subtype ON events (subtype);
CREATE INDEX IF NOT EXISTS events_place_date ON events (place_pk, date_min);
CREATE TABLE IF NOT EXISTS statements (
    id INTEGER PRIMARY KEY,
    doc_pk INTEGER NOT NULL REFERENCES documents (pk),
    quote TEXT NOT NULL, speaker TEXT, speaker_role TEXT, indirect INTEGER NOT NULL,
    date TEXT, date_precision TEXT, date_min TEXT, date_max TEXT,
    where_pk INTEGER REFERENCES places (pk),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS event_sources (  -- the reports of a merged event, its own first
    event_id INTEGER NOT NULL,               -- the event shown (merged_into IS NULL)
    report_id INTEGER NOT NULL,              -- an event row of one document
    doc_pk INTEGER NOT NULL REFERENCES documents (pk),
    why TEXT,
    PRIMARY KEY (event_id, report_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_sources_report ON event_sources (report_id);
CREATE INDEX IF NOT EXISTS statements_doc ON statements (doc_pk);
CREATE INDEX IF NOT EXISTS statements_date ON statements (date_min, date_max);
CREATE INDEX IF NOT EXISTS statements_where ON statements (where_pk);
CREATE TABLE IF NOT EXISTS statement_places (
    statement_id INTEGER NOT NULL REFERENCES statements (id),
    place_pk INTEGER NOT NULL REFERENCES places (pk),
    PRIMARY KEY (statement_id, place_pk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS statement_places_place ON statement_places (place_pk);
CREATE TABLE IF NOT EXISTS event_kinds (     -- a code per (type, subtype): type_no * 4096 + n
    code INTEGER PRIMARY KEY,
    type TEXT NOT NULL COLLATE NOCASE, subtype TEXT NOT NULL COLLATE NOCASE,  -- '' for none
    UNIQUE (type, subtype)
);
CREATE INDEX IF NOT EXISTS event_kinds_subtype ON event_kinds (subtype);
CREATE TABLE IF NOT EXISTS event_counts (   -- events per place and type, kept by add()
    place_pk INTEGER NOT NULL, type TEXT NOT NULL COLLATE NOCASE,
    n INTEGER NOT NULL, first_id INTEGER NOT NULL,  -- first_id: the first event stored
    precision TEXT,                                  -- the first event's place precision
    PRIMARY KEY (place_pk, type)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS event_rtree USING rtree (  -- days: Julian days; kind: code
    id, min_lon, max_lon, min_lat, max_lat, min_day, max_day, min_kind, max_kind);
CREATE VIRTUAL TABLE IF NOT EXISTS place_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5 (
    title, text, content='documents', content_rowid='pk', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5 (
    sentence, actors_text, content='events', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS statements_fts USING fts5 (
    quote, speaker, speaker_role, content='statements', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');
"""
_SCHEMA += REVIEW_SCHEMA  # the reviewers' corrections (geo.store.sqlite_review)


def fts_query(q: str) -> str:
    """A safe FTS5 query from what a person typed, in the search language of
    :mod:`geo.store.search_query`: words and ``"quoted phrases"`` (all must appear), ``OR``,
    ``NOT`` or ``-word``, ``prefix*``, groups.

    Example
    -------
    >>> fts_query('Alep "frappes russes" bomb*')
    '"Alep" AND "frappes russes" AND "bomb"*'
    >>> fts_query('Alep OR Aleppo -Idleb')
    '("Alep" OR "Aleppo") NOT "Idleb"'
    """
    return search_query.to_fts5(search_query.parse(q))


def documents_match(q: str, alias: str = "d") -> tuple[str, list]:
    """SQL for the documents that match a search (:mod:`geo.store.search_query`): each term is
    found in the title or the text (FTS5), or names a place the document mentions.

    >>> documents_match("Aleppo -Idleb")[0].count("MATCH")
    2
    """

    def leaf(term: search_query.Term) -> tuple[str, list]:
        sql = f"{alias}.pk IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)"
        key = fold(term.text)
        if term.prefix or not key:
            return sql, [search_query.fts5_term(term)]
        named = docs_naming_place(alias, "?")
        return f"{sql} OR {named}", [search_query.fts5_term(term), key, key, key, key]

    return search_query.render(search_query.parse(q), leaf)


# the columns schema 6 added to events, for the migration of older stores
_EVENT_COLUMNS_6 = (
    ("location", "TEXT"), ("geo_precision", "INTEGER"), ("time_precision", "INTEGER"),
    ("actor1", "TEXT"), ("actor2", "TEXT"), ("interaction", "INTEGER"),
    ("fatalities_phrase", "TEXT"), ("why", "TEXT"), ("report_fatalities", "INTEGER"),
    ("n_sources", "INTEGER NOT NULL DEFAULT 1"), ("merged_into", "INTEGER"),
    ("why_merged", "TEXT"),
)  # fmt: skip


def _case_sql(column: str, codes: dict[str, int]) -> str:
    """SQL mapping a column's text values to codes (NULL for others)."""
    whens = " ".join(f"WHEN '{k}' THEN {v}" for k, v in codes.items() if k.isalpha())
    return f"CASE {column} {whens} END"


# Features whose gazetteer name is English already (CLDR, curated): kept as their English name.
_ENGLISH_NAMED = frozenset({"country", "region", "continent", "site", "water", "physical"})
# The documents that reported an event, as a JSON list of their ids (its own first).
_SOURCES_SQL = (
    "CASE WHEN e.n_sources > 1 THEN (SELECT json_group_array(x) FROM (SELECT sd.id AS x "
    "FROM event_sources s JOIN documents sd ON sd.pk = s.doc_pk WHERE s.event_id = e.id "
    "ORDER BY s.report_id)) ELSE json_array(d.id) END"
)
_EVENT_SELECT = event_select(_SOURCES_SQL)
# The GeoJSON Feature of an event built by SQLite itself: the export of a million events is
# bound by SQLite, not by building a dict per row in Python. The two list columns hold JSON
# written by add() and are spliced in as they are (json() would parse them again: a third of
# the time); the rest is json_object. The same Feature as geo.feature.geojson_feature gives.
_PROPERTIES_JSON = f"""json_object(
    'id', e.id, 'doc_id', d.id, 'type', e.type, 'subtype', e.subtype, 'date', e.date,
    'date_precision', e.date_precision, 'date_phrase', e.date_phrase,
    'fatalities', e.fatalities, 'injured', e.injured, 'place_id', p.id,
    'place_name', {DOC_PLACE_NAME},
    'feature', p.feature, 'country_code', p.country_code, 'admin1', p.admin1,
    'precision', e.precision, 'sentence', e.sentence, 'start', e.start, 'end', e."end",
    'confidence', e.confidence, 'doc_title', d.title, 'doc_source', d.source, 'doc_url', d.url,
    'published', d.published, 'admin1_name', p.admin1_name, 'place_name_fr', p.name_fr,
    'place_name_en', p.name_en, 'doc_lang', d.lang, 'location', e.location,
    'geo_precision', e.geo_precision, 'time_precision', e.time_precision, 'actor1', e.actor1,
    'actor2', e.actor2, 'interaction', e.interaction, 'fatalities_phrase', e.fatalities_phrase,
    'why', e.why, 'n_sources', e.n_sources, 'merged_into', e.merged_into,
    'why_merged', e.why_merged)"""
_FEATURE_SELECT = f"""
SELECT '{{"type":"Feature","id":' || e.id || ',"geometry":'
  || CASE WHEN p.lat IS NULL OR p.lon IS NULL THEN 'null'
          ELSE '{{"type":"Point","coordinates":' || json_array(p.lon, p.lat) || '}}' END
  || ',"properties":' || rtrim({_PROPERTIES_JSON}, '}}')
  || ',"secondary_types":' || e.secondary_types || ',"actors":' || e.actors
  || ',"sources":' || {_SOURCES_SQL} || '}}}}'
{EVENT_FROM}
"""


def _event_row(r: tuple) -> dict:
    d = dict(zip(EVENT_KEYS, r, strict=True))
    d["secondary_types"] = json_list(d["secondary_types"])
    d["actors"] = json_list(d["actors"])
    d["sources"] = json_list(d["sources"])
    return d


class SQLiteStore(
    ClustersMixin,
    ReviewMixin,
    IncidentsMixin,
    TimelineMixin,
    ReplaceMixin,
    SQLReadsMixin,
    ThreadConnections,
    Store,
):
    """The store in one SQLite file; safe to share between threads (one connection each) and
    between processes (WAL, ``BEGIN IMMEDIATE``, a busy timeout).

    Parameters
    ----------
    path
        The database file; created with its schema when missing.
    """

    # SQLite's dialect, for the mixins written once for both SQL stores (geo.store.sql_*)
    PARAM = "?"
    FOR_UPDATE = ""  # a write holds the whole file (BEGIN IMMEDIATE)
    BYTE_ORDER = ""  # text compares by its bytes (BINARY) unless told otherwise
    _EVENT_SELECT = _EVENT_SELECT
    _event_row = staticmethod(_event_row)
    _documents_match = staticmethod(documents_match)

    @staticmethod
    def _in_list(column: str, values: list) -> tuple[str, list]:
        """``column`` among ``values`` (any number of them: one JSON parameter)."""
        return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(values)]

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path).expanduser()
        if self.path.is_dir():
            raise ConfigError(f"{self.path} is a folder, not a database file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the folder of {self.path}: {exc.strerror}") from None
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._init_schema()

    @property
    def location(self) -> str:
        return str(self.path)

    # -- connections ----------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )  # fmt: skip
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            con.execute("PRAGMA foreign_keys = ON")
            con.execute("PRAGMA synchronous = NORMAL")  # WAL: durable against process crashes
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open the database {self.path}: {exc}") from None
        return con

    def optimize(self) -> None:
        """Refresh the planner's statistics (sampled, fast): it then drives a bbox + type
        query by the R*Tree instead of scanning every event of the type."""
        try:
            self._con.execute("PRAGMA analysis_limit = 1000")
            self._con.execute("ANALYZE")
        except sqlite3.OperationalError as exc:
            raise _read_error(exc) from None

    def _init_schema(self) -> None:
        con = self._con
        try:
            version = self._schema_version(con)
            if version is None:
                self._set_wal(con)
                con.execute("BEGIN IMMEDIATE")  # waits for another process creating it too
                try:
                    for statement in _SCHEMA.split(";\n"):
                        if statement.strip():
                            con.execute(statement)
                    con.execute(
                        "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                        (str(SCHEMA_VERSION),),
                    )
                    con.execute(
                        "INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)",
                        (stamp_now(),),
                    )
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                version = self._schema_version(con)
            for versions, to, step in (
                ((1, 2), 3, self._migrate_rtree),
                ((3,), 4, self._migrate_counts),
                ((4,), 5, self._migrate_names),
                ((5,), 6, self._migrate_events),
                ((6,), 7, self._migrate_review),
                ((7,), 8, self._migrate_place_date),
            ):
                if version in versions:
                    version = self._migrate(con, versions, to, step)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise ConfigError(f"{self.path} is not a conflictmap database ({exc})") from None
        error = schema_error(str(self.path), version)
        if error is not None:
            self.close()
            raise error

    def _migrate(
        self,
        con: sqlite3.Connection,
        versions: tuple[int, ...],
        to: int,
        step: Callable[[sqlite3.Connection], None],
    ) -> int | None:
        """One schema step in one write transaction, done once however many processes open
        the store at once: ``step(con)`` while the version is still one of ``versions`` (not
        migrated by another process meanwhile), then the version ``to``. The version after."""
        con.execute("BEGIN IMMEDIATE")
        try:
            if self._schema_version(con) in versions:
                step(con)
                con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(to),))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return self._schema_version(con)

    def _migrate_rtree(self, con: sqlite3.Connection) -> None:
        """Schemas 1 and 2 to 3: the events' R*Tree gets time (2) and the event kind (3), so a
        bbox + dates + type query reads only the events near in space and time and of about
        the right kind; rebuilt from the events in one transaction."""
        con.execute("DROP TABLE event_rtree")
        for statement in _SCHEMA.split(";\n"):  # event_kinds and the new R*Tree
            if "event_kinds" in statement or "event_rtree" in statement:
                con.execute(statement)
        kinds: dict[tuple, int] = {}
        for t, st in con.execute("SELECT DISTINCT type, subtype FROM events"):
            self._kind_code(con, t, st, kinds)
        con.execute(
            "INSERT INTO event_rtree SELECT e.id, p.lon, p.lon, p.lat, p.lat, "
            f"coalesce(julianday(e.date_min), {NO_DAY[0]}), "
            f"coalesce(julianday(e.date_max), {NO_DAY[1]}), k.code, k.code "
            "FROM events e JOIN places p ON p.pk = e.place_pk "
            "JOIN event_kinds k ON k.type = e.type AND k.subtype = coalesce(e.subtype, '')"
        )

    def _migrate_counts(self, con: sqlite3.Connection) -> None:
        """Schema 3 to 4: the events counted by place and type in a table kept up to date by
        :meth:`add`, so the map and the snapshot of the whole store never count every event."""
        con.execute("DROP TABLE IF EXISTS event_counts")
        for statement in _SCHEMA.split(";\n"):
            if "event_counts" in statement:
                con.execute(statement)
        con.execute(
            # bare columns (type, precision) come from the row of min(id)
            "INSERT INTO event_counts (place_pk, type, n, first_id, precision) "
            "SELECT place_pk, type, count(*), min(id), precision FROM events "
            "WHERE place_pk IS NOT NULL GROUP BY place_pk, type"
        )

    def _migrate_names(self, con: sqlite3.Connection) -> None:
        """Schema 4 to 5: places get the name English readers see (``name_en``: the stored
        name in ASCII letters, "Rafah" for "Rafaḩ", until a new document brings the gazetteer's)
        and the names a place was written as keep their spelling (first written)."""
        from gazetteer.build import ascii_name

        for table, column in (
            ("places", "name_en"), ("places", "name_en_fold"), ("place_names", "name"),
        ):  # fmt: skip
            if column not in {r[1] for r in con.execute(f"PRAGMA table_info({table})")}:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
        rows = con.execute("SELECT pk, name, feature FROM places").fetchall()
        english = []
        for pk, name, feature in rows:
            # countries, regions and curated places were stored by their English name
            en = name if feature in _ENGLISH_NAMED else ascii_name(name)
            english.append((en, fold(en), pk))
        con.executemany("UPDATE places SET name_en = ?, name_en_fold = ? WHERE pk = ?", english)
        written: dict[tuple[str, int], str] = {}
        cur = con.execute(
            "SELECT place_pk, text FROM mentions WHERE place_pk IS NOT NULL ORDER BY id"
        )
        while chunk := cur.fetchmany(10_000):
            for pk, text in chunk:
                written.setdefault((fold(text), pk), text)
        con.executemany(
            "UPDATE place_names SET name = ? WHERE name_fold = ? AND place_pk = ?",
            [(text, key, pk) for (key, pk), text in written.items()],
        )
        con.execute("CREATE INDEX IF NOT EXISTS places_name_en ON places (name_en_fold)")

    def _migrate_events(self, con: sqlite3.Connection) -> None:
        """Schema 5 to 6: events get ACLED's fields (location as written, geo and time
        precision codes, actor ids and interaction, the toll's words, why) and their sources
        (a merged event's reports); stored events get the codes their precision and actors
        imply, and each is its own only source."""
        have = {r[1] for r in con.execute("PRAGMA table_info(events)")}
        for column, decl in _EVENT_COLUMNS_6:
            if column not in have:
                con.execute(f"ALTER TABLE events ADD COLUMN {column} {decl}")
        for statement in _SCHEMA.split(";\n"):
            if "event_sources" in statement:
                con.execute(statement)
        con.execute(
            "UPDATE events SET report_fatalities = fatalities, "
            f"geo_precision = {_case_sql('precision', GEO_PRECISION_CODES)}, "
            f"time_precision = {_case_sql('date_precision', TIME_PRECISION_CODES)}"
        )
        cur = con.execute(
            "SELECT e.id, e.actors, p.country_code FROM events e "
            "LEFT JOIN places p ON p.pk = e.place_pk WHERE e.actors != '[]'"
        )
        while chunk := cur.fetchmany(10_000):
            con.executemany(
                "UPDATE events SET actor1 = ?, actor2 = ?, interaction = ? WHERE id = ?",
                [
                    (*actor_registry.acled_fields(json_list(labels), country_code=cc), eid)
                    for eid, labels, cc in chunk
                ],
            )

    @staticmethod
    def _migrate_place_date(con: sqlite3.Connection) -> None:
        """Schema 7 to 8: the events indexed by place and date, so the earlier reports of an
        incident at a province are the events of a few days at that province's places, not
        every event of those days (which grew with the store)."""
        con.execute("CREATE INDEX IF NOT EXISTS events_place_date ON events (place_pk, date_min)")
        con.execute("DROP INDEX IF EXISTS events_place")

    @staticmethod
    def _kind_code(con: sqlite3.Connection, type_: str, subtype: str | None, cache: dict) -> int:
        """The code of an event's (type, subtype), created when new (inside the write)."""
        key = (type_.casefold(), (subtype or "").casefold())
        if key in cache:
            return cache[key]
        row = con.execute(
            "SELECT code FROM event_kinds WHERE type = ? AND subtype = ?", (type_, subtype or "")
        ).fetchone()
        if row is None:
            same = con.execute(
                "SELECT max(code) FROM event_kinds WHERE type = ?", (type_,)
            ).fetchone()[0]
            top = None
            if same is None:  # a new type: after the last code of all
                top = con.execute("SELECT max(code) FROM event_kinds").fetchone()[0]
            code = new_kind_code(same, top)
            con.execute(
                "INSERT OR IGNORE INTO event_kinds (code, type, subtype) VALUES (?, ?, ?)",
                (code, type_, subtype or ""),
            )
            row = con.execute(
                "SELECT code FROM event_kinds WHERE type = ? AND subtype = ?",
                (type_, subtype or ""),
            ).fetchone()
        cache[key] = row[0]
        return row[0]

    @staticmethod
    def _set_wal(con: sqlite3.Connection, attempts: int = 100) -> None:
        """Switch a new file to WAL. The switch needs the file to itself and does not wait on
        the busy timeout: when another process is creating the same store at that moment,
        wait for it (a few seconds at most) instead of failing."""
        for _ in range(attempts):
            try:
                con.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(0.05)
        con.execute("PRAGMA journal_mode = WAL")

    @staticmethod
    def _schema_version(con: sqlite3.Connection) -> int | None:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables:
            if tables - {"sqlite_sequence"}:
                raise sqlite3.DatabaseError("it holds other tables and no schema version")
            return None
        return stored_version(con)

    def _read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        try:
            return self._con.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise _read_error(exc) from None

    def _read_page(
        self,
        count_sql: str,
        rows_sql: str,
        params: list,
        page: tuple[int, int],
        count_params: list | None = None,
    ) -> tuple[int, list[tuple]]:
        """The total and one page of rows, read in one transaction: a write that lands between
        the two queries cannot make the page hold more rows than its total. ``count_params``:
        the count's own parameters, when they are not the rows'."""
        con = self._con
        own = not con.in_transaction  # inside a caller's transaction, that one holds already
        try:
            if own:
                con.execute("BEGIN")
            try:
                total = con.execute(
                    count_sql, params if count_params is None else count_params
                ).fetchone()[0]
                rows = con.execute(rows_sql, [*params, *page]).fetchall()
            finally:
                if own:
                    con.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise _read_error(exc) from None
        return total, rows

    # -- writes ---------------------------------------------------------------------------------
    @staticmethod
    def _begin_write(con: sqlite3.Connection) -> None:
        """Take the store's write lock, or answer that it is busy (503: try again)."""
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise ConflictmapError(f"database busy, try again: {exc}", status=503) from None

    def _in_write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """``work(con)`` in one write transaction, rolled back if it raises; its result."""
        con = self._con
        self._begin_write(con)
        try:
            out = work(con)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        return out

    def has_text(self, text: str) -> bool:
        return bool(self._read("SELECT 1 FROM documents WHERE hash = ?", (text_hash(text),)))

    def add(self, x: Extracted) -> str | None:
        h = text_hash(x.doc.text)
        con = self._con
        self._begin_write(con)
        try:
            if con.execute("SELECT 1 FROM documents WHERE hash = ?", (h,)).fetchone():
                con.execute("ROLLBACK")
                return None
            doc_id = self._write(con, x, h)
            con.execute("COMMIT")
            return doc_id
        except sqlite3.IntegrityError as exc:
            con.execute("ROLLBACK")
            if "documents.hash" in str(exc):  # stored by another writer meanwhile
                return None
            raise ConflictmapError(f"cannot store document {x.doc.id}: {exc}") from None
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise ConflictmapError(f"cannot store document {x.doc.id}: {exc}") from None
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise

    def _free_id(self, con: sqlite3.Connection, wanted: str, h: str) -> str:
        base = (wanted or "").strip() or h[:16]
        doc_id = base
        n = 1
        while con.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone():
            doc_id = f"{base}-{h[:8]}" if n == 1 else f"{base}-{h[:8]}-{n}"
            n += 1
        return doc_id

    def _write(self, con: sqlite3.Connection, x: Extracted, h: str) -> str:
        doc = x.doc
        doc_id = self._free_id(con, doc.id, h)
        values, (dmin, dmax) = document_values(x, doc_id, h)
        cur = con.execute(
            f"INSERT INTO documents ({DOCUMENT_COLUMNS}) VALUES ({', '.join('?' * len(values))})",
            values,
        )
        doc_pk = cur.lastrowid
        con.execute(
            "INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)",
            (doc_pk, doc.title or "", doc.text),
        )
        places: dict[str, int] = {}

        def place_pk(p: Place | None) -> int | None:
            if p is None:
                return None
            if p.id not in places:
                places[p.id] = self._place_pk(con, p)
            return places[p.id]

        mention_rows = [
            (doc_pk, m.start, m.end, m.text, m.role, float(m.score), m.reason or None,
             place_pk(m.place))
            for m in x.mentions
        ]  # fmt: skip
        roles = role_counts((r[-1], r[4]) for r in mention_rows if r[-1] is not None)
        con.executemany(
            'INSERT INTO mentions (doc_pk, start, "end", text, role, score, reason, place_pk) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            mention_rows,
        )
        written: dict[tuple[str, int], str] = {}
        for m in x.mentions:
            if m.place and fold(m.text):
                written.setdefault((fold(m.text), places[m.place.id]), m.text)
        con.executemany(
            "INSERT OR IGNORE INTO place_names (name_fold, place_pk, name) VALUES (?, ?, ?)",
            [(key, pk, text) for (key, pk), text in written.items()],
        )
        con.executemany(
            "UPDATE places SET n_mentions = n_mentions + ?, n_literal = n_literal + ?, "
            "n_metonymic = n_metonymic + ?, n_country = n_country + ? WHERE pk = ?",
            [(*c, pk) for pk, c in roles.items()],
        )
        kinds: dict[tuple, int] = {}
        for e in x.events:
            pk = place_pk(e.place)
            f = event_fields(e, (dmin, dmax))
            cur = con.execute(
                "INSERT INTO events (doc_pk, type, subtype, secondary_types, date, date_precision, "
                "date_phrase, date_min, date_max, actors, actors_text, actors_fold, fatalities, "
                'injured, place_pk, precision, sentence, start, "end", confidence, location, '
                "geo_precision, time_precision, actor1, actor2, interaction, fatalities_phrase, "
                "why, report_fatalities) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_pk, e.type, e.subtype, json.dumps(list(e.secondary_types)), e.date.value,
                    e.date.precision, e.date.phrase, f.date_min, f.date_max,
                    json.dumps(f.labels, ensure_ascii=False), " ; ".join(f.labels), f.actors_fold,
                    e.fatalities, e.injured, pk, e.place_precision if e.place else None,
                    e.sentence, e.start, e.end, float(e.confidence), e.location, f.geo_precision,
                    f.time_precision, f.actor1, f.actor2, f.interaction, e.fatalities_phrase,
                    e.why, e.fatalities,
                ),
            )  # fmt: skip
            eid = cur.lastrowid
            con.execute(
                "INSERT INTO events_fts (rowid, sentence, actors_text) VALUES (?, ?, ?)",
                (eid, e.sentence, " ; ".join(f.labels)),
            )
            report = event_report(e, f, doc_pk)
            if report is None:
                continue
            if not self._merge_on_add(con, eid, report, self._incident_candidates(con, report)):
                self._show_event(con, eid, kinds)
        for s in x.statements:
            smin, smax = date_bounds(s.date.value)
            if smin is None:  # said when published, as far as we know
                smin, smax = dmin, dmax
            cur = con.execute(
                "INSERT INTO statements (doc_pk, quote, speaker, speaker_role, indirect, date, "
                'date_precision, date_min, date_max, where_pk, start, "end") '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_pk, s.quote, s.speaker, s.speaker_role, int(bool(s.indirect)),
                    s.date.value, s.date.precision, smin, smax, place_pk(s.where_said), s.start,
                    s.end,
                ),
            )  # fmt: skip
            sid = cur.lastrowid
            con.execute(
                "INSERT INTO statements_fts (rowid, quote, speaker, speaker_role) "
                "VALUES (?, ?, ?, ?)",
                (sid, s.quote, s.speaker or "", s.speaker_role or ""),
            )
            con.executemany(
                "INSERT OR IGNORE INTO statement_places (statement_id, place_pk) VALUES (?, ?)",
                [(sid, place_pk(p)) for p in s.places],
            )
        self._apply_stored_corrections(con, doc_pk, doc_id)  # reviewers' corrections stick
        return doc_id

    @staticmethod
    def _place_pk(con: sqlite3.Connection, p: Place) -> int:
        """The place's row, added when new; a place known by other names than the gazetteer
        now gives (a store filled by an older gazetteer) takes the new ones."""
        names = (p.name, p.name_fr, p.name_en)
        folds = (fold(p.name), fold(p.name_fr or "") or None, fold(p.name_en or "") or None)
        row = con.execute(
            "SELECT pk, name, name_fr, name_en FROM places WHERE id = ?", (p.id,)
        ).fetchone()
        if row:
            if p.name_en and tuple(row[1:]) != names:
                con.execute(
                    "UPDATE places SET name = ?, name_fr = ?, name_en = ?, name_fold = ?, "
                    "name_fr_fold = ?, name_en_fold = ? WHERE pk = ?",
                    (*names, *folds, row[0]),
                )
            return row[0]
        cur = con.execute(
            "INSERT INTO places (id, name, name_fr, name_en, name_fold, name_fr_fold, "
            "name_en_fold, feature, country_code, admin1, admin1_name, lat, lon) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                p.id, *names, *folds, p.feature, p.country_code, p.admin1, p.admin1_name, p.lat,
                p.lon,
            ),
        )  # fmt: skip
        pk = cur.lastrowid
        con.execute(
            "INSERT INTO place_rtree VALUES (?, ?, ?, ?, ?)", (pk, p.lon, p.lon, p.lat, p.lat)
        )
        return pk

    # -- filters --------------------------------------------------------------------------------
    @staticmethod
    def _bbox_sql(rtree: str, column: str, bbox) -> tuple[str, list]:
        cond, params = SQLiteStore._bbox_condition(bbox)
        return f"{column} IN (SELECT id FROM {rtree} WHERE {cond})", params

    @staticmethod
    def _bbox_condition(bbox) -> tuple[str, list]:
        """An R*Tree's condition for the boxes inside ``bbox`` (which may cross the
        antimeridian)."""
        w, s, e, n = parse_bbox(bbox)
        if w <= e:
            return "min_lon >= ? AND max_lon <= ? AND min_lat >= ? AND max_lat <= ?", [w, e, s, n]
        return "(min_lon >= ? OR max_lon <= ?) AND min_lat >= ? AND max_lat <= ?", [w, e, s, n]

    def _event_filters(
        self, bbox=None, start=None, end=None, type=None, actor=None, place=None, q=None
    ) -> tuple[str, list]:
        where, params = self._dates_sql("e", start, end)
        if bbox is not None:
            sql, p = self._bbox_sql("event_rtree", "e.id", bbox)
            if start or end:  # near in time too: the R*Tree narrows both at once
                sql = sql[:-1] + " AND max_day >= ? AND min_day <= ?)"
                p += [julian_day(start) if start else NO_DAY[0]]
                p += [julian_day(end) if end else NO_DAY[1]]
            if type:  # and of the kind asked for (the codes' range; SQL below is exact)
                t = type_name(type)
                lo, hi = self._read(
                    "SELECT min(code), max(code) FROM event_kinds WHERE type = ? OR subtype = ?",
                    (t, t),
                )[0]
                sql = sql[:-1] + " AND max_kind >= ? AND min_kind <= ?)"
                p += [lo, hi] if lo is not None else [1, 0]
            where.append(sql)
            params += p
        if type:
            where.append("(e.type = ? OR e.subtype = ?)")
            params += [type_name(type)] * 2
        if actor:
            key = fold(str(actor))
            if not key:
                raise InputError(f"actor has no letters: {actor!r}")
            known = actor_registry.find(str(actor))
            if known is None:  # part of a label, as written in the documents
                where.append("instr(e.actors_fold, ?) > 0")
                params.append(key)
            else:  # any of the actor's names in any language, or its id, as a whole label
                names = sorted({f"|{fold(n)}|" for n in (known.id, *known.names())})
                where.append(
                    "(e.actor1 = ? OR e.actor2 = ? OR EXISTS (SELECT 1 FROM json_each(?) "
                    "WHERE instr(e.actors_fold, value) > 0))"
                )
                params += [known.id, known.id, json.dumps(names)]
        if place:
            where.append("e.place_pk IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(self._place_set(place)))
        if q:  # in the event's sentence or in a report merged into it
            where.append(
                "(e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?) OR e.id IN "
                "(SELECT event_id FROM event_sources WHERE report_id IN "
                "(SELECT rowid FROM events_fts WHERE events_fts MATCH ?)))"
            )
            params += [fts_query(str(q))] * 2
        # the reports merged into another event are shown through it
        return " WHERE " + " AND ".join([VISIBLE, *where]), params

    # -- events ---------------------------------------------------------------------------------
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
        limit, offset = check_page(limit, offset)
        order = event_order_sql(sort, DOC_PLACE_NAME)
        where, params = self._event_filters(bbox, start, end, type, actor, place, q)
        count_sql, count_params = f"SELECT count(*) FROM events e{where}", None
        if bbox is not None and not (type or actor or place or q) and bool(start) == bool(end):
            count_sql, count_params = self._rtree_count(bbox, start, end)
        total, rows = self._read_page(
            count_sql,
            f"{_EVENT_SELECT}{where} ORDER BY {order} LIMIT ? OFFSET ?",
            params,
            (limit, offset),
            count_params,
        )
        return [_event_row(r) for r in rows], total

    def _rtree_count(self, bbox, start, end) -> tuple[str, list]:
        """The count of the events in ``bbox`` (dated from ``start`` to ``end`` when given: both
        or neither), read from the events' R*Tree alone, not from a million event rows (the
        total of a page of /api/events and OGC's ``numberMatched``; at 1M events it was most of
        the time of a bbox + dates query). Exact: the R*Tree holds the events shown that have a
        place (``_show_event``/``_hide_event``), and their days are Julian days N.5, which its
        32-bit floats hold exactly; an undated event spans (0, 1e7) there, and is left out as
        the date filter leaves it out."""
        cond, p = self._bbox_condition(bbox)
        sql = f"SELECT count(*) FROM event_rtree WHERE {cond}"
        if start and end:
            sql += " AND max_day >= ? AND min_day <= ? AND min_day > ? AND max_day < ?"
            p += [julian_day(start), julian_day(end), *NO_DAY]
        return sql, p

    def _checked_event_filters(self, filters: dict) -> tuple[str, list]:
        """The WHERE clause of the filters of :meth:`events`; an unknown one is an InputError."""
        unknown = set(filters) - {"bbox", "start", "end", "type", "actor", "place", "q"}
        if unknown:
            raise InputError(f"unknown event filter(s): {', '.join(sorted(unknown))}")
        return self._event_filters(**filters)

    def iter_events(self, **filters) -> Iterator[dict]:
        where, params = self._checked_event_filters(filters)
        return self._stream(f"{_EVENT_SELECT}{where} ORDER BY e.id", params, _event_row)

    def iter_event_features(self, **filters) -> Iterator[str]:
        where, params = self._checked_event_filters(filters)
        return self._stream(f"{_FEATURE_SELECT}{where} ORDER BY e.id", params, lambda r: r[0])

    def _stream(self, sql: str, params: list, row: Callable[[tuple], Any]) -> Iterator:
        con = self._connect()  # its own connection: one consistent snapshot, any thread
        try:
            cur = con.execute(sql, params)
            while rows := cur.fetchmany(FETCH_CHUNK):
                for r in rows:
                    yield row(r)
        except sqlite3.OperationalError as exc:
            raise _read_error(exc) from None
        finally:
            con.close()

    def write_all_features(self, parts: list[Path], min_events: int = 1) -> int | None:
        """Write every event's Feature (JSON joined by ``",\\n"``, in id order) into the files
        ``parts``, one consecutive range of ids each, built by as many processes at once: SQLite
        builds the JSON, and each process has its own. Returns the number written, or None
        when the store holds fewer than ``min_events`` events or changed meanwhile (the caller
        then writes the export the usual way).

        The store only ever adds events, with growing ids: the ranges stop at the largest id
        one query saw, and the counts written must add up to the count it saw.
        """
        lo, hi, count = self._read(
            f"SELECT min(id), max(id), count(*) FROM events e WHERE {VISIBLE}"
        )[0]
        if count < max(min_events, 1):
            return None
        step = (hi - lo + len(parts)) // len(parts)
        bounds = [(lo + i * step, min(lo + (i + 1) * step, hi + 1)) for i in range(len(parts))]
        # fresh interpreters (no fork of a threaded server, no re-import of the caller's script)
        import subprocess
        import sys

        env = dict(os.environ)
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        code = (
            "import sys; from geo.store.sqlite import _write_feature_range as w; "
            "print(w(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))"
        )
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(self.path), str(part), str(a), str(b)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                text=True,
            )  # fmt: skip
            for part, (a, b) in zip(parts, bounds, strict=True)
        ]
        written, errors = 0, []
        for proc in procs:
            out, err = proc.communicate()
            if proc.returncode:
                errors.append(err.strip().splitlines()[-1] if err.strip() else proc.returncode)
            else:
                written += int(out.split()[-1])
        if errors:
            raise ConfigError(f"the export's worker processes failed: {errors[0]}")
        return written if written == count else None

    def _filtered_groups(self, where: str, params: list) -> list[tuple]:
        w = where + " AND e.place_pk IS NOT NULL"
        # the bare columns (precision, the document's language) come from the row of
        # min(e.id): the first event stored
        rows = self._read(
            f"SELECT {GROUP_PLACE}, e.type, e.precision, count(*), min(e.id) "
            f"FROM events e JOIN places p ON p.pk = e.place_pk "
            f"JOIN documents d ON d.pk = e.doc_pk{w} "
            "GROUP BY e.place_pk, e.type ORDER BY min(e.id)",
            params,
        )
        return [r[:9] for r in rows]

    # -- statements -----------------------------------------------------------------------------
    def _statements_in_box(self, bbox: tuple) -> tuple[str, list]:
        sql, p = self._bbox_sql("place_rtree", "s.where_pk", bbox)
        sql2, p2 = self._bbox_sql("place_rtree", "sp.place_pk", bbox)
        return (
            f"({sql} OR s.id IN (SELECT sp.statement_id FROM statement_places sp WHERE {sql2}))",
            p + p2,
        )

    def _speaker_match(self, names: list[str]) -> tuple[str, list]:
        either = " OR ".join(f"({fts_query(n)})" for n in names)
        return (
            "s.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)",
            ["{speaker speaker_role} : (" + either + ")"],
        )

    def _statement_text_match(self, q: str) -> tuple[str, list]:
        return (
            "s.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)",
            [fts_query(str(q))],
        )

    # -- places ---------------------------------------------------------------------------------
    def places(
        self, *, bbox=None, start=None, end=None, q=None, place=None, limit=100, offset=0
    ) -> tuple[list[dict], int]:
        limit, offset = check_page(limit, offset)
        pwhere, pparams = ["p.n_mentions > 0"], []
        if bbox is not None:
            sql, p = self._bbox_sql("place_rtree", "p.pk", bbox)
            pwhere.append(sql)
            pparams += p
        if place:
            pwhere.append("p.pk IN (SELECT value FROM json_each(?))")
            pparams.append(json.dumps(self._place_set(place)))
        dwhere, dparams = self._doc_filters(EventFilter.of(start=start, end=end, q=q))
        cols = (
            "p.pk, p.id, p.name, p.feature, p.country_code, p.admin1, p.lat, p.lon, p.name_fr, "
            "p.name_en"
        )
        if not dwhere:  # the counters kept on each place answer at once
            w = " WHERE " + " AND ".join(pwhere)
            total, rows = self._read_page(
                f"SELECT count(*) FROM places p{w}",
                f"SELECT {cols}, p.n_mentions, p.n_literal, p.n_metonymic, p.n_country "
                f"FROM places p{w} ORDER BY p.n_mentions DESC, p.pk LIMIT ? OFFSET ?",
                pparams,
                (limit, offset),
            )
        else:
            w = " WHERE " + " AND ".join(pwhere[1:] + dwhere + ["m.place_pk IS NOT NULL"])
            base = (
                "FROM mentions m JOIN documents d ON d.pk = m.doc_pk "
                f"JOIN places p ON p.pk = m.place_pk{w}"
            )
            params = pparams + dparams
            total, rows = self._read_page(
                f"SELECT count(DISTINCT m.place_pk) {base}",
                f"SELECT {cols}, count(*) AS n, sum(m.role = 'literal'), "
                f"sum(m.role = 'metonymic'), sum(m.role = 'country') {base} "
                "GROUP BY m.place_pk ORDER BY n DESC, p.pk LIMIT ? OFFSET ?",
                params,
                (limit, offset),
            )
        return self._place_dicts(rows, dwhere, dparams), total

    # -- documents ------------------------------------------------------------------------------
    def event_extent(self) -> dict:
        """Where and when the events are, for a catalogue (OGC API's collection extent):
        ``bbox`` (min_lon, min_lat, max_lon, max_lat) of the places events are shown at and
        ``days`` (first, last) of their dates, each None when no event has one. Read from the
        counts kept by add() and the date index, not the events: milliseconds at a million
        events. ``days`` also spans the reports merged into another event (the index holds
        every row): never narrower than the events shown."""
        (bbox,) = self._read(
            "SELECT min(p.lon), min(p.lat), max(p.lon), max(p.lat) FROM event_counts c "
            "JOIN places p ON p.pk = c.place_pk WHERE c.n > 0 AND p.lon IS NOT NULL"
        )
        (days,) = self._read(  # both read from the index events_date (dated: date_min >= '')
            "SELECT (SELECT min(date_min) FROM events WHERE date_min >= ''), "
            "(SELECT max(date_max) FROM events WHERE date_min >= '')"
        )
        return {
            "bbox": None if bbox[0] is None else tuple(bbox),
            "days": None if days[0] is None or days[1] is None else tuple(days),
        }


def _write_feature_range(db: str, out: str, lo: int, hi: int) -> int:
    """Write the Features of the events with ``lo <= id < hi`` to ``out`` (a worker process)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    n = 0
    try:
        cur = con.execute(
            f"{_FEATURE_SELECT} WHERE {VISIBLE} AND e.id >= ? AND e.id < ? ORDER BY e.id",
            (lo, hi),
        )
        with open(out, "w", encoding="utf-8", newline="") as fh:
            n = write_joined(iter(lambda: cur.fetchmany(FETCH_CHUNK), []), fh)
    finally:
        con.close()
    return n


def _read_error(exc: sqlite3.OperationalError) -> ConflictmapError:
    msg = str(exc)
    if "fts5" in msg or "MATCH" in msg or "syntax error" in msg:
        return InputError(f"invalid full-text query: {msg}")
    if "locked" in msg or "busy" in msg:
        return ConflictmapError(f"database busy, try again: {msg}", status=503)
    return ConflictmapError(f"database error: {msg}")

"""The PostGIS backend of the store: a PostgreSQL server that many readers and writers share.

The same contract as the SQLite store (:class:`geo.store.base.Store`), on psycopg 3:

- each :meth:`PostGISStore.add` is one transaction; the document's hash is ``UNIQUE`` and the
  insert says ``ON CONFLICT (hash) DO NOTHING``, so writers in many processes or on many
  machines never store one text twice; a deadlock or a clash on a document id is retried;
- the events' counts by place and type (the map of the whole store) are kept in the same
  transaction as the document;
- streamed reads (``iter_events``, the exports) go through a server-side cursor on their own
  connection: memory stays flat whatever the number of events;
- the schema carries its version and migrates itself (:mod:`geo.store.postgis_schema`).

Example
-------
>>> store = PostGISStore("postgresql://conflictmap@db.example:5432/news")  # doctest: +SKIP
>>> rows, total = store.events(bbox=(35.0, 35.0, 38.0, 37.0), type="Battles")  # doctest: +SKIP
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from gazetteer.normalize import fold
from geo import actors as actor_registry
from geo.errors import ConfigError, ConflictmapError, InputError
from geo.store import search_query
from geo.store.base import (
    EVENT_FILTERS,
    EVENT_KEYS,
    SCHEMA_VERSION,
    EventFilter,
    Store,
    check_page,
    event_order_sql,
    text_hash,
)
from geo.store.postgis_clusters import PostGISClustersMixin
from geo.store.postgis_export import SESSION, PostGISExportMixin
from geo.store.postgis_incidents import PostGISIncidentsMixin
from geo.store.postgis_replace import PostGISReplaceMixin
from geo.store.postgis_review import PostGISReviewMixin
from geo.store.postgis_schema import EXTENSIONS, MIGRATIONS, ts_configs
from geo.store.postgis_timeline import PostGISTimelineMixin
from geo.store.postgis_write import PostGISWriteMixin
from geo.store.sql_clusters import GROUP_PLACE
from geo.store.sql_common import (
    DOC_PLACE_NAME,
    EVENT_FROM,
    VISIBLE,
    ThreadConnections,
    docs_naming_place,
    event_select,
    schema_error,
    stamp_now,
    stored_version,
)
from geo.store.sql_reads import SQLReadsMixin

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

    from geo.pipeline import Extracted

STREAM_CHUNK = 2000  # rows a server-side cursor sends at once
WRITE_ATTEMPTS = 8  # a deadlock or a clash on a new document id: the document is written again
CONNECT_TIMEOUT_S = 10
_LOCK_SCHEMA = 0x636D0001  # advisory lock ("cm" 1): the schema (2, 3: geo.store.postgis_write)

# The documents that reported an event, as a JSON list of their ids (its own first).
_SOURCES_SQL = (
    "CASE WHEN e.n_sources > 1 THEN (SELECT json_agg(sd.id ORDER BY s.report_id) "
    "FROM event_sources s JOIN documents sd ON sd.pk = s.doc_pk WHERE s.event_id = e.id) "
    "ELSE json_build_array(d.id) END"
)
_EVENT_SELECT = event_select(_SOURCES_SQL)


def ts_term(term: search_query.Term) -> tuple[str, list]:
    """One search term as a ``tsquery`` read in every configuration a document may have been
    indexed with (a French document's "frappes" is found by "frappes", however the query is
    read), accents ignored; a prefix term's last word may go on."""
    configs = ts_configs()
    if term.prefix:
        words = re.findall(r"\w+", term.text)
        lexeme = " & ".join("'" + w + "'" for w in words[:-1])
        lexeme += (" & " if lexeme else "") + "'" + words[-1] + "':*"
        alts = [f"to_tsquery('{c}', unaccent(%s))" for c in configs]
        return "(" + " || ".join(alts) + ")", [lexeme] * len(configs)
    alts = [f"phraseto_tsquery('{c}', unaccent(%s))" for c in configs]
    return "(" + " || ".join(alts) + ")", [term.text] * len(configs)


def ts_query(q: str) -> tuple[str, list]:
    """SQL for a ``tsquery`` from what a person typed, and its parameters, in the search
    language of :mod:`geo.store.search_query` (words and ``"quoted phrases"`` must all appear,
    ``OR``, ``NOT`` or ``-word``, ``prefix*``, groups), each term as :func:`ts_term` reads it.

    >>> ts_query('frappes "Alep est" bomb*')[1]
    ['frappes', 'frappes', 'frappes', 'Alep est', 'Alep est', 'Alep est', "'bomb':*", "'bomb':*", "'bomb':*"]
    """
    return search_query.render(search_query.parse(q), ts_term, search_query.TSQUERY)


def documents_match(q: str, alias: str = "d") -> tuple[str, list]:
    """SQL for the documents that match a search (as the SQLite store's): each term is found
    in the document's ``tsv`` or names a place the document mentions."""

    def leaf(term: search_query.Term) -> tuple[str, list]:
        tsq, params = ts_term(term)
        key = fold(term.text)
        if term.prefix or not key:
            return f"{alias}.tsv @@ {tsq}", params
        named = docs_naming_place(alias, "%s")
        return f"{alias}.tsv @@ {tsq} OR {named}", [*params, key, key, key, key]

    return search_query.render(search_query.parse(q), leaf)


def _bbox_sql(column: str, bbox: tuple[float, float, float, float]) -> tuple[str, list]:
    """``column`` (a point) inside the box; a box across the antimeridian is two boxes."""
    w, s, e, n = bbox
    if w <= e:
        return f"{column} && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", [w, s, e, n]
    return (
        f"({column} && ST_MakeEnvelope(%s, %s, 180, %s, 4326) OR "
        f"{column} && ST_MakeEnvelope(-180, %s, %s, %s, 4326))",
        [w, s, n, s, e, n],
    )


def _event_row(r: tuple) -> dict:
    return dict(zip(EVENT_KEYS, r, strict=True))


def _safe_url(url: str) -> str:
    """The URL without its password (for messages)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class PostGISStore(
    PostGISClustersMixin,
    PostGISExportMixin,
    PostGISReviewMixin,
    PostGISWriteMixin,
    PostGISReplaceMixin,
    PostGISIncidentsMixin,
    PostGISTimelineMixin,
    SQLReadsMixin,
    ThreadConnections,
    Store,
):
    """The store in a PostgreSQL database with PostGIS; one connection per thread, safe to
    share between threads, and between processes and machines (each has its own).

    Parameters
    ----------
    url
        ``postgresql://user[:password]@host[:port]/database`` (libpq's URL, so ``?sslmode=``
        and the ``PG*`` environment variables work too). The schema is created when the
        database has none, migrated when older.
    """

    # PostgreSQL's dialect, for the mixins written once for both SQL stores (geo.store.sql_*)
    PARAM = "%s"
    FOR_UPDATE = " FOR UPDATE"  # the rows a change reads, locked against other writers
    BYTE_ORDER = ' COLLATE "C"'  # text by its bytes, whatever the database's locale
    _EVENT_SELECT = _EVENT_SELECT
    _event_row = staticmethod(_event_row)
    _documents_match = staticmethod(documents_match)

    @staticmethod
    def _in_list(column: str, values: list) -> tuple[str, list]:
        """``column`` among ``values`` (one array parameter)."""
        return f"{column} = ANY(%s)", [list(values)]

    @staticmethod
    def _read_error(exc: Exception) -> ConflictmapError:
        return _read_error(exc)

    def __init__(self, url: str) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ConfigError(
                "the PostGIS store needs psycopg 3: pip install 'psycopg[binary]'"
            ) from None
        self.url = url
        self._local = threading.local()
        self._all: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        self._kinds: dict[tuple[str, str], int] = {}  # event kind codes read (they never change)
        self._init_schema()

    def __repr__(self) -> str:
        return f"PostGISStore({self.location!r})"

    @property
    def location(self) -> str:
        return _safe_url(self.url)

    @property
    def shared_url(self) -> str:
        return self.url

    # -- connections ----------------------------------------------------------------------------
    def _connect(self, autocommit: bool = True) -> psycopg.Connection:
        import psycopg

        try:
            return psycopg.connect(
                self.url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S
            )
        except psycopg.Error as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConfigError(f"cannot connect to {_safe_url(self.url)}: {msg}") from None

    @staticmethod
    def _is_closed(con: psycopg.Connection) -> bool:
        return con.closed

    def optimize(self) -> None:
        """Refresh the planner's statistics after many writes."""
        self._run("ANALYZE")

    # -- schema ---------------------------------------------------------------------------------
    def _init_schema(self) -> None:
        import psycopg

        con = self._con
        try:
            version = self._schema_version(con)
            if version != SCHEMA_VERSION:
                with con.transaction():
                    con.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_SCHEMA,))
                    version = self._schema_version(con)  # migrated by another process meanwhile?
                    if version is None:
                        for ext in EXTENSIONS:
                            con.execute(f"CREATE EXTENSION IF NOT EXISTS {ext}")
                    for frm, to, sql in MIGRATIONS:
                        if version == frm and (version is None or version < SCHEMA_VERSION):
                            con.execute(sql)
                            con.execute(
                                "INSERT INTO meta (key, value) VALUES ('schema_version', %s) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                (str(to),),
                            )
                            if frm is None:
                                con.execute(
                                    "INSERT INTO meta (key, value) VALUES ('created_at', %s)",
                                    (stamp_now(),),
                                )
                            version = to
        except psycopg.errors.FeatureNotSupported as exc:
            self.close()
            raise ConfigError(f"{_safe_url(self.url)}: {exc}") from None
        except (psycopg.errors.UndefinedFile, psycopg.errors.InsufficientPrivilege) as exc:
            self.close()
            raise ConfigError(
                f"{_safe_url(self.url)} lacks an extension the store needs "
                f"({', '.join(EXTENSIONS)}; PostGIS from the postgis package) or the right to "
                f"create it: {str(exc).strip().splitlines()[0]}"
            ) from None
        except psycopg.Error as exc:
            self.close()
            raise ConfigError(f"{_safe_url(self.url)} is not a conflictmap store ({exc})") from None
        error = schema_error(str(_safe_url(self.url)), version)
        if error is not None:
            self.close()
            raise error

    @staticmethod
    def _schema_version(con: psycopg.Connection) -> int | None:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        }
        if "meta" not in tables:
            if tables - {"spatial_ref_sys"}:
                raise ConfigError("the database holds other tables and no schema version")
            return None
        return stored_version(con)

    # -- reads ----------------------------------------------------------------------------------
    def _run(self, sql: str, params: tuple | list = ()) -> None:
        import psycopg

        try:
            self._con.execute(sql, params)
        except psycopg.Error as exc:
            raise _read_error(exc) from None

    def _read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        import psycopg

        try:
            return self._con.execute(sql, params).fetchall()
        except psycopg.Error as exc:
            raise _read_error(exc) from None

    def _in_snapshot(self, work):
        """``work(con)`` in one read-only transaction that sees one snapshot (REPEATABLE
        READ); a database failure is the read's error."""
        import psycopg

        con = self._con
        try:
            with con.transaction():
                con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return work(con)
        except psycopg.Error as exc:
            raise _read_error(exc) from None

    def _read_page(
        self, count_sql: str, rows_sql: str, params: list, page: tuple[int, int]
    ) -> tuple[int, list[tuple]]:
        """The total and one page of rows from one snapshot."""
        return self._in_snapshot(
            lambda con: (
                con.execute(count_sql, params).fetchone()[0],
                con.execute(rows_sql, [*params, *page]).fetchall(),
            )
        )

    def _stream(self, sql: str, params: list, row: Callable[[tuple], Any]) -> Iterator:
        """Rows through a server-side cursor on a connection of its own: one snapshot, flat
        memory, any thread."""
        import psycopg

        con = self._connect(autocommit=False)
        try:
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for statement in SESSION:  # no JIT, exact floats
                con.execute(statement)
            with con.cursor(name="conflictmap_stream") as cur:
                cur.itersize = STREAM_CHUNK
                cur.execute(sql, params)
                for r in cur:
                    yield row(r)
        except psycopg.Error as exc:
            raise _read_error(exc) from None
        finally:
            con.close()

    # -- writes ---------------------------------------------------------------------------------
    def has_text(self, text: str) -> bool:
        return bool(self._read("SELECT 1 FROM documents WHERE hash = %s", (text_hash(text),)))

    def add(self, x: Extracted) -> str | None:
        import psycopg
        from psycopg import errors

        h = text_hash(x.doc.text)
        for attempt in range(WRITE_ATTEMPTS):
            con = self._con
            try:
                with con.transaction():
                    return self._write(con, x, h)
            except (errors.DeadlockDetected, errors.SerializationFailure):
                continue
            except errors.UniqueViolation as exc:
                # another writer took the same new document id meanwhile: write it again
                if exc.diag.constraint_name == "documents_id_key" and attempt < WRITE_ATTEMPTS:
                    continue
                raise ConflictmapError(f"cannot store document {x.doc.id}: {exc}") from None
            except psycopg.OperationalError as exc:
                raise ConflictmapError(
                    f"cannot store document {x.doc.id}: {exc}", status=503
                ) from None
            except psycopg.Error as exc:
                raise ConflictmapError(f"cannot store document {x.doc.id}: {exc}") from None
        raise ConflictmapError(
            f"cannot store document {x.doc.id}: busy after {WRITE_ATTEMPTS} attempts", status=503
        )

    # -- filters --------------------------------------------------------------------------------
    def _kind_range(self, type_: str) -> tuple[int, int]:
        key = type_.casefold()
        lo, hi = self._read(
            "SELECT min(code), max(code) FROM event_kinds WHERE type_key = %s OR subtype_key = %s",
            (key, key),
        )[0]
        return (lo, hi) if lo is not None else (1, 0)

    def _event_filters(self, f: EventFilter) -> tuple[str, list]:
        # With a bbox, the GiST index (point, days, kind) finds the events and every other test
        # is checked on each row it found: the planner is kept from also reading the indexes
        # of the dates and the types (``|| ''``), bitmaps of every event of a year or of a type
        # (180,000 rows at 1M events) that cost more than the rows they would spare.
        per_row = f.bbox is not None
        where, params = self._dates_sql("e", f.start, f.end, per_row)
        if f.bbox is not None:  # the GiST index narrows space, time and kind at once
            sql, p = _bbox_sql("e.geom", f.bbox)
            where.append(sql)
            params += p
            if f.start or f.end:
                where.append("e.days && daterange(%s::date, %s::date, '[]')")
                params += [f.start, f.end]
            if f.type:
                # int4 like the column: a smallint parameter keeps the index from using it
                where.append("e.kind BETWEEN %s::int AND %s::int")
                params += list(self._kind_range(f.type))
        if f.type:
            way = " || ''" if per_row else ""
            where.append(f"(lower(e.type){way} = lower(%s) OR lower(e.subtype){way} = lower(%s))")
            params += [f.type, f.type]
        if f.actor:
            key = fold(f.actor)
            if not key:
                raise InputError(f"actor has no letters: {f.actor!r}")
            known = actor_registry.find(f.actor)
            if known is None:  # part of a label, as written in the documents
                where.append("strpos(e.actors_fold, %s) > 0")
                params.append(key)
            else:  # any of the actor's names in any language, or its id, as a whole label
                names = sorted({f"|{fold(n)}|" for n in (known.id, *known.names())})
                where.append(
                    "(e.actor1 = %s OR e.actor2 = %s OR EXISTS (SELECT 1 FROM "
                    "unnest(%s::text[]) v WHERE strpos(e.actors_fold, v) > 0))"
                )
                params += [known.id, known.id, names]
        if f.place:
            where.append("e.place_pk = ANY(%s)")
            params.append(self._place_set(f.place))
        if f.q:  # in the event's sentence or in a report merged into it
            tsq, tp = ts_query(f.q)
            where.append(
                f"(e.tsv @@ {tsq} OR e.id IN (SELECT s.event_id FROM event_sources s "
                f"JOIN events r ON r.id = s.report_id WHERE r.tsv @@ {tsq}))"
            )
            params += tp + tp
        return " WHERE " + " AND ".join([VISIBLE, *where]), params

    @staticmethod
    def _checked_filter(filters: dict) -> EventFilter:
        """The filters of :meth:`events`, read (a blank value is none); an unknown one is an
        InputError."""
        unknown = set(filters) - set(EVENT_FILTERS)
        if unknown:
            raise InputError(f"unknown event filter(s): {', '.join(sorted(unknown))}")
        return EventFilter.of(**filters)

    def _checked_event_filters(self, filters: dict) -> tuple[str, list]:
        """The WHERE clause of the filters of :meth:`events`; an unknown one is an InputError."""
        return self._event_filters(self._checked_filter(filters))

    # -- events ---------------------------------------------------------------------------------
    def events(self, *, limit=100, offset=0, sort=None, **filters) -> tuple[list[dict], int]:
        limit, offset = check_page(limit, offset)
        order = event_order_sql(sort, DOC_PLACE_NAME, self.BYTE_ORDER)
        f = self._checked_filter(filters)
        where, params = self._event_filters(f)
        if f.bbox is None:
            total, rows = self._read_page(
                f"SELECT count(*) FROM events e{where}",
                f"{_EVENT_SELECT}{where} ORDER BY {order} LIMIT %s OFFSET %s",
                params,
                (limit, offset),
            )
            return [_event_row(r) for r in rows], total
        return self._events_in_box(where, params, order, sort is not None, limit, offset)

    def _events_in_box(
        self, where: str, params: list, order: str, joined: bool, limit: int, offset: int
    ) -> tuple[list[dict], int]:
        """A page of the events a bbox query finds, and their count, from one pass over them
        (the GiST index and a check of each row), not two: the page's ids come with the count
        (``count(*) OVER ()``), then only the page's rows are read whole. At 1M events the
        count and the page each read every match; their sum took the p99 over 50 ms.
        ``joined``: the order reads the document's or the place's columns."""
        source = EVENT_FROM.removeprefix("FROM ") if joined else "events e"

        def work(con) -> tuple[int, list[tuple]]:
            page = con.execute(
                f"SELECT e.id, count(*) OVER () FROM {source}{where} ORDER BY {order} "
                "LIMIT %s OFFSET %s",
                [*params, limit, offset],
            ).fetchall()
            if not page:  # past the last page (or nothing found): the count alone
                return con.execute(f"SELECT count(*) FROM events e{where}", params).fetchone()[
                    0
                ], []
            rows = con.execute(
                f"{_EVENT_SELECT} WHERE e.id = ANY(%s) ORDER BY {order}", ([r[0] for r in page],)
            ).fetchall()
            return page[0][1], rows

        total, rows = self._in_snapshot(work)
        return [_event_row(r) for r in rows], total

    def iter_events(self, **filters) -> Iterator[dict]:
        where, params = self._checked_event_filters(filters)
        return self._stream(f"{_EVENT_SELECT}{where} ORDER BY e.id", params, _event_row)

    def _filtered_groups(self, where: str, params: list) -> list[tuple]:
        # the type's spelling, the precision and the document's language: the first event's
        return self._read(
            f"SELECT {GROUP_PLACE}, e.type, e.precision, g.n FROM (SELECT e.place_pk, "
            f"count(*) AS n, min(e.id) AS first FROM events e{where} AND e.place_pk IS NOT NULL "
            "GROUP BY e.place_pk, lower(e.type)) g JOIN events e ON e.id = g.first "
            "JOIN places p ON p.pk = g.place_pk JOIN documents d ON d.pk = e.doc_pk "
            "ORDER BY g.first",
            params,
        )

    # -- statements -----------------------------------------------------------------------------
    def _statements_in_box(self, bbox: tuple) -> tuple[str, list]:
        sql, p = _bbox_sql("w.geom", bbox)
        sql2, p2 = _bbox_sql("pp.geom", bbox)
        return (
            f"(s.where_pk IN (SELECT w.pk FROM places w WHERE {sql}) OR s.id IN (SELECT "
            "sp.statement_id FROM statement_places sp JOIN places pp ON pp.pk = sp.place_pk "
            f"WHERE {sql2}))",
            p + p2,
        )

    def _speaker_match(self, names: list[str]) -> tuple[str, list]:
        alts = [ts_query(n) for n in names]
        sql = "s.speaker_tsv @@ (" + " || ".join(sql for sql, _ in alts) + ")"
        return sql, [p for _, ps in alts for p in ps]

    def _statement_text_match(self, q: str) -> tuple[str, list]:
        tsq, params = ts_query(q)
        return f"s.tsv @@ {tsq}", params

    # -- places ---------------------------------------------------------------------------------
    def places(
        self, *, bbox=None, start=None, end=None, q=None, place=None, limit=100, offset=0
    ) -> tuple[list[dict], int]:
        f = EventFilter.of(
            bbox=bbox, start=start, end=end, q=q, place=place, limit=limit, offset=offset
        )
        pwhere, pparams = ["p.n_mentions > 0"], []
        if f.bbox is not None:
            sql, p = _bbox_sql("p.geom", f.bbox)
            pwhere.append(sql)
            pparams += p
        if f.place:
            pwhere.append("p.pk = ANY(%s)")
            pparams.append(self._place_set(f.place))
        dwhere, dparams = self._doc_filters(f)
        cols = (
            "p.pk, p.id, p.name, p.feature, p.country_code, p.admin1, p.lat, p.lon, p.name_fr, "
            "p.name_en"
        )
        if not dwhere:  # the counters kept on each place answer at once
            w = " WHERE " + " AND ".join(pwhere)
            total, rows = self._read_page(
                f"SELECT count(*) FROM places p{w}",
                f"SELECT {cols}, p.n_mentions, p.n_literal, p.n_metonymic, p.n_country "
                f"FROM places p{w} ORDER BY p.n_mentions DESC, p.pk LIMIT %s OFFSET %s",
                pparams,
                (f.limit, f.offset),
            )
        else:
            w = " WHERE " + " AND ".join(pwhere[1:] + dwhere + ["m.place_pk IS NOT NULL"])
            base = (
                "FROM mentions m JOIN documents d ON d.pk = m.doc_pk "
                f"JOIN places p ON p.pk = m.place_pk{w}"
            )
            total, rows = self._read_page(
                f"SELECT count(DISTINCT m.place_pk) {base}",
                f"SELECT {cols}, count(*) AS n, count(*) FILTER (WHERE m.role = 'literal'), "
                "count(*) FILTER (WHERE m.role = 'metonymic'), "
                f"count(*) FILTER (WHERE m.role = 'country') {base} "
                "GROUP BY p.pk ORDER BY n DESC, p.pk LIMIT %s OFFSET %s",
                pparams + dparams,
                (f.limit, f.offset),
            )
        return self._place_dicts(rows, dwhere, dparams), total

    # -- documents ------------------------------------------------------------------------------
    def event_extent(self) -> dict:
        """Where and when the events are (a catalogue's extent): ``bbox`` of the places events
        are shown at, from the counts kept by add(), and ``days`` (first, last) of their dates,
        from the dates' indexes; each None when no event has one."""
        (bbox,) = self._read(
            "SELECT min(p.lon), min(p.lat), max(p.lon), max(p.lat) FROM event_counts c "
            "JOIN places p ON p.pk = c.place_pk WHERE c.n > 0"
        )
        (days,) = self._read(
            "SELECT (SELECT min(date_min) FROM events WHERE date_min IS NOT NULL), "
            "(SELECT max(date_max) FROM events WHERE date_max IS NOT NULL)"
        )
        return {
            "bbox": None if bbox[0] is None else tuple(bbox),
            "days": None if days[0] is None or days[1] is None else tuple(days),
        }


def _read_error(exc: Exception) -> ConflictmapError:
    import psycopg

    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, psycopg.errors.SyntaxError):
        return InputError(f"invalid full-text query: {msg}")
    if isinstance(exc, psycopg.OperationalError):
        return ConflictmapError(f"database unavailable, try again: {msg}", status=503)
    return ConflictmapError(f"database error: {msg}")

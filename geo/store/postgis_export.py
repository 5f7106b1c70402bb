"""Exports of the PostGIS store: each event's GeoJSON Feature built by PostgreSQL, streamed.

The Feature of an event is one text that PostgreSQL writes (:func:`feature_select`): the same
Feature as the SQLite store's (``geo.store.sqlite._FEATURE_SELECT``), its properties in the
same order (the event row's without its point, the three lists last), with the same values, in
compact JSON. Python neither parses a row nor builds a dict: the text goes from the server-side
cursor to the file or the HTTP response.

A whole export (:meth:`PostGISExportMixin.write_all_features`) is read by several connections
at once, each a range of event ids, all in one snapshot of the database (``pg_export_snapshot``):
the server builds the Features on as many cores, and the file is exactly the store at one
instant, whatever is written meanwhile.

Its host (``PostGISStore``) gives ``_connect``, ``_stream``, ``_checked_event_filters`` and
``_read_error``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from geo.store.sql_common import EVENT_FROM, VISIBLE, reader_name_sql, write_joined

FETCH_ROWS = 2000  # Features a server-side cursor sends at once
# How the stream's connections read: no JIT compilation (on a wide row it costs the server
# about half a second per query, more than it saves), and every float8 as the shortest
# decimal that reads back the same number (PostgreSQL 12's default, which a server may lower).
SESSION = ("SET LOCAL jit = off", "SET LOCAL extra_float_digits = 1")


# The properties of an event's Feature: (name, SQL, kind), kind n: a number, t: a text, j: JSON
# held as such. The document's (d) and the place's (p) columns may be read already written as
# JSON (_whole_from).
_PROPERTIES = (
    ("id", "e.id", "n"), ("doc_id", "d.id", "t"), ("type", "e.type", "t"),
    ("subtype", "e.subtype", "t"), ("date", "e.date", "t"),
    ("date_precision", "e.date_precision", "t"), ("date_phrase", "e.date_phrase", "t"),
    ("fatalities", "e.fatalities", "n"), ("injured", "e.injured", "n"),
    ("place_id", "p.id", "t"), ("place_name", "place_name", "t"),
    ("feature", "p.feature", "t"), ("country_code", "p.country_code", "t"),
    ("admin1", "p.admin1", "t"), ("precision", "e.precision", "t"),
    ("sentence", "e.sentence", "t"), ("start", "e.start", "n"), ("end", 'e."end"', "n"),
    ("confidence", "e.confidence", "n"), ("doc_title", "d.title", "t"),
    ("doc_source", "d.source", "t"), ("doc_url", "d.url", "t"),
    ("published", "d.published", "t"), ("admin1_name", "p.admin1_name", "t"),
    ("place_name_fr", "p.name_fr", "t"), ("place_name_en", "p.name_en", "t"),
    ("doc_lang", "d.lang", "t"), ("location", "e.location", "t"),
    ("geo_precision", "e.geo_precision", "n"), ("time_precision", "e.time_precision", "n"),
    ("actor1", "e.actor1", "t"), ("actor2", "e.actor2", "t"),
    ("interaction", "e.interaction", "n"), ("fatalities_phrase", "e.fatalities_phrase", "t"),
    ("why", "e.why", "t"), ("n_sources", "e.n_sources", "n"),
    ("merged_into", "e.merged_into", "n"), ("why_merged", "e.why_merged", "t"),
    ("secondary_types", "e.secondary_types", "j"), ("actors", "e.actors", "j"),
    ("sources", "sources", "j"),
)  # fmt: skip
_AS_JSON = {
    "n": "coalesce(({})::text, 'null')",
    "t": "coalesce(to_json({})::text, 'null')",
    "j": "coalesce(({})::text, '[]')",  # a missing list: [] as the SQLite store reads it
}
# %%s: format()'s %s, the percent doubled for psycopg
_POINT = """format('{"type":"Point","coordinates":[%%s,%%s]}', LON, LAT)"""
_DOC_COLUMNS = ("id", "title", "source", "url", "published", "lang")
_PLACE_COLUMNS = (
    "id", "name", "name_fr", "name_en", "feature", "country_code", "admin1", "admin1_name"
)  # fmt: skip


def _whole_from() -> str:
    """The FROM of a whole export: each document's and each place's columns written as JSON
    once (not once per event: a hash join reads them), under their own names; ``d.reader``
    is the document's language as stored, ``p.point`` the place's GeoJSON point."""
    docs = ", ".join(f"to_json({c})::text AS {c}" for c in _DOC_COLUMNS)
    places = ", ".join(f"to_json({c})::text AS {c}" for c in _PLACE_COLUMNS)
    point = _POINT.replace("LON", "lon").replace("LAT", "lat")
    return (
        f"FROM events e JOIN (SELECT pk, lang AS reader, {docs} FROM documents OFFSET 0) d "
        f"ON d.pk = e.doc_pk LEFT JOIN (SELECT pk, {places}, {point} AS point FROM places "
        "OFFSET 0) p ON p.pk = e.place_pk"
    )


@cache
def feature_select(whole: bool = False) -> str:
    """``SELECT <the Feature's JSON text> FROM events e JOIN ...``, to which a caller adds its
    ``WHERE`` (on the events, ``e``) and ``ORDER BY``. ``whole``: for an export of every event
    (the documents' and places' values are written as JSON once each, not once per event).

    One ``format()`` per event: each value is written as JSON by its kind, the whole Feature in
    one pass, faster than ``json_build_object`` (which looks up how to write each of its 80
    arguments on every row). The point's coordinates are the place's own numbers
    (``ST_AsGeoJSON`` would round them); the sources' list is compact, as SQLite writes it. On
    the same documents, the two stores' files are the same bytes but for decimals: SQLite
    writes 15 significant digits and ``117.0``, PostgreSQL the shortest text that reads back
    the same number (``117``).
    """
    doc_id = "d.id" if whole else "to_json(d.id)::text"
    special = {
        "place_name": reader_name_sql("p", "d.reader" if whole else "d.lang"),
        "sources": (
            "CASE WHEN e.n_sources > 1 THEN (SELECT '[' || string_agg(to_json(sd.id)::text, "
            "',' ORDER BY s.report_id) || ']' FROM event_sources s JOIN documents sd "
            f"ON sd.pk = s.doc_pk WHERE s.event_id = e.id) ELSE '[' || {doc_id} || ']' END"
        ),
    }

    def value(sql: str, kind: str) -> str:
        sql = special.get(sql, sql)
        if whole and kind == "t" and not sql.startswith("e."):  # JSON already
            return f"coalesce({sql}, 'null')"
        return _AS_JSON[kind].format(sql)

    template = (
        '{"type":"Feature","id":%%s,"geometry":%%s,"properties":{'
        + ",".join(f'"{key}":%%s' for key, _, _ in _PROPERTIES)
        + "}}"
    )
    if whole:
        point = "coalesce(p.point, 'null')"
    else:
        point = (
            "CASE WHEN p.lat IS NULL OR p.lon IS NULL THEN 'null' ELSE "
            + _POINT.replace("LON", "p.lon").replace("LAT", "p.lat")
            + " END"
        )
    values = ", ".join(value(sql, kind) for _, sql, kind in _PROPERTIES)
    source = _whole_from() if whole else EVENT_FROM
    return f"SELECT format('{template}', e.id, {point}, {values}) {source}"


def _first(row: tuple) -> Any:
    return row[0]


class PostGISExportMixin:
    """The Features of the events, built by the server (see the module's docstring)."""

    def iter_event_features(self, **filters) -> Iterator[str]:
        where, params = self._checked_event_filters(filters)  # an invalid filter fails here
        return self._stream(f"{feature_select()}{where} ORDER BY e.id", params, _first)

    def write_all_features(self, parts: list[Path], min_events: int = 1) -> int | None:
        """Write every event's Feature (JSON joined by ``",\\n"``, in id order) into the files
        ``parts``, one consecutive range of ids each, read by as many connections at once in
        one snapshot of the database. Returns the number written, or None when the store
        holds fewer than ``min_events`` events (the caller then writes the export the usual
        way)."""
        import psycopg

        lead = self._connect(autocommit=False)
        try:
            lead.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            lo, hi, count = lead.execute(
                f"SELECT min(id), max(id), count(*) FROM events e WHERE {VISIBLE}"
            ).fetchone()
            if count < max(min_events, 1):
                return None
            # the snapshot of this transaction, which every reader takes: it lives while
            # this transaction is open
            (snapshot,) = lead.execute("SELECT pg_export_snapshot()").fetchone()
            step = (hi - lo + len(parts)) // len(parts)
            bounds = [(lo + i * step, min(lo + (i + 1) * step, hi + 1)) for i in range(len(parts))]
            written = [0] * len(parts)
            errors: list[BaseException] = []

            def read(i: int) -> None:
                try:
                    written[i] = self._write_feature_range(snapshot, parts[i], *bounds[i])
                except BaseException as exc:  # noqa: BLE001 - raised again by the caller
                    errors.append(exc)

            threads = [threading.Thread(target=read, args=(i,)) for i in range(len(parts))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        except psycopg.Error as exc:
            raise self._read_error(exc) from None
        finally:
            lead.close()
        if errors:
            exc = errors[0]
            raise (self._read_error(exc) if isinstance(exc, psycopg.Error) else exc) from None
        return sum(written)

    def _write_feature_range(self, snapshot: str, out: Path, lo: int, hi: int) -> int:
        """Write the Features of the shown events with ``lo <= id < hi``, as the snapshot
        ``snapshot`` holds them, to ``out``; their number."""
        from psycopg import sql

        con = self._connect(autocommit=False)
        n = 0
        try:
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            con.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
            for statement in SESSION:
                con.execute(statement)
            with (
                con.cursor(name="conflictmap_features") as cur,
                open(out, "w", encoding="utf-8", newline="") as fh,
            ):
                cur.execute(
                    f"{feature_select(whole=True)} WHERE {VISIBLE} AND e.id >= %s AND e.id < %s "
                    "ORDER BY e.id",
                    (lo, hi),
                )
                n = write_joined(iter(lambda: cur.fetchmany(FETCH_ROWS), []), fh)
        finally:
            con.close()
        return n

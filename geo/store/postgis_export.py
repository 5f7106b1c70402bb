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

Its host (``PostGISStore``) gives ``_connect``, ``_stream``, ``_checked_event_filters``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

FETCH_ROWS = 2000  # Features a server-side cursor sends at once
# How the stream's connections read: no JIT compilation (on a wide row it costs the server
# about half a second per query, more than it saves), and every float8 as the shortest
# decimal that reads back the same number (PostgreSQL 12's default, which a server may lower).
SESSION = ("SET LOCAL jit = off", "SET LOCAL extra_float_digits = 1")


@cache
def feature_select() -> str:
    """``SELECT <the Feature's JSON text> FROM events e JOIN ...``, to which a caller adds its
    ``WHERE`` and ``ORDER BY``.

    One ``format()`` per event: each value is written as JSON by its kind (``n`` a number,
    ``t`` a text, ``j`` JSON held as such), the whole Feature in one pass, faster than
    ``json_build_object`` (which looks up how to write each of its 80 arguments on every
    row). The point's coordinates are the place's own numbers (``ST_AsGeoJSON`` would round
    them); the sources' list is compact, as SQLite writes it. On the same documents, the two
    stores' files are the same bytes but for decimals: SQLite writes 15 significant digits and
    ``117.0``, PostgreSQL the shortest text that reads back the same number (``117``).
    """
    from geo.store.postgis import _DOC_PLACE_NAME, _EVENT_FROM

    sources = (
        "CASE WHEN e.n_sources > 1 THEN (SELECT '[' || string_agg(to_json(sd.id)::text, ',' "
        "ORDER BY s.report_id) || ']' FROM event_sources s JOIN documents sd ON sd.pk = s.doc_pk "
        "WHERE s.event_id = e.id) ELSE '[' || to_json(d.id)::text || ']' END"
    )
    properties = (
        ("id", "e.id", "n"), ("doc_id", "d.id", "t"), ("type", "e.type", "t"),
        ("subtype", "e.subtype", "t"), ("date", "e.date", "t"),
        ("date_precision", "e.date_precision", "t"), ("date_phrase", "e.date_phrase", "t"),
        ("fatalities", "e.fatalities", "n"), ("injured", "e.injured", "n"),
        ("place_id", "p.id", "t"), ("place_name", _DOC_PLACE_NAME, "t"),
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
        ("interaction", "e.interaction", "n"),
        ("fatalities_phrase", "e.fatalities_phrase", "t"), ("why", "e.why", "t"),
        ("n_sources", "e.n_sources", "n"), ("merged_into", "e.merged_into", "n"),
        ("why_merged", "e.why_merged", "t"), ("secondary_types", "e.secondary_types", "j"),
        ("actors", "e.actors", "j"), ("sources", sources, "j"),
    )  # fmt: skip
    as_json = {
        "n": "coalesce(({})::text, 'null')",
        "t": "coalesce(to_json({})::text, 'null')",
        "j": "coalesce(({})::text, '[]')",  # a missing list: [] as the SQLite store reads it
    }
    # %%s: format()'s %s, the percent doubled for psycopg
    template = (
        '{"type":"Feature","id":%%s,"geometry":%%s,"properties":{'
        + ",".join(f'"{key}":%%s' for key, _, _ in properties)
        + "}}"
    )
    point = (
        "CASE WHEN p.lat IS NULL OR p.lon IS NULL THEN 'null' "
        """ELSE format('{"type":"Point","coordinates":[%%s,%%s]}', p.lon, p.lat) END"""
    )
    values = ", ".join(as_json[kind].format(sql) for _, sql, kind in properties)
    return f"SELECT format('{template}', e.id, {point}, {values}) {_EVENT_FROM}"


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

        from geo.store.postgis import _VISIBLE, _read_error

        lead = self._connect(autocommit=False)
        try:
            lead.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            lo, hi, count = lead.execute(
                f"SELECT min(id), max(id), count(*) FROM events e WHERE {_VISIBLE}"
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
            raise _read_error(exc) from None
        finally:
            lead.close()
        if errors:
            exc = errors[0]
            raise (_read_error(exc) if isinstance(exc, psycopg.Error) else exc) from None
        return sum(written)

    def _write_feature_range(self, snapshot: str, out: Path, lo: int, hi: int) -> int:
        """Write the Features of the shown events with ``lo <= id < hi``, as the snapshot
        ``snapshot`` holds them, to ``out``; their number."""
        from psycopg import sql

        from geo.store.postgis import _VISIBLE

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
                    f"{feature_select()} WHERE {_VISIBLE} AND e.id >= %s AND e.id < %s "
                    "ORDER BY e.id",
                    (lo, hi),
                )
                sep = ""
                while rows := cur.fetchmany(FETCH_ROWS):
                    fh.write(sep + ",\n".join([r for (r,) in rows]))
                    sep = ",\n"
                    n += len(rows)
        finally:
            con.close()
        return n

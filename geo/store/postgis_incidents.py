"""One incident, one event, in the PostGIS store: the same merges as the SQLite store's
(:mod:`geo.store.sqlite_incidents`), with the events' GiST index in place of the R*Tree; the
part the two share is :mod:`geo.store.sql_incidents`'s.

An event is "shown" (on the map, in the counts, in the GiST index) while its ``geom`` is set;
a report merged into another event has none. Its host (``PostGISStore``) gives ``_con`` and
``_read``; writes run inside the host's transaction.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from geo import event_types, incidents
from geo.errors import ConflictmapError
from geo.store.sql_common import day_span, iso_day
from geo.store.sql_incidents import SQLIncidentsMixin

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

__all__ = ["PostGISIncidentsMixin"]


class PostGISIncidentsMixin(SQLIncidentsMixin):
    """The merge of reports into events, for a PostGIS store (see the module's docstring)."""

    @staticmethod
    def _show_events(con: psycopg.Connection, ids: list[int], placed: bool = False) -> None:
        """Count located events on the map and index them in space, time and kind (``placed``:
        their points are set already, as a new document's events are written)."""
        if not ids:
            return
        if not placed:
            con.execute(
                "UPDATE events e SET geom = p.geom FROM places p WHERE p.pk = e.place_pk "
                "AND e.id = ANY(%s)",
                (ids,),
            )
        con.execute(
            "INSERT INTO event_counts (place_pk, type_key, type, n, first_id, precision) "
            "SELECT g.place_pk, g.k, f.type, g.n, g.first, f.precision FROM (SELECT place_pk, "
            "lower(type) AS k, count(*) AS n, min(id) AS first FROM events WHERE id = ANY(%s) "
            "AND place_pk IS NOT NULL GROUP BY 1, 2) g JOIN events f ON f.id = g.first "
            "ORDER BY 1, 2 ON CONFLICT (place_pk, type_key) DO UPDATE SET "
            "n = event_counts.n + excluded.n",
            (ids,),
        )

    @staticmethod
    def _hide_event(con: psycopg.Connection, eid: int) -> None:
        """Undo :meth:`_show_events` for one event (it becomes a source of another)."""
        row = con.execute(
            "UPDATE events SET geom = NULL WHERE id = %s RETURNING place_pk, lower(type)", (eid,)
        ).fetchone()
        if not row or row[0] is None:
            return
        pk, key = row
        first = con.execute(
            "SELECT min(id) FROM events WHERE place_pk = %s AND lower(type) = %s AND id != %s "
            "AND merged_into IS NULL",
            (pk, key, eid),
        ).fetchone()[0]
        if first is None:
            con.execute("DELETE FROM event_counts WHERE place_pk = %s AND type_key = %s", (pk, key))
        else:
            con.execute(
                "UPDATE event_counts c SET n = c.n - 1, first_id = %s, type = f.type, "
                "precision = f.precision FROM events f WHERE f.id = %s "
                "AND c.place_pk = %s AND c.type_key = %s",
                (first, first, pk, key),
            )

    @staticmethod
    def _incident_candidates_many(con: psycopg.Connection, reports: list) -> list[list]:
        """For each report, the visible events of other documents that may tell the incident
        it tells: near it in space and time (the GiST index), or at the province that holds it
        / inside the province it is at; two queries for all the reports of a document."""
        near, province = [], []
        for i, r in enumerate(reports):
            fam = event_types.family(r.type)
            if r.day_min is None or fam is None:
                continue
            types = [t.casefold() for t in event_types.names_in_family(fam)]
            dlat = incidents.MERGE_KM / 111.0
            dlon = dlat / max(math.cos(math.radians(r.lat)), 0.01)
            lo = iso_day(r.day_min - incidents.MERGE_DAYS - 1)
            hi = iso_day(r.day_max + incidents.MERGE_DAYS + 1)
            kinds = "|" + "|".join(types) + "|"
            near.append((i, r.lon - dlon, r.lat - dlat, r.lon + dlon, r.lat + dlat, lo, hi, kinds))
            if r.admin1:  # nested: one is the province (admin-1) that holds the other
                province.append((i, lo, hi, r.admin1, r.feature == "admin1", kinds))
        found: list[dict] = [{} for _ in reports]
        if not near:
            return [[] for _ in reports]
        doc = reports[0].doc
        rows = _candidate_rows(con, _NEAR, near, doc)
        if province:
            rows += _candidate_rows(con, _PROVINCE, province, doc)
        for i, eid, report in rows:
            found[i].setdefault(eid, report)
        return [list(f.items()) for f in found]

    def _attach(self, con: psycopg.Connection, cid: int, eid: int, why: str) -> None:
        """Make the report ``eid`` a source of the event ``cid``."""
        con.execute(
            "INSERT INTO event_sources (event_id, report_id, doc_pk, why) "
            "SELECT id, id, doc_pk, 'first report' FROM events WHERE id = %s "
            "ON CONFLICT DO NOTHING",
            (cid,),
        )
        con.execute(
            "INSERT INTO event_sources (event_id, report_id, doc_pk, why) "
            "SELECT %s, id, doc_pk, %s FROM events WHERE id = %s "
            "ON CONFLICT (event_id, report_id) DO UPDATE SET doc_pk = excluded.doc_pk, "
            "why = excluded.why",
            (cid, why, eid),
        )
        con.execute(
            "UPDATE events SET merged_into = %s, why_merged = %s, geom = NULL WHERE id = %s",
            (cid, why, eid),
        )
        self._refresh_incident(con, cid)

    def _in_write(self, work):
        """Run ``work(con)`` in one transaction; a database failure is a ConflictmapError."""
        import psycopg

        con = self._con
        try:
            with con.transaction():
                return work(con)
        except psycopg.OperationalError as exc:
            raise ConflictmapError(f"database unavailable, try again: {exc}", status=503) from None
        except psycopg.Error as exc:
            raise ConflictmapError(f"database error: {exc}") from None


# The events near each report in space and time (the GiST index), and those at the province
# that holds it or inside the province it is at (by place and date: events_place_date; the
# OFFSET keeps the planner from flattening the subquery, which then used the place alone): one
# query for all the reports of a document.
_NEAR = (
    "unnest(%s::int[], %s::float8[], %s::float8[], %s::float8[], %s::float8[], %s::date[], "
    "%s::date[], %s::text[]) AS q (i, x0, y0, x1, y1, lo, hi, kinds) JOIN events e ON e.geom && "
    "ST_MakeEnvelope(q.x0, q.y0, q.x1, q.y1, 4326) AND e.days && daterange(q.lo, q.hi, '[]') "
    "JOIN places p ON p.pk = e.place_pk"
)
_PROVINCE = (
    "unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::bool[], %s::text[]) "
    "AS q (i, lo, hi, admin1, isadm, kinds) JOIN places p ON p.admin1 = q.admin1 "
    "AND (p.feature = 'admin1' OR q.isadm) "
    "CROSS JOIN LATERAL (SELECT id, type, subtype, date_min, date_max, time_precision, actors, "
    "actor1, actor2, doc_pk, location, geo_precision, merged_into FROM events "
    "WHERE place_pk = p.pk AND date_min BETWEEN q.lo AND q.hi OFFSET 0) e"
)


def _candidate_rows(con, source: str, rows: list[tuple], doc: int) -> list[tuple]:
    """``(report index, event id, Report)`` of the visible events of other documents that
    ``source`` finds from the reports' parameters ``rows``."""
    out = []
    for (
        i,
        eid,
        t,
        st,
        lat,
        lon,
        feat,
        adm1,
        dmin,
        dmax,
        tp,
        labels,
        a1,
        a2,
        d,
        loc,
        gp,
    ) in con.execute(
        "SELECT q.i, e.id, e.type, e.subtype, p.lat, p.lon, p.feature, p.admin1, e.date_min, "
        "e.date_max, e.time_precision, e.actors, e.actor1, e.actor2, e.doc_pk, e.location, "
        f"e.geo_precision FROM {source} WHERE e.merged_into IS NULL "
        "AND strpos(q.kinds, '|' || lower(e.type) || '|') > 0 AND e.doc_pk != %s "
        "ORDER BY q.i, e.id",
        [*(list(c) for c in zip(*rows, strict=True)), doc],
    ):
        days = day_span(dmin, dmax) if tp == 1 else (None, None)
        ids = incidents.actor_ids([*(labels or []), a1, a2])
        out.append((i, eid, incidents.Report(t, st, lat, lon, feat, adm1, *days, ids, d, loc, gp)))
    return out

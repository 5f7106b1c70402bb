"""One incident, one event, in the SQLite store: merging a new report into the event another
document already gave, keeping its sources, and undoing it.

:mod:`geo.incidents` decides whether two reports tell one incident; this mixin finds the
candidates with the store's indexes (the R*Tree near the report in space and time, the dates
index for the province that holds it) and keeps the ``event_sources`` table, the counts and the
R*Tree in step; the rest (the choice among the candidates, ``sources``, ``unmerge``, ``merge``)
is :mod:`geo.store.sql_incidents`'s. Its host (``SQLiteStore``) gives ``_con``, ``_read`` and
``_kind_code``.
"""

from __future__ import annotations

import json
import math
import sqlite3

from geo import event_types, incidents
from geo.store.sql_common import day_span, iso_day
from geo.store.sql_incidents import SQLIncidentsMixin

__all__ = ["IncidentsMixin"]


def _json_list(value: str | None) -> list:
    return json.loads(value) if value else []


class IncidentsMixin(SQLIncidentsMixin):
    """The merge of reports into events, for an SQLite store (see the module's docstring)."""

    def _show_event(self, con: sqlite3.Connection, eid: int, kinds: dict) -> None:
        """Count a located event on the map and index it in space, time and kind."""
        row = con.execute(
            "SELECT e.place_pk, e.type, e.subtype, e.precision, e.date_min, e.date_max, p.lon, "
            "p.lat FROM events e JOIN places p ON p.pk = e.place_pk WHERE e.id = ?",
            (eid,),
        ).fetchone()
        if row is None:
            return
        pk, type_, subtype, precision, emin, emax, lon, lat = row
        con.execute(
            "INSERT INTO event_counts (place_pk, type, n, first_id, precision) "
            "VALUES (?, ?, 1, ?, ?) ON CONFLICT (place_pk, type) DO UPDATE SET n = n + 1",
            (pk, type_, eid, precision),
        )
        kind = self._kind_code(con, type_, subtype, kinds)
        con.execute(
            "INSERT INTO event_rtree VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (eid, lon, lon, lat, lat, *day_span(emin, emax), kind, kind),
        )

    def _show_events(self, con: sqlite3.Connection, ids: list[int]) -> None:
        """:meth:`_show_event` for each of ``ids``."""
        kinds: dict[tuple, int] = {}
        for eid in ids:
            self._show_event(con, eid, kinds)

    def _hide_event(self, con: sqlite3.Connection, eid: int) -> None:
        """Undo :meth:`_show_event` (the event becomes a source of another)."""
        con.execute("DELETE FROM event_rtree WHERE id = ?", (eid,))
        row = con.execute("SELECT place_pk, type FROM events WHERE id = ?", (eid,)).fetchone()
        if row and row[0] is not None:
            pk, type_ = row
            first = con.execute(
                "SELECT min(id) FROM events WHERE place_pk = ? AND type = ? AND id != ? "
                "AND merged_into IS NULL",
                (pk, type_, eid),
            ).fetchone()[0]
            if first is None:
                con.execute("DELETE FROM event_counts WHERE place_pk = ? AND type = ?", row)
            else:
                con.execute(
                    "UPDATE event_counts SET n = n - 1, first_id = ?, precision = "
                    "(SELECT precision FROM events WHERE id = ?) WHERE place_pk = ? AND type = ?",
                    (first, first, pk, type_),
                )

    def _incident_reports(
        self, con: sqlite3.Connection, where: str, params: list, index: str = ""
    ) -> list:
        """``(id, Report)`` of the visible located events matching ``where``."""
        rows = con.execute(
            "SELECT e.id, e.type, e.subtype, p.lat, p.lon, p.feature, p.admin1, e.date_min, "
            "e.date_max, e.time_precision, e.actors, e.actor1, e.actor2, e.doc_pk, e.location, "
            "e.geo_precision "
            f"FROM events e {index} JOIN places p ON p.pk = e.place_pk "
            f"WHERE e.merged_into IS NULL AND {where}",
            params,
        ).fetchall()
        out = []
        for eid, t, st, lat, lon, feat, adm1, dmin, dmax, tp, labels, a1, a2, doc, loc, gp in rows:
            days = day_span(dmin, dmax) if tp == 1 else (None, None)
            ids = incidents.actor_ids([*_json_list(labels), a1, a2])
            report = incidents.Report(t, st, lat, lon, feat, adm1, *days, ids, doc, loc, gp)
            out.append((eid, report))
        return out

    def _incident_candidates(self, con: sqlite3.Connection, r: incidents.Report) -> list:
        """Visible events that may tell the incident ``r`` tells: near it in space and time
        (the R*Tree), or at the province that holds it / inside the province it is at."""
        if r.day_min is None or event_types.family(r.type) is None:
            return []
        fam = event_types.family(r.type)
        types = list(event_types.names_in_family(fam))
        dlat = incidents.MERGE_KM / 111.0
        dlon = dlat / max(math.cos(math.radians(r.lat)), 0.01)
        days = (r.day_min - incidents.MERGE_DAYS - 1, r.day_max + incidents.MERGE_DAYS + 1)
        near = [
            row[0]
            for row in con.execute(
                "SELECT id FROM event_rtree WHERE min_lon >= ? AND max_lon <= ? AND min_lat >= ? "
                "AND max_lat <= ? AND max_day >= ? AND min_day <= ?",
                (r.lon - dlon, r.lon + dlon, r.lat - dlat, r.lat + dlat, *days),
            )
        ]
        same = "e.type IN (SELECT value FROM json_each(?)) AND e.doc_pk != ?"
        base = [json.dumps(types), r.doc]
        found = []
        if near:
            found += self._incident_reports(
                con,
                f"e.id IN (SELECT value FROM json_each(?)) AND {same}",
                [json.dumps(near), *base],
            )
        if r.admin1:  # nested: one is the province (admin-1) that holds the other
            lo, hi = iso_day(days[0]), iso_day(days[1])
            found += self._incident_reports(
                con,
                "e.place_pk IN (SELECT pk FROM places WHERE admin1 = ? "
                "AND (feature = 'admin1' OR ?)) AND e.date_min BETWEEN ? AND ? "
                f"AND {same}",
                [r.admin1, int(r.feature == "admin1"), lo, hi, *base],
                # the events of a few days at the province's places: neither every event of
                # the province nor every event of those days
                index="INDEXED BY events_place_date",
            )
        return list({eid: rep for eid, rep in found}.items())

    def _attach(self, con: sqlite3.Connection, cid: int, eid: int, why: str) -> None:
        """Make the report ``eid`` a source of the event ``cid``."""
        con.execute(
            "INSERT OR IGNORE INTO event_sources (event_id, report_id, doc_pk, why) "
            "SELECT id, id, doc_pk, 'first report' FROM events WHERE id = ?",
            (cid,),
        )
        con.execute(
            "INSERT OR REPLACE INTO event_sources (event_id, report_id, doc_pk, why) "
            "SELECT ?, id, doc_pk, ? FROM events WHERE id = ?",
            (cid, why, eid),
        )
        con.execute(
            "UPDATE events SET merged_into = ?, why_merged = ? WHERE id = ?", (cid, why, eid)
        )
        self._refresh_incident(con, cid)

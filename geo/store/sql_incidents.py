"""One incident, one event, for a store on an SQL engine: the part of the merge of reports that
is the same in both dialects (:mod:`geo.store.sqlite_incidents` and
:mod:`geo.store.postgis_incidents` find the candidates with their own indexes and keep their
own counts and spatial index).

:class:`SQLIncidentsMixin` keeps a merged event's number of sources and toll
(:meth:`_refresh_incident`), merges a new report into the event it tells again among the
candidates the dialect found (:meth:`_merge_on_add`), gives reports back as events of their own
(:meth:`_give_back`), and gives :class:`geo.store.base.Store`'s ``sources``, ``unmerge`` and
``merge``. Its host gives the placeholder ``PARAM``, ``FOR_UPDATE`` (the clause that locks the
rows read for a change, empty where the write lock holds the whole store), ``_in_list``,
``_in_write``, ``_read``, and the dialect's ``_show_events``, ``_hide_event`` and ``_attach``.
"""

from __future__ import annotations

from geo import incidents
from geo.errors import ConflictError, InputError, NotFoundError
from geo.store.sql_common import event_key

__all__ = ["SQLIncidentsMixin"]

_SOURCE_KEYS = (
    "event_id", "doc_id", "doc_title", "doc_source", "doc_url", "published", "fatalities",
    "date", "sentence", "why_merged",
)  # fmt: skip


class SQLIncidentsMixin:
    """Sources, unmerge and merge of events, written once for both SQL dialects."""

    PARAM: str
    FOR_UPDATE: str

    def _refresh_incident(self, con, cid: int) -> None:
        """The event's number of sources and its toll: the best-supported of its reports."""
        p = self.PARAM
        reports = con.execute(
            "SELECT e.report_fatalities, e.confidence FROM event_sources s "
            f"JOIN events e ON e.id = s.report_id WHERE s.event_id = {p} ORDER BY s.report_id",
            (cid,),
        ).fetchall()
        if len(reports) <= 1:
            con.execute(f"DELETE FROM event_sources WHERE event_id = {p}", (cid,))
            con.execute(
                "UPDATE events SET n_sources = 1, fatalities = report_fatalities, "
                f"why_merged = NULL WHERE id = {p}",
                (cid,),
            )
            return
        toll, why = incidents.best_toll(reports)
        con.execute(
            f"UPDATE events SET n_sources = {p}, fatalities = {p}, why_merged = {p} WHERE id = {p}",
            (len(reports), toll, f"{len(reports)} reports of one incident; toll: {why}", cid),
        )

    def _merge_on_add(self, con, eid: int, r: incidents.Report, candidates) -> bool:
        """Merge the new event ``eid`` into the event of another document that tells the same
        incident, if any, among ``candidates`` (``(id, Report)``; the nearest, then the closest
        in time, then the first stored). True when merged."""
        best = None
        for cid, c in candidates:
            why = incidents.same_incident(r, c)
            if why is None:
                continue
            key = (
                incidents.haversine_km(r.lat, r.lon, c.lat, c.lon),
                abs((r.day_min or 0) - (c.day_min or 0)),
                cid,
            )
            if best is None or key < best[0]:
                best = (key, cid, why)
        if best is None:
            return False
        _, cid, why = best
        self._attach(con, cid, eid, why)
        return True

    def _other_reports(self, con, cid: int) -> list[int]:
        """The reports other documents gave that are merged into event ``cid``, by id."""
        p = self.PARAM
        return [
            r[0]
            for r in con.execute(
                f"SELECT report_id FROM event_sources WHERE event_id = {p} "
                f"AND report_id != {p} ORDER BY report_id",
                (cid, cid),
            )
        ]

    def _give_back(self, con, cid: int, report_ids: list[int]) -> None:
        """The reports ``report_ids`` of the event ``cid`` become events of their own again,
        on the map (``cid``'s sources and toll are the caller's to refresh)."""
        p = self.PARAM
        for rid in report_ids:
            con.execute(
                f"DELETE FROM event_sources WHERE event_id = {p} AND report_id = {p}", (cid, rid)
            )
            con.execute(
                "UPDATE events SET merged_into = NULL, why_merged = NULL, n_sources = 1, "
                f"fatalities = report_fatalities WHERE id = {p}",
                (rid,),
            )
        self._show_events(con, report_ids)

    def unmerge(self, event_id: int) -> list[int]:
        key, p = event_key(event_id), self.PARAM

        def work(con) -> list[int]:
            row = con.execute(
                f"SELECT merged_into FROM events WHERE id = {p}{self.FOR_UPDATE}", (key,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no event with id {event_id}")
            if row[0] is not None:  # one report of a merged event: detach it
                cid, detached = row[0], [key]
            else:  # a merged event: detach all its other reports
                cid = key
                detached = self._other_reports(con, cid)
                if not detached:
                    raise ConflictError(f"event {event_id} is not merged with another report")
            self._give_back(con, cid, detached)
            self._refresh_incident(con, cid)
            return [cid, *detached]

        return self._in_write(work)

    def merge(self, event_id: int, into: int) -> None:
        eid, cid = event_key(event_id), event_key(into)
        among, params = self._in_list("id", [eid, cid])
        p = self.PARAM

        def work(con) -> None:
            rows = dict(
                con.execute(
                    f"SELECT id, merged_into FROM events WHERE {among} ORDER BY id"
                    f"{self.FOR_UPDATE}",
                    params,
                ).fetchall()
            )
            for i in (eid, cid):
                if i not in rows:
                    raise NotFoundError(f"no event with id {i}")
                if rows[i] is not None:
                    raise ConflictError(f"event {i} is already a source of event {rows[i]}")
            if eid == cid:
                raise InputError("an event cannot be merged into itself")
            if con.execute(
                f"SELECT 1 FROM event_sources WHERE event_id = {p} AND report_id != {p}",
                (eid, eid),
            ).fetchone():
                raise ConflictError(f"event {event_id} has sources of its own: unmerge it first")
            self._hide_event(con, eid)
            self._attach(con, cid, eid, "merged by hand")

        self._in_write(work)

    def sources(self, event_id: int) -> list[dict]:
        key, p = event_key(event_id), self.PARAM
        rows = self._read(
            "SELECT e.id, d.id, d.title, d.source, d.url, d.published, e.report_fatalities, "
            "e.date, e.sentence, s.why FROM event_sources s JOIN events e ON e.id = s.report_id "
            f"JOIN documents d ON d.pk = s.doc_pk WHERE s.event_id = {p} ORDER BY s.report_id",
            (key,),
        )
        if not rows:  # not merged: the event is its own only report
            rows = self._read(
                "SELECT e.id, d.id, d.title, d.source, d.url, d.published, e.report_fatalities, "
                "e.date, e.sentence, e.why_merged FROM events e JOIN documents d "
                f"ON d.pk = e.doc_pk WHERE e.id = {p}",
                (key,),
            )
            if not rows:
                raise NotFoundError(f"no event with id {event_id}")
        return [dict(zip(_SOURCE_KEYS, r, strict=True)) for r in rows]

"""Re-extraction (``conflictmap ingest --force``) for a store on an SQL engine: what a stored
document brought is taken out, as if it had never been added, written once for both dialects.

Its events leave the map's counts and spatial index; a report of it merged into another
document's event leaves that event's sources (whose toll is worked out again); its event that
other documents' reports were merged into gives them back, each an event of its own again; the
places lose its mentions. A backend's mixin (:mod:`geo.store.sqlite_replace`,
:mod:`geo.store.postgis_replace`) runs :meth:`_take_out` and the new write in one transaction.
The host gives the placeholder ``PARAM``, ``_hide_event``, ``_give_back``, ``_refresh_incident`` and
:meth:`_drop_text` (SQLite's full-text rows kept beside a table).
"""

from __future__ import annotations

from geo.model import ROLES

__all__ = ["SQLReplaceMixin"]

# a document's mentions counted by place, and by role (count() of a CASE: the same in both
# dialects), to take them off the places' counters
_MENTION_COUNTS = (
    "SELECT place_pk, count(*), "
    + ", ".join(f"count(CASE WHEN role = '{r}' THEN 1 END)" for r in ROLES)
    + " FROM mentions WHERE doc_pk = {p} AND place_pk IS NOT NULL GROUP BY place_pk "
    "ORDER BY place_pk"  # places updated in one order: no deadlock between two writers
)


class SQLReplaceMixin:
    """:meth:`_take_out`: everything a stored document brought (see the module's docstring)."""

    PARAM: str

    def _drop_text(self, con, table: str, ids: list[int]) -> None:  # noqa: B027 - optional
        """Before the rows ``ids`` of ``table`` are deleted: their full-text entries kept
        outside the table, if the engine keeps any."""

    def _take_out(self, con, pk: int) -> None:
        """Everything the document ``pk`` brought, and the document itself."""
        p = self.PARAM
        events = con.execute(
            f"SELECT id, merged_into FROM events WHERE doc_pk = {p} ORDER BY id", (pk,)
        ).fetchall()
        for eid, merged_into in events:
            if merged_into is not None:  # a report of another document's event
                con.execute(
                    f"DELETE FROM event_sources WHERE event_id = {p} AND report_id = {p}",
                    (merged_into, eid),
                )
                self._refresh_incident(con, merged_into)
            else:  # the other documents' reports merged into it: events of their own again
                others = self._other_reports(con, eid)
                self._hide_event(con, eid)
                self._give_back(con, eid, others)
                con.execute(f"DELETE FROM event_sources WHERE event_id = {p}", (eid,))
            self._drop_text(con, "events", [eid])
            con.execute(f"DELETE FROM events WHERE id = {p}", (eid,))
        counts = con.execute(_MENTION_COUNTS.format(p=p), (pk,)).fetchall()
        cur = con.cursor()
        try:
            cur.executemany(
                f"UPDATE places SET n_mentions = n_mentions - {p}, n_literal = n_literal - {p}, "
                f"n_metonymic = n_metonymic - {p}, n_country = n_country - {p} WHERE pk = {p}",
                [(*c, place) for place, *c in counts],
            )
        finally:
            cur.close()
        con.execute(f"DELETE FROM mentions WHERE doc_pk = {p}", (pk,))
        sids = [r[0] for r in con.execute(f"SELECT id FROM statements WHERE doc_pk = {p}", (pk,))]
        self._drop_text(con, "statements", sids)
        con.execute(
            "DELETE FROM statement_places WHERE statement_id IN "
            f"(SELECT id FROM statements WHERE doc_pk = {p})",
            (pk,),
        )
        con.execute(f"DELETE FROM statements WHERE doc_pk = {p}", (pk,))
        self._drop_text(con, "documents", [pk])
        con.execute(f"DELETE FROM documents WHERE pk = {p}", (pk,))

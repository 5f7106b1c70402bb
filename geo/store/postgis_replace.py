"""Re-extraction in the PostGIS store (``conflictmap ingest --force``): what the document brought
is taken out, then the new extraction written under the same id, in one transaction; the same
steps as the SQLite store's (:mod:`geo.store.sqlite_replace`). Its host (``PostGISStore``) gives
``_con``, ``_write``, ``_hide_event``, ``_show_events`` and ``_refresh_incident``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.errors import ConflictmapError
from geo.model import ROLES
from geo.store.base import text_hash
from geo.store.sql_common import keep_id

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

    from geo.pipeline import Extracted

__all__ = ["PostGISReplaceMixin"]


class PostGISReplaceMixin:
    """``replace``: a stored document written again."""

    def replace(self, x: Extracted) -> str:
        import psycopg
        from psycopg import errors

        h = text_hash(x.doc.text)
        for _ in range(8):  # a deadlock with another writer: written again
            con = self._con
            try:
                with con.transaction():
                    row = con.execute(
                        "SELECT pk, id FROM documents WHERE hash = %s FOR UPDATE", (h,)
                    ).fetchone()
                    y = x
                    if row is not None:
                        self._take_out(con, row[0])
                        y = keep_id(x, row[1])
                    doc_id = self._write(con, y, h)
                    if doc_id is None:  # added by another writer meanwhile: replace that one
                        raise errors.SerializationFailure("added meanwhile")
                    return doc_id
            except (errors.DeadlockDetected, errors.SerializationFailure):
                continue
            except psycopg.Error as exc:
                raise ConflictmapError(f"cannot store document {x.doc.id}: {exc}") from None
        raise ConflictmapError(f"cannot store document {x.doc.id}: busy", status=503)

    def _take_out(self, con: psycopg.Connection, pk: int) -> None:
        """Everything the document ``pk`` brought, and the document itself."""
        events = con.execute(
            "SELECT id, merged_into FROM events WHERE doc_pk = %s ORDER BY id", (pk,)
        ).fetchall()
        for eid, merged_into in events:
            if merged_into is not None:  # a report of another document's event
                con.execute(
                    "DELETE FROM event_sources WHERE event_id = %s AND report_id = %s",
                    (merged_into, eid),
                )
                self._refresh_incident(con, merged_into)
            else:
                others = [
                    r[0]
                    for r in con.execute(
                        "SELECT report_id FROM event_sources WHERE event_id = %s "
                        "AND report_id != %s ORDER BY report_id",
                        (eid, eid),
                    )
                ]
                con.execute("DELETE FROM event_sources WHERE event_id = %s", (eid,))
                self._hide_event(con, eid)
                con.execute(
                    "UPDATE events SET merged_into = NULL, why_merged = NULL, n_sources = 1, "
                    "fatalities = report_fatalities WHERE id = ANY(%s)",
                    (others,),
                )  # the other documents' reports: events of their own again
                self._show_events(con, others)
            con.execute("DELETE FROM events WHERE id = %s", (eid,))
        counts = con.execute(
            "SELECT place_pk, count(*), "
            + ", ".join(f"count(*) FILTER (WHERE role = '{r}')" for r in ROLES)
            + " FROM mentions WHERE doc_pk = %s AND place_pk IS NOT NULL GROUP BY place_pk "
            "ORDER BY place_pk",
            (pk,),
        ).fetchall()
        with con.cursor() as cur:
            cur.executemany(
                "UPDATE places SET n_mentions = n_mentions - %s, n_literal = n_literal - %s, "
                "n_metonymic = n_metonymic - %s, n_country = n_country - %s WHERE pk = %s",
                [(*c, place) for place, *c in counts],
            )
        con.execute("DELETE FROM mentions WHERE doc_pk = %s", (pk,))
        con.execute(
            "DELETE FROM statement_places WHERE statement_id IN "
            "(SELECT id FROM statements WHERE doc_pk = %s)",
            (pk,),
        )
        con.execute("DELETE FROM statements WHERE doc_pk = %s", (pk,))
        con.execute("DELETE FROM documents WHERE pk = %s", (pk,))

"""Re-extraction in the SQLite store (``conflictmap ingest --force``): a document already stored
is written again from a new extraction, in one transaction.

What the document brought is taken out first, as if it had never been added: its events leave
the map's counts and the R*Tree; a report of it merged into another document's event leaves
that event's sources (whose toll is worked out again); its event that other documents' reports
were merged into gives them back, each an event of its own again; the places lose its mentions.
Then the new extraction is written as :meth:`add` writes one, under the same document id. Its
host (``SQLiteStore``) gives ``_con``, ``_begin_write``, ``_write``, ``_hide_event``,
``_show_event`` and ``_refresh_incident``.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from geo.errors import ConflictmapError
from geo.model import ROLES
from geo.store.base import text_hash
from geo.store.sql_common import keep_id

if TYPE_CHECKING:  # pragma: no cover
    from geo.pipeline import Extracted

__all__ = ["ReplaceMixin"]


class ReplaceMixin:
    """``replace``: a stored document written again (see the module's docstring)."""

    def replace(self, x: Extracted) -> str:
        h = text_hash(x.doc.text)
        con = self._con
        self._begin_write(con)
        try:
            row = con.execute("SELECT pk, id FROM documents WHERE hash = ?", (h,)).fetchone()
            if row is not None:
                self._take_out(con, row[0])
                x = keep_id(x, row[1])
            doc_id = self._write(con, x, h)
            con.execute("COMMIT")
            return doc_id
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise ConflictmapError(f"cannot store document {x.doc.id}: {exc}") from None
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise

    def _take_out(self, con: sqlite3.Connection, pk: int) -> None:
        """Everything the document ``pk`` brought, and the document itself."""
        kinds: dict[tuple, int] = {}
        for eid, merged_into in con.execute(
            "SELECT id, merged_into FROM events WHERE doc_pk = ? ORDER BY id", (pk,)
        ).fetchall():
            if merged_into is not None:  # a report of another document's event
                con.execute(
                    "DELETE FROM event_sources WHERE event_id = ? AND report_id = ?",
                    (merged_into, eid),
                )
                self._refresh_incident(con, merged_into)
            else:
                others = [
                    r[0]
                    for r in con.execute(
                        "SELECT report_id FROM event_sources WHERE event_id = ? "
                        "AND report_id != ? ORDER BY report_id",
                        (eid, eid),
                    )
                ]
                con.execute("DELETE FROM event_sources WHERE event_id = ?", (eid,))
                self._hide_event(con, eid)
                for rid in others:  # the other documents' reports: events of their own again
                    con.execute(
                        "UPDATE events SET merged_into = NULL, why_merged = NULL, n_sources = 1, "
                        "fatalities = report_fatalities WHERE id = ?",
                        (rid,),
                    )
                    self._show_event(con, rid, kinds)
            con.execute("DELETE FROM events_fts WHERE rowid = ?", (eid,))
            con.execute("DELETE FROM events WHERE id = ?", (eid,))
        counts = con.execute(
            "SELECT place_pk, count(*), "
            + ", ".join(f"sum(role = '{r}')" for r in ROLES)
            + " FROM mentions WHERE doc_pk = ? AND place_pk IS NOT NULL GROUP BY place_pk",
            (pk,),
        ).fetchall()
        con.executemany(
            "UPDATE places SET n_mentions = n_mentions - ?, n_literal = n_literal - ?, "
            "n_metonymic = n_metonymic - ?, n_country = n_country - ? WHERE pk = ?",
            [(*c, place) for place, *c in counts],
        )
        con.execute("DELETE FROM mentions WHERE doc_pk = ?", (pk,))
        sids = [r[0] for r in con.execute("SELECT id FROM statements WHERE doc_pk = ?", (pk,))]
        for sid in sids:
            con.execute("DELETE FROM statement_places WHERE statement_id = ?", (sid,))
            con.execute("DELETE FROM statements_fts WHERE rowid = ?", (sid,))
        con.execute("DELETE FROM statements WHERE doc_pk = ?", (pk,))
        con.execute("DELETE FROM documents_fts WHERE rowid = ?", (pk,))
        con.execute("DELETE FROM documents WHERE pk = ?", (pk,))

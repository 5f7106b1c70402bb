"""Re-extraction in the SQLite store (``conflictmap ingest --force``): a document already stored
is written again from a new extraction, in one transaction.

What the document brought is taken out first, as if it had never been added
(:mod:`geo.store.sql_replace`; here, with its rows in the FTS5 tables). Then the new extraction is
written as :meth:`add` writes one, under the same document id. Its host (``SQLiteStore``) gives
``_con``, ``_begin_write`` and ``_write``.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from geo.errors import ConflictmapError
from geo.store.base import text_hash
from geo.store.sql_common import keep_id
from geo.store.sql_replace import SQLReplaceMixin

if TYPE_CHECKING:  # pragma: no cover
    from geo.pipeline import Extracted

__all__ = ["ReplaceMixin"]


class ReplaceMixin(SQLReplaceMixin):
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

    def _drop_text(self, con: sqlite3.Connection, table: str, ids: list[int]) -> None:
        # an external-content FTS5 table reads what to remove from the row: before it goes
        con.executemany(f"DELETE FROM {table}_fts WHERE rowid = ?", [(i,) for i in ids])

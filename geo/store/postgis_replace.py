"""Re-extraction in the PostGIS store (``conflictmap ingest --force``): what the document brought
is taken out (:mod:`geo.store.sql_replace`), then the new extraction written under the same id,
in one transaction, as the SQLite store does (:mod:`geo.store.sqlite_replace`). Its host
(``PostGISStore``) gives ``_con`` and ``_write``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.errors import ConflictmapError
from geo.store.base import text_hash
from geo.store.sql_common import keep_id
from geo.store.sql_replace import SQLReplaceMixin

if TYPE_CHECKING:  # pragma: no cover
    from geo.pipeline import Extracted

__all__ = ["PostGISReplaceMixin"]


class PostGISReplaceMixin(SQLReplaceMixin):
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

"""Reviewers' corrections in the SQLite store: the trail's table (schema 7) and SQLite's dialect
of :mod:`geo.store.sql_review` (a write is ``BEGIN IMMEDIATE``; events and statements are
searched through FTS5 tables kept beside them; the R*Tree is kept by ``_show_event``).

The host (``SQLiteStore``) gives ``_con``, ``_begin_write``, ``_schema_version``, ``_place_pk``,
``_show_event``, ``_hide_event``, ``_refresh_incident``, ``_read``, ``_read_page``, ``_stream``.
"""

from __future__ import annotations

import sqlite3

from geo.store import sql_review

__all__ = ["REVIEW_SCHEMA", "ReviewMixin"]

REVIEW_SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (    -- the reviewers' corrections: the audit trail
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,               -- geo.corrections.correction_key: shared, imported once
    kind TEXT NOT NULL,                     -- geo.corrections.KINDS
    doc_id TEXT NOT NULL,
    target TEXT NOT NULL,                   -- JSON: start, end, text (+ an event's type, subtype)
    target_id INTEGER,                      -- the row corrected when it was made
    before_json TEXT NOT NULL, after_json TEXT NOT NULL,
    reviewer TEXT NOT NULL, note TEXT, created_at TEXT NOT NULL,
    status TEXT NOT NULL,                   -- geo.corrections.STATUSES
    status_detail TEXT, checked_at TEXT
);
CREATE INDEX IF NOT EXISTS corrections_doc ON corrections (doc_id, created_at);
CREATE INDEX IF NOT EXISTS corrections_reviewer ON corrections (reviewer);
CREATE INDEX IF NOT EXISTS corrections_created ON corrections (created_at)"""


class ReviewMixin(sql_review.ReviewMixin):
    """The corrections of an SQLite store (see the module's docstring)."""

    def _migrate_review(self, con: sqlite3.Connection) -> None:
        """Schema 6 to 7: the corrections' trail."""
        for statement in REVIEW_SCHEMA.split(";\n"):
            con.execute(statement)

    def _unindex_event_text(self, con, eid: int) -> None:
        # an external-content FTS5 table reads what to remove from the row: before it changes
        con.execute("DELETE FROM events_fts WHERE rowid = ?", (eid,))

    def _index_event_text(self, con, eid: int) -> None:
        con.execute(
            "INSERT INTO events_fts (rowid, sentence, actors_text) "
            "SELECT id, sentence, actors_text FROM events WHERE id = ?",
            (eid,),
        )

    def _unindex_statement_text(self, con, sid: int) -> None:
        con.execute("DELETE FROM statements_fts WHERE rowid = ?", (sid,))

    def _index_statement_text(self, con, sid: int) -> None:
        con.execute(
            "INSERT INTO statements_fts (rowid, quote, speaker, speaker_role) SELECT id, quote, "
            "coalesce(speaker, ''), coalesce(speaker_role, '') FROM statements WHERE id = ?",
            (sid,),
        )

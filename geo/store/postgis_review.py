"""Reviewers' corrections in the PostGIS store: the trail's table (schema 6 to 7).

The table is the SQLite store's (:mod:`geo.store.sqlite_review`) in PostgreSQL's dialect, so a
PostGIS store opens and migrates at schema 7; applying corrections there is not written yet
(:class:`geo.store.base.Store`'s review methods say so).
"""

from __future__ import annotations

__all__ = ["REVIEW_V7"]

REVIEW_V7 = """
CREATE TABLE IF NOT EXISTS corrections (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    target JSONB NOT NULL,
    target_id BIGINT,
    before_json JSONB NOT NULL, after_json JSONB NOT NULL,
    reviewer TEXT NOT NULL, note TEXT, created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    status_detail TEXT, checked_at TEXT
);
CREATE INDEX IF NOT EXISTS corrections_doc ON corrections (doc_id, created_at);
CREATE INDEX IF NOT EXISTS corrections_reviewer ON corrections (reviewer);
CREATE INDEX IF NOT EXISTS corrections_created ON corrections (created_at);
"""

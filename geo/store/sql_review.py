"""Reviewers' corrections in a store on an SQL engine, written once for SQLite and PostGIS:
applied in one transaction with everything that depends on them, kept in an audit trail, and
applied again to each new extraction of a document.

Every correction is a row of ``corrections`` (its target by document id, offsets and text;
before, after, reviewer, time, note). Each time a document is written (``add``, ``replace``:
``ingest --force``), its corrections are applied again in the order they were made, each in a
savepoint: one whose text no longer matches is marked ``stale`` with the reason, and the others
go on. How each kind changes the rows is :mod:`geo.store.sql_review_apply`'s.

A backend gives its dialect by subclassing :class:`ReviewDialect` (``geo.store.sqlite_review``,
``geo.store.postgis_review``); its host store gives ``_read``, ``_read_page`` and ``_stream``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

from geo.corrections import STATUSES, check_since, correction_key, place_dict
from geo.errors import ConflictError, InputError, NotFoundError
from geo.model import Place
from geo.store.base import CORRECTION_KEYS, check_page
from geo.store.sql_review_apply import ApplyMixin, Stale, why_not_found
from geo.store.sql_reviewed import ReviewedMixin  # places reviewers added, reviewed aliases

__all__ = ["ReviewDialect", "ReviewMixin"]

SUPERSEDED = "superseded by a later correction of the same target"
_FAMILY = {"mention": "mention", "new_mention": "mention", "event": "event",
           "statement": "statement"}  # fmt: skip
_ROW = (
    "SELECT id, key, kind, doc_id, target, target_id, before_json, after_json, reviewer, note, "
    "created_at, status, status_detail, checked_at FROM corrections"
)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _row(r: tuple) -> dict:
    d = dict(zip(CORRECTION_KEYS, r, strict=True))
    for k in ("target", "before", "after"):
        d[k] = json.loads(d[k])
    return d


def _stored(changes: dict) -> dict:
    """Changes as the trail keeps them: a place as its whole object, not a Place."""
    return {
        k: (place_dict(v) if k in ("place", "where") else v)
        for k, v in changes.items()
        if k not in ("start", "end")
    }


class ReviewDialect:
    """What a backend gives the corrections (written once in this module and in
    :mod:`geo.store.sql_review_apply`) for its engine."""

    def _sql(self, sql: str) -> str:
        """``sql``, written with ``?`` placeholders, in the engine's."""
        return sql

    def _x(self, con, sql: str, params: tuple | list = ()):
        """Run ``sql``, written with ``?`` placeholders, on ``con``; its cursor."""
        return con.execute(self._sql(sql), params)

    def _place_pk(self, con, place: Place) -> int:
        """The row of ``place``, added when new."""
        raise NotImplementedError

    def _reindex_event(self, con, eid: int) -> None:  # noqa: B027 - optional
        """After its type or date changed: the columns the engine indexes it by."""

    def _unindex_event_text(self, con, eid: int) -> None:  # noqa: B027 - optional
        """Before an event's text columns change or it is deleted: out of full-text search."""

    def _index_event_text(self, con, eid: int) -> None:  # noqa: B027 - optional
        """After its text columns changed: back into full-text search."""

    def _unindex_statement_text(self, con, sid: int) -> None:  # noqa: B027 - optional
        """Before a statement's speaker changes."""

    def _index_statement_text(self, con, sid: int) -> None:  # noqa: B027 - optional
        """After it changed."""

    def _json_value(self, value: Any) -> Any:
        """A list or dict as a JSON column takes it."""
        return json.dumps(value, ensure_ascii=False)


class ReviewMixin(ReviewedMixin, ApplyMixin, ReviewDialect):
    """Corrections by hand and their trail (see the module's docstring)."""

    # -- the API of the contract ----------------------------------------------------------------
    def correct_mention(self, mention_id, changes, *, reviewer, note=None) -> dict:
        def apply(con):
            row = self._x(
                con,
                'SELECT m.doc_pk, d.id, m.start, m."end", m.text FROM mentions m '
                "JOIN documents d ON d.pk = m.doc_pk WHERE m.id = ?",
                (_id(mention_id, "mention"),),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no mention with id {mention_id}")
            doc_pk, doc_id, start, end, text = row
            target = {"start": start, "end": end, "text": text}
            after = _stored(changes)
            mid, before = self._apply_mention(con, doc_pk, target, after)
            return "mention", doc_id, target, mid, before, after

        return self._record(apply, reviewer, note)

    def add_mention(self, doc_id, changes, *, reviewer, note=None) -> dict:
        def apply(con):
            row = self._x(
                con, "SELECT pk, text FROM documents WHERE id = ?", (str(doc_id),)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no document with id {doc_id!r}")
            doc_pk, text = row
            start, end = changes["start"], changes["end"]
            if end > len(text):
                raise InputError(f"end {end} is past the document's text ({len(text)} characters)")
            surface = text[start:end]
            if surface != surface.strip() or not surface.strip():
                raise InputError(
                    f"the mention {surface!r} starts or ends with a space: check the offsets"
                )
            found = self._x(
                con,
                'SELECT id FROM mentions WHERE doc_pk = ? AND start = ? AND "end" = ?',
                (doc_pk, start, end),
            ).fetchone()
            if found is not None:
                raise ConflictError(
                    f"a mention is already there (id {found[0]}): correct it with "
                    f"PATCH /api/mentions/{found[0]}"
                )
            target = {"start": start, "end": end, "text": surface}
            after = _stored(changes)
            mid, before = self._apply_mention(con, doc_pk, target, after)
            return "new_mention", doc_id, target, mid, before, after

        return self._record(apply, reviewer, note)

    def correct_event(self, event_id, changes, *, reviewer, note=None) -> dict:
        def apply(con):
            row = self._x(
                con,
                'SELECT d.id, e.start, e."end", e.sentence, e.type, e.subtype FROM events e '
                "JOIN documents d ON d.pk = e.doc_pk WHERE e.id = ?",
                (_id(event_id, "event"),),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no event with id {event_id}")
            doc_id, start, end, sentence, type_, subtype = row
            target = {"start": start, "end": end, "text": sentence, "type": type_,
                      "subtype": subtype}  # fmt: skip
            after = _stored(changes)
            before = self._apply_event(con, int(event_id), after)
            return "event", doc_id, target, int(event_id), before, after

        return self._record(apply, reviewer, note)

    def correct_statement(self, statement_id, changes, *, reviewer, note=None) -> dict:
        def apply(con):
            row = self._x(
                con,
                'SELECT d.id, s.start, s."end", s.quote FROM statements s '
                "JOIN documents d ON d.pk = s.doc_pk WHERE s.id = ?",
                (_id(statement_id, "statement"),),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no statement with id {statement_id}")
            doc_id, start, end, quote = row
            target = {"start": start, "end": end, "text": quote}
            after = _stored(changes)
            before = self._apply_statement(con, int(statement_id), after)
            return "statement", doc_id, target, int(statement_id), before, after

        return self._record(apply, reviewer, note)

    def corrections(
        self, *, document=None, reviewer=None, since=None, status=None, limit=100, offset=0
    ) -> tuple[list[dict], int]:
        limit, offset = check_page(limit, offset)
        where, params = [], []
        if document:
            where.append("doc_id = ?")
            params.append(str(document))
        if reviewer:
            where.append("reviewer = ?")
            params.append(str(reviewer))
        if since:
            where.append("created_at >= ?")
            params.append(check_since(since))
        if status:
            if status not in STATUSES:
                raise InputError(f"status must be one of {', '.join(STATUSES)}")
            where.append("status = ?")
            params.append(status)
        w = (" WHERE " + " AND ".join(where)) if where else ""
        total, rows = self._read_page(
            self._sql(f"SELECT count(*) FROM corrections{w}"),
            self._sql(f"{_ROW}{w} ORDER BY created_at, id LIMIT ? OFFSET ?"),
            params,
            (limit, offset),
        )
        return [_row(r) for r in rows], total

    def iter_corrections(self) -> Iterator[dict]:
        return self._stream(f"{_ROW} ORDER BY created_at, id", [], _row)

    def unapplied_corrections(self, doc_id: str) -> list[dict]:
        rows = self._read(
            self._sql(f"{_ROW} WHERE doc_id = ? AND status = 'stale' ORDER BY created_at, id"),
            (doc_id,),
        )
        return [_row(r) for r in rows]

    def import_corrections(self, records: list[dict]) -> dict[str, int]:
        counts = dict.fromkeys(("added", "present", *STATUSES), 0)

        def work(con):
            for rec in sorted(records, key=lambda r: r["created_at"]):
                row = self._x(
                    con,
                    "INSERT INTO corrections (key, kind, doc_id, target, before_json, after_json, "
                    "reviewer, note, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "'pending') ON CONFLICT (key) DO NOTHING RETURNING id",
                    (
                        rec["key"], rec["kind"], rec["document"], _json(rec["target"]),
                        _json(rec["before"]), _json(rec["after"]), rec["reviewer"], rec["note"],
                        rec["created_at"],
                    ),
                ).fetchone()  # fmt: skip
                if row is None:
                    counts["present"] += 1
                    continue
                counts["added"] += 1
                doc = self._x(
                    con, "SELECT pk FROM documents WHERE id = ?", (rec["document"],)
                ).fetchone()
                if doc is None:
                    counts["pending"] += 1
                    continue
                if self._superseded(con, rec):  # a later one of this store wins, as it will
                    self._x(  # when the document is extracted again (in the order made)
                        con,
                        "UPDATE corrections SET status = 'applied', status_detail = ?, "
                        "checked_at = ? WHERE id = ?",
                        (SUPERSEDED, _now(), row[0]),
                    )
                    counts["applied"] += 1
                    continue
                status = self._reapply(con, doc[0], row[0], rec["kind"], rec["target"],
                                       rec["after"])  # fmt: skip
                counts[status] += 1

        self._in_write(work)
        return counts

    def _superseded(self, con, rec: dict) -> bool:
        """Whether corrections made later to the same target (same kind of target, same
        offsets) set again every field ``rec`` sets, or deleted the event."""
        family = _FAMILY[rec["kind"]]
        start, end = rec["target"]["start"], rec["target"]["end"]
        later: set[str] = set()
        for kind, target, after in self._x(
            con,
            "SELECT kind, target, after_json FROM corrections WHERE doc_id = ? AND created_at > ?",
            (rec["document"], rec["created_at"]),
        ).fetchall():
            t = json.loads(target)
            if _FAMILY[kind] == family and (t["start"], t["end"]) == (start, end):
                later |= set(json.loads(after))
        return "deleted" in later or set(rec["after"]) - {"start", "end"} <= later

    # -- the trail --------------------------------------------------------------------------------
    def _record(self, apply: Callable, reviewer: str, note: str | None) -> dict:
        """Run ``apply(con)`` and write its correction to the trail, in one transaction."""

        def work(con):
            kind, doc_id, target, target_id, before, after = apply(con)
            now = _now()
            (cid,) = self._x(
                con,
                "INSERT INTO corrections (key, kind, doc_id, target, target_id, before_json, "
                "after_json, reviewer, note, created_at, status, checked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'applied', ?) RETURNING id",
                (
                    correction_key(kind, doc_id, target, after, reviewer, now), kind, doc_id,
                    _json(target), target_id, _json(before), _json(after), reviewer, note, now,
                    now,
                ),
            ).fetchone()  # fmt: skip
            return cid

        cid = self._in_write(work)
        return _row(self._read(self._sql(f"{_ROW} WHERE id = ?"), (cid,))[0])

    def _apply_stored_corrections(self, con, doc_pk: int, doc_id: str) -> None:
        """Apply again, in the order they were made, the corrections of the document just
        written (inside its transaction): the hook of the backends' ``_write``."""
        rows = self._x(
            con,
            "SELECT id, kind, target, after_json FROM corrections WHERE doc_id = ? "
            "ORDER BY created_at, id",
            (doc_id,),
        ).fetchall()
        for cid, kind, target, after in rows:
            self._reapply(con, doc_pk, cid, kind, json.loads(target), json.loads(after))

    def _reapply(self, con, doc_pk: int, cid: int, kind: str, target: dict, after: dict) -> str:
        """Apply one stored correction in a savepoint; its status in the trail: ``applied``,
        or ``stale`` with the reason (nothing of it is then kept)."""
        self._x(con, "SAVEPOINT correction")
        try:
            target_id = self._apply_kind(con, doc_pk, kind, target, after)
            status, detail = "applied", None
            self._x(con, "RELEASE SAVEPOINT correction")
        except InputError as exc:  # Stale, or a place kept in the trail that is malformed
            self._x(con, "ROLLBACK TO correction")
            self._x(con, "RELEASE SAVEPOINT correction")
            status, detail, target_id = "stale", exc.message, None
        self._x(
            con,
            "UPDATE corrections SET status = ?, status_detail = ?, checked_at = ?, "
            "target_id = coalesce(?, target_id) WHERE id = ?",
            (status, detail, _now(), target_id, cid),
        )
        return status

    def _apply_kind(self, con, doc_pk: int, kind: str, target: dict, after: dict) -> int:
        """Apply a correction found by its target's offsets and text; the id of the row."""
        if kind in ("mention", "new_mention"):
            return self._apply_mention(con, doc_pk, target, after)[0]
        if kind == "event":
            eid = self._find_event(con, doc_pk, target)
            self._apply_event(con, eid, after)
            return eid
        row = self._x(
            con,
            'SELECT id FROM statements WHERE doc_pk = ? AND start = ? AND "end" = ? AND quote = ? '
            "ORDER BY id",
            (doc_pk, target["start"], target["end"], target["text"]),
        ).fetchone()
        if row is None:
            raise Stale(why_not_found(self._x, con, doc_pk, target, "statement"))
        self._apply_statement(con, row[0], after)
        return row[0]

    def _find_event(self, con, doc_pk: int, target: dict) -> int:
        """The event a correction was made to: same sentence (offsets and text), then the same
        type and sub-type, the same type, or the only event of that sentence."""
        rows = self._x(
            con,
            'SELECT id, type, subtype FROM events WHERE doc_pk = ? AND start = ? AND "end" = ? '
            "AND sentence = ? ORDER BY id",
            (doc_pk, target["start"], target["end"], target["text"]),
        ).fetchall()
        t, st = (target.get("type") or "").casefold(), (target.get("subtype") or "").casefold()
        for test in (
            lambda r: (r[1].casefold(), (r[2] or "").casefold()) == (t, st),
            lambda r: r[1].casefold() == t,
            lambda r: len(rows) == 1,
        ):
            for r in rows:
                if test(r):
                    return r[0]
        if rows:
            raise Stale(f"no {target.get('type')} event is extracted from that sentence any more")
        raise Stale(why_not_found(self._x, con, doc_pk, target, "event"))


# -- helpers ------------------------------------------------------------------------------------
def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _id(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundError(f"no {what} with id {str(value)[:40]!r}") from None

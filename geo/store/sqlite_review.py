"""Reviewers' corrections in the SQLite store: applied in one transaction with everything that
depends on them, kept in an audit trail, applied again to each new extraction of a document.

A mention re-pointed to another place takes along the events of its document it placed; the
places' mention counts, the names a place was written as, the events by place and type, the
R*Tree and the full-text indexes follow in the same transaction, so the map, the exports, the
snapshots and the OGC layers show the correction at once. Every correction is a row of
``corrections`` (its target by document id, offsets and text; before, after, reviewer, time,
note). Each time a document is written (``add``, ``replace``: ``ingest --force``), its
corrections are applied again in the order they were made, each in a savepoint: one whose text
no longer matches is marked ``stale`` with the reason, and the others go on.

The host (``SQLiteStore``) gives ``_con``, ``_read``, ``_read_page``, ``_begin_write``,
``_place_pk``, ``_show_event``, ``_hide_event``, ``_refresh_incident``, ``_stream``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

from gazetteer.normalize import fold
from geo import actors as actor_registry
from geo.corrections import STATUSES, correction_key, date_precision, place_dict, place_of_dict
from geo.errors import InputError, NotFoundError
from geo.model import ROLES
from geo.store.base import (
    CORRECTION_KEYS,
    GEO_PRECISION_CODES,
    TIME_PRECISION_CODES,
    check_day,
    check_page,
    date_bounds,
    json_list,
)

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

_ROW = (
    "SELECT id, key, kind, doc_id, target, target_id, before_json, after_json, reviewer, note, "
    "created_at, status, status_detail, checked_at FROM corrections"
)
_PLACE_COLS = "id, name, name_fr, name_en, feature, lat, lon, country_code, admin1, admin1_name"
_ADDED_REASON = "added by a reviewer"
_CORRECTED_REASON = "corrected by a reviewer"


class Stale(InputError):
    """A correction whose target is no longer in the document as it was (its text changed)."""


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


class ReviewMixin:
    """Corrections by hand and their trail (see the module's docstring)."""

    # -- schema ---------------------------------------------------------------------------------
    def _migrate_review(self, con: sqlite3.Connection) -> int | None:
        """Schema 6 to 7: the corrections' trail."""
        con.execute("BEGIN IMMEDIATE")
        try:
            if self._schema_version(con) == 6:  # not migrated by another process meanwhile
                for statement in REVIEW_SCHEMA.split(";\n"):
                    con.execute(statement)
                con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return self._schema_version(con)

    # -- the API of the contract ----------------------------------------------------------------
    def correct_mention(self, mention_id, changes, *, reviewer, note=None) -> dict:
        def apply(con):
            row = con.execute(
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
            row = con.execute(
                "SELECT pk, text FROM documents WHERE id = ?", (str(doc_id),)
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
            found = con.execute(
                'SELECT id FROM mentions WHERE doc_pk = ? AND start = ? AND "end" = ?',
                (doc_pk, start, end),
            ).fetchone()
            if found is not None:
                raise InputError(
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
            row = con.execute(
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
            row = con.execute(
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
            f"SELECT count(*) FROM corrections{w}",
            f"{_ROW}{w} ORDER BY created_at, id LIMIT ? OFFSET ?",
            params,
            (limit, offset),
        )
        return [_row(r) for r in rows], total

    def iter_corrections(self) -> Iterator[dict]:
        return self._stream(f"{_ROW} ORDER BY created_at, id", [], _row)

    def unapplied_corrections(self, doc_id: str) -> list[dict]:
        rows = self._read(
            f"{_ROW} WHERE doc_id = ? AND status = 'stale' ORDER BY created_at, id", (doc_id,)
        )
        return [_row(r) for r in rows]

    def import_corrections(self, records: list[dict]) -> dict[str, int]:
        counts = dict.fromkeys(("added", "present", *STATUSES), 0)
        con = self._con
        self._begin_write(con)
        try:
            for rec in sorted(records, key=lambda r: r["created_at"]):
                cur = con.execute(
                    "INSERT OR IGNORE INTO corrections (key, kind, doc_id, target, before_json, "
                    "after_json, reviewer, note, created_at, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                    (
                        rec["key"], rec["kind"], rec["document"], _json(rec["target"]),
                        _json(rec["before"]), _json(rec["after"]), rec["reviewer"], rec["note"],
                        rec["created_at"],
                    ),
                )  # fmt: skip
                if not cur.rowcount:
                    counts["present"] += 1
                    continue
                counts["added"] += 1
                doc = con.execute(
                    "SELECT pk FROM documents WHERE id = ?", (rec["document"],)
                ).fetchone()
                if doc is not None:
                    status = self._reapply(
                        con, doc[0], cur.lastrowid, rec["kind"], rec["target"], rec["after"]
                    )
                    counts[status] += 1
                else:
                    counts["pending"] += 1
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        return counts

    # -- the trail --------------------------------------------------------------------------------
    def _record(self, apply: Callable, reviewer: str, note: str | None) -> dict:
        """Run ``apply(con)`` and write its correction to the trail, in one transaction."""
        con = self._con
        self._begin_write(con)
        try:
            kind, doc_id, target, target_id, before, after = apply(con)
            now = _now()
            cur = con.execute(
                "INSERT INTO corrections (key, kind, doc_id, target, target_id, before_json, "
                "after_json, reviewer, note, created_at, status, checked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'applied', ?)",
                (
                    correction_key(kind, doc_id, target, after, reviewer, now), kind, doc_id,
                    _json(target), target_id, _json(before), _json(after), reviewer, note, now,
                    now,
                ),
            )  # fmt: skip
            cid = cur.lastrowid
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        return _row(self._read(f"{_ROW} WHERE id = ?", (cid,))[0])

    def _apply_stored_corrections(self, con: sqlite3.Connection, doc_pk: int, doc_id: str):
        """Apply again, in the order they were made, the corrections of the document just
        written (inside its transaction): the hook of ``SQLiteStore._write``."""
        rows = con.execute(
            "SELECT id, kind, target, after_json FROM corrections WHERE doc_id = ? "
            "ORDER BY created_at, id",
            (doc_id,),
        ).fetchall()
        for cid, kind, target, after in rows:
            self._reapply(con, doc_pk, cid, kind, json.loads(target), json.loads(after))

    def _reapply(self, con, doc_pk: int, cid: int, kind: str, target: dict, after: dict) -> str:
        """Apply one stored correction in a savepoint; its status in the trail: ``applied``,
        or ``stale`` with the reason (nothing of it is then kept)."""
        con.execute("SAVEPOINT correction")
        try:
            target_id = self._apply_kind(con, doc_pk, kind, target, after)
            status, detail = "applied", None
            con.execute("RELEASE correction")
        except InputError as exc:  # Stale, or a place kept in the trail that is malformed
            con.execute("ROLLBACK TO correction")
            con.execute("RELEASE correction")
            status, detail, target_id = "stale", exc.message, None
        con.execute(
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
        row = con.execute(
            'SELECT id FROM statements WHERE doc_pk = ? AND start = ? AND "end" = ? AND quote = ? '
            "ORDER BY id",
            (doc_pk, target["start"], target["end"], target["text"]),
        ).fetchone()
        if row is None:
            raise Stale(_moved(con, doc_pk, target, "statement"))
        self._apply_statement(con, row[0], after)
        return row[0]

    @staticmethod
    def _find_event(con, doc_pk: int, target: dict) -> int:
        """The event a correction was made to: same sentence (offsets and text), then the same
        type and sub-type, the same type, or the only event of that sentence."""
        rows = con.execute(
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
        raise Stale(_moved(con, doc_pk, target, "event"))

    # -- mentions -------------------------------------------------------------------------------
    def _place_object(self, con, pk: int | None) -> dict | None:
        if pk is None:
            return None
        row = con.execute(f"SELECT {_PLACE_COLS} FROM places WHERE pk = ?", (pk,)).fetchone()
        return dict(zip(_PLACE_COLS.split(", "), row, strict=True))

    def _apply_mention(
        self, con, doc_pk: int, target: dict, after: dict
    ) -> tuple[int | None, dict]:
        """Set the mention at ``target``'s offsets (added when the pipeline did not find it,
        if the text is still there) to ``after``; its id and what it was."""
        start, end, text = target["start"], target["end"], target["text"]
        row = con.execute(
            "SELECT id, place_pk, role, text FROM mentions WHERE doc_pk = ? AND start = ? "
            'AND "end" = ? ORDER BY id',
            (doc_pk, start, end),
        ).fetchone()
        if row is None or row[3] != text:
            (written,) = con.execute(
                "SELECT substr(text, ?, ?) FROM documents WHERE pk = ?",
                (start + 1, end - start, doc_pk),
            ).fetchone()
            if written != text:
                raise Stale(_moved(con, doc_pk, target, "mention"))
        if row is None and "place" in after and after["place"] is None:
            return None, {"place": None, "role": None}  # not a place: the pipeline agrees now
        if row is None:
            cur = con.execute(
                'INSERT INTO mentions (doc_pk, start, "end", text, role, score, reason, place_pk) '
                "VALUES (?, ?, ?, ?, ?, 1.0, ?, NULL)",
                (doc_pk, start, end, text, after.get("role") or "literal", _ADDED_REASON),
            )
            con.execute("UPDATE documents SET n_mentions = n_mentions + 1 WHERE pk = ?", (doc_pk,))
            mid, old_pk, old_role = cur.lastrowid, None, after.get("role") or "literal"
        else:
            mid, old_pk, old_role = row[0], row[1], row[2]
        before = {"place": self._place_object(con, old_pk), "role": old_role}
        new_pk = old_pk
        if "place" in after:
            place = place_of_dict(after["place"])
            new_pk = None if place is None else self._place_pk(con, place)
        new_role = after.get("role") or old_role
        moved = self._events_placed_by(con, doc_pk, mid, old_pk) if new_pk != old_pk else []
        self._count_mention(con, old_pk, old_role, text, -1)
        con.execute(
            "UPDATE mentions SET place_pk = ?, role = ?, reason = CASE WHEN reason = ? THEN "
            "reason ELSE ? END WHERE id = ?",
            (new_pk, new_role, _ADDED_REASON, _CORRECTED_REASON, mid),
        )
        self._count_mention(con, new_pk, new_role, text, +1)
        for eid in moved:
            self._move_event(con, eid, new_pk)
        return mid, before

    @staticmethod
    def _count_mention(con, pk: int | None, role: str, text: str, sign: int) -> None:
        """A mention counted on its place (+1) or taken off it (-1), with the name it was
        written as (kept while another mention writes the place so)."""
        if pk is None:
            return
        cols = ["n_mentions = n_mentions + ?"]
        if role in ROLES:
            cols.append(f"n_{role} = n_{role} + ?")
        con.execute(f"UPDATE places SET {', '.join(cols)} WHERE pk = ?", (*[sign] * len(cols), pk))
        key = fold(text)
        if not key:
            return
        if sign > 0:
            con.execute(
                "INSERT OR IGNORE INTO place_names (name_fold, place_pk, name) VALUES (?, ?, ?)",
                (key, pk, text),
            )
            return
        others = con.execute(
            "SELECT text FROM mentions WHERE place_pk = ? AND text = ? LIMIT 2", (pk, text)
        ).fetchall()
        if len(others) <= 1 and not any(
            fold(t) == key
            for (t,) in con.execute(
                "SELECT DISTINCT text FROM mentions WHERE place_pk = ? AND text != ?", (pk, text)
            )
        ):
            con.execute("DELETE FROM place_names WHERE name_fold = ? AND place_pk = ?", (key, pk))

    @staticmethod
    def _events_placed_by(con, doc_pk: int, mid: int, place_pk: int | None) -> list[int]:
        """The events of the document that the mention ``mid`` placed: those at its place
        whose sentence holds it, and those at its place whose sentence holds no mention of the
        place when ``mid`` is the closest one before them (after them, when none is before)."""
        if place_pk is None:
            return []
        mentions = con.execute(
            "SELECT id, start FROM mentions WHERE doc_pk = ? AND place_pk = ? ORDER BY start, id",
            (doc_pk, place_pk),
        ).fetchall()
        out = []
        for eid, es, ee in con.execute(
            'SELECT id, start, "end" FROM events WHERE doc_pk = ? AND place_pk = ? ORDER BY id',
            (doc_pk, place_pk),
        ).fetchall():
            inside = [m for m, s in mentions if es <= s < ee]
            if inside:
                if mid in inside:
                    out.append(eid)
                continue
            before = [m for m, s in mentions if s < es]
            after = [m for m, s in mentions if s >= ee]
            nearest = before[-1] if before else (after[0] if after else None)
            if nearest == mid:
                out.append(eid)
        return out

    # -- events ---------------------------------------------------------------------------------
    def _detach(self, con, eid: int) -> None:
        """Take an event out of the incident it was merged with: a report merged into another
        event is an event of its own again; an event others were merged into gives them back."""
        (merged_into,) = con.execute(
            "SELECT merged_into FROM events WHERE id = ?", (eid,)
        ).fetchone()
        kinds: dict = {}
        reset = (
            "UPDATE events SET merged_into = NULL, why_merged = NULL, n_sources = 1, "
            "fatalities = report_fatalities WHERE id = ?"
        )
        if merged_into is not None:
            con.execute(
                "DELETE FROM event_sources WHERE event_id = ? AND report_id = ?", (merged_into, eid)
            )
            con.execute(reset, (eid,))
            self._refresh_incident(con, merged_into)
            self._show_event(con, eid, kinds)
            return
        others = [
            r[0]
            for r in con.execute(
                "SELECT report_id FROM event_sources WHERE event_id = ? AND report_id != ?",
                (eid, eid),
            )
        ]
        if others:
            con.execute("DELETE FROM event_sources WHERE event_id = ?", (eid,))
            for rid in others:
                con.execute(reset, (rid,))
                self._show_event(con, rid, kinds)
            self._refresh_incident(con, eid)

    def _place_sets(self, con, pk: int | None, labels: list[str], a1, a2) -> dict[str, Any]:
        """The columns an event's place sets: precision and ACLED's codes."""
        if pk is None:
            return {"place_pk": None, "precision": None, "geo_precision": None}
        feature, cc = con.execute(
            "SELECT feature, country_code FROM places WHERE pk = ?", (pk,)
        ).fetchone()
        precision = feature if feature in GEO_PRECISION_CODES else "city"
        interaction = actor_registry.acled_fields(labels, a1, a2, None, cc)[2]
        return {
            "place_pk": pk, "precision": precision,
            "geo_precision": GEO_PRECISION_CODES[precision], "interaction": interaction,
        }  # fmt: skip

    def _move_event(self, con, eid: int, pk: int | None) -> None:
        """The event placed at another place (or none), out of any merge, counted there."""
        self._detach(con, eid)
        self._hide_event(con, eid)
        labels, a1, a2 = con.execute(
            "SELECT actors, actor1, actor2 FROM events WHERE id = ?", (eid,)
        ).fetchone()
        _update(con, eid, self._place_sets(con, pk, json_list(labels), a1, a2))
        self._show_event(con, eid, {})

    def _apply_event(self, con, eid: int, after: dict) -> dict:
        """Set an event's fields to ``after`` (or delete it); what they were."""
        row = con.execute(
            "SELECT e.type, e.subtype, e.date, e.report_fatalities, e.place_pk, e.actors, "
            "e.actor1, e.actor2, e.merged_into, d.date_min, d.date_max, d.pk FROM events e "
            "JOIN documents d ON d.pk = e.doc_pk WHERE e.id = ?",
            (eid,),
        ).fetchone()
        type_, subtype, day, toll, pk, actors, a1, a2, merged_into, dmin, dmax, doc_pk = row
        now = {
            "type": type_, "subtype": subtype, "date": day, "fatalities": toll,
            "place": self._place_object(con, pk), "actors": json_list(actors),
        }  # fmt: skip
        if after.get("deleted"):
            self._detach(con, eid)
            self._hide_event(con, eid)
            con.execute("DELETE FROM events_fts WHERE rowid = ?", (eid,))
            con.execute("DELETE FROM events WHERE id = ?", (eid,))
            con.execute("UPDATE documents SET n_events = n_events - 1 WHERE pk = ?", (doc_pk,))
            return now
        before = {k: now[k] for k in after}
        structural = bool({"type", "subtype", "date", "place"} & set(after))
        if structural:
            self._detach(con, eid)
            self._hide_event(con, eid)
        sets: dict[str, Any] = {}
        if "type" in after or "subtype" in after:
            sets["type"] = after.get("type", type_)
            keep = "subtype" not in after and sets["type"].casefold() == type_.casefold()
            sets["subtype"] = subtype if keep else after.get("subtype")
        if "date" in after:
            value = after["date"]
            emin, emax = date_bounds(value)
            precision = date_precision(value)
            sets.update(
                date=value, date_precision=precision, date_phrase=None,
                date_min=emin or dmin, date_max=emax or dmax,
                time_precision=TIME_PRECISION_CODES.get(precision) if emin else None,
            )  # fmt: skip
        if "fatalities" in after:
            sets["report_fatalities"] = sets["fatalities"] = after["fatalities"]
        labels = after.get("actors", json_list(actors))
        cc = (now["place"] or {}).get("country_code")
        if "place" in after:
            place = place_of_dict(after["place"])
            new_pk = None if place is None else self._place_pk(con, place)
            sets.update(self._place_sets(con, new_pk, labels, a1, a2))
            sets["location"] = place.name if place else None
            cc = place.country_code if place else None
        if "actors" in after:
            a1, a2, inter = actor_registry.acled_fields(labels, None, None, None, cc)
            sets.update(
                actors=_json(labels), actors_text=" ; ".join(labels), actor1=a1, actor2=a2,
                actors_fold="|" + "|".join(fold(a) for a in [*labels, a1, a2] if a) + "|",
                interaction=inter,
            )  # fmt: skip
            con.execute("DELETE FROM events_fts WHERE rowid = ?", (eid,))
        _update(con, eid, sets)
        if "actors" in after:
            con.execute(
                "INSERT INTO events_fts (rowid, sentence, actors_text) "
                "SELECT id, sentence, actors_text FROM events WHERE id = ?",
                (eid,),
            )
        if structural:
            self._show_event(con, eid, {})
        elif "fatalities" in after:  # the incident's toll: the best-supported of its reports
            self._refresh_incident(con, merged_into or eid)
        return before

    # -- statements -----------------------------------------------------------------------------
    def _apply_statement(self, con, sid: int, after: dict) -> dict:
        speaker, where_pk = con.execute(
            "SELECT speaker, where_pk FROM statements WHERE id = ?", (sid,)
        ).fetchone()
        before = {}
        if "speaker" in after:
            before["speaker"] = speaker
            con.execute("DELETE FROM statements_fts WHERE rowid = ?", (sid,))
            con.execute("UPDATE statements SET speaker = ? WHERE id = ?", (after["speaker"], sid))
            con.execute(
                "INSERT INTO statements_fts (rowid, quote, speaker, speaker_role) SELECT id, "
                "quote, coalesce(speaker, ''), coalesce(speaker_role, '') FROM statements "
                "WHERE id = ?",
                (sid,),
            )
        if "where" in after:
            before["where"] = self._place_object(con, where_pk)
            place = place_of_dict(after["where"], "where")
            pk = None if place is None else self._place_pk(con, place)
            con.execute("UPDATE statements SET where_pk = ? WHERE id = ?", (pk, sid))
        return before


# -- helpers ------------------------------------------------------------------------------------
def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _id(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundError(f"no {what} with id {str(value)[:40]!r}") from None


def _update(con, eid: int, sets: dict[str, Any]) -> None:
    if sets:
        cols = ", ".join(f'"{k}" = ?' for k in sets)
        con.execute(f"UPDATE events SET {cols} WHERE id = ?", (*sets.values(), eid))


def _moved(con, doc_pk: int, target: dict, what: str) -> str:
    """Why a correction's target is not found: the text at its offsets now."""
    (written,) = con.execute(
        "SELECT substr(text, ?, ?) FROM documents WHERE pk = ?",
        (target["start"] + 1, target["end"] - target["start"], doc_pk),
    ).fetchone()
    if written != target["text"]:
        shown = target["text"][:60]
        return (
            f"the {what} {shown!r} at {target['start']}..{target['end']} is no longer in the "
            f"text (it now reads {written[:60]!r})"
        )
    return f"the pipeline no longer extracts that {what}"


def check_since(value: Any) -> str:
    """``since`` as a day or an ISO date-time (compared with the trail's UTC times)."""
    text = str(value).strip()
    if len(text) == 10:
        return check_day(text, "since")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"since must be a date or an ISO date-time, not {text[:40]!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")

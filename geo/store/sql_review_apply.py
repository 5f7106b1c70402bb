"""How a reviewer's correction changes a store's rows, and everything that depends on them,
inside the caller's transaction; written once for the SQLite and the PostGIS stores
(:mod:`geo.store.sql_review` opens the transaction and keeps the trail).

A mention re-pointed takes along the events of its document it placed; the places' mention
counts and the names they were written as follow. An event's place, type or date corrected
takes it out of the incident it was merged with (each report an event of its own again) and
moves it in the map's counts and the spatial index; its toll corrected works the incident's
toll out again; its actors corrected give new ACLED codes and full-text entries.

A backend's mixin gives its dialect (:class:`geo.store.sql_review.ReviewDialect`): ``_x`` (a
statement written with ``?`` placeholders, run), ``_place_pk``, ``_show_events``,
``_reindex_event``, the full-text hooks and ``_json_value``; its host store gives
``_hide_event``, ``_refresh_incident`` and ``_give_back`` (:mod:`geo.store.sql_incidents`).
"""

from __future__ import annotations

from typing import Any

from gazetteer.normalize import fold
from geo import actors as actor_registry
from geo.corrections import date_precision, place_of_dict
from geo.dates import date_bounds
from geo.errors import InputError
from geo.model import ROLES
from geo.store.base import GEO_PRECISION_CODES, TIME_PRECISION_CODES, json_list

__all__ = ["ADDED_REASON", "ApplyMixin", "Stale", "why_not_found"]

_PLACE_COLS = "id, name, name_fr, name_en, feature, lat, lon, country_code, admin1, admin1_name"
ADDED_REASON = "added by a reviewer"
_CORRECTED_REASON = "corrected by a reviewer"


class Stale(InputError):
    """A correction whose target is no longer in the document as it was (its text changed)."""


class ApplyMixin:
    """A correction applied to the rows (see the module's docstring)."""

    # -- mentions -------------------------------------------------------------------------------
    def _place_object(self, con, pk: int | None) -> dict | None:
        if pk is None:
            return None
        row = self._x(con, f"SELECT {_PLACE_COLS} FROM places WHERE pk = ?", (pk,)).fetchone()
        return dict(zip(_PLACE_COLS.split(", "), row, strict=True))

    def _apply_mention(
        self, con, doc_pk: int, target: dict, after: dict
    ) -> tuple[int | None, dict]:
        """Set the mention at ``target``'s offsets (added when the pipeline did not find it,
        if the text is still there) to ``after``; its id and what it was."""
        start, end, text = target["start"], target["end"], target["text"]
        row = self._x(
            con,
            "SELECT id, place_pk, role, text FROM mentions WHERE doc_pk = ? AND start = ? "
            'AND "end" = ? ORDER BY id',
            (doc_pk, start, end),
        ).fetchone()
        if row is None or row[3] != text:
            (written,) = self._x(
                con,
                "SELECT substr(text, ?, ?) FROM documents WHERE pk = ?",
                (start + 1, end - start, doc_pk),
            ).fetchone()
            if written != text:
                raise Stale(why_not_found(self._x, con, doc_pk, target, "mention"))
        if row is None and "place" in after and after["place"] is None:
            return None, {"place": None, "role": None}  # not a place: the pipeline agrees now
        if row is None:
            (new_id,) = self._x(
                con,
                'INSERT INTO mentions (doc_pk, start, "end", text, role, score, reason, place_pk) '
                "VALUES (?, ?, ?, ?, ?, 1.0, ?, NULL) RETURNING id",
                (doc_pk, start, end, text, after.get("role") or "literal", ADDED_REASON),
            ).fetchone()
            self._x(con, "UPDATE documents SET n_mentions = n_mentions + 1 WHERE pk = ?", (doc_pk,))
            mid, old_pk, old_role = new_id, None, after.get("role") or "literal"
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
        self._x(
            con,
            "UPDATE mentions SET place_pk = ?, role = ?, reason = CASE WHEN reason = ? THEN "
            "reason ELSE ? END WHERE id = ?",
            (new_pk, new_role, ADDED_REASON, _CORRECTED_REASON, mid),
        )
        self._count_mention(con, new_pk, new_role, text, +1)
        for eid in moved:
            self._move_event(con, eid, new_pk)
        return mid, before

    def _count_mention(self, con, pk: int | None, role: str, text: str, sign: int) -> None:
        """A mention counted on its place (+1) or taken off it (-1), with the name it was
        written as (kept while another mention writes the place so)."""
        if pk is None:
            return
        cols = ["n_mentions = n_mentions + ?"]
        if role in ROLES:
            cols.append(f"n_{role} = n_{role} + ?")
        self._x(con, f"UPDATE places SET {', '.join(cols)} WHERE pk = ?", (*[sign] * len(cols), pk))
        key = fold(text)
        if not key:
            return
        if sign > 0:
            self._x(
                con,
                "INSERT INTO place_names (name_fold, place_pk, name) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (key, pk, text),
            )
            return
        others = self._x(
            con, "SELECT text FROM mentions WHERE place_pk = ? AND text = ? LIMIT 2", (pk, text)
        ).fetchall()
        if len(others) <= 1 and not any(
            fold(t) == key
            for (t,) in self._x(
                con,
                "SELECT DISTINCT text FROM mentions WHERE place_pk = ? AND text != ?",
                (pk, text),
            )
        ):
            self._x(con, "DELETE FROM place_names WHERE name_fold = ? AND place_pk = ?", (key, pk))

    def _events_placed_by(self, con, doc_pk: int, mid: int, place_pk: int | None) -> list[int]:
        """The events of the document that the mention ``mid`` placed: those at its place
        whose sentence holds it, and those at its place whose sentence holds no mention of the
        place when ``mid`` is the closest one before them (after them, when none is before)."""
        if place_pk is None:
            return []
        mentions = self._x(
            con,
            "SELECT id, start FROM mentions WHERE doc_pk = ? AND place_pk = ? ORDER BY start, id",
            (doc_pk, place_pk),
        ).fetchall()
        out = []
        for eid, es, ee in self._x(
            con,
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
        (merged_into,) = self._x(
            con, "SELECT merged_into FROM events WHERE id = ?", (eid,)
        ).fetchone()
        reset = (
            "UPDATE events SET merged_into = NULL, why_merged = NULL, n_sources = 1, "
            "fatalities = report_fatalities WHERE id = ?"
        )
        if merged_into is not None:
            self._x(
                con,
                "DELETE FROM event_sources WHERE event_id = ? AND report_id = ?",
                (merged_into, eid),
            )
            self._x(con, reset, (eid,))
            self._refresh_incident(con, merged_into)
            self._show_events(con, [eid])
            return
        others = [
            r[0]
            for r in self._x(
                con,
                "SELECT report_id FROM event_sources WHERE event_id = ? AND report_id != ?",
                (eid, eid),
            )
        ]
        if others:
            self._give_back(con, eid, others)
            self._refresh_incident(con, eid)

    def _place_sets(self, con, pk: int | None, labels: list[str], a1, a2) -> dict[str, Any]:
        """The columns an event's place sets: precision and ACLED's codes."""
        if pk is None:
            return {"place_pk": None, "precision": None, "geo_precision": None}
        feature, cc = self._x(
            con, "SELECT feature, country_code FROM places WHERE pk = ?", (pk,)
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
        labels, a1, a2 = self._x(
            con, "SELECT actors, actor1, actor2 FROM events WHERE id = ?", (eid,)
        ).fetchone()
        self._x(con, *_update(eid, self._place_sets(con, pk, _labels(labels), a1, a2)))
        self._show_events(con, [eid])

    def _apply_event(self, con, eid: int, after: dict) -> dict:
        """Set an event's fields to ``after`` (or delete it); what they were."""
        row = self._x(
            con,
            "SELECT e.type, e.subtype, e.date, e.report_fatalities, e.place_pk, e.actors, "
            "e.actor1, e.actor2, e.merged_into, d.date_min, d.date_max, d.pk FROM events e "
            "JOIN documents d ON d.pk = e.doc_pk WHERE e.id = ?",
            (eid,),
        ).fetchone()
        type_, subtype, day, toll, pk, actors, a1, a2, merged_into, dmin, dmax, doc_pk = row
        now = {
            "type": type_, "subtype": subtype, "date": day, "fatalities": toll,
            "place": self._place_object(con, pk), "actors": _labels(actors),
        }  # fmt: skip
        if after.get("deleted"):
            self._detach(con, eid)
            self._hide_event(con, eid)
            self._unindex_event_text(con, eid)
            self._x(con, "DELETE FROM events WHERE id = ?", (eid,))
            self._x(con, "UPDATE documents SET n_events = n_events - 1 WHERE pk = ?", (doc_pk,))
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
        labels = after.get("actors", _labels(actors))
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
                actors=self._json_value(labels), actors_text=" ; ".join(labels), actor1=a1, actor2=a2,
                actors_fold="|" + "|".join(fold(a) for a in [*labels, a1, a2] if a) + "|",
                interaction=inter,
            )  # fmt: skip
            self._unindex_event_text(con, eid)
        self._x(con, *_update(eid, sets))
        if "actors" in after:
            self._index_event_text(con, eid)
        if structural:
            self._reindex_event(con, eid)
            self._show_events(con, [eid])
        elif "fatalities" in after:  # the incident's toll: the best-supported of its reports
            self._refresh_incident(con, merged_into or eid)
        return before

    # -- statements -----------------------------------------------------------------------------
    def _apply_statement(self, con, sid: int, after: dict) -> dict:
        speaker, where_pk = self._x(
            con, "SELECT speaker, where_pk FROM statements WHERE id = ?", (sid,)
        ).fetchone()
        before = {}
        if "speaker" in after:
            before["speaker"] = speaker
            self._unindex_statement_text(con, sid)
            self._x(con, "UPDATE statements SET speaker = ? WHERE id = ?", (after["speaker"], sid))
            self._index_statement_text(con, sid)
        if "where" in after:
            before["where"] = self._place_object(con, where_pk)
            place = place_of_dict(after["where"], "where")
            pk = None if place is None else self._place_pk(con, place)
            self._x(con, "UPDATE statements SET where_pk = ? WHERE id = ?", (pk, sid))
        return before


# -- helpers ------------------------------------------------------------------------------------
def _labels(value: Any) -> list:
    """An event's actors as stored: JSON text (SQLite) or already a list (PostGIS)."""
    return list(value) if isinstance(value, list) else json_list(value)


def _update(eid: int, sets: dict[str, Any]) -> tuple[str, tuple]:
    """The UPDATE of an event's columns ``sets`` (a statement that does nothing when empty)."""
    cols = ", ".join(f'"{k}" = ?' for k in sets) or "id = id"
    return f"UPDATE events SET {cols} WHERE id = ?", (*sets.values(), eid)


def why_not_found(x, con, doc_pk: int, target: dict, what: str) -> str:
    """Why a correction's target is not found: the text at its offsets now (``x``: the host's
    ``_x``)."""
    (written,) = x(
        con,
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

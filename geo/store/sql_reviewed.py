"""What reviewers teach the geoparser, kept by the store on either SQL engine: the places the
gazetteer lacks that reviewers added (``reviewed_places``), and the reviewed aliases read from
the corrections' trail (a name re-pointed or added by reviewers, with the count of reviews).

:meth:`ReviewedMixin.reviewed_layer` gives both as a :class:`gazetteer.reviewed.ReviewedLayer`,
which an ingest hands to the gazetteer it extracts with (``geo.ingest``), so the next documents
are resolved with them.

The table is created when first needed (``CREATE TABLE IF NOT EXISTS``, the same statement on
SQLite and PostgreSQL); the host store gives ``_in_write``, ``_x``, ``_sql``, ``_read`` and
``iter_corrections`` (:mod:`geo.store.sql_review`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any

from gazetteer.normalize import fold
from gazetteer.reviewed import ReviewedAlias, ReviewedLayer
from geo.corrections import place_of_dict
from geo.errors import InputError, NotFoundError
from geo.model import Place

__all__ = ["ReviewedMixin"]

REVIEWED_SCHEMA = """CREATE TABLE IF NOT EXISTS reviewed_places (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    feature TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    country_code TEXT,
    reviewer TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL
)"""
_COLS = "id, name, feature, lat, lon, country_code, reviewer, note, created_at"
_KEYS = tuple(_COLS.split(", "))
MAX_PLACES_LISTED = 100
# the statuses of a correction that still speaks for its name (not stale, not superseded)
_TEACHING = ("applied", "pending")


def _row(r: tuple) -> dict[str, Any]:
    return dict(zip(_KEYS, r, strict=True))


def _place(d: dict) -> Place:
    return Place(
        id=d["id"], name=d["name"], feature=d["feature"], lat=float(d["lat"]),
        lon=float(d["lon"]), country_code=d["country_code"],
    )  # fmt: skip


class ReviewedMixin:
    """Places reviewers added, and the reviewed layer (see the module's docstring)."""

    def _reviewed_table(self) -> None:
        if getattr(self, "_reviewed_ready", False):
            return
        self._in_write(lambda con: self._x(con, REVIEWED_SCHEMA))  # type: ignore[attr-defined]
        self._reviewed_ready = True

    def add_reviewed_place(
        self, place: Place, *, reviewer: str, note: str | None = None
    ) -> tuple[dict, bool]:
        """Keep a place the gazetteer lacks (checked by :func:`geo.corrections.check_place`);
        its row, and whether it was new (the same place added again is kept once)."""
        self._reviewed_table()

        def work(con):
            old = self._x(  # type: ignore[attr-defined]
                con, f"SELECT {_COLS} FROM reviewed_places WHERE id = ?", (place.id,)
            ).fetchone()
            if old is not None:
                return _row(old), False
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            self._x(  # type: ignore[attr-defined]
                con,
                "INSERT INTO reviewed_places (id, name, name_fold, feature, lat, lon, "
                "country_code, reviewer, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    place.id, place.name, fold(place.name), place.feature, place.lat,
                    place.lon, place.country_code, reviewer, note, now,
                ),
            )  # fmt: skip
            row = (place.id, place.name, place.feature, place.lat, place.lon)
            return _row((*row, place.country_code, reviewer, note, now)), True

        return self._in_write(work)  # type: ignore[attr-defined]

    def reviewed_places(self, q: str | None = None, limit: int = MAX_PLACES_LISTED) -> list[dict]:
        """The places reviewers added, newest first; with ``q``, those whose name starts
        with it (accents and case ignored)."""
        self._reviewed_table()
        if q is not None and not fold(q):
            raise InputError("q must hold letters or digits")
        where, params = "", []
        if q:
            where = " WHERE name_fold LIKE ? ESCAPE '\\'"
            key = fold(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(key + "%")
        sql = f"SELECT {_COLS} FROM reviewed_places{where} ORDER BY created_at DESC, id LIMIT ?"
        rows = self._read(self._sql(sql), (*params, int(limit)))  # type: ignore[attr-defined]
        return [_row(r) for r in rows]

    def reviewed_place(self, place_id: str) -> Place:
        """A place a reviewer added, by its id (NotFoundError otherwise)."""
        self._reviewed_table()
        rows = self._read(  # type: ignore[attr-defined]
            self._sql(f"SELECT {_COLS} FROM reviewed_places WHERE id = ?"),  # type: ignore[attr-defined]
            (str(place_id),),
        )
        if not rows:
            raise NotFoundError(f"no place added by a reviewer with id {place_id!r}")
        return _place(_row(rows[0]))

    def reviewed_layer(self) -> ReviewedLayer:
        """The places reviewers added and the reviewed aliases of the trail: for each name a
        reviewer re-pointed or added (its last correction, when it still names a place), the
        place chosen, scoped by that place's country when the name was moved there from a place
        in another country, counted once per document and offsets."""
        self._reviewed_table()
        places = [_place(r) for r in self.reviewed_places(limit=10**9)]
        first_before: dict[tuple, Any] = {}
        last: dict[tuple, tuple[str, Any]] = {}
        for c in self.iter_corrections():  # type: ignore[attr-defined]
            if c["kind"] not in ("mention", "new_mention") or "place" not in c["after"]:
                continue
            if c.get("status") not in _TEACHING:
                continue
            t = c["target"]
            target = (c["document"], t["start"], t["end"])
            first_before.setdefault(target, (c.get("before") or {}).get("place"))
            last[target] = (t["text"], c["after"]["place"])
        count: Counter = Counter()
        chosen: dict[tuple, tuple[str, Place]] = {}
        for target, (text, after) in last.items():
            place = place_of_dict(after) if after else None
            if place is None:
                continue  # not a place: no alias
            before = first_before[target]
            moved_from = before.get("country_code") if isinstance(before, dict) else None
            scope = (
                place.country_code
                if moved_from and place.country_code and moved_from != place.country_code
                else None
            )
            key = (fold(text), place.id, scope)
            count[key] += 1
            chosen.setdefault(key, (text, place))
        aliases = [ReviewedAlias(chosen[k][0], chosen[k][1], k[2], n) for k, n in count.items()]
        return ReviewedLayer.build(places, aliases)

"""The map's timeline and its counts in the SQLite store, each in one query.

:class:`geo.store.base.Store` builds :meth:`date_histogram`, :meth:`country_totals`,
:meth:`admin1_totals` and :meth:`events_lacking` on ``iter_events`` (every backend has them); here SQLite counts with
``GROUP BY`` over the same filters, so the page asks for the timeline of a million events
without reading them. Its host (``SQLiteStore``) gives ``_checked_event_filters`` and ``_read``.
"""

from __future__ import annotations

from geo.errors import InputError
from geo.store.base import LACKING, check_page, check_unit

__all__ = ["TimelineMixin"]

# The first day of an event's bin from its first day (``date_min``: for an event with no date
# of its own, its document's publication date; NULL when neither is known); a week starts on
# Monday (strftime's %w counts from Sunday = 0).
_BIN_SQL = {
    "day": "e.date_min",
    "week": "date(e.date_min, '-' || ((CAST(strftime('%w', e.date_min) AS INTEGER) + 6) % 7) "
    "|| ' days')",
    "month": "substr(e.date_min, 1, 7) || '-01'",
    "year": "substr(e.date_min, 1, 4) || '-01-01'",
}
_LACKING_SQL = {"place": "e.place_pk IS NULL", "date": "(e.date IS NULL OR e.date = '')"}


class TimelineMixin:
    """The timeline's and the view's counts for an SQLite store (see the module's docstring)."""

    def date_histogram(self, unit: str, **filters) -> dict:
        where, params = self._checked_event_filters(filters)
        rows = self._read(
            f"SELECT {_BIN_SQL[check_unit(unit)]} AS bin, count(*), "
            f"coalesce(sum(e.fatalities), 0) FROM events e{where} GROUP BY bin ORDER BY bin",
            params,
        )
        undated = [0, 0]
        bins = []
        for b, n, f in rows:
            if b is None:
                undated = [n, f]
            else:
                bins.append([b, n, f])
        return {"unit": unit, "bins": bins, "undated": undated}

    def country_totals(self, **filters) -> list[dict]:
        where, params = self._checked_event_filters(filters)
        rows = self._read(
            "SELECT p.country_code, count(*), coalesce(sum(e.fatalities), 0) "
            f"FROM events e LEFT JOIN places p ON p.pk = e.place_pk{where} "
            "GROUP BY p.country_code",
            params,
        )
        codes = [cc for cc, _, _ in rows if cc]
        ids = {}
        if codes:  # the country as a place of the store, the most mentioned when several
            marks = ",".join("?" * len(codes))
            for cc, pid in self._read(
                "SELECT country_code, id FROM places WHERE feature = 'country' "
                f"AND country_code IN ({marks}) ORDER BY n_mentions",
                codes,
            ):
                ids[cc] = pid
        out = [
            {"country_code": cc, "place_id": ids.get(cc), "events": n, "fatalities": f}
            for cc, n, f in rows
        ]
        return sorted(out, key=lambda r: (-r["events"], r["country_code"] or "~"))

    def admin1_totals(self, **filters) -> list[dict]:
        where, params = self._checked_event_filters(filters)
        rows = self._read(
            "SELECT p.country_code, p.admin1, max(p.admin1_name), count(*), "
            f"coalesce(sum(e.fatalities), 0) FROM events e JOIN places p ON p.pk = e.place_pk"
            f"{where} GROUP BY p.country_code, p.admin1",
            params,
        )
        codes = sorted({a1 for _, a1, _, _, _ in rows if a1})
        ids = {}
        if codes:  # the division as a place of the store, the most mentioned when several
            marks = ",".join("?" * len(codes))
            for cc, a1, pid in self._read(
                "SELECT country_code, admin1, id FROM places WHERE feature = 'admin1' "
                f"AND admin1 IN ({marks}) ORDER BY n_mentions",
                codes,
            ):
                ids[(cc, a1)] = pid
        out = [
            {"country_code": cc, "admin1": a1, "admin1_name": name,
             "place_id": ids.get((cc, a1)), "events": n, "fatalities": f}
            for cc, a1, name, n, f in rows
        ]  # fmt: skip
        return sorted(
            out, key=lambda r: (-r["events"], r["country_code"] or "~", r["admin1"] or "~")
        )

    def events_lacking(self, what: str, *, limit: int = 100, **filters) -> tuple[list[dict], int]:
        from geo.store.sqlite import _EVENT_SELECT, _event_row  # the host's module

        if what not in LACKING:
            raise InputError(f"what must be one of {', '.join(LACKING)}, not {what!r}")
        limit, _ = check_page(limit, 0)
        where, params = self._checked_event_filters(filters)
        where += f" AND {_LACKING_SQL[what]}"
        total = self._read(f"SELECT count(*) FROM events e{where}", params)[0][0]
        rows = self._read(f"{_EVENT_SELECT}{where} ORDER BY e.id LIMIT ?", [*params, limit])
        return [_event_row(r) for r in rows], total

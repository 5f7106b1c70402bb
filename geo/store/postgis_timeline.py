"""The map's timeline and its counts in the PostGIS store, each in one query (as
:mod:`geo.store.sqlite_timeline` does for SQLite): ``GROUP BY`` over the filters of
:meth:`~geo.store.base.Store.events`. Its host (``PostGISStore``) gives ``_checked_event_filters``
and ``_read``."""

from __future__ import annotations

from geo.errors import InputError
from geo.store.base import LACKING, check_page, check_unit

__all__ = ["PostGISTimelineMixin"]

# The first day of an event's bin from its first day (``date_min``, NULL when undated); a
# week starts on Monday (ISO, as date_trunc counts).
_BIN_SQL = {
    "day": "e.date_min",
    "week": "to_char(date_trunc('week', e.date_min::date), 'YYYY-MM-DD')",
    "month": "substr(e.date_min, 1, 7) || '-01'",
    "year": "substr(e.date_min, 1, 4) || '-01-01'",
}
_LACKING_SQL = {"place": "e.place_pk IS NULL", "date": "e.date_min IS NULL"}


class PostGISTimelineMixin:
    """The timeline's and the view's counts for a PostGIS store."""

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
            for cc, pid in self._read(
                "SELECT country_code, id FROM places WHERE feature = 'country' "
                "AND country_code = ANY(%s) ORDER BY n_mentions, pk",
                (codes,),
            ):
                ids[cc] = pid
        out = [
            {"country_code": cc, "place_id": ids.get(cc), "events": n, "fatalities": f}
            for cc, n, f in rows
        ]
        return sorted(out, key=lambda r: (-r["events"], r["country_code"] or "~"))

    def events_lacking(self, what: str, *, limit: int = 100, **filters) -> tuple[list[dict], int]:
        from geo.store.postgis import _EVENT_SELECT, _event_row  # the host's module

        if what not in LACKING:
            raise InputError(f"what must be one of {', '.join(LACKING)}, not {what!r}")
        limit, _ = check_page(limit, 0)
        where, params = self._checked_event_filters(filters)
        where += f" AND {_LACKING_SQL[what]}"
        total, rows = self._read_page(
            f"SELECT count(*) FROM events e{where}",
            f"{_EVENT_SELECT}{where} ORDER BY e.id LIMIT %s OFFSET %s",
            params,
            (limit, 0),
        )
        return [_event_row(r) for r in rows], total

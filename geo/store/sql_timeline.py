"""The map's timeline and its counts in one query each, for a store on an SQL engine.

:class:`geo.store.base.Store` builds :meth:`date_histogram`, :meth:`country_totals`,
:meth:`admin1_totals` and :meth:`events_lacking` on ``iter_events`` (every backend has them);
here the engine counts with ``GROUP BY`` over the same filters, so the page asks for the
timeline of a million events without reading them. A backend's mixin gives its dialect:
``BIN_SQL`` (a bin's first day from ``e.date_min``), ``LACKING_SQL`` and :meth:`_in` (a column
among values); its host store gives the placeholder ``PARAM``, the event rows' ``_EVENT_SELECT``
and ``_event_row``, ``_checked_event_filters``, ``_read`` and ``_read_page``.
"""

from __future__ import annotations

from collections.abc import Sequence

from geo.errors import InputError
from geo.store.base import LACKING, check_page, check_unit

__all__ = ["SQLTimelineMixin"]


class SQLTimelineMixin:
    """The timeline's and the view's counts, written once for every SQL dialect."""

    BIN_SQL: dict[str, str]
    LACKING_SQL: dict[str, str]
    PARAM: str

    def _in(self, column: str, values: Sequence) -> tuple[str, list]:
        """``column`` among ``values``: the condition and its parameters."""
        raise NotImplementedError

    def date_histogram(self, unit: str, **filters) -> dict:
        where, params = self._checked_event_filters(filters)
        rows = self._read(
            f"SELECT {self.BIN_SQL[check_unit(unit)]} AS bin, count(*), "
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

    def _most_mentioned(self, feature: str, columns: str, column: str, values: list) -> dict:
        """The store's place of ``feature`` for each value of ``column`` (keyed by ``columns``
        but the id), the most mentioned when several."""
        if not values:
            return {}
        cond, params = self._in(column, values)
        ids = {}
        for *key, pid in self._read(
            f"SELECT {columns}, id FROM places WHERE feature = '{feature}' "
            f"AND {cond} ORDER BY n_mentions, pk",
            params,
        ):
            ids[tuple(key) if len(key) > 1 else key[0]] = pid
        return ids

    def country_totals(self, **filters) -> list[dict]:
        where, params = self._checked_event_filters(filters)
        rows = self._read(
            "SELECT p.country_code, count(*), coalesce(sum(e.fatalities), 0) "
            f"FROM events e LEFT JOIN places p ON p.pk = e.place_pk{where} "
            "GROUP BY p.country_code",
            params,
        )
        codes = [cc for cc, _, _ in rows if cc]
        ids = self._most_mentioned("country", "country_code", "country_code", codes)
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
        ids = self._most_mentioned("admin1", "country_code, admin1", "admin1", codes)
        out = [
            {"country_code": cc, "admin1": a1, "admin1_name": name,
             "place_id": ids.get((cc, a1)), "events": n, "fatalities": f}
            for cc, a1, name, n, f in rows
        ]  # fmt: skip
        return sorted(
            out, key=lambda r: (-r["events"], r["country_code"] or "~", r["admin1"] or "~")
        )

    def events_lacking(self, what: str, *, limit: int = 100, **filters) -> tuple[list[dict], int]:
        if what not in LACKING:
            raise InputError(f"what must be one of {', '.join(LACKING)}, not {what!r}")
        limit, _ = check_page(limit, 0)
        where, params = self._checked_event_filters(filters)
        where += f" AND {self.LACKING_SQL[what]}"
        p = self.PARAM
        total, rows = self._read_page(
            f"SELECT count(*) FROM events e{where}",
            f"{self._EVENT_SELECT}{where} ORDER BY e.id LIMIT {p} OFFSET {p}",
            params,
            (limit, 0),
        )
        return [self._event_row(r) for r in rows], total

"""The map's timeline and its counts in the SQLite store: SQLite's dialect of
:mod:`geo.store.sql_timeline`."""

from __future__ import annotations

from collections.abc import Sequence

from geo.store.sql_timeline import SQLTimelineMixin

__all__ = ["TimelineMixin"]


class TimelineMixin(SQLTimelineMixin):
    """The timeline's and the view's counts for an SQLite store."""

    # The first day of an event's bin from its first day (``date_min``: for an event with no
    # date of its own, its document's publication date; NULL when neither is known); a week
    # starts on Monday (strftime's %w counts from Sunday = 0).
    BIN_SQL = {
        "day": "e.date_min",
        "week": "date(e.date_min, '-' || ((CAST(strftime('%w', e.date_min) AS INTEGER) + 6) % 7) "
        "|| ' days')",
        "month": "substr(e.date_min, 1, 7) || '-01'",
        "year": "substr(e.date_min, 1, 4) || '-01-01'",
    }
    LACKING_SQL = {"place": "e.place_pk IS NULL", "date": "(e.date IS NULL OR e.date = '')"}

    def _in(self, column: str, values: Sequence) -> tuple[str, list]:
        return f"{column} IN ({','.join('?' * len(values))})", list(values)

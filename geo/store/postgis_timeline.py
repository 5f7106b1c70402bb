"""The map's timeline and its counts in the PostGIS store: PostgreSQL's dialect of
:mod:`geo.store.sql_timeline`."""

from __future__ import annotations

from collections.abc import Sequence

from geo.store.sql_timeline import SQLTimelineMixin

__all__ = ["PostGISTimelineMixin"]


class PostGISTimelineMixin(SQLTimelineMixin):
    """The timeline's and the view's counts for a PostGIS store."""

    # The first day of an event's bin from its first day (``date_min``, NULL when undated); a
    # week starts on Monday (ISO, as date_trunc counts).
    BIN_SQL = {
        "day": "e.date_min",
        "week": "to_char(date_trunc('week', e.date_min::date), 'YYYY-MM-DD')",
        "month": "substr(e.date_min, 1, 7) || '-01'",
        "year": "substr(e.date_min, 1, 4) || '-01-01'",
    }
    LACKING_SQL = {"place": "e.place_pk IS NULL", "date": "e.date_min IS NULL"}

    def _in(self, column: str, values: Sequence) -> tuple[str, list]:
        return f"{column} = ANY(%s)", [list(values)]

"""The counts the map's clusters of a view are made of, in the PostGIS store: PostgreSQL's
dialect of :mod:`geo.store.sql_clusters` (the matching events grouped in one ``GROUP BY``, a
type counted in any spelling, as :meth:`event_groups` counts it), and the store's
:meth:`data_stamp`. What was counted is kept by :mod:`web.clusters` until the database's
snapshot changes: a transaction that writes begins or ends.
"""

from __future__ import annotations

from geo.store.sql_clusters import SQLClustersMixin

__all__ = ["PostGISClustersMixin"]


class PostGISClustersMixin(SQLClustersMixin):
    """The filtered counts and :meth:`data_stamp` for a PostGIS store."""

    def _filtered_place_counts(self, where: str, params: list) -> list[tuple]:
        # the type's spelling and the precision: the first event's
        return self._read(
            "SELECT p.id, p.lon, p.lat, e.type, e.precision, g.n FROM (SELECT e.place_pk, "
            f"count(*) AS n, min(e.id) AS first FROM events e{where} AND e.place_pk IS NOT NULL "
            "GROUP BY e.place_pk, lower(e.type)) g JOIN events e ON e.id = g.first "
            "JOIN places p ON p.pk = g.place_pk",
            params,
        )

    def data_stamp(self) -> object | None:
        """The server's current snapshot (the next transaction id and those in progress): it
        changes when any transaction that writes begins or ends, here or on another machine."""
        return str(self._read("SELECT pg_current_snapshot()")[0][0])

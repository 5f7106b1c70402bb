"""The counts the map's clusters of a view are made of, in the SQLite store: SQLite's dialect of
:mod:`geo.store.sql_clusters` (the matching events grouped in one ``GROUP BY``; the events'
R*Tree narrows a bbox and its dates at once), and the store's :meth:`data_stamp`.
"""

from __future__ import annotations

import os

from geo.store.sql_clusters import SQLClustersMixin

__all__ = ["ClustersMixin"]


class ClustersMixin(SQLClustersMixin):
    """The filtered counts and :meth:`data_stamp` for an SQLite store."""

    def _filtered_place_counts(self, where: str, params: list) -> list[tuple]:
        # the bare column (precision) comes from the row of min(e.id): the first event stored.
        # "+e.place_pk": grouped by place without walking the place index (which would read
        # every event to skip a sort): a period is read through the dates' index (1M events,
        # one month: 0.1 s; by the place index, 4 s)
        rows = self._read(
            "SELECT p.id, p.lon, p.lat, e.type, e.precision, count(*), min(e.id) "
            f"FROM events e JOIN places p ON p.pk = e.place_pk{where} "
            "GROUP BY +e.place_pk, e.type",
            params,
        )
        return [r[:6] for r in rows]

    def data_stamp(self) -> object | None:
        """The database file's and its write-ahead log's size and time of change: any commit,
        by any process, changes one of them."""
        out = []
        for suffix in ("", "-wal"):
            try:
                st = os.stat(f"{self.path}{suffix}")
            except FileNotFoundError:
                out.append(None)
                continue
            out.append((st.st_mtime_ns, st.st_size))
        return tuple(out)

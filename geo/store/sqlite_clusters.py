"""The counts the map's clusters of a view are made of, in the SQLite store
(:meth:`geo.store.base.Store.event_place_counts`).

The whole store is read from the counts :meth:`add` keeps by place and type (``event_counts``:
tens of thousands of rows for a million events); with filters, one ``GROUP BY`` over the
matching events (the events' R*Tree narrows a bbox and its dates at once). Neither joins the
documents: the map names a place only in its popup, fetched when it opens.
"""

from __future__ import annotations

import json
import os

__all__ = ["ClustersMixin"]


class ClustersMixin:
    """:meth:`event_place_counts` and :meth:`data_stamp` for an SQLite store."""

    def event_place_counts(self, **filters) -> list[tuple]:
        from geo.store.sqlite import _VISIBLE  # the host's module

        where, params = self._checked_event_filters(filters)
        if where == f" WHERE {_VISIBLE}":  # the whole store: the counts kept by add()
            return self._read(
                "SELECT p.id, p.lon, p.lat, c.type, c.precision, c.n "
                "FROM event_counts c JOIN places p ON p.pk = c.place_pk WHERE c.n > 0"
            )
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

    def place_names(self, place_ids: list[str]) -> dict[str, dict]:
        from geo.store.sqlite import _DOC_PLACE_NAME  # the host's module

        # the first event stored at each place (of any type), its document's language
        rows = self._read(
            f"SELECT p.id, {_DOC_PLACE_NAME}, p.name_fr, p.name_en FROM places p "
            "JOIN events e ON e.id = (SELECT min(c.first_id) FROM event_counts c "
            "WHERE c.place_pk = p.pk) JOIN documents d ON d.pk = e.doc_pk "
            "WHERE p.id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(place_ids)),),
        )
        keys = ("place_name", "place_name_fr", "place_name_en")
        return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}

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

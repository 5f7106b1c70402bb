"""The counts the map's clusters of a view and a snapshot's symbols are made of, in the PostGIS
store (:meth:`geo.store.base.Store.event_place_counts`, :meth:`~geo.store.base.Store.place_names`,
:meth:`~geo.store.base.Store.data_stamp`): PostgreSQL's dialect of
:mod:`geo.store.sqlite_clusters`.

The whole store is read from the counts kept by place and type (``event_counts``); with
filters, one ``GROUP BY`` over the matching events (a type counted in any spelling, as
:meth:`event_groups` counts it). What was counted is kept by :mod:`web.clusters` until the
database's snapshot changes: a transaction that writes begins or ends.
"""

from __future__ import annotations

__all__ = ["PostGISClustersMixin"]


class PostGISClustersMixin:
    """:meth:`event_place_counts`, :meth:`place_names` and :meth:`data_stamp` for a PostGIS
    store."""

    def event_place_counts(self, **filters) -> list[tuple]:
        from geo.store.postgis import _VISIBLE  # the host's module

        where, params = self._checked_event_filters(filters)
        if where == f" WHERE {_VISIBLE}":  # the whole store: the counts kept by add()
            return self._read(
                "SELECT p.id, p.lon, p.lat, c.type, c.precision, c.n "
                "FROM event_counts c JOIN places p ON p.pk = c.place_pk WHERE c.n > 0"
            )
        # the type's spelling and the precision: the first event's
        return self._read(
            "SELECT p.id, p.lon, p.lat, e.type, e.precision, g.n FROM (SELECT e.place_pk, "
            f"count(*) AS n, min(e.id) AS first FROM events e{where} AND e.place_pk IS NOT NULL "
            "GROUP BY e.place_pk, lower(e.type)) g JOIN events e ON e.id = g.first "
            "JOIN places p ON p.pk = g.place_pk",
            params,
        )

    def place_names(self, place_ids: list[str]) -> dict[str, dict]:
        from geo.store.postgis import _DOC_PLACE_NAME  # the host's module

        # the first event stored at each place (of any type), its document's language
        rows = self._read(
            f"SELECT p.id, {_DOC_PLACE_NAME}, p.name_fr, p.name_en FROM places p "
            "JOIN events e ON e.id = (SELECT min(c.first_id) FROM event_counts c "
            "WHERE c.place_pk = p.pk) JOIN documents d ON d.pk = e.doc_pk "
            "WHERE p.id = ANY(%s)",
            (list(place_ids),),
        )
        keys = ("place_name", "place_name_fr", "place_name_en")
        return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}

    def data_stamp(self) -> object | None:
        """The server's current snapshot (the next transaction id and those in progress): it
        changes when any transaction that writes begins or ends, here or on another machine."""
        return str(self._read("SELECT pg_current_snapshot()")[0][0])

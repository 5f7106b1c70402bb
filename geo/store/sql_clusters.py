"""The counts the map's clusters of a view and a snapshot's symbols are made of, for a store on
an SQL engine (:meth:`geo.store.base.Store.event_place_counts`,
:meth:`~geo.store.base.Store.place_names`) and of the map's groups
(:meth:`~geo.store.base.Store.event_groups`), written once for both dialects.

The whole store is read from the counts :meth:`add` keeps by place and type (``event_counts``:
tens of thousands of rows for a million events); with filters, a backend's dialect mixin
(:mod:`geo.store.sqlite_clusters`, :mod:`geo.store.postgis_clusters`) counts the matching
events in one ``GROUP BY`` its engine's planner reads fast (:meth:`_filtered_place_counts`,
:meth:`_filtered_groups`).
Neither joins the documents: the map names a place only in its popup, fetched when it opens.
Its host store gives ``_checked_event_filters``, ``_read`` and ``_in_list``.
"""

from __future__ import annotations

from geo.store.sql_common import DOC_PLACE_NAME, VISIBLE

__all__ = ["GROUP_PLACE", "SQLClustersMixin"]

_WHOLE_STORE = (
    "SELECT p.id, p.lon, p.lat, c.type, c.precision, c.n "
    "FROM event_counts c JOIN places p ON p.pk = c.place_pk WHERE c.n > 0"
)
# event_groups: a place's columns, and the keys of a group
GROUP_PLACE = f"p.id, {DOC_PLACE_NAME}, p.name_fr, p.name_en, p.lat, p.lon"
GROUP_KEYS = (
    "place_id", "place_name", "place_name_fr", "place_name_en", "lat", "lon", "type", "precision",
    "count",
)  # fmt: skip


class SQLClustersMixin:
    """:meth:`event_place_counts` and :meth:`place_names` of an SQL store."""

    def event_place_counts(self, **filters) -> list[tuple]:
        where, params = self._checked_event_filters(filters)
        if where == f" WHERE {VISIBLE}":  # the whole store: the counts kept by add()
            return self._read(_WHOLE_STORE)
        return self._filtered_place_counts(where, params)

    def _filtered_place_counts(self, where: str, params: list) -> list[tuple]:
        """``(place id, lon, lat, type, precision, count)`` of the events ``where`` selects
        (a WHERE clause on ``events e``), by place and type: the dialect's query."""
        raise NotImplementedError

    def event_groups(self, **filters) -> list[dict]:
        where, params = self._checked_event_filters(filters)
        if where == f" WHERE {VISIBLE}":  # the whole store: read the counts kept by add()
            rows = self._read(
                f"SELECT {GROUP_PLACE}, c.type, c.precision, c.n "
                "FROM event_counts c JOIN places p ON p.pk = c.place_pk "
                "JOIN events e ON e.id = c.first_id JOIN documents d ON d.pk = e.doc_pk "
                "ORDER BY c.first_id"
            )
        else:
            rows = self._filtered_groups(where, params)
        return [dict(zip(GROUP_KEYS, r, strict=True)) for r in rows]

    def _filtered_groups(self, where: str, params: list) -> list[tuple]:
        """The rows of :meth:`event_groups` (:data:`GROUP_PLACE`'s columns, type, precision,
        count) of the events ``where`` selects, in the order of their first events: the
        dialect's query."""
        raise NotImplementedError

    def place_names(self, place_ids: list[str]) -> dict[str, dict]:
        # the first event stored at each place (of any type), its document's language
        among, params = self._in_list("p.id", list(place_ids))
        rows = self._read(
            f"SELECT p.id, {DOC_PLACE_NAME}, p.name_fr, p.name_en FROM places p "
            "JOIN events e ON e.id = (SELECT min(c.first_id) FROM event_counts c "
            f"WHERE c.place_pk = p.pk) JOIN documents d ON d.pk = e.doc_pk WHERE {among}",
            params,
        )
        keys = ("place_name", "place_name_fr", "place_name_en")
        return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}

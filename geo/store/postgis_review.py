"""Reviewers' corrections in the PostGIS store (their table: schema 7,
:data:`geo.store.postgis_schema.MIGRATIONS`): PostgreSQL's dialect of :mod:`geo.store.sql_review` (``%s`` placeholders; an event's kind and
days, which its GiST index holds, and the ``tsvector`` columns written again when what they are
built from changes).

The host (``PostGISStore``) gives ``_in_write``, ``_place_pks``, ``_show_events``,
``_hide_event``, ``_refresh_incident``, ``_kind_code``, ``_read``, ``_read_page``, ``_stream``.
"""

from __future__ import annotations

from typing import Any

from geo.model import Place
from geo.store import sql_review
from geo.store.postgis_schema import ts_config

__all__ = ["PostGISReviewMixin"]


_TSV = "to_tsvector(%s::regconfig, unaccent({}))"


class PostGISReviewMixin(sql_review.ReviewMixin):
    """The corrections of a PostGIS store (see the module's docstring)."""

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _place_pk(self, con, place: Place) -> int:
        return self._place_pks(con, {place.id: place})[place.id]

    def _reindex_event(self, con, eid: int) -> None:
        type_, subtype = con.execute(
            "SELECT type, subtype FROM events WHERE id = %s", (eid,)
        ).fetchone()
        con.execute(
            "UPDATE events SET kind = %s, days = daterange(date_min::date, date_max::date, '[]') "
            "WHERE id = %s",
            (self._kind_code(con, type_, subtype, {}), eid),
        )

    def _config(self, con, table: str, rid: int) -> str:
        """The text search configuration of the document of a row of ``table``."""
        (lang,) = con.execute(
            f"SELECT d.lang FROM {table} x JOIN documents d ON d.pk = x.doc_pk WHERE x.id = %s",
            (rid,),
        ).fetchone()
        return ts_config(lang)

    def _index_event_text(self, con, eid: int) -> None:
        # as the write builds it: the sentence, a line break, the actors
        con.execute(
            "UPDATE events SET tsv = "
            + _TSV.format("sentence || chr(10) || actors_text")
            + " WHERE id = %s",
            (self._config(con, "events", eid), eid),
        )

    def _index_statement_text(self, con, sid: int) -> None:
        speaker = "coalesce(speaker, '') || ' ' || coalesce(speaker_role, '')"
        cfg = self._config(con, "statements", sid)
        con.execute(
            "UPDATE statements SET tsv = "
            + _TSV.format(f"quote || chr(10) || {speaker}")
            + ", speaker_tsv = "
            + _TSV.format(speaker)
            + " WHERE id = %s",
            (cfg, cfg, sid),
        )

    def _json_value(self, value: Any) -> Any:
        from psycopg.types.json import Jsonb

        return Jsonb(value)

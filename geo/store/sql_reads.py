"""The reads of a store on an SQL engine that are the same SQL in both dialects but for the
placeholder and how a column is matched against a list: the conditions of dates and of a
documents' search, the documents and their countries, a place filter's places, a place's
documents and names, one document with everything extracted from it, one event, the
statements matching filters (each dialect giving its spatial and full-text conditions) and
their places, the store's totals.

Written once here for :class:`geo.store.sqlite.SQLiteStore` and
:class:`geo.store.postgis.PostGISStore`; the queries whose plans differ by engine (the events
filtered by bbox, dates and type; full text; the places and their counts) stay in each backend.
The host gives the placeholder ``PARAM``, ``BYTE_ORDER``, ``_in_list``, ``_documents_match``
(its full-text dialect), the event rows' ``_EVENT_SELECT`` and
``_event_row``, and ``_read``.
"""

from __future__ import annotations

from typing import Any

from gazetteer.normalize import fold
from geo import actors as actor_registry
from geo.errors import InputError, NotFoundError
from geo.model import pick_name
from geo.store.base import (
    MAX_PLACE_DOCUMENTS,
    MAX_PLACE_NAMES,
    STATEMENT_KEYS,
    EventFilter,
    check_day,
)
from geo.store.sql_common import STATEMENT_SELECT, VISIBLE, event_key

__all__ = ["SQLReadsMixin"]

_DOCUMENT_KEYS = (
    "id", "title", "source", "url", "published", "lang", "text", "hash", "ingested_at",
)  # fmt: skip
_MENTION_KEYS = (
    "id", "start", "end", "text", "role", "score", "place_id", "name", "lat", "lon", "feature",
    "country_code", "name_fr", "name_en",
)  # fmt: skip
_DOCUMENTS_KEYS = (
    "id", "title", "source", "url", "published", "lang", "mentions", "events", "statements",
)  # fmt: skip
_STATS_KEYS = ("documents", "mentions", "events", "statements", "places")


class SQLReadsMixin:
    """Reads written once for both SQL dialects (see the module's docstring)."""

    PARAM: str
    BYTE_ORDER: str  # the COLLATE clause that compares text by its bytes ("" where it does)

    def _place_set(self, place: str) -> list[int]:
        """Place pks a ``place`` filter covers: the place (by its id, its gazetteer, French or
        English name, or a name a document wrote it as), or for a country or an admin-1 region
        every stored place inside it."""
        p = self.PARAM
        place = str(place).strip()
        if not place:
            raise InputError("place must not be empty")
        if ":" in place:
            rows = self._read(
                f"SELECT pk, feature, country_code, admin1 FROM places WHERE id = {p}", (place,)
            )
        else:
            key = fold(place)
            if not key:
                raise InputError(f"place has no letters: {place!r}")
            rows = self._read(
                "SELECT pk, feature, country_code, admin1 FROM places "
                f"WHERE name_fold = {p} OR name_fr_fold = {p} OR name_en_fold = {p} "
                f"OR pk IN (SELECT place_pk FROM place_names WHERE name_fold = {p})",
                (key, key, key, key),
            )
        pks = set()
        for pk, feature, cc, admin1 in rows:
            pks.add(pk)
            if feature == "country" and cc:
                pks.update(
                    r[0]
                    for r in self._read(f"SELECT pk FROM places WHERE country_code = {p}", (cc,))
                )
            elif feature == "admin1" and admin1:
                pks.update(
                    r[0] for r in self._read(f"SELECT pk FROM places WHERE admin1 = {p}", (admin1,))
                )
        return sorted(pks)

    def _dates_sql(self, alias: str, start, end, per_row: bool = False) -> tuple[list[str], list]:
        """The conditions on the rows ``alias`` (documents, events or statements: their
        ``date_min``, ``date_max``) that cover a day from ``start`` to ``end``, both checked.
        ``per_row``: checks of the rows another index found, written so that the planner does
        not also read the dates' indexes (``|| ''``, the same test)."""
        start, end = check_day(start, "start"), check_day(end, "end")
        if start and end and start > end:
            raise InputError(f"start {start} is after end {end}")
        way = " || ''" if per_row else ""
        where, params = [], []
        if start:
            where.append(f"{alias}.date_max{way} >= {self.PARAM}")
            params.append(start)
        if end:
            where.append(f"{alias}.date_min{way} <= {self.PARAM}")
            params.append(end)
        return where, params

    def _doc_filters(self, f: EventFilter, alias: str = "d") -> tuple[list[str], list]:
        """The conditions on the documents ``alias`` of ``f``'s dates and search."""
        where, params = self._dates_sql(alias, f.start, f.end)
        if f.q:  # words of the text, or names of the places it mentions
            sql, p = self._documents_match(f.q, alias)
            where.append(sql)
            params += p
        return where, params

    def documents(
        self, *, q=None, start=None, end=None, limit=100, offset=0
    ) -> tuple[list[dict], int]:
        f = EventFilter.of(q=q, start=start, end=end, limit=limit, offset=offset)
        where, params = self._doc_filters(f)
        w = (" WHERE " + " AND ".join(where)) if where else ""
        p = self.PARAM
        total, rows = self._read_page(
            f"SELECT count(*) FROM documents d{w}",
            "SELECT d.id, d.title, d.source, d.url, d.published, d.lang, d.n_mentions, "
            f"d.n_events, d.n_statements FROM documents d{w} "
            f"ORDER BY d.published IS NULL, d.published DESC, d.pk LIMIT {p} OFFSET {p}",
            params,
            (f.limit, f.offset),
        )
        return [dict(zip(_DOCUMENTS_KEYS, r, strict=True)) for r in rows], total

    def country_counts(self, *, start=None, end=None) -> dict[str, int]:
        dwhere, dparams = self._doc_filters(EventFilter.of(start=start, end=end))
        if not dwhere:
            rows = self._read(
                "SELECT country_code, sum(n_mentions) FROM places "
                "WHERE country_code IS NOT NULL AND n_mentions > 0 GROUP BY country_code"
            )
        else:
            rows = self._read(
                "SELECT p.country_code, count(*) FROM mentions m "
                "JOIN documents d ON d.pk = m.doc_pk JOIN places p ON p.pk = m.place_pk "
                "WHERE p.country_code IS NOT NULL AND " + " AND ".join(dwhere) + " "
                "GROUP BY p.country_code",
                dparams,
            )
        return {cc: int(n) for cc, n in rows}

    def statements(
        self, *, bbox=None, start=None, end=None, actor=None, place=None, q=None, limit=100,
        offset=0,
    ) -> tuple[list[dict], int]:  # fmt: skip
        f = EventFilter.of(
            bbox=bbox, start=start, end=end, place=place, q=q, limit=limit, offset=offset
        )
        where, params = self._dates_sql("s", f.start, f.end)
        conditions = []
        if f.bbox is not None:  # said there, or about a place there
            conditions.append(self._statements_in_box(f.bbox))
        if actor:
            key = str(actor).strip()
            if not key:
                raise InputError("actor must not be empty")
            known = actor_registry.find(key)
            names = [key] if known is None else [label for _, label in known.labels]
            # the speaker named in either language ("Russie" for "Russia")
            conditions.append(self._speaker_match(list(dict.fromkeys(names))))
        if f.place:
            pks = self._place_set(f.place)
            said, p1 = self._in_list("s.where_pk", pks)
            about, p2 = self._in_list("place_pk", pks)
            conditions.append(
                (
                    f"({said} OR s.id IN (SELECT statement_id FROM statement_places "
                    f"WHERE {about}))",
                    p1 + p2,
                )
            )
        if f.q:
            conditions.append(self._statement_text_match(f.q))
        for condition, values in conditions:
            where.append(condition)
            params += values
        w = (" WHERE " + " AND ".join(where)) if where else ""
        p = self.PARAM
        total, rows = self._read_page(
            f"SELECT count(*) FROM statements s{w}",
            f"{STATEMENT_SELECT}{w} ORDER BY s.id LIMIT {p} OFFSET {p}",
            params,
            (f.limit, f.offset),
        )
        return self._statement_rows(rows), total

    def _statements_in_box(self, bbox: tuple) -> tuple[str, list]:
        """The statements ``s`` said at a place inside ``bbox`` or about one: the dialect's
        spatial index."""
        raise NotImplementedError

    def _speaker_match(self, names: list[str]) -> tuple[str, list]:
        """The statements ``s`` whose speaker (or role) is named by one of ``names``."""
        raise NotImplementedError

    def _statement_text_match(self, q: str) -> tuple[str, list]:
        """The statements ``s`` whose quote or speaker matches the search ``q``."""
        raise NotImplementedError

    def _statement_rows(self, rows: list[tuple]) -> list[dict]:
        """Statement rows (:data:`STATEMENT_KEYS`) with their places (named for their
        document's readers)."""
        out = [dict(zip(STATEMENT_KEYS, r, strict=True)) for r in rows]
        by_id = {}
        for s in out:
            s["indirect"] = bool(s["indirect"])
            s["places"] = []
            by_id[s["id"]] = s
        if by_id:
            among, params = self._in_list("sp.statement_id", list(by_id))
            for sid, pid, name, name_fr, name_en, lat, lon in self._read(
                "SELECT sp.statement_id, p.id, p.name, p.name_fr, p.name_en, p.lat, p.lon "
                f"FROM statement_places sp JOIN places p ON p.pk = sp.place_pk WHERE {among} "
                "ORDER BY p.pk",
                params,
            ):
                names = {"name": name, "name_fr": name_fr, "name_en": name_en}
                by_id[sid]["places"].append(
                    {
                        "id": pid, "name": pick_name(names, by_id[sid]["doc_lang"]),
                        "name_fr": name_fr, "name_en": name_en, "lat": lat, "lon": lon,
                    }
                )  # fmt: skip
        return out

    def _place_dicts(self, rows: list[tuple], dwhere: list[str], dparams: list) -> list[dict]:
        """The places of :meth:`places` from their rows (pk, id, name, feature, country code,
        admin1, lat, lon, French and English names, mentions, then by role), each with its
        latest documents (those ``dwhere`` keeps) and the names documents wrote it as."""
        p, out = self.PARAM, []
        dw = (" AND " + " AND ".join(dwhere)) if dwhere else ""
        for r in rows:
            docs = self._read(
                "SELECT d.id, d.title FROM documents d WHERE d.pk IN (SELECT doc_pk "
                f"FROM mentions WHERE place_pk = {p}){dw} ORDER BY d.pk DESC LIMIT {p}",
                [r[0], *dparams, MAX_PLACE_DOCUMENTS],
            )
            written = self._read(
                f"SELECT name FROM place_names WHERE place_pk = {p} AND name IS NOT NULL "
                f"ORDER BY name{self.BYTE_ORDER} LIMIT {p}",
                (r[0], MAX_PLACE_NAMES),
            )
            out.append(
                {
                    "id": r[1], "name": r[2], "name_fr": r[8], "name_en": r[9],
                    "names": [n for (n,) in written], "feature": r[3], "country_code": r[4],
                    "admin1": r[5], "lat": r[6], "lon": r[7], "mentions": r[10],
                    "documents": [{"id": i, "title": t} for i, t in docs],
                    "roles": {"literal": r[11], "metonymic": r[12], "country": r[13]},
                }
            )  # fmt: skip
        return out

    def document(self, doc_id: str) -> dict:
        p = self.PARAM
        rows = self._read(
            "SELECT pk, id, title, source, url, published, lang, text, hash, ingested_at "
            f"FROM documents WHERE id = {p}",
            (str(doc_id),),
        )
        if not rows:
            raise NotFoundError(f"no document with id {doc_id!r}")
        pk, *rest = rows[0]
        out: dict[str, Any] = dict(zip(_DOCUMENT_KEYS, rest, strict=True))
        out["mentions"] = []
        for r in self._read(
            'SELECT m.id, m.start, m."end", m.text, m.role, m.score, p.id, p.name, p.lat, p.lon, '
            "p.feature, p.country_code, p.name_fr, p.name_en FROM mentions m "
            f"LEFT JOIN places p ON p.pk = m.place_pk WHERE m.doc_pk = {p} ORDER BY m.start, m.id",
            (pk,),
        ):
            m = dict(zip(_MENTION_KEYS, r, strict=True))
            if m["place_id"] is not None:  # the place's name in the document's language
                m["name"] = pick_name(m, out["lang"])
            out["mentions"].append(m)
        out["events"] = [
            self._event_row(r)
            for r in self._read(f"{self._EVENT_SELECT} WHERE e.doc_pk = {p} ORDER BY e.id", (pk,))
        ]
        out["statements"] = self._statement_rows(
            self._read(f"{STATEMENT_SELECT} WHERE s.doc_pk = {p} ORDER BY s.id", (pk,))
        )
        return out

    def event(self, event_id: int) -> dict:
        """One event shown (not a report merged into another), by its id, as the rows of
        :meth:`events`; NotFoundError otherwise."""
        rows = self._read(
            f"{self._EVENT_SELECT} WHERE e.id = {self.PARAM} AND {VISIBLE}", (event_key(event_id),)
        )
        if not rows:
            raise NotFoundError(f"no event with id {event_id}")
        return self._event_row(rows[0])

    def stats(self) -> dict:
        (row,) = self._read(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM mentions), "
            f"(SELECT count(*) FROM events e WHERE {VISIBLE}), (SELECT count(*) FROM statements), "
            "(SELECT count(*) FROM places WHERE n_mentions > 0)"
        )
        return dict(zip(_STATS_KEYS, row, strict=True))

"""How the PostGIS store writes one document: in about ten round trips to the server, whatever
its number of mentions, events and statements (one ``INSERT ... SELECT FROM unnest`` per table,
arrays sent in binary; the places one upsert that also adds the mentions' counts; the events
written with their points, one query for the merge candidates of all of them), all inside the
caller's transaction.

The document's places are written first, in the order of their ids, so that two writers that
share places lock them in the same order; the merge of its events with those of documents
already stored, and what follows to the commit, is done by one writer at a time in each region
(:func:`merge_locks`). Its host (``PostGISStore``) gives ``_merge_on_add``'s
parts (``_incident_candidates_many``, ``_attach``, ``_show_events``).
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import TYPE_CHECKING

from gazetteer.normalize import fold
from geo import event_types
from geo.dates import date_bounds
from geo.model import Place
from geo.store.postgis_schema import ts_config
from geo.store.sql_common import (
    DOCUMENT_COLUMNS,
    document_values,
    event_fields,
    event_report,
    new_kind_code,
    role_counts,
)

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

    from geo.pipeline import Extracted

_LOCK_KINDS = 0x636D0002  # advisory lock: a new event kind
MERGE_CELL_DEG = 1.0  # the merge locks' grid: a cell and its 8 neighbours hold MERGE_KM around
_TSV = "to_tsvector(%s::regconfig, unaccent(%s))"

_EVENT_COLUMNS = (
    "doc_pk, type, subtype, secondary_types, date, date_precision, date_phrase, date_min, "
    "date_max, actors, actors_text, actors_fold, fatalities, injured, place_pk, precision, "
    'sentence, start, "end", confidence, location, geo_precision, time_precision, actor1, '
    "actor2, interaction, fatalities_phrase, why, report_fatalities, kind, days, tsv"
)
# The types of the arrays a document's rows are sent in (one array a column, one statement).
_EVENT_TYPES = (
    "bigint", "text", "text", "jsonb", "text", "text", "text", "text", "text", "jsonb", "text",
    "text", "int", "int", "bigint", "text", "text", "int", "int", "float8", "text", "int", "int",
    "text", "text", "int", "text", "text", "int", "int", "text", "text", "text", "text",
)  # fmt: skip
# An event with a place is written with its place's point (shown on the map, in the GiST
# index): one write of its row, where an UPDATE after it would write it and its 8 indexes
# again; a report merged into another event loses its point when merged (_attach).
_EVENT_INSERT = (
    f"INSERT INTO events (id, {_EVENT_COLUMNS}, geom) SELECT u.c0, "
    + ", ".join(f"u.c{i}" for i in range(1, 31))
    + ", daterange(u.c31::date, u.c32::date, '[]'), to_tsvector(u.c33::regconfig, unaccent(u.c34))"
    + ", pl.geom FROM unnest(%b::bigint[], "
    + ", ".join(f"%b::{t}[]" for t in _EVENT_TYPES)
    + ") AS u ("
    + ", ".join(f"c{i}" for i in range(35))
    + ") LEFT JOIN places pl ON pl.pk = u.c15"
)
# A document's places in one statement: each added when new, else given the names the
# gazetteer now gives when it gives an English one (a store filled by an older gazetteer), and
# the counts of the document's mentions added; rows taken in the order of their ids.
_PLACE_TYPES = ("text",) * 11 + ("float8", "float8") + ("int",) * 4
_PLACE_NAMES = ("name", "name_fr", "name_en", "name_fold", "name_fr_fold", "name_en_fold")
_PLACE_COUNTS = ("n_mentions", "n_literal", "n_metonymic", "n_country")
_PLACE_UPSERT = (
    "INSERT INTO places (id, name, name_fr, name_en, name_fold, name_fr_fold, name_en_fold, "
    f"feature, country_code, admin1, admin1_name, lat, lon, {', '.join(_PLACE_COUNTS)}, geom) "
    "SELECT "
    + ", ".join(f"u.c{i}" for i in range(17))
    + ", ST_SetSRID(ST_MakePoint(u.c12, u.c11), 4326) FROM unnest("
    + ", ".join(f"%b::{t}[]" for t in _PLACE_TYPES)
    + ") AS u ("
    + ", ".join(f"c{i}" for i in range(17))
    + ") ORDER BY u.c0 ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(
        f"{c} = CASE WHEN nullif(excluded.name_en, '') IS NULL THEN places.{c} "
        f"ELSE excluded.{c} END"
        for c in _PLACE_NAMES
    )
    + ", "
    + ", ".join(f"{c} = places.{c} + excluded.{c}" for c in _PLACE_COUNTS)
    + " RETURNING pk, id"
)


def merge_locks(reports: list) -> list[int]:
    """The advisory locks a writer holds while it merges these reports with stored events,
    sorted: for each report that may merge (a family, a day), the grid cell of its point and
    the 8 around it (reports of one incident are at most ``MERGE_KM`` apart: they share a
    cell), and its province (a report at a province merges with one inside it). Two writers
    whose reports may merge share a lock; the others write at once.

    >>> len(merge_locks([incidents.Report("Battles", None, 36.2, 37.16, "city", "SY.09",
    ...                                   2460000.5, 2460000.5, (), 1, None, 1)]))
    10
    """
    names = set()
    for r in reports:
        if r.day_min is None or event_types.family(r.type) is None:
            continue
        if abs(r.lat) > 80:  # near a pole a degree of longitude is short: one lock for all
            names.add("polar")
        else:
            x, y = math.floor(r.lon / MERGE_CELL_DEG), math.floor(r.lat / MERGE_CELL_DEG)
            n = round(360 / MERGE_CELL_DEG)
            names.update(f"cell:{(x + dx) % n}:{y + dy}" for dx in (-1, 0, 1) for dy in (-1, 0, 1))
        if r.admin1:
            names.add(f"admin1:{r.admin1}")
    return sorted(
        int.from_bytes(hashlib.blake2b(k.encode(), digest_size=8).digest(), "big", signed=True)
        for k in names
    )


class PostGISWriteMixin:
    """The write of one document (see the module's docstring)."""

    @staticmethod
    def _free_id(con: psycopg.Connection, wanted: str, h: str, taken: bool | None = None) -> str:
        """The document's id: the one it has, or with its hash's first digits when another
        text took it (``taken``: whether the wanted id is, when the caller knows)."""
        base = (wanted or "").strip() or h[:16]
        doc_id = base
        n = 1
        while (
            taken
            if n == 1 and taken is not None
            else con.execute("SELECT 1 FROM documents WHERE id = %s", (doc_id,)).fetchone()
        ):
            doc_id = f"{base}-{h[:8]}" if n == 1 else f"{base}-{h[:8]}-{n}"
            n += 1
        return doc_id

    def _write(self, con: psycopg.Connection, x: Extracted, h: str) -> str | None:
        doc = x.doc
        stored, taken = con.execute(
            "SELECT EXISTS (SELECT 1 FROM documents WHERE hash = %s), "
            "EXISTS (SELECT 1 FROM documents WHERE id = %s)",
            (h, (doc.id or "").strip() or h[:16]),
        ).fetchone()
        if stored:
            return None
        doc_id = self._free_id(con, doc.id, h, taken)
        values, doc_days = document_values(x, doc_id, h)
        cfg = ts_config(x.lang)
        row = con.execute(
            f"INSERT INTO documents ({DOCUMENT_COLUMNS}, tsv) VALUES ("
            + "%s, " * len(values)
            + f"{_TSV}) ON CONFLICT (hash) DO NOTHING RETURNING pk, "
            # the ids of its events and statements, in the same round trip
            "ARRAY(SELECT nextval('events_id_seq') FROM generate_series(1, %s)), "
            "ARRAY(SELECT nextval('statements_id_seq') FROM generate_series(1, %s))",
            (
                *values, cfg, f"{doc.title or ''}\n{doc.text}", len(x.events),
                len(x.statements),
            ),
        ).fetchone()  # fmt: skip
        if row is None:  # stored by another writer meanwhile
            return None
        doc_pk, event_ids, statement_ids = row
        every = [m.place for m in x.mentions] + [e.place for e in x.events]
        for s in x.statements:
            every += [s.where_said, *s.places]
        # the document's mentions by place and role
        roles = role_counts((m.place.id, m.role) for m in x.mentions if m.place is not None)
        pks = self._place_pks(con, {p.id: p for p in every if p is not None}, roles)
        self._write_mentions(con, x, doc_pk, pks)
        self._write_events(con, x, doc_pk, pks, doc_days, cfg, sorted(event_ids))
        self._write_statements(con, x, doc_pk, pks, doc_days, cfg, sorted(statement_ids))
        self._apply_stored_corrections(con, doc_pk, doc_id)  # reviewers' corrections stick
        return doc_id

    @staticmethod
    def _place_pks(
        con: psycopg.Connection, places: dict[str, Place], counts: dict | None = None
    ) -> dict[str, int]:
        """The rows of the document's places, added when new (in the order of their ids); a
        place known by other names than the gazetteer now gives takes the new ones; ``counts``
        (place id -> mentions, literal, metonymic, country) are added to its counters."""
        if not places:
            return {}
        counts = counts or {}
        rows = []
        for pid in sorted(places):
            p = places[pid]
            rows.append(
                (
                    p.id, p.name, p.name_fr, p.name_en, fold(p.name),
                    fold(p.name_fr or "") or None, fold(p.name_en or "") or None, p.feature,
                    p.country_code, p.admin1, p.admin1_name, p.lat, p.lon,
                    *counts.get(pid, (0, 0, 0, 0)),
                )
            )  # fmt: skip
        cur = con.execute(_PLACE_UPSERT, [list(c) for c in zip(*rows, strict=True)])
        return {pid: pk for pk, pid in cur}

    @staticmethod
    def _write_mentions(con, x: Extracted, doc_pk: int, pks: dict[str, int]) -> None:
        rows = []
        written: dict[tuple[str, int], str] = {}
        for m in x.mentions:
            pk = pks[m.place.id] if m.place else None
            rows.append((m.start, m.end, m.text, m.role, float(m.score), m.reason or None, pk))
            if pk is not None and fold(m.text):
                written.setdefault((fold(m.text), pk), m.text)
        if rows:
            con.execute(
                'INSERT INTO mentions (doc_pk, start, "end", text, role, score, reason, '
                "place_pk) SELECT %b, u.s, u.e, u.t, u.r, u.sc, u.re, u.pk FROM unnest(%b::int[], %b::int[], %b::text[], "
                "%b::text[], %b::float8[], %b::text[], %b::bigint[]) WITH ORDINALITY AS u "
                "(s, e, t, r, sc, re, pk, n) ORDER BY u.n",
                [doc_pk, *(list(c) for c in zip(*rows, strict=True))],
            )
        if written:
            names = sorted(written.items())
            con.execute(
                "INSERT INTO place_names (name_fold, place_pk, name) SELECT * FROM "
                "unnest(%b::text[], %b::bigint[], %b::text[]) ON CONFLICT DO NOTHING",
                [[k for (k, _), _ in names], [pk for (_, pk), _ in names], [t for _, t in names]],
            )

    def _write_events(
        self, con, x: Extracted, doc_pk: int, pks, doc_days, cfg: str, ids: list[int]
    ) -> None:
        dmin, dmax = doc_days
        kinds: dict[tuple, int] = {}
        rows, reports = [], []
        for e in x.events:
            pk = pks[e.place.id] if e.place else None
            f = event_fields(e, doc_days)
            rows.append(
                (
                    doc_pk, e.type, e.subtype, json.dumps(list(e.secondary_types)),
                    e.date.value, e.date.precision, e.date.phrase, f.date_min, f.date_max,
                    json.dumps(f.labels, ensure_ascii=False), " ; ".join(f.labels),
                    f.actors_fold, e.fatalities, e.injured, pk,
                    e.place_precision if e.place else None, e.sentence, e.start, e.end,
                    float(e.confidence), e.location, f.geo_precision, f.time_precision,
                    f.actor1, f.actor2, f.interaction, e.fatalities_phrase, e.why, e.fatalities,
                    self._kind_code(con, e.type, e.subtype, kinds), f.date_min, f.date_max, cfg,
                    f"{e.sentence}\n{' ; '.join(f.labels)}",
                )
            )  # fmt: skip
            reports.append(event_report(e, f, doc_pk))
        if rows:
            con.execute(_EVENT_INSERT, [ids, *(list(c) for c in zip(*rows, strict=True))])
        located = [(eid, r) for eid, r in zip(ids, reports, strict=True) if r is not None]
        keys = merge_locks([r for _, r in located])
        if keys:
            # From here to the commit, one writer at a time where these events may merge: a
            # document's events are merged with every document committed before it, as one
            # SQLite writer after another would (two reports of one incident written at once
            # by two workers would not see each other). Taken in one order, after the places'
            # rows: no deadlock with another writer.
            con.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", (keys,))
        candidates = self._incident_candidates_many(con, [r for _, r in located])
        shown = []
        for (eid, r), found in zip(located, candidates, strict=True):
            if not self._merge_on_add(con, eid, r, found):
                shown.append(eid)
        self._show_events(con, shown, placed=True)  # their points written with them

    @staticmethod
    def _write_statements(
        con, x: Extracted, doc_pk: int, pks, doc_days, cfg: str, ids: list[int]
    ) -> None:
        if not x.statements:
            return
        dmin, dmax = doc_days
        rows, places = [], set()
        for sid, s in zip(ids, x.statements, strict=True):
            smin, smax = date_bounds(s.date.value)
            if smin is None:  # said when published, as far as we know
                smin, smax = dmin, dmax
            speaker = f"{s.speaker or ''} {s.speaker_role or ''}"
            rows.append(
                (
                    sid, s.quote, s.speaker, s.speaker_role, bool(s.indirect), s.date.value,
                    s.date.precision, smin, smax, pks[s.where_said.id] if s.where_said else None,
                    s.start, s.end, f"{s.quote}\n{speaker}", speaker,
                )
            )  # fmt: skip
            places.update((sid, pks[p.id]) for p in s.places)
        con.execute(
            "INSERT INTO statements (id, doc_pk, quote, speaker, speaker_role, indirect, date, "
            'date_precision, date_min, date_max, where_pk, start, "end", tsv, speaker_tsv) '
            "SELECT u.c0, %b, u.c1, u.c2, u.c3, u.c4, u.c5, u.c6, u.c7, u.c8, u.c9, u.c10, "
            "u.c11, to_tsvector(%b::regconfig, unaccent(u.c12)), "
            "to_tsvector(%b::regconfig, unaccent(u.c13)) FROM unnest(%b::bigint[], %b::text[], "
            "%b::text[], %b::text[], %b::bool[], %b::text[], %b::text[], %b::text[], %b::text[], "
            "%b::bigint[], %b::int[], %b::int[], %b::text[], %b::text[]) AS u "
            "(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13) ORDER BY u.c0",
            [doc_pk, cfg, cfg, *(list(c) for c in zip(*rows, strict=True))],
        )
        if places:
            sp = sorted(places)
            con.execute(
                "INSERT INTO statement_places (statement_id, place_pk) SELECT * FROM "
                "unnest(%b::bigint[], %b::bigint[]) ON CONFLICT DO NOTHING",
                [[a for a, _ in sp], [b for _, b in sp]],
            )

    def _kind_code(self, con, type_: str, subtype: str | None, cache: dict) -> int:
        """The code of an event's (type, subtype), created when new (under a lock: rare).
        Codes read from the table are kept for the store's life (a code never changes); one
        created here only for the document (its transaction may yet be rolled back)."""
        key = (type_.casefold(), (subtype or "").casefold())
        known = self._kinds.get(key)
        if known is not None:
            return known
        if key in cache:
            return cache[key]
        sql = "SELECT code FROM event_kinds WHERE type_key = %s AND subtype_key = %s"
        row = con.execute(sql, key).fetchone()
        if row is not None:
            self._kinds[key] = row[0]
            return row[0]
        con.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KINDS,))
        row = con.execute(sql, key).fetchone()  # created by another writer meanwhile?
        if row is None:
            same = con.execute(
                "SELECT max(code) FROM event_kinds WHERE type_key = %s", (key[0],)
            ).fetchone()[0]
            top = None
            if same is None:  # a new type: after the last code of all
                top = con.execute("SELECT max(code) FROM event_kinds").fetchone()[0]
            code = new_kind_code(same, top)
            row = con.execute(
                "INSERT INTO event_kinds (code, type, subtype, type_key, subtype_key) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING code",
                (code, type_, subtype or "", *key),
            ).fetchone()
        cache[key] = row[0]
        return row[0]

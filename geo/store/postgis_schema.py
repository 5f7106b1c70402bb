"""The PostGIS store's schema and its migrations: one list of steps, each bringing the database
from one version to the next in one transaction, under an advisory lock so that many processes
opening the same database at once migrate it once.

The tables are those of the SQLite store, in PostgreSQL's types: the points of places, and of
the events shown on the map, are ``geometry(Point, 4326)`` with GiST indexes; an event's days
are a ``daterange`` and its (type, subtype) an integer code, indexed with its point in one GiST
index (``btree_gist``), so that a bbox + dates + type query reads the events near in space, in
time and of about the right kind only; full text is a ``tsvector`` per row, built with the
French or English configuration by the document's language, over the text without accents
(``unaccent``), in GIN indexes.
"""

from __future__ import annotations

from geo.lang import SUPPORTED, get_language

# The extensions the schema needs: PostGIS (geometry), btree_gist (dates and kinds in the
# GiST index beside the point), unaccent (accents ignored by the full-text search).
EXTENSIONS = ("postgis", "btree_gist", "unaccent")

# PostgreSQL's own text search configurations (stemmers), named after the language in English
# as geo.lang names its languages ("French" -> french); a language it has none for: 'simple'.
PG_TEXT_CONFIGS = frozenset({
    "arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "finnish", "french",
    "german", "greek", "hindi", "hungarian", "indonesian", "irish", "italian", "lithuanian",
    "nepali", "norwegian", "portuguese", "romanian", "russian", "serbian", "spanish", "swedish",
    "tamil", "turkish", "yiddish",
})  # fmt: skip
TS_DEFAULT = "simple"


def ts_config(lang: str | None) -> str:
    """The text search configuration of a document in ``lang`` (a code of :mod:`geo.lang`).

    >>> ts_config("fr"), ts_config("xx")
    ('french', 'simple')
    """
    found = get_language(lang)
    name = found.name.lower() if found else ""
    return name if name in PG_TEXT_CONFIGS else TS_DEFAULT


def ts_configs() -> tuple[str, ...]:
    """Every configuration a document may be indexed with: 'simple' and each language's."""
    return tuple(dict.fromkeys((TS_DEFAULT, *(ts_config(code) for code in SUPPORTED))))


_V6 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    pk BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL UNIQUE,
    title TEXT, source TEXT, url TEXT, lang TEXT,
    published TEXT, published_precision TEXT, date_min TEXT, date_max TEXT,
    text TEXT NOT NULL,
    metadata JSONB NOT NULL DEFAULT '{}',
    ingested_at TEXT NOT NULL,
    n_mentions INTEGER NOT NULL DEFAULT 0,
    n_events INTEGER NOT NULL DEFAULT 0,
    n_statements INTEGER NOT NULL DEFAULT 0,
    tsv TSVECTOR NOT NULL
);
CREATE INDEX documents_date ON documents (date_min, date_max);
CREATE INDEX documents_published ON documents ((published IS NULL), published DESC, pk);
CREATE INDEX documents_tsv ON documents USING gin (tsv);
CREATE TABLE places (
    pk BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL, name_fr TEXT, name_fold TEXT NOT NULL, name_fr_fold TEXT,
    name_en TEXT, name_en_fold TEXT,
    feature TEXT, country_code TEXT, admin1 TEXT, admin1_name TEXT,
    lat DOUBLE PRECISION NOT NULL, lon DOUBLE PRECISION NOT NULL,
    geom geometry(Point, 4326) NOT NULL,
    n_mentions INTEGER NOT NULL DEFAULT 0,
    n_literal INTEGER NOT NULL DEFAULT 0,
    n_metonymic INTEGER NOT NULL DEFAULT 0,
    n_country INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX places_geom ON places USING gist (geom);
CREATE INDEX places_name ON places (name_fold);
CREATE INDEX places_name_fr ON places (name_fr_fold);
CREATE INDEX places_name_en ON places (name_en_fold);
CREATE INDEX places_country ON places (country_code);
CREATE INDEX places_admin1 ON places (admin1);
CREATE INDEX places_mentions ON places (n_mentions DESC, pk);
CREATE TABLE place_names (
    name_fold TEXT NOT NULL,
    place_pk BIGINT NOT NULL REFERENCES places (pk),
    name TEXT,
    PRIMARY KEY (name_fold, place_pk)
);
CREATE INDEX place_names_place ON place_names (place_pk);
CREATE TABLE mentions (
    id BIGSERIAL PRIMARY KEY,
    doc_pk BIGINT NOT NULL REFERENCES documents (pk),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    role TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, reason TEXT,
    place_pk BIGINT REFERENCES places (pk)
);
CREATE INDEX mentions_doc ON mentions (doc_pk);
CREATE INDEX mentions_place ON mentions (place_pk, doc_pk);
CREATE TABLE event_kinds (
    code INTEGER PRIMARY KEY,
    type TEXT NOT NULL, subtype TEXT NOT NULL,
    type_key TEXT NOT NULL, subtype_key TEXT NOT NULL,
    UNIQUE (type_key, subtype_key)
);
CREATE INDEX event_kinds_subtype ON event_kinds (subtype_key);
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    doc_pk BIGINT NOT NULL REFERENCES documents (pk),
    type TEXT NOT NULL, subtype TEXT,
    secondary_types JSONB NOT NULL DEFAULT '[]',
    date TEXT, date_precision TEXT, date_phrase TEXT, date_min TEXT, date_max TEXT,
    actors JSONB NOT NULL DEFAULT '[]', actors_text TEXT NOT NULL DEFAULT '',
    actors_fold TEXT NOT NULL DEFAULT '',
    fatalities INTEGER, injured INTEGER,
    place_pk BIGINT REFERENCES places (pk), precision TEXT,
    sentence TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    confidence DOUBLE PRECISION NOT NULL DEFAULT 0,
    location TEXT,
    geo_precision INTEGER, time_precision INTEGER,
    actor1 TEXT, actor2 TEXT, interaction INTEGER,
    fatalities_phrase TEXT, why TEXT,
    report_fatalities INTEGER,
    n_sources INTEGER NOT NULL DEFAULT 1,
    merged_into BIGINT,
    why_merged TEXT,
    kind INTEGER NOT NULL,              -- event_kinds.code of (type, subtype)
    days DATERANGE NOT NULL,            -- the days its date covers; unbounded when unknown
    geom geometry(Point, 4326),         -- its place's point while it is shown on the map
    tsv TSVECTOR NOT NULL
);
CREATE INDEX events_where_when_kind ON events USING gist (geom, days, kind)
    WHERE geom IS NOT NULL;
CREATE INDEX events_doc ON events (doc_pk);
CREATE INDEX events_date ON events (date_min, date_max);
CREATE INDEX events_date_max ON events (date_max);
CREATE INDEX events_type ON events (lower(type));
CREATE INDEX events_subtype ON events (lower(subtype));
CREATE INDEX events_place ON events (place_pk);
CREATE INDEX events_merged ON events (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX events_tsv ON events USING gin (tsv);
CREATE TABLE event_sources (
    event_id BIGINT NOT NULL,
    report_id BIGINT NOT NULL,
    doc_pk BIGINT NOT NULL REFERENCES documents (pk),
    why TEXT,
    PRIMARY KEY (event_id, report_id)
);
CREATE INDEX event_sources_report ON event_sources (report_id);
CREATE TABLE event_counts (
    place_pk BIGINT NOT NULL, type_key TEXT NOT NULL, type TEXT NOT NULL,
    n INTEGER NOT NULL, first_id BIGINT NOT NULL, precision TEXT,
    PRIMARY KEY (place_pk, type_key)
);
CREATE TABLE statements (
    id BIGSERIAL PRIMARY KEY,
    doc_pk BIGINT NOT NULL REFERENCES documents (pk),
    quote TEXT NOT NULL, speaker TEXT, speaker_role TEXT, indirect BOOLEAN NOT NULL,
    date TEXT, date_precision TEXT, date_min TEXT, date_max TEXT,
    where_pk BIGINT REFERENCES places (pk),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    tsv TSVECTOR NOT NULL,              -- quote, speaker and role
    speaker_tsv TSVECTOR NOT NULL       -- speaker and role: the actor filter
);
CREATE INDEX statements_doc ON statements (doc_pk);
CREATE INDEX statements_date ON statements (date_min, date_max);
CREATE INDEX statements_where ON statements (where_pk);
CREATE INDEX statements_tsv ON statements USING gin (tsv);
CREATE INDEX statements_speaker_tsv ON statements USING gin (speaker_tsv);
CREATE TABLE statement_places (
    statement_id BIGINT NOT NULL REFERENCES statements (id),
    place_pk BIGINT NOT NULL REFERENCES places (pk),
    PRIMARY KEY (statement_id, place_pk)
);
CREATE INDEX statement_places_place ON statement_places (place_pk);
"""

# Schema 7: the reviewers' corrections (geo.store.postgis_review; SQLite's: sqlite_review).
_V7 = """
CREATE TABLE IF NOT EXISTS corrections (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    target TEXT NOT NULL,
    target_id BIGINT,
    before_json TEXT NOT NULL, after_json TEXT NOT NULL,
    reviewer TEXT NOT NULL, note TEXT, created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    status_detail TEXT, checked_at TEXT
);
CREATE INDEX IF NOT EXISTS corrections_doc ON corrections (doc_id, created_at);
CREATE INDEX IF NOT EXISTS corrections_reviewer ON corrections (reviewer);
CREATE INDEX IF NOT EXISTS corrections_created ON corrections (created_at);
"""

# Schema 8: an event's earlier reports at a province are found by place and date (the events
# of a few days at the places of one province), not among every event of those days.
_V8 = """
CREATE INDEX IF NOT EXISTS events_place_date ON events (place_pk, date_min);
DROP INDEX IF EXISTS events_place;
"""

# The steps (from version, to version, SQL): None is an empty database. The first PostGIS
# schema is the SQLite store's version 6; a later change of the schema appends its step here.
MIGRATIONS: tuple[tuple[int | None, int, str], ...] = (
    (None, 6, _V6),
    (6, 7, _V7),
    (7, 8, _V8),
)

"""Where extracted documents live: the :class:`Store` contract and its backends.

- :mod:`geo.store.base`: the contract (the interface, the row shapes, :class:`EventFilter`, the
  schema version, the checks of a bbox, a day, a page);
- :mod:`geo.store.sqlite`: one SQLite file, the embedded default;
- :mod:`geo.store.postgis`: a PostgreSQL/PostGIS server shared by many readers and writers.

:func:`open_store` picks the backend from a URL: a file path or ``sqlite:///path`` for SQLite,
``postgresql://user@host:port/db`` for PostGIS.

Example
-------
>>> store = open_store("news.sqlite")                               # doctest: +SKIP
>>> store.add(Extractor().extract(doc))                              # doctest: +SKIP
'afp-001'
>>> rows, total = store.events(bbox=(35.0, 35.0, 38.0, 37.0), type="Battles")  # doctest: +SKIP
"""

from __future__ import annotations

import os

from geo.store.base import (
    ENV_DB,
    EVENT_FILTERS,
    EVENT_KEYS,
    GEO_PRECISION_CODES,
    SCHEMA_VERSION,
    STATEMENT_KEYS,
    TIME_PRECISION_CODES,
    EventFilter,
    Store,
    date_bounds,
    default_db_path,
    parse_bbox,
    text_hash,
)
from geo.store.sqlite import SQLiteStore, fts_query

__all__ = [
    "ENV_DB",
    "EVENT_FILTERS",
    "EVENT_KEYS",
    "GEO_PRECISION_CODES",
    "SCHEMA_VERSION",
    "STATEMENT_KEYS",
    "TIME_PRECISION_CODES",
    "EventFilter",
    "SQLiteStore",
    "Store",
    "date_bounds",
    "default_db_path",
    "fts_query",
    "open_store",
    "parse_bbox",
    "text_hash",
]


def open_store(url: str | os.PathLike | None = None) -> Store:
    """The store at ``url`` (default: ``$CONFLICTMAP_DB``, else :func:`default_db_path`).

    A file path or ``sqlite:///path`` opens (creates) an SQLite file; ``postgresql://...``
    (or ``postgres://``) connects to a PostGIS database and creates the schema when missing.

    Raises
    ------
    ConfigError
        The file or database is not a conflictmap store, was written by a newer version, or
        the server cannot be reached.
    """
    if url is None:
        url = default_db_path()
    text = os.fspath(url)
    if text.startswith(("postgresql://", "postgres://")):
        from geo.store.postgis import PostGISStore

        return PostGISStore(text)
    if text.startswith("sqlite://"):
        text = text[len("sqlite://") :]
        if not text.startswith("/"):
            from geo.errors import ConfigError

            raise ConfigError(f"an SQLite URL is sqlite:///path/to/file, not {os.fspath(url)!r}")
    return SQLiteStore(text)

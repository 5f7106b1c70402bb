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
import re
from pathlib import Path  # noqa: F401 - the doctest

from geo import settings
from geo.errors import ConfigError
from geo.store.base import (
    EVENT_FILTERS,
    EVENT_KEYS,
    GEO_PRECISION_CODES,
    SCHEMA_VERSION,
    STATEMENT_KEYS,
    TIME_PRECISION_CODES,
    EventFilter,
    Store,
    date_bounds,
    parse_bbox,
    text_hash,
)
from geo.store.sqlite import SQLiteStore, fts_query

__all__ = [
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
    "fts_query",
    "is_server_url",
    "open_store",
    "parse_bbox",
    "store_location",
    "text_hash",
]


_PG_URL = re.compile(r"^postgres(?:ql)?:/+", re.IGNORECASE)
_SQLITE_URL = re.compile(r"^sqlite:/*", re.IGNORECASE)


def store_location(url: str | os.PathLike | None = None) -> str:
    """Where :func:`open_store` goes for ``url``: a ``postgresql://`` URL as given, else the
    SQLite file's path (``sqlite:///data/x.sqlite`` is ``/data/x.sqlite``). None:
    the ``db`` setting (``$CONFLICTMAP_DB``, else ``conflictmap.sqlite`` in the data
    directory: :mod:`geo.settings`). A URL that went through a ``Path`` (which folds ``//``
    into ``/``) is read as the URL it was.

    >>> store_location("postgresql://cm@db:5432/news"), store_location("sqlite:///data/x.sqlite")
    ('postgresql://cm@db:5432/news', '/data/x.sqlite')
    >>> store_location(Path("postgresql://cm@db/news")), store_location("x.sqlite")
    ('postgresql://cm@db/news', 'x.sqlite')
    """
    if url is None:
        url = settings.value("db")
    text = os.fspath(url)
    if m := _PG_URL.match(text):
        return "postgresql://" + text[m.end() :]
    if m := _SQLITE_URL.match(text):
        rest = text[m.end() :]
        if not rest:
            raise ConfigError(f"an SQLite URL is sqlite:///path/to/file, not {text!r}")
        return "/" + rest
    return text


def is_server_url(location: str) -> bool:
    """True for a database server's URL (PostGIS), False for an SQLite file."""
    return location.startswith("postgresql://")


def open_store(url: str | os.PathLike | None = None) -> Store:
    """The store at ``url``: an SQLite file path, ``sqlite:///path``, or a PostGIS database
    ``postgresql://user[:password]@host[:port]/database`` (default: the ``db`` setting,
    ``$CONFLICTMAP_DB``, else ``conflictmap.sqlite`` in the data directory). An SQLite file is
    created when missing, a PostGIS database gets its schema when it has none.

    Raises
    ------
    ConfigError
        The file or database is not a conflictmap store, was written by a newer version, or
        the server cannot be reached.
    """
    location = store_location(url)
    if is_server_url(location):
        from geo.store.postgis import PostGISStore

        return PostGISStore(location)
    return SQLiteStore(location)

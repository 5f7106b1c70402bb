"""The served app's limits, declared once: request bodies, snapshot sizes, heavy work at a time.

The app (``web.create_app``), the server (``conflictmap serve``) and the command line read
these; nothing else repeats the numbers.

Heavy requests (a snapshot drawn with matplotlib) take a *slot* of their kind for as long as they
run. Past the kind's number of slots the request is answered at once with 503, a
``Retry-After`` header and a JSON message: it never waits in a queue holding one of the
server's threads, so light requests (``/api/events``) keep their latency during a burst.

Example
-------
>>> slots = Slots("snapshot", 1)
>>> with slots.take():
...     pass                            # draw the map; a second request meanwhile gets Busy
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from geo.errors import ConflictmapError

# Request bodies (a POSTed article): the app answers 413 past this, and waitress refuses the
# body before reading it (``conflictmap serve`` passes the same number).
MAX_BODY_BYTES = 2 * 1024 * 1024

# Snapshot images, in pixels per side (the command line and /snapshot.png check the same
# range). 2000 x 2000 is a full page at 200 dpi; 4000 x 4000 took four times the memory and
# the time for no reader's benefit.
SNAPSHOT_MIN_SIZE = 100
SNAPSHOT_MAX_SIZE = 2000
# A PNG snapshot's resolution (its pixels stay within the sizes above); its layout is drawn at
# 100 dpi, so that width x height at 200 dpi is twice as many pixels a side.
SNAPSHOT_DPI = 100
SNAPSHOT_MIN_DPI = 72
SNAPSHOT_MAX_DPI = 600
# Paper presets: the page in pixels at 100 dpi (A4 is 297 x 210 mm, letter 11 x 8.5 in).
SNAPSHOT_PAPERS = {
    "a4": (1169, 827),
    "a4-portrait": (827, 1169),
    "letter": (1100, 850),
    "letter-portrait": (850, 1100),
}

# Rows a map reads at most for one layer: the statements (the web map and a snapshot) and the
# places a snapshot draws (the web map draws the most mentioned, web.maps.MAP_PLACES).
MAX_STATEMENTS = 2_000
SNAPSHOT_PLACES = 5_000

# Heavy requests of each kind running at once (drawing, or waiting for the drawing lock).
SLOTS: dict[str, int] = {
    "snapshot": 2,
    # exports of the store (/export/events.*), held while the file is written or the text
    # streamed: a full export is seconds of SQLite (and GDAL) work, and its temporary files
    "export": 2,
}

# What a refused heavy request is told to wait, in seconds.
RETRY_AFTER_SECONDS = 5

# Heavy requests anyone may make: past these, the request needs the API token (401 without it,
# 403 when the server has none) or a smaller ask, which the JSON message says how to make.
# The app's settings of the same names change them (create_app({"EXPORT_OPEN_ROWS": ...})).
OPEN: dict[str, int] = {
    "EXPORT_OPEN_ROWS": 50_000,  # events in one /export/events.* file
    "SNAPSHOT_OPEN_PIXELS": 2_000_000,  # width x height of a snapshot (a PNG's at its dpi)
}
# Snapshots kept, by their parameters and the store's data stamp (a write forgets them): at
# most this many, and this many bytes in all.
SNAPSHOT_CACHE_ENTRIES = 32
SNAPSHOT_CACHE_BYTES = 64 * 1024 * 1024


def open_limit(name: str, config: dict | None = None) -> int:
    """The threshold ``name`` (a key of :data:`OPEN`): the app's setting, else the default."""
    value = (config or {}).get(name)
    return OPEN[name] if value is None else int(value)


class Forbidden(ConflictmapError):
    """A request past what anyone may ask, on a server with no API token: 403."""

    status = 403


class Busy(ConflictmapError):
    """Every slot of a kind of heavy request is taken: 503, try again later."""

    status = 503

    def __init__(self, message: str, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Slots:
    """At most ``size`` requests of one kind at a time; the next ones are refused, not queued."""

    def __init__(self, kind: str, size: int) -> None:
        if size < 1:
            raise ValueError(f"{kind}: at least one slot, not {size}")
        self.kind = kind
        self.size = size
        self._sem = threading.BoundedSemaphore(size)

    @contextmanager
    def take(self) -> Iterator[None]:
        """Hold a slot for the ``with`` block, or raise :class:`Busy` when none is free."""
        if not self._sem.acquire(blocking=False):
            raise Busy(
                f"the server is busy: {self.size} {self.kind} request(s) already running; "
                f"try again in {RETRY_AFTER_SECONDS} s"
            )
        try:
            yield
        finally:
            self._sem.release()

"""Snapshots kept in memory by their parameters and the store's data stamp, so that the same map
asked again (a report's link opened by many readers) is sent without drawing it again.

The cache is bounded by entries and bytes (:data:`web.limits.SNAPSHOT_CACHE_ENTRIES`,
:data:`web.limits.SNAPSHOT_CACHE_BYTES`), least recently used first out. A key holds the
store's :meth:`~geo.store.base.Store.data_stamp`: any write to the store makes the next request
a new drawing, and a store that cannot tell when it changed (a stamp of None) is never cached.

Example
-------
>>> cache = SnapshotCache(entries=2, max_bytes=10)
>>> cache.put(("a",), b"12345"); cache.get(("a",))
b'12345'
>>> cache.put(("b",), b"123456"); cache.get(("a",)) is None   # over 10 bytes: the oldest goes
True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class SnapshotCache:
    """A thread-safe LRU of image bytes, at most ``entries`` of them and ``max_bytes`` in all."""

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: Hashable, data: bytes) -> None:
        if len(data) > self.max_bytes or self.entries < 1:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            self._items[key] = data
            self._bytes += len(data)
            while len(self._items) > self.entries or self._bytes > self.max_bytes:
                _, gone = self._items.popitem(last=False)
                self._bytes -= len(gone)

    def __len__(self) -> int:
        return len(self._items)


def snapshot_key(store, fmt: str, parsed: dict) -> tuple | None:
    """The cache key of a snapshot: the store, its data stamp, the format and every parsed
    parameter; None when the store cannot tell when it changes (nothing is kept)."""
    stamp = store.data_stamp()
    if stamp is None:
        return None
    return (store.location, stamp, fmt, tuple(sorted((k, repr(v)) for k, v in parsed.items())))


def app_cache() -> SnapshotCache:
    """The current app's cache (created on first use, sized by ``web.limits`` or the app's
    ``SNAPSHOT_CACHE_ENTRIES`` and ``SNAPSHOT_CACHE_BYTES`` settings)."""
    from flask import current_app

    from web import limits

    ext = current_app.extensions
    if "conflictmap_snapshots" not in ext:
        cfg = current_app.config
        ext["conflictmap_snapshots"] = SnapshotCache(
            int(cfg.get("SNAPSHOT_CACHE_ENTRIES", limits.SNAPSHOT_CACHE_ENTRIES)),
            int(cfg.get("SNAPSHOT_CACHE_BYTES", limits.SNAPSHOT_CACHE_BYTES)),
        )
    return ext["conflictmap_snapshots"]

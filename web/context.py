"""What a request handler needs from its app: the store, the gazetteer, the extractor, a slot
for a heavy request, the response's CSP nonce, and text made safe for a log line.

The app factory (:func:`web.create_app`) puts a :class:`State` in ``app.extensions``; the
blueprints read it through these functions, so no module of ``web`` imports the package back
(its import graph has no circle: ``tests/test_web_imports.py``).
"""

from __future__ import annotations

import secrets
import threading

from flask import Flask, current_app, g

from web import limits


class State:
    """Per-app resources opened lazily: a store per thread (SQLite), the extractor."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.local = threading.local()
        self.lock = threading.Lock()
        self.extractor = app.config.get("EXTRACTOR")
        self.stores: list = []
        sizes = dict(limits.SLOTS)
        sizes.update(app.config.get("SLOTS") or {})
        self.slots = {kind: limits.Slots(kind, n) for kind, n in sizes.items()}

    def store(self):
        shared = self.app.config.get("STORE")
        if shared is not None:
            return shared
        st = getattr(self.local, "store", None)
        if st is None:
            from geo.store import open_store

            st = open_store(self.app.config.get("DB"))
            self.local.store = st
            with self.lock:
                self.stores.append(st)
        return st

    def get_extractor(self):
        with self.lock:
            if self.extractor is None:
                from geo.pipeline import Extractor

                self.extractor = Extractor()
            return self.extractor

    def close(self) -> None:
        with self.lock:
            for st in self.stores:
                st.close()
            self.stores.clear()


def _state() -> State:
    return current_app.extensions["conflictmap"]


def get_store():
    """The store of the current app (one SQLite connection per thread)."""
    return _state().store()


def get_gazetteer():
    """The gazetteer of the current app (shared, opened on first use)."""
    from gazetteer.lookup import get_gazetteer as shared

    return shared(current_app.config.get("GAZETTEER"))


def get_extractor():
    """The extractor (spaCy and the gazetteer loaded once, on the first POST)."""
    return _state().get_extractor()


def heavy(kind: str):
    """A slot for one heavy request of ``kind`` (a key of :data:`web.limits.SLOTS`), held for a
    ``with`` block; :class:`web.limits.Busy` (503 with ``Retry-After``) when all are taken::

        with heavy("snapshot"):
            render_snapshot(...)
    """
    return _state().slots[kind].take()


def printable(value: object, limit: int = 200) -> str:
    """``value`` as text safe for a log line or a one-line message: control and invisible
    formatting characters escaped (``\\n``, ``\\x00``, ``\\u202e``), cut at ``limit``."""
    import unicodedata

    text = str(value)[:limit]
    return "".join(
        c if unicodedata.category(c) not in _UNPRINTABLE else repr(c)[1:-1] for c in text
    )


_UNPRINTABLE = ("Cc", "Cf", "Cs", "Zl", "Zp")


def csp_nonce() -> str:
    """A fresh nonce for this response's inline scripts (the Folium page needs them)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce

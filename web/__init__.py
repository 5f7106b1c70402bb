"""The Flask app: the map page, document pages, the JSON API, exports and snapshots.

Nothing is read at import time: :func:`create_app` takes its settings, and the store, the
gazetteer and the extractor are opened on first use.

Example
-------
>>> app = create_app({"DB": "conflictmap.sqlite", "API_TOKEN": "s3cret"})   # doctest: +SKIP
>>> app.test_client().get("/api/events?limit=5").json["type"]                 # doctest: +SKIP
'FeatureCollection'
"""

from __future__ import annotations

import logging
import secrets
import threading
from typing import Any

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from geo.lang import DEFAULT

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "DB": None,  # path of the SQLite store; None: geo.store's default path
    "STORE": None,  # a geo.store.Store object (used as is, shared by every thread)
    "GAZETTEER": None,  # path of the gazetteer; None: gazetteer.lookup's default path
    "API_TOKEN": None,  # Bearer token that POST /api/documents requires; None: writes refused
    "EXTRACTOR": None,  # a geo.pipeline.Extractor; None: created on the first POST
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # largest request body (POSTed article), bytes
    "OSM_TILES": True,  # offer OpenStreetMap tiles as an optional (off by default) base layer
    "LANG": DEFAULT,  # the map's language (its places' names); a page's ?lang= overrides it
    "TESTING": False,
}

OSM_TILE_ORIGIN = "https://tile.openstreetmap.org"


class _State:
    """Per-app resources opened lazily: a store per thread (SQLite), the extractor."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.local = threading.local()
        self.lock = threading.Lock()
        self.extractor = app.config.get("EXTRACTOR")
        self.stores: list = []

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


def _state() -> _State:
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


def csp_nonce() -> str:
    """A fresh nonce for this response's inline scripts (the Folium page needs them)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str | None, *, embeddable: bool, tiles: bool) -> str:
    """The CSP of an HTML page: only the app's own scripts, styles, fonts and data.

    Scripts: the app's files plus inline scripts carrying this response's nonce (Folium writes
    the map as inline script). Styles allow 'unsafe-inline': Folium writes ``<style>`` blocks and
    Leaflet's controls carry style attributes; no script can run from a style. Images: the app,
    ``data:`` (Leaflet's icons) and, when the optional layer is offered, OpenStreetMap's tiles.
    """
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    img = "'self' data:" + (f" {OSM_TILE_ORIGIN}" if tiles else "")
    parts = [
        "default-src 'none'",
        f"script-src {script}",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {img}",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
    if not embeddable:
        parts.append("frame-ancestors 'self'")
    return "; ".join(parts)


def _error(message: str, status: int):
    resp = jsonify({"error": message})
    resp.status_code = status
    return resp


def create_app(config: dict | None = None) -> Flask:
    """Build the app.

    Parameters
    ----------
    config:
        Overrides of :data:`DEFAULTS`: ``DB`` (store path) or ``STORE`` (a Store object),
        ``GAZETTEER``, ``API_TOKEN``, ``EXTRACTOR``, ``MAX_CONTENT_LENGTH``, ``OSM_TILES``,
        ``LANG``, ``TESTING``.

    Returns
    -------
    flask.Flask
        Serve it with waitress (``conflictmap serve``); never with Flask's debug server.
    """
    from geo.errors import ConflictmapError
    from web import api, assets, ogcapi, pages, snapshot

    app = Flask(__name__, static_folder=None)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.config["DEBUG"] = False
    app.json.sort_keys = False
    app.extensions["conflictmap"] = _State(app)
    assets.configure_folium()
    missing = assets.missing_required()
    if missing:
        log.warning("map assets not installed: %s (the map page will not render)", missing)

    app.register_blueprint(assets.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(snapshot.bp)
    app.register_blueprint(ogcapi.bp)

    @app.errorhandler(ConflictmapError)
    def _conflictmap_error(exc: ConflictmapError):
        if exc.status >= 500:
            log.error("%s: %s", type(exc).__name__, exc.message)
            return _error("internal error; see the server log", exc.status)
        return _error(exc.message, exc.status)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return _error(exc.description or exc.name, exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _error("internal server error", 500)

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if resp.mimetype == "text/html":
            nonce = g.get("csp_nonce")
            embeddable = bool(g.get("embeddable"))
            resp.headers["Content-Security-Policy"] = content_security_policy(
                nonce, embeddable=embeddable, tiles=bool(app.config.get("OSM_TILES"))
            )
            if not embeddable:
                resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        elif "Content-Security-Policy" not in resp.headers:
            resp.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        return resp

    return app

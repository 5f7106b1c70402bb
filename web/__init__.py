"""The Flask app: the map page, document pages, the JSON API, exports and snapshots.

Nothing is read at import time: :func:`create_app` takes its settings, and the store, the
gazetteer and the extractor are opened on first use.

Links: absolute URLs (``next``/``self`` links, the embed code, the OpenAPI ``servers``, the
``Location`` of a POST, redirects) are built from ``PUBLIC_URL`` when it is set, else from the
request's ``Host``, which must then be one of ``ALLOWED_HOSTS`` (default: the loopback names;
``conflictmap serve`` adds the address it is bound to). Any other ``Host`` is answered 400 before
the app sees the request.

Example
-------
>>> app = create_app({"DB": "conflictmap.sqlite", "API_TOKEN": "s3cret"})   # doctest: +SKIP
>>> app.test_client().get("/api/events?limit=5").json["type"]                 # doctest: +SKIP
'FeatureCollection'
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from geo.errors import AuthError
from geo.lang import DEFAULT
from web import limits
from web.context import (  # what the blueprints read, re-exported for the app's users
    State,
    csp_nonce,
    get_extractor,
    get_gazetteer,
    get_store,
    heavy,
    printable,
)
from web.hosts import LOOPBACK_HOSTS, HostGuard, PublicURL, parse_public_url

__all__ = [
    "DEFAULTS",
    "LOOPBACK_HOSTS",
    "HostGuard",
    "PublicURL",
    "content_security_policy",
    "create_app",
    "csp_nonce",
    "get_extractor",
    "get_gazetteer",
    "get_store",
    "heavy",
    "parse_public_url",
    "printable",
]

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "DB": None,  # path of the SQLite store; None: geo.store's default path
    "STORE": None,  # a geo.store.Store object (used as is, shared by every thread)
    "GAZETTEER": None,  # path of the gazetteer; None: gazetteer.lookup's default path
    "API_TOKEN": None,  # Bearer token that POST /api/documents requires; None: writes refused
    "EXTRACTOR": None,  # a geo.pipeline.Extractor; None: created on the first POST
    "MAX_CONTENT_LENGTH": limits.MAX_BODY_BYTES,  # largest request body (POSTed article), bytes
    "SLOTS": None,  # heavy requests at once, by kind; None: web.limits.SLOTS
    "PUBLIC_URL": None,  # e.g. "https://maps.example.org": absolute links are built from it
    "ALLOWED_HOSTS": None,  # Host header values answered (port ignored); None: LOOPBACK_HOSTS
    "OSM_TILES": True,  # offer OpenStreetMap tiles as an optional (off by default) base layer
    "LANG": DEFAULT,  # the map's language (its places' names); a page's ?lang= overrides it
    "TESTING": False,
}

OSM_TILE_ORIGIN = "https://tile.openstreetmap.org"
BEARER_CHALLENGE = 'Bearer realm="conflictmap"'


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
    from web.pages import error_page  # a browser's page: HTML in the app's style

    page = error_page(message, status)
    if page is not None:
        return page
    resp = jsonify({"error": message})
    resp.status_code = status
    return resp


def create_app(config: dict | None = None) -> Flask:
    """Build the app.

    Parameters
    ----------
    config:
        Overrides of :data:`DEFAULTS`: ``DB`` (store path) or ``STORE`` (a Store object),
        ``GAZETTEER``, ``API_TOKEN``, ``EXTRACTOR``, ``MAX_CONTENT_LENGTH``, ``SLOTS``,
        ``PUBLIC_URL``, ``ALLOWED_HOSTS``, ``OSM_TILES``, ``LANG``, ``TESTING``.

    Returns
    -------
    flask.Flask
        Serve it with waitress (``conflictmap serve``); never with Flask's debug server.
    """
    from geo.errors import ConflictmapError
    from web import (
        api,
        assets,
        ogcapi,
        openapi,
        pages,
        review_api,
        review_pages,
        snapshot,
        timeline,
    )

    app = Flask(__name__, static_folder=None)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.config["DEBUG"] = False
    app.json.sort_keys = False
    app.extensions["conflictmap"] = State(app)
    assets.configure_folium()
    missing = assets.missing_required()
    if missing:
        log.warning("map assets not installed: %s (the map page will not render)", missing)

    app.register_blueprint(assets.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)  # /openapi.json
    app.register_blueprint(pages.bp)
    app.register_blueprint(snapshot.bp)
    app.register_blueprint(ogcapi.bp)
    app.register_blueprint(timeline.bp)  # the map's timeline, layers and counts
    app.register_blueprint(review_api.bp)  # reviewers' corrections and their trail
    app.register_blueprint(review_pages.bp)  # reviewers' sign-in, the page's review tools
    review_pages.configure(app)  # the review session's key and cookie
    allowed = app.config.get("ALLOWED_HOSTS")
    app.wsgi_app = HostGuard(  # type: ignore[method-assign]
        app.wsgi_app,
        LOOPBACK_HOSTS if allowed is None else allowed,
        app.config.get("PUBLIC_URL"),
    )

    @app.errorhandler(ConflictmapError)
    def _conflictmap_error(exc: ConflictmapError):
        if isinstance(exc, limits.Busy):
            resp = _error(exc.message, exc.status)
        elif exc.status >= 500:
            log.error("%s: %s", type(exc).__name__, printable(exc.message, 500))
            resp = _error("internal error; see the server log", exc.status)
        else:
            resp = _error(exc.message, exc.status)
        if exc.status == 503:  # busy (heavy requests, the store's write lock): when to retry
            resp.headers["Retry-After"] = str(
                getattr(exc, "retry_after", limits.RETRY_AFTER_SECONDS)
            )
        if isinstance(exc, AuthError):
            resp.headers["WWW-Authenticate"] = BEARER_CHALLENGE
        return resp

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return _error(exc.description or exc.name, exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, printable(request.path))
        return _error("internal server error", 500)

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if "Cache-Control" not in resp.headers:
            # pages carry a per-response CSP nonce and the store's current data: a browser may
            # keep them but must ask again, a shared cache must not keep them; errors: nothing
            resp.headers["Cache-Control"] = (
                "no-store" if resp.status_code >= 400 else "private, no-cache"
            )
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

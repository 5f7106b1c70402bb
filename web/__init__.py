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
import re
import secrets
import threading
from collections.abc import Iterable
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from geo.errors import AuthError, ConfigError
from geo.lang import DEFAULT
from web import limits

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
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
BEARER_CHALLENGE = 'Bearer realm="conflictmap"'


class _State:
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


# -- the Host header and the public address -----------------------------------------------------
_HOST_RE = re.compile(
    r"(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9._-]+))(?::(?P<port>[0-9]{1,5}))?", re.I
)


def _host_name(value: str) -> str | None:
    """The name in a ``Host`` value (``example.org:8000``, ``[::1]:80``), lower-case, without its
    port or final dot; None when it is not a host name or address."""
    m = _HOST_RE.fullmatch(value.strip())
    if m is None or (m["port"] and not 0 < int(m["port"]) < 65536):
        return None
    return (m["v6"] or m["name"]).lower().rstrip(".") or None


def _allowed_names(hosts: Iterable[str]) -> tuple[str, ...]:
    out = []
    for h in hosts:
        h = h.strip().lower()
        if not h:
            continue
        if h == "*" or h.startswith("."):
            out.append(h.rstrip("."))
            continue
        name = _host_name(h) or _host_name(f"[{h}]")  # an IPv6 address given bare
        if name is None:
            raise ConfigError(f"not a host name or address: {printable(h, 80)!r}")
        out.append(name)
    return tuple(out)


class PublicURL(NamedTuple):
    scheme: str  # http or https
    netloc: str  # host[:port], as the links show it
    host: str
    port: int


def parse_public_url(url: str) -> PublicURL:
    """``https://maps.example.org`` -> its parts, or :class:`ConfigError`."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or port == -1
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or _host_name(parts.netloc) is None
    ):
        # no path: the pages load /assets/... and /data/... from the root of the host
        raise ConfigError(
            f"the public URL must be http(s)://host[:port] (served at the root of the host), "
            f"not {printable(url, 80)!r}"
        )
    default = 443 if parts.scheme == "https" else 80
    return PublicURL(parts.scheme, parts.netloc.lower(), parts.hostname, port or default)


class HostGuard:
    """WSGI middleware in front of the app: a ``Host`` outside the allowed names gets 400; with
    a public URL, the request is seen by the app as addressed to it (scheme, host and port), so
    every absolute link Flask and Werkzeug build starts with it.

    Werkzeug's own ``TRUSTED_HOSTS`` check (Flask 3.1) is not used: it runs after this
    rewrite, and it cannot match an IPv6 address.
    """

    def __init__(self, wsgi_app, allowed: Iterable[str], public_url: str | None) -> None:
        self.wsgi_app = wsgi_app
        self.public = parse_public_url(public_url) if public_url else None
        names = list(allowed)
        if self.public:
            names.append(self.public.host)
        self.allowed = _allowed_names(names)

    def allows(self, host: str) -> bool:
        if "*" in self.allowed:
            return _host_name(host) is not None
        name = _host_name(host)
        if name is None:
            return False
        return any(
            name == a or (a.startswith(".") and (name.endswith(a) or name == a[1:]))
            for a in self.allowed
        )

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST")
        if host is not None and not self.allows(host):
            log.debug("refused a request for host %r", printable(host, 100))
            return self._refuse(environ, start_response)
        public = self.public
        if public:
            environ["wsgi.url_scheme"] = public.scheme
            environ["HTTP_HOST"] = public.netloc
            environ["SERVER_NAME"], environ["SERVER_PORT"] = public.host, str(public.port)
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _refuse(environ, start_response):
        import json

        body = json.dumps(
            {
                "error": "this server does not answer to that Host; use the address it serves "
                "on (start it with --allowed-hosts or --public-url to add names)"
            }
        )
        resp = WerkzeugResponse(body, status=400, mimetype="application/json")
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        return resp(environ, start_response)


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
    from web import api, assets, ogcapi, pages, review_api, review_pages, snapshot, timeline

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

"""The ``Host`` header and the public address: :class:`HostGuard`, the WSGI middleware that
answers 400 to a ``Host`` outside the allowed names and, with a public URL, makes the app see
every request as addressed to it (so that every absolute link starts with it).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import urlsplit

from werkzeug.wrappers import Response as WerkzeugResponse

from geo.errors import ConfigError
from web.context import printable

log = logging.getLogger("web")

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")

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

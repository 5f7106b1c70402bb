"""Every setting conflictmap reads from the environment, declared once: its name, its
environment variable, its default and its help.

Every command and the app read a setting through :func:`value` (or :func:`path`), never
``os.environ``; the command line's help (``conflictmap --help``, the options that a setting
backs) and ``conflictmap settings`` are written from :data:`SETTINGS`, and a test checks that
no ``CONFLICTMAP_*`` variable is read anywhere without being declared here. An empty variable
counts as unset.

This module imports nothing of the project, so every layer (``gazetteer``, ``geo``, ``web``)
may read it.

Example
-------
>>> SETTINGS["db"].env
'CONFLICTMAP_DB'
>>> value("db", {"CONFLICTMAP_DB": "news.sqlite"}), source("db", {"CONFLICTMAP_DB": "news.sqlite"})
('news.sqlite', '$CONFLICTMAP_DB')
>>> source("db", {}), value("public_url", {})
('default', None)
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SETTINGS", "Setting", "path", "shown", "source", "value"]

PREFIX = "CONFLICTMAP_"


@dataclass(frozen=True)
class Setting:
    """One setting: ``name`` (what the code asks for), ``env`` (the variable that sets it),
    ``default`` (computed when read; None: unset), ``shown_default`` (the default as the help
    says it) and ``help`` (one or two sentences). A ``secret`` one is never printed."""

    name: str
    env: str
    help: str
    shown_default: str
    default: Callable[[Mapping[str, str]], str | None] = lambda environ: None
    secret: bool = False

    def describe(self, lead: str | None = None, *, variable: bool = True) -> str:
        """``lead`` (else the help), then where the value comes from: the variable (unless
        ``variable`` is false), else the default.

        >>> SETTINGS["gazetteer"].describe("Gazetteer file.")
        'Gazetteer file. Default: $CONFLICTMAP_GAZETTEER, else gazetteer.sqlite in the data directory.'
        """
        where = f"${self.env}, else {self.shown_default}" if variable else self.shown_default
        return f"{lead or self.help} Default: {where}."


def _platform_home(environ: Mapping[str, str]) -> str:
    from platformdirs import user_data_dir

    return user_data_dir("conflictmap", appauthor=False)


def _in_home(name: str) -> Callable[[Mapping[str, str]], str]:
    return lambda environ: str(path("home", environ) / name)


def _web_node_modules(environ: Mapping[str, str]) -> str:
    """``node_modules`` of the installed ``web`` package (found without importing it)."""
    spec = importlib.util.find_spec("web")
    folder = Path(next(iter(spec.submodule_search_locations))) if spec else Path("web")
    return str(folder / "node_modules")


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "home",
            PREFIX + "HOME",
            "The data directory: the gazetteer and the default store live there.",
            "the platform's user data directory (~/.local/share/conflictmap on Linux)",
            _platform_home,
        ),
        Setting(
            "gazetteer",
            PREFIX + "GAZETTEER",
            "The gazetteer file, built there on first use.",
            "gazetteer.sqlite in the data directory",
            _in_home("gazetteer.sqlite"),
        ),
        Setting(
            "db",
            PREFIX + "DB",
            "The store: an SQLite file, sqlite:///path or postgresql://user@host:port/db.",
            "conflictmap.sqlite in the data directory",
            _in_home("conflictmap.sqlite"),
        ),
        Setting(
            "api_token",
            PREFIX + "API_TOKEN",
            "The Bearer token the API's write endpoints require.",
            "none (writes refused)",
            secret=True,
        ),
        Setting(
            "public_url",
            PREFIX + "PUBLIC_URL",
            "The address readers use (https://maps.example.org): every absolute link (next "
            "pages, embed code, OpenAPI servers) is built from it.",
            "the request's Host",
        ),
        Setting(
            "allowed_hosts",
            PREFIX + "ALLOWED_HOSTS",
            "Comma-separated Host names answered (.example.org: its subdomains too); others "
            "get 400.",
            "localhost, 127.0.0.1, ::1 and the --host address",
        ),
        Setting(
            "node_modules",
            PREFIX + "NODE_MODULES",
            "The npm folder the map's fullscreen plugin is served from.",
            "web/node_modules of the installed package",
            _web_node_modules,
        ),
    )
}


def _setting(name: str) -> Setting:
    try:
        return SETTINGS[name]
    except KeyError:
        raise KeyError(f"no setting {name!r} (declared: {', '.join(SETTINGS)})") from None


def value(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The setting ``name``: its variable when set and not empty, else its default (None when
    it has none). ``environ`` defaults to ``os.environ``."""
    s, environ = _setting(name), os.environ if environ is None else environ
    given = environ.get(s.env)
    return given if given else s.default(environ)


def source(name: str, environ: Mapping[str, str] | None = None) -> str:
    """Where :func:`value` takes the setting from: ``"$VARIABLE"`` or ``"default"``."""
    s = _setting(name)
    return f"${s.env}" if (os.environ if environ is None else environ).get(s.env) else "default"


def path(name: str, environ: Mapping[str, str] | None = None) -> Path:
    """The setting ``name`` as a path, ``~`` expanded (for the settings that name a file or a
    folder, which all have a default)."""
    found = value(name, environ)
    if found is None:
        raise KeyError(f"the setting {name!r} has no default path")
    return Path(found).expanduser()


_URL_PASSWORD = re.compile(r"^([a-z][a-z0-9+.-]*://[^/@:]*:)[^/@]*@", re.IGNORECASE)


def shown(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The setting ``name`` as it may be printed: a secret one only as set or not, a URL's
    password masked.

    >>> shown("db", {"CONFLICTMAP_DB": "postgresql://cm:s3cret@db/news"})
    'postgresql://cm:***@db/news'
    >>> shown("api_token", {"CONFLICTMAP_API_TOKEN": "s3cret"})
    '(set, not shown)'
    """
    found = value(name, environ)
    if found is None:
        return None
    if SETTINGS[name].secret:
        return "(set, not shown)"
    return _URL_PASSWORD.sub(r"\1***@", found)

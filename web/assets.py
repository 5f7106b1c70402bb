"""Leaflet and plugin files served by the app from installed packages, never from a CDN.

Where each library comes from:

========================  =====================================  ==========================
URL prefix                package                                 files
========================  =====================================  ==========================
``/assets/leaflet/``      XStatic-Leaflet (PyPI)                  leaflet.js, leaflet.css, images/
``/assets/markercluster/`` XStatic-Leaflet-MarkerCluster (PyPI)   leaflet.markercluster.js, CSS
``/assets/jquery/``       XStatic-jQuery (PyPI)                   jquery.min.js
``/assets/fontawesome/``  XStatic-Font-Awesome (PyPI)             css/all.min.css, webfonts/
``/assets/heat/``         folium (its bundled ``leaflet_heat.min.js``)
``/assets/fullscreen/``   npm ``leaflet.fullscreen`` installed in ``web/node_modules`` at set-up
``/assets/app/``          this package's ``static/`` folder (the map's own script and style)
========================  =====================================  ==========================

Only the files the pages load are served (:func:`served_files`), never a whole package folder:
the lists below (what Folium's map and plugins load), the ``/assets/`` links of the templates,
and what those stylesheets load in turn (``url(...)``: Leaflet's images, Font Awesome's fonts).

:func:`configure_folium` replaces the class-level ``default_js`` / ``default_css`` of
``folium.Map`` and of the plugins the app uses, once, at app start: every map built afterwards
points at these URLs. (``add_js_link`` on an instance edits the class lists in place and leaks
into every later map, so it is not used.)
"""

from __future__ import annotations

import importlib
import logging
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, send_from_directory

from geo import settings

log = logging.getLogger(__name__)

PREFIX = "/assets"
WEB_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Library:
    """One served library: where its files are and which of them the map loads."""

    name: str
    source: str  # "xstatic:<module>", "folium:templates", "npm:<package>", "app"
    required: bool = True

    def directory(self) -> Path | None:
        """The folder holding the files, or None when the package is not installed."""
        kind, _, ref = self.source.partition(":")
        if kind == "xstatic":
            try:
                mod = importlib.import_module(f"xstatic.pkg.{ref}")
            except ImportError:
                return None
            return Path(mod.BASE_DIR)
        if kind == "folium":
            import folium

            return Path(folium.__file__).parent / ref
        if kind == "npm":
            d = settings.path("node_modules") / ref  # web/node_modules unless set
            return d if d.is_dir() else None
        return WEB_DIR / "static"


LIBRARIES = {
    lib.name: lib
    for lib in (
        Library("leaflet", "xstatic:leaflet"),
        Library("markercluster", "xstatic:leaflet_markercluster"),
        Library("jquery", "xstatic:jquery"),
        Library("fontawesome", "xstatic:font_awesome"),
        Library("heat", "folium:templates"),
        Library("fullscreen", "npm:leaflet.fullscreen", required=False),
        Library("app", "app"),
    )
}


def url(lib: str, path: str) -> str:
    """The URL the app serves ``path`` of library ``lib`` at."""
    return f"{PREFIX}/{lib}/{path}"


def available(lib: str) -> bool:
    """True when the library's files are installed (optional ones may be missing)."""
    d = LIBRARIES[lib].directory()
    return d is not None and d.is_dir()


def missing_required() -> list[str]:
    """Required libraries whose package is not installed."""
    return [n for n, lib in LIBRARIES.items() if lib.required and not available(n)]


# What the map and each plugin load, in order.
MAP_JS = [
    ("leaflet", url("leaflet", "leaflet.js")),
    ("jquery", url("jquery", "jquery.min.js")),
]
MAP_CSS = [
    ("leaflet_css", url("leaflet", "leaflet.css")),
    ("fontawesome_css", url("fontawesome", "css/all.min.css")),
    ("conflictmap_css", url("app", "conflictmap.css")),
]
MARKERCLUSTER_JS = [("markerclusterjs", url("markercluster", "leaflet.markercluster.js"))]
MARKERCLUSTER_CSS = [
    ("markerclustercss", url("markercluster", "MarkerCluster.css")),
    ("markerclusterdefaultcss", url("markercluster", "MarkerCluster.Default.css")),
]
HEAT_JS = [("leaflet-heat.js", url("heat", "leaflet_heat.min.js"))]
FULLSCREEN_JS = [("Control.Fullscreen.js", url("fullscreen", "Control.FullScreen.js"))]
FULLSCREEN_CSS = [("Control.FullScreen.css", url("fullscreen", "Control.FullScreen.css"))]
APP_JS = [
    ("conflictmap_js", url("app", "conflictmap.js")),
    ("conflictmap_table_js", url("app", "conflictmap_table.js")),  # the events table
]
PAGE_ASSETS = (
    *MAP_JS,
    *MAP_CSS,
    *MARKERCLUSTER_JS,
    *MARKERCLUSTER_CSS,
    *HEAT_JS,
    *FULLSCREEN_JS,
    *FULLSCREEN_CSS,
    *APP_JS,
)
# Files a script asks for by name at run time: Leaflet builds the default marker's other
# images from the folder of marker-icon.png, which leaflet.css names.
RUNTIME_FILES = (("leaflet", "images/marker-icon-2x.png"), ("leaflet", "images/marker-shadow.png"))
TEMPLATES = WEB_DIR / "templates"
_ASSET_LINK = re.compile(re.escape(PREFIX) + r"/([A-Za-z0-9_-]+)/([^\"'\s?#)<>]+)")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)""")


@lru_cache(maxsize=1)
def served_files() -> frozenset[tuple[str, str]]:
    """``(library, path)`` of every file a page loads: the only ones :func:`asset` serves."""
    files = {m.groups() for _, u in PAGE_ASSETS if (m := _ASSET_LINK.fullmatch(u))}
    for template in sorted(TEMPLATES.glob("*.html")):
        files |= {m.groups() for m in _ASSET_LINK.finditer(template.read_text(encoding="utf-8"))}
    files |= set(RUNTIME_FILES)
    for lib, path in sorted(files):  # what the stylesheets load: images, fonts
        directory = LIBRARIES[lib].directory() if lib in LIBRARIES else None
        if not path.endswith(".css") or directory is None or not (directory / path).is_file():
            continue
        for ref in _CSS_URL.findall(
            (directory / path).read_text(encoding="utf-8", errors="replace")
        ):
            if ref.startswith(("data:", "#", "/")) or "://" in ref:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), ref))
            if not target.startswith(".."):
                files.add((lib, target))
    return frozenset(files)


_configured = False


def configure_folium() -> None:
    """Point Folium's map and plugin classes at the app's own asset URLs (idempotent).

    Bootstrap, the Bootstrap 3 glyphicons and Leaflet.awesome-markers are dropped from the
    map's defaults: the map uses Font Awesome icons in ``L.divIcon`` markers and Leaflet's own
    controls, so it needs neither.
    """
    global _configured
    if _configured:
        return
    import folium
    from folium import plugins

    folium.Map.default_js = list(MAP_JS)
    folium.Map.default_css = list(MAP_CSS)
    for cls in (plugins.MarkerCluster, plugins.FastMarkerCluster):
        cls.default_js = list(MARKERCLUSTER_JS)
        cls.default_css = list(MARKERCLUSTER_CSS)
    plugins.HeatMap.default_js = list(HEAT_JS)
    plugins.Fullscreen.default_js = list(FULLSCREEN_JS)
    plugins.Fullscreen.default_css = list(FULLSCREEN_CSS)
    _configured = True


bp = Blueprint("assets", __name__)


@bp.route(f"{PREFIX}/<lib>/<path:filename>")
def asset(lib: str, filename: str):
    """Serve one file a page loads (404 for any other, and when its library is not installed)."""
    spec = LIBRARIES.get(lib)
    directory = spec.directory() if spec else None
    if directory is None or (lib, filename) not in served_files():
        abort(404)
    # send_from_directory refuses paths that leave the directory.
    return send_from_directory(directory, filename, max_age=86400)

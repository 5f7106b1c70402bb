"""Place names on the basemap, offline: the gazetteer's countries and its largest cities, each
with the zoom from which the map writes it (``/map/labels.json``, drawn by the page as a light
layer under the data; no tile server).

A country is named from zoom 2 when it is populous, else from 3 or 4; a city from a zoom set
by its population (:data:`CITY_ZOOMS`). Names are in the map's language (:func:`pick_name`).
The page writes the labels in view at its zoom, biggest first, leaving out any that would
overlap one already written.

Example
-------
>>> labels(get_gazetteer(), "en")["cities"][0]            # doctest: +SKIP
['Shanghai', 31.22222, 121.45806, 4]
"""

from __future__ import annotations

import sqlite3
import threading

from geo.model import pick_name

# (population at least, zoom from which the city is named), biggest first
CITY_ZOOMS = ((5_000_000, 4), (2_000_000, 5), (1_000_000, 6), (300_000, 7), (100_000, 8))
MAX_CITIES = 5_000  # the largest cities listed (about every city of 100,000 people or more)
# (population at least, zoom from which the country is named)
COUNTRY_ZOOMS = ((40_000_000, 2), (5_000_000, 3), (0, 4))

_lock = threading.Lock()
_cache: dict[tuple[str, str], dict] = {}


def _zoom(population: int, zooms: tuple[tuple[int, int], ...]) -> int | None:
    """The zoom of the first row whose population ``population`` reaches.

    >>> _zoom(3_000_000, CITY_ZOOMS), _zoom(50_000, CITY_ZOOMS)
    (5, None)
    """
    return next((z for least, z in zooms if population >= least), None)


def labels(gazetteer, lang: str) -> dict:
    """The basemap's labels in ``lang``: ``countries`` and ``cities``, each ``[name, lat, lon,
    zoom from which it is written]``, the most populous first (raw text: the page sets it with
    ``.textContent``). Read once per gazetteer and language."""
    key = (str(gazetteer.path), lang)
    with _lock:
        if key in _cache:
            return _cache[key]
    # the gazetteer's own file, read only: its countries and its largest cities
    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro&immutable=1", uri=True)
    try:
        countries = con.execute(
            "SELECT name, name_fr, name_en, lat, lon, population, id FROM places "
            "WHERE feature = 'country' AND lat IS NOT NULL ORDER BY population DESC"
        ).fetchall()
        cities = con.execute(
            "SELECT name, name_fr, name_en, lat, lon, population FROM places "
            "WHERE feature = 'city' AND population >= ? AND lat IS NOT NULL "
            "ORDER BY population DESC LIMIT ?",
            (CITY_ZOOMS[-1][0], MAX_CITIES),
        ).fetchall()
    finally:
        con.close()

    inside = _inside_points(gazetteer)  # a country named inside its largest outline

    def rows(found, zooms):
        out = []
        for name, name_fr, name_en, lat, lon, pop, *pid in found:
            if pid and pid[0] in inside:
                lat, lon = inside[pid[0]]
            shown = pick_name({"name": name, "name_fr": name_fr, "name_en": name_en}, lang)
            zoom = _zoom(pop or 0, zooms)
            if shown and zoom is not None:
                out.append([shown, round(lat, 4), round(lon, 4), zoom])
        return out

    data = {"countries": rows(countries, COUNTRY_ZOOMS), "cities": rows(cities, CITY_ZOOMS)}
    with _lock:
        _cache[key] = data
    return data


def _inside_points(gazetteer) -> dict[str, tuple[float, float]]:
    """A point inside each country's largest outline (not its centroid, which may lie in the
    sea or in a neighbour), by the country's place id."""
    from shapely.geometry import shape

    from web.basemap import countries_geojson

    out = {}
    for f in countries_geojson(gazetteer)["features"]:
        g = shape(f["geometry"])
        if g.geom_type == "MultiPolygon":
            g = max(g.geoms, key=lambda part: part.area)
        p = g.representative_point()
        out[f["properties"]["id"]] = (p.y, p.x)
    return out

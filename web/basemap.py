"""The basemap: the Natural Earth country outlines of the gazetteer and their credits.

The web map fetches them as GeoJSON (``/data/countries.geojson``, :func:`countries_geojson`),
which also names the countries of its labels and counts; the snapshot draws them from a
GeoDataFrame (:func:`countries_frame`) cut to the drawn extent (:func:`outlines`).

Example
-------
>>> fc = countries_geojson(gazetteer)                  # doctest: +SKIP
>>> fc["features"][0]["properties"]["iso"]             # doctest: +SKIP
'AF'
"""

from __future__ import annotations

import json
import threading
from typing import Any

# The map's credits (its attribution control; the snapshot's caption): the places' and the
# borders' sources.
CREDITS_HTML = (
    'Places &copy; <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0) | '
    'Borders <a href="https://www.naturalearthdata.com/">Natural Earth</a>'
)
CREDITS_TEXT = "Places: GeoNames (CC BY 4.0). Borders: Natural Earth (public domain)."

OUTLINE_TOLERANCE = 0.01  # degrees: the snapshot's cached outlines' simplification

_countries_lock = threading.Lock()
_countries_cache: dict[tuple[str, float], dict] = {}


def countries_geojson(gazetteer=None, tolerance: float = 0.02) -> dict:
    """The Natural Earth country outlines as an RFC 7946 FeatureCollection (simplified, cached).

    Properties: ``iso`` (ISO 3166-1 alpha-2), ``name``, ``name_fr``, ``name_en``, ``id``
    (gazetteer place id).
    """
    from shapely.geometry import mapping, shape

    if gazetteer is None:
        from gazetteer.lookup import get_gazetteer

        gazetteer = get_gazetteer()
    key = (str(getattr(gazetteer, "path", id(gazetteer))), tolerance)
    with _countries_lock:
        if key in _countries_cache:
            return _countries_cache[key]
        feats = []
        for place, geom in gazetteer.country_geometries():
            g = shape(geom)
            if tolerance:
                g = g.simplify(tolerance, preserve_topology=True)
            if g.is_empty:
                continue
            gj = json.loads(json.dumps(mapping(g)), parse_float=lambda s: round(float(s), 3))
            feats.append(
                {
                    "type": "Feature",
                    "geometry": gj,
                    "properties": {
                        "iso": place.country_code,
                        "name": place.name,
                        "name_fr": place.name_fr,
                        "name_en": place.name_en,
                        "id": place.id,
                    },
                }
            )
        fc = {"type": "FeatureCollection", "features": feats}
        _countries_cache[key] = fc
        return fc


_frames_lock = threading.Lock()
_frames: dict[str, Any] = {}


def countries_frame(gazetteer=None):
    """The country outlines as a GeoDataFrame (EPSG:4326), cached per gazetteer."""
    import geopandas as gpd

    if gazetteer is None:
        from gazetteer.lookup import get_gazetteer

        gazetteer = get_gazetteer()
    key = str(getattr(gazetteer, "path", id(gazetteer)))
    with _frames_lock:
        if key in _frames:
            return _frames[key]
        fc = countries_geojson(gazetteer, tolerance=OUTLINE_TOLERANCE)
        _frames[key] = gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")
    return _frames[key]


def outlines(countries, extent, width: int, height: int):
    """The country outlines that show in ``extent`` drawn at ``width`` x ``height`` pixels: cut
    a few pixels beyond it (the cut edges fall outside the image) and simplified to half a
    pixel, so that the SVG of a small area writes only what it shows."""
    import shapely

    x0, y0, x1, y1 = extent
    pixel = max((x1 - x0) / width, (y1 - y0) / height)
    margin = 4 * pixel
    geoms = countries.geometry.values
    keep = shapely.intersects(
        geoms, shapely.box(x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    )
    frame = countries[keep].copy()
    if not len(frame):
        return frame
    cut = shapely.clip_by_rect(
        frame.geometry.values, x0 - margin, y0 - margin, x1 + margin, y1 + margin
    )
    if pixel / 2 > OUTLINE_TOLERANCE:  # finer than the cached outlines: nothing to gain
        # without topology: ten times faster, and a path drawn need not be a valid polygon
        cut = shapely.simplify(cut, pixel / 2, preserve_topology=False)
    frame = frame.set_geometry(cut)
    return frame[~frame.geometry.is_empty]

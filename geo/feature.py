"""An event as a GeoJSON Feature (RFC 7946): the one builder the store's default
(:meth:`geo.store.base.Store.iter_event_features`) and the exports (:mod:`geo.export`) share.

It belongs to neither: it reads an event row (:data:`geo.store.base.EVENT_KEYS`) as a plain
dict and imports nothing of the store or the exports, so both may import it.

Example
-------
>>> geojson_feature({"id": 7, "lat": 36.2, "lon": 37.16, "type": "Battles"})["geometry"]
{'type': 'Point', 'coordinates': [37.16, 36.2]}
"""

from __future__ import annotations

__all__ = ["POINT_KEYS", "geojson_feature"]

POINT_KEYS = ("lat", "lon")  # the row's point: the geometry, not a property


def geojson_feature(ev: dict) -> dict:
    """One event row as an RFC 7946 Feature: ``[lon, lat]``, WGS 84; no point, null geometry.

    >>> geojson_feature({"id": 3, "lat": None, "lon": None})
    {'type': 'Feature', 'id': 3, 'geometry': None, 'properties': {'id': 3}}
    """
    geometry = None
    if ev.get("lon") is not None and ev.get("lat") is not None:
        geometry = {"type": "Point", "coordinates": [ev["lon"], ev["lat"]]}
    props = {k: v for k, v in ev.items() if k not in POINT_KEYS}
    return {"type": "Feature", "id": ev["id"], "geometry": geometry, "properties": props}

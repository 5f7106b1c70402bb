"""A geopy geocoder over the local gazetteer, so it can stand in for geopy's online ones.

Example
-------
>>> from gazetteer.geocoder import LocalGazetteer
>>> LocalGazetteer().geocode("Alep", language="fr").point.latitude
36.20124
"""

from __future__ import annotations

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from gazetteer.lookup import Gazetteer, get_gazetteer
from geo.model import Place


def _location(place: Place, score: float | None = None) -> Location:
    parts = [place.name]
    if place.admin1_name and place.feature not in ("admin1", "country"):
        parts.append(place.admin1_name)
    if place.country_code and place.feature != "country":
        parts.append(place.country_code)
    raw = place.to_dict() | {"population": place.population}
    if score is not None:
        raw["score"] = round(score, 4)
    return Location(", ".join(parts), Point(place.lat, place.lon), raw)


class LocalGazetteer(Geocoder):
    """geopy ``Geocoder`` answering from the offline gazetteer; it never calls the network.

    Parameters
    ----------
    gazetteer:
        An open :class:`~gazetteer.lookup.Gazetteer`; the shared default one when None.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._gaz = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gaz is None:
            self._gaz = get_gazetteer()
        return self._gaz

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        language: str | None = None,
        country_codes: str | None = None,
        feature: str | None = None,
        limit: int = 10,
        timeout=None,
    ):
        """Ranked places for a name: one :class:`geopy.location.Location`, a list, or None."""
        cands = self.gazetteer.candidates(
            query, lang=language, country=country_codes, feature=feature, limit=limit
        )
        if not cands:
            return None
        locs = [_location(c.place, c.score) for c in cands]
        return locs[0] if exactly_one else locs

    def reverse(self, query, *, exactly_one: bool = True, feature: str = "city", timeout=None):
        """The nearest gazetteer place of ``feature`` to a point ("lat, lon", a tuple or a Point)."""
        point = Point(query)
        place = self.gazetteer.nearest(point.latitude, point.longitude, feature=feature)
        if place is None:
            return None
        loc = _location(place)
        return loc if exactly_one else [loc]

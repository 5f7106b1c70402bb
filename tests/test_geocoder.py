"""The geopy adapter: it behaves like geopy's geocoders and answers from the local gazetteer."""

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from gazetteer.geocoder import LocalGazetteer


def test_is_a_geopy_geocoder(gaz):
    assert isinstance(LocalGazetteer(gaz), Geocoder)


def test_geocode_one_and_many(gaz):
    geo = LocalGazetteer(gaz)
    loc = geo.geocode("Alep", language="fr")
    assert isinstance(loc, Location)
    assert abs(loc.latitude - 36.2) < 0.05 and abs(loc.longitude - 37.16) < 0.05
    assert loc.raw["geonameid"] == 170063
    many = geo.geocode("Paris", exactly_one=False)
    assert many[0].raw["country_code"] == "FR" and len(many) > 1
    assert geo.geocode("Par") is None


def test_geocode_with_country_filter(gaz):
    loc = LocalGazetteer(gaz).geocode("Paris", country_codes="US")
    assert loc.raw["country_code"] == "US"


def test_reverse(gaz):
    geo = LocalGazetteer(gaz)
    assert geo.reverse("36.19, 37.15").raw["geonameid"] == 170063
    assert geo.reverse((53.55, 9.99)).raw["geonameid"] == 2911298
    assert isinstance(geo.reverse("53.55, 9.99", exactly_one=False), list)


def test_it_never_touches_the_network(gaz, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert LocalGazetteer(gaz).geocode("Damascus", language="en").raw["geonameid"] == 170654

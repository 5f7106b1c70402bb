"""A neighbour shows a name to be a first-level division (geo/containers.py), real gazetteer."""

from __future__ import annotations

import pytest

from geo.geoparse import Geoparser
from geo.model import Document


@pytest.fixture(scope="module")
def parser(gaz):
    return Geoparser(gaz, use_ner=False)


def _places(parser, text):
    return {m.text: m.place for m in parser.parse(Document("t", text, "en")).mentions}


def test_a_town_and_its_state(parser):
    found = _places(parser, "The girl was from Buffalo, New York, officials said.")
    assert found["New York"].feature == "admin1" and found["Buffalo"].admin1 == "US.NY"


def test_a_list_of_states(parser):
    found = _places(parser, "Cases were found in Michigan, Oregon, New York and Ohio.")
    assert found["New York"].feature == "admin1"


def test_the_city_alone_stays_the_city(parser):
    found = _places(parser, "The mayor of New York City said the subway would reopen.")
    assert found["New York City"].feature == "city"

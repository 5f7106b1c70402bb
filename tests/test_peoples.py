"""Peoples' adjectives name their country (geo/peoples.py), on the real gazetteer."""

from __future__ import annotations

import pytest

from geo.model import Document
from geo.peoples import country_of, peoples_of


@pytest.mark.parametrize(
    ("word", "lang", "code"),
    [
        ("Syrian", "en", "SY"),
        ("Iraqi", "en", "IQ"),
        ("Lebanese", "en", "LB"),
        ("Turkish", "en", "TR"),
        ("Afghan", "en", "AF"),
        ("Ukrainian", "en", "UA"),
        ("syrienne", "fr", "SY"),
        ("irakiens", "fr", "IQ"),
        ("soudanaise", "fr", "SD"),
        ("yéménite", "fr", "YE"),
        ("Christian", "en", None),
        ("ancien", "fr", None),
        ("chrétiennes", "fr", None),
    ],
)
def test_an_adjective_is_read_back_to_its_country(gaz, word, lang, code):
    assert country_of(word, lang, gaz) == code


def test_peoples_in_text_order(gaz):
    assert peoples_of("Iraqi and Syrian officials met Turkish envoys.", "en", gaz) == [
        "IQ",
        "SY",
        "TR",
    ]


def test_a_peoples_adjective_supports_a_town_of_that_country(gaz):
    from geo.geoparse import Geoparser

    text = (
        "A car bomb exploded in the Syrian town of Azaz near the Turkish border on Saturday, "
        "killing 18 people."
    )
    mentions = Geoparser(gaz, use_ner=False).parse(Document("t", text, "en")).mentions
    azaz = next(m for m in mentions if m.text == "Azaz")
    assert azaz.place.country_code == "SY" and azaz.place.feature == "city"

"""Frozen dataclasses that the stages pass to each other.

This module imports nothing from storage, web or language processing: it is the contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

FEATURES = (
    "country", "admin1", "admin2", "city", "site", "region", "continent", "water", "physical",
)  # fmt: skip
ROLES = ("literal", "metonymic", "country")
# The name a reader of each language sees: the first of these fields that the place has. A
# language not listed here reads the English name. Adding a language's own names is one line.
NAME_FIELDS: dict[str, tuple[str, ...]] = {
    "fr": ("name_fr", "name_en", "name"),
    "en": ("name_en", "name"),
}
DEFAULT_NAME_LANG = "en"


def name_fields(lang: str | None) -> tuple[str, ...]:
    """The name fields a reader of ``lang`` sees, best first (English for an unknown language).

    >>> name_fields("fr")
    ('name_fr', 'name_en', 'name')
    >>> name_fields("es")
    ('name_en', 'name')
    """
    return NAME_FIELDS.get((lang or "").lower(), NAME_FIELDS[DEFAULT_NAME_LANG])


def pick_name(row: Mapping[str, Any], lang: str | None, prefix: str = "") -> str | None:
    """The name of a place in ``lang`` from a row holding its names (``name``, ``name_fr``,
    ``name_en``; with ``prefix``, ``place_name``, ``place_name_fr``...); None when it has none.

    >>> pick_name({"name": "Ḩalab", "name_fr": "Alep", "name_en": "Aleppo"}, "fr")
    'Alep'
    >>> pick_name({"place_name": "Rafaḩ", "place_name_en": "Rafah"}, "fr", prefix="place_")
    'Rafah'
    """
    for f in name_fields(lang):
        value = row.get(prefix + f)
        if value:
            return value
    return None


@dataclass(frozen=True)
class Place:
    """A gazetteer entry.

    ``id`` is stable across builds (``gn:<geonameid>`` for GeoNames places, ``cm:<slug>`` for
    curated ones); ``admin1`` is the GeoNames admin-1 code such as ``"SY.09"``.
    """

    id: str
    name: str
    feature: str
    lat: float
    lon: float
    country_code: str | None = None
    admin1: str | None = None
    admin1_name: str | None = None
    geonameid: int | None = None
    population: int = 0
    name_fr: str | None = None
    capital: bool = False
    name_en: str | None = None

    def display_name(self, lang: str | None) -> str:
        """The place's name for a reader of ``lang``: its French name for ``"fr"`` when known,
        else its English name, else its gazetteer name (see :data:`NAME_FIELDS`).

        >>> Place("gn:170063", "Aleppo", "city", 36.2, 37.16, name_fr="Alep").display_name("fr")
        'Alep'
        >>> Place("gn:281133", "Rafaḩ", "city", 31.3, 34.25, name_en="Rafah").display_name("en")
        'Rafah'
        """
        return pick_name(self.__dict__, lang) or self.name

    def to_dict(self) -> dict[str, Any]:
        """The contract's ``place`` object (JSON-serialisable): ``name`` is the gazetteer's,
        ``name_fr`` and ``name_en`` the names French and English readers see (None unknown)."""
        return {
            "id": self.id,
            "name": self.name,
            "name_fr": self.name_fr,
            "name_en": self.name_en,
            "lat": self.lat,
            "lon": self.lon,
            "feature": self.feature,
            "country_code": self.country_code,
            "admin1": self.admin1,
            "admin1_name": self.admin1_name,
            "geonameid": self.geonameid,
        }


@dataclass(frozen=True)
class Candidate:
    """A place proposed for a name, with the score and the reason of its rank."""

    place: Place
    score: float
    matched: str
    match_kind: str
    reason: str = ""


@dataclass(frozen=True)
class Mention:
    """A place name found in a document; offsets index the original text."""

    start: int
    end: int
    text: str
    place: Place | None = None
    role: str = "literal"
    score: float = 0.0
    reason: str = ""
    runners_up: tuple[Candidate, ...] = ()
    cue: str | None = None
    # how precisely ``place`` stands for the name: ``exact`` (the place itself), or, for a name
    # the gazetteer lacks, the level of the enclosing place it was given (admin2, admin1, country)
    precision: str = "exact"
    # a country named as a compass part of it ("le sud du Liban"): the division of that name
    # (geo.parts) and where the phrase begins; events there are placed at the division
    part: Place | None = None
    part_start: int | None = None

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        place = None
        if self.place:
            place = self.place.to_dict()
            place["precision"] = self.precision
        d: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "role": self.role,
            "score": round(self.score, 4),
            "place": place,
        }
        if explain:
            d["reason"] = self.reason
            if self.part is not None:
                d["part"] = {"id": self.part.id, "name": self.part.name, "start": self.part_start}
            d["runners_up"] = [
                {"id": c.place.id, "name": c.place.name, "score": round(c.score, 4)}
                for c in self.runners_up
            ]
        return d


@dataclass(frozen=True)
class Document:
    """An article as given by the user."""

    id: str
    text: str
    lang: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    spans: tuple[tuple[int, int], ...] | None = None


@dataclass(frozen=True)
class DateValue:
    """A resolved (or unresolved) date with its precision and the phrase it came from."""

    value: str | None
    precision: str = "unknown"  # day / month / season / year / unknown
    phrase: str | None = None


@dataclass(frozen=True)
class Event:
    type: str
    subtype: str | None
    sentence: str
    start: int
    end: int
    date: DateValue = field(default_factory=lambda: DateValue(None))
    actors: tuple[str, ...] = ()
    fatalities: int | None = None
    injured: int | None = None
    place: Place | None = None
    place_precision: str | None = None
    secondary_types: tuple[str, ...] = ()
    confidence: float = 0.0
    # the place as the text names it ("Tin-Barkoudou"), even when the event is placed at the
    # enclosing division or country because the gazetteer lacks it
    location: str | None = None
    # ACLED's codes: geo 1 = the place itself (or a neighbourhood of a known city), 2 = a
    # nearby or enclosing town or district, 3 = a province or larger; time 1 = the day,
    # 2 = a week or a range of days, 3 = a month or vaguer
    geo_precision: int | None = None
    time_precision: int | None = None
    # actor ids (geo.actors) of the side that acted and the side acted upon, and ACLED's
    # interaction code of the pair
    actor1: str | None = None
    actor2: str | None = None
    interaction: int | None = None
    # the words the toll was read from ("une dizaine", "au moins trois") and why this event
    # was ranked where it is (the main event first)
    fatalities_phrase: str | None = None
    why: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["place"] = self.place.to_dict() if self.place else None
        return d


@dataclass(frozen=True)
class Statement:
    quote: str
    start: int
    end: int
    speaker: str | None = None
    speaker_role: str | None = None
    indirect: bool = False
    date: DateValue = field(default_factory=lambda: DateValue(None))
    where_said: Place | None = None
    places: tuple[Place, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["where_said"] = self.where_said.to_dict() if self.where_said else None
        d["places"] = [p.to_dict() for p in self.places]
        return d

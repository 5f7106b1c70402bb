"""Frozen dataclasses that the stages pass to each other.

This module imports nothing from storage, web or language processing: it is the contract.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FEATURES = (
    "country", "admin1", "admin2", "city", "site", "region", "continent", "water", "physical",
)  # fmt: skip
ROLES = ("literal", "metonymic", "country")


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

    def to_dict(self) -> dict[str, Any]:
        """The contract's ``place`` object (JSON-serialisable)."""
        return {
            "id": self.id,
            "name": self.name,
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

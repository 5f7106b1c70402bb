"""One incident, one event: when do two reports from different documents tell the same incident?

Several agencies report the same strike, the same meeting: each document gives its own event.
A store merges a new report into an event already stored when

* both are of one family of types (``geo/data/event_types.tsv``: political violence,
  demonstrations, strategic developments, diplomacy); diplomacy also needs the same sub-type
  (a call and a meeting of the same two leaders on one day are two acts);
* their places are within :data:`MERGE_KM` of each other, or one is the province (admin-1)
  that holds the other;
* their dates are each a day (time precision 1) and at most :data:`MERGE_DAYS` apart;
* their actors, when both name some, share one (by actor id, so "Russie" in a French
  dispatch and "Russia" in an English one are one actor);
* neither is placed only at a country (two strikes "in Ukraine" on one day may be any two),
  and when either is drawn at an enclosing place (geo precision 2 or 3) the places their
  texts name, if both name one, are the same name (two villages of one province are two
  incidents, even when both are drawn at the province).

The merged event keeps every report as a source, and its toll is the best-supported one: the
value most reports give, ties going to the more confident report, then to the higher count.
This module decides; the store (any backend) keeps the sources and undoes a merge on demand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from geo import actors as actor_registry
from geo import event_types

__all__ = [
    "MERGE_DAYS",
    "MERGE_KM",
    "Report",
    "actor_ids",
    "best_toll",
    "haversine_km",
    "same_incident",
]

MERGE_KM = 10.0  # farthest apart two reports of one incident may place it
MERGE_DAYS = 1  # most days between the dates two reports of one incident give
_NESTING = ("admin1",)  # features that contain the places of their admin-1 code


@dataclass(frozen=True)
class Report:
    """What the merge looks at in one event report."""

    type: str
    subtype: str | None
    lat: float
    lon: float
    feature: str | None
    admin1: str | None  # the place's admin-1 code (``SY.09``)
    day_min: float | None  # Julian days of the date's span (None: no date)
    day_max: float | None
    actors: frozenset[str] = frozenset()  # actor ids
    doc: object = None  # the document it comes from (any comparable key)
    location: str | None = None  # the place as the text names it
    geo_precision: int | None = None  # ACLED's code: 1 the place itself .. 3 a province


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres.

    >>> round(haversine_km(36.2, 37.16, 36.2, 37.26), 1)
    9.0
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def actor_ids(labels: Iterable[str | None]) -> frozenset[str]:
    """The registry's ids of actor labels or ids, in any language; unknown labels are kept
    folded, so that two reports naming the same unknown group still share it.

    >>> sorted(actor_ids(["Russie", "Russia", "civilians", None]))
    ['civilians', 'russia']
    """
    from gazetteer.normalize import fold

    out = set()
    for label in labels:
        if not label:
            continue
        a = actor_registry.find(label)
        out.add(a.id if a else fold(label))
    return frozenset(out)


def _fold(name: str) -> str:
    from gazetteer.normalize import fold

    return fold(name)


def _one_day(r: Report) -> bool:
    return r.day_min is not None and r.day_max is not None and r.day_max - r.day_min <= 1


def same_incident(new: Report, old: Report) -> str | None:
    """Why two reports tell one incident, or None when they do not.

    >>> a = Report("Diplomacy", "Meeting/talks", 43.6, 39.7, "city", "RU.38", 2460000.5,
    ...            2460000.5, frozenset({"russia", "turkey"}), "afp")
    >>> b = Report("Diplomacy", "Meeting/talks", 43.58, 39.72, "city", "RU.38", 2460000.5,
    ...            2460000.5, frozenset({"turkey"}), "reuters")
    >>> same_incident(b, a)
    'same family (diplomacy), places 2.7 km apart, dates 0 day(s) apart, shared actor turkey'
    >>> same_incident(b, a.__class__(**{**a.__dict__, "day_min": 2460003.5, "day_max": 2460003.5}))
    """
    if new.doc is not None and new.doc == old.doc:
        return None  # one document's own duplicates are the extractor's business
    fam = event_types.family(new.type)
    if fam is None or fam != event_types.family(old.type):
        return None
    if fam == "diplomacy" and new.subtype and old.subtype and new.subtype != old.subtype:
        return None
    if not (_one_day(new) and _one_day(old)):
        return None
    gap = max(0.0, max(new.day_min, old.day_min) - min(new.day_max, old.day_max))
    if gap > MERGE_DAYS:
        return None
    shared = new.actors & old.actors
    if new.actors and old.actors and not shared:
        return None
    if "country" in (new.feature, old.feature):
        return None
    coarse = max(new.geo_precision or 1, old.geo_precision or 1) >= 2
    if coarse and new.location and old.location and _fold(new.location) != _fold(old.location):
        return None
    km = haversine_km(new.lat, new.lon, old.lat, old.lon)
    if km <= MERGE_KM:
        where = f"places {km:.1f} km apart"
    elif (
        new.admin1
        and new.admin1 == old.admin1
        and (new.feature in _NESTING or old.feature in _NESTING)
    ):
        where = f"one place inside the other's province ({new.admin1})"
    else:
        return None
    why = f"same family ({fam}), {where}, dates {gap:.0f} day(s) apart"
    if shared:
        why += ", shared actor " + ", ".join(sorted(shared))
    return why


def best_toll(reports: Sequence[tuple[int | None, float]]) -> tuple[int | None, str]:
    """The best-supported toll of an incident's reports ``(fatalities, confidence)``, and why.

    >>> best_toll([(12, 0.8), (12, 0.6), (15, 0.9)])
    (12, '12 killed in 2 of 3 reports')
    >>> best_toll([(3, 0.5), (4, 0.7)])
    (4, '4 killed in 1 of 2 reports (the more confident)')
    >>> best_toll([(None, 0.5), (None, 0.7)])
    (None, 'no toll in 2 reports')
    """
    votes: dict[int, list[float]] = {}
    for value, confidence in reports:
        if value is not None:
            votes.setdefault(value, []).append(confidence or 0.0)
    n = len(reports)
    if not votes:
        return None, f"no toll in {n} reports"
    ranked = sorted(votes.items(), key=lambda kv: (len(kv[1]), max(kv[1]), kv[0]), reverse=True)
    value, support = ranked[0]
    why = f"{value} killed in {len(support)} of {n} reports"
    if len(ranked) > 1 and len(ranked[1][1]) == len(support):
        why += " (the more confident)" if max(ranked[1][1]) < max(support) else " (the higher)"
    return value, why

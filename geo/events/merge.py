"""One event per incident within a document: merging reports, ranking by salience."""

from __future__ import annotations

import math
import re

from geo.events.lexicon import TYPE_WEIGHT, VIOLENT
from geo.events.sentence import Draft


def _nested(a, b) -> bool:
    """Whether one place lies in the other (a city in its admin-1 area or country)."""
    for inner, outer in ((a, b), (b, a)):
        if outer.feature == "country" and inner.country_code == outer.country_code:
            return True
        if outer.feature == "admin1" and inner.admin1 and inner.admin1 == outer.admin1:
            return True
    return False


_CONTACTS = {"Meeting/talks", "Phone call", "Visit"}


def _compatible(a: Draft, b: Draft) -> bool:
    """Same type, same place and same date; an undated report matches a dated one only at the
    same known place or in the headline and lead, and never with other actors."""
    if a.type != b.type or (a.actors and b.actors and not set(a.actors) & set(b.actors)):
        return False
    if a.type == "Diplomacy" and a.subtype != b.subtype and not {a.subtype, b.subtype} <= _CONTACTS:
        return False  # a call and an accusation are two events; a call and "talks" may be one
    pa, pb = (a.place.place.id if a.place else None), (b.place.place.id if b.place else None)
    if pa != pb and not (a.place and b.place and _nested(a.place.place, b.place.place)):
        return False
    da, db = a.date.value, b.date.value
    if da and db:
        return da == db
    lead = min(a.seen) <= 1 or min(b.seen) <= 1
    return lead or pa is not None


_ANAPHOR = re.compile(r"\b(?:ces|cette|ce|cet|these|this|those|les|the)\s+(?:\w+\s+)?$", re.I)


def _absorb(into: Draft, d: Draft) -> None:
    richer = (d.place is not None) + (d.date.value is not None) > (into.place is not None) + (
        into.date.value is not None
    )
    if richer:
        into.hit, into.subtype, into.span, into.sent = d.hit, d.subtype, d.span, d.sent
    if d.place and (into.place is None or richer):
        into.place, into.precision = d.place, d.precision  # the fuller report places the event
    into.date = into.date if into.date.value else d.date
    into.actors += [a for a in d.actors if a not in into.actors]
    into.secondary += [s for s in d.secondary if s not in into.secondary]
    into.killed = max(filter(None, (into.killed, d.killed)), default=None)
    into.injured = max(filter(None, (into.injured, d.injured)), default=None)
    into.confidence = min(0.95, max(into.confidence, d.confidence) + 0.05)
    into.merged += 1
    into.seen.append(d.sent)


def merge(drafts: list[Draft], text: str) -> list[Draft]:
    out: list[Draft] = []
    for d in drafts:
        target = None
        own = d.place is None and d.date.value is None
        if own and _ANAPHOR.search(text, max(d.span[0], d.hit.start - 30), d.hit.start):
            same = [
                o
                for o in out
                if (o.type, o.subtype) == (d.type, d.subtype) and d.sent - max(o.seen) <= 6
            ]
            kin = [
                o
                for o in out
                if d.sent - max(o.seen) <= 2 and (o.type in VIOLENT) == (d.type in VIOLENT)
            ]
            target = same[-1] if same else (kin[-1] if kin else None)
        if target is None:
            target = next((o for o in out if _compatible(o, d)), None)
        if target is None:
            out.append(d)
        else:
            _absorb(target, d)
    return out


def salience(d: Draft, n_sent: int) -> float:
    score = 3.0 if d.type in VIOLENT else TYPE_WEIGHT[d.type]
    score += (d.date.value is not None) + (d.place is not None) + 0.5 * (d.precision == "city")
    if d.killed or d.injured:
        score += 1 + min(2.0, math.log10(1 + (d.killed or 0) + (d.injured or 0)) / 2)
    score += 0.5 * bool(d.actors) + 0.5 * min(3, d.merged - 1)
    first = min(d.seen)
    score += 5.0 if first <= 1 else 1.5 * (1 - first / max(1, n_sent))
    return score

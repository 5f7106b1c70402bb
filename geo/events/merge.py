"""One event per incident within a document: merging reports, ranking by salience."""

from __future__ import annotations

import math
import re

from geo.events.lexicon import PRECISION_RANK, TYPE_WEIGHT, VIOLENT, alternatives
from geo.events.roles import BY_MEANS
from geo.events.sentence import Draft

NEAR_KM = 15  # a place this close to a town stands in it (its outskirts, a neighbourhood)
LEAD_SENTENCES = 8  # how far after the lead a fuller report of the main event is looked for


def _words(name: str) -> str:
    """A word list of geo/lang/<code>/events_merge.tsv, every language's, as one alternation."""
    return alternatives("events_merge", name)


def _km(a, b) -> float:
    la1, la2 = math.radians(a.lat), math.radians(b.lat)
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


def _inside(inner, outer) -> bool:
    """Whether place ``inner`` lies in (or is) place ``outer``: its country, its admin-1 area,
    or a district or town within a few kilometres."""
    if inner.id == outer.id:
        return True
    if outer.feature == "country":
        return inner.country_code == outer.country_code
    if outer.feature in ("admin1", "region"):
        return bool(inner.admin1) and inner.admin1 == outer.admin1
    return _km(inner, outer) <= NEAR_KM


def _nested(a, b) -> bool:
    """Whether one place lies in the other (a city in its admin-1 area or country)."""
    return _inside(a, b) or _inside(b, a)


def _finer(d: Draft, than: Draft) -> bool:
    """Whether ``d`` is placed more precisely than ``than``, inside its place."""
    if d.place is None:
        return False
    if than.place is None:
        return True
    key = lambda x: (x.geo or 3, PRECISION_RANK.get(x.precision or "country", 3))  # noqa: E731
    return key(d) < key(than) and _inside(d.place.place, than.place.place)


def _take_place(into: Draft, d: Draft, why: str) -> None:
    into.place, into.precision, into.geo = d.place, d.precision, d.geo
    into.notes.append(f"placed at {d.place.text!r} by {why} (sentence {d.sent + 1})")


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


# "cette attaque", "the strike": an event told before (the word lists are each language's
# geo/lang/<code>/events_merge.tsv)
_ANAPHOR = re.compile(rf"\b(?:{_words('anaphor')})(?:\w+\s+)?$", re.I)


def _absorb(into: Draft, d: Draft, text: str = "") -> None:
    richer = (d.place is not None) + (d.date.value is not None) > (into.place is not None) + (
        into.date.value is not None
    )
    if richer:
        into.hit, into.subtype, into.span, into.sent = d.hit, d.subtype, d.span, d.sent
    finer = _finer(d, into) and (not text or _same_event(into, d, text))
    if d.place and (into.place is None or richer or finer):
        _take_place(into, d, "a fuller report")  # the fuller report places the event
    into.date = into.date if into.date.value else d.date
    if d.killed is not None and into.killed is None:
        into.phrase = d.phrase
    into.agent = into.agent or d.agent
    into.target = into.target or d.target
    if into.agent is not None and into.target == into.agent:  # one side cannot fight itself
        into.target = next((a for a in (d.target, d.agent, *d.actors) if a != into.agent), None)
    into.actors += [a for a in d.actors if a not in into.actors]
    into.secondary += [s for s in d.secondary if s not in into.secondary]
    # the first report's toll stands: a later, larger count is a total or another day's
    if into.killed is None and d.killed is not None:
        into.killed = d.killed
    elif _rounded(into, d):  # "une vingtaine" first, "vingt-trois" after: the exact count
        into.killed, into.phrase = d.killed, d.phrase
    into.injured = into.injured if into.injured is not None else d.injured
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
        if target is None and d.place is None:
            # "took the village after clashes that killed three policemen": the sentence's
            # unplaced clause of the same kind is the same incident, whoever it names
            target = next(
                (
                    o
                    for o in out
                    if o.type == d.type
                    and o.sent == d.sent
                    and not OTHER.search(text, max(d.span[0], d.hit.start - 40), d.hit.end)
                ),
                None,
            )
        if target is None:  # the nearest earlier report it fits
            target = next((o for o in reversed(out) if _compatible(o, d)), None)
        if target is None:
            out.append(d)
        else:
            _absorb(target, d, text)
    return out


DEFINITE = re.compile(rf"\b(?:{_words('definite')})(?:\w+\s+){{0,2}}$", re.IGNORECASE)


OTHER = re.compile(rf"\b(?:{_words('other')})\b", re.IGNORECASE)


def _same_event(e: Draft, d: Draft, text: str) -> bool:
    """Whether a later sentence's event ``d`` reports the lead's event ``e`` again: the same
    toll, a definite reference ("l'attaque", "the strike") to the same kind of event, or the
    same sub-type on the same day."""
    if (d.type in VIOLENT) != (e.type in VIOLENT) or (d.type not in VIOLENT and d.type != e.type):
        return False
    if d.date.value and e.date.value and d.date.value != e.date.value:
        return False
    if OTHER.search(text, max(0, d.hit.start - 40), d.hit.end + 30):
        return False  # "d'autres frappes", "another strike": another event
    if d.killed and e.killed:
        return d.killed == e.killed
    if DEFINITE.search(text, max(0, d.hit.start - 20), d.hit.start):
        return True
    return d.subtype == e.subtype and d.date.value is not None and d.date.value == e.date.value


def refine_lead(events: list[Draft], text: str, wheres=(), lead: int = 1) -> None:
    """Place the lead's events where a later sentence of the first paragraphs says they
    happened: a report of the same event (see :func:`_same_event`) placed inside the lead's
    place (or the lead names none), or a sentence saying where "the attack took place"
    (``wheres``: sentence index and the draft-like place it gives)."""
    for e in events:
        if min(e.seen) > lead or (e.geo == 1 and e.place is not None):
            continue
        later = [
            d for d in events if d is not e and 0 < min(d.seen) - min(e.seen) <= LEAD_SENTENCES
        ]
        for d in later:
            if _same_event(e, d, text) and _finer(d, e):
                _take_place(e, d, "a later report of the same event")
        if e.place is None:  # the headline's place stands for the lead's unplaced event
            before = [
                d for d in events if d.place is not None and min(d.seen) < min(e.seen)
                and (d.type in VIOLENT) == (e.type in VIOLENT)
            ]  # fmt: skip
            if before:
                _take_place(e, min(before, key=lambda d: min(d.seen)), "the headline")
        for w in wheres if e.place is None or e.geo == 3 else ():
            gap = w.sent - min(e.seen)  # a sentence right after, or "l'attaque a eu lieu" later
            if 0 < gap <= (LEAD_SENTENCES if w.definite else 2) and _finer(w, e):
                _take_place(e, w, "a sentence saying where it took place")
                break


# A headline's round count: "une vingtaine de morts", "dozens killed"
_ROUND = re.compile(rf"\b(?:{_words('round')})\b", re.IGNORECASE)


def _rounded(h: Draft, d: Draft) -> bool:
    """The headline rounds the lead's count ("une vingtaine" for 23): the same toll."""
    return bool(
        h.killed and d.killed and h.phrase and _ROUND.search(h.phrase)
        and h.killed <= d.killed < h.killed * 1.5
    )  # fmt: skip


# A headline's bare "attack": the lead's words say what kind ("une attaque de missiles")
_BARE_ATTACK = re.compile(_words("bare_attack"), re.IGNORECASE)


def merge_headline(events: list[Draft], first: int, text: str = "") -> list[Draft]:
    """The headline and the lead's first sentence that give the same toll report one event:
    the lead's words (fuller than a headline's) type it, the finer place places it."""
    out = list(events)
    for h in events:
        if min(h.seen) != first:
            continue
        for d in events:
            if d is h or d not in out or min(d.seen) != first + 1:
                continue
            if d.killed != h.killed and not _rounded(h, d):
                continue
            if (d.type in VIOLENT) != (h.type in VIOLENT):
                continue
            if (
                not h.killed
                and (d.type, d.subtype) != (h.type, h.subtype)
                and not (
                    d.type in VIOLENT and _BARE_ATTACK.fullmatch(text[h.hit.start : h.hit.end])
                )
            ):
                continue  # with no toll to match, only the same kind of event (or a bare attack)
            if h.date.value and d.date.value and h.date.value != d.date.value:
                continue
            if _finer(h, d):
                _take_place(d, h, "the headline")
            if h.typed and not d.typed and d.type != BY_MEANS:
                # the victims the headline names type the event, unless its means do
                d.type, d.subtype, d.typed = h.type, h.subtype, True
                d.notes.append(f"typed {h.type} by the headline's victims")
            d.merged += h.merged
            d.seen = sorted({*d.seen, *h.seen})
            d.notes.append("the headline reports it too")
            if h in out:
                out.remove(h)
            break
    return out


_BACKGROUND = re.compile(rf"\b(?:{_words('background')})\b", re.IGNORECASE)


_QUOTED = re.compile(r"\s*[«\"“]")


def salience(d: Draft, n_sent: int, text: str = "", lead: int = 0) -> tuple[float, list[str]]:
    """How much an event is what the article reports, and the reasons, strongest first.

    Position weighs most (the headline and the lead report the main event), then a stated
    toll, repetition across the text, a precise place, named actors and a date; a background
    clause (pluperfect, "since the start of the war", "for weeks", "regularly") weighs against.
    """
    why: list[str] = []
    score = TYPE_WEIGHT.get(d.type, 1.0)
    first = min(d.seen) - lead  # ``lead``: the first sentence that reports an event
    if first <= 1:
        score += 5.0
        why.append("headline" if first <= 0 else "lead")
    else:
        score += 1.5 * (1 - first / max(1, n_sent))
        why.append(f"sentence {first + 1}")
    if d.killed or d.injured:
        score += 1 + min(2.0, math.log10(1 + (d.killed or 0) + (d.injured or 0)) / 2)
        why.append("toll stated")
    if d.merged > 1:
        score += 0.5 * min(3, d.merged - 1)
        why.append(f"reported {d.merged} times")
    score += (d.date.value is not None) + (d.place is not None) + 0.5 * (d.geo == 1)
    if d.geo == 1:
        why.append("precise place")
    score += 0.5 * bool(d.actors)
    if text and first >= 1 and _QUOTED.match(text, d.span[0]):
        score -= 1.0  # a source's words after a headline: the headline sums up the news
        why.append("quoted")
    if text and _BACKGROUND.search(text, d.hit.start - 60 if d.hit.start > 60 else 0, d.hit.end):
        score -= 1.5
        why.append("background clause")
    return score, why

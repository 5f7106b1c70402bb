"""From a sentence to a draft event: triggers, actors, date, place and toll of one clause."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from geo.events.lexicon import (
    LONG_QUOTE_WORDS,
    PRECISION,
    READING_WINDOW,
    SUBTYPES,
    TERRITORY,
    TYPE_RANK,
    Trigger,
    actor_scanner,
    alternatives,
    load_actors,
    load_triggers,
    trigger_scanner,
    unnamed_labels,
)
from geo.events.place import (
    diplomacy_place,
    eligible,
    geo_precision,
    locative,
    precision_of,
    violent_place,
)
from geo.events.roles import retype
from geo.events.toll import toll
from geo.model import DateValue, Mention


@dataclass
class Hit:
    start: int
    end: int
    trigger: Trigger


@dataclass
class Draft:
    hit: Hit
    type: str
    subtype: str | None
    sent: int
    span: tuple[int, int]
    secondary: list[str]
    date: DateValue
    actors: list[str]
    killed: int | None
    injured: int | None
    place: Mention | None
    precision: str | None
    confidence: float
    merged: int = 1
    seen: list[int] = field(default_factory=list)
    geo: int | None = None  # ACLED's geo precision of ``place``
    phrase: str | None = None  # the words of the death toll
    agent: str | None = None  # the label of the side that acted
    target: str | None = None  # the label of the side acted upon
    kinds: list[str] = field(default_factory=list)  # the kinds of ``actors``
    notes: list[str] = field(default_factory=list)  # why the type, place or rank
    typed: bool = False  # the type comes from the victims and actors, not the trigger alone
    located: bool = True  # False: placed in the article's country, the text names no place


# --------------------------------------------------------------------------- extraction


def long_quotes(text: str) -> list[tuple[int, int]]:
    """Long quotations: their triggers are claims, not reported events, unless they report a
    toll ("Douze personnes ont été tuées...", an official's count, is the news)."""
    return list(_long_quotes(text))


@lru_cache(maxsize=2)  # read by find_hits and by extract_events, on the same text
def _long_quotes(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for m in re.finditer(r"«[^«»]*»|\"[^\"\n]*\"", text):
        if len(m.group().split()) >= LONG_QUOTE_WORDS and toll(m.group())[0] is None:
            spans.append(m.span())
    return tuple(spans)


def find_hits(text: str, lang: str) -> list[Hit]:
    triggers = load_triggers(lang)
    blocked: list[tuple[int, int]] = []
    next_blocked: set[int] = set()
    hits = []
    for t, found in zip(triggers, trigger_scanner(lang).matches(text), strict=True):
        for m in found:
            if t.form == "block":
                blocked.append(m.span("b") if "b" in t.pattern.groupindex else m.span())
            elif t.form == "block_next":
                next_blocked.add(m.end() + len(text[m.end() :]) - len(text[m.end() :].lstrip()))
            else:
                hits.append(Hit(m.start(), m.end(), t))
    quotes = long_quotes(text)
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for h in hits:
        if kept and h.start < kept[-1].end:
            continue  # a longer trigger starting here or earlier already covers it
        kept.append(h)
    return [
        h
        for h in kept
        if h.start not in next_blocked
        and not any(s < h.end and h.start < e for s, e in blocked)
        and not any(s < h.start and h.end <= e for s, e in quotes)
    ]


def _words(name: str) -> str:
    """A word list of geo/lang/<code>/events_sentence.tsv, every language's, as one alternation."""
    return alternatives("events_sentence", name)


# The word lists are each language's geo/lang/<code>/events_sentence.tsv; the grammar that joins
# them is below.
# An actor named as the backer of the side that acts: "U.S.-backed", "Iran-aligned"
_BACKER = re.compile(rf"-(?:{_words('backer_suffix')})\b|\s+(?:{_words('border')})\b", re.I)
# A country's adjective that names its border, not its forces: "la frontière turque"
_BORDER_BEFORE = re.compile(rf"(?:{_words('border_before')})\s+$", re.IGNORECASE)


def find_actors(text: str, mentions: Sequence[Mention]) -> list[tuple[int, int, str, str]]:
    meto = [(m.start, m.end) for m in mentions if m.role == "metonymic"]
    found = []
    for a, matches in zip(load_actors(), actor_scanner().matches(text), strict=True):
        for m in matches:
            if a.metonymic_only and not any(s < m.end() and m.start() < e for s, e in meto):
                continue
            if _BACKER.match(text, m.end()) or _BORDER_BEFORE.search(
                text, max(0, m.start() - 12), m.start()
            ):
                continue  # "U.S.-backed forces", "the Turkish border": no side of the event
            found.append((m.start(), m.end(), a.label, a.kind))
    found.sort(key=lambda a: (a[0], -(a[1] - a[0])))
    out: list[tuple[int, int, str, str]] = []
    for a in found:
        if not out or a[0] >= out[-1][1]:
            out.append(a)
    return out


# Between a trigger and a date or an actor, these open another clause.
# A short parenthesis ("(sud)", "(Reuters)") is no boundary; a long one is an aside.
_CLAUSE = re.compile(
    r";|\((?=[^()]{30})|(?<=[^()]{30})\)"
    # a conjunction ("alors que", "while"), or an earlier event the news follows: "au lendemain
    # de heurts"
    rf"|\b(?:{_words('clause_conj')})"
    # a participle with a subject of its own: "..., l'armée israélienne ripostant par des
    # frappes", "..., with the army responding with strikes" (not "..., tuant douze civils",
    # "the blast killing 12": the same event's toll)
    rf"|,\s+(?:(?:{_words('absolute_with')})\s+)?(?:{_words('article')})(?:[\w'-]+\s+){{0,3}}?"
    rf"(?!(?:{_words('toll_participle')})\b)[\w-]+(?:{_words('participle_ending')})\b",
    re.IGNORECASE,
)
_DURATION = re.compile(rf"\b(?:{_words('duration')})\s*$", re.IGNORECASE)


def _between(text: str, a: tuple[int, int], b: tuple[int, int]) -> str:
    lo, hi = (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])
    return text[lo:hi] if hi > lo else ""


def _nearest_date(text: str, dates: Sequence, hit: Hit, span: tuple[int, int]) -> DateValue:
    """The date mention of the sentence nearest the trigger, in its clause, not a duration."""
    best = None
    for d in dates:
        if d.start < span[0] or d.end > span[1]:
            continue
        if _DURATION.search(text, max(span[0], d.start - 12), d.start):
            continue  # "depuis 2012" dates a state, not the event
        between = _between(text, (d.start, d.end), (hit.start, hit.end))
        if _CLAUSE.search(between):
            continue
        cost = len(between) + 30 * between.count(",") + 100 * len(re.findall(r"[;«»()]", between))
        if best is None or cost < best[0]:
            best = (cost, d)
    return best[1].value if best else DateValue(None)


def reads_as_event(hit, span, actors, ments, text, dates, killed) -> bool:
    """Whether a noun trigger reports an event: an actor, place, date or toll near it."""
    lo, hi = max(span[0], hit.start - READING_WINDOW), min(span[1], hit.end + READING_WINDOW)
    near = lambda s, e: lo <= s and e <= hi  # noqa: E731
    return (
        killed is not None
        or any(near(a[0], a[1]) for a in actors)
        or any(near(d.start, d.end) for d in dates)
        or any(near(m.start, m.end) and eligible(m) and locative(text, m, lo) for m in ments)
    )


ACTOR_WINDOW = 120  # farthest an actor may be from the trigger, in characters


# A dateline after a town in capitals: "KIEV (AFP) - ", "RAQQA, Syria (Reuters) - ".
_DATELINE_AFTER = re.compile(r"(?:,\s*[A-Z][\w .'-]{0,30})?\s*\([^)]{1,30}\)\s*[-–—]")
# A headline's topic before a colon: "Ukraine: frappe russe sur un théâtre".
_TOPIC_AFTER = re.compile(r"\s*:\s")
# Words between a trigger and its passive agent: "... in an air strike by", "tués par".
_BY = re.compile(
    rf"(?:\s+(?:{_words('by_lead')})(?:\s+[\w'-]+){{0,3}}?)?\s+(?:{_words('by')})\s+"
    rf"(?:{_words('by_det')})?",
    re.IGNORECASE,
)
# A claim's words that end with the agent's preposition: "revendiquée par", "claimed by"
BY_END = re.compile(rf" (?:{_words('by')})$")
# A source named after the event: "selon la police", "according to the army".
_SOURCE = re.compile(
    rf"(?:{_words('source')}|(?:{_words('aux')})\s+(?:{_words('source_participle')}))"
    r"\s+(?:\S+\s+)?$",
    re.I,
)
# An actor who speaks rather than acts: "Damas a affirmé", "Moscow said", "selon l'armée".
_SPEAKER = re.compile(
    rf"\s*(?:\S+\s+){{0,3}}?(?:{_words('aux')})\s+(?:{_words('speaker_participle')})|"
    rf"\s*(?:\S+\s+){{0,3}}?(?:{_words('speaker_verb')})\b",
    re.IGNORECASE,
)
# A count right before an actor's name: counted people are the victims ("sept soldats maliens").
_COUNTED_BEFORE = re.compile(
    rf"(?:\d+|{_words('count')})(?:\s+(?:{_words('count_of')}))?\s+"
    rf"(?:(?:{_words('counted_noun')})\s+)?$",
    re.IGNORECASE,
)
_TARGET_CUE = re.compile(rf"\b(?:{_words('target_cue')})\b", re.IGNORECASE)


def _ordered_actors(text: str, primary: Hit, actors, span):
    """Actors of the trigger's clause, the likely agent first: the actor right after a noun
    ("raids russes", "frappes de la coalition", not "frappes contre l'EI"), else the nearest
    one before the trigger (its subject), then the others by distance. Also returns the agent
    (None when only victims are named) and the target (an actor after "contre", "against", the
    object of a verb, or the civilians hit)."""
    keyed = []
    targets = []
    speaking: set[str] = set()  # actors that tell of the event: "police and sources said"
    for a in actors:
        if not span[0] <= a[0] < span[1]:
            continue
        between = _between(text, (a[0], a[1]), (primary.start, primary.end))
        if len(between) > ACTOR_WINDOW or _CLAUSE.search(between):
            continue
        after = a[0] >= primary.end
        attached = after and len(between) <= 25 and not _TARGET_CUE.search(between)
        tier = 0 if attached and primary.trigger.form != "verb" else (1 if not after else 2)
        keyed.append(((tier, len(between)), a))
        cue = _TARGET_CUE.search(text, max(span[0], a[0] - 25), a[0])
        counted = _COUNTED_BEFORE.search(text, max(span[0], a[0] - 30), a[0])
        if _SOURCE.search(text, max(span[0], a[0] - 30), a[0]) or _SPEAKER.match(text, a[1]):
            speaking.add(a[2])
            continue  # "selon la police", "police said": who told, not who was hit
        if a[3] == "civilians" or counted or (after and (cue or primary.trigger.form == "verb")):
            targets.append(((a[3] != "civilians", len(between)), a[2]))
    out: list[tuple[str, str]] = []
    for _, a in sorted(keyed, key=lambda k: k[0]):
        if (a[2], a[3]) not in out:
            out.append((a[2], a[3]))
    target = min(targets)[1] if targets else None
    # the agent: the clause's subject, its first actor before the trigger that is neither the
    # side hit nor a speaker ("Damas a affirmé que..."); else the actor attached to a noun
    subject = [
        a
        for a in sorted(actors)
        if span[0] <= a[0] and a[1] <= primary.start and a[2] != target and a[3] != "civilians"
        and not _SPEAKER.match(text, a[1]) and not _CLAUSE.search(text, a[1], primary.start)
        and not _SOURCE.search(text, max(span[0], a[0] - 30), a[0])
        and not _DATELINE_AFTER.match(text, a[1])
        and not _TOPIC_AFTER.match(text, a[1])  # "Ukraine: frappe russe sur...": a topic
    ]  # fmt: skip
    # a passive's agent: "killed in an air strike by Syrian government forces", "tués par l'EI"
    by = next(
        (
            a
            for a in sorted(actors)
            if primary.end <= a[0] < span[1]
            and _BY.fullmatch(text, primary.end, a[0])
            and a[3] != "civilians"
        ),
        None,
    )
    agent = by[2] if by else (subject[0][2] if subject else None)
    if by is not None and target == by[2]:
        target = None
    if agent in unnamed_labels() and len(subject) > 1 and subject[1][0] - subject[0][1] <= 12:
        agent = subject[1][2]  # "des rebelles des ADF", "des jihadistes de l'EI": the group
    agent = agent or next(
        (
            label
            for label, kind in out
            if label != target and kind != "civilians" and label not in speaking
        ),
        None,
    )
    if target is None:  # the other side named after the trigger, not an ally before it
        after = {
            a[2]
            for a in actors
            if span[0] <= a[0] < span[1] and a[0] >= primary.end
            and not _SOURCE.search(text, max(span[0], a[0] - 30), a[0])
            and not _SPEAKER.match(text, a[1])
        }  # fmt: skip
        target = next((label for label, _ in out if label != agent and label in after), None)
    return out, agent, target


_FROM = re.compile(rf"\b(?:{_words('taken_from')})", re.IGNORECASE)
_RE_TAKE = re.compile(_words("retake"), re.IGNORECASE)


def _subtype(hit: Hit, actors, span, text: str) -> str | None:
    if hit.trigger.subtype != "@territory":
        return hit.trigger.subtype
    inside = [a for a in actors if span[0] <= a[0] < span[1] and a[3] in TERRITORY]
    before = [a for a in inside if a[1] <= hit.start]
    # the side a place is taken from is not the one that takes it: "retake X from al Shabaab"
    after = [a for a in inside if a[0] >= hit.end and not _FROM.search(text, hit.end, a[0])]
    agent = before[-1] if before else (after[0] if after else None)
    if agent:
        return TERRITORY[agent[3]]
    retake = _RE_TAKE.search(text, hit.start, hit.end)  # taking back is what governments do
    return TERRITORY["state" if retake else "nonstate"]


def sentence_draft(
    text, i, span, hits, actors, ments, dates, killed, injured, phrase=None, countries=None
):
    rank = lambda h: (  # noqa: E731
        TYPE_RANK[h.trigger.type],
        SUBTYPES[h.trigger.type].index(h.trigger.subtype)
        if h.trigger.subtype in SUBTYPES[h.trigger.type]
        else 0,
        h.start,
    )
    hits = sorted(hits, key=rank)
    primary = hits[0]
    protest = next((h for h in hits if h.trigger.type == "Protests"), None)
    if primary.trigger.subtype == "Arrests" and protest is not None:
        primary = protest  # arrests at a demonstration: a protest met with intervention
    ptype = primary.trigger.type
    subtype = _subtype(primary, actors, span, text)
    secondary = []
    for h in hits[1:]:
        sub = _subtype(h, actors, span, text)
        label = h.trigger.type + (f": {sub}" if h.trigger.subtype else "")
        label = label.replace("@victims", "Attack")
        if label not in secondary and (h.trigger.type, _subtype(h, actors, span, text)) != (
            ptype,
            subtype,
        ):
            secondary.append(label)
    same = [h for h in hits if h.trigger.type == ptype]
    if ptype == "Diplomacy":
        place, loc = diplomacy_place(text, same, ments, span, dates, subtype)
    else:
        place, loc = violent_place(text, same, ments, span, dates, countries)
    precision = precision_of(text, place, loc) if place else None
    actor_list, agent, target = _ordered_actors(text, primary, actors, span)
    date = _nearest_date(text, dates, primary, span)
    details = sum(x is not None for x in (place, date.value, killed)) + bool(actor_list)
    base = {"verb": 0.6, "noun": 0.45, "weak": 0.35}[primary.trigger.form]
    kinds = [a[1] for a in actor_list]
    words = text[primary.start : primary.end]
    target_kind = next((k for label, k in actor_list if label == target), None)
    ntype, nsub, reason = retype(ptype, subtype, words, text[span[0] : span[1]], kinds, target_kind)
    notes = [f"{ntype} ({reason})" if reason else f"{ntype} ({words!r})"]
    if ntype != ptype and f"{ptype}: {subtype}" not in secondary and subtype != "@victims":
        secondary.append(f"{ptype}: {subtype}" if subtype else ptype)
    return Draft(
        primary, ntype, nsub, i, span, secondary, date, [a[0] for a in actor_list],
        killed, injured, place, precision, min(0.95, base + 0.1 * details), seen=[i],
        geo=geo_precision(place, loc, precision) if place else None, phrase=phrase,
        agent=agent, target=target, kinds=kinds, notes=notes, typed=reason is not None,
    )  # fmt: skip


def clauses(text: str, span: tuple[int, int], hits: list[Hit]):
    """Split a sentence's triggers where a clause boundary separates them ("..., alors que")."""
    groups: list[list[Hit]] = [[hits[0]]]
    cuts = [span[0]]
    for prev, h in zip(hits, hits[1:], strict=False):
        b = _CLAUSE.search(text, prev.end, h.start)
        if b:
            groups.append([h])
            cuts.append(b.start())
        else:
            groups[-1].append(h)
    cuts.append(span[1])
    return [((cuts[k], cuts[k + 1]), g) for k, g in enumerate(groups)]


class Window:
    """Mentions, dates and actors (each sorted by start) near a span, found by bisection."""

    MARGIN = 200  # characters either side: farther than any look-around of the rules above

    def __init__(self, ments, dates, actors) -> None:
        self.items = (ments, dates, actors)
        self.starts = (
            [m.start for m in ments],
            [d.start for d in dates],
            [a[0] for a in actors],
        )

    def around(self, span: tuple[int, int]):
        lo, hi = span[0] - self.MARGIN, span[1] + self.MARGIN
        return tuple(
            items[bisect_left(starts, lo) : bisect_right(starts, hi)]
            for items, starts in zip(self.items, self.starts, strict=True)
        )


def presence_from_neighbours(drafts, spans, text, near: Window, busy) -> None:
    """Place a diplomacy event by the next (or previous) sentence saying where people are."""
    for d in drafts:
        if d.type != "Diplomacy" or d.place is not None:
            continue
        for k in (d.sent + 1, d.sent - 1):
            if (
                0 <= k < len(spans)
                and k not in busy
                and "\n\n" not in text[min(spans[k][0], d.span[0]) : max(spans[k][1], d.span[1])]
            ):
                ments, dates, _ = near.around(spans[k])
                place, _ = diplomacy_place(text, [], ments, spans[k], dates)
                if place is not None:
                    d.place, d.precision = place, PRECISION[place.place.feature]
                    d.geo = geo_precision(place, None, d.precision)
                    d.notes.append("placed by the next sentence")
                    break

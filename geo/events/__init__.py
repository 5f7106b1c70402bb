"""Events in French and English conflict news: type, actors, toll, date and place.

The types and sub-types are ACLED's plus ``Diplomacy``, declared once in
``geo/data/event_types.tsv`` (:mod:`geo.event_types`). Triggers are each language's reviewed
``geo/lang/<code>/events_triggers.tsv``, actors ``geo/data/events_actors.tsv`` (labels of the
:mod:`geo.actors` registry). The stages, one module each:

- :mod:`~geo.events.lexicon` reads the lexicons (each pattern knows the words one of which
  every match holds, so a text lacking them is not searched);
- :mod:`~geo.events.sentence` turns a clause with triggers into a draft event: the primary
  trigger, the actors with the side that acted and the side acted upon, the date, the place;
- :mod:`~geo.events.roles` types it by who did what to whom (an attack on villagers is
  Violence against civilians, on soldiers a Battle; strikes from the air or by artillery stay
  Explosions/Remote violence; a clash with protesters is a Riot);
- :mod:`~geo.events.toll` reads the toll of the event, not of the war (a count since a date is
  context; "une dizaine", "dozens" give their minimum; the words are kept);
- :mod:`~geo.events.place` places it as ACLED does: the most precise place the text gives,
  with ``location`` (the name as written) and ``geo_precision`` (1 the place, 2 near it or its
  district, 3 a province or more);
- :mod:`~geo.events.merge` merges reports of one event, lets the lead's event take the finer
  place a later report or "the attack took place in X" gives, and ranks events (headline and
  lead, toll, repetition, precision; background clauses weigh less), saying why in ``why``.

An event without its own date takes the publication date (time precision 2), or the article's
main date (3); an event the text does not place (diplomacy aside) is placed in the article's
country when most of its places lie there (geo precision 3), else stays unplaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geo import actors as registry
from geo.dates import find_dates
from geo.events.lexicon import SUBTYPES, load_actors, load_triggers
from geo.events.merge import DEFINITE, OTHER, merge, merge_headline, refine_lead, salience
from geo.events.place import eligible, geo_precision, precision_of, violent_place
from geo.events.sentence import (
    BY_END,
    Hit,
    Window,
    clauses,
    find_actors,
    find_hits,
    long_quotes,
    presence_from_neighbours,
    reads_as_event,
    sentence_draft,
)
from geo.events.toll import casualties, toll
from geo.lang import DEFAULT, language
from geo.model import DateValue, Event, Mention
from geo.text import sentences

__all__ = ["SUBTYPES", "casualties", "extract_events", "load_actors", "load_triggers"]


def extract_events(
    text: str,
    mentions: Sequence[Mention],
    *,
    lang: str = DEFAULT,
    dates: Sequence | None = None,
    published: str | None = None,
    title: str | None = None,
) -> list[Event]:
    """Events reported in a text, most salient first.

    Parameters
    ----------
    text : str
        The cleaned text (``geo.text.clean(...).text``) that ``mentions`` index.
    mentions : sequence of Mention
        Resolved place mentions; metonymic ones never place an event.
    lang : str
        A language code of :data:`geo.lang.SUPPORTED`.
    dates : sequence of geo.dates.DateMention, optional
        Date mentions of ``text``; found with :func:`geo.dates.find_dates` when omitted.
    published : str, optional
        ISO publication date that relative dates are resolved against.
    title : str, optional
        The headline when the text does not begin with it: events of the kinds and places it
        names rank first.

    Returns
    -------
    list of Event
        One per reported event after merging duplicates; ``secondary_types`` hold
        ``"Type: Subtype"`` of the sentence's other triggers.

    Example
    -------
    >>> [e.type for e in extract_events("Des combats ont opposé lundi rebelles et soldats.", [])]
    ['Battles']
    """
    language(lang, "event extraction")
    if dates is None:
        dates = find_dates(text, published, lang)
    ments = sorted((m for m in mentions if m.end <= len(text)), key=lambda m: m.start)
    ments_all = ments
    countries: dict[str, int] = {}
    for m in ments:
        if eligible(m) and m.place.country_code:
            countries[m.place.country_code] = countries.get(m.place.country_code, 0) + 1
    actors = find_actors(text, mentions)
    hits = find_hits(text, lang)
    where_hits = [h for h in hits if h.trigger.form == "where"]
    causes = [h for h in hits if h.trigger.form == "cause"]
    claims = [h for h in hits if h.trigger.form == "claim"]
    hits = [
        h
        for h in hits
        if h.trigger.form not in ("where", "cause", "claim")
        # a killing known only by its toll, beside a crash or an earthquake, is no violence
        and not (
            h.trigger.subtype == "@victims"
            and h.trigger.form == "weak"
            and any(abs(c.start - h.start) < CAUSE_WINDOW for c in causes)
        )
    ]
    spans = sentences(text)
    by_sent: dict[int, list[Hit]] = {}
    j = 0
    for h in hits:
        while j < len(spans) and spans[j][1] <= h.start:
            j += 1
        if j < len(spans) and spans[j][0] <= h.start:
            by_sent.setdefault(j, []).append(h)
    quotes = long_quotes(text)
    ments = [m for m in ments if not any(s <= m.start and m.end <= e for s, e in quotes)]
    # "l'Etat islamique en Irak et au Levant": a place in an actor's name is not where it acts
    # (a country named as a compass part of it stays: "dans le nord d'Israël" is a place)
    ments = [
        m
        for m in ments
        if m.part is not None or not any(a[0] <= m.start and m.end <= a[1] for a in actors)
    ]
    near = Window(ments, sorted(dates, key=lambda d: d.start), sorted(actors))
    drafts = []
    for i, sh in sorted(by_sent.items()):
        # only what lies around the sentence: a long document costs its length, not its square
        ments, dates, actors = near.around(spans[i])
        for clause, ch in clauses(text, spans[i], sh):
            killed, injured, phrase = toll(text[clause[0] : clause[1]])
            strong = [h for h in ch if h.trigger.form != "weak"]
            if not strong and killed is None and casualties(text[clause[0] : clause[1]])[0]:
                continue  # a war's or a year's toll ("tuées depuis 2011") is context, no event
            ch = [
                h
                for h in (strong or ch)
                if h.trigger.form != "noun"
                or reads_as_event(h, clause, actors, ments, text, dates, killed)
            ]
            if ch:
                d = sentence_draft(
                    text, i, clause, ch, actors, ments, dates, killed, injured, phrase, countries
                )
                d.span = spans[i]
                drafts.append(d)
    presence_from_neighbours(drafts, spans, text, near, set(by_sent))
    merged = merge(drafts, text)
    first = min((min(d.seen) for d in merged), default=0)
    if any(spans[k][1] - spans[k][0] > FURNITURE for k in range(min(first, len(spans)))):
        first = 0  # a real sentence comes before: the headline and lead are the first ones
    if first <= LEAD_START:  # the headline, or the first sentence after page furniture
        merged = merge_headline(merged, first, text)
    claimed_by(merged, claims, actors, text)
    wheres = where_places(text, spans, where_hits, near, countries, hits)
    refine_lead(merged, text, wheres, lead=max(1, first + 1) if first <= LEAD_START else 1)
    lead = first if first <= LEAD_START else 0
    headline = _headline(title, text, lang)
    ranked = sorted(
        ((_with_headline(salience(d, len(spans), text, lead), d, headline), d) for d in merged),
        key=lambda x: (-x[0][0], x[1].span[0]),
    )
    main_date = next((d.date for _, d in ranked if d.date.value), None)
    country = _main_country(ments_all)
    for _, d in ranked:
        if d.place is None and country is not None and d.type != "Diplomacy":
            d.place, d.precision, d.geo, d.located = country, "country", 3, False
            d.notes.append(f"placed in the article's country ({country.text!r}), geo precision 3")
    return [_event(d, text, k, why, published, main_date) for k, ((_, why), d) in enumerate(ranked)]


CAUSE_WINDOW = 120  # characters between a killing and the accident or disaster that caused it
CLAIM_WINDOW = 160  # farthest a claim's side is from its words ("X, which ..., claimed")


def claimed_by(events, claims, actors, text: str) -> None:
    """The side that claims an event acts in it: "Al Shabaab claimed responsibility" after a
    bombing with no side of its own; "l'attaque a été revendiquée par l'EI"."""
    for c in claims:
        words = text[c.start : c.end].lower()
        passive = bool(BY_END.search(words.rstrip()))
        if passive:
            side = next((a for a in actors if 0 <= a[0] - c.end <= 20), None)
        else:
            before = [
                a
                for a in actors
                if 0 <= c.start - a[1] <= CLAIM_WINDOW
                and "." not in text[a[1] : c.start]
                and a[3] != "civilians"
            ]
            side = before[0] if before else None  # the clause's subject comes first
        if side is None:
            continue
        reported = [
            d for d in events if d.type != "Diplomacy" and d.hit.start < c.start and d.agent is None
        ]
        if reported:
            d = max(reported, key=lambda d: d.hit.start)  # the event just reported
            d.agent = side[2]
            if side[2] not in d.actors:
                d.actors.insert(0, side[2])
            d.notes.append(f"claimed by {side[2]}")


FURNITURE = 100  # longest line of page furniture (bylines, "Partager", a date line)
LEAD_START = 5  # page furniture (bylines, "Partager", a date line) may come before the headline


def where_places(text, spans, hits, near, countries=None, events_hits=()) -> list:
    """The places of sentences that say where the event just reported took place."""
    out = []
    for h in hits:
        k = next((i for i, sp in enumerate(spans) if sp[0] <= h.start < sp[1]), None)
        if k is None or OTHER.search(text, max(spans[k][0], h.start - 60), h.start):
            continue  # "d'autres frappes survenues près de X": another event's place
        ments, dates, _ = near.around(spans[k])
        place, loc = violent_place(text, [h], ments, (h.start, spans[k][1]), dates, countries)
        if place is None:
            continue
        prec = precision_of(text, place, loc)
        definite = bool(DEFINITE.search(text, max(spans[k][0], h.start - 40), h.start)) or any(
            0 <= h.start - t.end <= 40
            for t in events_hits  # "des bombardements ont eu lieu"
        )
        out.append(Where(k, place, prec, geo_precision(place, loc, prec), definite))
    return out


@dataclass
class Where:
    """A place a sentence gives for the event it refers back to."""

    sent: int
    place: Mention
    precision: str
    geo: int
    definite: bool = False  # "l'attaque a eu lieu", "the attack took place": the event just told


def _headline(title: str | None, text: str, lang: str) -> tuple[set[str], str] | None:
    """The event types a separate headline names, and its words folded (None without one, or
    when the text begins with it)."""
    if not title or text.lstrip().startswith(title.strip()[:40]):
        return None
    types = {h.trigger.type for h in find_hits(title, lang) if h.trigger.form in ("verb", "noun")}
    return types, title.lower()


def _with_headline(scored, d, headline):
    """Salience plus the weight of a separate headline naming the event's kind or place."""
    score, why = scored
    if headline is None:
        return score, why
    types, words = headline
    named = d.type in types or (d.place is not None and d.place.text.lower() in words)
    return (score + 3.0, [*why, "named in the headline"]) if named else (score, why)


def _main_country(ments) -> Mention | None:
    """A mention of the country that most of the article's places lie in (more than half of
    them, a country named counting twice), or None when the article spreads over several
    countries or names none."""
    codes: dict[str, int] = {}
    for m in ments:
        if eligible(m) and m.place.country_code:  # a country named counts twice
            weight = 2 if m.place.feature == "country" else 1
            codes[m.place.country_code] = codes.get(m.place.country_code, 0) + weight
    if not codes:
        return None
    top = max(codes, key=codes.get)
    if codes[top] * 2 <= sum(codes.values()):
        return None
    return next(
        (m for m in ments if eligible(m) and m.place.feature == "country"
         and m.place.country_code == top), None,
    )  # fmt: skip


# ACLED's time precision of a date's precision: 1 the day, 2 a week, 3 a month or vaguer.
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "season": 3, "year": 3}


# The crowd of a demonstration, by type: ACLED's first actor of protests and riots.
CROWD = {"Protests": "manifestants", "Riots": "émeutiers"}


def _actor_id(label: str | None) -> str | None:
    actor = registry.find(label) if label else None
    return actor.id if actor else None


def _event(d, text: str, rank: int, why: list[str], published, main_date) -> Event:
    """The Event of a draft: its date (the publication date, or the article's main date, when
    the text gives none, with a coarser time precision), its ACLED codes and why it ranks."""
    date, time_prec = d.date, TIME_PRECISION.get(d.date.precision)
    notes = list(d.notes)
    if date.value is None and published:
        date, time_prec = DateValue(published, "day", None), 2
        notes.append("date: the publication date (no date phrase), time precision 2")
    elif date.value is None and main_date is not None:
        date, time_prec = main_date, 3
        notes.append("date: the article's main date (no date phrase), time precision 3")
    place = d.place.place if d.place else None
    precision, location = d.precision, d.place.text if d.place and d.located else None
    if d.place is not None and d.precision == "country" and d.place.part is not None:
        # "le sud du Liban": the country's division of that name, at province precision
        place, precision = d.place.part, "admin1"
        if d.located:
            location = text[d.place.part_start : d.place.end]
        notes.append(f"in the part of the country the text names: {place.name}, geo precision 3")
    agent, target = d.agent, d.target
    if d.type == "Violence against civilians" and target is None:
        target = "civils"  # ACLED's second actor of violence against civilians
    if d.type in CROWD:  # ACLED: the crowd first, the side that met it second
        crowd = CROWD[d.type]
        others = [a for a in d.actors if a not in CROWD.values()]
        agent, target = crowd, (others[0] if others else None)
    actor1, actor2 = _actor_id(agent), _actor_id(target)
    interaction = registry.interaction_of(
        agent if actor1 else None, target if actor2 else None, place.country_code if place else None
    )
    head = "main event" if rank == 0 else f"event {rank + 1}"
    return Event(
        type=d.type,
        subtype=d.subtype,
        sentence=text[d.span[0] : d.span[1]],
        start=d.span[0],
        end=d.span[1],
        date=date,
        actors=tuple(d.actors),
        fatalities=d.killed,
        injured=d.injured,
        place=place,
        place_precision=precision,
        secondary_types=tuple(d.secondary),
        confidence=round(d.confidence, 3),
        location=location,
        geo_precision=d.geo if place else None,
        time_precision=time_prec,
        actor1=actor1,
        actor2=actor2,
        interaction=interaction,
        fatalities_phrase=d.phrase if d.killed is not None else None,
        why=f"{head}: {', '.join(why)}; " + "; ".join(notes),
    )

"""Events in French and English conflict news: type, actors, toll, date and place.

The types follow ACLED's backbone (Battles, Explosions/Remote violence, Violence against
civilians, Strategic developments, Protests, Riots) plus ``Diplomacy``, which ACLED leaves out.
Triggers and actors are reviewed data (each language's ``geo/lang/<code>/events_triggers.tsv``,
and ``geo/data/events_actors.tsv`` for every language). A sentence with triggers gives one event: the trigger of the
highest-ranked type is primary and the others are kept in ``secondary_types`` as
``"Type: Subtype"``. A noun trigger counts only with an event reading nearby (an actor, a
located place, a date or a toll); hypothetical and negated contexts are blocked by the lexicon.

The place is a resolved mention of the sentence that is literal or a country, never a
metonymic one, reached by a locative cue ("à", "dans la région de", "au nord de", "in",
"near"); the most precise wins. Diplomacy events take only a place tied to the trigger
("rencontre à Hambourg", "se rendra à Paris") or where the participants are said to be.
Duplicates (same type, same place, compatible dates, or "ces frappes" pointing back) are
merged, and events come out by salience: lead position, violence and details weigh.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from geo.errors import ConfigError
from geo.lang import DEFAULT, language, read_tsv
from geo.model import DateValue, Event, Mention
from geo.text import sentences

__all__ = ["casualties", "extract_events", "load_actors", "load_triggers"]

DATA_DIR = Path(__file__).parent / "data"
FORMS = ("verb", "noun", "weak", "block", "block_next")
SUBTYPES = {
    "Explosions/Remote violence": (
        "Air/drone strike",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Suicide bomb",
    ),
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Violence against civilians": ("Attack", "Abduction/forced disappearance"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Headquarters or base established",
        "Non-violent transfer of territory",
        "Change to group/activity",
    ),
    "Protests": (),
    "Riots": (),
    "Diplomacy": (
        "Phone call",
        "Meeting/talks",
        "Visit",
        "Ceasefire proposal or demand",
        "Threat",
        "Accusation",
        "Cooperation",
    ),
}
TYPE_RANK = {t: i for i, t in enumerate(SUBTYPES)}
VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")
TYPE_WEIGHT = {"Protests": 2.0, "Riots": 2.0, "Strategic developments": 1.5, "Diplomacy": 1.0}
ACTOR_KINDS = ("state", "nonstate", "external", "civilians")
PRECISION = {"city": "city", "site": "city", "admin1": "admin1", "region": "admin1"}
PRECISION["country"] = "country"
_PRECISION_RANK = {"city": 0, "admin1": 1, "country": 2}
_TERRITORY = {
    "state": "Government regains territory",
    "nonstate": "Non-state actor overtakes territory",
}
READING_WINDOW = 90  # characters around a noun trigger where its event reading is looked for
LONG_QUOTE_WORDS = 6  # triggers inside longer quotations are claims, not reported events


# --------------------------------------------------------------------------- lexicons


@dataclass(frozen=True)
class Trigger:
    """A lexicon entry: a pattern and the event type it signals."""

    pattern: re.Pattern[str]
    type: str
    subtype: str | None
    form: str
    comment: str = ""


@dataclass(frozen=True)
class ActorEntry:
    """A name of an actor and its normalised label."""

    pattern: re.Pattern[str]
    label: str
    kind: str
    metonymic_only: bool = False


def _compile(
    path: Path, n: int, pattern: str, case: bool = False, aux: str | None = None
) -> re.Pattern[str]:
    # "{AUX}" in a trigger: the language's auxiliary with an optional adverb ("a en outre accusé")
    if aux is not None:
        pattern = pattern.replace("{AUX}", aux)
    body = pattern.replace(" ", r"\s+")
    # A pattern may end with a space or an apostrophe (block_next contexts): no end boundary then.
    end = r"(?:(?<=[\s'])|(?![\w]))"
    try:
        return re.compile(rf"(?<![\w-])(?:{body}){end}", 0 if case else re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"{path}:{n}: bad pattern {pattern!r}: {exc}") from exc


@lru_cache(maxsize=8)
def load_triggers(lang: str) -> tuple[Trigger, ...]:
    """The trigger lexicon of ``lang`` (``geo/lang/<lang>/events_triggers.tsv``).

    Raises
    ------
    ConfigError
        On an unknown language, a short row, an unknown type, subtype or form, or a bad regex.
    """
    spec = language(lang, "event extraction")
    table = spec.lexicon("events_triggers")
    path = table.path
    out = []
    for n, row in table.rows:
        if len(row) < 4:
            raise ConfigError(f"{path}:{n}: expected pattern, type, subtype, form[, comment]")
        pattern, type_, subtype, form = row[:4]
        if form not in FORMS:
            raise ConfigError(f"{path}:{n}: unknown form {form!r}")
        if not form.startswith("block"):
            if type_ not in SUBTYPES:
                raise ConfigError(f"{path}:{n}: unknown event type {type_!r}")
            if subtype not in (*SUBTYPES[type_], "@territory", ""):
                raise ConfigError(f"{path}:{n}: unknown subtype {subtype!r} of {type_}")
        comment = row[4] if len(row) > 4 else ""
        compiled = _compile(path, n, pattern, aux=spec.event_aux)
        out.append(Trigger(compiled, type_, subtype or None, form, comment))
    return tuple(out)


@lru_cache(maxsize=1)
def load_actors() -> tuple[ActorEntry, ...]:
    """The actors lexicon (``geo/data/events_actors.tsv``), shared by every language."""
    path = DATA_DIR / "events_actors.tsv"
    out = []
    for n, row in read_tsv(path, ("pattern", "label", "kind")).rows:
        if len(row) < 3 or row[2] not in ACTOR_KINDS:
            raise ConfigError(f"{path}:{n}: expected pattern, label, kind in {ACTOR_KINDS}")
        flags = set(row[3].split(",")) if len(row) > 3 and row[3] else set()
        pat = _compile(path, n, row[0], case="cs" in flags)
        out.append(ActorEntry(pat, row[1], row[2], "meto" in flags))
    return tuple(out)


# --------------------------------------------------------------------------- casualties


def _words(s: str) -> list[str]:
    return s.split()


_UNITS = {"un": 1, "une": 1, "one": 1}
_WORDS = dict(
    zip(
        _words(
            "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize"
        ),
        range(2, 17),
        strict=True,
    )
)
_WORDS |= dict(
    zip(
        _words("two three four five six seven eight nine ten eleven twelve"),
        range(2, 13),
        strict=True,
    )
)
_WORDS |= {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100}
_WORDS |= {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
# Vague quantities: the smallest count the phrase allows (conservative, as a minimum).
_VAGUE = {
    "une dizaine": 10, "une douzaine": 12, "une quinzaine": 15, "une vingtaine": 20,
    "une trentaine": 30, "une quarantaine": 40, "une cinquantaine": 50, "une centaine": 100,
    "des dizaines": 20, "plusieurs dizaines": 20, "des centaines": 200, "plusieurs centaines": 200,
    "des milliers": 2000, "plusieurs milliers": 2000, "plusieurs": 2, "quelques": 2,
    "a dozen": 12, "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000,
    "several": 3, "a few": 2, "tens": 20,
}  # fmt: skip
_NUMBER = re.compile(
    r"(?<![\w.,])(?:(?P<vague>"
    + "|".join(sorted(map(re.escape, _VAGUE), key=len, reverse=True))
    + r")|(?P<digits>\d{1,3}(?:[  .,]\d{3})+|\d+(?:,\d+)?)(?:\s*(?P<mult>millions?|milliers|mille|thousand|million))?"
    + r"|(?P<word>"
    + "|".join(sorted([*_WORDS, *_UNITS], key=len, reverse=True))
    + r"))(?![\w])",
    re.IGNORECASE,
)
_PERSONS = (
    r"personnes|civils|soldats|militaires|combattants|rebelles|insurgés|djihadistes|jihadistes|"
    r"enfants|femmes|hommes|policiers|membres|habitants|manifestants|gardes|agents|secouristes|"
    r"people|persons|civilians|soldiers|troops|fighters|militants|rebels|insurgents|children|"
    r"women|men|policemen|officers|members|residents|protesters|jihadists|servicemen|personnel|"
    r"civil|soldat|militaire|combattant|enfant|policier|civilian|soldier|fighter|child|person|"
    r"autres|others"
)
_KILLED = (
    r"tuée?s?|morte?s?|décédée?s?|péri|tuant|killed|dead|deaths?|died|killing|kills?|fatalities"
)
_INJURED = r"blessée?s?|blessant|wounded|injured|wounding|injuring|wounds?|injures?|hurt"
_HARM = re.compile(rf"(?<![\w])(?:(?P<k>{_KILLED})|(?P<i>{_INJURED}))(?![\w])", re.IGNORECASE)
_COUNTED = re.compile(
    rf"\s*(?:(?:autres|other|more|additional|de|d'|of)\s*)*(?:[\w-]+\s+){{0,2}}?(?:{_PERSONS}|{_KILLED}|{_INJURED})\b",
    re.IGNORECASE,
)
_COUNTED_NOW = re.compile(rf"\s*(?:{_PERSONS}|{_KILLED}|{_INJURED})\b", re.IGNORECASE)
_TRANSITIVE = re.compile(
    r"tuant|blessant|killing|killed|kills?|wounding|wounded|wounds?|injuring|injured|injures?|tué|blessé",
    re.I,
)
_QUALIFIER = re.compile(
    r"\s*(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd'hui|"
    r"(?:ce|cette|le|la)\s+(?:matin|soir|nuit|veille)|yesterday|today|on\s+\w+day)\s*,?\s*)?"
    r"(?:au moins|plus de|près de|environ|quelque|at least|more than|over|nearly|about|some|up to)?\s*$",
    re.IGNORECASE,
)
_PART_OF = re.compile(r"(?:dont|including|among them|parmi eux|parmi lesquels)\s*$", re.IGNORECASE)


def _value(m: re.Match[str]) -> int:
    if m.group("vague"):
        return _VAGUE[m.group("vague").lower()]
    if m.group("word"):
        word = m.group("word").lower()
        return _UNITS.get(word) or _WORDS[word]
    digits = m.group("digits")
    mult = (m.group("mult") or "").lower()
    if mult:
        scale = 1_000_000 if mult.startswith("million") else 1000
        return int(float(digits.replace(",", ".").replace(" ", "").replace(" ", "")) * scale)
    return int(re.sub(r"\D", "", digits))


def casualties(sentence: str) -> tuple[int | None, int | None]:
    """Killed and injured counts stated in a sentence, as minimums.

    Each harm word ("tuées", "blessés", "killed", "wounded") takes the nearest count of people
    before it ("au moins 30 personnes ... tuées"), or after a transitive form ("killing 30
    people"); a part of a total ("dont 12 enfants") is not the total. Vague quantities give their
    smallest value ("des dizaines" is 20).

    Examples
    --------
    >>> casualties("Au moins 30 personnes ont été tuées et 70 autres blessées jeudi.")
    (30, 70)
    >>> casualties("Des combats ont fait plus de 20 morts des deux côtés.")
    (20, None)
    """
    nums = []
    for m in _NUMBER.finditer(sentence):
        unit = bool(m.group("word")) and m.group("word").lower() in _UNITS
        follow = (_COUNTED_NOW if unit else _COUNTED).match(sentence, m.end())
        year = m.group("digits") and len(m.group("digits")) == 4 and not follow
        if follow and not year and not _PART_OF.search(sentence, 0, m.start()):
            nums.append((m.start(), m.end(), _value(m)))
    found: dict[str, int] = {}
    used: set[int] = set()
    for h in _HARM.finditer(sentence):
        kind = "k" if h.group("k") else "i"
        pick = None
        if _TRANSITIVE.fullmatch(h.group()):
            pick = next(
                (n for n in nums if n[0] >= h.end() and _QUALIFIER.match(sentence[h.end() : n[0]])),
                None,
            )
        if pick is None:
            before = [
                n
                for n in nums
                if n[1] <= h.start()
                and h.start() - n[1] <= READING_WINDOW
                and n[0] not in used
                and not _HARM.search(sentence, n[1], h.start())
                and ";" not in sentence[n[1] : h.start()]
            ]
            pick = before[-1] if before else None
        if pick is not None:
            used.add(pick[0])
            found[kind] = max(found.get(kind, 0), pick[2])
    return found.get("k"), found.get("i")


# --------------------------------------------------------------------------- places

_GEO_NOUN = (
    r"ville|localité|village|bourgade|province|région|gouvernorat|banlieue|quartiers?|zone|"
    r"secteur|district|périphérie|city|town|province|region|governorate|suburbs?|outskirts|"
    r"area|neighbou?rhoods?"
)
_REGION_NOUN = re.compile(r"province|région|gouvernorat|region|governorate", re.IGNORECASE)
_DIR = (
    r"nord|sud|est|ouest|nord-est|nord-ouest|sud-est|sud-ouest|north|south|east|west|"
    r"north-?east|north-?west|south-?east|south-?west"
)
_OF = r"(?:de\s+(?:la\s+|l')?|d'|du\s+|des\s+|of\s+(?:the\s+)?)"
_LOC = re.compile(
    rf"(?:\b(?:dans|à|au|aux|en|sur|in|at|inside|into|on|near|outside)\s+(?:[\w'-]+\s+){{0,6}}?"
    rf"(?P<geo>{_GEO_NOUN})\b(?:[\s,]+[\w-]+){{0,3}}?\s+{_OF}"
    rf"|(?P<dir>\b(?:{_DIR}))\s+{_OF}"
    rf"|(?P<near>\b(?:près|non\s+loin|aux\s+abords|aux\s+environs|à\s+proximité|autour|near|"
    rf"close\s+to|outside|on\s+the\s+outskirts\s+of|around))\s*{_OF}?"
    r"|\b(?:à|au|aux|dans|en|in|at|into|inside)\s+(?:la\s+|l'|le\s+|les\s+|the\s+)?"
    r")$",
    re.IGNORECASE,
)
_PRESENCE = re.compile(
    r"\b(?:sont|est|se\s+trouv\w*|étai(?:en)?t|arrivée?s?|seront|sera|are|is|was|were|arrived|"
    r"will\s+be)\s+(?:\w+\s+){0,2}?(?:à|en|au|aux|in|at)\s+$",
    re.IGNORECASE,
)
_ON_TARGET = re.compile(
    r"\s*(?:\S+\s+)?(?:sur|contre|on|against)\s+(?:la\s+|l'|le\s+|the\s+)?$", re.I
)
_GAP_WORDS = frozenset(
    _words(
        "et and avec with son sa ses leur leurs his her their homologue homologues counterpart "
        "counterparts président ministre chef m. mm. mr entre between les deux the two hommes "
        "men dirigeants leaders de of le la l' des du a ont has have"
    )
)
# Words between a capture verb and the place it takes ("a repris une grande partie d'Alep").
_OBJ_WORDS = frozenset(
    _words(
        "le la les l' un une des du de d' the a an of control contrôle grande partie majeure plupart "
        "part most much ville city town village localité quartiers quartier district secteur province "
        "région bastion clé key stratégique strategic rebel rebelle totalité whole entire"
    )
)
_ENDS_WITH_PREP = re.compile(r"(?:à|en|au|aux|in|to)$", re.IGNORECASE)


@dataclass
class _Hit:
    start: int
    end: int
    trigger: Trigger


@dataclass
class _Draft:
    hit: _Hit
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


def _locative(text: str, m: Mention, lo: int) -> re.Match[str] | None:
    return _LOC.search(text, max(lo, m.start - 90), m.start)


def _eligible(m: Mention) -> bool:
    return m.place is not None and m.role != "metonymic" and m.place.feature in PRECISION


def _precision(text: str, m: Mention, loc: re.Match[str] | None) -> str:
    prec = PRECISION[m.place.feature]
    geo = loc.groupdict().get("geo") if loc is not None else None
    if prec == "city" and geo and _REGION_NOUN.fullmatch(geo):
        return "admin1"  # "dans la région de Raqa": somewhere in the city's region
    return prec


def _gap_ok(text: str, start: int, end: int, dates: Sequence) -> bool:
    gap = list(text[start:end])
    for d in dates:
        if d.start < end and d.end > start:
            for i in range(max(d.start, start), min(d.end, end)):
                gap[i - start] = " "
    words = re.findall(r"[\w.'-]+", "".join(gap))
    return all(w[0].isupper() or w.lower() in _GAP_WORDS or w.isdigit() for w in words)


def _diplomacy_place(text, hits, ments, span, dates):
    """A place tied to a diplomacy trigger, or where the participants are said to be."""
    for h in hits:
        for m in ments:
            if not (h.end <= m.start <= h.end + 90) or not _eligible(m):
                continue
            loc = _locative(text, m, h.end)
            adjacent = (
                _ENDS_WITH_PREP.search(text, h.start, h.end) and not text[h.end : m.start].strip()
            )
            if adjacent or (loc and _gap_ok(text, h.end, loc.start(), dates)):
                return m, loc
    for m in ments:
        if (
            _eligible(m)
            and span[0] <= m.start < span[1]
            and _PRESENCE.search(text, max(span[0], m.start - 40), m.start)
        ):
            return m, None
    return None, None


# A strike verb and its target: "ont visé jeudi la ville de Raqa", "shelled Idlib".
_TARGET = re.compile(
    r"\b(?:visée?s?|frappée?s?|ciblée?s?|pilonnée?s?|bombardée?s?|attaquée?s?|targeted|hit|struck|"
    r"pounded|bombed|shelled|attacked)\b",
    re.IGNORECASE,
)


def _object_gap(text: str, start: int, end: int, dates: Sequence) -> bool:
    gap = "".join(
        " " if any(d.start <= i < d.end for d in dates) else c
        for i, c in enumerate(text[start:end], start)
    )
    words = re.findall(r"[\w-]+'?|'", gap.lower())
    return all(w in _OBJ_WORDS for w in words)


def _violent_place(text, hits, ments, span, dates):
    """The most precise located mention of the sentence, nearest the primary trigger."""
    best = None
    for m in ments:
        if not _eligible(m) or not span[0] <= m.start < span[1]:
            continue
        loc = _locative(text, m, span[0])
        on_target = any(
            h.end <= m.start and _ON_TARGET.fullmatch(text, h.end, m.start) for h in hits
        )
        struck = _TARGET.search(text, max(span[0], m.start - 60), m.start)
        if struck and _object_gap(text, struck.end(), m.start, dates):
            loc = loc or struck
        taken = any(
            h.trigger.subtype == "@territory"
            and 0 <= m.start - h.end <= 60
            and _object_gap(text, h.end, m.start, dates)
            for h in hits
        )
        if loc is None and not on_target and not taken:
            continue
        prec = _precision(text, m, loc)
        key = (_PRECISION_RANK[prec], min(abs(m.start - h.end) for h in hits))
        if best is None or key < best[0]:
            best = (key, m, loc)
    return (best[1], best[2]) if best else (None, None)


# --------------------------------------------------------------------------- extraction


def _quotes(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"«[^«»]*»|\"[^\"\n]*\"", text):
        if len(m.group().split()) >= LONG_QUOTE_WORDS:
            spans.append(m.span())
    return spans


def _find_hits(text: str, lang: str) -> list[_Hit]:
    triggers = load_triggers(lang)
    blocked: list[tuple[int, int]] = []
    next_blocked: set[int] = set()
    hits = []
    for t in triggers:
        for m in t.pattern.finditer(text):
            if t.form == "block":
                blocked.append(m.span("b") if "b" in t.pattern.groupindex else m.span())
            elif t.form == "block_next":
                next_blocked.add(m.end() + len(text[m.end() :]) - len(text[m.end() :].lstrip()))
            else:
                hits.append(_Hit(m.start(), m.end(), t))
    quotes = _quotes(text)
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_Hit] = []
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


def _find_actors(text: str, mentions: Sequence[Mention]) -> list[tuple[int, int, str, str]]:
    meto = [(m.start, m.end) for m in mentions if m.role == "metonymic"]
    found = []
    for a in load_actors():
        for m in a.pattern.finditer(text):
            if a.metonymic_only and not any(s < m.end() and m.start() < e for s, e in meto):
                continue
            found.append((m.start(), m.end(), a.label, a.kind))
    found.sort(key=lambda a: (a[0], -(a[1] - a[0])))
    out: list[tuple[int, int, str, str]] = []
    for a in found:
        if not out or a[0] >= out[-1][1]:
            out.append(a)
    return out


# Between a trigger and a date or an actor, these open another clause.
_CLAUSE = re.compile(
    r"[;()]|\b(?:(?:tandis|alors|après|avant|pendant) qu(?:e\b|')|(?:while|whereas|after|before|"
    r"mais|but)\b)",
    re.IGNORECASE,
)
_DURATION = re.compile(r"\b(?:depuis|since|dès|jusqu'(?:à|en|au))\s*$", re.IGNORECASE)


def _between(text: str, a: tuple[int, int], b: tuple[int, int]) -> str:
    lo, hi = (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])
    return text[lo:hi] if hi > lo else ""


def _nearest_date(text: str, dates: Sequence, hit: _Hit, span: tuple[int, int]) -> DateValue:
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


def _reading(hit, span, actors, ments, text, dates, killed) -> bool:
    """Whether a noun trigger reports an event: an actor, place, date or toll near it."""
    lo, hi = max(span[0], hit.start - READING_WINDOW), min(span[1], hit.end + READING_WINDOW)
    near = lambda s, e: lo <= s and e <= hi  # noqa: E731
    return (
        killed is not None
        or any(near(a[0], a[1]) for a in actors)
        or any(near(d.start, d.end) for d in dates)
        or any(near(m.start, m.end) and _eligible(m) and _locative(text, m, lo) for m in ments)
    )


ACTOR_WINDOW = 120  # farthest an actor may be from the trigger, in characters


_TARGET_CUE = re.compile(r"\b(?:contre|visant|sur|against|on|targeting|at)\b", re.IGNORECASE)


def _ordered_actors(text: str, primary: _Hit, actors, span) -> list[tuple[str, str]]:
    """Actors of the trigger's clause, the likely agent first: the actor right after a noun
    ("raids russes", "frappes de la coalition", not "frappes contre l'EI"), else the nearest
    one before the trigger (its subject), then the others by distance."""
    keyed = []
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
    out: list[tuple[str, str]] = []
    for _, a in sorted(keyed, key=lambda k: k[0]):
        if (a[2], a[3]) not in out:
            out.append((a[2], a[3]))
    return out


_RE_TAKE = re.compile(r"repr|recon|recap|retook|retaken|regain", re.IGNORECASE)


def _subtype(hit: _Hit, actors, span, text: str) -> str | None:
    if hit.trigger.subtype != "@territory":
        return hit.trigger.subtype
    inside = [a for a in actors if span[0] <= a[0] < span[1] and a[3] in _TERRITORY]
    before = [a for a in inside if a[1] <= hit.start]
    agent = before[-1] if before else (inside[0] if inside else None)
    if agent:
        return _TERRITORY[agent[3]]
    retake = _RE_TAKE.search(text, hit.start, hit.end)  # taking back is what governments do
    return _TERRITORY["state" if retake else "nonstate"]


def _sentence_draft(text, i, span, hits, actors, ments, dates, killed, injured):
    rank = lambda h: (  # noqa: E731
        TYPE_RANK[h.trigger.type],
        SUBTYPES[h.trigger.type].index(h.trigger.subtype)
        if h.trigger.subtype in SUBTYPES[h.trigger.type]
        else 0,
        h.start,
    )
    hits = sorted(hits, key=rank)
    primary = hits[0]
    ptype = primary.trigger.type
    subtype = _subtype(primary, actors, span, text)
    secondary = []
    for h in hits[1:]:
        label = h.trigger.type + (
            f": {_subtype(h, actors, span, text)}" if h.trigger.subtype else ""
        )
        if label not in secondary and (h.trigger.type, _subtype(h, actors, span, text)) != (
            ptype,
            subtype,
        ):
            secondary.append(label)
    same = [h for h in hits if h.trigger.type == ptype]
    if ptype == "Diplomacy":
        place, loc = _diplomacy_place(text, same, ments, span, dates)
    else:
        place, loc = _violent_place(text, same, ments, span, dates)
    precision = _precision(text, place, loc) if place else None
    actor_list = _ordered_actors(text, primary, actors, span)
    date = _nearest_date(text, dates, primary, span)
    details = sum(x is not None for x in (place, date.value, killed)) + bool(actor_list)
    base = {"verb": 0.6, "noun": 0.45, "weak": 0.35}[primary.trigger.form]
    return _Draft(
        primary, ptype, subtype, i, span, secondary, date, [a[0] for a in actor_list],
        killed, injured, place, precision, min(0.95, base + 0.1 * details), seen=[i],
    )  # fmt: skip


def _nested(a, b) -> bool:
    """Whether one place lies in the other (a city in its admin-1 area or country)."""
    for inner, outer in ((a, b), (b, a)):
        if outer.feature == "country" and inner.country_code == outer.country_code:
            return True
        if outer.feature == "admin1" and inner.admin1 and inner.admin1 == outer.admin1:
            return True
    return False


_CONTACTS = {"Meeting/talks", "Phone call", "Visit"}


def _compatible(a: _Draft, b: _Draft) -> bool:
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


def _absorb(into: _Draft, d: _Draft) -> None:
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


def _merge(drafts: list[_Draft], text: str) -> list[_Draft]:
    out: list[_Draft] = []
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


def _salience(d: _Draft, n_sent: int) -> float:
    score = 3.0 if d.type in VIOLENT else TYPE_WEIGHT[d.type]
    score += (d.date.value is not None) + (d.place is not None) + 0.5 * (d.precision == "city")
    if d.killed or d.injured:
        score += 1 + min(2.0, math.log10(1 + (d.killed or 0) + (d.injured or 0)) / 2)
    score += 0.5 * bool(d.actors) + 0.5 * min(3, d.merged - 1)
    first = min(d.seen)
    score += 5.0 if first <= 1 else 1.5 * (1 - first / max(1, n_sent))
    return score


def extract_events(
    text: str,
    mentions: Sequence[Mention],
    *,
    lang: str = DEFAULT,
    dates: Sequence | None = None,
    published: str | None = None,
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
        from geo.dates import find_dates

        dates = find_dates(text, published, lang)
    ments = sorted((m for m in mentions if m.end <= len(text)), key=lambda m: m.start)
    actors = _find_actors(text, mentions)
    hits = _find_hits(text, lang)
    spans = sentences(text)
    by_sent: dict[int, list[_Hit]] = {}
    j = 0
    for h in hits:
        while j < len(spans) and spans[j][1] <= h.start:
            j += 1
        if j < len(spans) and spans[j][0] <= h.start:
            by_sent.setdefault(j, []).append(h)
    quotes = _quotes(text)
    ments = [m for m in ments if not any(s <= m.start and m.end <= e for s, e in quotes)]
    near = _Window(ments, sorted(dates, key=lambda d: d.start), sorted(actors))
    drafts = []
    for i, sh in sorted(by_sent.items()):
        # only what lies around the sentence: a long document costs its length, not its square
        ments, dates, actors = near.around(spans[i])
        for clause, ch in _clauses(text, spans[i], sh):
            killed, injured = casualties(text[clause[0] : clause[1]])
            strong = [h for h in ch if h.trigger.form != "weak"]
            ch = [
                h
                for h in (strong or ch)
                if h.trigger.form != "noun"
                or _reading(h, clause, actors, ments, text, dates, killed)
            ]
            if ch:
                d = _sentence_draft(text, i, clause, ch, actors, ments, dates, killed, injured)
                d.span = spans[i]
                drafts.append(d)
    _presence_from_neighbours(drafts, spans, text, near, set(by_sent))
    merged = _merge(drafts, text)
    merged.sort(key=lambda d: (-_salience(d, len(spans)), d.span[0]))
    return [
        Event(
            type=d.type,
            subtype=d.subtype,
            sentence=text[d.span[0] : d.span[1]],
            start=d.span[0],
            end=d.span[1],
            date=d.date,
            actors=tuple(d.actors),
            fatalities=d.killed,
            injured=d.injured,
            place=d.place.place if d.place else None,
            place_precision=d.precision,
            secondary_types=tuple(d.secondary),
            confidence=round(d.confidence, 3),
        )
        for d in merged
    ]


def _clauses(text: str, span: tuple[int, int], hits: list[_Hit]):
    """Split a sentence's triggers where a clause boundary separates them ("..., alors que")."""
    groups: list[list[_Hit]] = [[hits[0]]]
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


class _Window:
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


def _presence_from_neighbours(drafts, spans, text, near: _Window, busy) -> None:
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
                place, _ = _diplomacy_place(text, [], ments, spans[k], dates)
                if place is not None:
                    d.place, d.precision = place, PRECISION[place.place.feature]
                    break

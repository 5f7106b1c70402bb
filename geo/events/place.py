"""Where an event happened: the located mention of its clause, and ACLED's precision codes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from geo.events.lexicon import PRECISION, PRECISION_RANK, alternatives, word_list
from geo.model import Mention

# --------------------------------------------------------------------------- places


def _words(name: str) -> str:
    """A word list of geo/lang/<code>/events_place.tsv, every language's, as one alternation."""
    return alternatives("events_place", name)


# The word lists are each language's geo/lang/<code>/events_place.tsv; the grammar that joins
# them is below.
# A place noun before the name it is of: "dans la ville de", "at a hospital in Gaza City".
_GEO_NOUN = _words("geo_noun")
# Nouns of a second-level division: a town named after one ("le territoire de Djugu", "Duk
# county") stands for it.
_DISTRICT_NOUN = re.compile(_words("district_noun"), re.IGNORECASE)
# Nouns of a first-level division: a city named after one ("la région de Raqa") stands for it.
_REGION_NOUN = re.compile(_words("region_noun"), re.IGNORECASE)
_DIR = _words("direction")
_OF = rf"(?:{_words('of')})"
_LOC = re.compile(
    rf"(?:\b(?:{_words('loc_prep')})\s+"
    rf"(?:[\w'-]+\s+){{0,6}}?"
    rf"(?P<geo>{_GEO_NOUN})\b(?:[\s,]+[\w-]+){{0,3}}?\s+{_OF}"
    rf"(?:(?:{_words('compass_adj')})\s+)?"
    rf"|(?P<dir>\b(?:{_DIR}))\s+{_OF}"
    rf"|(?P<near>\b(?:{_words('near_phrase')}))\s*{_OF}?"
    rf"|\b(?:{_words('capital')}|{_words('chief_town')})\s+{_OF}[\w'-]+(?:\s+[\w'-]+)?,\s*"
    rf"|\b(?:{_words('capital_prep')})\s+(?:{_words('possessive')})?(?:{_words('capital')})"
    r"(?:\s+\w+)?,?\s+"
    rf"|\b(?:{_words('in_prep')})\s+(?:{_words('in_article')})?"
    # "in rebel-held east Aleppo", "in southwestern Aleppo"
    rf"(?:[\w]+-(?:{_words('held_suffix')})\s+)?"
    rf"(?:(?:{_words('compass_adj')}|{_words('compass_adj_compound')})\s+)?"
    r")$",
    re.IGNORECASE,
)
_PRESENCE = re.compile(
    rf"\b(?:{_words('presence_verb')})\s+(?:\w+\s+){{0,2}}?(?:{_words('presence_prep')})\s+$",
    re.IGNORECASE,
)
_ON_TARGET = re.compile(rf"\s*(?:\S+\s+)?(?:{_words('on')})\s+(?:{_words('article')})?$", re.I)
_GAP_WORDS = frozenset(word_list("events_place", "gap_word"))
# Words between a capture verb and the place it takes ("a repris une grande partie d'Alep").
_OBJ_WORDS = frozenset(word_list("events_place", "object_word"))
_ENDS_WITH_PREP = re.compile(rf"(?:{_words('to')})$", re.IGNORECASE)


# "a indiqué à Xinhua", "told Reuters": whom something was said to, not where.
_ADDRESSEE = re.compile(
    rf"\b(?:{_words('addressee_verb')})\s+(?:{_words('addressee_prep')})?\s*$", re.IGNORECASE
)


# A name in the possessive right before a place name: "Mali's Mopti region".
_POSSESSOR = re.compile(r"\b[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}['’]s\s+$")


def locative(text: str, m: Mention, lo: int) -> re.Match[str] | None:
    """The locative cue right before a mention ("dans la région de", "près de", "in"), if any."""
    if _ADDRESSEE.search(text, max(lo, m.start - 40), m.start):
        return None
    found = _LOC.search(text, max(lo, m.start - 90), m.start)
    owner = None if found else _POSSESSOR.search(text, max(lo, m.start - 40), m.start)
    if owner is not None:  # "in central Mali's Mopti region": the cue before the owner
        found = _LOC.search(text, max(lo, owner.start() - 90), owner.start())
    return found


def eligible(m: Mention) -> bool:
    return m.place is not None and m.role != "metonymic" and m.place.feature in PRECISION


def precision_of(text: str, m: Mention, loc: re.Match[str] | None) -> str:
    """The level the event is placed at: ``city``, ``admin2``, ``admin1`` or ``country``."""
    prec = PRECISION[m.place.feature]
    geo = loc.groupdict().get("geo") if loc is not None else None
    if prec in ("city", "admin2") and geo and _REGION_NOUN.fullmatch(geo):
        return "admin1"  # "dans la région de Raqa": somewhere in the city's region
    if prec == "city" and geo and _DISTRICT_NOUN.fullmatch(geo):
        return "admin2"  # "dans le territoire de Djugu": somewhere in the town's district
    return prec


_DIR_END = re.compile(rf"\b(?:{_DIR})\s+{_OF}$", re.IGNORECASE)
_QUARTER = re.compile(_words("quarter_noun"), re.IGNORECASE)
_NEAR_PREP = re.compile(rf"(?:{_words('near_prep')})\b", re.IGNORECASE)


def geo_precision(m: Mention, loc: re.Match[str] | None, prec: str) -> int:
    """ACLED's geo precision of an event placed by mention ``m``.

    1: the place itself, a town or a neighbourhood of a known city; 2: near a town ("près de",
    "au nord de"), a district, or a place the gazetteer lacks given its enclosing district or
    town; 3: a province or larger, or a place the gazetteer lacks known only by its province
    or country.
    """
    if m.precision in ("admin1", "country") or prec in ("admin1", "country"):
        return 3
    geo = loc.groupdict().get("geo") if loc is not None else None
    if geo and _QUARTER.fullmatch(geo) and m.place.feature in ("city", "site"):
        return 1  # a neighbourhood of a known city: ACLED codes the city, precisely
    near = loc is not None and (
        loc.groupdict().get("near")
        or loc.groupdict().get("dir")
        or _NEAR_PREP.match(loc.group())
        or _DIR_END.search(loc.group())  # "a village south of Kirkuk": near it, not in it
    )
    if m.precision == "admin2" or prec == "admin2" or near:
        return 2
    return 1


def place_key(m: Mention, loc: re.Match[str] | None, prec: str) -> tuple[int, int, int]:
    """Sort key of candidate places, most precise first; a name the gazetteer lacks, placed at
    its enclosing place, beats that place's own name (it keeps the event's ``location``)."""
    return (geo_precision(m, loc, prec), PRECISION_RANK[prec], m.precision == "exact")


def _gap_ok(text: str, start: int, end: int, dates: Sequence) -> bool:
    gap = list(text[start:end])
    for d in dates:
        if d.start < end and d.end > start:
            for i in range(max(d.start, start), min(d.end, end)):
                gap[i - start] = " "
    words = re.findall(r"[\w.'-]+", "".join(gap))
    return all(
        w[0].isupper() or w.lower() in _GAP_WORDS or w.isdigit() or _PERSON_WORD.fullmatch(w)
        for w in words
    )


# Diplomatic words said somewhere: the place is where they were said, not their topic
# ("a appelé à un cessez-le-feu à Gaza" is said elsewhere).
_SAID = frozenset({"Ceasefire proposal or demand", "Accusation", "Threat"})
_SAID_AT = re.compile(
    rf"\b(?:(?:{_words('aux')})\s+(?:{_words('said_participle')})|{_words('said_verb')})"
    rf"\s+(?:[\w']+\s+){{0,2}}?(?:{_words('at_prep')})\s+$",
    re.IGNORECASE,
)
# A meeting held at a place named before its noun: "ont tenu dimanche à Astana une consultation".
_HELD_AT = re.compile(
    rf"\b(?:{_words('held_verb')})\s+(?:[\w']+\s+){{0,2}}?(?:{_words('at_prep')})\s+$",
    re.IGNORECASE,
)
# A nationality adjective, a title or a particle of a name between a meeting verb and its place
# ("de rencontrer le président azerbaïdjanais Ilham Aliev à Moscou", "met Ahmed al-Xyz in").
_PERSON_WORD = re.compile(f"{_words('person_word')}|{_words('name_particle')}", re.IGNORECASE)


def diplomacy_place(text, hits, ments, span, dates, subtype=None):
    """A place tied to a diplomacy trigger, or where the participants are said to be; for
    words said (a call for a ceasefire, an accusation, a threat) where they were said."""
    said = subtype in _SAID
    for m in ments if said else ():
        near = _SAID_AT.search(text, max(span[0], m.start - 60), m.start)
        if eligible(m) and span[0] <= m.start < span[1] and near:
            return m, None
    for h in hits if not said else ():
        for m in ments:
            if not (span[0] <= m.start < h.start) or not eligible(m):
                continue
            if _HELD_AT.search(text, max(span[0], m.start - 40), m.start):
                return m, locative(text, m, span[0])
    for h in hits if not said else ():
        for m in ments:  # inside the trigger's words: "a reçu mercredi à Ankara son homologue"
            if h.start < m.start and m.end <= h.end and eligible(m):
                loc = locative(text, m, h.start)
                if loc:
                    return m, loc
        for m in ments:
            if not (h.end <= m.start <= h.end + 90) or not eligible(m):
                continue
            loc = locative(text, m, h.end)
            adjacent = (
                _ENDS_WITH_PREP.search(text, h.start, h.end) and not text[h.end : m.start].strip()
            )
            if adjacent or (loc and _gap_ok(text, h.end, loc.start(), dates)):
                return m, loc
    for m in ments:
        if (
            eligible(m)
            and span[0] <= m.start < span[1]
            and _PRESENCE.search(text, max(span[0], m.start - 40), m.start)
        ):
            return m, None
    return None, None


# A strike verb and its target: "ont visé jeudi la ville de Raqa", "shelled Idlib".
_TARGET = re.compile(rf"\b(?:{_words('target_word')})\b", re.IGNORECASE)


# "IS-held", "rebel-held", "government-controlled", "the group's": words of a target's owner
_HELD = re.compile(rf"-(?:{_words('held_suffix')})$|'s$|^(?:{_words('owner_word')})$")


def _object_gap(text: str, start: int, end: int, dates: Sequence) -> bool:
    gap = "".join(
        " " if any(d.start <= i < d.end for d in dates) else c
        for i, c in enumerate(text[start:end], start)
    )
    words = re.findall(r"[\w-]+'?s?|'", gap.lower())
    return all(w in _OBJ_WORDS or _HELD.search(w) or _DEMONYM.fullmatch(w) for w in words)


# A place named as the possessor of another: "in Baghdad's Sadr City district"
_OWNS = re.compile(r"['’]s\s")
_POSSESSED_GAP = re.compile(r"['’]s\s+(?:(?-i:[a-z][\w-]*)\s+){0,2}")
# A nationality adjective before a place noun: "the Yemeni capital", "la capitale syrienne"
_DEMONYM = re.compile(rf"\w{{3,}}(?:{_words('demonym_ending')})s?")


def violent_place(text, hits, ments, span, dates, doc_countries=None):
    """The most precise located mention of the sentence, nearest the primary trigger; a place
    in another country than every other place around is a doubtful reading and comes last,
    and the article's only place in its country (``doc_countries``: how many of the article's
    places lie in each country) is not taken."""
    best = None
    countries = [m.place.country_code for m in ments if eligible(m) and m.place.country_code]
    common = max(set(countries), key=countries.count) if countries else None
    if common and countries.count(common) * 2 <= len(countries):
        common = None
    for m in ments:
        if not eligible(m) or not span[0] <= m.start < span[1]:
            continue
        loc = locative(text, m, span[0])
        on_target = any(
            h.end <= m.start and _ON_TARGET.fullmatch(text, h.end, m.start) for h in hits
        )
        # the strike verb or preposition nearest the place: "air strikes on the capital X"
        struck = next(
            (
                t
                for t in _TARGET.finditer(text, max(span[0], m.start - 60), m.start)
                if _object_gap(text, t.end(), m.start, dates)
            ),
            None,
        )
        loc = loc or struck
        taken = any(
            h.trigger.subtype == "@territory"
            and 0 <= m.start - h.end <= 60
            and _object_gap(text, h.end, m.start, dates)
            for h in hits
        )
        if loc is None and not on_target and not taken:
            continue
        if _OWNS.match(text, m.end) and any(
            eligible(o) and _POSSESSED_GAP.fullmatch(text, m.end, o.start) for o in ments
        ):
            continue  # "Baghdad's Sadr City": the place the possessor contains is the finer
        prec = precision_of(text, m, loc)
        stray = common is not None and m.place.country_code not in (None, common)
        share = doc_countries.get(m.place.country_code, 0) if doc_countries else 0
        if doc_countries and share <= 1 < max(doc_countries.values()):
            continue  # the article's one place in that country: a name read as another place
        key = (stray, *place_key(m, loc, prec), min(abs(m.start - h.end) for h in hits))
        if best is None or key < best[0]:
            best = (key, m, loc)
    return (best[1], best[2]) if best else (None, None)

"""Where an event happened: the located mention of its clause, and ACLED's precision codes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from geo.events.lexicon import PRECISION, PRECISION_RANK
from geo.events.toll import words
from geo.model import Mention

# --------------------------------------------------------------------------- places

_GEO_NOUN = (
    r"villes?|localités?|villages?|bourgades?|provinces?|régions?|gouvernorat|banlieue|quartiers?|"
    r"zone|secteur|district|périphérie|état|etat|territoire|commune|cercle|département|"
    r"préfecture|municipalité|camp|île|city|towns?|villages?|provinces?|regions?|governorate|"
    r"suburbs?|outskirts|areas?|neighbou?rhoods?|state|territory|county|municipality|island|"
    r"districts?|secteurs?|zones?|enclaves?|fiefs?|bastions?|strongholds?|"
    r"camp|oblast|port|aéroport|marché|market|airport|harbou?r|hôtel|hotel|"
    r"resorts?|station\s+balnéaire|"
    # buildings: "à sa résidence de Port-au-Prince", "at a hospital in Gaza City"
    r"résidences?|residences?|domicile|palais|palace|sièges?|headquarters|compound|"
    r"écoles?|schools?|hôpital|hôpitaux|hospitals?|mosquées?|mosques?|églises?|churches|church|"
    r"prisons?|universités?|university|stades?|stadium|mairie|ambassades?|embassy|"
    r"théâtres?|theatres?|theaters?|cinémas?|gares?|usines?|factory|factories|"
    r"centres?\s+commerciaux|centre\s+commercial|shopping\s+(?:centre|center|mall)|mall"
)
# Nouns of a second-level division: a town named after one ("le territoire de Djugu", "Duk
# county") stands for it.
_DISTRICT_NOUN = re.compile(
    r"territoire|districts?|cercle|département|préfecture|territory|county",
    re.IGNORECASE,
)
# Nouns of a first-level division: a city named after one ("la région de Raqa") stands for it.
_REGION_NOUN = re.compile(
    r"province|région|gouvernorat|état|etat|region|governorate|state|oblast", re.IGNORECASE
)
_DIR = (
    r"centre|center|nord|sud|est|ouest|nord-est|nord-ouest|sud-est|sud-ouest|north|south|east|west|"
    r"north-?east|north-?west|south-?east|south-?west"
)
_OF = r"(?:de\s+(?:la\s+|l')?|d'|du\s+|des\s+|of\s+(?:the\s+)?)"
_LOC = re.compile(
    rf"(?:\b(?:dans|à|au|aux|en|sur|contre|vers|du|des|de\s+la|in|at|inside|into|on|near|"
    rf"outside|against|of)\s+"
    rf"(?:[\w'-]+\s+){{0,6}}?"
    rf"(?P<geo>{_GEO_NOUN})\b(?:[\s,]+[\w-]+){{0,3}}?\s+{_OF}"
    r"(?:(?:north|south|east|west|central)(?:ern)?\s+)?"
    rf"|(?P<dir>\b(?:{_DIR}))\s+{_OF}"
    rf"|(?P<near>\b(?:près|non\s+loin|aux\s+abords|aux\s+environs|à\s+proximité|autour|"
    rf"à\s+la\s+sortie|aux\s+portes|à\s+l'entrée|à\s+la\s+périphérie|near|"
    rf"close\s+to|outside|on\s+the\s+outskirts\s+of|around))\s*{_OF}?"
    rf"|\b(?:capitale|capital|chef-lieu)\s+{_OF}[\w'-]+(?:\s+[\w'-]+)?,\s*"
    r"|\b(?:dans|à|in|at)\s+(?:la\s+|sa\s+|the\s+|its\s+)?(?:capitale|capital)(?:\s+\w+)?,?\s+"
    r"|\b(?:à|au|aux|dans|en|in|at|into|inside)\s+(?:la\s+|l'|le\s+|les\s+|the\s+)?"
    # "in rebel-held east Aleppo", "in southwestern Aleppo"
    r"(?:[\w]+-(?:held|controlled|run)\s+)?(?:(?:north|south|east|west|central|"
    r"north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+)?"
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
    words(
        "et and avec with son sa ses leur leurs his her their homologue homologues counterpart "
        "counterparts président ministre chef m. mm. mr entre between les deux the two hommes "
        "men dirigeants leaders de of le la l' des du a ont has have ministres ministers "
        "officials responsables chefs heads state états"
    )
)
# Words between a capture verb and the place it takes ("a repris une grande partie d'Alep").
_OBJ_WORDS = frozenset(
    words(
        "le la les l' un une des du de d' the a an of control contrôle grande partie majeure plupart "
        "part most much ville city town village localité quartiers quartier district secteur province "
        "région bastion clé key stratégique strategic rebel rebelle totalité whole entire "
        "marché market immeuble immeubles building buildings hôpital hospital école school "
        "maison house quartier résidentiel residential zone area centre center gare station "
        "port aéroport airport mosquée mosque église church camp d'habitation apartment block "
        "last dernier derniers dernières eastern western northern southern east west north "
        "south est ouest nord sud districts neighbourhoods neighborhoods areas enclave fief "
        "stronghold capital capitale de facto group group's siege assiégé besieged its their "
        "sa ses leur leurs hôtel hotel théâtre theatre theater cinéma gare usine factory "
        "centre commercial shopping mall"
    )
)
_ENDS_WITH_PREP = re.compile(r"(?:à|en|au|aux|in|to)$", re.IGNORECASE)


# "a indiqué à Xinhua", "told Reuters": whom something was said to, not where.
_ADDRESSEE = re.compile(
    r"\b(?:indiqué|déclaré|dit|affirmé|confié|précisé|expliqué|annoncé|rapporté|told|said\s+to)"
    r"\s+(?:à|au|aux)?\s*$",
    re.IGNORECASE,
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
_QUARTER = re.compile(r"quartiers?|neighbou?rhoods?|districts?|secteurs?", re.IGNORECASE)
_NEAR_PREP = re.compile(r"(?:near|outside|around|close\s+to)\b", re.IGNORECASE)


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
    r"\b(?:(?:a|ont)\s+(?:déclaré|affirmé|dit|annoncé|indiqué|estimé|appelé|exhorté)|said|told|"
    r"called|urged|announced|declared)\s+(?:[\w']+\s+){0,2}?(?:à|en|au|in|at)\s+$",
    re.IGNORECASE,
)
# A meeting held at a place named before its noun: "ont tenu dimanche à Astana une consultation".
_HELD_AT = re.compile(
    r"\b(?:tenue?s?|tenu|organisée?s?|accueilli|held|hosted|convened)\s+(?:[\w']+\s+){0,2}?"
    r"(?:à|en|au|in|at)\s+$",
    re.IGNORECASE,
)
# A nationality adjective, a title or a particle of a name between a meeting verb and its place
# ("de rencontrer le président azerbaïdjanais Ilham Aliev à Moscou", "met Ahmed al-Xyz in").
_PERSON_WORD = re.compile(
    r"\w+(?:ais|aise|ien|ienne|ain|aine|ois|oise|an|ese|ish|i|ote)s?|premier|vice|envoyée?|"
    r"émissaire|secrétaire|général|homologues?|délégations?|négociateurs?|représentants?|"
    r"prime|foreign|secretary|envoy|delegations?|negotiators?|en|"
    r"(?:al|el|ad|as|ash|at|ar|an)-\w+|ibn|bin|ben|abu|abou|van|von|der|da|di|dos",  # names
    re.IGNORECASE,
)


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
_TARGET = re.compile(
    r"\b(?:visée?s?|frappée?s?|ciblée?s?|pilonnée?s?|bombardée?s?|attaquée?s?|targeted|hit|struck|"
    r"pounded|bombed|shelled|attacked|pounds?|hits|bombs?|shells?|targets?|attacks?|strikes?|"
    r"on|sur|contre|against|of|de|d')\b",
    re.IGNORECASE,
)


# "IS-held", "rebel-held", "government-controlled", "the group's": words of a target's owner
_HELD = re.compile(r"-(?:held|controlled|run)$|'s$|^(?:rebelles?|rebel|jihadist|insurgent)$")


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
_DEMONYM = re.compile(r"\w{3,}(?:i|ian|ean|ese|ish|ais|aise|ien|ienne|ain|aine|ite)s?")


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

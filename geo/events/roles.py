"""Who did what to whom: the side that acted, the side acted upon, and the type they make.

ACLED types an event by its actors as much as by its verb: armed men attacking villagers, a
market or a camp is Violence against civilians; two armed sides fighting is a Battle; air,
drone, artillery and missile strikes are Explosions/Remote violence whoever they hit; taking a
place without a fight is a Strategic development; a clash between the police and protesters or
strikers is a Riot. The words that tell victims and targets apart are word lists of each
language's ``geo/lang/<code>/events_roles.tsv``, every language's applied to every text.
"""

from __future__ import annotations

import re

from geo.events.lexicon import alternatives

# The type an event keeps whoever it hits: it is told by its means (a strike, a shell, a mine).
BY_MEANS = "Explosions/Remote violence"


def _words(name: str) -> str:
    """A word list of geo/lang/<code>/events_roles.tsv, every language's, as one alternation."""
    return alternatives("events_roles", name)


# The word lists (people who are no party to the fighting, people under arms, their places, a
# count in words, ...) are each language's geo/lang/<code>/events_roles.tsv; the grammar that
# joins them is below.
_CIVIL = _words("civil")
_ARMED = _words("armed")
_CIVIL_PLACE = _words("civil_place")
# "un bus transportant des soldats", "vehicles carrying troops": a military target
_CARRIED = (
    rf"(?:{_words('vehicle')})\s+(?:{_words('carrying')})\s+(?:(?:{_words('partitive')})\s+)?"
    rf"(?:[\w-]+\s+)?(?:{_words('carried')})"
)
_ARMED_PLACE = f"{_words('armed_place')}|{_CARRIED}"
# A count before a noun of people: counted people are the victims ("douze civils", "huit
# soldats", "dozens of villagers"); the side that acted is seldom counted.
_COUNT = rf"(?:\d[\d  .,]*|{_words('count')})"
_COUNTED = r"\b{count}\s+(?:(?:{of})\s*)?(?:[\w-]+\s+)?(?:{noun})\b"
_TARGETED = r"\b(?:{cue})\s+(?:\S+\s+){{0,3}}?(?:{noun})\b"
_ATTACK_OF = r"\b(?:{attack})\s+(?:{of})\s*(?:\S+\s+){{0,2}}?(?:{noun})\b"


def _pattern(people: str, places: str) -> re.Pattern[str]:
    return re.compile(
        "|".join(
            (
                _COUNTED.format(count=_COUNT, of=_words("count_of"), noun=people),
                _TARGETED.format(cue=_words("target_cue"), noun=f"{people}|{places}"),
                _ATTACK_OF.format(
                    attack=_words("attack_noun"), of=_words("attack_of"), noun=places
                ),
            )
        ),
        re.IGNORECASE,
    )


_VICTIMS_CIVIL = _pattern(_CIVIL, _CIVIL_PLACE)
_VICTIMS_ARMED = _pattern(_ARMED, _ARMED_PLACE)
# Triggers that say two sides fought: they stay Battles whoever the victims are.
_TWO_SIDED = re.compile(_words("two_sided"), re.IGNORECASE)
_NO_FIGHT = re.compile(_words("no_fight"), re.IGNORECASE)
_CROWD = re.compile(_words("crowd"), re.IGNORECASE)
_CROWD_KINDS = {"protesters", "rioters"}
# A clash whose other side is the police or the security forces: in the news, the crowd of a
# protest or a riot ("des heurts avec les forces de l'ordre", "clashes with riot police").
_FIGHTERS = re.compile(rf"\b(?:{_words('fighters')})\b", re.IGNORECASE)
_WITH_POLICE = re.compile(
    rf"\b(?:{_words('with')})\s+(?:(?:{_words('det')})\s+)?(?:{_words('police')})\b",
    re.IGNORECASE,
)
# A building right after a capture verb: "ont pris d'assaut un hôtel", "stormed a school".
_BUILDING = re.compile(rf"\s*(?:\S+\s+){{0,3}}?(?:{_words('building')})\b", re.IGNORECASE)
_INTERVENTION = re.compile(_words("intervention"), re.IGNORECASE)
# Sub-types the type rules above give (no trigger names them)
ROLE_SUBTYPES = frozenset(
    {"Peaceful protest", "Protest with intervention", "Excessive force against protesters",
     "Violent demonstration", "Non-violent transfer of territory"}
)  # fmt: skip


def victims(clause: str) -> str | None:
    """Who the clause says was hit: ``"armed"`` (soldiers, police, fighters counted as victims,
    or a military post targeted), ``"civilians"`` (villagers counted, a market or a camp
    targeted), or None when it does not say. Counted soldiers win over civilians also named.

    >>> victims("Des hommes armés ont tué douze civils dans le village de Tin-Barkoudou")
    'civilians'
    >>> victims("Au moins une dizaine de soldats ont été tués dans une embuscade")
    'armed'
    >>> victims("des jihadistes ont attaqué un poste de l'armée")
    'armed'
    >>> victims("L'attaque a eu lieu mardi") is None
    True
    """
    armed = _VICTIMS_ARMED.search(clause)
    civil = _VICTIMS_CIVIL.search(clause)
    if armed and civil:
        return "armed" if armed.start() < civil.start() else "civilians"
    return "armed" if armed else ("civilians" if civil else None)


def retype(
    type_: str,
    subtype: str | None,
    trigger: str,
    clause: str,
    categories: list[str],
    target_kind: str | None = None,
) -> tuple[str, str | None, str | None]:
    """The type of a draft event once its victims and actors are known, and why it changed.

    Parameters
    ----------
    type_, subtype : str
        What the trigger says (``@victims`` for a killing whose victims decide).
    trigger : str
        The trigger's words.
    clause : str
        The clause the event was read from.
    categories : list of str
        ACLED categories (or coarse kinds) of the clause's actors, the likely agent first.
    target_kind : str, optional
        The kind of the side acted upon (``state``, ``nonstate``, ``external``, ``civilians``).

    Returns
    -------
    tuple
        ``(type, subtype, reason)``; reason is None when the trigger's type stands.

    Example
    -------
    >>> retype("Battles", "Armed clash", "attaque", "une attaque contre un village", [])
    ('Violence against civilians', 'Attack', 'attack on civilians')
    """
    crowd = bool(_CROWD.search(clause)) or any(c in _CROWD_KINDS for c in categories)
    if type_ == "Protests" and not subtype:
        if _INTERVENTION.search(clause):
            return type_, "Protest with intervention", "protesters dispersed or arrested"
        return type_, "Peaceful protest", None
    if type_ == "Riots" and not subtype:
        return type_, "Violent demonstration", None
    if type_ == BY_MEANS:
        return type_, subtype, None
    if type_ == "Battles" and subtype and "territory" in subtype:
        if _NO_FIGHT.search(clause):
            return "Strategic developments", "Non-violent transfer of territory", "no fight"
        at = clause.lower().find(trigger.lower())
        if at >= 0 and _BUILDING.match(clause, at + len(trigger)):
            if crowd:  # "protesters stormed the parliament"
                return "Riots", "Violent demonstration", "a crowd stormed a building"
            if victims(clause) == "armed":  # "stormed a hotel": an attack, not a capture
                return "Battles", "Armed clash", "a building stormed, armed men hit"
            return "Violence against civilians", "Attack", "a building stormed"
    if type_ == "Battles" and _TWO_SIDED.search(trigger):
        if crowd:
            return "Riots", "Violent demonstration", "a clash with protesters"
        if (
            _WITH_POLICE.search(clause)
            and "nonstate" not in categories
            and not _FIGHTERS.search(clause)
        ):
            return "Riots", "Violent demonstration", "a clash with the police, no armed group"
        return type_, subtype, None
    if type_ == "Battles" and subtype == "Armed clash" or subtype == "@victims":
        who = victims(clause)
        if who is None and target_kind in ("state", "nonstate", "external"):
            who = "armed"  # "l'armée dit avoir tué 11 Kurdes de la milice YPG"
        if crowd and subtype == "@victims":
            return "Protests", "Excessive force against protesters", "protesters killed"
        if who == "armed":
            return "Battles", "Armed clash", "armed men attacked" if subtype == "@victims" else None
        if who == "civilians":
            return "Violence against civilians", "Attack", "attack on civilians"
        if subtype == "@victims":
            return "Violence against civilians", "Attack", "killing, victims unstated"
    return type_, subtype, None

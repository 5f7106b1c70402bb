"""Who did what to whom: the side that acted, the side acted upon, and the type they make.

ACLED types an event by its actors as much as by its verb: armed men attacking villagers, a
market or a camp is Violence against civilians; two armed sides fighting is a Battle; air,
drone, artillery and missile strikes are Explosions/Remote violence whoever they hit; taking a
place without a fight is a Strategic development; a clash between the police and protesters or
strikers is a Riot. The words that tell victims and targets apart are below, one list per class
(French and English side by side: they are nouns of the news, not grammar).
"""

from __future__ import annotations

import re

# The type an event keeps whoever it hits: it is told by its means (a strike, a shell, a mine).
BY_MEANS = "Explosions/Remote violence"

# People who are no party to the fighting, as victims or targets.
_CIVIL = (
    r"civils?|villageois|habitants?|personnes|femmes|enfants|fidèles|commerçants|passagers|"
    r"déplacés|réfugiés|élèves|étudiants|paysans|agriculteurs|éleveurs|pêcheurs|orpailleurs|"
    r"invités|familles?|Palestiniens|civilians?|villagers|residents|people|women|children|"
    r"worshippers|traders|passengers|displaced|refugees|students|farmers|herders|families|"
    r"wedding guests|mourners"
)
# People under arms, as victims or targets.
_ARMED = (
    r"soldats?|militaires?|policiers?|gendarmes?|combattants?|casques? bleus?|miliciens?|"
    r"jihadistes|djihadistes|rebelles|insurgés|terroristes|assaillants|agents de sécurité|"
    r"membres des forces|gardes?|peshmergas?|soldiers?|troops|servicemen|policemen|"
    r"police(?:men| officers)?|fighters|militants|insurgents|rebels|peacekeepers|guards|"
    r"security (?:forces|personnel)|officers"
)
# Places and gatherings of civilians an attack may target.
_CIVIL_PLACE = (
    r"villages?|marchés?|camps? de (?:déplacés|réfugiés)|mosquées?|églises?|écoles?|hôpital|"
    r"mariage|cérémonie|convoi de (?:commerçants|civils|camions)|bus(?!\s+(?:carrying|transporting|transportant))|maisons?|habitations?|"
    r"immeubles?|quartiers? résidentiels?|markets?|(?:refugee|displacement|IDP) camps?|"
    r"mosques?|church(?:es)?|schools?|hospitals?|weddings?|funerals?|homes?|houses?|"
    r"apartment (?:blocks?|buildings?)|residential"
)
# Military places an attack may target.
_ARMED_PLACE = (
    r"postes? (?:militaires?|de (?:police|gendarmerie|contrôle)|avancés?|de l'armée)|bases?|"
    r"casernes?|unités? (?:de l'armée|militaires?|des forces)|"
    r"patrouilles?|convois? (?:militaires?|de l'armée)|positions?|camp militaire|"
    r"military (?:posts?|bases?|convoys?|camps?)|outposts?|checkpoints?|patrols?|barracks|"
    r"army (?:posts?|convoys?|positions?)|"
    r"(?:bus|buses|vehicles?|trucks?|camions?|véhicules?|convois?)\s+(?:carrying|transporting|"
    r"transportant)\s+(?:des\s+)?(?:[\w-]+\s+)?(?:soldiers|troops|soldats|militaires|policemen|"
    r"policiers|police\s+officers)"
)
# A count before a noun of people: counted people are the victims ("douze civils", "huit
# soldats", "dozens of villagers"); the side that acted is seldom counted.
_COUNT = (
    r"(?:\d[\d  .,]*|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|"
    r"quatorze|quinze|seize|vingt|trente|quarante|cinquante|cent|dizaines?|douzaine|quinzaine|"
    r"vingtaine|trentaine|quarantaine|cinquantaine|centaines?|plusieurs|nombreux|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|"
    r"dozens?|scores|several)"
)
_COUNTED = r"\b{count}\s+(?:(?:de|d'|of)\s*)?(?:[\w-]+\s+)?(?:{noun})\b"
_TARGETED = (
    r"\b(?:contre|sur|visant|vers|against|on|targeting|at|attaqu(?:é|ée|és|ées)|visée?s?|ciblée?s?|"
    r"attacked|targeted|ambushed|stormed)\s+"
    r"(?:\S+\s+){{0,3}}?(?:{noun})\b"
)
_ATTACK_OF = (
    r"\b(?:attaques?|attacks?|assauts?|raids?)\s+(?:de|d'|du|des)\s*(?:\S+\s+){{0,2}}?(?:{noun})\b"
)


def _pattern(people: str, places: str) -> re.Pattern[str]:
    return re.compile(
        "|".join(
            (
                _COUNTED.format(count=_COUNT, noun=people),
                _TARGETED.format(noun=f"{people}|{places}"),
                _ATTACK_OF.format(noun=places),
            )
        ),
        re.IGNORECASE,
    )


_VICTIMS_CIVIL = _pattern(_CIVIL, _CIVIL_PLACE)
_VICTIMS_ARMED = _pattern(_ARMED, _ARMED_PLACE)
# Triggers that say two sides fought: they stay Battles whoever the victims are.
_TWO_SIDED = re.compile(
    r"combats?|affrontements?|affronté|accrochages?|heurts|batailles?|échanges?|échangé|"
    r"clash\w*|fight\w*|fought|battles?|gunfights?|firefights?|exchange\w*",
    re.IGNORECASE,
)
_NO_FIGHT = re.compile(
    r"sans (?:combat|coup férir|résistance|tirer)|without (?:a )?(?:fight|resistance|a shot)|"
    r"unopposed|(?:après|suite\s+à)\s+(?:le|leur)\s+retrait|after\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:withdrew|withdrawal|pulled\s+out|retreated)",
    re.IGNORECASE,
)
_CROWD = re.compile(
    r"manifestants|grévistes|protestataires|émeutiers|protesters|demonstrators|strikers|rioters|"
    r"protesting|pour protester|en signe de protestation",
    re.IGNORECASE,
)
_CROWD_KINDS = {"protesters", "rioters"}
# A clash whose other side is the police or the security forces: in the news, the crowd of a
# protest or a riot ("des heurts avec les forces de l'ordre", "clashes with riot police").
_FIGHTERS = re.compile(
    r"\b(?:combattants?|jihadistes|djihadistes|islamistes|rebelles|insurgés|terroristes|"
    r"assaillants|miliciens?|milices?|hommes armés|fighters|militants|insurgents|rebels|gunmen|"
    r"armed men|militias?|jihadists|terrorists|attackers)\b",
    re.IGNORECASE,
)
_WITH_POLICE = re.compile(
    r"\b(?:avec|contre|with|against)\s+(?:les\s+|la\s+|des\s+|the\s+)?(?:forces\s+de\s+"
    r"(?:l'ordre|sécurité)|policiers|police|gendarmes|CRS|(?:riot\s+)?police|security\s+forces)\b",
    re.IGNORECASE,
)
# A building right after a capture verb: "ont pris d'assaut un hôtel", "stormed a school".
_BUILDING = re.compile(
    r"\s*(?:\S+\s+){0,3}?(?:hôtels?|hotels?|écoles?|schools?|mosquées?|mosques?|églises?|"
    r"church(?:es)?|hôpita(?:l|ux)|hospitals?|prisons?|restaurants?|centres? commerci\w+|malls?|"
    r"marchés?|markets?|bâtiments?|buildings?|maisons?|houses?|bureaux|offices?|ambassades?|"
    r"embassy|embassies|universités?|universit(?:y|ies)|parlements?|parliaments?|palais|"
    r"palaces?|ministères?|ministr(?:y|ies)|sièges?|headquarters)\b",
    re.IGNORECASE,
)
_INTERVENTION = re.compile(
    r"dispers\w*|gaz lacrymogènes?|interpell\w*|arrêté|matraqu\w*|tear ?gas|dispersed|"
    r"arrested|batons?|water cannons?|canons? à eau",
    re.IGNORECASE,
)
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

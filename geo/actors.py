"""The actor registry: who acts in conflict news, under one id, in every language.

Each actor of ``geo/data/actors.tsv`` has a stable id (``russia``, ``syria-government``,
``islamic-state``), a label for French and for English readers, the other names a text or a
user may give it, and ACLED's actor category with its numeric code (``inter1``/``inter2`` in
ACLED's data). ``find`` takes any of those names in any language, folded like place names, so
that a filter for "Russia" finds the events whose actor label is "Russie".

ACLED's interaction code of two actors is their two category codes, the smaller first (``17``:
state forces against civilians); an actor acting alone gives its code times ten (``60``: a
protest with no other side).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gazetteer.normalize import fold
from geo.errors import ConfigError
from geo.lang import read_tsv
from geo.model import DEFAULT_NAME_LANG

__all__ = [
    "CATEGORIES",
    "Actor",
    "acled_fields",
    "actors",
    "category_code",
    "code_of",
    "find",
    "interaction",
    "interaction_of",
    "load",
    "names_of",
    "resolve_all",
]

DATA_FILE = Path(__file__).parent / "data" / "actors.tsv"
# ACLED's actor categories and their codes (the "inter" codes of its data).
CATEGORIES: dict[str, int] = {
    "state forces": 1,
    "rebels": 2,
    "political militias": 3,
    "identity militias": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external forces": 8,
}
# The coarse kinds geo/events.py's actor lexicon uses (who regains or overtakes territory).
_KINDS = {1: "state", 2: "nonstate", 3: "nonstate", 4: "nonstate", 5: "nonstate",
          6: "nonstate", 7: "civilians", 8: "external"}  # fmt: skip
EXTERNAL = CATEGORIES["external forces"]


@dataclass(frozen=True)
class Actor:
    """An actor of the registry.

    ``category`` is ACLED's category name, ``code`` its number (1..8); ``country`` is a state
    actor's own country (ISO 3166 alpha-2), where its forces are state forces.
    """

    id: str
    category: str
    labels: tuple[tuple[str, str], ...]  # (lang, label), French first
    country: str | None = None
    aliases: tuple[str, ...] = ()
    comment: str = ""

    @property
    def code(self) -> int:
        """ACLED's numeric actor type (1 state forces .. 8 external/other forces)."""
        return CATEGORIES[self.category]

    @property
    def kind(self) -> str:
        """The coarse kind of ``geo/data/events_actors.tsv``: state, nonstate, external,
        civilians."""
        return _KINDS[self.code]

    def label(self, lang: str | None) -> str:
        """The actor's label for a reader of ``lang`` (English for a language it lacks).

        >>> find("Russie").label("en")
        'Russia'
        >>> find("Syrian government").label("fr")
        'régime syrien'
        """
        table = dict(self.labels)
        return table.get((lang or "").lower()) or table.get(DEFAULT_NAME_LANG) or self.labels[0][1]

    def names(self) -> tuple[str, ...]:
        """Every name of the actor: its labels, then its aliases."""
        out: list[str] = []
        for name in (*(label for _, label in self.labels), *self.aliases):
            if name not in out:
                out.append(name)
        return tuple(out)

    def code_in(self, country_code: str | None) -> int:
        """ACLED's actor type where the event happens: a state's forces outside their own
        country are external forces (8), as ACLED codes Russia's forces in Syria.

        >>> find("Russie").code_in("SY"), find("Russie").code_in("RU"), find("EI").code_in("SY")
        (8, 1, 2)
        """
        if self.country and country_code and country_code.upper() != self.country:
            return EXTERNAL
        return self.code


def load(path: Path | str = DATA_FILE) -> tuple[tuple[Actor, ...], dict[str, Actor]]:
    """Read an actor registry file: its actors and the index of their folded names.

    Raises
    ------
    ConfigError
        On a row without id or labels, an unknown category, or a name given to two actors.
    """
    table = read_tsv(path, ("id", "category", "label_fr", "label_en"))
    out: list[Actor] = []
    index: dict[str, Actor] = {}
    label_columns = [c for c in table.columns if c.startswith("label_")]
    for n, row in table.rows:
        cells = dict(zip(table.columns, (c.strip() for c in row), strict=False))
        id_, category = cells.get("id", ""), cells.get("category", "")
        country, aliases = cells.get("country", ""), cells.get("aliases", "")
        comment = cells.get("comment", "")
        # one label column per language: label_fr, label_en...
        labels = tuple((c.removeprefix("label_"), cells.get(c, "")) for c in label_columns)
        if not id_ or not all(label for _, label in labels):
            raise ConfigError(f"{table.where(n)}: an actor needs an id and every label_ column")
        if category not in CATEGORIES:
            raise ConfigError(
                f"{table.where(n)}: unknown category {category!r} (one of {', '.join(CATEGORIES)})"
            )
        actor = Actor(
            id=id_,
            category=category,
            labels=labels,
            country=country.upper() or None,
            aliases=tuple(a.strip() for a in aliases.split("|") if a.strip()),
            comment=comment,
        )
        for name in (id_, *actor.names()):
            key = fold(name)
            other = index.get(key)
            if other is not None and other.id != id_:
                raise ConfigError(
                    f"{table.where(n)}: {name!r} already names the actor {other.id!r}"
                )
            index[key] = actor
        out.append(actor)
    return tuple(out), index


@lru_cache(maxsize=1)
def _registry() -> tuple[tuple[Actor, ...], dict[str, Actor]]:
    return load(DATA_FILE)


def actors() -> tuple[Actor, ...]:
    """Every actor of the registry, in the file's order."""
    return _registry()[0]


def find(name: str | None) -> Actor | None:
    """The actor a name stands for, in any language and spelling, or None.

    Parameters
    ----------
    name:
        An id, a French or English label, or an alias ("Russia", "Russie", "russes",
        "Daech", "syria-government"); case, accents and hyphens do not matter.

    Returns
    -------
    Actor or None

    Example
    -------
    >>> find("russia").id, find("Daech").id, find("ETATS-UNIS").id
    ('russia', 'islamic-state', 'usa')
    >>> find("nobody") is None
    True
    """
    if not name:
        return None
    return _registry()[1].get(fold(name))


def names_of(name: str | None) -> tuple[str, ...]:
    """Every name of the actor ``name`` stands for (with its id first), or ``(name,)`` when
    the registry does not know it: what a filter should match stored labels against.

    >>> names_of("Russia")[:3]
    ('russia', 'Russie', 'Russia')
    """
    actor = find(name)
    if actor is None:
        return (name,) if name else ()
    return (actor.id, *actor.names())


def category_code(category: str | int | None) -> int | None:
    """ACLED's numeric actor type of a category name, an actor (by any name) or a code.

    >>> category_code("rebels"), category_code(7), category_code("Russie"), category_code(None)
    (2, 7, 1, None)
    """
    if category is None or category == "":
        return None
    if isinstance(category, int):
        if category not in CATEGORIES.values():
            raise ValueError(f"unknown ACLED actor code {category}")
        return category
    if category in CATEGORIES:
        return CATEGORIES[category]
    if category.isdigit():
        return category_code(int(category))
    actor = find(category)
    if actor is None:
        raise ValueError(f"unknown actor category or actor {category!r}")
    return actor.code


def interaction(cat1: str | int | None, cat2: str | int | None = None) -> int | None:
    """ACLED's interaction code of two actor categories: their codes, the smaller first; an
    actor alone gives its code times ten; no actor at all gives None.

    Each argument is a category name ("state forces"), a code (1..8) or an actor's name.

    >>> interaction("civilians", "state forces"), interaction(2, 2), interaction("protesters")
    (17, 22, 60)
    >>> interaction("Russie", "civils")
    17
    """
    codes = sorted(c for c in (category_code(cat1), category_code(cat2)) if c is not None)
    if not codes:
        return None
    if len(codes) == 1:
        return codes[0] * 10
    return codes[0] * 10 + codes[1]


def interaction_of(
    actor1: str | None, actor2: str | None, country_code: str | None = None
) -> int | None:
    """The interaction code of two actors (by any name) where the event happens: a state's
    forces outside their own country count as external forces.

    >>> interaction_of("Russie", "rebelles", "SY"), interaction_of("Russie", "Ukraine", "UA")
    (28, 18)
    """
    codes = [a.code_in(country_code) for a in (find(actor1), find(actor2)) if a is not None]
    return interaction(*codes) if codes else None


def resolve_all(names: Iterable[str]) -> list[Actor]:
    """The registry's actors for some names, in order, each once; unknown names are left out."""
    out: list[Actor] = []
    for name in names:
        a = find(name)
        if a is not None and a not in out:
            out.append(a)
    return out


def code_of(name: str | None, country_code: str | None = None) -> int | None:
    """ACLED's actor type (inter1/inter2) of an actor where the event happens, or None.

    >>> code_of("russia", "SY"), code_of("civils"), code_of(None)
    (8, 7, None)
    """
    a = find(name)
    return a.code_in(country_code) if a else None


def acled_fields(
    labels: Iterable[str],
    actor1: str | None = None,
    actor2: str | None = None,
    interaction: int | None = None,
    country_code: str | None = None,
) -> tuple[str | None, str | None, int | None]:
    """``(actor1, actor2, interaction)`` of an event: those the extractor gave, else the ids of
    its first two registered actor labels (the agent first, as the extractor orders them) and
    the interaction code of the pair where the event happens.

    >>> acled_fields(["Russie", "civils"], country_code="UA")
    ('russia', 'civilians', 78)
    >>> acled_fields(["Inconnus"], actor1="gunmen")
    ('gunmen', None, 30)
    """
    found = [a.id for a in resolve_all(labels)]
    if actor1 is None and found:
        actor1 = found[0]
    if actor2 is None:
        rest = [i for i in found if i != actor1]
        actor2 = rest[0] if rest else None
    if interaction is None:
        interaction = interaction_of(actor1, actor2, country_code)
    return actor1, actor2, interaction

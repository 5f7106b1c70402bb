"""Event types and sub-types, declared once in ``geo/data/event_types.tsv``.

The extractor takes from here which types and sub-types exist and their rank, the store the
families that may merge and the labels a filter may use, the map and the snapshot the colour
and icon of each type. Adding a type or a sub-type is adding a row to that file.

Example
-------
>>> [t.name for t in event_types()][:2]
['Explosions/Remote violence', 'Battles']
>>> type_of("Air/drone strike").name
'Explosions/Remote violence'
>>> get("Combats").label("en"), get("Battles").label("fr")
('Battles', 'Combats')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gazetteer.normalize import fold
from geo.errors import ConfigError
from geo.lang import read_tsv

__all__ = [
    "OTHER_STYLE",
    "EventType",
    "Subtype",
    "event_types",
    "family",
    "get",
    "load",
    "names_in_family",
    "resolve",
    "style",
    "subtypes_by_type",
    "type_of",
    "weights",
]

DATA_FILE = Path(__file__).parent / "data" / "event_types.tsv"
OTHER_STYLE = ("#7f7f7f", "circle")  # colour and icon of a type the file does not declare
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_ICON = re.compile(r"[a-z0-9-]+")


@dataclass(frozen=True)
class Subtype:
    """A sub-type of an event type, with its labels (``(lang, label)``, French first)."""

    name: str
    type: str
    labels: tuple[tuple[str, str], ...]
    comment: str = ""

    def label(self, lang: str | None) -> str:
        """Its label for a reader of ``lang`` (the English name for a language it lacks)."""
        return dict(self.labels).get((lang or "").lower()) or self.name


@dataclass(frozen=True)
class EventType:
    """An event type: its rank (0 first), family, weight, colour, icon, labels, sub-types."""

    name: str
    rank: int
    family: str
    weight: float
    colour: str
    icon: str
    labels: tuple[tuple[str, str], ...]
    subtypes: tuple[Subtype, ...] = ()
    comment: str = ""

    def label(self, lang: str | None) -> str:
        """Its label for a reader of ``lang`` (the English name for a language it lacks).

        >>> get("Riots").label("fr")
        'Émeutes'
        """
        return dict(self.labels).get((lang or "").lower()) or self.name

    @property
    def subtype_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.subtypes)


@dataclass(frozen=True)
class _Registry:
    types: tuple[EventType, ...]
    by_key: dict[str, EventType]  # folded name or label of a type
    sub_by_key: dict[str, Subtype]  # folded name or label of a sub-type


def load(path: Path | str = DATA_FILE) -> tuple[EventType, ...]:
    """Read an event types file (see the file's header for its columns).

    Raises
    ------
    ConfigError
        On a sub-type before any type or naming another type, a type declared twice, a bad
        colour, icon or weight, or a row without its labels.
    """
    table = read_tsv(path, ("type", "subtype", "family", "weight", "colour", "icon"))
    types: list[dict] = []
    label_columns = [c for c in table.columns if c.startswith("label_")]
    for n, row in table.rows:
        cells = dict(zip(table.columns, (c.strip() for c in row), strict=False))
        name, sub, fam = cells.get("type", ""), cells.get("subtype", ""), cells.get("family", "")
        weight, colour, icon = (
            cells.get("weight", ""),
            cells.get("colour", ""),
            cells.get("icon", ""),
        )
        comment = cells.get("comment", "")
        where = table.where(n)
        # one label column per language: label_fr, label_en...
        labels = tuple((c.removeprefix("label_"), cells.get(c, "")) for c in label_columns)
        if not name or not all(label for _, label in labels):
            raise ConfigError(f"{where}: a row needs a type and every label_ column")
        if not sub:
            if any(t["name"] == name for t in types):
                raise ConfigError(f"{where}: the type {name!r} is declared twice")
            if not _COLOUR.fullmatch(colour):
                raise ConfigError(f"{where}: colour {colour!r} is not #rrggbb")
            if not _ICON.fullmatch(icon):
                raise ConfigError(f"{where}: icon {icon!r} is not a Font Awesome icon name")
            try:
                w = float(weight)
            except ValueError:
                raise ConfigError(f"{where}: weight {weight!r} is not a number") from None
            if not fam:
                raise ConfigError(f"{where}: the type {name!r} needs a family")
            types.append(dict(name=name, rank=len(types), family=fam, weight=w, colour=colour,
                              icon=icon, labels=labels, subtypes=[], comment=comment))  # fmt: skip
            continue
        if not types or types[-1]["name"] != name:
            raise ConfigError(f"{where}: the sub-type {sub!r} must follow its type {name!r}")
        if any(s.name == sub for s in types[-1]["subtypes"]):
            raise ConfigError(f"{where}: the sub-type {sub!r} of {name} is declared twice")
        types[-1]["subtypes"].append(Subtype(sub, name, labels, comment))
    return tuple(EventType(**{**t, "subtypes": tuple(t["subtypes"])}) for t in types)


@lru_cache(maxsize=1)
def _registry() -> _Registry:
    types = load(DATA_FILE)
    by_key: dict[str, EventType] = {}
    sub_by_key: dict[str, Subtype] = {}
    for t in types:
        for name in (t.name, *(label for _, label in t.labels)):
            by_key.setdefault(fold(name), t)
    for t in types:
        for s in t.subtypes:
            for name in (s.name, *(label for _, label in s.labels)):
                key = fold(name)
                if key not in by_key:  # a type's name wins over a sub-type's label
                    sub_by_key.setdefault(key, s)
    return _Registry(types, by_key, sub_by_key)


def event_types() -> tuple[EventType, ...]:
    """Every declared type, in rank order."""
    return _registry().types


def get(name: str | None) -> EventType | None:
    """The type a name or a label stands for, in any language (folded), or None."""
    return _registry().by_key.get(fold(name or "")) if name else None


def type_of(subtype: str | None) -> EventType | None:
    """The type a sub-type belongs to (by its name or a label), or None.

    >>> type_of("Rencontre/pourparlers").name
    'Diplomacy'
    >>> type_of("Picnic") is None
    True
    """
    if not subtype:
        return None
    s = _registry().sub_by_key.get(fold(subtype))
    return get(s.type) if s else None


def resolve(name: str | None) -> tuple[str, str | None] | None:
    """The ``(type, subtype)`` a filter's value names: a type (subtype None) or a sub-type,
    by its name or a label in any language; None when nothing is declared by that name.

    >>> resolve("combats"), resolve("Frappe aérienne ou de drone")
    (('Battles', None), ('Explosions/Remote violence', 'Air/drone strike'))
    """
    t = get(name)
    if t is not None:
        return t.name, None
    s = _registry().sub_by_key.get(fold(name or "")) if name else None
    return (s.type, s.name) if s else None


def subtypes_by_type() -> dict[str, tuple[str, ...]]:
    """``{type: (subtype, ...)}`` in rank order: what the extractor's ``SUBTYPES`` was."""
    return {t.name: t.subtype_names for t in event_types()}


def style(type_: str | None) -> tuple[str, str]:
    """Colour and Font Awesome icon of a type (:data:`OTHER_STYLE` for an undeclared one).

    >>> style("Battles"), style(None)
    (('#d62728', 'crosshairs'), ('#7f7f7f', 'circle'))
    """
    t = get(type_)
    return (t.colour, t.icon) if t else OTHER_STYLE


def family(type_: str | None) -> str | None:
    """The family of a type (``political violence``, ``demonstrations``...), or None.

    >>> family("Riots"), family("Protests"), family("Battles")
    ('demonstrations', 'demonstrations', 'political violence')
    """
    t = get(type_)
    return t.family if t else None


def names_in_family(family_name: str) -> tuple[str, ...]:
    """The types of a family, in rank order (the extractor's ``VIOLENT`` is
    ``names_in_family("political violence")``).

    >>> names_in_family("demonstrations")
    ('Protests', 'Riots')
    """
    return tuple(t.name for t in event_types() if t.family == family_name)


def weights() -> dict[str, float]:
    """``{type: weight}``: how much an event of each type counts for an article's main event.

    >>> weights()["Diplomacy"], weights()["Battles"]
    (1.0, 3.0)
    """
    return {t.name: t.weight for t in event_types()}

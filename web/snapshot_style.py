"""The looks of a snapshot: ``color`` (the web map's colours) and ``print`` (greyscale-safe: a
grey and a hatching per type, black outlines, white sea), chosen with ``--style``/``?style=``.

A type's grey and hatching follow its rank in ``geo/data/event_types.tsv``, so a type looks
the same on every printed map; its colour is the one that file declares.

Example
-------
>>> look("Battles", "color")
('#d62728', '')
>>> look("Battles", "print")[1] != look("Explosions/Remote violence", "print")[1]
True
"""

from __future__ import annotations

from dataclasses import dataclass

STYLES = ("color", "print")
HATCHES = ("", "////", "....", "xxxx", "\\\\\\\\", "oo", "++", "--", "||")


@dataclass(frozen=True)
class Style:
    """The colours of a style's background and outlines."""

    sea: str
    land: str
    border: str
    edge: str  # of the event symbols


LOOKS = {
    "color": Style(sea="#cfe2ee", land="#f3f0e8", border="#a0a0a0", edge="white"),
    "print": Style(sea="#ffffff", land="#ebebeb", border="#404040", edge="black"),
}


def look(type_: str | None, style: str) -> tuple[str, str]:
    """A type's fill and hatching in ``style``."""
    from geo import event_types as etypes

    if style == "color":
        return etypes.style(type_)[0], ""
    declared = etypes.event_types()
    t = etypes.get(type_) if type_ else None
    rank = t.rank if t is not None else len(declared)
    n = len(declared) + 1
    grey = 0.2 + 0.65 * rank / max(n - 1, 1)  # from dark to light, as declared
    level = round(grey * 255)
    return f"#{level:02x}{level:02x}{level:02x}", HATCHES[rank % len(HATCHES)]


def icon_color(fill: str, style: str = "print") -> str:
    """An icon's colour: white, as on the web map; in print, white on a dark fill and black on
    a light one."""
    if style == "color":
        return "white"
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 150 else "black"

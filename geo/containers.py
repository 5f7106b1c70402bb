"""Names that a neighbour shows to be a first-level division: "Buffalo, New York" (the state
that holds Buffalo, not the city of New York), "Michigan, Oregon, New York and Ohio" (a list of
states). Applied to the resolved mentions of one document, after the resolver.
"""

from __future__ import annotations

import re
from dataclasses import replace

from gazetteer.normalize import fold
from geo.model import Mention, Place

# "Buffalo, New York": a comma and nothing else between a town and what holds it
_HOLDER_GAP = re.compile(r"^,\s*$")
# items of a list: a comma, "and", "or", "et", "ou"
_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+(?:and|or|et|ou)\s+|\s*,\s*(?:and|et)\s+)$", re.IGNORECASE)


def _division_named(gaz, country: str | None, name: str) -> Place | None:
    """The first-level division of ``country`` that bears ``name``, if one does."""
    if not country:
        return None
    key = fold(name)
    found = [
        place
        for place, _ in gaz.divisions(country)
        if key in {fold(n) for n in (place.name, place.name_en, place.name_fr) if n}
    ]  # its own names, not any alternate name GeoNames lists
    return found[0] if len(found) == 1 else None


def _as(m: Mention, place: Place, why: str) -> Mention:
    return replace(m, place=place, reason=f"{m.reason}; {why}" if m.reason else why)


def divisions_by_neighbours(mentions: list[Mention], text: str, gaz) -> list[Mention]:
    """Re-read a name as the division its neighbours show it is (see the module's doc).

    ``text`` is the text the mentions' offsets index."""
    out = list(mentions)
    for k in range(1, len(out)):
        town, name = out[k - 1], out[k]
        if (
            town.place is None
            or name.place is None
            or name.place.feature in ("admin1", "country")
            or not _HOLDER_GAP.match(text[town.end : name.start])
        ):
            continue
        holder = _division_named(gaz, town.place.country_code, name.text)
        if holder is not None and holder.admin1 == town.place.admin1 and holder.id != name.place.id:
            out[k] = _as(name, holder, f"the division holding {town.text}")
    for k in range(len(out)):
        m = out[k]
        if m.place is None or m.place.feature in ("admin1", "country"):
            continue
        sides = [
            out[j]
            for j in (k - 1, k + 1)
            if 0 <= j < len(out)
            and out[j].place is not None
            and out[j].place.feature == "admin1"
            and _LIST_GAP.match(text[min(out[j].end, m.end) : max(out[j].start, m.start)])
        ]
        if not sides or any(s.place.country_code != sides[0].place.country_code for s in sides):
            continue
        division = _division_named(gaz, sides[0].place.country_code, m.text)
        if division is not None and division.id != m.place.id:
            out[k] = _as(m, division, "listed with divisions of its country")
    return out

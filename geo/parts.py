"""A part of a country named by a compass word: "le sud du Liban", "northern Burkina Faso".

ACLED places an event known only as "in southern Lebanon" at the first-level division of that
name when the country has one (South Governorate), at province precision; otherwise at the
country. The compass words and the phrasing around them are each language's
(``geo/lang/<code>/geoparse_directions.tsv``); a division bears the direction when one of its
names, without its generic word ("Région du Nord-Ouest", "South Governorate"), is a compass word
of any language.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from gazetteer.lookup import Gazetteer, split_feature_cue
from gazetteer.normalize import fold
from geo.lang import LANGUAGES, get_language, read_lexicon
from geo.model import Mention, Place

WINDOW = 40  # characters before a country's name where its part may be named


@lru_cache(maxsize=8)
def _lexicon(lang: str) -> dict[str, list[tuple[str, str]]]:
    """The language's rows by kind (``word``, ``division``, ``pattern``): (phrase, direction);
    a pattern keeps its spaces as written."""
    out: dict[str, list[tuple[str, str]]] = {}
    for kind, phrase, direction, *_ in read_lexicon(lang, "geoparse_directions"):
        kind = kind.strip()
        out.setdefault(kind, []).append(
            (phrase if kind == "pattern" else phrase.strip(), direction.strip())
        )
    return out


@lru_cache(maxsize=1)
def _words() -> dict[str, dict[str, str]]:
    """Language -> compass word (folded, hyphens as spaces) -> direction."""
    return {code: {_key(w): d for w, d in _lexicon(code).get("word", [])} for code in LANGUAGES}


@lru_cache(maxsize=1)
def _division_words() -> frozenset[str]:
    """Generic words a division's name may bear beside its compass word, in every language."""
    return frozenset(_key(w) for code in LANGUAGES for w, _ in _lexicon(code).get("division", []))


def _key(phrase: str) -> str:
    return " ".join(fold(phrase).replace("-", " ").split())


@lru_cache(maxsize=8)
def _pattern(lang: str) -> re.Pattern[str] | None:
    """The language's phrasings of a country part, ending right before the country's name."""
    if get_language(lang) is None:
        return None
    rows = _lexicon(lang)
    words = sorted((w for w, _ in rows.get("word", [])), key=len, reverse=True)
    forms = [f for f, _ in rows.get("pattern", [])]
    if not forms or not words:
        return None
    word = "|".join(re.escape(w).replace(r"\-", "[-\\s]?") for w in words)
    return re.compile(
        "(?:"
        + "|".join(f.replace("{word}", f"(?P<word{i}>{word})") for i, f in enumerate(forms))
        + r")$",
        re.IGNORECASE,
    )


def _word(found: re.Match[str]) -> tuple[str, int]:
    """The compass word a phrasing matched, and where it begins."""
    name = next(k for k, v in found.groupdict().items() if v is not None)
    return found.group(name), found.start(name)


@lru_cache(maxsize=65536)
def _direction_of(name_key: str) -> str | None:
    core = split_feature_cue(name_key)[0]
    core = re.sub(r"^(?:l|la|le|the) ", "", core)  # "province de l'Extrême-Nord"
    core = _key(core)
    tokens = core.split()
    generic = _division_words()
    cores = [core]
    if len(tokens) > 1 and tokens[-1] in generic:
        cores.append(" ".join(tokens[:-1]))  # "Northern District"
    if len(tokens) > 1 and tokens[0] in generic:
        cores.append(" ".join(tokens[1:]))  # "Région Nord"
    for words in _words().values():
        for c in cores:
            if c in words:
                return words[c]
    return None


def division(gaz: Gazetteer, country_code: str, direction: str) -> Place | None:
    """The country's one first-level division named by ``direction``, or None."""
    found = {
        place.id: place
        for place, keys in gaz.divisions(country_code)
        if any(_direction_of(k) == direction for k in keys)
    }
    return next(iter(found.values())) if len(found) == 1 else None


def with_parts(mentions: list[Mention], text: str, lang: str, gaz: Gazetteer) -> list[Mention]:
    """The mentions, each country named as a compass part of it given that part: the division
    (``part``) and where the phrase begins (``part_start``)."""
    pattern = _pattern(lang)
    if pattern is None:
        return mentions
    words = _words().get(lang, {})
    out = []
    for m in mentions:
        p = m.place
        if p is not None and p.feature == "country" and p.country_code:
            found = pattern.search(text, max(0, m.start - WINDOW), m.start)
            word, start = _word(found) if found else ("", 0)
            direction = words.get(_key(word))
            part = division(gaz, p.country_code, direction) if direction else None
            if part is not None:
                m = replace(m, part=part, part_start=start)
        out.append(m)
    return out

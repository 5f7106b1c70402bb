"""Countries named by their people's adjective: "the Syrian town of Azaz", "la ville syrienne".

An adjective is no place name, but it says which country the text is about as surely as the
country's name. Each language says how its adjectives are made from country names
(``geo/lang/<code>/geoparse_peoples.tsv``): an adjective is read back to a country by trying
each ending it may have, never by a list of adjectives.

>>> from gazetteer.lookup import get_gazetteer  # doctest: +SKIP
>>> peoples_of("the Syrian town of Azaz", "en", get_gazetteer())  # doctest: +SKIP
['SY']
"""

from __future__ import annotations

import re
from functools import lru_cache

from gazetteer.normalize import fold
from geo.lang import get_language, language


@lru_cache(maxsize=8)
def _endings(lang: str) -> tuple[tuple[str, str], ...]:
    rows = language(lang, "peoples' adjectives").lexicon("geoparse_peoples")
    # the longest ending first: "ian" is tried before "an"
    return tuple(sorted(((r[0].strip(), r[1].strip()) for r in rows), key=lambda r: -len(r[0])))


def _country_names(gaz, lang: str) -> dict[str, str]:
    """Folded country name in ``lang`` -> country code (cached on the gazetteer)."""
    cache = gaz.__dict__.setdefault("_peoples_names", {})
    if lang not in cache:
        names: dict[str, str] = {}
        for place in gaz.countries():
            for n in (place.display_name(lang), place.name):
                if n and place.country_code:
                    names.setdefault(fold(n), place.country_code)
        cache[lang] = names
    return cache[lang]


@lru_cache(maxsize=8)
def _word(lang: str) -> re.Pattern[str]:
    return re.compile(language(lang, "peoples' adjectives").people_word)


@lru_cache(maxsize=8)
def _tails(lang: str) -> tuple[str, ...]:
    """Every way an adjective of ``lang`` may end, inflected."""
    inflections = language(lang, "peoples' adjectives").people_inflections
    return tuple({e + i for e, _ in _endings(lang) for i in inflections})


def country_of(word: str, lang: str, gaz) -> str | None:
    """The country code a people's adjective names, or None."""
    names = _country_names(gaz, lang)
    forms = {word}
    for tail in language(lang, "peoples' adjectives").people_inflections:
        if tail and word.endswith(tail):
            forms.add(word[: -len(tail)])
    for form in sorted(forms, key=len, reverse=True):
        for ending, country_ending in _endings(lang):
            if form.endswith(ending) and len(form) - len(ending) >= 3:
                code = names.get(fold(form[: len(form) - len(ending)] + country_ending))
                if code:
                    return code
    return None


def peoples_of(text: str, lang: str, gaz) -> list[str]:
    """The country codes of the peoples' adjectives of ``text``, in text order (none in a
    language the project does not read)."""
    if get_language(lang) is None:
        return []
    pattern = _word(lang)
    if not _endings(lang):
        return []
    tails = _tails(lang)
    out = []
    for m in pattern.finditer(text):
        if not m.group().endswith(tails):
            continue  # most words: no adjective's ending, nothing to look up
        code = country_of(m.group(), lang, gaz)
        if code:
            out.append(code)
    return out

"""The one name-folding function, shared by the gazetteer builder and every lookup.

Folding makes "d'Alep", "ALEP", "Alèp" and "Alep" the same key, and "Saint-Pétersbourg",
"St. Petersbourg" and "saint petersbourg" the same key too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Apostrophes and look-alikes that appear in scraped news and in GeoNames.
APOSTROPHES = "'\u2019\u2018\u02bc\u02bb\u00b4`\u2032"
_APOS_RE = re.compile(f"[{re.escape(APOSTROPHES)}]")
# Hyphens, dashes and other joiners become spaces.
_DASH_RE = re.compile(r"[\-\u2010\u2011\u2012\u2013\u2014\u2212_/]")
_NONWORD_RE = re.compile(r"[^\w\s']", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")
# Elided French articles and prepositions before a word: d'Alep, l'Iran, province d'Idleb.
_ELISION_RE = re.compile(r"(?:(?<=\s)|^)(?:d|l|qu|jusqu|lorsqu|puisqu)'")
# Saint/Sainte and their abbreviations, as whole words.
_SAINT_RE = re.compile(r"\b(?:st|saint)\b(?=\s)")
_SAINTE_RE = re.compile(r"\b(?:ste|sainte)\b(?=\s)")
# Letters that NFKD does not decompose but readers treat as plain Latin letters.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ʿ": "",
        "ʾ": "",
        "ḩ": "h",
    }
)


def strip_accents(text: str) -> str:
    """Remove combining marks: "Alèp" -> "Alep", "İncirlik" -> "Incirlik"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 16)  # a text repeats its names; the build folds each name once
def fold(name: str) -> str:
    """Fold a place name into its lookup key.

    Parameters
    ----------
    name:
        A place name as written in a text or in a gazetteer source.

    Returns
    -------
    str
        Lower case, no accents, apostrophes unified and leading elisions removed, hyphens and
        punctuation as single spaces, ``st`` as ``saint`` and ``ste`` as ``sainte``.

    Example
    -------
    >>> fold("d’Alep-Est")
    'alep est'
    >>> fold("St. Pétersbourg")
    'saint petersbourg'
    """
    if not name:
        return ""
    text = name.casefold().translate(_SPECIAL)
    text = strip_accents(text).translate(_SPECIAL)
    text = _APOS_RE.sub("'", text)
    text = _DASH_RE.sub(" ", text)
    text = text.replace(".", " ")
    text = _NONWORD_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text).strip()
    text = _ELISION_RE.sub("", text)
    # an apostrophe left inside a name ("Ma'arrat") is dropped, not turned into a break
    text = text.replace("'", "")
    text = _SAINT_RE.sub("saint", text)
    text = _SAINTE_RE.sub("sainte", text)
    return _SPACE_RE.sub(" ", text).strip()


def is_code(token: str) -> bool:
    """True for short all-capital codes such as "PAR", "ALP", "HH": they are not names."""
    t = token.strip()
    return 1 < len(t) <= 4 and t.isalpha() and t.isupper()


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is Latin script (after removing accents)."""
    for ch in strip_accents(text).translate(_SPECIAL):
        if ch.isalpha() and not ("a" <= ch.lower() <= "z"):
            return False
    return True

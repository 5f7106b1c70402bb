"""Context cues of place names, per language: locative words, titles, organisation words,
verbs, facility and government nouns (``geo/lang/<code>/geoparse_cues.tsv``), institutions, and
the stop words a name can never be."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from pathlib import Path

from gazetteer.normalize import fold
from geo.errors import ConfigError
from geo.lang import DEFAULT, LANGUAGES, get_language, read_lexicon, read_tsv

DATA_DIR = Path(__file__).parent.parent / "data"


@dataclass
class Cues:
    """Context phrases read from ``geo/data/geoparse_cues.tsv``."""

    locative: dict[str, list[str]] = field(default_factory=dict)
    person: dict[str, set[str]] = field(default_factory=dict)
    org: dict[str, set[str]] = field(default_factory=dict)
    literal: dict[str, set[str]] = field(default_factory=dict)
    # names of organisations, agencies and armed groups that are never places on their own
    orgname: dict[str, set[str]] = field(default_factory=dict)
    # nouns after which "de <capital>" is the government: le régime de Damas
    government: dict[str, set[str]] = field(default_factory=dict)
    # words that make the name beside them a thing named after a place: Marburg virus
    thing_before: dict[str, set[str]] = field(default_factory=dict)
    # streets and buildings: the name beside them may belong to the facility, not the town
    facility: dict[str, set[str]] = field(default_factory=dict)
    facility_raw: dict[str, set[str]] = field(default_factory=dict)  # as written, for regexes
    thing_after: dict[str, set[str]] = field(default_factory=dict)


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """Every language's cues (``geo/lang/<code>/geoparse_cues.tsv``), keyed by its code, and
    those of every language (``geo/data/geoparse_cues.tsv``), keyed ``*``."""
    cues = Cues()
    tables = [(code, read_lexicon(code, "geoparse_cues")) for code in LANGUAGES]
    tables.append(("*", read_tsv(DATA_DIR / "geoparse_cues.tsv", ("kind", "phrase"))))
    for lang, table in tables:
        for cells in table:
            kind, phrase = cells[0].strip(), cells[1].strip().replace("’", "'")
            if kind == "locative":
                cues.locative.setdefault(lang, []).append(phrase)
            elif kind in ("person", "org", "literal"):
                getattr(cues, kind).setdefault(lang, set()).add(phrase)
            elif kind == "facility":
                cues.facility.setdefault(lang, set()).add(fold(phrase))
                cues.facility_raw.setdefault(lang, set()).add(phrase)
            elif kind in ("thing_before", "thing_after", "government", "orgname"):
                getattr(cues, kind).setdefault(lang, set()).add(fold(phrase))
            else:
                raise ConfigError(f"{table.path}: unknown cue kind {kind!r}")
    for lang in cues.locative:
        cues.locative[lang].sort(key=len, reverse=True)
    return cues


@lru_cache(maxsize=1)
def load_institutions() -> dict[str, str]:
    """Folded institution name -> gazetteer id of its city (Kremlin -> Moscow)."""
    table = read_tsv(DATA_DIR / "geoparse_institutions.tsv", ("name", "place"))
    return {fold(cells[0].strip()): cells[1].strip() for cells in table}


@lru_cache(maxsize=8)
def stop_words(lang: str) -> frozenset[str]:
    """Words that are never place names on their own: spaCy's stop list of the language, and
    the names of its weekdays and months (``geo/lang/<code>/dates_calendar.tsv``: "August",
    "Mars"). A language spaCy has no stop list for takes the default language's."""
    code = lang if get_language(lang) else DEFAULT
    try:
        words = import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS
    except ImportError:
        words = import_module(f"spacy.lang.{DEFAULT}.stop_words").STOP_WORDS
    calendar = {
        fold(cells[1].strip())
        for cells in read_lexicon(code, "dates_calendar")
        if cells[0] in ("weekday", "month")
    }
    return frozenset(fold(w) for w in words) | frozenset(calendar)


def _index_cues(cues: list[str]) -> dict[str, list[str]]:
    """Cue phrases keyed by the two characters a window must end with to hold them.

    An elided cue (d', l') ends the window itself; any other is followed by a space.
    """
    index: dict[str, list[str]] = defaultdict(list)
    for phrase in cues:
        tail = phrase if phrase.endswith("'") else phrase + " "
        index[tail[-2:]].append(phrase)
    return dict(index)


@lru_cache(maxsize=8)
def locative_cues(lang: str) -> dict[str, list[str]]:
    """The locative cues of ``lang``, then the default language's, indexed for
    :func:`cue_before`."""
    cues = load_cues().locative
    return _index_cues(cues.get(lang, []) + (cues.get(DEFAULT, []) if lang != DEFAULT else []))


def cue_before(text: str, start: int, cues: dict[str, list[str]]) -> str | None:
    """The locative cue phrase that ends right before ``start`` (with its elision), if any."""
    window = text[max(0, start - 40) : start].lower().replace("’", "'")
    for phrase in cues.get(window[-2:], ()):
        if phrase.endswith("'"):
            if window.endswith(phrase):
                return phrase
        elif window.endswith(phrase + " ") and (
            len(window) == len(phrase) + 1 or not window[-len(phrase) - 2].isalnum()
        ):
            return phrase
    return None


_WORD_BEFORE = re.compile(r"([\w.'’\-]+)\s*$")


def word_before(text: str, start: int) -> str:
    m = _WORD_BEFORE.search(text, max(0, start - 30), start)
    return m.group(1).lower().replace("’", "'") if m else ""


_WORD_AFTER = re.compile(r"\s*([\w'’\-]+)")


def word_after(text: str, end: int) -> str:
    m = _WORD_AFTER.match(text, end, end + 40)
    return m.group(1).lower() if m else ""

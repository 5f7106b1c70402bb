"""A candidate place name (:class:`Span`) and what makes it strong, a people's adjective, or a
name sharing its neighbour's cue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gazetteer.normalize import fold
from geo.model import Candidate
from geo.recognize.cues import load_cues, word_after


@dataclass
class Span:
    """A candidate place name in the normalised text."""

    start: int
    end: int
    text: str
    candidates: list[Candidate]
    locative: str | None = None  # the cue phrase right before it, if any
    source: str = "gazetteer"  # gazetteer / ner / fuzzy / given / institution
    confidence: float = 1.0
    institution: bool = False
    headline: bool = False  # inside a Title-Case or capitals headline
    dateline: bool = False  # the place a dispatch was filed from: "BAMAKO (Reuters) -"


# A place name that the NER model calls a person is kept when the gazetteer is this sure.
STRONG_POPULATION = 100_000


# A city the NER model calls a person, with no locative word before it, stays a place only if
# this big ("Glasgow" stays; "Jackson said" is a person)
PERSON_SAFE_POPULATION = 500_000


_COORDINATION = re.compile(r"^(?:\s*,\s*|\s+(?:et|ou|and|or)\s+)(?:(?:de|d'|à|in|near)\s*)?$")


def strong_place(span: Span) -> bool:
    """A country, a division, or a big city matched by one of its names (not a typo)."""
    if not span.candidates:
        return False
    top = span.candidates[0]
    if top.match_kind == "fuzzy":
        return False
    return top.place.feature in (
        "country",
        "admin1",
        "continent",
        "region",
        "water",
        "physical",
    ) or (top.place.population >= STRONG_POPULATION)


_DEMONYM_END = re.compile(r"(?:ian|ean|ese|ish|ic|ite|i)$")


def is_adjective(phrase: str, cands: list[Candidate], text: str, end: int) -> bool:
    """A people's adjective that some place has among its alternate names ("Ukrainian
    officials", "Saudi forces"): an alternate name ending like an adjective, before a word in
    lower case."""
    top = cands[0]
    if not _DEMONYM_END.search(phrase.lower()) or text[end : end + 1] != " ":
        return False
    after = word_after(text, end)
    if top.match_kind not in ("alt", "fuzzy"):
        # a place named like a people ("Somali" Region): an adjective only before a noun that
        # stands for a government ("Somali forces", "the Somali government")
        return bool(after) and fold(after) in _government_nouns()
    return bool(after) and after[0].islower()


@lru_cache(maxsize=1)
def _government_nouns() -> frozenset[str]:
    return frozenset(w for ws in load_cues().government.values() for w in ws)


def division_or_country(span: Span, population: int) -> bool:
    """A country or a division, or a city of at least ``population`` people."""
    top = span.candidates[0].place if span.candidates else None
    return top is not None and (
        top.feature in ("country", "admin1", "continent", "region") or top.population >= population
    )


def strong(cands: list[Candidate]) -> bool:
    """A country, a division, or a big city matched by one of its names."""
    return bool(cands) and strong_place(Span(0, 0, "", cands))


def share_cues(spans: list[Span], text: str) -> None:
    """Coordinated names share a locative cue: "près de Tyr et de Nabatiyé", "vers Sennar et Gedaref"."""
    for prev, span in zip(spans, spans[1:], strict=False):
        gap = text[prev.end : span.start].replace("’", "'")
        if prev.locative and not span.locative and _COORDINATION.match(gap):
            span.locative = prev.locative

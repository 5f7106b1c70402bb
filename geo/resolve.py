"""Resolve recognised spans to places, with a score, a reason and runners-up, and give each its role.

Features added to the gazetteer's own rank (name match, feature level, population):

- generic words around the mention ("province d'Idleb", "la ville clé de Saraqeb", "Idlib
  province") favour places of their level;
- countries named in the same document, and the countries of its unambiguous places;
- spatial coherence: closeness to the document's unambiguous places;
- one sense per document: the same name with the same generic word resolves the same way.

Role: ``country`` for countries, continents and regions; ``metonymic`` for a national capital
(or an institution such as the Kremlin) that is not in a locative position ("Damas a affirmé",
"entre Moscou et Ankara", "sommant Damas de"); ``literal`` otherwise.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from gazetteer.lookup import haversine_km
from gazetteer.normalize import fold
from geo.model import Candidate, Mention
from geo.recognize import Span

HINT_BONUS = 2.0
DOC_COUNTRY_BONUS = 0.4
SPATIAL_BONUS = 0.6
SPATIAL_SCALE_KM = 400.0
ANCHOR_MARGIN = 0.5

# "province d'Idleb", "la région septentrionale de Raqa", "la ville clé de Saraqeb"
_HINT_BEFORE = re.compile(
    r"(?i)\b(province|provinces|gouvernorat|région|governorate|region|état|etat|state|wilaya|"
    r"oblast|ville|city|localité|village|town|base|capitale)(?:\s+[a-zà-ÿ\-]+){0,2}\s+(?:de\s+la\s+|de\s+|d['’]|du\s+|of\s+(?:the\s+)?)$"
)
_HINT_AFTER = re.compile(r"(?i)^\s+(province|governorate|region|gouvernorate|state|oblast|city)\b")
_HINT_FEATURE = {
    "province": "admin1",
    "provinces": "admin1",
    "gouvernorat": "admin1",
    "governorate": "admin1",
    "gouvernorate": "admin1",
    "région": "admin1",
    "état": "admin1",
    "etat": "admin1",
    "state": "admin1",
    "wilaya": "admin1",
    "oblast": "admin1",
    "region": "admin1",
    "ville": "city",
    "city": "city",
    "localité": "city",
    "village": "city",
    "town": "city",
    "capitale": "city",
    "base": "site",
}


def feature_hint(text: str, start: int, end: int) -> str | None:
    """The feature level that generic words around ``text[start:end]`` name, if any."""
    m = _HINT_BEFORE.search(text[max(0, start - 60) : start])
    if m:
        return _HINT_FEATURE[m.group(1).lower()]
    m = _HINT_AFTER.match(text[end : end + 20])
    if m:
        return _HINT_FEATURE[m.group(1).lower()]
    return None


def _softmax_top(scores: list[float]) -> float:
    if not scores:
        return 0.0
    top = max(scores)
    total = sum(math.exp(s - top) for s in scores)
    return 1.0 / total


def role_of(span: Span, place, text: str) -> str:
    """literal / metonymic / country for a resolved span."""
    if place is None:
        return "literal"
    if place.feature in ("country", "continent", "region"):
        return "country"
    if span.institution:
        return "metonymic"
    if place.feature == "city" and place.capital and not span.locative:
        return "metonymic"
    return "literal"


def resolve(spans: list[Span], text: str) -> list[Mention]:
    """Choose a place for each span using document context; return mentions in text order."""
    if not spans:
        return []
    hints = [feature_hint(text, s.start, s.end) for s in spans]

    # countries the document names, and anchors: places whose first candidate is clear. A name
    # never supports itself: its own occurrences are left out of its context.
    keys = [(fold(s.text), hints[i]) for i, s in enumerate(spans)]
    country_src: dict[str, set[tuple]] = defaultdict(set)  # country code -> names naming it
    anchor_src: dict[tuple[float, float], set[tuple]] = defaultdict(set)  # point -> names
    for key, span in zip(keys, spans, strict=True):
        c = span.candidates
        if not c or c[0].match_kind == "fuzzy":
            continue
        clear = len(c) == 1 or c[0].score - c[1].score >= ANCHOR_MARGIN
        if not clear:
            continue
        if c[0].place.feature == "country":
            country_src[c[0].place.country_code or ""].add(key)
        elif c[0].place.feature in ("city", "site", "admin1"):
            anchor_src[(c[0].place.lat, c[0].place.lon)].add(key)
            country_src[c[0].place.country_code or ""].add(key)

    def context_of(key: tuple) -> tuple[set[str], list[tuple[float, float]]]:
        """The countries and anchor points the rest of the document gives a name."""
        countries = {cc for cc, ks in country_src.items() if len(ks) > 1 or key not in ks}
        anchors = [pt for pt, ks in anchor_src.items() if len(ks) > 1 or key not in ks]
        return countries, anchors

    def rescored(
        span: Span, hint: str | None, context: tuple[set[str], list[tuple[float, float]]]
    ) -> list[tuple[float, Candidate, list[str]]]:
        doc_countries, anchors = context
        out = []
        for cand in span.candidates:
            p = cand.place
            score = cand.score
            why = [cand.reason]
            if hint and (p.feature == hint or (hint == "admin1" and p.feature == "region")):
                score += HINT_BONUS
                why.append(f"context names a {hint}")
            if p.country_code and p.country_code in doc_countries and p.feature != "country":
                score += DOC_COUNTRY_BONUS
                why.append(f"its country ({p.country_code}) is named in the document")
            if anchors and p.feature in ("city", "site", "admin1"):
                d = min(haversine_km(p.lat, p.lon, a, b) for a, b in anchors)
                bonus = SPATIAL_BONUS * math.exp(-d / SPATIAL_SCALE_KM)
                if bonus > 0.05:
                    score += bonus
                    why.append(f"{d:.0f} km from the document's other places")
            out.append((score, cand, why))
        out.sort(key=lambda x: (-x[0], x[1].place.id))
        return out

    # one sense per document: pool the scores of every occurrence of the same name and cue
    groups: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for i in range(len(spans)):
        groups[keys[i]].append(i)
    choice: dict[int, tuple[float, Candidate, list[str], list]] = {}
    for key, idxs in groups.items():
        totals: dict[str, float] = defaultdict(float)
        best_of: dict[str, tuple[float, Candidate, list[str]]] = {}
        ranked_by_idx = {}
        context = context_of(key)
        for i in idxs:
            ranked = rescored(spans[i], hints[i], context)
            ranked_by_idx[i] = ranked
            for score, cand, why in ranked:
                totals[cand.place.id] += score
                if cand.place.id not in best_of or score > best_of[cand.place.id][0]:
                    best_of[cand.place.id] = (score, cand, why)
        if not totals:
            continue
        winner = max(totals, key=lambda pid: (totals[pid], pid))
        for i in idxs:
            ranked = ranked_by_idx[i]
            mine = next((r for r in ranked if r[1].place.id == winner), best_of[winner])
            others = [r for r in ranked if r[1].place.id != winner]
            choice[i] = (mine[0], mine[1], mine[2], others)

    mentions = []
    for i, span in enumerate(spans):
        if i not in choice:
            mentions.append(
                Mention(span.start, span.end, span.text, None, "literal", 0.0, "no candidate")
            )
            continue
        score, cand, why, others = choice[i]
        prob = _softmax_top([score] + [o[0] for o in others])
        confidence = round(prob * span.confidence, 4)
        if len(spans_group := groups[(fold(span.text), hints[i])]) > 1:
            why = [*why, f"one sense for the {len(spans_group)} mentions of this name"]
        role = role_of(span, cand.place, text)
        reason = "; ".join(why)
        if span.source != "gazetteer":
            reason = f"[{span.source}] {reason}"
        mentions.append(
            Mention(
                start=span.start,
                end=span.end,
                text=span.text,
                place=cand.place,
                role=role,
                score=confidence,
                reason=reason,
                runners_up=tuple(
                    Candidate(o[1].place, o[0], o[1].matched, o[1].match_kind, "; ".join(o[2]))
                    for o in others[:3]
                ),
                cue=hints[i] or span.locative,
            )
        )
    return mentions

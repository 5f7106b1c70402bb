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
from collections.abc import Sequence
from functools import lru_cache

from gazetteer.lookup import haversine_km
from gazetteer.normalize import fold
from gazetteer.reviewed import REVIEWED_PREFIX
from gazetteer.reviewed import bonus as reviewed_bonus
from geo.lang import LANGUAGES, read_lexicon
from geo.model import Candidate, Mention
from geo.recognize import Span, load_cues, word_after

HINT_BONUS = 2.0
DOC_COUNTRY_BONUS = 0.4
DIVISION_IN_CONTEXT_BONUS = 1.0
CONTAINER_BONUS = 2.0  # "Athens, Ohio": the city inside the division named after it
IMPLIED_COUNTRY_BONUS = 0.2  # the country of the document's other places, not named
SPATIAL_BONUS = 0.6
SPATIAL_SCALE_KM = 400.0
ANCHOR_MARGIN = 0.5
# a candidate this far from every other place of the document, in none of its countries,
# needs stronger evidence than its rank
DISTANT_KM = 1500.0
STRONG_FUZZY_POPULATION = 100_000
SUPPORT_KM = 300.0
LONE_PLACE_POPULATION = 50_000
LONE_PLACE_KM = 250.0
WORLD_CITY = 1_000_000  # a town this big is known abroad by its other names ("New York")
DISTANT_MALUS = 0.6


# "province d'Idleb", "la région septentrionale de Raqa", "la ville clé de Saraqeb"
@lru_cache(maxsize=1)
def _division_words() -> tuple[dict[str, set[str]], dict[str, str]]:
    """The generic words of divisions of every language (``geoparse_divisions.tsv``): the words
    of each kind, and the level (feature) each word names."""
    words: dict[str, set[str]] = defaultdict(set)
    feature: dict[str, str] = {}
    for code in LANGUAGES:
        for row in read_lexicon(code, "geoparse_divisions"):
            kind, word, level = (*row, "")[:3]  # "of" and "and" rows name no level
            words[kind].add(word)
            if level:
                feature[word.lower()] = level
    return words, feature


def _alternatives(words: set[str]) -> str:
    """The words as a regex alternation, longest first; a space stands for any spaces."""
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=lambda w: (-len(w), w))
    )


def _joiners(words: set[str]) -> str:
    """ "of" words before a name: an elided one ("d'", either apostrophe) runs into the name,
    the others are followed by spaces."""
    alts = []
    for w in sorted(words, key=lambda w: (-len(w), w)):
        if w.endswith("'"):
            alts.append(re.escape(w[:-1]).replace(r"\ ", r"\s+") + "['’]")
        else:
            alts.append(re.escape(w).replace(r"\ ", r"\s+") + r"\s+")
    return "|".join(alts)


_NAME = r"[A-ZÀ-Ý][\w'’-]*(?:[ -][A-ZÀ-Ý][\w'’-]*)?"  # one or two capitalised words


@lru_cache(maxsize=1)
def _hint_patterns() -> tuple[re.Pattern, ...]:
    """The patterns of :func:`feature_hint`: a generic word before the name ("la province
    d'Idleb"), after it ("Idlib province"), a plural after a list of two ("Homs and Hama
    provinces"), a plural before one ("les provinces d'Idleb et de Hama")."""
    w, _ = _division_words()
    of = _joiners(w["of"])
    single_of = _joiners({x for x in w["of"] if " " not in x})  # "de", "d'", "of"
    joined = _joiners(w["list_of"])  # "les provinces d'Idleb et de Hama"
    return (
        re.compile(rf"(?i)\b({_alternatives(w['before'])})(?:\s+[a-zà-ÿ\-]+){{0,2}}\s+(?:{of})$"),
        re.compile(rf"(?i)^\s+({_alternatives(w['after'])})\b"),
        re.compile(
            rf"^\s*(?:,|{_alternatives(w['and'])})\s+{_NAME}\s+({_alternatives(w['list_after'])})\b"
        ),
        re.compile(
            rf"(?i)\b({_alternatives(w['list_before'])})\s+(?:{single_of})?{_NAME}\s*"
            rf"(?:,|{_alternatives(w['and'])})\s+(?:{joined})?$"
        ),
    )


def _hint_feature(word: str) -> str | None:
    """The feature a generic word names, singular or plural ("provinces")."""
    _, feature = _division_words()
    word = word.lower()
    return feature.get(word) or feature.get(word[:-1])


def feature_hint(text: str, start: int, end: int) -> str | None:
    """The feature level that generic words around ``text[start:end]`` name, if any."""
    before, after, list_after, list_before = _hint_patterns()
    m = (
        before.search(text[max(0, start - 60) : start])
        or after.match(text[end : end + 20])
        or list_after.match(text[end : end + 60])
        or list_before.search(text[max(0, start - 80) : start])
    )
    return _hint_feature(m.group(1)) if m else None


def _softmax(scores: list[float]) -> list[float]:
    """Each score's share of the softmax over all of them (the winner's first)."""
    if not scores:
        return []
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [x / total for x in exps]


@lru_cache(maxsize=1)
def _government_nouns() -> frozenset[str]:
    """Nouns after which "de Damas" is the government, not the city (régime, délégation...)."""
    return frozenset(w for ws in load_cues().government.values() for w in ws)


_OF_BEFORE = re.compile(r"(?i)([\w'’\-]+)\s+(?:de|d['’]|du|des|of)\s*$")
_ON_BEFORE = re.compile(r"(?i)([\w'’\-]+)\s+(?:sur|on)\s+$")
# "la capitale, Sanaa", "la capitale yéménite Sanaa", "the Yemeni capital Sanaa": the city
_APPOSITION = re.compile(
    r"(?i)\b(?:capitale|capital)\b(?:[^.;\n]{0,40},|(?:\s+(?-i:[a-zà-ÿ][\w-]*))?)\s*$"
)
_LINE_HEAD = re.compile(r"^[ \t(]*$")
_HEAD_TAIL = re.compile(r"^\)?\s*(?:\(|-|—|–|,\s*\d|:)")


def role_of(span: Span, place, text: str) -> str:
    """literal / metonymic / country for a resolved span.

    A national capital is its government ("Damas a affirmé", "soutenu par Moscou", "le régime
    de Damas") unless the words around it make it the city: a locative cue (à, près de), a
    noun of place before "de" ("un quartier de Bagdad", "les hôpitaux de Bagdad"), "sur" after
    a strike ("bombardements sur Sanaa"), an apposition ("la capitale, Sanaa") or a dateline
    ("Téhéran -", "(La Havane)").
    """
    if place is None:
        return "literal"
    if place.feature in ("country", "continent", "region"):
        return "country"
    if span.institution:
        return "metonymic"
    if not (place.feature == "city" and place.capital) or span.locative or span.dateline:
        return "literal"
    before = text[max(0, span.start - 60) : span.start]
    m = _OF_BEFORE.search(before)
    if m:
        return "metonymic" if fold(m.group(1)) in _government_nouns() else "literal"
    m = _ON_BEFORE.search(before)
    if m:
        return "metonymic" if fold(m.group(1)) in _government_nouns() else "literal"
    if _APPOSITION.search(before):
        return "literal"
    line_start = text.rfind("\n", 0, span.start) + 1
    if _LINE_HEAD.match(text[line_start : span.start]) and _HEAD_TAIL.match(
        text[span.end : span.end + 6]
    ):
        return "literal"  # a dateline: "Téhéran - Quatre...", "(La Havane) Le gouvernement"
    return "metonymic"


def resolve(spans: list[Span], text: str, peoples: Sequence[str] = ()) -> list[Mention]:
    """Choose a place for each span using document context; return mentions in text order.
    ``peoples``: country codes of the peoples' adjectives of the text ("Syrian"), which name
    a country as its name would."""
    if not spans:
        return []
    hints = [feature_hint(text, s.start, s.end) for s in spans]

    # countries the document names, and anchors: places whose first candidate is clear. A name
    # never supports itself: its own occurrences are left out of its context.
    keys = [(fold(s.text), hints[i]) for i, s in enumerate(spans)]
    country_src: dict[str, set[tuple]] = defaultdict(set)  # country code -> names naming it
    implied_src: dict[str, set[tuple]] = defaultdict(set)  # country code -> its places' names
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
        elif c[0].place.feature in ("city", "site", "admin1", "admin2"):
            anchor_src[(c[0].place.lat, c[0].place.lon)].add(key)
            implied_src[c[0].place.country_code or ""].add(key)

    for k, code in enumerate(peoples):
        country_src[code].add(("#people", k))  # never the key of a name: supports every name

    def context_of(key: tuple) -> tuple[set[str], set[str], list[tuple[float, float]]]:
        """The countries the rest of the document names, the countries of its other clear
        places, and their points."""

        def others(src: dict) -> set:
            return {k for k, ks in src.items() if len(ks) > 1 or key not in ks}

        named = others(country_src)
        implied = others(implied_src) - named
        anchors = [pt for pt, ks in anchor_src.items() if len(ks) > 1 or key not in ks]
        return named, implied, anchors

    def rescored(
        span: Span, hint: str | None, context: tuple[set[str], set[str], list]
    ) -> list[tuple[float, Candidate, list[str]]]:
        named, implied, anchors = context
        doc_countries = named | implied
        # the name is also a country the rest of the document never names, and it does not
        # stand in a list of countries ("du Cameroun, du Niger et du Nigeria")
        foreign_country = not listed_with_country(span) and any(
            c.place.feature == "country" and c.place.country_code not in doc_countries
            for c in span.candidates
        )
        containers = container_of(span)
        out = []
        for cand in span.candidates:
            p = cand.place
            score = cand.score
            why = [cand.reason]
            inside = next(
                (
                    c.place
                    for c in containers
                    if p.feature != c.place.feature
                    and (
                        (c.place.feature == "admin1" and p.admin1 == c.place.admin1)
                        or (c.place.feature == "country" and p.country_code == c.place.country_code)
                    )
                ),
                None,
            )
            if inside is not None:
                score += CONTAINER_BONUS
                why.append(f"followed by its {inside.feature} {inside.name}")
            if hint and (
                p.feature == hint or (hint == "admin1" and p.feature in ("region", "admin2"))
            ):
                score += HINT_BONUS
                why.append(f"context names a {hint}")
            if p.country_code and p.country_code in named and p.feature != "country":
                score += DOC_COUNTRY_BONUS
                why.append(f"its country ({p.country_code}) is named in the document")
            elif p.country_code and p.country_code in implied and p.feature != "country":
                score += IMPLIED_COUNTRY_BONUS
                why.append(f"its country ({p.country_code}) is that of other places named")
            if p.feature == "admin1" and p.country_code in doc_countries and foreign_country:
                score += DIVISION_IN_CONTEXT_BONUS  # Georgia in a story about the US
                why.append("a division of the document's country, not a foreign country")
            reviewed, because = reviewed_bonus(cand, doc_countries)  # what reviewers taught
            if reviewed:
                score += reviewed
                why.append(because)
            if anchors and p.feature in ("city", "site", "admin1", "admin2"):
                d = min(haversine_km(p.lat, p.lon, a, b) for a, b in anchors)
                bonus = SPATIAL_BONUS * math.exp(-d / SPATIAL_SCALE_KM)
                if bonus > 0.05:
                    score += bonus
                    why.append(f"{d:.0f} km from the document's other places")
                elif d > DISTANT_KM and p.country_code not in doc_countries:
                    score -= DISTANT_MALUS
                    why.append(f"{d:.0f} km from every other place of the document")
            out.append((score, cand, why))
        out.sort(key=lambda x: (-x[0], x[1].place.id))
        return out

    position = {id(s): k for k, s in enumerate(spans)}

    def container_of(span: Span) -> list[Candidate]:
        """The divisions and countries the name right after it offers: "Dublin, Ga.",
        "Athens, Ohio", "Bol (province du Lac)"."""
        k = position[id(span)]
        if k + 1 >= len(spans):
            return []
        nxt = spans[k + 1]
        gap = text[span.end : nxt.start]
        if not (_CONTAINER_GAP.match(gap) or _IN_GAP.match(gap)):
            return []
        return [c for c in nxt.candidates if c.place.feature in ("admin1", "country")]

    def listed_with_country(span: Span) -> bool:
        k = position[id(span)]
        for j in (k - 1, k + 1):
            if not 0 <= j < len(spans) or not spans[j].candidates:
                continue
            a, b = sorted((spans[j], span), key=lambda x: x.start)
            top = spans[j].candidates[0].place
            if top.feature == "country" and _LIST_GAP.match(text[a.end : b.start]):
                return True
        return False

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

    def others_of(i: int, chosen: dict[int, object]) -> list:
        """The places chosen for the document's other names (not its own other mentions)."""
        return [q for j, q in chosen.items() if keys[j][0] != keys[i][0]]

    # a typo match needs the document's support: its country, or another of its places nearby
    chosen = {i: c[1].place for i, c in choice.items()}
    for i in range(len(spans)):
        if i not in choice or choice[i][1].match_kind != "fuzzy":
            continue
        named, implied, _anchors = context_of(keys[i])
        p = choice[i][1].place
        if p.feature in ("country", "continent", "region"):
            continue
        others = others_of(i, chosen)
        near = any(
            haversine_km(p.lat, p.lon, q.lat, q.lon) <= SUPPORT_KM
            for q in others
            if q.feature not in ("country", "continent", "region")
        )
        countries = named | implied | {q.country_code for q in others}
        if others and p.country_code not in countries and not near:
            del choice[i]  # a typo beside a town of its country stays; one abroad does not
        elif not others and p.population < STRONG_FUZZY_POPULATION:
            del choice[i]  # alone, only a big place is worth a typo

    # a town's name inside the name of a street or a building elsewhere ("rue de Rivoli",
    # "bassin de la Joliette", "Grand Port maritime de Marseille") is not that town
    chosen = {i: c[1].place for i, c in choice.items()}
    facilities = _facility_words()
    for i in list(choice):
        p = choice[i][1].place
        if p.feature not in ("city", "site", "admin1", "admin2") or spans[i].institution:
            continue
        named, implied, _anchors = context_of(keys[i])
        others = others_of(i, chosen)
        if not others or p.country_code in named | implied | {q.country_code for q in others}:
            continue
        inside = bool(_facility_before().search(text, max(0, spans[i].start - 40), spans[i].start))
        inside = inside or fold(word_after(text, spans[i].end)) in facilities
        k = position[id(spans[i])]
        if not inside and k + 1 < len(spans) and k + 1 in chosen:
            gap = text[spans[i].end : spans[k + 1].start]
            inside = bool(_OF_PLACE.match(gap)) and chosen[k + 1].country_code != p.country_code
        if inside:
            del choice[i]

    # a small place, far from every other place of the document and in none of its
    # countries, is a namesake: the name is more likely a village the gazetteer lacks
    chosen = {i: c[1].place for i, c in choice.items()}
    for i in list(choice):
        p = choice[i][1].place
        small = p.population < LONE_PLACE_POPULATION
        # or a foreign spelling among a big town's alternate names: a small town of the story's
        # country written like one of them is not that town abroad
        foreign_alt = (
            choice[i][1].match_kind == "alt" and not p.capital and p.population < WORLD_CITY
        )
        # a district is named for its town: abroad and far from the story, it is a namesake too
        if getattr(choice[i][1], "reviews", 0) or p.id.startswith(REVIEWED_PREFIX):
            continue  # reviewers chose it for this name, or added it
        if p.feature == "admin2":
            small = True
        elif p.feature not in ("city", "site") or not (small or foreign_alt):
            continue
        named, implied, _anchors = context_of(keys[i])
        others = [q for q in others_of(i, chosen) if q.feature not in ("continent", "region")]
        if len(others) < 2 or p.country_code in named | implied | {q.country_code for q in others}:
            continue
        if all(
            haversine_km(p.lat, p.lon, q.lat, q.lon) > LONE_PLACE_KM
            for q in others
            if q.feature != "country"
        ):
            del choice[i]  # Kaboro (Central African Republic) in a story about Zamfara

    resolved = {i: c[1].place for i, c in choice.items()}
    # a name the gazetteer lacks: its most precise placement holds for all its mentions
    enclosing = {
        i: _enclosing(i, spans, resolved, text) for i in range(len(spans)) if i not in choice
    }
    best_of_name: dict[str, tuple] = {}
    for i, found in enclosing.items():
        name = fold(spans[i].text)
        if name not in best_of_name or (
            _PRECISION_RANK[found[1]] < _PRECISION_RANK[best_of_name[name][1]]
        ):
            best_of_name[name] = found
    mentions = []
    for i, span in enumerate(spans):
        if i not in choice:
            place, precision, why = best_of_name[fold(span.text)]
            reason = f"[{span.source}] not in the gazetteer; {why}"
            if span.candidates:
                top = span.candidates[0]
                kind = "typo match" if top.match_kind == "fuzzy" else "namesake"
                reason = (
                    f"[{span.source}] {kind} {top.place.name!r} ({top.place.country_code}) "
                    f"unsupported by the document; {why}"
                )
            mentions.append(
                Mention(
                    span.start, span.end, span.text, place, "literal",
                    round(0.5 * span.confidence, 4) if place else 0.0, reason,
                    precision=precision or "exact",
                )
            )  # fmt: skip
            continue
        score, cand, why, others = choice[i]
        shares = _softmax([score] + [o[0] for o in others])
        confidence = round(shares[0] * span.confidence, 4)
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
                    Candidate(
                        o[1].place,
                        round(share * span.confidence, 4),
                        o[1].matched,
                        o[1].match_kind,
                        "; ".join(o[2]),
                    )
                    for o, share in zip(others[:3], shares[1:4], strict=False)
                ),
                cue=hints[i] or span.locative,
            )
        )
    return mentions


# "Grand Port maritime de Marseille": lower-case words, then "de" and the town it belongs to
_OF_PLACE = re.compile(r"^(?:\s+[a-zà-ÿ\-]+){1,2}\s+(?:de\s+la\s+|de\s+l['’]|de\s+|d['’]|du\s+)$")


@lru_cache(maxsize=1)
def _facility_words() -> frozenset[str]:
    return frozenset(w for ws in load_cues().facility.values() for w in ws)


@lru_cache(maxsize=1)
def _facility_before() -> re.Pattern[str]:
    """A street or building word in lower case, then an article, right before a name."""
    words = sorted({w for ws in load_cues().facility_raw.values() for w in ws}, key=len)
    alt = "|".join(re.escape(w) for w in reversed(words))
    return re.compile(
        rf"(?<![\w])(?:{alt})(?:\s+[a-zà-ÿ\-]+)?\s+"
        r"(?:de\s+la\s+|de\s+l['’]|de\s+|d['’]|du\s+|des\s+)?$"
    )


_CONTAINER_GAP = re.compile(r"^(?:\s*,\s*|\s*\(\s*)$")
# "Ariha in Idlib province", "Tessit, dans la région de Gao": in a division or a country
_IN_GAP = re.compile(r"(?i)^\s*,?\s*(?:in|dans|en)(?:\s+[a-zà-ÿ'’\-]+){0,4}\s*['’]?\s*$")
_LIST_GAP = re.compile(
    r"(?i)^(?:\s*,\s*|\s+(?:et|ou|and|or)\s+|\s*,\s*(?:et|and)\s+)"
    r"(?:(?:du|de la|de|des|d['’]|l['’]|la|le|les|the)\s*)?$"
)
_PRECISION_RANK = {"admin2": 0, "admin1": 1, "country": 2, None: 3}
_SENTENCE_END = re.compile(r"[.!?\n]\s")
_LEVEL = {"admin1": "admin1", "admin2": "admin2", "region": "admin1", "city": "admin2"}


def _enclosing(i: int, spans: list[Span], resolved: dict, text: str):
    """A place for span ``i``, a name the gazetteer lacks: the division or town the same
    sentence names next to it ("Tin-Barkoudou, dans la région de Tillabéri", "a village near
    Aleppo"), else the country the document is about. Returns (place, precision, reason)."""
    span = spans[i]
    for j in [*range(i + 1, min(len(spans), i + 4)), *range(i - 1, max(-1, i - 4), -1)]:
        other = spans[j]
        place = resolved.get(j)
        if place is None or place.feature not in _LEVEL:
            continue
        a, b = (span.end, other.start) if j > i else (other.end, span.start)
        gap = text[a:b]
        if b - a > 100 or _SENTENCE_END.search(gap):
            continue
        if place.feature == "city" and j < i:
            continue  # a town before the name rarely encloses it
        level = _LEVEL[place.feature]
        return place, level, f"placed in {place.name}, named beside it ({level})"
    # the document's country: the one its places name most often
    votes: dict[str, int] = defaultdict(int)
    country_place = {}
    for place in resolved.values():
        if place.country_code:
            votes[place.country_code] += 2 if place.feature == "country" else 1
            if place.feature == "country":
                country_place[place.country_code] = place
    ranked = sorted(votes, key=lambda c: -votes[c])
    if (
        ranked
        and ranked[0] in country_place
        and (len(ranked) == 1 or votes[ranked[0]] > votes[ranked[1]])
    ):
        place = country_place[ranked[0]]
        return place, "country", f"placed in {place.name}, the document's country (country)"
    return None, None, "no enclosing place named"

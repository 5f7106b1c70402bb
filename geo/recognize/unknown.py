"""Names the gazetteer lacks that the text itself calls places: after a word of settlement, in a
list of places, or before ", un village"; and how the NER's entities are trimmed to a name."""

from __future__ import annotations

import re
from bisect import bisect_left

from gazetteer.lookup import COMMON_WORDS
from gazetteer.normalize import fold
from geo.recognize.spans import Span
from geo.recognize.tokens import sentence_initial

# Words before a capitalised name that make it a people or a group, not a place: les Houthis,
# des Kurdes, quatre Iraniens.
NOT_PLACE_BEFORE = frozenset(
    [
        "les",
        "des",
        "aux",
        "ces",
        "leurs",
        "nos",
        "vos",
        "un",
        "une",
        "deux",
        "trois",
        "quatre",
        "cinq",
        "six",
        "sept",
        "huit",
        "neuf",
        "dix",
        "plusieurs",
        "quelques",
        "the",
    ]
)


# A generic word of a settlement or a site before a name, with up to three words between:
# "le village frontalier de Kfar Hamam", "le camp de réfugiés de Bouraïdj", "the town of".
SETTLEMENT_BEFORE = re.compile(
    r"(?i)\b(?:village|villages|localité|localités|bourgade|bourgades|commune|quartier|"
    r"quartiers|camp|district|zone|secteur|comté|île|ile|ville|villes|région|régions|province|"
    r"gouvernorat|banlieue|état|etat|préfecture|département|circonscription|vallée|marché|port|"
    r"town|city|county|neighbou?rhood|market)"
    r"(?:\s+[a-zà-ÿ\-]+){0,3}?\s*(?:\s(?:de\s+la|de\s+l['’]|de|du|des|of(?:\s+the)?)\s+|\s+d['’]|\s+)$"
)


# "du Nord du Kivu": a direction of the name that follows, not a name itself
OF_NAME_AFTER = re.compile(
    r"\s+(?:et\s+(?:du|de\s+l['’])\s+\w+\s+)?(?:du|de|des|d['’]|of)\s*[A-ZÀ-Þ]"
)


_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+(?:et|ou|and|or)\s+|\s*,\s*(?:et|and)\s+)$")


def cued_unknowns(text, groups, spans, kinds, stops, org_names) -> list[Span]:
    """Names the gazetteer and the NER both miss, that the text itself calls places: right
    after a word of settlement ("le camp de réfugiés de Bouraïdj", "la localité de Tounfafi"),
    or in a list of three names or more that holds a place ("Sangin, Baghran, Washir et
    Nahr-e Saraj")."""
    taken = sorted((s.start, s.end) for s in spans)
    # the NER's organisations always win; its persons and miscellanea lose to the text's own
    # word (a settlement noun, a list of places): it reads "Washir" or "Bouraïdj" as people
    named = [(s, e) for s, e, kind in kinds if kind in ("org", "group")]
    persons = [(s, e) for s, e, kind in kinds if kind == "person"]
    out: list[Span] = []

    def free(a: int, b: int) -> bool:
        k = bisect_left(taken, (a, a))
        near = taken[max(0, k - 1) : k + 2]
        return all(b <= s or a >= e for s, e in near) and all(b <= s or a >= e for s, e in named)

    # lists: runs of names joined by commas and "et"/"and", with at least one place
    items = sorted(
        [(g[0].start, g[-1].end, None) for g in groups] + [(p.start, p.end, p) for p in spans],
        key=lambda item: item[0],
    )
    in_place_list: set[int] = set()
    run = [items[0]] if items else []
    for item in [*items[1:], None]:
        if item is not None and _LIST_GAP.match(text[run[-1][1] : item[0]]):
            run.append(item)
            continue
        if len(run) >= 3 and any(p is not None for _, _, p in run):
            in_place_list.update(a for a, _, p in run if p is None)
        run = [item] if item is not None else []

    for group in groups:
        a, b = group[0].start, group[-1].end
        phrase = text[a:b]
        key = fold(phrase)
        if len(group) > 3 or key in stops or key in org_names or key in COMMON_WORDS:
            continue
        if len(key) < 3 or sentence_initial(text, a) or not free(a, b):
            continue
        cue = SETTLEMENT_BEFORE.search(text, max(0, a - 60), a)
        if cue and not OF_END.search(cue.group()) and not free_of(persons, a, b):
            cue = None  # "le gouverneur de la région Oleg Synegoubov": a person after the noun
        cue = cue or SETTLEMENT_AFTER.match(text, b)  # "Khirbet Nasser, un village de..."
        if not cue and a not in in_place_list:
            continue
        span = Span(a, b, phrase, [], source="cue", confidence=0.7)
        span.locative = cue.group().strip(" ,").lower() if cue else None
        out.append(span)
    return out


_GENERIC_TAIL = re.compile(r"\s+(?:village|town|community|district|area|camp|city)$")


SETTLEMENT_AFTER = re.compile(
    r"(?i),\s+(?:une\s+|un\s+|la\s+|le\s+|a\s+|the\s+)?(?:petite\s+|grande\s+|small\s+)?"
    r"(?:ville|village|localité|bourgade|commune|town|city|village|district|région|province)\b"
    # English puts the generic word after the name: "the Gakurdi village", "Kaboro community"
    r"|\s+(?:village|town|community|district|area|camp|neighbou?rhood)\b"
)


OF_END = re.compile(r"(?i)(?:\bde|\bdu|\bdes|\bd['’]|\bof)\s*$")


def free_of(ranges: list[tuple[int, int]], a: int, b: int) -> bool:
    """True when [a, b) overlaps none of ``ranges``."""
    return all(b <= s or a >= e for s, e in ranges)


def listed_with(span: Span, others: list[Span], text: str) -> bool:
    """True when ``span`` stands in a list beside a place: "Baghran et Washir", "Sangin,
    Baghran, Washir et Nahr-e Saraj"."""
    for o in others:
        if o is span:
            continue
        gap = text[o.end : span.start] if o.end <= span.start else text[span.end : o.start]
        if len(gap) <= 6 and _LIST_GAP.match(gap):
            return True
    return False


def trim_entity(text: str, s: int, e: int, stops: frozenset[str]) -> tuple[int, int]:
    """An entity without its leading articles, function words or lower-case generic words,
    nor trailing punctuation: "la ville de Kafr Nil" -> "Kafr Nil", "Sur les" -> ""."""
    while s < e:
        m = re.match(r"(?:[^\W\d_]+['’]|[^\W\d_]+\s+)", text[s:e])
        if not m or not (m.group()[0].islower() or fold(m.group()) in stops):
            break
        s += m.end()
    while e > s and text[e - 1] in " .,;:-'’»\")":
        e -= 1
    m = _GENERIC_TAIL.search(text, s, e)
    if m and m.start() > s:
        e = m.start()  # "Lingyado village": the name without its generic word
    return s, e

"""Capitalised words that may form one name: groups with their particles, sentence and headline
positions, datelines and headlines in capitals, lower-case words that belong to a name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from geo.lang import read_tsv

# A capitalised word, hyphenated parts and inner apostrophes included: Alep-Est, N'Djamena.
_WORD = r"[A-ZÀ-ÖØ-ÞŒŠŽ][^\W\d_]*(?:['\-][^\W\d_]+)*\.?"


_ABBREV = r"(?:[A-Z]\.){2,}"  # U.S., D.C., U.K.


_TOKEN_RE = re.compile(rf"{_ABBREV}|{_WORD}")


_ELIDED_LOWER = re.compile(r"^(?:[LDSNCJMT]|Qu|Jusqu|Lorsqu|Puisqu)'[a-zà-ÿ]")


# Lower-case particles that stand inside place names (Ras al-Aïn, Deir ez-Zor, Corée du Nord),
# and capitalised words that may stand beside a place name without making it a person or an
# organisation ("Idlib Governorate", "Alep Est"): geo/data/geoparse_names.tsv.
_NAME_WORDS = read_tsv(
    Path(__file__).parent.parent / "data" / "geoparse_names.tsv", ("kind", "word")
)
_PARTICLES = frozenset(row[1] for row in _NAME_WORDS if row[0] == "particle")
NEUTRAL = frozenset(row[1] for row in _NAME_WORDS if row[0] == "neutral")


@dataclass
class Token:
    start: int
    end: int
    text: str
    tight: bool  # joined to the previous token by a space or hyphen only


def tokens(text: str) -> list[list[Token]]:
    """Groups of capitalised words that may form one name, possibly with particles inside."""
    groups: list[list[Token]] = []
    current: list[Token] = []
    last_end = -1
    for m in _TOKEN_RE.finditer(text):
        start, end = m.start(), m.end()
        word = m.group()
        if word.endswith(".") and not re.fullmatch(rf"(?:St|Ste|Mt)\.|{_ABBREV}", word):
            end -= 1
            word = word[:-1]
        if _ELIDED_LOWER.match(word):
            continue  # "L'appel", "D'abord": a capital only because a sentence starts
        possessive = word.endswith("'s")
        if possessive:  # "Yemen's Hodeidah port": two names, not one
            end -= 2
            word = word[:-2]
        gap = text[last_end:start] if current else ""
        tight = bool(current) and gap in (" ", "-")
        joined = tight
        if current and not tight:
            parts = re.split(r"[\s\-]+", gap.strip(" -"))
            elided = re.fullmatch(r" d['’]", gap) is not None  # Quai d'Orsay, Côte d'Ivoire
            joined = elided or (
                bool(gap.strip())
                and len(gap) <= 12
                and "\n" not in gap
                and all(p.lower() in _PARTICLES for p in parts if p)
                and len(parts) <= 2
            )
        if current and not joined:
            groups.append(current)
            current = []
        current.append(Token(start, end, word, tight))
        last_end = end
        if possessive:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start].rstrip(" «\"'(")
    return not before or before[-1] in ".!?:\n»"


def title_case_line(text: str, start: int, seen: dict[int, bool]) -> bool:
    """True inside a headline written in Title Case, where capitals say nothing of names.

    ``seen`` caches the answer per line (keyed by the line's start).
    """
    ls = text.rfind("\n", 0, start) + 1
    if ls not in seen:
        le = text.find("\n", start)
        line = text[ls : le if le >= 0 else len(text)]
        # a headline is short: a long line is a paragraph, whatever its capitals
        words = re.findall(r"[^\W\d_]{4,}", line[:300]) if len(line) <= 300 else []
        seen[ls] = len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) >= 0.8
    return seen[ls]


_ARTICLE_GAP = re.compile(r"^\s*(?:al|el|ad|ar|as|ash|ach|an|ez|az|ed|es|at|ul)-$", re.IGNORECASE)


def article_joined(text: str, group: list[Token], k: int) -> bool:
    """True when token ``k`` is joined to its neighbour by an Arabic article: Bab al-Hawa."""
    t = group[k]
    if k > 0 and _ARTICLE_GAP.match(text[group[k - 1].end : t.start]):
        return True
    return k + 1 < len(group) and bool(_ARTICLE_GAP.match(text[t.end : group[k + 1].start]))


# Lower-case words that may open or continue a place name: "mer Noire", "Arabie saoudite".
LOWER_BEFORE = re.compile(r"(?<![\w\-])[a-zà-ÿ]+(?:['’\-]|\s+)")


LOWER_AFTER = re.compile(r"(?:(?:[ \-]|['’])[a-zà-ÿ]+){1,3}")


# The capitalised word right after a run of lower-case words ("démocratique du Congo").
NEXT_CAPITAL = re.compile(r" [A-ZÀ-ÖØ-ÞŒŠŽ][^\W\d_]*(?:['\-][^\W\d_]+)*")


LAST_LOWER = re.compile(r"([a-zà-ÿ]+)['’\s\-]+$")


LOWER_NEAR_BEFORE = re.compile(r"[a-zà-ÿ][\s'’\-]$")


LOWER_NEAR_AFTER = re.compile(r"[\s'’\-][a-zà-ÿ]")


def only_lower(segment: str) -> bool:
    words = re.findall(r"[^\W\d_]+", segment)
    return 0 < len(words) <= 3 and all(w.islower() for w in words) and "\n" not in segment


# A dateline: names in capitals at the start of a line, then "(Reuters)", a comma or a dash.
_DATELINE_BEFORE = re.compile(r"[ \t]*(?:[A-ZÀ-ÖØ-Þ'’\- ]+/)*$")


_DATELINE_AFTER = re.compile(r"^(?:\s*/\s*[A-ZÀ-ÖØ-Þ'’\- ]+)*\s*(?:\(|,|::?|-|—|–)")


def capitals_context(text: str, start: int, end: int) -> str | None:
    """Where a name written in capitals is still a name: ``"dateline"`` (BAMAKO, 13 octobre;
    LE CAIRE/GAZA (Reuters) -) or ``"line"`` (a headline all in capitals); else None."""
    if not text[start:end].isupper():
        return None
    # only the 300 characters around the name are read: a long paragraph costs no more
    window = max(0, start - 300)
    ls = text.rfind("\n", window, start) + 1 or window
    # a dateline may follow a photo credit or a sentence on the same scraped line
    cuts = (text.rfind(sep, ls, start) for sep in ("  ", ". "))
    head = max([ls, *(c + 2 for c in cuts if c >= 0)])
    if _DATELINE_BEFORE.match(text, head, start) and _DATELINE_AFTER.match(text[end : end + 40]):
        return "dateline"
    return "line" if _capitals_line(text, ls, end) else None


def _capitals_line(text: str, ls: int, end: int) -> bool:
    """True when the line from ``ls`` (its first 300 characters past ``end``) is in capitals."""
    le = text.find("\n", end, end + 300)
    line = text[ls : le if le >= 0 else end + 300]
    letters = sum(c.isalpha() for c in line)
    upper = sum(c.isupper() for c in line)
    return letters >= 12 and upper / letters > 0.9

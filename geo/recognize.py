"""Find place names in a text: capitalised spans matched against the gazetteer, context cues,
and (in French) spaCy's named entities to reject persons and organisations.

The recogniser works on the normalised text (:func:`geo.text.normalize`); its offsets index that
text, and :mod:`geo.geoparse` maps them back to the original.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from pathlib import Path

from gazetteer.lookup import COMMON_WORDS, Gazetteer, split_feature_cue
from gazetteer.normalize import fold, is_code
from geo.errors import ConfigError
from geo.lang import DEFAULT, LANGUAGES, get_language, read_lexicon, read_tsv
from geo.model import Candidate

DATA_DIR = Path(__file__).parent / "data"
MAX_NAME_TOKENS = 5
FUZZY_MIN_LENGTH = 8

# A capitalised word, hyphenated parts and inner apostrophes included: Alep-Est, N'Djamena.
_WORD = r"[A-ZÀ-ÖØ-ÞŒŠŽ][^\W\d_]*(?:['\-][^\W\d_]+)*\.?"
_ABBREV = r"(?:[A-Z]\.){2,}"  # U.S., D.C., U.K.
_TOKEN_RE = re.compile(rf"{_ABBREV}|{_WORD}")
_ELIDED_LOWER = re.compile(r"^(?:[LDSNCJMT]|Qu|Jusqu|Lorsqu|Puisqu)'[a-zà-ÿ]")
# Lower-case particles that stand inside place names: Ras al-Aïn, Deir ez-Zor, Corée du Nord.
_PARTICLES = {
    "al", "el", "ad", "ar", "as", "ash", "ach", "an", "ez", "az", "ed", "es", "at", "ul",
    "de", "du", "des", "la", "le", "les", "of", "the", "sur", "en", "am", "da", "do", "di",
    "del", "della", "dos", "das", "van", "von", "der", "den", "y", "i",
}  # fmt: skip
# Capitalised words that may stand beside a place name without making it a person or an
# organisation: generic words and directions ("Idlib Governorate", "Alep Est").
_NEUTRAL = {
    "province", "governorate", "gouvernorat", "region", "city", "ville", "district",
    "state", "oblast", "nord", "sud", "est", "ouest", "north", "south", "east", "west",
    "northern", "southern", "eastern", "western", "central", "centre", "greater", "grand",
}  # fmt: skip


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


@dataclass
class _Token:
    start: int
    end: int
    text: str
    tight: bool  # joined to the previous token by a space or hyphen only


def _tokens(text: str) -> list[list[_Token]]:
    """Groups of capitalised words that may form one name, possibly with particles inside."""
    groups: list[list[_Token]] = []
    current: list[_Token] = []
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
        current.append(_Token(start, end, word, tight))
        last_end = end
        if possessive:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


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
    :func:`_cue_before`."""
    cues = load_cues().locative
    return _index_cues(cues.get(lang, []) + (cues.get(DEFAULT, []) if lang != DEFAULT else []))


def _cue_before(text: str, start: int, cues: dict[str, list[str]]) -> str | None:
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


def _word_before(text: str, start: int) -> str:
    m = _WORD_BEFORE.search(text, max(0, start - 30), start)
    return m.group(1).lower().replace("’", "'") if m else ""


_WORD_AFTER = re.compile(r"\s*([\w'’\-]+)")


def _word_after(text: str, end: int) -> str:
    m = _WORD_AFTER.match(text, end, end + 40)
    return m.group(1).lower() if m else ""


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start].rstrip(" «\"'(")
    return not before or before[-1] in ".!?:\n»"


def _title_case_line(text: str, start: int, seen: dict[int, bool]) -> bool:
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


# A place name that the NER model calls a person is kept when the gazetteer is this sure.
STRONG_POPULATION = 100_000
# A city the NER model calls a person, with no locative word before it, stays a place only if
# this big ("Glasgow" stays; "Jackson said" is a person)
PERSON_SAFE_POPULATION = 500_000
_COORDINATION = re.compile(r"^(?:\s*,\s*|\s+(?:et|ou|and|or)\s+)(?:(?:de|d'|à|in|near)\s*)?$")


def _strong_place(span: Span) -> bool:
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


# Words before a capitalised name that make it a people or a group, not a place: les Houthis,
# des Kurdes, quatre Iraniens.
_NOT_PLACE_BEFORE = frozenset(
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
# "le village frontalier de Rmaych", "le camp de réfugiés de Nousseirat", "the town of".
_SETTLEMENT_BEFORE = re.compile(
    r"(?i)\b(?:village|villages|localité|localités|bourgade|bourgades|commune|quartier|"
    r"quartiers|camp|district|zone|secteur|comté|île|ile|ville|villes|région|régions|province|"
    r"gouvernorat|banlieue|état|etat|préfecture|département|circonscription|vallée|marché|port|"
    r"town|city|county|neighbou?rhood|market)"
    r"(?:\s+[a-zà-ÿ\-]+){0,3}?\s*(?:\s(?:de\s+la|de\s+l['’]|de|du|des|of(?:\s+the)?)\s+|\s+d['’]|\s+)$"
)
# "du Nord du Wollo": a direction of the name that follows, not a name itself
_OF_NAME_AFTER = re.compile(
    r"\s+(?:et\s+(?:du|de\s+l['’])\s+\w+\s+)?(?:du|de|des|d['’]|of)\s*[A-ZÀ-Þ]"
)
_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+(?:et|ou|and|or)\s+|\s*,\s*(?:et|and)\s+)$")


def _cued_unknowns(text, groups, spans, kinds, stops, org_names) -> list[Span]:
    """Names the gazetteer and the NER both miss, that the text itself calls places: right
    after a word of settlement ("le camp de réfugiés de Nousseirat", "la localité de Sollé"),
    or in a list of three names or more that holds a place ("Sangin, Nowzad, Kajaki et Musa
    Qala")."""
    taken = sorted((s.start, s.end) for s in spans)
    # the NER's organisations always win; its persons and miscellanea lose to the text's own
    # word (a settlement noun, a list of places): it reads "Kajaki" or "Nousseirat" as people
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
        if len(key) < 3 or _sentence_initial(text, a) or not free(a, b):
            continue
        cue = _SETTLEMENT_BEFORE.search(text, max(0, a - 60), a)
        if cue and not _OF_END.search(cue.group()) and not free_of(persons, a, b):
            cue = None  # "le gouverneur de la région Oleg Synegoubov": a person after the noun
        cue = cue or _SETTLEMENT_AFTER.match(text, b)  # "Khirbet Nasser, un village de..."
        if not cue and a not in in_place_list:
            continue
        span = Span(a, b, phrase, [], source="cue", confidence=0.7)
        span.locative = cue.group().strip(" ,").lower() if cue else None
        out.append(span)
    return out


_GENERIC_TAIL = re.compile(r"\s+(?:village|town|community|district|area|camp|city)$")
_SETTLEMENT_AFTER = re.compile(
    r"(?i),\s+(?:une\s+|un\s+|la\s+|le\s+|a\s+|the\s+)?(?:petite\s+|grande\s+|small\s+)?"
    r"(?:ville|village|localité|bourgade|commune|town|city|village|district|région|province)\b"
    # English puts the generic word after the name: "the Gakurdi village", "Kaboro community"
    r"|\s+(?:village|town|community|district|area|camp|neighbou?rhood)\b"
)
_OF_END = re.compile(r"(?i)(?:\bde|\bdu|\bdes|\bd['’]|\bof)\s*$")


def free_of(ranges: list[tuple[int, int]], a: int, b: int) -> bool:
    """True when [a, b) overlaps none of ``ranges``."""
    return all(b <= s or a >= e for s, e in ranges)


def _listed_with(span: Span, others: list[Span], text: str) -> bool:
    """True when ``span`` stands in a list beside a place: "Ghadfa et Kansafra", "Sangin,
    Nowzad, Kajaki et Musa Qala"."""
    for o in others:
        if o is span:
            continue
        gap = text[o.end : span.start] if o.end <= span.start else text[span.end : o.start]
        if len(gap) <= 6 and _LIST_GAP.match(gap):
            return True
    return False


_DEMONYM_END = re.compile(r"(?:ian|ean|ese|ish|ic|ite|i)$")


def _adjective(phrase: str, cands: list[Candidate], text: str, end: int) -> bool:
    """A people's adjective that some place has among its alternate names ("Ukrainian
    officials", "Saudi forces"): an alternate name ending like an adjective, before a word in
    lower case."""
    top = cands[0]
    if top.match_kind not in ("alt", "fuzzy") or not _DEMONYM_END.search(phrase.lower()):
        return False
    after = _word_after(text, end)
    return bool(after) and after[0].islower() and text[end : end + 1] == " "


def _division_or_country(span: Span, population: int) -> bool:
    """A country or a division, or a city of at least ``population`` people."""
    top = span.candidates[0].place if span.candidates else None
    return top is not None and (
        top.feature in ("country", "admin1", "continent", "region") or top.population >= population
    )


def _strong(cands: list[Candidate]) -> bool:
    """A country, a division, or a big city matched by one of its names."""
    return bool(cands) and _strong_place(Span(0, 0, "", cands))


_ARTICLE_GAP = re.compile(r"^\s*(?:al|el|ad|ar|as|ash|ach|an|ez|az|ed|es|at|ul)-$", re.IGNORECASE)


def _article_joined(text: str, group: list[_Token], k: int) -> bool:
    """True when token ``k`` is joined to its neighbour by an Arabic article: Bab al-Sharqi."""
    t = group[k]
    if k > 0 and _ARTICLE_GAP.match(text[group[k - 1].end : t.start]):
        return True
    return k + 1 < len(group) and bool(_ARTICLE_GAP.match(text[t.end : group[k + 1].start]))


# Lower-case words that may open or continue a place name: "mer Noire", "Arabie saoudite".
_LOWER_BEFORE = re.compile(r"(?<![\w\-])[a-zà-ÿ]+(?:['’\-]|\s+)")
_LOWER_AFTER = re.compile(r"(?:(?:[ \-]|['’])[a-zà-ÿ]+){1,3}")


_LAST_LOWER = re.compile(r"([a-zà-ÿ]+)['’\s\-]+$")
_LOWER_NEAR_BEFORE = re.compile(r"[a-zà-ÿ][\s'’\-]$")
_LOWER_NEAR_AFTER = re.compile(r"[\s'’\-][a-zà-ÿ]")


def _only_lower(segment: str) -> bool:
    words = re.findall(r"[^\W\d_]+", segment)
    return 0 < len(words) <= 3 and all(w.islower() for w in words) and "\n" not in segment


# A dateline: names in capitals at the start of a line, then "(Reuters)", a comma or a dash.
_DATELINE_BEFORE = re.compile(r"[ \t]*(?:[A-ZÀ-ÖØ-Þ'’\- ]+/)*$")
_DATELINE_AFTER = re.compile(r"^(?:\s*/\s*[A-ZÀ-ÖØ-Þ'’\- ]+)*\s*(?:\(|,|::?|-|—|–)")


def _capitals_context(text: str, start: int, end: int) -> str | None:
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


def _trim_entity(text: str, s: int, e: int, stops: frozenset[str]) -> tuple[int, int]:
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


def _share_cues(spans: list[Span], text: str) -> None:
    """Coordinated names share a locative cue: "près de Tyr et de Nabatiyé", "vers Sennar et Gedaref"."""
    for prev, span in zip(spans, spans[1:], strict=False):
        gap = text[prev.end : span.start].replace("’", "'")
        if prev.locative and not span.locative and _COORDINATION.match(gap):
            span.locative = prev.locative


# spaCy refuses texts over nlp.max_length and needs about 1 GB per 100,000 characters for the
# parser; NER runs on pieces of at most this size, cut at paragraph or sentence ends.
NER_CHUNK = 20_000
NER_BATCH_CHARS = 100_000


def _chunks(text: str, size: int = NER_CHUNK) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` no longer than ``size``, cut after a newline or a full stop
    where one is near the end of the piece."""
    out, pos = [], 0
    while len(text) - pos > size:
        cut = text.rfind("\n", pos + size // 2, pos + size)
        if cut < 0:
            cut = text.rfind(". ", pos + size // 2, pos + size)
        if cut < 0:
            cut = text.rfind(" ", pos + size // 2, pos + size)
        end = cut + 1 if cut >= 0 else pos + size
        out.append((pos, end))
        pos = end
    out.append((pos, len(text)))
    return out


def run_ner(nlp, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """(start, end, label) of the named entities of each text, long texts read in pieces."""
    size = min(NER_CHUNK, nlp.max_length)
    pieces = [(i, s, e) for i, t in enumerate(texts) for s, e in _chunks(t, size)]
    # the model's memory grows with the characters of a batch: about NER_BATCH_CHARS at once
    longest = max((e - s for _, s, e in pieces), default=1)
    batch = max(1, min(32, NER_BATCH_CHARS // max(longest, 1)))
    docs = nlp.pipe((texts[i][s:e] for i, s, e in pieces), batch_size=batch)
    out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    for (i, s, _e), d in zip(pieces, docs, strict=True):
        out[i].extend((s + e.start_char, s + e.end_char, e.label_) for e in d.ents)
    return out


class Recognizer:
    """Finds place-name spans in normalised text.

    Parameters
    ----------
    gazetteer:
        The gazetteer names are matched against.
    use_ner:
        Use the language's spaCy pipeline (``geo/lang``): its person and organisation entities
        reject the names inside them, and its place entities are mentions even when the
        gazetteer does not know them.
    """

    def __init__(self, gazetteer: Gazetteer, use_ner: bool = True) -> None:
        self.gaz = gazetteer
        self.use_ner = use_ner
        self._nlp: dict[str, object] = {}
        self._nlp_lock = threading.Lock()

    def nlp_for(self, lang: str):
        """The spaCy pipeline of ``lang`` (tokenizer, tok2vec and NER only), loaded once; None
        when the language declares none."""
        spec = get_language(lang)
        if spec is None or spec.ner_model is None:
            return None
        with self._nlp_lock:
            if lang not in self._nlp:
                import spacy

                self._nlp[lang] = spacy.load(spec.ner_model, exclude=list(spec.ner_exclude))
            return self._nlp[lang]

    @property
    def nlp(self):
        """The French pipeline (kept for callers that read it directly)."""
        return self.nlp_for(DEFAULT)

    def has_ner(self, lang: str) -> bool:
        """True when recognition in ``lang`` runs a NER model."""
        spec = get_language(lang)
        return self.use_ner and spec is not None and spec.ner_model is not None

    def entities(self, texts: list[str], lang: str) -> list[list[tuple[int, int, str]]]:
        """(start, end, label) of the named entities of each text (empty without NER)."""
        if not texts or not self.has_ner(lang):
            return [[] for _ in texts]
        return run_ner(self.nlp_for(lang), texts)

    def recognize(
        self, text: str, lang: str, entities: list[tuple[int, int, str]] | None = None
    ) -> list[Span]:
        """Place-name spans of ``text``, sorted by position and never overlapping.

        ``entities`` are the NER entities of ``text`` (:meth:`entities`); None when no NER ran.
        """
        cues = load_cues()
        spec = get_language(lang)
        loc_cues = locative_cues(lang)
        # the default language's titles and bodies hold too (a French "M." in English news)
        person_cues = cues.person.get(lang, set()) | cues.person.get(DEFAULT, set())
        org_cues = cues.org.get(lang, set()) | cues.org.get(DEFAULT, set())
        org_names = cues.orgname.get("*", set()) | cues.orgname.get(lang, set())
        literal_verbs = cues.literal.get(lang, set())
        thing_before = cues.thing_before.get(lang, set())
        thing_after = cues.thing_after.get(lang, set())
        stops = stop_words(lang)
        institutions = load_institutions()
        gaz_lang = lang if spec is not None else None
        kinds = [
            (s, e, spec.entity_kind(label) if spec else "other") for s, e, label in entities or ()
        ]
        ner_ran = entities is not None and self.has_ner(lang)
        spans: list[Span] = []
        unmatched: list[list[_Token]] = []  # capitalised groups the gazetteer does not know
        headlines: dict[int, bool] = {}
        lower_words = {fold(w) for w in re.findall(r"(?<![\w'])[a-zà-ÿ][a-zà-ÿ\-]{2,}", text)}

        def lookup(phrase: str, allow_common: bool) -> list[Candidate]:
            return self.gaz.candidates(
                phrase, lang=gaz_lang, limit=8, allow_common=allow_common, fuzzy=False
            )

        for group in _tokens(text):
            first = group[0]
            headline = _title_case_line(text, first.start, headlines)
            before = _word_before(text, first.start)
            if before in person_cues or before in org_cues:
                continue  # M. Lavrov, l'agence Anadolu: the whole group names a person or body
            if fold(first.text) in person_cues:
                continue  # Dr Margaret Chan, President Obama, "Dr. Smith": a title
            if before in thing_before or _word_after(text, group[-1].end) in thing_after:
                continue  # le virus Ebola, the Marburg virus: named after a place, not one
            capitals = _capitals_context(text, first.start, group[-1].end)
            extended = self._extended(text, group, lang)
            if extended is not None and fold(extended.text) not in org_names:
                spans.append(extended)
                continue
            matches: list[tuple[int, int, Span]] = []
            i = 0
            n = len(group)
            while i < n:
                found = None
                for j in range(min(n, i + MAX_NAME_TOKENS), i, -1):
                    start, end = group[i].start, group[j - 1].end
                    phrase = text[start:end]
                    key = fold(phrase)
                    if j - i == 1 and (key in stops or len(key) < 2):
                        continue
                    if (
                        j - i == 1
                        and key in _NEUTRAL
                        and (
                            not _SETTLEMENT_BEFORE.search(text, max(0, start - 60), start)
                            or _OF_NAME_AFTER.match(text, end)
                        )
                    ):
                        continue  # "Southern", "Centre" alone are words; "le département du Nord"
                    if phrase.isupper() and len(phrase) > 4 and not capitals:
                        continue  # AFP prints surnames in capitals: Karam AL MASRI
                    if j - i == 1 and _sentence_initial(text, start) and key in lower_words:
                        continue  # "Appel", "Nice" opening a sentence, written lower case elsewhere
                    inst = institutions.get(key)
                    if inst is not None:
                        found = (
                            j,
                            Span(start, end, phrase, [], source="institution", institution=True),
                        )
                        found[1].candidates = [
                            Candidate(self.gaz.get(inst), 1.0, phrase, "institution", "institution")
                        ]
                        break
                    locative = _cue_before(text, start, loc_cues)
                    if not locative and _word_before(text, start) in literal_verbs:
                        locative = _word_before(text, start)  # "bombarder Damas": the city itself
                    if not locative:
                        m = _SETTLEMENT_BEFORE.search(text, max(0, start - 60), start)
                        locative = m.group().strip().lower() if m else None
                    if key in org_names and not locative:
                        continue  # Hamas, ONU, the agency Sana: organisations, not places
                    allow_common = bool(locative) and not _sentence_initial(text, start)
                    cands = lookup(phrase.title() if capitals else phrase, allow_common)
                    if cands and _adjective(phrase, cands, text, end):
                        continue  # "Ukrainian officials": an adjective of a people
                    if cands and capitals == "line" and not _strong(cands):
                        cands = []  # a headline in capitals: only names that cannot be words
                    if cands:
                        span = Span(start, end, phrase, cands, locative=locative)
                        span.headline = headline or capitals == "line"
                        span.dateline = capitals == "dateline"
                        found = (j, span)
                        break
                if found:
                    matches.append((i, found[0], found[1]))
                    i = found[0]
                else:
                    i += 1
            if not matches:
                if not headline and not capitals:
                    unmatched.append(group)
                continue
            if not headline:
                covered = {k for a, b, _ in matches for k in range(a, b)}
                strays = [
                    t for k, t in enumerate(group)
                    if k not in covered and (t.tight or (k + 1 < n and group[k + 1].tight)
                                             or _article_joined(text, group, k))
                    and fold(t.text) not in stops and fold(t.text) not in _NEUTRAL
                ]  # fmt: skip
                if strays:
                    unmatched.append(group)  # a place only if the text says so (a list, a cue)
                    continue  # Vladimir Poutine, Bab al-Sharqi: a name that contains a place name
                if any(b == a2 and group[a2].tight for _, b, _ in matches for a2, _, _ in matches):
                    unmatched.append(group)  # Musa Qala in a list of places is one place
                    continue  # Paris Hilton, Jack London: two names side by side make a person
            spans.extend(s for _, _, s in matches)

        _share_cues(spans, text)
        if ner_ran:
            kept = self._apply_entities(spans, kinds, text)
            # a name the entities ruled out (inside an organisation's name) stays out
            dropped = [s for s in spans if s not in kept]
            spans = kept
            spans.extend(
                self._ner_spans(
                    text,
                    spans,
                    dropped,
                    kinds,
                    loc_cues,
                    gaz_lang,
                    stops,
                    org_names,
                    (thing_before, thing_after),
                )  # fmt: skip
            )
        else:
            spans = [s for s in spans if not s.headline or _strong(s.candidates)]
            spans.extend(self._fuzzy_spans(text, spans, [], loc_cues, gaz_lang))
        if ner_ran:
            # names the NER took for persons come back when the text lists them with places
            unmatched.extend([_Token(d.start, d.end, d.text, False)] for d in dropped)
        cued = _cued_unknowns(text, unmatched, spans, kinds, stops, org_names)
        if ner_ran:
            back = {(d.start, d.end): d for d in dropped}
            cued = [back.get((c.start, c.end), c) for c in cued]
        spans.extend(cued)
        spans.sort(key=lambda s: s.start)
        return spans

    def _extended(self, text: str, group: list[_Token], lang: str) -> Span | None:
        """The group with the lower-case words around it, when that whole phrase is a name the
        gazetteer has: "Arabie saoudite", "mer Noire", "golfe d'Aden", "Kordofan du Nord"."""
        before = text[max(0, group[0].start - 2) : group[0].start]
        after = text[group[-1].end : group[-1].end + 2]
        if not (_LOWER_NEAR_BEFORE.search(before) or _LOWER_NEAR_AFTER.match(after)):
            return None  # no lower-case word touches the group: nothing to extend
        stops = stop_words(lang)
        while len(group) > 1 and fold(group[0].text) in stops:
            group = group[1:]  # "Les Emirats arabes unis": the article is no part of the name
        gs, ge = group[0].start, group[-1].end
        known = self.gaz.lower_name_words
        # left words only when the word right before the group is written in some name
        prev = _LAST_LOWER.search(text, max(0, gs - 30), gs)
        near_known = prev is not None and (len(prev.group(1)) < 2 or fold(prev.group(1)) in known)
        left = (
            [m.start() for m in _LOWER_BEFORE.finditer(text, max(0, gs - 40), gs)]
            if near_known
            else []
        )
        right = _LOWER_AFTER.match(text, ge)
        rights = [ge]
        if right:
            for w in re.finditer(r"[ \-'’]+([a-zà-ÿ]+)", right.group()):
                if fold(w.group(1)) not in known:
                    break
                rights.append(ge + w.end())
        starts = [gs]
        if left:
            # every start of a run of lower-case words of names that ends at the group
            starts = sorted(
                {gs}
                | {
                    a
                    for a in left
                    if _only_lower(text[a:gs])
                    and not re.match(r"[dl]['’]", text[a:gs])  # d'el-Facher: el-Facher
                    and all(fold(w) in known for w in re.findall(r"[^\W\d_]{2,}", text[a:gs]))
                }
            )
        if len(starts) == 1 and len(rights) == 1:
            return None
        if all(fold(t.text) in stops for t in group):
            return None  # "Sur les", "À la": a sentence opening, not a name
        gaz_lang = lang if get_language(lang) else None
        best = None
        for a in starts:
            for b in rights:
                if a == gs and b == ge:
                    continue
                phrase = text[a:b].strip(" -'’")
                a2 = a + (len(text[a:b]) - len(text[a:b].lstrip(" -'’")))
                if len(phrase.split()) > MAX_NAME_TOKENS + 2:
                    continue
                added = fold(text[a:gs]).split() + fold(text[ge:b]).split()
                if all(w in stops for w in added):
                    continue  # "la Défense", "Les rues": only function words were added
                if a < gs and split_feature_cue(fold(phrase))[1] is not None:
                    continue  # "base d'Incirlik": a generic word, not part of the name
                cands = self.gaz.candidates(phrase, lang=gaz_lang, limit=8, fuzzy=False)
                exact = cands and fold(cands[0].matched) == fold(phrase)
                if exact and (best is None or len(phrase) > len(best.text)):
                    best = Span(a2, a2 + len(phrase), phrase, cands)
        return best

    @staticmethod
    def _apply_entities(
        spans: list[Span], kinds: list[tuple[int, int, str]], text: str
    ) -> list[Span]:
        if not kinds:
            return [s for s in spans if not s.headline or _strong(s.candidates)]
        ents = sorted(kinds)
        starts = [s for s, _, _ in ents]
        longest = max(e - s for s, e, _ in ents)
        kept = []
        for span in spans:
            drop = False
            placed = False
            # the entities that overlap the span or end right before it
            near = ents[
                bisect_left(starts, span.start - longest - 1) : bisect_left(starts, span.end)
            ]
            for s, e, kind in near:
                if e <= span.start or s >= span.end:
                    continue
                inside = s <= span.start and span.end <= e
                same = s == span.start and e == span.end
                longer = (e - s) > (span.end - span.start) + 1
                if span.institution or span.dateline:
                    continue  # a dateline in capitals: the model reads it as a name of anything
                if kind == "person":
                    if inside and (longer or not (span.locative or _strong_place(span))):
                        drop = True
                    elif (
                        same
                        and not span.locative
                        and not _division_or_country(span, PERSON_SAFE_POPULATION)
                    ):
                        drop = True  # "Jackson said": the model reads a person, not the city
                elif kind == "org" and inside:
                    ent_text = text[s:e]
                    # "la ville d'Alep" is no organisation; "Organisation ... en Europe" is
                    if longer and not re.match(
                        r"(?i)(?:la |le |l')?(?:ville|région|province|bande)\b", ent_text
                    ):
                        drop = True
                    elif same and not (span.locative or _strong_place(span)):
                        drop = True  # Hamas, Irna: the model reads an organisation
                elif kind == "group" and inside and (same or not _strong_place(span)):
                    drop = True  # Syrian, Kurds, Ukrainian: a people, not a place
                elif kind == "place":
                    placed = True
                    span.confidence = max(span.confidence, 1.0)
            if span.headline and not placed and not _strong(span.candidates):
                drop = True  # "Talks Stall In Cairo": capitals in a headline say nothing
            for s, e, kind in near:
                # the model often ends an organisation's name right before its place part:
                # "[Organisation pour la sécurité et la coopération en] Europe"
                if kind != "org" or not 0 <= span.start - e <= 1 or span.institution:
                    continue
                if re.search(r"(?i)\b(?:en|de|du|des|d'|pour)\s*$", text[s:e].replace("’", "'")):
                    drop = True
            if not drop:
                kept.append(span)
        return kept

    def _ner_spans(
        self, text, spans, blocked, kinds, loc_cues, gaz_lang, stops, org_names, things
    ) -> list[Span]:
        """Place entities of the NER that no gazetteer span covers: a typo of a known name, or a
        place the gazetteer lacks (kept with no candidate; resolution places it by context).

        The model also calls peoples, armed groups and some persons places (les Houthis, des
        Kurdes), so a name the gazetteer lacks needs the text's word that it is a place: a
        locative or generic word before it (à, près de, le village de), a dateline, or a list
        it shares with another place ("Ghadfa et Kansafra").
        """
        thing_before, thing_after = things
        taken = sorted((s.start, s.end) for s in [*spans, *blocked])
        proposals: list[Span] = []

        def free(a: int, b: int) -> bool:
            k = bisect_left(taken, (a, a))
            return all(b <= s or a >= e for s, e in taken[max(0, k - 1) : k + 2])

        for s, e, kind in kinds:
            cue = _SETTLEMENT_BEFORE.search(text, max(0, s - 60), s)
            if kind == "person" and cue and _OF_END.search(cue.group()):
                kind = "place"  # "le quartier de Mariam Bek": the model reads a person
            if kind != "place":
                continue
            s, e = _trim_entity(text, s, e, stops)
            phrase = text[s:e]
            key = fold(phrase)
            if e - s < 3 or not phrase[0].isupper() or not free(s, e):
                continue
            if key in stops or key in org_names or key in COMMON_WORDS:
                continue
            capitals = _capitals_context(text, s, e)
            if phrase.isupper() and len(phrase) > 4 and not capitals:
                continue
            if _word_before(text, s) in _NOT_PLACE_BEFORE:
                continue  # les Houthis, quatre Iraniens: a people or a group
            if _word_before(text, s) in thing_before or _word_after(text, e) in thing_after:
                continue
            locative = _cue_before(text, s, loc_cues)
            if not locative:
                m = _SETTLEMENT_BEFORE.search(text, max(0, s - 60), s)
                locative = m.group().strip().lower() if m else None
            if not locative and _SETTLEMENT_AFTER.match(text, e):
                locative = "apposition"  # "Tchervonograd, ville de la région de Kharkiv"
            cands = self.gaz.candidates(
                phrase, lang=gaz_lang, limit=8, allow_common=bool(locative), fuzzy=False
            )
            source, confidence = "ner", 0.9
            if not cands and len(key) >= FUZZY_MIN_LENGTH:
                cands = self.gaz.candidates(phrase, lang=gaz_lang, limit=5, fuzzy=True)
                if cands:
                    source, confidence = "fuzzy", 0.8
            if cands and _adjective(phrase, cands, text, e):
                continue
            if not cands and (re.search(r"\d", phrase) or is_code(phrase)):
                continue  # M23, FSR: acronyms and codes of groups
            span = Span(
                s, e, phrase, cands, locative=locative, source=source, confidence=confidence
            )
            span.headline = bool(capitals)
            proposals.append(span)
            taken.append((s, e))
            taken.sort()
        # a name the gazetteer lacks needs evidence; evidence spreads along lists of names
        accepted = [p for p in proposals if p.candidates or p.locative or p.headline]
        pending = [p for p in proposals if p not in accepted]
        support = sorted([*spans, *accepted], key=lambda x: x.start)
        changed = True
        while pending and changed:
            changed = False
            for p in list(pending):
                if _listed_with(p, support, text):
                    pending.remove(p)
                    accepted.append(p)
                    support.append(p)
                    support.sort(key=lambda x: x.start)
                    changed = True
        # one sense per document: a name accepted once is a place wherever it stands
        names = {p.text for p in accepted if not p.candidates}
        for p in pending:
            if p.text in names:
                accepted.append(p)
        for name in names:
            for m in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", text):
                if free(m.start(), m.end()):
                    accepted.append(
                        Span(m.start(), m.end(), name, [], source="ner", confidence=0.9)
                    )
                    taken.append((m.start(), m.end()))
                    taken.sort()
        return accepted

    def _fuzzy_spans(self, text, spans, ents, loc_cues, gaz_lang) -> list[Span]:
        """Typos of long names: NER location entities, or capitalised words after a locative cue."""
        taken = [(s.start, s.end) for s in spans]
        out = []

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        proposals = [(s, e) for s, e, label in ents if label == "LOC"]
        if not ents:
            for group in _tokens(text):
                t = group[0]
                if len(group) == 1 and _cue_before(text, t.start, loc_cues):
                    proposals.append((t.start, t.end))
        for s, e in proposals:
            phrase = text[s:e]
            if len(fold(phrase)) < FUZZY_MIN_LENGTH or not free(s, e) or phrase.isupper():
                continue
            if fold(phrase) in COMMON_WORDS:
                continue
            cands = self.gaz.candidates(phrase, lang=gaz_lang, limit=5, fuzzy=True)
            if cands and cands[0].match_kind == "fuzzy":
                locative = _cue_before(text, s, loc_cues)
                out.append(
                    Span(s, e, phrase, cands, locative=locative, source="fuzzy", confidence=0.8)
                )
                taken.append((s, e))
        return out

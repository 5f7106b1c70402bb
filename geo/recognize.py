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
from pathlib import Path

from gazetteer.lookup import COMMON_WORDS, Gazetteer
from gazetteer.normalize import fold
from geo.model import Candidate

DATA_DIR = Path(__file__).parent / "data"
MAX_NAME_TOKENS = 5
FUZZY_MIN_LENGTH = 8

# A capitalised word, hyphenated parts and inner apostrophes included: Alep-Est, N'Djamena.
_WORD = r"[A-ZÀ-ÖØ-ÞŒŠŽ][^\W\d_]*(?:['\-][^\W\d_]+)*\.?"
_TOKEN_RE = re.compile(_WORD)
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


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    cues = Cues()
    for line in (DATA_DIR / "geoparse_cues.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        kind, lang, phrase = cols[0], cols[1], cols[2].replace("’", "'")
        if kind == "locative":
            cues.locative.setdefault(lang, []).append(phrase)
        elif kind == "person":
            cues.person.setdefault(lang, set()).add(phrase)
        elif kind == "org":
            cues.org.setdefault(lang, set()).add(phrase)
        elif kind == "literal":
            cues.literal.setdefault(lang, set()).add(phrase)
    for lang in cues.locative:
        cues.locative[lang].sort(key=len, reverse=True)
    return cues


@lru_cache(maxsize=1)
def load_institutions() -> dict[str, str]:
    """Folded institution name -> gazetteer id of its city (Kremlin -> Moscow)."""
    out = {}
    for line in (DATA_DIR / "geoparse_institutions.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        out[fold(cols[0])] = cols[1]
    return out


@lru_cache(maxsize=2)
def stop_words(lang: str) -> frozenset[str]:
    """Function words that are never place names on their own (spaCy's stop lists)."""
    if lang == "fr":
        from spacy.lang.fr.stop_words import STOP_WORDS
    else:
        from spacy.lang.en.stop_words import STOP_WORDS
    return frozenset(fold(w) for w in STOP_WORDS)


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
        if word.endswith(".") and not re.fullmatch(r"(?:St|Ste|Mt)\.", word):
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
            joined = (
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
    """The locative cues of ``lang``, then the French ones, indexed for :func:`_cue_before`."""
    cues = load_cues().locative
    return _index_cues(cues.get(lang, []) + (cues.get("fr", []) if lang != "fr" else []))


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
_COORDINATION = re.compile(r"^(?:\s*,\s*|\s+(?:et|ou|and|or)\s+)(?:(?:de|d'|à|in|near)\s*)?$")


def _strong_place(span: Span) -> bool:
    """A country, a division, or a big city matched by one of its names (not a typo)."""
    if not span.candidates:
        return False
    top = span.candidates[0]
    if top.match_kind == "fuzzy":
        return False
    return top.place.feature in ("country", "admin1", "continent", "region") or (
        top.place.population >= STRONG_POPULATION
    )


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
        Use spaCy's French model to reject person and organisation names (French only).
    """

    def __init__(self, gazetteer: Gazetteer, use_ner: bool = True) -> None:
        self.gaz = gazetteer
        self.use_ner = use_ner
        self._nlp = None
        self._nlp_lock = threading.Lock()

    @property
    def nlp(self):
        """spaCy's ``fr_core_news_md`` with only its tokenizer, tok2vec and NER, loaded once."""
        with self._nlp_lock:
            if self._nlp is None:
                import spacy

                self._nlp = spacy.load(
                    "fr_core_news_md",
                    exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"],
                )
            return self._nlp

    def entities(self, texts: list[str], lang: str) -> list[list[tuple[int, int, str]]]:
        """(start, end, label) of the named entities of each text (empty without NER)."""
        if not self.use_ner or lang != "fr":
            return [[] for _ in texts]
        return run_ner(self.nlp, texts)

    def recognize(
        self, text: str, lang: str, entities: list[tuple[int, int, str]] | None = None
    ) -> list[Span]:
        """Place-name spans of ``text``, sorted by position and never overlapping."""
        cues = load_cues()
        loc_cues = locative_cues(lang)
        person_cues = cues.person.get(lang, set()) | cues.person.get("fr", set())
        org_cues = cues.org.get(lang, set()) | cues.org.get("fr", set())
        literal_verbs = cues.literal.get(lang, set())
        stops = stop_words(lang if lang in ("fr", "en") else "en")
        institutions = load_institutions()
        gaz_lang = lang if lang in ("fr", "en") else None
        ents = entities or []
        spans: list[Span] = []
        headlines: dict[int, bool] = {}
        lower_words = {fold(w) for w in re.findall(r"(?<![\w'])[a-zà-ÿ][a-zà-ÿ\-]{2,}", text)}

        for group in _tokens(text):
            first = group[0]
            headline = _title_case_line(text, first.start, headlines)
            before = _word_before(text, first.start)
            if before in person_cues or before in org_cues:
                continue  # M. Lavrov, l'agence Anadolu: the whole group names a person or body
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
                    if phrase.isupper() and len(phrase) > 4:
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
                    allow_common = bool(locative) and not _sentence_initial(text, start)
                    cands = self.gaz.candidates(
                        phrase, lang=gaz_lang, limit=8, allow_common=allow_common, fuzzy=False
                    )
                    if cands:
                        found = (j, Span(start, end, phrase, cands, locative=locative))
                        break
                if found:
                    matches.append((i, found[0], found[1]))
                    i = found[0]
                else:
                    i += 1
            if not matches:
                continue
            if not headline:
                covered = {k for a, b, _ in matches for k in range(a, b)}
                strays = [
                    t for k, t in enumerate(group)
                    if k not in covered and (t.tight or (k + 1 < n and group[k + 1].tight))
                    and fold(t.text) not in stops and fold(t.text) not in _NEUTRAL
                ]  # fmt: skip
                if strays:
                    continue  # Vladimir Poutine, Ria Novosti: a name that contains a place name
                if any(b == a2 and group[a2].tight for _, b, _ in matches for a2, _, _ in matches):
                    continue  # Paris Hilton, Jack London: two names side by side make a person
            spans.extend(s for _, _, s in matches)

        _share_cues(spans, text)
        spans = self._apply_entities(spans, ents, text)
        spans.extend(self._fuzzy_spans(text, spans, ents, loc_cues, gaz_lang))
        spans.sort(key=lambda s: s.start)
        return spans

    @staticmethod
    def _apply_entities(
        spans: list[Span], ents: list[tuple[int, int, str]], text: str
    ) -> list[Span]:
        if not ents:
            return spans
        ents = sorted(ents)
        starts = [s for s, _, _ in ents]
        longest = max(e - s for s, e, _ in ents)
        kept = []
        for span in spans:
            drop = False
            # the entities that overlap the span or end right before it
            near = ents[
                bisect_left(starts, span.start - longest - 1) : bisect_left(starts, span.end)
            ]
            for s, e, label in near:
                if e <= span.start or s >= span.end:
                    continue
                inside = s <= span.start and span.end <= e
                longer = (e - s) > (span.end - span.start) + 1
                if label == "PER" and not span.institution:
                    if inside and (longer or not (span.locative or _strong_place(span))):
                        drop = True
                elif label == "ORG" and inside and longer and not span.institution:
                    ent_text = text[s:e]
                    # "la ville d'Alep" is no organisation; "Organisation ... en Europe" is
                    if not re.match(
                        r"(?i)(?:la |le |l')?(?:ville|région|province|bande)\b", ent_text
                    ):
                        drop = True
                elif label == "LOC":
                    span.confidence = max(span.confidence, 1.0)
            for s, e, label in near:
                # the model often ends an organisation's name right before its place part:
                # "[Organisation pour la sécurité et la coopération en] Europe"
                if label != "ORG" or not 0 <= span.start - e <= 1 or span.institution:
                    continue
                if re.search(r"(?i)\b(?:en|de|du|des|d'|pour)\s*$", text[s:e].replace("’", "'")):
                    drop = True
            if not drop:
                kept.append(span)
        return kept

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

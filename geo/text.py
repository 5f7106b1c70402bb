"""Text preparation: normalisation with an offset map, page furniture, paragraphs, sentences.

Every function here is pure. :func:`normalize` returns a :class:`NormalizedText` whose
``to_original`` maps any span of the cleaned text back to the text the user gave, so mentions
found on cleaned text are stored with offsets into ``Document.text``. Boilerplate lines and
repeated paragraphs are blanked with spaces (newlines kept), so they change no offset.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from geo.errors import ConfigError, DocumentError
from geo.lang import LANGUAGES as DECLARED
from geo.lang import SUPPORTED, Table, read_tsv

DATA_DIR = Path(__file__).parent / "data"
# rules and abbreviations of every language; each language's own are in its folder (geo/lang)
BOILERPLATE_FILE = DATA_DIR / "text_boilerplate.tsv"
ABBREVIATIONS_FILE = DATA_DIR / "text_abbreviations.tsv"

MAX_CHARS = 2_000_000
MAX_BAD_RATIO = 0.02
MIN_REPEAT_CHARS = 40
MIN_LANG_LETTERS = 12
MIN_LANG_CONFIDENCE = 0.5
# Languages told apart by detect_language: those the pipeline reads, and others met in conflict
# news, so that a document in one of them is reported in its language, not read as French.
_OTHER_LANGUAGES = ("de", "es", "it", "pt", "nl", "ar", "ru", "uk", "tr", "fa")
LANGUAGES = (*SUPPORTED, *(c for c in _OTHER_LANGUAGES if c not in SUPPORTED))

# Same-length replacements: offsets stay one to one.
_REPLACE = {
    "\u2019": "'",  # right single quotation mark, the usual typographic apostrophe
    "\u2018": "'",
    "\u02bc": "'",  # modifier letter apostrophe
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\t": " ",
    "\r": "\n",  # a lone CR (old Mac line end); CRLF loses its CR below
    "\u2028": "\n",
    "\u2029": "\n",
}
for _space in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000":
    _REPLACE[_space] = " "
# Invisible characters removed: zero-width, soft hyphen, byte-order mark, bidi controls.
_REMOVE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_SPECIAL = re.compile(
    "\r\n|[" + re.escape("".join(_REPLACE)) + "]|[" + _REMOVE + "]|\\w[" + _COMBINING + "]+"
)


@dataclass(frozen=True)
class Blank:
    """A span of the cleaned text blanked with spaces, and why."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class NormalizedText:
    """Cleaned text, the original it came from and the map between their offsets.

    The map is kept as anchors: from ``_clean[k]`` on, cleaned character ``i`` is original
    character ``_orig[k] + i - _clean[k]`` when ``_width[k]`` is 0, else the single cleaned
    character at ``_clean[k]`` stands for ``_width[k]`` original ones (a composed accent).
    """

    text: str
    original: str
    _clean: tuple[int, ...] = field(default=(0,), repr=False)
    _orig: tuple[int, ...] = field(default=(0,), repr=False)
    _width: tuple[int, ...] = field(default=(0,), repr=False)
    blanked: tuple[Blank, ...] = ()

    def _start(self, i: int) -> int:
        k = bisect_right(self._clean, i) - 1
        return self._orig[k] + (i - self._clean[k] if self._width[k] == 0 else 0)

    def _end(self, i: int) -> int:
        k = bisect_right(self._clean, i) - 1
        if self._width[k] == 0:
            return self._orig[k] + i - self._clean[k] + 1
        return self._orig[k] + self._width[k]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the span ``[start, end)`` of ``text`` to a span of ``original``.

        Parameters
        ----------
        start, end : int
            Offsets into the cleaned text, ``0 <= start <= end <= len(text)``.

        Returns
        -------
        tuple of int
            The original span; characters removed inside the span are included, those
            removed just before or after it are not.

        Examples
        --------
        >>> nt = normalize("a\\u200bb c")
        >>> nt.text, nt.to_original(0, 2), nt.to_original(3, 4)
        ('ab c', (0, 3), (4, 5))
        """
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span ({start}, {end}) outside the text of length {n}")
        if start == end:
            pos = self._start(start) if start < n else len(self.original)
            return pos, pos
        return self._start(start), self._end(end - 1)


class _MapBuilder:
    """Accumulates cleaned pieces and the anchors of their offset map."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.size = 0
        self.clean: list[int] = [0]
        self.orig: list[int] = [0]
        self.width: list[int] = [0]

    def _anchor(self, orig: int, width: int) -> None:
        if self.clean[-1] == self.size:  # nothing emitted since the last anchor
            self.orig[-1], self.width[-1] = orig, width
        else:
            self.clean.append(self.size)
            self.orig.append(orig)
            self.width.append(width)

    def same_length(self, orig: int, piece: str) -> None:
        if not piece:
            return
        shift_kept = self.width[-1] == 0 and self.orig[-1] - self.clean[-1] == orig - self.size
        if not shift_kept:
            self._anchor(orig, 0)
        self.pieces.append(piece)
        self.size += len(piece)

    def many_to_one(self, orig: int, width: int, char: str) -> None:
        self._anchor(orig, width)
        self.pieces.append(char)
        self.size += 1


def normalize(text: str) -> NormalizedText:
    """Clean quotes, apostrophes, spaces, invisible characters and line ends.

    Typographic apostrophes become ``'``, double quotes ``“ ” „`` become ``"`` (``« »`` stay),
    non-breaking, narrow and other spaces become a plain space, tabs a space, CRLF and lone CR
    become LF, zero-width characters, soft hyphens and bidi controls are removed, and a letter
    followed by combining accents is composed (NFC) when that gives one character.

    Parameters
    ----------
    text : str
        The original text.

    Returns
    -------
    NormalizedText
        The cleaned text with its map back to ``text``.

    Examples
    --------
    >>> normalize("l\\u2019armée\\u00a0»").text
    "l'armée »"
    """
    b = _MapBuilder()
    last = 0
    for m in _SPECIAL.finditer(text):
        b.same_length(last, text[last : m.start()])
        s = m.group()
        if s == "\r\n":
            b.same_length(m.start() + 1, "\n")
        elif s in _REPLACE:
            b.same_length(m.start(), _REPLACE[s])
        elif len(s) > 1:  # a letter and its combining marks
            composed = unicodedata.normalize("NFC", s)
            if len(composed) == 1:
                b.many_to_one(m.start(), len(s), composed)
            else:
                b.same_length(m.start(), composed if len(composed) == len(s) else s)
        last = m.end()  # a removed character emits nothing
    b.same_length(last, text[last:])
    return NormalizedText("".join(b.pieces), text, tuple(b.clean), tuple(b.orig), tuple(b.width))


_RUNS_OF_SPACE = re.compile(r"\s+")


def text_hash(text: str) -> str:
    """The sha256 of the normalised text, by which a store finds a text it already holds: the
    same article with other quotes, spaces or line breaks has the same hash.

    Example
    -------
    >>> text_hash("L\\u2019armée  a frappé.\\r\\n") == text_hash("L'armée a frappé.")
    True
    """
    key = _RUNS_OF_SPACE.sub(" ", normalize(text).text).strip()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _blank(nt: NormalizedText, spans: Sequence[tuple[int, int, str]]) -> NormalizedText:
    """Replace every character but newlines in ``spans`` with a space."""
    if not spans:
        return nt
    chars = list(nt.text)
    for start, end, _ in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    added = tuple(Blank(s, e, r) for s, e, r in spans)
    return replace(nt, text="".join(chars), blanked=nt.blanked + added)


# --- boilerplate -------------------------------------------------------------------------

KINDS = ("line", "prefix", "regex", "tail")
_BULLETS = "•·›>*-–— "
_TRAILERS = ":>›|-–— "


def _prefix_key(line: str) -> str:
    return " ".join(line.strip().lstrip(_BULLETS).split()).casefold()


def _line_key(line: str) -> str:
    return _prefix_key(line).rstrip(_TRAILERS)


@dataclass(frozen=True)
class BoilerplateRule:
    """One row of ``text_boilerplate.tsv``: a kind (see :data:`KINDS`) and its pattern.

    Raises
    ------
    ValueError
        On an unknown kind, an invalid regex or a tail pattern not ending with ``$``.
    """

    kind: str
    pattern: str
    lang: str = "*"
    comment: str = ""
    _key: str = field(init=False, compare=False, repr=False)
    _regex: re.Pattern[str] | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}, expected one of {KINDS}")
        if self.kind == "tail" and not self.pattern.endswith("$"):
            raise ValueError("a tail pattern must end with $")
        regex = None
        if self.kind in ("regex", "tail"):
            try:
                regex = re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"bad regex {self.pattern!r}: {exc}") from exc
        key = _line_key(self.pattern) if self.kind == "line" else _prefix_key(self.pattern)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_regex", regex)

    def match(self, line: str, _prefixed: str | None = None) -> int | None:
        """Where blanking starts in ``line`` (0: the whole line), or None if no match."""
        key = _prefix_key(line) if _prefixed is None else _prefixed
        if self.kind == "line":
            return 0 if key.rstrip(_TRAILERS) == self._key else None
        if self.kind == "prefix":
            if len(line) > 300 or not key.startswith(self._key):
                return None
            rest = key[len(self._key) :]
            return 0 if not rest or not rest[0].isalnum() else None
        assert self._regex is not None
        if self.kind == "regex":
            return 0 if self._regex.fullmatch(line.strip()) else None
        m = self._regex.search(line)
        if m is None:
            return None
        return m.start() if line[: m.start()].strip() else 0


def load_boilerplate(path: Path | str | None = None) -> tuple[BoilerplateRule, ...]:
    """Read boilerplate rules from a TSV file: a header ``kind pattern lang comment`` (``lang``
    may be left out), then one rule a row; ``#`` comments.

    When ``path`` is None, the rules of every declared language (``text_boilerplate.tsv`` in
    its folder of ``geo/lang``), then those of every language (:data:`BOILERPLATE_FILE`).

    Raises
    ------
    ConfigError
        On a short row, an unknown kind, an invalid regex or a tail pattern not ending in ``$``.
    """
    if path is None:
        return _default_boilerplate()
    return _load_boilerplate(str(path))


@lru_cache(maxsize=1)
def _default_boilerplate() -> tuple[BoilerplateRule, ...]:
    rules: list[BoilerplateRule] = []
    for code, lang in DECLARED.items():
        rules += _rules(lang.lexicon("text_boilerplate"), code)
    return (*rules, *_load_boilerplate(str(BOILERPLATE_FILE)))


@lru_cache(maxsize=8)
def _load_boilerplate(path: str) -> tuple[BoilerplateRule, ...]:
    return tuple(_rules(read_tsv(path, ("kind", "pattern")), "*"))


def _rules(table: Table, lang: str) -> list[BoilerplateRule]:
    """The rules of a table; ``lang`` for the rows that name no language."""
    at_lang = table.columns.index("lang") if "lang" in table.columns else None
    at_comment = table.columns.index("comment") if "comment" in table.columns else None
    rules = []
    for lineno, row in table.rows:
        if len(row) < 2 or not row[1]:
            raise ConfigError(
                f"{table.where(lineno)}: expected kind<TAB>pattern[<TAB>lang<TAB>comment]"
            )
        row_lang = row[at_lang] if at_lang is not None and len(row) > at_lang else ""
        comment = row[at_comment] if at_comment is not None and len(row) > at_comment else ""
        try:
            rules.append(BoilerplateRule(row[0], row[1], row_lang or lang, comment))
        except ValueError as exc:
            raise ConfigError(f"{table.where(lineno)}: {exc}") from exc
    return rules


def remove_boilerplate(
    nt: NormalizedText, rules: Sequence[BoilerplateRule] | None = None
) -> NormalizedText:
    """Blank page-furniture lines (search box, "Lire aussi", credits) and credit tails.

    Parameters
    ----------
    nt : NormalizedText
        Output of :func:`normalize`.
    rules : sequence of BoilerplateRule, optional
        Defaults to the reviewed rules of every language (:func:`load_boilerplate`).

    Returns
    -------
    NormalizedText
        Same length and offsets; each blanked span is listed in ``blanked``.

    Examples
    --------
    >>> remove_boilerplate(normalize("Rechercher\\nAlep.")).text
    '          \\nAlep.'
    """
    rules = load_boilerplate() if rules is None else rules
    spans = []
    pos = 0
    for line in nt.text.split("\n"):
        if line.strip():
            key = _prefix_key(line)
            for rule in rules:
                at = rule.match(line, key)
                if at is not None:
                    spans.append(
                        (pos + at, pos + len(line), f"boilerplate {rule.kind}: {rule.pattern}")
                    )
                    break
        pos += len(line) + 1
    return _blank(nt, spans)


# --- repeated paragraphs -----------------------------------------------------------------

_QUOTES = str.maketrans({"«": '"', "»": '"', "‹": '"', "›": '"'})
_ELLIPSIS_END = re.compile(r"(?:\.{3,}|…|\[(?:\.{3}|…)\]|\((?:\.{3}|…)\))$")


def _repeat_key(paragraph: str) -> str:
    key = "".join(paragraph.translate(_QUOTES).split())
    return _ELLIPSIS_END.sub("", key)


def blank_repeated_paragraphs(
    nt: NormalizedText, min_chars: int = MIN_REPEAT_CHARS
) -> NormalizedText:
    """Blank later copies of earlier paragraphs (a lead repeated at the foot of a page).

    A paragraph is a copy when, ignoring whitespace, the kind of quotes and a final ellipsis,
    it is an earlier paragraph, or the text that starts at an earlier paragraph and runs on
    over the next ones (a teaser of the lead). Paragraphs shorter than ``min_chars``
    non-space characters are never blanked.

    Examples
    --------
    >>> lead = "Les combats ont repris jeudi à Alep, selon une ONG syrienne."
    >>> blank_repeated_paragraphs(normalize(lead + "\\n\\nSuite.\\n\\n" + lead)).text.strip()
    'Les combats ont repris jeudi à Alep, selon une ONG syrienne.\\n\\nSuite.'
    """
    found = paragraphs(nt.text)
    keys = [_repeat_key(nt.text[start:end]) for start, end in found]
    offsets = [0]
    for key in keys:
        offsets.append(offsets[-1] + len(key))
    joined = "".join(keys)
    width = min(32, max(min_chars, 1))  # every key looked up is at least this long
    index: dict[str, list[int]] = {}
    spans = []
    for j, key in enumerate(keys):
        if len(key) >= max(min_chars, 1) and any(
            offsets[i] + len(key) <= offsets[j] and joined.startswith(key, offsets[i])
            for i in index.get(key[:width], ())
        ):
            spans.append((*found[j], "repeats an earlier paragraph"))
            continue  # a copy is no source for later copies
        index.setdefault(joined[offsets[j] : offsets[j] + width], []).append(j)
    return _blank(nt, spans)


def clean(text: str) -> NormalizedText:
    """Normalise ``text``, then blank boilerplate lines and repeated paragraphs."""
    return blank_repeated_paragraphs(remove_boilerplate(normalize(text)))


# --- paragraphs and sentences ------------------------------------------------------------

_BLANK_LINES = re.compile(r"\n[ \t\f\v]*\n\s*")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blocks between blank lines, or lines if no line is blank.

    Spans are trimmed of surrounding whitespace; whitespace-only blocks (such as blanked
    boilerplate) give no paragraph.

    Examples
    --------
    >>> paragraphs("Titre\\n\\n Un. Deux.\\n")
    [(0, 5), (8, 17)]
    """
    sep = _BLANK_LINES if _BLANK_LINES.search(text) else re.compile(r"\n")
    spans = []
    start = 0
    for m in [*sep.finditer(text), None]:
        end = m.start() if m else len(text)
        block = text[start:end]
        if block.strip():
            lead = len(block) - len(block.lstrip())
            spans.append((start + lead, start + len(block.rstrip())))
        if m:
            start = m.end()
    return spans


@lru_cache(maxsize=1)
def abbreviations(path: str | None = None) -> frozenset[str]:
    """Abbreviations (without their period) after which no sentence ends: those of ``path``
    (a TSV file whose header starts with ``abbr``), by default those of every declared language
    (``text_abbreviations.tsv`` in its folder of ``geo/lang``) and of every language
    (:data:`ABBREVIATIONS_FILE`)."""
    if path is not None:
        return frozenset(row[0] for row in read_tsv(path, ("abbr",)))
    tables = [lang.lexicon("text_abbreviations") for lang in DECLARED.values()]
    tables.append(read_tsv(ABBREVIATIONS_FILE, ("abbr",)))
    return frozenset(row[0] for table in tables for row in table)


_TERMINAL = re.compile(r"[.!?…]+")
_SPACES = re.compile(r"\s*")
_WORD_CHAR = re.compile(r"[^\W_]")
_INITIALS = re.compile(r"(?:[^\W\d_]\.-?)*[^\W\d_]")  # 'M', 'U.S', 'J.-C'; last one a capital
_OPENERS = '«"([—–-•'
_GUILLEMET = re.compile("[«»]")
_STRAIGHT = re.compile('"')


def _quote_regions(seg: str) -> tuple[list[int], list[int]]:
    """Opening offsets of quotations, sorted, and the furthest close of those opened so far."""
    regions, stack = [], []
    for m in _GUILLEMET.finditer(seg):
        if m.group() == "«":
            stack.append(m.start())
        elif stack:
            regions.append((stack.pop(), m.start()))
    straight = [m.start() for m in _STRAIGHT.finditer(seg)]
    if len(straight) % 2 == 0:
        regions += list(zip(straight[::2], straight[1::2], strict=True))
    regions.sort()
    reach, furthest = [], -1
    for _, close in regions:
        furthest = max(furthest, close)
        reach.append(furthest)
    return [open_ for open_, _ in regions], reach


def _inside_quote(regions: tuple[list[int], list[int]], at: int, end: int) -> bool:
    """Whether a quotation opened before ``at`` closes at or after ``end``."""
    opens, reach = regions
    k = bisect_right(opens, at - 1)
    return k > 0 and reach[k - 1] >= end


def _token_start(seg: str, at: int) -> int:
    return max(seg.rfind(" ", 0, at), seg.rfind("\n", 0, at)) + 1


def _starts_sentence(c: str) -> bool:
    return c.isupper() or c.isdigit() or c in _OPENERS


def _sentence_ends(seg: str) -> list[int]:
    """Offsets in ``seg`` (one paragraph) just after each sentence's last character."""
    abbrs = abbreviations()
    regions = _quote_regions(seg)
    ends = []
    for m in _TERMINAL.finditer(seg):
        end = m.end()
        while end < len(seg):  # closing quotes and brackets belong to the sentence
            if seg[end] in "\")]'»":
                end += 1
            elif seg[end] == " " and seg[end + 1 : end + 2] == "»":
                end += 2
            else:
                break
        nxt = _SPACES.match(seg, end).end()
        if nxt == len(seg) or nxt == end or not _starts_sentence(seg[nxt]):
            continue
        if not _WORD_CHAR.search(seg, ends[-1] if ends else 0, m.start()):
            continue  # nothing to end yet ('… Le texte reprend')
        if m.group() in ("...", "…") and m.start() and seg[m.start() - 1] in "([":
            continue  # '(…)' marks a cut inside a quotation
        if m.group() == ".":
            word = seg[_token_start(seg, m.start()) : m.start()].lstrip("«\"'([")
            if word in abbrs or (_INITIALS.fullmatch(word) and word[-1].isupper()):
                continue
        if _inside_quote(regions, m.start(), end):
            continue  # the quotation goes on after this sentence
        ends.append(end)
    return ends


def sentences(text: str) -> list[tuple[int, int]]:
    """Rule-based sentence spans for French and English news.

    Sentences never cross paragraphs (see :func:`paragraphs`); within one, a line break
    before a capital also ends a sentence (a headline above its text). A period does not end a
    sentence after an abbreviation of ``text_abbreviations.tsv``, an initial (``M.``,
    ``George W. Bush``, ``U.S.``) or inside a number; ``. ! ? …`` do not end one when the next
    word is lower-case (``« Pourquoi ? » a-t-il demandé``) nor inside a quotation that goes on
    (``« Un. Deux », a-t-il dit.`` is one sentence).

    Examples
    --------
    >>> t = "« Nous avançons. Lentement », a-t-il déclaré. M. Cavusoglu est parti."
    >>> [t[s:e] for s, e in sentences(t)]
    ['« Nous avançons. Lentement », a-t-il déclaré.', 'M. Cavusoglu est parti.']
    """
    return list(_sentences(text))


@lru_cache(maxsize=2)  # the statement and event stages split the same text: once
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for ps, pe in paragraphs(text):
        cuts = set()
        for line in re.finditer(r"\n\s*", text[ps:pe]):
            if _starts_sentence(text[ps + line.end()]):
                cuts.add(line.start())
        cuts.update(_sentence_ends(text[ps:pe]))
        start = ps
        for cut in sorted(cuts) + [pe - ps]:
            chunk = text[start : ps + cut]
            if chunk.strip():
                lead = len(chunk) - len(chunk.lstrip())
                spans.append((start + lead, start + len(chunk.rstrip())))
            start = ps + cut
    return tuple(spans)


# --- language ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _base_identifier() -> Any:  # py3langid's LanguageIdentifier, untyped
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> Any:
    import copy

    ident = copy.copy(_base_identifier())  # set_languages rebinds fields, shared model intact
    ident.set_languages(list(languages))
    return ident


def detect_language(
    text: str,
    languages: Sequence[str] = LANGUAGES,
    min_letters: int = MIN_LANG_LETTERS,
    min_confidence: float = MIN_LANG_CONFIDENCE,
) -> str | None:
    """ISO 639-1 code of the language of ``text``, offline and deterministic.

    Uses the naive Bayes model shipped with ``py3langid``, restricted to ``languages``; the
    first 20,000 characters are enough and keep it fast.

    Returns
    -------
    str or None
        ``"fr"``, ``"en"``, ... or None when the text has fewer than ``min_letters`` letters
        or the best language's probability is under ``min_confidence``.

    Examples
    --------
    >>> detect_language("La Turquie va intensifier ses contacts avec la Russie.")
    'fr'
    """
    sample = text[:20_000]
    if sum(c.isalpha() for c in sample) < min_letters:
        return None
    lang, confidence = _identifier(tuple(sorted(languages))).classify(sample)
    return lang if confidence >= min_confidence else None


# --- bad input ---------------------------------------------------------------------------

_BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")


def check_document_text(
    text: object,
    doc_id: str | None = None,
    max_chars: int = MAX_CHARS,
    max_bad_ratio: float = MAX_BAD_RATIO,
) -> None:
    """Raise if ``text`` cannot be processed as an article.

    Parameters
    ----------
    text : str
        The document's text.
    doc_id : str, optional
        Named in the error message.
    max_chars : int
        Longest text accepted.
    max_bad_ratio : float
        Largest share of control characters, NUL and U+FFFD (decoding failures) accepted.

    Raises
    ------
    DocumentError
        Text not a string, longer than ``max_chars``, empty or whitespace only, or binary
        garbage.

    Examples
    --------
    >>> check_document_text("   ", "d1")
    Traceback (most recent call last):
    ...
    geo.errors.DocumentError: document d1: empty text (whitespace only)
    """
    if not isinstance(text, str):
        raise DocumentError(doc_id, f"text must be a string, not {type(text).__name__}")
    if len(text) > max_chars:
        raise DocumentError(doc_id, f"text too long: {len(text):,} characters > {max_chars:,}")
    if not text.strip():
        raise DocumentError(doc_id, "empty text" + (" (whitespace only)" if text else ""))
    bad = len(_BAD_CHARS.findall(text))
    if bad / len(text) > max_bad_ratio:
        raise DocumentError(
            doc_id,
            f"looks binary or wrongly decoded: {bad} control or replacement characters "
            f"in {len(text)} ({bad / len(text):.0%})",
        )


__all__ = [
    "Blank",
    "BoilerplateRule",
    "NormalizedText",
    "abbreviations",
    "blank_repeated_paragraphs",
    "check_document_text",
    "clean",
    "detect_language",
    "load_boilerplate",
    "normalize",
    "paragraphs",
    "remove_boilerplate",
    "sentences",
    "text_hash",
]

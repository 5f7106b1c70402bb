"""Statements: quotations and reported speech, who said them, when and where.

French first, English too. The words come from three reviewed lexicons of each language
(``geo/lang/<code>/``): ``statements_verbs.tsv`` (verbs of saying and their forms),
``statements_roles.tsv`` (role nouns: ministre, porte-parole, ministère, agence...) and
``statements_cues.tsv`` (titles, pronouns, determiners, adjuncts, clause boundaries, venue
phrases); the patterns that put verbs in context are declared with the language
(:class:`geo.lang.Language`).

How it reads a document:

1. Quotations: « », " " (typographic quotes were normalised to ``"`` by :mod:`geo.text`), the
   outermost pair only, a quotation left open at the end of a paragraph continued by the next
   one that opens with a quote mark.
2. Attributions: verbs of saying (``a déclaré``, ``a-t-il précisé``, ``s'est dit``,
   ``préviennent-ils``, ``said``, ``told``) found outside quotations, each with its subject: the
   noun group after the verb when it follows a quotation or a clause (``« ... », a déclaré
   M. X``), else the noun group before it (``M. X a affirmé que``); ``selon X`` / ``according
   to X``; ``Pour X, « ... »``.
3. Each quotation takes the attribution right after it, else the nearest one before it in its
   sentence, else the nearest after it; a sentence made only of quotations may take the one of
   the next sentence; otherwise the last speaker of the same or the previous paragraph.
   ``X a affirmé que ...`` and ``..., a annoncé X`` without quotation marks give indirect
   statements whose quote is the reported clause.
4. Speakers: the full name when the article gives it (``M. Cavusoglu`` -> ``Mevlut
   Cavusoglu``, spelling slips of one letter allowed), pronouns -> the last speaker, ``le
   ministre turc`` -> the named person of that role, ``le ministère`` -> the ministry named
   before.
5. Where said: a place in the attribution clause after a venue (``lors d'une conférence de
   presse à Ankara``), after ``depuis``/``from``, or right after the verb or the speaker
   (``a déclaré M. X à Ankara``, ``said in Geneva``); kept for the same speaker's other
   statements of the same day.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from geo.errors import ConfigError
from geo.lang import DEFAULT, Table, fill, get_language, language
from geo.model import DateValue, Mention, Place, Statement
from geo.text import paragraphs, sentences

__all__ = ["extract_statements", "load_lexicon"]

log = logging.getLogger(__name__)

MIN_INDIRECT_WORDS = 3  # a reported clause shorter than this is no statement
MAX_NP_TOKENS = 16  # a speaker's noun group is never longer
BACK_WHERE_PARAGRAPHS = 2  # a later "where said" applies to statements at most this far before
_MASK = "\ue000"  # stands for each character inside a quotation in the masked text
_QUOTE_MARKS = '«»"'
_CUE_KINDS = {
    "source", "for", "title", "pronoun_sg", "pronoun_pl", "pronoun_none", "det", "adjunct",
    "boundary", "relative", "lead", "stop", "connector", "venue", "venue_prep", "place_prep",
    "naming", "clause_subject", "anaphor", "presence", "infinitive", "possessive", "genitive",
    "audience", "audience_prep", "medium", "copula", "function",
}  # fmt: skip
_ROLE_KINDS = {"person", "group", "org"}
_FLAGS = {"que", "incise", "refl", "obj", "noinv", "what"}


# --------------------------------------------------------------------------- folding


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table = {}
    for cp in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base != chr(cp) and base.isascii():
            table[cp] = base
    table.update({ord("’"): "'", ord("œ"): "o", ord("æ"): "a", ord("Œ"): "O", ord("Æ"): "A"})
    return table


def _fold(s: str) -> str:
    """Lower case without accents, one character for one (offsets stay valid)."""
    out = s.translate(_fold_table()).lower()
    return out if len(out) == len(s) else "".join(c.lower()[0] for c in s.translate(_fold_table()))


def _alt(phrases: Sequence[str]) -> str:
    """Regex alternation of phrases, longest first, spaces matching any run of spaces."""
    uniq = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in uniq) or "(?!)"


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _Role:
    phrase: str
    kind: str
    group: str | None

    @property
    def base(self) -> str:
        return self.phrase.split()[0]


@dataclass(frozen=True)
class Lexicon:
    """The compiled words of one language (see the module docstring)."""

    lang: str
    and_word: str  # joins several speakers: "MM. Erdogan et Poutine"
    genitive: str  # "bureau de X": the office of a speaker named before ("son bureau")
    flags: dict[str, frozenset[str]]  # folded verb form -> flags
    cues: dict[str, frozenset[str]]  # kind -> folded phrases
    roles: dict[str, _Role]  # folded phrase -> role
    events: tuple[tuple[str, re.Pattern[str]], ...]
    role_re: re.Pattern[str]
    source_re: re.Pattern[str]
    for_re: re.Pattern[str]
    adjuncts_re: re.Pattern[str]
    clause_re: re.Pattern[str]
    token_re: re.Pattern[str]
    venue_re: re.Pattern[str]
    venue_prep_re: re.Pattern[str]
    place_prep_re: re.Pattern[str]
    naming_re: re.Pattern[str]
    presence_re: re.Pattern[str]  # "en visite à", "arrived in": the speaker is at the place after
    infinitive_re: re.Pattern[str]  # an infinitive opening the reported words ("a dit vérifier")

    def has(self, kind: str, word: str) -> bool:
        return _fold(word) in self.cues.get(kind, ())


def _role_pattern(phrase: str) -> str:
    """Regex of a folded role phrase; ``*`` stands for up to two words."""
    out = ""
    for word in phrase.split():
        out += r"(?:\S+\s+){0,2}?" if word == "*" else re.escape(word) + r"\s+"
    return out[: -len(r"\s+")]


def _rows(table: Table) -> list[tuple[int, list[str]]]:
    """The rows of a lexicon, stripped; each fills the columns its header names (but comment)."""
    width = len(table.columns) - (table.columns[-1] == "comment")
    out = []
    for n, row in table.rows:
        cells = [c.strip() for c in row]
        if len(cells) < width or not all(cells[:width]):
            raise ConfigError(f"{table.where(n)}: expected at least {width} non-empty columns")
        out.append((n, cells))
    return out


def _forms(cell: str) -> list[str]:
    return [f.strip() for f in cell.split(",") if f.strip() and f.strip() != "-"]


@lru_cache(maxsize=8)
def load_lexicon(lang: str = DEFAULT) -> Lexicon:
    """Read and compile the statement lexicons of ``lang`` (a code of :data:`geo.lang.SUPPORTED`).

    Raises
    ------
    ConfigError
        On a language not declared in :mod:`geo.lang`, a malformed row, an unknown flag or
        kind, or a language without verbs.

    Example
    -------
    >>> "que" in load_lexicon("fr").flags["declare"]
    True
    """
    spec = language(lang, "statement extraction")
    verbs_table = spec.lexicon("statements_verbs")
    cues_table = spec.lexicon("statements_cues")
    roles_table = spec.lexicon("statements_roles")
    flags: dict[str, set[str]] = {}
    part: dict[str, list[str]] = {"plain": [], "refl": []}
    fin: dict[str, list[str]] = {"plain": [], "refl": []}
    ger: list[str] = []
    for n, row in _rows(verbs_table):
        fl = set(_forms(row[3]))
        if fl - _FLAGS:
            raise ConfigError(f"{verbs_table.where(n)}: unknown flag {sorted(fl - _FLAGS)}")
        key = "refl" if "refl" in fl else "plain"
        for form in _forms(row[0]) + _forms(row[1]) + _forms(row[2]):
            flags.setdefault(_fold(form), set()).update(fl)
        part[key] += _forms(row[0])
        fin[key] += _forms(row[1])
        ger += _forms(row[2])
    if not part["plain"]:
        raise ConfigError(f"{verbs_table.path}: no verbs for language {lang!r}")
    cues: dict[str, set[str]] = {}
    for n, row in _rows(cues_table):
        if row[0] not in _CUE_KINDS:
            raise ConfigError(f"{cues_table.where(n)}: unknown kind {row[0]!r}")
        cues.setdefault(row[0], set()).add(row[1])
    roles = {}
    for n, row in _rows(roles_table):
        if row[1] not in _ROLE_KINDS:
            raise ConfigError(f"{roles_table.where(n)}: unknown kind {row[1]!r}")
        roles[_fold(row[0])] = _Role(_fold(row[0]), row[1], None if row[2] == "-" else row[2])

    def c(kind: str) -> list[str]:
        return sorted(cues.get(kind, ()))

    pron = _alt(c("pronoun_sg") + c("pronoun_pl") + c("pronoun_none"))
    # a place right after the verb: "a estimé jeudi à Paris que", "said in Geneva that"
    at_place = r"(?:à|au|en|in|at)\s+(?-i:[A-ZÀ-ÖØ-Þ][\w'-]*)(?:\s+(?-i:[A-ZÀ-ÖØ-Þ][\w'-]*))?"
    suffixes = [p[1:] for p in c("adjunct") if p.startswith("*")]  # "*ment": any adverb in -ment
    words_adj = _alt([p for p in c("adjunct") if not p.startswith("*")])
    # a day's number before a month ("jeudi 12 mars"), not a number of people ("said 30 of")
    adj = words_adj + rf"|\d{{1,4}}(?:er)?(?=\s+(?:{words_adj})(?![\w-])|\s*[,.;:])|" + at_place
    adj += "".join(rf"|[^\W\d_]{{3,}}{re.escape(x)}(?![\w-])" for x in suffixes)
    # the audience: "à l'agence Anadolu", "à l'agence de presse Associated Press", "à Xinhua"
    cap = r"(?-i:[A-Z][\w'&.-]*)"
    adj += rf"|(?:{_alt(c('audience'))})(?:\s+{cap}){{1,4}}"
    adj += rf"|(?:{_alt(c('audience_prep'))})\s+(?:{_alt(c('medium'))})(?![\w-])"
    adjs = rf"(?:\s+(?:{adj}))*"
    b, e = r"(?<![\w-])", r"(?![\w-])"
    p_part, p_fin, p_ger = _alt(part["plain"]), _alt(fin["plain"]), _alt(ger)
    r_part, r_fin = _alt(part["refl"]), _alt(fin["refl"])
    words = {"b": b, "e": e, "adjs": adjs, "pron": pron, "p_part": p_part, "p_fin": p_fin}
    words |= {"p_ger": p_ger, "r_part": r_part, "r_fin": r_fin}
    words |= {name: fill(piece, words) for name, piece in spec.saying_pieces.items()}
    events = [(kind, fill(template, words)) for kind, template in spec.saying_patterns]
    clause = fill(spec.reported_clause, words)
    role_alt = "|".join(_role_pattern(p) for p in sorted(roles, key=lambda p: (-len(p), p)))
    titles = sorted(cues.get("title", ()), key=len, reverse=True)
    token = "|".join(re.escape(t) for t in titles if t.endswith("."))
    token = (token + "|" if token else "") + r"[^\W\d_]+'s(?!\w)|[^\W\d_]+'|\w+(?:[-']\w+)*|\S"
    return Lexicon(
        lang=lang,
        and_word=spec.and_word,
        genitive=min(cues.get("genitive", {"of"})),
        flags={k: frozenset(v) for k, v in flags.items()},
        cues={k: frozenset(_fold(p) for p in v) for k, v in cues.items()},
        roles=roles,
        events=tuple((k, re.compile(p, re.IGNORECASE)) for k, p in events),
        role_re=re.compile(rf"(?<![\w-])(?:{role_alt})(?![\w-])"),
        source_re=re.compile(rf"{b}(?:{_alt(c('source'))})\s+", re.IGNORECASE),
        for_re=re.compile(rf"^(?:(?:{_alt(c('lead'))})\s+)?(?:{_alt(c('for'))})\s+", re.I),
        adjuncts_re=re.compile(adjs, re.IGNORECASE),
        clause_re=re.compile(clause, re.IGNORECASE),
        token_re=re.compile(token),
        venue_re=re.compile(rf"{b}(?:{_alt(c('venue'))}){e}", re.IGNORECASE),
        venue_prep_re=re.compile(rf"{b}(?:{_alt(c('venue_prep'))})\s+$", re.IGNORECASE),
        place_prep_re=re.compile(
            rf"{b}(?:{_alt(c('place_prep'))})\s+(?:(?:{_alt(c('det'))})\s*)?$", re.IGNORECASE
        ),
        naming_re=re.compile(rf"{b}(?:{_alt(c('naming'))})\s*(?:[:,]\s*)?$", re.IGNORECASE),
        presence_re=re.compile(rf"{b}(?:{_alt(c('presence'))})\s+", re.IGNORECASE),
        infinitive_re=re.compile(
            rf"\s+(?:(?:{_alt(c('adjunct'))})\s+)*(?!(?:{_alt(c('adjunct'))})(?![\w-]))"
            rf"(?-i:[a-zà-ÿ]{{2,}}(?:{_alt(c('infinitive'))}))(?=\s+[\w'])",
            re.IGNORECASE,
        ),
    )


# --------------------------------------------------------------------------- quotations


@dataclass(frozen=True)
class _Quote:
    """A top-level quotation: its inner spans (several when continued over paragraphs)."""

    open: int  # offset of the opening mark
    close: int  # offset just after the closing mark (paragraph end when left open)
    parts: tuple[tuple[int, int], ...]
    closed: bool = True

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    def text(self, text: str) -> str:
        return " ".join(" ".join(text[s:e].split()) for s, e in self.parts)


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _scan_paragraph(text: str, ps: int, pe: int) -> list[_Quote]:
    """Outermost quotations of one paragraph; the last may be left open."""
    out: list[_Quote] = []
    stack: list[tuple[str, int]] = []

    def close(open_at: int, at: int) -> None:
        s, e = _strip_span(text, open_at + 1, at)
        while e > s and text[e - 1] in ",;:":  # '"We are close," he said'
            e -= 1
        out.append(_Quote(open_at, at + 1, (_strip_span(text, s, e),)))

    for i in range(ps, pe):
        c = text[i]
        if c not in _QUOTE_MARKS:
            continue
        prev = text[i - 1] if i > ps else " "
        nxt = text[i + 1] if i + 1 < pe else " "
        if c == "«":
            stack.append(("g", i))
        elif c == "»":
            if any(kind == "g" for kind, _ in stack):
                while stack:
                    kind, at = stack.pop()
                    if kind == "g":
                        break
                if not stack:
                    close(at, i)
            elif not stack and nxt.isalnum() and (prev.isspace() or prev == "'"):
                stack.append(("g", i))  # a » typed for « ("d' »accélérer")
        else:  # straight quote
            can_open = not nxt.isspace() and (prev.isspace() or prev in "([{'«—–-:/")
            can_close = not prev.isspace() or nxt.isspace() or nxt in ".,;:!?)»"
            if stack and stack[-1][0] == "s" and (can_close or not can_open):
                _, at = stack.pop()
                if not stack:
                    close(at, i)
            elif can_open:
                stack.append(("s", i))
    if stack and stack[0][0] == "g" or len(stack) == 1:
        at = stack[0][1]
        out.append(_Quote(at, pe, (_strip_span(text, at + 1, pe),), closed=False))
    return out


def _find_quotes(text: str) -> list[_Quote]:
    """Outermost quotations, a quotation left open continued by the next paragraph's."""
    out: list[_Quote] = []
    for ps, pe in paragraphs(text):
        found = _scan_paragraph(text, ps, pe)
        if out and not out[-1].closed and found and found[0].open == ps:
            last, first = out.pop(), found.pop(0)
            found.insert(0, _Quote(last.open, first.close, last.parts + first.parts, first.closed))
        out += found
    return [q for q in out if any(c.isalnum() for s, e in q.parts for c in text[s:e])]


def _mask(text: str, quotes: Sequence[_Quote]) -> str:
    """The text with every character inside a quotation replaced by a mask character."""
    chars = list(text)
    for q in quotes:
        for s, e in q.parts:
            chars[s:e] = _MASK * (e - s)
    return "".join(chars)


# --------------------------------------------------------------------------- noun groups


@dataclass
class _Event:
    """An attribution found outside quotations."""

    start: int
    end: int
    kind: str  # inv, aux, fin, ger (verbs), source, for
    sent: int
    flags: frozenset[str] = frozenset()
    pron: str | None = None
    inverted: bool = False
    np: tuple[int, int] | None = None
    appos: tuple[int, int] | None = None
    clause: tuple[int, int] | None = None
    resolved: bool = False
    speaker: str | None = None
    role: str | None = None
    plural: bool = False
    where: Place | None = None
    parent: _Event | None = None  # a gerund's main verb ("a confirmé ..., indiquant que")


def _tokens(lx: Lexicon, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [
        (m.start() + start, m.end() + start, m.group())
        for m in lx.token_re.finditer(text[start:end])
    ]


def _is_cap(tok: str) -> bool:
    if tok[:1].isupper():
        return True
    head, _, rest = tok.partition("-")
    return bool(rest[:1].isupper()) and head.lower() in (
        "al",
        "el",
        "ben",
        "bin",
        "abu",
        "abou",
        "ibn",
    )


def _np_after(
    lx: Lexicon, masked: str, pos: int, end: int, loose: bool = False
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """The noun group starting at ``pos`` (an inverted subject, a source), with its apposition.

    ``loose`` accepts a group without determiner ("according to local officials").
    """
    toks = _tokens(lx, masked, pos, end)
    if not toks:
        return None
    first = toks[0][2]
    if (
        not (
            (loose and first[0].isalpha())
            or _is_cap(first)
            or lx.has("det", first)
            or lx.has("title", first)
            or lx.has("pronoun_sg", first)
            or lx.has("pronoun_pl", first)
            or lx.role_re.match(_fold(masked[toks[0][0] : toks[-1][1]]))
        )
        or lx.has("stop", first)
        and not _is_cap(first)
    ):
        return None
    if first[0] == _MASK:
        return None
    if lx.has("pronoun_sg", first) or lx.has("pronoun_pl", first):
        return (toks[0][0], toks[0][1]), None
    base = toks[0][0]
    role_spans = [
        (base + m.start(), base + m.end())
        for m in lx.role_re.finditer(_fold(masked[base : toks[-1][1]]))
    ]
    i, seen_name, last = 0, False, None
    while i < len(toks) and i < MAX_NP_TOKENS:
        s, e, t = toks[i]
        in_role = any(rs <= s and e <= re_ for rs, re_ in role_spans)
        if t == "(":  # "(HCR)"
            j = next((k for k in range(i, min(i + 6, len(toks))) if toks[k][2] == ")"), None)
            if j is None:
                break
            last, i = toks[j][1], j + 1
            continue
        if not (t[0].isalnum() or t.endswith("'") or (len(t) > 1 and lx.has("title", t))):
            break
        if i and lx.has("stop", t) and not _is_cap(t):
            break
        if in_role:
            pass
        elif _is_cap(t) or lx.has("title", t):
            seen_name = True
        elif seen_name and not (
            lx.has("connector", t) and any(_is_cap(x[2]) for x in toks[i + 1 : i + 3])
        ):
            # "le Haut Commissariat des Nations unies pour les réfugiés (HCR)": a name that
            # goes on in lower case up to its acronym
            k = next((k for k in range(i, min(i + 8, len(toks))) if toks[k][2] == "("), None)
            if (
                k is not None
                and k + 2 < len(toks)
                and toks[k + 2][2] == ")"
                and toks[k + 1][2].isupper()
                and all(x[2][0].isalpha() or x[2] == "'" for x in toks[i:k])
            ):
                last, i = toks[k + 2][1], k + 3
                continue
            break  # a name ends at a lower-case word other than a particle ("al-", "de")
        last = e
        i += 1
    if last is None:
        return None
    appos = None
    rest = masked[last:end]
    m = re.match(r",\s+", rest)
    if m:
        after = _np_after(lx, masked, last + m.end(), end)
        if (
            after
            and masked[after[0][1] : after[0][1] + 1] in (",", ".", "", ";")
            or (after and after[0][1] == end)
        ):
            s_a, e_a = after[0]
            a_text = masked[s_a:e_a]
            a_first = a_text.split()[0] if a_text.split() else ""
            is_role = _starts_with_role(lx, a_text)
            role_np = _starts_with_role(lx, masked[toks[0][0] : last])
            if is_role or (
                (not seen_name or role_np) and (_is_cap(a_first) or lx.has("title", a_first))
            ):  # "une porte-parole du HCR, Dalia Amri"
                appos = (s_a, e_a)
    return (toks[0][0], last), appos


def _strip_det(lx: Lexicon, s: str) -> str:
    words = s.split(None, 1)
    if not words:
        return s
    w = words[0]
    if w.endswith("'") and lx.has("det", w):
        return s[len(w) :].lstrip()
    if "'" in w and lx.has("det", w[: w.index("'") + 1]):
        return s[w.index("'") + 1 :]
    if lx.has("det", w) and len(words) > 1:
        return words[1]
    return s


def _np_before(
    lx: Lexicon, masked: str, start: int, pos: int
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """The subject noun group ending at ``pos`` (before a verb), with its apposition."""
    toks = _tokens(lx, masked, start, pos)
    while toks and (lx.has("relative", toks[-1][2]) or toks[-1][2] == ","):
        if toks[-1][2] == ",":
            break
        toks.pop()
    appos = None
    if toks and toks[-1][2] == ",":  # "X, apposition, a déclaré"
        toks.pop()
        j = len(toks) - 1
        depth = 0
        while j >= 0 and toks[j][2][0] not in _QUOTE_MARKS + _MASK:
            t = toks[j][2]
            if t == ")":  # "X, député de Y (sud), a indiqué"
                depth += 1
            elif t == "(" and depth:
                depth -= 1
            elif depth == 0 and t in (",", ";", ":", "(", ")"):
                break
            j -= 1
        if j >= 0 and toks[j][2] == ",":
            appos = (toks[j + 1][0], toks[-1][1]) if j + 1 < len(toks) else None
            toks = toks[:j]
            k = len(toks)
            while k > 0 and toks[k - 1][2] != ",":
                k -= 1
            if k and _AGE.fullmatch(" ".join(t[2] for t in toks[k:])):  # "X, 41 ans, habitant"
                toks = toks[: k - 1]
        else:
            return None
    # the clause: back to punctuation or a clause word
    k = len(toks)
    depth = 0
    while k > 0:
        t = toks[k - 1][2]
        if t == ")":
            depth += 1
        elif t == "(":
            depth -= 1
        elif depth == 0 and (
            t in (",", ";", ":", ".", "!", "?", "—", "–")
            or t[0] in _QUOTE_MARKS + _MASK
            or lx.has("boundary", t)
            or lx.has("relative", t)
        ):
            break
        k -= 1
    np = toks[k:][-MAX_NP_TOKENS:]
    while np and (lx.has("lead", np[0][2]) and not _is_cap(np[0][2]) or np[0][2] in "-–—"):
        np = np[1:]
    if np and np[0][2].lower() in ("et", "and", "mais", "but"):
        np = np[1:]
    while len(np) > 1 and lx.has("adjunct", np[-1][2]) and not _is_cap(np[-1][2]):
        np = np[:-1]  # "officials also said", "the officials earlier announced"
    if not np:
        return None
    if len(np) > 2 and lx.has("lead", np[-1][2]) and not _is_cap(np[-1][2]):
        # "X est arrivé lundi à Nairobi et a qualifié": the subject of the first verb
        first = _np_after(lx, masked, np[0][0], np[-1][0])
        if first:
            return first
    dateline = _DATELINE.match(masked, np[0][0], np[-1][1])  # "ISTANBUL (Reuters) - L'armée"
    if dateline:
        np = [t for t in np if t[0] >= dateline.end()]
        if not np:
            return None
    if appos and not _appos_ok(lx, masked, appos):
        appos = None
    return (np[0][0], np[-1][1]), appos


def _starts_with_role(lx: Lexicon, s: str) -> bool:
    """Whether a role noun opens ``s``, after a determiner and up to two modifiers."""
    folded = _fold(_strip_det(lx, s))
    m = lx.role_re.search(folded)
    return (
        m is not None and len(folded[: m.start()].split()) <= 2 and "," not in folded[: m.start()]
    )


def _appos_ok(lx: Lexicon, masked: str, span: tuple[int, int]) -> bool:
    a_text = masked[span[0] : span[1]].strip()
    if not a_text or _MASK in a_text:
        return False
    first = a_text.split()[0]
    return _is_cap(first) or lx.has("title", first) or _starts_with_role(lx, a_text)


# --------------------------------------------------------------------------- names


def _osa1(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by at most one edit or one transposition."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


def _name_key(name: str) -> str:
    last = _fold(name.split()[-1]) if name.split() else ""
    return re.sub(r"^(?:al|el)-", "", last)


class _Names:
    """Person names of a document: spans, and the full form of each surname."""

    def __init__(
        self,
        lx: Lexicon,
        text: str,
        masked: str,
        mentions: Sequence[Mention],
        ents: list[tuple[int, int, str]] | None,
    ):
        self.lx = lx
        self.spans: list[tuple[int, int, str]] = []  # person name spans, titles stripped
        self.mentions = mentions
        self._sorted_mentions = sorted(mentions, key=lambda m: m.start)
        self._mention_starts = [m.start for m in self._sorted_mentions]
        self._longest_mention = max((m.end - m.start for m in mentions), default=0)
        self.other: list[tuple[int, int]] = [(m.start, m.end) for m in mentions]
        if ents is not None:
            self.other += [(s, e) for s, e, label in ents if label not in ("PER", "PERSON")]
            for s, e, label in ents:
                if label in ("PER", "PERSON") and _MASK not in masked[s:e]:
                    self._add(text, s, e)
        self._title_names(text, masked)
        if ents is None:
            self._capitalised(text, masked)
        self.spans.sort()
        self._starts = [s for s, _, _ in self.spans]
        self.full_forms: dict[str, list[tuple[int, int, str]]] = {}
        for s, _, name in self.spans:
            self.full_forms.setdefault(_name_key(name), []).append((-len(name.split()), s, name))

    def _add(self, text: str, s: int, e: int) -> None:
        toks = _tokens(self.lx, text, s, e)
        while toks and (
            self.lx.has("title", toks[0][2])
            or self.lx.has("det", toks[0][2])
            or self.lx.has("stop", toks[0][2])
        ):
            toks.pop(0)
        while toks and not toks[-1][2][0].isalnum():
            toks.pop()
        if toks and _is_cap(toks[0][2]):
            self.spans.append(
                (toks[0][0], toks[-1][1], " ".join(text[toks[0][0] : toks[-1][1]].split()))
            )

    def _cap_runs(self, text: str, masked: str):
        """Runs of capitalised tokens (with name particles), outside quotations."""
        toks = _tokens(self.lx, masked, 0, len(masked))
        i = 0
        while i < len(toks):
            if not (_is_cap(toks[i][2]) and toks[i][2][0].isalpha()) or self.lx.has(
                "title", toks[i][2]
            ):
                i += 1
                continue
            j = i + 1
            while j < len(toks):
                t = toks[j][2]
                if _is_cap(t) and t[0].isalpha() and not self.lx.has("title", t):
                    j += 1
                elif (
                    self.lx.has("connector", t)
                    and j + 1 < len(toks)
                    and _is_cap(toks[j + 1][2])
                    and toks[j][1] + 1 >= toks[j + 1][0]
                ):
                    j += 2
                else:
                    break
            yield i, j, toks
            i = j

    def _title_names(self, text: str, masked: str) -> None:
        for i, j, toks in self._cap_runs(text, masked):
            titled = i > 0 and self.lx.has("title", toks[i - 1][2])
            if titled and not any(s <= toks[i][0] < e for s, e, _ in self.spans):
                self._add(text, toks[i][0], toks[j - 1][1])

    def _capitalised(self, text: str, masked: str) -> None:
        for i, j, toks in self._cap_runs(text, masked):
            # drop leading roles and words before them ("Russian Foreign Minister Sergei Lavrov")
            k = i
            for m in range(i, j):
                if self.lx.role_re.fullmatch(_fold(toks[m][2])) or self.lx.has("det", toks[m][2]):
                    k = m + 1
            if j - k < 2 and not (k > 0 and self.lx.has("title", toks[k - 1][2])):
                continue
            s, e = toks[k][0], toks[j - 1][1]
            if any(os < e and s < oe for os, oe in self.other):
                continue
            self._add(text, s, e)

    def last_before(self, pos: int) -> tuple[int, int, str] | None:
        """The last person name that ends before ``pos``."""
        for i in range(bisect.bisect_left(self._starts, pos) - 1, -1, -1):
            if self.spans[i][1] <= pos:
                return self.spans[i]
        return None

    def on_place(self, s: int, e: int) -> bool:
        """Whether [s, e) overlaps a place mention."""
        i = bisect.bisect_left(self._mention_starts, s - self._longest_mention)
        while i < len(self._mention_starts) and self._mention_starts[i] < e:
            m = self._sorted_mentions[i]
            if s < m.end:
                return True
            i += 1
        return False

    def in_span(self, s: int, e: int) -> list[tuple[int, int, str]]:
        i = bisect.bisect_left(self._starts, s)
        out = []
        while i < len(self.spans) and self.spans[i][0] < e:
            if self.spans[i][1] <= e:
                out.append(self.spans[i])
            i += 1
        return out

    def full(self, name: str) -> str:
        """The longest form of this person's name in the document (one slip of spelling allowed)."""
        key = _name_key(name)
        cands = list(self.full_forms.get(key, ()))
        if len(key) >= 6:
            for other, forms in self.full_forms.items():
                if other != key and len(other) >= 6 and _osa1(key, other):
                    cands += forms
        n = len(name.split())
        best = min((c for c in cands if -c[0] >= n), default=None)
        return best[2] if best else name


# --------------------------------------------------------------------------- speakers


@dataclass
class _Said:
    pos: int
    para: int
    speaker: str
    plural: bool
    person: bool


def _same_word(a: str, b: str) -> bool:
    """Same word up to gender and number endings ("turc"/"turque", "syrien"/"syrienne")."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return min(len(a), len(b)) >= 3 and n >= min(len(a), len(b)) - 1


class _Speakers:
    """Who speaks: names, roles and pronouns resolved against the document so far."""

    def __init__(
        self,
        lx: Lexicon,
        text: str,
        masked: str,
        names: _Names,
        para_starts: list[int],
        sent_starts: list[int] | None = None,
    ):
        self.lx, self.text, self.masked, self.names = lx, text, masked, names
        self.para_starts = para_starts
        self.sent_starts = sent_starts or [0]
        self.history: list[_Said] = []
        # (speaker, is a person, folded description) -> sorted positions, for role coreference
        self.descs: dict[tuple[str, bool, str], list[int]] = {}
        self._scan_roles()

    def _role(self, matched: str) -> _Role | None:
        return _role_of(self.lx.lang, matched)

    def _scan_roles(self) -> None:
        """Roles written next to a person's name anywhere: "le chef de la diplomatie russe Sergueï Lavrov"."""
        for s, e, name in self.names.spans:
            full = self.names.full(name)
            before = self.masked[max(0, s - 120) : s]
            cut = max(before.rfind(c) for c in ',.;:()«»"\n' + _MASK)
            clause = _fold(before[cut + 1 :])
            m = _last_match(self.lx.role_re, clause)
            if m and not re.search(r"(?:\b(?:du|des|de|of)|')\s*$", clause[: m.start()]):
                self._describe(s, full, True, clause[m.start() :].strip())
            after = re.match(r",\s+([^,.;:()«»\"\n" + _MASK + r"]{3,120})", self.masked[e:])
            if after:
                desc = _fold(_strip_det(self.lx, after.group(1)))
                if self.lx.role_re.match(desc):
                    self._describe(s, full, True, desc.strip())

    def pronoun(self, word: str, pos: int) -> tuple[str | None, bool]:
        plural = self.lx.has("pronoun_pl", word)
        if self.lx.has("pronoun_none", word):
            return None, False
        recent: list[_Said] = []  # the last three speakers before pos
        for h in reversed(self.history):
            if h.pos < pos:
                recent.insert(0, h)
                if len(recent) == 3:
                    break
        para = bisect.bisect_right(self.para_starts, pos) - 1
        named = self.names.last_before(pos)
        if not plural and named and (not recent or recent[-1].para < para - 1):
            return self.names.full(named[2]), False  # no recent speaker: the last person named
        if not plural and named and (not recent or recent[-1].pos < named[0]):
            # "X est arrivé à Y et a salué ces négociations, qu'il a qualifiées de « ... »": a
            # person named in the main clause of the pronoun's sentence, after the last speaker
            ss = self.sent_starts[max(0, bisect.bisect_right(self.sent_starts, pos) - 1)]
            head = self.masked[ss : named[0]]
            if named[0] >= ss and not any(
                self.lx.has("boundary", w) or w in ",;:" for w in _words(head)
            ):
                return self.names.full(named[2]), False
        if not recent:
            return None, plural
        pick = recent[-1]
        agree = [h for h in recent if h.plural == plural]
        if agree:
            pick = agree[-1]
        return pick.speaker, plural

    def resolve(self, ev: _Event) -> None:
        """Set the speaker, its role and number on an event from its subject."""
        ev.resolved = True
        lx = self.lx
        if ev.pron:
            ev.speaker, ev.plural = self.pronoun(ev.pron, ev.start)
            return
        if ev.np is None:
            return
        s, e = ev.np
        np_text = " ".join(self.text[s:e].split())
        words = np_text.split()
        if len(words) == 1 and (
            lx.has("pronoun_sg", words[0])
            or lx.has("pronoun_pl", words[0])
            or lx.has("pronoun_none", words[0])
        ):
            ev.speaker, ev.plural = self.pronoun(words[0], ev.start)
            return
        appos_text = " ".join(self.text[ev.appos[0] : ev.appos[1]].split()) if ev.appos else None
        names = self.names.in_span(s, e)
        head = None
        if names:
            raw = self.text[s : names[0][0]]
            before = _fold(raw)
            after = self.text[names[-1][1] : e].strip(" ,")
            before_words = [
                w
                for w in _tokens(lx, raw, 0, len(raw))
                if w[2][0].isalnum() and not (lx.has("det", w[2]) or lx.has("title", w[2]))
            ]
            m = _last_match(lx.role_re, before)
            genitive = re.search(r"(?:\b(?:du|des|de|of)|\bd')$", before.rstrip()) or (
                m is not None and re.search(r"(?:\b(?:du|des|de|of)|')\s*$", before[: m.start()])
            )
            joined = all(
                re.fullmatch(
                    r"\s*(?:,|et|and|&|,\s*et)?\s*(?:\w+\s+)?", _fold(self.text[a[1] : b[0]])
                )
                for a, b in zip(names, names[1:], strict=False)
            )
            if (
                not after
                and joined
                and not genitive
                and (
                    not before_words
                    or (m and m.start() <= before_words[0][0] + 1)
                    # "regional governor Oleh Synehubov", "Hamas official Basem Naim"
                    or (m and not before[m.end() :].strip() and len(before_words) <= 4)
                )
            ):
                fulls = [self.names.full(n) for _, _, n in names]
                ev.speaker = f" {lx.and_word} ".join(dict.fromkeys(fulls))
                ev.plural = len(fulls) > 1
                role = _strip_det(lx, " ".join(self.text[s : names[0][0]].split()))
                role = role if m else None
                if appos_text and _starts_with_role(lx, appos_text):
                    role = role or _strip_det(lx, appos_text)
                ev.role = role or None
                self._remember(ev, person=True)
                return
        if appos_text:
            a_names = self.names.in_span(*ev.appos)
            if a_names and a_names[0][0] - ev.appos[0] <= 4:
                ev.speaker = self.names.full(a_names[0][2])
                desc = _strip_det(lx, np_text)
                ev.role = desc if lx.role_re.match(_fold(desc)) else None
                self._remember(ev, person=True)
                return
        head = _strip_det(lx, np_text)
        hw = head.split()
        if hw and lx.has("title", hw[0]):  # "M. Kalin", "MM. Erdogan et Poutine"
            ev.speaker = self.names.full(" ".join(hw[1:]) or head)
            ev.plural = _fold(hw[0]) in ("mm.", "mmes")
            self._remember(ev, person=True)
            return
        on_place = self.names.on_place(s, e)
        capitalised = 0 < len(hw) <= 3 and all(_is_cap(w) for w in hw)
        if capitalised and not on_place and not lx.role_re.match(_fold(head)):
            ev.speaker = self.names.full(head)  # "Lavrov said", "Cavusoglu a dit"
            self._remember(ev, person=ev.speaker != head)
            return
        if lx.has("anaphor", words[0]) or (len(hw) > 1 and lx.has("anaphor", hw[0])):
            ref = self._anaphor(hw, ev.start)  # "cette source", "la même source"
            if ref:
                ev.speaker, ev.plural = ref.speaker, ref.plural
                self._remember(ev, person=ref.person)
                return
        fold = _fold(head)
        m = lx.role_re.match(fold)
        role = self._role(m.group()) if m else None
        definite = _fold(words[0]) in (
            "le",
            "la",
            "l'",
            "the",
            "son",
            "sa",
            "his",
            "her",
            "its",
        ) or _fold(words[0]).startswith("l'")
        ev.plural = (
            _fold(words[0]) in ("les", "des", "ces", "leurs", "ses", "mm.", "these", "their")
            or (role is not None and role.kind == "group")
            or words[0].isdigit()
        )
        if role and definite and not ev.plural:
            ref = self._corefer(fold, m.group(), role, s)
            if ref:
                ev.speaker = ref
                ev.role = head if role.kind == "person" else None
                self._remember(ev, person=role.kind == "person", desc=fold)
                return
        ev.speaker = head or None
        if role and lx.has("possessive", words[0]) and not ev.plural and len(hw) <= 3:
            owner = next((h for h in reversed(self.history) if h.pos < s and not h.plural), None)
            if owner is not None:  # "a indiqué son bureau": the office of the last speaker
                ev.speaker = f"{head} {lx.genitive} {owner.speaker}"
        ev.role = head if role and role.kind == "person" else None
        if appos_text and _starts_with_role(lx, appos_text):
            ev.role = _strip_det(lx, appos_text)
        self._remember(ev, person=bool(role and role.kind == "person"), desc=fold)

    def _anaphor(self, words: list[str], pos: int) -> _Said | None:
        """The speaker that "cette source", "la même ONG", "this official" refers back to: the
        last one named with that role word, else the last one of the same kind (person, body)."""
        while words and self.lx.has("anaphor", words[0]):
            words = words[1:]
        m = self.lx.role_re.match(_fold(" ".join(words)))
        role = self._role(m.group()) if m else None
        if role is None:
            return None
        before = [h for h in self.history if h.pos < pos]
        base = role.base
        for h in reversed(before):
            if re.search(rf"(?<![\w-]){re.escape(base)}(?![\w-])", _fold(h.speaker)):
                return h
        for h in reversed(before[-3:]):
            if role.group == "source" or (h.person == (role.kind == "person") and not h.plural):
                return h  # "selon la même source": whoever was the source before
        return None

    def _remember(self, ev: _Event, person: bool, desc: str | None = None) -> None:
        if not ev.speaker:
            return
        parts = [desc or "", _fold(ev.role or ""), _fold(ev.speaker)]
        self._describe(ev.start, ev.speaker, person, " ".join(p for p in parts if p))

    def _describe(self, pos: int, speaker: str, person: bool, desc: str) -> None:
        bisect.insort(self.descs.setdefault((speaker, person, desc), []), pos)

    def _corefer(self, fold: str, matched: str, role: _Role, pos: int) -> str | None:
        """The named person or body that a definite role noun group refers to."""
        lx = self.lx
        role_words = set(matched.split())
        mods = [
            w
            for w in re.findall(r"[\w-]+'?", fold)
            if w not in role_words
            and not lx.has("function", w)
            and not lx.has("det", w)
            and not lx.has("anaphor", w)
        ]
        best, best_key = None, None
        for (speaker, person, desc), positions in self.descs.items():
            k = bisect.bisect_left(positions, pos)
            if not k or person != (role.kind == "person"):
                continue
            p = positions[k - 1]  # the latest description before the role noun group
            ok = False
            for m in lx.role_re.finditer(desc):
                r = self._role(m.group())
                if r and ((role.group and r.group == role.group) or r.base == role.base):
                    ok = True
                    break
            if not ok:
                continue
            dwords = re.findall(r"[\w-]+", desc)
            hits = sum(any(_same_word(w, d) for d in dwords) for w in mods)
            if person and hits < len(mods):
                continue
            key = (hits, p)
            if best_key is None or key > best_key:
                best, best_key = speaker, key
        if best is None and role.kind == "person" and not mods:
            for h in reversed(self.history):
                if h.pos < pos and h.person and not h.plural:
                    return h.speaker
        return best


def _words(s: str) -> list[str]:
    return re.findall(r"[\w-]+'?|[,;:]", s)


def _last_match(pattern: re.Pattern[str], s: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(s):  # noqa: B007 - the last one is wanted
        pass
    return found


@lru_cache(maxsize=4096)
def _role_of(lang: str, matched: str) -> _Role | None:
    lx = load_lexicon(lang)
    for phrase in sorted(lx.roles, key=lambda p: (-len(p), p)):
        if re.fullmatch(_role_pattern(phrase), matched):
            return lx.roles[phrase]
    return None


# --------------------------------------------------------------------------- attributions

_NEG_BEFORE = re.compile(r"(?:\bn'|\bne\s+|\bnot\s+|n't\s+|\bnever\s+)$", re.IGNORECASE)
_PASSIVE_BEFORE = re.compile(
    r"(?:\b(?:été|être|était|étaient|est|sont|was|were|been|be|being|is|are)\s+)$", re.IGNORECASE
)
_NOUN_BEFORE = re.compile(
    r"(?:\b(?:le|la|les|un|une|des|du|de|sa|son|ses|leur|leurs|cette|ce|ces|à|en|sans|pour|par|sur|"
    r"the|a|an|his|her|its|their|this|these|of|to|for)\s+|\b[ld]'"
    r"|\b\d+(?:st|nd|rd|th|e|ème)?\s+)$",  # "the 40th confirmed death", "12 confirmed cases"
    re.IGNORECASE,
)
_CLAUSE_TRIM = " \n,;:.!?…—–-"
_DATELINE = re.compile(
    r"(?-i:[A-ZÀ-Þ][A-ZÀ-Þ .'/-]+)(?:,\s*[\w .'-]+)?\s*\([^)]{1,40}\)\s*[-–—]\s*"
)
_AGE = re.compile(r"(?:\d{1,3}\s+ans|(?:aged\s+)?\d{1,3}(?:\s+years?\s+old)?)", re.IGNORECASE)


def _find_events(
    lx: Lexicon, masked: str, sent_starts: list[int], sents: list[tuple[int, int]]
) -> list[_Event]:
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in lx.events:
        for m in pattern.finditer(masked):
            found.append((m.start(), m.end(), kind, m))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    events: list[_Event] = []
    last_end = -1
    for s, e, kind, m in found:
        if s < last_end:
            continue
        before = masked[max(0, s - 12) : s]
        if _NEG_BEFORE.search(before):
            continue
        if kind in ("fin", "ger") and (
            _PASSIVE_BEFORE.search(before) or kind == "fin" and _NOUN_BEFORE.search(before)
        ):
            continue
        i = bisect.bisect_right(sent_starts, s) - 1
        if i < 0 or s >= sents[i][1]:
            continue
        if m.group("v")[:1].isupper() and masked[sents[i][0] : m.start("v")].strip():
            continue  # a capital inside a sentence: a name ("the United States Department")
        verb = _fold(" ".join(m.group("v").split()))
        pron = m.groupdict().get("pron")
        events.append(_Event(s, e, kind, i, lx.flags.get(verb, frozenset()), pron))
        last_end = e
    for m in lx.source_re.finditer(masked):
        rest = _fold(masked[m.end() : m.end() + 12])
        if re.match(r"(?:lequel|laquelle|lesquel|que\b|qu'|les cas|which|whom)", rest):
            continue
        i = bisect.bisect_right(sent_starts, m.start()) - 1
        if (
            i >= 0
            and m.start() < sents[i][1]
            and not any(ev.start <= m.start() < ev.end for ev in events)
        ):
            events.append(_Event(m.start(), m.end(), "source", i))
    for i, (ss, se) in enumerate(sents):
        m = lx.for_re.match(masked, ss, se)
        if m:
            events.append(_Event(ss, m.end(), "for", i))
    events.sort(key=lambda ev: ev.start)
    return events


def _speakerlike(lx: Lexicon, masked: str, span: tuple[int, int]) -> bool:
    """Whether a noun group can name a speaker: a name, a title, a role, a pronoun, a number."""
    words = masked[span[0] : span[1]].split()
    return bool(
        lx.role_re.search(_fold(masked[span[0] : span[1]]))
        or any(_is_cap(w) or w[0].isdigit() or lx.has("title", w) for w in words)
        or any(lx.has("pronoun_sg", w) or lx.has("pronoun_pl", w) for w in words[:1])
    )


def _after_adjuncts(lx: Lexicon, masked: str, pos: int) -> int:
    m = lx.adjuncts_re.match(masked, pos)
    return m.end() if m else pos


def _analyse(
    lx: Lexicon, ev: _Event, masked: str, sent: tuple[int, int], prev: _Event | None
) -> bool:
    """Find the subject and the reported clause of an event; False when it attributes nothing."""
    ss, se = sent
    before = masked[ss : ev.start].rstrip()
    if ev.kind in ("source", "for"):
        found = _np_after(lx, masked, ev.end, se, loose=ev.kind == "source")
        if not found:
            return False
        ev.np, ev.appos = found
        ev.inverted = True
        np_end = (ev.appos or ev.np)[1]
        after = masked[np_end:se]
        if ev.kind == "for":
            np_fold = _fold(masked[ev.np[0] : ev.np[1]])
            has_cue = lx.role_re.search(np_fold) or any(
                _is_cap(w) for w in masked[ev.np[0] : ev.np[1]].split()
            )
            return bool(has_cue and re.match(r"\s*,\s*[«\"]", after))
        lead_only = all(lx.has("lead", w) for w in before.split())
        comma = re.match(r"\s*,\s*", after)
        if lead_only and comma:
            ev.clause = (np_end + comma.end(), se)
        elif before.endswith(",") and re.fullmatch(r"[\s.!?…]*", after):
            ev.clause = (ss, ss + len(before) - 1)
        elif before.endswith(",") and (
            tail := re.fullmatch(
                r"(\s+[^,;:()" + _QUOTE_MARKS + _MASK + r"]{2,80}?)[\s.!?…]*", after
            )
        ):  # "..., selon une source au sein de la police locale."
            ev.np = (ev.np[0], np_end + tail.end(1))
            ev.appos = None
            ev.clause = (ss, ss + len(before) - 1)
        return True
    if ev.kind == "ger":
        if prev is None or prev.sent != ev.sent:
            return False
        ev.parent = prev
    elif ev.pron:
        ev.inverted = True
    else:
        incise = not before or before[-1] in ",—–" + _QUOTE_MARKS + _MASK
        found = None
        if incise and "noinv" not in ev.flags:
            found = _np_after(lx, masked, _after_adjuncts(lx, masked, ev.end), se)
            if found and lx.clause_re.match(masked, (found[1] or found[0])[1]):
                found = None
            after_quote = re.search(rf"[{_QUOTE_MARKS}{_MASK}]\s*,?$", before)
            if found and not after_quote and not _speakerlike(lx, masked, found[0]):
                found = None  # "X, speaking in Geneva, said the fighting must stop"
        if found:
            ev.np, ev.appos = found
            ev.inverted = True
        else:
            low = prev.end if prev is not None and prev.sent == ev.sent else ss
            found = _np_before(lx, masked, max(ss, low), ev.start)
            if not found:
                return False
            np_words = masked[found[0][0] : found[0][1]].split()
            if any(lx.has("copula", w) for w in np_words) or all(
                lx.has("adjunct", w) for w in np_words
            ):
                return False  # "there have been 12 confirmed", "it was only reported": no subject
            if ev.kind == "fin" and not _speakerlike(lx, masked, found[0]):
                return False  # "all of which came from the eastern states of": a noun, no verb
            ev.np, ev.appos = found
    if "incise" in ev.flags and not ev.inverted:
        return False
    pos = _after_adjuncts(lx, masked, ev.end)
    if ev.inverted:
        if before.endswith(","):
            ev.clause = (ss, ss + len(before) - 1)
    elif "que" in ev.flags:
        if "obj" in ev.flags:  # "told reporters in Kyiv that"
            obj = _np_after(lx, masked, re.match(r"\s*", masked[pos:]).end() + pos, se, loose=True)
            if obj:
                pos = _after_adjuncts(lx, masked, (obj[1] or obj[0])[1])
        m = lx.clause_re.match(masked, pos)
        if m:
            ev.clause = (m.end(), se)
        elif lx.cues.get("clause_subject"):  # a clause without "that": "said it would"
            nxt = re.match(r"\s+([\w']+)", masked[pos:se])
            if (
                nxt
                and (
                    _is_cap(nxt.group(1))
                    or lx.has("det", nxt.group(1))
                    or nxt.group(1).lower() in lx.cues["clause_subject"]
                    or nxt.group(1)[0].isdigit()  # "said 30 fighters had surrendered"
                    or not (lx.has("stop", nxt.group(1)) or lx.has("boundary", nxt.group(1)))
                    and nxt.group(1)[0].isalpha()  # "said heavy gunfire could be heard"
                )
                and len(masked[pos:se].split()) >= 4
            ):
                ev.clause = (pos + nxt.start(1), se)
        if (
            ev.clause is None
            and ev.np
            and re.fullmatch(r"[\s.!?…]*", masked[pos:se])
            and re.search(r",\s*$", masked[ss : ev.np[0]])
        ):  # "Missiles struck Kharkiv, killing four, the governor said on Tuesday."
            ev.clause = (ss, ss + masked[ss : ev.np[0]].rstrip().rfind(","))
        if ev.clause is None:  # "l'armée a dit vérifier ces faits"
            m = lx.infinitive_re.match(masked, pos, se)
            if m and not lx.has("adjunct", m.group().split()[-1]):
                ev.clause = (m.end() - len(m.group().split()[-1]), se)
    if ev.clause is None and not ev.inverted and "what" in ev.flags:
        # "a fait état de raids aériens", "a annoncé la mort d'un soldat": the object
        nxt = re.match(r"\s+(?:(?:de|of)\s+|d')?([\w'])", masked[pos:se], re.IGNORECASE)
        if nxt and (lx.has("det", masked[pos + nxt.start(1) :].split()[0]) or nxt.group().strip()):
            ev.clause = (pos + nxt.start(1), se)
    return True


def _attribution_span(
    ev: _Event, masked: str, sent: tuple[int, int], quote_after: int
) -> tuple[int, int]:
    """The words that say who spoke, when and where (not the reported words)."""
    ss, se = sent
    if ev.inverted or ev.pron or ev.kind in ("ger", "source", "for"):
        end = ev.clause[0] if ev.clause and ev.clause[0] > ev.start else se
        return ev.start, max(ev.end, min(end, quote_after))
    end = ev.clause[0] if ev.clause else se
    start = ev.np[0] if ev.np else ss
    if re.fullmatch(r"[^,]*,\s*", masked[ss:start]):  # "Parlant à Belgrade, X a affirmé"
        start = ss
    return start, max(ev.end, min(end, quote_after))


def _where(
    lx: Lexicon,
    ev: _Event,
    masked: str,
    sent: tuple[int, int],
    mentions: Sequence[Mention],
    m_starts: list[int],
    first_quote_after: int,
) -> Place | None:
    """The place the attribution clause says the speaker spoke from."""
    span = _attribution_span(ev, masked, sent, first_quote_after)
    verb_end = _after_adjuncts(lx, masked, ev.end)
    if "obj" in ev.flags:  # "told reporters in Geneva"
        obj = _np_after(lx, masked, verb_end, span[1], loose=True)
        verb_end = _after_adjuncts(lx, masked, obj[0][1]) if obj else verb_end
    np_end = (ev.appos or ev.np)[1] if ev.np and ev.inverted else None
    i = bisect.bisect_left(m_starts, span[0])
    while i < len(mentions) and mentions[i].start < span[1]:
        m = mentions[i]
        i += 1
        if m.place is None or m.role == "metonymic" or _MASK in masked[m.start : m.end]:
            continue
        if lx.has("medium", masked[m.start : m.end]):  # "ont indiqué à Xinhua": an audience
            continue
        if any(span and span[0] <= m.start < span[1] for span in (ev.np, ev.appos)):
            continue  # "X, le maire de Y en Colombie, a dit": who X is, not where X spoke
        head = masked[span[0] : m.start]
        if m.start > ev.start and lx.venue_prep_re.search(head):
            return m.place
        prep = lx.place_prep_re.search(head)
        if not prep:
            continue
        at = span[0] + prep.start()
        gap_ok = any(
            p is not None and re.fullmatch(r"[\s,]*", masked[p:at]) is not None
            for p in (verb_end, np_end)
        )
        venue = lx.venue_re.search(masked, max(span[0], at - 100), at)
        if gap_ok or venue:
            return m.place
    return None


# --------------------------------------------------------------------------- the stage


_NLP: dict[str, Any] = {}


def _entities(text: str, lang: str, nlp: Any) -> list[tuple[int, int, str]] | None:
    """Named entities from the language's spaCy NER when it declares ``speaker_ner``, or None
    to fall back on capitalisation."""
    spec = get_language(lang)
    if nlp is None and spec is not None and spec.speaker_ner and spec.ner_model:
        if lang not in _NLP:
            try:
                import spacy

                _NLP[lang] = spacy.load(spec.ner_model, exclude=list(spec.ner_exclude))
            except (ImportError, OSError) as exc:
                log.warning(
                    "statements: %s unavailable (%s); names found by capitalisation",
                    spec.ner_model,
                    exc,
                )
                _NLP[lang] = None
        nlp = _NLP[lang]
    if nlp is None:
        return None
    from geo.recognize import run_ner

    return run_ner(nlp, [text])[0]


def _is_naming(lx: Lexicon, masked: str, text: str, q: _Quote) -> bool:
    """A quotation that names something (an operation, a slogan), not words someone said."""
    if lx.naming_re.search(masked[max(0, q.open - 30) : q.open]):
        return True
    words = q.text(text).split()
    return (
        0 < len(words) <= 4
        and all(_is_cap(w) or lx.has("function", w) for w in words)
        and _is_cap(words[0])
    )


def _coverage(quotes: Sequence[_Quote], s: int, e: int) -> float:
    inside = sum(min(qe, e) - max(qs, s) for q in quotes for qs, qe in q.parts if qs < e and s < qe)
    return inside / max(1, e - s)


def extract_statements(
    text: str,
    mentions: Sequence[Mention],
    *,
    lang: str = DEFAULT,
    dates: Sequence[Any] | None = None,
    nlp: Any = None,
    entities: Sequence[tuple[int, int, str]] | None = None,
) -> list[Statement]:
    """Quotations and reported speech of an article, with speaker, role, date and place.

    Parameters
    ----------
    text : str
        The cleaned text (``geo.text.clean(original).text``), which ``mentions`` index.
    mentions : sequence of Mention
        Resolved place mentions of ``text``: the places inside a quotation and the place a
        statement was made are taken from them.
    lang : str
        A language code of :data:`geo.lang.SUPPORTED`.
    dates : sequence of DateMention, optional
        ``geo.dates.find_dates(text, published, lang)``; when None, the dates of the text are
        found without a publication date (relative dates stay unresolved).
    nlp : spacy.Language, optional
        A loaded pipeline with ``ner``; when None, the language's ``ner_model`` is loaded once
        (NER only) if the language declares ``speaker_ner`` (French), else names come from
        capitalisation (English).
    entities : sequence of (start, end, label), optional
        Named entities of ``text`` already found (the geoparser's): used instead of running
        ``nlp`` again.

    Returns
    -------
    list of Statement
        In text order. Direct quotations have ``indirect=False`` and the words between the
        quote marks; reported speech (``X a annoncé que ...``, ``selon X, ...``) has
        ``indirect=True`` and the reported clause.

    Example
    -------
    >>> t = "« Nous avançons », a déclaré jeudi le ministre turc Mevlut Cavusoglu."
    >>> s = extract_statements(t, [], nlp=False)[0]
    >>> s.quote, s.speaker, s.speaker_role
    ('Nous avançons', 'Mevlut Cavusoglu', 'ministre turc')
    """
    lx = load_lexicon(lang)
    if not text.strip():
        return []
    quotes = _find_quotes(text)
    masked = _mask(text, quotes)
    quotes = [q for q in quotes if not _is_naming(lx, masked, text, q)]
    sents = sentences(text)
    sent_starts = [s for s, _ in sents]
    paras = paragraphs(text)
    para_starts = [s for s, _ in paras]
    if entities is not None:
        ents = list(entities)
    else:
        ents = None if nlp is False else _entities(text, lang, nlp)
    names = _Names(lx, text, masked, mentions, ents)
    speakers = _Speakers(lx, text, masked, names, para_starts, sent_starts)
    placed = sorted((m for m in mentions if m.place is not None), key=lambda m: m.start)
    m_starts = [m.start for m in placed]
    dates = _find_dates(text, lang) if dates is None else list(dates)

    def para_of(pos: int) -> int:
        return bisect.bisect_right(para_starts, pos) - 1

    # events by sentence, analysed in order (a gerund takes the subject of the verb before it)
    by_sent: dict[int, list[_Event]] = {}
    prev = None
    for ev in _find_events(lx, masked, sent_starts, sents):
        if _analyse(lx, ev, masked, sents[ev.sent], prev):
            by_sent.setdefault(ev.sent, []).append(ev)
            if ev.kind != "ger":
                prev = ev
    q_by_sent: dict[int, list[_Quote]] = {}
    for q in quotes:
        i = bisect.bisect_right(sent_starts, q.open) - 1
        q_by_sent.setdefault(max(i, 0), []).append(q)
    q_opens = [q.open for q in quotes]

    def first_quote_after(pos: int) -> int:
        i = bisect.bisect_left(q_opens, pos)
        return quotes[i].open if i < len(quotes) else len(text)

    def ready(ev: _Event) -> _Event:
        if not ev.resolved and ev.parent is not None:
            parent = ready(ev.parent)
            ev.resolved = True
            ev.speaker, ev.role, ev.plural, ev.where = (
                parent.speaker,
                parent.role,
                parent.plural,
                parent.where,
            )
        if not ev.resolved:
            speakers.resolve(ev)
            ev.where = _where(
                lx, ev, masked, sents[ev.sent], placed, m_starts, first_quote_after(ev.end)
            )
        return ev

    def direct_next(q: _Quote, evs: list[_Event]) -> _Event | None:
        for ev in evs:
            if ev.start < q.close:
                continue
            if ev.parent is not None or ev.kind == "for":
                return None
            gap_end = ev.start if ev.inverted or ev.np is None else ev.np[0]
            if gap_end < q.close:
                return None
            gap = masked[q.close : gap_end]
            if not any(c.isalnum() for c in gap.replace(_MASK, "")):
                return ev
            return None
        return None

    out: list[tuple[Statement, str | None, int]] = []  # statement, speaker key, paragraph

    def emit(
        ev: _Event | None,
        s: int,
        e: int,
        quote: str,
        indirect: bool,
        sent_i: int,
        speaker: str | None = None,
    ) -> None:
        role = where = None
        plural = False
        if ev is not None:
            ready(ev)
            speaker, role, where, plural = ev.speaker, ev.role, ev.where, ev.plural
        places = tuple(
            dict.fromkeys(
                m.place
                for m in placed[bisect.bisect_left(m_starts, s) : bisect.bisect_left(m_starts, e)]
                if m.end <= e and m.place
            )
        )
        date = None
        if ev is not None and dates:
            from geo.dates import date_for_span

            span = _attribution_span(ev, masked, sents[ev.sent], first_quote_after(ev.end))
            date = date_for_span(dates, span[0], span[1], text)
        st = Statement(
            quote=quote, start=s, end=e, speaker=speaker, speaker_role=role, indirect=indirect,
            date=date or DateValue(None), where_said=where, places=places,
        )  # fmt: skip
        out.append((st, _fold(speaker) if speaker else None, para_of(s)))
        if speaker and ev is None:
            speakers.history.append(_Said(s, para_of(s), speaker, plural, True))

    for i in range(len(sents)):
        evs = by_sent.get(i, [])
        for ev in evs:  # every speaker is a referent for the pronouns that follow
            ready(ev)
            if ev.speaker:
                person = bool(ev.role or names.in_span(*(ev.np or (0, 0))))
                speakers.history.append(
                    _Said(ev.start, para_of(ev.start), ev.speaker, ev.plural, person)
                )
        qs = q_by_sent.get(i, [])
        items: list[tuple[int, _Event | None, _Quote | None]] = []
        for ev in evs:
            if ev.clause:
                items.append((ev.clause[0], ev, None))
        for q in qs:
            items.append((q.open, None, q))
        items.sort(key=lambda t: t[0])
        for _, ev, q in items:
            if q is None:
                assert ev is not None and ev.clause is not None
                cs, ce = ev.clause
                if ce <= ev.start and any(
                    o is not ev and o.np and not o.inverted and cs <= o.np[0] < ce for o in evs
                ):  # "Dimanche, le président, X avait évoqué ... : « ... », avait-il dit"
                    continue
                if ce <= ev.start:  # "A, a indiqué X, ainsi que B, selon Y": Y's words are B
                    cs = max(
                        [cs]
                        + [
                            (o.appos or o.np or (o.start, o.end))[1]
                            for o in evs
                            if o is not ev
                            and (o.inverted or o.kind == "source")
                            and cs < o.start
                            and (o.appos or o.np or (o.start, o.end))[1] <= ce
                        ]
                    )
                nxt = [
                    o.start
                    for o in evs
                    if o.start > cs and o is not ev and (o.inverted or o.kind in ("ger", "source"))
                ]
                nxt += [  # "... après que M. X eut affirmé que": X's words, not these
                    o.np[0]
                    for o in evs
                    if o is not ev and o.np and not o.inverted and cs < o.np[0] < ce
                ]
                ce = min([ce, *nxt])
                while ce > cs and masked[ce - 1] in _CLAUSE_TRIM:
                    ce -= 1
                while cs < ce and masked[cs] in _CLAUSE_TRIM:
                    cs += 1
                dateline = _DATELINE.match(masked, cs, ce)  # "KYIV (Reuters) - "
                cs = dateline.end() if dateline else cs
                if (
                    len(text[cs:ce].split()) < MIN_INDIRECT_WORDS
                    or _coverage(quotes, cs, ce) >= 0.5
                ):
                    continue
                emit(ev, cs, ce, " ".join(text[cs:ce].split()), True, i)
                continue
            chosen = direct_next(q, evs)
            j = bisect.bisect_right(sent_starts, q.close - 1) - 1
            if chosen is None and j != i:  # a quotation continued over paragraphs
                chosen = direct_next(q, by_sent.get(j, []))
            if chosen is None:
                before = [o for o in evs if o.end <= q.open]
                after = [o for o in evs if o.start >= q.close]
                chosen = before[-1] if before else (after[0] if after else None)
            if chosen is None and not any(
                c.isalnum() for c in masked[sents[i][0] : sents[i][1]].replace(_MASK, "")
            ):
                j = i + 1
                if j < len(sents) and para_of(sents[j][0]) == para_of(q.open) and q_by_sent.get(j):
                    chosen = direct_next(q_by_sent[j][0], by_sent.get(j, []))
            if chosen is not None:
                emit(chosen, q.start, q.end, q.text(text), False, i)
                continue
            last = speakers.history[-1] if speakers.history else None
            if last is not None and last.para >= para_of(q.open) - 1:
                emit(None, q.start, q.end, q.text(text), False, i, speaker=last.speaker)
            else:
                emit(None, q.start, q.end, q.text(text), False, i)
    out = _situate(lx, text, masked, out, placed, m_starts, names, sents, para_starts)
    return _carry(out, paras)


def _find_dates(text: str, lang: str) -> list[Any]:
    try:
        from geo.dates import find_dates
    except ImportError:
        return []
    return find_dates(text, None, lang)


def _place_at(
    lx: Lexicon, masked: str, pos: int, placed: Sequence[Mention], m_starts: list[int]
) -> Mention | None:
    """The place mention that starts at ``pos`` (after a determiner), if any."""
    det = re.match(rf"(?:(?:{_alt(sorted(lx.cues.get('det', ())))})\s*)?", masked[pos:], re.I)
    at = pos + (det.end() if det else 0)
    i = bisect.bisect_left(m_starts, pos)
    while i < len(placed) and placed[i].start <= at:
        m = placed[i]
        if m.start in (pos, at) and m.role != "metonymic":
            return m
        i += 1
    return None


def _situate(
    lx: Lexicon,
    text: str,
    masked: str,
    out: list[tuple[Statement, str | None, int]],
    placed: Sequence[Mention],
    m_starts: list[int],
    names: _Names,
    sents: Sequence[tuple[int, int]],
    para_starts: list[int],
) -> list[tuple[Statement, str | None, int]]:
    """Where and by whom, from the rest of the article, for statements that lack them.

    - A quotation without speaker said again later by a named speaker ("« Plus de temps à
      perdre » – envoyé US", then "« plus de temps à perdre », a déclaré X") is that speaker's.
    - A person's presence at a place ("X, en visite à Kiev", "la visite à Beyrouth de X", "X
      est arrivé à Nairobi", "X, on a visit to Kyiv") is where X's statements were made when
      the article puts X at no other place.
    - A paragraph that opens on a place ("À Gandja, des journalistes ont vu ...", "In Kharkiv,
      ...") is where the statements of that paragraph were made, when they say no place.
    """
    if not out:
        return out
    # quotations said again
    for k, (st, _key, para) in enumerate(out):
        if st.speaker or st.indirect or len(st.quote.split()) < 2:
            continue
        q = _fold(" ".join(st.quote.split())).strip(" .,;:!?…")
        for st2, key2, _ in out:
            if st2 is not st and st2.speaker and q in _fold(" ".join(st2.quote.split())):
                st = replace(
                    st,
                    speaker=st2.speaker,
                    speaker_role=st2.speaker_role,
                    where_said=st.where_said or st2.where_said,
                )
                out[k] = (st, key2, para)
                break
    # presence of a person at a place
    where_of: dict[str, set[Place]] = {}
    for m in lx.presence_re.finditer(masked):
        place = _place_at(lx, masked, m.end(), placed, m_starts)
        if place is None or place.place is None:
            continue
        si = bisect.bisect_right([a for a, _ in sents], m.start()) - 1
        ss, se = sents[max(si, 0)]
        after = re.match(r"\s*(?:de\s+|d'|of\s+)", masked[place.end : se])
        person = None
        if after:  # "la visite à Beyrouth d'Amos Hochstein"
            found = names.in_span(place.end + after.end(), se)
            if found and found[0][0] == place.end + after.end():
                person = found[0]
        if person is None:  # "X, en visite à Kiev", "X est arrivé à Nairobi"
            before = names.in_span(ss, m.start())
            person = before[0] if before else None
        if person is not None:
            where_of.setdefault(_name_key(names.full(person[2])), set()).add(place.place)
    # paragraphs that open on a place
    frame: dict[int, tuple[int, Place]] = {}
    for ss, _ in sents:
        para = bisect.bisect_right(para_starts, ss) - 1
        if para in frame or ss != para_starts[para]:
            continue
        m = re.match(r"\s*(\w+)\s+", masked[ss : ss + 40])
        if not m or not lx.has("place_prep", m.group(1)):
            continue
        place = _place_at(lx, masked, ss + m.end(), placed, m_starts)
        if place is not None and place.place and re.match(r"\s*,", masked[place.end :]):
            frame[para] = (ss, place.place)
    result = []
    for st, key, para in out:
        if st.where_said is None and st.speaker:
            places = where_of.get(_name_key(names.full(st.speaker)))
            if places and len(places) == 1:
                st = replace(st, where_said=next(iter(places)))
        if st.where_said is None and para in frame and frame[para][0] <= st.start:
            st = replace(st, where_said=frame[para][1])
        result.append((st, key, para))
    return result


def _carry(
    out: list[tuple[Statement, str | None, int]], paras: Sequence[tuple[int, int]]
) -> list[Statement]:
    """Give a speaker's statements without a place or date those of the same speaker's others.

    A place carries forward to the speaker's later statements of the same day, and back to
    statements at most ``BACK_WHERE_PARAGRAPHS`` paragraphs before it; a date carries forward.
    """
    out.sort(key=lambda t: t[0].start)
    result = [st for st, _, _ in out]
    last: dict[str, int] = {}
    for k, (st, key, _) in enumerate(out):
        if key is None:
            continue
        j = last.get(key)
        if j is not None:
            prev = result[j]
            if st.date.value is None and prev.date.value is not None:
                st = replace(st, date=prev.date)
            if (
                st.where_said is None
                and prev.where_said is not None
                and _same_day(st.date, prev.date)
            ):
                st = replace(st, where_said=prev.where_said)
        result[k] = st
        last[key] = k
    for k in range(len(out) - 1, -1, -1):
        key, para = out[k][1], out[k][2]
        st = result[k]
        if key is None or st.where_said is not None:
            continue
        for j in range(k + 1, len(out)):
            if out[j][1] == key and result[j].where_said is not None:
                if out[j][2] - para <= BACK_WHERE_PARAGRAPHS and _same_day(st.date, result[j].date):
                    result[k] = replace(st, where_said=result[j].where_said)
                break
    return result


def _same_day(a: DateValue, b: DateValue) -> bool:
    return a.value is None or b.value is None or a.value == b.value

"""The words of a language for statements: folding, the compiled lexicon, role lookup."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from geo.errors import ConfigError
from geo.lang import DEFAULT, Table, fill, language
from geo.scanning import Scanner, tree_alternation

MASK = "\ue000"  # stands for each character inside a quotation in the masked text


QUOTE_MARKS = '«»"'


_CUE_KINDS = {
    "source", "for", "title", "pronoun_sg", "pronoun_pl", "pronoun_none", "det", "adjunct",
    "boundary", "relative", "lead", "stop", "connector", "venue", "venue_prep", "place_prep",
    "naming", "clause_subject", "anaphor", "presence", "infinitive", "possessive", "genitive",
    "audience", "audience_prep", "medium", "copula", "function", "preposition", "negative", "deed",
}  # fmt: skip


_ROLE_KINDS = {"person", "group", "org"}


_FLAGS = {"que", "incise", "refl", "obj", "noinv", "what"}


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table = {}
    for cp in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base != chr(cp) and base.isascii():
            table[cp] = base
    table.update({ord("’"): "'", ord("œ"): "o", ord("æ"): "a", ord("Œ"): "O", ord("Æ"): "A"})
    return table


def fold_text(s: str) -> str:
    """Lower case without accents, one character for one (offsets stay valid)."""
    return _fold_word(s) if len(s) <= 24 else _fold_text(s)


@lru_cache(maxsize=16384)  # the same words are folded again and again
def _fold_word(s: str) -> str:
    return _fold_text(s)


def _fold_text(s: str) -> str:
    out = s.translate(_fold_table()).lower()
    return out if len(out) == len(s) else "".join(c.lower()[0] for c in s.translate(_fold_table()))


def alt(phrases: Sequence[str]) -> str:
    """Regex alternation of phrases, longest first, spaces matching any run of spaces (written
    as a prefix tree, which matches the same and runs faster: :mod:`geo.scanning`)."""
    return _alt_of(tuple(sorted(set(phrases), key=lambda p: (-len(p), p))))


@lru_cache(maxsize=256)
def _alt_of(uniq: tuple[str, ...]) -> str:
    tree = tree_alternation([p.split() for p in uniq], r"\s+") if uniq else None
    if tree is not None:
        return tree
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in uniq) or "(?!)"


@dataclass(frozen=True)
class Role:
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
    roles: dict[str, Role]  # folded phrase -> role
    events: tuple[tuple[str, re.Pattern[str]], ...]
    scanner: Scanner  # ``events``' patterns, scanned together (geo.scanning)
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
        return fold_text(word) in self.cues.get(kind, ())


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
            flags.setdefault(fold_text(form), set()).update(fl)
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
        roles[fold_text(row[0])] = Role(
            fold_text(row[0]), row[1], None if row[2] == "-" else row[2]
        )

    def c(kind: str) -> list[str]:
        return sorted(cues.get(kind, ()))

    pron = alt(c("pronoun_sg") + c("pronoun_pl") + c("pronoun_none"))
    # a place right after the verb: "a estimé jeudi à Paris que", "said in Geneva that"
    preps = alt(c("place_prep") + c("venue_prep"))  # "à Paris", "in Geneva", "depuis Gao"
    at_place = rf"(?:{preps})\s+(?-i:[A-ZÀ-ÖØ-Þ][\w'-]*)(?:\s+(?-i:[A-ZÀ-ÖØ-Þ][\w'-]*))?"
    suffixes = [p[1:] for p in c("adjunct") if p.startswith("*")]  # "*ment": any adverb in -ment
    words_adj = alt([p for p in c("adjunct") if not p.startswith("*")])
    # a day's number before a month ("jeudi 12 mars"), not a number of people ("said 30 of")
    adj = words_adj + rf"|\d{{1,4}}(?:er)?(?=\s+(?:{words_adj})(?![\w-])|\s*[,.;:])|" + at_place
    adj += "".join(rf"|[^\W\d_]{{3,}}{re.escape(x)}(?![\w-])" for x in suffixes)
    # the audience: "à l'agence Anadolu", "à l'agence de presse Associated Press", "à Xinhua"
    cap = r"(?-i:[A-Z][\w'&.-]*)"
    adj += rf"|(?:{alt(c('audience'))})(?:\s+{cap}){{1,4}}"
    adj += rf"|(?:{alt(c('audience_prep'))})\s+(?:{alt(c('medium'))})(?![\w-])"
    adjs = rf"(?:\s+(?:{adj}))*"
    b, e = r"(?<![\w-])", r"(?![\w-])"
    p_part, p_fin, p_ger = alt(part["plain"]), alt(fin["plain"]), alt(ger)
    r_part, r_fin = alt(part["refl"]), alt(fin["refl"])
    words = {"b": b, "e": e, "adjs": adjs, "pron": pron, "p_part": p_part, "p_fin": p_fin}
    words |= {"p_ger": p_ger, "r_part": r_part, "r_fin": r_fin}
    words |= {name: fill(piece, words) for name, piece in spec.saying_pieces.items()}
    events = [(kind, fill(template, words)) for kind, template in spec.saying_patterns]
    compiled = [(kind, re.compile(p, re.IGNORECASE)) for kind, p in events]
    clause = fill(spec.reported_clause, words)
    role_alt = "|".join(_role_pattern(p) for p in sorted(roles, key=lambda p: (-len(p), p)))
    titles = sorted(cues.get("title", ()), key=len, reverse=True)
    token = "|".join(re.escape(t) for t in titles if t.endswith("."))
    token = (token + "|" if token else "") + (
        r"(?:[A-Z]\.){2,}|[^\W\d_]++'(?:s(?!\w))?|\w+(?:[-']\w+)*|\S"
    )  # "E.U.", "U.S." one token; "Kingdom's"; "l'" (letters taken at once: no "'", no retry)
    return Lexicon(
        lang=lang,
        and_word=spec.and_word,
        genitive=min(cues.get("genitive", {"of"})),
        flags={k: frozenset(v) for k, v in flags.items()},
        cues={k: frozenset(fold_text(p) for p in v) for k, v in cues.items()},
        roles=roles,
        events=tuple(compiled),
        scanner=Scanner([p for _, p in compiled]),
        role_re=re.compile(rf"(?<![\w-])(?:{role_alt})(?![\w-])"),
        source_re=re.compile(rf"{b}(?:{alt(c('source'))})\s+", re.IGNORECASE),
        for_re=re.compile(rf"^(?:(?:{alt(c('lead'))})\s+)?(?:{alt(c('for'))})\s+", re.I),
        adjuncts_re=re.compile(adjs, re.IGNORECASE),
        clause_re=re.compile(clause, re.IGNORECASE),
        token_re=re.compile(token),
        venue_re=re.compile(rf"{b}(?:{alt(c('venue'))}){e}", re.IGNORECASE),
        venue_prep_re=re.compile(rf"{b}(?:{alt(c('venue_prep'))})\s+$", re.IGNORECASE),
        place_prep_re=re.compile(
            rf"{b}(?:{alt(c('place_prep'))})\s+(?:(?:{alt(c('det'))})\s*)?$", re.IGNORECASE
        ),
        naming_re=re.compile(rf"{b}(?:{alt(c('naming'))})\s*(?:[:,]\s*)?$", re.IGNORECASE),
        presence_re=re.compile(rf"{b}(?:{alt(c('presence'))})\s+", re.IGNORECASE),
        infinitive_re=re.compile(
            rf"\s+(?:(?:{alt(c('adjunct'))})\s+)*(?!(?:{alt(c('adjunct'))})(?![\w-]))"
            rf"(?-i:[a-zà-ÿ]{{2,}}(?:{alt(c('infinitive'))}))(?=\s+[\w'])",
            re.IGNORECASE,
        ),
    )


@lru_cache(maxsize=4096)
def role_of(lang: str, matched: str) -> Role | None:
    lx = load_lexicon(lang)
    for phrase in sorted(lx.roles, key=lambda p: (-len(p), p)):
        if re.fullmatch(_role_pattern(phrase), matched):
            return lx.roles[phrase]
    return None

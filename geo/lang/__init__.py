"""Languages the pipeline reads, each declared once in its own folder (``fr/``, ``en/``).

A language is a package ``geo/lang/<code>/``: its ``__init__.py`` declares a :class:`Language`
(the spaCy pipeline that finds names, how its entity labels map onto kinds, and the few pieces
of grammar the stages build their patterns from), and its TSV files hold its lexicons, one file
for each name of :data:`LEXICONS`. The registry finds every such folder: adding a language is
adding a folder (the file formats are described in ``geo/lang/README.md``).

Every reviewed TSV file of the project, a language's lexicon or a shared one in ``geo/data``,
is read by :func:`read_tsv`, under one set of rules.

Example
-------
>>> get_language("fr").ner_model
'fr_core_news_md'
>>> get_language("en").entity_kind("GPE")
'place'
>>> [cells for cells in get_language("fr").lexicon("dates_calendar")][0]
('weekday', 'lundi', '0')
"""

from __future__ import annotations

import pkgutil
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from pathlib import Path

from geo.errors import ConfigError

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "LEXICONS",
    "SUPPORTED",
    "Language",
    "Table",
    "fill",
    "get_language",
    "language",
    "read_lexicon",
    "read_tsv",
]

LANG_DIR = Path(__file__).parent
DEFAULT = "fr"  # the language of a document whose language is neither given nor detected

# The lexicons every language has in its folder: file name (without .tsv) -> the columns its
# header starts with (a last "comment" column is free text). Stages read them with
# Language.lexicon(name).
LEXICONS: dict[str, tuple[str, ...]] = {
    "dates_calendar": ("kind", "name", "number"),
    "dates_relative": ("phrase", "kind", "value"),
    "dates_tense": ("tense", "pattern"),
    "statements_verbs": ("participle", "finite", "gerund", "flags"),
    "statements_cues": ("kind", "phrase"),
    "statements_roles": ("phrase", "kind", "group"),
    "events_triggers": ("pattern", "type", "subtype", "form"),
    # the word lists of the event stages (geo/events/<stage>.py), each list's rows together
    "events_roles": ("list", "pattern"),
    "events_place": ("list", "pattern"),
    "events_toll": ("list", "pattern"),
    "events_numbers": ("word", "kind", "value"),
    "events_sentence": ("list", "pattern"),
    "events_merge": ("list", "pattern"),
    "text_abbreviations": ("abbr",),
    "text_boilerplate": ("kind", "pattern"),
    "geoparse_cues": ("kind", "phrase"),
    "geoparse_directions": ("kind", "phrase", "direction"),
    "geoparse_divisions": ("kind", "word", "feature"),
    "geoparse_peoples": ("ending", "country_ending"),
}


# --------------------------------------------------------------------------- reviewed TSV files


@dataclass(frozen=True)
class Table:
    """The rows of a reviewed TSV file, each with its line number (for error messages).

    Iterating a table gives the cells of each row.
    """

    path: Path
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return (cells for _, cells in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def where(self, line: int) -> str:
        """``path:line``, to start an error message about one row."""
        return f"{self.path}:{line}"


def read_tsv(path: Path | str, columns: Sequence[str] = ()) -> Table:
    """Read a reviewed TSV file under the rules every data file of the project follows.

    The rules: UTF-8 text, one row a line, cells separated by tabs; blank lines and lines that
    start with ``#`` are comments; the first other line is the header naming the columns, and
    it must start with ``columns``; cells are kept as written (a pattern may end with a space),
    and a row may stop before its last columns (an empty comment).

    Parameters
    ----------
    path:
        The file.
    columns:
        The names the header must start with.

    Returns
    -------
    Table
        The header and the rows after it.

    Raises
    ------
    ConfigError
        When the file cannot be read or its header is not the expected one.

    Example
    -------
    >>> read_tsv(LANG_DIR / "en" / "dates_tense.tsv", ("tense", "pattern")).columns[:2]
    ('tense', 'pattern')
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    header: tuple[str, ...] | None = None
    rows = []
    for n, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        cells = tuple(line.split("\t"))
        if header is None:
            header = tuple(c.strip() for c in cells)
            if header[: len(columns)] != tuple(columns):
                want = "<TAB>".join(columns)
                raise ConfigError(f"{path}:{n}: the header must start with {want}")
            continue
        rows.append((n, cells))
    if header is None:
        raise ConfigError(f"{path}: no header line")
    return Table(path, header, tuple(rows))


def fill(template: str, pieces: Mapping[str, str]) -> str:
    """A regular expression from a template: each ``{name}`` is replaced by ``pieces[name]``.

    Only lower-case names are placeholders, so regex repetitions (``{0,2}``) stay as written.

    Example
    -------
    >>> fill(r"(?:{aux})\\s+\\w+{0,2}", {"aux": "a|ont"})
    '(?:a|ont)\\\\s+\\\\w+{0,2}'
    """

    def piece(m: re.Match[str]) -> str:
        try:
            return pieces[m.group(1)]
        except KeyError:
            raise ConfigError(f"unknown piece {m.group()} in pattern {template!r}") from None

    return _PLACEHOLDER.sub(piece, template)


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


# --------------------------------------------------------------------------- languages


@dataclass(frozen=True)
class Language:
    """What the pipeline needs to know of one language, beside the lexicons of its folder.

    Parameters
    ----------
    code:
        ISO 639-1 code ("fr"), also the name of the language's folder.
    name:
        The language's English name.
    ner_model:
        The installed spaCy pipeline whose NER finds names, or None.
    ner_exclude:
        Pipeline components not needed for NER (left unloaded: faster, smaller).
    labels:
        spaCy entity label -> kind: ``place``, ``person``, ``org``, ``group`` (nationalities,
        religious and political groups) or ``other``.
    speaker_ner:
        Statements run ``ner_model`` to find speakers' names when they are given no entities
        (else names come from capitalisation).
    and_word:
        The word that joins several speakers of one statement ("MM. Erdogan et Poutine").
    capitalised_months:
        Month names count only when capitalised ("May" the month, not "may" the verb).
    date_night:
        The words before the second weekday of "the night of Monday to Tuesday", a template
        (see :func:`fill`) where ``{wd}`` stands for a weekday and names it ``wd1``.
    date_patterns:
        Date expressions of this language only, ``(kind, template)`` tried after the common
        ones of :mod:`geo.dates`; ``{wd}``, ``{mo}``, ``{se}``, ``{d}``, ``{y}``, ``{mb}``
        (modifier before), ``{ma}`` (modifier after) stand for the lexicon's words.
    saying_patterns:
        Verbs of saying in context, ``(kind, template)`` in the order they are tried: ``inv``
        (subject pronoun after the verb), ``aux`` (auxiliary and participle), ``fin`` (finite
        form), ``ger`` (present participle). ``{p_part}``, ``{p_fin}``, ``{p_ger}`` stand for
        the lexicon's participles, finite forms and gerunds, ``{r_part}``, ``{r_fin}`` for the
        reflexive ones, ``{adjs}`` for adjuncts, ``{pron}`` for subject pronouns, ``{b}`` and
        ``{e}`` for word boundaries, and the names of ``saying_pieces`` for those pieces.
    saying_pieces:
        Named pieces of ``saying_patterns`` (auxiliaries, inversion), themselves templates.
    reported_clause:
        What opens a reported clause after a verb of saying ("que", "that").
    event_aux:
        What ``{AUX}`` stands for in event triggers: an auxiliary and an optional adverb.
    people_word, people_inflections:
        A word that may be a people's adjective (capitalised in English, "Syrian"; in lower
        case in French, "syrienne"), and the endings its inflected forms add to the form the
        ``geoparse_peoples`` lexicon knows (French "-e", "-ne", "-s"), taken off before it is
        read back to its country (geo/peoples.py).
    date_format, date_placeholder:
        How the pages' readers of this language write a day (a ``strftime`` format) and what
        an empty date box shows: ``%d/%m/%Y`` and ``jj/mm/aaaa`` in French (web/date_input.py).
    """

    code: str
    name: str
    ner_model: str | None = None
    ner_exclude: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    speaker_ner: bool = False
    and_word: str = "and"
    capitalised_months: bool = False
    date_night: str = "(?!)"
    date_patterns: tuple[tuple[str, str], ...] = ()
    saying_patterns: tuple[tuple[str, str], ...] = ()
    saying_pieces: dict[str, str] = field(default_factory=dict)
    reported_clause: str = "(?!)"
    event_aux: str = "(?!)"
    date_format: str = "%Y-%m-%d"
    date_placeholder: str = "yyyy-mm-dd"
    people_word: str = "(?!)"
    people_inflections: tuple[str, ...] = ("",)

    def entity_kind(self, label: str) -> str:
        """The kind of a spaCy entity label (``other`` when the label is not declared)."""
        return self.labels.get(label, "other")

    @property
    def folder(self) -> Path:
        """The language's folder, which holds its lexicons."""
        return LANG_DIR / self.code

    def lexicon(self, name: str) -> Table:
        """The rows of one of the language's lexicons (a name of :data:`LEXICONS`).

        Raises
        ------
        ConfigError
            On an unknown name, a missing file or a wrong header.
        """
        return _lexicon(self.code, name)


@lru_cache(maxsize=64)
def _lexicon(code: str, name: str) -> Table:
    if name not in LEXICONS:
        raise ConfigError(f"unknown lexicon {name!r}; expected one of {', '.join(LEXICONS)}")
    return read_tsv(LANG_DIR / code / f"{name}.tsv", LEXICONS[name])


def _load() -> dict[str, Language]:
    """Every language folder, the default language first, then by code."""
    codes = sorted(
        (m.name for m in pkgutil.iter_modules(__path__) if m.ispkg), key=lambda c: (c != DEFAULT, c)
    )
    out = {}
    for code in codes:
        lang = import_module(f"{__name__}.{code}").LANGUAGE
        if lang.code != code:
            raise ConfigError(f"geo/lang/{code} declares the language {lang.code!r}")
        out[code] = lang
    return out


LANGUAGES: dict[str, Language] = _load()
SUPPORTED = tuple(LANGUAGES)


def get_language(code: str | None) -> Language | None:
    """The declared language of this code, or None when it is not one the pipeline reads."""
    return LANGUAGES.get(code or "")


def language(code: str | None, stage: str = "this stage") -> Language:
    """The declared language of this code.

    Raises
    ------
    ConfigError
        When no language of that code is declared (the message names ``stage``).

    Example
    -------
    >>> language("es", "event extraction")
    Traceback (most recent call last):
    ...
    geo.errors.ConfigError: event extraction reads fr, en, not 'es'
    """
    lang = get_language(code)
    if lang is None:
        raise ConfigError(f"{stage} reads {', '.join(SUPPORTED)}, not {code!r}")
    return lang


def read_lexicon(code: str, name: str) -> Table:
    """The rows of lexicon ``name`` of language ``code`` (see :meth:`Language.lexicon`)."""
    return language(code, f"lexicon {name}").lexicon(name)

"""Event lexicons: the ACLED types and sub-types, each language's triggers and the shared actors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from re import _constants as _C
from re import _parser

from geo import event_types
from geo.errors import ConfigError
from geo.lang import LANGUAGES, fill, language, read_tsv
from geo.scanning import Scanner

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# where: words that say where the event just reported took place ("l'attaque a eu lieu près
# de X"), read to place the lead's event, never an event of their own
# cause: a cause of death that is no act of violence (a crash, an earthquake): a killing read
# only from its toll ("14 people were killed") is no event beside it
# claim: words that say who carried out the event just reported ("X a revendiqué l'attaque",
# "X claimed responsibility"): the side named with them acts in it; never an event of their own
FORMS = ("verb", "noun", "weak", "block", "block_next", "where", "cause", "claim")
# The types and sub-types, their rank, families and weights: declared once in
# geo/data/event_types.tsv (geo.event_types), read by the map and the store too.
SUBTYPES: dict[str, tuple[str, ...]] = event_types.subtypes_by_type()
TYPE_RANK = {t: i for i, t in enumerate(SUBTYPES)}
VIOLENT = event_types.names_in_family("political violence")
TYPE_WEIGHT = event_types.weights()
ACTOR_KINDS = ("state", "nonstate", "external", "civilians")
# The level an event is placed at, by the feature of its place (a district is admin2).
PRECISION = {"city": "city", "site": "city", "admin2": "admin2", "admin1": "admin1"}
PRECISION |= {"region": "admin1", "country": "country"}
PRECISION_RANK = {"city": 0, "admin2": 1, "admin1": 2, "country": 3}
TERRITORY = {
    "state": "Government regains territory",
    "nonstate": "Non-state actor overtakes territory",
}
READING_WINDOW = 90  # characters around a noun trigger where its event reading is looked for
LONG_QUOTE_WORDS = 6  # triggers inside longer quotations are claims, not reported events


# --------------------------------------------------------------------------- lexicons


@dataclass(frozen=True)
class Trigger:
    """A lexicon entry: a pattern and the event type it signals."""

    pattern: re.Pattern[str]
    type: str
    subtype: str | None
    form: str
    comment: str = ""
    # words one of which every match holds (lower case): a text with none is not searched
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorEntry:
    """A name of an actor and its normalised label."""

    pattern: re.Pattern[str]
    label: str
    kind: str
    metonymic_only: bool = False
    needs: tuple[str, ...] = ()
    unnamed: bool = False  # a label for actors the text does not name (rebels, gunmen)


MIN_NEED = 3  # shortest word worth a prefilter


def _requirements(seq) -> list[tuple[str, ...]]:
    """What every match of a parsed pattern holds: a list of sets of lower-case words, each
    set one of whose words must appear (a literal run, or one word per alternative)."""
    out: list[tuple[str, ...]] = []
    cur = ""
    for op, av in seq:
        if op is _C.LITERAL:
            cur += chr(av).lower()
            continue
        if cur.strip():
            out.append((cur,))
        cur = ""
        if op is _C.SUBPATTERN:
            out += _requirements(av[-1])
        elif op is _C.BRANCH:
            best = [_best(_requirements(b)) for b in av[1]]
            if all(best):
                out.append(tuple(w for b in best for w in b))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
            out += _requirements(av[2])
    if cur.strip():
        out.append((cur,))
    return out


def _best(options: list[tuple[str, ...]]) -> tuple[str, ...]:
    usable = [o for o in options if min(len(w.strip()) for w in o) >= MIN_NEED]
    return max(usable, key=lambda o: min(len(w) for w in o), default=())


def needs(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Words one of which every match of ``pattern`` holds, lower case (empty: no filter).

    >>> needs(re.compile(r"(?<![\\w-])(?:frappes?\\s+aériennes?)"))
    ('aérienne',)
    """
    try:
        return _best(_requirements(_parser.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001 - an unreadable pattern is simply never prefiltered
        return ()


def _compile(
    path: Path, n: int, pattern: str, case: bool = False, aux: str | None = None
) -> re.Pattern[str]:
    # "{AUX}" in a trigger: the language's auxiliary with an optional adverb ("a en outre accusé")
    if aux is not None:
        pattern = pattern.replace("{AUX}", aux)
    body = pattern.replace(" ", r"\s+")
    # A pattern may end with a space or an apostrophe (block_next contexts): no end boundary then.
    end = r"(?:(?<=[\s'])|(?![\w]))"
    try:
        return re.compile(rf"(?<![\w-])(?:{body}){end}", 0 if case else re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"{path}:{n}: bad pattern {pattern!r}: {exc}") from exc


@lru_cache(maxsize=8)
def load_triggers(lang: str) -> tuple[Trigger, ...]:
    """The trigger lexicon of ``lang`` (``geo/lang/<lang>/events_triggers.tsv``).

    Raises
    ------
    ConfigError
        On an unknown language, a short row, an unknown type, subtype or form, or a bad regex.
    """
    spec = language(lang, "event extraction")
    table = spec.lexicon("events_triggers")
    path = table.path
    out = []
    for n, row in table.rows:
        if len(row) < 4:
            raise ConfigError(f"{path}:{n}: expected pattern, type, subtype, form[, comment]")
        pattern, type_, subtype, form = row[:4]
        if form not in FORMS:
            raise ConfigError(f"{path}:{n}: unknown form {form!r}")
        if not form.startswith("block") and form not in ("where", "cause", "claim"):
            if type_ not in SUBTYPES:
                raise ConfigError(f"{path}:{n}: unknown event type {type_!r}")
            if subtype not in (*SUBTYPES[type_], "@territory", "@victims", ""):
                raise ConfigError(f"{path}:{n}: unknown subtype {subtype!r} of {type_}")
        comment = row[4] if len(row) > 4 else ""
        compiled = _compile(path, n, pattern, aux=spec.event_aux)
        out.append(Trigger(compiled, type_, subtype or None, form, comment, needs(compiled)))
    return tuple(out)


@lru_cache(maxsize=1)
def load_actors() -> tuple[ActorEntry, ...]:
    """The actors lexicon (``geo/data/events_actors.tsv``), shared by every language."""
    path = DATA_DIR / "events_actors.tsv"
    out = []
    for n, row in read_tsv(path, ("pattern", "label", "kind")).rows:
        if len(row) < 3 or row[2] not in ACTOR_KINDS:
            raise ConfigError(f"{path}:{n}: expected pattern, label, kind in {ACTOR_KINDS}")
        flags = set(row[3].split(",")) if len(row) > 3 and row[3] else set()
        pat = _compile(path, n, row[0], case="cs" in flags)
        out.append(ActorEntry(pat, row[1], row[2], "meto" in flags, needs(pat), "unnamed" in flags))
    return tuple(out)


@lru_cache(maxsize=1)
def unnamed_labels() -> frozenset[str]:
    """The labels of actors the text does not name (the "unnamed" flag of the actors lexicon):
    "rebelles", "hommes armés"."""
    return frozenset(a.label for a in load_actors() if a.unnamed)


@lru_cache(maxsize=8)
def trigger_scanner(lang: str) -> Scanner:
    """The triggers of ``lang`` (:func:`load_triggers`, in that order), scanned together."""
    triggers = load_triggers(lang)
    return Scanner([t.pattern for t in triggers], [t.needs for t in triggers])


@lru_cache(maxsize=1)
def actor_scanner() -> Scanner:
    """The actors (:func:`load_actors`, in that order), scanned together."""
    actors = load_actors()
    return Scanner([a.pattern for a in actors], [a.needs for a in actors])


# --------------------------------------------------------------------------- word lists

# The stages' word lists, one lexicon per stage in every language's folder
# (geo/lang/<code>/events_<stage>.tsv, columns ``list pattern``): the lists a stage asked for,
# so that a test can check that every list of the files is read.
ASKED: set[tuple[str, str]] = set()


@lru_cache(maxsize=16)
def _word_lists(lexicon: str) -> dict[str, tuple[str, ...]]:
    """List name -> its patterns, every language's rows in the registry's order, each once.

    A word of several languages is in each language's file and counts once. A pattern may name
    another list of the same lexicon as ``{name}`` (see :func:`geo.lang.fill`).
    """
    rows: dict[str, list[str]] = {}
    for lang in LANGUAGES.values():
        table = lang.lexicon(lexicon)
        for n, row in table.rows:
            if len(row) < 2 or not row[0] or not row[1]:
                raise ConfigError(f"{table.where(n)}: expected list, pattern[, comment]")
            if row[1] not in rows.setdefault(row[0], []):
                rows[row[0]].append(row[1])
    joined = {name: "|".join(patterns) for name, patterns in rows.items()}
    out = {}
    for name, patterns in rows.items():
        out[name] = tuple(fill(p, joined) if "{" in p else p for p in patterns)
        for p in out[name]:
            try:
                re.compile(p)
            except re.error as exc:
                raise ConfigError(f"{lexicon}: bad pattern {p!r} in list {name}: {exc}") from exc
    return out


def word_list(lexicon: str, name: str) -> tuple[str, ...]:
    """The patterns of list ``name`` of a stage's lexicon, every language's (read once).

    Raises
    ------
    ConfigError
        When no language's file has that list.
    """
    lists = _word_lists(lexicon)
    if name not in lists:
        raise ConfigError(f"no language's {lexicon}.tsv has the list {name!r}")
    ASKED.add((lexicon, name))
    return lists[name]


def alternatives(lexicon: str, name: str) -> str:
    """The patterns of list ``name`` as one regex alternation (``a|b|c``), every language's.

    Example
    -------
    >>> "soldats?" in alternatives("events_roles", "armed").split("|")
    True
    """
    return "|".join(word_list(lexicon, name))

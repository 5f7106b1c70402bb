"""Publication dates and the dates named in an article, resolved to a value with a precision.

Values are ISO 8601 strings: ``"YYYY-MM-DD"`` (precision ``day``), ``"YYYY-Www"`` (ISO week,
precision ``week``), ``"YYYY-MM"`` (``month``), ``"YYYY"`` (``year``) and ``"YYYY-<season>"``
(``season``; season is ``spring``, ``summer``, ``autumn`` or ``winter``, meteorological seasons of
the northern hemisphere: spring is March to May, and ``"2016-winter"`` runs from December 2016 to
February 2017). An expression that cannot be resolved keeps its phrase with value ``None`` and
precision ``unknown``: a date is never invented.

Relative expressions ("hier", "mardi", "l'été dernier", "last week") are resolved against the
publication date, reading the tense of the clause for weekdays and for dates without a year:
"a annoncé mardi" is the last Tuesday on or before the publication date, "devrait se tenir
mercredi" the next Wednesday strictly after it. The words are each language's lexicons
(``geo/lang/<code>/dates_*.tsv``) and the few patterns of its :class:`geo.lang.Language`.

Mention spans cover the date expression with its own article or modifier ("l'été dernier",
"mardi prochain", "le lendemain") but not the preposition before it: in "depuis juin" the span
is "juin" (the preposition still steers the resolution).
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from geo.lang import DEFAULT, LANGUAGES, fill, language
from geo.model import DateValue
from geo.scanning import Scanner

__all__ = [
    "SEASONS",
    "DateMention",
    "date_bounds",
    "date_for_span",
    "find_dates",
    "infer_publication_date",
    "parse_iso",
]

# The seasons: their first and last month (winter ends in February of the next year).
SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 2)}
SEASONS = tuple(SEASON_MONTHS)
UNKNOWN = DateValue(None, "unknown", None)

# A clause boundary between a verb and a date counts as this many characters of distance, and a
# cue farther than _MAX_CUE_COST says nothing about the date.
_CLAUSE_PENALTY = 100
_MAX_CUE_COST = 300
# Without a tense cue, a day and month without a year may lie this far after the publication date.
_UNDATED_SLACK = timedelta(days=30)
_YEARS_BACK = 30  # how far back a weekday may set the year of an undated article

_BOUNDARY = re.compile(r"[,;:()\[\]«»\"“”—–]")
_SENT_BREAK = re.compile(r"(?<=[.!?…])[»\"”)]*\s+(?=[«\"“(]?\s?[A-ZÀ-ÖØ-Þ0-9])|\n+")
_ABBREV_END = re.compile(
    r"(?:^|[\s(])(?:[A-Z]|MM|Mme|Mlle|Mgr|Dr|Pr|St|Ste|Mr|Mrs|Ms|Gen|Lt|Col|Sgt|Gov|Sen|Rep|"
    r"Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|janv|févr|avr|juil|déc|etc|av|apr)\.\S*\s*$"
)
_ISO = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?=$|[T\s+Z]|[+-]\d\d:?\d\d)")


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text; offsets index the original text.

    ``tense`` is the tense read in the clause (``past``, ``future`` or ``None``) when it was
    used to resolve the expression, kept to explain the value.
    """

    start: int
    end: int
    phrase: str
    value: DateValue
    tense: str | None = None


# --------------------------------------------------------------------------- lexicon


def _key(word: str) -> str:
    """The lookup form of a matched word: lower case, one apostrophe, hyphens as spaces."""
    word = word.lower().replace("’", "'").rstrip(".")
    return re.sub(r"[\s\-‐‑]+", " ", word).strip()


def _alt(words: list[str], case_sensitive: bool = False) -> str:
    """A regex alternation of phrases, longest first, tolerant of apostrophes and spacing."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        p = re.escape(w).replace("'", "['’]").replace(r"\ ", r"\s+").replace(r"\-", r"[-‐‑\s]")
        parts.append(p)
    return ("(?-i:" if case_sensitive else "(?:") + "|".join(parts) + ")"


@dataclass(frozen=True)
class DateLexicon:
    """The lexicon of one language and the regexes compiled from it."""

    weekdays: dict[str, int]
    months: dict[str, int]
    seasons: dict[str, str]
    fixed: dict[str, tuple[str, str]]  # phrase -> (unit, offset)
    modifiers: dict[str, str]  # word -> past / future / current
    preps: dict[str, str]  # word -> past / any
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    scanner: Scanner  # ``patterns``, scanned together (geo.scanning)
    today: re.Pattern[str]  # "aujourd'hui" just before a weekday: "aujourd'hui mercredi"
    cues: tuple[tuple[str, re.Pattern[str]], ...]


def _cells(row: tuple[str, ...]) -> list[str]:
    return [c.strip() for c in row]


@lru_cache(maxsize=8)
def date_lexicon(code: str) -> DateLexicon:
    """The date words of language ``code`` (``geo/lang/<code>/dates_*.tsv``) and the patterns
    compiled from them, once per language."""
    spec = language(code, "date resolution")
    names: dict[str, dict[str, str]] = {"weekday": {}, "month": {}, "season": {}}
    surface: dict[str, list[str]] = {"weekday": [], "month": [], "season": []}
    for row in map(_cells, spec.lexicon("dates_calendar")):
        names[row[0]][_key(row[1])] = row[2]
        surface[row[0]].append(row[1])
    fixed: dict[str, tuple[str, str]] = {}
    mods: dict[str, dict[str, str]] = {"modifier-before": {}, "modifier-after": {}}
    preps: dict[str, str] = {}
    phrases: dict[str, list[str]] = {}  # kind -> surface forms, for the regexes
    for row in map(_cells, spec.lexicon("dates_relative")):
        phrases.setdefault(row[1], []).append(row[0])
        if row[1] in mods:
            mods[row[1]][_key(row[0])] = row[2]
        elif row[1] == "prep":
            preps[_key(row[0])] = row[2]
        else:
            fixed[_key(row[0])] = (row[1], row[2])
    cues = tuple(
        (row[0], re.compile(rf"(?<!\w)(?:{row[1]})(?!\w)", re.IGNORECASE))
        for row in map(_cells, spec.lexicon("dates_tense"))
    )
    b, e = r"(?<!\w)", r"(?!\w)"
    wd = _alt(surface["weekday"])
    mo = _alt(surface["month"], case_sensitive=spec.capitalised_months) + r"(?:\.(?=\s*\d))?"
    se = _alt(surface["season"])
    mb = _alt(phrases["modifier-before"])
    ma = _alt(phrases["modifier-after"]) if "modifier-after" in phrases else None
    prep = _alt(phrases["prep"])
    y = r"(?P<y>(?:1[89]|20)\d\d)"
    d = r"(?P<d>[12]\d|3[01]|0?[1-9])(?:er|st|nd|rd|th)?"
    words = {"wd": wd, "mo": mo, "se": se, "mb": mb, "d": d, "y": y}
    if ma:
        words["ma"] = ma
    night = fill(spec.date_night, words)
    after = rf"(?:\s+(?P<ma>{ma}))?" if ma else ""
    raw = [
        ("daydate", rf"(?:(?P<wd>{wd}),?\s+)?(?:the\s+)?{d}\s+(?:of\s+)?(?P<mo>{mo})(?:,?\s+{y})?"),
        ("monthyear", rf"(?P<mo>{mo})\s+(?:of\s+)?{y}"),
        ("seasonyear", rf"(?:l['’])?(?P<se>{se})\s+(?:de\s+|of\s+)?{y}"),
        ("season", rf"(?P<mb>{mb})\s+(?P<se>{se})"),
        ("night", rf"(?:(?:la|the)\s+)?{night}(?P<wd>{wd})"),
        ("weekday", rf"(?:(?P<mb>{mb})\s+)?(?P<wd>{wd}){after}"),
        ("fixed", _alt([p for k in ("day", "week", "month", "year") for p in phrases[k]])),
        ("monthprep", rf"(?<=\W)(?P<mo>{mo})", rf"(?P<p>{prep})[\s\-‐‑]+"),
        ("yearprep", rf"(?<=\W){y}(?![.,]\d)", rf"(?P<p>{prep})[\s\-‐‑]+"),
    ]
    raw += [(kind, fill(template, words)) for kind, template in spec.date_patterns]
    patterns = tuple(
        (kind, re.compile(rf"{b}{rest[0] if rest else ''}(?P<core>{core}){e}", re.IGNORECASE))
        for kind, core, *rest in raw
    )
    return DateLexicon(
        weekdays={k: int(v) for k, v in names["weekday"].items()},
        months={k: int(v) for k, v in names["month"].items()},
        seasons=dict(names["season"]),
        fixed=fixed,
        modifiers={**mods["modifier-before"], **mods["modifier-after"]},
        preps=preps,
        patterns=patterns,
        scanner=Scanner([p for _, p in patterns]),
        today=re.compile(
            _alt([p for p in phrases["day"] if fixed[_key(p)] == ("day", "0")]) + r"[\s,]*$",
            re.IGNORECASE,
        ),
        cues=cues,
    )


# --------------------------------------------------------------------------- scanning


def _scan(
    text: str, lx: DateLexicon, kinds: frozenset[str] | None = None
) -> list[tuple[str, re.Match[str]]]:
    """Date expressions of ``text`` (of ``kinds`` only, when given); where two overlap, the
    longer one wins."""
    if kinds is None:
        matches = lx.scanner.matches(text)
    else:  # these kinds only: each scanned alone
        matches = [list(p.finditer(text)) if k in kinds else [] for k, p in lx.patterns]
    found = [
        (kind, m) for (kind, _), of_kind in zip(lx.patterns, matches, strict=True) for m in of_kind
    ]
    found.sort(key=lambda km: (km[1].start("core") - km[1].end("core"), km[1].start("core")))
    taken = bytearray(len(text) + 1)
    kept = []
    for kind, m in found:
        s, e = m.span("core")
        if taken.find(1, s, e) == -1:
            taken[s:e] = b"\x01" * (e - s)
            kept.append((kind, m))
    kept.sort(key=lambda km: km[1].start("core"))
    return kept


def _sentence_starts(text: str) -> list[int]:
    starts = [0]
    for m in _SENT_BREAK.finditer(text):
        if m.group().startswith("\n") or not _ABBREV_END.search(
            text[max(0, m.start() - 12) : m.start()]
        ):
            starts.append(m.end())
    return starts


def _tense(
    masked: str,
    s: int,
    e: int,
    bounds: tuple[int, int],
    lx: DateLexicon,
    cache: dict[int, list[tuple[int, int, str]]],
) -> str | None:
    """The tense of the clause around ``masked[s:e]``: that of the nearest cue in its sentence."""
    lo, hi = bounds
    if lo not in cache:
        sentence, taken, cues = masked[lo:hi], bytearray(hi - lo + 1), []
        for tense, pat in lx.cues:
            for m in pat.finditer(sentence):
                if taken.find(1, m.start(), m.end()) == -1:
                    taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                    cues.append((lo + m.start(), lo + m.end(), tense))
        cache[lo] = cues
    best: tuple[int, str] | None = None
    for cs, ce, tense in cache[lo]:
        gap = masked[ce:s] if ce <= s else masked[e:cs] if cs >= e else None
        if gap is None:
            continue
        cost = len(gap) + _CLAUSE_PENALTY * len(_BOUNDARY.findall(gap))
        if best is None or cost < best[0]:
            best = (cost, tense)
    if best is None or best[0] > _MAX_CUE_COST or best[1] == "present":
        return None
    return best[1]


# --------------------------------------------------------------------------- calendar arithmetic


def _weekday(ref: date, wd: int, direction: str) -> date:
    """The weekday ``wd`` nearest ``ref`` in ``direction``: on_or_before, before or after."""
    if direction == "after":
        return ref + timedelta((wd - ref.weekday()) % 7 or 7)
    back = (ref.weekday() - wd) % 7
    return ref - timedelta(back or (7 if direction == "before" else 0))


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _day_month(ref: date, month: int, day: int, tense: str | None, wd: int | None) -> date | None:
    """The year of a day and month: the weekday's if named, else the one the tense allows."""
    cands = [c for y in (ref.year - 1, ref.year, ref.year + 1) if (c := _safe_date(y, month, day))]
    matching = [c for c in cands if wd is not None and c.weekday() == wd]
    if matching:
        return min(matching, key=lambda c: abs(c - ref))
    if tense == "future":
        return min((c for c in cands if c >= ref), default=None)
    limit = ref if tense == "past" else ref + _UNDATED_SLACK
    return max((c for c in cands if c <= limit), default=None)


def _month(ref: date, month: int, direction: str) -> str:
    """The year of a month: on_or_before, before, on_or_after, after, or unmarked.

    Unmarked (no tense, no modifier) is on or before, except the month after the publication
    month, which is the coming one ("expire fin décembre" published in November).
    """
    if direction == "unmarked":
        ahead = month == ref.month % 12 + 1
        direction = "on_or_after" if ahead else "on_or_before"
    if direction in ("on_or_before", "before"):
        back = month > ref.month or (direction == "before" and month == ref.month)
        return f"{ref.year - back}-{month:02d}"
    ahead = month < ref.month or (direction == "after" and month == ref.month)
    return f"{ref.year + ahead}-{month:02d}"


def _season(ref: date, season: str, direction: str, tense: str | None = None) -> str:
    """The year of a season: before (ended), after (not begun), or current.

    Current is the season under way, else the last one in a past clause, the next one in a
    future clause, and the nearer of the two without a tense.
    """
    m = SEASON_MONTHS[season][0]
    spans = [
        (y, date(y, m, 1), date(y + 1, 3, 1) if m == 12 else date(y, m + 3, 1))
        for y in range(ref.year - 2, ref.year + 2)
    ]
    last = max((e, y) for y, _, e in spans if e <= ref)
    following = min((s, y) for y, s, _ in spans if s > ref)
    under_way = [y for y, s, e in spans if s <= ref < e]
    if direction == "current" and under_way:
        year = under_way[0]
    elif direction == "current" and tense:
        year = last[1] if tense == "past" else following[1]
    elif direction == "current":
        year = last[1] if ref - last[0] < following[0] - ref else following[1]
    else:
        year = following[1] if direction == "after" else last[1]
    return f"{year}-{season}"


def _shift(ref: date, unit: str, offset: int) -> DateValue:
    if unit == "day":
        return DateValue((ref + timedelta(days=offset)).isoformat(), "day")
    if unit == "week":
        y, w, _ = (ref + timedelta(weeks=offset)).isocalendar()
        return DateValue(f"{y}-W{w:02d}", "week")
    if unit == "month":
        n = ref.year * 12 + ref.month - 1 + offset
        return DateValue(f"{n // 12}-{n % 12 + 1:02d}", "month")
    return DateValue(str(ref.year + offset), "year")


# --------------------------------------------------------------------------- resolution

_NEEDS_TENSE = {"daydate", "weekday", "night", "monthprep", "season", "monthmod", "fixed"}


def _resolve(
    kind: str, m: re.Match[str], ref: date | None, tense: str | None, lx: DateLexicon
) -> DateValue:
    """The value of one matched expression (its phrase is set by the caller)."""
    g = {k: v for k, v in m.groupdict().items() if v}
    y = int(g["y"]) if "y" in g else None
    if kind == "yearprep":
        return DateValue(str(y), "year")
    if kind == "monthyear":
        return DateValue(f"{y}-{lx.months[_key(g['mo'])]:02d}", "month")
    if kind == "seasonyear":
        return DateValue(f"{y}-{lx.seasons[_key(g['se'])]}", "season")
    if kind == "daydate" and y is not None:
        day = _safe_date(y, lx.months[_key(g["mo"])], int(g["d"]))
        return DateValue(day.isoformat(), "day") if day else UNKNOWN
    if ref is None:
        return UNKNOWN
    if kind == "fixed":
        unit, off = lx.fixed[_key(g["core"])]
        past, _, future = off.partition("|")
        return _shift(ref, unit, int(future if future and tense == "future" else past))
    if kind == "daydate":
        wd = lx.weekdays[_key(g["wd"])] if "wd" in g else None
        day = _day_month(ref, lx.months[_key(g["mo"])], int(g["d"]), tense, wd)
        return DateValue(day.isoformat(), "day") if day else UNKNOWN
    # A modifier ("dernier", "next") fixes the direction strictly; otherwise the clause does.
    mod = lx.modifiers.get(_key(g.get("ma") or g.get("mb") or ""), "current")
    if lx.preps.get(_key(g.get("p", "")), "any") == "past":
        mod = "since"
    if kind in ("weekday", "night"):
        if mod == "current" and lx.today.search(m.string, max(0, m.start() - 30), m.start()):
            direction = "on_or_before"  # "aujourd'hui mercredi": the publication day
        elif mod == "current":
            direction = "after" if tense == "future" else "on_or_before"
        else:
            direction = {"past": "before", "future": "after", "since": "on_or_before"}[mod]
        day = _weekday(ref, lx.weekdays[_key(g["wd"])], direction)
        # a night is dated by the evening it begins: "la nuit de mardi à mercredi" is Tuesday
        return DateValue((day - timedelta(days=kind == "night")).isoformat(), "day")
    if kind == "season":
        season = lx.seasons[_key(g["se"])]
        if mod == "current":
            value = _season(ref, season, "current", tense)
        else:
            value = _season(ref, season, "after" if mod == "future" else "before")
        return DateValue(value, "season")
    month = lx.months[_key(g["mo"])]
    if mod == "current":
        direction = {"past": "on_or_before", "future": "on_or_after"}.get(tense, "unmarked")
    else:
        direction = {"past": "before", "future": "after", "since": "on_or_before"}[mod]
    return DateValue(_month(ref, month, direction), "month")


# --------------------------------------------------------------------------- public API


def _reference(published: DateValue | str | None) -> date | None:
    """The publication day that relative expressions are resolved against, if known."""
    if isinstance(published, DateValue):
        if published.precision != "day" or not published.value:
            return None
        published = published.value
    parsed = parse_iso(published) if published else None
    if parsed is None or parsed[1] != "day":
        return None
    return date.fromisoformat(parsed[0])


def find_dates(
    text: str, published: DateValue | str | None, lang: str = DEFAULT
) -> list[DateMention]:
    """Find the date expressions of a text and resolve them against the publication date.

    Parameters
    ----------
    text
        The article text.
    published
        The publication date: a :class:`DateValue` of precision ``day`` or an ISO string.
        When it is unknown, relative expressions keep value ``None`` (precision ``unknown``);
        explicit dates ("5 février 2020", "novembre 2015", "depuis 2012") still resolve.
    lang
        A language code of :data:`geo.lang.SUPPORTED`.

    Returns
    -------
    list of DateMention
        In text order, non-overlapping.

    Example
    -------
    >>> [(m.phrase, m.value.value) for m in find_dates("Il a annoncé mardi.", "2016-11-30")]
    [('mardi', '2016-11-29')]
    """
    lx = date_lexicon(lang)
    found = _scan(text, lx)
    if not found:
        return []
    ref = _reference(published)
    masked = text
    if ref is not None and any(kind in _NEEDS_TENSE for kind, _ in found):
        parts, pos = [], 0
        for _, m in found:
            s, e = m.span("core")
            parts += [text[pos:s], " " * (e - s)]
            pos = e
        masked = "".join([*parts, text[pos:]])
    starts = _sentence_starts(text) if masked is not text else [0]
    cache: dict[int, list[tuple[int, int, str]]] = {}
    out = []
    for kind, m in found:
        s, e = m.span("core")
        tense = None
        if masked is not text and kind in _NEEDS_TENSE:
            i = bisect.bisect_right(starts, s) - 1
            hi = starts[i + 1] if i + 1 < len(starts) else len(text)
            tense = _tense(masked, s, e, (starts[i], hi), lx, cache)
        value = _resolve(kind, m, ref, tense, lx)
        phrase = text[s:e]
        out.append(
            DateMention(s, e, phrase, DateValue(value.value, value.precision, phrase), tense)
        )
    return out


def date_for_span(mentions: list[DateMention], start: int, end: int, text: str) -> DateValue | None:
    """The date that applies to a sentence or clause: the mention in it nearest its verb.

    Parameters
    ----------
    mentions
        The output of :func:`find_dates` on ``text`` (in text order).
    start, end
        The span of the sentence or clause in ``text``.
    text
        The text the offsets index.

    Returns
    -------
    DateValue or None
        The value of the date mention inside the span nearest its first verb (a tense cue of
        either language, else the start of the span); ``None`` when the span names no date.

    Example
    -------
    >>> t = "Dix civils ont été tués mardi, a annoncé mercredi l'OSDH."
    >>> date_for_span(find_dates(t, "2016-11-30"), 0, len(t), t).value
    '2016-11-29'
    """
    lo = bisect.bisect_left(mentions, start, key=lambda m: m.start)
    hi = bisect.bisect_left(mentions, end, key=lambda m: m.start)
    inside = [m for m in mentions[lo:hi] if m.end <= end]
    if not inside:
        return None
    clause = text[start:end]
    for m in inside:
        clause = clause[: m.start - start] + " " * (m.end - m.start) + clause[m.end - start :]
    verbs = [
        c.span()
        for lang in LANGUAGES
        for tense, pat in date_lexicon(lang).cues
        if tense != "present"
        for c in [pat.search(clause)]
        if c
    ]
    vs, ve = (min(verbs)[0] + start, min(verbs)[1] + start) if verbs else (start, start)
    best = min(inside, key=lambda m: (max(m.start - ve, vs - m.end, 0), m.start))
    return best.value


# --------------------------------------------------------------------------- publication date


def parse_iso(value: str) -> tuple[str, str] | None:
    """``(iso, precision)`` for the date at the start of an ISO 8601 string, else ``None``."""
    m = _ISO.match(value)
    if not m:
        return None
    y, mo, d = (int(x) if x else None for x in m.groups())
    if d is not None:
        day = _safe_date(y, mo, d)  # type: ignore[arg-type]
        return (day.isoformat(), "day") if day else None
    if mo is not None:
        return (f"{y}-{mo:02d}", "month") if 1 <= mo <= 12 else None
    return (str(y), "year")


def date_bounds(value: str | None) -> tuple[str | None, str | None]:
    """The first and last day a date value covers: ``"2016-12"`` -> 2016-12-01..2016-12-31.

    Handles days, months, years, ISO weeks (``2016-W49``) and seasons (``2016-winter`` runs
    into February of the next year); ``(None, None)`` for an unknown or unreadable value.

    Example
    -------
    >>> date_bounds("2016-winter"), date_bounds("2016-W49"), date_bounds("jeudi")
    (('2016-12-01', '2017-02-28'), ('2016-12-05', '2016-12-11'), (None, None))
    """
    bounds = _bounds(value)
    try:  # both real days of the calendar: year 0000, 10000 (a season's next year) are none
        for day in bounds:
            if day is not None:
                date.fromisoformat(day)
    except ValueError:
        return None, None
    return bounds


def _bounds(value: str | None) -> tuple[str | None, str | None]:
    """The bounds :func:`date_bounds` gives, before they are checked as days."""
    if not value:
        return None, None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            date.fromisoformat(value)
            return value, value
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            y, mo = int(m[1]), int(m[2])
            last = calendar.monthrange(y, mo)[1]
            return f"{y:04d}-{mo:02d}-01", f"{y:04d}-{mo:02d}-{last:02d}"
        if re.fullmatch(r"\d{4}", value):
            return f"{value}-01-01", f"{value}-12-31"
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            y, w = int(m[1]), int(m[2])
            return date.fromisocalendar(y, w, 1).isoformat(), date.fromisocalendar(
                y, w, 7
            ).isoformat()
        if (m := re.fullmatch(r"(\d{4})-([a-z]+)", value)) and m[2] in SEASON_MONTHS:
            y, (a, b) = int(m[1]), SEASON_MONTHS[m[2]]
            y2 = y + 1 if b < a else y
            return f"{y:04d}-{a:02d}-01", f"{y2:04d}-{b:02d}-{calendar.monthrange(y2, b)[1]:02d}"
        if re.match(r"\d{4}-\d{2}-\d{2}", value):  # a date-time
            return _bounds(value[:10])
    except ValueError:
        pass
    return None, None


_DAYDATE = frozenset({"daydate"})


def _text_date(text: str, today: date) -> DateValue | None:
    """A publication day read from explicit dates of the text (see infer_publication_date)."""
    weekday_dates: list[tuple[date, str]] = []
    full_dates: list[tuple[date, str]] = []
    for lang in LANGUAGES:
        lx = date_lexicon(lang)
        for kind, m in _scan(text, lx, _DAYDATE):
            if kind != "daydate":
                continue
            g = {k: v for k, v in m.groupdict().items() if v}
            month, day, phrase = lx.months[_key(g["mo"])], int(g["d"]), m.group("core")
            if "y" in g:
                full = _safe_date(int(g["y"]), month, day)
                if full and full <= today:
                    (weekday_dates if "wd" in g else full_dates).append((full, phrase))
            elif "wd" in g:
                wd = lx.weekdays[_key(g["wd"])]
                for year in range(today.year, today.year - _YEARS_BACK - 1, -1):
                    cand = _safe_date(year, month, day)
                    if cand and cand <= today and cand.weekday() == wd:
                        weekday_dates.append((cand, phrase))
                        break
    if weekday_dates:
        return DateValue(weekday_dates[0][0].isoformat(), "day", weekday_dates[0][1])
    if full_dates:
        best = max(full_dates)
        return DateValue(best[0].isoformat(), "day", best[1])
    return None


def infer_publication_date(
    text: str, published: str | None = None, *, today: date | None = None
) -> DateValue:
    """The publication date of an article, from its metadata or its own text (the date an HTML
    page's metadata gives is read with the page: :mod:`geo.html_dates`).

    Parameters
    ----------
    text
        The article text.
    published
        An ISO 8601 date or date-time given with the article; used first when it parses.
    today
        The latest possible date (default: the current day).

    Returns
    -------
    DateValue
        From the text: a date with a weekday ("jeudi 8 décembre", "Thursday, December 8") gives
        the most recent year, at most 30 years back and not after ``today``, in which that day
        falls on that weekday (the first such date of the text wins); else the latest full date
        ("8 décembre 2016") not after ``today``. ``DateValue(None, "unknown", None)`` when
        nothing gives it.

    Example
    -------
    >>> infer_publication_date("", "2016-11-30T09:12:00+01:00").value
    '2016-11-30'
    >>> infer_publication_date("Ils se sont vus jeudi 8 décembre.", today=date(2017, 1, 1)).value
    '2016-12-08'
    """
    if published:
        parsed = parse_iso(published)
        if parsed:
            return DateValue(parsed[0], parsed[1], published)
    return _text_date(text, today or date.today()) or UNKNOWN

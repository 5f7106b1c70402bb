"""Tolls: how many people a sentence says were killed and injured, as minimums."""

from __future__ import annotations

import re
from functools import lru_cache

from geo.errors import ConfigError
from geo.events.lexicon import alternatives, word_list
from geo.lang import LANGUAGES

TOLL_WINDOW = 150  # farthest a count may stand before its harm word ("31 personnes dans ... tuées")

# --------------------------------------------------------------------------- casualties


def _words(name: str) -> str:
    """A word list of geo/lang/<code>/events_toll.tsv, every language's, as one alternation."""
    return alternatives("events_toll", name)


NUMBER_KINDS = ("unit", "number", "times", "vague", "scale")


@lru_cache(maxsize=1)
def numbers() -> dict[str, dict[str, int]]:
    """Number words by kind (``geo/lang/<code>/events_numbers.tsv``, every language's): word
    (lower case) -> value.

    Raises
    ------
    ConfigError
        On an unknown kind, a value that is no whole number, or a word given two values.

    >>> numbers()["number"]["douze"], numbers()["vague"]["dozens"]
    (12, 24)
    """
    out: dict[str, dict[str, int]] = {kind: {} for kind in NUMBER_KINDS}
    for lang in LANGUAGES.values():
        table = lang.lexicon("events_numbers")
        for n, row in table.rows:
            if len(row) < 3 or row[1] not in out or not row[2].isdigit():
                raise ConfigError(f"{table.where(n)}: expected word, kind in {NUMBER_KINDS}, value")
            word, kind, value = row[0].lower(), row[1], int(row[2])
            if out[kind].setdefault(word, value) != value:
                raise ConfigError(f"{table.where(n)}: {word!r} has another value")
    return out


# The count words: "un", "one" count only right before their noun (_COUNTED_NOW); the others
# also with words between ("deux autres civils"). "times" words multiply the number before them.
_UNITS = numbers()["unit"]
_WORDS = numbers()["number"] | numbers()["times"]
_TIMES = frozenset(numbers()["times"])
# Vague quantities: the smallest count the phrase allows (conservative, as a minimum).
_VAGUE = numbers()["vague"]
_SCALE = numbers()["scale"]  # after figures: "300 000", "2,5 millions"
_AND_WORDS = frozenset(word_list("events_toll", "and"))
_ONE_WORD = "|".join(sorted([*_WORDS, *_UNITS], key=len, reverse=True))
# Compound number words: dix-huit, trente et une, quatre-vingt-dix, deux cents, twenty-one.
_SEP = rf"(?:{_words('number_joint')})"
_NUMBER = re.compile(
    r"(?<![\w.,])(?:(?P<vague>"
    + "|".join(sorted(map(re.escape, _VAGUE), key=len, reverse=True))
    + r")|(?P<digits>\d{1,3}(?:[  .,]\d{3})+|\d+(?:,\d+)?)(?:\s*(?P<mult>"
    + "|".join(sorted(map(re.escape, _SCALE), key=len, reverse=True))
    + "))?"
    + rf"|(?P<word>(?:{_ONE_WORD})(?:{_SEP}(?:{_ONE_WORD}))*))(?![\w])",
    re.IGNORECASE,
)
_PERSONS = _words("persons")
_KILLED = _words("killed")
_INJURED = _words("injured")
_HARM = re.compile(
    rf"(?<![\w])(?:(?P<k>{_KILLED})|(?P<i>{_INJURED}))(?:(?<=')|(?![\w]))", re.IGNORECASE
)
_MORE = re.compile(rf"\s+(?:{_words('more')})\b", re.IGNORECASE)
# "plusieurs autres ont été portés disparus": a clause of its own, not an elided "tués"
_OWN_VERB = re.compile(rf"\s+(?:{_words('own_verb')})\b", re.IGNORECASE)
_AND = re.compile(rf"\s*(?:,|{_words('and')})\s*")
_COUNTED = re.compile(
    rf"\s*(?:(?:{_words('counted_lead')})\s*)*(?:[\w-]+\s+){{0,2}}?[\"«“]?\s*"
    rf"(?:{_PERSONS}|{_KILLED}|{_INJURED})\b"
    rf"|\s+(?:{_words('of_them')})\b",  # "killing 20 of them": those just named
    re.IGNORECASE,
)
_COUNTED_NOW = re.compile(rf"\s*(?:{_PERSONS}|{_KILLED}|{_INJURED})\b", re.IGNORECASE)
_TRANSITIVE = re.compile(_words("transitive"), re.I)
_QUALIFIER = re.compile(
    rf"\s*(?:[»\"”]\s*)?(?:(?:{_words('qualifier_time')})\s*,?\s*)?"
    rf"(?:{_words('qualifier')})?\s*$",
    re.IGNORECASE,
)
_PART_OF = re.compile(rf"(?:{_words('part_of')})\s*$", re.IGNORECASE)


def _value(m: re.Match[str]) -> int:
    if m.group("vague"):
        return _VAGUE[m.group("vague").lower()]
    if m.group("word"):
        return _word_value(m.group("word"))
    digits = m.group("digits")
    mult = (m.group("mult") or "").lower()
    if mult:
        scale = _SCALE[mult]
        return int(float(digits.replace(",", ".").replace(" ", "").replace(" ", "")) * scale)
    return int(re.sub(r"\D", "", digits))


def _word_value(phrase: str) -> int:
    """The value of a number in words, compounds included.

    >>> _word_value("trente et une"), _word_value("dix-huit"), _word_value("quatre-vingt-dix")
    (31, 18, 90)
    """
    parts = [p for p in re.split(r"[-\s]+", phrase.lower()) if p not in _AND_WORDS]
    total = 0
    for p in parts:
        v = _UNITS.get(p) or _WORDS[p]
        if p in _TIMES and 0 < total < v:
            total *= v  # quatre-vingt, deux cents, two hundred
        else:
            total += v
    return total


_QUALIFIED = re.compile(rf"(?:{_words('qualified')})\s*$", re.IGNORECASE)
# A toll counted over a period ("depuis 2011", "since January", "so far this year") or summed
# over a war is context, not the toll of the event the sentence reports.
_CUMULATIVE = re.compile(rf"\b(?:{_words('cumulative')})\b", re.IGNORECASE)


_HARD_STOP = re.compile(r"(?<=[a-zé»\"')])[.!?](?=\s*[«\"A-ZÀ-Ý])")
_STOP = re.compile(rf"[.;](?:\s|$)|,\s+(?:{_words('stop')})")


def casualties(sentence: str) -> tuple[int | None, int | None]:
    """Killed and injured counts stated in a sentence, as minimums.

    Each harm word ("tuées", "blessés", "killed", "wounded") takes the nearest count of people
    before it ("au moins 30 personnes ... tuées"), or after a transitive form ("killing 30
    people"); a part of a total ("dont 12 enfants") is not the total. Vague quantities give their
    smallest value ("des dizaines" is 20).

    Examples
    --------
    >>> casualties("Au moins 30 personnes ont été tuées et 70 autres blessées jeudi.")
    (30, 70)
    >>> casualties("Des combats ont fait plus de 20 morts des deux côtés.")
    (20, None)
    """
    t = toll(sentence, cumulative=True)
    return t[0], t[1]


def toll(sentence: str, cumulative: bool = False) -> tuple[int | None, int | None, str | None]:
    """Killed and injured counts of a sentence and the words the death toll was read from.

    With ``cumulative`` False, a count over a period or a whole war ("depuis 2011", "since
    January") is left out: it is context, not the event's toll.

    >>> toll("Au moins une dizaine de soldats ont été tués mardi.")
    (10, None, 'Au moins une dizaine de soldats')
    >>> toll("Le conflit a fait plus de 300.000 morts depuis 2011.")
    (None, None, None)
    """
    hard = _HARD_STOP.search(sentence)
    if hard and toll(sentence[: hard.start()], cumulative)[0] is not None:
        sentence = sentence[: hard.start()]  # the first of two run-together sentences
    nums = []
    for m in _NUMBER.finditer(sentence):
        unit = bool(m.group("word")) and m.group("word").lower() in _UNITS
        follow = (_COUNTED_NOW if unit else _COUNTED).match(sentence, m.end())
        year = m.group("digits") and len(m.group("digits")) == 4 and not follow
        if follow and not year and not _PART_OF.search(sentence, 0, m.start()):
            nums.append((m.start(), m.end(), _value(m), follow.end()))
    found: dict[str, tuple[int, int, int, int]] = {}
    used: set[int] = set()
    for h in _HARM.finditer(sentence):
        kind = "k" if h.group("k") else "i"
        pick = None
        if _TRANSITIVE.fullmatch(h.group()):
            pick = next(
                (n for n in nums if n[0] >= h.end() and _QUALIFIER.match(sentence[h.end() : n[0]])),
                None,
            )
            nxt = next((n for n in nums if pick and n[0] >= pick[3]), None)
            if pick and nxt and _AND.fullmatch(sentence, pick[3], nxt[0]) and nxt[0] not in used:
                used.add(nxt[0])  # "killing six soldiers and three attackers": nine
                pick = (pick[0], nxt[1], pick[2] + nxt[2], nxt[3])
        if pick is None:
            before = [
                n
                for n in nums
                if n[1] <= h.start()
                and h.start() - n[1] <= TOLL_WINDOW
                and n[0] not in used
                and not _HARM.search(sentence, n[1], h.start())
                and ";" not in sentence[n[1] : h.start()]
            ]
            pick = before[-1] if before else None
            if pick is not None and len(before) > 1:
                prev = before[-2]  # "un casque bleu et sept civils ont été tués": both count
                if _AND.fullmatch(sentence, prev[3], pick[0]) and prev[0] not in used:
                    used.add(prev[0])
                    pick = (prev[0], pick[1], prev[2] + pick[2], pick[3])
        if pick is None:
            continue
        if not cumulative:
            # "depuis janvier" right after the toll, or opening its clause, makes it a total;
            # "(des FSR,) en conflit avec l'armée depuis 2023" farther on is about something else
            end = max(h.end(), pick[1])
            stop = _STOP.search(sentence, end)
            comma = sentence.find(",", end)
            hi = min(x for x in (stop.start() if stop else len(sentence), end + 50) if x >= 0)
            hi = min(hi, comma) if comma >= 0 else hi
            lo = min(pick[0], h.start())
            if _CUMULATIVE.search(sentence, max(0, lo - 90), hi):
                continue
        used.add(pick[0])
        if kind not in found or pick[2] > found[kind][2]:
            found[kind] = pick
    k, i = found.get("k"), found.get("i")
    if k is not None:  # "deux tués à A, quatre autres à B et quatre encore à C": ten
        extra = 0
        for m in _NUMBER.finditer(sentence, k[1]):
            more = _MORE.match(sentence, m.end())
            if more and m.start() not in used and not _OWN_VERB.match(sentence, more.end()):
                own = _HARM.search(sentence, m.end(), min(len(sentence), m.end() + 40))
                if own is None:
                    extra += _value(m)
        if extra:
            k = (k[0], k[1], k[2] + extra, k[3])
    phrase = None
    if k is not None:
        q = _QUALIFIED.search(sentence, max(0, k[0] - 14), k[0])
        phrase = sentence[q.start() if q else k[0] : k[3]].strip()
    return (k[2] if k else None), (i[2] if i else None), phrase

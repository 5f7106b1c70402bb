"""Tolls: how many people a sentence says were killed and injured, as minimums."""

from __future__ import annotations

import re

TOLL_WINDOW = 150  # farthest a count may stand before its harm word ("31 personnes dans ... tuées")

# --------------------------------------------------------------------------- casualties


def words(s: str) -> list[str]:
    return s.split()


_UNITS = {"un": 1, "une": 1, "one": 1}
_WORDS = dict(
    zip(
        words(
            "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize"
        ),
        range(2, 17),
        strict=True,
    )
)
_WORDS |= dict(
    zip(
        words("two three four five six seven eight nine ten eleven twelve"),
        range(2, 13),
        strict=True,
    )
)
_WORDS |= {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100}
_WORDS |= {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
_WORDS |= {"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "thirteen": 13, "fourteen": 14}
_WORDS |= {"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_WORDS |= {"cents": 100, "hundreds": 100, "vingts": 20}
# Vague quantities: the smallest count the phrase allows (conservative, as a minimum).
_VAGUE = {
    "une dizaine": 10, "une douzaine": 12, "une quinzaine": 15, "une vingtaine": 20,
    "une trentaine": 30, "une quarantaine": 40, "une cinquantaine": 50, "une centaine": 100,
    "des dizaines": 20, "plusieurs dizaines": 20, "des centaines": 200, "plusieurs centaines": 200,
    "des milliers": 2000, "plusieurs milliers": 2000, "plusieurs": 2, "quelques": 2,
    "a dozen": 12, "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000,
    "several": 3, "a few": 2, "tens": 20, "une soixantaine": 60, "une dizaine de milliers": 10000,
}  # fmt: skip
_ONE_WORD = "|".join(sorted([*_WORDS, *_UNITS], key=len, reverse=True))
# Compound number words: dix-huit, trente et une, quatre-vingt-dix, deux cents, twenty-one.
_SEP = r"(?:-et-|\s+et\s+(?=une?\b)|-|\s+(?=cents?\b|hundred\b))"
_NUMBER = re.compile(
    r"(?<![\w.,])(?:(?P<vague>"
    + "|".join(sorted(map(re.escape, _VAGUE), key=len, reverse=True))
    + r")|(?P<digits>\d{1,3}(?:[  .,]\d{3})+|\d+(?:,\d+)?)(?:\s*(?P<mult>millions?|milliers|mille|thousand|million))?"
    + rf"|(?P<word>(?:{_ONE_WORD})(?:{_SEP}(?:{_ONE_WORD}))*))(?![\w])",
    re.IGNORECASE,
)
_PERSONS = (
    r"personnes|civils|soldats|militaires|combattants|rebelles|insurgés|djihadistes|jihadistes|"
    r"enfants|femmes|hommes|policiers|membres|habitants|manifestants|gardes|agents|secouristes|"
    r"people|persons|civilians|soldiers|troops|fighters|militants|rebels|insurgents|children|"
    r"women|men|policemen|officers|members|residents|protesters|jihadists|servicemen|personnel|"
    r"civil|soldat|militaire|combattant|enfant|policier|civilian|soldier|fighter|child|person|"
    r"villageois|villagers|déplacés|fidèles|commerçants|passagers|élèves|étudiants|Palestiniens|"
    r"Palestinians|casques bleus|peacekeepers|employés|travailleurs|workers|employees|"
    r"worshippers|passengers|students|displaced|terroristes|assaillants|terrorists|attackers|"
    r"assailants|casque bleu|peacekeeper|Kurdes|Kurds|"
    r"autres|others|"
    # a people's noun, capitalised: "un Palestinien", "deux Syriens", "three Afghans"
    r"(?-i:[A-ZÉ][a-zéèëï]+(?:iens?|iennes?|ais|aises?|ains?|aines?|ites?|is|ians?|ans))"
)
_KILLED = (
    r"tuée?s?|morte?s?|décédée?s?|péri|tuant|killed|dead|deaths?|died|killing|kills?|fatalities|"
    r"perdu la vie|trouvé la mort|la mort d(?:e|')|lost their lives|the deaths? of|victimes|"
    r"neutralisée?s?|neutrali[sz]ed|"  # the armies' word for fighters killed
    r"exécutée?s?|executed|exécutant|executing|massacrée?s?|massacred|massacring"
)
_INJURED = r"blessée?s?|blessant|wounded|injured|wounding|injuring|wounds?|injures?|hurt"
_HARM = re.compile(
    rf"(?<![\w])(?:(?P<k>{_KILLED})|(?P<i>{_INJURED}))(?:(?<=')|(?![\w]))", re.IGNORECASE
)
_MORE = re.compile(r"\s+(?:autres|encore|de\s+plus|others|more)\b", re.IGNORECASE)
# "plusieurs autres ont été portés disparus": a clause of its own, not an elided "tués"
_OWN_VERB = re.compile(r"\s+(?:ont|sont|a|est|étaient|were|was|have|had|are)\b", re.IGNORECASE)
_AND = re.compile(r"\s*(?:,|et|and)\s*")
_COUNTED = re.compile(
    rf"\s*(?:(?:autres|other|more|additional|de|d'|of)\s*)*(?:[\w-]+\s+){{0,2}}?[\"«“]?\s*(?:{_PERSONS}|{_KILLED}|{_INJURED})\b"
    r"|\s+(?:of\s+them|d'entre\s+(?:eux|elles))\b",  # "killing 20 of them": those just named
    re.IGNORECASE,
)
_COUNTED_NOW = re.compile(rf"\s*(?:{_PERSONS}|{_KILLED}|{_INJURED})\b", re.IGNORECASE)
_TRANSITIVE = re.compile(
    r"tuant|blessant|killing|killed|kills?|wounding|wounded|wounds?|injuring|injured|injures?|tué|"
    r"blessé|la mort d(?:e|')|the deaths? of|neutralisé|neutrali[sz]ed|neutrali[sz]ing|"
    r"exécuté|executed|exécutant|executing|massacré|massacred|massacring",
    re.I,
)
_QUALIFIER = re.compile(
    r"\s*(?:[»\"”]\s*)?(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd'hui|"
    r"(?:ce|cette|le|la)\s+(?:matin|soir|nuit|veille)|yesterday|today|on\s+\w+day)\s*,?\s*)?"
    r"(?:au moins|plus de|près de|environ|quelque|at least|more than|over|nearly|about|some|up to)?\s*$",
    re.IGNORECASE,
)
_PART_OF = re.compile(r"(?:dont|including|among them|parmi eux|parmi lesquels)\s*$", re.IGNORECASE)


def _value(m: re.Match[str]) -> int:
    if m.group("vague"):
        return _VAGUE[m.group("vague").lower()]
    if m.group("word"):
        return _word_value(m.group("word"))
    digits = m.group("digits")
    mult = (m.group("mult") or "").lower()
    if mult:
        scale = 1_000_000 if mult.startswith("million") else 1000
        return int(float(digits.replace(",", ".").replace(" ", "").replace(" ", "")) * scale)
    return int(re.sub(r"\D", "", digits))


def _word_value(phrase: str) -> int:
    """The value of a number in words, compounds included.

    >>> _word_value("trente et une"), _word_value("dix-huit"), _word_value("quatre-vingt-dix")
    (31, 18, 90)
    """
    parts = [p for p in re.split(r"[-\s]+", phrase.lower()) if p not in ("et", "and")]
    total = 0
    for p in parts:
        v = _UNITS.get(p) or _WORDS[p]
        if v in (20, 100) and 0 < total < v and p.startswith(("vingt", "cent", "hundred")):
            total *= v  # quatre-vingt, deux cents, two hundred
        else:
            total += v
    return total


_QUALIFIED = re.compile(
    r"(?:au\s+moins|plus\s+d[e']|près\s+d[e']|environ|quelque|at\s+least|more\s+than|over|"
    r"nearly|about|some|up\s+to|around)\s*$",
    re.IGNORECASE,
)
# A toll counted over a period ("depuis 2011", "since January", "so far this year") or summed
# over a war is context, not the toll of the event the sentence reports.
_CUMULATIVE = re.compile(
    r"\b(?:depuis\s+(?:le\s+début|l[ae]?\s*\w+|son|sa|\d+|janvier|février|mars|avril|mai|juin|juillet|"
    r"août|septembre|octobre|novembre|décembre|son|sa|leur|plusieurs|des)|since|au\s+total|"
    r"en\s+tout|au\s+cours\s+d(?:es|u)\s+(?:derniers?|dernières?)|cette\s+année|this\s+year|"
    r"so\s+far|to\s+date|in\s+total|bilan\s+global|overall)\b",
    re.IGNORECASE,
)


_HARD_STOP = re.compile(r"(?<=[a-zé»\"')])[.!?](?=\s*[«\"A-ZÀ-Ý])")
_STOP = re.compile(r"[.;](?:\s|$)|,\s+(?:dont|selon|a\s|ont\s|according)")


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

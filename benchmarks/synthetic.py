"""A synthetic store of N events at real gazetteer places, for the store, API, export, snapshot
and map benchmarks.

Events are placed at gazetteer cities drawn with a weight of population ** 0.8 (so the largest
cities lead without taking everything), 85 % of them in countries with armed conflict; about one
in ten is located only at province level. Dates run from 2012 to 2024 with more events in the
years of the Syrian, Iraqi, Yemeni and Ukrainian wars; types and sub-types follow ACLED's shares
roughly; actors come from per-country lists; fatalities are heavy-tailed; each event has a French
or English sentence naming its place. Every 100 events form one synthetic document (a digest of a
few weeks, published on its last day) written through the real :class:`geo.store.SQLiteStore`
with :meth:`~geo.store.Store.add`, one transaction per document, so the store is exactly what an
ingest would leave (mentions, place counters, R*Tree, FTS, one statement per document).

Nothing generated is committed. Usage::

    python benchmarks/synthetic.py --events 100000 -o /tmp/synthetic-100k.sqlite

The gazetteer comes from ``--gazetteer`` or ``$CONFLICTMAP_GAZETTEER``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.model import DateValue, Document, Event, Mention, Place, Statement  # noqa: E402
from geo.pipeline import Extracted  # noqa: E402

EVENTS_PER_DOCUMENT = 100
CONFLICT_SHARE = 0.85
ADMIN1_SHARE = 0.1
CITIES_PER_GROUP = 4000

# Countries with many ACLED events over 2012-2024, and their share of the conflict events.
CONFLICT_COUNTRIES = {
    "SY": 18, "UA": 14, "YE": 9, "IQ": 8, "AF": 7, "SO": 5, "NG": 4, "ML": 3, "BF": 3,
    "SD": 3, "CD": 4, "LY": 3, "MM": 4, "PS": 2, "IL": 1, "LB": 1, "TR": 2, "PK": 3, "ET": 2,
    "SS": 2, "CF": 1, "CM": 1, "MZ": 1, "NE": 1, "MX": 3, "CO": 2, "IN": 2,
}  # fmt: skip

# Events per year, relative (more during the Syrian and Iraqi wars and since 2022).
YEAR_WEIGHTS = {
    2012: 4, 2013: 6, 2014: 8, 2015: 9, 2016: 10, 2017: 9, 2018: 7, 2019: 6, 2020: 7,
    2021: 7, 2022: 10, 2023: 10, 2024: 9,
}  # fmt: skip

# ACLED's types, their rough shares and sub-types.
TYPES = [
    ("Battles", 24, ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"]),
    ("Explosions/Remote violence", 30, ["Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Suicide bomb"]),
    ("Violence against civilians", 18, ["Attack", "Abduction/forced disappearance", "Sexual violence"]),
    ("Protests", 14, ["Peaceful protest", "Protest with intervention", "Excessive force against protesters"]),
    ("Riots", 5, ["Violent demonstration", "Mob violence"]),
    ("Strategic developments", 6, ["Arrests", "Looting/property destruction", "Agreement", "Change to group/activity"]),
    ("Diplomacy", 3, ["Meeting/talks", "Phone call", "Visit", "Ceasefire proposal or demand"]),
]  # fmt: skip

ACTORS = {
    "SY": ["régime syrien", "Russie", "HTS", "EI", "FDS", "Turquie", "rebelles", "Hezbollah"],
    "UA": ["Russie", "armée ukrainienne", "forces russes", "Wagner"],
    "YE": ["Houthis", "coalition menée par l'Arabie saoudite", "AQPA", "forces gouvernementales"],
    "IQ": ["EI", "armée irakienne", "Hachd al-Chaabi", "coalition menée par les États-Unis"],
    "AF": ["talibans", "armée afghane", "EI-K", "coalition menée par les États-Unis"],
    "SO": ["Chabab", "armée somalienne", "AMISOM"],
    "NG": ["Boko Haram", "ISWAP", "armée nigériane", "bandits"],
    "PS": ["Israël", "Hamas", "Jihad islamique"],
    "IL": ["Israël", "Hamas", "Hezbollah"],
}
GENERIC_ACTORS = [
    "forces gouvernementales",
    "rebelles",
    "milice",
    "civils",
    "police",
    "manifestants",
]

SENTENCES = {
    "fr": {
        "Battles": "De violents combats ont opposé {a} et {b} à {p} {d}, faisant {n} morts.",
        "Explosions/Remote violence": "Des frappes attribuées à {a} ont visé {p} {d}, tuant {n} personnes.",
        "Violence against civilians": "{a} a attaqué des civils à {p} {d} : {n} morts selon une ONG.",
        "Protests": "Des centaines de manifestants se sont rassemblés à {p} {d} contre {a}.",
        "Riots": "Des émeutes ont éclaté à {p} {d}, {n} morts selon la police.",
        "Strategic developments": "{a} a arrêté des membres de {b} à {p} {d}.",
        "Diplomacy": "Des représentants de {a} et de {b} se sont rencontrés à {p} {d}.",
    },
    "en": {
        "Battles": "Heavy fighting between {a} and {b} in {p} {d} left {n} dead.",
        "Explosions/Remote violence": "Strikes blamed on {a} hit {p} {d}, killing {n} people.",
        "Violence against civilians": "{a} attacked civilians in {p} {d}, killing {n}, a monitor said.",
        "Protests": "Hundreds of protesters gathered in {p} {d} against {a}.",
        "Riots": "Riots broke out in {p} {d}; police said {n} people died.",
        "Strategic developments": "{a} arrested members of {b} in {p} {d}.",
        "Diplomacy": "Envoys of {a} and {b} met in {p} {d}.",
    },
}
MONTHS_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
MONTHS_FR = MONTHS_FR.split()


def _weighted(rng: random.Random, items: list, weights: list, k: int) -> list:
    return rng.choices(items, weights=weights, k=k)


class Sampler:
    """Places, dates, types and actors drawn from fixed distributions (seeded)."""

    def __init__(self, gazetteer, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        cols = gazetteer._COLUMNS
        conflict = tuple(CONFLICT_COUNTRIES)
        marks = ",".join("?" * len(conflict))
        inside = gazetteer._query(
            f"SELECT {cols} FROM places p WHERE p.feature = 'city' AND p.population > 0 "
            f"AND p.country_code IN ({marks}) ORDER BY p.population DESC LIMIT ?",
            (*conflict, CITIES_PER_GROUP * 3),
        )
        outside = gazetteer._query(
            f"SELECT {cols} FROM places p WHERE p.feature = 'city' AND p.population > 0 "
            f"AND p.country_code NOT IN ({marks}) ORDER BY p.population DESC LIMIT ?",
            (*conflict, CITIES_PER_GROUP),
        )
        admin1 = gazetteer._query(
            f"SELECT {cols} FROM places p WHERE p.feature = 'admin1' "
            f"AND p.country_code IN ({marks})",
            conflict,
        )
        self.inside = [gazetteer._place(r) for r in inside]
        # a country's share split over its cities by population ** 0.8
        by_cc: dict[str, float] = {}
        for p in self.inside:
            by_cc[p.country_code] = by_cc.get(p.country_code, 0.0) + p.population**0.8
        self.inside_w = [
            CONFLICT_COUNTRIES[p.country_code] * p.population**0.8 / by_cc[p.country_code]
            for p in self.inside
        ]
        self.outside = [gazetteer._place(r) for r in outside]
        self.outside_w = [p.population**0.8 for p in self.outside]
        self.admin1 = [gazetteer._place(r) for r in admin1]
        self.admin1_w = [CONFLICT_COUNTRIES.get(p.country_code, 1) for p in self.admin1]
        self.years = list(YEAR_WEIGHTS)
        self.year_w = list(YEAR_WEIGHTS.values())
        self.types = [t for t, _, _ in TYPES]
        self.type_w = [w for _, w, _ in TYPES]
        self.subtypes = {t: s for t, _, s in TYPES}

    def places(self, k: int) -> list[tuple[Place, str]]:
        """``k`` (place, precision) pairs."""
        rng = self.rng
        out = []
        n_in = sum(1 for _ in range(k) if rng.random() < CONFLICT_SHARE)
        for p in _weighted(rng, self.inside, self.inside_w, n_in):
            if self.admin1 and rng.random() < ADMIN1_SHARE:
                p = rng.choices(self.admin1, weights=self.admin1_w)[0]
                out.append((p, "admin1"))
            else:
                out.append((p, "city"))
        out += [(p, "city") for p in _weighted(rng, self.outside, self.outside_w, k - n_in)]
        rng.shuffle(out)
        return out

    def window(self) -> date:
        """The first day of a document's four-week window."""
        year = self.rng.choices(self.years, weights=self.year_w)[0]
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365 - 28))

    def date(self, first: date, lang: str) -> tuple[DateValue, str]:
        rng = self.rng
        day = first + timedelta(days=rng.randrange(28))
        r = rng.random()
        if r < 0.85:
            phrase = (
                f"le {day.day} {MONTHS_FR[day.month - 1]} {day.year}"
                if lang == "fr"
                else f"on {day.strftime('%B')} {day.day}, {day.year}"
            )
            return DateValue(day.isoformat(), "day", phrase), phrase
        if r < 0.9:
            y, w, _ = day.isocalendar()
            phrase = "cette semaine-là" if lang == "fr" else "that week"
            return DateValue(f"{y:04d}-W{w:02d}", "week", phrase), phrase
        phrase = (
            f"en {MONTHS_FR[day.month - 1]} {day.year}"
            if lang == "fr"
            else f"in {day.strftime('%B')} {day.year}"
        )
        return DateValue(f"{day.year:04d}-{day.month:02d}", "month", phrase), phrase

    def actors(self, cc: str | None) -> tuple[str, str]:
        pool = ACTORS.get(cc or "", GENERIC_ACTORS)
        a, b = self.rng.sample(pool, 2) if len(pool) > 1 else (pool[0], GENERIC_ACTORS[0])
        return a, b

    def fatalities(self, type_: str) -> int | None:
        rng = self.rng
        if type_ in ("Protests", "Diplomacy", "Strategic developments"):
            return 0 if rng.random() < 0.5 else None
        if rng.random() < 0.15:
            return None
        return min(int(rng.paretovariate(1.2)) - 1 + (rng.random() < 0.6), 500)


def documents(gazetteer, n_events: int, seed: int = 0, per_doc: int = EVENTS_PER_DOCUMENT):
    """Yield synthetic :class:`Extracted` documents holding ``n_events`` events in all.

    Example
    -------
    >>> from gazetteer.lookup import Gazetteer                          # doctest: +SKIP
    >>> sum(len(x.events) for x in documents(Gazetteer(path), 250))     # doctest: +SKIP
    250
    """
    s = Sampler(gazetteer, seed)
    rng = s.rng
    made = 0
    k = 0
    while made < n_events:
        n = min(per_doc, n_events - made)
        lang = "fr" if rng.random() < 0.7 else "en"
        first = s.window()
        parts: list[str] = []
        pos = 0
        events, mentions = [], []
        for place, precision in s.places(n):
            type_ = rng.choices(s.types, weights=s.type_w)[0]
            subtype = rng.choice(s.subtypes[type_])
            dv, phrase = s.date(first, lang)
            a, b = s.actors(place.country_code)
            deaths = s.fatalities(type_)
            name = (place.name_fr or place.name) if lang == "fr" else place.name
            tmpl = SENTENCES[lang][type_]
            sentence = tmpl.format(a=a, b=b, p=name, d=phrase, n=deaths or 0)
            sentence = sentence[0].upper() + sentence[1:]
            at = pos + sentence.index(name)
            mentions.append(Mention(at, at + len(name), name, place=place, score=0.9))
            events.append(
                Event(
                    type=type_,
                    subtype=subtype,
                    sentence=sentence,
                    start=pos,
                    end=pos + len(sentence),
                    date=dv,
                    actors=(a, b) if "{b}" in tmpl else (a,),
                    fatalities=deaths,
                    place=place,
                    place_precision=precision,
                    confidence=round(0.5 + rng.random() / 2, 3),
                )
            )
            parts.append(sentence)
            pos += len(sentence) + 1
        last = max((ev.date.value for ev in events if len(ev.date.value) == 10), default=None)
        published = last or (first + timedelta(days=27)).isoformat()
        speaker = rng.choice(["le porte-parole de l'ONU", "un responsable local", "le ministre"])
        quote = f"La situation à {mentions[0].text} reste très préoccupante"
        text = " ".join(parts) + f" « {quote} », a déclaré {speaker}. (synthétique n° {k})"
        qs = text.index(quote)
        statement = Statement(
            quote=quote,
            start=qs,
            end=qs + len(quote),
            speaker=speaker,
            date=DateValue(published, "day"),
            places=(mentions[0].place,),
        )
        doc = Document(
            id=f"synthetic-{seed}-{k:07d}",
            text=text,
            lang=lang,
            published=published,
            source=rng.choice(["AFP", "Reuters", "AP", "Le Monde", "France 24", "RFI"]),
            title=f"Synthetic digest {k}",
        )
        yield Extracted(
            doc=doc,
            lang=lang,
            published=DateValue(published, "day"),
            mentions=tuple(mentions),
            events=tuple(events),
            statements=(statement,),
        )
        made += n
        k += 1


def event_rows(x: Extracted) -> list[tuple]:
    """The events of one document as flat rows (the baseline's ``executemany``)."""
    return [
        (
            x.doc.id, ev.type, ev.subtype, ev.date.value, ev.date.precision,
            json.dumps(list(ev.actors), ensure_ascii=False), ev.fatalities, ev.place.id,
            ev.place.lat, ev.place.lon, ev.place_precision, ev.sentence,
        )
        for ev in x.events
    ]  # fmt: skip


def write_store(path: str | os.PathLike, n_events: int, gazetteer, seed: int = 0) -> float:
    """Write ``n_events`` synthetic events into a new store at ``path``; seconds spent in
    :meth:`~geo.store.Store.add` (generation excluded)."""
    from geo.store import SQLiteStore

    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = SQLiteStore(path)
    spent = 0.0
    try:
        for x in documents(gazetteer, n_events, seed):
            t0 = time.perf_counter()
            store.add(x)
            spent += time.perf_counter() - t0
        t0 = time.perf_counter()
        store.optimize()
        spent += time.perf_counter() - t0
    finally:
        store.close()
    return spent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000, help="number of events")
    ap.add_argument("-o", "--output", required=True, help="the store to write (replaced)")
    ap.add_argument("--gazetteer", default=os.environ.get("CONFLICTMAP_GAZETTEER"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    from gazetteer.lookup import Gazetteer, default_path

    gaz = Gazetteer(args.gazetteer or default_path())
    t0 = time.perf_counter()
    spent = write_store(args.output, args.events, gaz, args.seed)
    total = time.perf_counter() - t0
    print(
        f"{args.events:,} events in {args.output}: {total:.1f} s "
        f"({spent:.1f} s writing, {args.events / spent:,.0f} events/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

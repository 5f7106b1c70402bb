"""Tests of geo.dates: publication dates, relative dates and the tense of their clause."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from geo.dates import (
    SEASON_MONTHS,
    SEASONS,
    DateMention,
    date_bounds,
    date_for_span,
    find_dates,
    infer_publication_date,
)
from geo.html_dates import html_publication_date
from geo.lang import LANGUAGES
from geo.model import DateValue

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PUB = "2016-11-30"  # a Wednesday


def _one(text: str, phrase: str, published: str | DateValue | None = PUB, lang: str = "fr"):
    """The mention of ``phrase`` in ``text`` (exactly one must exist)."""
    found = [m for m in find_dates(text, published, lang) if m.phrase == phrase]
    assert len(found) == 1, (phrase, find_dates(text, published, lang))
    return found[0]


FRENCH = [
    ("Il est arrivé aujourd'hui à Alep.", "aujourd'hui", "2016-11-30", "day"),
    ("Il est arrivé aujourd’hui à Alep.", "aujourd’hui", "2016-11-30", "day"),
    ("Dix civils ont été tués hier.", "hier", "2016-11-29", "day"),
    ("Il doit se rendre demain à Moscou.", "demain", "2016-12-01", "day"),
    ("Les frappes ont repris avant-hier.", "avant-hier", "2016-11-28", "day"),
    ("Il doit arriver après-demain.", "après-demain", "2016-12-02", "day"),
    ("Il avait affirmé la veille que l'offensive continuerait.", "la veille", "2016-11-29", "day"),
    ("Le sommet se tiendra le lendemain.", "le lendemain", "2016-12-01", "day"),
    ("Alep a été bombardée cette nuit.", "cette nuit", "2016-11-29", "day"),
    ("Les combats devraient reprendre cette nuit.", "cette nuit", "2016-11-30", "day"),
    ("Le ministre a parlé ce matin.", "ce matin", "2016-11-30", "day"),
    ("Il doit parler ce soir.", "ce soir", "2016-11-30", "day"),
    (
        "Des raids ont frappé Alep dans la nuit de mardi à mercredi.",
        "la nuit de mardi à mercredi",
        "2016-11-29",
        "day",
    ),
    ("Moscou a annoncé lundi une trêve.", "lundi", "2016-11-28", "day"),
    ("Moscou a annoncé mercredi une trêve.", "mercredi", "2016-11-30", "day"),
    ("Une réunion devrait se tenir mercredi.", "mercredi", "2016-12-07", "day"),
    ("Le sommet se tiendra aujourd'hui mercredi.", "mercredi", "2016-11-30", "day"),
    ("Le sommet se tiendra ce mercredi.", "ce mercredi", "2016-12-07", "day"),
    ("Il rencontrera son homologue vendredi.", "vendredi", "2016-12-02", "day"),
    ("Lavrov est attendu jeudi en Turquie.", "jeudi", "2016-12-01", "day"),
    ("La réunion aura lieu samedi prochain.", "samedi prochain", "2016-12-03", "day"),
    ("La trêve a été annoncée mardi dernier.", "mardi dernier", "2016-11-29", "day"),
    ("La trêve a été annoncée mercredi dernier.", "mercredi dernier", "2016-11-23", "day"),
    ("L'offensive lancée l'été dernier continue.", "l'été dernier", "2016-summer", "season"),
    ("Le siège a commencé l'hiver dernier.", "l'hiver dernier", "2015-winter", "season"),
    ("L'armée a repris la ville cet été.", "cet été", "2016-summer", "season"),
    (
        "Une offensive est prévue au printemps prochain.",
        "printemps prochain",
        "2017-spring",
        "season",
    ),
    ("L'automne prochain, l'armée attaquera.", "L'automne prochain", "2017-autumn", "season"),
    ("Cet hiver, l'armée attaquera Alep.", "Cet hiver", "2016-winter", "season"),
    ("Ce printemps, l'armée a attaqué Alep.", "Ce printemps", "2016-spring", "season"),
    ("En hiver, l'armée attaque.", None, None, None),
    ("Les combats de l'été 2015 ont fait 300 morts.", "l'été 2015", "2015-summer", "season"),
    ("Ankara a ouvert sa base l'an dernier.", "l'an dernier", "2015", "year"),
    ("Ankara a ouvert sa base l'année dernière.", "l'année dernière", "2015", "year"),
    ("Des élections auront lieu l'an prochain.", "l'an prochain", "2017", "year"),
    ("Les raids ont repris le mois dernier.", "le mois dernier", "2016-10", "month"),
    ("Les relations se sont normalisées depuis juin.", "juin", "2016-06", "month"),
    ("Le siège dure depuis décembre.", "décembre", "2015-12", "month"),
    ("L'avion a été abattu en novembre 2015.", "novembre 2015", "2015-11", "month"),
    ("L'avion a été abattu novembre 2015.", "novembre 2015", "2015-11", "month"),
    ("La trêve a été rompue en juin dernier.", "juin dernier", "2016-06", "month"),
    ("Le vote aura lieu en février.", "février", "2017-02", "month"),
    ("Le ministre a été tué le 5 février.", "5 février", "2016-02-05", "day"),
    ("Le sommet aura lieu le 5 février.", "5 février", "2017-02-05", "day"),
    ("Le ministre a été tué le 5 février 2020.", "5 février 2020", "2020-02-05", "day"),
    ("La trêve a été signée le 1er décembre.", "1er décembre", "2015-12-01", "day"),
    ("La trêve signée le 3 déc. 2016 tient.", "3 déc. 2016", "2016-12-03", "day"),
    ("Ils se sont vus jeudi 8 décembre.", "jeudi 8 décembre", "2016-12-08", "day"),
    ("Les rebelles tiennent ces quartiers depuis 2012.", "2012", "2012", "year"),
    ("La guerre a commencé en 2011.", "2011", "2011", "year"),
    ("Les combats ont baissé la semaine dernière.", "la semaine dernière", "2016-W47", "week"),
]

ENGLISH = [
    ("The minister arrived today.", "today", "2016-11-30", "day"),
    ("Ten civilians were killed yesterday.", "yesterday", "2016-11-29", "day"),
    ("He will travel to Moscow tomorrow.", "tomorrow", "2016-12-01", "day"),
    ("Moscow said on Tuesday that the truce held.", "Tuesday", "2016-11-29", "day"),
    ("Moscow announced a truce on Wednesday.", "Wednesday", "2016-11-30", "day"),
    ("The talks will resume on Friday.", "Friday", "2016-12-02", "day"),
    ("The truce was signed last Tuesday.", "last Tuesday", "2016-11-29", "day"),
    ("The summit will be held next Tuesday.", "next Tuesday", "2016-12-06", "day"),
    ("Talks are expected to resume next week.", "next week", "2016-W49", "week"),
    ("The offensive began last summer.", "last summer", "2016-summer", "season"),
    ("Turkey opened the base last year.", "last year", "2015", "year"),
    ("Prices rose last month.", "last month", "2016-10", "month"),
    ("The jet was downed in November 2015.", "November 2015", "2015-11", "month"),
    ("Relations have improved since June.", "June", "2016-06", "month"),
    ("He was killed on Feb. 5, officials said.", "Feb. 5", "2016-02-05", "day"),
    ("He was killed on February 5, 2020.", "February 5, 2020", "2020-02-05", "day"),
    ("He was killed on 5 February.", "5 February", "2016-02-05", "day"),
    ("They met on Thursday, December 8.", "Thursday, December 8", "2016-12-08", "day"),
    ("Rebels have held the area since 2012.", "2012", "2012", "year"),
    ("Theresa May said the talks were over.", None, None, None),
]


@pytest.mark.parametrize(("text", "phrase", "value", "precision"), FRENCH)
def test_french_expressions(
    text: str, phrase: str | None, value: str | None, precision: str | None
) -> None:
    if phrase is None:
        assert find_dates(text, PUB) == []
        return
    mention = _one(text, phrase)
    assert (mention.value.value, mention.value.precision) == (value, precision)
    assert text[mention.start : mention.end] == phrase == mention.value.phrase


@pytest.mark.parametrize(("text", "phrase", "value", "precision"), ENGLISH)
def test_english_expressions(
    text: str, phrase: str | None, value: str | None, precision: str | None
) -> None:
    if phrase is None:
        assert find_dates(text, PUB, "en") == []
        return
    mention = _one(text, phrase, lang="en")
    assert (mention.value.value, mention.value.precision) == (value, precision)
    assert text[mention.start : mention.end] == phrase


def test_future_weekday_is_the_next_one() -> None:
    text = "Une réunion turco-russe devrait se tenir mercredi, a indiqué M. Cavusoglu."
    assert _one(text, "mercredi", "2016-11-29").value.value == "2016-11-30"


def test_past_weekday_may_be_the_publication_day() -> None:
    assert _one("Le ministre a annoncé mardi une trêve.", "mardi", "2016-11-29").value.value == (
        "2016-11-29"
    )
    assert _one("Le ministre a annoncé mardi une trêve.", "mardi").value.value == "2016-11-29"


def test_tense_is_read_in_the_clause_of_the_date() -> None:
    # the future "devrait" governs "mercredi"; the past "a indiqué" is beyond a comma
    text = "Une réunion devrait se tenir mercredi, a indiqué le ministre."
    mention = _one(text, "mercredi", "2016-11-29")
    assert mention.tense == "future"
    # "le ministre a dit" is past, but "samedi" belongs to the clause of "doit"
    text = "Le ministre a dit que le sommet doit se tenir samedi."
    assert _one(text, "samedi").value.value == "2016-12-03"
    text = "Ils ont été tués jeudi, et le ministre se rendra à Alep."
    assert _one(text, "jeudi").value.value == "2016-11-24"


@pytest.mark.parametrize(
    ("published", "text", "phrase", "value"),
    [
        # a season under way is the current one, whatever the tense
        ("2016-07-15", "Cet été, l'armée a attaqué Alep.", "Cet été", "2016-summer"),
        ("2016-07-15", "L'été dernier, l'armée a attaqué Alep.", "L'été dernier", "2015-summer"),
        # a winter spans two years and is named by the year of its December
        ("2017-01-20", "Cet hiver, les combats ont repris.", "Cet hiver", "2016-winter"),
        (
            "2017-01-20",
            "L'hiver dernier, les combats ont repris.",
            "L'hiver dernier",
            "2015-winter",
        ),
        # without a tense, the next month is the coming one, any other the last one
        ("2016-11-30", "Le cessez-le-feu expire fin décembre.", "décembre", "2016-12"),
        ("2016-11-30", "Le cessez-le-feu expire fin octobre.", "octobre", "2016-10"),
        # a day and month across the new year
        ("2017-01-03", "Il a été tué le 28 décembre.", "28 décembre", "2016-12-28"),
        ("2016-12-28", "Le sommet se tiendra le 5 janvier.", "5 janvier", "2017-01-05"),
        ("2017-01-03", "Les raids ont repris le mois dernier.", "le mois dernier", "2016-12"),
        ("2017-01-03", "Talks will resume next week.", "next week", "2017-W02"),
    ],
)
def test_other_publication_dates(published: str, text: str, phrase: str, value: str) -> None:
    lang = "en" if text.startswith("Talks") else "fr"
    assert _one(text, phrase, published, lang).value.value == value


def test_published_as_date_value() -> None:
    published = DateValue("2016-11-30", "day", "2016-11-30")
    assert _one("Il est arrivé hier.", "hier", published).value.value == "2016-11-29"
    # a publication month is not enough to resolve a day
    month = DateValue("2016-11", "month", None)
    assert _one("Il est arrivé hier.", "hier", month).value == DateValue(None, "unknown", "hier")


def test_unknown_publication_date_leaves_relative_dates_unresolved() -> None:
    text = (
        "Moscou a annoncé mardi une trêve, hier soir, valable depuis juin, après l'été dernier. "
        "L'avion a été abattu le 24 novembre 2015, en novembre 2015, le conflit dure depuis 2011."
    )
    values = {m.phrase: m.value for m in find_dates(text, None)}
    for phrase in ("mardi", "hier soir", "juin", "l'été dernier"):
        assert values[phrase] == DateValue(None, "unknown", phrase)
    assert values["24 novembre 2015"].value == "2015-11-24"
    assert values["novembre 2015"].value == "2015-11"
    assert values["2011"].value == "2011"
    assert [m.value.value for m in find_dates("He left on Tuesday.", None, "en")] == [None]


def test_words_that_are_not_dates() -> None:
    assert find_dates("Theresa May and Jan Egeland may march to Mars.", PUB, "en") == []
    assert find_dates("Le régime a été soutenu par 2012 combattants.", PUB) == []
    assert find_dates("Il a été dernier du classement, il sera prochain sur la liste.", PUB) == []


def test_mention_is_frozen_and_offsets_index_the_text() -> None:
    text = "Dix civils ont été tués mardi à Alep."
    (mention,) = find_dates(text, PUB)
    assert isinstance(mention, DateMention)
    assert text[mention.start : mention.end] == "mardi"
    with pytest.raises(AttributeError):
        mention.start = 0  # type: ignore[misc]


# ---------------------------------------------------------------- publication date


def test_publication_date_from_metadata_first() -> None:
    assert infer_publication_date("jeudi 8 décembre", "2016-11-30T09:12:00+01:00") == DateValue(
        "2016-11-30", "day", "2016-11-30T09:12:00+01:00"
    )
    assert infer_publication_date("", "2016-11").precision == "month"


@pytest.mark.parametrize(
    "html",
    [
        '<meta property="article:published_time" content="2016-12-08T10:00:00Z">',
        '<meta itemprop="datePublished" content="2016-12-08">',
        '<span itemprop="datePublished" content="2016-12-08">8 déc.</span>',
        '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",'
        ' "datePublished": "2016-12-08T08:00:00+01:00"}]}</script>',
        '<p>Publié le <time datetime="2016-12-08T07:45">8 décembre</time></p>',
        '<meta name="date" content="2016-12-08">',
    ],
)
def test_publication_date_from_html(html: str) -> None:
    page = f"<html><head><title>Alep</title></head><body>{html}<p>Texte.</p></body></html>"
    found = html_publication_date(page)
    assert (found.value, found.precision) == ("2016-12-08", "day")


def test_html_prefers_article_metadata_and_survives_broken_json() -> None:
    page = (
        '<script type="application/ld+json">{broken</script>'
        '<time datetime="2015-01-01">un commentaire</time>'
        '<meta property="article:published_time" content="2016-12-08">'
    )
    assert html_publication_date(page).value == "2016-12-08"
    assert html_publication_date("<p>Publié jeudi 8 décembre 2016.</p>") is None


def test_publication_year_from_a_weekday() -> None:
    text = "Lavrov et Kerry n'ont fait aucun progrès jeudi 8 décembre à propos d'Alep."
    found = infer_publication_date(text, today=date(2019, 6, 1))
    assert found == DateValue("2016-12-08", "day", "jeudi 8 décembre")
    # the most recent matching year not after today
    assert infer_publication_date(text, today=date(2023, 6, 1)).value == "2022-12-08"
    assert infer_publication_date(
        "They met on Thursday, December 8.", today=date(2019, 1, 1)
    ).value == ("2016-12-08")


def test_publication_date_from_a_full_date_or_unknown() -> None:
    text = "La guerre a commencé le 15 mars 2011. L'armée est entrée à Alep le 8 décembre 2016."
    assert infer_publication_date(text, today=date(2020, 1, 1)).value == "2016-12-08"
    assert infer_publication_date("Moscou a annoncé mardi une trêve.") == DateValue(
        None, "unknown", None
    )
    assert infer_publication_date("Ankara, le 8 décembre.", "pas une date") == DateValue(
        None, "unknown", None
    )


# ---------------------------------------------------------------- spans


def test_date_for_span_takes_the_date_of_the_clause_verb() -> None:
    text = "En 2011, dix civils ont été tués mardi à Alep, a annoncé mercredi l'OSDH. Rien hier."
    mentions = find_dates(text, PUB)
    first = text.index(".") + 1
    assert date_for_span(mentions, 0, first, text).value == "2016-11-29"
    clause = text.index("a annoncé")
    assert date_for_span(mentions, clause, first, text).value == "2016-11-30"
    assert date_for_span(mentions, first, len(text), text).value == "2016-11-29"
    assert date_for_span(mentions, 9, 20, text) is None


# ---------------------------------------------------------------- seeds and data


def _seed(prefix: str) -> tuple[str, str | None]:
    meta = json.loads((SEEDS / "metadata.json").read_text(encoding="utf-8"))
    (name,) = [n for n in meta if n.startswith(prefix)]
    return (SEEDS / name).read_text(encoding="utf-8"), meta[name]["published"]


@pytest.mark.parametrize(
    ("seed", "phrase", "values"),
    [
        ("002", "jeudi", {"2016-08-11"}),
        ("003", "mercredi", {"2020-02-05"}),
        ("001", "mercredi", {"2016-11-30"}),
        ("001", "la veille", {"2016-11-29"}),
        ("001", "jeudi", {"2016-12-01"}),
        ("004", "samedi", {"2016-12-10"}),
        ("004", "mardi", {"2016-12-06"}),
    ],
)
def test_seed_weekdays(seed: str, phrase: str, values: set[str]) -> None:
    text, published = _seed(seed)
    found = {m.value.value for m in find_dates(text, published) if m.phrase == phrase}
    assert found == values


def test_seed_without_publication_date() -> None:
    text, published = _seed("000")
    assert published is None
    assert infer_publication_date(text) == DateValue(None, "unknown", None)
    mentions = find_dates(text, published)
    assert {m.phrase for m in mentions} >= {"mardi", "mercredi", "demain", "juin"}
    assert [m.value.value for m in mentions if m.value.precision != "unknown"] == ["2012"]


def test_seed_publication_date_from_text() -> None:
    text, published = _seed("004")
    assert infer_publication_date(text, today=date(2020, 1, 1)).value == published


@pytest.mark.parametrize("lang", list(LANGUAGES.values()), ids=list(LANGUAGES))
def test_lexicons_are_complete(lang) -> None:
    rows = list(lang.lexicon("dates_calendar"))
    assert {r[2] for r in rows if r[0] == "weekday"} == {str(i) for i in range(7)}
    assert {r[2] for r in rows if r[0] == "month"} == {str(i) for i in range(1, 13)}
    assert {r[2] for r in rows if r[0] == "season"} == set(SEASONS)
    assert all(len(row) >= 2 for row in lang.lexicon("dates_tense"))


def _relative_rows() -> list[tuple[str, ...]]:
    return [
        (code, *row) for code, lang in LANGUAGES.items() for row in lang.lexicon("dates_relative")
    ]


@pytest.mark.parametrize(
    ("lang", "phrase", "unit"),
    [tuple(r[:3]) for r in _relative_rows() if r[2] in ("day", "week", "month", "year")],
)
def test_every_relative_phrase_is_found_and_resolved(lang: str, phrase: str, unit: str) -> None:
    text = f"Il y a eu des combats, {phrase}, à Alep."
    (mention,) = find_dates(text, PUB, lang)
    assert mention.phrase == phrase
    assert mention.value.precision == unit and mention.value.value


# ---------------------------------------------------------------- the days a value covers


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("2016-12-08", ("2016-12-08", "2016-12-08")),
        ("2016-12-08T10:00:00+01:00", ("2016-12-08", "2016-12-08")),
        ("2016-02", ("2016-02-01", "2016-02-29")),
        ("2016", ("2016-01-01", "2016-12-31")),
        ("2016-W49", ("2016-12-05", "2016-12-11")),
        ("2016-spring", ("2016-03-01", "2016-05-31")),
        ("2015-winter", ("2015-12-01", "2016-02-29")),
        ("2016-13", (None, None)),
        ("2016-monsoon", (None, None)),
        ("mardi", (None, None)),
        (None, (None, None)),
        ("0000", (None, None)),  # no year 0 in the calendar: a reviewer's "0000" is refused
        ("0000-05", (None, None)),
        ("9999-winter", (None, None)),  # would run into a year 10000
        ("9999-autumn", ("9999-09-01", "9999-11-30")),
    ],
)
def test_the_days_a_date_value_covers(value, bounds) -> None:
    assert date_bounds(value) == bounds


def test_a_season_found_in_a_text_covers_its_three_months() -> None:
    """The season a text names and the days the store files it under come from one table."""
    for phrase, season in (("l'été dernier", "summer"), ("l'hiver dernier", "winter")):
        value = _one(f"Les combats de {phrase} ont repris.", phrase).value.value
        first, last = date_bounds(value)
        assert value.endswith(season) and int(first[5:7]) == SEASON_MONTHS[season][0]
        assert int(last[5:7]) == SEASON_MONTHS[season][1]

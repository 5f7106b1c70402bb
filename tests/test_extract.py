"""`conflictmap extract` end to end: the whole pipeline on real text, offsets, the seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.geoparse import Geoparser
from geo.model import Document
from geo.pipeline import Extractor

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="module")
def extractor(gaz):
    return Extractor(Geoparser(gaz))


@pytest.fixture(scope="module")
def seeds(extractor):
    meta = json.loads((ROOT / "seeds" / "metadata.json").read_text(encoding="utf-8"))
    out = {}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        m = meta[path.name]
        doc = Document(path.stem, path.read_text(encoding="utf-8"), m["lang"], m["published"])
        out[path.stem[:3]] = extractor.extract(doc)
    return out


def test_offsets_index_the_original_text(extractor):
    text = "Titre\r\n\r\n« Nous resterons », a déclaré\u00a0mardi M. Ali à Homs.\r\nDes frappes ont tué 3 civils à Alep."
    x = extractor.extract(Document("t", text, "fr", "2016-11-30"))
    assert x.statements and x.events
    for s in x.statements:
        assert s.quote in text[s.start : s.end] or text[s.start : s.end] in s.quote
    for e in x.events:
        assert text[e.start : e.end] == e.sentence


def test_contract(extractor):
    x = extractor.extract(
        Document("t", "Des frappes russes ont tué jeudi 30 civils à Alep.", "fr", "2016-08-11")
    )
    d = x.to_dict()
    assert {"id", "lang", "published", "mentions", "events", "statements"} <= d.keys()
    ev = d["events"][0]
    assert {"type", "subtype", "date", "actors", "fatalities", "injured", "place", "place_precision",
            "sentence", "start", "end", "confidence"} <= ev.keys()  # fmt: skip
    assert ev["date"]["value"] == "2016-08-11" and ev["fatalities"] == 30
    assert ev["place"]["name"] == "Aleppo" and "Russie" in ev["actors"]


@pytest.mark.parametrize(
    ("seed", "type_", "subtype", "date", "place", "check"),
    [
        (
            "002",
            "Explosions/Remote violence",
            "Air/drone strike",
            "2016-08-11",
            172957,
            {"fatalities": 30, "injured": 70},
        ),
        ("003", "Battles", "Government regains territory", "2020-02-05", 164816, {}),
        (
            "003",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            None,
            164816,
            {},
        ),
        ("004", "Diplomacy", "Meeting/talks", "2016-12-08", 2911298, {}),
        ("004", "Diplomacy", "Meeting/talks", "2016-12-10", 2988507, {}),
        ("001", "Diplomacy", "Phone call", "2016-11-30", None, {}),
    ],
)
def test_expected_seed_events(seeds, seed, type_, subtype, date, place, check):
    def match(e):
        return (
            e.type == type_ and e.subtype == subtype
            and (date is None or e.date.value == date)
            and (place is None or (e.place and e.place.geonameid == place))
            and all(getattr(e, k) == v for k, v in check.items())
        )  # fmt: skip

    assert any(match(e) for e in seeds[seed].events), [
        (e.type, e.subtype, e.date.value, e.place and e.place.name) for e in seeds[seed].events
    ]


def test_main_event_comes_first(seeds):
    assert seeds["002"].events[0].subtype == "Air/drone strike"
    assert seeds["001"].events[0].subtype == "Phone call"


def test_no_event_in_a_capital_that_stands_for_its_government(seeds):
    for x in seeds.values():
        metonymic = {(m.start, m.end) for m in x.mentions if m.role == "metonymic"}
        for e in x.events:
            assert (
                e.place is None
                or e.place.geonameid not in (170654, 323786, 524901)
                or not metonymic
            )


def test_repeated_lead_gives_its_statements_once(seeds):
    quotes = [s.quote for s in seeds["003"].statements]
    assert len(quotes) == len(set(quotes))


@pytest.mark.skipif(not EVAL.is_dir(), reason="the development set is not beside the repository")
def test_statement_scores_through_the_cli(gazetteer_path, tmp_path):
    out = tmp_path / "ex.jsonl"
    result = CliRunner().invoke(
        main,
        ["extract", str(ROOT / "seeds"), "-o", str(out)],
        env={"CONFLICTMAP_GAZETTEER": gazetteer_path},
    )
    assert result.exit_code == 0, result.output
    res = subprocess.run(
        [sys.executable, str(EVAL / "score_statements.py"), str(EVAL / "seeds_statements_gold.json"), str(out), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    scores = json.loads(res.stdout)
    assert scores["recall"] >= 0.95
    assert scores["speaker_accuracy"] >= 0.90
    assert scores["where_said_correct"] in ("8/8", 8)


# --------------------------------------------------------------------------- events a user checks


@pytest.mark.parametrize(
    ("lang", "text", "type_", "place", "location", "geo", "fatalities", "actor1", "actor2"),
    [
        (
            "fr",
            "Des hommes armés ont tué douze civils jeudi dans le village de Tin-Barkoudou, "
            "dans la région de Tillabéri.",
            "Violence against civilians", "Tillabéri", "Tin-Barkoudou", {2, 3}, 12,
            "gunmen", "civilians",
        ),
        (
            "en",
            "Gunmen killed twelve villagers on Thursday in the village of Tin-Barkoudou, in "
            "Niger's Tillaberi region.",
            "Violence against civilians", "Tillabéri", "Tin-Barkoudou", {2, 3}, 12,
            "gunmen", "civilians",
        ),
        (
            "fr",
            "Un drone russe a frappé mercredi un marché de Kramatorsk, tuant douze civils.",
            "Explosions/Remote violence", "Kramatorsk", "Kramatorsk", {1}, 12, "russia",
            "civilians",
        ),
        (
            "en",
            "A Russian drone struck a market in Kramatorsk on Wednesday, killing twelve civilians.",
            "Explosions/Remote violence", "Kramatorsk", "Kramatorsk", {1}, 12, "russia",
            "civilians",
        ),
        (
            "fr",
            "Sept soldats maliens ont été tués mardi dans une embuscade près de Douentza.",
            "Battles", "Douentza", "Douentza", {2}, 7, None, "mali",
        ),
        (
            "en",
            "Seven Malian soldiers were killed on Tuesday in an ambush near Douentza.",
            "Battles", "Douentza", "Douentza", {2}, 7, None, "mali",
        ),
        (
            "fr",
            "Les dockers du port de Marseille sont en grève depuis lundi.",
            "Protests", "Marseille", "Marseille", {1}, None, "protesters", None,
        ),
        (
            "en",
            "Dockers in Marseille went on strike on Monday against the pension reform.",
            "Protests", "Marseille", "Marseille", {1}, None, "protesters", None,
        ),
        (
            "fr",
            "Des heurts ont opposé jeudi des grévistes et la police à Marseille.",
            "Riots", "Marseille", "Marseille", {1}, None, "rioters", "police",
        ),
    ],
)  # fmt: skip
def test_who_did_what_to_whom_and_where(
    extractor, lang, text, type_, place, location, geo, fatalities, actor1, actor2
):
    x = extractor.extract(Document("t", text, lang, "2024-03-08"))
    e = x.events[0]
    assert e.type == type_, e.why
    assert e.place is not None and place in (e.place.name, e.place.name_fr, e.place.name_en)
    assert e.location == location and e.geo_precision in geo
    assert e.fatalities == fatalities
    assert (e.actor1, e.actor2) == (actor1, actor2)
    assert e.why.startswith("main event")


@pytest.mark.parametrize(
    ("lang", "text", "fatalities", "phrase"),
    [
        ("fr", "Au moins une dizaine de soldats ont été tués mardi dans une attaque à Gao.", 10,
         "Au moins une dizaine de soldats"),
        ("en", "Dozens of fighters were killed on Monday in clashes in Idlib.", 24,
         "Dozens of fighters"),
        ("fr", "Trente et une personnes ont été tuées dimanche dans une frappe aérienne à Gaza.",
         31, "Trente et une personnes"),
        # a cumulative toll is context, not the event's toll
        ("fr", "Au moins 15 civils ont été tués vendredi dans une attaque à Djibo. Plus de 900 "
         "personnes ont été tuées dans la région depuis janvier.", 15, "Au moins 15 civils"),
        ("en", "At least three people were killed in an air strike on Aleppo on Friday; more than "
         "400 have died there since January.", 3, "At least three people"),
    ],
)  # fmt: skip
def test_the_events_own_toll_and_its_words(extractor, lang, text, fatalities, phrase):
    e = extractor.extract(Document("t", text, lang, "2024-03-08")).events[0]
    assert (e.fatalities, e.fatalities_phrase) == (fatalities, phrase)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "fr",
            "Une frappe russe a touché un immeuble d'habitation à Kharkiv, faisant trois morts.",
        ),
        ("en", "A Russian strike hit an apartment block in Kharkiv, killing three people."),
    ],
)
def test_an_undated_event_takes_the_publication_date(extractor, lang, text):
    e = extractor.extract(Document("t", text, lang, "2024-03-08")).events[0]
    assert (e.date.value, e.time_precision) == ("2024-03-08", 2)
    assert "publication date" in e.why


def test_a_dated_event_is_precise_to_the_day(extractor):
    text = "Des combats ont opposé lundi l'armée et des rebelles à Goma."
    e = extractor.extract(Document("t", text, "fr", "2024-03-08")).events[0]
    assert (e.date.value, e.time_precision) == ("2024-03-04", 1)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Au moins 20 civils ont été tués mardi dans une attaque dans le nord du Burkina "
         "Faso.\n\nLe gouverneur a précisé que l'attaque a eu lieu dans la commune de Djibo."),
        ("en", "At least 20 civilians were killed on Tuesday in an attack in northern Burkina "
         "Faso.\n\nThe governor said the attack took place in the town of Djibo."),
    ],
)  # fmt: skip
def test_the_lead_event_takes_the_town_a_later_sentence_names(extractor, lang, text):
    e = extractor.extract(Document("t", text, lang, "2024-03-08")).events[0]
    assert e.type == "Violence against civilians" and e.fatalities == 20
    assert e.location == "Djibo" and e.geo_precision == 1
    assert "placed at 'Djibo'" in e.why


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Le Mali a connu une nouvelle attaque jihadiste. Sept soldats ont été tués mardi "
         "dans une embuscade, selon l'armée malienne."),
        ("en", "Mali has suffered another jihadist attack. Seven soldiers were killed on Tuesday "
         "in an ambush, the Malian army said."),
    ],
)  # fmt: skip
def test_an_unplaced_event_takes_the_articles_country(extractor, lang, text):
    e = next(e for e in extractor.extract(Document("t", text, lang, "2024-03-08")).events
             if e.fatalities == 7)  # fmt: skip
    assert e.place is not None and e.place.feature == "country" and e.place.country_code == "ML"
    assert e.geo_precision == 3 and e.location is None
    assert "article's country" in e.why


@pytest.mark.parametrize(
    ("lang", "text", "place", "geo"),
    [
        ("en", "Air strikes killed at least 20 people in rebel-held eastern Aleppo on Thursday.",
         "Aleppo", 1),
        ("en", "Islamic State militants attacked army positions near the city of Deir al-Zor "
         "on Friday, killing 11 soldiers.", "Deir ez-Zor", 2),
        ("fr", "Des frappes aériennes ont tué jeudi au moins 20 personnes dans les quartiers "
         "rebelles d'Alep.", "Aleppo", 1),
        ("fr", "Des jihadistes ont attaqué vendredi un poste de l'armée près de Palmyre, tuant "
         "onze soldats.", "Tadmur", 2),
    ],
)  # fmt: skip
def test_place_and_its_precision(extractor, lang, text, place, geo):
    e = extractor.extract(Document("t", text, lang, "2016-10-14")).events[0]
    assert e.place is not None and place in (e.place.name, e.place.name_en), e.why
    assert e.geo_precision == geo


def test_a_town_in_the_province_named_after_it_is_that_province_s_town(extractor):
    text = (
        "BEIRUT (Reuters) - Syrian government forces shelled the town of Ariha in Idlib "
        "province on Saturday, killing five civilians, rescue workers said."
    )
    e = extractor.extract(Document("t", text, "en", "2023-05-14")).events[0]
    # Ariha is also Jericho's Arabic name: "in Idlib province" says which
    assert e.place is not None and e.place.country_code == "SY" and e.geo_precision == 1


@pytest.mark.parametrize(
    ("lang", "text", "type_", "place"),
    [
        ("fr", "Le président a été assassiné dans la nuit à sa résidence privée de "
         "Port-au-Prince par un commando armé.", "Violence against civilians", "Port-au-Prince"),
        ("en", "An air strike hit a United Nations aid convoy near Aleppo on Monday, killing about "
         "20 people.", "Explosions/Remote violence", "Aleppo"),
        ("en", "Gunmen killed at least 12 people in an attack on a village in central Mali's "
         "Mopti region on Saturday.", "Violence against civilians", "Mopti"),
        ("fr", "Le mouvement a tiré lundi plusieurs roquettes sur des positions militaires dans "
         "le nord d'Israël.", "Explosions/Remote violence", "Ash Shamālī"),
    ],
)  # fmt: skip
def test_where_and_what_on_news_phrasings(extractor, lang, text, type_, place):
    e = extractor.extract(Document("t", text, lang, "2021-07-08")).events[0]
    assert e.type == type_, e.why
    assert e.place is not None and e.place.name == place, e.why


def test_a_gas_attack_in_the_headline_is_the_lead_s_chemical_attack(extractor):
    text = (
        "Suspected gas attack kills dozens in northern town\n\nBEIRUT (Reuters) - A suspected "
        "chemical attack killed at least 58 people in the rebel-held town of Khan Sheikhoun in "
        "Idlib province on Tuesday, a war monitor said."
    )
    events = extractor.extract(Document("t", text, "en", "2017-04-04")).events
    assert [(e.type, e.subtype) for e in events] == [
        ("Explosions/Remote violence", "Chemical weapon")
    ]


def test_a_village_in_a_territory_named_after_its_town(extractor):
    text = (
        "Une vingtaine de civils ont été tués samedi dans une attaque contre un camp de déplacés "
        "près du village de Kpandroma-Sud, dans le territoire de Djugu."
    )
    e = extractor.extract(Document("t", text, "fr", "2023-06-10")).events[0]
    # the village is unknown: placed in the territory's town, near it, keeping its name
    assert (e.place.name, e.location, e.geo_precision) == ("Djugu", "Kpandroma-Sud", 2)


@pytest.mark.parametrize(
    ("lang", "text", "subtype", "place", "fatalities"),
    [
        ("fr", "L'armée a bombardé mercredi un théâtre de Marioupol où s'abritaient des civils.",
         "Shelling/artillery/missile attack", "Mariupol", None),
        ("fr", "L'état-major a affirmé jeudi avoir « neutralisé » une cinquantaine de terroristes "
         "lors d'opérations dans la région du Sahel burkinabè.", "Armed clash", None, 50),
        ("fr", "Le ministre s'est entretenu samedi au téléphone avec son homologue iranien.",
         "Phone call", None, None),
        ("en", "The foreign minister spoke on Saturday by phone with his Iranian counterpart.",
         "Phone call", None, None),
    ],
)  # fmt: skip
def test_subtypes_tolls_and_places_of_common_phrasings(
    extractor, lang, text, subtype, place, fatalities
):
    e = extractor.extract(Document("t", text, lang, "2024-02-25")).events[0]
    assert e.subtype == subtype, e.why
    assert place is None or (e.place is not None and e.place.name == place), e.why
    assert e.fatalities == fatalities


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Le mouvement a tiré mardi des roquettes sur des positions militaires dans le nord "
         "d'Israël, l'armée israélienne ripostant par des frappes dans le sud du Liban."),
        ("en", "The group fired rockets at army positions in northern Israel on Tuesday, with "
         "the Israeli army responding with air strikes in southern Lebanon."),
    ],
)  # fmt: skip
def test_a_participle_with_its_own_subject_is_another_event(extractor, lang, text):
    events = extractor.extract(Document("t", text, lang, "2024-01-16")).events
    places = {e.place.country_code for e in events if e.place is not None}
    assert len(events) == 2 and places == {"IL", "LB"}, [(e.type, e.place) for e in events]


@pytest.mark.parametrize(
    ("lang", "text", "actor1", "actor2"),
    [
        ("en", "At least 12 Turkish soldiers were killed in an air strike by Syrian government "
         "forces in Idlib province on Thursday.", "syria-government", "turkey"),
        ("fr", "Ukraine: frappe sur un théâtre\n\nKIEV (AFP) - L'armée russe a bombardé mercredi "
         "un théâtre de Marioupol où s'abritaient des civils.", "russia", "civilians"),
    ],
)  # fmt: skip
def test_who_acted_past_a_dateline_a_topic_or_a_passive(extractor, lang, text, actor1, actor2):
    e = extractor.extract(Document("t", text, lang, "2022-03-16")).events[0]
    assert (e.actor1, e.actor2) == (actor1, actor2), e.actors


def test_a_strike_keeps_its_type_when_the_headline_counts_civilians(extractor):
    text = (
        "U.N. aid convoy hit near Aleppo, 20 killed\n\nGENEVA (Reuters) - An air strike hit a "
        "United Nations aid convoy near Aleppo on Monday, killing about 20 people."
    )
    e = extractor.extract(Document("t", text, "en", "2016-09-20")).events[0]
    assert (e.type, e.subtype, e.fatalities) == (
        "Explosions/Remote violence",
        "Air/drone strike",
        20,
    )


def test_a_meeting_in_a_resort_is_placed_at_the_resort(extractor):
    text = (
        "The Turkish and Russian foreign ministers met in the Mediterranean resort of Antalya "
        "on Saturday to discuss the situation in Syria."
    )
    e = extractor.extract(Document("t", text, "en", "2019-06-02")).events[0]
    assert e.type == "Diplomacy" and e.place is not None and e.place.name == "Antalya"


def test_a_capture_after_clashes_is_one_event_near_the_town(extractor):
    text = (
        "Islamic State militants took control of a village south of Kirkuk on Wednesday after "
        "clashes with Iraqi security forces that killed three police officers."
    )
    events = extractor.extract(Document("t", text, "en", "2020-01-09")).events
    assert len(events) == 1, [(e.type, e.subtype) for e in events]
    e = events[0]
    assert (e.type, e.place.name, e.geo_precision, e.fatalities) == ("Battles", "Kirkuk", 2, 3)


@pytest.mark.parametrize(
    ("lang", "text", "division", "location"),
    [
        ("fr", "Deux civils ont été tués mardi par une frappe de drone dans le sud du Liban.",
         "South Governorate", "sud du Liban"),
        ("en", "Gunmen killed 14 villagers in northern Burkina Faso on Sunday.", "Nord",
         "northern Burkina Faso"),
        ("en", "Militants attacked a market in the north of Cameroon, killing six people.",
         "North Province", "north of Cameroon"),
    ],
)  # fmt: skip
def test_a_compass_part_of_a_country_is_placed_at_its_division(
    extractor, lang, text, division, location
):
    e = extractor.extract(Document("t", text, lang, "2024-03-08")).events[0]
    assert e.place is not None and e.place.feature == "admin1" and e.place.name == division
    assert (e.location, e.geo_precision, e.place_precision) == (location, 3, "admin1")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Des soldats ont été tués dans l'est de la République démocratique du Congo."),
        ("en", "Two soldiers were killed north of Lebanon's border, the army said."),
    ],
)
def test_a_part_the_country_has_no_division_for_stays_the_country(extractor, lang, text):
    e = extractor.extract(Document("t", text, lang, "2024-03-08")).events[0]
    assert e.place is None or e.place.feature == "country"


@pytest.mark.parametrize(
    ("lang", "text", "actor1", "actor2"),
    [
        ("en", "Islamic State militants ambushed an Iraqi army convoy near Tikrit, killing nine "
         "soldiers.", "islamic-state", "iraq-government"),
        ("fr", "Des combattants de l'EI ont attaqué mardi un convoi de l'armée irakienne près de "
         "Tikrit, tuant neuf soldats.", "islamic-state", "iraq-government"),
        ("en", "Syrian government forces backed by Russian air power recaptured the town of Khan "
         "Tuman on Thursday.", "syria-government", None),
        ("fr", "Damas a affirmé jeudi que des raids russes avaient frappé la ville d'Alep.",
         "russia", None),
    ],
)  # fmt: skip
def test_the_side_that_acted_and_the_side_acted_upon(extractor, lang, text, actor1, actor2):
    e = extractor.extract(Document("t", text, lang, "2016-08-12")).events[0]
    assert (e.actor1, e.actor2) == (actor1, actor2), e.actors


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        ("fr", "Frappe de drone meurtrière à Kramatorsk",
         "Le président ukrainien a rencontré lundi son homologue polonais à Varsovie. Par "
         "ailleurs, un drone russe a frappé mercredi un marché de Kramatorsk, tuant douze civils."),
        ("en", "Deadly drone strike on Kramatorsk",
         "The Ukrainian president met his Polish counterpart in Warsaw on Monday. Separately, a "
         "Russian drone struck a market in Kramatorsk on Wednesday, killing twelve civilians."),
    ],
)  # fmt: skip
def test_a_separate_headline_names_the_main_event(extractor, lang, title, text):
    x = extractor.extract(Document("t", text, lang, "2024-03-08", title=title))
    assert x.events[0].type == "Explosions/Remote violence"
    assert "named in the headline" in x.events[0].why


@pytest.mark.parametrize(
    ("lang", "text", "type_", "subtype", "actor1", "actor2"),
    [
        ("en", "Al-Shabaab gunmen stormed a hotel in Mogadishu on Friday, killing at least 15 "
         "people, police said.", "Violence against civilians", "Attack", "al-shabaab",
         "civilians"),
        ("fr", "Des shebab ont pris d'assaut vendredi un hôtel de Mogadiscio, tuant au moins 15 "
         "personnes, selon la police.", "Violence against civilians", "Attack", "al-shabaab",
         "civilians"),
        ("en", "Police arrested 40 protesters during a demonstration in Dakar on Saturday.",
         "Protests", "Protest with intervention", "protesters", "police"),
        ("fr", "La police a interpellé samedi 40 manifestants lors d'une manifestation à Dakar.",
         "Protests", "Protest with intervention", "protesters", "police"),
    ],
)  # fmt: skip
def test_storming_a_building_and_arrests_at_a_protest(
    extractor, lang, text, type_, subtype, actor1, actor2
):
    e = extractor.extract(Document("t", text, lang, "2024-03-08")).events[0]
    assert (e.type, e.subtype, e.actor1, e.actor2) == (type_, subtype, actor1, actor2), e.why


@pytest.mark.parametrize(
    ("lang", "text", "location", "actor1"),
    [
        ("fr", "Des rebelles des ADF ont tué mardi huit civils dans le quartier de Mabakanga, à "
         "Beni, dans le Nord-Kivu.", "Mabakanga", "adf"),
        ("fr", "Un kamikaze s'est fait exploser jeudi dans un quartier de Mossoul, tuant cinq "
         "personnes.", "Mossoul", None),
    ],
)  # fmt: skip
def test_a_neighbourhood_of_a_known_city(extractor, lang, text, location, actor1):
    e = extractor.extract(Document("t", text, lang, "2024-03-08")).events[0]
    assert (e.location, e.geo_precision, e.actor1) == (location, 1, actor1)
    assert e.place is not None and e.place.feature == "city"

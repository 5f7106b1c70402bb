"""Event extraction on short French and English reports, with mentions from the real gazetteer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geo.events import SUBTYPES, casualties, extract_events, load_actors, load_triggers
from geo.events.roles import ROLE_SUBTYPES, retype, victims
from geo.events.toll import toll
from geo.model import Mention
from geo.text import clean

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_NAME = re.compile(r"\b[A-ZÀ-Ý][\w'-]*(?:[ -][A-ZÀ-Ý][\w'-]*)*")
# A capital followed by a verb of saying stands for its government ("Damas a affirmé").
_SAYING = re.compile(
    r"\s+(?:a|ont)\s+(?:affirmé|annoncé|déclaré|accusé|indiqué|dit)|\s+(?:said|says|announced|accused)"
)


@pytest.fixture(scope="module")
def mentions_of(gaz):
    """Mentions of the capitalised place names of a text, looked up in the real gazetteer."""

    def make(text: str, lang: str = "fr") -> list[Mention]:
        out = []
        for m in _NAME.finditer(text):
            name = re.sub(r"^(?:[LD]'|The )", "", m.group())
            start = m.end() - len(name)
            cands = gaz.candidates(name, lang=lang)
            if not cands or cands[0].score < 0.5:
                continue
            place = cands[0].place
            role = "country" if place.feature == "country" else "literal"
            if place.capital and _SAYING.match(text, m.end()):
                role = "metonymic"
            out.append(Mention(start, m.end(), name, place, role, cands[0].score))
        return out

    return make


def events(mentions_of, text, lang="fr", published="2016-12-08"):
    return extract_events(text, mentions_of(text, lang), lang=lang, published=published)


# --------------------------------------------------------------------------- lexicons


def test_lexicons_load_and_cover_every_subtype():
    for lang in ("fr", "en"):
        triggers = load_triggers(lang)
        covered = {(t.type, t.subtype) for t in triggers if not t.form.startswith("block")}
        for type_, subtypes in SUBTYPES.items():
            # sub-types the type rules give from the actors, and ACLED's catch-all "Other"
            for sub in [s for s in subtypes if s not in ROLE_SUBTYPES and s != "Other"] or (None,):
                territory = type_ == "Battles" and "territory" in sub
                assert (type_, "@territory" if territory else sub) in covered, (lang, type_, sub)
    labels = {a.label for a in load_actors()}
    assert {"Russie", "Turquie", "régime syrien", "rebelles", "EI"} <= labels


# --------------------------------------------------------------------------- one type each


@pytest.mark.parametrize(
    ("text", "lang", "published", "type_", "subtype"),
    [
        (
            "Au moins 30 personnes ont été tuées jeudi dans des raids russes à Raqa.",
            "fr",
            "2016-08-11",
            "Explosions/Remote violence",
            "Air/drone strike",
        ),
        (
            "Les militaires turcs ont bombardé à l'artillerie les forces du régime près d'Idleb.",
            "fr",
            "2020-02-06",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
        ),
        (
            "Une voiture piégée a explosé lundi à Azaz.",
            "fr",
            "2020-02-06",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        (
            "De violents combats opposent depuis lundi rebelles et forces du régime à Alep.",
            "fr",
            "2016-12-08",
            "Battles",
            "Armed clash",
        ),
        (
            "Les forces du régime sont entrées mercredi dans la ville de Saraqeb.",
            "fr",
            "2020-02-06",
            "Battles",
            "Government regains territory",
        ),
        (
            "Les rebelles se sont emparés mardi de la ville de Saraqeb.",
            "fr",
            "2020-02-06",
            "Battles",
            "Non-state actor overtakes territory",
        ),
        (
            "Des hommes armés ont exécuté dimanche dix civils à Deraa.",
            "fr",
            "2020-02-06",
            "Violence against civilians",
            "Attack",
        ),
        (
            "La police a arrêté lundi trois suspects à Istanbul.",
            "fr",
            "2020-02-06",
            "Strategic developments",
            "Arrests",
        ),
        (
            "Des milliers de manifestants ont défilé samedi à Paris.",
            "fr",
            "2020-02-06",
            "Protests",
            "Peaceful protest",
        ),
        (
            "Les présidents turc et russe se sont entretenus au téléphone mercredi.",
            "fr",
            "2016-11-30",
            "Diplomacy",
            "Phone call",
        ),
        (
            "Sergueï Lavrov et John Kerry se sont rencontrés jeudi à Hambourg.",
            "fr",
            "2016-12-08",
            "Diplomacy",
            "Meeting/talks",
        ),
        ("M. Kerry se rendra samedi à Paris.", "fr", "2016-12-08", "Diplomacy", "Visit"),
        (
            "La Turquie a appelé mardi à un cessez-le-feu à Alep.",
            "fr",
            "2016-12-08",
            "Diplomacy",
            "Ceasefire proposal or demand",
        ),
        (
            "Il a accusé mardi les forces gouvernementales syriennes de crimes de guerre.",
            "fr",
            "2016-12-08",
            "Diplomacy",
            "Accusation",
        ),
        ("M. Erdogan menace de lancer une offensive.", "fr", "2020-02-06", "Diplomacy", "Threat"),
        (
            "Russian air strikes killed at least 30 people in Raqqa on Thursday.",
            "en",
            "2016-08-11",
            "Explosions/Remote violence",
            "Air/drone strike",
        ),
        (
            "Syrian government forces recaptured Saraqeb on Wednesday.",
            "en",
            "2020-02-06",
            "Battles",
            "Government regains territory",
        ),
        (
            "Clashes between rebels and regime forces killed dozens in Idlib on Monday.",
            "en",
            "2020-02-06",
            "Battles",
            "Armed clash",
        ),
        (
            "Erdogan and Putin spoke by phone on Wednesday.",
            "en",
            "2016-11-30",
            "Diplomacy",
            "Phone call",
        ),
        (
            "Lavrov and Kerry met in Hamburg on Thursday.",
            "en",
            "2016-12-08",
            "Diplomacy",
            "Meeting/talks",
        ),
        (
            "Thousands of protesters rallied in Paris on Saturday.",
            "en",
            "2020-02-06",
            "Protests",
            "Peaceful protest",
        ),
    ],
)
def test_event_type(mentions_of, text, lang, published, type_, subtype):
    found = events(mentions_of, text, lang, published)
    assert [(e.type, e.subtype) for e in found][:1] == [(type_, subtype)]
    assert 0 < found[0].confidence <= 1
    assert found[0].sentence == text


def test_air_strike_details(mentions_of):
    text = (
        "Dans la région de Raqa, au moins 30 personnes ont été tuées et 70 autres blessées "
        "jeudi dans dix raids russes, selon l'OSDH."
    )
    (e,) = events(mentions_of, text, published="2016-08-11")
    assert (e.fatalities, e.injured) == (30, 70)
    assert e.actors[0] == "Russie"
    assert e.place.admin1 == "SY.04" and e.place_precision == "admin1"  # the region, not the city
    assert (e.date.value, e.date.precision, e.date.phrase) == ("2016-08-11", "day", "jeudi")


def test_territory_place_and_date(mentions_of):
    text = "Les troupes du régime syrien ont pénétré mercredi dans la ville clé de Saraqeb, dans la province d'Idleb."
    (e,) = events(mentions_of, text, published="2020-02-06")
    assert e.place.name == "Saraqib" and e.place_precision == "city"
    assert e.date.value == "2020-02-05" and e.actors == ("régime syrien",)


def test_near_a_town_keeps_the_town(mentions_of):
    text = "Les militaires turcs déployés au nord de Saraqeb ont bombardé à l'artillerie les forces du régime."
    (e,) = events(mentions_of, text, published="2020-02-06")
    assert (e.place.name, e.place_precision) == ("Saraqib", "city")
    assert e.actors[:2] == ("Turquie", "régime syrien")


def test_visit_is_placed_where_and_when_the_meeting_is(mentions_of):
    text = "M. Kerry est attendu à Paris à partir de jeudi pour assister, samedi, à une réunion de soutien."
    (e,) = events(mentions_of, text, published="2016-12-08")
    assert (e.type, e.subtype, e.place.name) == ("Diplomacy", "Meeting/talks", "Paris")
    assert e.date.value == "2016-12-10"
    assert "Diplomacy: Visit" in e.secondary_types


def test_meeting_placed_by_the_next_sentence(mentions_of):
    text = (
        "Sergueï Lavrov et John Kerry n'ont fait aucun progrès jeudi après deux brèves rencontres. "
        "Les deux hommes sont à Hambourg, en Allemagne."
    )
    (e,) = events(mentions_of, text)
    assert (e.subtype, e.place.name, e.date.value) == ("Meeting/talks", "Hamburg", "2016-12-08")
    assert set(e.actors) == {"Russie", "États-Unis"}


def test_a_diplomatic_topic_is_not_the_place(mentions_of):
    (e,) = events(mentions_of, "Erdogan et Poutine s'entretiennent de la situation à Alep.")
    assert e.type == "Diplomacy" and e.place is None


# --------------------------------------------------------------------------- tolls


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Au moins 30 personnes, dont une majorité de civils, ont été tuées et 70 autres blessées.",
            (30, 70),
        ),
        ("Ces combats ont fait plus de 20 morts des deux côtés.", (20, None)),
        ("Deux soldats turcs ont été tués.", (2, None)),
        ("Des dizaines de personnes ont été tuées.", (20, None)),
        ("Une dizaine de civils ont été blessés.", (None, 10)),
        ("Au moins 30 personnes, dont 12 enfants, ont été tuées.", (30, None)),
        ("Un soldat a été tué.", (1, None)),
        ("Le conflit a fait plus de 300.000 morts depuis 2011.", (300000, None)),
        ("Un grand nombre de combattants ont été tués.", (None, None)),
        ("Dix raids russes ont visé la ville pendant trois semaines.", (None, None)),
        ("At least 30 people were killed and 70 wounded.", (30, 70)),
        ("The strikes killed 12 civilians and wounded 40 others.", (12, 40)),
        ("Dozens of fighters were killed.", (24, None)),
        ("Two soldiers died in 2015.", (2, None)),
    ],
)
def test_casualties(sentence, expected):
    assert casualties(sentence) == expected


def test_toll_attached_to_the_event(mentions_of):
    text = "Des combats ont opposé lundi les forces du régime et les militaires turcs, faisant plus de 20 morts des deux côtés."
    (e,) = events(mentions_of, text, published="2020-02-06")
    assert (e.type, e.fatalities, e.date.value) == ("Battles", 20, "2020-02-03")


# --------------------------------------------------------------------------- negatives


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ils discutent afin d'éviter la prolifération de la menace terroriste.", "fr"),
        ("La menace terroriste reste élevée en Europe.", "fr"),
        (
            "Depuis son déclenchement en 2011, le conflit en Syrie a fait plus de 300.000 morts.",
            "fr",
        ),
        ("Les frappes aériennes font débat.", "fr"),
        ("Ils veulent mettre fin aux combats.", "fr"),
        ("Le régime est sur le point de reprendre la ville.", "fr"),
        ("Damas a affirmé qu'aucune offre de cessez-le-feu ne serait acceptée.", "fr"),
        ("Ankara riposterait à toute éventuelle attaque.", "fr"),
        ("Les combats ont repris.", "fr"),
        ("The terrorist threat remains high.", "en"),
        ("The conflict has dragged on for years.", "en"),
        ("They called for an end to the fighting.", "en"),
        ("Un accident de car a fait 14 morts lundi au Kenya : 14 personnes ont été tuées.", "fr"),
        ("Trois personnes sont mortes dans un séisme lundi en Turquie.", "fr"),
        ("A bus crash killed 14 people in Kenya on Monday.", "en"),
        ("Twelve people died in floods in Bangladesh on Sunday.", "en"),
    ],
)
def test_no_event(mentions_of, text, lang):
    found = events(mentions_of, text, lang)
    assert [
        (e.type, e.subtype) for e in found if e.subtype != "Armed clash" or "repris" not in text
    ] == []


def test_resumed_fighting_is_a_clash_not_a_capture(mentions_of):
    found = events(mentions_of, "Les combats ont repris jeudi à Alep.")
    assert [(e.type, e.subtype) for e in found] == [("Battles", "Armed clash")]


# --------------------------------------------------------------------------- metonymy


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Damas a affirmé jeudi que des combats avaient éclaté.", "régime syrien"),
        ("Ankara a annoncé jeudi des frappes contre l'EI.", "Turquie"),
        ("Moscou a annoncé jeudi des frappes contre l'EI.", "Russie"),
        ("Moscow said on Thursday that its jets bombed Islamic State positions.", "Russie"),
    ],
)
def test_no_event_placed_in_a_metonymic_capital(mentions_of, text, actor):
    lang = "en" if "said" in text else "fr"
    ments = mentions_of(text, lang)
    assert any(m.role == "metonymic" for m in ments)
    found = extract_events(text, ments, lang=lang, published="2016-12-08")
    assert found and all(e.place is None for e in found)
    assert actor in found[0].actors


def test_metonymic_capital_does_not_hide_the_literal_place(mentions_of):
    text = "Damas a affirmé jeudi que des raids avaient frappé à Alep."
    (e,) = events(mentions_of, text)
    assert e.place.name == "Aleppo"


def test_literal_capital_places_the_event(mentions_of):
    (e,) = events(mentions_of, "Des affrontements ont eu lieu jeudi à Moscou.")
    assert e.place.name == "Moscow"


# --------------------------------------------------------------------------- merging, order


def test_duplicates_are_merged(mentions_of):
    text = (
        "Les forces du régime sont entrées mercredi dans Saraqeb. "
        "L'entrée des forces du régime à Saraqeb a été confirmée par l'OSDH."
    )
    (e,) = events(mentions_of, text, published="2020-02-06")
    assert (e.subtype, e.date.value, e.place.name) == (
        "Government regains territory",
        "2020-02-05",
        "Saraqib",
    )


def test_anaphora_merges_into_the_earlier_event(mentions_of):
    text = "Des raids russes ont visé jeudi la ville de Raqa. Ces frappes ont tué dix civils, selon l'OSDH."
    (e,) = events(mentions_of, text, published="2016-08-11")
    assert (e.subtype, e.fatalities, e.place.name) == ("Air/drone strike", 10, "Ar Raqqah")


def test_different_dates_are_not_merged(mentions_of):
    text = "Des combats ont éclaté lundi à Alep. De nouveaux combats ont éclaté mercredi à Alep."
    found = events(mentions_of, text, published="2016-12-08")
    assert sorted(e.date.value for e in found) == ["2016-12-05", "2016-12-07"]


def test_lead_and_violence_come_first(mentions_of):
    text = (
        "Erdogan et Poutine s'entretiennent au téléphone\n\n"
        "Les deux présidents ont eu mercredi un entretien téléphonique.\n\n"
        "La Turquie a par ailleurs accusé Damas de crimes de guerre.\n\n"
        "Des raids ont tué jeudi au moins 12 civils à Idleb, selon l'OSDH."
    )
    found = events(mentions_of, text, published="2016-11-30")
    assert found[0].subtype == "Phone call" and found[0].date.value == "2016-11-30"
    kinds = [e.subtype for e in found]
    assert kinds.index("Air/drone strike") < kinds.index("Accusation")


# --------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_events():
    geoparse = pytest.importorskip("geo.geoparse").geoparse
    meta = json.loads((SEEDS / "metadata.json").read_text(encoding="utf-8"))

    def run(prefix: str):
        path = next(SEEDS.glob(f"{prefix}_*.txt"))
        text = clean(path.read_text(encoding="utf-8")).text
        ments = geoparse(text, lang="fr")
        return extract_events(text, ments, lang="fr", published=meta[path.name]["published"])

    return run


def _find(found, subtype, place=None):
    return next(
        e
        for e in found
        if e.subtype == subtype and (place is None or (e.place and e.place.name == place))
    )


def test_seed_events(seed_events):
    raqa = seed_events("002")
    e = raqa[0]
    assert (e.subtype, e.date.value, e.fatalities, e.injured) == (
        "Air/drone strike",
        "2016-08-11",
        30,
        70,
    )
    assert e.place.admin1 == "SY.04" and e.actors[0] == "Russie"

    saraqeb = seed_events("003")
    e = saraqeb[0]
    assert (e.subtype, e.place.name, e.date.value) == (
        "Government regains territory",
        "Saraqib",
        "2020-02-05",
    )
    assert "régime syrien" in e.actors
    e = _find(saraqeb, "Shelling/artillery/missile attack")
    assert (e.place.name, e.place_precision, e.actors[0]) == ("Saraqib", "city", "Turquie")

    hamburg = seed_events("004")
    e = hamburg[0]
    assert (e.subtype, e.place.name, e.date.value) == ("Meeting/talks", "Hamburg", "2016-12-08")
    e = _find(hamburg, "Meeting/talks", "Paris")
    assert e.date.value == "2016-12-10"

    call = seed_events("001")[0]
    assert (call.subtype, call.date.value, call.place) == ("Phone call", "2016-11-30", None)
    assert set(call.actors) >= {"Turquie", "Russie"}

    for prefix in ("000", "001", "002", "003", "004"):
        for e in seed_events(prefix):
            assert e.place is None or e.place.name not in {"Damascus", "Ankara", "Moscow"}


# --------------------------------------------------------------------------- who did what to whom


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("Des hommes armés ont tué douze civils dans le village de Tin-Barkoudou", "civilians"),
        ("des jihadistes ont attaqué un village de la région de Mopti", "civilians"),
        ("Au moins une dizaine de soldats ont été tués dans une embuscade", "armed"),
        ("des jihadistes ont attaqué un poste de l'armée", "armed"),
        ("Gunmen killed 12 villagers in an attack on a market", "civilians"),
        ("Seven soldiers were killed in an ambush on an army convoy", "armed"),
        ("An attack took place on Tuesday", None),
    ],
)
def test_victims(clause, expected):
    assert victims(clause) == expected


@pytest.mark.parametrize(
    ("type_", "subtype", "trigger", "clause", "expected"),
    [
        ("Battles", "Armed clash", "attaque", "une attaque contre un village a tué 12 villageois",
         ("Violence against civilians", "Attack")),
        ("Battles", "Armed clash", "attack", "an attack on an army post killed 7 soldiers",
         ("Battles", "Armed clash")),
        ("Explosions/Remote violence", "Air/drone strike", "frappe",
         "une frappe a tué douze civils sur un marché", ("Explosions/Remote violence",
                                                         "Air/drone strike")),
        ("Battles", "Armed clash", "heurts", "des heurts entre grévistes et policiers",
         ("Riots", "Violent demonstration")),
        ("Battles", "Armed clash", "clashes", "clashes between protesters and police",
         ("Riots", "Violent demonstration")),
        ("Battles", "Non-state actor overtakes territory", "se sont emparés",
         "les rebelles se sont emparés sans combat de la ville",
         ("Strategic developments", "Non-violent transfer of territory")),
        ("Battles", "Government regains territory", "retook",
         "the army retook the town without a fight",
         ("Strategic developments", "Non-violent transfer of territory")),
        ("Violence against civilians", "@victims", "ont été tués",
         "trois policiers ont été tués", ("Battles", "Armed clash")),
        ("Battles", "Non-state actor overtakes territory", "stormed",
         "hundreds of protesters stormed the parliament", ("Riots", "Violent demonstration")),
        ("Battles", "Armed clash", "heurts", "des heurts avec la police ont fait un mort",
         ("Riots", "Violent demonstration")),
        ("Battles", "Armed clash", "clashed", "insurgents clashed with security forces",
         ("Battles", "Armed clash")),
        ("Battles", "Government regains territory", "ont repris",
         "les soldats ont repris la ville après le retrait des insurgés",
         ("Strategic developments", "Non-violent transfer of territory")),
    ],
)  # fmt: skip
def test_type_by_actors(type_, subtype, trigger, clause, expected):
    assert retype(type_, subtype, trigger, clause, [])[:2] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Au moins une dizaine de soldats ont été tués.", (10, None, "Au moins une dizaine de soldats")),
        ("Trente et une personnes ont été tuées.", (31, None, "Trente et une personnes")),
        ("Dix-huit personnes ont été tuées et vingt autres blessées.", (18, 20, "Dix-huit personnes")),
        ("Un casque bleu et sept civils ont été tués.", (8, None, "Un casque bleu et sept civils")),
        ("Le conflit a fait plus de 300.000 morts depuis 2011.", (None, None, None)),
        ("Twenty-one people were killed.", (21, None, "Twenty-one people")),
        ("Deux civils ont été tués à A, quatre autres à B et quatre encore à C.",
         (10, None, "Deux civils")),
        ("Two people were killed in A and three others in B.", (5, None, "Two people")),
        ("Dix soldats ont trouvé la mort et plusieurs autres ont été portés disparus.",
         (10, None, "Dix soldats")),
        ("Dozens of villagers were killed.", (24, None, "Dozens of villagers")),
        ("More than 400 people have died there since January.", (None, None, None)),
        ("A gunfight killed five soldiers and two attackers.", (7, None, "five soldiers and two attackers")),
        ("Militants ambushed a patrol, killing at least 9 of them.", (9, None, "at least 9 of them")),
        ("Un Palestinien de 19 ans a été tué jeudi.", (1, None, "Un Palestinien")),
        ("Mais deux ont été tués.", (2, None, "deux ont été tués")),
        ("Des hommes armés ont exécuté une dizaine de villageois.", (10, None, "une dizaine de villageois")),
    ],
)  # fmt: skip
def test_toll_of_the_event(sentence, expected):
    assert toll(sentence) == expected


def test_prefilter_words_are_in_every_match():
    """A pattern is skipped on a text lacking its words: those words must be in every match."""
    texts = [p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")]
    texts.append(
        "Un drone russe a frappé un marché. Des missiles ont touché Kharkiv. A drone struck a "
        "market; rockets hit the town. Des hommes armés, des jihadistes et Boko Haram ont attaqué."
    )
    for t in [*load_triggers("fr"), *load_triggers("en"), *load_actors()]:
        for text in texts:
            for m in t.pattern.finditer(text):
                assert not t.needs or any(w in m.group().lower() for w in t.needs), (t, m)


def test_the_event_a_protest_follows_is_background(mentions_of):
    """An "au lendemain de heurts" phrase: the protest is the news, the clashes of the day before are
    an event of their own, at their own place, with their own toll."""
    text = (
        "Des milliers de personnes ont de nouveau manifesté jeudi à Mossoul contre le chômage, "
        "au lendemain de heurts avec la police qui ont fait quatre morts à Kirkouk."
    )
    evs = events(mentions_of, text)
    assert (evs[0].type, evs[0].fatalities) == ("Protests", None)
    assert evs[0].place.name == "Mosul"
    riot = next(e for e in evs if e.type == "Riots")
    assert (riot.fatalities, riot.place.name) == (4, "Kirkuk")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Le président a reçu mercredi à Ankara son homologue azerbaïdjanais.", "fr"),
        ("The prime minister hosted his Greek counterpart in Ankara on Friday.", "en"),
    ],
)
def test_hosting_a_counterpart_is_a_meeting(mentions_of, text, lang):
    evs = events(mentions_of, text, lang)
    assert [(e.type, e.subtype) for e in evs] == [("Diplomacy", "Meeting/talks")]
    assert evs[0].place.name == "Ankara"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Selon une ONG, plus de 20.000 personnes ont été tuées depuis le début du conflit.", "fr"),
        ("More than 3,000 people have died in the region since January.", "en"),
    ],
)
def test_a_war_toll_alone_is_context_not_an_event(mentions_of, text, lang):
    assert events(mentions_of, text, lang) == []


def test_a_place_owned_by_another_is_the_finer_one(gaz):
    text = "A car bomb exploded on Monday in Baghdad's Sadr City, killing 7 people."
    ments = []
    for name in ("Baghdad", "Sadr City"):  # as the geoparser gives them: the owner without 's
        i, cand = text.index(name), gaz.candidates(name, lang="en")[0]
        ments.append(Mention(i, i + len(name), name, cand.place, "literal", cand.score))
    evs = extract_events(text, ments, lang="en", published="2024-01-01")
    assert (evs[0].place.name, evs[0].fatalities) == ("Sadr City", 7)


def test_a_strike_on_a_capital_named_in_apposition_is_at_the_city(mentions_of):
    text = "Warplanes carried out air strikes on the Yemeni capital Sanaa overnight, killing five."
    evs = events(mentions_of, text, "en")
    assert evs[0].place.name == "Sanaa" and evs[0].geo_precision == 1


def test_sources_are_not_actors_and_a_side_never_fights_itself(mentions_of):
    evs = events(
        mentions_of,
        "A bomb exploded at a market in Kirkuk, killing 6, police and local sources said.",
        "en",
    )
    assert evs[0].actor1 is None
    text = (
        "Soudan: combats entre l'armée et les FSR à El-Obeid\n\n"
        "De violents combats ont opposé samedi l'armée soudanaise aux Forces de soutien rapide "
        "(FSR) à El-Obeid."
    )
    e = events(mentions_of, text)[0]
    assert {e.actor1, e.actor2} == {"sudan-army", "rsf"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Government forces retake town from the M23\n\nGovernment forces recaptured Rubaya on Monday.",
            "en",
        ),
        ("Les forces gouvernementales ont repris samedi Rubaya au M23.", "fr"),
    ],
)
def test_the_side_a_town_is_taken_from_is_not_the_taker(mentions_of, text, lang):
    e = events(mentions_of, text, lang)[0]
    assert (e.type, e.subtype) == ("Battles", "Government regains territory")
    assert e.actor2 == "m23"


def test_a_round_headline_toll_takes_the_leads_exact_count(mentions_of):
    text = (
        "Niger: une vingtaine de soldats tués dans une embuscade\n\n"
        "Vingt-trois soldats nigériens ont été tués jeudi dans une embuscade près de Tillabéri."
    )
    assert events(mentions_of, text)[0].fatalities == 23


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Le président a reçu lundi à Ankara le chancelier allemand.", "fr"),
        ("The president received German Chancellor Olaf Scholz in Ankara on Monday.", "en"),
    ],
)
def test_receiving_a_head_of_government_is_a_meeting(mentions_of, text, lang):
    evs = events(mentions_of, text, lang)
    assert [(e.type, e.subtype) for e in evs] == [("Diplomacy", "Meeting/talks")]


def test_a_claimed_missile_attack_is_remote_violence_by_its_claimer(mentions_of):
    text = (
        "Yémen: les Houthis revendiquent une attaque contre un navire\n\n"
        "Les Houthis ont revendiqué mardi une attaque de missiles contre un cargo au large de Hodeïda."
    )
    e = events(mentions_of, text)[0]
    assert (e.type, e.actor1) == ("Explosions/Remote violence", "houthis")


def test_tear_gas_fire_is_no_armed_clash(mentions_of):
    text = "Les policiers ont répliqué par des tirs de gaz lacrymogène contre les manifestants à Dakar."
    assert "Battles" not in {e.type for e in events(mentions_of, text)}


def test_a_bus_carrying_soldiers_is_an_armed_target(mentions_of):
    text = "Islamic State militants ambushed a bus carrying soldiers near Palmyra on Thursday."
    assert events(mentions_of, text, "en")[0].type == "Battles"


def test_a_backer_or_a_border_is_no_side(mentions_of):
    text = (
        "A car bomb exploded on Saturday in Azaz, near the Turkish border, a town held by "
        "Turkey-backed factions, killing 18 people."
    )
    e = events(mentions_of, text, "en")[0]
    assert e.actor1 is None and e.actor2 is None


def test_taking_the_town_of_a_place_is_a_capture(mentions_of):
    text = "Government forces pushed into Deraa province on Wednesday, taking the town of Nawa."
    e = events(mentions_of, text, "en")[0]
    assert (e.type, e.subtype) == ("Battles", "Government regains territory")


def test_the_attack_claimed_later_is_the_same_event_and_its_claimer_acts(mentions_of):
    text = (
        "Au moins quatorze personnes ont été tuées dimanche dans l'explosion d'une bombe dans "
        "une église de Beni, a annoncé l'armée. L'attaque a été revendiquée par l'Etat islamique."
    )
    evs = events(mentions_of, text)
    assert len([e for e in evs if e.type in ("Battles", "Explosions/Remote violence")]) == 1
    assert evs[0].actor1 == "islamic-state"


def test_who_announced_the_toll_is_no_side(mentions_of):
    text = "Au moins 44 personnes ont été tuées dimanche dans un attentat-suicide à Peshawar, a annoncé la police."
    assert events(mentions_of, text)[0].actor1 is None


def test_gunmen_storming_a_church_attack_civilians(mentions_of):
    text = "Gunmen stormed a church during Sunday Mass in Djibo, killing at least 15 people."
    e = events(mentions_of, text, "en")[0]
    assert (e.type, e.fatalities) == ("Violence against civilians", 15)


def test_a_raid_in_english_is_on_the_ground(mentions_of):
    text = "Security forces raided a militant hideout near Miranshah on Tuesday, killing eight insurgents."
    e = events(mentions_of, text, "en")[0]
    assert e.type == "Battles"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "A suicide bomber blew himself up at a checkpoint in Mogadishu on Wednesday, killing "
            "six people. Al Shabaab, which often attacks the capital, claimed responsibility.",
            "en",
        ),
        (
            "Une voiture piégée a explosé mardi à Mogadiscio, tuant six personnes. Les shebab ont "
            "revendiqué l'attentat dans un communiqué.",
            "fr",
        ),
    ],
)
def test_the_side_that_claims_an_attack_acts_in_it(mentions_of, text, lang):
    e = events(mentions_of, text, lang)[0]
    assert e.actor1 == "al-shabaab" and e.fatalities == 6

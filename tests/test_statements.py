"""Statements: quotations, reported speech, speakers, roles, where said."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from geo.lang import get_language
from geo.model import Mention, Place
from geo.statements import extract_statements, load_lexicon
from geo.text import clean

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "score_statements.py"
GOLD = ROOT.parent / "shared" / "eval" / "seeds_statements_gold.json"

ANKARA = Place("gn:323786", "Ankara", "city", 39.92, 32.85, "TR")
BAKU = Place("gn:587084", "Baku", "city", 40.38, 49.89, "AZ")
BELGRADE = Place("gn:792680", "Belgrade", "city", 44.80, 20.47, "RS")
GENEVA = Place("gn:2660646", "Geneva", "city", 46.20, 6.14, "CH")
ALEPPO = Place("gn:170063", "Aleppo", "city", 36.20, 37.16, "SY")
NAIROBI = Place("gn:184745", "Nairobi", "city", -1.28, 36.82, "KE")
KHARKIV = Place("gn:706483", "Kharkiv", "city", 49.98, 36.25, "UA")
CAIRO = Place("gn:360630", "Cairo", "city", 30.06, 31.25, "EG")
GAO = Place("gn:2457163", "Gao", "city", 16.27, -0.04, "ML")
XINHUA = Place("gn:0", "Xinhua", "populated place", 23.0, 113.0, "CN")  # a town's name
PLACES = {
    "Nairobi": NAIROBI,
    "Kharkiv": KHARKIV,
    "Cairo": CAIRO,
    "Gao": GAO,
    "Le Caire": CAIRO,
    "Xinhua": XINHUA,
    "Ankara": ANKARA,
    "Bakou": BAKU,
    "Belgrade": BELGRADE,
    "Geneva": GENEVA,
    "Alep": ALEPPO,
    "Aleppo": ALEPPO,
}


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    try:
        return spacy.load(
            "fr_core_news_md", exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer"]
        )
    except OSError:
        pytest.skip("fr_core_news_md not installed")


def mentions_of(text: str) -> list[Mention]:
    """Mentions of the few places of these tests, found by their names."""
    out = []
    for name, place in PLACES.items():
        for m in re.finditer(rf"\b{name}\b", text):
            out.append(Mention(m.start(), m.end(), name, place))
    return sorted(out, key=lambda m: m.start)


def run(text: str, nlp=False, lang: str = "fr"):
    text = clean(text).text
    return extract_statements(text, mentions_of(text), lang=lang, nlp=nlp)


def only(statements, quote_start: str):
    found = [s for s in statements if s.quote.startswith(quote_start)]
    assert found, [s.quote for s in statements]
    return found[0]


# --------------------------------------------------------------------------- lexicons


def test_lexicons_load_and_cover_the_usual_verbs():
    fr, en = load_lexicon("fr"), load_lexicon("en")
    for form in ("declare", "affirme", "precise", "indique", "annonce", "ajoute", "dit"):
        assert "que" in fr.flags[form], form
    assert "incise" in fr.flags["poursuivi"]
    assert "refl" in fr.flags["borne a dire"]
    for form in ("said", "told", "added", "according to"):
        assert form in en.flags or form in en.cues["source"], form
    assert {"ministre", "porte-parole", "chef de la diplomatie", "ministere", "agence"} <= set(
        fr.roles
    )
    assert (
        fr.roles["chef de la diplomatie"].group == fr.roles["ministre * affaires etrangeres"].group
    )


def test_lexicon_rows_have_comments_where_flags_are_unusual():
    """Every verb restricted to the incise position says why, in its comment column."""
    rows = list(get_language("fr").lexicon("statements_verbs"))
    assert all(len(r) >= 4 for r in rows)
    restricted = [r for r in rows if "incise" in r[3]]
    assert restricted and all(len(r) > 4 and r[4].strip() for r in restricted[:6])


# --------------------------------------------------------------------------- French patterns


@pytest.mark.parametrize(
    "text, quote, speaker, indirect",
    [
        # « … », a-t-il déclaré: the pronoun is the last speaker
        (
            "M. Cavusoglu a rencontré son homologue. « Nous allons avancer », a-t-il déclaré.",
            "Nous allons avancer",
            "Cavusoglu",  # no speaker before: the last person named
            False,
        ),
        (
            "Le chef de la diplomatie turque Mevlut Cavusoglu a affirmé que les discussions "
            "continuaient. « Nos efforts vont continuer », a-t-il précisé.",
            "Nos efforts",
            "Mevlut Cavusoglu",
            False,
        ),
        # X a affirmé que « … »
        (
            "Le ministre russe Sergueï Lavrov a affirmé que « les contacts sont efficaces ».",
            "les contacts sont efficaces",
            "Sergueï Lavrov",
            False,
        ),
        # « … », a déclaré X
        (
            "« Nous sommes près d'une entente », a précisé Sergueï Riabkov, vice-ministre russe.",
            "Nous sommes près",
            "Sergueï Riabkov",
            False,
        ),
        # selon X, …
        (
            "Selon M. Cavusoglu, une délégation russe est attendue en Turquie.",
            "une délégation russe est attendue en Turquie",
            "Cavusoglu",
            True,
        ),
        # …, selon X.
        (
            "Dix civils ont été tués dans les frappes, selon l'Observatoire syrien des droits de l'homme.",
            "Dix civils ont été tués",
            "Observatoire syrien des droits de l'homme",
            True,
        ),
        # a-t-elle: a woman named before
        (
            "La porte-parole Maria Zakharova a dénoncé les frappes. « C'est inacceptable », a-t-elle ajouté.",
            "C'est inacceptable",
            "Maria Zakharova",
            False,
        ),
        # Pour X, « … »
        (
            "Pour le ministre turc Mevlut Cavusoglu, « la Russie n'est pas notre cible ».",
            "la Russie n'est pas notre cible",
            "Mevlut Cavusoglu",
            False,
        ),
        # X a annoncé que … (indirect speech)
        (
            "L'armée russe a annoncé mercredi que ses frappes seraient suspendues chaque jour.",
            "ses frappes seraient suspendues chaque jour",
            "armée russe",
            True,
        ),
        # …, a annoncé X, with the role before the name
        (
            "La Turquie va intensifier ses contacts avec la Russie, a annoncé mardi le ministre des "
            "Affaires étrangères turc, Mevlut Cavusoglu.",
            "La Turquie va intensifier",
            "Mevlut Cavusoglu",
            True,
        ),
        # a ministry as the speaker, with a reflexive verb
        (
            "Dans un communiqué, le ministère turc des Affaires étrangères s'est dit « horrifié » par les massacres.",
            "horrifié",
            "ministère turc des Affaires étrangères",
            False,
        ),
        # inverted verb with a plural pronoun
        (
            "Les médecins considèrent que la situation reste grave. « Nous sommes assiégés », préviennent-ils.",
            "Nous sommes assiégés",
            "médecins",
            False,
        ),
    ],
)
def test_french_attribution_patterns(nlp, text, quote, speaker, indirect):
    st = only(run(text, nlp), quote)
    assert st.indirect is indirect
    if speaker is None:
        assert st.speaker is None
    else:
        assert st.speaker is not None and speaker in st.speaker


def test_role_and_full_name(nlp):
    text = (
        "La Turquie va intensifier ses contacts, a annoncé mardi le ministre des Affaires étrangères "
        "turc, Mevlut Cavusoglu.\n\n« Nous avons vu Alep laissée seule », a ajouté le ministre turc. "
        "« La proposition est sur la table », a dit M. Cavusolgu."
    )
    sts = run(text, nlp)
    first = only(sts, "La Turquie")
    assert first.speaker_role == "ministre des Affaires étrangères turc"
    # "le ministre turc" is the minister named before; a slip in the surname is forgiven
    assert only(sts, "Nous avons vu").speaker == "Mevlut Cavusoglu"
    assert only(sts, "La proposition").speaker == "Mevlut Cavusoglu"
    assert only(sts, "Nous avons vu").places == (ALEPPO,)


def test_chef_de_la_diplomatie_refers_back_to_the_foreign_minister(nlp):
    text = (
        "Le ministre russe des Affaires étrangères Sergueï Lavrov est arrivé à Ankara. "
        "Le chef de la diplomatie russe a ajouté que les discussions continueraient."
    )
    st = only(run(text, nlp), "les discussions")
    assert st.speaker == "Sergueï Lavrov" and st.indirect


def test_organisation_refers_back_to_the_named_one(nlp):
    text = (
        "Les combats ont repris, selon l'agence de presse turque Anadolu.\n\n"
        "« Les deux dirigeants ont convenu d'accélérer les efforts », a rapporté l'agence de presse "
        "progouvernementale."
    )
    assert only(run(text, nlp), "Les deux dirigeants").speaker == "agence de presse turque Anadolu"


def test_continued_quote_over_paragraphs(nlp):
    text = (
        "Le porte-parole Ibrahim Kalin a dénoncé les frappes.\n\n"
        "« Nous ne céderons pas. Nos troupes resteront en place\n\n"
        "« Aucune attaque ne restera sans réponse », a-t-il conclu."
    )
    sts = [s for s in run(text, nlp) if not s.indirect]
    assert len(sts) == 1
    assert sts[0].quote.startswith("Nous ne céderons pas") and "Aucune attaque" in sts[0].quote
    assert sts[0].speaker == "Ibrahim Kalin"


def test_quote_split_over_sentences_takes_the_next_attribution(nlp):
    text = "La situation est grave. « Nous ne partirons pas. » « Ils devront négocier », a déclaré M. Kalin."
    sts = run(text, nlp)
    assert only(sts, "Nous ne partirons pas").speaker == "Kalin"
    assert only(sts, "Ils devront").speaker == "Kalin"


def test_unattributed_quote_continues_the_last_speaker(nlp):
    text = (
        "« Nous avons vu Alep laissée seule », a ajouté le ministre turc Mevlut Cavusoglu. "
        "« Même si tout le monde se tait, la Turquie ne se taira pas. »"
    )
    assert only(run(text, nlp), "Même si").speaker == "Mevlut Cavusoglu"


def test_scare_quote_in_reported_speech_is_the_speakers(nlp):
    text = (
        "M. Cavusoglu a affirmé que la Turquie travaillait avec toutes les parties, tout en "
        "critiquant certains pays « hypocrites » qu'il n'a pas nommés."
    )
    sts = run(text, nlp)
    assert only(sts, "hypocrites").speaker == "Cavusoglu"
    assert only(sts, "la Turquie travaillait").indirect


def test_nested_quote_stays_inside_the_outer_one(nlp):
    text = "« Ils parlent d'une \"trêve\" qui n'existe pas », a déclaré le porte-parole."
    sts = run(text, nlp)
    assert [s.quote for s in sts] == ["Ils parlent d'une \"trêve\" qui n'existe pas"]


def test_names_in_quotes_are_not_statements(nlp):
    text = "L'armée turque a lancé l'opération « Bouclier de l'Euphrate » en Syrie."
    assert run(text, nlp) == []


def test_negated_verb_attributes_nothing(nlp):
    text = "Ni le Kremlin, ni l'agence Anadolu n'ont précisé si le sujet avait été abordé."
    assert run(text, nlp) == []


@pytest.mark.parametrize(
    "text, where",
    [
        (
            "« Nous allons intensifier nos discussions », a déclaré M. Cavusoglu lors d'une "
            "conférence de presse à Ankara avec son homologue.",
            ANKARA,
        ),  # fmt: skip
        (
            "« Nous attendons un geste », a déclaré M. Cavusoglu lors d'une conférence de presse "
            "retransmise par les télévisions depuis Bakou.",
            BAKU,
        ),  # fmt: skip
        (
            "Parlant lors d'une conférence de presse à Belgrade, le ministre Sergueï Lavrov a "
            "affirmé que les contacts « sont efficaces ».",
            BELGRADE,
        ),  # fmt: skip
        ("« La trêve tient », a déclaré M. Lavrov à Genève.", None),  # no mention given
        # a place right after the verb, before the reported clause
        ("M. Cavusoglu a affirmé jeudi à Ankara que la trêve tenait.", ANKARA),
        # a place in the reported words is not where the words were said
        ("M. Lavrov a affirmé que les combats à Alep avaient cessé.", None),
        # nor a place elsewhere in the sentence
        (
            "Le président a effectué une visite à Ankara, même si son homologue a estimé qu'il "
            "faudrait un « travail difficile ».",
            None,
        ),  # fmt: skip
    ],
)
def test_where_said(nlp, text, where):
    sts = run(text, nlp)
    assert sts and sts[0].where_said == where


def test_where_said_carries_to_the_speakers_next_statements(nlp):
    text = (
        "« Nous allons intensifier nos discussions », a déclaré M. Cavusoglu lors d'une "
        "conférence de presse à Ankara.\n\n« Nos efforts vont continuer », a-t-il précisé."
    )
    assert only(run(text, nlp), "Nos efforts").where_said == ANKARA


def test_repeated_lead_gives_statements_once(nlp):
    lead = "« Nous nous attendons à ce que la Russie freine le régime », a déclaré M. Cavusoglu."
    text = lead + "\n\nLa suite de l'article.\n\n" + lead
    assert len(run(text, nlp)) == 1


def test_date_of_the_attribution(nlp):
    dates = pytest.importorskip("geo.dates")
    text = "L'armée russe a annoncé mercredi que ses frappes seraient suspendues jusqu'en 2017."
    st = extract_statements(text, [], dates=dates.find_dates(text, "2016-08-11", "fr"), nlp=nlp)[0]
    assert st.date.value == "2016-08-10"


def test_without_spacy_names_come_from_capitals():
    text = "« Nous sommes prêts », a déclaré le chef de la diplomatie turque Mevlut Cavusoglu."
    st = run(text, nlp=False)[0]
    assert st.speaker == "Mevlut Cavusoglu" and st.speaker_role == "chef de la diplomatie turque"


def test_empty_text():
    assert extract_statements("   ", [], nlp=False) == []


@pytest.mark.parametrize(
    "text, quote, speaker, indirect",
    [
        # "cette source", "la même source": the source named before
        (
            "Douze personnes ont été tuées, selon une source au sein de la police locale. Des "
            "renforts ont été envoyés dans la zone, selon la même source.",
            "Des renforts",
            "source au sein de la police locale",
            True,
        ),
        (
            "Douze personnes ont été tuées, selon une source du ministère de l'Intérieur. « Les "
            "corps ont été transportés à l'hôpital », a précisé cette source.",
            "Les corps",
            "source du ministère de l'Intérieur",
            False,
        ),
        # reported words as an infinitive, or as the object of "faire état de", "annoncer"
        ("L'armée a dit vérifier ces informations.", "vérifier ces informations", "armée", True),
        (
            "Le porte-parole de l'armée, Yusuf Demir, a fait état de violents combats autour de "
            "la ville.",
            "violents combats autour de la ville",
            "Yusuf Demir",
            True,
        ),
        ("L'armée a annoncé la mort de trois soldats.", "la mort de trois soldats", "armée", True),
        # an age or a parenthesis in the apposition does not hide the speaker
        (
            "Abdullah Sani, 41 ans, habitant du village, a déclaré que trois membres de sa "
            "famille avaient été tués. « Personne n'a dormi », a-t-il déclaré.",
            "Personne n'a dormi",
            "Abdullah Sani",
            False,
        ),
        (
            "Hamisu Faru, député de la circonscription de Kano (sud), a indiqué que les "
            "assaillants avaient incendié le marché.",
            "les assaillants",
            "Hamisu Faru",
            True,
        ),
        # a name that goes on in lower case up to its acronym; a role, then the name
        (
            "Huit civils ont été tués mardi, a déclaré le Haut Commissariat des Nations unies "
            "pour les réfugiés (HCR).",
            "Huit civils",
            "Haut Commissariat des Nations unies pour les réfugiés (HCR)",
            True,
        ),
        (
            "« Nous sommes inquiets », a ajouté une porte-parole du HCR, Dalia Amri.",
            "Nous sommes inquiets",
            "Dalia Amri",
            False,
        ),
        # the audience is not the speaker
        (
            "« Sept militaires ont été tués », a affirmé à l'agence Anadolu le gouverneur de la "
            "région, Paul Atanga.",
            "Sept militaires",
            "Paul Atanga",
            False,
        ),
        # "réagir" after a quotation; "son bureau" is the office of the speaker named before
        (
            "Les auteurs de l'attentat « seront punis », a réagi mardi le Premier ministre Ahmed "
            "Karimi.",
            "seront punis",
            "Ahmed Karimi",
            False,
        ),
        (
            "M. Grundberg a déclaré qu'il rencontrerait les deux parties. Il s'est rendu jeudi à "
            "Mascate pour discuter de la trêve, a indiqué son bureau.",
            "Il s'est rendu",
            "bureau de Grundberg",
            True,
        ),
        # "A, a indiqué X, ainsi que B, selon Y": Y said B
        (
            "Les combats ont tué une centaine de rebelles, a indiqué le ministère de l'Intérieur, "
            "ainsi que 21 soldats, selon le porte-parole du gouverneur.",
            "ainsi que 21 soldats",
            "porte-parole du gouverneur",
            True,
        ),
        # a name closing the sentence after a long role; a name right after a role-only speaker
        (
            "Les villages ont été brûlés, a déclaré un responsable de la milice engagée aux côtés "
            "de l'armée, Babakura Kolo.",
            "Les villages",
            "Babakura Kolo",
            True,
        ),
        (
            "Sept personnes ont été tuées jeudi, a déclaré le gouverneur de la région. Viatcheslav "
            "Gladkov a ajouté que 18 autres ont été blessées. Quatre blessés sont sortis de "
            "l'hôpital, a ajouté le gouverneur.",
            "Quatre blessés",
            "Viatcheslav Gladkov",
            True,
        ),
        (
            "Dix soldats ont été tués, selon des sources sécuritaires. Une patrouille est tombée "
            "dans une embuscade, ont fait savoir les mêmes sources.",
            "Une patrouille",
            "sources sécuritaires",
            True,
        ),
        # "a-t-on appris de source sécuritaire": the source speaks
        (
            "Trois soldats ont été tués près de Gao, a-t-on appris vendredi de source sécuritaire.",
            "Trois soldats",
            "source sécuritaire",
            True,
        ),
        (
            "Les assaillants sont arrivés à moto, a indiqué à l'AFP un responsable local sous "
            "couvert d'anonymat.",
            "Les assaillants",
            "responsable local",
            True,
        ),
        (
            "Selon un correspondant de l'AFP sur place, des tirs nourris ont été entendus.",
            "des tirs nourris",
            "correspondant de l'AFP",
            True,
        ),
        # a body named by its own name is not the body of that kind named before
        (
            "Le bilan est passé à 103 morts, a indiqué l'agence de presse officielle Irna. Selon "
            "l'agence locale Tasnim, les bombes étaient « dissimulées dans deux sacs », selon la "
            "même source.",
            "dissimulées",
            "Tasnim",
            False,
        ),
        # a person named in the sentence of the pronoun, after the last speaker
        (
            "Selon l'agence officielle, les délégations sont arrivées. M. Berg est arrivé lundi "
            "et a salué les discussions, qu'il a qualifiées de « pas décisif ».",
            "pas décisif",
            "Berg",
            False,
        ),
    ],
)
def test_french_sources_and_speakers(nlp, text, quote, speaker, indirect):
    st = only(run(text, nlp), quote)
    assert st.indirect is indirect
    assert st.speaker is not None and speaker in st.speaker, st.speaker


@pytest.mark.parametrize(
    "text, quote, where",
    [
        # presence at a place, said anywhere in the article
        (
            "La visite à Nairobi de Jean Dupont intervient après des combats.\n\n« Il n'y a plus "
            "de temps à perdre », a déclaré M. Dupont.",
            "Il n'y a plus",
            NAIROBI,
        ),
        (
            "M. Dupont, en visite à Nairobi, a rencontré le président.\n\n« Nous avançons », "
            "a-t-il dit.",
            "Nous avançons",
            NAIROBI,
        ),
        # a paragraph opening on a place
        (
            "À Kharkiv, des journalistes ont vu des immeubles détruits. « On dormait », raconte "
            "Olena Petrenko, 65 ans, devant sa maison.",
            "On dormait",
            KHARKIV,
        ),
        # "depuis Gao" between the verb and its inverted subject
        (
            "Trois soldats ont été tués, a indiqué par téléphone depuis Gao un officier malien.",
            "Trois soldats",
            GAO,
        ),
        # a place in the reported words is not where they were said, even after "arrivé à"
        (
            "Jean Dupont a déclaré que les avions arrivés à Nairobi seraient fouillés.",
            "les avions",
            None,
        ),
        # a news medium after the verb is the audience, not a place
        (
            "Cinq personnes ont été tuées mardi, ont indiqué à Xinhua des sources militaires.",
            "Cinq personnes",
            None,
        ),
        # a place in the speaker's apposition says who, not where
        (
            "Jean Dupont, le maire d'une ville au Kenya, a affirmé que les combats avaient cessé.",
            "les combats",
            None,
        ),
    ],
)
def test_where_said_from_the_article(nlp, text, quote, where):
    assert only(run(text, nlp), quote).where_said == where


def test_the_writers_on_is_no_speaker(nlp):
    text = "Le nord du pays, rappelle-t-on, abrite depuis 2012 plusieurs groupes armés."
    assert run(text, nlp) == []


def test_headline_quote_takes_the_speaker_who_says_it_again(nlp):
    text = (
        "« Plus de temps à perdre » pour une trêve – un émissaire à Nairobi\n\n"
        "L'émissaire Jean Dupont a déclaré mercredi à Nairobi qu'il n'y avait « plus de temps à "
        "perdre »."
    )
    st = run(text, nlp)[0]
    assert st.quote == "Plus de temps à perdre"
    assert "Jean Dupont" in st.speaker and st.where_said == NAIROBI


def test_a_dateline_is_neither_words_nor_speaker(nlp):
    text = "ISTANBUL (Reuters) - L'armée turque a annoncé avoir tué onze combattants."
    st = only(run(text, nlp), "avoir tué")
    assert st.speaker == "armée turque"


# --------------------------------------------------------------------------- English


@pytest.mark.parametrize(
    "text, quote, speaker, indirect",
    [
        ('"We are close to an agreement," he said. ', "We are close", None, False),
        (
            'Russian Foreign Minister Sergei Lavrov arrived. "We are close to an agreement," he said.',
            "We are close",
            "Sergei Lavrov",
            False,
        ),
        (
            '"The ceasefire must hold," said John Kerry, the US secretary of state.',
            "The ceasefire",
            "John Kerry",
            False,
        ),
        (
            'Sergei Lavrov met reporters. "Talks go on," Lavrov told reporters.',
            "Talks go on",
            "Sergei Lavrov",
            False,
        ),
        (
            'President Volodymyr Zelensky said: "We will not give up."',
            "We will not give up",
            "Volodymyr Zelensky",
            False,
        ),
        (
            "The ministry said in a statement that 12 civilians were killed.",
            "12 civilians were killed",
            "ministry",
            True,
        ),
        (
            "Twelve civilians were killed, according to the Syrian Observatory for Human Rights.",
            "Twelve civilians were killed",
            "Syrian Observatory for Human Rights",
            True,
        ),  # fmt: skip
        (
            "According to local officials, the death toll could rise.",
            "the death toll could rise",
            "local officials",
            True,
        ),
    ],
)
def test_english_patterns(text, quote, speaker, indirect):
    st = only(run(text, lang="en"), quote)
    assert st.indirect is indirect
    assert st.speaker == speaker if speaker is None else speaker in (st.speaker or "")


@pytest.mark.parametrize(
    "text, quote, speaker",
    [
        # the group before a relative clause or a post-modifier is the speaker
        (
            'An aid worker who visited the hospital called it a "horror scene".',
            "horror",
            "aid worker",
        ),
        ('Mark Kitsmore, 54, of Tyler said, "I am not too worried."', "I am not", "Mark Kitsmore"),
        (
            'David Darg, of Operation Blessing, wrote "The courtyard was full."',
            "The court",
            "David Darg",
        ),
        # "said the E.U. promised": the E.U. did not speak; the quotation is the minister's
        (
            "The foreign minister, Abdel Rahman Shalgham, said the E.U. promised to provide "
            '"life-long treatment" to the children.',
            "life-long",
            "Abdel Rahman Shalgham",
        ),
        (
            '"The situation is dire," said Martin Griffiths, the U.N. aid chief.',
            "The sit",
            "Griffiths",
        ),
        # a time phrase opening the subject; "it" for a body named before
        (
            "Last week the World Health Organization said the virus had reached pandemic level.",
            "the virus",
            "World Health Organization",
        ),
        (
            "The ministry said 12 people had died on Monday. It added that 30 were injured.",
            "30 were injured",
            "ministry",
        ),
    ],
)
def test_english_subjects(text, quote, speaker):
    st = only(run(text, lang="en"), quote)
    assert st.speaker is not None and speaker in st.speaker, st.speaker


@pytest.mark.parametrize(
    "text, quote, speaker, role, where",
    [
        # Reuters style: the sentence, then ", X said on Tuesday."
        (
            "KYIV (Reuters) - Russian missiles struck the city overnight, killing four people, "
            "regional governor Oleh Synehubov said on Tuesday.",
            "Russian missiles struck",
            "Oleh Synehubov",
            "regional governor",
            None,
        ),
        (
            '"We will not give up," Ukrainian President Volodymyr Zelenskiy told reporters in '
            "Kharkiv on Wednesday.",
            "We will not give up",
            "Volodymyr Zelenskiy",
            None,
            KHARKIV,
        ),
        (
            "U.N. Secretary-General Antonio Guterres, speaking in Geneva, said the fighting must "
            "stop.",
            "the fighting must stop",
            "Antonio Guterres",
            None,
            GENEVA,
        ),
        (
            "Hamas official Basem Naim, on a visit to Cairo, told Reuters the group had accepted "
            "the proposal.",
            "the group had accepted",
            "Basem Naim",
            "Hamas official",
            CAIRO,
        ),
        (
            "The attack killed 15 people, two security sources told Reuters by phone from Cairo.",
            "The attack killed",
            "two security sources",
            None,
            CAIRO,
        ),
        (
            "Missiles hit targets in Kharkiv overnight, the regional governor said.",
            "Missiles hit targets",
            "regional governor",
            None,
            None,
        ),
        (
            "In Kharkiv, residents said heavy gunfire could be heard near the station.",
            "heavy gunfire",
            "residents",
            None,
            KHARKIV,
        ),
        (
            "The Health Ministry said the death toll had risen to 40. Its spokesman said 30 of "
            "the victims were children.",
            "30 of the victims",
            "spokesman of Health Ministry",
            None,
            None,
        ),
        (
            "At least 12 civilians were killed, according to the Syrian Observatory for Human "
            "Rights. The same source said the toll was likely to rise.",
            "the toll was likely",
            "Syrian Observatory for Human Rights",
            None,
            None,
        ),
    ],
)
def test_english_dispatches(text, quote, speaker, role, where):
    st = only(run(text, lang="en"), quote)
    assert speaker in (st.speaker or ""), st.speaker
    if role is not None:
        assert st.speaker_role == role
    assert st.where_said == where


def test_english_where_said_and_role():
    text = (
        'Speaking at a press conference in Geneva, Foreign Minister Sergei Lavrov said: "We will '
        'go on." The minister added that talks would continue. "It is hard," Lavrov told reporters '
        "in Geneva."
    )
    sts = run(text, lang="en")
    assert only(sts, "We will go on").where_said == GENEVA
    assert only(sts, "We will go on").speaker_role == "Foreign Minister"
    assert only(sts, "talks would continue").speaker == "Sergei Lavrov"
    assert only(sts, "It is hard").where_said == GENEVA


# --------------------------------------------------------------------------- seeds


def seed_mentions(gaz, nlp, text: str) -> list[Mention]:
    """Place mentions by a plain gazetteer look-up of capitalised words, skipping persons."""
    persons = [(e.start_char, e.end_char) for e in nlp(text).ents if e.label_ == "PER"]
    out = []
    for m in re.finditer(r"\b[A-ZÉÈ][\w'-]+(?:[- ][A-Z][\w-]+)?", text):
        if any(s <= m.start() < e for s, e in persons):
            continue
        cands = gaz.candidates(m.group(), lang="fr")
        if cands and cands[0].score > 1.5:
            out.append(Mention(m.start(), m.end(), m.group(), cands[0].place))
    return out


@pytest.mark.skipif(not (SCORER.exists() and GOLD.exists()), reason="evaluation files not present")
def test_seed_scores(gaz, nlp, tmp_path):
    """Recall, speaker accuracy and where-said on the five seed articles."""
    from geo.dates import find_dates

    meta = json.loads((ROOT / "seeds" / "metadata.json").read_text("utf-8"))
    lines = []
    for name, info in sorted(meta.items()):
        if not name.endswith(".txt"):
            continue
        text = clean((ROOT / "seeds" / name).read_text("utf-8")).text
        dates = find_dates(text, info.get("published"), "fr")
        sts = extract_statements(text, seed_mentions(gaz, nlp, text), dates=dates, nlp=nlp)
        lines.append(json.dumps({"id": name[:-4], "statements": [s.to_dict() for s in sts]}))
    out = tmp_path / "out.jsonl"
    out.write_text("\n".join(lines), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("score_statements", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    result = scorer.score(json.loads(GOLD.read_text("utf-8")), [json.loads(x) for x in lines])
    assert result["recall"] >= 0.95
    assert result["speaker_accuracy"] >= 0.90
    assert result["where_said_correct"] == "8/8"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Aucun groupe n'a revendiqué l'attentat dans l'immédiat, mais les jihadistes sont actifs "
            "dans la région.",
            "fr",
        ),
        (
            "No group has claimed responsibility for the bombing, but insurgents often attack "
            "convoys on that road.",
            "en",
        ),
    ],
)
def test_a_subject_that_names_nobody_is_no_speaker(text, lang):
    assert run(text, lang=lang) == []


def test_claiming_responsibility_is_a_deed_not_words():
    text = "The Islamic State group claimed responsibility for the bombing in a statement online."
    assert run(text, lang="en") == []


def test_a_country_owning_a_name_is_not_the_speaker(nlp):
    text = (
        "Turkey's Fidan says talks will go on\n\n"
        'Turkish Foreign Minister Hakan Fidan said on Monday: "The talks will go on."'
    )
    head = only(run(text, nlp, lang="en"), "talks will go on")
    assert head.speaker in ("Fidan", "Hakan Fidan")


def test_a_word_quoted_inside_a_speakers_statement_is_no_statement_of_its_own():
    text = (
        "L'armée a affirmé dimanche avoir « neutralisé » une centaine de jihadistes dans le nord."
    )
    quotes = [s.quote for s in run(text)]
    assert "neutralisé" not in quotes and any("centaine de jihadistes" in q for q in quotes)


def test_a_dateline_is_not_part_of_the_speaker():
    text = (
        "RAQQA, Syria (Reuters) - U.S.-backed militias said they had taken full control of "
        "the city on Tuesday after a four-month battle."
    )
    (st,) = run(text, lang="en")
    assert "Reuters" not in st.speaker and st.speaker.endswith("militias")


@pytest.mark.parametrize(
    ("text", "lang", "where"),
    [
        (
            '"The attacks must stop," the envoy said in a statement issued in Geneva.',
            "en",
            "Geneva",
        ),
        (
            "S'exprimant depuis Ankara, le ministre a affirmé que les pourparlers reprendraient.",
            "fr",
            "Ankara",
        ),
    ],
)
def test_where_said_after_a_statement_or_before_the_speaker(text, lang, where):
    sts = run(text, lang=lang)
    assert len(sts) == 1 and sts[0].where_said is not None and sts[0].where_said.name == where


def test_a_title_and_a_name_in_apposition_name_the_speaker():
    text = (
        "Son rival, le général Mohamed Hamdane Daglo, a pour sa part affirmé être prêt à des "
        "pourparlers."
    )
    (st,) = run(text)
    assert st.speaker == "Mohamed Hamdane Daglo"


def test_said_before_an_audience_somewhere_is_said_there():
    text = "« Il n'y aura pas de négociations », a-t-il déclaré devant des soldats à Ankara."
    (st,) = run(text)
    assert st.where_said is not None and st.where_said.name == "Ankara"

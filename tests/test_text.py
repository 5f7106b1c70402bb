"""Tests of geo.text: normalisation and its offset map, boilerplate, repeats, sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.errors import ConfigError, DocumentError, InputError
from geo.lang import SUPPORTED
from geo.text import (
    BOILERPLATE_FILE,
    MAX_CHARS,
    BoilerplateRule,
    NormalizedText,
    abbreviations,
    blank_repeated_paragraphs,
    check_document_text,
    clean,
    detect_language,
    load_boilerplate,
    normalize,
    paragraphs,
    remove_boilerplate,
    sentences,
)

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))


def seed(prefix: str) -> str:
    (path,) = [p for p in SEEDS if p.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


def assert_map_exact(nt: NormalizedText) -> None:
    """Each cleaned character comes from an original span that normalises to it."""
    for i, char in enumerate(nt.text):
        start, end = nt.to_original(i, i + 1)
        assert normalize(nt.original[start:end]).text == char, (i, char, start, end)


# --- normalisation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("l\u2019armée", "l'armée"),  # typographic apostrophe, the usual one in seeds
        ("l\u2018armée", "l'armée"),
        ("l\u02bcarmée", "l'armée"),
        ("aujourd\u2019hui", "aujourd'hui"),
        ("\u201cNous\u201d", '"Nous"'),
        ("\u201eNous\u201d", '"Nous"'),
        ("«\u00a0Nous\u00a0»", "« Nous »"),  # French quotes kept, their spaces made plain
        ("«\u202fNous\u202f»", "« Nous »"),  # narrow no-break space
        ("7\u2009h", "7 h"),  # thin space
        ("250\u00a0000", "250 000"),
        ("a\tb", "a b"),
        ("Alep\u200b", "Alep"),  # zero-width space removed
        ("\ufeffAlep", "Alep"),  # byte-order mark
        ("Ale\u00adp", "Alep"),  # soft hyphen
        ("A\u200dB\u2060C", "ABC"),
        ("un\r\ndeux\r\n", "un\ndeux\n"),
        ("un\rdeux", "un\ndeux"),
        ("un\u2029deux", "un\ndeux"),
        ("Mevlu\u0308t", "Mevlüt"),  # decomposed accent composed
        ("Serguei\u0308", "Sergueï"),
        ("x\u0301\u0301", "x\u0301\u0301"),  # no single composed character: left as is
        ("", ""),
        ("rien à changer", "rien à changer"),
    ],
)
def test_normalize_table(raw: str, expected: str) -> None:
    nt = normalize(raw)
    assert nt.text == expected
    assert nt.original == raw
    assert_map_exact(nt)


def test_offsets_around_removed_and_composed_characters() -> None:
    raw = "\u200bd\u2019Ale\u0301p\u200b\r\nM.\u00a0Assad\u200b"
    nt = normalize(raw)
    assert nt.text == "d'Alép\nM. Assad"
    assert_map_exact(nt)
    start = nt.text.index("Alép")
    assert raw[slice(*nt.to_original(start, start + 4))] == "Ale\u0301p"
    assert nt.to_original(0, 0) == (1, 1)  # before 'd', after the removed zero-width space
    assert nt.to_original(len(nt.text), len(nt.text)) == (len(raw), len(raw))
    line = nt.text.index("\n")
    assert raw[slice(*nt.to_original(line, line + 1))] == "\n"  # CR of CRLF dropped
    assert raw[slice(*nt.to_original(0, len(nt.text)))] == raw[1:-1]


@pytest.mark.parametrize("span", [(-1, 2), (3, 2), (0, 99)])
def test_to_original_rejects_spans_outside_the_text(span: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        normalize("Alep\u200b Idleb").to_original(*span)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_every_word_of_every_seed_maps_back(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    # the seeds carry few removals: add some so the map has work to do
    raw = raw.replace(" la ", " la\u200b ").replace("\n\n", "\r\n\r\n")
    for nt in (normalize(raw), clean(raw)):
        assert len(nt.text) == len(normalize(raw).text)
        words = list(re.finditer(r"\S+", nt.text))
        assert len(words) > 100
        for m in words:
            start, end = nt.to_original(m.start(), m.end())
            assert normalize(raw[start:end]).text == m.group()
    assert_map_exact(normalize(raw))


# --- boilerplate -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Rechercher",
        "Dernières Infos",
        "Dernières infos",
        "DERNIÈRES INFOS :",
        "Lire aussi",
        "Lire aussi : Syrie, la bataille d'Alep en cartes",
        "À lire aussi",
        "Partager",
        "Partager sur Facebook",
        "Publicité",
        "Photo AFP",
        "Photo AFP / Adem ALTAN",
        "© AFP",
        "©\u00a0AFP",
        "Crédit photo : AFP",
        "(Photo: Reuters)",
        "Newsletter",
        "Contenu partenaire",
        "Search",
        "Latest news",
        "Read more",
        "Read more: Syria's war in maps",
        "Share",
        "Advertisement",
        "Photo: Reuters",
        "  • Partager  ",
    ],
)
def test_boilerplate_line_blanked(line: str) -> None:
    text = f"Titre\n\n{line}\n\nLes combats ont repris à Alep."
    nt = remove_boilerplate(normalize(text))
    assert nt.text == text.replace(line, " " * len(line)).replace("\u00a0", " ")
    assert len(nt.blanked) == 1


@pytest.mark.parametrize(
    "line",
    [
        "Les rebelles refusent de partager le pouvoir à Alep.",  # the word inside a sentence
        "Newsletters et tracts ont circulé à Idleb.",  # a line rule needs the whole line
        "Shares in the arms maker rose in London.",
        "Photos apportées par des habitants d'Alep.",
        "Read more about the war in Syria.",
        "Searching the rubble of Aleppo continued.",
        "La recherche des victimes se poursuit à Idleb.",
        "Proposition de la Turquie",
    ],
)
def test_text_lines_kept(line: str) -> None:
    nt = remove_boilerplate(normalize(f"{line}\n\nSuite."))
    assert nt.text == f"{line}\n\nSuite."
    assert nt.blanked == ()


def test_seed_boilerplate() -> None:
    s001 = clean(seed("001"))
    assert "AFP" not in s001.text[:10] and "Contenu partenaire" not in s001.text
    assert s001.text.lstrip().startswith("Erdogan et Poutine")

    s003 = clean(seed("003"))
    assert "Rechercher" not in s003.text and "Dernières Infos" not in s003.text
    first = paragraphs(s003.text)[0]
    assert (
        s003.text[slice(*first)]
        == "Syrie : la Russie doit freiner le régime à Idleb, affirme Ankara"
    )
    # the caption stays, its credit goes
    assert re.search(r"\nLe chef de la diplomatie turque Mevlut Cavusoglu\. +\n", s003.text)
    assert "Photo AFP" not in s003.text and "ALTAN" not in s003.text

    s004 = clean(seed("004"))
    assert "Reuters" not in s004.text and "©" not in s004.text
    assert "quelques poches près de Damas et dans le sud du pays." in s004.text


def test_blanking_keeps_length_and_line_breaks() -> None:
    raw = seed("003")
    nt = clean(raw)
    assert len(nt.text) == len(normalize(raw).text)
    assert [i for i, c in enumerate(nt.text) if c == "\n"] == [
        i for i, c in enumerate(normalize(raw).text) if c == "\n"
    ]
    for blank in nt.blanked:
        assert not nt.text[blank.start : blank.end].strip()
        assert blank.reason


def test_boilerplate_file_loads_and_every_rule_is_commented_or_plain() -> None:
    rules = load_boilerplate()
    kinds = {r.kind for r in rules}
    assert kinds == {"line", "prefix", "regex", "tail"}
    for rule in rules:
        assert rule.kind in ("line", "prefix") or rule.comment, rule.pattern
        if rule.kind == "tail":
            assert rule.pattern.endswith("$")
    # the rules of every language come last, after each language's own
    shared = load_boilerplate(BOILERPLATE_FILE)
    assert shared and rules[-len(shared) :] == shared and {r.lang for r in shared} == {"*"}
    assert {r.lang for r in rules[: -len(shared)]} <= set(SUPPORTED)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("word\tRechercher\tfr\t", "unknown kind"),
        ("regex\t(unclosed\t*\t", "bad regex"),
        ("tail\t© AFP\t*\t", "must end with $"),
        ("line", "expected kind"),
    ],
)
def test_bad_boilerplate_file(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "rules.tsv"
    path.write_text(f"# comment\nkind\tpattern\tlang\tcomment\n{row}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_boilerplate(path)


def test_custom_rules() -> None:
    rule = BoilerplateRule("line", "Voir la vidéo")
    nt = remove_boilerplate(normalize("Voir la vidéo\nRechercher"), [rule])
    assert nt.text == " " * 13 + "\nRechercher"


# --- repeated paragraphs -----------------------------------------------------------------


def test_seed_003_repeated_lead_blanked_once() -> None:
    nt = clean(seed("003"))
    repeats = [b for b in nt.blanked if b.reason == "repeats an earlier paragraph"]
    assert len(repeats) == 1
    lead = (
        "Le chef de la diplomatie turque Mevlut Cavusoglu a exhorté jeudi la Russie à faire "
        "stopper les attaques du régime syrien dans la province rebelle d'Idleb"
    )
    assert nt.text.count(lead) == 1
    assert normalize(seed("003")).text.count(lead) == 2
    # the blanked copy is the last paragraph, the first one stays
    assert repeats[0].start > nt.text.index(lead)
    assert nt.text.rstrip().endswith("a-t-il ajouté.")


@pytest.mark.parametrize(
    ("text", "blanked"),
    [
        # verbatim, with other quotes and spaces
        (
            "« Nous resterons à Alep quoi qu'il arrive », a dit le ministre.\n\nSuite.\n\n"
            '"Nous  resterons à Alep quoi qu\'il arrive", a dit le ministre.',
            1,
        ),
        # a teaser: the lead and the next paragraph run together, cut with an ellipsis
        (
            "Les combats ont repris jeudi à Alep, selon une ONG.\n\nDeux civils ont été tués.\n\n"
            "Les combats ont repris jeudi à Alep, selon une ONG. Deux civils ont été …",
            1,
        ),
        # a short repeated line is not a copy of an article paragraph
        ("Alep, jeudi.\n\nTexte.\n\nAlep, jeudi.", 0),
        # a later paragraph quoting part of an earlier sentence is new text
        (
            "Le ministre a dit que les combats ont repris jeudi à Alep selon une ONG.\n\n"
            "les combats ont repris jeudi à Alep selon une ONG, et c'est grave.",
            0,
        ),
    ],
)
def test_repeated_paragraphs(text: str, blanked: int) -> None:
    nt = blank_repeated_paragraphs(normalize(text))
    assert len(nt.blanked) == blanked
    assert len(paragraphs(nt.text)) == len(paragraphs(text)) - blanked


# --- paragraphs and sentences ------------------------------------------------------------


def test_paragraphs() -> None:
    text = "Titre\n\n  Un. Deux.\nTrois.\n \n\nQuatre.  "
    assert [text[s:e] for s, e in paragraphs(text)] == ["Titre", "Un. Deux.\nTrois.", "Quatre."]
    two = "a\nb\n\nc"
    assert [two[s:e] for s, e in paragraphs(two)] == ["a\nb", "c"]
    assert paragraphs("un\ndeux") == [(0, 2), (3, 7)]  # no blank line: one per line
    assert paragraphs("   \n  ") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Une réunion est prévue, a indiqué M. Cavusoglu. Il n'a rien précisé.",
            ["Une réunion est prévue, a indiqué M. Cavusoglu.", "Il n'a rien précisé."],
        ),
        (
            "« Nos efforts vont continuer. Pour un cessez-le-feu », a-t-il précisé. Puis il est parti.",
            [
                "« Nos efforts vont continuer. Pour un cessez-le-feu », a-t-il précisé.",
                "Puis il est parti.",
            ],
        ),
        (
            "« Demain ne sera pas une réunion spéciale. » Il a démenti.",
            ["« Demain ne sera pas une réunion spéciale. »", "Il a démenti."],
        ),
        (
            '"La Russie n\'est pas notre cible. Notre objectif est clair", a-t-il ajouté. Fin.',
            [
                '"La Russie n\'est pas notre cible. Notre objectif est clair", a-t-il ajouté.',
                "Fin.",
            ],
        ),
        (
            "« Pourquoi attendre ? » a-t-il demandé. « Maintenant ! » s'est-il exclamé.",
            ["« Pourquoi attendre ? » a-t-il demandé.", "« Maintenant ! » s'est-il exclamé."],
        ),
        (
            "Entre MM. Erdogan et Poutine. Mme. Merkel et Dr. Abou al-Baraa aussi.",
            ["Entre MM. Erdogan et Poutine.", "Mme. Merkel et Dr. Abou al-Baraa aussi."],
        ),
        (
            "Le conflit a fait 300.000 morts et 3.5 millions de déplacés. La guerre continue.",
            ["Le conflit a fait 300.000 morts et 3.5 millions de déplacés.", "La guerre continue."],
        ),
        (
            "George W. Bush met St. Petersburg officials in the U.S. capital. He left.",
            ["George W. Bush met St. Petersburg officials in the U.S. capital.", "He left."],
        ),
        (
            "« Nous (…) travaillons avec tous. Ils discutent », a poursuivi M. Lavrov.",
            ["« Nous (…) travaillons avec tous. Ils discutent », a poursuivi M. Lavrov."],
        ),
        (
            "Anti-Daech.... notre ennemi commun. Le 8 déc. 2016, Alep tombe.",
            ["Anti-Daech.... notre ennemi commun.", "Le 8 déc. 2016, Alep tombe."],
        ),
        (
            "Des armes ? Il y en a. Le dépôt en contient beaucoup.",
            ["Des armes ?", "Il y en a.", "Le dépôt en contient beaucoup."],
        ),
        (
            "… Le texte reprend. Il se termine.",
            ["… Le texte reprend.", "Il se termine."],
        ),
        (
            "Ils ont tiré ! Qui ? Personne ne sait… Le calme est revenu.",
            ["Ils ont tiré !", "Qui ?", "Personne ne sait…", "Le calme est revenu."],
        ),
        (
            "Syrie : Ankara hausse le ton\nLe ministre a parlé.\n\nNouveau paragraphe",
            ["Syrie : Ankara hausse le ton", "Le ministre a parlé.", "Nouveau paragraphe"],
        ),
        (
            "“We will not leave Aleppo. Never,” he said. Mr. Kerry agreed.",
            ['"We will not leave Aleppo. Never," he said.', "Mr. Kerry agreed."],
        ),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    text = normalize(text).text
    assert [text[s:e] for s, e in sentences(text)] == expected


def test_sentences_on_seed_000() -> None:
    text = clean(seed("000")).text
    found = [text[s:e] for s, e in sentences(text)]
    assert (
        "« Nos efforts vont continuer, principalement pour permettre aux civils de partir et pour un cessez-le-feu », a-t-il précisé."
        in found
    )
    assert not any(s.startswith("Cavusoglu") for s in found)  # never cut after 'M.'
    assert all(s == s.strip() and s for s in found)
    assert len(found) == 17


def test_abbreviations_file() -> None:
    abbrs = abbreviations()
    assert {"MM", "Mme", "Dr", "St", "Mr"} <= abbrs
    assert "sept" not in abbrs  # the number seven ends sentences


# --- language ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "La Turquie va intensifier ses contacts avec la Russie pour instaurer un cessez-le-feu.",
            "fr",
        ),
        ("Les forces du régime ont repris le contrôle de la ville, a-t-il déclaré.", "fr"),
        ("Turkey will step up contacts with Russia to secure a ceasefire in Aleppo.", "en"),
        ("The Syrian army said on Thursday it had retaken the eastern districts.", "en"),
        ("Die türkische Regierung will die Gespräche mit Russland verstärken.", "de"),
        ("El gobierno turco intensificará sus contactos con Rusia sobre Alepo.", "es"),
        ("", None),
        ("   \n ", None),
        ("Alep", None),  # too short to tell
        ("12 345 678 / 2016", None),
    ],
)
def test_detect_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_detect_language_on_seeds_and_deterministic() -> None:
    for path in SEEDS:
        text = clean(path.read_text(encoding="utf-8")).text
        assert {detect_language(text) for _ in range(3)} == {"fr"}


def test_detect_language_restricted_set() -> None:
    text = "Die türkische Regierung will die Gespräche mit Russland verstärken."
    assert detect_language(text, languages=("fr", "en")) != "de"
    assert detect_language(text, languages=("de", "fr")) == "de"
    assert detect_language(text) == "de"  # the restriction did not leak


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty text"),
        (" \n\t\u00a0 ", "whitespace only"),
        ("\x00\x01\x02PK\x03\x04binary\x00\x00", "looks binary"),
        ("Alep " + "\ufffd" * 20, "looks binary"),
        (b"Alep", "must be a string"),
    ],
)
def test_check_document_text_rejects(text: str, reason: str) -> None:
    with pytest.raises(DocumentError, match=re.escape(reason)) as info:
        check_document_text(text, "doc-7")
    assert info.value.doc_id == "doc-7"
    assert "doc-7" in str(info.value)
    assert isinstance(info.value, InputError) and info.value.status == 400


def test_check_document_text_size_limit() -> None:
    check_document_text("a" * 100, "d", max_chars=100)
    with pytest.raises(DocumentError, match="too long"):
        check_document_text("a" * 101, "d", max_chars=100)
    # the default limit: a text of MAX_CHARS passes, one character more is refused
    check_document_text("a" * MAX_CHARS, "d")
    with pytest.raises(DocumentError, match="too long"):
        check_document_text("a" * (MAX_CHARS + 1), "d")


def test_check_document_text_accepts_real_text() -> None:
    for path in SEEDS:
        check_document_text(path.read_text(encoding="utf-8"), path.stem)
    check_document_text("Alep\ufffd est tombée, selon l'AFP, après des semaines de siège.", "d")

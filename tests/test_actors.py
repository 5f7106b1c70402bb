"""The actor registry: ids, labels in French and English, ACLED categories and interactions."""

from __future__ import annotations

import pytest

from geo import actors
from geo.errors import ConfigError
from geo.lang import read_tsv

EVENTS_ACTORS = actors.DATA_FILE.parent / "events_actors.tsv"


def test_every_label_the_extractor_emits_is_a_registered_actor():
    # the labels of the extractor's actor lexicon (its second column)
    labels = {row[1] for row in read_tsv(EVENTS_ACTORS, ("pattern", "label"))}
    assert "Russie" in labels
    missing = sorted(label for label in labels if actors.find(label) is None)
    assert missing == []


@pytest.mark.parametrize(
    ("name", "actor_id"),
    [
        ("Russie", "russia"),
        ("Russia", "russia"),
        ("russes", "russia"),
        ("RUSSIA", "russia"),
        ("régime syrien", "syria-government"),
        ("regime syrien", "syria-government"),
        ("Syrian government", "syria-government"),
        ("EI", "islamic-state"),
        ("Islamic State", "islamic-state"),
        ("Daech", "islamic-state"),
        ("rebelles", "rebels"),
        ("rebels", "rebels"),
        ("Etats-Unis", "usa"),
        ("États Unis", "usa"),
        ("coalition menée par les États-Unis", "us-led-coalition"),
        ("US-led coalition", "us-led-coalition"),
        ("civils", "civilians"),
        ("hommes armés", "gunmen"),
        ("syria-government", "syria-government"),
    ],
)
def test_find_takes_any_language_and_spelling(name, actor_id):
    assert actors.find(name).id == actor_id


def test_find_unknown_is_none():
    assert actors.find("Bundeswehr du Luxembourg") is None
    assert actors.find("") is None
    assert actors.find(None) is None


@pytest.mark.parametrize(
    ("name", "fr", "en"),
    [
        ("Russia", "Russie", "Russia"),
        ("régime syrien", "régime syrien", "Syrian government"),
        ("EI", "EI", "Islamic State"),
        ("rebelles", "rebelles", "rebels"),
        ("civils", "civils", "civilians"),
    ],
)
def test_labels_in_each_language(name, fr, en):
    a = actors.find(name)
    assert (a.label("fr"), a.label("en"), a.label("EN")) == (fr, en, en)
    assert a.label("es") == en  # a language the registry lacks reads English


def test_categories_are_acled_codes():
    assert actors.CATEGORIES == {
        "state forces": 1, "rebels": 2, "political militias": 3, "identity militias": 4,
        "rioters": 5, "protesters": 6, "civilians": 7, "external forces": 8,
    }  # fmt: skip
    codes = {a.code for a in actors.actors()}
    assert codes == set(range(1, 9)), "every ACLED category has at least one actor"
    assert actors.find("Russie").code == 1
    assert actors.find("EI").code == 2
    assert actors.find("hommes armés").code == 3
    assert actors.find("civils").code == 7
    assert actors.find("ONU").code == 8


def test_state_forces_abroad_are_external():
    russia = actors.find("Russie")
    assert russia.code_in("RU") == 1
    assert russia.code_in("SY") == 8
    assert russia.code_in(None) == 1
    assert actors.find("rebelles").code_in("SY") == 2


@pytest.mark.parametrize(
    ("a", "b", "code"),
    [
        ("state forces", "civilians", 17),
        ("civilians", "state forces", 17),  # the smaller digit first
        ("rebels", "rebels", 22),
        (1, 2, 12),
        ("protesters", None, 60),
        (None, "rioters", 50),
        ("Russie", "civils", 17),
        ("EI", "régime syrien", 12),
        (None, None, None),
    ],
)
def test_interaction(a, b, code):
    assert actors.interaction(a, b) == code


def test_interaction_of_actors_where_the_event_happens():
    assert actors.interaction_of("Russie", "civils", "UA") == 78
    assert actors.interaction_of("Ukraine", "Russia", "UA") == 18
    assert actors.interaction_of("manifestants", "police") == 16
    assert actors.interaction_of("nobody", None) is None


def test_unknown_category_is_an_error():
    with pytest.raises(ValueError, match="unknown"):
        actors.interaction("pirates", "civilians")


def test_names_of_gives_every_spelling_for_filters():
    names = actors.names_of("Russia")
    assert names[0] == "russia" and "Russie" in names and "russes" in names
    assert actors.names_of("Somebody") == ("Somebody",)


def test_registry_rows_are_reviewed(tmp_path):
    head = "id\tcategory\tlabel_fr\tlabel_en\tcountry\taliases\tcomment\n"
    bad = tmp_path / "a.tsv"
    bad.write_text(head + "x\tpirates\tpirates\tpirates\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown category"):
        actors.load(bad)
    bad.write_text(head + "x\trebels\tX\tX\t\tY\ny\trebels\tY2\tY2\t\ty\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="already names the actor 'x'"):
        actors.load(bad)


def test_every_non_obvious_actor_has_a_comment():
    # generic actors (no proper name) and categories that are not the obvious one for a
    # reader are explained in the file
    for a in actors.actors():
        generic = a.label("en").islower()
        if (generic and a.category not in ("civilians", "rioters", "protesters", "rebels")) or (
            a.category in ("rebels", "political militias", "identity militias", "external forces")
            and not generic
        ):
            assert a.comment, a.id

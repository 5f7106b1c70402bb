"""The search language of ``q`` (geo/store/search_query.py): how a query is read, and what it
finds in a real store, the SQLite one and the PostGIS one (on the session's throwaway cluster),
the same documents and events from both. A document is also found by the places it mentions,
in any of their names: "Aleppo" finds the article that says Alep.
"""

from __future__ import annotations

import doctest

import pytest

from geo.errors import InputError
from geo.store import open_store, search_query
from geo.store import sqlite as sqlite_store
from geo.store.search_query import AllOf, AnyOf, Not, Term, parse, to_fts5
from tests.test_store import sample_documents


def test_the_module_examples_hold():
    assert doctest.testmod(search_query).failed == 0
    assert doctest.testmod(sqlite_store).failed == 0


@pytest.mark.parametrize(
    ("typed", "tree"),
    [
        ("Alep", Term("Alep")),
        ("Alep frappes", AllOf((Term("Alep"), Term("frappes")))),
        ("Alep AND frappes", AllOf((Term("Alep"), Term("frappes")))),
        ("Alep OR Aleppo", AnyOf((Term("Alep"), Term("Aleppo")))),
        ("Alep NOT Idleb", AllOf((Term("Alep"), Not(Term("Idleb"))))),
        ("Alep -Idleb", AllOf((Term("Alep"), Not(Term("Idleb"))))),
        ("Alep AND NOT Idleb", AllOf((Term("Alep"), Not(Term("Idleb"))))),
        ('"frappes russes"', Term("frappes russes")),
        ('-"frappes russes" Alep', AllOf((Not(Term("frappes russes")), Term("Alep")))),
        ("bomb*", Term("bomb", prefix=True)),
        # OR binds tighter than AND, as in web search engines
        ("Alep frappes OR raids", AllOf((Term("Alep"), AnyOf((Term("frappes"), Term("raids")))))),
        ("(Alep OR Idleb) -combats", AllOf((AnyOf((Term("Alep"), Term("Idleb"))), Not(Term("combats"))))),
        ("al-Assad", Term("al-Assad")),  # a hyphen inside a word is no NOT
        # operators are capitals, and need something to join; else they are words
        ("alep or idleb", AllOf((Term("alep"), Term("or"), Term("idleb")))),
        ("AND OR NOT", AllOf((Term("AND"), Term("OR"), Term("NOT")))),
        ("Alep OR", AllOf((Term("Alep"), Term("OR")))),
        # unbalanced: a missing ')' closes at the end, a stray one is left out
        ("(Alep OR Idleb", AnyOf((Term("Alep"), Term("Idleb")))),
        ("Alep) Idleb", AllOf((Term("Alep"), Term("Idleb")))),
        ('Alep "frappes', AllOf((Term("Alep"), Term("frappes")))),
        ("Alep - !", Term("Alep")),  # punctuation alone is nothing to find
    ],
)  # fmt: skip
def test_a_query_is_read_as_a_person_means_it(typed, tree):
    assert parse(typed) == tree


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("NOT Alep", "give a word to find"),
        ("-Alep -Idleb", "give a word to find"),
        ("Alep OR -Idleb", "each side of OR"),
        ("Alep NOT -Idleb", "not by another NOT"),
        ('"', "no word to search for"),
        ("- * ()", "no word to search for"),
        (" ".join(["w"] * 40), "more than 32 terms"),
        ("(" * 12 + "Alep", "deep"),
    ],
)
def test_a_query_nothing_can_answer_is_refused_with_its_reason(typed, message):
    with pytest.raises(InputError, match=message):
        parse(typed)


def test_fts5_gets_its_own_syntax():
    assert to_fts5(parse('Alep "frappes russes" bomb* -')) == (
        '"Alep" AND "frappes russes" AND "bomb"*'
    )
    assert to_fts5(parse("Alep OR Aleppo NOT Idleb NOT Damas")) == (
        '("Alep" OR "Aleppo") NOT "Idleb" NOT "Damas"'
    )
    assert to_fts5(parse('a"b')) == '"a" AND "b"'  # a quote never leaks into FTS5


# -- what a query finds, in both stores ---------------------------------------------------------
@pytest.fixture(scope="module")
def sqlite_db(gaz, tmp_path_factory):
    st = open_store(tmp_path_factory.mktemp("search") / "store.sqlite")
    for x in sample_documents(gaz):
        st.add(x)
    yield st
    st.close()


@pytest.fixture(scope="module")
def postgis_db(gaz, postgis_cluster):
    url = postgis_cluster.create_database()
    st = open_store(url)
    for x in sample_documents(gaz):
        st.add(x)
    yield st
    st.close()
    postgis_cluster.drop_database(url)


@pytest.fixture(params=["sqlite", "postgis"])
def store(request):
    return request.getfixturevalue(f"{request.param}_db")


# afp-a: "Des frappes russes ont tué jeudi 30 civils à Alep ... a déclaré à Ankara ..."
# afp-b: "Des combats ont opposé mardi l'armée syrienne aux rebelles à Idleb, en Syrie."
# c:     "Le régime de Damas a repris le contrôle d'un quartier au printemps."
@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("Alep", ["afp-a"]),
        ("Aleppo", ["afp-a"]),  # the English name of a place the article mentions as Alep
        ("ALEPPO", ["afp-a"]),
        ("Idlib", ["afp-b"]),
        ("Syria", ["afp-b"]),
        ("Damascus", ["c"]),
        ("Aleppo OR Damascus", ["afp-a", "c"]),
        ("Syria -Idleb", []),
        ("Syria -Alep", ["afp-b"]),
        ('"frappes russes"', ["afp-a"]),
        ('"russes frappes"', []),
        ("frappes OR combats", ["afp-b", "afp-a"]),
        ("frappes combats", []),
        ("(frappes OR combats) NOT Aleppo", ["afp-b"]),
        ("(frappes OR combats) -Idlib", ["afp-a"]),
        ("régime OR rebelles -Syria", ["c"]),
        ("comba*", ["afp-b"]),
        ("AND OR NOT", []),
    ],
)
def test_documents_found(store, q, found):
    rows, total = store.documents(q=q)
    assert [r["id"] for r in rows] == found and total == len(found)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("frappes OR combats", ["afp-a", "afp-b"]),
        ("frappes -Alep", []),
        ("(frappes OR combats) -Idleb", ["afp-a"]),
        ('"armée syrienne" OR régime', ["afp-b", "c"]),
    ],
)
def test_events_found(store, q, found):
    rows, total = store.events(q=q)
    assert sorted(r["doc_id"] for r in rows) == found and total == len(found)


def test_places_of_the_documents_found(store):
    # the places mentioned by the documents a search finds (the map's places layer)
    rows, _ = store.places(q="Aleppo")
    assert {p["name_fr"] or p["name"] for p in rows} == {"Alep", "Ankara"}


def test_a_refused_query_is_an_input_error_in_both_stores(store):
    with pytest.raises(InputError, match="give a word to find"):
        store.documents(q="NOT Alep")
    with pytest.raises(InputError, match="each side of OR"):
        store.events(q="Alep OR -Idleb")

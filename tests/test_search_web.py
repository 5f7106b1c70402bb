"""Search that fits the reader, in a real headless Chromium over the real app and SQLite store
(as tests/test_web_map.py drives it): the map's place search finds any gazetteer place by any
of its names in the map's language ("Idleb", "Raqa", "Syrie"), says when nothing is found, and
the documents page finds an article by the places it mentions ("Aleppo" finds the article that
says Alep) and takes AND, OR, NOT and quoted phrases; hostile text stays text.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.test_web_map import XSS_MARK, chromium, only_local, served
from tests.web_fixtures import HOSTILE, build_extracted, make_store
from web import create_app


@pytest.fixture(scope="module")
def app(gaz, gazetteer_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("search-web") / "store.sqlite"
    make_store(path, build_extracted(gaz)).close()
    return create_app({"DB": str(path), "GAZETTEER": gazetteer_path})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def server(app):
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


# -- the gazetteer's places by name ------------------------------------------------------------
def test_places_json_finds_gazetteer_places_by_any_name(client):
    r = client.get("/map/places.json?q=Raqa")
    assert r.status_code == 200
    first = r.json["places"][0]
    assert first["name"] == "Raqa" and first["country_code"] == "SY"
    en = client.get("/map/places.json?q=Raqa&lang=en").json["places"][0]
    assert en["id"] == first["id"] and en["name"] != "Raqa"  # named in the map's language
    syria = client.get("/map/places.json?q=Syrie").json["places"][0]
    assert syria["feature"] == "country" and syria["zoom"] < first["zoom"]
    assert client.get("/map/places.json?q=Qwxzyville").json["places"] == []
    assert client.get("/map/places.json").status_code == 400
    assert client.get("/map/places.json?q=" + "x" * 300).status_code == 400


def search(browser, text: str) -> None:
    browser.eval(
        "(() => { const i = document.getElementById('cm-search-input');"
        f" i.value = {json.dumps(text)}; i.dispatchEvent(new Event('change')); }})()"
    )
    browser.wait_for(
        "['found', 'missed', 'error'].includes(document.body.getAttribute('data-cm-search'))"
    )


@pytest.mark.parametrize(
    ("query", "typed", "shown", "near"),
    [
        ("", "Idleb", "Idleb", (35.93, 36.63)),
        ("", "Raqa", "Raqa", (35.95, 39.01)),
        ("", "Syrie", "Syrie", (35.0, 38.0)),
        ("", "Homs", "Homs", (34.73, 36.71)),  # a place no document mentions
        ("?lang=en", "Syrie", "Syria", (35.0, 38.0)),  # a French name, the English label
        ("?lang=en", "Lattakia", "Latakia", (35.52, 35.79)),
    ],
)
def test_map_search_finds_every_gazetteer_place_in_the_maps_language(
    server, browser, query, typed, shown, near
):
    browser.open(server + "/" + query)
    browser.eval("document.body.removeAttribute('data-cm-search')")
    search(browser, typed)
    assert browser.eval("document.body.getAttribute('data-cm-search')") == "found"
    browser.wait_for("!!document.querySelector('.leaflet-popup-content')", timeout=5)
    popup = browser.eval("document.querySelector('.leaflet-popup-content').textContent")
    assert popup.strip().startswith(shown), popup
    c = browser.eval("[conflictmap.map.getCenter().lat, conflictmap.map.getCenter().lng]")
    assert abs(c[0] - near[0]) < 2.5 and abs(c[1] - near[1]) < 2.5
    assert not browser.eval(
        "document.getElementById('cm-search-input').classList.contains('cm-miss')"
    )
    assert "search=" in browser.eval("location.search")


def test_map_search_says_when_nothing_is_found(server, browser):
    browser.open(server + "/")
    search(browser, "Qwxzyville")
    assert browser.eval("document.body.getAttribute('data-cm-search')") == "missed"
    assert browser.eval("document.getElementById('cm-search-msg').textContent") == (
        "No place named \u201cQwxzyville\u201d, in the data or in the gazetteer."
    )
    assert browser.eval("document.getElementById('cm-search-input').classList.contains('cm-miss')")
    # hostile text typed in the box stays text in the message
    search(browser, HOSTILE)
    assert browser.eval("document.getElementById('cm-search-msg').textContent").count(HOSTILE) == 1
    assert browser.eval("document.querySelectorAll('.cm-search script').length") == 0
    assert browser.eval("document.title") != XSS_MARK


# -- the documents page --------------------------------------------------------------------------
def doc_ids(browser) -> list[str]:
    return browser.eval(
        "Array.from(document.querySelectorAll('main tbody a'), a =>"
        " decodeURIComponent(a.getAttribute('href').split('/').pop()))"
    )


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("Aleppo", ["doc-alep"]),  # the article says Alep
        ("Alep", ["doc-alep"]),
        ("Halab OR Hamburg", ["doc-saraqib"]),  # Hamburg is written in it
        ("Aleppo OR Damascus", ["doc-alep", "doc-damas"]),
        ("Syria -Damascus", []),
        ('"broke out near Saraqib"', ["doc-saraqib"]),
        ('"near broke"', []),
        ("Clashes AND NOT Hamburg", []),
        ("AND OR NOT", []),
    ],
)
def test_documents_page_finds_by_places_and_operators(server, browser, q, found):
    from urllib.parse import urlencode

    browser.open(server + "/documents?" + urlencode({"q": q}))
    assert sorted(doc_ids(browser)) == sorted(found)
    assert browser.eval("document.querySelector('main input[name=q]').value") == q


def test_documents_page_explains_a_refused_search_and_keeps_hostile_text(server, browser, client):
    r = client.get("/documents?q=NOT+Alep")
    assert r.status_code == 400 and "give a word to find" in r.get_data(as_text=True)
    browser.events.clear()
    browser.open(server + "/documents?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E+title")
    assert doc_ids(browser) == ["doc-hostile"]
    assert browser.eval("document.querySelector('main input[name=q]').value") == (
        f"{HOSTILE} title"
    )
    assert browser.eval("document.querySelectorAll('main script, main img').length") == 0
    time.sleep(0.3)
    assert browser.eval("document.title") != XSS_MARK
    assert only_local(browser.requests(), server) == []


# -- dates in the page's language ----------------------------------------------------------------
def test_map_dates_are_typed_and_shown_in_the_pages_language(server, browser, client):
    browser.open(server + "/?start=01/03/2024&end=31/03/2024")  # jj/mm/aaaa on a French map
    boxes = browser.eval(
        "Array.from(document.querySelectorAll('.cm-filter input[type=text]'),"
        " i => [i.name, i.value, i.placeholder])"
    )
    assert boxes == [["start", "01/03/2024", "jj/mm/aaaa"], ["end", "31/03/2024", "jj/mm/aaaa"]]
    assert browser.eval("conflictmap.data.filters") == {"start": "2024-03-01", "end": "2024-03-31"}
    browser.wait_for("!!document.getElementById('cm-date-range').textContent")
    assert browser.eval("document.getElementById('cm-date-range').textContent") == (
        "Events dated 10/03/2024 \u2013 11/03/2024"
    )
    # the whole data's range, and an English map writes ISO days
    browser.open(server + "/?lang=en")
    browser.wait_for("!!document.getElementById('cm-date-range').textContent")
    assert browser.eval("document.getElementById('cm-date-range').textContent") == (
        "Events dated 2024-01-01 \u2013 2024-04-02"
    )
    assert browser.eval("document.querySelector('.cm-filter input[name=start]').placeholder") == (
        "yyyy-mm-dd"
    )
    # a day that is not one says which form it expects
    r = client.get("/?start=31/02/2024")
    assert r.status_code == 400 and "start is not a valid date" in r.get_data(as_text=True)
    r = client.get("/?start=March")
    assert r.status_code == 400 and "jj/mm/aaaa or YYYY-MM-DD" in r.get_data(as_text=True)
    assert client.get("/?start=2024-03-01").status_code == 200  # ISO always


def test_documents_dates_in_the_pages_language(server, browser):
    browser.open(server + "/documents?start=01/03/2024&end=31/03/2024")
    assert sorted(doc_ids(browser)) == ["doc-alep", "doc-saraqib"]
    assert browser.eval("document.querySelector('main input[name=start]').value") == "01/03/2024"
    assert browser.eval("document.querySelector('main input[name=end]').placeholder") == (
        "jj/mm/aaaa"
    )
    browser.open(server + "/documents?start=2024-03-01&lang=en")
    assert browser.eval("document.querySelector('main input[name=start]').value") == "2024-03-01"
    assert sorted(doc_ids(browser)) == ["doc-alep", "doc-hostile", "doc-saraqib"]


def test_date_forms_examples_hold():
    import doctest

    from web import date_input

    assert doctest.testmod(date_input).failed == 0


def test_a_view_link_reopens_a_gazetteer_place_found(server, browser):
    browser.open(server + "/")
    search(browser, "Homs")  # no document mentions it
    link = browser.eval("document.getElementById('cm-view-link').href")
    assert "search=Homs" in link
    browser.open(link)
    browser.wait_for("!!document.querySelector('.leaflet-popup-content')", timeout=5)
    assert browser.eval("document.querySelector('.leaflet-popup-content b').textContent") == "Homs"
    assert browser.eval("document.getElementById('cm-search-input').value") == "Homs"

"""Reviewing in the browser (issue 14, item 3), on the real Flask app and a real SQLite store:
a reviewer signs in with the API token (a signed HttpOnly, SameSite=Strict cookie; never the
token in it), every form and JSON write made with the cookie needs the page's CSRF token, and
the document page's review tools re-point a name, mark one as not a place, add a missed name and
edit an event, in a real headless Chromium (as tests/test_web_map.py drives it). Readers see no
edit control; hostile text stays text in every review widget.
"""

from __future__ import annotations

import json
import re

import pytest

from geo.model import DateValue, Document
from geo.pipeline import Extracted
from tests.test_web_map import XSS_MARK, chromium, served
from tests.web_fixtures import HOSTILE, HOSTILE_IMG, _event, _mentions, build_extracted, make_store
from web import create_app, review_pages

TOKEN = "s3cret-review-token"
HOSTILE_NAME = f"Ana {HOSTILE_IMG}"


def review_doc(gaz) -> Extracted:
    """An article with a name the pipeline missed (Maarrat al-Nouman), a hostile name kept as an
    unresolved mention, and one event."""
    aleppo = gaz.get("gn:170063")
    text = (
        f"Des combats ont eu lieu à Alep et à Maarat al-Nouman lundi. Le village de {HOSTILE_IMG} "
        "a été touché, trois morts."
    )
    mentions = _mentions(text, [("Alep", aleppo), (HOSTILE_IMG, None)])
    return Extracted(
        doc=Document("doc-review", text, lang="fr", published="2024-03-04", title="Revue"),
        lang="fr",
        published=DateValue("2024-03-04", "day"),
        mentions=mentions,
        events=(
            _event(
                text,
                "Des combats ont eu lieu à Alep et à Maarat al-Nouman lundi.",
                "Battles",
                "Armed clash",
                "2024-03-04",
                aleppo,
                ["Syrian army"],
            ),
        ),
        statements=(),
    )


@pytest.fixture(scope="module")
def store_path(gaz, tmp_path_factory):
    path = tmp_path_factory.mktemp("review-pages") / "store.sqlite"
    make_store(path, [*build_extracted(gaz), review_doc(gaz)]).close()
    return path


@pytest.fixture(scope="module")
def app(store_path, gazetteer_path):
    return create_app({"DB": str(store_path), "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN})


def form_csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, name="ana", token=TOKEN, next_page="/documents/doc-alep"):
    csrf = form_csrf(client.get("/review/sign-in?next=" + next_page).text)
    return client.post(
        "/review/sign-in",
        data={"reviewer": name, "token": token, "csrf_token": csrf, "next": next_page},
    )


def page_data(html: str) -> dict:
    return json.loads(re.search(r'id="review-data">(.*?)</script>', html, re.S).group(1))


# -- the sign-in, the cookie, CSRF (real app, real client) -----------------------------------------
def test_sign_in_keeps_a_signed_strict_httponly_cookie_without_the_token(app):
    client = app.test_client()
    r = sign_in(client)
    assert r.status_code == 303 and r.headers["Location"] == "/documents/doc-alep"
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith(review_pages.SESSION_COOKIE + "=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    import base64

    payload = value.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert TOKEN.encode() not in decoded and TOKEN not in cookie
    # the key is kept beside the store, readable by its owner only
    key = app.config["SECRET_KEY"]
    assert isinstance(key, bytes) and len(key) == 32
    page = client.get("/documents/doc-alep").text
    assert page_data(page)["doc"] == "doc-alep" and 'id="review-name">ana<' in page


def test_session_key_is_kept_per_data_folder(store_path, gazetteer_path):
    key_file = store_path.parent / review_pages.KEY_FILE
    a = create_app({"DB": str(store_path), "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN})
    b = create_app({"DB": str(store_path), "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN})
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert a.config["SECRET_KEY"] == b.config["SECRET_KEY"]  # a restart keeps the sign-ins
    client = a.test_client()
    sign_in(client)
    assert "review-data" in client.get("/documents/doc-alep").text


@pytest.mark.parametrize(
    ("name", "token", "status", "message"),
    [
        ("ana", "wrong", 401, "That token is not the server&#39;s."),
        ("ana", "", 401, "That token is not the server&#39;s."),
        ("", TOKEN, 400, "reviewer&#39;s name"),
        ("a\u202eb", TOKEN, 400, "invisible characters"),
    ],
)
def test_a_wrong_sign_in_is_refused_and_opens_nothing(app, name, token, status, message):
    client = app.test_client()
    r = sign_in(client, name=name, token=token)
    assert r.status_code == status and message in r.text
    assert "review-data" not in client.get("/documents/doc-alep").text
    r = client.patch("/api/events/1", json={"fatalities": 2})
    assert r.status_code == 401


def test_sign_in_without_the_forms_csrf_token_is_refused(app):
    client = app.test_client()
    client.get("/review/sign-in")
    r = client.post("/review/sign-in", data={"reviewer": "ana", "token": TOKEN})
    assert r.status_code == 400 and "expired" in r.text
    assert "review-data" not in client.get("/documents/doc-alep").text


def test_a_write_with_the_cookie_needs_the_csrf_header(app):
    client = app.test_client()
    sign_in(client, next_page="/documents/doc-saraqib")
    data = page_data(client.get("/documents/doc-saraqib").text)
    eid = data["events"][0]["id"]
    before = client.get("/api/corrections?document=doc-saraqib").json["numberMatched"]
    for headers in ({}, {review_pages.CSRF_HEADER: "forged"}):
        r = client.patch(f"/api/events/{eid}", json={"fatalities": 4}, headers=headers)
        assert r.status_code == 403 and "CSRF" in r.json["error"]
    assert client.get("/api/corrections?document=doc-saraqib").json["numberMatched"] == before
    r = client.patch(
        f"/api/events/{eid}",
        json={"fatalities": 4, "reviewer": "someone else"},
        headers={review_pages.CSRF_HEADER: data["csrf"]},
    )
    assert r.status_code == 200
    assert r.json["correction"]["reviewer"] == "ana"  # the name given at sign-in
    # the Bearer token still works alone, without cookie or CSRF token
    other = app.test_client()
    r = other.patch(
        f"/api/events/{eid}",
        json={"fatalities": 5, "reviewer": "bot"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 200 and r.json["correction"]["reviewer"] == "bot"


def test_sign_out_needs_the_csrf_token_and_ends_the_session(app):
    client = app.test_client()
    sign_in(client)
    page = client.get("/documents/doc-alep").text
    csrf = page_data(page)["csrf"]
    assert client.post("/review/sign-out", data={}).status_code == 403
    assert "review-data" in client.get("/documents/doc-alep").text
    r = client.post("/review/sign-out", data={"csrf_token": csrf, "next": "/documents/doc-alep"})
    assert r.status_code == 303
    assert "review-data" not in client.get("/documents/doc-alep").text
    r = client.patch(
        "/api/events/1", json={"fatalities": 2}, headers={review_pages.CSRF_HEADER: csrf}
    )
    assert r.status_code == 401


def test_a_changed_token_ends_every_session(store_path, gazetteer_path):
    a = create_app({"DB": str(store_path), "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN})
    client = a.test_client()
    sign_in(client)
    b = create_app({"DB": str(store_path), "GAZETTEER": gazetteer_path, "API_TOKEN": "another"})
    cookie = client.get_cookie(review_pages.SESSION_COOKIE)
    other = b.test_client()
    other.set_cookie(review_pages.SESSION_COOKIE, cookie.value)
    assert "review-data" not in other.get("/documents/doc-alep").text


def test_next_page_stays_on_this_site(app):
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        r = sign_in(app.test_client(), next_page=bad)
        assert r.headers["Location"] == "/documents"


def test_readers_and_servers_without_token_get_no_review_tools(app, store_path, gazetteer_path):
    page = app.test_client().get("/documents/doc-alep").text
    assert "review-data" not in page and "review.js" not in page
    assert "Sign in to review" in page and "data-mention=" in page
    assert app.test_client().get("/review/candidates/doc-alep").status_code == 401
    closed = create_app({"DB": str(store_path), "GAZETTEER": gazetteer_path})
    client = closed.test_client()
    assert "Sign in to review" not in client.get("/documents/doc-alep").text
    r = client.get("/review/sign-in")
    assert r.status_code == 200 and "Reviewing is disabled" in r.text


def test_candidates_carry_the_geoparsers_reasons(app):
    client = app.test_client()
    sign_in(client)
    data = page_data(client.get("/documents/doc-alep").text)
    alep = next(m for m in data["mentions"] if m["text"] == "Alep")
    got = client.get("/review/candidates/doc-alep").json["mentions"][str(alep["id"])]
    ids = [c["id"] for c in got["candidates"]]
    assert "gn:170062" in ids  # the governorate of the same name, a runner-up
    assert all(c["reason"] for c in got["candidates"])
    assert "population" in got["candidates"][0]["reason"]


# -- the review tools in headless Chromium ------------------------------------------------------
@pytest.fixture(scope="module")
def server(app):
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def js(value) -> str:
    return json.dumps(value)


def browser_sign_in(
    browser, server, name: str, page: str = "/documents/doc-review", token: str = TOKEN
) -> None:
    browser.open(f"{server}/review/sign-in?next={page}")
    browser.eval(
        f"document.getElementById('review-reviewer').value = {js(name)};"
        f"document.getElementById('review-token').value = {js(token)};"
        "document.getElementById('review-sign-in-form').submit();"
    )
    browser.wait_for(f"location.pathname === {js(page)} && document.readyState === 'complete'")
    browser.wait_for("document.body.getAttribute('data-review-ready') === '1'")


def saved(browser, action: str) -> None:
    """Run ``action`` (a write) and wait for the page it reloads (its status line says what was
    saved)."""
    browser.eval("window.__before_write = true")
    browser.eval(action)
    browser.wait_for(
        "!window.__before_write && document.body &&"
        " document.body.getAttribute('data-review-ready') === '1' &&"
        " document.body.getAttribute('data-review-status') !== null"
    )


def data(browser) -> dict:
    return browser.eval("JSON.parse(document.getElementById('review-data').textContent)")


def click_mention(browser, text: str) -> None:
    browser.eval(
        "Array.from(document.querySelectorAll('#text [data-mention]'))"
        f".find(e => e.textContent === {js(text)}).click()"
    )
    browser.wait_for("!document.getElementById('review-panel').hidden")


def type_search(browser, text: str) -> None:
    """Type ``text`` in the panel's gazetteer search and wait for its answer."""
    seen = browser.eval("document.getElementById('review-panel').getAttribute('data-searched')")
    browser.eval(
        "(() => { const i = document.getElementById('review-search-input');"
        f" i.value = {js(text)}; i.dispatchEvent(new Event('input')); }})()"
    )
    browser.wait_for(
        "document.getElementById('review-panel').getAttribute('data-searched') !== " + js(seen)
    )


def select_text(browser, text: str) -> None:
    """Select ``text`` in the article as a reader's mouse would, then release the button."""
    browser.eval(
        f"""(() => {{
      const root = document.getElementById('text');
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {{
        const at = node.data.indexOf({js(text)});
        if (at >= 0) {{
          const r = document.createRange();
          r.setStart(node, at); r.setEnd(node, at + {len(text)});
          const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
          root.dispatchEvent(new MouseEvent('mouseup', {{bubbles: true}}));
          return;
        }}
      }}
      throw new Error('text not found');
    }})()"""
    )
    browser.wait_for("document.getElementById('review-panel').getAttribute('data-kind')")


def _await(browser, method: str, url: str, body: dict, headers: dict) -> int:
    """The status of a fetch made by the page (its cookie sent)."""
    res = browser.send(
        "Runtime.evaluate",
        expression=(
            f"fetch({js(url)}, {{method: {js(method)}, headers: Object.assign("
            f"{{'Content-Type': 'application/json'}}, {js(headers)}), credentials: 'same-origin',"
            f" body: {js(json.dumps(body))}}}).then(r => r.status)"
        ),
        awaitPromise=True,
        returnByValue=True,
    )
    return res["result"]["value"]


def test_readers_see_no_edit_controls(server, browser):
    browser.open(server + "/documents/doc-review")
    assert browser.eval("document.getElementById('review-data')") is None
    assert (
        browser.eval("document.querySelectorAll('.review-edit-event, #review-panel').length") == 0
    )
    assert browser.eval("document.body.getAttribute('data-review-ready')") is None
    # a reader's click on a name follows its link to the map
    assert browser.eval("document.getElementById('review-sign-in').textContent") == (
        "Sign in to review"
    )


def test_review_in_the_browser(server, browser):
    browser_sign_in(browser, server, HOSTILE_NAME)
    # the reviewer's hostile name is text in the bar
    assert browser.eval("document.getElementById('review-name').textContent") == HOSTILE_NAME
    assert browser.eval("document.querySelectorAll('#review-bar img').length") == 0
    assert browser.eval("document.querySelectorAll('.review-edit-event').length") == 1

    # re-point a name to a candidate the geoparser offered, with its reason shown
    click_mention(browser, "Alep")
    browser.wait_for("document.getElementById('review-panel').hasAttribute('data-candidates')")
    reasons = browser.eval(
        "Array.from(document.querySelectorAll('#review-candidates .review-reason'),"
        " e => e.textContent)"
    )
    assert reasons and all("population" in r for r in reasons)
    saved(
        browser,
        "document.querySelector('#review-candidates li[data-place=\"gn:170062\"] button').click()",
    )
    assert "now points to" in browser.eval("document.getElementById('review-status').textContent")
    alep = next(m for m in data(browser)["mentions"] if m["text"] == "Alep")
    assert alep["place_id"] == "gn:170062"

    # re-point it again, to a place found by searching the gazetteer as one types
    click_mention(browser, "Alep")
    type_search(browser, "Homs")
    saved(browser, "document.querySelector('#review-search-results li button').click()")
    alep = next(m for m in data(browser)["mentions"] if m["text"] == "Alep")
    assert alep["place_id"] != "gn:170062" and alep["name"] == "Homs"
    # the event the name placed moved with it (the page shows the event at Homs)
    assert "Homs" in browser.eval("document.querySelector('#events li').textContent")

    # mark a name as not a place
    click_mention(browser, "Alep")
    saved(browser, "document.getElementById('review-not-a-place').click()")
    alep = next(m for m in data(browser)["mentions"] if m["text"] == "Alep")
    assert alep["place_id"] is None
    assert (
        browser.eval(
            "Array.from(document.querySelectorAll('#text mark.unresolved'), e => e.textContent)"
        ).count("Alep")
        == 1
    )

    # add a name the pipeline missed: select it, pick its place
    select_text(browser, "Maarat al-Nouman")
    browser.wait_for("document.getElementById('review-panel').hasAttribute('data-searched')")
    assert browser.eval("document.getElementById('review-search-input').value") == (
        "Maarat al-Nouman"
    )
    type_search(browser, "Idleb")
    saved(browser, "document.querySelector('#review-search-results li button').click()")
    added = [m for m in data(browser)["mentions"] if m["text"] == "Maarat al-Nouman"]
    assert len(added) == 1 and added[0]["name"] == "Idleb"

    # edit an event: type, date, toll
    browser.eval("document.querySelector('#events .review-edit-event').click()")
    browser.wait_for(
        "document.getElementById('review-panel').getAttribute('data-kind') === 'event'"
    )
    saved(
        browser,
        "(() => { const t = document.getElementById('review-type'); t.value = 'Violence against civilians';"
        " t.dispatchEvent(new Event('change'));"
        " document.getElementById('review-date').value = '2024-03-03';"
        " document.getElementById('review-fatalities').value = '3';"
        " document.getElementById('review-note').value = 'toll from the last line';"
        " document.getElementById('review-save-event').click(); })()",
    )
    ev = data(browser)["events"][0]
    assert (ev["type"], ev["date"], ev["fatalities"]) == (
        "Violence against civilians",
        "2024-03-03",
        3,
    )

    # a bad toll is refused in the panel, and nothing is sent
    browser.eval("document.querySelector('#events .review-edit-event').click()")
    browser.eval(
        "document.getElementById('review-fatalities').value = '-2';"
        "document.getElementById('review-save-event').click();"
    )
    assert "whole number" in browser.eval(
        "document.querySelector('.review-panel-error').textContent"
    )

    # the trail has each correction under the name given at sign-in, never the token
    trail = json.loads(_trail(browser))
    assert trail["numberMatched"] == 5
    assert {c["reviewer"] for c in trail["corrections"]} == {HOSTILE_NAME}
    assert TOKEN not in json.dumps(trail)
    assert browser.eval("document.title") != XSS_MARK


def _trail(browser) -> str:
    res = browser.send(
        "Runtime.evaluate",
        expression="fetch('/api/corrections?document=doc-review').then(r => r.text())",
        awaitPromise=True,
        returnByValue=True,
    )
    return res["result"]["value"]


def test_hostile_names_stay_text_in_the_review_widgets(server, browser):
    browser_sign_in(browser, server, "ana")
    click_mention(browser, HOSTILE_IMG)
    assert browser.eval("document.getElementById('review-panel-title').textContent") == (
        f"\u201c{HOSTILE_IMG}\u201d"
    )
    type_search(browser, HOSTILE)
    assert HOSTILE in browser.eval("document.getElementById('review-search-msg').textContent")
    select_text(browser, HOSTILE_IMG[:12])
    assert HOSTILE_IMG[:12] in browser.eval(
        "document.getElementById('review-panel-title').textContent"
    )
    assert (
        browser.eval("document.querySelectorAll('#review-panel img, #review-panel script').length")
        == 0
    )
    assert browser.eval("document.title") != XSS_MARK
    assert not [c for c in browser.console() if XSS_MARK in c]


def test_the_browser_refuses_writes_without_csrf_and_after_sign_out(server, browser):
    browser_sign_in(browser, server, "ana")
    d = data(browser)
    eid = d["events"][0]["id"]
    url = f"/api/events/{eid}"
    assert _await(browser, "PATCH", url, {"fatalities": 9}, {}) == 403
    assert _await(browser, "PATCH", url, {"fatalities": 9}, {"X-CSRF-Token": "forged"}) == 403
    browser.eval("document.getElementById('review-sign-out').click()")
    browser.wait_for(
        "document.readyState === 'complete' && !!document.getElementById('review-sign-in')"
    )
    assert browser.eval("document.getElementById('review-data')") is None
    assert _await(browser, "PATCH", url, {"fatalities": 9}, {"X-CSRF-Token": d["csrf"]}) == 401


def test_sign_in_and_out_answer_json_clients_401(app, store_path, gazetteer_path):
    client = app.test_client()
    r = client.post("/review/sign-in", json={"reviewer": "ana", "token": TOKEN})
    assert r.status_code == 401 and r.json["error"]
    r = client.post("/review/sign-out", json={})
    assert r.status_code == 401 and r.json["error"]
    closed = create_app({"DB": str(store_path), "GAZETTEER": gazetteer_path}).test_client()
    r = closed.post("/review/sign-out", data={"next": "/documents/doc-alep"})
    assert r.status_code == 303  # nothing to close
    r = closed.post("/review/sign-in", data={"reviewer": "ana", "token": "x"})
    assert r.status_code == 403 and "Reviewing is disabled" in r.text

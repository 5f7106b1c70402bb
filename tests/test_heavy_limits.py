"""Heavy requests past what anyone may ask (web.limits.OPEN): an export of many events or a
snapshot of many pixels needs the API token or a smaller ask, and says how to make it; a
snapshot asked again is sent from a bounded cache until the store changes."""

from __future__ import annotations

import pytest

from geo.store import open_store
from tests.test_store import report
from tests.web_fixtures import build_extracted, make_store
from web import create_app

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def store_path(gaz, tmp_path_factory):
    path = tmp_path_factory.mktemp("heavy") / "store.sqlite"
    make_store(path, build_extracted(gaz)).close()
    return path


def _app(store_path, gazetteer_path, **config):
    st = open_store(store_path)
    app = create_app({"STORE": st, "GAZETTEER": gazetteer_path, "TESTING": True, **config})
    return app, st


@pytest.fixture()
def small(store_path, gazetteer_path):
    """An app where 3 events and 20,000 pixels are what anyone may ask."""
    app, st = _app(
        store_path, gazetteer_path, API_TOKEN=TOKEN, EXPORT_OPEN_ROWS=3, SNAPSHOT_OPEN_PIXELS=20_000
    )
    yield app.test_client()
    st.close()


def test_a_big_export_needs_the_token_and_says_how_to_ask_for_less(small):
    total = small.get("/api/events?limit=1").get_json()["numberMatched"]
    assert total > 3
    resp = small.get("/export/events.csv", buffered=True)
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
    words = resp.get_json()["error"]
    assert f"{total:,} events" in words and "3" in words
    assert "narrow it with the filters" in words and "Authorization: Bearer" in words
    full = small.get("/export/events.csv", headers=AUTH, buffered=True)
    assert full.status_code == 200 and full.data.decode().count("\n") == total + 1
    # a narrower export is anyone's
    body = small.get("/api/events?limit=1000").get_json()
    place = next(
        f["properties"]["place_id"]
        for f in body["features"]
        if f["properties"]["place_id"]
        and small.get(f"/api/events?place={f['properties']['place_id']}").get_json()[
            "numberMatched"
        ]
        <= 3
    )
    assert small.get(f"/export/events.geojson?place={place}", buffered=True).status_code == 200


def test_without_a_token_on_the_server_a_big_export_is_403(store_path, gazetteer_path):
    app, st = _app(store_path, gazetteer_path, EXPORT_OPEN_ROWS=3)
    try:
        resp = app.test_client().get("/export/events.csv", headers=AUTH, buffered=True)
        assert resp.status_code == 403
        assert "narrow it with the filters" in resp.get_json()["error"]
    finally:
        st.close()


def test_a_big_snapshot_needs_the_token_and_a_small_one_does_not(small):
    resp = small.get("/snapshot.png?width=200&height=200")
    assert resp.status_code == 401
    words = resp.get_json()["error"]
    assert "200x200 snapshot is 40,000 pixels" in words and "smaller width, height or dpi" in words
    assert small.get("/snapshot.png?width=200&height=200", headers=AUTH).status_code == 200
    assert small.get("/snapshot.png?width=100&height=100").status_code == 200
    # a PNG's pixels are at its dpi: 100x100 at 200 dpi is 200x200
    assert small.get("/snapshot.png?width=100&height=100&dpi=200").status_code == 401
    assert small.get("/snapshot.svg?width=100&height=200").status_code == 200  # 20,000


def test_the_document_says_past_which_size_the_token_is_needed(small):
    spec = small.get("/openapi.json").get_json()
    for path in ("/export/events.csv", "/snapshot.png"):
        responses = spec["paths"][path]["get"]["responses"]
        assert {"401", "403"} <= set(responses), path
    assert (
        "More than 3 events"
        in spec["paths"]["/export/events.csv"]["get"]["responses"]["401"]["description"]
    )


def test_a_snapshot_asked_again_comes_from_the_cache_until_the_store_changes(
    gaz, gazetteer_path, tmp_path
):
    path = tmp_path / "store.sqlite"
    make_store(path, build_extracted(gaz)).close()
    app, st = _app(path, gazetteer_path, SNAPSHOT_CACHE_ENTRIES=2)
    client = app.test_client()
    try:
        url = "/snapshot.svg?width=120&height=100&title=Cache"
        first, again = client.get(url), client.get(url)
        assert first.headers["Cache-Status"] == "conflictmap; fwd=miss; stored"
        assert again.headers["Cache-Status"] == "conflictmap; hit"
        assert again.data == first.data
        # other parameters are another map
        other = client.get(url + "&size=fatalities")
        assert other.headers["Cache-Status"].endswith("stored")
        # a write to the store: the next one is drawn again
        st.add(report(gaz, "new", "Des combats à Alep mardi.", "gn:170063", "2024-09-03"))
        fresh = client.get(url)
        assert fresh.headers["Cache-Status"].endswith("stored") and fresh.data != first.data
        # at most two kept: the oldest is drawn again
        client.get(url + "&style=print"), client.get(url + "&inset=1")
        assert client.get(url).headers["Cache-Status"].endswith("stored")
    finally:
        st.close()

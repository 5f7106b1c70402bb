"""/api/events?sort=: the events in the order of a column (date, fatalities, type, place name,
descending with '-'), ties by id, on the real Flask app over each real store (SQLite, and
PostGIS on the tests' throwaway cluster) holding the same documents: paging through a sorted
view gives every event once, in that order; a bad value is a 400 JSON and reaches no SQL; the
OpenAPI document lists the values."""

from __future__ import annotations

import pytest

from geo.errors import InputError
from geo.store import open_store
from geo.store.base import EVENT_SORTS
from tests.test_export_stores import _documents
from web import create_app

PAGE = 4  # small pages: paging must neither repeat nor skip an event


@pytest.fixture(scope="module")
def stores(gaz, postgis_cluster, tmp_path_factory):
    url = postgis_cluster.create_database()
    stores = {
        "sqlite": open_store(tmp_path_factory.mktemp("sort") / "store.sqlite"),
        "postgis": open_store(url),
    }
    for x in _documents(gaz):
        for st in stores.values():
            st.add(x)
    yield stores
    for st in stores.values():
        st.close()
    postgis_cluster.drop_database(url)


@pytest.fixture(scope="module")
def clients(stores, gazetteer_path):
    return {
        name: create_app({"STORE": st, "GAZETTEER": gazetteer_path, "TESTING": True}).test_client()
        for name, st in stores.items()
    }


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def _key(column: str, p: dict):
    """The order a reader expects: a missing value first ascending, last descending."""
    if column == "date":
        return p["date"] or (p["published"] or "")[:10]
    if column == "fatalities":
        return -1 if p["fatalities"] is None else p["fatalities"]
    if column == "type":
        return (p["type"] or "", p["subtype"] or "")
    return _ascii_lower(p["place_name"] or "")


def _pages(client, query: str) -> list[dict]:
    """Every event of the query, page after page through the next links."""
    out, url = [], f"/api/events?{query}&limit={PAGE}"
    while url:
        resp = client.get(url)
        assert resp.status_code == 200, resp.data[:300]
        body = resp.get_json()
        assert len(body["features"]) <= PAGE
        out += [f["properties"] for f in body["features"]]
        url = body["next"]
    return out


@pytest.mark.parametrize("engine", ["sqlite", "postgis"])
@pytest.mark.parametrize("sort", EVENT_SORTS)
def test_paging_a_sorted_view_gives_every_event_once_in_order(clients, engine, sort):
    client = clients[engine]
    stored = _pages(client, "type=")  # the order stored
    got = _pages(client, f"sort={sort}")
    assert sorted(p["id"] for p in got) == sorted(p["id"] for p in stored)
    assert len(got) == len(stored) > 3 * PAGE
    column, desc = sort.lstrip("-"), sort.startswith("-")
    by_id = sorted(stored, key=lambda p: p["id"])
    expected = sorted(by_id, key=lambda p: _key(column, p), reverse=desc)  # ties: id ascending
    assert [p["id"] for p in got] == [p["id"] for p in expected]
    keys = [_key(column, p) for p in got]
    assert len(set(keys)) > 2  # the column really orders something


@pytest.mark.parametrize("engine", ["sqlite", "postgis"])
def test_sort_keeps_the_filters_and_the_same_order_on_both_stores(clients, engine):
    got = _pages(clients[engine], "sort=-fatalities&bbox=35.5,32.3,42.4,37.4")
    assert got
    killed = [-1 if p["fatalities"] is None else p["fatalities"] for p in got]
    assert killed == sorted(killed, reverse=True) and killed[0] > 0
    plain = _pages(clients[engine], "bbox=35.5,32.3,42.4,37.4")
    assert sorted(p["id"] for p in got) == sorted(p["id"] for p in plain)


def test_both_stores_give_the_same_order(clients):
    def sentences(engine, sort):
        return [(p["doc_id"], p["sentence"]) for p in _pages(clients[engine], f"sort={sort}")]

    for sort in ("-date", "place", "type"):
        assert sentences("sqlite", sort) == sentences("postgis", sort)


@pytest.mark.parametrize("engine", ["sqlite", "postgis"])
@pytest.mark.parametrize("bad", ["id", "date desc", "-date;DROP TABLE events", "Date", "--date"])
def test_a_bad_sort_is_a_400_json_naming_the_values(clients, stores, engine, bad):
    resp = clients[engine].get("/api/events", query_string={"sort": bad})
    assert resp.status_code == 400
    message = resp.get_json()["error"]
    assert "sort must be one of date, -date" in message
    assert clients[engine].get("/api/events?limit=1").status_code == 200  # nothing broken
    with pytest.raises(InputError, match="sort must be one of"):
        stores[engine].events(sort=bad)


def test_a_blank_sort_is_the_order_stored(clients):
    client = clients["sqlite"]
    assert _pages(client, "sort=%20") == _pages(client, "type=")


def test_the_openapi_document_lists_the_sorts(clients):
    doc = clients["sqlite"].get("/openapi.json").get_json()
    ps = doc["paths"]["/api/events"]["get"]["parameters"]
    sort = [p for p in ps if p.get("name") == "sort"]
    assert len(sort) == 1
    assert sort[0]["schema"]["anyOf"][0]["enum"] == list(EVENT_SORTS)
    assert set(EVENT_SORTS) == {"date", "-date", "fatalities", "-fatalities", "type", "-type",
                                "place", "-place"}  # fmt: skip

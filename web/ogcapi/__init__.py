"""OGC API – Features – Part 1: Core (1.0) under ``/ogcapi``: the events, statements and places
as collections that QGIS, GDAL/OGR (the OAPIF driver), OWSLib and ArcGIS open as live layers.

Resources: the landing page, ``/conformance``, ``/api`` (the OpenAPI document, the same as
``/openapi.json``), ``/collections``, ``/collections/{id}``, ``/collections/{id}/items`` (filters
``bbox``, ``datetime``, the queryables; paged by ``limit``/``offset`` with ``next``/``prev``
links), ``/collections/{id}/items/{featureId}`` and ``/collections/{id}/queryables``. Every one
answers JSON (GeoJSON for features) or HTML, chosen by ``f=json|html`` or else the Accept header.
The endpoints only adapt: parameters are checked in :mod:`web.ogcapi.params`, the collections are
declared in :mod:`web.ogcapi.collections` and read through the store's public interface.

Example
-------
>>> import pyogrio                                                     # doctest: +SKIP
>>> pyogrio.read_dataframe("OAPIF:http://127.0.0.1:8000/ogcapi", layer="events")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for

from geo.errors import ConflictmapError, NotFoundError
from web.ogcapi import params
from web.ogcapi.collections import COLLECTIONS, CRS84, QUERYABLES, Collection, extent, get_item

log = logging.getLogger(__name__)

bp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")

TITLE = "conflictmap: OGC API – Features"
DESCRIPTION = (
    "Conflict events, statements and places extracted from French and English news, as "
    "OGC API – Features collections (GeoJSON, CRS84). Places: GeoNames (CC BY 4.0)."
)
CONFORMANCE = [
    f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{name}"
    for name in ("core", "geojson", "html", "oas30")
]
GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
REL_QUERYABLES = "http://www.opengis.net/def/rel/ogc/1.0/queryables"


# -- helpers ----------------------------------------------------------------------------------
def _wants_html(allowed: tuple[str, ...] = ()) -> bool:
    """True when the response is HTML: ``f=html``, or no ``f`` and an Accept header that
    prefers text/html (a browser); JSON otherwise."""
    params.check_known(request.args, params.COMMON + allowed)
    f = params.parse_format(request.args)
    if f is not None:
        return f == "html"
    best = request.accept_mimetypes.best_match([JSON, GEOJSON, HTML], default=JSON)
    return best == HTML


def _url(endpoint: str, f: str | None = None, **values: Any) -> str:
    query = {"f": f} if f else {}
    return url_for(endpoint, **values, **query, _external=True)


def _link(href: str, rel: str, type_: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": type_, "title": title}


def _self_links(endpoint: str, html: bool, json_type: str = JSON, **values: Any) -> list[dict]:
    """``self`` and ``alternate``: this resource as JSON and as HTML."""
    as_json = _link(_url(endpoint, "json", **values), "self", json_type, "this document as JSON")
    as_html = _link(_url(endpoint, "html", **values), "self", HTML, "this document as HTML")
    if html:
        as_json["rel"], as_json["title"] = "alternate", "this document as JSON"
        return [as_html, as_json]
    as_html["rel"] = "alternate"
    return [as_json, as_html]


def _json(body: Any, mimetype: str = JSON) -> Response:
    resp = current_app.response_class(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")), mimetype=mimetype
    )
    resp.vary.add("Accept")
    return resp


def _html(template: str, **context: Any) -> Response:
    from web.context import csp_nonce

    page = render_template(
        template, nonce=csp_nonce(), title=context.pop("title", TITLE), show=_show, **context
    )
    resp = Response(page, mimetype=HTML)
    resp.vary.add("Accept")
    return resp


def _show(value: Any) -> str:
    """A property value as text for the HTML pages (lists and objects as JSON); escaped by the
    template."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _collection(cid: str) -> Collection:
    coll = COLLECTIONS.get(cid)
    if coll is None:
        raise NotFoundError(
            f"no collection {cid[:40]!r}; the collections: {', '.join(COLLECTIONS)}"
        )
    return coll


def _store():
    from web.context import get_store

    return get_store()


EXTENT_RECHECK_S = 30.0  # how long an extent is served before the store's counts are read again


def _extent(coll: Collection) -> dict:
    """The collection's extent, computed again only when the store's counts have changed; the
    counts are read at most every :data:`EXTENT_RECHECK_S` seconds, once for every collection
    (a count of a million events is not free)."""
    store = _store()
    cache = current_app.extensions.setdefault(
        "ogcapi_extents", {"checked": None, "counts": None, "extents": {}}
    )
    now = time.monotonic()
    if cache["checked"] is None or now - cache["checked"] >= EXTENT_RECHECK_S:
        counts = tuple(sorted(store.stats().items()))
        if counts != cache["counts"]:
            cache["extents"] = {}
        cache["checked"], cache["counts"] = now, counts
    extents = cache["extents"]
    if coll.id not in extents:
        extents[coll.id] = extent(coll, store)
    return extents[coll.id]


@bp.errorhandler(ConflictmapError)
def _error(exc: ConflictmapError):
    """OGC's exception document (``code``, ``description``) with the app's ``error`` member."""
    if exc.status >= 500:
        log.error("%s: %s", type(exc).__name__, exc.message)
        message = "internal error; see the server log"
    else:
        message = exc.message
    code = {400: "InvalidParameterValue", 404: "NotFound"}.get(exc.status, "ServerError")
    resp = _json({"code": code, "description": message, "error": message})
    resp.status_code = exc.status
    return resp


# -- the resources ----------------------------------------------------------------------------
@bp.get("")
@bp.get("/")
def landing():
    """The landing page: links to the API definition, the conformance classes and the data."""
    html = _wants_html()
    links = [
        *_self_links("ogcapi.landing", html),
        _link(_url("ogcapi.api"), "service-desc", OPENAPI, "the API definition (OpenAPI 3.0)"),
        _link(_url("ogcapi.conformance", "json"), "conformance", JSON, "conformance classes"),
        _link(_url("ogcapi.collections", "json"), "data", JSON, "the collections"),
        _link(_url("ogcapi.collections", "html"), "data", HTML, "the collections as HTML"),
    ]
    body = {"title": TITLE, "description": DESCRIPTION, "links": links}
    if html:
        return _html("ogcapi_landing.html", body=body, collections=COLLECTIONS.values())
    return _json(body)


@bp.get("/conformance")
def conformance():
    """The conformance classes this service implements."""
    html = _wants_html()
    body = {"conformsTo": CONFORMANCE, "links": _self_links("ogcapi.conformance", html)}
    if html:
        return _html("ogcapi_conformance.html", body=body, title="Conformance · conflictmap")
    return _json(body)


@bp.get("/api")
def api():
    """The API definition: the app's OpenAPI document, which declares these operations too."""
    from web.openapi import spec

    params.check_known(request.args, params.COMMON)
    if params.parse_format(request.args) == "html":
        raise NotFoundError("the API definition is served as JSON only (f=json)")
    return _json(spec(request.host_url.rstrip("/")), OPENAPI)


def _enclosures(coll: Collection) -> list[dict]:
    """``enclosure`` links (OGC's bulk download) to every export format of the events: the
    whole collection in one file (``geo.export.EXPORTS``); the other collections have none."""
    if coll.id != "events":
        return []
    from geo.export import EXPORTS

    return [
        _link(
            url_for("api.export", fmt=form.name, _external=True),
            "enclosure",
            form.media_type.split(";")[0],
            f"every event as {form.label}",
        )
        for form in EXPORTS.values()
    ]


def _collection_body(coll: Collection) -> dict:
    cid = coll.id
    items = "ogcapi.items"
    return {
        "id": cid,
        "title": coll.title,
        "description": coll.description,
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": _extent(coll),
        "links": [
            _link(_url(items, "json", cid=cid), "items", GEOJSON, f"{coll.title} as GeoJSON"),
            _link(_url(items, "html", cid=cid), "items", HTML, f"{coll.title} as HTML"),
            _link(
                _url("ogcapi.queryables", cid=cid),
                REL_QUERYABLES,
                "application/schema+json",
                "the properties items can be filtered by",
            ),
            *_enclosures(coll),
        ],
    }


@bp.get("/collections")
def collections():
    """The feature collections: events, statements, places."""
    html = _wants_html()
    cols = []
    for coll in COLLECTIONS.values():
        c = _collection_body(coll)
        self_ = _link(_url("ogcapi.collection", "json", cid=coll.id), "self", JSON, coll.title)
        c["links"].insert(0, self_)
        cols.append(c)
    body = {"links": _self_links("ogcapi.collections", html), "collections": cols, "crs": [CRS84]}
    if html:
        return _html("ogcapi_collections.html", body=body, title="Collections · conflictmap")
    return _json(body)


@bp.get("/collections/<cid>")
def collection(cid: str):
    """One collection: its extent (bbox, dates), CRS and links to its items."""
    coll = _collection(cid)
    html = _wants_html()
    body = _collection_body(coll)
    body["links"][:0] = _self_links("ogcapi.collection", html, cid=cid)
    if html:
        return _html(
            "ogcapi_collection.html", c=body, body=body, title=f"{coll.title} · conflictmap"
        )
    return _json(body)


@bp.get("/collections/<cid>/queryables")
def queryables(cid: str):
    """The properties the items can be filtered by, as a JSON Schema."""
    coll = _collection(cid)
    _wants_html()
    props = {
        name: {"title": name, "type": QUERYABLES[name][0], "description": QUERYABLES[name][1]}
        for name in coll.filters
    }
    body = {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": _url("ogcapi.queryables", cid=cid),
        "type": "object",
        "title": coll.title,
        "properties": props,
    }
    return _json(body, "application/schema+json")


def _page_url(f: str, **changes: Any) -> str:
    """This request's URL with ``f`` and some parameters changed."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("f", *changes)]
    args += [(k, v) for k, v in changes.items()] + [("f", f)]
    return request.base_url + "?" + urlencode(args)


def _items_filters(coll: Collection) -> dict[str, Any]:
    args = request.args
    filters: dict[str, Any] = {}
    # blank values are no values (web.params.BLANK_RULE): each reader gives None for them
    start, end = params.parse_datetime(args.get("datetime"))
    found = {"bbox": params.parse_bbox(args.get("bbox")), "start": start, "end": end}
    found.update({name: params.parse_text(name, args.get(name)) for name in coll.filters})
    filters.update({k: v for k, v in found.items() if v is not None})
    return filters


@bp.get("/collections/<cid>/items")
def items(cid: str):
    """A page of features: filters ``bbox``, ``datetime`` and the collection's queryables."""
    coll = _collection(cid)
    html = _wants_html(params.ITEMS + coll.filters)
    params.check_crs(request.args)
    filters = _items_filters(coll)
    limit = params.parse_int(
        "limit", request.args.get("limit"), params.DEFAULT_LIMIT, 1, params.MAX_LIMIT
    )
    offset = params.parse_int("offset", request.args.get("offset"), 0, 0, params.MAX_OFFSET)
    rows, total = coll.query(_store(), **filters, limit=limit, offset=offset)
    own, other = ("html", "json") if html else ("json", "html")
    types = {"json": GEOJSON, "html": HTML}
    links = [
        _link(_page_url(own), "self", types[own], "this page"),
        _link(_page_url(other), "alternate", types[other], f"this page as {other.upper()}"),
        _link(_url("ogcapi.collection", "json", cid=cid), "collection", JSON, coll.title),
    ]
    if offset + len(rows) < total:
        nxt = _page_url(own, limit=limit, offset=offset + limit)
        links.append(_link(nxt, "next", types[own], "the next page"))
    if offset > 0:
        prev = _page_url(own, limit=limit, offset=max(0, offset - limit))
        links.append(_link(prev, "prev", types[own], "the previous page"))
    body = {
        "type": "FeatureCollection",
        "features": [coll.feature(r) for r in rows],
        "links": links,
        "numberMatched": total,
        "numberReturned": len(rows),
        "timeStamp": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if html:
        return _html(
            "ogcapi_items.html",
            c=coll,
            body=body,
            offset=offset,
            map_data=_map_data(coll, body["features"]),
            title=f"{coll.title} · conflictmap",
        )
    return _geojson(body)


def _geojson(body: dict) -> Response:
    resp = _json(body, GEOJSON)
    resp.headers["Content-Crs"] = f"<{CRS84}>"
    return resp


@bp.get("/collections/<cid>/items/<fid>")
def item(cid: str, fid: str):
    """One feature by its id (404 when the collection has none)."""
    coll = _collection(cid)
    html = _wants_html(("crs",))
    params.check_crs(request.args)
    feature = coll.feature(get_item(coll, _store(), coll.parse_id(fid)))
    feature["links"] = [
        *_self_links("ogcapi.item", html, GEOJSON, cid=cid, fid=fid),
        _link(_url("ogcapi.collection", "json", cid=cid), "collection", JSON, coll.title),
    ]
    if html:
        return _html(
            "ogcapi_item.html",
            c=coll,
            feature=feature,
            map_data=_map_data(coll, [feature]),
            external=_external,
            title=f"{coll.title} {fid} · conflictmap",
        )
    return _geojson(feature)


# -- HTML -------------------------------------------------------------------------------------
_LABELS = {  # the properties a marker's popup names a feature by
    "events": ("type", "date", "place_name"),
    "statements": ("speaker", "date", "where_name"),
    "places": ("name", "mentions"),
}


def _map_data(coll: Collection, features: list[dict]) -> dict:
    """The small map's points: geometry, a plain-text label and the item page's address."""
    out = []
    for f in features:
        if f.get("geometry") is None:
            continue
        props = f.get("properties") or {}
        label = " · ".join(str(props[k]) for k in _LABELS[coll.id] if props.get(k) is not None)
        href = _url("ogcapi.item", "html", cid=coll.id, fid=f["id"])
        out.append({"type": "Feature", "geometry": f["geometry"], "properties": {"label": label, "href": href}})  # fmt: skip
    return {"type": "FeatureCollection", "features": out}


def _external(url: Any) -> bool:
    """True for an http(s) address, the only links the pages make from stored values."""
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))

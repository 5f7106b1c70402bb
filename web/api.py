"""Thin JSON endpoints: parse and validate parameters -> store query -> response.

GeoJSON responses follow RFC 7946: coordinates are ``[longitude, latitude]`` in WGS 84 and
there is no ``crs`` member. List responses carry ``numberMatched``, ``numberReturned`` and,
while more rows remain, a ``next`` link (also in ``links``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import tempfile
import threading
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request, send_file, url_for

from geo.documents import id_problem, shown_id
from geo.errors import AuthError, InputError, NotFoundError
from geo.store.base import check_day
from web import params

bp = Blueprint("api", __name__)

# The parameters are declared once in web.params (read by the routes and the OpenAPI
# document); these names stay for the pages and the map that read them from here.
MAX_LIMIT = params.MAX_LIMIT
DEFAULT_LIMIT = params.DEFAULT_LIMIT
MAX_OFFSET = params.MAX_OFFSET
MAX_TEXT_PARAM = params.MAX_TEXT
LANGS = params.LANGS  # the languages a posted article may declare
FILTERS = params.FILTERS
MAX_EVENT_ID = 2**63 - 1  # an event id is a store's 64-bit integer
parse_filters = params.parse_filters
parse_page = params.parse_page


# -- parameters -------------------------------------------------------------------------------
def parse_date(name: str, value: str) -> str:
    """A ``YYYY-MM-DD`` calendar date, or :class:`InputError` (400): the store's rule and words
    (:func:`geo.store.base.check_day`), so the API, the CLI and the store say the same."""
    day = check_day(value, name)
    if day is None:
        raise InputError(f"{name} must be a date YYYY-MM-DD, not {value!r}")
    return day


def parse_int(name: str, value: str | None, default: int, lo: int, hi: int) -> int:
    """An integer in ``[lo, hi]`` (blank: ``default``), by the rule of :class:`web.params.Param`."""
    return params.Param(name, "int", "", default=default, minimum=lo, maximum=hi).parse(value)


# -- responses --------------------------------------------------------------------------------
def _point(lon: Any, lat: Any) -> dict | None:
    if lon is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [float(lon), float(lat)]}


def _feature(row: dict, lon_key: str = "lon", lat_key: str = "lat") -> dict:
    """A GeoJSON Feature of a store row: its point from two columns, the rest as properties."""
    props = {k: v for k, v in row.items() if k not in (lon_key, lat_key)}
    return {
        "type": "Feature",
        "id": row.get("id"),
        "geometry": _point(row.get(lon_key), row.get(lat_key)),
        "properties": props,
    }


def _links(total: int, limit: int, offset: int, media: str) -> dict[str, Any]:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("offset", "limit")]

    def page(off: int) -> str:
        return request.base_url + "?" + urlencode([*args, ("limit", limit), ("offset", off)])

    links = [{"rel": "self", "type": media, "href": request.url}]
    nxt = None
    if offset + limit < total:
        nxt = page(offset + limit)
        links.append({"rel": "next", "type": media, "href": nxt})
    if offset > 0:
        links.append({"rel": "prev", "type": media, "href": page(max(0, offset - limit))})
    return {"links": links, "next": nxt}


def _collection(kind: str, to_feature, **extra) -> Response:
    from web.context import get_store

    filters = parse_filters(request.args, FILTERS[kind])
    limit, offset = parse_page(request.args)
    extra = {k: v for k, v in extra.items() if v is not None}
    rows, total = getattr(get_store(), kind)(**filters, **extra, limit=limit, offset=offset)
    body = {
        "type": "FeatureCollection",
        "features": [to_feature(r) for r in rows],
        "numberMatched": total,
        "numberReturned": len(rows),
        **_links(total, limit, offset, "application/geo+json"),
    }
    resp = jsonify(body)
    resp.mimetype = "application/geo+json"
    return resp


@bp.get("/api/events")
def events():
    """Events as a GeoJSON FeatureCollection (filters: bbox start end type actor place q), in
    the order stored or by ``sort`` (``web.params.SORT``)."""
    return _collection("events", _feature, sort=params.SORT.parse(request.args.get("sort")))


@bp.get("/api/statements")
def statements():
    """Statements located where they were said (the places they name in ``properties``)."""
    return _collection("statements", lambda r: _feature(r, "where_lon", "where_lat"))


@bp.get("/api/places")
def places():
    """Places mentioned, with their mention counts and documents."""
    return _collection("places", _feature)


@bp.get("/api/documents")
def documents():
    """The documents stored (filters: q start end), newest first."""
    from web.context import get_store

    filters = parse_filters(request.args, FILTERS["documents"])
    limit, offset = parse_page(request.args)
    rows, total = get_store().documents(**filters, limit=limit, offset=offset)
    return json_page("documents", rows, total, limit, offset)


def json_page(key: str, rows: list, total: int, limit: int, offset: int) -> Response:
    """A page of a JSON list under ``key``, with its counts and its ``next``/``prev`` links."""
    return jsonify(
        {
            key: rows,
            "numberMatched": total,
            "numberReturned": len(rows),
            **_links(total, limit, offset, "application/json"),
        }
    )


@bp.get("/api/documents/<doc_id>")
def document(doc_id: str):
    """One document with its text, mentions, events and statements (404 if unknown). An id has
    no ``/`` (``geo.documents.id_problem``): ``/api/documents/<id>/...`` are other resources."""
    from web.context import get_store

    return jsonify(get_store().document(doc_id))


@bp.get("/api/events/<int:event_id>/sources")
def event_sources(event_id: int):
    """The reports one event was merged from, its own first, each with why it was merged."""
    from web.context import get_store

    if event_id > MAX_EVENT_ID:  # past SQLite's integers: no such event (it was a 500)
        raise NotFoundError(f"no event with id {str(event_id)[:40]}")

    rows = get_store().sources(event_id)
    return jsonify({"event_id": event_id, "sources": rows, "numberReturned": len(rows)})


# -- writes -----------------------------------------------------------------------------------
def check_token() -> None:
    """Raise :class:`AuthError` (401) unless the request carries the configured Bearer token."""
    token = current_app.config.get("API_TOKEN")
    if not token:
        raise AuthError("writes are disabled: the server has no API token configured")
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise AuthError("this endpoint needs an 'Authorization: Bearer <token>' header")
    if not hmac.compare_digest(given.strip().encode(), str(token).encode()):
        raise AuthError("the token is not valid")


def check_open(amount: int, setting: str, what: str, smaller: str) -> None:
    """Past the threshold ``setting`` of :data:`web.limits.OPEN`, the request needs the API
    token: :class:`AuthError` (401) without a valid one, :class:`web.limits.Forbidden` (403)
    when the server has none; both say ``what`` was asked and how to ask for less
    (``smaller``)."""
    from web import limits

    limit = limits.open_limit(setting, current_app.config)
    if amount <= limit:
        return
    if not current_app.config.get("API_TOKEN"):
        raise limits.Forbidden(f"{what}, more than the {limit:,} this server gives: {smaller}")
    try:
        check_token()
    except AuthError:
        raise AuthError(
            f"{what}, more than the {limit:,} anyone may ask: {smaller}, or send "
            "'Authorization: Bearer <token>'"
        ) from None


def _posted_article() -> dict[str, Any]:
    mime = request.mimetype
    if mime == "application/json":
        try:
            data = request.get_json(silent=True)
        except RecursionError:  # json's decoder on [[[[...]]]]: not a ValueError
            raise InputError("the JSON body is nested too deeply") from None
        if not isinstance(data, dict):
            raise InputError("the body must be a JSON object with a 'text' member")
    elif mime in ("text/plain", ""):
        try:
            data = {"text": request.get_data(cache=False).decode("utf-8")}
        except UnicodeDecodeError:
            raise InputError("the text is not valid UTF-8") from None
        for key in ("id", "title", "published", "source", "lang", "url"):
            if request.args.get(key):
                data[key] = request.args[key]
    else:
        raise InputError(f"unsupported content type {mime!r}: send application/json or text/plain")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("'text' must be a non-empty string")
    for key in ("id", "title", "published", "source", "lang", "url"):
        v = data.get(key)
        if v is not None and not isinstance(v, str):
            raise InputError(f"'{key}' must be a string")
        if isinstance(v, str) and len(v) > 2000:
            raise InputError(f"'{key}' is too long")
    if data.get("id") and (problem := id_problem(data["id"])) is not None:
        raise InputError(f"{problem}: {shown_id(data['id'])}")
    if data.get("lang") not in (None, "", *LANGS):
        raise InputError(f"'lang' must be one of {', '.join(LANGS)}")
    pub = data.get("published")
    if pub:
        parse_date("published", pub[:10])
        if len(pub) > 10:
            try:
                dt.datetime.fromisoformat(pub.replace("Z", "+00:00"))
            except ValueError:
                raise InputError(f"published is not an ISO date or date-time: {pub!r}") from None
    url = data.get("url")
    if url and not url.lower().startswith(("http://", "https://")):
        raise InputError("'url' must be an http(s) address")
    return data


_ingest_lock = threading.Lock()


@bp.post("/api/documents")
def post_document():
    """Extract one article and store it (needs ``Authorization: Bearer <token>``)."""
    from geo.model import Document
    from web.context import get_extractor, get_store

    check_token()
    data = _posted_article()
    text = data["text"]
    doc_id = data.get("id") or "api-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    doc = Document(
        id=doc_id,
        text=text,
        lang=data.get("lang") or None,
        published=data.get("published") or None,
        source=data.get("source") or None,
        url=data.get("url") or None,
        title=data.get("title") or None,
    )
    store = get_store()
    if store.has_text(text):
        return jsonify({"id": None, "stored": False, "reason": "the same text is already stored"})
    with _ingest_lock:  # one extraction at a time: the models are shared
        extracted = get_extractor().extract(doc)
    stored = store.add(extracted)
    if stored is None:
        return jsonify({"id": None, "stored": False, "reason": "the same text is already stored"})
    resp = jsonify(
        {
            "id": stored,
            "stored": True,
            "mentions": len(extracted.mentions),
            "events": len(extracted.events),
            "statements": len(extracted.statements),
            "url": url_for("pages.document_page", doc_id=stored, _external=True),
        }
    )
    resp.status_code = 201
    resp.headers["Location"] = url_for("api.document", doc_id=stored, _external=True)
    return resp


@bp.post("/api/events/<event_id>/unmerge")
def unmerge_event(event_id: str):
    """Undo a merge (needs ``Authorization: Bearer <token>``): a merged event gives back its
    reports as events of their own, or one report leaves the event it was merged into."""
    from web.context import get_store

    check_token()  # before anything else, whatever the id: a write says 401 first
    ids = get_store().unmerge(parse_int("event id", event_id, 0, 0, 2**62))
    return jsonify({"event_id": ids[0], "detached": ids[1:]})


# -- export -----------------------------------------------------------------------------------
@bp.get("/export/events.<fmt>")
def export(fmt: str):
    """Every event matching the filters in one of the formats of ``geo.export.EXPORTS``. A text
    format (GeoJSON, GeoJSON Text Sequences, CSV, KML) is streamed from the store as it is
    written; a binary one (FlatGeobuf, GeoPackage) is written to a temporary file by
    ``geo.export.export_events``, then sent from disk. An export holds one of the ``export``
    slots (``web.limits.SLOTS``) while the store is read: past them, 503 with ``Retry-After``.
    An export of more events than ``EXPORT_OPEN_ROWS`` (``web.limits.OPEN``) needs the token."""
    from geo.export import EXPORTS, export_events
    from web.context import get_store, heavy

    form = EXPORTS.get(fmt)
    if form is None:
        raise InputError(f"unknown export format {fmt[:40]!r}; use {', '.join(EXPORTS)}")
    filters = parse_filters(request.args, FILTERS["events"])
    _, rows = get_store().events(**filters, limit=0)  # the count, before any heavy work
    check_open(
        rows,
        "EXPORT_OPEN_ROWS",
        f"this export has {rows:,} events",
        "narrow it with the filters (bbox, start, end, type, actor, place, q)",
    )
    slot = contextlib.ExitStack()
    slot.enter_context(heavy("export"))  # Busy (503) when every export slot is taken
    try:
        if form.streamed:
            pieces = form.iter_text(get_store(), **filters)  # a bad filter: 400, here

            def body():
                try:
                    yield from pieces
                finally:
                    slot.close()

            resp = Response(body(), mimetype=form.media_type)
            resp.call_on_close(slot.close)  # also when the body is never read
        else:
            tmpdir = tempfile.mkdtemp(prefix="conflictmap-export-")
            path = os.path.join(tmpdir, form.file_name)
            try:
                export_events(get_store(), form.name, path, **filters)
                fh = open(path, "rb")  # noqa: SIM115 - closed by the response
            finally:
                for leftover in os.listdir(tmpdir):
                    os.unlink(os.path.join(tmpdir, leftover))  # the open handle keeps the data
                os.rmdir(tmpdir)
                slot.close()  # written: sending the file is no heavy work
            resp = send_file(fh, mimetype=form.media_type)
            resp.content_length = os.fstat(fh.fileno()).st_size
    except BaseException:
        slot.close()
        raise
    resp.headers.set("Content-Disposition", "attachment", filename=form.file_name)
    return resp

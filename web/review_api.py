"""The corrections API: reviewers correct a mention, an event or a statement, add a mention the
pipeline missed, and read the trail.

Writes need the API token exactly as ``POST /api/documents`` does (401 with
``WWW-Authenticate: Bearer`` without it) and the reviewer's name (``reviewer`` in the JSON body); or, from the site's pages, the review cookie of a signed-in
reviewer with the page's CSRF token (:mod:`web.review_pages`; 403 without it). The body is checked by :func:`geo.corrections.check_changes`
(400 with a JSON error); a place is a gazetteer id, looked up in the app's gazetteer. The store
applies the correction and everything that depends on it in one transaction and writes the
trail; the token is never passed to it.

Example
-------
>>> client.patch("/api/mentions/83", json={"place": "gn:169577", "reviewer": "ana"},
...              headers={"Authorization": "Bearer s3cret"}).json["correction"]["after"]
... # doctest: +SKIP
{'place': {'id': 'gn:169577', 'name': 'Homs', ...}}
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, jsonify, request

from geo import corrections as fixes
from geo import event_types
from geo.corrections import (
    FIELDS,
    PLACE_FEATURES,
    PLACE_FIELDS,
    REVIEWED_PREFIX,
    STATUSES,
    check_changes,
    check_note,
    check_place,
    check_reviewer,
    check_since,
)
from geo.dates import SEASONS
from geo.errors import InputError, NotFoundError
from geo.model import Place
from web import params
from web.api import check_token, json_page, parse_int, parse_page
from web.review_pages import session_reviewer

bp = Blueprint("review_api", __name__)
REVIEWED_PLACES_PATH = "/api/reviewed-places"  # places reviewers added (the gazetteer lacks)

MAX_ID = 2**62


def _body() -> dict[str, Any]:
    if request.mimetype != "application/json":
        raise InputError("send the correction as a JSON object (Content-Type: application/json)")
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise InputError("the JSON body is nested too deeply") from None
    if not isinstance(data, dict):
        raise InputError("the body must be a JSON object")
    return data


def _place_of(place_id: str) -> Place | None:
    """A gazetteer place, or a place a reviewer added (``rv:`` ids, kept by the store)."""
    from web.context import get_gazetteer, get_store

    try:
        if place_id.startswith(REVIEWED_PREFIX):
            return get_store().reviewed_place(place_id)
        return get_gazetteer().get(place_id)
    except NotFoundError:
        return None


def _writer() -> tuple[dict, str, str | None]:
    """The body, the reviewer and the note of a write (token checked first).

    A reviewer signed in on the site's pages writes with the review cookie and the page's CSRF
    token instead of the Bearer token (:func:`web.review_pages.session_reviewer`); their name is
    the one they signed in with."""
    reviewer = session_reviewer()  # the review cookie, its CSRF token checked (403)
    if reviewer is None:
        check_token()  # before anything else: a write says 401 first
    body = _body()
    if reviewer is None:
        reviewer = check_reviewer(body.get("reviewer"))
    return body, reviewer, check_note(body.get("note"))


def _write(kind: str) -> tuple[dict, str, str | None]:
    """The checked changes, the reviewer and the note of this request."""
    body, reviewer, note = _writer()
    return check_changes(kind, body, _place_of), reviewer, note


def _answer(row: dict, status: int = 200):
    resp = jsonify({"correction": row})
    resp.status_code = status
    return resp


@bp.patch("/api/mentions/<mention_id>")
def patch_mention(mention_id: str):
    """Re-point a mention to another gazetteer place (or null: not a place), or change its
    role; the events it placed move with it."""
    from web.context import get_store

    changes, reviewer, note = _write("mention")
    mid = parse_int("mention id", mention_id, 0, 0, MAX_ID)
    return _answer(get_store().correct_mention(mid, changes, reviewer=reviewer, note=note))


@bp.patch("/api/events/<event_id>")
def patch_event(event_id: str):
    """Correct an event's type, sub-type, date, fatalities, place or actors, or delete it."""
    from web.context import get_store

    changes, reviewer, note = _write("event")
    eid = parse_int("event id", event_id, 0, 0, MAX_ID)
    return _answer(get_store().correct_event(eid, changes, reviewer=reviewer, note=note))


@bp.patch("/api/statements/<statement_id>")
def patch_statement(statement_id: str):
    """Correct a statement's speaker or the place it was said at (``where``)."""
    from web.context import get_store

    changes, reviewer, note = _write("statement")
    sid = parse_int("statement id", statement_id, 0, 0, MAX_ID)
    return _answer(get_store().correct_statement(sid, changes, reviewer=reviewer, note=note))


@bp.post("/api/documents/<path:doc_id>/mentions")
def post_mention(doc_id: str):
    """Add a mention the pipeline missed: ``start``, ``end`` (checked against the stored
    text), ``place`` (a gazetteer id), optionally ``role``."""
    from web.context import get_store

    changes, reviewer, note = _write("new_mention")
    row = get_store().add_mention(doc_id, changes, reviewer=reviewer, note=note)
    return _answer(row, 201)


@bp.post(REVIEWED_PLACES_PATH)
def post_reviewed_place():
    """Add a place the gazetteer lacks (``name``, ``lat``, ``lon``, ``feature``, ``country``);
    the resolver reads it from the next ingest on. 201 when new, 200 when it was there."""
    from web.context import get_store

    body, reviewer, note = _writer()
    row, new = get_store().add_reviewed_place(check_place(body), reviewer=reviewer, note=note)
    resp = jsonify({"place": row})
    resp.status_code = 201 if new else 200
    return resp


@bp.get(REVIEWED_PLACES_PATH)
def reviewed_places():
    """The places reviewers added, newest first; ``q``: those whose name starts with it."""
    from web.context import get_store

    q = REVIEWED_Q.parse(request.args.get("q"))
    return jsonify({"places": get_store().reviewed_places(q=q)})


# The trail's filters, declared as every query parameter is (web.params): the route parses
# with them and the OpenAPI document is written from them.
DOCUMENT = replace(params.Q, name="document", description="Only the corrections of this document.")
REVIEWER = replace(params.Q, name="reviewer", description="Only this reviewer's corrections.")
SINCE = params.param(
    "since",
    "instant",
    "Only the corrections made since this day (YYYY-MM-DD) or instant (ISO 8601, UTC when no "
    "offset is given).",
    pattern=r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?",
    convert=lambda p, value: check_since(value),
    bad="since must be a date or an ISO date-time, not {value}",
    example="2024-03-01",
)
STATUS = params.param(
    "status",
    "choice",
    "Only the corrections in this state: applied, stale (its text no longer matches its "
    "document's), pending (imported before its document was stored).",
    choices=STATUSES,
)
CORRECTION_PARAMS = (DOCUMENT, REVIEWER, SINCE, STATUS)
REVIEWED_Q = replace(
    params.Q, name="q", description="Only the places whose name starts with this (any case)."
)


@bp.get("/api/corrections")
def corrections():
    """The trail of corrections, oldest first (filters: document, reviewer, since, status)."""
    from web.context import get_store

    filters = {p.name: p.parse(request.args.get(p.name)) for p in CORRECTION_PARAMS}
    limit, offset = parse_page(request.args)
    rows, total = get_store().corrections(**filters, limit=limit, offset=offset)
    return json_page("corrections", rows, total, limit, offset)


# -- the OpenAPI document's operations of this module (web.openapi reads openapi_paths) ----------
def _text_schema(limit: int, **more) -> dict:
    """A text the corrections check (:func:`geo.corrections.check_changes`): not blank, no
    control or invisible character, at most ``limit`` characters."""
    return {"type": "string", "minLength": 1, "maxLength": limit, "pattern": fixes.text_patterns()[0],
            **more}  # fmt: skip


def _meta_schemas() -> dict:
    """The reviewer and the note of every write."""
    return {
        "reviewer": _text_schema(fixes.MAX_REVIEWER, description="Who makes the correction."),
        "note": {
            "type": "string",
            "nullable": True,
            "maxLength": fixes.MAX_NOTE,
            "pattern": fixes.text_patterns()[1],
            "description": "Why (line breaks allowed).",
        },
    }


def _named(names: list[str], description: str, nullable: bool = False) -> dict:
    return {
        "type": "string",
        "enum": [*names, None] if nullable else names,
        **({"nullable": True} if nullable else {}),
        "description": description,
    }


def _request_body(kind: str, required: tuple[str, ...] = ()) -> dict:
    """The JSON body of a correction of ``kind``: the fields and forms check_changes takes."""
    place = {
        "type": "string",
        "nullable": True,
        "maxLength": fixes.MAX_PLACE_ID,
        "pattern": fixes.PLACE_ID_PATTERN,
        "description": "A gazetteer id, or a place reviewers added (rv:...).",
        "example": "gn:170063",  # Aleppo in GeoNames
    }
    types = event_types.event_types()
    seasons = "|".join(SEASONS)
    props: dict[str, Any] = {
        "place": place,
        "where": place,
        "role": {"type": "string", "enum": ["literal", "metonymic", "country"]},
        "type": _named(
            [t.name for t in types], "A declared event type (its label in a language is taken too)."
        ),
        "subtype": _named(
            [s.name for t in types for s in t.subtypes],
            "A declared sub-type (of the type given, if one is).",
            nullable=True,
        ),
        "date": {
            "type": "string",
            "nullable": True,
            "pattern": (  # a year from 1, a month, a day of 31 at most, an ISO week
                r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
                rf"(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?"
                rf"|-W(0[1-9]|[1-4][0-9]|5[0-3])|-({seasons}))?$"
            ),
            "description": "A day, month, ISO week, season or year (a real one).",
            "example": "2016-08-11",
        },
        "fatalities": {
            "type": "integer",
            "minimum": 0,
            "maximum": fixes.MAX_FATALITIES,
            "nullable": True,
        },  # fmt: skip
        "actors": {
            "type": "array",
            "maxItems": fixes.MAX_ACTORS,
            "items": _text_schema(fixes.MAX_NAME),
        },  # fmt: skip
        "deleted": {"type": "boolean", "enum": [True], "description": "Given alone."},
        "speaker": _text_schema(fixes.MAX_NAME, nullable=True),
        "start": {"type": "integer", "minimum": 0, "maximum": 10**9, "example": 0},
        "end": {"type": "integer", "minimum": 1, "maximum": 10**9, "example": 3},
    }
    if kind == "new_mention":  # a mention added by hand names a place
        props["place"] = {k: v for k, v in place.items() if k != "nullable"}
    fields = [k for k in FIELDS[kind] if k != "deleted"]
    schema = {
        "type": "object",
        "properties": {
            **{k: props[k] for k in fields},
            **_meta_schemas(),
        },
        "additionalProperties": False,
    }
    schema["required"] = [*required, "reviewer"]
    if not required:  # something to correct
        schema["anyOf"] = [{"required": [k]} for k in fields]
    if "deleted" in FIELDS[kind]:  # deleting is asked alone: {"deleted": true}, who, why
        meta = ("reviewer", "note")
        deleting = {
            "type": "object",
            "properties": {
                "deleted": props["deleted"],
                **{k: schema["properties"][k] for k in meta},
            },
            "required": ["deleted", "reviewer"],
            "additionalProperties": False,
        }
        schema = {"oneOf": [schema, deleting]}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


CORRECTION_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "key": {"type": "string", "description": "Its identity when shared (imported once)."},
        "kind": {"type": "string", "enum": list(FIELDS)},
        "document": {"type": "string"},
        "target": {"type": "object", "description": "start, end, text (+ an event's type)."},
        "target_id": {"type": "integer", "nullable": True},
        "before": {"type": "object"},
        "after": {"type": "object"},
        "reviewer": {"type": "string"},
        "note": {"type": "string", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "status": {"type": "string", "enum": list(STATUSES)},
        "status_detail": {"type": "string", "nullable": True},
        "checked_at": {"type": "string", "nullable": True},
    },
}


def _write_op(summary: str, kind: str, what: str, status: str = "200", **body) -> dict:
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "parameters": [
            {
                "name": "id",
                "in": "path",
                "required": True,
                "description": what,
                "schema": (
                    {"type": "string"}
                    if kind == "new_mention"
                    else {"type": "integer", "minimum": 1, "maximum": 2**62}
                ),
            },
        ],
        "requestBody": _request_body(kind, **body),
        "responses": {
            status: {
                "description": "The correction, as the trail keeps it.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"correction": CORRECTION_SCHEMA},
                        }
                    }
                },
            },
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"description": "No valid token (WWW-Authenticate: Bearer)."},
            "404": {"$ref": "#/components/responses/NotFound"},
            **(
                {"409": {"$ref": "#/components/responses/Conflict"}}
                if kind == "new_mention"
                else {}
            ),
        },
    }


REVIEWED_PLACE_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "description": "rv:..., made from name, point and country."},
        "name": {"type": "string"},
        "feature": {"type": "string", "enum": list(PLACE_FEATURES)},
        "lat": {"type": "number"},
        "lon": {"type": "number"},
        "country_code": {"type": "string"},
        "reviewer": {"type": "string"},
        "note": {"type": "string", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
    },
}


def _place_ops() -> dict:
    one = {"type": "object", "properties": {"place": REVIEWED_PLACE_SCHEMA}}
    body = {
        "type": "object",
        "required": [*PLACE_FIELDS, "reviewer"],
        "properties": {
            "name": _text_schema(fixes.MAX_NAME),
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "feature": {"type": "string", "enum": list(PLACE_FEATURES)},
            "country": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
            **_meta_schemas(),
        },
        "additionalProperties": False,
    }
    return {
        "post": {
            "summary": "Add a place the gazetteer lacks; the resolver reads it from the next "
            "ingest on.",
            "security": [{"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {
                "201": {
                    "description": "The place, added.",
                    "content": {"application/json": {"schema": one}},
                },
                "200": {
                    "description": "The same place was there already.",
                    "content": {"application/json": {"schema": one}},
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"description": "No valid token (WWW-Authenticate: Bearer)."},
            },
        },
        "get": {
            "summary": "The places reviewers added, newest first.",
            "parameters": [REVIEWED_Q.openapi()],
            "responses": {
                "200": {
                    "description": "The places.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "places": {"type": "array", "items": REVIEWED_PLACE_SCHEMA}
                                },
                            }
                        }
                    },
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
            },
        },
    }


def openapi_paths() -> dict:
    """The paths of this module for :func:`web.openapi.spec`."""
    return {
        REVIEWED_PLACES_PATH: _place_ops(),
        "/api/mentions/{id}": {
            "patch": _write_op(
                "Re-point a mention (null: not a place); its events move with it.",
                "mention",
                "The mention's id.",
            )
        },
        "/api/events/{id}": {
            "patch": _write_op("Correct an event, or delete it.", "event", "The event's id.")
        },
        "/api/statements/{id}": {
            "patch": _write_op(
                "Correct a statement's speaker or where it was said.",
                "statement",
                "The statement's id.",
            )
        },
        "/api/documents/{id}/mentions": {
            "post": _write_op(
                "Add a mention the pipeline missed (offsets into the text).",
                "new_mention",
                "The document's id.",
                "201",
                required=("start", "end", "place"),
            )
        },
        "/api/corrections": {
            "get": {
                "summary": "The trail of corrections, oldest first.",
                "parameters": [
                    *(p.openapi() for p in CORRECTION_PARAMS),
                    {"$ref": "#/components/parameters/limit"},
                    {"$ref": "#/components/parameters/offset"},
                ],
                "responses": {
                    "200": {
                        "description": "A page of the trail.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "corrections": {
                                            "type": "array",
                                            "items": CORRECTION_SCHEMA,
                                        },
                                        "numberMatched": {"type": "integer"},
                                        "numberReturned": {"type": "integer"},
                                        "next": {"type": "string", "nullable": True},
                                    },
                                }
                            }
                        },
                    },
                    "400": {"$ref": "#/components/responses/BadRequest"},
                },
            }
        },
    }

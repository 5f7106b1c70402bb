"""The OpenAPI 3.0 description of the HTTP API, served at ``/openapi.json`` (:data:`bp`)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from web import params
from web.ogcapi.openapi import paths as ogcapi_paths
from web.review_api import openapi_paths as review_paths

# Every query parameter is declared in web.params, which the routes parse with: the schemas
# and descriptions below are written from there.
PARAMS: dict[str, dict] = {
    name: p.openapi()
    for name, p in {**params.FILTER_PARAMS, "limit": params.LIMIT, "offset": params.OFFSET}.items()
}


def _refs(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{n}"} for n in names]


ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "500": {"$ref": "#/components/responses/ServerError"},
}


def _collection(summary: str, filters: tuple[str, ...], props: str, more=()) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": [*_refs(*filters, "limit", "offset"), *more],
            "responses": {
                "200": {
                    "description": "A GeoJSON FeatureCollection (RFC 7946, [lon, lat]).",
                    "content": {
                        "application/geo+json": {
                            "schema": {
                                "allOf": [
                                    {"$ref": "#/components/schemas/FeatureCollection"},
                                    {
                                        "type": "object",
                                        "properties": {
                                            "features": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "properties": {
                                                            "$ref": f"#/components/schemas/{props}"
                                                        }
                                                    },
                                                },
                                            }
                                        },
                                    },
                                ]
                            }
                        }
                    },
                },
                **ERRORS,
            },
        }
    }


_EVENT_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
}
RETRY_AFTER = {
    "description": "Seconds to wait before asking again.",
    "schema": {"type": "integer", "minimum": 0},
}


def export_paths() -> dict:
    """``/export/events.<name>`` for every format of ``geo.export.EXPORTS``."""
    from geo.export import EXPORTS

    paths = {}
    for form in EXPORTS.values():
        media = form.media_type.split(";")[0]
        if form.name == "geojson":
            schema = {"$ref": "#/components/schemas/FeatureCollection"}
        elif form.streamed:  # text
            schema = {"type": "string"}
        else:
            schema = {"type": "string", "format": "binary"}
        summary = f"Every matching event as {form.label} (a file download, {form.file_name})."
        paths[f"/export/events.{form.name}"] = {
            "get": {
                "summary": summary,
                **(
                    {"description": form.note[0].upper() + form.note[1:] + "."} if form.note else {}
                ),
                "parameters": _refs("bbox", "start", "end", "type", "actor", "place", "q"),
                "responses": {
                    "200": {"description": form.label, "content": {media: {"schema": schema}}},
                    **_past_open("EXPORT_OPEN_ROWS", "events"),
                    "503": {"$ref": "#/components/responses/Busy"},
                    **ERRORS,
                },
            }
        }
    return paths


def snapshot_paths() -> dict:
    """``/snapshot.<fmt>`` for every format of ``web.snapshot.FORMATS``, its parameters read
    from the snapshot's and the limits' declarations."""
    from web import snapshot as snap

    params_ = [
        params.SNAPSHOT_BBOX.openapi(),
        *_refs("start", "end", "type", "actor", "place", "q"),
        *(p.openapi() for p in params.snapshot_params().values()),
    ]
    paths = {}
    for fmt, media in snap.FORMATS.items():
        paths[f"/snapshot.{fmt}"] = {
            "get": {
                "summary": "A map for reports: symbols sized by events per place and type, "
                "place names, legend and size key, scale bar, caption (filters, counts, "
                f"credits, date), as {fmt.upper()}.",
                "parameters": params_,
                "responses": {
                    "200": {
                        "description": f"{fmt.upper()} image.",
                        "content": {media: {"schema": {"type": "string", "format": "binary"}}},
                    },
                    **_past_open(
                        "SNAPSHOT_OPEN_PIXELS", "pixels (width x height, a PNG's at its dpi)"
                    ),
                    "503": {"$ref": "#/components/responses/Busy"},
                    **ERRORS,
                },
            }
        }
    return paths


def map_paths() -> dict:
    """The map page's JSON endpoints (``web.timeline``), their parameters from ``web.params``."""
    from web import maps

    events = [_refs(n)[0] for n in params.FILTERS["events"]]
    routes = {
        maps.TIMELINE_PATH: (
            "The matching events by day, week, month or year: every bar of the range.",
            [*events, params.UNIT.openapi()],
        ),
        maps.LAYERS_PATH: (
            "What the map draws for the filters (events, statements, places, counts by country).",
            [*events, params.PLACES.openapi(), params.LANG.openapi()],
        ),
        maps.COUNTRIES_PATH: (
            "Events and fatalities by country and first-level division within the view.",
            [*events, params.VIEW.openapi(), params.LANG.openapi()],
        ),
        maps.CLUSTERS_PATH: (
            "A big store's event markers of the view at a zoom: clusters, or places one by one.",
            [*events, params.VIEW.openapi(), params.ZOOM.openapi(), params.TYPES.openapi()],
        ),
        maps.LABELS_PATH: (
            "The basemap's place names (countries, largest cities) in the map's language.",
            [params.LANG.openapi()],
        ),
    }
    return {
        path: {
            "get": {
                "tags": ["map page"],
                "summary": summary,
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "JSON for the map page.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **ERRORS,
                },
            }
        }
        for path, (summary, parameters) in routes.items()
    }


def _past_open(setting: str, what: str) -> dict:
    """The 401 and 403 of a request past a threshold of ``web.limits.OPEN`` (the app's
    setting when there is an app)."""
    from flask import current_app, has_app_context

    from web import limits

    limit = limits.open_limit(setting, current_app.config if has_app_context() else None)
    past = f"More than {limit:,} {what} need the API token"
    return {
        "401": {
            "description": f"{past}: ask for less, or send 'Authorization: Bearer <token>'.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
        "403": {
            "description": f"{past}, and this server has none: ask for less.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    }


def spec(server_url: str = "") -> dict:
    """The OpenAPI document (``server_url``: the address the app is served at)."""
    nullable_str = {"type": "string", "nullable": True}
    nullable_int = {"type": "integer", "nullable": True}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "conflictmap",
            "version": "0.1.0",
            "description": (
                "Places, events and statements extracted from French and English conflict news. "
                "Spatial results are GeoJSON (RFC 7946: longitude, latitude; WGS 84). "
                'Errors are JSON objects {"error": message}. Places: GeoNames (CC BY 4.0); '
                "borders: Natural Earth. Query parameters: "
                + params.BLANK_RULE
                + " "
                + params.CHECKED_BY_SERVER
            ),
            "license": {"name": "MIT"},
        },
        "servers": [{"url": server_url or "/"}],
        "paths": {
            "/api/events": _collection(
                "Events (ACLED-like types), one Feature each at its place.",
                ("bbox", "start", "end", "type", "actor", "place", "q"),
                "Event",
                [params.SORT.openapi()],
            ),
            "/api/statements": _collection(
                "Statements, located where they were said (null geometry when unknown).",
                ("bbox", "start", "end", "actor", "place", "q"),
                "Statement",
            ),
            "/api/places": _collection(
                "Places mentioned, with mention counts and documents.",
                ("bbox", "start", "end", "q", "place"),
                "Place",
            ),
            "/api/documents": {
                "get": {
                    "summary": "Documents stored, newest first.",
                    "parameters": _refs("q", "start", "end", "limit", "offset"),
                    "responses": {
                        "200": {
                            "description": "A page of documents.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/DocumentList"}
                                }
                            },
                        },
                        **ERRORS,
                    },
                },
                "post": {
                    "summary": "Extract an article and store it (idempotent on its text).",
                    "security": [{"bearer": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/NewDocument"}
                            },
                            "text/plain": {"schema": {"type": "string", "minLength": 1}},
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Stored.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Ingested"}
                                }
                            },
                        },
                        "200": {
                            "description": "The same text was already stored (nothing changed).",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Ingested"}
                                }
                            },
                        },
                        "401": {"$ref": "#/components/responses/Unauthorized"},
                        "413": {"$ref": "#/components/responses/TooLarge"},
                        **ERRORS,
                    },
                },
            },
            "/api/events/{id}/sources": {
                "get": {
                    "summary": "The reports an event was merged from, its own first.",
                    "parameters": [_EVENT_ID],
                    "responses": {
                        "200": {
                            "description": "The event's sources.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Sources"}
                                }
                            },
                        },
                        "404": {"$ref": "#/components/responses/NotFound"},
                        **ERRORS,
                    },
                }
            },
            "/api/events/{id}/unmerge": {
                "post": {
                    "summary": "Undo a merge: the reports become events of their own again.",
                    "security": [{"bearer": []}],
                    "parameters": [_EVENT_ID],
                    "responses": {
                        "200": {
                            "description": "The merged event and the reports detached from it.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "event_id": {"type": "integer"},
                                            "detached": {
                                                "type": "array",
                                                "items": {"type": "integer"},
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "401": {"$ref": "#/components/responses/Unauthorized"},
                        "404": {"$ref": "#/components/responses/NotFound"},
                        "409": {"$ref": "#/components/responses/Conflict"},
                        **ERRORS,
                    },
                }
            },
            "/api/documents/{id}": {
                "get": {
                    "summary": "One document: text, mentions, events, statements.",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "The document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "404": {"$ref": "#/components/responses/NotFound"},
                        **ERRORS,
                    },
                }
            },
            **export_paths(),
            **snapshot_paths(),
            **map_paths(),
            **ogcapi_paths(),  # OGC API – Features, from its collections' declaration
            **review_paths(),  # the reviewers' corrections (web/review_api.py)
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "parameters": PARAMS,
            "responses": {
                name: {
                    "description": desc,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                    **({"headers": {"Retry-After": RETRY_AFTER}} if name == "Busy" else {}),
                }
                for name, desc in (
                    ("BadRequest", "Invalid parameter or body."),
                    ("Unauthorized", "Missing or wrong Bearer token."),
                    ("NotFound", "No such resource."),
                    ("Conflict", "The data as it stands refuses the request (not merged)."),
                    ("TooLarge", "The body is larger than the server accepts."),
                    ("ServerError", "Internal error (no details are sent)."),
                    ("Busy", "Every slot for this kind of heavy request is taken: retry later."),
                )
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                },
                "Link": {
                    "type": "object",
                    "properties": {
                        "rel": {"type": "string"},
                        "type": {"type": "string"},
                        "href": {"type": "string"},
                    },
                },
                "FeatureCollection": {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {
                        "type": {"type": "string", "enum": ["FeatureCollection"]},
                        "features": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Feature"},
                        },
                        "numberMatched": {"type": "integer"},
                        "numberReturned": {"type": "integer"},
                        "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
                        "next": {"type": "string", "nullable": True},
                    },
                },
                "Feature": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"type": "string", "enum": ["Feature"]},
                        "id": {
                            "oneOf": [{"type": "string"}, {"type": "integer"}],
                            "nullable": True,
                        },
                        "geometry": {
                            "type": "object",
                            "nullable": True,
                            "properties": {
                                "type": {"type": "string", "enum": ["Point"]},
                                "coordinates": {
                                    "type": "array",
                                    "minItems": 2,
                                    "maxItems": 2,
                                    "items": {"type": "number"},
                                    "description": "[longitude, latitude]",
                                },
                            },
                        },
                        "properties": {"type": "object"},
                    },
                },
                "Event": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "doc_id": {"type": "string"},
                        "type": {"type": "string"},
                        "subtype": nullable_str,
                        "date": nullable_str,
                        "date_precision": nullable_str,
                        "actors": {"type": "array", "items": {"type": "string"}},
                        "fatalities": nullable_int,
                        "injured": nullable_int,
                        "place_id": nullable_str,
                        "place_name": {
                            **nullable_str,
                            "description": "the place's name in the document's language",
                        },
                        "place_name_fr": nullable_str,
                        "place_name_en": nullable_str,
                        "doc_lang": nullable_str,
                        "precision": nullable_str,
                        "sentence": {"type": "string"},
                        "doc_title": nullable_str,
                        "doc_url": nullable_str,
                        "location": {
                            **nullable_str,
                            "description": "the place as the text names it (Tin-Barkoudou), "
                            "even when the event is drawn at the province that holds it",
                        },
                        "geo_precision": {
                            **nullable_int,
                            "description": "ACLED's code: 1 the place itself, 2 a district or "
                            "a nearby town, 3 a province or larger",
                        },
                        "time_precision": {
                            **nullable_int,
                            "description": "ACLED's code: 1 the day, 2 a week or a range, 3 a "
                            "month or vaguer; null when the event has no date of its own (the "
                            "date filters then take its document's publication date)",
                        },
                        "actor1": {**nullable_str, "description": "actor registry id"},
                        "actor2": {**nullable_str, "description": "actor registry id"},
                        "interaction": {**nullable_int, "description": "ACLED's code (17...)"},
                        "fatalities_phrase": nullable_str,
                        "why": nullable_str,
                        "n_sources": {"type": "integer"},
                        "sources": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "ids of the documents that reported the event",
                        },
                        "merged_into": nullable_int,
                        "why_merged": nullable_str,
                    },
                },
                "Sources": {
                    "type": "object",
                    "properties": {
                        "event_id": {"type": "integer"},
                        "numberReturned": {"type": "integer"},
                        "sources": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "event_id": {"type": "integer"},
                                    "doc_id": {"type": "string"},
                                    "doc_title": nullable_str,
                                    "doc_source": nullable_str,
                                    "doc_url": nullable_str,
                                    "published": nullable_str,
                                    "fatalities": nullable_int,
                                    "date": nullable_str,
                                    "sentence": {"type": "string"},
                                    "why_merged": nullable_str,
                                },
                            },
                        },
                    },
                },
                "Statement": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "doc_id": {"type": "string"},
                        "quote": {"type": "string"},
                        "speaker": nullable_str,
                        "speaker_role": nullable_str,
                        "indirect": {"type": "boolean"},
                        "date": nullable_str,
                        "where_id": nullable_str,
                        "where_name": {
                            **nullable_str,
                            "description": "the place's name in the document's language",
                        },
                        "where_name_fr": nullable_str,
                        "where_name_en": nullable_str,
                        "doc_lang": nullable_str,
                        "places": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Place": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string", "description": "the gazetteer's name"},
                        "name_fr": {**nullable_str, "description": "what French readers call it"},
                        "name_en": {**nullable_str, "description": "what English readers call it"},
                        "names": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "the names the documents wrote it as",
                        },
                        "feature": {"type": "string"},
                        "country_code": nullable_str,
                        "mentions": {"type": "integer"},
                        "documents": {"type": "array", "items": {"type": "object"}},
                        "roles": {"type": "object"},
                    },
                },
                "DocumentList": {
                    "type": "object",
                    "properties": {
                        "documents": {"type": "array", "items": {"type": "object"}},
                        "numberMatched": {"type": "integer"},
                        "numberReturned": {"type": "integer"},
                        "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
                        "next": {"type": "string", "nullable": True},
                    },
                },
                "NewDocument": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string", "minLength": 1},
                        "id": {**nullable_str, "maxLength": 2000},
                        "title": {**nullable_str, "maxLength": 2000},
                        "published": {
                            **nullable_str,
                            "maxLength": 2000,
                            "pattern": r"^(\d{4}-\d{2}-\d{2}.*)?$",
                            "description": "YYYY-MM-DD or an ISO date-time",
                        },
                        "source": {**nullable_str, "maxLength": 2000},
                        "url": {
                            **nullable_str,
                            "maxLength": 2000,
                            "pattern": "^([hH][tT][tT][pP][sS]?://.*)?$",
                        },
                        "lang": {
                            "type": "string",
                            "enum": [*params.LANGS, "", None],
                            "nullable": True,
                        },
                    },
                },
                "Ingested": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "nullable": True},
                        "stored": {"type": "boolean"},
                        "mentions": {"type": "integer"},
                        "events": {"type": "integer"},
                        "statements": {"type": "integer"},
                        "url": {"type": "string"},
                        "reason": {"type": "string"},
                    },
                },
            },
        },
    }


bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(spec(request.host_url.rstrip("/")))

"""The OGC API – Features operations in the app's OpenAPI document, generated from the
declaration of the collections (:data:`web.ogcapi.collections.COLLECTIONS`): one items path per
collection, so a client (GDAL reads ``limit``'s default and maximum there) sees each one's
filters.

Example
-------
>>> sorted(paths())[:2]
['/ogcapi', '/ogcapi/api']
"""

from __future__ import annotations

from dataclasses import replace

from web import params as P
from web.ogcapi.collections import COLLECTIONS, Collection

_ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "500": {"$ref": "#/components/responses/ServerError"},
}
_NOT_FOUND = {"404": {"$ref": "#/components/responses/NotFound"}}


# The query parameters, declared in web.params (which the routes parse with).
F = P.F.openapi()
BBOX = P.OGC_BBOX.openapi()
DATETIME = P.DATETIME.openapi()
LIMIT = P.OGC_LIMIT.openapi()
CRS = P.CRS.openapi()
BBOX_CRS = P.BBOX_CRS.openapi()
OFFSET = P.OGC_OFFSET.openapi()
_JSON_ONLY = replace(P.F, choices=("json",), description="json only").openapi()


def _response(description: str, media: str, schema: dict) -> dict:
    return {"description": description, "content": {media: {"schema": schema}}}


_OBJECT = {"type": "object"}
_HTML = {"text/html": {"schema": {"type": "string"}}}


def _get(summary: str, parameters: list, ok: dict, *, op: str, not_found: bool = False) -> dict:
    ok = dict(ok)
    ok["content"] = {**ok["content"], **_HTML}
    return {
        "get": {
            "tags": ["OGC API – Features"],
            "operationId": op,
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": ok, **(_NOT_FOUND if not_found else {}), **_ERRORS},
        }
    }


def _items(coll: Collection) -> dict:
    filters = [P.QUERYABLES[name].openapi() for name in coll.filters]
    fc = {
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
                                "properties": {"$ref": f"#/components/schemas/{coll.properties}"}
                            },
                        },
                    },
                    "timeStamp": {"type": "string", "format": "date-time"},
                },
            },
        ]
    }
    return _get(
        f"{coll.title}: a page of features (datetime: {coll.datetime_means}).",
        [BBOX, DATETIME, LIMIT, OFFSET, *filters, CRS, BBOX_CRS, F],
        _response("A GeoJSON FeatureCollection.", "application/geo+json", fc),
        op=f"get{coll.title}Features",
        not_found=True,
    )


def _item(coll: Collection) -> dict:
    fid = {
        "name": "featureId",
        "in": "path",
        "required": True,
        "description": f"The id of a feature of {coll.id}.",
        "schema": coll.id_schema,
    }
    return _get(
        f"One feature of {coll.id} by its id.",
        [fid, CRS, F],
        _response(
            "A GeoJSON Feature.", "application/geo+json", {"$ref": "#/components/schemas/Feature"}
        ),
        op=f"get{coll.title}Feature",
        not_found=True,
    )


def paths() -> dict:
    """The OpenAPI paths of the OGC API – Features resources (for :func:`web.openapi.spec`)."""
    out = {
        "/ogcapi": _get(
            "The landing page: links to the API definition, conformance and collections.",
            [F],
            _response("The landing page.", "application/json", _OBJECT),
            op="getLandingPage",
        ),
        "/ogcapi/conformance": _get(
            "The conformance classes implemented (core, geojson, html, oas30).",
            [F],
            _response("The conformance declaration.", "application/json", _OBJECT),
            op="getConformanceDeclaration",
        ),
        "/ogcapi/api": {
            "get": {
                "tags": ["OGC API – Features"],
                "operationId": "getApiDefinition",
                "summary": "This document (the same as /openapi.json).",
                "parameters": [_JSON_ONLY],
                "responses": {
                    "200": _response(
                        "The OpenAPI 3.0 document.",
                        "application/vnd.oai.openapi+json;version=3.0",
                        _OBJECT,
                    ),
                    **_ERRORS,
                },
            }
        },
        "/ogcapi/collections": _get(
            "The feature collections with their extents.",
            [F],
            _response("The collections.", "application/json", _OBJECT),
            op="getCollections",
        ),
    }
    for coll in COLLECTIONS.values():
        base = f"/ogcapi/collections/{coll.id}"
        out[base] = _get(
            f"{coll.title}: description, extent (bbox, dates), CRS, links.",
            [F],
            _response("The collection.", "application/json", _OBJECT),
            op=f"describe{coll.title}Collection",
        )
        out[f"{base}/queryables"] = {
            "get": {
                "tags": ["OGC API – Features"],
                "operationId": f"get{coll.title}Queryables",
                "summary": f"The properties {coll.id} can be filtered by (a JSON Schema).",
                "parameters": [F],
                "responses": {
                    "200": _response("The queryables.", "application/schema+json", _OBJECT),
                    **_ERRORS,
                },
            }
        }
        out[f"{base}/items"] = _items(coll)
        out[f"{base}/items/{{featureId}}"] = _item(coll)
    return out

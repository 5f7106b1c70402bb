"""HTML pages: the map (``/``, and ``/map`` to embed), the documents, the country outlines.

The map is built by :func:`web.maps.build_map`; the document page shows the article's text
escaped, with its place names as links to the map centred on each place.
"""

from __future__ import annotations

import html
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request
from markupsafe import Markup

from geo.errors import InputError, NotFoundError
from geo.model import pick_name
from web import api, basemap, clusters, date_input, layers, maps, review_pages
from web.context import csp_nonce, get_gazetteer, get_store

bp = Blueprint("pages", __name__, template_folder="templates")

ROLE_CLASSES = ("literal", "metonymic", "country")
PAGE_SIZE = 50


@bp.app_context_processor
def _site() -> dict:
    """The title and the navigation bar of every page (web.maps declares them)."""
    return {"site_title": maps.SITE_TITLE, "nav_links": maps.NAV_LINKS}


# Errors: a browser asking for a page gets an HTML page in the app's style; every other client,
# and every request for data (the API, OGC API, exports, snapshots, the map's JSON), gets JSON.
DATA_PREFIXES = ("/api/", "/ogcapi", "/export/", "/snapshot", "/data/", "/assets/", "/map/popup")
DATA_SUFFIXES = (
    ".json", ".geojson", ".geojsonl", ".csv", ".png", ".svg", ".pdf", ".gpkg", ".fgb", ".kml",
    ".js", ".css", ".ico",
)  # fmt: skip
ERROR_WORDS = {  # status -> (heading, what the reader can do)
    400: ("This address cannot be read", "Correct the value named above, or start again from "
          "the map."),
    401: ("Sign-in needed", "This page needs a reviewer's sign-in or the API's token."),
    403: ("Not allowed", "This page is not open to this request."),
    404: ("Page not found", "Nothing is at this address: it may have been mistyped, or the "
          "document removed."),
    405: ("Not allowed here", "This address does not answer this kind of request."),
    413: ("Too large", "The request is larger than the server takes."),
    503: ("Busy", "The server is answering other requests of this kind: try again in a moment."),
}  # fmt: skip
SERVER_ERROR = ("Something went wrong", "The server could not answer; the error is in its log.")


def wants_html_error() -> bool:
    """Whether the error of this request is shown as an HTML page: a browser's request (it
    prefers HTML to JSON) for a page, not for data."""
    path = request.path
    if request.method not in ("GET", "HEAD") or path.startswith(DATA_PREFIXES):
        return False
    if path.rsplit("/", 1)[-1].lower().endswith(DATA_SUFFIXES):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def error_page(message: str, status: int) -> Response | None:
    """The HTML page of an error for a browser's request of a page (see
    :func:`wants_html_error`), else None (the caller answers JSON). The message is text,
    escaped by the template."""
    if not wants_html_error():
        return None
    heading, advice = ERROR_WORDS.get(status, SERVER_ERROR if status >= 500 else (
        "This request cannot be answered", "Start again from the map."))  # fmt: skip
    body = render_template(
        "error.html", status=status, heading=heading, advice=advice, message=message
    )
    return Response(body, status=status, mimetype="text/html")


def page_lang(args) -> str:
    """The map's language: ``?lang=``, else the app's ``LANG`` setting (French by default);
    its places are named as readers of that language write them."""
    lang = (args.get("lang") or "").strip().lower() or current_app.config.get("LANG")
    lang = lang or maps.DEFAULT_LANG
    if lang not in api.LANGS:
        raise InputError(f"lang must be one of {', '.join(api.LANGS)}, not {lang[:20]!r}")
    return lang


def map_options(args) -> dict:
    """Validated map parameters: the store filters, ``layers``, ``lat``/``lon``/``zoom``/``focus``
    and ``lang``."""
    lang = page_lang(args)
    # the time filter's dates as the page's readers type them (jj/mm/aaaa in French), or ISO
    opts = api.parse_filters(date_input.iso_args(args, lang), api.FILTERS["events"])
    opts["lang"] = lang
    asked = args.get("layers")
    if asked is not None:
        opts["layers"] = [x.strip() for x in asked.split(",") if x.strip()]
        layers.check(opts["layers"])  # the registry's names only (web/layers.py)
    lat, lon = args.get("lat"), args.get("lon")
    if lat is not None or lon is not None:
        try:
            la, lo = float(lat or ""), float(lon or "")
        except ValueError:
            raise InputError("lat and lon must both be numbers") from None
        if not (-90 <= la <= 90 and -180 <= lo <= 180):
            raise InputError("lat must be within [-90, 90] and lon within [-180, 180]")
        opts["center"] = (la, lo)
        opts["zoom"] = api.parse_int("zoom", args.get("zoom"), 9, 2, 18)
    elif args.get("zoom"):
        raise InputError("zoom needs lat and lon")
    focus = args.get("focus")
    if focus:
        if len(focus) > api.MAX_TEXT_PARAM:
            raise InputError("focus is too long")
        opts["focus"] = focus
    return opts


def _map_response(embeddable: bool) -> Response:
    opts = map_options(request.args)
    embed_code = None
    if not embeddable:
        q = {k: v for k, v in request.args.items() if k not in ("lat", "lon", "zoom", "focus")}
        # the app's address: its public URL, or an allowed Host (web.HostGuard refuses others)
        src = request.url_root + "map" + ("?" + urlencode(q) if q else "")
        embed_code = (
            f'<iframe src="{html.escape(src)}" width="800" height="600" '
            'style="border:0" loading="lazy" title="conflictmap: events, statements and '
            'places on a map"></iframe>'
        )
    store = get_store()
    m = maps.build_map(
        store,
        **opts,
        base_url="",
        embed_code=embed_code,
        osm_tiles=bool(current_app.config.get("OSM_TILES")),
        by_view=clusters.app_by_view(store),  # a big store: the markers asked for by view
        nav=not embeddable,  # the app's title and navigation bar (an embed: its map only)
    )
    g.embeddable = embeddable
    page = maps.render_map_html(m, nonce=csp_nonce())
    return Response(page, mimetype="text/html")


@bp.get("/")
def index():
    """The map page, with the embed code and links to the data in its bottom-left panel."""
    return _map_response(embeddable=False)


@bp.get("/map")
def embed():
    """The same map for an iframe on another site (no embed panel; framing allowed)."""
    return _map_response(embeddable=True)


@bp.get("/data/countries.geojson")
def countries():
    """Natural Earth country outlines (simplified) for the map's basemap and choropleth."""
    resp = jsonify(basemap.countries_geojson(get_gazetteer()))
    resp.mimetype = "application/geo+json"
    resp.cache_control.public = True
    resp.cache_control.max_age = 86400
    return resp


@bp.get("/map/popup/events")
def event_popup():
    """The popup of one place's events of one type (large maps fetch it when it opens)."""
    filters = api.parse_filters(request.args, api.FILTERS["events"])
    lang = page_lang(request.args)
    if "place" not in filters:
        raise InputError("place is required")
    rows, total = get_store().events(**filters, limit=maps.EVENTS_PER_POPUP)
    if not rows:
        raise NotFoundError("no event for these filters")
    first = rows[0]
    group = {
        "type": filters.get("type") or first.get("type"),
        "place_id": first.get("place_id"),
        "place_name": pick_name(first, lang, prefix="place_") or "",
        "precision": first.get("precision"),
        "lang": lang,
        "count": total,
        "items": sorted(rows, key=lambda r: r.get("date") or "", reverse=True),
    }
    csp_nonce()
    return Response(maps.event_group_html(group), mimetype="text/html")


PLACE_SEARCH_RESULTS = 8  # places the map's search offers for a name
# The zoom the map opens a place found at, by its kind (a country is seen whole).
PLACE_ZOOM = {"continent": 3, "country": 5, "region": 5, "admin1": 7, "admin2": 9}
PLACE_ZOOM_DEFAULT = 10


@bp.get(maps.PLACE_SEARCH_PATH)
def place_search():
    """The gazetteer's places a name stands for, best first, by any of their names (GeoNames'
    alternate names, French, English, curated spellings; typos of long names too), each named
    in the map's language (``lang``). The names are raw text: the page sets them with
    ``.textContent``."""
    lang = page_lang(request.args)
    q = (request.args.get("q") or "").strip()
    if not q:
        raise InputError("q is required: the name of a place")
    if len(q) > api.MAX_TEXT_PARAM or any(ord(c) < 32 for c in q):
        raise InputError(f"q must be at most {api.MAX_TEXT_PARAM} characters, with no control one")
    gaz = get_gazetteer()
    found = gaz.candidates(q, lang=lang, limit=PLACE_SEARCH_RESULTS, allow_common=True)
    places = []
    for c in found:
        p = c.place
        names = {"name": p.name, "name_fr": p.name_fr, "name_en": p.name_en}
        places.append(
            {
                "id": p.id,
                "name": pick_name(names, lang) or p.name,
                "matched": c.matched,
                "feature": p.feature,
                "country_code": p.country_code,
                "admin1_name": p.admin1_name,
                "lat": p.lat,
                "lon": p.lon,
                "zoom": PLACE_ZOOM.get(p.feature, PLACE_ZOOM_DEFAULT),
            }
        )
    return jsonify({"query": q, "lang": lang, "places": places})


def map_href(lat: float, lon: float, place_id: str | None, zoom: int = 9) -> str:
    q = {"lat": f"{lat:.5f}", "lon": f"{lon:.5f}", "zoom": zoom}
    if place_id:
        q["focus"] = place_id
    return "/?" + urlencode(q)


def highlight(text: str, mentions: list[dict]) -> Markup:
    """The text escaped, each mention wrapped in a link to the map (unresolved: ``<mark>``)."""
    e = html.escape
    out: list[str] = []
    pos = 0
    for m in sorted(mentions, key=lambda m: (m.get("start", 0), -m.get("end", 0))):
        s, t = m.get("start"), m.get("end")
        if not isinstance(s, int) or not isinstance(t, int) or s < pos or t > len(text) or s >= t:
            continue
        out.append(e(text[pos:s]))
        label = e(text[s:t])
        role = m.get("role") if m.get("role") in ROLE_CLASSES else "other"
        ref = f' data-mention="{m["id"]}"' if isinstance(m.get("id"), int) else ""  # for review
        if m.get("lat") is not None and m.get("lon") is not None:
            score = m.get("score")
            title = f"{m.get('name') or ''} ({role}" + (
                f", score {score:.2f})" if isinstance(score, (int, float)) else ")"
            )
            href = map_href(m["lat"], m["lon"], m.get("place_id"))
            out.append(
                f'<a class="place role-{role}" href="{e(href)}" title="{e(title)}"{ref}>{label}</a>'
            )
        else:
            out.append(f'<mark class="unresolved" title="place not resolved"{ref}>{label}</mark>')
        pos = t
    out.append(e(text[pos:]))
    return Markup("".join(out))


@bp.get("/documents")
def documents_page():
    """The stored documents, newest first, with links to each."""
    lang = page_lang(request.args)
    args = date_input.iso_args(request.args, lang)
    filters = api.parse_filters(args, api.FILTERS["documents"])
    page = api.parse_int("page", request.args.get("page"), 1, 1, 10**6)
    rows, total = get_store().documents(**filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    kept = {k: v for k, v in filters.items() if k in ("q", "start", "end")}
    if request.args.get("lang"):
        kept["lang"] = lang
    csp_nonce()
    return render_template(
        "documents.html",
        rows=rows,
        total=total,
        page=page,
        more=page * PAGE_SIZE < total,
        q=filters.get("q", ""),
        start=date_input.shown(filters.get("start"), lang),
        end=date_input.shown(filters.get("end"), lang),
        date_placeholder=date_input.form(lang).placeholder,
        lang=lang,
        kept=kept,
        quote=quote,
    )


@bp.get("/documents/<path:doc_id>")
def document_page(doc_id: str):
    """One article: its text with place names highlighted, its events and statements."""
    doc = get_store().document(doc_id)
    csp_nonce()
    return render_template(
        "document.html",
        doc=doc,
        body=highlight(doc.get("text") or "", doc.get("mentions") or []),
        map_href=map_href,
        external=maps._external,
        credits=Markup(basemap.CREDITS_HTML),
        review=review_pages.page_context(doc),  # a signed-in reviewer's tools, else none
    )

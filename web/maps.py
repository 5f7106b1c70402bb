"""Store rows -> a layered ``folium.Map`` that works with no network.

The map has no tiles by default: its basemap is the Natural Earth country outlines (fetched once
from ``/data/countries.geojson``), with OpenStreetMap tiles as an optional base layer. Each
overlay is a ``folium.FeatureGroup`` named in the ``LayerControl``; the page's own script
(``web/static/conflictmap.js``) fills them from one JSON block, so the HTML does not grow by
one Folium object per point:

* events, one overlay per type, grouped by place and type (one marker per place with the count
  and the latest events in its popup), clustered by zoom in the page;
* statements: a speech marker where the words were said, lines to the places they name;
* places mentioned: circles sized by the number of mentions;
* a heatmap of events and a country choropleth of mentions (both off at first).

The layers (names, labels, colours, legend entries, which are shown at first) are declared once
in :mod:`web.layers`; the basemap and its credits are in :mod:`web.basemap`.

Places are named in the map's language (``lang``, French by default: Alep, Turquie; in English
Aleppo, Turkey), and the search box finds a place by any of its names: French, English, or as
a document wrote it; a name the page's places lack is looked up in the whole gazetteer
(``/map/places.json``, served by :mod:`web.pages`).

Every piece of text from the store is escaped with :func:`html.escape` here, in Python, before
it reaches the page; the JSON block is further escaped so that no ``<`` appears in the script.

Example
-------
>>> m = build_map(store, start="2024-01-01", end="2024-03-31")   # doctest: +SKIP
>>> m.save("map.html")                                           # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from gazetteer.normalize import fold
from geo import event_types as etypes
from geo.export import EXPORTS
from geo.lang import DEFAULT
from geo.model import name_fields, pick_name
from web import assets, date_input, limits
from web import layers as layers_mod
from web.basemap import CREDITS_HTML
from web.layers import event_style, type_order

# Event types -> colour and Font Awesome 6 icon, in rank order: declared in
# geo/data/event_types.tsv (a new type is a row there, and gets its layer and legend entry).
EVENT_STYLES: dict[str, tuple[str, str]] = {
    t.name: (t.colour, t.icon) for t in etypes.event_types()
}
OTHER_STYLE = etypes.OTHER_STYLE

# The app's title and its navigation bar (the map page, the documents pages, the error pages).
SITE_TITLE = "conflictmap"
SITE_TAGLINE = "events, statements and places from the news, on a map"
NAV_LINKS = (("Map", "/"), ("Documents", "/documents"), ("API", "/openapi.json"))

# The overlays (names, labels, colours, legend entries, which are shown at first) are declared
# once, in web/layers.py.

MAX_MAP_EVENTS = 200_000  # events read at most to write popups into a small map
EVENTS_PER_POPUP = 5
INLINE_POPUPS = 2_000  # event groups whose popups are written into the page
INLINE_EVENTS = 20_000  # events read to write those popups; past that, popups are fetched
PLACE_POPUP_DOCUMENTS = 5  # documents listed in a place's popup on the map
MAX_STATEMENTS = limits.MAX_STATEMENTS
MAP_PLACES = 1_000  # the most mentioned places drawn on the map (each with its popup)
# The events table under the map (web/static/conflictmap_table.js): rows a page, the most
# events of a view read at once to sort them all (at most the API's page), the zoom a row flies
# to, the window's inner height from which it starts open (a 1400x900 window opens it; an
# 800x600 embed shows its map first).
TABLE_ROWS = 50
TABLE_SORT_ALL = 1_000
TABLE_ZOOM = 9
TABLE_OPEN_HEIGHT = 700
TABLE_EXPORTS = ("csv", "geojson")
TABLE_PRECISION = {  # the place's precision in a few words (its own precision, else ACLED's)
    "city": "town",
    "admin2": "district",
    "admin1": "province",
    "region": "region",
    "country": "country",
    "1": "town",
    "2": "near a town",
    "3": "province",
}
PRECISION_LABEL = {
    "city": "town",
    "admin2": "district",
    "admin1": "province level: the marker stands for the province",
    "country": "country level: the marker stands for the country",
}
DEFAULT_LANG = DEFAULT  # the map's language when none is given: its places' names


def e(value: Any) -> str:
    """Escaped text for HTML ('' for None)."""
    return "" if value is None else html.escape(str(value), quote=True)


def script_json(obj: Any) -> str:
    """JSON safe to place inside a ``<script>`` element (no ``<``, ``>``, ``&``, U+2028/9)."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        s.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def doc_href(base: str, doc_id: str) -> str:
    return f"{base}/documents/{quote(str(doc_id), safe='')}"


def _external(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _doc_line(base: str, row: dict, title_key="doc_title", source_key="doc_source") -> str:
    parts = []
    doc_id = row.get("doc_id")
    if doc_id is not None:
        title = row.get(title_key) or doc_id
        parts.append(f'<a href="{e(doc_href(base, doc_id))}" target="_top">{e(title)}</a>')
    if row.get(source_key):
        parts.append(f"({e(row[source_key])})")
    ext = _external(row.get("doc_url"))
    if ext:
        parts.append(f'<a href="{e(ext)}" target="_blank" rel="noopener noreferrer">source</a>')
    return " ".join(parts)


def _wide_area(ev: dict) -> str | None:
    """ "province" or "country" when the event's marker stands for a whole province or country
    (ACLED's geo precision 3), else None."""
    prec = ev.get("geo_precision")
    if prec is None:
        prec = {"admin1": 3, "region": 3, "country": 3}.get(ev.get("precision") or "")
    if prec != 3:
        return None
    return "country" if (ev.get("feature") or ev.get("precision")) == "country" else "province"


def where_html(ev: dict, lang: str = DEFAULT_LANG) -> str:
    """Where an event happened as the text says it, and what its marker stands for: the place
    itself, or the whole province or country that holds a place the gazetteer lacks."""
    placed = pick_name(ev, lang, prefix="place_") or ev.get("place_name")
    written = ev.get("location")
    area = _wide_area(ev)
    out = ""
    if written and fold(written) != fold(placed or ""):
        out += f"Location: <b>{e(written)}</b>"
        if placed:
            out += f", shown at {e(placed)}"
    if area and placed:
        out += (". " if out else "") + (
            f"This marker stands for the whole {area} ({e(placed)}): the text names no more "
            "precise place the map knows"
        )
    return f'<div class="cm-loc">{out}</div>' if out else ""


def event_item_html(ev: dict, base: str = "", lang: str = DEFAULT_LANG) -> str:
    """One event as a list item: date, sub-type, where (as written, and what the marker stands
    for), sentence, actors, casualties, the documents that reported it."""
    date = ev.get("date")
    if not date and ev.get("published"):
        date_txt = f"date not stated (published {ev['published'][:10]})"
    else:
        date_txt = date or "date unknown"
    bits = [f'<span class="cm-date">{e(date_txt)}</span>']
    if ev.get("subtype"):
        bits.append(f" <b>{e(ev['subtype'])}</b>")
    bits.append(where_html(ev, lang))
    bits.append(f'<blockquote class="cm-sentence">{e(ev.get("sentence"))}</blockquote>')
    actors = ev.get("actors") or []
    if actors:
        bits.append(f"<div>Actors: {e(', '.join(map(str, actors)))}</div>")
    cas = []
    if ev.get("fatalities") is not None:
        cas.append(f"{e(ev['fatalities'])} killed")
    if ev.get("injured") is not None:
        cas.append(f"{e(ev['injured'])} injured")
    if cas:
        words = ev.get("fatalities_phrase")
        bits.append(f"<div>{', '.join(cas)}" + (f" (“{e(words)}”)" if words else "") + "</div>")
    bits.append(f'<div class="cm-doc">{_doc_line(base, ev)}</div>')
    others = [d for d in ev.get("sources") or [] if d != ev.get("doc_id")]
    if others:
        links = ", ".join(
            f'<a href="{e(doc_href(base, d))}" target="_top">{e(d)}</a>' for d in others
        )
        bits.append(f'<div class="cm-sources">Also reported by {links}</div>')
    return "<li>" + "".join(bits) + "</li>"


def event_group_html(group: dict, base: str = "") -> str:
    """The popup of the events of one type at one place (all text escaped)."""
    color, icon = event_style(group["type"])
    n = group["count"]
    prec = PRECISION_LABEL.get(group["precision"] or "", group["precision"] or "unknown")
    lang = group.get("lang") or DEFAULT_LANG
    head = (
        f'<div class="cm-popup"><h4><i class="fa-solid fa-{e(icon)}" style="color:{e(color)}"></i> '
        f"{e(group['type'] or 'Event')}</h4>"
        f'<div class="cm-where">{e(group["place_name"])} <span class="cm-prec">({e(prec)})</span>'
        f" &middot; {n} event{'s' if n != 1 else ''}</div><ul>"
    )
    items = "".join(event_item_html(ev, base, lang) for ev in group["items"])
    more = ""
    if n > len(group["items"]):
        q = {"type": group["type"] or ""}
        if group["place_id"]:
            q["place"] = group["place_id"]
        more = (
            f'<a href="{e(base)}/api/events?{e(urlencode(q))}" target="_blank">'
            f"all {n} events (GeoJSON)</a>"
        )
    return head + items + "</ul>" + more + "</div>"


def _statement_html(st: dict, base: str, lang: str = DEFAULT_LANG) -> str:
    speaker = st.get("speaker") or "Unknown speaker"
    role = f", {e(st['speaker_role'])}" if st.get("speaker_role") else ""
    kind = "reported speech" if st.get("indirect") else "quote"
    where = pick_name(st, lang, prefix="where_")
    named = ", ".join(str(pick_name(p, lang)) for p in st.get("places") or [] if pick_name(p, lang))
    return (
        f'<div class="cm-popup"><h4><i class="fa-solid fa-comment"></i> {e(speaker)}{role}</h4>'
        f'<blockquote class="cm-quote">{e(st.get("quote"))}</blockquote>'
        f'<div><span class="cm-date">{e(st.get("date") or "date unknown")}</span> &middot; {kind}'
        + (f" &middot; said in {e(where)}" if where else "")
        + "</div>"
        + (f"<div>Places named: {e(named)}</div>" if named else "")
        + f'<div class="cm-doc">{_doc_line(base, st)}</div></div>'
    )


def _place_html(p: dict, base: str, lang: str = DEFAULT_LANG) -> str:
    roles = p.get("roles") or {}
    role_txt = ", ".join(f"{e(k)} {e(v)}" for k, v in roles.items() if v)
    listed = [d for d in (p.get("documents") or []) if d.get("id") is not None]
    docs = "".join(
        f'<li><a href="{e(doc_href(base, d.get("id")))}" target="_top">{e(d.get("title") or d.get("id"))}</a></li>'
        for d in listed[:PLACE_POPUP_DOCUMENTS]
    )
    if len(listed) > PLACE_POPUP_DOCUMENTS:
        q = urlencode({"place": p.get("id") or ""})
        docs += f'<li><a href="{e(base)}/api/events?{e(q)}" target="_blank">more (GeoJSON)</a></li>'
    n = p.get("mentions") or 0
    return (
        f'<div class="cm-popup"><h4><i class="fa-solid fa-location-dot"></i> {e(pick_name(p, lang))}</h4>'
        f"<div>{e(p.get('feature') or '')} {e(p.get('country_code') or '')} &middot; "
        f"{e(n)} mention{'s' if n != 1 else ''}" + (f" ({role_txt})" if role_txt else "") + "</div>"
        f'<div class="cm-docs-title">Documents</div><ul class="cm-docs">{docs}</ul></div>'
    )


def group_events(
    rows: Iterable[dict],
    base: str = "",
    max_events: int = MAX_MAP_EVENTS,
    lang: str = DEFAULT_LANG,
) -> tuple[list[dict], int, bool]:
    """Group events by (position, type), newest first inside a group; each group's place is
    named in ``lang``.

    Returns the groups, the number of located events read (those the map can show, as the
    store's event groups count them) and whether ``max_events`` cut the reading.
    """
    groups: dict[tuple, dict] = {}
    n = 0
    truncated = False
    for ev in rows:
        lat, lon = ev.get("lat"), ev.get("lon")
        if lat is None or lon is None:
            continue
        if n >= max_events:
            truncated = True
            break
        n += 1
        key = (round(lat, 5), round(lon, 5), ev.get("type"))
        g = groups.get(key)
        if g is None:
            g = groups[key] = {
                "lat": lat,
                "lon": lon,
                "type": ev.get("type"),
                "place_id": ev.get("place_id"),
                "place_name": pick_name(ev, lang, prefix="place_") or "",
                "place_name_fr": ev.get("place_name_fr"),
                "place_name_en": ev.get("place_name_en"),
                "precision": ev.get("precision"),
                "lang": lang,
                "count": 0,
                "items": [],
            }
        g["count"] += 1
        g["items"].append(ev)
        if len(g["items"]) > EVENTS_PER_POPUP * 4:  # keep memory bounded, newest kept below
            g["items"].sort(key=lambda x: x.get("date") or "", reverse=True)
            del g["items"][EVENTS_PER_POPUP:]
    out = []
    for g in groups.values():
        g["items"].sort(key=lambda x: x.get("date") or "", reverse=True)
        del g["items"][EVENTS_PER_POPUP:]
        out.append(g)
    return out, n, truncated


class _RawHtml(Element):
    """HTML put in the page as it is: never read as a Jinja template (the map's data is big)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _MapData(MacroElement):
    """Hands the layer data and the feature groups to the page's script (one JSON block).

    The data goes in a ``<script type="application/json">`` element, read with ``JSON.parse``
    (faster than a script literal in the browser, and kept out of Jinja on the server).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        conflictmap.init({{ this._parent.get_name() }}, {
            {%- for key, fg in this.groups.items() %}
            {{ key|tojson }}: {{ fg.get_name() }},
            {%- endfor %}
        }, JSON.parse(document.getElementById({{ this.data_id|tojson }}).textContent));
        {% endmacro %}
        """
    )
    default_js = assets.HEAT_JS + assets.APP_JS
    default_css = assets.MARKERCLUSTER_CSS

    def __init__(self, groups: dict[str, folium.FeatureGroup], data: dict) -> None:
        super().__init__()
        self._name = "ConflictmapData"
        self.groups = groups
        self.data_id = f"cm-data-{self._id}"
        self.payload = script_json(data)

    def render(self, **kwargs):
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(folium.JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(folium.CssLink(url), name=name)
        figure.html.add_child(
            _RawHtml(
                f'<script type="application/json" id="{self.data_id}">{self.payload}</script>'
            ),
            name=self.data_id,
        )
        super().render(**kwargs)


def search_entries(
    label: str | None, names: Iterable[str | None], lat: float, lon: float, pid: str | None
) -> list[tuple[str, float, float, str, str]]:
    """The search list's entries of one place: ``(name, lat, lon, id, label)`` for each of its
    names (folded alike only once), ``label`` being the name the map shows it by.

    >>> search_entries("Alep", ["Alep", "Aleppo", "ALEP"], 36.2, 37.16, "gn:170063")
    [('Alep', 36.2, 37.16, 'gn:170063', 'Alep'), ('Aleppo', 36.2, 37.16, 'gn:170063', 'Alep')]
    """
    if not label:
        return []
    out, seen = [], set()
    for name in [label, *names]:
        key = fold(name or "")
        if key and key not in seen:
            seen.add(key)
            out.append((str(name), lat, lon, pid or "", str(label)))
    return out


def _event_rows(
    groups: list[dict], type_index: dict[str, int], base: str | None
) -> tuple[dict, set[tuple]]:
    """The event groups for the page, compactly: each position once in ``event_places``
    (``[lat, lon, place id]``), then one row per group in ``events``: ``[position, type,
    count, imprecise (0/1)]``, with the popup's HTML as a fifth item when ``base`` is given.

    Also returns the search list's entries of these places (see :func:`search_entries`).
    """
    at: dict[tuple, int] = {}
    places: list[list] = []
    rows: list[list] = []
    search: set[tuple] = set()
    for g in groups:
        lat, lon, pid = g["lat"], g["lon"], g["place_id"]
        key = (lat, lon, pid)
        i = at.get(key)
        if i is None:
            i = at[key] = len(places)
            places.append([round(lat, 5), round(lon, 5), pid])
            names = (g.get("place_name_fr"), g.get("place_name_en"))
            search.update(search_entries(g["place_name"], names, lat, lon, pid))
        prec = g["precision"]
        row = [i, type_index[g["type"] or ""], g["count"], 0 if not prec or prec == "city" else 1]
        if base is not None:
            row.append(event_group_html(g, base))
        rows.append(row)
    return {"event_places": places, "events": rows}, search


# The page's JSON endpoints (served by web/timeline.py): declared once, read by both.
LAYERS_PATH = "/map/layers.json"  # the layers' data for a period, without reloading the page
TIMELINE_PATH = "/map/timeline.json"  # matching events by day, week or month
COUNTRIES_PATH = "/map/countries.json"  # events and fatalities by country in the view
UNLISTED_PATH = "/map/unlisted"  # the matching events with no place or no date, as a list
PLACE_SEARCH_PATH = "/map/places.json"  # the gazetteer's places by any of their names
CLUSTERS_PATH = "/map/clusters.json"  # a big store's event markers of the view (web.clusters)
LABELS_PATH = "/map/labels.json"  # countries' and largest cities' names (web.map_labels)


def count_label(drawn: int, total: int | None) -> str:
    """A layer's count as its label says it: what it draws, and out of how many when some are
    left out (statements with no place where they were said, places past the most mentioned).

    >>> count_label(20, 76), count_label(2, 2)
    ('20 drawn of 76', '2')
    """
    return str(drawn) if total is None or drawn == total else f"{drawn} drawn of {total}"


def _filters(**given: Any) -> dict:
    """The store filters given (None left out)."""
    return {k: v for k, v in given.items() if v is not None and k in FILTER_NAMES}


FILTER_NAMES = ("bbox", "start", "end", "type", "actor", "place", "q")


def filter_query(filters: dict, lang: str | None = None) -> str:
    """The filters as a URL query (``bbox`` as four comma-separated numbers)."""
    pairs = [(k, ",".join(map(str, v)) if k == "bbox" else v) for k, v in filters.items() if v]
    if lang:
        pairs.append(("lang", lang))
    return urlencode(pairs)


def map_data(
    store,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    start: str | None = None,
    end: str | None = None,
    type: str | None = None,  # noqa: A002 - the API's parameter name
    actor: str | None = None,
    place: str | None = None,
    q: str | None = None,
    base_url: str = "",
    max_events: int = MAX_MAP_EVENTS,
    lang: str = DEFAULT_LANG,
    with_places: bool = True,
    by_view: bool | None = None,
) -> dict:
    """What the page's script draws for these filters: the event groups, the statements, the
    places, the search list and the choropleth's counts, every piece of text from the store
    escaped here (popups, layer labels) or marked raw (names set with ``.textContent``).

    The map page carries it in its JSON block; ``/map/layers.json`` answers it for a period
    of the timeline, so the page redraws its layers without reloading. ``with_places=False``
    leaves the places mentioned out (``places`` None), the slowest part for a period: the
    page asks for them only while their layer is shown.

    Example
    -------
    >>> data = map_data(store, start="2024-03-01", end="2024-03-31")   # doctest: +SKIP
    >>> data["events_shown"], data["events_matching"]                  # doctest: +SKIP
    (3, 4)
    """
    from web import clusters  # the markers of a big store, asked for by view

    filters = _filters(bbox=bbox, start=start, end=end, actor=actor, place=place, q=q)
    ev_filters = {**filters, **({"type": type} if type else {})}
    if by_view is None:
        by_view = clusters.by_view(store)
    truncated = False
    if by_view:  # a big store: the page asks for the markers of its view (web.clusters)
        pts = clusters.points(store, ev_filters)
        ev_groups = []
        per_type = {t: n for t, n in pts.per_type().items() if n}
        n_read = n_total = pts.events
        inline = False
        _, unplaced = store.events_lacking("place", limit=0, **ev_filters)
        n_matching = n_total + unplaced
    else:
        # One marker per place and type, counted by the store: the page never carries every
        # event.
        ev_groups = store.event_groups(**ev_filters)
        for g in ev_groups:
            g["place_name"] = pick_name(g, lang, prefix="place_") or ""
        n_read = n_total = sum(g["count"] for g in ev_groups)
        inline = len(ev_groups) <= INLINE_POPUPS and n_read <= INLINE_EVENTS
        if inline:  # small maps: the newest events of each group written into its popup
            ev_groups, n_read, truncated = group_events(
                store.iter_events(**ev_filters), base_url, max_events, lang
            )
        _, n_matching = store.events(**ev_filters, limit=0)
        per_type = {}
        for g in ev_groups:
            per_type[g["type"] or ""] = per_type.get(g["type"] or "", 0) + g["count"]
    statements, n_statements = store.statements(**filters, limit=MAX_STATEMENTS)
    place_filters = {k: v for k, v in filters.items() if k != "actor"}
    places, n_places = (
        store.places(**place_filters, limit=MAP_PLACES) if with_places else ([], None)
    )
    counts = store.country_counts(**{k: v for k, v in filters.items() if k in ("start", "end")})

    types = sorted(per_type, key=type_order)
    per_type_count = per_type
    type_index = {t: i for i, t in enumerate(types)}
    event_rows, event_search = _event_rows(ev_groups, type_index, base_url if inline else None)
    return {
        # a big store: no event in the page, the markers of each view asked for (web.clusters)
        "by_view": by_view,
        "data_bounds": pts.bounds() if by_view else None,
        "event_types": [
            {
                "key": f"events:{i}",
                "type": e(t or "other"),
                "name": t,  # raw: only ever put in a URL's query or compared
                "color": event_style(t)[0],
                "icon": event_style(t)[1],
                "count": per_type_count[t],
            }
            for i, t in enumerate(types)
        ],
        # Popups inline while the page stays small; past that the page fetches each popup
        # from popup_url when it opens (the same escaped HTML, built by event_group_html).
        **event_rows,
        "popup_query": filter_query(ev_filters, lang),
        "events_total": n_total,  # events with a place (the markers' counts add up to it)
        "events_shown": n_read,
        "events_matching": n_matching,  # every event matching, placed or not
        "truncated": truncated,
        "statements": [
            [
                st["where_lat"],
                st["where_lon"],
                [
                    [p["lat"], p["lon"]]
                    for p in st.get("places") or []
                    if p.get("lat") is not None and p.get("lon") is not None
                ],
                _statement_html(st, base_url, lang),
            ]
            for st in statements
            if st.get("where_lat") is not None and st.get("where_lon") is not None
        ],
        "statements_total": n_statements,
        "places": [
            [p["lat"], p["lon"], p.get("mentions") or 0, _place_html(p, base_url, lang), p["id"]]
            for p in places
            if p.get("lat") is not None and p.get("lon") is not None
        ]
        if with_places
        else None,
        "places_total": n_places,
        # raw text: the script sets it with .value / .textContent, never as HTML. Each place
        # once per name (French, English, as written): [name, lat, lon, id, name shown].
        "search": sorted(
            {
                entry
                for p in places
                if p.get("lat") is not None
                for entry in search_entries(
                    pick_name(p, lang),
                    [p.get("name_fr"), p.get("name_en"), p.get("name"), *(p.get("names") or [])],
                    p["lat"],
                    p["lon"],
                    p.get("id"),
                )
            }
            | event_search
        ),
        "counts": counts,
        "breaks": layers_mod.breaks(list(counts.values())),
    }


def build_map(
    store,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    start: str | None = None,
    end: str | None = None,
    type: str | None = None,  # noqa: A002 - the API's parameter name
    actor: str | None = None,
    place: str | None = None,
    q: str | None = None,
    layers: Iterable[str] | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    focus: str | None = None,
    base_url: str = "",
    embed_code: str | None = None,
    countries_url: str | None = None,
    osm_tiles: bool = True,
    max_events: int = MAX_MAP_EVENTS,
    lang: str = DEFAULT_LANG,
    by_view: bool | None = None,
    nav: bool = False,
) -> folium.Map:
    """Build the layered map of what the store holds for these filters.

    Parameters
    ----------
    store:
        A :class:`geo.store.Store`.
    bbox, start, end, type, actor, place, q:
        The store's filters (see the store interface); ``type`` applies to events only.
    layers:
        Overlays shown at first, among the names of :data:`web.layers.LAYERS` (default: those
        declared ``shown``); the others are in the layer control, unticked.
    center, zoom, focus:
        Open the map there (else it fits the data) and open the popup of place ``focus``.
    base_url:
        Prefix of the app's links (documents, API), '' when the page is served by the app.
    embed_code:
        The iframe code shown in the map's "Embed" panel (None: no panel).
    countries_url:
        Where the page fetches the country outlines; default ``<base_url>/data/countries.geojson``.
    osm_tiles:
        Offer OpenStreetMap tiles as an optional base layer (off at first; needs the network).
    max_events:
        Events read at most to write the popups of a small map into the page (the markers
        come from :meth:`geo.store.Store.event_groups`, which counts every event).
    lang:
        The map's language: places are named as its readers write them (see
        :func:`geo.model.pick_name`); the search finds them by any of their names.
    by_view:
        Write no event into the page: it asks ``/map/clusters.json`` for the markers of each
        view (:mod:`web.clusters`); None: when the store is big (:func:`web.clusters.by_view`).
    nav:
        Show the app's title and navigation bar (:data:`NAV_LINKS`) above the map (the full
        page; an embed shows its map only).

    Returns
    -------
    folium.Map
        Call ``.get_root().render()`` or ``.save(path)``; the page needs the app's assets.
        Under the map, the page draws the timeline of the matching events, the counts by
        country of the view and keeps the view in its URL (see ``web/static/conflictmap.js``);
        under the timeline, the table of the view's events, read from ``/api/events``
        (``web/static/conflictmap_table.js``).
    """
    assets.configure_folium()
    shown = layers_mod.check(layers_mod.shown_at_first() if layers is None else layers)
    filters = _filters(bbox=bbox, start=start, end=end, type=type, actor=actor, place=place, q=q)
    from web import clusters

    if by_view is None:
        by_view = clusters.by_view(store)
    # a big store's page asks for the places mentioned once it shows its first view
    data = map_data(
        store,
        **filters,
        base_url=base_url,
        max_events=max_events,
        lang=lang,
        with_places=not by_view,
        by_view=by_view,
    )

    m = folium.Map(
        location=list(center) if center else [30, 30],
        zoom_start=zoom if zoom is not None else 3,
        tiles=None,
        max_zoom=18,
        min_zoom=2,
        control_scale=True,
        prefer_canvas=False,
    )
    # Folium hands max_zoom to its tile layer only; with no tiles Leaflet's map has no maxZoom
    # and the event layers (one marker per place at the last zoom) need it: set it on the map.
    m.options["max_zoom"] = 18
    m.options["min_zoom"] = 2
    base = folium.FeatureGroup(name="Countries (Natural Earth)", overlay=False, control=True)
    base.add_to(m)
    if osm_tiles:
        folium.TileLayer(
            "OpenStreetMap", name="OpenStreetMap tiles (online)", overlay=False, show=False
        ).add_to(m)

    groups: dict[str, folium.FeatureGroup] = {"countries": base}
    for layer in layers_mod.LAYERS:  # the overlays, in the registry's order (web/layers.py)
        if layer.name == "events":  # one group per event type, each with its count
            for t in data["event_types"]:
                label = layers_mod.type_label(t["type"], t["icon"], t["color"], t["count"])
                groups[t["key"]] = folium.FeatureGroup(name=label, show="events" in shown)
                groups[t["key"]].add_to(m)
            continue
        count = None
        if layer.counted:  # a big store's page asks for its places after its first view
            rows = data.get(layer.name)
            count = (
                "\u2026"
                if rows is None
                else count_label(len(rows), data.get(f"{layer.name}_total"))
            )
        fg = folium.FeatureGroup(
            name=layers_mod.control_label(layer, count), show=layer.name in shown
        )
        fg.add_to(m)
        groups[layer.name] = fg

    from web import snapshot  # imports this module: read when a page is built
    from web.api import MAX_LIMIT

    data.update(
        {
            "base": base_url,
            "countries_url": countries_url or f"{base_url}/data/countries.geojson",
            "credits": CREDITS_HTML,
            "filters": {k: v for k, v in {"start": start, "end": end, "type": type}.items() if v},
            # the time filter's boxes in the page's language (jj/mm/aaaa in French): raw text
            "date_form": {
                "format": date_input.form(lang).format,
                "placeholder": date_input.form(lang).placeholder,
                "start": date_input.shown(start, lang),
                "end": date_input.shown(end, lang),
            },
            # the page's filters as a query: every fetch of the page starts from it
            "query": filter_query(filters, lang),
            "fit": center is None,
            "focus": focus,
            "embed_code": embed_code,
            "type_options": list(EVENT_STYLES),  # raw text: set with .textContent
            "popup_url": f"{base_url}/map/popup/events",
            "layers_url": base_url + LAYERS_PATH,
            "timeline_url": base_url + TIMELINE_PATH,
            "country_counts_url": base_url + COUNTRIES_PATH,
            "unlisted_url": base_url + UNLISTED_PATH,
            "place_search_url": base_url + PLACE_SEARCH_PATH,
            "clusters_url": base_url + CLUSTERS_PATH,
            # raw text: set with .textContent
            "nav": {"title": SITE_TITLE, "tagline": SITE_TAGLINE, "links": NAV_LINKS}
            if nav
            else None,
            "labels_url": f"{base_url}{LABELS_PATH}?{urlencode({'lang': lang})}",
            "events_url": f"{base_url}/api/events",
            "table": {
                "rows": TABLE_ROWS,
                "all": min(TABLE_SORT_ALL, MAX_LIMIT),
                "zoom": TABLE_ZOOM,
                "fly_seconds": 0.6,
                "open_min_height": TABLE_OPEN_HEIGHT,
                "precision_labels": TABLE_PRECISION,  # raw text: set with .textContent
                # the export formats a reader opens in a spreadsheet or a GIS
                "exports": [
                    [f.name, f.label.split(" (")[0]]
                    for f in EXPORTS.values()
                    if f.name in TABLE_EXPORTS
                ],
            },
            "snapshot_url": f"{base_url}/snapshot",
            "snapshot_formats": list(snapshot.FORMATS),
            # [extension, label] of each export format (geo.export.EXPORTS): raw text, set with
            # .textContent
            "export_formats": [[f.name, f.label] for f in EXPORTS.values()],
            "layers": layers_mod.page_data(),  # the registry: drawn, counted, in the legend
            "lang": lang,
            "name_keys": list(name_fields(lang)),  # the country outlines' names, best first
        }
    )
    _MapData(groups, data).add_to(m)
    m.get_root().title = f"Map · {SITE_TITLE}"
    if assets.available("fullscreen"):
        from folium.plugins import Fullscreen

        Fullscreen(position="topleft").add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m


def render_map_html(m: folium.Map, nonce: str | None = None) -> str:
    """The map's full HTML page; with ``nonce`` every ``<script>`` carries it (for the CSP)."""
    page = m.get_root().render()
    if nonce:
        page = page.replace("<script", f'<script nonce="{e(nonce)}"')
    return page

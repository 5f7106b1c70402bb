"""The map page's JSON endpoints: the timeline, the layers of a period, the counts of the view,
and the list of the events the map cannot draw.

- ``/map/timeline.json``: the matching events by day, week or month (the unit chosen from the
  range unless ``unit`` is given), every bin of the range listed, empty ones too;
- ``/map/layers.json``: what the page draws (:func:`web.maps.map_data`) for the filters, the
  timeline's period being the ``start`` and ``end``: the page redraws without reloading
  (``places=0``: without the places mentioned, asked for only while their layer is shown);
- ``/map/countries.json``: events and fatalities by country and first-level division for the
  filters within ``view`` (the map's bounds), each with the ``place`` value that filters the
  map to it;
- ``/map/unlisted``: an HTML list of the matching events with no place or no date;
- ``/map/clusters.json``: the event markers of the map's ``view`` at its ``zoom`` for a big
  store (:mod:`web.clusters`): clusters of a grid, or the places one by one when few are in
  view, of the event ``types`` ticked;
- ``/map/labels.json``: the basemap's place names (:mod:`web.map_labels`).

Each takes the map's filters (``bbox``, ``start``, ``end``, ``type``, ``actor``, ``place``,
``q``) and ``lang``. Text from the store reaches the page escaped by the builders of
:mod:`web.maps` (popups, list items) or as raw JSON strings that the page's script only ever
sets with ``.textContent``.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, jsonify, render_template, request
from markupsafe import Markup

from geo.errors import InputError
from geo.model import name_fields
from geo.store.base import HISTOGRAM_UNITS, bin_start, check_unit
from web import basemap, clusters, map_labels, maps, params
from web.context import csp_nonce, get_gazetteer, get_store
from web.pages import page_lang

bp = Blueprint("timeline", __name__, template_folder="templates")

# The timeline's unit when none is asked: the finest whose bins over the range stay few
# enough to click (range in days -> unit); past the last, years.
AUTO_UNITS = ((92, "day"), (3 * 366, "week"), (40 * 366, "month"))
UNLISTED_ROWS = 200  # events listed per kind on /map/unlisted (the count says how many)
MAX_BINS = 3_000  # bars of a timeline at most (a unit too fine for the range is refused)
MAX_COUNTRIES = 60  # rows of the counts panel (the rest summed in one "other countries" row)
MAX_DIVISIONS = 12  # first-level divisions listed under a country (the rest summed)


def bin_end(first: str, unit: str) -> str:
    """The last day of the bin that starts on ``first``.

    >>> bin_end("2024-02-01", "month"), bin_end("2024-03-11", "week"), bin_end("2024-03-11", "day")
    ('2024-02-29', '2024-03-17', '2024-03-11')
    """
    d = date.fromisoformat(first)
    if unit == "day":
        return first
    if unit == "week":
        return (d + timedelta(days=6)).isoformat()
    if unit == "month":
        nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    else:
        nxt = date(d.year + 1, 1, 1)
    return (nxt - timedelta(days=1)).isoformat()


def auto_unit(first: str, last: str) -> str:
    """The unit of a range of days (see :data:`AUTO_UNITS`).

    >>> auto_unit("2024-01-01", "2024-03-31"), auto_unit("2016-01-01", "2020-12-31")
    ('day', 'month')
    """
    days = (date.fromisoformat(last) - date.fromisoformat(first)).days + 1
    return next((u for limit, u in AUTO_UNITS if days <= limit), "year")


def histogram(store, filters: dict, unit: str | None = None) -> dict:
    """The timeline of the events matching ``filters``: every bin from the range's first day to
    its last (the filter's ``start``/``end``, else the first and last event's), each
    ``[first day, last day, events, fatalities]``. An event with no date of its own is in the
    bar of its document's publication date (where the date filters find it): ``no_date`` counts
    them; ``undated`` counts the events with neither, in no bar.

    With no ``unit``, the store counts by day (one query) and the days are summed into the
    unit :func:`auto_unit` picks for the range.
    """
    hist = store.date_histogram(check_unit(unit) if unit else "day", **filters)
    days = hist["bins"]
    # the first and last day with events (known when the store counted by day)
    dated = None if unit or not days else [days[0][0], days[-1][0]]
    start = filters.get("start") or (days[0][0] if days else None)
    end = filters.get("end") or (days[-1][0] if days else None)
    if unit is None:
        unit = auto_unit(start, end) if start and end else "month"
    counts: dict[str, list[int]] = {}
    for first, n, f in days:  # by day, or already by unit: summed into the unit's bins
        c = counts.setdefault(bin_start(first, unit), [0, 0])
        c[0] += n
        c[1] += f
    bins = []
    if counts:
        first = bin_start(min(start, min(counts)), unit)
        last = max(end, max(counts))
        while first <= last:
            if len(bins) >= MAX_BINS:
                raise InputError(
                    f"more than {MAX_BINS} bars by {unit} from {start} to {end}: "
                    "choose a longer unit or a shorter range"
                )
            stop = bin_end(first, unit)
            n, f = counts.get(first, (0, 0))
            bins.append([first, stop, n, f])
            first = (date.fromisoformat(stop) + timedelta(days=1)).isoformat()
    undated = hist["undated"]
    _, no_date = store.events_lacking("date", limit=0, **filters)
    return {
        "unit": unit,
        "units": list(HISTOGRAM_UNITS),
        "bins": bins,
        "undated": {"events": undated[0], "fatalities": undated[1]},  # not in any bar
        "no_date": no_date,  # events with no date of their own, in the bar of their publication
        "dated": dated,
        "events": sum(b[2] for b in bins) + undated[0],
        "fatalities": sum(b[3] for b in bins) + undated[1],
    }


@bp.get(maps.TIMELINE_PATH)
def timeline():
    """The timeline of the map's filters (``unit``: day, week, month or year; else from the
    range)."""
    filters = params.parse_filters(request.args, params.FILTERS["events"])
    unit = params.UNIT.parse(request.args.get("unit"))
    return jsonify(histogram(get_store(), filters, unit))


@bp.get(maps.LAYERS_PATH)
def layers():
    """The layers' data of the map for these filters (the page's period as start and end);
    ``places=0`` leaves the places mentioned out."""
    filters = params.parse_filters(request.args, params.FILTERS["events"])
    places = params.PLACES.parse(request.args.get("places"))
    store = get_store()
    data = maps.map_data(
        store,
        **filters,
        lang=_lang(),
        with_places=places == "1",
        by_view=clusters.app_by_view(store),
    )
    return jsonify(data)


@bp.get(maps.CLUSTERS_PATH)
def view_clusters():
    """The event markers of the map's ``view`` (w,s,e,n; none: the world) at ``zoom``, for the
    filters (the timeline's period as start and end) and the event ``types`` ticked."""
    filters = params.parse_filters(request.args, params.FILTERS["events"])
    view = params.VIEW.parse(request.args.get("view"))
    zoom = params.ZOOM.parse(request.args.get("zoom"))
    types = params.TYPES.parse(request.args.get("types"))
    wanted = None if types is None else [t.strip() for t in types.split(",") if t.strip()]
    pts = clusters.points(get_store(), filters)
    return jsonify(clusters.view_clusters(pts, view, zoom, wanted))


@bp.get(maps.LABELS_PATH)
def labels():
    """The basemap's place names in the map's language: the gazetteer's countries and largest
    cities, each with the zoom from which the map writes it."""
    resp = jsonify(map_labels.labels(get_gazetteer(), _lang()))
    resp.cache_control.public = True
    resp.cache_control.max_age = 86400
    return resp


def _lang() -> str:
    """``lang`` (:data:`web.params.LANG`), else the app's language (:func:`web.pages.page_lang`)."""
    return params.LANG.parse(request.args.get("lang")) or page_lang({})


def _within(view: tuple, bbox: tuple | None) -> tuple | None:
    """The part of the filter's ``bbox`` in ``view`` (both west <= east), None when they do
    not meet; a box across the antimeridian keeps the filter's."""
    if bbox is None:
        return view
    if view[0] > view[2] or bbox[0] > bbox[2]:
        return bbox
    w, s = max(view[0], bbox[0]), max(view[1], bbox[1])
    e, n = min(view[2], bbox[2]), min(view[3], bbox[3])
    return (w, s, e, n) if w <= e and s <= n else None


def _countries(lang: str) -> dict[str, dict]:
    """The country outlines' names and bounds by ISO code."""
    keys = list(name_fields(lang))
    out = {}
    for f in basemap.countries_geojson(get_gazetteer())["features"]:
        p = f["properties"]
        name = next((p[k] for k in keys if p.get(k)), p.get("name"))
        out[p["iso"]] = {"name": name, "geometry": f["geometry"]}
    return out


def _bounds(geometry: dict) -> list[float]:
    from shapely.geometry import shape

    return [round(v, 3) for v in shape(geometry).bounds]


def _divisions(rows: list[dict]) -> list[dict]:
    """A country's first-level divisions for the panel, most events first: ``name`` (raw
    text), ``events``, ``fatalities``, ``place`` (the value of the ``place`` filter, None when
    the store does not hold the division as a place); past :data:`MAX_DIVISIONS`, one row sums
    the rest."""
    out = [
        {
            "name": r["admin1_name"] or r["admin1"] or "no first-level division",
            "events": r["events"],
            "fatalities": r["fatalities"],
            "place": r["place_id"],
        }
        for r in rows
    ]
    if len(out) > MAX_DIVISIONS:
        rest = out[MAX_DIVISIONS - 1 :]
        out = out[: MAX_DIVISIONS - 1]
        out.append(
            {
                "name": f"{len(rest)} other divisions",
                "events": sum(r["events"] for r in rest),
                "fatalities": sum(r["fatalities"] for r in rest),
                "place": None,
            }
        )
    return out


@bp.get(maps.COUNTRIES_PATH)
def countries():
    """Events and fatalities by country for the filters in the map's ``view`` (w,s,e,n)."""
    filters = params.parse_filters(request.args, params.FILTERS["events"])
    lang = _lang()
    view = params.VIEW.parse(request.args.get("view"))
    if view:
        box = _within(view, filters.get("bbox"))
        if box is None:
            return jsonify({"countries": [], "events": 0, "fatalities": 0, "unplaced": None})
        filters["bbox"] = box
    store = get_store()
    rows = store.country_totals(**filters)
    divisions: dict[str, list[dict]] = {}
    for d in store.admin1_totals(**filters):
        divisions.setdefault(d["country_code"], []).append(d)
    outlines = _countries(lang)
    out, unplaced = [], None
    for r in rows:
        cc = r["country_code"]
        if cc is None:
            unplaced = {"events": r["events"], "fatalities": r["fatalities"]}
            continue
        c = outlines.get(cc)
        row = {
            "iso": cc,
            "name": c["name"] if c else cc,  # raw text: set with .textContent
            "events": r["events"],
            "fatalities": r["fatalities"],
            # the value that filters the map to this country: its place in the store, else
            # the bounds of its outline
            "place": r["place_id"],
            "bbox": None if r["place_id"] or not c else _bounds(c["geometry"]),
            "divisions": _divisions(divisions.get(cc, [])),
        }
        out.append(row)
    if len(out) > MAX_COUNTRIES:
        rest = out[MAX_COUNTRIES - 1 :]
        out = out[: MAX_COUNTRIES - 1]
        out.append(
            {
                "iso": None,
                "name": f"{len(rest)} other countries",
                "events": sum(r["events"] for r in rest),
                "fatalities": sum(r["fatalities"] for r in rest),
                "place": None,
                "bbox": None,
                "divisions": [],
            }
        )
    return jsonify(
        {
            "countries": out,
            "events": sum(r["events"] for r in rows),
            "fatalities": sum(r["fatalities"] for r in rows),
            "unplaced": unplaced,
        }
    )


@bp.get(maps.UNLISTED_PATH)
def unlisted():
    """The matching events the map cannot draw: with no place, with no date."""
    filters = params.parse_filters(request.args, params.FILTERS["events"])
    lang = _lang()
    store = get_store()
    kinds = []
    for what, title in (
        ("place", "Events with no place"),
        ("date", "Events with no date of their own"),
    ):
        rows, total = store.events_lacking(what, limit=UNLISTED_ROWS, **filters)
        items = Markup("".join(maps.event_item_html(ev, "", lang) for ev in rows))
        kinds.append({"id": f"no-{what}", "title": title, "total": total, "items": items})
    query = maps.filter_query(filters)
    csp_nonce()
    return render_template(
        "map_unlisted.html",
        kinds=kinds,
        shown=UNLISTED_ROWS,
        filters=filters,
        map_href="/" + ("?" + query if query else ""),
        export_href="/export/events.csv" + ("?" + query if query else ""),
    )

"""KML 2.2 of the events, for Google Earth: one Placemark per event, streamed.

Each Placemark has a ``name`` (type, place, date), a ``description`` (the sentence, the event's
facts and a link to its document), a ``TimeStamp`` at the event's date (to its precision: a
month-precise date is ``2024-03``) so Google Earth's time slider filters it, the point, and the
same properties as the GeoJSON export in ``ExtendedData`` (typed by a ``Schema``, which GDAL and
QGIS read as fields). An event without a place is a Placemark without a point.

Escaping: every value is XML-escaped, and characters XML 1.0 forbids are dropped. Google Earth
renders a description as HTML, so the description is HTML whose every value is HTML-escaped
first (an article's ``<script>`` reaches the balloon as the text ``<script>``), and its only link
is the document's address when it is http(s). The balloon shows the description alone (a
``BalloonStyle``), not the default table of ``ExtendedData`` that Google Earth would render as
HTML.

Example
-------
>>> "".join(kml_pieces(iter([]), [("id", "int")]))[:38]
'<?xml version="1.0" encoding="UTF-8"?>'
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

KML_NS = "http://www.opengis.net/kml/2.2"
SCHEMA_ID = "event"
CHUNK_CHARS = 64_000

# XML 1.0's characters: anything else (C0 controls but tab and newlines, lone surrogates,
# U+FFFE/U+FFFF) makes the file unreadable and is dropped
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# the ExtendedData fields: the layer's properties its caller gives (geo.export.LAYER_FIELDS:
# name, kind), typed for GIS readers; lists are written as their items joined by "; "
_KML_TYPES = {"int": "int", "real": "double"}
# how many characters of a date its precision keeps (xsd:gYearMonth, xsd:gYear)
_WHEN_CHARS = {"month": 7, "season": 7, "year": 4}


def xml_text(value: object) -> str:
    """``value`` as XML character data: escaped, without the characters XML forbids."""
    text = _NOT_XML.sub("", str(value))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _h(value: object) -> str:
    """``value`` as HTML text (the description's values)."""
    return html.escape(str(value), quote=True)


def _value(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _name(ev: dict) -> str:
    what = ev.get("subtype") or ev.get("type") or "Event"
    where = ev.get("place_name") or ev.get("location")
    return " · ".join(str(p) for p in (what, where, ev.get("date")) if p)


def description(ev: dict) -> str:
    """The balloon's HTML: the sentence, the facts, the document's link; every value escaped."""
    facts = [
        ("Type", " / ".join(str(t) for t in (ev.get("type"), ev.get("subtype")) if t)),
        ("Date", ev.get("date") and f"{ev['date']} ({ev.get('date_precision') or 'unknown'})"),
        ("Place", ", ".join(str(p) for p in (ev.get("place_name"), ev.get("admin1_name")) if p)),
        ("Location as written", ev.get("location")),
        ("Actors", "; ".join(map(str, ev.get("actors") or ()))),
        ("Fatalities", ev.get("fatalities")),
        ("Injured", ev.get("injured")),
        ("Precision codes (time, place)", _codes(ev)),
        ("Sources", ev.get("n_sources") if (ev.get("n_sources") or 1) > 1 else None),
    ]
    rows = "".join(
        f"<tr><th>{_h(k)}</th><td>{_h(v)}</td></tr>" for k, v in facts if v not in (None, "")
    )
    parts = [f"<p>{_h(ev.get('sentence') or '')}</p>", f"<table>{rows}</table>"]
    title = ev.get("doc_title") or ev.get("doc_id") or ""
    url = ev.get("doc_url")
    source = ", ".join(str(s) for s in (ev.get("doc_source"), ev.get("published")) if s)
    doc = _h(title)
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        doc = f'<a href="{_h(url)}">{doc or _h(url)}</a>'
    if doc or source:
        parts.append(f"<p>{doc}{f' ({_h(source)})' if source else ''}</p>")
    return "".join(parts)


def _codes(ev: dict) -> str | None:
    t, g = ev.get("time_precision"), ev.get("geo_precision")
    if t is None and g is None:
        return None
    return f"{'-' if t is None else t}, {'-' if g is None else g}"


def kml_fields(layer_fields: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The ExtendedData fields of a layer's ``(name, kind)`` properties: ``(name, KML type)``.

    >>> kml_fields([("id", "int"), ("sentence", "text"), ("actors", "list")])
    (('id', 'int'), ('sentence', 'string'), ('actors', 'string'))
    """
    return tuple((name, _KML_TYPES.get(kind, "string")) for name, kind in layer_fields)


def placemark(ev: dict, fields: tuple[tuple[str, str], ...]) -> str:
    """One event as a KML Placemark, its ``fields`` (:func:`kml_fields`) in ExtendedData."""
    out = [
        f'<Placemark id="event-{int(ev["id"])}">',
        f"<name>{xml_text(_name(ev))}</name>",
        f"<description>{xml_text(description(ev))}</description>",
    ]  # in the order of KML 2.2's schema: ..., TimeStamp, styleUrl, ExtendedData, Point
    date = ev.get("date")
    if date:
        when = str(date)[: _WHEN_CHARS.get(ev.get("date_precision") or "", 10)]
        out.append(f"<TimeStamp><when>{xml_text(when)}</when></TimeStamp>")
    out.append("<styleUrl>#event</styleUrl>")
    out.append(f'<ExtendedData><SchemaData schemaUrl="#{SCHEMA_ID}">')
    for key, _ in fields:
        value = ev.get(key)
        if value is None or value == [] or value == ():
            continue
        out.append(f'<SimpleData name="{key}">{xml_text(_value(value))}</SimpleData>')
    out.append("</SchemaData></ExtendedData>")
    lon, lat = ev.get("lon"), ev.get("lat")
    if lon is not None and lat is not None:
        out.append(f"<Point><coordinates>{float(lon)!r},{float(lat)!r}</coordinates></Point>")
    out.append("</Placemark>\n")
    return "".join(out)


def _head(fields: tuple[tuple[str, str], ...]) -> str:
    schema = "".join(
        f'<SimpleField type="{kind}" name="{name}"><displayName>{name}</displayName></SimpleField>'
        for name, kind in fields
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<kml xmlns="{KML_NS}">\n<Document>\n<name>conflictmap events</name>\n'
        "<description>Conflict events extracted from the news by conflictmap. Places: GeoNames "
        "(CC BY 4.0).</description>\n"
        '<Style id="event"><BalloonStyle><text>$[description]</text></BalloonStyle></Style>\n'
        f'<Schema name="{SCHEMA_ID}" id="{SCHEMA_ID}">{schema}</Schema>\n'
    )


_TAIL = "</Document>\n</kml>\n"


def kml_pieces(events: Iterator[dict], layer_fields: Iterable[tuple[str, str]]) -> Iterator[str]:
    """The KML document of ``events`` (rows of :meth:`Store.iter_events`) with the layer's
    properties ``layer_fields`` (``(name, kind)``: :data:`geo.export.LAYER_FIELDS`), in pieces
    of about 64 kB."""
    fields = kml_fields(layer_fields)
    buf: list[str] = [_head(fields)]
    size = 0
    for ev in events:
        p = placemark(ev, fields)
        buf.append(p)
        size += len(p)
        if size > CHUNK_CHARS:
            yield "".join(buf)
            buf.clear()
            size = 0
    buf.append(_TAIL)
    yield "".join(buf)

"""The publication date an HTML page's metadata gives (``<meta>``, JSON-LD, ``<time>``), read
with the page by :func:`geo.documents.read_html_file`."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from geo.dates import parse_iso
from geo.model import DateValue

__all__ = ["html_publication_date"]

# HTML metadata that carries the publication date, most trusted first.
_HTML_KEYS = (
    "meta:article:published_time",
    "meta:og:published_time",
    "itemprop:datepublished",
    "jsonld:datepublished",
    "meta:datepublished",
    "meta:pubdate",
    "meta:publishdate",
    "meta:date",
    "meta:dc.date.issued",
    "meta:dcterms.issued",
    "meta:dc.date",
    "time:pubdate",
    "time",
)


def _json_ld_date(data: Any) -> str | None:
    """The first ``datePublished`` string anywhere in a JSON-LD document."""
    if isinstance(data, dict):
        if isinstance(data.get("datePublished"), str):
            return data["datePublished"]
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            found = _json_ld_date(item)
            if found:
                return found
    return None


class _HtmlDates(HTMLParser):
    """Collects the first value of each publication-date source of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self._json: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "").strip() for k, v in attrs}
        itemprop = a.get("itemprop", "").lower()
        if itemprop == "datepublished" and (a.get("content") or a.get("datetime")):
            self.found.setdefault("itemprop:datepublished", a.get("content") or a["datetime"])
        if tag == "meta" and a.get("content"):
            for attr in ("property", "name", "itemprop"):
                if a.get(attr):
                    self.found.setdefault(f"meta:{a[attr].lower()}", a["content"])
        elif tag == "time" and a.get("datetime"):
            self.found.setdefault("time:pubdate" if "pubdate" in a else "time", a["datetime"])
        elif tag == "script" and "ld+json" in a.get("type", "").lower():
            self._json = []

    def handle_data(self, data: str) -> None:
        if self._json is not None:
            self._json.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._json is not None:
            try:
                found = _json_ld_date(json.loads("".join(self._json)))
            except json.JSONDecodeError:  # a broken block: the other sources still count
                found = None
            if found:
                self.found.setdefault("jsonld:datepublished", found)
            self._json = None


def html_publication_date(html: str) -> DateValue | None:
    """The publication date an HTML page's metadata gives, or None.

    Read, in this order of trust: ``article:published_time``, ``og:published_time``,
    ``itemprop="datePublished"``, JSON-LD ``datePublished``, ``<meta name="date">`` (and its
    Dublin Core kin), ``<time pubdate>``, ``<time datetime>``; the first that parses as an ISO
    8601 date wins, with its precision.

    Example
    -------
    >>> page = '<meta property="article:published_time" content="2016-12-08T10:00:00Z">'
    >>> html_publication_date(page)
    DateValue(value='2016-12-08', precision='day', phrase='2016-12-08T10:00:00Z')
    """
    parser = _HtmlDates()
    parser.feed(html)
    parser.close()
    for key in _HTML_KEYS:
        raw = parser.found.get(key)
        parsed = parse_iso(raw) if raw else None
        if parsed:
            return DateValue(parsed[0], parsed[1], raw)
    return None

"""Dates as the pages' readers type and read them: ``jj/mm/aaaa`` on a French page, ISO
``yyyy-mm-dd`` on an English one, as each language declares it (``date_format`` and
``date_placeholder`` of :class:`geo.lang.Language`; a language that declares none, or a code
the registry lacks, reads and writes ISO).

The pages' forms (the map's time filter, the documents' search) take a date in the page's
language or as ISO; :func:`iso_args` turns them into the ISO days every filter and the API take,
with a message that shows the expected form when a date cannot be read.

Example
-------
>>> to_iso("start", "27/02/2024", "fr"), to_iso("start", "2024-02-27", "fr")
('2024-02-27', '2024-02-27')
>>> shown("2024-02-27", "fr"), shown("2024-02-27", "en")
('27/02/2024', '2024-02-27')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from geo.errors import InputError
from geo.lang import get_language

DATE_KEYS = ("start", "end")  # the date parameters of the pages' forms


@dataclass(frozen=True)
class DateForm:
    """How a language writes a day: a ``strftime`` format and what a form's box shows empty."""

    format: str
    placeholder: str


ISO = DateForm("%Y-%m-%d", "yyyy-mm-dd")


def _shape(fmt: str) -> re.Pattern:
    """What a day written with ``fmt`` looks like (digits where the numbers go)."""
    out = re.escape(fmt)
    for code, digits in (("%d", r"\d{1,2}"), ("%m", r"\d{1,2}"), ("%Y", r"\d{4}")):
        out = out.replace(re.escape(code), digits)
    return re.compile(out)


def form(lang: str | None) -> DateForm:
    """The date form of a language (ISO for one the registry lacks)."""
    language = get_language(lang)
    return DateForm(language.date_format, language.date_placeholder) if language else ISO


def to_iso(name: str, value: str, lang: str | None) -> str:
    """A day typed in the page's language (or as ISO) as ``YYYY-MM-DD``, else InputError."""
    v = value.strip()
    f = form(lang)
    for fmt in dict.fromkeys((f.format, ISO.format)):
        try:
            day = datetime.strptime(v, fmt).date()
        except ValueError:
            continue
        return day.isoformat()
    if any(_shape(x).fullmatch(v) for x in (f.format, ISO.format)):  # not a calendar day
        raise InputError(f"{name} is not a valid date: {v[:40]!r}")
    raise InputError(f"{name} must be a date {f.placeholder} or YYYY-MM-DD, not {v[:40]!r}")


def shown(iso: str | None, lang: str | None) -> str:
    """An ISO day as the page's readers write it ('' for None)."""
    if not iso:
        return ""
    return date.fromisoformat(iso[:10]).strftime(form(lang).format)


def iso_args(args: Mapping[str, str], lang: str | None) -> dict[str, str]:
    """The request's arguments with the form's dates as ISO days (the other ones as given)."""
    out = {k: v for k, v in args.items()}
    for key in DATE_KEYS:
        value = out.get(key)
        if value and value.strip():
            out[key] = to_iso(key, value, lang)
    return out

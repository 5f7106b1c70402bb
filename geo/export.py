"""Events out of the store: GeoJSON (RFC 7946), CSV with ACLED's columns, GeoPackage.

GeoJSON and CSV are streamed: events are read from the store in chunks and written one by one,
so memory does not grow with the result. GeoPackage is written with geopandas (pyogrio) in
chunks appended to one layer. Every format is written to a temporary file beside the target
and renamed at the end, so a failed export never leaves half a file under the final name.

Example
-------
>>> from geo.store import open_store
>>> export_events(open_store("news.sqlite"), "geojson", "events.geojson", place="Alep")  # doctest: +SKIP
12
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from geo import actors, event_types
from geo.errors import InputError
from geo.model import DEFAULT_NAME_LANG
from geo.store import GEO_PRECISION_CODES, TIME_PRECISION_CODES, Store

FORMATS = ("geojson", "csv", "gpkg")
GPKG_CHUNK = 50_000
GPKG_LAYER = "events"

# ACLED's column names where one exists (its codebook, 2023); then what ACLED has no column for:
# the place the event is drawn at, the words of the toll, and the documents that reported it.
CSV_COLUMNS = (
    "event_id",
    "event_date",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "injured",
    "notes",
    "source",
    "url",
    "doc_id",
    "place_name",
    "place_id",
    "fatalities_phrase",
    "n_sources",
    "sources",
)
_INT_COLUMNS = (
    "event_id", "time_precision", "inter1", "inter2", "interaction", "geo_precision",
    "fatalities", "injured", "n_sources",
)  # fmt: skip
# ACLED's codes of the stored precisions, for events stored without them (geo/store.py)
TIME_PRECISION = TIME_PRECISION_CODES
GEO_PRECISION = GEO_PRECISION_CODES


def geojson_feature(ev: dict) -> dict:
    """One event row as an RFC 7946 Feature: ``[lon, lat]``, WGS 84; no point, null geometry."""
    geometry = None
    if ev.get("lon") is not None and ev.get("lat") is not None:
        geometry = {"type": "Point", "coordinates": [ev["lon"], ev["lat"]]}
    props = {k: v for k, v in ev.items() if k not in ("lat", "lon")}
    return {"type": "Feature", "id": ev["id"], "geometry": geometry, "properties": props}


def iter_geojson(store: Store, **filters) -> Iterator[str]:
    """A FeatureCollection of the matching events, as text pieces (one per feature).

    The filters are checked at once (:class:`InputError`), before the first piece.
    """
    return _geojson_pieces(store.iter_event_features(**filters))


GEOJSON_HEAD, GEOJSON_TAIL = '{"type":"FeatureCollection","features":[', "\n]}\n"


def _geojson_pieces(features: Iterator[str]) -> Iterator[str]:
    """The FeatureCollection around features given as JSON text, in pieces of about 64 kB."""
    yield GEOJSON_HEAD
    buf: list[str] = []
    size = 0
    sep = "\n"
    for f in features:
        buf.append(sep)
        buf.append(f)
        size += len(f)
        sep = ",\n"
        if size > 64_000:
            yield "".join(buf)
            buf.clear()
            size = 0
    yield "".join(buf) + GEOJSON_TAIL


# A full GeoJSON export of at least this many events is built by one process per core.
PARALLEL_EXPORT_MIN = 200_000


def _write_all_parallel(store: Store, tmp: Path) -> int | None:
    """Every event as GeoJSON into ``tmp``, the Features built by one process per core; None
    when the store cannot (another backend, one core, a small store, or it changed meanwhile),
    and the caller writes it the usual way."""
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2 or not hasattr(store, "write_all_features"):
        return None
    parts = [tmp.with_name(f"{tmp.name}.{i}") for i in range(workers)]
    try:
        n = store.write_all_features(parts, min_events=PARALLEL_EXPORT_MIN)
        if n is None:
            return None
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(GEOJSON_HEAD)
            sep = "\n"
            for part in parts:
                if part.stat().st_size:
                    fh.write(sep)
                    fh.flush()
                    with open(part, "rb") as src:
                        shutil.copyfileobj(src, fh.buffer, 1 << 20)
                    sep = ",\n"
            fh.write(GEOJSON_TAIL)
        return n
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


@lru_cache(maxsize=1024)
def country_name(code: str | None, lang: str | None = DEFAULT_NAME_LANG) -> str | None:
    """The name of an ISO 3166 country code in ``lang`` (CLDR; English when babel does not
    know the language): ``SY`` -> ``Syria``, or ``Syrie`` in French.

    >>> country_name("SY"), country_name("SY", "fr")
    ('Syria', 'Syrie')
    """
    if not code:
        return None
    try:
        from babel import Locale, UnknownLocaleError

        try:
            locale = Locale.parse(lang or DEFAULT_NAME_LANG)
        except (UnknownLocaleError, ValueError):
            locale = Locale(DEFAULT_NAME_LANG)
        return locale.territories.get(code.upper(), code)
    except ImportError:  # pragma: no cover - babel is a dependency
        return code


def _actor_columns(ev: dict) -> dict:
    """actor1, inter1, actor2, assoc_actor_2, inter2, interaction. Actors are named by their
    registry label in the document's language; labels the registry lacks fill an empty role
    as the document wrote them, and the other actors go to ``assoc_actor_2``."""
    lang, cc = ev.get("doc_lang"), ev.get("country_code")
    labels = list(ev.get("actors") or [])
    ids = [ev.get("actor1"), ev.get("actor2")]
    unknown = [label for label in labels if actors.find(label) is None]
    names: list[str | None] = []
    for actor_id in ids:
        a = actors.find(actor_id)
        names.append(a.label(lang) if a else actor_id or (unknown.pop(0) if unknown else None))
    taken = {i for i in ids if i} | set(names)
    others = []
    for label in labels:
        a = actors.find(label)
        if (a.id if a else label) not in taken and label not in others:
            others.append(a.label(lang) if a else label)
    return {
        "actor1": names[0],
        "inter1": actors.code_of(ids[0], cc),
        "actor2": names[1],
        "assoc_actor_2": "; ".join(others) or None,
        "inter2": actors.code_of(ids[1], cc),
        "interaction": ev.get("interaction"),
    }


def csv_row(ev: dict) -> dict:
    """One event row with ACLED's column names (see :data:`CSV_COLUMNS`); the place, its
    country and the actors are named in the language of the event's document (Alep, Syrie,
    Russie in French). ``location`` is the place as the text names it when the extractor kept
    it (a village the gazetteer lacks), the place the event is drawn at otherwise."""
    t = event_types.get(ev.get("type"))
    time_precision = ev.get("time_precision")
    if time_precision is None and ev.get("date"):
        time_precision = TIME_PRECISION.get(ev.get("date_precision") or "")
    geo_precision = ev.get("geo_precision")
    if geo_precision is None:
        geo_precision = GEO_PRECISION.get(ev.get("precision") or "")
    sources = ev.get("sources") or []
    return {
        "event_id": ev["id"],
        "event_date": ev.get("date"),
        "time_precision": time_precision,
        "disorder_type": t.family if t else None,
        "event_type": ev.get("type"),
        "sub_event_type": ev.get("subtype"),
        **_actor_columns(ev),
        "country": country_name(ev.get("country_code"), ev.get("doc_lang")),
        "admin1": ev.get("admin1_name") or ev.get("admin1"),
        "location": ev.get("location") or ev.get("place_name"),
        "latitude": ev.get("lat"),
        "longitude": ev.get("lon"),
        "geo_precision": geo_precision,
        "fatalities": ev.get("fatalities"),
        "injured": ev.get("injured"),
        "notes": ev.get("sentence"),
        "source": ev.get("doc_source"),
        "url": ev.get("doc_url"),
        "doc_id": ev.get("doc_id"),
        "place_name": ev.get("place_name"),
        "place_id": ev.get("place_id"),
        "fatalities_phrase": ev.get("fatalities_phrase"),
        "n_sources": ev.get("n_sources") or 1,
        "sources": "; ".join(map(str, sources)) or None,
    }


def iter_csv(store: Store, **filters) -> Iterator[str]:
    """The matching events as CSV text pieces (a header line, then one line per event)."""
    return _csv_pieces(store.iter_events(**filters))


def _csv_pieces(events: Iterator[dict]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for ev in events:
        writer.writerow(csv_row(ev))
        if buf.tell() > 64_000:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _write_gpkg(events: Iterator[dict], path: Path) -> None:
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    chunk: list[dict] = []
    points: list = []
    written = False

    def flush() -> None:
        nonlocal written
        df = pd.DataFrame(chunk, columns=list(CSV_COLUMNS))
        for col in _INT_COLUMNS:
            df[col] = df[col].astype("Int64")
        gdf = gpd.GeoDataFrame(df, geometry=points, crs="EPSG:4326")
        gdf.to_file(
            path, layer=GPKG_LAYER, driver="GPKG", engine="pyogrio", mode="a" if written else "w"
        )
        written = True
        chunk.clear()
        points.clear()

    for ev in events:
        chunk.append(csv_row(ev))
        ok = ev.get("lon") is not None and ev.get("lat") is not None
        points.append(Point(ev["lon"], ev["lat"]) if ok else None)
        if len(chunk) >= GPKG_CHUNK:
            flush()
    if chunk or not written:
        flush()


def export_events(store: Store, fmt: str, out: str | os.PathLike, **filters) -> int:
    """Write the events matching ``filters`` (those of :meth:`Store.events`) to ``out``.

    Parameters
    ----------
    store
        The store to read.
    fmt
        ``geojson``, ``csv`` or ``gpkg``.
    out
        The file to write (replaced at the end, never left half written).
    **filters
        ``bbox``, ``start``, ``end``, ``type``, ``actor``, ``place``, ``q``.

    Returns
    -------
    int
        The number of events written.

    Raises
    ------
    InputError
        An unknown format or an invalid filter.
    """
    fmt = (fmt or "").lower().lstrip(".")
    if fmt == "json":
        fmt = "geojson"
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    filters = {k: v for k, v in filters.items() if v is not None}
    # an invalid filter fails here, before any file is touched
    rows = (
        store.iter_event_features(**filters) if fmt == "geojson" else store.iter_events(**filters)
    )
    count = [0]

    def counted() -> Iterator:
        for row in rows:
            count[0] += 1
            yield row

    target = Path(out)
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.part{target.suffix}")
    try:
        n = _write_all_parallel(store, tmp) if fmt == "geojson" and not filters else None
        if n is not None:
            count[0] = n
        elif fmt == "gpkg":
            _write_gpkg(counted(), tmp)
        else:
            pieces = _geojson_pieces(counted()) if fmt == "geojson" else _csv_pieces(counted())
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                fh.writelines(pieces)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count[0]

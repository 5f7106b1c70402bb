"""Events out of the store: GeoJSON (RFC 7946), GeoJSON Text Sequences (RFC 8142), FlatGeobuf,
CSV with ACLED's columns, GeoPackage and KML.

The formats are declared once, in :data:`EXPORTS` (name, media type, file name, writer): the
command line's ``--format``, the route ``/export/events.<name>`` and the OpenAPI document read
them. The text formats (GeoJSON, GeoJSON Text Sequences, CSV, KML) are streamed: events are
read from the store in chunks and written one by one, so memory does not grow with the result,
and the web route sends the pieces as they are made. The binary ones are written by GDAL
(pyogrio): GeoPackage in chunks appended to one layer, FlatGeobuf through Arrow batches from a
temporary GeoJSON file. Every format is written to a temporary file beside the target and
renamed at the end, so a failed export never leaves half a file under the final name.

GeoJSON, GeoJSON Text Sequences, FlatGeobuf and KML carry the same properties (the store's
event row: type, sub-type, date and its precision codes, actors, fatalities, place name, admin1,
the sentence, the document's title and link, ...; :data:`LAYER_FIELDS`); CSV and GeoPackage
carry ACLED's columns (:data:`CSV_COLUMNS`).

Example
-------
>>> from geo.store import open_store
>>> export_events(open_store("news.sqlite"), "geojson", "events.geojson", place="Alep")  # doctest: +SKIP
12
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo import actors, event_types
from geo.errors import InputError
from geo.export_kml import kml_pieces
from geo.feature import POINT_KEYS
from geo.feature import geojson_feature as geojson_feature  # its home: geo.feature
from geo.model import DEFAULT_NAME_LANG
from geo.store.base import EVENT_KEYS, GEO_PRECISION_CODES, TIME_PRECISION_CODES, Store

GPKG_CHUNK = 50_000
GPKG_LAYER = "events"
FGB_LAYER = "events"
CHUNK_CHARS = 64_000  # the size of a streamed piece of text

# The properties of the events layer (GeoJSON, GeoJSON Text Sequences, FlatGeobuf, KML): the
# store's event row without its point, each with its type for the formats that declare one
# (unlisted: text). Declared, not guessed from the values: a column that is null in every
# exported event keeps its type. Dates are text: a month-precise date is 2020-02, a year 2020.
_LAYER_TYPES = {
    "id": "int", "fatalities": "int", "injured": "int", "start": "int", "end": "int",
    "confidence": "real", "geo_precision": "int", "time_precision": "int", "interaction": "int",
    "n_sources": "int", "merged_into": "int",
    "secondary_types": "list", "actors": "list", "sources": "list",
}  # fmt: skip
LAYER_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (key, _LAYER_TYPES.get(key, "text")) for key in EVENT_KEYS if key not in POINT_KEYS
)

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
        if size > CHUNK_CHARS:
            yield "".join(buf)
            buf.clear()
            size = 0
    yield "".join(buf) + GEOJSON_TAIL


RS = "\x1e"  # RFC 8142's record separator, before each GeoJSON text


def _geojsonseq_pieces(features: Iterator[str]) -> Iterator[str]:
    """GeoJSON Text Sequences (RFC 8142): each Feature preceded by RS and followed by a line
    feed (the store's Feature JSON escapes every control character, so neither occurs inside),
    in pieces of about 64 kB."""
    buf: list[str] = []
    size = 0
    for f in features:
        buf.append(f"{RS}{f}\n")
        size += len(f)
        if size > CHUNK_CHARS:
            yield "".join(buf)
            buf.clear()
            size = 0
    if buf:
        yield "".join(buf)


# A full GeoJSON export of at least this many events is built by one process per core.
PARALLEL_EXPORT_MIN = 200_000


def _write_all_parallel(store: Store, tmp: Path) -> int | None:
    """Every event as GeoJSON into ``tmp``, the Features built by one process per core; None
    when the store cannot (another backend, one core, a small store, or it changed meanwhile),
    and the caller writes it the usual way."""
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2:
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
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(lang or DEFAULT_NAME_LANG)
    except (UnknownLocaleError, ValueError):
        locale = Locale(DEFAULT_NAME_LANG)
    return locale.territories.get(code.upper(), code)


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


# A cell a spreadsheet would take for a formula (OWASP's "CSV injection"): =, +, -, @, tab, CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that starts like a formula, prefixed with an apostrophe so Excel and
    LibreOffice show it as text (``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``); numbers and
    other text unchanged.

    >>> neutralise("=1+1"), neutralise("-3 killed"), neutralise(-3.5), neutralise("Alep")
    ("'=1+1", "'-3 killed", -3.5, 'Alep')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_pieces(events: Iterator[dict]) -> Iterator[str]:
    buf = io.StringIO()
    # CRLF (RFC 4180): a cell holding a CR or an LF is then quoted (with LF alone, a bare CR
    # inside a cell was written unquoted and ended the row for every reader)
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for ev in events:
        writer.writerow({k: neutralise(v) for k, v in csv_row(ev).items()})
        if buf.tell() > CHUNK_CHARS:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _write_gpkg(events: Iterator[dict], path: Path) -> int:
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

    n = 0
    for ev in events:
        chunk.append(csv_row(ev))
        ok = ev.get("lon") is not None and ev.get("lat") is not None
        points.append(Point(ev["lon"], ev["lat"]) if ok else None)
        n += 1
        if len(chunk) >= GPKG_CHUNK:
            flush()
    if chunk or not written:
        flush()
    return n


_FGB_TYPES = {  # LAYER_FIELDS' types in GDAL's terms (OGR_SCHEMA): (type, subtype)
    "int": ("Integer64", "None"),
    "real": ("Real", "None"),
    "list": ("String", "JSON"),
    "text": ("String", "None"),
}


def _write_fgb(features: Iterator[str], path: Path) -> int:
    """FlatGeobuf with its spatial index, written by GDAL: the Features go to a temporary
    GeoJSON file (streamed), which GDAL reads back in Arrow batches with every column's type
    declared (:data:`LAYER_FIELDS`; lists as JSON text) and writes as FlatGeobuf. Events
    without a point are left out: the spatial index, which lets a GIS read a bbox without
    reading the whole file, needs a point for every feature. Returns the number written."""
    import pyogrio
    from pyogrio.raw import open_arrow, write_arrow

    fields = [
        {"name": name, "type": _FGB_TYPES[kind][0], "subType": _FGB_TYPES[kind][1]}
        for name, kind in LAYER_FIELDS
    ]
    with tempfile.TemporaryDirectory(prefix=".fgb-", dir=path.parent) as tmp:
        src = Path(tmp) / f"{FGB_LAYER}.geojson"
        n = [0]

        def counted() -> Iterator[str]:
            for f in features:
                n[0] += 1
                yield f

        with open(src, "w", encoding="utf-8", newline="") as fh:
            fh.writelines(_geojson_pieces(counted()))
        if not n[0]:
            _write_empty_fgb(path, fields)
            return 0
        # every column declared ("Full"): each Feature of the store names every property,
        # null or not, so GDAL finds them all in the file
        schema = {"layers": [{"name": FGB_LAYER, "schemaType": "Full", "fields": fields}]}
        with open_arrow(
            src,
            bbox=(-180, -90, 180, 90),  # the events with a point
            use_pyarrow=False,
            OGR_SCHEMA=json.dumps(schema),
            DATE_AS_STRING="YES",  # dates stay text, as declared (2020-02: a month)
        ) as (meta, stream):
            write_arrow(
                stream,
                path,
                layer=FGB_LAYER,
                driver="FlatGeobuf",
                geometry_name=meta["geometry_name"] or "wkb_geometry",
                geometry_type="Point",
                crs=meta["crs"] or "EPSG:4326",
                SPATIAL_INDEX="YES",
            )
    return max(0, int(pyogrio.read_info(path, layer=FGB_LAYER)["features"]))


def _write_empty_fgb(path: Path, fields: list[dict]) -> None:
    """A FlatGeobuf of no feature, with the layer's columns."""
    import numpy as np
    from pyogrio.raw import write

    dtypes = {"Integer64": "int64", "Real": "float64"}
    write(
        path,
        np.array([], dtype=object),
        [np.array([], dtype=dtypes.get(f["type"], object)) for f in fields],
        [f["name"] for f in fields],
        layer=FGB_LAYER,
        driver="FlatGeobuf",
        geometry_type="Point",
        crs="EPSG:4326",
        SPATIAL_INDEX="YES",
    )


def _kml_pieces(events: Iterator[dict]) -> Iterator[str]:
    return kml_pieces(events, LAYER_FIELDS)


@dataclass(frozen=True)
class ExportFormat:
    """One export format, declared once in :data:`EXPORTS`.

    ``rows`` names what the writer takes from the store: ``features`` (each event's GeoJSON
    Feature as JSON text, :meth:`Store.iter_event_features`) or ``events`` (rows as dicts,
    :meth:`Store.iter_events`). A text format has ``pieces`` (the rows -> the file's text in
    pieces, streamed as made); a binary one has ``write`` (the rows and a path -> the number of
    events written)."""

    name: str  # the --format value, the file extension and the route's /export/events.<name>
    label: str
    media_type: str
    rows: str  # "features" or "events"
    pieces: Callable[[Iterator], Iterator[str]] | None = None
    write: Callable[[Iterator, Path], int] | None = None
    note: str = ""  # what a reader should know (the OpenAPI document and --help say it)

    @property
    def file_name(self) -> str:
        """The downloaded file's name."""
        return f"events.{self.name}"

    @property
    def streamed(self) -> bool:
        """True for a text format, whose pieces are sent while they are made."""
        return self.pieces is not None

    def read(self, store: Store, **filters) -> Iterator:
        """The rows this format is written from; an invalid filter fails here, at once."""
        filters = {k: v for k, v in filters.items() if v is not None}
        if self.rows == "features":
            return store.iter_event_features(**filters)
        return store.iter_events(**filters)

    def iter_text(self, store: Store, **filters) -> Iterator[str]:
        """The file's text in pieces (a text format only). The filters are checked and the
        first row read before this returns, so a bad filter or a store that cannot be read
        raises here (an HTTP error status), not in the middle of a streamed body."""
        if self.pieces is None:
            raise TypeError(f"{self.name} is not a text format")
        rows = self.read(store, **filters)
        first = next(rows, None)
        return self.pieces(itertools.chain(() if first is None else (first,), rows))


EXPORTS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "geojson",
            "GeoJSON (RFC 7946)",
            "application/geo+json",
            "features",
            pieces=_geojson_pieces,
        ),
        ExportFormat(
            "geojsonl",
            "GeoJSON Text Sequences (RFC 8142)",
            "application/geo+json-seq",
            "features",
            pieces=_geojsonseq_pieces,
            note="one Feature per line, each preceded by the RS character (0x1E); GDAL's "
            "GeoJSONSeq driver reads it",
        ),
        ExportFormat(
            "fgb",
            "FlatGeobuf",
            "application/flatgeobuf",
            "features",
            write=_write_fgb,
            note="with a spatial index; events without a place are left out (the index needs "
            "a point); lists (actors, sources) as JSON text",
        ),
        ExportFormat(
            "csv",
            "CSV (ACLED's columns)",
            "text/csv; charset=utf-8",
            "events",
            pieces=_csv_pieces,
            note="a text cell beginning with =, +, -, @, tab or CR starts with an apostrophe, "
            "so a spreadsheet shows it as text",
        ),
        ExportFormat(
            "gpkg",
            "GeoPackage (ACLED's columns)",
            "application/geopackage+sqlite3",
            "events",
            write=_write_gpkg,
        ),
        ExportFormat(
            "kml",
            "KML (Google Earth)",
            "application/vnd.google-earth.kml+xml",
            "events",
            pieces=_kml_pieces,
            note="one Placemark per event: name, description, time stamp, ExtendedData",
        ),
    )
}
FORMATS = tuple(EXPORTS)
ALIASES = {"json": "geojson", "geojsons": "geojsonl", "flatgeobuf": "fgb"}


def export_format(name: str | None) -> ExportFormat:
    """The format called ``name`` (or one of :data:`ALIASES`), or :class:`InputError`."""
    key = (name or "").lower().lstrip(".")
    form = EXPORTS.get(ALIASES.get(key, key))
    if form is None:
        raise InputError(
            f"unknown export format {str(name)[:40]!r}; use one of {', '.join(EXPORTS)}"
        )
    return form


def export_events(store: Store, fmt: str, out: str | os.PathLike, **filters) -> int:
    """Write the events matching ``filters`` (those of :meth:`Store.events`) to ``out``.

    Parameters
    ----------
    store
        The store to read.
    fmt
        A name of :data:`EXPORTS`: ``geojson``, ``geojsonl``, ``fgb``, ``csv``, ``gpkg``,
        ``kml``.
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
    form = export_format(fmt)
    filters = {k: v for k, v in filters.items() if v is not None}
    rows = form.read(store, **filters)  # an invalid filter fails here, before any file is touched
    count = [0]

    def counted() -> Iterator:
        for row in rows:
            count[0] += 1
            yield row

    target = Path(out)
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.part{target.suffix}")
    try:
        n = _write_all_parallel(store, tmp) if form.name == "geojson" and not filters else None
        if n is not None:
            count[0] = n
        elif form.write is not None:
            count[0] = form.write(counted(), tmp)
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                fh.writelines(form.pieces(counted()))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count[0]

"""Command-line entry points of the web layer: ``serve``, ``snapshot`` and ``demo``.

They are plain click commands; ``geo/cli.py`` adds them to the ``conflictmap`` group::

    from web.cli_web import demo_cmd, serve_cmd, snapshot_cmd
    main.add_command(serve_cmd)      # conflictmap serve
    main.add_command(snapshot_cmd)   # conflictmap snapshot
    main.add_command(demo_cmd)       # conflictmap demo
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import click

from geo.cli_base import Command
from geo.errors import InputError

ENV_DB = "CONFLICTMAP_DB"
ENV_TOKEN = "CONFLICTMAP_API_TOKEN"


def _default_db() -> Path:
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    from gazetteer.lookup import default_home

    return default_home() / "conflictmap.sqlite"


try:  # the store's commands define the option; share it when they are there
    from geo.cli_store import db_option  # type: ignore[import-not-found]
except ImportError:
    db_option = click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"Store file (default: ${ENV_DB} or conflictmap.sqlite in the user data directory).",
    )


def _open_store(db: Path | None):
    from geo.store import open_store

    return open_store(db or _default_db())


def _serve(app, host: str, port: int, threads: int) -> None:
    from waitress import serve

    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    click.echo(f"conflictmap: serving the map at http://{shown}:{port}/ (Ctrl-C to stop)")
    serve(app, host=host, port=port, threads=threads, ident="conflictmap")


def _app(db: Path | None, token: str | None):
    from web import create_app

    return create_app({"DB": str(db or _default_db()), "API_TOKEN": token})


_host = click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
_port = click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="TCP port."
)
_threads = click.option(
    "--threads", type=click.IntRange(1, 256), default=8, show_default=True, help="Worker threads."
)
_token = click.option(
    "--token",
    envvar=ENV_TOKEN,
    default=None,
    help=f"Bearer token that POST /api/documents requires (or ${ENV_TOKEN}); none: no writes.",
)


@click.command("serve", cls=Command)
@_host
@_port
@db_option
@_threads
@_token
def serve_cmd(host: str, port: int, db: Path | None, threads: int, token: str | None) -> None:
    """Serve the map, the document pages and the API with waitress (never in debug mode)."""
    _serve(_app(db, token), host, port, threads)


def _parse_bbox(value: str | None):
    if not value:
        return None
    from web.api import parse_bbox

    return parse_bbox(value)


@click.command("snapshot", cls=Command)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Image file: .png or .svg.",
)
@click.option("--bbox", default=None, help="min_lon,min_lat,max_lon,max_lat (default: the data).")
@click.option(
    "--layers",
    default="events",
    show_default=True,
    help="Comma-separated: events, statements, places, choropleth.",
)
@click.option("--width", type=click.IntRange(100, 4000), default=1200, show_default=True)
@click.option("--height", type=click.IntRange(100, 4000), default=800, show_default=True)
@click.option("--title", default=None, help="Title drawn on the map.")
@click.option("--start", default=None, help="First day (YYYY-MM-DD).")
@click.option("--end", default=None, help="Last day (YYYY-MM-DD).")
@click.option("--type", "type_", default=None, help="Event type or subtype.")
@db_option
def snapshot_cmd(output, bbox, layers, width, height, title, start, end, type_, db) -> None:
    """Draw a static map (PNG or SVG) with a legend and the data credits; no browser needed."""
    from web.api import parse_date
    from web.snapshot import render_snapshot

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(f"the output must end in .png or .svg, not {output.name!r}")
    filters = {
        "start": parse_date("start", start) if start else None,
        "end": parse_date("end", end) if end else None,
        "type": type_,
    }
    store = _open_store(db)
    try:
        info = render_snapshot(
            store,
            output,
            fmt=fmt,
            bbox=_parse_bbox(bbox),
            layers=[x.strip() for x in layers.split(",") if x.strip()],
            width=width,
            height=height,
            title=title,
            **filters,
        )
    finally:
        store.close()
    click.echo(f"{output}: {width}x{height}, {info['events']} events")


def ingest_seeds(store, folder: Path, echo=click.echo) -> tuple[int, int, int]:
    """Extract and store every document of ``folder``; returns (stored, skipped, failed)."""
    try:
        from geo.ingest import ingest  # type: ignore[import-not-found]
    except ImportError:
        ingest = None
    if ingest is not None and "store" in inspect.signature(ingest).parameters:
        report = ingest([str(folder)], store=store)
        for doc_id, reason in getattr(report, "failed", []):
            echo(f"failed: {doc_id}: {reason}", err=True)
        return report.ingested, report.skipped, len(report.failed)
    from geo.documents import read_inputs
    from geo.errors import DocumentError
    from geo.pipeline import Extractor

    extractor = None
    stored = skipped = failed = 0
    for item in read_inputs([str(folder)]):
        if isinstance(item, DocumentError):
            echo(f"failed: {item.message}", err=True)
            failed += 1
            continue
        if store.has_text(item.text):
            skipped += 1
            continue
        extractor = extractor or Extractor()
        try:
            x = extractor.extract(item)
        except DocumentError as exc:
            echo(f"failed: {exc.message}", err=True)
            failed += 1
            continue
        if store.add(x) is None:
            skipped += 1
        else:
            stored += 1
    return stored, skipped, failed


@click.command("demo", cls=Command)
@_host
@_port
@db_option
@click.option(
    "--seeds",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="seeds",
    show_default=True,
    help="Folder ingested when the store is empty.",
)
def demo_cmd(host: str, port: int, db: Path | None, seeds: Path) -> None:
    """Build the gazetteer if needed, ingest the seeds into an empty store, serve the map."""
    from gazetteer.lookup import open_gazetteer

    open_gazetteer()
    path = db or _default_db()
    path.parent.mkdir(parents=True, exist_ok=True)
    store = _open_store(path)
    try:
        if store.stats().get("documents", 0) == 0:
            click.echo(f"conflictmap: ingesting {seeds} into {path}")
            stored, skipped, failed = ingest_seeds(store, seeds)
            click.echo(f"ingested {stored}, skipped {skipped}, failed {failed}")
        stats = store.stats()
    finally:
        store.close()
    click.echo(
        "store: "
        + ", ".join(
            f"{stats.get(k, 0)} {k}" for k in ("documents", "events", "statements", "places")
        )
    )
    _serve(_app(path, os.environ.get(ENV_TOKEN)), host, port, 8)

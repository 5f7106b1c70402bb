"""The store's commands: ``conflictmap ingest``, ``conflictmap export`` and ``conflictmap events``
(the sources of a merged event, undoing and redoing a merge), and the ``--db`` option every
command that uses the store shares."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from geo.cli_base import Command, Group, StoreURL, setting_help
from geo.cli_checks import existing_store, nothing_matched, output_folder
from geo.export import EXPORTS
from geo.store.base import BBOX_HELP

db_option = click.option(
    "--db",
    type=StoreURL(),
    default=None,
    help=setting_help("db"),
)


@click.command("ingest", cls=Command)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option(
    "--published",
    default=None,
    metavar="DATE",
    help="Publication date (YYYY-MM-DD) of documents that do not give their own.",
)
@click.option(
    "--source", default=None, metavar="NAME", help="Source of documents that do not give one."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction processes (default: one per available core).",
)
@click.option("--no-ner", is_flag=True, help="Faster: capitalisation and cues only, no spaCy.")
@click.option(
    "--dask",
    default=None,
    metavar="local|ADDRESS",
    help="Extract on a Dask cluster: 'local' (a worker per core, or --workers) or a "
    "scheduler's address (tcp://host:8786). A PostGIS store is written from the workers.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Re-extract documents already stored (after a model or lexicon change): their "
    "mentions, events and statements are replaced, one transaction each.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def ingest_cmd(paths, db, published, source, workers, no_ner, dask, force, quiet) -> None:
    """Extract and store news articles: .txt, .html/.htm, .jsonl files, or folders of them.

    A NAME.json beside NAME.txt or NAME.html (or a folder's metadata.json) gives "published",
    "source", "url", "title" and "lang". A text already stored is skipped. Each document is
    stored whole or not at all; failures are listed with their reasons. Exits non-zero only
    when nothing was ingested and something failed.
    """
    from geo.ingest import ingest
    from geo.store import open_store

    store = open_store(db)  # ingest creates the store
    try:
        report = ingest(
            [str(p) for p in paths],
            store,
            published=published,
            source=source,
            workers=workers,
            progress=not quiet,
            use_ner=not no_ner,
            dask=dask,
            force=force,
        )
    finally:
        store.close()
    click.echo(f"{report.summary()} ({report.seconds:.1f} s) into {store.location}")
    for doc_id, reason in report.failed:
        click.echo(f"  failed {doc_id}: {reason}", err=True)
    if report.ingested == 0 and report.failed:
        sys.exit(2)


# The events' filters, as export and snapshot take them (the API's names: start, end, type,
# actor, place, q; each command adds its own --bbox).
_FILTER_OPTIONS = (
    click.option("--start", default=None, metavar="DATE", help="First day (YYYY-MM-DD)."),
    click.option("--end", default=None, metavar="DATE", help="Last day (YYYY-MM-DD)."),
    click.option("--type", "type_", default=None, help="Event type or subtype."),
    click.option(
        "--actor",
        default=None,
        help="An actor in either language (Russia finds Russie), or part of a label as written.",
    ),
    click.option("--place", default=None, help="A place id (gn:170063) or name (Alep)."),
    click.option("--q", default=None, help="Full-text query on the event sentences."),
)


def event_filter_options(command):
    """Add the events' filters to a command (in this order in its --help)."""
    for option in reversed(_FILTER_OPTIONS):
        command = option(command)
    return command


def _format_help() -> str:
    names = "; ".join(f"{f.name}: {f.label}" for f in EXPORTS.values())
    return f"Output format (default: from the file's extension): {names}."


@click.command("export", cls=Command)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORTS), case_sensitive=False),
    default=None,
    help=_format_help(),
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="File to write.",
)  # fmt: skip
@db_option
@click.option(
    "--bbox", default=None, metavar="W,S,E,N", help=BBOX_HELP[0].upper() + BBOX_HELP[1:] + "."
)
@event_filter_options
def export_cmd(fmt, output, db, bbox, start, end, type_, actor, place, q) -> None:
    """Write the events matching the filters as GeoJSON (RFC 7946), GeoJSON Text Sequences
    (RFC 8142), FlatGeobuf, CSV (ACLED-like columns), GeoPackage or KML."""
    from geo.errors import InputError
    from geo.export import export_events, export_format
    from geo.store import open_store, parse_bbox

    if fmt is None:
        try:
            form = export_format(output.suffix)
        except InputError:
            raise InputError(f"give --format: cannot tell it from {output.name!r}") from None
    else:
        form = export_format(fmt)
    filters = {
        "bbox": parse_bbox(bbox),
        "start": start,
        "end": end,
        "type": type_,
        "actor": actor,
        "place": place,
        "q": q,
    }
    output_folder(output)
    store = open_store(existing_store(db))
    try:
        n = export_events(store, form.name, output, **filters)
    finally:
        store.close()
    click.echo(f"{output}: {n} event(s) as {form.name}" + (f" ({form.note})" if form.note else ""))
    if n == 0 and any(v is not None for v in filters.values()):
        nothing_matched(type_, actor)


@click.group("events", cls=Group)
def events_group() -> None:
    """One incident, one event: the reports an event was merged from, and undoing a merge."""


@events_group.command("sources", cls=Command)
@click.argument("event_id", type=int)
@db_option
def sources_cmd(event_id, db) -> None:
    """List the reports (documents) of event EVENT_ID and why each was merged into it."""
    from geo.store import open_store

    store = open_store(existing_store(db))
    try:
        rows = store.sources(event_id)
    finally:
        store.close()
    for r in rows:
        toll = "" if r["fatalities"] is None else f", {r['fatalities']} killed"
        click.echo(f"{r['event_id']}\t{r['doc_id']}\t{r['date'] or 'date unknown'}{toll}")
        if r["why_merged"]:
            click.echo(f"\t{r['why_merged']}")


@events_group.command("unmerge", cls=Command)
@click.argument("event_id", type=int)
@db_option
def unmerge_cmd(event_id, db) -> None:
    """Undo a merge: a merged event gives back its reports as events of their own, or the
    report EVENT_ID alone leaves the event it was merged into."""
    from geo.store import open_store

    store = open_store(existing_store(db))
    try:
        ids = store.unmerge(event_id)
    finally:
        store.close()
    click.echo(f"event {ids[0]}: reports {', '.join(map(str, ids[1:]))} are events of their own")


@events_group.command("merge", cls=Command)
@click.argument("event_id", type=int)
@click.option("--into", "into", type=int, required=True, help="The event it reports.")
@db_option
def merge_cmd(event_id, into, db) -> None:
    """Merge event EVENT_ID into event INTO by hand: one incident, reported twice."""
    from geo.store import open_store

    store = open_store(existing_store(db))
    try:
        store.merge(event_id, into)
    finally:
        store.close()
    click.echo(f"event {event_id} is now a report of event {into}")

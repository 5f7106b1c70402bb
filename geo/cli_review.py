"""``conflictmap corrections``: the reviewers' corrections of a store, listed, exported and
imported as JSON Lines, so two desks share their reviews (importing twice changes nothing)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from geo.cli_base import Group
from geo.cli_checks import existing_store, output_folder
from geo.cli_store import db_option
from geo.corrections import STATUSES


@click.group("corrections", cls=Group)
def corrections_group() -> None:
    """The reviewers' corrections: list, export and import them (JSON Lines)."""


@corrections_group.command("export")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="File to write (default: standard output).",
)  # fmt: skip
@db_option
def export_cmd(output: Path | None, db) -> None:
    """Write every correction of the store, oldest first, one JSON object a line."""
    from geo.corrections import write_jsonl
    from geo.store import open_store

    with open_store(existing_store(db)) as store:
        if output is None:
            n = write_jsonl(store.iter_corrections(), sys.stdout)
        else:
            output_folder(output)
            fd, tmp = tempfile.mkstemp(dir=output.expanduser().resolve().parent, suffix=".part")
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                    n = write_jsonl(store.iter_corrections(), fh)
                os.replace(tmp, output)  # whole or not at all
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    click.echo(f"exported {n} correction(s)" + (f" to {output}" if output else ""), err=True)


@corrections_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
def import_cmd(file: Path, db) -> None:
    """Add the corrections of FILE (JSON Lines, as `export` writes them) to the store, each
    applied at once to its document when it is stored (else when it is ingested). The whole
    file is checked first: a bad line is named and nothing is imported; a correction the store
    already has is left as it is."""
    from geo.corrections import read_jsonl
    from geo.store import open_store

    with open(file, "rb") as fh:
        records = list(read_jsonl(fh))
    with open_store(existing_store(db)) as store:
        counts = store.import_corrections(records)
    click.echo(
        f"imported {counts['added']} correction(s), {counts['present']} already there; "
        f"applied {counts['applied']}, stale {counts['stale']}, waiting for their document "
        f"{counts['pending']}"
    )
    if counts["stale"]:
        click.echo(
            "  the stale ones no longer match their document's text: "
            "conflictmap corrections list --status stale",
            err=True,
        )


@corrections_group.command("list")
@db_option
@click.option("--document", default=None, help="Only this document's.")
@click.option("--reviewer", default=None, help="Only this reviewer's.")
@click.option("--since", default=None, metavar="DATE", help="Made since (YYYY-MM-DD or ISO time).")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
def list_cmd(db, document, reviewer, since, status, limit, as_json) -> None:
    """The trail of corrections, oldest first: what, the target, before -> after, who, when."""
    from geo.store import open_store

    with open_store(existing_store(db)) as store:
        rows, total = store.corrections(
            document=document, reviewer=reviewer, since=since, status=status, limit=limit
        )
    for r in rows:
        if as_json:
            click.echo(json.dumps(r, ensure_ascii=False))
            continue
        t = r["target"]
        after = ", ".join(f"{k}={_shown(v)}" for k, v in r["after"].items())
        click.echo(
            f"{r['created_at'][:19]} {r['reviewer']!r} {r['kind']} {r['document']} "
            f"{t['start']}..{t['end']} {t['text'][:40]!r}: {after} [{r['status']}]"
        )
        if r["status_detail"]:
            click.echo(f"   {r['status_detail']}")
    click.echo(f"{len(rows)} of {total} correction(s)", err=True)


def _shown(value) -> str:
    if isinstance(value, dict) and "id" in value:
        return f"{value.get('name')} ({value['id']})"
    return json.dumps(value, ensure_ascii=False)

"""Checks the commands share before they run: a folder to write into, a store that exists for a
command that only reads one, and a hint when a filter matches nothing."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from geo import actors, event_types, settings
from geo.errors import InputError
from geo.lang import SUPPORTED


def output_folder(path: Path) -> Path:
    """``path`` when its folder exists; else one clear error (no traceback)."""
    folder = path.expanduser().resolve().parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: the folder {folder} does not exist")
    return path


def existing_store(db: str | Path | None) -> str | Path | None:
    """``db`` when it names a store that exists (a server URL is checked when opened); a file
    that does not exist is a typo more often than a wish for an empty store: only ``ingest``
    creates one."""
    from geo.store import is_server_url, store_location

    location = store_location(str(db) if db is not None else None)
    if is_server_url(location):
        return db
    if not Path(location).expanduser().is_file():
        raise InputError(
            f"no store at {location}: ingest documents into it first "
            f"(conflictmap ingest PATHS --db ...), or check --db / ${settings.SETTINGS['db'].env}"
        )
    return db


def _closest(value: str, names: list[str]) -> list[str]:
    by_key = {n.casefold(): n for n in names}
    return [by_key[k] for k in difflib.get_close_matches(value.casefold(), list(by_key), n=3)]


def nothing_matched(type_: str | None = None, actor: str | None = None) -> None:
    """Say on standard error that no event matched, and which filter value is unknown, with
    the closest known names (types and actors in either language)."""
    hints = []
    if type_ and event_types.resolve(type_) is None:
        names = [
            label
            for t in event_types.event_types()
            for label in {t.name, *(t.label(code) for code in SUPPORTED)}
        ]
        close = _closest(type_, names)
        hints.append(
            f"no event type is called {type_!r}"
            + (f" (closest: {', '.join(close)})" if close else "")
        )
    if actor and actors.find(actor) is None:
        names = [label for a in actors.actors() for _, label in a.labels]
        close = _closest(actor, names)
        if close:
            hints.append(f"the actor registry has no {actor!r} (closest: {', '.join(close)})")
    click.echo(
        "warning: no event matches these filters" + ("; " + "; ".join(hints) if hints else ""),
        err=True,
    )

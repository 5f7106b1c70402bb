"""Click classes shared by every command: a project error becomes one line and an exit code."""

from __future__ import annotations

import click

from geo.errors import ConflictmapError


class _ReportsErrors:
    """Turns :class:`ConflictmapError` into ``error: <message>`` on stderr and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except ConflictmapError as exc:
            click.echo(f"error: {exc.message}", err=True)
            ctx.exit(exc.exit_code)


class Command(_ReportsErrors, click.Command):
    """A command whose project errors are one clear line."""


class Group(_ReportsErrors, click.Group):
    """A group whose commands' project errors are one clear line."""


class StoreURL(click.ParamType):
    """``--db``: an SQLite file path (a :class:`~pathlib.Path`), ``sqlite:///path``, or a
    PostGIS URL ``postgresql://user@host:port/db`` (kept as text: a path would fold its ``//``)."""

    name = "PATH|URL"

    def convert(self, value, param, ctx):
        from pathlib import Path

        from geo.store import is_server_url, store_location

        if isinstance(value, Path) or value is None:
            return value
        try:
            location = store_location(str(value))
        except ConflictmapError as exc:
            self.fail(exc.message, param, ctx)
        if is_server_url(location):
            return location
        path = Path(location).expanduser()
        if path.is_dir():
            self.fail(f"{location} is a folder, not a database file", param, ctx)
        return path

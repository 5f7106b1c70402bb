"""Click classes shared by every command: a project error becomes one line and an exit code; the
help of the options a setting backs, written from the settings' table (:mod:`geo.settings`)."""

from __future__ import annotations

import click

from geo import settings
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


class MainGroup(Group):
    """The ``conflictmap`` group: its help ends with the settings read from the environment."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        with formatter.section("Settings (environment variables; conflictmap settings)"):
            rows = [(f"${s.env}", s.describe(variable=False)) for s in settings.SETTINGS.values()]
            formatter.write_dl(rows)


def setting_help(name: str, lead: str | None = None) -> str:
    """The help of an option that a setting backs: ``lead`` (else the setting's own help),
    then its variable and its default, from the settings' table."""
    return settings.SETTINGS[name].describe(lead)


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

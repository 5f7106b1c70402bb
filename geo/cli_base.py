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

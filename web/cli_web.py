"""Command-line entry points of the web layer: ``serve``, ``snapshot`` and ``demo``.

They are plain click commands; ``geo/cli.py`` adds them to the ``conflictmap`` group::

    from web.cli_web import demo_cmd, serve_cmd, snapshot_cmd
    main.add_command(serve_cmd)      # conflictmap serve
    main.add_command(snapshot_cmd)   # conflictmap snapshot
    main.add_command(demo_cmd)       # conflictmap demo
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from geo import settings
from geo.cli_base import Command, setting_help
from geo.cli_checks import existing_store, output_folder
from geo.cli_store import db_option, event_filter_options
from geo.errors import ConfigError, InputError
from geo.store import is_server_url, open_store, store_location
from web.limits import (
    SNAPSHOT_MAX_DPI,
    SNAPSHOT_MAX_SIZE,
    SNAPSHOT_MIN_DPI,
    SNAPSHOT_MIN_SIZE,
    SNAPSHOT_PAPERS,
)
from web.snapshot_style import STYLES
from web.snapshot_symbols import SIZE_BY

TOKEN_ENV = settings.SETTINGS["api_token"].env  # named in the token's warnings

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"  # the project's sample articles


def _open_store(db: Path | str | None):
    """The store a command that only reads one opens: it must exist (only ingest and demo
    create one)."""
    return open_store(existing_store(db))


def make_server(app, host: str, port: int, threads: int = 8):
    """The waitress server of ``app``, bound to ``host:port`` (``OSError`` when it cannot be).

    Bodies past the app's ``MAX_CONTENT_LENGTH`` are refused by waitress (413) as soon as
    their ``Content-Length`` is read, before any of it is received; a chunked body, once it
    passes the limit.
    """
    from waitress import create_server

    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="conflictmap",
        # waitress refuses a body of its limit or more; Flask one of more than its own
        max_request_body_size=int(app.config["MAX_CONTENT_LENGTH"]) + 1,
    )


def _serve(app, host: str, port: int, threads: int) -> None:
    import logging

    logging.basicConfig()  # waitress's warnings (as waitress.serve does)
    try:
        server = make_server(app, host, port, threads)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    shown = "127.0.0.1" if host in WILDCARDS else host
    shown = f"[{shown}]" if ":" in shown else shown
    click.echo(f"conflictmap: serving the map at http://{shown}:{port}/ (Ctrl-C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


WILDCARDS = ("0.0.0.0", "::", "")


def default_allowed_hosts(host: str) -> list[str]:
    """The ``Host`` names answered by default: the loopback names and the bound address; bound
    to every address, also this machine's name and its address on the network."""
    import socket

    from web import LOOPBACK_HOSTS

    names = list(LOOPBACK_HOSTS)
    if host not in WILDCARDS:
        return [*names, host]
    with contextlib.suppress(OSError):
        names += [socket.gethostname(), socket.getfqdn()]
        names += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)]
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # no packet is sent: the address of the default route
        names.append(s.getsockname()[0])
    return list(dict.fromkeys(n for n in names if n))


def read_token(token: str | None, token_file: Path | None) -> str | None:
    """The API token: ``--token-file``, else ``--token`` (with a warning: every user of the
    machine sees it in the process list), else the ``api_token`` setting
    (``$CONFLICTMAP_API_TOKEN``); None: no writes."""
    if token and token_file:
        raise InputError("give the token once: --token-file or --token, not both")
    if token_file:
        try:
            value = token_file.read_text(encoding="utf-8").strip()
            mode = token_file.stat().st_mode
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise InputError(f"cannot read the token file {token_file}: {reason}") from None
        if not value or "\n" in value:
            raise InputError(f"the token file {token_file} must hold the token on one line")
        if mode & 0o077:
            click.echo(
                f"warning: {token_file} can be read by other users (chmod 600 {token_file})",
                err=True,
            )
        return value
    if token:
        click.echo(
            f"warning: --token shows in the process list to every user of this machine; "
            f"use ${TOKEN_ENV} or --token-file",
            err=True,
        )
        return token
    return settings.value("api_token")


def _app(
    db: Path | None,
    token: str | None,
    public_url: str | None = None,
    hosts: list[str] | None = None,
):
    from web import create_app

    return create_app(
        {
            "DB": store_location(str(db) if db is not None else None),
            "API_TOKEN": token,
            "PUBLIC_URL": public_url or None,
            "ALLOWED_HOSTS": hosts,
        }
    )


_host = click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
_port = click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="TCP port."
)
_threads = click.option(
    "--threads", type=click.IntRange(1, 256), default=8, show_default=True, help="Worker threads."
)
_token = click.option(
    "--token",
    default=None,
    help=f"Bearer token that the write endpoints require. Visible to every local user in the "
    f"process list: prefer ${TOKEN_ENV} or --token-file. None of the three: no writes.",
)
_token_file = click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File holding the Bearer token on one line (chmod 600).",
)
_public_url = click.option(
    "--public-url",
    default=None,
    metavar="URL",
    help=setting_help("public_url"),
)
_allowed_hosts = click.option(
    "--allowed-hosts",
    default=None,
    metavar="NAMES",
    help=setting_help("allowed_hosts"),
)


@click.command("serve", cls=Command)
@_host
@_port
@db_option
@_threads
@_token
@_token_file
@_public_url
@_allowed_hosts
def serve_cmd(
    host: str,
    port: int,
    db: Path | None,
    threads: int,
    token: str | None,
    token_file: Path | None,
    public_url: str | None,
    allowed_hosts: str | None,
) -> None:
    """Serve the map, the document pages and the API with waitress (never in debug mode).

    The token comes from --token-file or the environment (--token works, with a warning: the
    process list shows it). Absolute links are built from --public-url, else from the
    request's Host, which must be one of --allowed-hosts.
    """
    public_url = public_url or settings.value("public_url")
    allowed_hosts = allowed_hosts or settings.value("allowed_hosts")
    hosts = [h.strip() for h in (allowed_hosts or "").split(",") if h.strip()]
    hosts = hosts or default_allowed_hosts(host)
    existing_store(db)
    _serve(_app(db, read_token(token, token_file), public_url, hosts), host, port, threads)


def _parse_bbox(value: str | None):
    """The snapshot's --bbox: the one rule of :func:`geo.store.base.parse_bbox`, without a box
    across the antimeridian, which a snapshot cannot draw (the same as /snapshot.png)."""
    from geo.store.base import parse_bbox

    return parse_bbox(value, antimeridian=False)


@click.command("snapshot", cls=Command)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Image file: .png, .svg (text kept as text) or .pdf.",
)
@click.option(
    "--bbox",
    default=None,
    metavar="W,S,E,N",
    help="min_lon,min_lat,max_lon,max_lat in degrees (default: the data's extent); not across "
    "the antimeridian.",
)
@click.option(
    "--layers",
    default="events",
    show_default=True,
    help="Comma-separated: events, statements, places, choropleth.",
)
@click.option(
    "--width",
    type=click.IntRange(SNAPSHOT_MIN_SIZE, SNAPSHOT_MAX_SIZE),
    default=1200,
    show_default=True,
    help="Pixels.",
)
@click.option(
    "--height",
    type=click.IntRange(SNAPSHOT_MIN_SIZE, SNAPSHOT_MAX_SIZE),
    default=800,
    show_default=True,
    help="Pixels.",
)
@click.option("--title", default=None, help="Title drawn on the map (one line).")
@event_filter_options
@click.option(
    "--size",
    type=click.Choice(list(SIZE_BY)),
    default="events",
    show_default=True,
    help="What a symbol's area counts at a place, by type.",
)
@click.option(
    "--lang",
    default=None,
    help="Language of the place names (fr, en; default: as the first report names each).",
)
@click.option(
    "--paper",
    type=click.Choice(list(SNAPSHOT_PAPERS)),
    default=None,
    help="A page size (landscape unless -portrait), in place of --width and --height.",
)
@click.option(
    "--dpi",
    type=click.IntRange(SNAPSHOT_MIN_DPI, SNAPSHOT_MAX_DPI),
    default=100,
    show_default=True,
    help="A PNG's resolution (the layout is at 100 dpi: 200 doubles the pixels).",
)
@click.option(
    "--style",
    type=click.Choice(list(STYLES)),
    default="color",
    show_default=True,
    help="print: greys and hatching that survive a black-and-white printer.",
)
@click.option("--inset", is_flag=True, help="A small world map locating the map.")
@db_option
def snapshot_cmd(
    output, bbox, layers, width, height, title, start, end, type_, actor, place, q, size, lang,
    paper, dpi, style, inset, db,
) -> None:  # fmt: skip
    """Draw a static map (PNG, SVG or PDF) with a legend and the data credits; no browser needed.

    The filters are those of ``export``; the title is only text (give the period with
    --start/--end: "Syria, 2016" draws what the filters select, whatever its title says)."""
    from web.api import parse_date
    from web.snapshot import FORMATS, check_snapshot_args, render_snapshot

    output_folder(output)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(
            f"the output must end in {', '.join('.' + f for f in FORMATS)}, not {output.name!r}"
        )
    lang = lang.strip().lower() if lang else None
    if paper:
        width, height = SNAPSHOT_PAPERS[paper]
    check_snapshot_args(fmt, width, height, None, title, size, lang, dpi)
    filters = {
        "start": parse_date("start", start) if start else None,
        "end": parse_date("end", end) if end else None,
        "type": type_,
        "actor": actor,
        "place": place,
        "q": q,
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
            size=size,
            lang=lang,
            dpi=dpi,
            style=style,
            inset=inset,
            **filters,
        )
    finally:
        store.close()
    w, h = info["pixels"]
    click.echo(f"{output}: {w}x{h}, {info['events']} events")


@click.command("demo", cls=Command)
@_host
@_port
@db_option
@click.option(
    "--seeds",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=SEEDS_DIR,
    help="Folder ingested when the store is empty (default: the project's seeds).",
)
def demo_cmd(host: str, port: int, db: Path | None, seeds: Path) -> None:
    """Build the gazetteer if needed, ingest the seeds into an empty store, serve the map."""
    from gazetteer.lookup import open_gazetteer
    from geo.ingest import ingest

    open_gazetteer()
    path = store_location(str(db) if db is not None else None)
    if not is_server_url(path):
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    store = open_store(path)  # the demo creates its store
    try:
        if store.stats().get("documents", 0) == 0:
            click.echo(f"conflictmap: ingesting {seeds} into {path}")
            report = ingest([str(seeds)], store)
            for doc_id, reason in report.failed:
                click.echo(f"failed: {doc_id}: {reason}", err=True)
            click.echo(report.summary())
        stats = store.stats()
    finally:
        store.close()
    click.echo(
        "store: "
        + ", ".join(
            f"{stats.get(k, 0)} {k}" for k in ("documents", "events", "statements", "places")
        )
    )
    token = settings.value("api_token")
    _serve(_app(path, token, hosts=default_allowed_hosts(host)), host, port, 8)

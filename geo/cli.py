"""The ``conflictmap`` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from geo import __version__
from geo.cli_base import Group, MainGroup, StoreURL, setting_help
from geo.lang import SUPPORTED
from geo.model import FEATURES


@click.group(cls=MainGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="conflictmap")
def main() -> None:
    """Map the places, events and statements of French and English conflict news, offline."""


# -- gazetteer ---------------------------------------------------------------------------------
@main.group(cls=Group)
def gazetteer() -> None:
    """Build and query the local place index (GeoNames, CLDR and Natural Earth data)."""


_path_option = click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=setting_help("gazetteer"),
)


@gazetteer.command("build")
@_path_option
@click.option(
    "--min-population",
    type=click.IntRange(min=0),
    default=500,
    show_default=True,
    help="Smallest city population kept.",
)
@click.option("--force", is_flag=True, help="Rebuild even when the file is current.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def gazetteer_build(path: Path | None, min_population: int, force: bool, quiet: bool) -> None:
    """Build the gazetteer (about a minute) into its file; skipped when already current."""
    from gazetteer.build import build
    from gazetteer.lookup import default_path, is_current

    target = path or default_path()
    if not force and min_population == 500 and is_current(target):
        click.echo(f"gazetteer is current: {target} (use --force to rebuild)")
        return
    stats = build(target, min_population=min_population, progress=not quiet)
    click.echo(
        f"built {target}: {stats.places:,} places, {stats.names:,} names, "
        f"{stats.size_bytes / 1e6:.1f} MB in {stats.seconds:.1f} s"
    )


@gazetteer.command("lookup")
@click.argument("name")
@click.option("--lang", type=click.Choice(SUPPORTED), default=None, help="Document language.")
@click.option("--country", default=None, metavar="CC", help="ISO country code to keep (SY, TR…).")
@click.option(
    "--feature",
    type=click.Choice(FEATURES),
    default=None,
    help="Feature level to keep.",
)
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("--all-words", is_flag=True, help="Also look up common words (Les, Sur, Est…).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per candidate.")
@_path_option
def gazetteer_lookup(
    name: str,
    lang: str | None,
    country: str | None,
    feature: str | None,
    limit: int,
    all_words: bool,
    as_json: bool,
    path: Path | None,
) -> None:
    """Print the ranked candidates for NAME with their ids, levels, countries and points."""
    from gazetteer.lookup import open_gazetteer
    from geo.errors import InputError

    if not name.strip():
        raise InputError("give a place name to look up (NAME is empty)")
    gaz = open_gazetteer(path)
    cands = gaz.candidates(
        name, lang=lang, country=country, feature=feature, limit=limit, allow_common=all_words
    )
    common = (
        not cands
        and not all_words
        and bool(
            gaz.candidates(
                name, lang=lang, country=country, feature=feature, limit=1, allow_common=True
            )
        )
    )
    if as_json:
        for c in cands:
            out = c.place.to_dict() | {
                "population": c.place.population,
                "score": round(c.score, 4),
                "matched": c.matched,
                "match": c.match_kind,
                "reason": c.reason,
            }
            click.echo(json.dumps(out, ensure_ascii=False))
    elif common:
        click.echo(
            f"{name!r} is a common word, left out unless asked for: add --all-words to see the "
            "places of that name",
            err=True,
        )
    elif not cands:
        click.echo(f"no place named {name!r}", err=True)
    else:
        for i, c in enumerate(cands, 1):
            p = c.place
            where = ", ".join(x for x in (p.admin1_name, p.country_code) if x)
            click.echo(
                f"{i}. {p.name} [{p.feature}] {where} (lat {p.lat:.4f}, lon {p.lon:.4f}) "
                f"id={p.id} score={c.score:.2f}"
            )
            click.echo(f"   {c.reason}")
    if not cands:
        sys.exit(1)


# -- geoparse ----------------------------------------------------------------------------------
def _process_documents(inputs, output, lang, worker, describe):
    """Run ``worker`` over every input document, one JSON line out each; errors on stderr.

    Exits non-zero only when no document could be processed.
    """
    from tqdm import tqdm

    from geo.documents import read_inputs
    from geo.errors import DocumentError

    ok = failed = 0
    out = output or sys.stdout
    stream = read_inputs(list(inputs))
    if lang != "auto":
        stream = (d if isinstance(d, DocumentError) else _with_lang(d, lang) for d in stream)
    bar = tqdm(desc=describe, unit="doc", file=sys.stderr, disable=None, leave=False)
    for result in worker(stream):
        bar.update(1)
        if isinstance(result, DocumentError):
            failed += 1
            tqdm.write(f"error: {result.message}", file=sys.stderr)
            continue
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        ok += 1
    bar.close()
    out.flush()
    click.echo(f"{ok} document(s) processed, {failed} failed", err=True)
    if ok == 0:
        sys.exit(2 if failed else 1)


def _with_lang(doc, lang):
    from dataclasses import replace

    return replace(doc, lang=lang)


_inputs_argument = click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True))
_output_option = click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default=None,
    help="Write JSON Lines here (default: standard output).",
)
_lang_option = click.option(
    "--lang",
    type=click.Choice(["auto", *SUPPORTED]),
    default="auto",
    show_default=True,
    help="Language of the documents; 'auto' uses each line's 'lang' or detects it.",
)


@main.command("geoparse")
@_inputs_argument
@_output_option
@_lang_option
@click.option("--explain", is_flag=True, help="Add each mention's reason and runners-up.")
@click.option("--no-ner", is_flag=True, help="Faster: capitalisation and cues only, no spaCy.")
@click.option(
    "--db",
    "reviewed_db",
    type=StoreURL(),
    default=None,
    help="Also read what the reviewers of this store taught: the places they added and the "
    "names they re-pointed ('reviewed' in --explain).",
)
def geoparse_cmd(inputs, output, lang, explain, no_ner, reviewed_db):
    """Find and resolve the place names of news articles.

    INPUTS are JSON Lines files ({"id", "text", "lang"?, "published"?, "spans"?} per line),
    .txt files, or folders of them; none or '-' reads JSON Lines from standard input. Writes
    one JSON line per document: {"id", "lang", "mentions": [{start, end, text, role, score,
    place}]}. With "spans" in a line, exactly those spans are resolved.
    """
    from gazetteer.lookup import taught
    from geo.geoparse import Geoparser

    layer = None
    if reviewed_db:
        from geo.cli_checks import existing_store
        from geo.store import open_store

        with open_store(existing_store(reviewed_db)) as store:
            layer = store.reviewed_layer()
    parser = Geoparser(taught(layer), use_ner=not no_ner)

    def worker(stream):
        from geo.errors import DocumentError

        for r in parser.parse_many(stream):
            yield r if isinstance(r, DocumentError) else r.to_dict(explain=explain)

    _process_documents(inputs, output, lang, worker, "geoparse")


@main.command("extract")
@_inputs_argument
@_output_option
@_lang_option
@click.option("--explain", is_flag=True, help="Add each mention's reason and runners-up.")
@click.option("--no-ner", is_flag=True, help="Faster: capitalisation and cues only, no spaCy.")
def extract_cmd(inputs, output, lang, explain, no_ner):
    """Extract places, events and statements from news articles.

    Takes the same inputs as `geoparse` (each JSON line may also give "published", "source",
    "url", "title"). Writes one JSON line per document with its "mentions", "events" and
    "statements" (fields described in the README).
    """
    from geo.geoparse import Geoparser
    from geo.pipeline import Extractor

    extractor = Extractor(Geoparser(use_ner=not no_ner))

    def worker(stream):
        from geo.errors import DocumentError

        for r in extractor.extract_many(stream):
            yield r if isinstance(r, DocumentError) else r.to_dict(explain=explain)

    _process_documents(inputs, output, lang, worker, "extract")


# -- settings ----------------------------------------------------------------------------------
@main.command("settings")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per setting.")
def settings_cmd(as_json: bool) -> None:
    """List the settings read from the environment: each one's variable, its value here and
    now, where that comes from (the variable or the default), and its help. A secret (the API
    token) is never printed, only whether it is set, nor the password of a database URL."""
    from geo import settings

    for s in settings.SETTINGS.values():
        value = settings.shown(s.name)
        if as_json:
            row = {"name": s.name, "variable": s.env, "value": value}
            row |= {"source": settings.source(s.name), "default": s.shown_default, "help": s.help}
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        click.echo(f"{s.env}={value if value is not None else ''}  ({settings.source(s.name)})")
        click.echo(f"    {s.describe(variable=False)}")


def _register_service_commands() -> None:
    from geo.cli_review import corrections_group
    from geo.cli_store import events_group, export_cmd, ingest_cmd
    from web.cli_web import demo_cmd, serve_cmd, snapshot_cmd

    for cmd in (ingest_cmd, export_cmd, events_group, serve_cmd, snapshot_cmd, demo_cmd):
        main.add_command(cmd)
    main.add_command(corrections_group)  # the reviewers' corrections (geo.cli_review)


_register_service_commands()

if __name__ == "__main__":  # pragma: no cover
    main()

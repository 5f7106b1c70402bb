"""Languages are declared once: a folder per language under geo/lang, read through its registry.

These tests read the code and the data files: every registered language has the lexicons the
stages need and every stage compiles them; no module outside geo/lang decides anything on a
"fr" or "en" literal; a document in a language without lexicons is reported as such.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from geo import dates, events, statements, text
from geo.errors import ConfigError
from geo.events.lexicon import ASKED
from geo.geoparse import Geoparser
from geo.lang import (
    DEFAULT,
    LANG_DIR,
    LANGUAGES,
    LEXICONS,
    SUPPORTED,
    fill,
    get_language,
    read_lexicon,
    read_tsv,
)
from geo.model import Document
from geo.pipeline import Extractor

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "geo" / "data"

# Lexicons a language cannot go without: dates, statements and events read nothing else.
NEEDED = (
    "dates_calendar",
    "dates_relative",
    "dates_tense",
    "statements_verbs",
    "statements_cues",
    "statements_roles",
    "events_triggers",
    "events_roles",
    "events_place",
    "events_toll",
    "events_numbers",
    "events_sentence",
    "events_merge",
)

# "fr" / "en" literals that stay outside geo/lang, each with the reason: (file, line) -> why.
ALLOWED = {
    ("geo/statements.py", '"en",'): "the French preposition 'en' in a list of function words",
    ("geo/export.py", 'return Locale("en").territories.get(code.upper(), code)'): (
        "the export names countries in English whatever the document's language"
    ),
}
# Files that still hold literals; at most this many each, lower these as they go.
# geo/recognize/tokens.py: "en", the French particle of names ("Saint-Denis-en-Val"), not a
# language; geo/geoparse.py: a docstring; geo/model.py: the gazetteer name fields a reader of
# each language sees (to be declared on Language).
PENDING = {"geo/recognize/tokens.py": 1, "geo/geoparse.py": 1, "geo/model.py": 3}


# --------------------------------------------------------------------------- the registry


def test_every_folder_is_a_registered_language():
    folders = sorted(p.parent.name for p in LANG_DIR.glob("*/__init__.py"))
    assert sorted(LANGUAGES) == folders
    assert tuple(LANGUAGES) == SUPPORTED and SUPPORTED[0] == DEFAULT
    for code, lang in LANGUAGES.items():
        assert lang.code == code and get_language(code) is lang and lang.folder.name == code
    assert get_language("es") is None and get_language(None) is None


@pytest.mark.parametrize("code", SUPPORTED)
def test_language_folder_has_the_lexicons_the_stages_need(code):
    lang = LANGUAGES[code]
    names = {p.stem for p in lang.folder.glob("*.tsv")}
    assert names == set(LEXICONS), "every lexicon, and no file the stages would not read"
    for name, columns in LEXICONS.items():
        table = lang.lexicon(name)
        assert table.columns[: len(columns)] == columns
        assert read_lexicon(code, name) is table
        if name in NEEDED:
            assert len(table) > 0, f"{table.path} is empty"


@pytest.mark.parametrize("code", SUPPORTED)
def test_every_stage_compiles_the_language(code):
    lang = LANGUAGES[code]
    lx = dates.date_lexicon(code)
    assert len(lx.weekdays) >= 7 and len(lx.months) >= 12
    assert any(kind == "night" for kind, _ in lx.patterns)
    sx = statements.load_lexicon(code)
    assert sx.lang == code and sx.events and sx.and_word == lang.and_word
    assert events.load_triggers(code)
    assert dates.find_dates("", None, code) == []
    assert events.extract_events("", [], lang=code) == []
    assert statements.extract_statements("", [], lang=code, nlp=False) == []


def test_every_word_list_of_the_event_stages_is_read():
    """Each list of an events_<stage> file is asked for by its stage (a misspelt list name in a
    file would be read by nothing), and each list a stage asks for is in some language's file
    (else importing the stage fails)."""
    word_lexicons = [name for name, columns in LEXICONS.items() if columns == ("list", "pattern")]
    assert word_lexicons
    in_files = {
        (name, row[0])
        for code in SUPPORTED
        for name in word_lexicons
        for row in read_lexicon(code, name)
    }
    assert in_files == ASKED


def test_text_lexicons_of_every_language_apply_to_every_text():
    abbrs = text.abbreviations()
    rules = text.load_boilerplate()
    for lang in LANGUAGES.values():
        assert {row[0] for row in lang.lexicon("text_abbreviations")} <= abbrs
        own = [r for r in rules if r.lang == lang.code]
        assert [r.pattern for r in own] == [row[1] for row in lang.lexicon("text_boilerplate")]


@pytest.mark.parametrize(
    ("stage", "call"),
    [
        ("date resolution", lambda: dates.find_dates("hoy", None, "es")),
        ("statement extraction", lambda: statements.load_lexicon("es")),
        ("event extraction", lambda: events.load_triggers("es")),
        ("event extraction", lambda: events.extract_events("", [], lang="es")),
        ("lexicon dates_calendar", lambda: read_lexicon("es", "dates_calendar")),
    ],
)
def test_a_language_without_lexicons_is_refused_by_name(stage, call):
    with pytest.raises(ConfigError, match=f"{stage} reads {', '.join(SUPPORTED)}, not 'es'"):
        call()


# --------------------------------------------------------------------------- file rules


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("# only comments\n", "no header line"),
        ("# a comment\nlang\tkind\tname\n", "the header must start with kind<TAB>name"),
    ],
)
def test_a_lexicon_without_its_header_is_refused(tmp_path, content, message):
    path = tmp_path / "lexicon.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        read_tsv(path, ("kind", "name"))


def test_cells_are_kept_as_written(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text("# comment\npattern\tcomment\n\nque \t# after a space\r\n#x\n", "utf-8")
    table = read_tsv(path, ("pattern",))
    assert table.rows == ((4, ("que ", "# after a space")),)
    assert table.where(4) == f"{path}:4"


def test_fill_replaces_named_pieces_only():
    assert fill(r"(?:{aux})\s+\w{0,2}", {"aux": "a|ont"}) == r"(?:a|ont)\s+\w{0,2}"
    with pytest.raises(ConfigError, match="unknown piece"):
        fill("{nope}", {})


def test_shared_data_holds_no_language_of_its_own():
    """Per-language lexicons live in their folders; geo/data keeps what every language shares."""
    names = {p.stem for p in DATA_DIR.glob("*.tsv")}
    assert not {n for n in names if n.startswith("events_triggers")}
    assert not names & {"dates_relative", "dates_tense", *(n for n in NEEDED if "statements" in n)}
    for name in ("text_abbreviations", "text_boilerplate"):
        assert "lang" not in read_tsv(DATA_DIR / f"{name}.tsv", LEXICONS[name]).columns


def _literals(path: Path) -> list[tuple[int, str]]:
    """Lines holding a "fr" or "en" string constant, docstrings left out."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    lines = source.splitlines()
    return [
        (node.lineno, lines[node.lineno - 1].strip())
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and node.value in ("fr", "en")
        and id(node) not in docstrings
    ]


def test_no_module_decides_on_a_language_literal():
    """Outside geo/lang, a language is a code read from the registry, never "fr" or "en"."""
    files = [*ROOT.glob("geo/**/*.py"), *ROOT.glob("web/*.py")]
    found: dict[str, list[tuple[int, str]]] = {}
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith("geo/lang/"):
            found[rel] = _literals(path)
    stray = [
        f"{rel}:{n}: {line}"
        for rel, hits in found.items()
        if rel not in PENDING
        for n, line in hits
        if (rel, line) not in ALLOWED
    ]
    assert not stray, "read the language from geo.lang instead:\n" + "\n".join(stray)
    for rel, most in PENDING.items():
        assert len(found.get(rel, [])) <= most, f"{rel}: new language literals"


# --------------------------------------------------------------------------- the pipeline

SPANISH = (
    "Ataques aéreos rusos mataron el jueves a treinta civiles en la ciudad siria de Alepo, "
    "según el Observatorio Sirio de Derechos Humanos. El ministro de Defensa dijo que la "
    "ofensiva continuará durante las próximas semanas y que no habrá tregua."
)


def test_a_document_in_another_language_is_reported_as_such(gaz, caplog):
    extractor = Extractor(Geoparser(gaz, use_ner=False))
    with caplog.at_level(logging.WARNING, logger="geo.pipeline"):
        x = extractor.extract(Document("es-1", SPANISH, None, "2016-11-30"))
    assert x.lang == "es" and x.to_dict()["lang"] == "es"
    assert x.events == () and x.statements == ()
    assert x.published.value == "2016-11-30"
    (record,) = [r for r in caplog.records if r.name == "geo.pipeline"]
    assert "es-1" in record.getMessage() and "'es'" in record.getMessage()


def test_a_document_given_a_language_is_read_in_it(gaz, caplog):
    extractor = Extractor(Geoparser(gaz, use_ner=False))
    french = "Des frappes russes ont tué jeudi 30 civils à Alep, selon l'OSDH."
    with caplog.at_level(logging.WARNING, logger="geo.pipeline"):
        x = extractor.extract(Document("fr-1", french, DEFAULT, "2016-11-30"))
    assert x.events and not [r for r in caplog.records if r.name == "geo.pipeline"]

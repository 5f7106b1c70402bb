"""The command line: help everywhere, version, lookup output, one-line errors."""

import json

import pytest
from click.testing import CliRunner

from geo.cli import main


@pytest.fixture()
def run(gazetteer_path):
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(main, list(args), env={"CONFLICTMAP_GAZETTEER": gazetteer_path})

    return _run


@pytest.mark.parametrize(
    "args", [[], ["gazetteer"], ["gazetteer", "build"], ["gazetteer", "lookup"]]
)
def test_help_everywhere(args):
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "conflictmap, version" in result.output


def test_lookup_text(run):
    result = run("gazetteer", "lookup", "Alep", "--lang", "fr")
    assert result.exit_code == 0
    first = result.output.splitlines()[0]
    assert "Aleppo [city]" in first and "id=gn:170063" in first and "lat 36.2012" in first


def test_lookup_json(run):
    result = run("gazetteer", "lookup", "Idleb", "--country", "SY", "--json")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[0]["geonameid"] == 169389 and all(r["country_code"] == "SY" for r in rows)
    assert {"id", "name", "lat", "lon", "feature", "admin1", "score", "reason"} <= rows[0].keys()


def test_lookup_nothing_found_exits_non_zero(run):
    result = run("gazetteer", "lookup", "Zzyzzxq")
    assert result.exit_code == 1
    assert "no place named 'Zzyzzxq'" in result.output


def test_lookup_of_a_common_word_says_how_to_ask_for_it(run):
    result = run("gazetteer", "lookup", "Les")
    assert result.exit_code == 1
    assert "common word" in result.output and "--all-words" in result.output
    assert run("gazetteer", "lookup", "Les", "--all-words").exit_code == 0


def test_lookup_of_an_empty_name_is_bad_input(run):
    result = run("gazetteer", "lookup", "  ")
    assert result.exit_code == 2 and "empty" in result.output


def test_build_reports_current_file(run):
    result = run("gazetteer", "build")
    assert result.exit_code == 0 and "current" in result.output


def test_unusable_path_is_one_clear_line(tmp_path):
    bad = tmp_path / "dir.sqlite"
    bad.mkdir()
    result = CliRunner().invoke(main, ["gazetteer", "build", "--path", str(bad), "-q"])
    assert result.exit_code != 0


@pytest.fixture()
def empty_store(tmp_path):
    from geo.store import open_store

    path = tmp_path / "store.sqlite"
    open_store(path).close()
    return str(path)


def test_export_into_a_missing_folder_is_one_clear_line(run, empty_store, tmp_path):
    out = tmp_path / "no-such-folder" / "events.geojson"
    result = run("export", "--db", empty_store, "-o", str(out))
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_a_command_that_reads_a_store_refuses_one_that_does_not_exist(run, tmp_path):
    typo = tmp_path / "stor.sqlite"
    result = run("export", "--db", str(typo), "-o", str(tmp_path / "e.geojson"))
    assert result.exit_code == 2 and "no store at" in result.output
    assert not typo.exists()  # nothing was created by mistake
    assert run("events", "sources", "1", "--db", str(typo)).exit_code == 2


def test_a_filter_that_matches_nothing_says_which_names_are_close(run, empty_store, tmp_path):
    out = tmp_path / "e.geojson"
    result = run("export", "--db", empty_store, "-o", str(out), "--type", "Batles")
    assert result.exit_code == 0 and out.exists()
    assert "no event matches" in result.output and "Battles" in result.output


def test_snapshot_into_a_missing_folder_is_one_clear_line(run, empty_store, tmp_path):
    out = tmp_path / "no-such-folder" / "map.png"
    result = run("snapshot", "--db", empty_store, "-o", str(out))
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output

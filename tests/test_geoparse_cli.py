"""`conflictmap geoparse` end to end: the contract, bad input line by line, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from geo.cli import main

GOOD = {"id": "a", "text": "Des frappes ont touché Alep et la province d'Idleb.", "lang": "fr"}


@pytest.fixture()
def run(gazetteer_path):
    def _run(args, stdin=None):
        runner = CliRunner()
        return runner.invoke(main, args, input=stdin, env={"CONFLICTMAP_GAZETTEER": gazetteer_path})

    return _run


def lines(output):
    return [json.loads(x) for x in output.splitlines() if x.startswith("{")]


def test_contract_fields(run, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    result = run(["geoparse", str(src)])
    assert result.exit_code == 0, result.output
    (doc,) = lines(result.stdout)
    assert doc["id"] == "a"
    first = doc["mentions"][0]
    assert {"start", "end", "text", "role", "score", "place"} <= first.keys()
    assert GOOD["text"][first["start"] : first["end"]] == first["text"] == "Alep"
    assert {
        "id",
        "name",
        "lat",
        "lon",
        "feature",
        "country_code",
        "admin1",
        "admin1_name",
        "geonameid",
    } <= first["place"].keys()
    assert doc["mentions"][1]["place"]["feature"] == "admin1"


def test_stdin_and_explain(run):
    result = run(["geoparse", "--explain"], stdin=json.dumps(GOOD) + "\n")
    (doc,) = lines(result.stdout)
    assert "reason" in doc["mentions"][0] and "runners_up" in doc["mentions"][0]


def test_text_files_and_folders(run, tmp_path):
    (tmp_path / "one.txt").write_text("Les combats se poursuivent à Homs.", encoding="utf-8")
    (tmp_path / "two.txt").write_text(
        "Fighting continued in Homs on Monday, residents said.", encoding="utf-8"
    )
    result = run(["geoparse", str(tmp_path)])
    docs = lines(result.stdout)
    assert [d["id"] for d in docs] == ["one", "two"]
    assert [d["lang"] for d in docs] == ["fr", "en"]
    assert all(d["mentions"][0]["place"]["geonameid"] == 169577 for d in docs)


def test_bad_lines_are_reported_and_the_rest_goes_on(run, tmp_path):
    src = tmp_path / "mixed.jsonl"
    with src.open("wb") as fh:
        fh.write((json.dumps(GOOD) + "\n").encode())
        fh.write(b'{"id": "empty", "text": ""}\n')
        fh.write((json.dumps({"id": "huge", "text": "Alep " * 1_100_000}) + "\n").encode())
        fh.write((json.dumps({"id": "binary", "text": "\x00\x01\x02\x03" * 200}) + "\n").encode())
        fh.write(b'{"id": "latin1", "text": "Alep \xe9t\xe9"}\n')
        fh.write(b"this is not json\n")
        fh.write(b'{"text": "no id here"}\n')
        fh.write((json.dumps(GOOD | {"id": "b"}) + "\n").encode())
    result = run(["geoparse", str(src)])
    assert result.exit_code == 0
    assert [d["id"] for d in lines(result.stdout)] == ["a", "b"]
    err = result.stderr
    assert "document empty: empty" in err
    assert "document huge:" in err and "too long" in err
    assert "document binary:" in err
    assert "mixed.jsonl:5: not valid UTF-8" in err
    assert "mixed.jsonl:6: not JSON" in err
    assert "mixed.jsonl:7: missing 'id'" in err
    assert "2 document(s) processed, 6 failed" in err


def test_nothing_processed_exits_non_zero(run, tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text("not json\n", encoding="utf-8")
    result = run(["geoparse", str(src)])
    assert result.exit_code != 0
    assert "not JSON" in result.stderr


def test_missing_input_is_one_clear_line(run, tmp_path):
    result = run(["geoparse", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr

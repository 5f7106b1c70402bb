"""Ingest through the real pipeline into a real store: seeds, bad input, HTML, concurrency, kills."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli_store import ingest_cmd
from geo.documents import iter_documents
from geo.ingest import ingest
from geo.model import Document
from geo.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

ARTICLES = [
    "Des frappes russes ont tué jeudi 30 civils à Alep, selon l'Observatoire syrien.",
    "Des combats ont opposé mardi l'armée syrienne aux rebelles à Idleb.",
    "Un attentat a fait cinq morts dimanche à Ankara, selon la police turque.",
    "Les forces turques ont bombardé lundi des positions kurdes près de Raqa.",
    "Le ministre a déclaré à Hambourg que les discussions sur Alep continuaient.",
    "Des obus sont tombés vendredi sur Saraqeb, faisant trois blessés.",
]


@pytest.fixture(autouse=True)
def _gazetteer(gazetteer_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", gazetteer_path)


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc{i:03d}.txt").write_text(
            f"{ARTICLES[i % len(ARTICLES)]} Dépêche numéro {i}.", encoding="utf-8"
        )
    return folder


def consistent(path: Path) -> None:
    """Every stored document has all its rows (the counts written with it match)."""
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT d.id, d.n_mentions, (SELECT count(*) FROM mentions m WHERE m.doc_pk = d.pk), "
        "d.n_events, (SELECT count(*) FROM events e WHERE e.doc_pk = d.pk), d.n_statements, "
        "(SELECT count(*) FROM statements s WHERE s.doc_pk = d.pk) FROM documents d"
    ).fetchall()
    for doc_id, nm, cm, ne, ce, ns, cs in rows:
        assert (nm, ne, ns) == (cm, ce, cs), doc_id
    fts = con.execute("SELECT count(*) FROM documents_fts").fetchone()[0]
    assert fts == len(rows)
    con.close()


def test_ingest_seeds_then_again(tmp_path):
    store = open_store(tmp_path / "s.sqlite")
    report = ingest([SEEDS], store, workers=1, progress=False)
    assert (report.ingested, report.skipped, report.failed) == (5, 0, [])
    assert report.summary() == "ingested 5, skipped 0, failed 0"
    stats = store.stats()
    assert stats["documents"] == 5 and stats["events"] > 10 and stats["statements"] > 10
    assert store.document("001_6cc3a6163a066d98")["source"] == "AFP"  # from metadata.json
    names = {p["name"] for p in store.places(limit=200)[0]}
    assert {"Aleppo", "Ankara", "Hamburg"} <= names
    aleppo = store.events(place="Alep")[0]
    assert aleppo and all(round(e["lon"], 2) == 37.16 for e in aleppo)
    again = ingest([SEEDS], store, workers=1, progress=False)
    assert (again.ingested, again.skipped, again.failed) == (0, 5, [])
    assert store.stats() == stats
    consistent(store.path)


def test_bad_inputs_are_reported_and_the_rest_goes_on(tmp_path):
    folder = tmp_path / "in"
    sub = folder / "sub"
    sub.mkdir(parents=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("   \n\t ", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "latin1.txt").write_bytes("Des frappes à Alep, été 2016.".encode("latin-1"))
    (folder / "huge.txt").write_bytes(b"a " * 5_000_000)
    (folder / "bad.jsonl").write_text(
        '{"id": "j1", "text": "Des combats ont eu lieu mardi à Idleb."}\n'
        "not json\n"
        '{"id": "j2"}\n'
        '["a list"]\n',
        encoding="utf-8",
    )
    (sub / "ok.txt").write_text(ARTICLES[2], encoding="utf-8")  # folders are searched deeply
    (folder / "ignored.csv").write_text("a,b\n", encoding="utf-8")
    store = open_store(tmp_path / "s.sqlite")
    report = ingest([folder, tmp_path / "missing"], store, workers=1, progress=False)
    failed = dict(report.failed)
    assert report.ingested == 2 and sorted(report.ids) == ["j1", "ok"]
    assert "empty" in failed["empty"] and "empty" in failed["blank"]
    assert "UTF-8" in failed["binary"] and "UTF-8" in failed["latin1"]
    assert "too large" in failed["huge"]
    assert "not JSON" in failed["bad.jsonl:2"] and "text" in failed["j2"]
    assert "JSON object" in failed["bad.jsonl:4"]
    assert "no such file" in failed[str(tmp_path / "missing")]
    assert len(report.failed) == 9
    assert store.stats()["documents"] == 2
    consistent(store.path)


HTML = """<!doctype html><html><head><title>Site | Frappes sur Alep</title>
<meta property="og:title" content="Frappes sur Alep">
<meta property="article:published_time" content="2016-12-08T10:00:00+01:00">
<script>document.write("<p>INJECTED</p>"); var x = "Raqa";</script></head>
<body><nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav>
<article><h1>Frappes sur Alep</h1>
<p>Des frappes russes ont tué jeudi 30 civils à Alep, selon l'Observatoire syrien des droits
de l'homme, qui dispose d'un large réseau de sources dans le pays.</p>
<script>alert("never stored")</script>
<p>Le régime syrien a repris plusieurs quartiers de l'est de la ville au cours des derniers
jours, selon la même source.</p><img src=x onerror="alert(1)"></article>
<footer>© Site 2016 — tous droits réservés</footer></body></html>"""


def test_html_is_reduced_to_the_article(tmp_path):
    folder = tmp_path / "web"
    folder.mkdir()
    (folder / "page.html").write_text(HTML, encoding="utf-8")
    (folder / "page.json").write_text(json.dumps({"source": "Le Site"}), encoding="utf-8")
    (folder / "garbage.htm").write_bytes(b"\x00\x01\x02" * 500)
    (folder / "nothing.html").write_text("<html><body><script>go()</script></body></html>")
    docs = list(iter_documents([folder]))
    page = next(d for d in docs if isinstance(d, Document))
    assert page.id == "page" and page.source == "Le Site"
    assert page.title == "Frappes sur Alep" and page.published == "2016-12-08"
    assert "frappes russes" in page.text and "Le régime syrien" in page.text
    for junk in ("alert", "INJECTED", "document.write", "Accueil", "droits réservés"):
        assert junk not in page.text
    store = open_store(tmp_path / "s.sqlite")
    report = ingest([folder], store, workers=1, progress=False)
    assert report.ingested == 1 and {d for d, _ in report.failed} == {"garbage", "nothing"}
    assert store.events(place="Alep", start="2016-12-08", end="2016-12-08")[1] >= 1


def test_defaults_fill_what_a_document_lacks(tmp_path):
    folder = write_corpus(tmp_path / "c", 2)
    (folder / "doc001.json").write_text(json.dumps({"published": "2020-02-04"}))
    docs = {d.id: d for d in iter_documents([folder], published="2016-08-11", source="AFP")}
    assert docs["doc000"].published == "2016-08-11" and docs["doc000"].source == "AFP"
    assert docs["doc001"].published == "2020-02-04"


def test_cli_summary_and_exit_codes(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "s.sqlite")
    corpus = write_corpus(tmp_path / "c", 2)
    (corpus / "bad.txt").write_bytes(b"")
    res = runner.invoke(ingest_cmd, [str(corpus), "--db", db, "--workers", "1", "-q", "--no-ner"])
    assert res.exit_code == 0, res.output
    assert "ingested 2, skipped 0, failed 1" in res.output and "bad: empty text" in res.output
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = runner.invoke(ingest_cmd, [str(empty), "--db", db, "-q"])
    assert res.exit_code != 0 and "ingested 0, skipped 0, failed 1" in res.output
    res = runner.invoke(ingest_cmd, [str(corpus / "doc000.txt"), "--db", db, "-q"])
    assert res.exit_code == 0 and "skipped 1" in res.output  # nothing new, nothing failed
    res = runner.invoke(ingest_cmd, [str(corpus), "--db", db, "--published", "hier"])
    assert res.exit_code == 2 and "ISO 8601" in res.output


def test_worker_processes(tmp_path):
    corpus = write_corpus(tmp_path / "c", 8)
    store = open_store(tmp_path / "s.sqlite")
    report = ingest([corpus], store, workers=2, progress=False, use_ner=False)
    assert (report.ingested, report.failed) == (8, [])
    assert store.stats()["documents"] == 8
    consistent(store.path)


def _ingest_process(corpus: Path, db: Path) -> subprocess.Popen:
    code = "from geo.cli_store import ingest_cmd; ingest_cmd()"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", code, str(corpus), "--db", str(db), "--workers", "1", "-q"]
        + ["--no-ner"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_ingests_of_one_folder_at_once_store_each_document_once(tmp_path):
    corpus = write_corpus(tmp_path / "c", 12)
    db = tmp_path / "s.sqlite"
    procs = [_ingest_process(corpus, db) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    store = open_store(db)
    assert store.stats()["documents"] == 12
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(DISTINCT hash) FROM documents").fetchone()[0] == 12
    consistent(db)


def test_a_killed_ingest_leaves_whole_documents_and_a_rerun_completes(tmp_path):
    corpus = write_corpus(tmp_path / "c", 40)
    db = tmp_path / "s.sqlite"
    open_store(db).close()
    proc = _ingest_process(corpus, db)
    con = sqlite3.connect(db)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill once some documents are in, mid-run
        if con.execute("SELECT count(*) FROM documents").fetchone()[0] >= 3:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con.close()
    store = open_store(db)
    stored = store.stats()["documents"]
    assert 3 <= stored < 40, "the ingest finished before the kill"
    consistent(db)
    report = ingest([corpus], store, workers=1, progress=False, use_ner=False)
    assert (report.ingested, report.skipped, report.failed) == (40 - stored, stored, [])
    assert store.stats()["documents"] == 40
    consistent(db)


def test_the_progress_bar_knows_how_many_documents_come(tmp_path):
    from geo.documents import count_documents

    (tmp_path / "a.txt").write_text("Des combats à Alep.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("<p>Alep</p>", encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text('{"text": "x"}\n\n{"text": "y"}\n{"text": "z"}\n')
    (tmp_path / "notes.md").write_text("not an input")
    assert count_documents([tmp_path]) == 5
    assert count_documents([tmp_path / "feed.jsonl", tmp_path / "missing.txt"]) == 3

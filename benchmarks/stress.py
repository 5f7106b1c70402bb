"""Long reliability runs on a loopback server: schemathesis against the app's own OpenAPI
document, then a bounded load on the read API.

1. A store is filled by the real ingest (no NER) with generated articles.
2. The app is served by waitress on 127.0.0.1 (a free port, in this process).
3. ``schemathesis run`` reads ``/openapi.json`` and fuzzes every operation (including the
   authenticated POST): no 5xx, every response conforms to the document.
4. ``--clients`` threads, each with its own keep-alive connection, send GET requests picked at
   random from the read API until ``--requests`` have been sent or ``--seconds`` have passed:
   every answer must be 200; throughput and latency percentiles are printed beside a baseline
   measured in the same run (one client alone).

Nothing listens beyond the loopback interface and every loop is bounded.

Usage::

    python benchmarks/stress.py                      # defaults: 100 clients, 20,000 requests
    python benchmarks/stress.py --clients 200 --requests 40000 --seconds 120 --skip-schemathesis
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "stress-token"
TEMPLATES = [
    "Des frappes russes ont tué {n} civils à {p}, selon l'Observatoire syrien.",
    "Des combats ont opposé l'armée syrienne aux rebelles à {p}, faisant {n} morts.",
    "Un attentat a fait {n} morts à {p}, selon la police.",
    "« Nous ne céderons pas », a déclaré le ministre à {p}, évoquant {n} victimes.",
    "Des obus sont tombés sur {p}, faisant {n} blessés.",
    "Des manifestants ont défilé à {p} pour dénoncer la mort de {n} civils.",
]
PLACES = ["Alep", "Idleb", "Raqa", "Damas", "Ankara", "Homs", "Saraqeb", "Mossoul", "Kobané"]
QUERIES = [
    "/api/events?limit=50",
    "/api/events?bbox=35,32,43,38&limit=100",
    "/api/events?bbox=35,32,43,38&start=2016-01-01&end=2016-12-31&type=Battles",
    "/api/events?place=Alep&limit=20",
    "/api/events?q=frappes&limit=20",
    "/api/events?actor=rebelles&offset=20&limit=20",
    "/api/statements?limit=50",
    "/api/statements?bbox=25,30,45,45",
    "/api/places?limit=100",
    "/api/places?start=2016-01-01&end=2017-12-31",
    "/api/documents?limit=20",
    "/api/documents?q=Alep",
]


def log(msg: str) -> None:
    print(msg, flush=True)


def build_store(db: Path, n_docs: int) -> None:
    from geo.ingest import ingest
    from geo.store import open_store

    rng = random.Random(7)
    corpus = Path(tempfile.mkdtemp(prefix="conflictmap-stress-"))
    try:
        for i in range(n_docs):
            day = f"2016-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            text = " ".join(
                rng.choice(TEMPLATES).format(n=rng.randint(2, 90) + i, p=rng.choice(PLACES))
                for _ in range(4)
            )
            (corpus / f"a{i:04d}.txt").write_text(text, encoding="utf-8")
            (corpus / f"a{i:04d}.json").write_text(f'{{"published": "{day}"}}', encoding="utf-8")
        store = open_store(db)
        t0 = time.perf_counter()
        report = ingest([corpus], store, progress=False, use_ner=False)
        log(f"store: {report.summary()} in {time.perf_counter() - t0:.1f} s; {store.stats()}")
        store.close()
    finally:
        shutil.rmtree(corpus, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, gazetteer: str | None, threads: int) -> tuple[object, int]:
    """waitress on 127.0.0.1 in a daemon thread; returns the server and its port."""
    import logging

    from waitress.server import create_server

    from geo.geoparse import Geoparser
    from geo.pipeline import Extractor
    from web import create_app

    app = create_app(
        {
            "DB": str(db),
            "GAZETTEER": gazetteer,
            "API_TOKEN": TOKEN,
            "EXTRACTOR": Extractor(Geoparser(use_ner=False)),
        }
    )
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "queue depth" on every burst
    port = free_port()
    server = create_server(
        app, host="127.0.0.1", port=port, threads=threads, connection_limit=1000, backlog=1024
    )
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def warm_up(port: int) -> None:
    """One article POSTed before the runs: the extractor loads its lexicons and the gazetteer's
    indexes on the first (seconds on a busy machine), which no request should be timed with."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = time.perf_counter()
    con.request(
        "POST",
        "/api/documents",
        body="Des frappes ont touché Alep mardi, selon l'Observatoire.".encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
    )
    status = con.getresponse().status
    con.close()
    log(f"warm-up: POST /api/documents {status} in {time.perf_counter() - t0:.1f} s")


def _get_json(port: int, path: str) -> dict:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    con.request("GET", path)
    resp = con.getresponse()
    body = resp.read()
    con.close()
    if resp.status != 200:
        raise SystemExit(f"GET {path}: {resp.status}")
    return json.loads(body)


def schemathesis_config(port: int) -> str:
    """A schemathesis.toml naming ids the store holds, read from the API as a user would.

    Without it an operation on one stored item (``PATCH /api/events/{id}``) only ever meets
    random ids, all answered 404, and nothing behind the lookup is reached; the body's
    gazetteer ids are drawn half the time from places the store holds.
    """
    events = _get_json(port, "/api/events?limit=200")["features"]
    statements = _get_json(port, "/api/statements?limit=1")["features"]
    docs = _get_json(port, "/api/documents?limit=1")["documents"]
    places = _get_json(port, "/api/places?limit=20")["features"]
    if not (events and statements and docs and places):
        raise SystemExit("schemathesis: the store has no event, statement, document or place")
    doc = _get_json(port, f"/api/documents/{quote(docs[0]['id'], safe='')}")
    mention = next(m["id"] for m in doc["mentions"] if m.get("id") is not None)
    place_ids = [p["properties"]["id"] for p in places]
    # event 1, the smallest id, is where generated requests that ignore the ids given here
    # land (a PATCH that deletes it among them): the reads are given others
    pinned = [e["id"] for e in events if e["id"] != 1] or [events[0]["id"]]
    ids = {
        "/api/events/{id}/sources": pinned[0],
        "/api/events/{id}/unmerge": pinned[-1],
        "/ogcapi/collections/events/items/{featureId}": pinned[0],
        "/api/events/{id}": "events",  # corrected or deleted: many, so some are left
        "/api/statements/{id}": statements[0]["id"],
        "/ogcapi/collections/statements/items/{featureId}": statements[0]["id"],
        "/api/mentions/{id}": mention,
        "/api/documents/{id}": docs[0]["id"],
        "/api/documents/{id}/mentions": docs[0]["id"],
        "/ogcapi/collections/places/items/{featureId}": place_ids[0],
    }
    named = {(m["start"], m["end"]) for m in doc["mentions"]}
    spans = [m.span() for m in re.finditer(r"\w+", doc["text"])]
    spans = [s for s in spans if s not in named][:20]  # words a reviewer may add as mentions
    words = {"starts": [a for a, _ in spans], "ends": [b for _, b in spans]}
    dictionaries = {
        "places": place_ids,
        "events": pinned[1:-1] or pinned,
        **words,
    }
    lines = []
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    drawn = {"body.place": "places", "body.where": "places", "body.start": "starts",
             "body.end": "ends"}  # fmt: skip
    for path, value in ids.items():
        name = "featureId" if "{featureId}" in path else "id"
        given = (
            f"{{ dictionary = {json.dumps(value)} }}" if value == "events" else json.dumps(value)
        )
        bound = [f"{json.dumps('path.' + name)} = {given}"]
        bound += [
            f'"{key}" = {{ dictionary = "{d}", probability = 0.5 }}' for key, d in drawn.items()
        ]
        lines += [
            "",
            "[[operations]]",
            f"include-path = {json.dumps(path)}",
            f"parameters = {{ {', '.join(bound)} }}",
        ]
    return "\n".join(lines) + "\n"


def run_schemathesis(port: int, max_examples: int, seconds: int) -> bool:
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which(
        "schemathesis"
    )
    if exe is None:
        log("schemathesis: not installed (pip install -e '.[stress]'); skipped")
        return True
    cmd = [
        exe, "run", f"http://127.0.0.1:{port}/openapi.json", "--checks", "all",
        "--max-examples", str(max_examples), "--max-time", str(seconds), "--seed", "6",
        "--header", f"Authorization: Bearer {TOKEN}", "--request-timeout", "60",
        # positive_data_acceptance: what OpenAPI 3.0 cannot say is refused with a 400 by
        # design (start after end, a bbox's order and ranges, binary-looking article text)
        "--exclude-checks", "ignored_auth,unsupported_method,positive_data_acceptance",
        # one worker: hypothesis describes its strategies with ast.parse, which Python 3.11
        # can fail from two threads at once ("AST constructor recursion depth mismatch")
        "--no-color", "--workers", "1",
    ]  # fmt: skip
    log("schemathesis: " + " ".join(cmd[1:]))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd:  # its example database stays out of the tree
        (Path(cwd) / "schemathesis.toml").write_text(schemathesis_config(port), encoding="utf-8")
        proc = subprocess.run(cmd, text=True, capture_output=True, timeout=seconds + 300, cwd=cwd)
    out = proc.stdout + proc.stderr
    lines = out.strip().splitlines()
    start = next(
        (i for i, line in enumerate(lines) if "ERRORS" in line or "FAILURES" in line),
        len(lines) - 30,
    )
    log("\n".join(x for x in lines[max(0, start) :] if "Warning" not in x and "savefig" not in x))
    log(f"schemathesis: exit {proc.returncode} in {time.perf_counter() - t0:.0f} s")
    return proc.returncode == 0


def load(port: int, clients: int, total: int, seconds: float) -> dict:
    """``clients`` threads with keep-alive connections share ``total`` GET requests, stopping
    after ``seconds`` at the latest."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    sent = [0]
    deadline = time.monotonic() + seconds
    start = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        rng = random.Random(k)
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        start.wait()
        try:
            while time.monotonic() < deadline:
                with lock:
                    if sent[0] >= total:
                        break
                    sent[0] += 1
                url = rng.choice(QUERIES)
                t0 = time.perf_counter()
                try:
                    con.request("GET", url)
                    resp = con.getresponse()
                    resp.read()
                    if resp.status != 200:
                        errors.append(f"{resp.status} {url}")
                except (OSError, http.client.HTTPException) as exc:
                    errors.append(f"{type(exc).__name__} {url}")
                    con.close()
                    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                mine.append(time.perf_counter() - t0)
        finally:
            con.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    return {
        "clients": clients,
        "requests": len(lat),
        "errors": len(errors),
        "error_sample": errors[:5],
        "seconds": wall,
        "rps": len(lat) / wall if wall else 0.0,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "max": lat[-1] * 1000 if lat else float("nan"),
        "mean": statistics.fmean(lat) * 1000 if lat else float("nan"),
    }


def show(r: dict, label: str) -> None:
    log(
        f"{label}: {r['requests']:,} requests in {r['seconds']:.1f} s = {r['rps']:,.0f} req/s; "
        f"latency p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, max {r['max']:.0f} ms; "
        f"errors {r['errors']}" + (f" {r['error_sample']}" if r["errors"] else "")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=300, help="generated articles in the store")
    ap.add_argument("--clients", type=int, default=100, help="concurrent clients (50-200)")
    ap.add_argument("--requests", type=int, default=20_000, help="requests in the load run")
    ap.add_argument("--seconds", type=float, default=90, help="time limit of the load run")
    ap.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    ap.add_argument("--examples", type=int, default=100, help="schemathesis examples per op")
    ap.add_argument("--schemathesis-seconds", type=int, default=600)
    ap.add_argument("--skip-schemathesis", action="store_true")
    ap.add_argument("--db", type=Path, default=None, help="use this store instead of building")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 500:
        ap.error("--clients must be between 1 and 500")

    tmp = Path(tempfile.mkdtemp(prefix="conflictmap-stress-db-"))
    ok = True
    try:
        db = args.db or tmp / "stress.sqlite"
        if args.db is None:
            build_store(db, args.docs)
        server, port = serve(db, os.environ.get("CONFLICTMAP_GAZETTEER"), args.threads)
        log(f"server: waitress on 127.0.0.1:{port}, {args.threads} threads")
        warm_up(port)
        if not args.skip_schemathesis:
            ok &= run_schemathesis(port, args.examples, args.schemathesis_seconds)
        baseline = load(port, 1, min(2000, args.requests), min(30.0, args.seconds))
        show(baseline, "load, 1 client (baseline)")
        result = load(port, args.clients, args.requests, args.seconds)
        show(result, f"load, {args.clients} clients")
        log(
            f"ratio: {result['rps'] / baseline['rps']:.2f}x the throughput of one client, "
            f"p99 {result['p99'] / baseline['p99']:.1f}x its p99"
        )
        ok &= baseline["errors"] == 0 and result["errors"] == 0
        server.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log("stress: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

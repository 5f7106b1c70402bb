"""``conflictmap demo``: the one ingest fills an empty store with the seeds, says so, and serves."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_ingests_its_seeds_then_serves_them(tmp_path, gazetteer_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "alep.txt").write_text(
        "Des frappes russes ont tué jeudi 30 civils à Alep, selon l'Observatoire syrien.",
        encoding="utf-8",
    )
    (seeds / "broken.txt").write_bytes(b"\xff\xfe\x00bad")
    port, db = _free_port(), tmp_path / "demo.sqlite"
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "CONFLICTMAP_HOME": str(tmp_path),
        "CONFLICTMAP_GAZETTEER": gazetteer_path,
    }
    cmd = [sys.executable, "-m", "geo.cli", "demo", "--port", str(port), "--db", str(db)]
    proc = subprocess.Popen(
        [*cmd, "--seeds", str(seeds)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        while not lines or "serving the map" not in lines[-1]:
            line = proc.stdout.readline()
            assert line, (lines, proc.stderr.read() if proc.poll() is not None else "")
            lines.append(line.strip())
        assert lines[0] == f"conflictmap: ingesting {seeds} into {db}"
        assert lines[1] == "ingested 1, skipped 0, failed 1"
        assert lines[2].startswith("store: 1 documents, ")
        url = f"http://127.0.0.1:{port}/api/documents"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=10) as resp:
                    body = json.loads(resp.read())
                break
            except OSError:
                time.sleep(0.1)
        assert [d["id"] for d in body["documents"]] == ["alep"]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "failed: broken: " in err  # the reason of the failed seed, on standard error

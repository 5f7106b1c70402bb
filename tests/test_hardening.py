"""The served app under hostile or heavy use: bounded heavy work, bodies refused before they are
read, links that no Host header can poison, the token kept out of the process list, hostile
document ids and titles, and only the asset files the pages load.

Everything is real: the Flask app, waitress on a loopback port (through the same
``make_server`` that ``conflictmap serve`` uses), the SQLite store and the gazetteer.
"""

from __future__ import annotations

import io
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from geo.documents import MAX_ID_CHARS, check_document_id, read_inputs
from geo.errors import DocumentError, InputError
from tests.web_fixtures import build_extracted, make_store
from web import assets, create_app, limits
from web.cli_web import make_server, read_token, serve_cmd, snapshot_cmd
from web.snapshot import render_snapshot

TOKEN = "hardening-token"
EVIL = "evil.example"


@pytest.fixture(scope="module")
def db_path(gaz, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hardening") / "store.sqlite"
    make_store(path, build_extracted(gaz)).close()
    return path


def config(db_path, gazetteer_path, **extra) -> dict:
    return {"DB": str(db_path), "GAZETTEER": gazetteer_path, "API_TOKEN": TOKEN, **extra}


class Served:
    """The app behind a real waitress server on 127.0.0.1 (an ephemeral port)."""

    def __init__(self, app, threads: int = 8) -> None:
        self.app = app
        self.server = make_server(app, "127.0.0.1", 0, threads)
        self.port = self.server.effective_port
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def get(self, path: str, timeout: float = 120, headers=None) -> tuple[int, dict, bytes]:
        try:
            req = urllib.request.Request(self.base + path, headers=headers or {})
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def raw(self, request: bytes, timeout: float = 5) -> bytes:
        """Send ``request`` as is and read the answer until the server closes or it is whole."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(request)
            return s.recv(65536)

    def close(self) -> None:
        self.server.close()


@pytest.fixture(scope="module")
def served(db_path, gazetteer_path):
    srv = Served(create_app(config(db_path, gazetteer_path)))
    yield srv
    srv.close()


# -- 1. heavy work is bounded ------------------------------------------------------------------
def test_a_snapshot_past_its_slots_gets_503_with_retry_after(served):
    slots = served.app.extensions["conflictmap"].slots["snapshot"]
    assert slots.size == limits.SLOTS["snapshot"]
    held = [slots.take() for _ in range(slots.size)]
    for h in held:
        h.__enter__()
    try:
        status, headers, body = served.get("/snapshot.png?width=200&height=200")
        assert status == 503
        assert int(headers["Retry-After"]) == limits.RETRY_AFTER_SECONDS
        assert headers["Content-Type"] == "application/json"
        assert "busy" in json.loads(body)["error"]
        # a bad request is told so, full pool or not: it never takes a slot
        assert served.get("/snapshot.png?width=5")[0] == 400
    finally:
        for h in held:
            h.__exit__(None, None, None)
    status, headers, body = served.get("/snapshot.png?width=200&height=200")
    assert status == 200 and Image.open(io.BytesIO(body)).size == (200, 200)


def test_light_requests_answer_within_a_second_during_a_burst_of_big_snapshots(served):
    # before the limit, 20 snapshots queued on the drawing lock held every server thread and an
    # /api/events call waited 21 s; now the ones past the slots are refused at once
    size = limits.SNAPSHOT_MAX_SIZE
    results: list[tuple[int, dict]] = []
    start = threading.Barrier(12)

    def heavy():
        start.wait()
        # past web.limits.OPEN's pixels anyone may ask: the token holder's burst
        url = f"/snapshot.png?width={size}&height={size}"
        status, headers, _ = served.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
        results.append((status, headers))

    threads = [threading.Thread(target=heavy) for _ in range(12)]
    for t in threads:
        t.start()
    waits = []
    while any(t.is_alive() for t in threads):
        t0 = time.perf_counter()
        status, _, body = served.get("/api/events?limit=5", timeout=10)
        waits.append(time.perf_counter() - t0)
        assert status == 200 and json.loads(body)["type"] == "FeatureCollection"
        time.sleep(0.02)
    for t in threads:
        t.join()
    assert waits and max(waits) < 1.0, waits
    statuses = sorted(s for s, _ in results)
    assert set(statuses) <= {200, 503}, statuses
    assert 200 in statuses and 503 in statuses, statuses
    assert all(h.get("Retry-After") for s, h in results if s == 503)


def test_the_size_limit_is_one_number_for_the_web_and_the_command_line(served, db_path, tmp_path):
    over = limits.SNAPSHOT_MAX_SIZE + 1
    status, _, body = served.get(f"/snapshot.png?width={over}")
    assert status == 400 and str(limits.SNAPSHOT_MAX_SIZE) in json.loads(body)["error"]
    out = tmp_path / "big.png"
    res = CliRunner().invoke(
        snapshot_cmd, ["-o", str(out), "--db", str(db_path), "--width", str(over)]
    )
    assert res.exit_code == 2 and not out.exists()
    assert f"{limits.SNAPSHOT_MIN_SIZE}<=x<={limits.SNAPSHOT_MAX_SIZE}" in res.output


def test_an_svg_of_a_small_area_writes_only_the_outlines_it_shows(db_path, gaz):
    from geo.store import open_store

    st = open_store(db_path)
    try:
        small, world = io.BytesIO(), io.BytesIO()
        one_degree = (36.5, 35.7, 37.5, 36.7)  # around Aleppo
        render_snapshot(
            st, small, fmt="svg", bbox=one_degree, width=100, height=100, layers=[], gazetteer=gaz
        )
        render_snapshot(st, world, fmt="svg", width=1200, height=800, layers=[], gazetteer=gaz)
    finally:
        st.close()
    # every country outline was written: 2.8 MB at 100 x 100; now those in the box, simplified
    # to the pixel: about 3 KB (and the world at 1200 x 800: 0.4 MB, was 2.9 MB)
    assert len(small.getvalue()) < 20_000, len(small.getvalue())
    assert len(world.getvalue()) < 1_000_000, len(world.getvalue())
    assert "GeoNames" in small.getvalue().decode()


# -- 2. request bodies ---------------------------------------------------------------------------
def test_a_50_mb_body_without_token_is_refused_before_it_is_read(served):
    size = 50 * 1024 * 1024
    head = (
        f"POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    t0 = time.perf_counter()
    # the headers and a first 64 KB only: the answer comes without waiting for the rest
    answer = served.raw(head + b"x" * 65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.perf_counter() - t0 < 2


def test_a_chunked_body_is_cut_at_the_limit(served):
    chunk = b"x" * 65536
    piece = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    pieces = limits.MAX_BODY_BYTES // len(chunk) + 2
    head = (
        b"POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as s:
        s.sendall(head)
        answer = b""
        try:
            for _ in range(pieces):
                s.sendall(piece)
        except OSError:
            pass  # the server closed the connection: it read no further
        answer = s.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_body_at_the_limit_reaches_the_app_which_asks_for_the_token(served):
    body = b"x" * limits.MAX_BODY_BYTES
    head = (
        f"POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    answer = served.raw(head + body)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert b'www-authenticate: bearer realm="conflictmap"' in answer.lower()


# -- 4. the Host header -------------------------------------------------------------------------
def test_an_untrusted_host_gets_400_on_every_route(db_path, gazetteer_path):
    client = create_app(config(db_path, gazetteer_path)).test_client()
    for path in ("/", "/api/events", "/openapi.json", "/ogcapi", "/documents", "/nowhere"):
        resp = client.get(path, headers={"Host": EVIL})
        assert resp.status_code == 400, path
        assert EVIL not in resp.get_data(as_text=True)
        assert resp.headers["Cache-Control"] == "no-store"
    for host in ("localhost", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
        assert client.get("/api/events?limit=1", headers={"Host": host}).status_code == 200


def test_the_real_server_refuses_a_poisoned_host(served):
    answer = served.raw(
        f"GET /api/events?limit=1 HTTP/1.1\r\nHost: {EVIL}\r\nConnection: close\r\n\r\n".encode()
    )
    assert answer.startswith(b"HTTP/1.1 400") and EVIL.encode() not in answer
    # a URL in absolute form names its own host: the links still use the Host, never it
    answer = served.raw(
        f"GET http://{EVIL}/api/events?limit=1 HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
        f"Connection: close\r\n\r\n".encode()
    )
    assert EVIL.encode() not in answer, answer[:400]


def test_links_come_from_the_public_url_whatever_the_host(db_path, gazetteer_path, gaz):
    from geo.geoparse import Geoparser
    from geo.pipeline import Extractor

    public = "https://maps.example.org"
    st = make_store(Path(str(db_path) + ".public.sqlite"), build_extracted(gaz))
    app = create_app(
        {
            "STORE": st,
            "GAZETTEER": gazetteer_path,
            "API_TOKEN": TOKEN,
            "PUBLIC_URL": public,
            "EXTRACTOR": Extractor(Geoparser(gaz, use_ner=False)),
        }
    )
    client = app.test_client()
    for host in ("127.0.0.1:8000", "localhost"):
        h = {"Host": host}
        body = client.get("/api/events?limit=2", headers=h).get_json()
        hrefs = [link["href"] for link in body["links"]] + [body["next"]]
        assert all(u.startswith(public + "/api/events?") for u in hrefs), hrefs
        assert client.get("/openapi.json", headers=h).get_json()["servers"][0]["url"] == public
        page = client.get("/", headers=h).get_data(as_text=True)
        assert f"{public}/map" in page and host not in page
        ogc = client.get("/ogcapi?f=json", headers=h).get_json()
        assert all(link["href"].startswith(public + "/") for link in ogc["links"])
    resp = client.post(
        "/api/documents",
        json={"text": "Des combats ont eu lieu à Alep mardi.", "id": "public-1"},
        headers={"Authorization": f"Bearer {TOKEN}", "Host": "localhost"},
    )
    assert resp.status_code == 201, resp.data
    assert resp.headers["Location"] == f"{public}/api/documents/public-1"
    assert resp.get_json()["url"] == f"{public}/documents/public-1"
    # the public host is answered too; any other is not
    assert client.get("/api/events", headers={"Host": "maps.example.org"}).status_code == 200
    assert client.get("/api/events", headers={"Host": EVIL}).status_code == 400
    st.close()


def test_allowed_hosts_and_a_bad_public_url(db_path, gazetteer_path):
    from geo.errors import ConfigError

    app = create_app(config(db_path, gazetteer_path, ALLOWED_HOSTS=["maps.lan", ".example.net"]))
    client = app.test_client()
    for host, status in (
        ("maps.lan:8000", 200),
        ("a.example.net", 200),
        ("example.net", 200),
        ("localhost", 400),
        ("badexample.net", 400),
        ("maps.lan/x", 400),
        ("maps.lan:99999", 400),
    ):
        got = client.get("/api/events?limit=1", headers={"Host": host}).status_code
        assert got == status, host
    for bad in ("ftp://x.org", "https://x.org/sub", "https://user@x.org", "https://"):
        with pytest.raises(ConfigError):
            create_app(config(db_path, gazetteer_path, PUBLIC_URL=bad))


def test_every_response_says_how_to_cache_it(db_path, gazetteer_path):
    client = create_app(config(db_path, gazetteer_path)).test_client()
    assert client.get("/").headers["Cache-Control"] == "private, no-cache"
    assert client.get("/api/events").headers["Cache-Control"] == "private, no-cache"
    assert client.get("/api/events?limit=0").headers["Cache-Control"] == "no-store"
    assert "max-age" in client.get("/assets/leaflet/leaflet.js").headers["Cache-Control"]


# -- 5. the token --------------------------------------------------------------------------------
def test_the_token_from_a_file_the_environment_or_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CONFLICTMAP_API_TOKEN", raising=False)
    assert read_token(None, None) is None
    monkeypatch.setenv("CONFLICTMAP_API_TOKEN", "from-env")
    assert read_token(None, None) == "from-env"
    assert capsys.readouterr().err == ""
    f = tmp_path / "token"
    f.write_text("from-file\n")
    f.chmod(0o600)
    assert read_token(None, f) == "from-file"
    assert capsys.readouterr().err == ""
    f.chmod(0o644)
    assert read_token(None, f) == "from-file"
    assert "chmod 600" in capsys.readouterr().err
    assert read_token("from-argv", None) == "from-argv"
    assert "process list" in capsys.readouterr().err
    with pytest.raises(InputError, match="not both"):
        read_token("a", f)
    with pytest.raises(InputError, match="cannot read"):
        read_token(None, tmp_path / "missing")
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(InputError, match="one line"):
        read_token(None, tmp_path / "empty")


def test_serve_help_and_errors_are_one_line(tmp_path):
    runner = CliRunner()
    help_text = runner.invoke(serve_cmd, ["--help"]).output
    for option in ("--token-file", "$CONFLICTMAP_API_TOKEN", "--public-url", "--allowed-hosts"):
        assert option in help_text
    res = runner.invoke(serve_cmd, ["--db", str(tmp_path / "s.sqlite")])
    assert res.exit_code == 2 and "no store at" in res.output  # a typo creates no empty store
    from geo.store import open_store

    open_store(tmp_path / "s.sqlite").close()
    res = runner.invoke(serve_cmd, ["--db", str(tmp_path / "s.sqlite"), "--token", "a",
                                    "--token-file", str(tmp_path / "t")])  # fmt: skip
    assert res.exit_code == 2 and "not both" in res.output
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        port = str(busy.getsockname()[1])
        res = runner.invoke(serve_cmd, ["--db", str(tmp_path / "s.sqlite"), "--port", port])
    finally:
        busy.close()
    assert res.exit_code == 3 and "cannot listen" in res.output and "serving" not in res.output


# -- 6. input hygiene ------------------------------------------------------------------------------
HOSTILE_IDS = {
    "..": "'..'",
    "../../etc/passwd": "path separator",
    "/etc/passwd": "path separator",
    "a\\b": "path separator",
    "line\nbreak": "control",
    "nul\x00id": "control",
    "esc\x1b[31m": "control",
    "rtl\u202eexe.txt": "invisible",
    "x" * (MAX_ID_CHARS + 1): "longer than",
}


@pytest.mark.parametrize(("doc_id", "reason"), HOSTILE_IDS.items())
def test_a_hostile_id_is_refused_with_its_reason(doc_id, reason):
    with pytest.raises(DocumentError) as err:
        check_document_id(doc_id, "feed.jsonl:3")
    assert reason in err.value.reason and err.value.doc_id == "feed.jsonl:3"
    # the message shows the id escaped: no raw control character reaches a terminal or a log
    assert not any(ord(c) < 32 or c == "\u202e" for c in err.value.message)


def test_ingest_reports_each_hostile_id_and_stores_the_others(gaz, tmp_path):
    from geo.ingest import ingest
    from geo.store import open_store

    folder = tmp_path / "in"
    folder.mkdir()
    text = "Des combats ont opposé l'armée et des rebelles à Alep mardi, selon l'OSDH."
    lines = [json.dumps({"id": i, "text": f"{text} ({n})"}) for n, i in enumerate(HOSTILE_IDS)]
    lines.append(json.dumps({"id": "good-1", "text": text}))
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "bad\nname.txt").write_text(text + " (file)", encoding="utf-8")
    (folder / ("y" * 210 + ".txt")).write_text(text + " (long)", encoding="utf-8")
    (folder / "good-2.txt").write_text("Une manifestation a eu lieu à Hambourg lundi.")
    st = open_store(tmp_path / "s.sqlite")
    try:
        report = ingest([folder], st, workers=1, progress=False, use_ner=False)
        assert sorted(report.ids) == ["good-1", "good-2"], report
        assert len(report.failed) == len(HOSTILE_IDS) + 2, report.failed
        for doc_id, reason in report.failed:
            assert "\n" not in doc_id + reason and "\x00" not in doc_id + reason
            assert re.search(r"the id (contains|is longer)", reason), reason
        assert st.stats()["documents"] == 2
    finally:
        st.close()
    # the reader of `geoparse` says the same
    errors = [d for d in read_inputs([str(folder)]) if isinstance(d, DocumentError)]
    assert len(errors) == len(HOSTILE_IDS) + 2


@pytest.mark.parametrize("title", ["Syrie\x00", "a\nb", "\x1b[2J", "x" * 201])
def test_a_snapshot_title_with_control_characters_is_refused(served, db_path, title, tmp_path):
    from urllib.parse import quote

    status, _, body = served.get(f"/snapshot.svg?title={quote(title)}")
    assert status == 400 and "title" in json.loads(body)["error"]
    out = tmp_path / "t.svg"
    res = CliRunner().invoke(snapshot_cmd, ["-o", str(out), "--db", str(db_path), "--title", title])
    assert res.exit_code == 2 and "title" in res.output and not out.exists()


def test_401_says_how_to_authenticate(served):
    for path in ("/api/documents", "/api/events/1/unmerge"):
        req = urllib.request.Request(served.base + path, data=b"{}", method="POST")
        req.add_header("Content-Type", "application/json")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 401
        assert err.value.headers["WWW-Authenticate"] == 'Bearer realm="conflictmap"'


def test_assets_serve_what_the_pages_load_and_nothing_else(served):
    pages = ["/", "/map", "/documents", "/documents/doc-alep", "/ogcapi?f=html",
             "/ogcapi/collections/events/items?f=html"]  # fmt: skip
    linked = set()
    for page in pages:
        status, _, body = served.get(page)
        assert status == 200, page
        linked |= set(re.findall(r"/assets/[A-Za-z0-9_.\-/]+", body.decode()))
    assert linked
    for link in sorted(linked):
        lib, _, path = link.removeprefix("/assets/").partition("/")
        assert (lib, path) in assets.served_files(), link
        if assets.available(lib):
            assert served.get(link)[0] == 200, link
    # and what those stylesheets load: Leaflet's images, Font Awesome's fonts
    for lib, path in (
        ("leaflet", "images/layers.png"),
        ("fontawesome", "webfonts/fa-solid-900.woff2"),
    ):
        assert served.get(f"/assets/{lib}/{path}")[0] == 200
    # never the rest of a package folder
    for other in (
        "fullscreen/index.html",
        "fullscreen/README.md",
        "fullscreen/package.json",
        "leaflet/leaflet-src.js",
        "jquery/jquery.js",
        "fontawesome/svgs/solid/film.svg",
        "heat/pa7_hm.min.js",
        "app/../templates/base.html",
    ):
        assert served.get(f"/assets/{other}")[0] == 404, other


def test_what_is_logged_has_its_control_characters_escaped():
    from web import printable

    assert printable("GET /a\x1b[2J\nb\x00\u202e") == "GET /a\\x1b[2J\\nb\\x00\\u202e"
    assert printable("Alep, été 2024 «»") == "Alep, été 2024 «»"


def test_render_refuses_what_the_route_refuses(db_path, gaz):
    from geo.store import open_store

    st = open_store(db_path)
    try:
        with pytest.raises(InputError, match="title"):
            render_snapshot(st, io.BytesIO(), title="a\x00b", gazetteer=gaz)
        with pytest.raises(InputError, match=str(limits.SNAPSHOT_MAX_SIZE)):
            render_snapshot(st, io.BytesIO(), width=4000, gazetteer=gaz)
    finally:
        st.close()

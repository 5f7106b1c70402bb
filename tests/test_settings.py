"""The settings' table (geo.settings): every variable read is declared there and read through it,
the command line's help is written from it, and each setting does what its help says."""

from __future__ import annotations

import ast
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo import settings
from geo.cli import main
from geo.store import store_location

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geo", "web", "gazetteer")
VARIABLE = re.compile(r"CONFLICTMAP_[A-Z0-9_]+")
DECLARED = {s.env for s in settings.SETTINGS.values()}


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def violations(root: Path) -> list[str]:
    """What breaks the rule in the packages under ``root``: a CONFLICTMAP_* variable named
    anywhere (code, docstring, comment) but not declared; outside geo/settings.py, a variable's
    name in code (not a docstring), ``os.environ.get``/``os.environ[...]``/``os.getenv``, or a
    click option's ``envvar=`` (which reads the environment behind the table's back). Copying
    the whole environment for a child process (``dict(os.environ)``) is allowed."""
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "node_modules" in path.parts:
                continue
            where = path.relative_to(root).as_posix()
            source = path.read_text(encoding="utf-8")
            found += [
                f"{where}: {n} is not declared" for n in set(VARIABLE.findall(source)) - DECLARED
            ]
            if where == "geo/settings.py":
                continue
            tree = ast.parse(source)
            docstrings = {
                id(n.body[0].value)
                for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and n.body
                and isinstance(n.body[0], ast.Expr)
                and isinstance(n.body[0].value, ast.Constant)
            }
            for n in ast.walk(tree):
                line = f"{where}:{getattr(n, 'lineno', '?')}"
                if (
                    isinstance(n, ast.Constant)
                    and isinstance(n.value, str)
                    and id(n) not in docstrings
                    and VARIABLE.search(n.value)
                ):
                    found.append(f"{line}: names {VARIABLE.search(n.value)[0]} in code")
                elif (
                    isinstance(n, ast.Call)
                    and (
                        (isinstance(n.func, ast.Attribute) and _is_os_environ(n.func.value))
                        or (
                            isinstance(n.func, ast.Attribute)
                            and n.func.attr == "getenv"
                            and isinstance(n.func.value, ast.Name)
                            and n.func.value.id == "os"
                        )
                    )
                    or isinstance(n, ast.Subscript)
                    and _is_os_environ(n.value)
                ):
                    found.append(f"{line}: reads os.environ")
                elif isinstance(n, ast.keyword) and n.arg == "envvar":
                    found.append(f"{line}: a click envvar")
    return found


def test_every_variable_is_declared_and_read_through_the_table():
    assert violations(ROOT) == []


@pytest.mark.parametrize(
    "code",
    [
        'import os\nX = os.environ.get("CONFLICTMAP_NEW")\n',
        'import os\nX = os.getenv("HOME")\n',
        'import os\nX = os.environ["PATH"]\n',
        'import click\nopt = click.option("--x", envvar="X")\n',
        '"""Reads $CONFLICTMAP_UNDECLARED."""\n',
    ],
)
def test_the_check_finds_a_variable_read_behind_the_tables_back(tmp_path, code):
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "web" / "new.py").write_text(code, encoding="utf-8")
    (tmp_path / "geo" / "ok.py").write_text(
        '"""Reads $CONFLICTMAP_DB."""\nimport os\nENV = dict(os.environ)\n', encoding="utf-8"
    )
    found = violations(tmp_path)
    assert found and all(v.startswith("web/new.py") for v in found), found


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_help_is_written_from_the_table():
    top = _flat(CliRunner().invoke(main, ["--help"]).output)
    for s in settings.SETTINGS.values():
        assert f"${s.env}" in top and _flat(s.help) in top
    helps = {
        ("ingest",): "db",
        ("export",): "db",
        ("gazetteer", "build"): "gazetteer",
        ("serve",): "public_url",
    }
    for args, name in helps.items():
        text = _flat(CliRunner().invoke(main, [*args, "--help"]).output)
        assert _flat(settings.SETTINGS[name].describe()) in text, args
    serve = _flat(CliRunner().invoke(main, ["serve", "--help"]).output)
    assert _flat(settings.SETTINGS["allowed_hosts"].help) in serve
    assert "$CONFLICTMAP_API_TOKEN" in serve


def test_the_settings_command_says_each_value_and_its_source(tmp_path):
    env = {
        "CONFLICTMAP_HOME": str(tmp_path),
        "CONFLICTMAP_GAZETTEER": "",  # empty: unset
        "CONFLICTMAP_DB": "postgresql://cm:s3cret@db.example/news",
        "CONFLICTMAP_API_TOKEN": "t0ken",
        "CONFLICTMAP_PUBLIC_URL": "",
    }
    result = CliRunner().invoke(main, ["settings", "--json"], env=env)
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in map(json.loads, result.output.splitlines())}
    assert list(rows) == list(settings.SETTINGS)
    assert rows["home"]["value"] == str(tmp_path) and rows["home"]["source"] == "$CONFLICTMAP_HOME"
    assert rows["gazetteer"]["source"] == "default"
    assert rows["gazetteer"]["value"] == str(tmp_path / "gazetteer.sqlite")
    assert rows["db"]["value"] == "postgresql://cm:***@db.example/news"
    assert rows["api_token"]["value"] == "(set, not shown)"
    assert rows["public_url"]["value"] is None
    text = CliRunner().invoke(main, ["settings"], env=env).output
    assert "s3cret" not in text and "t0ken" not in text
    assert f"CONFLICTMAP_HOME={tmp_path}  ($CONFLICTMAP_HOME)" in text
    assert _flat(settings.SETTINGS["allowed_hosts"].help) in _flat(text)


def test_the_data_directory_holds_the_default_gazetteer_and_store(tmp_path, monkeypatch):
    from gazetteer.lookup import default_home, default_path

    monkeypatch.setenv("CONFLICTMAP_HOME", str(tmp_path))
    monkeypatch.delenv("CONFLICTMAP_GAZETTEER", raising=False)
    monkeypatch.setenv("CONFLICTMAP_DB", "")
    assert default_home() == tmp_path and default_path() == tmp_path / "gazetteer.sqlite"
    assert store_location() == str(tmp_path / "conflictmap.sqlite")
    monkeypatch.setenv("CONFLICTMAP_DB", "sqlite:///data/news.sqlite")
    assert store_location() == "/data/news.sqlite"


def test_the_fullscreen_plugin_comes_from_the_node_modules_setting(tmp_path, monkeypatch):
    from web import create_app

    plugin = tmp_path / "npm" / "leaflet.fullscreen"
    plugin.mkdir(parents=True)
    (plugin / "Control.FullScreen.js").write_text("/* from the setting */", encoding="utf-8")
    monkeypatch.setenv("CONFLICTMAP_NODE_MODULES", str(tmp_path / "npm"))
    client = create_app({"DB": str(tmp_path / "s.sqlite"), "TESTING": True}).test_client()
    resp = client.get("/assets/fullscreen/Control.FullScreen.js")
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "/* from the setting */"
    monkeypatch.setenv("CONFLICTMAP_NODE_MODULES", str(tmp_path / "none"))
    assert client.get("/assets/fullscreen/Control.FullScreen.js").status_code == 404


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, host: str | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_serve_reads_the_public_url_and_the_allowed_hosts(tmp_path, gazetteer_path):
    from geo.store import open_store

    db = tmp_path / "s.sqlite"
    open_store(db).close()
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "CONFLICTMAP_HOME": str(tmp_path),
        "CONFLICTMAP_GAZETTEER": gazetteer_path,
        "CONFLICTMAP_DB": str(db),
        "CONFLICTMAP_PUBLIC_URL": "https://maps.example.org",
        "CONFLICTMAP_ALLOWED_HOSTS": "maps.example.org",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "geo.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                status, body = _get(f"{base}/openapi.json", "maps.example.org")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.1)
        assert status == 200
        assert json.loads(body)["servers"][0]["url"].startswith("https://maps.example.org")
        assert _get(f"{base}/openapi.json", "elsewhere.example")[0] == 400
    finally:
        proc.terminate()
        proc.wait(timeout=10)

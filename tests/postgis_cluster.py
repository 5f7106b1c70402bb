"""A throwaway PostgreSQL + PostGIS cluster for the tests: ``initdb`` and ``pg_ctl`` from
Debian's ``postgresql`` package (PostGIS from ``postgis``), in a temporary folder, on a free
port, stopped and removed afterwards.

The server refuses to run as root: when the tests run as root, the cluster belongs to the
``postgres`` user (created by the package) and its commands run through ``runuser``. Each test
gets a database of its own, copied from a template that has the extensions already.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

# where Debian puts the server's programs (newest version first), then the PATH
_BIN_GLOB = "/usr/lib/postgresql/*/bin"
TEMPLATE = "conflictmap_template"


def server_bin() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, None when PostgreSQL is not installed."""
    for d in sorted(glob.glob(_BIN_GLOB), key=lambda p: int(Path(p).parent.name), reverse=True):
        if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def postgis_installed(bin_dir: Path) -> bool:
    version = bin_dir.parent.name
    return bool(glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A running cluster; :meth:`create_database` gives a fresh database's URL."""

    def __init__(self, bin_dir: Path, shared_buffers: str = "64MB") -> None:
        self.bin = bin_dir
        self.shared_buffers = shared_buffers  # the server's cache (a benchmark gives it more)
        self.root = Path(tempfile.mkdtemp(prefix="conflictmap-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = "postgres"
        self._as_other = os.geteuid() == 0  # the server will not run as root
        self._n = 0
        if self._as_other:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("the tests run as root and there is no postgres user") from None
            shutil.chown(self.root, user="postgres")
            os.chmod(self.root, 0o700)

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        full = ["runuser", "-u", "postgres", "--", *cmd] if self._as_other else list(cmd)
        return subprocess.run(full, capture_output=True, text=True, check=True, timeout=120)

    def start(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user,
            "-E", "UTF8", "--no-sync", "--locale=C.UTF-8",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            f"-c shared_buffers={self.shared_buffers}"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip
        self.sql("postgres", f"CREATE DATABASE {TEMPLATE}")
        self.sql(TEMPLATE, "CREATE EXTENSION postgis; CREATE EXTENSION btree_gist; "
                 "CREATE EXTENSION unaccent")  # fmt: skip

    def url(self, db: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{db}"

    def sql(self, db: str, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True) as con:
            con.execute(statement)

    def create_database(self) -> str:
        self._n += 1
        name = f"test_{os.getpid()}_{self._n}"
        self.sql("postgres", f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.sql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

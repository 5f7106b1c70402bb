"""Shared fixtures: a real gazetteer built once by the real builder from the package data."""

from __future__ import annotations

import os

import pytest

from gazetteer.lookup import Gazetteer, open_gazetteer


@pytest.fixture(scope="session")
def gazetteer_path(request) -> str:
    """The full gazetteer, kept in pytest's cache and rebuilt only when its sources change."""
    env = os.environ.get("CONFLICTMAP_TEST_GAZETTEER")
    if env:
        return env
    path = request.config.cache.mkdir("conflictmap") / "gazetteer.sqlite"
    open_gazetteer(path, progress=False)
    return str(path)


@pytest.fixture(scope="session")
def gaz(gazetteer_path) -> Gazetteer:
    return Gazetteer(gazetteer_path)


# -- a throwaway PostgreSQL/PostGIS cluster (tests/postgis_cluster.py) --------------------------
ENV_REQUIRE_POSTGIS = "CONFLICTMAP_REQUIRE_POSTGIS"  # set: a missing PostGIS fails, not skips


@pytest.fixture(scope="session")
def postgis_cluster():
    """A PostgreSQL + PostGIS server started for this test session, removed afterwards."""
    from tests.postgis_cluster import Cluster, postgis_installed, server_bin

    bin_dir = server_bin()
    missing = None
    if bin_dir is None:
        missing = "PostgreSQL is not installed (apt-get install postgresql postgis)"
    elif not postgis_installed(bin_dir):
        missing = "PostGIS is not installed (apt-get install postgis)"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            missing = "psycopg is not installed (pip install 'psycopg[binary]')"
    if missing:
        if os.environ.get(ENV_REQUIRE_POSTGIS):
            pytest.fail(missing)
        pytest.skip(missing)
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgis_url(postgis_cluster) -> str:
    """The URL of a new empty database (with the extensions) on the session's cluster."""
    url = postgis_cluster.create_database()
    yield url
    postgis_cluster.drop_database(url)


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request, tmp_path) -> str:
    """Where a new store goes, once per backend: an SQLite file, then a PostGIS database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite")
    return request.getfixturevalue("postgis_url")

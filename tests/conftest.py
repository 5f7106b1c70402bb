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

"""What the SQLite and PostGIS stores share (geo.store.sql_common): the pieces both backends'
rows depend on, checked once here; the store suite checks them again through both backends."""

from __future__ import annotations

import doctest

import pytest

from geo.errors import ConfigError, NotFoundError
from geo.store import sql_common
from geo.store.base import SCHEMA_VERSION
from geo.store.sql_common import (
    KIND_BLOCK,
    NO_DAY,
    day_span,
    event_key,
    iso_day,
    julian_day,
    new_kind_code,
    role_counts,
    schema_error,
)


def test_the_examples_in_the_docstrings_hold():
    assert doctest.testmod(sql_common).failed == 0


@pytest.mark.parametrize(
    ("same", "top", "code"),
    [
        (None, None, 0),  # the first type of an empty store
        (None, 0, KIND_BLOCK),  # a second type: the next block
        (None, 2 * KIND_BLOCK + 7, 3 * KIND_BLOCK),
        (KIND_BLOCK, None, KIND_BLOCK + 1),  # a new subtype of a known type
        (2 * KIND_BLOCK - 1, None, 2 * KIND_BLOCK - 1),  # past 4095 subtypes: they share the last
    ],
)
def test_a_new_kind_code_stays_in_its_types_block(same, top, code):
    assert new_kind_code(same, top) == code


def test_a_days_span_is_julian_days_and_reads_back():
    lo, hi = day_span("2016-12-01", "2016-12-31")
    assert (iso_day(lo), iso_day(hi)) == ("2016-12-01", "2016-12-31")
    assert hi - lo == 30 and julian_day("2016-12-01") == lo
    assert day_span(None, None) == NO_DAY == day_span("", "2016-12-01")


@pytest.mark.parametrize("bad", ["abc", None, 2**63, -(2**63) - 1, "1.5"])
def test_an_event_id_out_of_a_64_bit_integer_is_not_found(bad):
    with pytest.raises(NotFoundError):
        event_key(bad)
    assert event_key(" 42 ") == 42 and event_key(2**63 - 1) == 2**63 - 1


def test_mentions_are_counted_by_place_and_role():
    counts = role_counts([("a", "literal"), ("a", "metonymic"), ("b", "country"), ("a", "x")])
    assert counts == {"a": [3, 1, 1, 0], "b": [1, 0, 0, 1]}  # an unknown role counts in all


def test_a_store_of_another_schema_version_says_which():
    assert schema_error("x.sqlite", SCHEMA_VERSION) is None
    newer = schema_error("x.sqlite", SCHEMA_VERSION + 1)
    assert isinstance(newer, ConfigError) and "upgrade conflictmap" in str(newer)
    assert "unknown schema version -1" in str(schema_error("db", -1))

"""Event types declared once: every type the extractor can emit is declared, with its style."""

from __future__ import annotations

import pytest

from geo import event_types as et
from geo.errors import ConfigError
from geo.lang import LANG_DIR, read_tsv

TRIGGER_FILES = sorted(LANG_DIR.glob("*/events_triggers.tsv"))


def _emitted() -> set[tuple[str, str]]:
    out = set()
    for path in TRIGGER_FILES:
        for row in read_tsv(path, ("pattern", "type", "subtype", "form")):
            if row[1] == "-" or row[3].startswith("block"):
                continue  # contexts (blocking a trigger, placing an event) name no type
            out.add((row[1], row[2]))
    return out


def test_trigger_files_are_found():
    assert {p.parent.name for p in TRIGGER_FILES} >= {"fr", "en"}


def test_every_type_and_subtype_the_triggers_give_is_declared():
    declared = et.subtypes_by_type()
    missing = []
    for type_, subtype in sorted(_emitted()):
        if type_ not in declared:
            missing.append(type_)
        elif subtype and not subtype.startswith("@") and subtype not in declared[type_]:
            missing.append(f"{type_}: {subtype}")
    assert missing == []


def test_acled_backbone_and_diplomacy_in_rank_order():
    assert [t.name for t in et.event_types()] == [
        "Explosions/Remote violence", "Battles", "Violence against civilians",
        "Strategic developments", "Protests", "Riots", "Diplomacy",
    ]  # fmt: skip
    assert [t.rank for t in et.event_types()] == list(range(7))


def test_each_type_has_a_distinct_style_and_labels():
    colours = [t.colour for t in et.event_types()]
    assert len(set(colours)) == len(colours)
    for t in et.event_types():
        assert t.icon and t.label("fr") and t.label("en") == t.name
        assert t.weight > 0
    assert et.style("Protests") == ("#2ca02c", "bullhorn")
    assert et.style("Unheard of") == et.OTHER_STYLE


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Battles", ("Battles", None)),
        ("combats", ("Battles", None)),
        ("Violence contre les civils", ("Violence against civilians", None)),
        ("Air/drone strike", ("Explosions/Remote violence", "Air/drone strike")),
        ("Frappe aérienne ou de drone", ("Explosions/Remote violence", "Air/drone strike")),
        ("rencontre/pourparlers", ("Diplomacy", "Meeting/talks")),
        ("Manifestations", ("Protests", None)),
        ("picnic", None),
    ],
)
def test_resolve_a_filter_in_either_language(name, expected):
    assert et.resolve(name) == expected


def test_families_group_what_may_merge():
    assert et.family("Battles") == et.family("Explosions/Remote violence") == "political violence"
    assert et.family("Protests") == et.family("Riots") == "demonstrations"
    assert et.family("Diplomacy") == "diplomacy"
    assert et.family("nothing") is None


def test_the_map_reads_its_styles_from_the_file():
    from web import maps

    assert maps.event_style("Battles") == et.style("Battles")
    assert list(maps.EVENT_STYLES) == [t.name for t in et.event_types()]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("X\tY\t\t\t\t\tx\tx\n", "must follow its type"),
        ("X\t\tf\t1\tred\tbomb\tx\tx\n", "not #rrggbb"),
        ("X\t\tf\tmuch\t#000000\tbomb\tx\tx\n", "not a number"),
        ("X\t\tf\t1\t#000000\tbomb\tx\tx\nX\t\tf\t1\t#000001\tbomb\tx\tx\n", "declared twice"),
        ("X\t\tf\t1\t#000000\tbomb\n", "every label_ column"),
    ],
)
def test_a_bad_row_is_reported(tmp_path, body, message):
    path = tmp_path / "t.tsv"
    head = "type\tsubtype\tfamily\tweight\tcolour\ticon\tlabel_fr\tlabel_en\tcomment\n"
    path.write_text(head + body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        et.load(path)

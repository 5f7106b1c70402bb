"""The faster scans of geo.scanning find exactly what the plain regex scans find."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.dates import date_lexicon
from geo.events.lexicon import actor_scanner, load_actors, load_triggers, trigger_scanner
from geo.scanning import Prefixed, Scanner, literal_starts, lowered, tree_alternation
from geo.statements.lexicon import load_lexicon

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))

# Texts that test the edges: case, whitespace runs, apostrophes, hyphens, letters the regex
# engine folds specially (dotless i, long s), a match at offset 0 and at the very end.
EDGES = [
    "",
    "a",
    "A ont  a\ta\u00a0tué",
    "Frappes aériennes. FRAPPE! Une frappe-test, l'autofrappe et les frappes",
    "ſe ſont affrontés ; ıl a tué 3 civils",
    "İstanbul : le président Erdoğan a déclaré jeudi 12 mars qu'il viendrait.",
    "Le 1er août 2016, M. Poutine s'est entretenu au téléphone avec M.\u2009Erdogan.",
    "\u00abNous avançons\u00bb, a-t-il déclaré, ajoutant: «Rien»",
    "U.S.-led strikes hit Raqqa on Monday; officials said 12 were killed",
]


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS] + EDGES


def _groups() -> dict[str, tuple[list[re.Pattern[str]], Scanner]]:
    out = {}
    for lang in ("fr", "en"):
        triggers = load_triggers(lang)
        out[f"triggers {lang}"] = ([t.pattern for t in triggers], trigger_scanner(lang))
        lx = load_lexicon(lang)
        out[f"statements {lang}"] = ([p for _, p in lx.events], lx.scanner)
        dl = date_lexicon(lang)
        out[f"dates {lang}"] = ([p for _, p in dl.patterns], dl.scanner)
    out["actors"] = ([a.pattern for a in load_actors()], actor_scanner())
    return out


@pytest.mark.parametrize("name", sorted(_groups()))
def test_scanner_finds_what_finditer_finds(name):
    patterns, scanner = _groups()[name]
    for text in _texts():
        got = [[(m.span(), m.groups()) for m in ms] for ms in scanner.matches(text)]
        want = [[(m.span(), m.groups()) for m in p.finditer(text)] for p in patterns]
        assert got == want, f"{name} on {text[:60]!r}"


def test_most_lexicon_patterns_are_scanned_by_their_starts():
    for name, (_, scanner) in _groups().items():
        starts = [item.starts for item in scanner.items]
        assert sum(s is not None for s in starts) >= 0.9 * len(starts), name


def test_prefixed_scan_overlapping_starts_and_word_starts():
    p = Prefixed(re.compile(r"(?<![\w-])(?:s'est\s+\w+|est\s+\w+)", re.I))
    text = "Il s'est retiré, puis est parti; l'ouest est calme"
    assert p.starts == ("est ", "s'est ")
    got = [m.group() for m in p.finditer(text, lowered(text))]
    assert (
        got
        == [m.group() for m in p.pattern.finditer(text)]
        == [
            "s'est retiré",
            "est parti",
            "est calme",
        ]
    )


def test_patterns_without_a_literal_start_are_scanned_in_full():
    assert literal_starts(re.compile(r"(?<!\w)\w+erait(?!\w)")) is None
    assert literal_starts(re.compile(r"ab")) is None  # too short without a word start
    sc = Scanner([re.compile(r"\w+erait"), re.compile(r"(?<![\w-])tué")], [("erait",), ()])
    assert [[m.group() for m in ms] for ms in sc.matches("il serait tué")] == [
        ["serait"],
        ["tué"],
    ]


def test_tree_alternation_prefers_what_the_plain_alternation_prefers():
    phrases = ["a", "a dit", "ajoute", "ajouté", "a déclaré", "affirme", "dit"]
    plain = "|".join(
        r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=lambda p: -len(p))
    )
    tree = tree_alternation([p.split() for p in phrases], r"\s+")
    assert tree is not None
    text = "Il a  dit, a déclaré, ajouté, ajoute et affirme: a"
    for tail in ("", r"(?=,)", r"\b"):
        a = [m.span() for m in re.finditer(f"(?:{plain}){tail}", text, re.I)]
        b = [m.span() for m in re.finditer(f"(?:{tree}){tail}", text, re.I)]
        assert a == b


def test_tree_alternation_gives_up_on_case_variants_and_other_scripts():
    assert tree_alternation([["Dit"], ["dit"]], r"\s+") is None
    assert tree_alternation([["İstanbul"]], r"\s+") is None

"""Small real data for the web tests: extracted documents over real gazetteer places, and the
real SQLite store they go into."""

from __future__ import annotations

import pytest

from geo.model import DateValue, Document, Event, Mention, Place, Statement
from geo.pipeline import Extracted
from geo.store import Store, open_store

HOSTILE = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"


# -- the documents -----------------------------------------------------------------------------
def _place(gaz, name: str, lang: str = "fr", country: str | None = None) -> Place:
    cands = gaz.candidates(name, lang=lang, country=country)
    assert cands, f"the gazetteer has no {name!r}"
    return cands[0].place


def _mentions(text: str, pairs: list[tuple[str, Place | None]], role="literal") -> tuple:
    out = []
    for surface, place in pairs:
        start = text.index(surface)
        out.append(Mention(start, start + len(surface), surface, place=place, role=role, score=0.9))
    return tuple(out)


def _event(text, sentence_part, type_, subtype, date, place, actors=(), fatalities=None):
    start = text.index(sentence_part)
    return Event(
        type=type_,
        subtype=subtype,
        sentence=sentence_part,
        start=start,
        end=start + len(sentence_part),
        date=DateValue(date, "day" if date else "unknown"),
        actors=tuple(actors),
        fatalities=fatalities,
        place=place,
        place_precision="city",
        confidence=0.8,
    )


def build_extracted(gaz) -> list[Extracted]:
    """Four documents: French and English reports, one with hostile markup, one with many
    events (for pagination)."""
    aleppo = gaz.get("gn:170063")
    idlib = _place(gaz, "Idleb")
    saraqib = _place(gaz, "Saraqeb")
    raqqa = _place(gaz, "Raqqa", "en")
    ankara = _place(gaz, "Ankara")
    hamburg = _place(gaz, "Hambourg")
    damascus = _place(gaz, "Damas")
    syria = _place(gaz, "Syrie")

    t1 = (
        "Des frappes aériennes ont visé Alep mardi, tuant cinq civils. "
        "« Nous ne laisserons pas Idleb tomber », a déclaré le ministre turc à Ankara."
    )
    q1 = "Nous ne laisserons pas Idleb tomber"
    x1 = Extracted(
        doc=Document(
            "doc-alep",
            t1,
            lang="fr",
            published="2024-03-01",
            source="AFP",
            title="Frappes sur Alep",
            url="https://example.org/alep",
        ),
        lang="fr",
        published=DateValue("2024-03-01", "day"),
        mentions=_mentions(t1, [("Alep", aleppo), ("Idleb", idlib), ("Ankara", ankara)]),
        events=(
            _event(
                t1,
                "Des frappes aériennes ont visé Alep mardi, tuant cinq civils.",
                "Explosions/Remote violence",
                "Air/drone strike",
                "2024-02-27",
                aleppo,
                ["Russian air force"],
                5,
            ),
        ),
        statements=(
            Statement(
                q1,
                t1.index(q1),
                t1.index(q1) + len(q1),
                speaker="Hakan Fidan",
                speaker_role="ministre turc",
                date=DateValue("2024-03-01", "day"),
                where_said=ankara,
                places=(idlib,),
            ),
        ),
    )

    t2 = (
        "Clashes broke out near Saraqib on Sunday between HTS and the Syrian army. "
        "Hundreds protested in Hamburg on Monday."
    )
    x2 = Extracted(
        doc=Document(
            "doc-saraqib",
            t2,
            lang="en",
            published="2024-03-11",
            source="Reuters",
            title="Clashes near Saraqib",
        ),
        lang="en",
        published=DateValue("2024-03-11", "day"),
        mentions=_mentions(t2, [("Saraqib", saraqib), ("Hamburg", hamburg)]),
        events=(
            _event(
                t2,
                "Clashes broke out near Saraqib on Sunday between HTS and the Syrian army.",
                "Battles",
                "Armed clash",
                "2024-03-10",
                saraqib,
                ["HTS", "Syrian army"],
            ),
            _event(
                t2,
                "Hundreds protested in Hamburg on Monday.",
                "Protests",
                None,
                "2024-03-11",
                hamburg,
                ["protesters"],
            ),
        ),
        statements=(),
    )

    t3 = (
        f"Report from Raqqa: {HOSTILE} and {HOSTILE_IMG} ${{alert(1)}} `x` "
        f"- an explosion hit Raqqa. \u00ab {HOSTILE} stays text \u00bb, said {HOSTILE_IMG} in Raqqa."
    )
    q3 = f"{HOSTILE} stays text"
    x3 = Extracted(
        doc=Document(
            "doc-hostile",
            t3,
            lang="en",
            published="2024-04-02",
            source=HOSTILE_IMG,
            title=f"{HOSTILE} title",
        ),
        lang="en",
        published=DateValue("2024-04-02", "day"),
        mentions=_mentions(t3, [("Raqqa", raqqa)]),
        events=(
            _event(
                t3,
                t3[: t3.index("Raqqa.") + 6],
                "Explosions/Remote violence",
                "Remote explosive/landmine/IED",
                "2024-04-02",
                raqqa,
                [HOSTILE_IMG],
            ),
        ),
        statements=(
            Statement(
                q3,
                t3.index(q3),
                t3.index(q3) + len(q3),
                speaker=HOSTILE_IMG,
                date=DateValue("2024-04-02", "day"),
                where_said=raqqa,
                places=(raqqa,),
            ),
        ),
    )

    lines = [f"Fighting was reported in Damascus on day {i} of January." for i in range(1, 13)]
    t4 = " ".join(lines) + " Syria denied it."
    x4 = Extracted(
        doc=Document(
            "doc-damas", t4, lang="en", published="2024-01-31", title="A month of reports"
        ),
        lang="en",
        published=DateValue("2024-01-31", "day"),
        mentions=_mentions(t4, [("Damascus", damascus), ("Syria", syria)], role="literal"),
        events=tuple(
            _event(
                t4, line, "Battles", "Armed clash", f"2024-01-{i:02d}", damascus, ["Syrian army"]
            )
            for i, line in enumerate(lines, 1)
        ),
        statements=(),
    )
    return [x1, x2, x3, x4]


def make_store(path, extracted: list[Extracted]) -> Store:
    """The project's SQLite store at ``path`` (a file in a temporary folder), filled with
    ``extracted``."""
    store = open_store(path)
    for x in extracted:
        store.add(x)
    return store


def sample_store(folder: str):
    """A module's ``store`` fixture: :func:`build_extracted`'s documents in the project's
    SQLite store, in a temporary folder named ``folder``, opened once for the module's tests
    and closed after them (``store = sample_store("web")``)."""

    @pytest.fixture(scope="module")
    def fixture(gaz, tmp_path_factory):
        st = make_store(tmp_path_factory.mktemp(folder) / "store.sqlite", build_extracted(gaz))
        yield st
        st.close()

    return fixture

"""The stages in one list (geo.stages.STAGES): declarations checked when a pipeline is built,
the geoparser and the extractor run from the list, and one document at a time gives what a
batch gives."""

from __future__ import annotations

import doctest
import logging

import pytest

from geo import stage as stage_mod
from geo import stages as stages_mod
from geo.errors import ConfigError, DocumentError
from geo.geoparse import Geoparser
from geo.model import Document
from geo.pipeline import Extractor
from geo.stage import Pipeline, PipelineError, Stage, Work
from geo.stages import GEOPARSE_LAST, STAGES

DOCS = [
    Document(
        "alep",
        "Des frappes russes ont tué jeudi 30 civils à Alep. « Nous ne céderons pas », a "
        "déclaré le ministre syrien à Damas.",
        "fr",
        "2016-08-11",
    ),
    Document("empty", "   ", "fr"),
    Document(
        "idlib",
        "Clashes broke out near Saraqib on Sunday between rebels and the Syrian army, "
        "killing 12 fighters, a monitor said in Beirut.",
        "en",
        "2024-03-11",
    ),
    Document("given", "Les combats à Alep continuent.", "fr", spans=((14, 18),)),
]


@pytest.fixture(scope="module")
def extractor(gaz):
    return Extractor(Geoparser(gaz, use_ner=False))


def by_name(name: str) -> Stage:
    return next(s for s in STAGES if s.name == name)


def test_the_modules_examples_hold():
    assert doctest.testmod(stage_mod).failed == 0
    assert doctest.testmod(stages_mod).failed == 0


def test_every_stage_declares_what_it_reads_and_writes():
    for s in STAGES:
        assert s.assigns, s.name
        assert s.help and s.help.strip(), s.name
    assert len({s.name for s in STAGES}) == len(STAGES)


@pytest.mark.parametrize(
    ("first", "then"),
    [("dates", "clean"), ("events", "dates"), ("resolve", "recognize"), ("recognize", "entities")],
)
def test_a_stage_before_what_it_requires_is_refused_when_built(first, then):
    order = [s for s in STAGES if s.name != first]
    order.insert(order.index(by_name(then)), by_name(first))
    with pytest.raises(PipelineError, match=f"stage '{first}' requires '"):
        Pipeline(order)


def test_a_stage_left_out_is_missed_by_those_that_need_it():
    with pytest.raises(PipelineError, match="stage 'statements' requires 'dates'"):
        Pipeline([s for s in STAGES if s.name != "dates"])


def test_a_misspelt_field_or_a_name_twice_is_refused():
    with pytest.raises(PipelineError, match="'mention', which Work does not have"):
        Pipeline([Stage("x", lambda w, c: w, ("doc",), ("mention",))])
    with pytest.raises(PipelineError, match="two stages are named 'prepare'"):
        Pipeline([by_name("prepare"), by_name("prepare")])
    assert issubclass(PipelineError, ConfigError)


def test_a_stage_changing_what_it_does_not_declare_fails():
    sneaky = Stage("sneaky", lambda w, c: w.but(lang="xx", published=w.published), ("doc",), ())
    with pytest.raises(PipelineError, match="'sneaky' changed lang undeclared"):
        Pipeline([sneaky]).run(Work(Document("d", "texte")), None)


def test_the_geoparser_and_the_extractor_run_the_list(extractor):
    names = [s.name for s in STAGES]
    assert extractor.pipeline.names == names
    assert extractor.geoparser.pipeline.names == names[: names.index(GEOPARSE_LAST) + 1]


def test_a_stage_added_to_the_list_runs_in_the_extractor(extractor, monkeypatch):
    """A stage put in the list is run by the extractor, in its place, with what it requires."""
    seen = []

    def spy(w, ctx):
        seen.append((w.doc.id, len(w.events), w.lexicons.code))
        return w.but(statements=())

    order = [*STAGES[:-1], Stage("spy", spy, ("events", "lexicons"), ("statements",)), STAGES[-1]]
    monkeypatch.setattr(extractor, "pipeline", Pipeline(order))
    x = extractor.extract(DOCS[0])
    assert seen == [("alep", len(x.events), "fr")] and x.events and x.statements == ()


def test_one_at_a_time_gives_what_a_batch_gives(extractor):
    many = list(extractor.extract_many(DOCS, batch_size=3))
    assert [type(x).__name__ for x in many] == [
        "Extracted", "DocumentError", "Extracted", "Extracted"
    ]  # fmt: skip
    assert isinstance(many[1], DocumentError) and many[1].doc_id == "empty"
    for doc, x in zip(DOCS, many, strict=True):
        if isinstance(x, DocumentError):
            with pytest.raises(DocumentError):
                extractor.extract(doc)
            continue
        assert extractor.extract(doc) == x
        assert extractor._from_parsed(extractor.geoparser.parse(doc)) == x
    assert many[0].events and many[0].statements and many[2].events
    assert [m.text for m in many[3].mentions] == ["Alep"]  # the given span, as it is


def test_a_batchs_named_entities_go_to_their_own_documents(gaz):
    """One NER pass per language over a batch: each document gets its own entities, as when
    it is parsed alone."""
    parser = Geoparser(gaz)
    docs = [
        Document("a", "Le ministre Mevlut Cavusoglu est arrivé à Ankara mardi.", "fr"),
        Document("b", "Kiev reçoit la visite de Emmanuel Macron et de l'OTAN.", "fr"),
        DOCS[2],
        Document("c", "Des combats ont eu lieu à Alep, selon Rami Abdel Rahmane.", "fr"),
    ]
    batch = list(parser.parse_many(docs, batch_size=len(docs)))
    assert batch == [parser.parse(d) for d in docs]
    assert all(p.entities for p in batch)
    assert len({p.entities for p in batch}) == len(docs)


def test_a_document_without_lexicons_stops_after_its_places(extractor, caplog):
    doc = Document("es", "Los combates continúan en Alepo, dijo el ministro en Damasco.", "es")
    with caplog.at_level(logging.WARNING, logger="geo.pipeline"):
        x = extractor.extract(doc)
    assert x.lang == "es" and x.mentions and x.events == () and x.statements == ()
    assert "no lexicons for language 'es'" in caplog.text

"""The stages of the extraction, in one list: what each needs and what it adds.

:data:`STAGES` is the order the stages run in; each declares the fields of
:class:`geo.stage.Work` it ``requires`` and ``assigns``, checked when a pipeline is built
(:class:`geo.stage.Pipeline`). The geoparser runs the stages up to :data:`GEOPARSE_LAST`
(:class:`geo.geoparse.Geoparser`), the extractor all of them (:class:`geo.pipeline.Extractor`).
Each stage's function adapts its module (text, recognize, resolve, parts, containers, dates,
statements, events) to the document in flight; adding a stage is one entry here.

Statements and events read the text with repeated paragraphs blanked, so a lead paragraph that
a site printed twice yields its statements and events once. A document in a language with no
lexicons (:mod:`geo.lang`) keeps its places and its publication date, and stops there with a
warning naming it: reading it with another language's words would report false events.

Example
-------
>>> [s.name for s in STAGES][:3]
['prepare', 'entities', 'recognize']
>>> PIPELINE.upto(GEOPARSE_LAST).names[-1]
'place_offsets'
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, replace

from gazetteer.lookup import Gazetteer
from geo import dates
from geo.containers import divisions_by_neighbours
from geo.events import extract_events
from geo.lang import DEFAULT, SUPPORTED, get_language
from geo.model import Event, Statement
from geo.parts import with_parts
from geo.peoples import peoples_of
from geo.recognize import Recognizer, Span, cue_before, locative_cues
from geo.resolve import resolve
from geo.stage import Pipeline, Stage, Work
from geo.statements import extract_statements
from geo.text import (
    NormalizedText,
    blank_repeated_paragraphs,
    check_document_text,
    detect_language,
    normalize,
    remove_boilerplate,
)

log = logging.getLogger("geo.pipeline")  # the pipeline's warnings, under the pipeline's name


@dataclass(frozen=True)
class Context:
    """What the stages share across documents, loaded once: the gazetteer and the recogniser
    (with its NER models)."""

    gaz: Gazetteer
    recognizer: Recognizer


# -- geoparse ------------------------------------------------------------------------------------
def prepare(w: Work, ctx: Context) -> Work:
    """Refuse unusable text; normalise it, blank page furniture, detect the language."""
    check_document_text(w.doc.text, w.doc.id)
    nt = remove_boilerplate(normalize(w.doc.text))
    return w.but(normalized=nt, lang=w.doc.lang or detect_language(nt.text) or DEFAULT)


def entities_batch(works: list[Work], ctx: Context) -> list[Work]:
    """One NER pass per language over the batch's documents (none for given spans)."""
    found: dict[int, list] = {}
    by_lang: dict[str, list[int]] = {}
    for k, w in enumerate(works):
        if w.doc.spans is None:
            by_lang.setdefault(w.lang, []).append(k)
    for lang, ks in by_lang.items():
        ents = ctx.recognizer.entities([works[k].normalized.text for k in ks], lang)
        found.update(zip(ks, ents, strict=True))
    return [
        w.but(entities=tuple(found[k]) if k in found and ctx.recognizer.has_ner(w.lang) else None)
        for k, w in enumerate(works)
    ]


def entities(w: Work, ctx: Context) -> Work:
    """Named entities of the normalised text (None when no NER runs)."""
    return entities_batch([w], ctx)[0]


def recognize(w: Work, ctx: Context) -> Work:
    """Place-name spans: the recogniser's, or the document's own spans as they are."""
    if w.doc.spans is not None:
        return w.but(spans=tuple(_given_spans(w, ctx)))
    spans = ctx.recognizer.recognize(w.normalized.text, w.lang, list(w.entities or ()))
    return w.but(spans=tuple(spans))


def _given_spans(w: Work, ctx: Context) -> list[Span]:
    """The user's spans, resolved as they are (no recognition)."""
    nt, lang = w.normalized, w.lang
    loc_cues = locative_cues(lang)
    orig_to_norm = _inverse_map(nt)
    spans = []
    for a, b in w.doc.spans or ():
        s, e = orig_to_norm(a), orig_to_norm(b)
        phrase = nt.text[s:e]
        cands = ctx.gaz.candidates(
            phrase, lang=lang if get_language(lang) else None, limit=8, allow_common=True
        )
        spans.append(
            Span(s, e, phrase, cands, locative=cue_before(nt.text, s, loc_cues), source="given")
        )
    return spans


def _inverse_map(nt: NormalizedText):
    """A function from an original offset to the normalised offset at or after it."""
    starts = [nt.to_original(i, i + 1)[0] for i in range(len(nt.text))]

    def to_norm(orig: int) -> int:
        return min(bisect.bisect_left(starts, orig), len(nt.text))

    return to_norm


def peoples(w: Work, ctx: Context) -> Work:
    """Countries the text's peoples name ("the Syrian town of": Syria's support)."""
    return w.but(peoples=peoples_of(w.normalized.text, w.lang, ctx.gaz))


def resolve_stage(w: Work, ctx: Context) -> Work:
    """A place for each span, with its role, score and reason."""
    return w.but(mentions=tuple(resolve(list(w.spans), w.normalized.text, w.peoples)))


def parts(w: Work, ctx: Context) -> Work:
    """A country named as a compass part of it ("le sud du Liban") gets that division."""
    found = with_parts(list(w.mentions), w.normalized.text, w.lang, ctx.gaz)
    return w.but(mentions=tuple(found))


def divisions(w: Work, ctx: Context) -> Work:
    """A name re-read as the division its neighbours show it is ("Buffalo, New York")."""
    return w.but(
        mentions=tuple(divisions_by_neighbours(list(w.mentions), w.normalized.text, ctx.gaz))
    )


def place_offsets(w: Work, ctx: Context) -> Work:
    """The mentions with offsets and text of the original document."""
    nt, text = w.normalized, w.doc.text
    out = []
    for m in w.mentions:
        start, end = nt.to_original(m.start, m.end)
        part_start = nt.to_original(m.part_start, m.end)[0] if m.part is not None else None
        out.append(replace(m, start=start, end=end, text=text[start:end], part_start=part_start))
    return w.but(original_mentions=tuple(out))


# -- dates, statements, events -------------------------------------------------------------------
def published(w: Work, ctx: Context) -> Work:
    """The publication date: the document's, else one its text gives."""
    return w.but(published=dates.infer_publication_date(w.normalized.text, w.doc.published))


def lexicons(w: Work, ctx: Context) -> Work:
    """The language's lexicons; a document in a language without them stops here, warned."""
    spec = get_language(w.lang)
    if spec is None:
        log.warning(
            "document %s: no lexicons for language %r (only %s): places and publication "
            "date kept, statements and events skipped (--lang or a 'lang' field reads it as one)",
            w.doc.id,
            w.lang,
            ", ".join(SUPPORTED),
        )
        return w.stop(f"no lexicons for language {w.lang!r}")
    return w.but(lexicons=spec)


def clean(w: Work, ctx: Context) -> Work:
    """Repeated paragraphs blanked; the mentions and entities left outside them."""
    cleaned = blank_repeated_paragraphs(w.normalized)
    blank = [(b.start, b.end) for b in cleaned.blanked]

    def visible(at: int) -> bool:
        return not any(a <= at < b for a, b in blank)

    ents = None if w.entities is None else tuple(e for e in w.entities if visible(e[0]))
    return w.but(
        cleaned=cleaned,
        cleaned_mentions=tuple(m for m in w.mentions if visible(m.start)),
        cleaned_entities=ents,
    )


def find_dates(w: Work, ctx: Context) -> Work:
    """Every date expression, resolved against the publication date."""
    ref = w.published if w.published.value else None
    return w.but(dates=tuple(dates.find_dates(w.cleaned.text, ref, w.lang)))


def statements(w: Work, ctx: Context) -> Work:
    """Quotations and reported speech, with speaker, date and where said."""
    text, ments, lang = w.cleaned.text, list(w.cleaned_mentions), w.lang
    if w.cleaned_entities is not None:  # reuse the geoparser's NER pass
        found = extract_statements(
            text, ments, lang=lang, dates=w.dates, entities=list(w.cleaned_entities)
        )
    else:  # no NER (English, --no-ner): names from capitalisation only
        found = extract_statements(text, ments, lang=lang, dates=w.dates, nlp=False)
    return w.but(statements=tuple(found))


def events(w: Work, ctx: Context) -> Work:
    """Events: type, actors, toll, date and place, most salient first."""
    found = extract_events(
        w.cleaned.text,
        list(w.cleaned_mentions),
        lang=w.lang,
        dates=w.dates,
        published=w.published.value,
        title=w.doc.title,
    )
    return w.but(events=tuple(found))


def offsets(w: Work, ctx: Context) -> Work:
    """Events and statements with offsets into the original text."""
    nt, text = w.normalized, w.doc.text

    def original(item: Event | Statement):
        start, end = nt.to_original(item.start, item.end)
        if isinstance(item, Event):
            return replace(item, start=start, end=end, sentence=text[start:end])
        return replace(item, start=start, end=end)

    return w.but(
        events=tuple(original(e) for e in w.events),
        statements=tuple(original(s) for s in w.statements),
    )


STAGES: tuple[Stage, ...] = (
    Stage("prepare", prepare, ("doc",), ("normalized", "lang"), help=prepare.__doc__),
    Stage(
        "entities", entities, ("doc", "normalized", "lang"), ("entities",),
        batch=entities_batch, help=entities.__doc__,
    ),
    Stage(
        "recognize", recognize, ("doc", "normalized", "lang", "entities"), ("spans",),
        help=recognize.__doc__,
    ),
    Stage("peoples", peoples, ("normalized", "lang"), ("peoples",), help=peoples.__doc__),
    Stage(
        "resolve", resolve_stage, ("spans", "normalized", "peoples"), ("mentions",),
        help=resolve_stage.__doc__,
    ),
    Stage("parts", parts, ("mentions", "normalized", "lang"), ("mentions",), help=parts.__doc__),
    Stage("divisions", divisions, ("mentions", "normalized"), ("mentions",), help=divisions.__doc__),
    Stage(
        "place_offsets", place_offsets, ("mentions", "normalized"), ("original_mentions",),
        help=place_offsets.__doc__,
    ),
    Stage("published", published, ("doc", "normalized"), ("published",), help=published.__doc__),
    Stage("lexicons", lexicons, ("lang",), ("lexicons",), help=lexicons.__doc__),
    Stage(
        "clean", clean, ("normalized", "mentions", "entities"),
        ("cleaned", "cleaned_mentions", "cleaned_entities"), help=clean.__doc__,
    ),
    Stage(
        "dates", find_dates, ("cleaned", "published", "lang", "lexicons"), ("dates",),
        help=find_dates.__doc__,
    ),
    Stage(
        "statements", statements,
        ("cleaned", "cleaned_mentions", "cleaned_entities", "dates", "lang", "lexicons"),
        ("statements",),
        help=statements.__doc__,
    ),
    Stage(
        "events", events,
        ("doc", "cleaned", "cleaned_mentions", "dates", "published", "lang", "lexicons"),
        ("events",), help=events.__doc__,
    ),
    Stage(
        "offsets", offsets, ("normalized", "events", "statements"), ("events", "statements"),
        help=offsets.__doc__,
    ),
)  # fmt: skip

GEOPARSE_LAST = "place_offsets"  # the geoparser's stages end here

PIPELINE = Pipeline(STAGES)  # checked at import: a stage out of order fails here

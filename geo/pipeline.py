"""The whole extraction: geoparse, dates, statements and events, for one document or many.

The stages and their order are declared once, in :data:`geo.stages.STAGES` (each with what it
requires and assigns, checked when the pipeline is built); the :class:`Extractor` runs all of
them, the :class:`~geo.geoparse.Geoparser` the first ones. In short:

1. :mod:`geo.geoparse` — place mentions, resolved, with roles;
2. :mod:`geo.dates` — the publication date and every date expression;
3. :mod:`geo.statements` — quotations with speakers and where they were said;
4. :mod:`geo.events` — what happened where and when, with actors and casualties;

on the normalised text, offsets mapped back to the original text at the end.

Dates, statements and events read the words of the document's language (:mod:`geo.lang`). A
document in a language with no lexicons there (Spanish, say) keeps its detected language, its
places and its publication date, but gets no dates, statements or events, and a warning naming it
is logged: reading it with another language's words would report false events and miss the real
ones. Giving its language (``--lang``) reads it as that language.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from geo.errors import DocumentError
from geo.geoparse import BATCH_SIZE, Geoparser, Parsed, default_geoparser
from geo.model import DateValue, Document, Event, Mention, Statement
from geo.stage import Work
from geo.stages import GEOPARSE_LAST, PIPELINE


@dataclass(frozen=True)
class Extracted:
    """A document with everything extracted from it (offsets into the original text)."""

    doc: Document
    lang: str
    published: DateValue
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    statements: tuple[Statement, ...]

    @classmethod
    def of(cls, w: Work) -> Extracted:
        """What the stages found in a document (offsets into the original text)."""
        assert w.lang is not None
        return cls(w.doc, w.lang, w.published, w.original_mentions, w.events, w.statements)

    def to_dict(self, explain: bool = False) -> dict:
        """The ``conflictmap extract`` JSON line."""
        d = self.doc
        return {
            "id": d.id,
            "lang": self.lang,
            "published": self.published.value,
            "published_precision": self.published.precision,
            "source": d.source,
            "url": d.url,
            "title": d.title,
            "mentions": [m.to_dict(explain=explain) for m in self.mentions],
            "events": [e.to_dict() for e in self.events],
            "statements": [s.to_dict() for s in self.statements],
        }


class Extractor:
    """Runs every stage of :data:`geo.stages.STAGES`; the geoparser's gazetteer and models are
    loaded once and shared."""

    pipeline = PIPELINE
    _after_geoparse = PIPELINE.after(GEOPARSE_LAST)

    def __init__(self, geoparser: Geoparser | None = None) -> None:
        self.geoparser = geoparser or default_geoparser()

    def _from_parsed(self, parsed: Parsed) -> Extracted:
        """The stages after the geoparser's, over what it found."""
        return Extracted.of(self._after_geoparse.run(parsed.work(), self.geoparser.context))

    def extract(self, doc: Document) -> Extracted:
        """Extract one document (raises :class:`DocumentError` for unusable text)."""
        return Extracted.of(self.pipeline.run(Work(doc), self.geoparser.context))

    def extract_many(
        self, docs: Iterable[Document | DocumentError], batch_size: int = BATCH_SIZE
    ) -> Iterator[Extracted | DocumentError]:
        """Extract a stream of documents; bad ones come out as errors, in order."""
        items = (d if isinstance(d, DocumentError) else Work(d) for d in docs)
        for w in self.pipeline.run_many(items, self.geoparser.context, batch_size):
            yield w if isinstance(w, DocumentError) else Extracted.of(w)


def extract(text: str, lang: str | None = None, published: str | None = None) -> Extracted:
    """Everything extracted from one article.

    Example
    -------
    >>> x = extract("Des frappes russes ont tué jeudi 30 civils à Alep.", "fr", "2016-08-11")
    >>> x.events[0].place.name
    'Aleppo'
    """
    return Extractor().extract(Document(id="text", text=text, lang=lang, published=published))

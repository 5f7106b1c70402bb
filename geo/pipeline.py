"""The whole extraction: geoparse, dates, statements and events, for one document or many.

Stages run in this order on the normalised text (offsets are mapped back to the original text
at the end):

1. :mod:`geo.geoparse` — place mentions, resolved, with roles;
2. :mod:`geo.dates` — the publication date and every date expression;
3. :mod:`geo.statements` — quotations with speakers and where they were said;
4. :mod:`geo.events` — what happened where and when, with actors and casualties.

Statements and events read the text with repeated paragraphs blanked, so a lead paragraph that
a site printed twice yields its statements and events once.

Dates, statements and events read the words of the document's language (:mod:`geo.lang`). A
document in a language with no lexicons there (Spanish, say) keeps its detected language, its
places and its publication date, but gets no dates, statements or events, and a warning naming it
is logged: reading it with another language's words would report false events and miss the real
ones. Giving its language (``--lang``) reads it as that language.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from geo import dates as dates_mod
from geo.errors import DocumentError
from geo.geoparse import Geoparser, Parsed, default_geoparser
from geo.lang import SUPPORTED, get_language
from geo.model import DateValue, Document, Event, Mention, Statement
from geo.text import NormalizedText, blank_repeated_paragraphs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extracted:
    """A document with everything extracted from it (offsets into the original text)."""

    doc: Document
    lang: str
    published: DateValue
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    statements: tuple[Statement, ...]

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


def _to_original(nt: NormalizedText, item, original: str):
    start, end = nt.to_original(item.start, item.end)
    if isinstance(item, Event):
        return replace(item, start=start, end=end, sentence=original[start:end])
    if isinstance(item, Statement):
        return replace(item, start=start, end=end)
    return item


class Extractor:
    """Runs every stage; the geoparser (and its models) are loaded once and shared."""

    def __init__(self, geoparser: Geoparser | None = None) -> None:
        self.geoparser = geoparser or default_geoparser()

    def _from_parsed(self, parsed: Parsed) -> Extracted:
        from geo.events import extract_events
        from geo.statements import extract_statements

        doc, nt = parsed.doc, parsed.normalized
        lang = parsed.lang
        published = dates_mod.infer_publication_date(nt.text, doc.published)
        if get_language(lang) is None:
            log.warning(
                "document %s: no lexicons for language %r (only %s): places and publication "
                "date kept, statements and events skipped (--lang or a 'lang' field reads it as one)",
                doc.id,
                lang,
                ", ".join(SUPPORTED),
            )
            return Extracted(doc, lang, published, parsed.mentions, events=(), statements=())
        cleaned = blank_repeated_paragraphs(nt)
        text = cleaned.text
        blank = [(b.start, b.end) for b in cleaned.blanked]

        def visible(m: Mention) -> bool:
            return not any(a <= m.start < b for a, b in blank)

        mentions = [m for m in parsed.norm_mentions if visible(m)]
        found = dates_mod.find_dates(text, published if published.value else None, lang)
        if parsed.entities is not None:  # reuse the geoparser's NER pass
            ents = [e for e in parsed.entities if not any(a <= e[0] < b for a, b in blank)]
            statements = extract_statements(text, mentions, lang=lang, dates=found, entities=ents)
        else:  # no NER (English, --no-ner): names from capitalisation only
            statements = extract_statements(text, mentions, lang=lang, dates=found, nlp=False)
        events = extract_events(
            text, mentions, lang=lang, dates=found, published=published.value, title=doc.title
        )
        return Extracted(
            doc=doc,
            lang=parsed.lang,
            published=published,
            mentions=parsed.mentions,
            events=tuple(_to_original(nt, e, doc.text) for e in events),
            statements=tuple(_to_original(nt, s, doc.text) for s in statements),
        )

    def extract(self, doc: Document) -> Extracted:
        """Extract one document (raises :class:`DocumentError` for unusable text)."""
        return self._from_parsed(self.geoparser.parse(doc))

    def extract_many(
        self, docs: Iterable[Document | DocumentError]
    ) -> Iterator[Extracted | DocumentError]:
        """Extract a stream of documents; bad ones come out as errors, in order."""
        for parsed in self.geoparser.parse_many(docs):
            if isinstance(parsed, DocumentError):
                yield parsed
                continue
            try:
                yield self._from_parsed(parsed)
            except DocumentError as err:
                yield err


def extract(text: str, lang: str | None = None, published: str | None = None) -> Extracted:
    """Everything extracted from one article.

    Example
    -------
    >>> x = extract("Des frappes russes ont tué jeudi 30 civils à Alep.", "fr", "2016-08-11")
    >>> x.events[0].place.name
    'Aleppo'
    """
    return Extractor().extract(Document(id="text", text=text, lang=lang, published=published))

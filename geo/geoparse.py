"""The geoparser: place names in French and English news, each resolved to a gazetteer place.

Example
-------
>>> from geo.geoparse import geoparse
>>> [(m.text, m.place.name, m.role) for m in geoparse("Damas a affirmé que les combats à Alep...")]
[('Damas', 'Damascus', 'metonymic'), ('Alep', 'Aleppo', 'literal')]
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gazetteer.lookup import Gazetteer, get_gazetteer
from geo.errors import DocumentError
from geo.model import Document, Mention
from geo.recognize import Recognizer
from geo.stage import Work
from geo.stages import GEOPARSE_LAST, PIPELINE, Context
from geo.text import NormalizedText

BATCH_SIZE = 32


@dataclass(frozen=True)
class Parsed:
    """A document with its language, its normalised text and its mentions (original offsets)."""

    doc: Document
    lang: str
    normalized: NormalizedText
    mentions: tuple[Mention, ...]
    # the same mentions with offsets into ``normalized.text`` (what later stages read)
    norm_mentions: tuple[Mention, ...] = ()
    # named entities (start, end, label) of ``normalized.text`` when NER ran
    entities: tuple[tuple[int, int, str], ...] | None = None

    @classmethod
    def of(cls, w: Work) -> Parsed:
        """What the geoparse stages found in a document."""
        assert w.normalized is not None and w.lang is not None
        return cls(w.doc, w.lang, w.normalized, w.original_mentions, w.mentions, w.entities)

    def work(self) -> Work:
        """The document in flight again, for the stages after the geoparser's."""
        return Work(
            doc=self.doc,
            normalized=self.normalized,
            lang=self.lang,
            entities=self.entities,
            mentions=self.norm_mentions,
            original_mentions=self.mentions,
        )

    def to_dict(self, explain: bool = False) -> dict:
        return {
            "id": self.doc.id,
            "lang": self.lang,
            "mentions": [m.to_dict(explain=explain) for m in self.mentions],
        }


class Geoparser:
    """Recognise and resolve place names; holds the gazetteer and the NER model, loaded once.

    Runs the geoparse stages of :data:`geo.stages.STAGES` (up to ``place_offsets``).

    Parameters
    ----------
    gazetteer:
        An open gazetteer (the shared default one, built on first use, when None).
    use_ner:
        Use spaCy's French NER to reject person and organisation names. Without it the
        geoparser is faster and relies on capitalisation and context cues only.
    """

    pipeline = PIPELINE.upto(GEOPARSE_LAST)

    def __init__(self, gazetteer: Gazetteer | None = None, use_ner: bool = True) -> None:
        self.gaz = gazetteer or get_gazetteer()
        self.recognizer = Recognizer(self.gaz, use_ner=use_ner)
        self.context = Context(self.gaz, self.recognizer)

    def parse(self, doc: Document) -> Parsed:
        """Geoparse one document (raises :class:`DocumentError` for unusable text)."""
        return Parsed.of(self.pipeline.run(Work(doc), self.context))

    def parse_many(
        self, docs: Iterable[Document | DocumentError], batch_size: int = BATCH_SIZE
    ) -> Iterator[Parsed | DocumentError]:
        """Geoparse a stream of documents in batches; bad ones come out as errors, in order."""
        items = (d if isinstance(d, DocumentError) else Work(d) for d in docs)
        for w in self.pipeline.run_many(items, self.context, batch_size):
            yield w if isinstance(w, DocumentError) else Parsed.of(w)


_default: Geoparser | None = None
_default_lock = threading.Lock()


def default_geoparser() -> Geoparser:
    """One shared :class:`Geoparser` over the default gazetteer."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Geoparser()
        return _default


def geoparse(text: str, lang: str | None = None, *, spans=None) -> list[Mention]:
    """Place-name mentions of ``text`` (offsets into ``text``), resolved, with roles and scores.

    Parameters
    ----------
    text:
        The article.
    lang:
        "fr" or "en"; detected when None.
    spans:
        Optional ``[(start, end), ...]`` to resolve as they are, with no recognition.
    """
    doc = Document(
        id="text", text=text, lang=lang, spans=tuple(map(tuple, spans)) if spans else None
    )
    return list(default_geoparser().parse(doc).mentions)

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
from dataclasses import dataclass, replace

from gazetteer.lookup import Gazetteer, get_gazetteer
from geo.containers import divisions_by_neighbours
from geo.errors import DocumentError
from geo.lang import DEFAULT, get_language
from geo.model import Document, Mention
from geo.parts import with_parts
from geo.peoples import peoples_of
from geo.recognize import Recognizer, Span
from geo.resolve import resolve
from geo.text import (
    NormalizedText,
    check_document_text,
    detect_language,
    normalize,
    remove_boilerplate,
)

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

    def to_dict(self, explain: bool = False) -> dict:
        return {
            "id": self.doc.id,
            "lang": self.lang,
            "mentions": [m.to_dict(explain=explain) for m in self.mentions],
        }


class Geoparser:
    """Recognise and resolve place names; holds the gazetteer and the NER model, loaded once.

    Parameters
    ----------
    gazetteer:
        An open gazetteer (the shared default one, built on first use, when None).
    use_ner:
        Use spaCy's French NER to reject person and organisation names. Without it the
        geoparser is faster and relies on capitalisation and context cues only.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, use_ner: bool = True) -> None:
        self.gaz = gazetteer or get_gazetteer()
        self.recognizer = Recognizer(self.gaz, use_ner=use_ner)

    def _prepare(self, doc: Document) -> tuple[NormalizedText, str]:
        check_document_text(doc.text, doc.id)
        nt = remove_boilerplate(normalize(doc.text))
        lang = doc.lang or detect_language(nt.text) or DEFAULT
        return nt, lang

    def _finish(self, doc: Document, nt: NormalizedText, lang: str, ents) -> Parsed:
        if doc.spans is not None:
            spans = self._given_spans(doc, nt, lang)
        else:
            spans = self.recognizer.recognize(nt.text, lang, ents)
        mentions = []
        peoples = peoples_of(nt.text, lang, self.gaz)  # "the Syrian town of": Syria's support
        resolved = with_parts(resolve(spans, nt.text, peoples), nt.text, lang, self.gaz)
        resolved = divisions_by_neighbours(resolved, nt.text, self.gaz)  # "Buffalo, New York"
        for m in resolved:
            start, end = nt.to_original(m.start, m.end)
            part_start = nt.to_original(m.part_start, m.end)[0] if m.part is not None else None
            mentions.append(
                replace(m, start=start, end=end, text=doc.text[start:end], part_start=part_start)
            )
        ran_ner = self.recognizer.has_ner(lang) and doc.spans is None
        return Parsed(
            doc=doc,
            lang=lang,
            normalized=nt,
            mentions=tuple(mentions),
            norm_mentions=tuple(resolved),
            entities=tuple(ents) if ran_ner else None,
        )

    def _given_spans(self, doc: Document, nt: NormalizedText, lang: str) -> list[Span]:
        """The user's spans, resolved as they are (no recognition)."""
        from geo.recognize import cue_before, locative_cues

        loc_cues = locative_cues(lang)
        orig_to_norm = _inverse_map(nt)
        spans = []
        for a, b in doc.spans or ():
            s, e = orig_to_norm(a), orig_to_norm(b)
            phrase = nt.text[s:e]
            cands = self.gaz.candidates(
                phrase, lang=lang if get_language(lang) else None, limit=8, allow_common=True
            )
            spans.append(
                Span(s, e, phrase, cands, locative=cue_before(nt.text, s, loc_cues), source="given")
            )
        return spans

    def parse(self, doc: Document) -> Parsed:
        """Geoparse one document (raises :class:`DocumentError` for unusable text)."""
        nt, lang = self._prepare(doc)
        ents = self.recognizer.entities([nt.text], lang)[0] if doc.spans is None else []
        return self._finish(doc, nt, lang, ents)

    def parse_many(
        self, docs: Iterable[Document | DocumentError], batch_size: int = BATCH_SIZE
    ) -> Iterator[Parsed | DocumentError]:
        """Geoparse a stream of documents in batches; bad ones come out as errors, in order."""
        batch: list[Document | DocumentError] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def _batch(self, batch: list[Document | DocumentError]) -> Iterator[Parsed | DocumentError]:
        prepared: list[tuple[Document, NormalizedText, str] | DocumentError] = []
        for doc in batch:
            if isinstance(doc, DocumentError):
                prepared.append(doc)
                continue
            try:
                nt, lang = self._prepare(doc)
                prepared.append((doc, nt, lang))
            except DocumentError as err:
                prepared.append(err)
        # one NER pass per language over the batch's documents in it
        ents: dict[int, list] = {}
        by_lang: dict[str, list] = {}
        for p in prepared:
            if not isinstance(p, DocumentError) and p[0].spans is None:
                by_lang.setdefault(p[2], []).append(p)
        for lang, group in by_lang.items():
            found = self.recognizer.entities([p[1].text for p in group], lang)
            ents.update(zip((id(p) for p in group), found, strict=True))
        for p in prepared:
            if isinstance(p, DocumentError):
                yield p
                continue
            doc, nt, lang = p
            yield self._finish(doc, nt, lang, ents.get(id(p), []))


def _inverse_map(nt: NormalizedText):
    """A function from an original offset to the normalised offset at or after it."""
    import bisect

    starts = [nt.to_original(i, i + 1)[0] for i in range(len(nt.text))]

    def to_norm(orig: int) -> int:
        return min(bisect.bisect_left(starts, orig), len(nt.text))

    return to_norm


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

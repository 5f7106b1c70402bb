"""spaCy NER over texts of any length: pieces under the model's limit, batches sized by characters;
the one loader of each language's spaCy pipeline."""

from __future__ import annotations

import threading

from geo.lang import get_language

_PIPELINES: dict[str, object] = {}
_LOADING = threading.Lock()


def load_ner(lang: str):
    """The spaCy pipeline of ``lang`` (tokenizer, tok2vec and NER only, as the language
    declares), loaded once per process; None when the language declares no NER model.

    Raises
    ------
    ImportError, OSError
        spaCy or the model is not installed.
    """
    spec = get_language(lang)
    if spec is None or spec.ner_model is None:
        return None
    with _LOADING:
        if lang not in _PIPELINES:
            import spacy

            _PIPELINES[lang] = spacy.load(spec.ner_model, exclude=list(spec.ner_exclude))
        return _PIPELINES[lang]


# spaCy refuses texts over nlp.max_length and needs about 1 GB per 100,000 characters for the
# parser; NER runs on pieces of at most this size, cut at paragraph or sentence ends.
NER_CHUNK = 20_000


NER_BATCH_CHARS = 100_000


def _chunks(text: str, size: int = NER_CHUNK) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` no longer than ``size``, cut after a newline or a full stop
    where one is near the end of the piece."""
    out, pos = [], 0
    while len(text) - pos > size:
        cut = text.rfind("\n", pos + size // 2, pos + size)
        if cut < 0:
            cut = text.rfind(". ", pos + size // 2, pos + size)
        if cut < 0:
            cut = text.rfind(" ", pos + size // 2, pos + size)
        end = cut + 1 if cut >= 0 else pos + size
        out.append((pos, end))
        pos = end
    out.append((pos, len(text)))
    return out


def run_ner(nlp, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """(start, end, label) of the named entities of each text, long texts read in pieces."""
    size = min(NER_CHUNK, nlp.max_length)
    pieces = [(i, s, e) for i, t in enumerate(texts) for s, e in _chunks(t, size)]
    # the model's memory grows with the characters of a batch: about NER_BATCH_CHARS at once
    longest = max((e - s for _, s, e in pieces), default=1)
    batch = max(1, min(32, NER_BATCH_CHARS // max(longest, 1)))
    docs = nlp.pipe((texts[i][s:e] for i, s, e in pieces), batch_size=batch)
    out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    for (i, s, _e), d in zip(pieces, docs, strict=True):
        out[i].extend((s + e.start_char, s + e.end_char, e.label_) for e in d.ents)
    return out

"""Property tests of the text pipeline with hypothesis: hostile Unicode never breaks it.

Random text mixing French news words and place names with combining marks, right-to-left
scripts and controls, NUL, zero-width characters, very long tokens, and unbalanced quotes,
brackets and apostrophes goes through :func:`geo.text.clean`, the geoparser (no NER) and the
whole extractor. Nothing may raise but :class:`DocumentError` (the documented refusal of an
unusable text), and every offset must lie inside the text it indexes:
``text[m.start:m.end] == m.text`` for mentions, ``text[e.start:e.end] == e.sentence`` for events.

The default profile keeps the suite quick; ``CONFLICTMAP_FUZZ_PROFILE=stress`` (``make stress``)
runs many more examples.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import DocumentError
from geo.model import Document
from geo.text import clean

settings.register_profile(
    "quick",
    max_examples=60,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "stress",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("CONFLICTMAP_FUZZ_PROFILE", "quick"))

WORDS = [
    "Alep", "Damas", "Idleb", "Ras al-Aïn", "Ankara", "Moscou", "Raqa", "Deir Ezzor", "Syrie",
    "province d'Idleb", "l'armée", "d'Alep", "aujourd'hui", "jeudi", "8 décembre", "30 civils",
    "ont été tués", "a déclaré", "selon", "M. Lavrov", "le ministre", "près de", "à", "au nord de",
    "Des frappes russes", "ont bombardé", "les rebelles", "Aleppo", "said", "in", "killed",
    "دمشق", "حلب", "שלום", "İstanbul", "Ḥalab", "Ｄａｍａｓ", "ǅemal", "ß", "ﬁn", "😀",
]  # fmt: skip
MARKS = [
    "«", "»", "« ", " »", '"', "“", "”", "‘", "’", "'", "(", ")", "[", "]", "{", "}", "‹", "›",
    "\u0301", "\u0308", "\u0327", "\u20d7", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad",
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202e", "\u2066", "\u2069", "\x00", "\x07", "\x1b",
    "\ufffd", "\u00a0", "\u202f", "\u2009", "\t", "\r", "\r\n", "\n", "\n\n", "\u2028", "\u2029",
    "…", ".", "!", "?", ":", ";", ",", "-", "–", "—", "/", "\\", "*", "#", "@", "&",
]  # fmt: skip

# a long token: letters with or without combining marks, the same character over and over
LONG = st.builds(
    lambda c, n, mark: (c + mark) * n,
    st.sampled_from(["a", "A", "é", "e", "ل", "-", "'", "«", " ", "\u0301"]),
    st.integers(200, 4000),
    st.sampled_from(["", "\u0301", "\u200b"]),
)
PIECE = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(MARKS),
    st.text(min_size=1, max_size=12),  # any code point, surrogates excluded
    LONG,
)
TEXT = st.lists(PIECE, min_size=1, max_size=60).map(" ".join) | st.lists(
    PIECE, min_size=1, max_size=80
).map("".join)
LANG = st.sampled_from([None, "fr", "en"])


@pytest.fixture(scope="module")
def geoparser(gaz):
    from geo.geoparse import Geoparser

    return Geoparser(gaz, use_ner=False)


@pytest.fixture(scope="module")
def extractor(geoparser):
    from geo.pipeline import Extractor

    return Extractor(geoparser)


def check_mentions(text: str, mentions) -> None:
    for m in mentions:
        assert 0 <= m.start <= m.end <= len(text), (m.start, m.end, len(text))
        assert text[m.start : m.end] == m.text, (m.start, m.end, m.text)


@settings(PROFILE)
@given(TEXT)
def test_clean_never_raises_and_maps_back_inside_the_original(text):
    nt = clean(text)
    assert nt.original == text
    n = len(nt.text)
    for start, end in ((0, n), (0, 0), (n, n), (n // 3, n // 2), (n // 2, n)):
        a, b = nt.to_original(start, end)
        assert 0 <= a <= b <= len(text)
    for blank in nt.blanked:
        assert 0 <= blank.start <= blank.end <= n


@settings(PROFILE)
@given(text=TEXT, lang=LANG)
def test_geoparse_raises_only_document_errors_and_offsets_index_the_text(geoparser, text, lang):
    try:
        parsed = geoparser.parse(Document("fuzz", text, lang=lang))
    except DocumentError as err:
        assert err.reason
        return
    check_mentions(text, parsed.mentions)
    check_mentions(parsed.normalized.text, parsed.norm_mentions)
    assert len(parsed.mentions) == len(parsed.norm_mentions)


@settings(PROFILE)
@given(text=TEXT, lang=LANG, published=st.sampled_from([None, "2016-08-11", "2020-02-29"]))
def test_extract_raises_only_document_errors_and_offsets_index_the_text(
    extractor, text, lang, published
):
    try:
        x = extractor.extract(Document("fuzz", text, lang=lang, published=published))
    except DocumentError as err:
        assert err.reason
        return
    check_mentions(text, x.mentions)
    for e in x.events:
        assert 0 <= e.start <= e.end <= len(text), (e.start, e.end, len(text))
        assert text[e.start : e.end] == e.sentence
    for s in x.statements:
        assert 0 <= s.start <= s.end <= len(text), (s.start, s.end, len(text))
        assert s.quote.strip()
    x.to_dict(explain=True)  # what the CLI writes: serialisable


@pytest.mark.parametrize(
    "text",
    [
        "Bei russischen Luftangriffen in Aleppo wurden am Donnerstag 30 Zivilisten getötet.",
        "Rusya'nın Halep'e düzenlediği hava saldırılarında perşembe günü 30 sivil öldü.",
        "در حملات هوایی روسیه به حلب روز پنجشنبه ۳۰ غیرنظامی کشته شدند.",
    ],
)
def test_an_article_in_another_language_is_processed(extractor, text):
    """A language other than French or English (detected, not given) is read with the French
    lexicons, not refused with a configuration error."""
    x = extractor.extract(Document("other", text))
    check_mentions(text, x.mentions)

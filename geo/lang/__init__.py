"""Languages the geoparser reads, each declared once in its own module (``fr.py``, ``en.py``).

A :class:`Language` says which spaCy pipeline recognises names in it and how that pipeline's
entity labels map onto the kinds the recogniser uses. Adding a language is adding a module here
and its line to :data:`LANGUAGES`; lexicons keyed by language code (``geo/data/*.tsv``) take the
same code.

Example
-------
>>> get_language("fr").ner_model
'fr_core_news_md'
>>> get_language("en").entity_kind("GPE")
'place'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module


@dataclass(frozen=True)
class Language:
    """What the pipeline needs to know of one language.

    Parameters
    ----------
    code:
        ISO 639-1 code ("fr").
    name:
        The language's English name.
    ner_model:
        The installed spaCy pipeline whose NER finds names, or None.
    ner_exclude:
        Pipeline components not needed for NER (left unloaded: faster, smaller).
    labels:
        spaCy entity label -> kind: ``place``, ``person``, ``org``, ``group`` (nationalities,
        religious and political groups) or ``other``.
    """

    code: str
    name: str
    ner_model: str | None = None
    ner_exclude: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)

    def entity_kind(self, label: str) -> str:
        """The kind of a spaCy entity label (``other`` when the label is not declared)."""
        return self.labels.get(label, "other")


_MODULES = ("fr", "en")


def _load() -> dict[str, Language]:
    out = {}
    for name in _MODULES:
        lang = import_module(f"{__name__}.{name}").LANGUAGE
        out[lang.code] = lang
    return out


LANGUAGES: dict[str, Language] = _load()
SUPPORTED = tuple(LANGUAGES)
DEFAULT = "fr"


def get_language(code: str | None) -> Language | None:
    """The declared language of this code, or None when it is not one the geoparser reads."""
    return LANGUAGES.get(code or "")

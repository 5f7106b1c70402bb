"""Find place names in a text: capitalised spans matched against the gazetteer, context cues,
and (in French) spaCy's named entities to reject persons and organisations.

The recogniser works on the normalised text (:func:`geo.text.normalize`); its offsets index that
text, and :mod:`geo.geoparse` maps them back to the original.
"""

from geo.recognize.cues import (
    Cues,
    cue_before,
    load_cues,
    load_institutions,
    locative_cues,
    stop_words,
    word_after,
)
from geo.recognize.ner import run_ner
from geo.recognize.recognizer import Recognizer
from geo.recognize.spans import Span

__all__ = [
    "word_after",
    "Cues",
    "Recognizer",
    "Span",
    "cue_before",
    "load_cues",
    "load_institutions",
    "locative_cues",
    "run_ner",
    "stop_words",
]

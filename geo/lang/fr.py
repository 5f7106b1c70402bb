"""French: spaCy's ``fr_core_news_md`` (WikiNER labels)."""

from geo.lang import Language

LANGUAGE = Language(
    code="fr",
    name="French",
    ner_model="fr_core_news_md",
    ner_exclude=("parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"),
    labels={"LOC": "place", "PER": "person", "ORG": "org", "MISC": "other"},
)

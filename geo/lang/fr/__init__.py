"""French: spaCy's ``fr_core_news_md`` (WikiNER labels), the lexicons of this folder and the
patterns below (see :class:`geo.lang.Language` for what each one is)."""

from geo.lang import Language

# auxiliaries before a participle of saying; after an inverted pronoun ("a-t-il déclaré")
_AUX = "a|ont|avait|avaient|aurait|auraient|aura|auront|eut|eurent|ait|aient"
_AUX_INV = "a|ont|avait|avaient|aurait|auraient"
_ETRE = "est|sont|était|étaient|serait|seraient|être|étant"

LANGUAGE = Language(
    code="fr",
    name="French",
    ner_model="fr_core_news_md",
    ner_exclude=("parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"),
    labels={"LOC": "place", "PER": "person", "ORG": "org", "MISC": "other"},
    speaker_ner=True,
    and_word="et",
    capitalised_months=False,
    people_word=r"\b[a-zéèëï]{4,}\b",  # "la ville syrienne de"
    people_inflections=("", "s", "e", "es", "ne", "nes"),
    date_format="%d/%m/%Y",  # the pages' date boxes
    date_placeholder="jj/mm/aaaa",
    date_night=r"nuit\s+d[eu]\s+(?P<wd1>{wd})\s+(?:à|au)\s+",
    date_patterns=(
        # "l'été dernier", "au printemps prochain"; never "a été dernier"
        ("season", r"(?:l['’]|le\s+|(?<=au\s)|(?<=en\s))(?P<se>{se})\s+(?P<ma>{ma})"),
        ("monthmod", r"(?P<mo>{mo})\s+(?P<ma>{ma})"),  # "juin dernier"
    ),
    saying_pieces={
        "aux": _AUX,
        "aux_inv": _AUX_INV,
        "etre": _ETRE,
        "inv": r"(?:-t)?-(?P<pron>{pron}){e}",  # "a-t-il", "préviennent-ils"
    },
    saying_patterns=(
        ("inv", r"{b}(?:{aux_inv}){inv}{adjs}\s+(?P<v>{p_part}){e}"),
        ("inv", r"{b}(?:s'|se\s+)(?:est|sont|était|étaient){inv}{adjs}\s+(?P<v>{r_part}){e}"),
        ("inv", r"{b}se\s+(?P<v>{r_fin}){inv}"),
        ("inv", r"{b}(?P<v>{p_fin}){inv}"),
        ("aux", r"{b}(?:s'|se\s+)(?:{etre}){adjs}\s+(?P<v>{r_part}){e}"),
        ("aux", r"{b}(?:s'|se\s+)(?P<v>{r_fin}){e}"),
        ("ger", r"{b}(?:avoir|ayant|s'être|s'étant){adjs}\s+(?P<v>{p_part}|{r_part}){e}"),
        ("aux", r"{b}(?:{aux}){adjs}\s+(?P<v>{p_part}){e}"),
        ("fin", r"{b}(?P<v>{p_fin}){e}"),
        ("ger", r"{b}(?:en\s+)?(?P<v>{p_ger}){e}"),
    ),
    reported_clause=r"\s*(?:(?:que|qu')(?:\s|(?<=')))|\s+(?=(?:avoir|être)\s)",
    event_aux=(
        r"(?:a|ont|avait|avaient|avoir|aurait|auraient)(?: (?:\w+ment|en outre|aussi|également|"
        r"déjà|encore|de nouveau|à nouveau|notamment|ainsi|par ailleurs|pour sa part|pour leur part))?"
    ),
)

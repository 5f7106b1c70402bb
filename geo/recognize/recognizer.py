"""The recogniser: gazetteer matches, the NER's entities and the text's cues together, giving the
place-name spans of a normalised text."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from gazetteer.lookup import COMMON_WORDS, Gazetteer, split_feature_cue
from gazetteer.normalize import fold, is_code
from geo.lang import DEFAULT, get_language
from geo.model import Candidate
from geo.recognize.cues import (
    cue_before,
    load_cues,
    load_institutions,
    locative_cues,
    stop_words,
    word_after,
    word_before,
)
from geo.recognize.ner import load_ner, run_ner
from geo.recognize.spans import (
    PERSON_SAFE_POPULATION,
    Span,
    division_or_country,
    is_adjective,
    share_cues,
    strong,
    strong_place,
)
from geo.recognize.tokens import (
    LAST_LOWER,
    LOWER_AFTER,
    LOWER_BEFORE,
    LOWER_NEAR_AFTER,
    LOWER_NEAR_BEFORE,
    NEUTRAL,
    NEXT_CAPITAL,
    Token,
    article_joined,
    capitals_context,
    only_lower,
    sentence_initial,
    title_case_line,
    tokens,
)
from geo.recognize.unknown import (
    NOT_PLACE_BEFORE,
    OF_END,
    OF_NAME_AFTER,
    SETTLEMENT_AFTER,
    SETTLEMENT_BEFORE,
    cued_unknowns,
    listed_with,
    trim_entity,
)

MAX_NAME_TOKENS = 5


FUZZY_MIN_LENGTH = 8


class Recognizer:
    """Finds place-name spans in normalised text.

    Parameters
    ----------
    gazetteer:
        The gazetteer names are matched against.
    use_ner:
        Use the language's spaCy pipeline (``geo/lang``): its person and organisation entities
        reject the names inside them, and its place entities are mentions even when the
        gazetteer does not know them.
    """

    def __init__(self, gazetteer: Gazetteer, use_ner: bool = True) -> None:
        self.gaz = gazetteer
        self.use_ner = use_ner

    def nlp_for(self, lang: str):
        """The spaCy pipeline of ``lang`` (tokenizer, tok2vec and NER only), loaded once; None
        when the language declares none."""
        return load_ner(lang)

    @property
    def nlp(self):
        """The French pipeline (kept for callers that read it directly)."""
        return self.nlp_for(DEFAULT)

    def has_ner(self, lang: str) -> bool:
        """True when recognition in ``lang`` runs a NER model."""
        spec = get_language(lang)
        return self.use_ner and spec is not None and spec.ner_model is not None

    def entities(self, texts: list[str], lang: str) -> list[list[tuple[int, int, str]]]:
        """(start, end, label) of the named entities of each text (empty without NER)."""
        if not texts or not self.has_ner(lang):
            return [[] for _ in texts]
        return run_ner(self.nlp_for(lang), texts)

    def recognize(
        self, text: str, lang: str, entities: list[tuple[int, int, str]] | None = None
    ) -> list[Span]:
        """Place-name spans of ``text``, sorted by position and never overlapping.

        ``entities`` are the NER entities of ``text`` (:meth:`entities`); None when no NER ran.
        """
        cues = load_cues()
        spec = get_language(lang)
        loc_cues = locative_cues(lang)
        # the default language's titles and bodies hold too (a French "M." in English news)
        person_cues = cues.person.get(lang, set()) | cues.person.get(DEFAULT, set())
        org_cues = cues.org.get(lang, set()) | cues.org.get(DEFAULT, set())
        org_names = cues.orgname.get("*", set()) | cues.orgname.get(lang, set())
        literal_verbs = cues.literal.get(lang, set())
        thing_before = cues.thing_before.get(lang, set())
        thing_after = cues.thing_after.get(lang, set())
        stops = stop_words(lang)
        institutions = load_institutions()
        gaz_lang = lang if spec is not None else None
        kinds = [
            (s, e, spec.entity_kind(label) if spec else "other") for s, e, label in entities or ()
        ]
        ner_ran = entities is not None and self.has_ner(lang)
        spans: list[Span] = []
        unmatched: list[list[Token]] = []  # capitalised groups the gazetteer does not know
        headlines: dict[int, bool] = {}
        lower_words = {fold(w) for w in re.findall(r"(?<![\w'])[a-zà-ÿ][a-zà-ÿ\-]{2,}", text)}

        def lookup(phrase: str, allow_common: bool) -> list[Candidate]:
            return self.gaz.candidates(
                phrase, lang=gaz_lang, limit=8, allow_common=allow_common, fuzzy=False
            )

        for group in tokens(text):
            first = group[0]
            if spans and first.start < spans[-1].end:
                continue  # already inside a longer name ("République démocratique du Congo")
            headline = title_case_line(text, first.start, headlines)
            before = word_before(text, first.start)
            if before in person_cues or before in org_cues:
                continue  # M. Lavrov, l'agence Anadolu: the whole group names a person or body
            if fold(first.text) in person_cues:
                continue  # Dr Margaret Chan, President Obama, "Dr. Smith": a title
            if before in thing_before or word_after(text, group[-1].end) in thing_after:
                continue  # le virus Ebola, the Marburg virus: named after a place, not one
            capitals = capitals_context(text, first.start, group[-1].end)
            extended = self._extended(text, group, lang)
            if extended is not None and fold(extended.text) not in org_names:
                spans.append(extended)
                continue
            matches: list[tuple[int, int, Span]] = []
            i = 0
            n = len(group)
            while i < n:
                found = None
                for j in range(min(n, i + MAX_NAME_TOKENS), i, -1):
                    start, end = group[i].start, group[j - 1].end
                    phrase = text[start:end]
                    key = fold(phrase)
                    # "us" the word; "US" in running text is the country
                    acronym = phrase.isupper() and len(phrase) > 1 and not capitals
                    if j - i == 1 and (key in stops or len(key) < 2) and not acronym:
                        continue
                    if j < n and _ARTICLE_JOIN.fullmatch(text, end, group[j].start):
                        continue  # "Busra al-Harir" unknown: not "Busra" (Basra) alone
                    if (
                        j - i == 1
                        and key in NEUTRAL
                        and (
                            not SETTLEMENT_BEFORE.search(text, max(0, start - 60), start)
                            or OF_NAME_AFTER.match(text, end)
                        )
                    ):
                        continue  # "Southern", "Centre" alone are words; "le département du Nord"
                    if phrase.isupper() and len(phrase) > 4 and not capitals:
                        continue  # AFP prints surnames in capitals: Karam AL MASRI
                    if j - i == 1 and sentence_initial(text, start) and key in lower_words:
                        continue  # "Appel", "Nice" opening a sentence, written lower case elsewhere
                    inst = institutions.get(key)
                    if inst is not None:
                        found = (
                            j,
                            Span(start, end, phrase, [], source="institution", institution=True),
                        )
                        found[1].candidates = [
                            Candidate(self.gaz.get(inst), 1.0, phrase, "institution", "institution")
                        ]
                        break
                    locative = cue_before(text, start, loc_cues)
                    if not locative and word_before(text, start) in literal_verbs:
                        locative = word_before(text, start)  # "bombarder Damas": the city itself
                    if not locative:
                        m = SETTLEMENT_BEFORE.search(text, max(0, start - 60), start)
                        locative = m.group().strip().lower() if m else None
                    if key in org_names and not locative:
                        continue  # Hamas, ONU, the agency Sana: organisations, not places
                    allow_common = bool(locative) and not sentence_initial(text, start)
                    art = _ARTICLE_BEFORE.search(text, max(0, start - 5), start) if i == 0 else None
                    cands = lookup(text[art.start() : end], allow_common) if art else []
                    if cands:  # "le camp d'al-Faraa", "à al-Qaim": the article is in the name
                        start, phrase = art.start(), text[art.start() : end]
                    else:
                        cands = lookup(phrase.title() if capitals else phrase, allow_common)
                    if cands and is_adjective(phrase, cands, text, end):
                        continue  # "Ukrainian officials": an adjective of a people
                    if cands and capitals == "line" and not strong(cands):
                        cands = []  # a headline in capitals: only names that cannot be words
                    if cands:
                        span = Span(start, end, phrase, cands, locative=locative)
                        span.headline = headline or capitals == "line"
                        span.dateline = capitals == "dateline"
                        found = (j, span)
                        break
                if found:
                    matches.append((i, found[0], found[1]))
                    i = found[0]
                else:
                    i += 1
            if not matches:
                if not headline and not capitals:
                    unmatched.append(group)
                continue
            if not headline:
                covered = {k for a, b, _ in matches for k in range(a, b)}
                strays = [
                    t for k, t in enumerate(group)
                    if k not in covered and (t.tight or (k + 1 < n and group[k + 1].tight)
                                             or article_joined(text, group, k))
                    and fold(t.text) not in stops and fold(t.text) not in NEUTRAL
                ]  # fmt: skip
                if strays:
                    unmatched.append(group)  # a place only if the text says so (a list, a cue)
                    continue  # Vladimir Poutine, Bab al-Hawa: a name that contains a place name
                if any(b == a2 and group[a2].tight for _, b, _ in matches for a2, _, _ in matches):
                    unmatched.append(group)  # "Nahr-e Saraj" in a list of places is one place
                    continue  # Paris Hilton, Jack London: two names side by side make a person
            spans.extend(s for _, _, s in matches)

        share_cues(spans, text)
        if ner_ran:
            kept = self._apply_entities(spans, kinds, text)
            # a name the entities ruled out (inside an organisation's name) stays out
            dropped = [s for s in spans if s not in kept]
            spans = kept
            spans.extend(
                self._ner_spans(
                    text,
                    spans,
                    dropped,
                    kinds,
                    loc_cues,
                    gaz_lang,
                    stops,
                    org_names,
                    (thing_before, thing_after),
                )  # fmt: skip
            )
        else:
            spans = [s for s in spans if not s.headline or strong(s.candidates)]
            spans.extend(self._fuzzy_spans(text, spans, [], loc_cues, gaz_lang))
        if ner_ran:
            # names the NER took for persons come back when the text lists them with places
            unmatched.extend([Token(d.start, d.end, d.text, False)] for d in dropped)
        cued = cued_unknowns(text, unmatched, spans, kinds, stops, org_names)
        if ner_ran:
            back = {(d.start, d.end): d for d in dropped}
            cued = [back.get((c.start, c.end), c) for c in cued]
        spans.extend(cued)
        spans.sort(key=lambda s: s.start)
        return self._repeated(
            text, spans, kinds, person_cues | org_cues, (thing_before, thing_after)
        )

    @staticmethod
    def _repeated(text, spans, kinds, name_cues, things) -> list[Span]:
        """A name the text once calls a place ("le camp de Nousseirat") is that place where it
        comes again with no cue ("autour de Nousseirat"), unless it is part of a person's or an
        organisation's name there."""
        sure = {}
        for s in spans:
            if (
                len(s.text) >= 4
                and s.text[0].isupper()
                and (s.locative or s.dateline or strong_place(s))
            ):
                sure.setdefault(s.text, s)
        if not sure:
            return spans
        taken = [(s.start, s.end) for s in spans]
        # a person's or an organisation's name around it ("Jean Nousseirat", "Kenya Red Cross")
        others = [(a, b, kind) for a, b, kind in kinds if kind in ("person", "org")]
        out = list(spans)
        for name, model in sure.items():
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
                a, b = m.start(), m.end()
                if any(x < b and a < y for x, y in taken) or any(
                    (x < b and a < y and not _name_and_word(text, a, b, x, y, kind))
                    or (kind == "org" and 0 <= a - y <= 1 and _NAME_GOES_ON.search(text, x, y))
                    for x, y, kind in others
                ):
                    continue  # "[Organisation pour la sécurité et la coopération en] Europe"
                before = word_before(text, a)
                if before in name_cues or before in things[0] or word_after(text, b) in things[1]:
                    continue  # M. X, l'agence X, the X virus: no place there
                out.append(replace(model, start=a, end=b, locative=None, dateline=False))
                taken.append((a, b))
        out.sort(key=lambda s: s.start)
        return out

    def _extended(self, text: str, group: list[Token], lang: str) -> Span | None:
        """The group with the lower-case words around it, when that whole phrase is a name the
        gazetteer has: "Arabie saoudite", "mer Noire", "golfe d'Aden", "Kordofan du Nord"."""
        before = text[max(0, group[0].start - 2) : group[0].start]
        after = text[group[-1].end : group[-1].end + 2]
        if not (LOWER_NEAR_BEFORE.search(before) or LOWER_NEAR_AFTER.match(after)):
            return None  # no lower-case word touches the group: nothing to extend
        stops = stop_words(lang)
        while len(group) > 1 and fold(group[0].text) in stops:
            group = group[1:]  # "Les Emirats arabes unis": the article is no part of the name
        gs, ge = group[0].start, group[-1].end
        known = self.gaz.lower_name_words
        # left words only when the word right before the group is written in some name
        prev = LAST_LOWER.search(text, max(0, gs - 30), gs)
        near_known = prev is not None and (len(prev.group(1)) < 2 or fold(prev.group(1)) in known)
        left = (
            [m.start() for m in LOWER_BEFORE.finditer(text, max(0, gs - 40), gs)]
            if near_known
            else []
        )
        right = LOWER_AFTER.match(text, ge)
        rights = [ge]
        if right:
            for w in re.finditer(r"[ \-'’]+([a-zà-ÿ]+)", right.group()):
                if fold(w.group(1)) not in known:
                    break
                rights.append(ge + w.end())
            # "République démocratique du Congo": the lower-case words join the next name
            if len(rights) > 1 and (following := NEXT_CAPITAL.match(text, rights[-1])):
                rights.append(following.end())
        starts = [gs]
        if left:
            # every start of a run of lower-case words of names that ends at the group
            starts = sorted(
                {gs}
                | {
                    a
                    for a in left
                    if only_lower(text[a:gs])
                    and not re.match(r"[dl]['’]", text[a:gs])  # d'el-Obeid: el-Obeid
                    and all(fold(w) in known for w in re.findall(r"[^\W\d_]{2,}", text[a:gs]))
                }
            )
        if len(starts) == 1 and len(rights) == 1:
            return None
        if all(fold(t.text) in stops for t in group):
            return None  # "Sur les", "À la": a sentence opening, not a name
        gaz_lang = lang if get_language(lang) else None
        best = None
        for a in starts:
            for b in rights:
                if a == gs and b == ge:
                    continue
                phrase = text[a:b].strip(" -'’")
                a2 = a + (len(text[a:b]) - len(text[a:b].lstrip(" -'’")))
                if len(phrase.split()) > MAX_NAME_TOKENS + 2:
                    continue
                added = fold(text[a:gs]).split() + fold(text[ge:b]).split()
                if all(w in stops for w in added):
                    continue  # "la Défense", "Les rues": only function words were added
                if a < gs and split_feature_cue(fold(phrase))[1] is not None:
                    continue  # "base d'Incirlik": a generic word, not part of the name
                cands = self.gaz.candidates(phrase, lang=gaz_lang, limit=8, fuzzy=False)
                exact = cands and fold(cands[0].matched) == fold(phrase)
                if exact and (best is None or len(phrase) > len(best.text)):
                    best = Span(a2, a2 + len(phrase), phrase, cands)
        return best

    @staticmethod
    def _apply_entities(
        spans: list[Span], kinds: list[tuple[int, int, str]], text: str
    ) -> list[Span]:
        if not kinds:
            return [s for s in spans if not s.headline or strong(s.candidates)]
        ents = sorted(kinds)
        starts = [s for s, _, _ in ents]
        longest = max(e - s for s, e, _ in ents)
        kept = []
        for span in spans:
            drop = False
            placed = False
            # the entities that overlap the span or end right before it
            near = ents[
                bisect_left(starts, span.start - longest - 1) : bisect_left(starts, span.end)
            ]
            for s, e, kind in near:
                if e <= span.start or s >= span.end:
                    continue
                inside = s <= span.start and span.end <= e
                same = s == span.start and e == span.end
                longer = (e - s) > (span.end - span.start) + 1
                if span.institution or span.dateline:
                    continue  # a dateline in capitals: the model reads it as a name of anything
                if kind == "person":
                    if inside and (longer or not (span.locative or strong_place(span))):
                        drop = True
                    elif (
                        same
                        and not span.locative
                        and not division_or_country(span, PERSON_SAFE_POPULATION)
                    ):
                        drop = True  # "Jackson said": the model reads a person, not the city
                elif kind == "org" and inside:
                    ent_text = text[s:e]
                    # "la ville d'Alep" is no organisation; "Organisation ... en Europe" is
                    if longer and not re.match(
                        r"(?i)(?:la |le |l')?(?:ville|région|province|bande)\b", ent_text
                    ):
                        drop = True
                    elif same and not (span.locative or strong_place(span)):
                        drop = True  # Hamas, Irna: the model reads an organisation
                elif kind == "group" and inside and (same or not strong_place(span)):
                    # Syrian, Kurds, Ukrainian: a people, not a place; a country's own name
                    # ("Central African Republic") read as a people stays the country
                    drop = not (same and _country_by_name(span))
                elif kind == "place":
                    placed = True
                    span.confidence = max(span.confidence, 1.0)
            if span.headline and not placed and not strong(span.candidates):
                drop = True  # "Talks Stall In Cairo": capitals in a headline say nothing
            for s, e, kind in near:
                # the model often ends an organisation's name right before its place part:
                # "[Organisation pour la sécurité et la coopération en] Europe"
                if kind != "org" or not 0 <= span.start - e <= 1 or span.institution:
                    continue
                if re.search(r"(?i)\b(?:en|de|du|des|d'|pour)\s*$", text[s:e].replace("’", "'")):
                    drop = True
            if not drop:
                kept.append(span)
        return kept

    def _ner_spans(
        self, text, spans, blocked, kinds, loc_cues, gaz_lang, stops, org_names, things
    ) -> list[Span]:
        """Place entities of the NER that no gazetteer span covers: a typo of a known name, or a
        place the gazetteer lacks (kept with no candidate; resolution places it by context).

        The model also calls peoples, armed groups and some persons places (les Houthis, des
        Kurdes), so a name the gazetteer lacks needs the text's word that it is a place: a
        locative or generic word before it (à, près de, le village de), a dateline, or a list
        it shares with another place ("Baghran et Washir").
        """
        thing_before, thing_after = things
        taken = sorted((s.start, s.end) for s in [*spans, *blocked])
        proposals: list[Span] = []

        def free(a: int, b: int) -> bool:
            k = bisect_left(taken, (a, a))
            return all(b <= s or a >= e for s, e in taken[max(0, k - 1) : k + 2])

        for s, e, kind in kinds:
            cue = SETTLEMENT_BEFORE.search(text, max(0, s - 60), s)
            if kind == "person" and cue and OF_END.search(cue.group()):
                kind = "place"  # "le quartier de Hay Tarek": the model reads a person
            if kind != "place":
                continue
            s, e = trim_entity(text, s, e, stops)
            phrase = text[s:e]
            key = fold(phrase)
            if e - s < 3 or not phrase[0].isupper() or not free(s, e):
                continue
            if key in stops or key in org_names or key in COMMON_WORDS:
                continue
            capitals = capitals_context(text, s, e)
            if phrase.isupper() and len(phrase) > 4 and not capitals:
                continue
            if word_before(text, s) in NOT_PLACE_BEFORE:
                continue  # les Houthis, quatre Iraniens: a people or a group
            if word_before(text, s) in thing_before or word_after(text, e) in thing_after:
                continue
            locative = cue_before(text, s, loc_cues)
            if not locative:
                m = SETTLEMENT_BEFORE.search(text, max(0, s - 60), s)
                locative = m.group().strip().lower() if m else None
            if not locative and SETTLEMENT_AFTER.match(text, e):
                locative = "apposition"  # "Tchervonograd, ville de la région de Kharkiv"
            cands = self.gaz.candidates(
                phrase, lang=gaz_lang, limit=8, allow_common=bool(locative), fuzzy=False
            )
            source, confidence = "ner", 0.9
            if not cands and len(key) >= FUZZY_MIN_LENGTH:
                cands = self.gaz.candidates(phrase, lang=gaz_lang, limit=5, fuzzy=True)
                if cands:
                    source, confidence = "fuzzy", 0.8
            if cands and is_adjective(phrase, cands, text, e):
                continue
            if not cands and (re.search(r"\d", phrase) or is_code(phrase)):
                continue  # M23, FSR: acronyms and codes of groups
            span = Span(
                s, e, phrase, cands, locative=locative, source=source, confidence=confidence
            )
            span.headline = bool(capitals)
            proposals.append(span)
            taken.append((s, e))
            taken.sort()
        # a name the gazetteer lacks needs evidence; evidence spreads along lists of names
        accepted = [p for p in proposals if p.candidates or p.locative or p.headline]
        pending = [p for p in proposals if p not in accepted]
        support = sorted([*spans, *accepted], key=lambda x: x.start)
        changed = True
        while pending and changed:
            changed = False
            for p in list(pending):
                if listed_with(p, support, text):
                    pending.remove(p)
                    accepted.append(p)
                    support.append(p)
                    support.sort(key=lambda x: x.start)
                    changed = True
        # one sense per document: a name accepted once is a place wherever it stands
        names = {p.text for p in accepted if not p.candidates}
        for p in pending:
            if p.text in names:
                accepted.append(p)
        for name in names:
            for m in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", text):
                if free(m.start(), m.end()):
                    accepted.append(
                        Span(m.start(), m.end(), name, [], source="ner", confidence=0.9)
                    )
                    taken.append((m.start(), m.end()))
                    taken.sort()
        return accepted

    def _fuzzy_spans(self, text, spans, ents, loc_cues, gaz_lang) -> list[Span]:
        """Typos of long names: NER location entities, or capitalised words after a locative cue."""
        taken = [(s.start, s.end) for s in spans]
        out = []

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        proposals = [(s, e) for s, e, label in ents if label == "LOC"]
        if not ents:
            for group in tokens(text):
                t = group[0]
                if len(group) == 1 and cue_before(text, t.start, loc_cues):
                    proposals.append((t.start, t.end))
        for s, e in proposals:
            phrase = text[s:e]
            if len(fold(phrase)) < FUZZY_MIN_LENGTH or not free(s, e) or phrase.isupper():
                continue
            if fold(phrase) in COMMON_WORDS:
                continue
            cands = self.gaz.candidates(phrase, lang=gaz_lang, limit=5, fuzzy=True)
            if cands and cands[0].match_kind == "fuzzy":
                locative = cue_before(text, s, loc_cues)
                out.append(
                    Span(s, e, phrase, cands, locative=locative, source="fuzzy", confidence=0.8)
                )
                taken.append((s, e))
        return out


# An organisation's name read up to a preposition: the place after it ends the name
_NAME_GOES_ON = re.compile(r"(?i)\b(?:en|de|du|des|d'|pour|in|of|for)\s*$")
# An Arabic article glued before a name in lower case: "d'al-Faraa", "à al-Qaim"
_ARTICLE_BEFORE = re.compile(r"(?<![\w-])(?:al|el|ad|as|ash|at|ar|az|an|ech|ez|es|er|et|en|ed)-$")
# An Arabic article joining the words of one name: "Busra al-Harir", "Deir ez-Zor"
_ARTICLE_JOIN = re.compile(r"\s+(?:al|el|ad|as|ash|at|ar|az|an|ech|ez|es|er|et|en|ed|ul)-", re.I)


def _name_and_word(text: str, a: int, b: int, x: int, y: int, kind: str) -> bool:
    """An organisation the model read as the name and the lower-case words after it
    ("Nousseirat mardi"): the name alone, no organisation."""
    rest = text[b:y].split()
    return kind == "org" and x == a and bool(rest) and all(w[:1].islower() for w in rest)


def _country_by_name(span: Span) -> bool:
    """A country matched by its own name (not an alternate form, not a typo)."""
    top = span.candidates[0] if span.candidates else None
    return (
        top is not None
        and top.place.feature == "country"
        and top.match_kind in ("pref", "alias")
        and len(span.text.split()) > 1
    )

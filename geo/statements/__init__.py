"""Statements: quotations and reported speech, who said them, when and where.

French first, English too. The words come from three reviewed lexicons of each language
(``geo/lang/<code>/``): ``statements_verbs.tsv`` (verbs of saying and their forms),
``statements_roles.tsv`` (role nouns: ministre, porte-parole, ministère, agence...) and
``statements_cues.tsv`` (titles, pronouns, determiners, adjuncts, clause boundaries, venue and
presence phrases, anaphors, the audience); the patterns that put verbs in context are declared
with the language (:class:`geo.lang.Language`).

One module per step, this one running them in order (:func:`extract_statements`):

- :mod:`~geo.statements.lexicon`: the compiled words of a language;
- :mod:`~geo.statements.quotes`: quotations, and the text with them masked;
- :mod:`~geo.statements.attributions`: verbs of saying and sources, their subjects and clauses,
  using the noun groups of :mod:`~geo.statements.groups`;
- :mod:`~geo.statements.names` and :mod:`~geo.statements.speakers`: who speaks;
- :mod:`~geo.statements.where`: where it was said.

How it reads a document:

1. Quotations: « », " " (typographic quotes were normalised to ``"`` by :mod:`geo.text`), the
   outermost pair only, a quotation left open at the end of a paragraph continued by the next
   one that opens with a quote mark.
2. Attributions: verbs of saying (``a déclaré``, ``a-t-il précisé``, ``s'est dit``,
   ``préviennent-ils``, ``said``, ``told``) found outside quotations, each with its subject: the
   noun group after the verb when it follows a quotation or a clause (``« ... », a déclaré
   M. X``), else the noun group before it (``M. X a affirmé que``); ``selon X`` / ``according
   to X``; ``Pour X, « ... »``. The audience (``à l'agence Anadolu``, ``à Xinhua``) and a
   dateline (``ISTANBUL (Reuters) -``) are neither speaker nor words.
3. Each quotation takes the attribution right after it, else the nearest one before it in its
   sentence, else the nearest after it; a sentence made only of quotations may take the one of
   the next sentence; otherwise the last speaker of the same or the previous paragraph; a
   quotation said again later by a named speaker (a headline's) is that speaker's.
   ``X a affirmé que ...``, ``X a dit vérifier ...``, ``X a fait état de ...``, ``..., a
   annoncé X`` and ``..., X said on Tuesday.`` without quotation marks give indirect
   statements whose quote is the reported words.
4. Speakers: the full name when the article gives it (``M. Cavusoglu`` -> ``Mevlut
   Cavusoglu``, spelling slips of one letter allowed), pronouns -> the last speaker (or a
   person the pronoun's sentence names after it), ``le ministre turc`` -> the named person of
   that role, ``le ministère`` -> the ministry named before, ``cette source`` / ``la même
   source`` -> the source named before, ``son bureau`` -> the office of the last speaker.
5. Where said: a place in the attribution clause after a venue (``lors d'une conférence de
   presse à Ankara``), after ``depuis``/``from``, or right after the verb or the speaker
   (``a déclaré M. X à Ankara``, ``said in Geneva``); else the speaker's presence that the
   article states (``X, en visite à Kiev``, ``la visite à Beyrouth de X``, ``on a visit to
   Cairo``) or the place a paragraph opens on (``À Kherson, ...``); kept for the same speaker's
   other statements of the same day.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Sequence
from typing import Any

from geo.dates import date_for_span, find_dates
from geo.lang import DEFAULT, get_language
from geo.model import DateValue, Mention, Statement
from geo.statements.attributions import Event, analyse, find_events
from geo.statements.groups import DATELINE
from geo.statements.lexicon import MASK, fold_text, load_lexicon
from geo.statements.names import Names
from geo.statements.quotes import Quote, coverage, find_quotes, is_naming, mask
from geo.statements.speakers import Said, Speakers
from geo.statements.where import attribution_span, carry, situate, where_said
from geo.text import paragraphs, sentences

__all__ = ["extract_statements", "load_lexicon"]


log = logging.getLogger(__name__)


MIN_INDIRECT_WORDS = 3  # a reported clause shorter than this is no statement


_CLAUSE_TRIM = " \n,;:.!?…—–-"


_NO_NER: set[str] = set()  # languages whose model could not be loaded (said once)


def _entities(text: str, lang: str, nlp: Any) -> list[tuple[int, int, str]] | None:
    """Named entities from the language's spaCy NER (the recogniser's loader) when it declares
    ``speaker_ner``, or None to fall back on capitalisation."""
    from geo.recognize.ner import load_ner, run_ner

    spec = get_language(lang)
    if nlp is None and spec is not None and spec.speaker_ner and lang not in _NO_NER:
        try:
            nlp = load_ner(lang)
        except (ImportError, OSError) as exc:
            log.warning(
                "statements: %s unavailable (%s); names found by capitalisation",
                spec.ner_model,
                exc,
            )
            _NO_NER.add(lang)
    if nlp is None:
        return None
    return run_ner(nlp, [text])[0]


def extract_statements(
    text: str,
    mentions: Sequence[Mention],
    *,
    lang: str = DEFAULT,
    dates: Sequence[Any] | None = None,
    nlp: Any = None,
    entities: Sequence[tuple[int, int, str]] | None = None,
) -> list[Statement]:
    """Quotations and reported speech of an article, with speaker, role, date and place.

    Parameters
    ----------
    text : str
        The cleaned text (``geo.text.clean(original).text``), which ``mentions`` index.
    mentions : sequence of Mention
        Resolved place mentions of ``text``: the places inside a quotation and the place a
        statement was made are taken from them.
    lang : str
        A language code of :data:`geo.lang.SUPPORTED`.
    dates : sequence of DateMention, optional
        ``geo.dates.find_dates(text, published, lang)``; when None, the dates of the text are
        found without a publication date (relative dates stay unresolved).
    nlp : spacy.Language, optional
        A loaded pipeline with ``ner``; when None, the language's ``ner_model`` is loaded once
        (NER only) if the language declares ``speaker_ner`` (French), else names come from
        capitalisation (English).
    entities : sequence of (start, end, label), optional
        Named entities of ``text`` already found (the geoparser's): used instead of running
        ``nlp`` again.

    Returns
    -------
    list of Statement
        In text order. Direct quotations have ``indirect=False`` and the words between the
        quote marks; reported speech (``X a annoncé que ...``, ``selon X, ...``) has
        ``indirect=True`` and the reported clause.

    Example
    -------
    >>> t = "« Nous avançons », a déclaré jeudi le ministre turc Mevlut Cavusoglu."
    >>> s = extract_statements(t, [], nlp=False)[0]
    >>> s.quote, s.speaker, s.speaker_role
    ('Nous avançons', 'Mevlut Cavusoglu', 'ministre turc')
    """
    lx = load_lexicon(lang)
    if not text.strip():
        return []
    quotes = find_quotes(text)
    masked = mask(text, quotes)
    quotes = [q for q in quotes if not is_naming(lx, masked, text, q)]
    sents = sentences(text)
    sent_starts = [s for s, _ in sents]
    paras = paragraphs(text)
    para_starts = [s for s, _ in paras]
    if entities is not None:
        ents = list(entities)
    else:
        ents = None if nlp is False else _entities(text, lang, nlp)
    names = Names(lx, text, masked, mentions, ents)
    speakers = Speakers(lx, text, masked, names, para_starts, sent_starts)
    placed = sorted((m for m in mentions if m.place is not None), key=lambda m: m.start)
    m_starts = [m.start for m in placed]
    dates = find_dates(text, None, lang) if dates is None else list(dates)

    def para_of(pos: int) -> int:
        return bisect.bisect_right(para_starts, pos) - 1

    # events by sentence, analysed in order (a gerund takes the subject of the verb before it)
    by_sent: dict[int, list[Event]] = {}
    prev = None
    for ev in find_events(lx, masked, sent_starts, sents):
        if analyse(lx, ev, masked, sents[ev.sent], prev):
            by_sent.setdefault(ev.sent, []).append(ev)
            if ev.kind != "ger":
                prev = ev
    q_by_sent: dict[int, list[Quote]] = {}
    for q in quotes:
        i = bisect.bisect_right(sent_starts, q.open) - 1
        q_by_sent.setdefault(max(i, 0), []).append(q)
    q_opens = [q.open for q in quotes]

    def first_quote_after(pos: int) -> int:
        i = bisect.bisect_left(q_opens, pos)
        return quotes[i].open if i < len(quotes) else len(text)

    def ready(ev: Event) -> Event:
        if not ev.resolved and ev.parent is not None:
            parent = ready(ev.parent)
            ev.resolved = True
            ev.speaker, ev.role, ev.plural, ev.where = (
                parent.speaker,
                parent.role,
                parent.plural,
                parent.where,
            )
        if not ev.resolved:
            speakers.resolve(ev)
            ev.where = where_said(
                lx, ev, masked, sents[ev.sent], placed, m_starts, first_quote_after(ev.end)
            )
        return ev

    def direct_next(q: Quote, evs: list[Event]) -> Event | None:
        for ev in evs:
            if ev.start < q.close:
                continue
            if ev.parent is not None or ev.kind == "for":
                return None
            gap_end = ev.start if ev.inverted or ev.np is None else ev.np[0]
            if gap_end < q.close:
                return None
            gap = masked[q.close : gap_end]
            if not any(c.isalnum() for c in gap.replace(MASK, "")):
                return ev
            return None
        return None

    out: list[tuple[Statement, str | None, int]] = []  # statement, speaker key, paragraph

    def emit(
        ev: Event | None,
        s: int,
        e: int,
        quote: str,
        indirect: bool,
        sent_i: int,
        speaker: str | None = None,
    ) -> None:
        role = where = None
        plural = False
        if ev is not None:
            ready(ev)
            speaker, role, where, plural = ev.speaker, ev.role, ev.where, ev.plural
        places = tuple(
            dict.fromkeys(
                m.place
                for m in placed[bisect.bisect_left(m_starts, s) : bisect.bisect_left(m_starts, e)]
                if m.end <= e and m.place
            )
        )
        date = None
        if ev is not None and dates:
            span = attribution_span(ev, masked, sents[ev.sent], first_quote_after(ev.end))
            date = date_for_span(dates, span[0], span[1], text)
        st = Statement(
            quote=quote, start=s, end=e, speaker=speaker, speaker_role=role, indirect=indirect,
            date=date or DateValue(None), where_said=where, places=places,
        )  # fmt: skip
        out.append((st, fold_text(speaker) if speaker else None, para_of(s)))
        if speaker and ev is None:
            speakers.history.append(Said(s, para_of(s), speaker, plural, True))

    for i in range(len(sents)):
        evs = by_sent.get(i, [])
        for ev in evs:  # every speaker is a referent for the pronouns that follow
            ready(ev)
            if ev.speaker:
                person = bool(ev.role or names.in_span(*(ev.np or (0, 0))))
                speakers.history.append(
                    Said(ev.start, para_of(ev.start), ev.speaker, ev.plural, person)
                )
        qs = q_by_sent.get(i, [])
        items: list[tuple[int, Event | None, Quote | None]] = []
        for ev in evs:
            if ev.clause:
                items.append((ev.clause[0], ev, None))
        for q in qs:
            items.append((q.open, None, q))
        items.sort(key=lambda t: t[0])
        for _, ev, q in items:
            if q is None:
                assert ev is not None and ev.clause is not None
                cs, ce = ev.clause
                if ce <= ev.start and any(
                    o is not ev and o.np and not o.inverted and cs <= o.np[0] < ce for o in evs
                ):  # "Dimanche, le président, X avait évoqué ... : « ... », avait-il dit"
                    continue
                if ce <= ev.start:  # "A, a indiqué X, ainsi que B, selon Y": Y's words are B
                    cs = max(
                        [cs]
                        + [
                            (o.appos or o.np or (o.start, o.end))[1]
                            for o in evs
                            if o is not ev
                            and (o.inverted or o.kind == "source")
                            and cs < o.start
                            and (o.appos or o.np or (o.start, o.end))[1] <= ce
                        ]
                    )
                nxt = [
                    o.start
                    for o in evs
                    if o.start > cs and o is not ev and (o.inverted or o.kind in ("ger", "source"))
                ]
                nxt += [  # "... après que M. X eut affirmé que": X's words, not these
                    o.np[0]
                    for o in evs
                    if o is not ev and o.np and not o.inverted and cs < o.np[0] < ce
                ]
                ce = min([ce, *nxt])
                while ce > cs and masked[ce - 1] in _CLAUSE_TRIM:
                    ce -= 1
                while cs < ce and masked[cs] in _CLAUSE_TRIM:
                    cs += 1
                dateline = DATELINE.match(masked, cs, ce)  # "KYIV (Reuters) - "
                cs = dateline.end() if dateline else cs
                if len(text[cs:ce].split()) < MIN_INDIRECT_WORDS or coverage(quotes, cs, ce) >= 0.5:
                    continue
                emit(ev, cs, ce, " ".join(text[cs:ce].split()), True, i)
                continue
            chosen = direct_next(q, evs)
            j = bisect.bisect_right(sent_starts, q.close - 1) - 1
            if chosen is None and j != i:  # a quotation continued over paragraphs
                chosen = direct_next(q, by_sent.get(j, []))
            if chosen is None:
                before = [o for o in evs if o.end <= q.open]
                after = [o for o in evs if o.start >= q.close]
                chosen = before[-1] if before else (after[0] if after else None)
                outer = [  # "X said the E.U. promised « ... »": the words X reports are X's
                    o
                    for o in before
                    if o is not chosen
                    and o.clause
                    and not o.inverted
                    and chosen is not None
                    and not (chosen.clause and chosen.clause[0] <= q.open)
                    and o.clause[0] <= chosen.start
                    and q.close <= o.clause[1]
                ]
                chosen = outer[-1] if outer else chosen
            if chosen is None and not any(
                c.isalnum() for c in masked[sents[i][0] : sents[i][1]].replace(MASK, "")
            ):
                j = i + 1
                if j < len(sents) and para_of(sents[j][0]) == para_of(q.open) and q_by_sent.get(j):
                    chosen = direct_next(q_by_sent[j][0], by_sent.get(j, []))
            if chosen is not None:
                emit(chosen, q.start, q.end, q.text(text), False, i)
                continue
            last = speakers.history[-1] if speakers.history else None
            if last is not None and last.para >= para_of(q.open) - 1:
                emit(None, q.start, q.end, q.text(text), False, i, speaker=last.speaker)
            else:
                emit(None, q.start, q.end, q.text(text), False, i)
    out = situate(lx, text, masked, out, placed, m_starts, names, sents, para_starts)
    return _outermost(carry(out, paras))


def _outermost(statements: list[Statement]) -> list[Statement]:
    """One word a speaker is quoted as using inside a longer statement of the same speaker
    ("l'armée a affirmé avoir « neutralisé » des jihadistes") is a term of that statement,
    not one more; a phrase quoted inside ("« seront punis », a réagi") stays a statement."""
    return [
        s
        for s in statements
        if len(s.quote.split()) > 1
        or not any(
            t is not s
            and t.speaker == s.speaker
            and t.start <= s.start
            and s.end <= t.end
            and (t.start, t.end) != (s.start, s.end)
            for t in statements
        )
    ]

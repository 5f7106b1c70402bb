"""Where a statement was said: the attribution clause, presence, opening places, carry-over."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import replace

from geo.model import DateValue, Mention, Place, Statement
from geo.statements.attributions import Event, after_adjuncts
from geo.statements.groups import np_after
from geo.statements.lexicon import MASK, Lexicon, alt, fold_text
from geo.statements.names import Names, name_key

BACK_WHERE_PARAGRAPHS = 2  # a later "where said" applies to statements at most this far before


def attribution_span(
    ev: Event, masked: str, sent: tuple[int, int], quote_after: int
) -> tuple[int, int]:
    """The words that say who spoke, when and where (not the reported words)."""
    ss, se = sent
    if ev.inverted or ev.pron or ev.kind in ("ger", "source", "for"):
        end = ev.clause[0] if ev.clause and ev.clause[0] > ev.start else se
        return ev.start, max(ev.end, min(end, quote_after))
    end = ev.clause[0] if ev.clause and ev.clause[0] > ev.start else se
    start = ev.np[0] if ev.np else ss
    before_clause = ev.clause is not None and ev.clause[1] <= ev.start  # "..., X said."
    if not before_clause and re.fullmatch(r"[^,]*,\s*", masked[ss:start]):
        start = ss  # "Parlant à Belgrade, X a affirmé"
    return start, max(ev.end, min(end, quote_after))


def where_said(
    lx: Lexicon,
    ev: Event,
    masked: str,
    sent: tuple[int, int],
    mentions: Sequence[Mention],
    m_starts: list[int],
    first_quote_after: int,
) -> Place | None:
    """The place the attribution clause says the speaker spoke from."""
    span = attribution_span(ev, masked, sent, first_quote_after)
    verb_end = after_adjuncts(lx, masked, ev.end)
    if "obj" in ev.flags:  # "told reporters in Geneva"
        obj = np_after(lx, masked, verb_end, span[1], loose=True)
        verb_end = after_adjuncts(lx, masked, obj[0][1]) if obj else verb_end
    np_end = (ev.appos or ev.np)[1] if ev.np and ev.inverted else None
    i = bisect.bisect_left(m_starts, span[0])
    while i < len(mentions) and mentions[i].start < span[1]:
        m = mentions[i]
        i += 1
        if m.place is None or m.role == "metonymic" or MASK in masked[m.start : m.end]:
            continue
        if lx.has("medium", masked[m.start : m.end]):  # "ont indiqué à Xinhua": an audience
            continue
        if any(span and span[0] <= m.start < span[1] for span in (ev.np, ev.appos)):
            continue  # "X, le maire de Y en Colombie, a dit": who X is, not where X spoke
        head = masked[span[0] : m.start]
        if lx.venue_prep_re.search(head) and (m.start > ev.start or lx.venue_re.search(head)):
            return m.place  # "said from Kyiv", "S'exprimant depuis Kiev, X a affirmé"
        prep = lx.place_prep_re.search(head)
        if not prep:
            continue
        at = span[0] + prep.start()
        gap_ok = any(
            p is not None and re.fullmatch(r"[\s,]*", masked[p:at]) is not None
            for p in (verb_end, np_end)
        )
        venue = lx.venue_re.search(masked, max(span[0], at - 100), at)
        if gap_ok or venue:
            return m.place
    return None


def _place_at(
    lx: Lexicon, masked: str, pos: int, placed: Sequence[Mention], m_starts: list[int]
) -> Mention | None:
    """The place mention that starts at ``pos`` (after a determiner), if any."""
    det = re.match(rf"(?:(?:{alt(sorted(lx.cues.get('det', ())))})\s*)?", masked[pos:], re.I)
    at = pos + (det.end() if det else 0)
    i = bisect.bisect_left(m_starts, pos)
    while i < len(placed) and placed[i].start <= at:
        m = placed[i]
        if m.start in (pos, at) and m.role != "metonymic":
            return m
        i += 1
    return None


def situate(
    lx: Lexicon,
    text: str,
    masked: str,
    out: list[tuple[Statement, str | None, int]],
    placed: Sequence[Mention],
    m_starts: list[int],
    names: Names,
    sents: Sequence[tuple[int, int]],
    para_starts: list[int],
) -> list[tuple[Statement, str | None, int]]:
    """Where and by whom, from the rest of the article, for statements that lack them.

    - A quotation without speaker said again later by a named speaker ("« Plus de temps à
      perdre » – envoyé US", then "« plus de temps à perdre », a déclaré X") is that speaker's.
    - A person's presence at a place ("X, en visite à Kiev", "la visite à Beyrouth de X", "X
      est arrivé à Nairobi", "X, on a visit to Kyiv") is where X's statements were made when
      the article puts X at no other place.
    - A paragraph that opens on a place ("À Kherson, des journalistes ont vu ...", "In Kharkiv,
      ...") is where the statements of that paragraph were made, when they say no place.
    """
    if not out:
        return out
    # quotations said again
    for k, (st, _key, para) in enumerate(out):
        if st.speaker or st.indirect or len(st.quote.split()) < 2:
            continue
        q = fold_text(" ".join(st.quote.split())).strip(" .,;:!?…")
        for st2, key2, _ in out:
            if st2 is not st and st2.speaker and q in fold_text(" ".join(st2.quote.split())):
                st = replace(
                    st,
                    speaker=st2.speaker,
                    speaker_role=st2.speaker_role,
                    where_said=st.where_said or st2.where_said,
                )
                out[k] = (st, key2, para)
                break
    # presence of a person at a place
    where_of: dict[str, set[Place]] = {}
    for m in lx.presence_re.finditer(masked):
        place = _place_at(lx, masked, m.end(), placed, m_starts)
        if place is None or place.place is None:
            continue
        si = bisect.bisect_right([a for a, _ in sents], m.start()) - 1
        ss, se = sents[max(si, 0)]
        after = re.match(r"\s*(?:de\s+|d'|of\s+)", masked[place.end : se])
        person = None
        if after:  # "la visite à Beyrouth d'Amos Hochstein"
            found = names.in_span(place.end + after.end(), se)
            if found and found[0][0] == place.end + after.end():
                person = found[0]
        if person is None:  # "X, en visite à Kiev", "X est arrivé à Nairobi"
            before = names.in_span(ss, m.start())
            person = before[0] if before else None
            between = re.findall(r"[\w']+", masked[person[1] : m.start()]) if person else []
            if any(lx.has("boundary", w) or lx.has("relative", w) for w in between):
                person = None  # "X stated that all aircraft arriving in Nigeria": not X
        if person is not None:
            where_of.setdefault(name_key(names.full(person[2])), set()).add(place.place)
    # paragraphs that open on a place
    frame: dict[int, tuple[int, Place]] = {}
    for ss, _ in sents:
        para = bisect.bisect_right(para_starts, ss) - 1
        if para in frame or ss != para_starts[para]:
            continue
        m = re.match(r"\s*(\w+)\s+", masked[ss : ss + 40])
        if not m or not lx.has("place_prep", m.group(1)):
            continue
        place = _place_at(lx, masked, ss + m.end(), placed, m_starts)
        if place is not None and place.place and re.match(r"\s*,", masked[place.end :]):
            frame[para] = (ss, place.place)
    result = []
    for st, key, para in out:
        if st.where_said is None and st.speaker:
            places = where_of.get(name_key(names.full(st.speaker)))
            if places and len(places) == 1:
                st = replace(st, where_said=next(iter(places)))
        if st.where_said is None and para in frame and frame[para][0] <= st.start:
            st = replace(st, where_said=frame[para][1])
        result.append((st, key, para))
    return result


def carry(
    out: list[tuple[Statement, str | None, int]], paras: Sequence[tuple[int, int]]
) -> list[Statement]:
    """Give a speaker's statements without a place or date those of the same speaker's others.

    A place carries forward to the speaker's later statements of the same day, and back to
    statements at most ``BACK_WHERE_PARAGRAPHS`` paragraphs before it; a date carries forward.
    """
    out.sort(key=lambda t: t[0].start)
    result = [st for st, _, _ in out]
    last: dict[str, int] = {}
    for k, (st, key, _) in enumerate(out):
        if key is None:
            continue
        j = last.get(key)
        if j is not None:
            prev = result[j]
            if st.date.value is None and prev.date.value is not None:
                st = replace(st, date=prev.date)
            if (
                st.where_said is None
                and prev.where_said is not None
                and _same_day(st.date, prev.date)
            ):
                st = replace(st, where_said=prev.where_said)
        result[k] = st
        last[key] = k
    for k in range(len(out) - 1, -1, -1):
        key, para = out[k][1], out[k][2]
        st = result[k]
        if key is None or st.where_said is not None:
            continue
        for j in range(k + 1, len(out)):
            if out[j][1] == key and result[j].where_said is not None:
                if out[j][2] - para <= BACK_WHERE_PARAGRAPHS and _same_day(st.date, result[j].date):
                    result[k] = replace(st, where_said=result[j].where_said)
                break
    return result


def _same_day(a: DateValue, b: DateValue) -> bool:
    return a.value is None or b.value is None or a.value == b.value

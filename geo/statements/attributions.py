"""Attributions: verbs of saying, sources and their subjects and reported clauses."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from geo.model import Place
from geo.statements.groups import is_cap, np_after, np_before, starts_with_role
from geo.statements.lexicon import MASK, QUOTE_MARKS, Lexicon, fold_text


@dataclass
class Event:
    """An attribution found outside quotations."""

    start: int
    end: int
    kind: str  # inv, aux, fin, ger (verbs), source, for
    sent: int
    flags: frozenset[str] = frozenset()
    pron: str | None = None
    inverted: bool = False
    np: tuple[int, int] | None = None
    appos: tuple[int, int] | None = None
    clause: tuple[int, int] | None = None
    resolved: bool = False
    speaker: str | None = None
    role: str | None = None
    plural: bool = False
    where: Place | None = None
    parent: Event | None = None  # a gerund's main verb ("a confirmé ..., indiquant que")


_NEG_BEFORE = re.compile(r"(?:\bn'|\bne\s+|\bnot\s+|n't\s+|\bnever\s+)$", re.IGNORECASE)


_PASSIVE_BEFORE = re.compile(
    r"(?:\b(?:été|être|était|étaient|est|sont|was|were|been|be|being|is|are)\s+)$", re.IGNORECASE
)


_NOUN_BEFORE = re.compile(
    r"(?:\b(?:le|la|les|un|une|des|du|de|sa|son|ses|leur|leurs|cette|ce|ces|à|en|sans|pour|par|sur|"
    r"the|a|an|his|her|its|their|this|these|of|to|for)\s+|\b[ld]'"
    r"|\b\d+(?:st|nd|rd|th|e|ème)?\s+)$",  # "the 40th confirmed death", "12 confirmed cases"
    re.IGNORECASE,
)


def find_events(
    lx: Lexicon, masked: str, sent_starts: list[int], sents: list[tuple[int, int]]
) -> list[Event]:
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for (kind, _), matches in zip(lx.events, lx.scanner.matches(masked), strict=True):
        for m in matches:
            found.append((m.start(), m.end(), kind, m))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    events: list[Event] = []
    last_end = -1
    for s, e, kind, m in found:
        if s < last_end:
            continue
        before = masked[max(0, s - 12) : s]
        if _NEG_BEFORE.search(before):
            continue
        if kind in ("fin", "ger") and (
            _PASSIVE_BEFORE.search(before) or kind == "fin" and _NOUN_BEFORE.search(before)
        ):
            continue
        i = bisect.bisect_right(sent_starts, s) - 1
        if i < 0 or s >= sents[i][1]:
            continue
        if m.group("v")[:1].isupper() and masked[sents[i][0] : m.start("v")].strip():
            continue  # a capital inside a sentence: a name ("the United States Department")
        verb = fold_text(" ".join(m.group("v").split()))
        pron = m.groupdict().get("pron")
        events.append(Event(s, e, kind, i, lx.flags.get(verb, frozenset()), pron))
        last_end = e
    for m in lx.source_re.finditer(masked):
        rest = fold_text(masked[m.end() : m.end() + 12])
        if re.match(r"(?:lequel|laquelle|lesquel|que\b|qu'|les cas|which|whom)", rest):
            continue
        i = bisect.bisect_right(sent_starts, m.start()) - 1
        if (
            i >= 0
            and m.start() < sents[i][1]
            and not any(ev.start <= m.start() < ev.end for ev in events)
        ):
            events.append(Event(m.start(), m.end(), "source", i))
    for i, (ss, se) in enumerate(sents):
        m = lx.for_re.match(masked, ss, se)
        if m:
            events.append(Event(ss, m.end(), "for", i))
    events.sort(key=lambda ev: ev.start)
    return events


def _speakerlike(lx: Lexicon, masked: str, span: tuple[int, int]) -> bool:
    """Whether a noun group can name a speaker: a name, a title, a role, a pronoun, a number."""
    words = masked[span[0] : span[1]].split()
    return bool(
        lx.role_re.search(fold_text(masked[span[0] : span[1]]))
        or any(is_cap(w) or w[0].isdigit() or lx.has("title", w) for w in words)
        or any(lx.has("pronoun_sg", w) or lx.has("pronoun_pl", w) for w in words[:1])
    )


def _venue_preps(lx: Lexicon) -> str:
    """The language's "from" words ("depuis", "from") as a regex alternation."""
    return "|".join(re.escape(p) for p in sorted(lx.cues.get("venue_prep", ()))) or "(?!)"


def after_adjuncts(lx: Lexicon, masked: str, pos: int) -> int:
    m = lx.adjuncts_re.match(masked, pos)
    return m.end() if m else pos


# The end of a dispatch's dateline: "RAQQA, Syria (Reuters) - ", "KIEV (AFP) — "
_DATELINE_END = re.compile(r"\([^()]{1,30}\)\s*[-–—]\s*")


def analyse(lx: Lexicon, ev: Event, masked: str, sent: tuple[int, int], prev: Event | None) -> bool:
    """Find the subject and the reported clause of an event; False when it attributes nothing."""
    ss, se = sent
    before = masked[ss : ev.start].rstrip()
    if ev.kind in ("source", "for"):
        found = np_after(lx, masked, ev.end, se, loose=ev.kind == "source")
        if not found:
            return False
        ev.np, ev.appos = found
        ev.inverted = True
        np_end = (ev.appos or ev.np)[1]
        after = masked[np_end:se]
        if ev.kind == "for":
            np_fold = fold_text(masked[ev.np[0] : ev.np[1]])
            has_cue = lx.role_re.search(np_fold) or any(
                is_cap(w) for w in masked[ev.np[0] : ev.np[1]].split()
            )
            return bool(has_cue and re.match(r"\s*,\s*[«\"]", after))
        lead_only = all(lx.has("lead", w) for w in before.split())
        comma = re.match(r"\s*,\s*", after) or re.match(
            r"(?:\s+(?-i:[a-zà-ÿ][\w'-]*)){1,3}\s*,\s*", after
        )  # "Selon un correspondant de l'AFP sur place, ..."
        if lead_only and comma:
            ev.clause = (np_end + comma.end(), se)
        elif before.endswith(",") and re.fullmatch(r"[\s.!?…]*", after):
            ev.clause = (ss, ss + len(before) - 1)
        elif before.endswith(",") and (
            tail := re.fullmatch(r"(\s+[^,;:()" + QUOTE_MARKS + MASK + r"]{2,80}?)[\s.!?…]*", after)
        ):  # "..., selon une source au sein de la police locale."
            ev.np = (ev.np[0], np_end + tail.end(1))
            ev.appos = None
            ev.clause = (ss, ss + len(before) - 1)
        return True
    if ev.kind == "ger":
        if prev is None or prev.sent != ev.sent:
            return False
        ev.parent = prev
    elif ev.pron:
        ev.inverted = True
        if lx.has("pronoun_none", ev.pron):  # "a-t-on appris de source sécuritaire"
            at = after_adjuncts(lx, masked, ev.end)
            src = re.match(r"\s+(?:auprès\s+(?:des|du|de|d')|de|d'|from)(?!\w)\s*", masked[at:se])
            found = src and np_after(lx, masked, at + src.end(), se, loose=True)
            if found:
                ev.np, ev.appos, ev.pron = found[0], found[1], None
            else:
                return False  # "rappelle-t-on": the writer, no speaker
    else:
        incise = not before or before[-1] in ",—–" + QUOTE_MARKS + MASK
        found = None
        if incise and "noinv" not in ev.flags:
            found = np_after(lx, masked, after_adjuncts(lx, masked, ev.end), se)
            if found and lx.clause_re.match(masked, (found[1] or found[0])[1]):
                found = None
            after_quote = re.search(rf"[{QUOTE_MARKS}{MASK}]\s*,?$", before)
            if found and not after_quote and not _speakerlike(lx, masked, found[0]):
                found = None  # "X, speaking in Geneva, said the fighting must stop"
            if found and not after_quote:
                nxt = re.match(r"\s+([\w'-]+)", masked[(found[1] or found[0])[1] : se])
                w = nxt.group(1) if nxt else ""
                if w[:1].islower() and not any(
                    lx.has(kind, w)
                    for kind in ("stop", "adjunct", "boundary", "relative", "place_prep", "lead")
                ):
                    found = None  # "X, the foreign minister, said the E.U. promised to"
        if found:
            ev.np, ev.appos = found
            ev.inverted = True
            if ev.appos is None and starts_with_role(lx, masked[ev.np[0] : ev.np[1]]):
                # "a déclaré un responsable de la milice engagée aux côtés de l'armée, Babakura
                # Kolo.": the name closing the sentence is the role's
                tail = re.match(r"[^,;:()«»\"\ue000]{1,120}?,\s+", masked[ev.np[1] : se])
                name = tail and np_after(lx, masked, ev.np[1] + tail.end(), se)
                if (
                    name
                    and is_cap(masked[name[0][0] : name[0][1]].split()[0])
                    and re.fullmatch(r"[\s.!?…]*", masked[name[0][1] : se])
                ):
                    ev.appos = name[0]
        else:
            low = prev.end if prev is not None and prev.sent == ev.sent else ss
            found = np_before(lx, masked, max(ss, low), ev.start)
            if not found:
                return False
            np_words = masked[found[0][0] : found[0][1]].split()
            if lx.has("preposition", np_words[0]):
                return False  # "In the Northern Indian states of": a phrase, not a subject
            if any(lx.has("copula", w) for w in np_words) or all(
                lx.has("adjunct", w) for w in np_words
            ):
                return False  # "there have been 12 confirmed", "it was only reported": no subject
            if lx.has("negative", np_words[0]):
                return False  # "No group claimed responsibility": nobody spoke
            dateline = _DATELINE_END.search(masked, found[0][0], found[0][1])
            if dateline and dateline.end() < found[0][1]:  # "RAQQA, Syria (Reuters) - X said"
                found = ((dateline.end(), found[0][1]), found[1])
            if ev.kind == "fin" and not _speakerlike(lx, masked, found[0]):
                return False  # "all of which came from the eastern states of": a noun, no verb
            ev.np, ev.appos = found
    if "incise" in ev.flags and not ev.inverted:
        return False
    pos = after_adjuncts(lx, masked, ev.end)
    deed = re.match(r"\s+(?:(?:la|l'|the)\s*)?([\w'-]+)", masked[pos:se])
    if not ev.inverted and deed and lx.has("deed", deed.group(1)):
        return False  # "claimed responsibility for the attack": a deed, not words
    if ev.inverted:
        if before.endswith(","):
            ev.clause = (ss, ss + len(before) - 1)
    elif "que" in ev.flags:
        if "obj" in ev.flags:  # "told reporters in Kyiv that"
            obj = np_after(lx, masked, re.match(r"\s*", masked[pos:]).end() + pos, se, loose=True)
            if obj:
                pos = after_adjuncts(lx, masked, (obj[1] or obj[0])[1])
        m = lx.clause_re.match(masked, pos)
        if m:
            ev.clause = (m.end(), se)
        elif lx.cues.get("clause_subject"):  # a clause without "that": "said it would"
            nxt = re.match(r"\s+([\w']+)", masked[pos:se])
            if (
                nxt
                and (
                    is_cap(nxt.group(1))
                    or lx.has("det", nxt.group(1))
                    or nxt.group(1).lower() in lx.cues["clause_subject"]
                    or nxt.group(1)[0].isdigit()  # "said 30 fighters had surrendered"
                    or not (lx.has("stop", nxt.group(1)) or lx.has("boundary", nxt.group(1)))
                    and nxt.group(1)[0].isalpha()  # "said heavy gunfire could be heard"
                )
                and len(masked[pos:se].split()) >= 4
            ):
                ev.clause = (pos + nxt.start(1), se)
        if (
            ev.clause is None
            and ev.np
            and re.fullmatch(
                rf"(?:\s+(?:(?i:{_venue_preps(lx)}))"
                r"(?:\s+(?-i:[A-ZÀ-Þ][\w'-]*)){1,3})?[\s.!?…]*",
                masked[pos:se],
            )
            and re.search(r",\s*$", masked[ss : ev.np[0]])
        ):  # "Missiles struck Kharkiv, killing four, the governor said on Tuesday."
            # "..., two security sources told Reuters by phone from Mogadishu."
            ev.clause = (ss, ss + masked[ss : ev.np[0]].rstrip().rfind(","))
        if ev.clause is None:  # "l'armée a dit vérifier ces faits"
            m = lx.infinitive_re.match(masked, pos, se)
            if m and not lx.has("adjunct", m.group().split()[-1]):
                ev.clause = (m.end() - len(m.group().split()[-1]), se)
    if ev.clause is None and not ev.inverted and "what" in ev.flags:
        # "a fait état de raids aériens", "a annoncé la mort d'un soldat": the object
        nxt = re.match(r"\s+(?:(?:de|of)\s+|d')?([\w'])", masked[pos:se], re.IGNORECASE)
        if nxt and (lx.has("det", masked[pos + nxt.start(1) :].split()[0]) or nxt.group().strip()):
            ev.clause = (pos + nxt.start(1), se)
    return True

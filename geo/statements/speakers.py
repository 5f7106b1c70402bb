"""Speakers: names, roles, pronouns and anaphors resolved against the document so far."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from geo.statements.attributions import Event
from geo.statements.groups import is_cap, starts_with_role, strip_det, tokens
from geo.statements.lexicon import MASK, Lexicon, Role, fold_text, role_of
from geo.statements.names import Names


@dataclass
class Said:
    pos: int
    para: int
    speaker: str
    plural: bool
    person: bool


def _same_word(a: str, b: str) -> bool:
    """Same word up to gender and number endings ("turc"/"turque", "syrien"/"syrienne")."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return min(len(a), len(b)) >= 3 and n >= min(len(a), len(b)) - 1


class Speakers:
    """Who speaks: names, roles and pronouns resolved against the document so far."""

    def __init__(
        self,
        lx: Lexicon,
        text: str,
        masked: str,
        names: Names,
        para_starts: list[int],
        sent_starts: list[int] | None = None,
    ):
        self.lx, self.text, self.masked, self.names = lx, text, masked, names
        self.para_starts = para_starts
        self.sent_starts = sent_starts or [0]
        self.history: list[Said] = []
        self.unnamed: tuple[int, str] | None = None  # the last speaker named by a role only
        # (speaker, is a person, folded description) -> sorted positions, for role coreference
        self.descs: dict[tuple[str, bool, str], list[int]] = {}
        self._scan_roles()

    def _role(self, matched: str) -> Role | None:
        return role_of(self.lx.lang, matched)

    def _scan_roles(self) -> None:
        """Roles written next to a person's name anywhere: "le chef de la diplomatie russe Sergueï Lavrov"."""
        for s, e, name in self.names.spans:
            full = self.names.full(name)
            before = self.masked[max(0, s - 120) : s]
            cut = max(before.rfind(c) for c in ',.;:()«»"\n' + MASK)
            clause = fold_text(before[cut + 1 :])
            m = _last_match(self.lx.role_re, clause)
            if m and not re.search(r"(?:\b(?:du|des|de|of)|')\s*$", clause[: m.start()]):
                self._describe(s, full, True, clause[m.start() :].strip())
            after = re.match(r",\s+([^,.;:()«»\"\n" + MASK + r"]{3,120})", self.masked[e:])
            if after:
                desc = fold_text(strip_det(self.lx, after.group(1)))
                if self.lx.role_re.match(desc):
                    self._describe(s, full, True, desc.strip())

    def pronoun(self, word: str, pos: int) -> tuple[str | None, bool]:
        plural = self.lx.has("pronoun_pl", word)
        if self.lx.has("pronoun_none", word):
            return None, False
        recent: list[Said] = []  # the last three speakers before pos
        for h in reversed(self.history):
            if h.pos < pos:
                recent.insert(0, h)
                if len(recent) == 3:
                    break
        para = bisect.bisect_right(self.para_starts, pos) - 1
        named = self.names.last_before(pos)
        if not plural and named and (not recent or recent[-1].para < para - 1):
            return self.names.full(named[2]), False  # no recent speaker: the last person named
        if not plural and named and (not recent or recent[-1].pos < named[0]):
            # "X est arrivé à Y et a salué ces négociations, qu'il a qualifiées de « ... »": a
            # person named in the main clause of the pronoun's sentence, after the last speaker
            ss = self.sent_starts[max(0, bisect.bisect_right(self.sent_starts, pos) - 1)]
            head = self.masked[ss : named[0]]
            if named[0] >= ss and not any(
                self.lx.has("boundary", w) or w in ",;:" for w in _words(head)
            ):
                return self.names.full(named[2]), False
        if not recent:
            return None, plural
        pick = recent[-1]
        agree = [h for h in recent if h.plural == plural]
        if agree:
            pick = agree[-1]
        return pick.speaker, plural

    def resolve(self, ev: Event) -> None:
        """Set the speaker, its role and number on an event from its subject."""
        ev.resolved = True
        lx = self.lx
        if ev.pron:
            ev.speaker, ev.plural = self.pronoun(ev.pron, ev.start)
            return
        if ev.np is None:
            return
        s, e = ev.np
        np_text = " ".join(self.text[s:e].split())
        words = np_text.split()
        if len(words) == 1 and (
            lx.has("pronoun_sg", words[0])
            or lx.has("pronoun_pl", words[0])
            or lx.has("pronoun_none", words[0])
        ):
            ev.speaker, ev.plural = self.pronoun(words[0], ev.start)
            return
        appos_text = " ".join(self.text[ev.appos[0] : ev.appos[1]].split()) if ev.appos else None
        names = self.names.in_span(s, e)
        head = None
        if names:
            raw = self.text[s : names[0][0]]
            before = fold_text(raw)
            after = self.text[names[-1][1] : e].strip(" ,")
            before_words = [
                w
                for w in tokens(lx, raw, 0, len(raw))
                if w[2][0].isalnum() and not (lx.has("det", w[2]) or lx.has("title", w[2]))
            ]
            m = _last_match(lx.role_re, before)
            genitive = re.search(r"(?:\b(?:du|des|de|of)|\bd')$", before.rstrip()) or (
                m is not None and re.search(r"(?:\b(?:du|des|de|of)|')\s*$", before[: m.start()])
            )
            joined = all(
                re.fullmatch(
                    r"\s*(?:,|et|and|&|,\s*et)?\s*(?:\w+\s+)?", fold_text(self.text[a[1] : b[0]])
                )
                for a, b in zip(names, names[1:], strict=False)
            )
            if (
                not after
                and joined
                and not genitive
                and (
                    not before_words
                    or (m and m.start() <= before_words[0][0] + 1)
                    # "regional governor Oleh Synehubov", "Hamas official Basem Naim"
                    or (m and not before[m.end() :].strip() and len(before_words) <= 4)
                    or _OWNER.fullmatch(raw)  # "Russia's Lavrov", "Hamas's Haniyeh"
                )
            ):
                fulls = [self.names.full(n) for _, _, n in names]
                ev.speaker = f" {lx.and_word} ".join(dict.fromkeys(fulls))
                ev.plural = len(fulls) > 1
                role = strip_det(lx, " ".join(self.text[s : names[0][0]].split()))
                role = role if m else None
                if appos_text and starts_with_role(lx, appos_text):
                    role = role or strip_det(lx, appos_text)
                ev.role = role or None
                self._remember(ev, person=True)
                unnamed = self.unnamed
                if (
                    unnamed is not None
                    and not ev.role
                    and not ev.plural
                    and not ev.inverted
                    and 0 < ev.start - unnamed[0] <= 400
                    and bisect.bisect_right(self.para_starts, unnamed[0])
                    == bisect.bisect_right(self.para_starts, ev.start)
                ):  # "..., a déclaré le gouverneur de la région. Viatcheslav Gladkov a ajouté"
                    self._describe(ev.start, ev.speaker, True, unnamed[1])
                self.unnamed = None
                return
        if appos_text:
            a_names = self.names.in_span(*ev.appos)
            a_words = appos_text.split()
            if (
                not a_names
                and 2 <= len(a_words) <= 4
                and all(is_cap(w) for w in a_words)
                and starts_with_role(lx, np_text)
                and not self.names.on_place(*ev.appos)
            ):  # "un responsable de la milice, Babakura Kolo" that NER did not tag
                a_names = [(ev.appos[0], ev.appos[1], appos_text)]
            titled = _titled_name(lx, appos_text)
            if not a_names and titled and not self.names.on_place(*ev.appos):
                # "Son rival, le général Mohamed Hamdane Daglo, a affirmé"
                start = ev.appos[1] - len(titled)
                a_names = [(start, ev.appos[1], titled)]
            if a_names and (
                a_names[0][0] - ev.appos[0] <= 4
                or _titled_name(lx, self.text[ev.appos[0] : a_names[0][1]]) is not None
            ):
                ev.speaker = self.names.full(a_names[0][2])
                desc = strip_det(lx, np_text)
                ev.role = desc if lx.role_re.match(fold_text(desc)) else None
                self._remember(ev, person=True)
                return
        head = strip_det(lx, np_text)
        hw = head.split()
        if hw and lx.has("title", hw[0]):  # "M. Kalin", "MM. Erdogan et Poutine"
            ev.speaker = self.names.full(" ".join(hw[1:]) or head)
            ev.plural = fold_text(hw[0]) in ("mm.", "mmes")
            self._remember(ev, person=True)
            return
        owner = _OWNER.match(head)
        if owner and 0 < len(head[owner.end() :].split()) <= 2:
            head = head[owner.end() :]  # "Russia's Lavrov": the name, not its country
            hw, s = head.split(), e - len(head)
        on_place = self.names.on_place(s, e)
        capitalised = 0 < len(hw) <= 3 and all(is_cap(w) for w in hw)
        if capitalised and not on_place and not lx.role_re.match(fold_text(head)):
            ev.speaker = self.names.full(head)  # "Lavrov said", "Cavusoglu a dit"
            self._remember(ev, person=ev.speaker != head)
            return
        if lx.has("anaphor", words[0]) or (len(hw) > 1 and lx.has("anaphor", hw[0])):
            ref = self._anaphor(hw, ev.start)  # "cette source", "la même source"
            if ref:
                ev.speaker, ev.plural = ref.speaker, ref.plural
                self._remember(ev, person=ref.person)
                return
        fold = fold_text(head)
        m = lx.role_re.match(fold)
        role = self._role(m.group()) if m else None
        definite = fold_text(words[0]) in (
            "le",
            "la",
            "l'",
            "the",
            "son",
            "sa",
            "his",
            "her",
            "its",
        ) or fold_text(words[0]).startswith("l'")
        ev.plural = (
            fold_text(words[0]) in ("les", "des", "ces", "leurs", "ses", "mm.", "these", "their")
            or (role is not None and role.kind == "group")
            or words[0].isdigit()
        )
        if role and definite and not ev.plural:
            ref = self._corefer(fold, m.group(), role, s, head)
            if ref:
                ev.speaker = ref
                ev.role = head if role.kind == "person" else None
                self._remember(ev, person=role.kind == "person", desc=fold)
                return
        ev.speaker = head or None
        if role and lx.has("possessive", words[0]) and not ev.plural and len(hw) <= 3:
            owner = next((h for h in reversed(self.history) if h.pos < s and not h.plural), None)
            if owner is not None:  # "a indiqué son bureau": the office of the last speaker
                ev.speaker = f"{head} {lx.genitive} {owner.speaker}"
        ev.role = head if role and role.kind == "person" else None
        if appos_text and starts_with_role(lx, appos_text):
            ev.role = strip_det(lx, appos_text)
        self._remember(ev, person=bool(role and role.kind == "person"), desc=fold)
        if role and role.kind == "person" and definite and not ev.plural:
            self.unnamed = (ev.start, fold)  # a role without a name: the next name may be it

    def _anaphor(self, words: list[str], pos: int) -> Said | None:
        """The speaker that "cette source", "la même ONG", "this official" refers back to: the
        last one named with that role word, else the last one of the same kind (person, body)."""
        while words and self.lx.has("anaphor", words[0]):
            words = words[1:]
        m = self.lx.role_re.match(fold_text(" ".join(words)))
        role = self._role(m.group()) if m else None
        if role is None:
            return None
        before = [h for h in self.history if h.pos < pos]
        base = role.base
        for h in reversed(before):
            if re.search(rf"(?<![\w-]){re.escape(base)}(?![\w-])", fold_text(h.speaker)):
                return h
        for h in reversed(before[-3:]):
            if role.group == "source" or (h.person == (role.kind == "person") and not h.plural):
                return h  # "selon la même source": whoever was the source before
        return None

    def _remember(self, ev: Event, person: bool, desc: str | None = None) -> None:
        if not ev.speaker:
            return
        parts = [desc or "", fold_text(ev.role or ""), fold_text(ev.speaker)]
        self._describe(ev.start, ev.speaker, person, " ".join(p for p in parts if p))

    def _describe(self, pos: int, speaker: str, person: bool, desc: str) -> None:
        bisect.insort(self.descs.setdefault((speaker, person, desc), []), pos)

    def _corefer(self, fold: str, matched: str, role: Role, pos: int, head: str = "") -> str | None:
        """The named person or body that a definite role noun group refers to."""
        lx = self.lx
        role_words = set(matched.split())
        mods = [
            w
            for w in re.findall(r"[\w-]+'?", fold)
            if w not in role_words
            and not lx.has("function", w)
            and not lx.has("det", w)
            and not lx.has("anaphor", w)
        ]
        role_words_raw = set(matched.split())
        names_in_head = [  # proper names after the role: "l'agence locale Tasnim"
            w
            for w in re.findall(r"[\w-]+", head)[1:]
            if is_cap(w) and fold_text(w) not in role_words_raw and not lx.has("function", w)
        ]
        best, best_key = None, None
        for (speaker, person, desc), positions in self.descs.items():
            k = bisect.bisect_left(positions, pos)
            if not k or person != (role.kind == "person"):
                continue
            p = positions[k - 1]  # the latest description before the role noun group
            ok = False
            for m in lx.role_re.finditer(desc):
                r = self._role(m.group())
                if r and ((role.group and r.group == role.group) or r.base == role.base):
                    ok = True
                    break
            if not ok:
                continue
            dwords = re.findall(r"[\w-]+", desc)
            hits = sum(any(_same_word(w, d) for d in dwords) for w in mods)
            if person and hits < len(mods):
                continue
            if any(fold_text(w) not in dwords for w in names_in_head):
                continue  # "l'agence locale Tasnim" is not the agency named before
                continue
            key = (hits, p)
            if best_key is None or key > best_key:
                best, best_key = speaker, key
        if best is None and role.kind == "person" and not mods:
            for h in reversed(self.history):
                if h.pos < pos and h.person and not h.plural:
                    return h.speaker
        return best


def _titled_name(lx, words: str) -> str | None:
    """The name closing ``words`` when what comes before it is a determiner and a title or a
    role ("le général Mohamed Hamdane Daglo": "Mohamed Hamdane Daglo"), else None."""
    ws = words.split()
    k = len(ws)
    while k > 0 and (is_cap(ws[k - 1]) or lx.has("connector", ws[k - 1])):
        k -= 1
    name, lead = ws[k:], ws[:k]
    if not 2 <= len(name) <= 4 or not is_cap(name[0]) or not lead:
        return None
    rest = [w for w in lead if not lx.has("det", w)]
    if rest and (
        all(lx.has("title", w) for w in rest) or lx.role_re.match(fold_text(" ".join(rest)))
    ):
        return " ".join(name)
    return None


# A country or an organisation owning the name that follows: "Russia's Lavrov"
_OWNER = re.compile(r"\s*[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?['’]s\s*")


def _words(s: str) -> list[str]:
    return re.findall(r"[\w-]+'?|[,;:]", s)


def _last_match(pattern: re.Pattern[str], s: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(s):  # noqa: B007 - the last one is wanted
        pass
    return found

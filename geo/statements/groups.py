"""Noun groups: the subject or source of a verb of saying, before or after it."""

from __future__ import annotations

import re

from geo.statements.lexicon import MASK, QUOTE_MARKS, Lexicon, fold_text

MAX_NP_TOKENS = 16  # a speaker's noun group is never longer


def tokens(lx: Lexicon, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [
        (m.start() + start, m.end() + start, m.group())
        for m in lx.token_re.finditer(text[start:end])
    ]


def is_cap(tok: str) -> bool:
    if tok[:1].isupper():
        return True
    head, _, rest = tok.partition("-")
    return bool(rest[:1].isupper()) and head.lower() in (
        "al",
        "el",
        "ben",
        "bin",
        "abu",
        "abou",
        "ibn",
    )


def np_after(
    lx: Lexicon, masked: str, pos: int, end: int, loose: bool = False
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """The noun group starting at ``pos`` (an inverted subject, a source), with its apposition.

    ``loose`` accepts a group without determiner ("according to local officials").
    """
    toks = tokens(lx, masked, pos, end)
    if not toks:
        return None
    first = toks[0][2]
    if (
        not (
            (loose and first[0].isalpha())
            or is_cap(first)
            or lx.has("det", first)
            or lx.has("title", first)
            or lx.has("pronoun_sg", first)
            or lx.has("pronoun_pl", first)
            or lx.role_re.match(fold_text(masked[toks[0][0] : toks[-1][1]]))
        )
        or lx.has("stop", first)
        and not is_cap(first)
    ):
        return None
    if first[0] == MASK:
        return None
    if lx.has("pronoun_sg", first) or lx.has("pronoun_pl", first):
        return (toks[0][0], toks[0][1]), None
    base = toks[0][0]
    role_spans = [
        (base + m.start(), base + m.end())
        for m in lx.role_re.finditer(fold_text(masked[base : toks[-1][1]]))
    ]
    i, seen_name, last = 0, False, None
    while i < len(toks) and i < MAX_NP_TOKENS:
        s, e, t = toks[i]
        in_role = any(rs <= s and e <= re_ for rs, re_ in role_spans)
        if t == "(":  # "(HCR)"
            j = next((k for k in range(i, min(i + 6, len(toks))) if toks[k][2] == ")"), None)
            if j is None:
                break
            last, i = toks[j][1], j + 1
            continue
        if not (t[0].isalnum() or t.endswith("'") or (len(t) > 1 and lx.has("title", t))):
            break
        if i and lx.has("stop", t) and not is_cap(t):
            break
        if in_role:
            pass
        elif is_cap(t) or lx.has("title", t):
            seen_name = True
        elif (
            seen_name
            and not (
                lx.has("connector", t)
                and any(is_cap(x[2]) for x in toks[i + 1 : i + 3])
                or not lx.has("det", t)
                and not lx.has("function", t)
                and any(  # "the U.N. aid chief": a modifier, then the role
                    rs <= x[0] and x[1] <= re_
                    for x in toks[i + 1 : i + 2]
                    for rs, re_ in role_spans
                )
            )
        ):
            # "le Haut Commissariat des Nations unies pour les réfugiés (HCR)": a name that
            # goes on in lower case up to its acronym
            k = next((k for k in range(i, min(i + 8, len(toks))) if toks[k][2] == "("), None)
            if (
                k is not None
                and k + 2 < len(toks)
                and toks[k + 2][2] == ")"
                and toks[k + 1][2].isupper()
                and all(x[2][0].isalpha() or x[2] == "'" for x in toks[i:k])
            ):
                last, i = toks[k + 2][1], k + 3
                continue
            break  # a name ends at a lower-case word other than a particle ("al-", "de")
        last = e
        i += 1
    if last is None:
        return None
    appos = None
    rest = masked[last:end]
    m = re.match(r",\s+", rest)
    if m:
        after = np_after(lx, masked, last + m.end(), end)
        if (
            after
            and masked[after[0][1] : after[0][1] + 1] in (",", ".", "", ";")
            or (after and after[0][1] == end)
        ):
            s_a, e_a = after[0]
            a_text = masked[s_a:e_a]
            a_first = a_text.split()[0] if a_text.split() else ""
            is_role = starts_with_role(lx, a_text)
            role_np = starts_with_role(lx, masked[toks[0][0] : last])
            if is_role or (
                (not seen_name or role_np) and (is_cap(a_first) or lx.has("title", a_first))
            ):  # "une porte-parole du HCR, Dalia Amri"
                appos = (s_a, e_a)
    return (toks[0][0], last), appos


def strip_det(lx: Lexicon, s: str) -> str:
    words = s.split(None, 1)
    if not words:
        return s
    w = words[0]
    if w.endswith("'") and lx.has("det", w):
        return s[len(w) :].lstrip()
    if "'" in w and lx.has("det", w[: w.index("'") + 1]):
        return s[w.index("'") + 1 :]
    if lx.has("det", w) and len(words) > 1:
        return words[1]
    return s


def _acronym(tok: str) -> bool:
    """An acronym ("WHO", "AS"), never the function word it spells."""
    return len(tok) > 1 and tok.isupper()


def np_before(
    lx: Lexicon, masked: str, start: int, pos: int
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """The subject noun group ending at ``pos`` (before a verb), with its apposition."""
    toks = tokens(lx, masked, start, pos)
    while toks and (
        lx.has("relative", toks[-1][2]) and not _acronym(toks[-1][2]) or toks[-1][2] == ","
    ):
        if toks[-1][2] == ",":
            break
        toks.pop()
    appos = None
    if toks and toks[-1][2] == ",":  # "X, apposition, a déclaré"
        toks.pop()
        j = len(toks) - 1
        depth = 0
        while j >= 0 and toks[j][2][0] not in QUOTE_MARKS + MASK:
            t = toks[j][2]
            if t == ")":  # "X, député de Y (sud), a indiqué"
                depth += 1
            elif t == "(" and depth:
                depth -= 1
            elif depth == 0 and t in (",", ";", ":", "(", ")"):
                break
            j -= 1
        if j >= 0 and toks[j][2] == ",":
            appos = (toks[j + 1][0], toks[-1][1]) if j + 1 < len(toks) else None
            toks = toks[:j]
            k = len(toks)
            while k > 0 and toks[k - 1][2] != ",":
                k -= 1
            if k and _AGE.fullmatch(" ".join(t[2] for t in toks[k:])):  # "X, 41 ans, habitant"
                toks = toks[: k - 1]
        else:
            return None
    # the clause: back to punctuation or a clause word
    k = len(toks)
    depth = 0
    while k > 0:
        t = toks[k - 1][2]
        if t == ")":
            depth += 1
        elif t == "(":
            depth -= 1
        elif depth == 0 and (
            t in (",", ";", ":", ".", "!", "?", "—", "–")
            or t[0] in QUOTE_MARKS + MASK
            or (lx.has("boundary", t) or lx.has("relative", t))
            and not _acronym(t)
        ):
            break
        k -= 1
    np = toks[k:][-MAX_NP_TOKENS:]
    if (
        k > 1
        and np
        and not is_cap(np[0][2])
        and not lx.has("det", np[0][2])
        and not lx.has("title", np[0][2])
        and not lx.role_re.match(fold_text(masked[np[0][0] : np[-1][1]]))
        and (lx.has("relative", toks[k - 1][2]) or toks[k - 1][2] == ",")
    ):
        # "An aid worker who visited the hospital called it", "Mark Kitsmore, 54, of Tyler
        # said": the group before the relative clause or the apposition
        j = k - 1
        while j > 0 and toks[j - 1][2] != "," and not _AGE.fullmatch(toks[j - 1][2]):
            if toks[j - 1][2] in (";", ":", ".", "!", "?") or toks[j - 1][2][0] in MASK:
                break
            j -= 1
        before = toks[j : k - 1] if lx.has("relative", toks[k - 1][2]) else []
        if not before and toks[k - 1][2] == ",":  # "X, 54, of Tyler"
            m = k - 1
            if m >= 2 and _AGE.fullmatch(toks[m - 1][2]) and toks[m - 2][2] == ",":
                m -= 2
            j = m
            while j > 0 and toks[j - 1][2] not in (",", ";", ":", ".", "!", "?"):
                j -= 1
            if lx.has("connector", np[0][2]) or lx.has("stop", np[0][2]):
                before = toks[j:m]
        if before and any(is_cap(t[2]) or lx.has("det", t[2]) for t in before[:2]):
            np = before
    while np and (lx.has("lead", np[0][2]) and not is_cap(np[0][2]) or np[0][2] in "-–—"):
        np = np[1:]
    for n in (2, 1):  # "Last week the World Health Organization said"
        if len(np) > n and lx.has("adjunct", " ".join(t[2] for t in np[:n])):
            np = np[n:]
            break
    if np and np[0][2].lower() in ("et", "and", "mais", "but"):
        np = np[1:]
    while len(np) > 1 and lx.has("adjunct", np[-1][2]) and not is_cap(np[-1][2]):
        np = np[:-1]  # "officials also said", "the officials earlier announced"
    if not np:
        return None
    if len(np) > 2 and lx.has("lead", np[-1][2]) and not is_cap(np[-1][2]):
        # "X est arrivé lundi à Nairobi et a qualifié": the subject of the first verb
        first = np_after(lx, masked, np[0][0], np[-1][0])
        if first:
            return first
    dateline = DATELINE.match(masked, np[0][0], np[-1][1])  # "ISTANBUL (Reuters) - L'armée"
    if dateline:
        np = [t for t in np if t[0] >= dateline.end()]
        if not np:
            return None
    if appos and not _appos_ok(lx, masked, appos):
        appos = None
    return (np[0][0], np[-1][1]), appos


def starts_with_role(lx: Lexicon, s: str) -> bool:
    """Whether a role noun opens ``s``, after a determiner and up to two modifiers."""
    folded = fold_text(strip_det(lx, s))
    m = lx.role_re.search(folded)
    return (
        m is not None and len(folded[: m.start()].split()) <= 2 and "," not in folded[: m.start()]
    )


def _appos_ok(lx: Lexicon, masked: str, span: tuple[int, int]) -> bool:
    a_text = masked[span[0] : span[1]].strip()
    if not a_text or MASK in a_text:
        return False
    first = a_text.split()[0]
    return is_cap(first) or lx.has("title", first) or starts_with_role(lx, a_text)


DATELINE = re.compile(  # "KYIV (Reuters) - ", "ADEN, 18 janvier (Reuters) - ", "(Belga) "
    r"(?-i:[A-ZÀ-Þ][A-ZÀ-Þ .'/-]+)(?:,\s*[\w .'-]+)?\s*\([^)]{1,40}\)\s*[-–—]\s*"
    r"|\((?-i:[A-Z][\w.-]{1,20})\)\s*[-–—]?\s*"
)


_AGE = re.compile(r"(?:\d{1,3}\s+ans|(?:aged\s+)?\d{1,3}(?:\s+years?\s+old)?)", re.IGNORECASE)

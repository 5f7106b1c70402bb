"""Person names of a document: their spans and the full form of each surname."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from geo.model import Mention
from geo.statements.groups import is_cap, tokens
from geo.statements.lexicon import MASK, Lexicon, fold_text


def _osa1(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by at most one edit or one transposition."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


def name_key(name: str) -> str:
    last = fold_text(name.split()[-1]) if name.split() else ""
    return re.sub(r"^(?:al|el)-", "", last)


class Names:
    """Person names of a document: spans, and the full form of each surname."""

    def __init__(
        self,
        lx: Lexicon,
        text: str,
        masked: str,
        mentions: Sequence[Mention],
        ents: list[tuple[int, int, str]] | None,
    ):
        self.lx = lx
        self.spans: list[tuple[int, int, str]] = []  # person name spans, titles stripped
        self.mentions = mentions
        self._sorted_mentions = sorted(mentions, key=lambda m: m.start)
        self._mention_starts = [m.start for m in self._sorted_mentions]
        self._longest_mention = max((m.end - m.start for m in mentions), default=0)
        self.other: list[tuple[int, int]] = [(m.start, m.end) for m in mentions]
        self._masked_tokens: list[tuple[int, int, str]] | None = None
        if ents is not None:
            self.other += [(s, e) for s, e, label in ents if label not in ("PER", "PERSON")]
            for s, e, label in ents:
                if label in ("PER", "PERSON") and MASK not in masked[s:e]:
                    self._add(text, s, e)
        self._title_names(text, masked)
        if ents is None:
            self._capitalised(text, masked)
        self.spans.sort()
        self._starts = [s for s, _, _ in self.spans]
        self.full_forms: dict[str, list[tuple[int, int, str]]] = {}
        for s, _, name in self.spans:
            self.full_forms.setdefault(name_key(name), []).append((-len(name.split()), s, name))

    def _add(self, text: str, s: int, e: int) -> None:
        toks = tokens(self.lx, text, s, e)
        while toks and (
            self.lx.has("title", toks[0][2])
            or self.lx.has("det", toks[0][2])
            or self.lx.has("stop", toks[0][2])
        ):
            toks.pop(0)
        while toks and not toks[-1][2][0].isalnum():
            toks.pop()
        if toks and is_cap(toks[0][2]):
            self.spans.append(
                (toks[0][0], toks[-1][1], " ".join(text[toks[0][0] : toks[-1][1]].split()))
            )

    def _cap_runs(self, text: str, masked: str):
        """Runs of capitalised tokens (with name particles), outside quotations."""
        if self._masked_tokens is None:
            self._masked_tokens = tokens(self.lx, masked, 0, len(masked))
        toks = self._masked_tokens
        has = self.lx.has

        def opens(t: str) -> bool:  # a capitalised word, no title: starts or goes on with a run
            return is_cap(t) and t[0].isalpha() and not has("title", t)

        # only a capital or a hyphen ("al-Assad") can make a token capitalised (is_cap)
        maybe = [i for i, tok in enumerate(toks) if tok[2][0].isupper() or "-" in tok[2]]
        nxt = 0
        for i in maybe:
            if i < nxt or not opens(toks[i][2]):
                continue
            j = i + 1
            while j < len(toks):
                t = toks[j][2]
                if opens(t):
                    j += 1
                elif (
                    has("connector", t)
                    and j + 1 < len(toks)
                    and is_cap(toks[j + 1][2])
                    and toks[j][1] + 1 >= toks[j + 1][0]
                ):
                    j += 2
                else:
                    break
            yield i, j, toks
            nxt = j

    def _title_names(self, text: str, masked: str) -> None:
        for i, j, toks in self._cap_runs(text, masked):
            titled = i > 0 and self.lx.has("title", toks[i - 1][2])
            if titled and not any(s <= toks[i][0] < e for s, e, _ in self.spans):
                self._add(text, toks[i][0], toks[j - 1][1])

    def _capitalised(self, text: str, masked: str) -> None:
        for i, j, toks in self._cap_runs(text, masked):
            # drop leading roles and words before them ("Russian Foreign Minister Sergei Lavrov")
            k = i
            for m in range(i, j):
                if self.lx.role_re.fullmatch(fold_text(toks[m][2])) or self.lx.has(
                    "det", toks[m][2]
                ):
                    k = m + 1
            if j - k < 2 and not (k > 0 and self.lx.has("title", toks[k - 1][2])):
                continue
            s, e = toks[k][0], toks[j - 1][1]
            if any(os < e and s < oe for os, oe in self.other):
                continue
            self._add(text, s, e)

    def last_before(self, pos: int) -> tuple[int, int, str] | None:
        """The last person name that ends before ``pos``."""
        for i in range(bisect.bisect_left(self._starts, pos) - 1, -1, -1):
            if self.spans[i][1] <= pos:
                return self.spans[i]
        return None

    def on_place(self, s: int, e: int) -> bool:
        """Whether [s, e) overlaps a place mention."""
        i = bisect.bisect_left(self._mention_starts, s - self._longest_mention)
        while i < len(self._mention_starts) and self._mention_starts[i] < e:
            m = self._sorted_mentions[i]
            if s < m.end:
                return True
            i += 1
        return False

    def in_span(self, s: int, e: int) -> list[tuple[int, int, str]]:
        i = bisect.bisect_left(self._starts, s)
        out = []
        while i < len(self.spans) and self.spans[i][0] < e:
            if self.spans[i][1] <= e:
                out.append(self.spans[i])
            i += 1
        return out

    def full(self, name: str) -> str:
        """The longest form of this person's name in the document (one slip of spelling allowed)."""
        key = name_key(name)
        cands = list(self.full_forms.get(key, ()))
        if len(key) >= 6:
            for other, forms in self.full_forms.items():
                if other != key and len(other) >= 6 and _osa1(key, other):
                    cands += forms
        n = len(name.split())
        best = min((c for c in cands if -c[0] >= n), default=None)
        return best[2] if best else name

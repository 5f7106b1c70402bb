"""Faster regex scans that find exactly what the plain ones find.

Two tools for the lexicon patterns of the extraction stages, which are many, long, case-blind
and open with a lookbehind (``(?<![\\w-])``), so that the regex engine cannot skip ahead and
tries every pattern at every character of a document:

- :func:`tree_alternation` writes a large alternation of phrases as a prefix tree. ``a|ab|abc``
  (longest first) and ``a(?:b(?:c|)|)`` (longer continuation first) match the same text at
  every position and prefer the same alternative: two phrases can both match at one position
  only when one is a prefix of the other, and both forms try the longer first. This holds with
  or without ``re.IGNORECASE`` as long as no two branches at one point of the tree differ only
  by case and every character is a Latin one (whose case the engine folds one to one); other
  phrases keep the plain alternation.
- :class:`Prefixed` reads from a pattern the literal words every match starts with
  (``frappe``, ``frappé`` for ``(?<![\\w-])(?:frappes?|frappé)``), finds where the text in
  lower case holds one of them with a case-sensitive regex the engine runs fast (it skips to
  their first letters), and tries the pattern only there, going on after each match as ``finditer`` does: the same matches, in
  the same order. A pattern without such words is scanned in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from re import _casefix, _parser
from re import _constants as _C

# Latin letters whose case the regex engine folds one to one (not İ, ı, ŉ, ſ), and ‘ ’
_SAFE = re.compile(r"[\x20-\x7e\u00c0-\u00ff\u0100-\u012f\u0132-\u0148\u014a-\u017e\u2018\u2019]*")
MIN_PREFIX = 3  # shortest start worth looking for: shorter ones occur everywhere
MAX_START = 8  # longer starts are cut: as selective, and fewer
MAX_PREFIXES = 128  # more starts than this: the pattern is scanned in full
MAX_CLASS = 10  # a character class of at most this many characters ([sS], [1-9]) is expanded


def tree_alternation(phrases: Sequence[Sequence[str]], separator: str) -> str | None:
    """A regex matching any of ``phrases`` (each a sequence of words; ``separator`` is the
    regex between two words), written as a prefix tree; None when a phrase holds a character
    outside Latin-1, or two branches differ only by case (the caller then writes a plain
    alternation).

    >>> tree_alternation([["a"], ["ab"], ["a", "b"]], r"\\s+")
    'a(?:\\\\s+b|b|)'
    """
    root: dict = {}
    for words in phrases:
        text = " ".join(words)
        if not text or not _SAFE.fullmatch(text):
            return None
        node = root
        for ch in text:
            node = node.setdefault(ch, {})
        node[""] = {}  # a phrase ends here
    return _write(root, separator)


def _write(node: dict, separator: str) -> str | None:
    if len({ch.lower() for ch in node}) < len(node):
        return None  # "D" and "d" both continue here: which one is tried first would matter
    branches = []
    for ch, child in sorted(node.items()):
        if ch == "":
            continue
        rest = _write(child, separator)
        if rest is None:
            return None
        branches.append((separator if ch == " " else re.escape(ch)) + rest)
    if "" in node:  # the phrase ending here is tried after every longer one
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


# --------------------------------------------------------------------------- prefixes


class _Stop(Exception):
    """Too many starts to be worth it."""


def _starts(seq: list) -> set[str]:
    """The lower-case strings one of which every match of the items ``seq`` starts with: as
    long as they can be without being too many."""
    for most in range(MAX_START, 0, -1):
        out: set[str] = set()
        try:
            _extend("", list(seq), out, most)
        except _Stop:
            continue
        return out
    raise _Stop


def _extend(prefix: str, seq: list, out: set[str], most: int) -> None:
    """Add to ``out`` the starts of ``prefix`` followed by a match of the items ``seq``, cut
    at ``most`` characters."""
    while seq and len(prefix) < most:
        op, av = seq[0]
        rest = seq[1:]
        if op in (_C.ASSERT, _C.ASSERT_NOT, _C.AT):
            seq = rest  # consumes nothing
        elif op is _C.LITERAL:
            prefix, seq = prefix + chr(av).lower(), rest
        elif op is _C.MAX_REPEAT and av[0] >= 1 and list(av[2]) == [_SPACES]:
            prefix, seq = prefix + " ", []  # \\s+: one space at least, then who knows
            continue
        elif op is _C.SUBPATTERN:
            seq = list(av[-1]) + rest
        elif op is _C.BRANCH:
            for branch in av[1]:
                _extend(prefix, list(branch) + rest, out, most)
            return
        elif op is _C.IN and _chars(av) is not None:
            for c in _chars(av):
                _extend(prefix + c, rest, out, most)
            return
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[1] == 1:
            _extend(prefix, list(av[2]) + rest, out, most)
            if av[0] == 0:
                _extend(prefix, rest, out, most)
            return
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
            seq = list(av[2])  # at least one: its start, and no further
        else:
            break
        if len(out) > MAX_PREFIXES:
            raise _Stop
    out.add(prefix)
    if len(out) > MAX_PREFIXES:
        raise _Stop


# Characters the regex engine, ignoring case, takes for a Latin letter although their lower
# case is another letter (dotless ı for i, long ſ for s): a text holding one is scanned in full.
_ODD = re.compile(
    "[" + "".join(chr(c) for k in range(0x100) for c in _casefix._EXTRA_CASES.get(k, ())) + "]"
)
# How the lexicon patterns open: no word character (or hyphen) before; the same is checked
# behind each start found.
_HYPHEN_WORD = r"(?<![\w-])"
_WORD_STARTS = {_HYPHEN_WORD: r"[\w-]", r"(?<!\w)": r"\w"}
# every character ``\s`` matches (those of str.isspace) as a space, for reading starts
_WORD = re.compile(r"\w")
_SPACE_TABLE = {c: " " for c in range(0x3001) if chr(c).isspace()}
_SPACES = (_C.IN, [(_C.CATEGORY, _C.CATEGORY_SPACE)])


def _chars(items) -> set[str] | None:
    """The characters of a character class in lower case, if it is a short list of them."""
    out = set()
    for op, av in items:
        if op is _C.LITERAL:
            out.add(chr(av).lower())
        elif op is _C.RANGE and av[1] - av[0] < MAX_CLASS:
            out.update(chr(c).lower() for c in range(av[0], av[1] + 1))
        else:
            return None
    return out if len(out) <= MAX_CLASS else None


def literal_starts(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The lower-case words one of which every match of ``pattern`` starts with (a space
    standing for any run of whitespace); None when there are none, or when they are shorter
    than :data:`MIN_PREFIX` characters in a pattern that does not open at a word start.

    >>> literal_starts(re.compile(r"(?<![\\w-])(?:(?:Vladimir\\s+)?Putin|frappes?|Frappé)", re.I))
    ('frappe', 'frappé', 'putin', 'vladimir')
    """
    if pattern.flags & re.LOCALE:
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
        if tree.getwidth()[0] == 0:
            return None  # an empty match would need finditer's own stepping
        found = _starts(list(tree))
    except (_Stop, re.error, RecursionError):
        return None
    # a start that another one begins with adds nothing: keep the shortest
    kept = sorted(found, key=len)
    kept = [p for i, p in enumerate(kept) if not any(p.startswith(q) for q in kept[:i])]
    shortest = 1 if _word_start(pattern, tuple(kept)) else MIN_PREFIX
    if not kept or any(len(p.strip()) < shortest or not _SAFE.fullmatch(p) for p in kept):
        return None
    return tuple(sorted(kept))


class Prefixed:
    """A compiled pattern with the literal starts of its matches (see the module docstring).

    >>> p = Prefixed(re.compile(r"(?<![\\w-])(?:frappes?|a\\s+frappé)", re.I))
    >>> t = "Frappe, frappes et autofrappe: il a  frappé."
    >>> [m.span() for m in p.finditer(t, lowered(t))] == [m.span() for m in p.pattern.finditer(t)]
    True
    """

    __slots__ = ("pattern", "starts", "word_start", "_where")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.starts = literal_starts(pattern)
        self.word_start = _word_start(pattern, self.starts)
        self._where = None if self.starts is None else _where(self.starts, self.word_start)

    def finditer(
        self, text: str, low: str | None, at: Sequence[int] | None = None
    ) -> Iterator[re.Match[str]]:
        """What ``pattern.finditer(text)`` yields, in order; ``low`` is :func:`lowered` of
        ``text`` (None: the text is scanned in full); ``at``: where matches may start, if
        known (every place one of :attr:`starts` is, in order)."""
        if self._where is None or low is None:
            yield from self.pattern.finditer(text)
            return
        match, end = self.pattern.match, 0
        if at is not None:
            yield from _matches_at(match, text, list(at))
            return
        search = self._where.search
        found = search(low)
        while found is not None:
            i = found.start()
            if i >= end:
                m = match(text, i)
                if m:
                    end = m.end()
                    yield m
            found = search(low, max(i + 1, end))


class Scanner:
    """Many patterns scanned over one text together: the places where any of their literal
    starts is are found in one pass, and each pattern is tried only at its own. A pattern
    without literal starts is scanned in full, unless the text holds none of its ``needs``
    (lower-case words one of which every match holds, as :func:`geo.events.lexicon.needs`
    finds them).

    >>> sc = Scanner([re.compile(r"(?<![\\w-])frappes?", re.I), re.compile(r"(?<![\\w-])a\\s+\\w+")])
    >>> [[m.group() for m in ms] for ms in sc.matches("Il a frappé. Frappes.")]
    [['Frappes'], ['a frappé']]
    """

    def __init__(
        self, patterns: Sequence[re.Pattern[str]], needs: Sequence[Sequence[str]] | None = None
    ) -> None:
        self.items = [Prefixed(p) for p in patterns]
        self.needs = [tuple(n) for n in needs] if needs is not None else [()] * len(patterns)
        # per word start: each start -> the patterns opening with it
        by_start: dict[str, dict[str, list[int]]] = {}
        for k, item in enumerate(self.items):
            if item.starts is not None and item.word_start is not None:
                for st in item.starts:
                    by_start.setdefault(item.word_start, {}).setdefault(st, []).append(k)
        # (where any start is, each start -> its patterns), and the starts as matched
        self._groups = [(_prefix_free(starts, ws), {}) for ws, starts in by_start.items()]
        self._grouped = {k for starts in by_start.values() for ks in starts.values() for k in ks}

    def matches(self, text: str) -> list[list[re.Match[str]]]:
        """For each pattern, what its ``finditer`` yields on ``text``."""
        low = lowered(text)
        at: dict[int, list[int]] = {}
        if low is not None:
            for (where, starts), seen in self._groups:
                search = where.search
                found = search(low)
                while found is not None:
                    i, key = found.start(), found.group()
                    ks = seen.get(key)
                    if ks is None:  # the start as written: spaces for whitespace
                        ks = seen[key] = starts[key.translate(_SPACE_TABLE)]
                    for k in ks:
                        if k in at:
                            at[k].append(i)
                        else:
                            at[k] = [i]
                    found = search(low, i + 1)
        folded = text.lower()
        out: list[list[re.Match[str]]] = []
        for k, item in enumerate(self.items):
            if low is not None and k in self._grouped:
                out.append(_matches_at(item.pattern.match, text, at[k]) if k in at else [])
            elif self.needs[k] and not any(w in folded for w in self.needs[k]):
                out.append([])  # none of the words every match holds: it cannot match
            else:
                out.append(list(item.finditer(text, low)))
        return out


def _prefix_free(
    starts: dict[str, list[int]], word_start: str
) -> tuple[re.Pattern[str], dict[str, tuple[int, ...]]]:
    """One regex finding every start, and each start with the patterns opening with it; a
    start that begins with another one gives its patterns to that one, so that one start at
    most is at each place (the one the regex finds)."""
    merged: dict[str, set[int]] = {}
    for st in sorted(starts, key=len):
        shorter = next((m for m in merged if st.startswith(m)), st)
        merged.setdefault(shorter, set()).update(starts[st])
    return _where(tuple(sorted(merged)), word_start), {
        st: tuple(sorted(ks)) for st, ks in merged.items()
    }


def _matches_at(match, text: str, at: list[int]) -> list[re.Match[str]]:
    """The matches ``finditer`` finds, given every place one can start (in order)."""
    out, end = [], 0
    for i in at:
        if i >= end:
            m = match(text, i)
            if m:
                end = m.end()
                out.append(m)
    return out


def lowered(text: str) -> str | None:
    """``text`` in lower case, one character for one, for :meth:`Prefixed.finditer`; None when
    the regex engine, ignoring case, could match a Latin letter some other way there."""
    low = text.lower()
    if len(low) != len(text) or _ODD.search(text):
        return None
    return low


def _word_start(pattern: re.Pattern[str], starts: tuple[str, ...] | None) -> str | None:
    """The class of the characters a pattern may not follow, if it opens with that check (a
    word boundary before a word character is one)."""
    if pattern.pattern.startswith(r"\b") and starts and all(_WORD.match(s) for s in starts):
        return r"\w"
    return next((c for lb, c in _WORD_STARTS.items() if pattern.pattern.startswith(lb)), None)


@lru_cache(maxsize=1024)
def _where(starts: tuple[str, ...], word_start: str | None) -> re.Pattern[str]:
    """Where in the lower-cased text a match can start: a start word, case-sensitive, which
    the regex engine finds fast (it skips to the first letters), written as a prefix tree; at
    the end of each, the pattern's word start is checked behind it."""
    root: dict = {}
    for s in starts:
        node = root
        for ch in s:
            node = node.setdefault(ch, {})
        node[""] = {}
    return re.compile(_write_starts(root, 0, word_start))


def _write_starts(node: dict, depth: int, word_start: str | None) -> str:
    branches = [
        (r"\s" if ch == " " else re.escape(ch)) + _write_starts(child, depth + 1, word_start)
        for ch, child in sorted(node.items())
        if ch
    ]
    if "" in node:  # a start ends here
        branches.append(rf"(?<!{word_start}[\s\S]{{{depth}}})" if word_start else "")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

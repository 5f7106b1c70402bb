"""The search language of every ``q`` filter, parsed once for every store backend.

What a reader may type::

    Alep frappes              both words (AND is implied; ``AND`` may be written)
    Alep OR Aleppo            either
    frappes NOT Idleb         the first, never the second (``-Idleb`` too)
    "frappes russes"          the words in this order
    bomb*                     a word that starts so
    Alep (frappes OR raids)   groups

``OR`` binds tighter than ``AND`` (``Alep frappes OR raids`` is Alep and either word), as in
web search engines; ``NOT`` binds to the term after it. Operators are written in capitals; in
lower case, or where they have nothing to join (``AND OR NOT``), they are plain words. A search
needs a word to find: ``NOT x`` alone, or ``x OR NOT y``, is refused with a clear message,
since no index answers it without reading every row.

:func:`parse` gives a small tree (:class:`Term`, :class:`Not`, :class:`AllOf`,
:class:`AnyOf`); each backend writes it in its own syntax: :func:`to_fts5` for SQLite's FTS5,
:func:`render` with a backend's operators and its own condition per term (a ``tsquery``
for PostGIS, or SQL that also finds documents by the places they mention).

Example
-------
>>> to_fts5(parse('Alep OR Aleppo -Idleb "frappes russes" bomb*'))
'(("Alep" OR "Aleppo") AND "frappes russes" AND "bomb"*) NOT "Idleb"'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from geo.errors import InputError

MAX_TERMS = 32  # terms in one search at most (each is a sub-query)
MAX_DEPTH = 8  # groups inside groups at most
KEYWORDS = ("AND", "OR", "NOT")

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)\(|\)|(-?)([^\s()"]+)')


@dataclass(frozen=True)
class Term:
    """Words that must appear in this order (one word, or a quoted phrase); ``prefix``: the
    last word may go on (``bomb*``)."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]


Node = Term | Not | AllOf | AnyOf


# -- reading ----------------------------------------------------------------------------------
def _tokens(q: str) -> list[tuple[str, str, bool]]:
    """``(kind, text, negated)``: kind is ``term``, ``prefix``, ``(``, ``)`` or a keyword."""
    out: list[tuple[str, str, bool]] = []
    for m in _TOKEN.finditer(q):
        phrase_neg, phrase, group_neg, word_neg, word = m.groups()
        if phrase is not None:
            out.append(("term", phrase, phrase_neg == "-"))
        elif group_neg is not None:
            out.append(("(", "(", group_neg == "-"))
        elif word is None:
            out.append((")", ")", False))
        elif not word_neg and word in KEYWORDS:
            out.append((word, word, False))
        else:
            prefix = word.endswith("*")
            out.append(("prefix" if prefix else "term", word.rstrip("*"), word_neg == "-"))
    return _resolve(out)


def _resolve(tokens: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """Keywords with nothing to join become words: NOT needs a term after it, AND and OR a
    term (or a group's end) before and a term, a group or a NOT after."""
    starts = ("term", "prefix", "(")
    out = list(tokens)

    def kind(i: int) -> str | None:
        return tokens[i][0] if 0 <= i < len(tokens) else None

    for i, (k, text, _neg) in enumerate(tokens):
        if k == "NOT" and kind(i + 1) not in starts:
            out[i] = ("term", text, False)
    for i, (k, text, _neg) in enumerate(tokens):
        if k in ("AND", "OR"):
            before = kind(i - 1) in ("term", "prefix", ")")
            after = kind(i + 1) in starts or (kind(i + 1) == "NOT" and out[i + 1][0] == "NOT")
            if not (before and after):
                out[i] = ("term", text, False)
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, bool]]) -> None:
        self.tokens = tokens
        self.i = 0
        self.terms = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def all_of(self, depth: int) -> Node | None:
        parts: list[Node] = []
        while (k := self.peek()) is not None:
            if k == ")":
                if depth:
                    break
                self.i += 1  # a group's end with no start: left out
                continue
            if k == "AND":
                self.i += 1
                continue
            node = self.any_of(depth)
            if node is not None:
                parts.append(node)
        return _join(AllOf, parts)

    def any_of(self, depth: int) -> Node | None:
        parts = [self.unary(depth)]
        while self.peek() == "OR":
            self.i += 1
            parts.append(self.unary(depth))
        return _join(AnyOf, [p for p in parts if p is not None])

    def unary(self, depth: int) -> Node | None:
        kind, text, neg = self.tokens[self.i]
        self.i += 1
        if kind == "NOT":
            node = self.unary(depth)
            return None if node is None else Not(node)
        if kind == "(":
            if depth >= MAX_DEPTH:
                raise InputError(f"q has groups more than {MAX_DEPTH} deep")
            node = self.all_of(depth + 1)
            if self.peek() == ")":
                self.i += 1
            # an unclosed group ends with the search
        else:
            words = " ".join(re.findall(r"\w+", text))
            if not words:
                return None  # punctuation alone: nothing to find
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise InputError(f"q has more than {MAX_TERMS} terms")
            node = Term(text.strip(), kind == "prefix")
        if node is None:
            return None
        return Not(node) if neg else node


def _join(cls, parts: list[Node]) -> Node | None:
    flat: list[Node] = []
    for p in parts:
        flat.extend(p.parts if isinstance(p, cls) else (p,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else cls(tuple(flat))


def positive(node: Node) -> bool:
    """Whether the node finds rows by words they hold (not only by words they lack)."""
    if isinstance(node, Term):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, AllOf):
        return any(positive(p) for p in node.parts)
    return all(positive(p) for p in node.parts)


def _check(node: Node) -> None:
    if isinstance(node, Not):
        if not positive(node.node):
            raise InputError("q: NOT must be followed by words to leave out, not by another NOT")
        _check(node.node)
    elif isinstance(node, AnyOf):
        if not all(positive(p) for p in node.parts):
            raise InputError(
                "q: each side of OR needs a word to find ('Alep OR Aleppo'); "
                "leave words out with NOT after it ('Alep NOT Idleb')"
            )
        for p in node.parts:
            _check(p)
    elif isinstance(node, AllOf):
        if not positive(node):
            raise InputError("q: NOT and - leave words out; give a word to find too")
        for p in node.parts:
            _check(p)


def parse(q: str) -> Node:
    """The tree of what a person typed in a search box (see the module's docstring).

    Raises
    ------
    InputError
        Nothing to search for (only punctuation), only words to leave out, a side of OR with
        nothing to find, more than :data:`MAX_TERMS` terms or groups :data:`MAX_DEPTH` deep.

    Example
    -------
    >>> parse('Alep OR Aleppo -Idleb')
    AllOf(parts=(AnyOf(parts=(Term(text='Alep', prefix=False), Term(text='Aleppo', prefix=False))), Not(node=Term(text='Idleb', prefix=False))))
    >>> parse('AND OR NOT')  # nothing to join: words
    AllOf(parts=(Term(text='AND', prefix=False), Term(text='OR', prefix=False), Term(text='NOT', prefix=False)))
    """
    node = _Parser(_tokens(str(q))).all_of(0)
    if node is None:
        raise InputError(f"q has no word to search for: {str(q)[:80]!r}")
    _check(node)
    if not positive(node):
        raise InputError("q: NOT and - leave words out; give a word to find too")
    return node


def terms(node: Node) -> list[Term]:
    """Every term of the tree, in order (those left out by NOT too)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms(node.node)
    return [t for p in node.parts for t in terms(p)]


# -- writing ----------------------------------------------------------------------------------
def fts5_term(term: Term) -> str:
    """One term as an FTS5 string: ``"words"`` (``"word"*`` for a prefix)."""
    return '"' + term.text.replace('"', '""') + '"' + ("*" if term.prefix else "")


def to_fts5(node: Node) -> str:
    """An FTS5 ``MATCH`` expression (FTS5's NOT is binary: ``a NOT b``).

    >>> to_fts5(parse('frappes (Alep OR "Alep-Est") NOT Idleb'))
    '("frappes" AND ("Alep" OR "Alep-Est")) NOT "Idleb"'
    """

    def wrap(n: Node) -> str:
        s = to_fts5(n)
        return f"({s})" if isinstance(n, (AllOf, AnyOf)) else s

    if isinstance(node, Term):
        return fts5_term(node)
    if isinstance(node, AnyOf):
        return " OR ".join(wrap(p) for p in node.parts)
    if isinstance(node, Not):  # only inside AllOf (checked by parse)
        raise InputError("q: NOT must follow a word to find")
    found = [wrap(p) for p in node.parts if not isinstance(p, Not)]
    left = [wrap(p.node) for p in node.parts if isinstance(p, Not)]
    out = " AND ".join(found)
    if left and len(found) > 1:
        out = f"({out})"
    return out + "".join(f" NOT {s}" for s in left)


@dataclass(frozen=True)
class Operators:
    """How a backend joins conditions: SQL's boolean words, or a ``tsquery``'s operators."""

    and_: str
    or_: str
    not_: str


SQL = Operators(" AND ", " OR ", "NOT ")
TSQUERY = Operators(" && ", " || ", "!! ")


def render(
    node: Node, leaf: Callable[[Term], tuple[str, list]], ops: Operators = SQL
) -> tuple[str, list]:
    """The tree as one expression and its parameters, each term written by ``leaf``.

    >>> render(parse("Alep OR Aleppo -Idleb"), lambda t: ("x = ?", [t.text]))
    ('(((x = ?) OR (x = ?)) AND NOT (x = ?))', ['Alep', 'Aleppo', 'Idleb'])
    """
    if isinstance(node, Term):
        sql, params = leaf(node)
        return f"({sql})", params
    if isinstance(node, Not):
        sql, params = render(node.node, leaf, ops)
        return f"{ops.not_}{sql}", params
    op = ops.and_ if isinstance(node, AllOf) else ops.or_
    parts, params = [], []
    for p in node.parts:
        sql, ps = render(p, leaf, ops)
        parts.append(sql)
        params += ps
    return "(" + op.join(parts) + ")", params

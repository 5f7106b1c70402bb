"""Quotations: the outermost quote pairs of a text, continued over paragraphs; the mask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geo.statements.groups import is_cap
from geo.statements.lexicon import MASK, QUOTE_MARKS, Lexicon
from geo.text import paragraphs


@dataclass(frozen=True)
class Quote:
    """A top-level quotation: its inner spans (several when continued over paragraphs)."""

    open: int  # offset of the opening mark
    close: int  # offset just after the closing mark (paragraph end when left open)
    parts: tuple[tuple[int, int], ...]
    closed: bool = True

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    def text(self, text: str) -> str:
        return " ".join(" ".join(text[s:e].split()) for s, e in self.parts)


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _scan_paragraph(text: str, ps: int, pe: int) -> list[Quote]:
    """Outermost quotations of one paragraph; the last may be left open."""
    out: list[Quote] = []
    stack: list[tuple[str, int]] = []

    def close(open_at: int, at: int) -> None:
        s, e = _strip_span(text, open_at + 1, at)
        while e > s and text[e - 1] in ",;:":  # '"We are close," he said'
            e -= 1
        out.append(Quote(open_at, at + 1, (_strip_span(text, s, e),)))

    for i in range(ps, pe):
        c = text[i]
        if c not in QUOTE_MARKS:
            continue
        prev = text[i - 1] if i > ps else " "
        nxt = text[i + 1] if i + 1 < pe else " "
        if c == "«":
            stack.append(("g", i))
        elif c == "»":
            if any(kind == "g" for kind, _ in stack):
                while stack:
                    kind, at = stack.pop()
                    if kind == "g":
                        break
                if not stack:
                    close(at, i)
            elif not stack and nxt.isalnum() and (prev.isspace() or prev == "'"):
                stack.append(("g", i))  # a » typed for « ("d' »accélérer")
        else:  # straight quote
            can_open = not nxt.isspace() and (prev.isspace() or prev in "([{'«—–-:/")
            can_close = not prev.isspace() or nxt.isspace() or nxt in ".,;:!?)»"
            if stack and stack[-1][0] == "s" and (can_close or not can_open):
                _, at = stack.pop()
                if not stack:
                    close(at, i)
            elif can_open:
                stack.append(("s", i))
    if stack and stack[0][0] == "g" or len(stack) == 1:
        at = stack[0][1]
        out.append(Quote(at, pe, (_strip_span(text, at + 1, pe),), closed=False))
    return out


def find_quotes(text: str) -> list[Quote]:
    """Outermost quotations, a quotation left open continued by the next paragraph's."""
    out: list[Quote] = []
    for ps, pe in paragraphs(text):
        found = _scan_paragraph(text, ps, pe)
        if out and not out[-1].closed and found and found[0].open == ps:
            last, first = out.pop(), found.pop(0)
            found.insert(0, Quote(last.open, first.close, last.parts + first.parts, first.closed))
        out += found
    return [q for q in out if any(c.isalnum() for s, e in q.parts for c in text[s:e])]


def mask(text: str, quotes: Sequence[Quote]) -> str:
    """The text with every character inside a quotation replaced by a mask character."""
    chars = list(text)
    for q in quotes:
        for s, e in q.parts:
            chars[s:e] = MASK * (e - s)
    return "".join(chars)


def is_naming(lx: Lexicon, masked: str, text: str, q: Quote) -> bool:
    """A quotation that names something (an operation, a slogan), not words someone said."""
    if lx.naming_re.search(masked[max(0, q.open - 30) : q.open]):
        return True
    words = q.text(text).split()
    return (
        0 < len(words) <= 4
        and all(is_cap(w) or lx.has("function", w) for w in words)
        and is_cap(words[0])
    )


def coverage(quotes: Sequence[Quote], s: int, e: int) -> float:
    inside = sum(min(qe, e) - max(qs, s) for q in quotes for qs, qe in q.parts if qs < e and s < qe)
    return inside / max(1, e - s)

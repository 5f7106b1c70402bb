"""How a pipeline of stages is declared, checked and run (the stages themselves: :mod:`geo.stages`).

A stage is a plain function ``run(work, ctx) -> work`` with one job. It declares, as spaCy's
components do, the fields of :class:`Work` it ``requires`` (found by an earlier stage, or given
with the document) and the fields it ``assigns``. :class:`Pipeline` checks the declarations
when it is built: a stage that requires a field no earlier stage assigns, a name used twice or a
field :class:`Work` does not have is a :class:`PipelineError` then, not a wrong result later.
While it runs, a stage that changes a field it did not declare is an error too.

A stage may also have a ``batch`` form, run over a batch of documents at once (the NER reads
every document of a language in one pass); the pipeline uses it when it has one.

Example
-------
>>> from geo.model import Document
>>> def shout(w, ctx):
...     return w.but(lang=w.doc.text.upper())
>>> p = Pipeline([Stage("shout", shout, requires=("doc",), assigns=("lang",))])
>>> p.run(Work(Document("d", "oui")), None).lang
'OUI'
>>> Pipeline([Stage("late", shout, requires=("published",), assigns=("lang",))])
Traceback (most recent call last):
...
geo.stage.PipelineError: stage 'late' requires 'published', which no earlier stage assigns
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from geo.errors import ConfigError, DocumentError
from geo.model import DateValue, Document, Event, Mention, Statement

if TYPE_CHECKING:  # pragma: no cover
    from geo.lang import Language
    from geo.text import NormalizedText

Entities = tuple[tuple[int, int, str], ...]


class PipelineError(ConfigError):
    """Stages declared in an order that cannot run (found when the pipeline is built)."""


@dataclass(frozen=True)
class Work:
    """One document on its way through the stages: what they have found so far.

    Each field but ``doc`` starts empty and is assigned by the stage that declares it (see
    :data:`geo.stages.STAGES`); offsets are into ``normalized.text`` unless the name says
    ``original``, or into ``cleaned.text`` for what reads the cleaned text.
    """

    doc: Document
    # the document's text normalised, page furniture blanked; its language
    normalized: NormalizedText | None = None
    lang: str | None = None
    # named entities (start, end, label) of the normalised text; None when no NER ran
    entities: Entities | None = None
    # place-name spans (geo.recognize.Span) and the country a people's name points at
    spans: tuple = ()
    peoples: Any = None
    # resolved place mentions, and the same with offsets into the original text
    mentions: tuple[Mention, ...] = ()
    original_mentions: tuple[Mention, ...] = ()
    published: DateValue = DateValue(None)
    # the language's lexicons (geo.lang.Language); a document without them stops before
    lexicons: Language | None = None
    # the text with repeated paragraphs blanked, and the mentions and entities left visible
    cleaned: NormalizedText | None = None
    cleaned_mentions: tuple[Mention, ...] = ()
    cleaned_entities: Entities | None = None
    dates: tuple = ()  # geo.dates.DateMention of the cleaned text
    statements: tuple[Statement, ...] = ()
    events: tuple[Event, ...] = ()
    # why the remaining stages were skipped for this document (None: they all ran)
    stopped: str | None = field(default=None, compare=False)

    def but(self, **changes: Any) -> Work:
        """A copy with ``changes``: what a stage returns."""
        return replace(self, **changes)

    def stop(self, reason: str) -> Work:
        """A copy that the remaining stages leave as it is."""
        return replace(self, stopped=reason)


FIELDS = frozenset(f.name for f in fields(Work)) - {"stopped"}


@dataclass(frozen=True)
class Stage:
    """A named step of the pipeline: ``run(work, ctx) -> work``, with what it reads and writes.

    Parameters
    ----------
    name : str
        Unique within a pipeline.
    run : callable
        ``(Work, ctx) -> Work``, assigning only the fields of ``assigns``.
    requires : tuple of str
        Fields of :class:`Work` an earlier stage (or the document) must have assigned.
    assigns : tuple of str
        Fields of :class:`Work` this stage sets.
    batch : callable, optional
        ``(list[Work], ctx) -> list[Work]``, the same over a batch, in one pass.
    help : str
        One line saying what the stage does (listed in the README).
    """

    name: str
    run: Callable[[Work, Any], Work]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    batch: Callable[[list[Work], Any], list[Work]] | None = None
    help: str = ""


GIVEN = ("doc",)  # what every pipeline starts with


class Pipeline:
    """Stages in order, checked when built; run over one document or a stream of them.

    Parameters
    ----------
    stages : sequence of Stage
        In the order they run.
    given : tuple of str
        Fields already assigned when the first stage runs (the document; or what an earlier
        pipeline found, for :meth:`after`).

    Raises
    ------
    PipelineError
        A stage requires a field that neither ``given`` nor an earlier stage assigns, names a
        field :class:`Work` does not have, or two stages share a name.
    """

    def __init__(self, stages: Sequence[Stage], given: Iterable[str] = GIVEN) -> None:
        self.stages = tuple(stages)
        self.given = tuple(given)
        check(self.stages, self.given)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def _index(self, name: str) -> int:
        if name not in self.names:
            raise PipelineError(f"no stage {name!r} (stages: {', '.join(self.names)})")
        return self.names.index(name)

    def upto(self, name: str) -> Pipeline:
        """The stages up to ``name``, included."""
        return Pipeline(self.stages[: self._index(name) + 1], self.given)

    def after(self, name: str) -> Pipeline:
        """The stages after ``name``, starting from what the ones before assigned."""
        k = self._index(name) + 1
        done = {f for s in self.stages[:k] for f in s.assigns}
        return Pipeline(self.stages[k:], (*self.given, *sorted(done)))

    def run(self, work: Work, ctx: Any) -> Work:
        """Every stage over one document (raises :class:`DocumentError` when one fails)."""
        [out] = self.run_batch([work], ctx)
        if isinstance(out, DocumentError):
            raise out
        return out

    def run_batch(self, batch: list[Work | DocumentError], ctx: Any) -> list[Work | DocumentError]:
        """Every stage over a batch, stage by stage; a document a stage refuses becomes its
        :class:`DocumentError`, in its place, and the others go on."""
        out = list(batch)
        for stage in self.stages:
            live = [i for i, w in enumerate(out) if isinstance(w, Work) and w.stopped is None]
            if stage.batch is not None:
                done = stage.batch([out[i] for i in live], ctx)  # type: ignore[misc]
                for i, new in zip(live, done, strict=True):
                    out[i] = _checked(stage, out[i], new)  # type: ignore[arg-type]
                continue
            for i in live:
                try:
                    out[i] = _checked(stage, out[i], stage.run(out[i], ctx))  # type: ignore[arg-type]
                except DocumentError as err:
                    out[i] = err
        return out

    def run_many(
        self, items: Iterable[Work | DocumentError], ctx: Any, batch_size: int
    ) -> Iterator[Work | DocumentError]:
        """:meth:`run_batch` over a stream, ``batch_size`` documents at a time, in order."""
        batch: list[Work | DocumentError] = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                yield from self.run_batch(batch, ctx)
                batch = []
        if batch:
            yield from self.run_batch(batch, ctx)


def check(stages: Sequence[Stage], given: Iterable[str] = GIVEN) -> None:
    """Raise :class:`PipelineError` unless every stage's requirements are met by then."""
    assigned = set(given)
    seen: set[str] = set()
    for s in stages:
        if s.name in seen:
            raise PipelineError(f"two stages are named {s.name!r}")
        seen.add(s.name)
        for name in (*s.requires, *s.assigns):
            if name not in FIELDS:
                raise PipelineError(f"stage {s.name!r} names {name!r}, which Work does not have")
        for name in s.requires:
            if name not in assigned:
                raise PipelineError(
                    f"stage {s.name!r} requires {name!r}, which no earlier stage assigns"
                )
        assigned.update(s.assigns)


def _checked(stage: Stage, before: Work, after: Work) -> Work:
    """``after``, when ``stage`` changed no field it does not declare."""
    changed = [
        name
        for name in FIELDS
        if name not in stage.assigns and getattr(before, name) is not getattr(after, name)
    ]
    if changed:
        raise PipelineError(f"stage {stage.name!r} changed {', '.join(sorted(changed))} undeclared")
    return after

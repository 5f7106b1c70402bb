"""The reviewed layer: what reviewers taught the geoparser, read by the gazetteer and the
resolver on top of the built gazetteer.

Two kinds of evidence, both kept by the store (``geo.store.sql_reviewed``):

- **places the gazetteer lacks**, added by a reviewer (ids ``rv:...``): candidates for their
  name like a curated alias, found by :meth:`gazetteer.lookup.Gazetteer.get` too;
- **reviewed aliases**: a name reviewers pointed at a place (a mention re-pointed, or added),
  with the number of reviews behind it. An alias is scoped by a country when the correction
  was context-dependent (the reviewer moved the name from a place in one country to a place in
  another: "Tripoli" from Libya to Lebanon), and then counts only in documents about that
  country; otherwise it counts everywhere ("Al-Boulil" -> a place a reviewer added).

The gazetteer marks the candidates an alias names (:class:`ReviewedCandidate`) and counts an
alias with no scope at once; the resolver adds :func:`bonus` for a scoped one in documents
about its country. ``--explain`` says ``reviewed``.

Example
-------
>>> from geo.model import Place
>>> p = Place("gn:266826", "Tripoli", "city", 34.43, 35.84, country_code="LB")
>>> layer = ReviewedLayer.build([], [ReviewedAlias("Tripoli", p, "LB", 2)])
>>> [(a.place.id, a.country, a.reviews) for a in layer.aliases_of("tripoli")]
[('gn:266826', 'LB', 2)]
>>> bonus(ReviewedCandidate(p, 1.0, "Tripoli", "pref", reviews=2, scope="LB"), {"LY"})
(0.0, '')
>>> bonus(ReviewedCandidate(p, 1.0, "Tripoli", "pref", reviews=2, scope="LB"), {"LB"})[1]
"reviewed: chosen for 'Tripoli' by 2 reviews in documents about LB"
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from gazetteer.normalize import fold
from geo.model import Candidate, Place

__all__ = ["ReviewedAlias", "ReviewedCandidate", "ReviewedLayer", "bonus"]

REVIEWED_BONUS = 1.5  # one review: about a generic word's hint (resolve.HINT_BONUS 2.0)
REVIEWED_STEP = 0.25  # each further review
REVIEWED_MAX = 2.5
REVIEWED_PREFIX = "rv:"  # the ids of places reviewers added


@dataclass(frozen=True)
class ReviewedAlias:
    """A name reviewers pointed at a place; ``country`` scopes it (None: everywhere)."""

    name: str
    place: Place
    country: str | None
    reviews: int


@dataclass(frozen=True)
class ReviewedCandidate(Candidate):
    """A candidate a reviewed alias names: how many reviews chose it, and their scope."""

    reviews: int = 0
    scope: str | None = None
    alias: str = ""


def _support(alias: str, reviews: int, scope: str | None) -> tuple[float, str]:
    value = min(REVIEWED_BONUS + REVIEWED_STEP * (reviews - 1), REVIEWED_MAX)
    why = f"reviewed: chosen for {alias!r} by {reviews} " + (
        "review" if reviews == 1 else "reviews"
    )
    if scope is not None:
        why += f" in documents about {scope}"
    return value, why


def bonus(cand: Candidate, doc_countries: Iterable[str]) -> tuple[float, str]:
    """What a reviewed alias scoped by a country adds to ``cand`` in a document about that
    country (``doc_countries``: the countries it names and those of its other places), and the
    reason to show; (0, "") otherwise. The resolver asks it; an alias with no scope was
    already counted by the gazetteer (:meth:`ReviewedLayer.amend`)."""
    reviews, scope = getattr(cand, "reviews", 0), getattr(cand, "scope", None)
    if not reviews or scope is None or scope not in set(doc_countries):
        return 0.0, ""
    return _support(getattr(cand, "alias", "") or cand.matched, reviews, scope)


@dataclass(frozen=True)
class ReviewedLayer:
    """Reviewer-added places and reviewed aliases, by folded name."""

    places: dict[str, Place] = field(default_factory=dict)  # by id
    place_names: dict[str, tuple[Place, ...]] = field(default_factory=dict)  # by folded name
    aliases: dict[str, tuple[ReviewedAlias, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, places: Iterable[Place], aliases: Iterable[ReviewedAlias]) -> ReviewedLayer:
        by_id = {p.id: p for p in places}
        names: dict[str, list[Place]] = {}
        for p in by_id.values():
            for n in {p.name, p.name_fr, p.name_en} - {None}:
                names.setdefault(fold(n), []).append(p)
        by_name: dict[str, list[ReviewedAlias]] = {}
        for a in aliases:
            by_name.setdefault(fold(a.name), []).append(a)
        return cls(
            by_id,
            {k: tuple(v) for k, v in names.items()},
            {k: tuple(sorted(v, key=lambda a: -a.reviews)) for k, v in by_name.items()},
        )

    def __bool__(self) -> bool:
        return bool(self.places or self.aliases)

    def aliases_of(self, key: str) -> tuple[ReviewedAlias, ...]:
        return self.aliases.get(key, ())

    def amend(
        self,
        key: str,
        ranked: list[Candidate],
        score: Callable[[Place, str], Candidate],
        country: str | None = None,
        feature: str | None = None,
        limit: int = 10,
    ) -> list[Candidate]:
        """The gazetteer's candidates for the folded name ``key`` with this layer's: the
        places reviewers added under that name, the places its aliases name (added when the
        gazetteer did not offer them; ``score(place, matched)`` scores a new one as a curated
        alias), each alias's candidate marked with its reviews and scope; the ``limit`` best,
        and every candidate an alias marks."""
        added = list(self.place_names.get(key, ()))
        aliases = self.aliases_of(key)
        if not added and not aliases:
            return ranked[:limit]
        out = {c.place.id: c for c in ranked}
        for p in added + [a.place for a in aliases]:
            if p.id in out:
                continue
            if (country and p.country_code != country.upper()) or (
                feature and p.feature != feature
            ):
                continue
            c = score(p, p.name if p in added else aliases[0].name)
            if p.id.startswith(REVIEWED_PREFIX):
                c = replace(c, reason=f"reviewed: a place a reviewer added; {c.reason}")
            out[p.id] = c
        for a in aliases:  # the best-supported alias of a place (one scope) marks it
            c = out.get(a.place.id)
            if c is None or getattr(c, "reviews", 0):
                continue
            fields = {
                f: getattr(c, f) for f in ("place", "score", "matched", "match_kind", "reason")
            }
            if a.country is None:  # everywhere: counted here; a scoped one by the resolver
                value, why = _support(a.name, a.reviews, None)
                fields.update(score=c.score + value, reason=f"{c.reason}; {why}")
            out[a.place.id] = ReviewedCandidate(
                **fields, reviews=a.reviews, scope=a.country, alias=a.name
            )
        best = sorted(out.values(), key=lambda c: (-c.score, c.place.id))
        return best[:limit] + [c for c in best[limit:] if getattr(c, "reviews", 0)]

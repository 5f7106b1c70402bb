"""Look places up in the local gazetteer: ranked candidates for a name, by id, nearest a point.

Example
-------
>>> gaz = open_gazetteer()
>>> gaz.candidates("Alep", lang="fr")[0].place.name
'Aleppo'
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import threading
from collections import defaultdict
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from gazetteer import sources
from gazetteer.build import build, expected_meta, log_population
from gazetteer.normalize import fold, is_code
from gazetteer.reviewed import ReviewedLayer
from geo import settings
from geo.errors import GazetteerError, NotFoundError
from geo.model import FEATURES, Candidate, Place

# How much each way of matching a name is worth (see the README's "Ranking" section).
MATCH_WEIGHT = {"pref": 0.9, "alias": 0.95, "alt": 0.6}
SAME_LANG_BONUS = 0.1
OTHER_LANG_MALUS = 0.05
# a name that is the place's own in another language, when the document's language names it
# otherwise
OTHER_NAME_MALUS = 1.0
FEATURE_PRIOR = {
    "country": 1.0,
    "continent": 1.5,
    "region": 1.0,
    "site": 1.0,
    "city": 0.0,
    "admin1": -0.8,
    "admin2": -0.3,  # a district named like its town (Genève) is the town, by its population
    "water": 1.2,  # "mer Noire", "Dniepr": the sea or the river before a town of its name
    "physical": 1.0,
}
POPULATION_WEIGHT = 0.25
CAPITAL_PRIOR = 0.6  # national capitals are the likelier sense of a shared name (Paris, Belgrade)
HINT_BONUS = 2.0
DIVISION_LIFT = 1.0
FUZZY_MIN_LENGTH = 8
FUZZY_MIN_RATIO = 88.0
FUZZY_MIN_POPULATION = 15000
_CONNECTORS = ("de la ", "de ", "du ", "des ", "of the ", "of ")


def default_home() -> Path:
    """The data directory: the ``home`` setting (:mod:`geo.settings`)."""
    return settings.path("home")


def default_path() -> Path:
    """Where the gazetteer lives: the ``gazetteer`` setting (:mod:`geo.settings`)."""
    return settings.path("gazetteer")


def _read_meta(path: Path) -> dict[str, str] | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(con.execute("SELECT key, value FROM meta"))
        finally:
            con.close()
    except sqlite3.Error:
        return None


def is_current(path: str | os.PathLike) -> bool:
    """True when ``path`` holds a gazetteer built from the installed sources."""
    p = Path(path)
    if not p.is_file():
        return False
    meta = _read_meta(p)
    if meta is None:
        return False
    return all(meta.get(k) == v for k, v in expected_meta().items())


def open_gazetteer(
    path: str | os.PathLike | None = None, *, build_if_needed: bool = True, progress: bool = True
) -> Gazetteer:
    """Open the gazetteer, building it first when it is missing or its sources changed."""
    target = Path(path) if path else default_path()
    if not is_current(target):
        if not build_if_needed:
            raise GazetteerError(
                f"no current gazetteer at {target}; run `conflictmap gazetteer build`"
            )
        build(target, progress=progress)
    return Gazetteer(target)


_shared: dict[str, Gazetteer] = {}
_shared_lock = threading.Lock()


def get_gazetteer(path: str | os.PathLike | None = None) -> Gazetteer:
    """One shared :class:`Gazetteer` per path in this process, opened (and built) lazily."""
    key = str(Path(path) if path else default_path())
    with _shared_lock:
        if key not in _shared:
            _shared[key] = open_gazetteer(key)
        return _shared[key]


def taught(layer: ReviewedLayer | None, path: str | os.PathLike | None = None) -> Gazetteer | None:
    """A gazetteer that reads ``layer`` (:mod:`gazetteer.reviewed`) on top of the one at
    ``path`` (the default one when None): its own instance, so the shared gazetteer is left as
    built; None when the layer is empty (use the shared gazetteer)."""
    if not layer:
        return None
    gaz = Gazetteer(get_gazetteer(path).path)
    gaz.use_reviewed(layer)
    return gaz


def _load_feature_words() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    before, after = [], []
    for cols in sources.curated_rows("feature_words.tsv"):
        word, feature, where = (cols + ["", "", "both"])[:3]
        if where in ("before", "both"):
            before.append((word, feature))
        if where in ("after", "both"):
            after.append((word, feature))
    # longest first, so "base aerienne" wins over "base"
    before.sort(key=lambda x: -len(x[0]))
    after.sort(key=lambda x: -len(x[0]))
    return before, after


def _load_common_words() -> frozenset[str]:
    with open(sources.DATA_DIR / "common_words.txt", encoding="utf-8") as fh:
        return frozenset(
            fold(line) for line in fh if line.strip() and not line.lstrip().startswith("#")
        )


COMMON_WORDS = _load_common_words()
_BEFORE_WORDS, _AFTER_WORDS = _load_feature_words()


def split_feature_cue(key: str) -> tuple[str, str | None]:
    """Split a folded name into (core name, feature hinted by a generic word).

    >>> split_feature_cue("province idleb")
    ('idleb', 'admin1')
    >>> split_feature_cue("idlib governorate")
    ('idlib', 'admin1')
    """
    for word, feature in _BEFORE_WORDS:
        if key.startswith(word + " "):
            rest = key[len(word) + 1 :]
            for conn in _CONNECTORS:
                if rest.startswith(conn):
                    rest = rest[len(conn) :]
                    break
            if rest:
                return rest, feature
    for word, feature in _AFTER_WORDS:
        if key.endswith(" " + word):
            rest = key[: -len(word) - 1]
            if rest:
                return rest, feature
    return key, None


class Gazetteer:
    """Read-only access to a built gazetteer file.

    Parameters
    ----------
    path:
        The SQLite file written by :func:`gazetteer.build.build`.
    """

    _COLUMNS = (
        "p.rowid, p.id, p.geonameid, p.name, p.name_fr, p.feature, p.country_code, "
        "p.admin1, p.admin1_name, p.lat, p.lon, p.population, p.capital, p.name_en"
    )

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise GazetteerError(f"gazetteer file not found: {self.path}")
        try:
            self._con = sqlite3.connect(
                f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
            )
            self._con.execute("SELECT 1 FROM places LIMIT 1")
        except sqlite3.Error as exc:
            raise GazetteerError(f"cannot open the gazetteer {self.path}: {exc}") from exc
        self._lock = threading.Lock()
        self._cache: dict[tuple, list[Candidate]] = {}
        self.reviewed: ReviewedLayer | None = None  # what reviewers taught (gazetteer.reviewed)

    def use_reviewed(self, layer: ReviewedLayer | None) -> None:
        """Read ``layer`` (places reviewers added, reviewed aliases) on top of the gazetteer
        from now on (None: the gazetteer alone)."""
        self.reviewed = layer or None
        self._cache.clear()

    # -- rows -------------------------------------------------------------------------------
    @staticmethod
    def _place(row: tuple) -> Place:
        return Place(
            id=row[1],
            geonameid=row[2],
            name=row[3],
            name_fr=row[4],
            feature=row[5],
            country_code=row[6],
            admin1=row[7],
            admin1_name=row[8],
            lat=row[9],
            lon=row[10],
            population=row[11] or 0,
            capital=bool(row[12]),
            name_en=row[13],
        )

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    @cached_property
    def meta(self) -> dict[str, str]:
        return dict(self._query("SELECT key, value FROM meta"))

    def __len__(self) -> int:
        return self._query("SELECT count(*) FROM places")[0][0]

    # -- public API -------------------------------------------------------------------------
    def get(self, place_id: str) -> Place:
        """The place with this id (``gn:170063``, ``cm:incirlik-air-base``) or a GeoNames id."""
        pid = str(place_id)
        if pid.isdigit():
            pid = f"gn:{pid}"
        rows = self._query(f"SELECT {self._COLUMNS} FROM places p WHERE p.id = ?", (pid,))
        if not rows and self.reviewed is not None and pid in self.reviewed.places:
            return self.reviewed.places[pid]
        if not rows:
            raise NotFoundError(f"no place with id {place_id!r} in the gazetteer")
        return self._place(rows[0])

    def geometry(self, place_id: str) -> dict | None:
        """The GeoJSON geometry of a country (None for places kept as points)."""
        rows = self._query(
            "SELECT g.geojson FROM geometries g JOIN places p ON p.rowid = g.place WHERE p.id = ?",
            (place_id,),
        )
        return json.loads(rows[0][0]) if rows else None

    def countries(self) -> list[Place]:
        """Every country of the gazetteer."""
        rows = self._query(f"SELECT {self._COLUMNS} FROM places p WHERE p.feature = 'country'")
        return [self._place(r) for r in rows]

    def country_geometries(self) -> list[tuple[Place, dict]]:
        """Every country with its simplified Natural Earth outline."""
        rows = self._query(
            f"SELECT {self._COLUMNS}, g.geojson FROM places p JOIN geometries g ON g.place = p.rowid"
        )
        return [(self._place(r), json.loads(r[-1])) for r in rows]

    @cached_property
    def _divisions_by_country(self) -> dict[str, list[tuple[Place, frozenset[str]]]]:
        """Every first-level division with every name it bears (folded), by country: one
        pass over the names and one over the divisions, the first time one is looked up."""
        names: dict[int, set[str]] = {}
        for place, key in self._query(
            "SELECT n.place, n.key FROM names n "
            "WHERE n.place IN (SELECT rowid FROM places WHERE feature = 'admin1')"
        ):
            names.setdefault(place, set()).add(key)
        out: dict[str, list[tuple[Place, frozenset[str]]]] = {}
        for r in self._query(f"SELECT {self._COLUMNS} FROM places p WHERE p.feature = 'admin1'"):
            place = self._place(r)
            out.setdefault(place.country_code or "", []).append(
                (place, frozenset(names.get(r[0], ())))
            )
        return out

    def divisions(self, country_code: str) -> list[tuple[Place, frozenset[str]]]:
        """The first-level divisions of a country, each with every name it bears (folded)."""
        return self._divisions_by_country.get(country_code, [])

    def nearest(self, lat: float, lon: float, feature: str | None = "city") -> Place | None:
        """The place of ``feature`` (any when None) nearest to (lat, lon), by great-circle distance."""
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GazetteerError(f"not a point on Earth: ({lat}, {lon})")
        feat_sql = "AND p.feature = ?" if feature else ""
        for radius in (0.1, 0.5, 2.0, 8.0, 30.0, 180.0):
            params: tuple = (lat - radius, lat + radius, lon - radius, lon + radius)
            if feature:
                params += (feature,)
            rows = self._query(
                f"SELECT {self._COLUMNS} FROM places_rtree r JOIN places p ON p.rowid = r.rowid "
                f"WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ? "
                f"{feat_sql}",
                params,
            )
            if rows:
                best = min(rows, key=lambda r: haversine_km(lat, lon, r[9], r[10]))
                if haversine_km(lat, lon, best[9], best[10]) <= radius * 111.0 or radius >= 180:
                    return self._place(best)
        return None

    def candidates(
        self,
        name: str,
        lang: str | None = None,
        country: str | None = None,
        feature: str | None = None,
        limit: int = 10,
        *,
        allow_common: bool = False,
        fuzzy: bool = True,
    ) -> list[Candidate]:
        """Places that ``name`` may stand for, best first.

        Parameters
        ----------
        name:
            A place name as written ("Alep", "province d'Idleb", "Saint-Péterbourg").
        lang:
            The document's language ("fr", "en"): its preferred names rank first.
        country:
            Keep only places of this ISO country code.
        feature:
            Keep only this feature level (country, admin1, city, site, region, continent).
        limit:
            Most candidates returned.
        allow_common:
            Also look up common words that are place names somewhere (Les, Sur, Est...): a
            caller that saw one capitalised where a place name stands sets it.
        fuzzy:
            Fall back on typo-tolerant matching for long, rare names with no exact match.

        Returns
        -------
        list[Candidate]
            Each with its place, score, the matched name, how it matched and why it ranks.
        """
        if feature is not None and feature not in FEATURES:
            raise GazetteerError(f"unknown feature {feature!r}; expected one of {FEATURES}")
        ck = (name, lang, country, feature, limit, allow_common, fuzzy)
        hit = self._cache.get(ck)
        if hit is not None:
            return hit
        result = self._candidates(name, lang, country, feature, limit, allow_common, fuzzy)
        if len(self._cache) > 50000:
            self._cache.clear()
        self._cache[ck] = result
        return result

    def _candidates(self, name, lang, country, feature, limit, allow_common, fuzzy):
        raw = (name or "").strip()
        key = fold(raw)
        if not key:
            return []
        only_alias = is_code(raw)
        core, hint = split_feature_cue(key)
        keys = [key] if core == key else [key, core]
        if not allow_common and all(k in COMMON_WORDS for k in keys):
            return []
        rows = []
        for k in keys:
            for r in self._query(
                f"SELECT {self._COLUMNS}, n.kind, n.lang, n.name FROM names n "
                f"JOIN places p ON p.rowid = n.place WHERE n.key = ?",
                (k,),
            ):
                rows.append((r, r[-3], r[-2], r[-1], 1.0))
        if only_alias:
            rows = [r for r in rows if r[1] == "alias"]
        if not rows and fuzzy and not only_alias and core not in COMMON_WORDS:
            rows = self._fuzzy(core)
        best: dict[str, Candidate] = {}
        for row, kind, name_lang, matched, ratio in rows:
            place = self._place(row)
            if country and place.country_code != country.upper():
                continue
            if feature and place.feature != feature:
                continue
            cand = self._score(place, kind, name_lang, matched, ratio, lang, hint)
            prev = best.get(place.id)
            if prev is None or cand.score > prev.score:
                best[place.id] = cand
        _lift_divisions(best)
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.place.id))
        if self.reviewed is not None:  # places reviewers added, reviewed aliases
            return self.reviewed.amend(
                key,
                ranked,
                lambda p, matched: self._score(p, "alias", None, matched, 1.0, lang, hint),
                country,
                feature,
                limit,
            )
        return ranked[:limit]

    @staticmethod
    def _score(place, kind, name_lang, matched, ratio, lang, hint) -> Candidate:
        if ratio < 1.0:
            match = 0.5 * ratio
            how = "fuzzy"
            why = [f"typo-tolerant match of {matched!r} ({ratio:.0%})"]
        else:
            match = MATCH_WEIGHT[kind]
            how = kind
            why = [f"{kind} name {matched!r}" + (f" [{name_lang}]" if name_lang else "")]
            if lang and name_lang == lang and kind in ("pref", "alias"):
                match += SAME_LANG_BONUS
                why.append(f"in the document's language ({lang})")
            elif lang and name_lang and name_lang != lang:
                match -= OTHER_LANG_MALUS
                own = place.name_fr if lang == "fr" else place.name if lang == "en" else None
                if kind == "pref" and own and fold(own) != fold(matched):
                    # "Mexico" in French is the city; the country is "Mexique"
                    match -= OTHER_NAME_MALUS
                    why.append(f"its {lang} name is {own!r}")
        prior = FEATURE_PRIOR.get(place.feature, 0.0) + (CAPITAL_PRIOR if place.capital else 0.0)
        pop = POPULATION_WEIGHT * log_population(place.population)
        score = match + prior + pop
        why.append(f"{place.feature} prior {prior:+.2f}")
        if place.population:
            why.append(f"population {place.population:,}")
        if hint and (
            place.feature == hint or (hint == "admin1" and place.feature in ("region", "admin2"))
        ):
            score += HINT_BONUS
            why.append(f"generic word names a {hint}")
        return Candidate(
            place=place, score=score, matched=matched, match_kind=how, reason="; ".join(why)
        )

    @cached_property
    def lower_name_words(self) -> frozenset[str]:
        """Folded words written in lower case inside some name ("saoudite" of "Arabie
        saoudite", "mer" of "mer Noire"): a phrase with another lower-case word is no name."""
        words = set()
        rows = self._query("SELECT name FROM names WHERE name GLOB '*[ -''][a-z]*'")
        for (name,) in rows:
            for w in _LOWER_PART.findall(name):
                words.add(fold(w))
        return frozenset(words)

    # -- fuzzy ------------------------------------------------------------------------------
    @cached_property
    def _fuzzy_index(self) -> dict[tuple[str, int], tuple[list[str], list[int]]]:
        """Names worth a typo match, by first letter and length: (keys, place rowids)."""
        rows = self._query(
            "SELECT n.key, n.place FROM names n JOIN places p ON p.rowid = n.place "
            "WHERE length(n.key) >= ? "
            "AND (p.feature NOT IN ('city', 'admin2') OR p.population >= ?)",
            (FUZZY_MIN_LENGTH - 2, FUZZY_MIN_POPULATION),
        )
        index: dict[tuple[str, int], tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
        for key, place in rows:
            if key not in COMMON_WORDS:
                keys, places = index[(key[0], len(key))]
                keys.append(key)
                places.append(place)
        return dict(index)

    def _fuzzy(self, key: str) -> list[tuple]:
        if len(key) < FUZZY_MIN_LENGTH:
            return []
        from rapidfuzz import fuzz, process

        found: dict[int, tuple[str, float]] = {}
        for length in range(len(key) - 2, len(key) + 3):
            bucket = self._fuzzy_index.get((key[0], length))
            if not bucket:
                continue
            keys, places = bucket
            for cand, ratio, k in process.extract(
                key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO, limit=None
            ):
                place = places[k]
                if ratio > found.get(place, ("", 0.0))[1]:
                    found[place] = (cand, ratio)
        out = []
        for place, (cand, ratio) in found.items():
            rows = self._query(
                f"SELECT {self._COLUMNS}, n.kind, n.lang, n.name FROM names n "
                f"JOIN places p ON p.rowid = n.place WHERE n.key = ? AND n.place = ?",
                (cand, place),
            )
            out.extend((r, r[-3], r[-2], r[-1], ratio / 100.0) for r in rows)
        return out


_LOWER_PART = re.compile(r"(?:^|[ \-'’])([a-zà-ÿ][a-zà-ÿ]+)")


def _lift_divisions(best: dict[str, Candidate]) -> None:
    """A division whose name no city inside it shares is the likelier sense of the name
    (Texas, Scotland, Queensland), not a small town elsewhere; one named like its own city
    (Aleppo, New York) keeps the city first."""
    own_city = {c.place.admin1 for c in best.values() if c.place.feature == "city"}
    for pid, cand in best.items():
        if cand.place.feature == "admin1" and cand.place.admin1 not in own_city:
            best[pid] = replace(
                cand,
                score=cand.score + DIVISION_LIFT,
                reason=cand.reason + f"; no city of its own bears the name {DIVISION_LIFT:+.2f}",
            )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))

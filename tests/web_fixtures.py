"""Small real data for the web tests: extracted documents over real gazetteer places, and the
store they go into (the SQLite store when ``geo.store`` provides one, else an in-memory store
that follows the same interface, kept here for the tests only)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

from geo.errors import InputError, NotFoundError
from geo.model import DateValue, Document, Event, Mention, Place, Statement
from geo.pipeline import Extracted

HOSTILE = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"


# -- the documents -----------------------------------------------------------------------------
def _place(gaz, name: str, lang: str = "fr", country: str | None = None) -> Place:
    cands = gaz.candidates(name, lang=lang, country=country)
    assert cands, f"the gazetteer has no {name!r}"
    return cands[0].place


def _mentions(text: str, pairs: list[tuple[str, Place | None]], role="literal") -> tuple:
    out = []
    for surface, place in pairs:
        start = text.index(surface)
        out.append(Mention(start, start + len(surface), surface, place=place, role=role, score=0.9))
    return tuple(out)


def _event(text, sentence_part, type_, subtype, date, place, actors=(), fatalities=None):
    start = text.index(sentence_part)
    return Event(
        type=type_,
        subtype=subtype,
        sentence=sentence_part,
        start=start,
        end=start + len(sentence_part),
        date=DateValue(date, "day" if date else "unknown"),
        actors=tuple(actors),
        fatalities=fatalities,
        place=place,
        place_precision="city",
        confidence=0.8,
    )


def build_extracted(gaz) -> list[Extracted]:
    """Four documents: French and English reports, one with hostile markup, one with many
    events (for pagination)."""
    aleppo = gaz.get("gn:170063")
    idlib = _place(gaz, "Idleb")
    saraqib = _place(gaz, "Saraqeb")
    raqqa = _place(gaz, "Raqqa", "en")
    ankara = _place(gaz, "Ankara")
    hamburg = _place(gaz, "Hambourg")
    damascus = _place(gaz, "Damas")
    syria = _place(gaz, "Syrie")

    t1 = (
        "Des frappes aériennes ont visé Alep mardi, tuant cinq civils. "
        "« Nous ne laisserons pas Idleb tomber », a déclaré le ministre turc à Ankara."
    )
    q1 = "Nous ne laisserons pas Idleb tomber"
    x1 = Extracted(
        doc=Document(
            "doc-alep",
            t1,
            lang="fr",
            published="2024-03-01",
            source="AFP",
            title="Frappes sur Alep",
            url="https://example.org/alep",
        ),
        lang="fr",
        published=DateValue("2024-03-01", "day"),
        mentions=_mentions(t1, [("Alep", aleppo), ("Idleb", idlib), ("Ankara", ankara)]),
        events=(
            _event(
                t1,
                "Des frappes aériennes ont visé Alep mardi, tuant cinq civils.",
                "Explosions/Remote violence",
                "Air/drone strike",
                "2024-02-27",
                aleppo,
                ["Russian air force"],
                5,
            ),
        ),
        statements=(
            Statement(
                q1,
                t1.index(q1),
                t1.index(q1) + len(q1),
                speaker="Hakan Fidan",
                speaker_role="ministre turc",
                date=DateValue("2024-03-01", "day"),
                where_said=ankara,
                places=(idlib,),
            ),
        ),
    )

    t2 = (
        "Clashes broke out near Saraqib on Sunday between HTS and the Syrian army. "
        "Hundreds protested in Hamburg on Monday."
    )
    x2 = Extracted(
        doc=Document(
            "doc-saraqib",
            t2,
            lang="en",
            published="2024-03-11",
            source="Reuters",
            title="Clashes near Saraqib",
        ),
        lang="en",
        published=DateValue("2024-03-11", "day"),
        mentions=_mentions(t2, [("Saraqib", saraqib), ("Hamburg", hamburg)]),
        events=(
            _event(
                t2,
                "Clashes broke out near Saraqib on Sunday between HTS and the Syrian army.",
                "Battles",
                "Armed clash",
                "2024-03-10",
                saraqib,
                ["HTS", "Syrian army"],
            ),
            _event(
                t2,
                "Hundreds protested in Hamburg on Monday.",
                "Protests",
                None,
                "2024-03-11",
                hamburg,
                ["protesters"],
            ),
        ),
        statements=(),
    )

    t3 = (
        f"Report from Raqqa: {HOSTILE} and {HOSTILE_IMG} ${{alert(1)}} `x` "
        f"- an explosion hit Raqqa. \u00ab {HOSTILE} stays text \u00bb, said {HOSTILE_IMG} in Raqqa."
    )
    q3 = f"{HOSTILE} stays text"
    x3 = Extracted(
        doc=Document(
            "doc-hostile",
            t3,
            lang="en",
            published="2024-04-02",
            source=HOSTILE_IMG,
            title=f"{HOSTILE} title",
        ),
        lang="en",
        published=DateValue("2024-04-02", "day"),
        mentions=_mentions(t3, [("Raqqa", raqqa)]),
        events=(
            _event(
                t3,
                t3[: t3.index("Raqqa.") + 6],
                "Explosions/Remote violence",
                "Remote explosive/landmine/IED",
                "2024-04-02",
                raqqa,
                [HOSTILE_IMG],
            ),
        ),
        statements=(
            Statement(
                q3,
                t3.index(q3),
                t3.index(q3) + len(q3),
                speaker=HOSTILE_IMG,
                date=DateValue("2024-04-02", "day"),
                where_said=raqqa,
                places=(raqqa,),
            ),
        ),
    )

    lines = [f"Fighting was reported in Damascus on day {i} of January." for i in range(1, 13)]
    t4 = " ".join(lines) + " Syria denied it."
    x4 = Extracted(
        doc=Document(
            "doc-damas", t4, lang="en", published="2024-01-31", title="A month of reports"
        ),
        lang="en",
        published=DateValue("2024-01-31", "day"),
        mentions=_mentions(t4, [("Damascus", damascus), ("Syria", syria)], role="literal"),
        events=tuple(
            _event(
                t4, line, "Battles", "Armed clash", f"2024-01-{i:02d}", damascus, ["Syrian army"]
            )
            for i, line in enumerate(lines, 1)
        ),
        statements=(),
    )
    return [x1, x2, x3, x4]


# -- an in-memory store (the interface of geo.store.Store) ------------------------------------
def _in_range(value: str | None, start: str | None, end: str | None) -> bool:
    if not start and not end:
        return True
    if not value:
        return False
    lo = value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value[:10]
    hi = value + "-12-31"[len(value) - 4 :] if len(value) < 10 else value[:10]
    return (not start or hi >= start) and (not end or lo <= end)


def _in_bbox(lat, lon, bbox) -> bool:
    if bbox is None:
        return True
    if lat is None or lon is None:
        return False
    return bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def _fold(s: str | None) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKD", s or "")
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


class MemoryStore:
    """The store interface over Python lists; same filters and row shapes, no persistence."""

    def __init__(self) -> None:
        self.docs: dict[str, dict] = {}
        self.hashes: set[str] = set()
        self._events: list[dict] = []
        self._statements: list[dict] = []
        self._mentions: list[dict] = []

    @staticmethod
    def _hash(text: str) -> str:
        return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()

    def has_text(self, text: str) -> bool:
        return self._hash(text) in self.hashes

    def add(self, x: Extracted) -> str | None:
        h = self._hash(x.doc.text)
        if h in self.hashes:
            return None
        self.hashes.add(h)
        d = x.doc
        doc = {
            "id": d.id,
            "title": d.title,
            "source": d.source,
            "url": d.url,
            "published": x.published.value,
            "lang": x.lang,
            "text": d.text,
            "hash": h,
            "ingested_at": "2024-01-01T00:00:00Z",
        }
        self.docs[d.id] = doc
        for m in x.mentions:
            p = m.place
            self._mentions.append(
                {
                    "doc_id": d.id,
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "role": m.role,
                    "score": m.score,
                    "place_id": p.id if p else None,
                    "name": p.name if p else None,
                    "lat": p.lat if p else None,
                    "lon": p.lon if p else None,
                    "feature": p.feature if p else None,
                    "country_code": p.country_code if p else None,
                    "admin1": p.admin1 if p else None,
                }
            )
        for ev in x.events:
            p = ev.place
            self._events.append(
                {
                    "id": len(self._events) + 1,
                    "doc_id": d.id,
                    "type": ev.type,
                    "subtype": ev.subtype,
                    "secondary_types": list(ev.secondary_types),
                    "date": ev.date.value,
                    "date_precision": ev.date.precision,
                    "date_phrase": ev.date.phrase,
                    "actors": list(ev.actors),
                    "fatalities": ev.fatalities,
                    "injured": ev.injured,
                    "place_id": p.id if p else None,
                    "place_name": p.name if p else None,
                    "lat": p.lat if p else None,
                    "lon": p.lon if p else None,
                    "feature": p.feature if p else None,
                    "country_code": p.country_code if p else None,
                    "admin1": p.admin1 if p else None,
                    "precision": ev.place_precision,
                    "sentence": ev.sentence,
                    "start": ev.start,
                    "end": ev.end,
                    "confidence": ev.confidence,
                    "doc_title": d.title,
                    "doc_source": d.source,
                    "doc_url": d.url,
                    "published": x.published.value,
                }
            )
        for st in x.statements:
            w = st.where_said
            self._statements.append(
                {
                    "id": len(self._statements) + 1,
                    "doc_id": d.id,
                    "quote": st.quote,
                    "speaker": st.speaker,
                    "speaker_role": st.speaker_role,
                    "indirect": st.indirect,
                    "date": st.date.value,
                    "date_precision": st.date.precision,
                    "where_id": w.id if w else None,
                    "where_name": w.name if w else None,
                    "where_lat": w.lat if w else None,
                    "where_lon": w.lon if w else None,
                    "places": [
                        {"id": p.id, "name": p.name, "lat": p.lat, "lon": p.lon} for p in st.places
                    ],
                    "start": st.start,
                    "end": st.end,
                    "doc_title": d.title,
                    "doc_source": d.source,
                    "doc_url": d.url,
                }
            )
        return d.id

    @staticmethod
    def _check(bbox, start, end) -> None:
        if bbox is not None and (len(bbox) != 4 or bbox[0] > bbox[2] or bbox[1] > bbox[3]):
            raise InputError("invalid bbox")
        for v in (start, end):
            if v is not None and len(v) != 10:
                raise InputError("invalid date")

    def documents(self, *, q=None, start=None, end=None, limit=100, offset=0):
        self._check(None, start, end)
        rows = []
        for d in sorted(self.docs.values(), key=lambda d: d["published"] or "", reverse=True):
            if not _in_range(d["published"], start, end):
                continue
            if q and _fold(q) not in _fold(d["text"] + " " + (d["title"] or "")):
                continue
            rows.append(
                {
                    **{k: d[k] for k in ("id", "title", "source", "url", "published", "lang")},
                    "mentions": sum(m["doc_id"] == d["id"] for m in self._mentions),
                    "events": sum(e["doc_id"] == d["id"] for e in self._events),
                    "statements": sum(s["doc_id"] == d["id"] for s in self._statements),
                }
            )
        return rows[offset : offset + limit], len(rows)

    def document(self, doc_id: str) -> dict:
        if doc_id not in self.docs:
            raise NotFoundError(f"no document {doc_id!r}")
        return {
            **self.docs[doc_id],
            "mentions": [m for m in self._mentions if m["doc_id"] == doc_id],
            "events": [e for e in self._events if e["doc_id"] == doc_id],
            "statements": [s for s in self._statements if s["doc_id"] == doc_id],
        }

    def _place_match(self, place, pid, name) -> bool:
        return place is None or place == pid or _fold(place) == _fold(name)

    def iter_events(
        self,
        *,
        bbox=None,
        start=None,
        end=None,
        type=None,
        actor=None,  # noqa: A002
        place=None,
        q=None,
    ) -> Iterator[dict]:
        self._check(bbox, start, end)
        for ev in sorted(self._events, key=lambda e: (e["date"] or "", e["id"])):
            if not _in_bbox(ev["lat"], ev["lon"], bbox) or not _in_range(ev["date"], start, end):
                continue
            if type and _fold(type) not in (_fold(ev["type"]), _fold(ev["subtype"])):
                continue
            if actor and not any(_fold(actor) in _fold(a) for a in ev["actors"]):
                continue
            if not self._place_match(place, ev["place_id"], ev["place_name"]):
                continue
            if q and _fold(q) not in _fold(ev["sentence"]):
                continue
            yield dict(ev)

    def events(self, *, limit=100, offset=0, **filters) -> tuple[list[dict], int]:
        rows = list(self.iter_events(**filters))
        return rows[offset : offset + limit], len(rows)

    def statements(
        self,
        *,
        bbox=None,
        start=None,
        end=None,
        actor=None,
        place=None,
        q=None,
        limit=100,
        offset=0,
    ):
        self._check(bbox, start, end)
        rows = []
        for st in self._statements:
            if not _in_bbox(st["where_lat"], st["where_lon"], bbox):
                continue
            if not _in_range(st["date"], start, end):
                continue
            if actor and _fold(actor) not in _fold(st["speaker"]):
                continue
            if place and not (
                self._place_match(place, st["where_id"], st["where_name"])
                or any(self._place_match(place, p["id"], p["name"]) for p in st["places"])
            ):
                continue
            if q and _fold(q) not in _fold(st["quote"]):
                continue
            rows.append(dict(st))
        return rows[offset : offset + limit], len(rows)

    def places(self, *, bbox=None, start=None, end=None, q=None, place=None, limit=100, offset=0):
        self._check(bbox, start, end)
        agg: dict[str, dict[str, Any]] = {}
        for m in self._mentions:
            if m["place_id"] is None or not _in_bbox(m["lat"], m["lon"], bbox):
                continue
            d = self.docs[m["doc_id"]]
            if not _in_range(d["published"], start, end):
                continue
            if q and _fold(q) not in _fold(d["text"]):
                continue
            if not self._place_match(place, m["place_id"], m["name"]):
                continue
            a = agg.setdefault(
                m["place_id"],
                {
                    "id": m["place_id"],
                    "name": m["name"],
                    "feature": m["feature"],
                    "country_code": m["country_code"],
                    "admin1": m["admin1"],
                    "lat": m["lat"],
                    "lon": m["lon"],
                    "mentions": 0,
                    "documents": [],
                    "roles": Counter(),
                },
            )
            a["mentions"] += 1
            a["roles"][m["role"]] += 1
            if all(x["id"] != d["id"] for x in a["documents"]) and len(a["documents"]) < 20:
                a["documents"].append({"id": d["id"], "title": d["title"]})
        rows = sorted(agg.values(), key=lambda a: (-a["mentions"], a["name"]))
        for r in rows:
            r["roles"] = dict(r["roles"])
        return rows[offset : offset + limit], len(rows)

    def country_counts(self, *, start=None, end=None) -> dict[str, int]:
        c: Counter = Counter()
        for m in self._mentions:
            if m["country_code"] and _in_range(self.docs[m["doc_id"]]["published"], start, end):
                c[m["country_code"]] += 1
        return dict(c)

    def stats(self) -> dict:
        return {
            "documents": len(self.docs),
            "mentions": len(self._mentions),
            "events": len(self._events),
            "statements": len(self._statements),
            "places": len({m["place_id"] for m in self._mentions if m["place_id"]}),
        }

    def close(self) -> None:
        pass


def make_store(path, extracted: list[Extracted]):
    """The project's SQLite store at ``path`` when ``geo.store`` is there, else a MemoryStore;
    filled with ``extracted``."""
    try:
        from geo.store import open_store
    except ImportError:
        store = MemoryStore()
    else:
        store = open_store(path)
    for x in extracted:
        store.add(x)
    return store

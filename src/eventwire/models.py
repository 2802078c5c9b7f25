"""The record family that flows through the pipeline: Article, Actor, Event.

Everything is a slotted dataclass; ``to_dict``/``from_dict`` give the JSON
shape documented in the README (one event per line).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

#: Article statuses, in the order a document moves through them.
ARTICLE_STATUSES = ("new", "coded", "duplicate", "skipped", "rejected")
#: Event statuses: how the text presents the event.
EVENT_STATUSES = (
    "asserted",
    "alleged",
    "denied",
    "negated",
    "intended",
    "hypothetical",
    "historical",
    "requested",
)


@dataclass(slots=True)
class Actor:
    """One side of an event: a mention in the text resolved to codes."""

    text: str
    name: str = ""
    country: str = ""  # ISO3 or PLOVER international code (IGO, UNO, EUR, NGO, IMG)
    sector: str = ""  # GOV, MIL, REB, ...
    start: int = -1  # character offsets of the mention in the article text
    end: int = -1

    @property
    def code(self) -> str:
        """CAMEO-style code, e.g. ``RUSGOV``; empty when the country is unknown."""
        return f"{self.country}{self.sector}" if self.country else ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["code"] = self.code
        return {k: d[k] for k in ("text", "name", "code", "country", "sector", "start", "end")}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Actor:
        return cls(
            text=d.get("text", ""),
            name=d.get("name", ""),
            country=d.get("country", "") or "",
            sector=d.get("sector", "") or "",
            start=d.get("start", -1),
            end=d.get("end", -1),
        )


@dataclass(slots=True)
class Evidence:
    """The sentence an event was coded from, with offsets into the article text, or into
    the article's title when ``part`` is "title" (a headline given apart from the text)."""

    text: str
    start: int
    end: int
    trigger: str
    trigger_start: int
    trigger_end: int
    part: str = "text"


@dataclass(slots=True)
class Location:
    text: str = ""
    country: str = ""
    lat: float | None = None
    lon: float | None = None
    distance: int = field(default=0, compare=False, repr=False)  # parse edges to the trigger

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "country": self.country, "lat": self.lat, "lon": self.lon}


@dataclass(slots=True)
class Report:
    """One mention of a real-world event: the article that reports it and how.

    GDELT's Mentions table has a row per report; here ``Group.mentions`` holds them.
    """

    event_id: str  # the id of the coded event this mention is (``Event.id``, "ev_...")
    doc_id: str
    evidence: Evidence
    status: str = "asserted"
    confidence: float = 0.0
    url: str = ""
    source: str = ""  # the outlet ("Reuters", or the URL's host when no outlet is given)
    published: str | None = None  # the article's publication date, ISO
    added: str | None = None  # when it was stored, ISO date and time (UTC)
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "url": self.url,
            "source": self.source,
            "published": self.published,
            "added": self.added,
            "title": self.title,
            "status": self.status,
            "confidence": round(self.confidence, 3),
            "evidence": asdict(self.evidence),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        return cls(
            event_id=d["event_id"],
            doc_id=d["doc_id"],
            evidence=Evidence(**d["evidence"]),
            status=d.get("status", "asserted"),
            confidence=d.get("confidence", 0.0),
            url=d.get("url", "") or "",
            source=d.get("source", "") or "",
            published=d.get("published"),
            added=d.get("added"),
            title=d.get("title", "") or "",
        )


@dataclass(slots=True)
class Group:
    """What many reports say of one real-world event (GDELT's NumMentions and kin).

    An ``Event`` read from the store as a real-world event carries its ``Group``: the
    event's fields are its best-supported mention's, its ``status`` and ``confidence``
    come from all mentions (asserted when any outlet asserts it; confidence grows with
    independent sources), and ``statuses`` says how each mention presented it.
    """

    id: str  # the real-world event's id ("we_..."), stable while any of its mentions stays
    num_mentions: int = 1
    num_sources: int = 1
    num_articles: int = 1
    first_seen: str | None = None  # first and last publication dates (else dates added)
    last_seen: str | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    mentions: list[Report] = field(default_factory=list)  # filled when asked for

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event_id": self.id,
            "num_mentions": self.num_mentions,
            "num_sources": self.num_sources,
            "num_articles": self.num_articles,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "statuses": dict(self.statuses),
        }
        if self.mentions:
            out["mentions"] = [m.to_dict() for m in self.mentions]
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Group:
        return cls(
            id=d["event_id"],
            num_mentions=d.get("num_mentions", 1),
            num_sources=d.get("num_sources", 1),
            num_articles=d.get("num_articles", 1),
            first_seen=d.get("first_seen"),
            last_seen=d.get("last_seen"),
            statuses=dict(d.get("statuses") or {}),
            mentions=[Report.from_dict(m) for m in d.get("mentions") or []],
        )


#: Keys a real-world event's record adds to the event record (``Group.to_dict``).
GROUP_KEYS = (
    "event_id",
    "num_mentions",
    "num_sources",
    "num_articles",
    "first_seen",
    "last_seen",
    "statuses",
    "mentions",
)


@dataclass(slots=True)
class Event:
    """One coded event; the JSON shape is DESIGN.md's event record.

    Coded from one sentence, it is a mention; read from the store as a real-world
    event, ``group`` holds what all its mentions say (``num_mentions`` ...), and the
    record gains those keys.
    """

    doc_id: str
    event_type: str
    cameo: str
    source: list[Actor]
    target: list[Actor]
    evidence: Evidence
    date: str | None = None
    date_text: str = ""
    date_precision: str = ""  # day, week, month, year, or "" when taken from the article
    mode: str = ""
    contexts: list[str] = field(default_factory=list)
    quad_class: int = 0
    goldstein: float = 0.0
    status: str = "asserted"
    attribution: Actor | None = None
    location: Location | None = None
    confidence: float = 0.0
    id: str = ""
    group: Group | None = field(default=None, compare=False)
    #: Which step of the coder set which field, and why (``--explain``); not stored.
    explain: list[dict[str, str]] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = self.make_id()

    def make_id(self) -> str:
        """Stable id: same document, trigger and sides give the same id on every run."""
        key = "|".join(
            [
                self.doc_id,
                # a title's offsets restart at 0: its events must not take the text's ids
                str(self.evidence.trigger_start)
                + ("" if self.evidence.part == "text" else self.evidence.part),
                self.event_type,
                ",".join(a.code or a.text for a in self.source),
                ",".join(a.code or a.text for a in self.target),
            ]
        )
        return "ev_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        out = self._record()
        if self.group is not None:
            out.update(self.group.to_dict())
        if explain:
            out["explain"] = list(self.explain)
        return out

    def _record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "date": self.date,
            "date_text": self.date_text,
            "date_precision": self.date_precision,
            "event_type": self.event_type,
            "mode": self.mode,
            "contexts": list(self.contexts),
            "cameo": self.cameo,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "status": self.status,
            "attribution": self.attribution.to_dict() if self.attribution else None,
            "source": [a.to_dict() for a in self.source],
            "target": [a.to_dict() for a in self.target],
            "location": self.location.to_dict() if self.location else None,
            "evidence": asdict(self.evidence),
            "confidence": round(self.confidence, 3),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        loc = d.get("location")
        att = d.get("attribution")
        return cls(
            id=d.get("id", ""),
            doc_id=d["doc_id"],
            event_type=d["event_type"],
            cameo=d.get("cameo", ""),
            source=[Actor.from_dict(a) for a in d.get("source", [])],
            target=[Actor.from_dict(a) for a in d.get("target", [])],
            evidence=Evidence(**d["evidence"]),
            date=d.get("date"),
            date_text=d.get("date_text", ""),
            date_precision=d.get("date_precision", ""),
            mode=d.get("mode", ""),
            contexts=list(d.get("contexts", [])),
            quad_class=d.get("quad_class", 0),
            goldstein=d.get("goldstein", 0.0),
            status=d.get("status", "asserted"),
            attribution=Actor.from_dict(att) if att else None,
            location=Location(**loc) if loc else None,
            confidence=d.get("confidence", 0.0),
            group=Group.from_dict(d) if d.get("event_id") else None,
        )


@dataclass(slots=True)
class Mention:
    """An actor mention found in the text (before events are built)."""

    start: int  # character offsets in the article text
    end: int
    text: str
    name: str
    country: str
    sector: str
    kind: str  # person, country, igo, org, group, reference (a pronoun or description)
    token_start: int = -1  # token indices in the parsed doc
    token_end: int = -1


@dataclass(slots=True)
class Article:
    """One document; stages fill it in. ``text`` is what evidence offsets point into:
    the text as the user gave it (after decoding), or the text extracted from a page."""

    id: str
    text: str
    title: str = ""
    date: str | None = None  # publication date, ISO
    url: str = ""
    source: str = ""  # outlet
    origin: str = ""  # where it was read from (file path, line), for messages
    #: The id within its input (a JSONL record's "id", a file's name); ``id`` is the
    #: identity in the store, which also names the input, so that two inputs never collide.
    ref: str = ""
    status: str = "new"
    reason: str = ""  # why it was rejected or marked duplicate
    content_hash: str = ""
    story_id: str = ""
    #: The text the parser reads (set by the clean stage) and the map from its offsets
    #: back to ``text``, which stays as the user gave it: every stored offset points there.
    clean: str = ""
    offsets: Any = None  # clean.OffsetMap
    doc: Any = None  # spaCy Doc, set by the nlp stage, never stored
    title_doc: Any = None  # spaCy Doc of a title coded apart, set by the nlp stage, never stored
    minhash: bytes | None = None  # story signature (dedup), stored apart from the text
    anchors: str = ""  # the story's names and numbers (dedup), stored with the minhash
    place: str = ""  # dateline place ("Seoul, South Korea")
    agency: str = ""  # dateline news agency ("AP")
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "url": self.url,
            "source": self.source,
            "origin": self.origin,
            "ref": self.ref,
            "status": self.status,
            "reason": self.reason,
            "content_hash": self.content_hash,
            "story_id": self.story_id,
            "place": self.place,
            "agency": self.agency,
            "text": self.text,
        }

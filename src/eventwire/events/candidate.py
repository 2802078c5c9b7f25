"""The one record a candidate event is while the coder's steps decide about it.

A ``Candidate`` starts as a trigger token with its lexicon row; each step of
``coder.STEPS`` fills in or changes a field (sides, status, place, date,
confidence) and says why with ``decide``, so that ``--explain`` can show, for
every event, which step set which field and from what words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from ..actors.resolve import DocActors
from ..models import Actor, Location
from .arguments import Args
from .triggers import Lexicon, Trigger


@dataclass(slots=True)
class Decision:
    """One step's decision: which field it set, to what, and why."""

    step: str
    field: str
    value: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return {"step": self.step, "field": self.field, "value": self.value, "why": self.why}


@dataclass(slots=True)
class Sentence:
    """What the candidates of one sentence share."""

    span: Span
    actors: DocActors
    lexicon: Lexicon
    doc_id: str
    published: str | None
    fired: dict[int, Trigger] = field(default_factory=dict)  # token index -> row
    #: the sentence's entities, read once (spaCy builds ``Span.ents`` anew on each access)
    ents: list[Span] = field(default_factory=list)
    seen: set[tuple[str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=set)
    #: the sentence's text without trailing space, made for its first event
    text: str | None = None


@dataclass(slots=True)
class Candidate:
    """A possible event: a trigger, and what the steps have decided about it so far."""

    token: Token
    row: Trigger
    sentence: Sentence
    args: Args = field(default_factory=Args)
    status: str = "asserted"
    attribution: Actor | None = None
    location: Location | None = None
    date: str | None = None
    date_text: str = ""
    date_precision: str = ""
    confidence: float = 0.0
    dropped: str = ""  # why the candidate is not an event; empty while it is kept
    #: where a domestic actor's country came from: "" (the text), "place" or "dateline"
    placed_by: str = ""
    #: type and side codes as the ``unique`` step saw them (before a place became a target)
    sides: tuple[str, tuple[str, ...], tuple[str, ...]] = ("", (), ())
    derived: list[Candidate] = field(default_factory=list)  # events this one also states
    decisions: list[Decision] = field(default_factory=list)

    def decide(self, step: str, what: str, value: object, why: str) -> None:
        self.decisions.append(Decision(step, what, str(value), why))

    def drop(self, step: str, why: str) -> None:
        self.dropped = why
        self.decide(step, "dropped", True, why)

    def key(self, event_type: str | None = None) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """What makes two events of a sentence the same: type and the codes of both sides."""
        return (
            event_type or self.row.event_type,
            tuple(sorted(a.code for a in self.args.source)),
            tuple(sorted(a.code for a in self.args.target)),
        )

    def derive(self, row: Trigger, status: str) -> Candidate:
        """Another event the same words state (a promise beside what is promised)."""
        other = Candidate(
            token=self.token,
            row=row,
            sentence=self.sentence,
            args=self.args,
            status=status,
            attribution=self.attribution,
            location=self.location,
            sides=self.sides,
            decisions=list(self.decisions),
        )
        self.derived.append(other)
        return other

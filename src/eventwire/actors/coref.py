"""Within-article references: pronouns and definite descriptions to earlier actors.

"he" and "the leader" point to the last person named; "it" to the last state or body;
"they" to the last group; "the two leaders" and "both countries" to the last two distinct
people or states. Only the current and the two previous sentences are searched: beyond
that a reference is left unknown rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from spacy.tokens import Token

from ..models import Actor

if TYPE_CHECKING:
    from .resolve import DocActors

PERSON_PRONOUNS = frozenset({"he", "she", "him", "his", "her"})
THING_PRONOUNS = frozenset({"it", "its"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their"})
#: "both countries", "the two sides": the last two states named.
STATE_PAIRS = frozenset(
    {
        "countries",
        "nations",
        "sides",
        "states",
        "governments",
        "neighbours",
        "neighbors",
        "capitals",
        "parties",
    }
)
#: "the two leaders", "both presidents": the last two people named.
PERSON_PAIRS = frozenset(
    {"leaders", "presidents", "ministers", "heads", "men", "women", "counterparts"}
)
#: "the country", "the kingdom": the last state named.
STATE_NOUNS = frozenset({"country", "nation", "state", "kingdom", "republic", "government"})
WINDOW = 2  # sentences before the current one that a reference may reach back to


@dataclass(slots=True)
class Mention:
    start: int  # character offset
    sent: int  # sentence index
    kind: str  # person, state, body, group
    actor: Actor


def is_reference(token: Token) -> bool:
    """Pronouns and definite descriptions that need an antecedent."""
    low = token.lower_
    if low in PERSON_PRONOUNS:
        return True
    if low in THING_PRONOUNS | PLURAL_PRONOUNS:
        # "it" as an object is mostly a thing ("denied it"); as a subject or owner, a state
        return token.dep_ in {"nsubj", "nsubjpass", "poss", "agent"}
    if token.pos_ != "NOUN":
        return False
    kids = {c.lower_ for c in token.children if c.dep_ in {"det", "predet", "nummod", "amod"}}
    if low in STATE_PAIRS | PERSON_PAIRS and kids & {"both", "two"}:
        return True
    has_own_side = any(
        c.dep_ in {"amod", "compound", "poss", "prep", "nmod"} for c in token.children
    )
    return "the" in kids and not has_own_side and low in STATE_NOUNS


def reference(actors: DocActors, token: Token) -> list[Actor]:
    """The actors a reference points to, with the reference's own text and offsets."""
    low = token.lower_
    before = [
        m
        for m in actors.mentions()
        if m.start < token.idx and sentence_of(token) - m.sent <= WINDOW
    ]
    if low in PERSON_PRONOUNS:
        found = _last(before, {"person"}, 1)
    elif low in THING_PRONOUNS:
        found = _last(before, {"state", "body"}, 1)
    elif low in PLURAL_PRONOUNS:
        found = _last_group(before)
    elif low in STATE_PAIRS:
        # "both countries" after two leaders were named: their states
        found = _last(before, {"state", "body"}, 2) or [
            replace(a, sector="", name="") for a in _last(before, {"person"}, 2)
        ]
    elif low in PERSON_PAIRS:
        found = _last(before, {"person"}, 2)
    elif low in STATE_NOUNS:
        found = _last(before, {"state"}, 1)
    else:
        found = []
    start, end = _extent(token)
    text = token.doc.text[start:end]
    return [replace(a, text=text, start=start, end=end) for a in found]


def _last(before: list[Mention], kinds: set[str], n: int) -> list[Actor]:
    out: list[Actor] = []
    for m in reversed(before):
        if (
            m.kind in kinds
            and m.actor.country
            and all((a.country, a.name) != (m.actor.country, m.actor.name) for a in out)
        ):
            if n == 2 and any(a.country == m.actor.country for a in out) and m.kind != "person":
                continue  # "both countries" are two different states
            out.append(m.actor)
            if len(out) == n:
                return out
    return out if n == 1 or len(out) == n else []


def _last_group(before: list[Mention]) -> list[Actor]:
    """ "they": the actors of the last plural mention (a group noun or a conjoined list)."""
    for m in reversed(before):
        if m.kind == "group" and m.actor.country:
            return [x.actor for x in before if x.start == m.start and x.actor.country]
    return []


def _sent_starts(token: Token) -> list[int]:
    doc = token.doc
    cached = doc.user_data.get("eventwire_sent_starts")
    if cached is None:
        cached = [s.start for s in doc.sents]
        doc.user_data["eventwire_sent_starts"] = cached
    return cached


def sentence_of(token: Token) -> int:
    return _sent_starts(token).index(token.sent.start)


def _extent(token: Token) -> tuple[int, int]:
    left = token
    for t in token.lefts:
        if t.dep_ in {"det", "predet", "nummod", "amod"}:
            left = min(left, t, key=lambda x: x.i)
    return left.idx, token.idx + len(token.text)

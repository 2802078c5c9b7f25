"""Within-article references: pronouns and definite descriptions to earlier actors.

"he" and "the leader" point to the last person named; "it" to the last state or body;
"they" to the last group; "the two leaders" and "both countries" to the last two distinct
people or states; "the bloc" and "the group" to the last body; "the army" or "the
opposition" with no nationality of its own to the state the passage is about. Subjects
are preferred as antecedents. Only the current and the two previous sentences are
searched: beyond that a reference is left unknown rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy
from spacy.attrs import LOWER, POS
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from ..geo.places import countries_by_continent
from ..models import Actor
from .kb import INTERNATIONAL, KnowledgeBase, word_lists
from .syntax import sentence_of

_WORDS = word_lists()
PERSON_PRONOUNS = _WORDS["person_pronouns"]
THING_PRONOUNS = _WORDS["thing_pronouns"]
PLURAL_PRONOUNS = _WORDS["plural_pronouns"]
#: "urged them to": plural pronouns that point to actors wherever they stand.
PLURAL_OBJECT_PRONOUNS = _WORDS["plural_object_pronouns"]
#: "both countries", "the two sides": the last states named.
STATE_PLURALS = _WORDS["state_plurals"]
#: "the two leaders", "the three presidents": the last people named.
PERSON_PLURALS = _WORDS["person_plurals"]
#: "the country", "the kingdom": the last state named.
STATE_NOUNS = _WORDS["state_nouns"]
#: "the bloc", "the alliance": the last international body named.
BODY_NOUNS = _WORDS["body_nouns"]
#: "the group", "the militia": the last armed group named.
GROUP_NOUNS = _WORDS["group_nouns"]
#: Verbs whose object is an actor even when it is "it": "urged it to halt", "threatened it".
ACTOR_OBJECT_VERBS = _WORDS["actor_object_verbs"]
#: "the army of Chad": prepositions that give a noun a side of its own.
OWN_SIDE_PREPS = _WORDS["own_side_preps"]
COUNTS = {word: int(n) for word, n in _WORDS.table("number_words").items()}
#: "the three European countries": the continent (GeoNames code) whose states count.
CONTINENT_ADJECTIVES = _WORDS.table("continent_adjectives")
WINDOW = 2  # sentences before the current one that a reference may reach back to
#: The unions ``is_reference`` tests, made once.
_THING_OR_PLURAL = THING_PRONOUNS | PLURAL_PRONOUNS
_COUNTED_PLURALS = STATE_PLURALS | PERSON_PLURALS
_DEFINITE_NOUNS = STATE_NOUNS | BODY_NOUNS | GROUP_NOUNS
_ACTOR_PRONOUN_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent"})
_DETERMINER_DEPS = frozenset({"det", "predet", "nummod"})
#: The lower-case forms of every pronoun ``is_reference`` knows, as spaCy string ids.
_PRONOUN_IDS = numpy.array(
    sorted(
        get_string_id(w)
        for w in PERSON_PRONOUNS | PLURAL_OBJECT_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS
    ),
    dtype=numpy.uint64,
)


@dataclass(slots=True)
class Antecedent:
    """An actor mention a later reference may point back to."""

    start: int  # character offset
    sent: int  # sentence index
    kind: str  # person, state, body, group
    actor: Actor
    subject: bool = False
    listed: bool = False  # a member of a conjoined list ("Russia and China"), kind group
    place: bool = False  # named as where something happened ("a meeting in Warsaw")


class Resolver(Protocol):
    """What references need of the resolver: the knowledge base, the mentions before
    them, and the actors of a noun phrase ("talks between Mali and the rebels")."""

    kb: KnowledgeBase
    text: str  # the document's text, read once (spaCy rebuilds doc.text on each access)

    def antecedents(self) -> list[Antecedent]: ...

    def resolve_group(self, token: Token, agent: bool = False) -> list[Actor]: ...


def is_reference(token: Token, kb: KnowledgeBase | None = None) -> bool:
    """Pronouns and definite descriptions that need an antecedent; with the knowledge
    base, also "the minister" and "the army" (its titles and sector nouns)."""
    low = token.lower_
    if low in PERSON_PRONOUNS or low in PLURAL_OBJECT_PRONOUNS:
        return True
    if low in _THING_OR_PLURAL:
        # "it" as an object is mostly a thing ("denied it"); as a subject or owner, a state;
        # and as the object of "urged it to", "threatened it with", an actor
        dep = token.dep_
        if dep in _ACTOR_PRONOUN_DEPS:
            return True
        return dep in {"dobj", "obj"} and token.head.lemma_.lower() in ACTOR_OBJECT_VERBS
    if token.pos_ != "NOUN":
        return False
    kids = {c.lower_ for c in token.children if c.dep_ in _DETERMINER_DEPS}
    if low in _COUNTED_PLURALS and kids & COUNTS.keys():
        return True
    if "the" not in kids or _has_own_side(token):
        return False
    if low in _DEFINITE_NOUNS:
        return True
    return kb is not None and bool(kb.nouns.get(low) or kb.titles.get(low))


def reference_candidates(doc: Doc) -> list[int]:
    """Indices of the tokens ``is_reference`` may be true of, in order: a pronoun of its
    lists or a noun; it is false of every other word, so a pass over all references needs
    to look at these only."""
    arrays = doc.to_array([LOWER, POS])
    maybe = numpy.isin(arrays[:, 0], _PRONOUN_IDS) | (arrays[:, 1] == POS_IDS["NOUN"])
    return numpy.flatnonzero(maybe).tolist()


def _has_own_side(token: Token) -> bool:
    """ "the Sudanese army", "the army of Chad", "the Hamas group" name their own side."""
    return any(
        c.dep_ in {"compound", "poss", "nmod"}
        or (c.dep_ == "amod" and c.pos_ == "PROPN")
        or (c.dep_ == "amod" and c.ent_type_ in {"NORP", "GPE"})
        or (
            c.dep_ == "prep"
            and c.lower_ in OWN_SIDE_PREPS
            and any(p.dep_ == "pobj" for p in c.children)  # not "the military of continuing"
        )
        or c.dep_ == "appos"
        for c in token.children
    )


def reference(actors: Resolver, token: Token) -> list[Actor]:
    """The actors a reference points to, with the reference's own text and offsets."""
    low = token.lower_
    here = sentence_of(token)
    counted = any(c.lower_ in COUNTS for c in token.children)
    window = 10 if counted else WINDOW  # "the three European countries" reach further back
    before = [m for m in actors.antecedents() if m.start < token.idx and here - m.sent <= window]
    count = max((COUNTS.get(c.lower_, 0) for c in token.children), default=0) or 2
    if low in PERSON_PRONOUNS:
        found = _last(before, {"person"}, 1)
    elif low in THING_PRONOUNS:
        found = _last(before, {"state", "body"}, 1)
    elif low in PLURAL_PRONOUNS:
        found = _last_group(before) or _last(before, {"body"}, 1)
    elif low in STATE_PLURALS:
        # "the three European countries" after "Britain, France and Germany": that list;
        # "both countries" after two leaders or two armies were named: their states
        found = (
            _last_list(before, count, _region(token))
            or _last(before, {"state", "body"}, count)
            or _last(before, {"group"}, count)
            or _last(before, {"person"}, count)
        )
        # armies or groups stand for their states here: keep the state, not the sector
        found = [
            replace(a, sector="", name="") if a.sector not in {"", "GOV"} else a for a in found
        ]
    elif low in PERSON_PLURALS:
        found = _last(before, {"person"}, count)
    elif low in STATE_NOUNS:
        # "the country" is a state that acts or is acted on; a city named as where
        # something happened ("a conversation in Warsaw") only when no such state was named
        acting = [m for m in before if not m.place]
        found = _last(acting, {"state"}, 1) or _last(before, {"state"}, 1)
    elif low in BODY_NOUNS:
        found = _last([m for m in before if m.actor.country in INTERNATIONAL], {"body"}, 1)
    elif low in GROUP_NOUNS:
        found = _last([m for m in before if m.actor.sector == "REB"], {"body", "group"}, 1)
    elif actors.kb.titles.get(low) and not actors.kb.nouns.get(low):
        found = _last(before, {"person"}, 1)  # "the minister", "the general"
    else:
        # "the army", "the opposition": of the state the passage is about
        sector = actors.kb.nouns.get(low) or actors.kb.nouns.get(token.lemma_.lower(), "")
        state = (
            _partner_state(actors, token)
            or _last(before, {"state"}, 1)
            or _last(before, {"person", "group"}, 1)
        )
        found = [replace(state[0], sector=sector, name="")] if state and sector else []
    start, end = _extent(token)
    text = actors.text[start:end]
    return [replace(a, text=text, start=start, end=end) for a in found]


def _partner_state(actors: Resolver, token: Token) -> list[Actor]:
    """ "talks between Mali and the rebels", "the Venezuelan government and the opposition":
    the side named alongside gives the country, not whoever was named last."""
    partners = [c for c in token.children if c.dep_ == "conj"]
    if token.dep_ == "conj":
        partners.append(token.head)
    for p in partners:
        if is_reference(p, actors.kb):
            continue
        found = [a for a in actors.resolve_group(p) if a.country]
        if len({a.country for a in found}) == 1:
            return found[:1]
    return []


def _last(before: list[Antecedent], kinds: set[str], n: int) -> list[Actor]:
    """The last ``n`` distinct actors of these kinds; for one, a subject is preferred."""
    candidates = [m for m in before if m.kind in kinds and m.actor.country]
    if n == 1:
        if not candidates:
            return []
        last_sent = candidates[-1].sent
        subjects = [m for m in candidates if m.subject and m.sent == last_sent]
        return [(subjects or candidates)[-1].actor]
    out: list[Actor] = []
    for m in reversed(candidates):
        a = m.actor
        same = (
            any(x.country == a.country for x in out)
            if m.kind != "person"
            else any((x.country, x.name) == (a.country, a.name) for x in out)
        )
        if not same:
            out.append(a)
            if len(out) == n:
                return out
    return []


def _last_list(before: list[Antecedent], n: int, region: frozenset[str] | None) -> list[Actor]:
    """The last conjoined list of exactly ``n`` states ("Britain, France and Germany")."""
    lists: dict[int, list[Actor]] = {}
    for m in before:
        if m.kind == "group" and m.actor.country:
            lists.setdefault(m.start, []).append(m.actor)
    for start in sorted(lists, reverse=True):
        members = lists[start]
        countries = {a.country for a in members}
        if len(countries) == n and (region is None or countries <= region):
            return members
    return []


def _region(token: Token) -> frozenset[str] | None:
    """Countries a regional adjective allows: "the three European countries"."""
    for child in token.children:
        continent = CONTINENT_ADJECTIVES.get(child.lower_)
        if continent:
            return countries_by_continent().get(continent, frozenset())
    return None


def _last_group(before: list[Antecedent]) -> list[Actor]:
    """ "they": the actors of the last plural mention (a group noun or a conjoined list)."""
    for m in reversed(before):
        if m.kind == "group" and m.actor.country:
            return [x.actor for x in before if x.start == m.start and x.actor.country]
    return []


def _extent(token: Token) -> tuple[int, int]:
    left = token
    for t in token.lefts:
        if t.dep_ in {"det", "predet", "nummod", "amod"}:
            left = min(left, t, key=lambda x: x.i)
    return left.idx, token.idx + len(token.text)

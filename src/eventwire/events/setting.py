"""Where and when an event happened: the place and date phrases the parse ties to it."""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Span, Token

from ..geo import places
from ..models import Location
from .cues import cues
from .dates import ResolvedDate, resolve

#: Edges in the parse between an act and a place that can be its target.
NEAR_ENOUGH = 4


def tree_distance(a: Token, b: Token) -> int:
    """Edges between two tokens through their lowest common ancestor."""
    up_b = {t.i: n for n, t in enumerate([b, *b.ancestors])}
    for n, t in enumerate([a, *a.ancestors]):
        if t.i in up_b:
            return n + up_b[t.i]
    return 99


def event_date(
    token: Token, ents: list[Span], published: str | None
) -> tuple[ResolvedDate | None, str]:
    """The date phrase nearest the trigger in the parse, else none (the article date).

    With several dates in a sentence, one is used only when it is strictly nearer the
    trigger than every other ("met on Monday after talks last week").
    """
    found: list[tuple[int, ResolvedDate, str]] = []
    for ent in ents:
        if ent.label_ != "DATE" or _said_when(ent, token) or _nested_clause(ent, token):
            continue
        resolved = resolve(ent.text, published)
        if resolved is not None:  # durations ("24 years") are not dates
            found.append((tree_distance(ent.root, token), resolved, ent.text))
    if not found:
        return None, ""
    found.sort(key=lambda x: x[0])
    if len(found) > 1 and found[0][0] == found[1][0]:
        return None, ""
    return found[0][1], found[0][2]


def _nested_clause(ent: Span, token: Token) -> bool:
    """ "dropped an investigation into an allegation made in 2010": the year dates the
    allegation, a clause below the trigger with a verb of its own, not the dropping."""
    verb = next((a for a in ent.root.ancestors if a.pos_ in {"VERB", "AUX"}), None)
    return verb is not None and verb != token and token in verb.ancestors


def _said_when(ent: Span, token: Token) -> bool:
    """ "On Tuesday, a spokesperson said that X has shipped arms": Tuesday dates the
    saying, not the shipping. True when the date hangs on a reporting verb above the
    trigger (and the trigger is not that verb)."""
    verb = next((a for a in ent.root.ancestors if a.pos_ in {"VERB", "AUX"}), None)
    return (
        verb is not None
        and verb != token
        and verb.lemma_.lower() in cues().speech
        and verb in token.ancestors
    )


def years_before(iso: str, years: int) -> str:
    d = dt.date.fromisoformat(iso)
    return d.replace(year=d.year - years, day=min(d.day, 28)).isoformat()


def past_war(token: Token, ents: list[Span]) -> Span | None:
    """A named past war the trigger's clause is set in ("during World War Two")."""
    c = cues()
    for ent in ents:
        words = ent.text.lower()
        if (
            ent.label_ == "EVENT"
            and any(w in words for w in c.war_words)
            and not words.startswith(tuple(c.not_past_wars))
        ):
            clause = next(
                (a for a in ent.root.ancestors if a == token or a.pos_ in {"VERB", "AUX"}), None
            )
            if clause == token:
                return ent  # the war phrase belongs to this event's own clause
    return None


def event_location(token: Token, ents: list[Span]) -> Location | None:
    """Where: the nearest place named after "in", "at", "near"... in the sentence.
    Coordinates come from the offline gazetteer. No sentence place: none. The
    dateline says where the story was filed, which is often not where it happened."""
    best: tuple[int, Location] | None = None
    where = cues().place_preps
    near = _countries_near(ents)
    for ent in ents:
        if ent.label_ not in {"GPE", "LOC", "FAC"} and not _mistagged_city(ent):
            continue
        node = ent.root
        if node.dep_ in {"compound", "poss", "amod"} and node.head.lower_ in cues().mission_nouns:
            continue  # "outside the US embassy in Baghdad": whose embassy, not where
        if node.dep_ in {"compound", "poss"} and node.head.dep_ == "pobj":
            node = node.head  # "in Montenegro province", "in Syria's Idlib province"
        prep = node.head
        if node.dep_ != "pobj" or prep.lower_ not in where:
            continue
        if _speaker_place(node, token):
            continue
        place = _place(ent, node, near)
        if place is None:
            continue
        distance = tree_distance(node, token)
        if best is None or distance < best[0]:
            best = (distance, Location(ent.text, place.country, place.lat, place.lon))
    for node in _untagged_places(token, ents):
        place = places.lookup(node.text, near)
        if place is None or place.kind not in {"city", "capital"}:
            continue
        distance = tree_distance(node, token)
        if best is None or distance < best[0]:
            best = (distance, Location(node.text, place.country, place.lat, place.lon))
    if best is None:
        return None
    best[1].distance = best[0]  # how far in the parse: near places are safer targets
    return best[1]


def _speaker_place(node: Token, token: Token) -> bool:
    """A place said of whoever reports the event, not of the event: "officials in Moscow
    said", "Putin said in Pyongyang that ...". The place's way up to the trigger passes
    a reporting verb."""
    above_trigger = {t.i for t in [token, *token.ancestors]}
    for up in node.ancestors:
        if up.i == token.i:
            return False
        if up.pos_ in {"VERB", "AUX"} and up.lemma_.lower() in cues().speech:
            return True
        if up.i in above_trigger:
            return False
    return False


def _place(ent: Span, node: Token, near: set[str]) -> places.Place | None:
    """The place an entity names; with the kind after it ("in Niger state", "in Plateau
    State") the region, not the country or the word."""
    if node is not ent.root and node.lower_ in places.KIND_WORDS and node.i == ent.end:
        region = places.lookup(f"{ent.text} {node.text}", near)
        if region is not None:
            return region
    return places.lookup(ent.text, near) or _place_without_kind(ent, near)


def _countries_near(ents: list[Span]) -> set[str]:
    """Countries the sentence's other place names give without doubt: "Lahore" makes
    "Punjab" Pakistan's."""
    found = set()
    for ent in ents:
        if ent.label_ in {"GPE", "LOC", "FAC"} and (place := places.lookup(ent.text)):
            found.add(place.country)
    return found


def _untagged_places(token: Token, ents: list[Span]) -> list[Token]:
    """One-word names after a place preposition that the entity tagger missed or put in
    a time phrase ("at Kyiv overnight" as TIME): the gazetteer decides, cities only."""
    where = cues().place_preps
    placed = {t.i for ent in ents if ent.label_ in {"GPE", "LOC", "FAC"} for t in ent}
    return [
        t
        for t in token.sent
        if t.pos_ == "PROPN"
        and t.dep_ == "pobj"
        and t.head.lower_ in where
        and t.i not in placed
        and t.ent_type_ in {"", "TIME", "DATE"}
        and not any(ch.dep_ == "compound" for ch in t.children)
    ]


def _mistagged_city(ent: Span) -> bool:
    """ "in Bucha" tagged as an organisation ("in Tunis" as a language): one word after a
    place preposition that the gazetteer knows as a city."""
    if len(ent) != 1 or ent.label_ not in {"ORG", "PERSON", "NORP", "LANGUAGE", "PRODUCT"}:
        return False
    node = ent.root
    if node.dep_ != "pobj" or node.head.lower_ not in cues().place_preps:
        return False
    place = places.lookup(ent.text)
    return place is not None and place.kind == "city"


def _place_without_kind(ent: Span, near: set[str]) -> places.Place | None:
    """ "Montenegro province", "Idlib governorate": the named place without its kind."""
    words = ent.text.split()
    while len(words) > 1 and words[-1].lower() in cues().place_nouns:
        words.pop()
        found = places.lookup(" ".join(words), near)
        if found is not None:
            return found
    return None

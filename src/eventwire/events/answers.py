"""Across sentences: an answer with no target named answers whoever made the charge.

"India accused Pakistan of X. Islamabad denied any involvement": the denial is aimed
at India. Runs over a document's events once every sentence is coded.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc

from ..models import Actor, Event
from .cues import cues

STEP = "answers"


def answer_the_accuser(events: list[Event], doc: Doc) -> None:
    """A denial or rejection with no placed target answers the last earlier event aimed at
    the one who denies; a threat with no one named answers whoever acted against its maker."""
    c = cues()
    for i, ev in enumerate(events):
        if ev.event_type not in c.response_types | {"THREATEN"} or any(
            a.country for a in ev.target
        ):
            continue
        word = ev.evidence.trigger.lower()
        prefixes = c.threat_prefixes if ev.event_type == "THREATEN" else c.response_prefixes
        if not word.startswith(tuple(prefixes)):
            continue
        mine = {a.country for a in ev.source if a.country}
        if not mine:
            continue
        earlier = [e for e in events[:i] if e.evidence.start < ev.evidence.start]
        maker = _charge_against(earlier, mine) or _maker_of_what_is_answered(ev, earlier, doc, mine)
        if maker:
            ev.target = [replace(a, start=-1, end=-1) for a in maker]
            ev.confidence = max(0.05, ev.confidence - 0.15)  # inferred across sentences
            ev.id = ev.make_id()
            ev.explain.append(
                {
                    "step": STEP,
                    "field": "target",
                    "value": ",".join(a.code for a in maker),
                    "why": f"'{ev.evidence.trigger}' answers an earlier event by "
                    + ", ".join(a.text for a in maker),
                }
            )


def _charge_against(earlier: list[Event], mine: set[str]) -> list[Actor]:
    """The sources of the last earlier event aimed at ``mine``."""
    for e in reversed(earlier):
        if e.event_type in cues().charging_types and mine & {a.country for a in e.target}:
            return [a for a in e.source if a.country and a.country not in mine]
    return []


def _maker_of_what_is_answered(
    ev: Event, earlier: list[Event], doc: Doc, mine: set[str]
) -> list[Actor]:
    """ "opposed the European decision", "rejected the comments": whoever made the last
    decision, claim or comments reported before, when the answer names it so."""
    span = doc.char_span(ev.evidence.trigger_start, ev.evidence.trigger_end)
    if span is None:
        return []
    objects = {ch.lemma_.lower() for ch in span.root.children if ch.dep_ in {"dobj", "obj"}}
    c = cues()
    if objects & c.claim_nouns:
        wanted = c.claim_types  # a claim, report or comments
    elif objects & c.act_nouns:
        wanted = c.act_types
    else:
        return []
    for e in reversed(earlier):
        makers = [a for a in e.source if a.country and a.country not in mine]
        if makers and e.event_type in wanted and e.status in {"asserted", "alleged"}:
            return makers
    return []

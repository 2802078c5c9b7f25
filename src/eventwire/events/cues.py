"""Cue words (``data/cues.yaml``) that change how an event is presented or who its sides are."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml


@dataclass(slots=True, frozen=True)
class Cues:
    """Words that change how an event is presented (status, attribution, roles)."""

    speech: frozenset[str]
    intent: frozenset[str]
    intent_nouns: frozenset[str]
    allege: frozenset[str]
    deny: frozenset[str]
    hypothetical_aux: frozenset[str]
    intent_aux: frozenset[str]
    object_control: frozenset[str]
    receive: frozenset[str]
    target_preps: frozenset[str]
    source_preps: frozenset[str]
    noun_modifiers_alleged: frozenset[str]
    noun_modifiers_hypothetical: frozenset[str]
    symmetric: frozenset[str]
    mutual: frozenset[str]
    refuse: frozenset[str]
    stative_passive: frozenset[str]
    agentive_nouns: frozenset[str]
    place_nouns: frozenset[str]
    light_verbs: frozenset[str]
    must_aux: frozenset[str]
    demand_speech: frozenset[str]
    disapproval: frozenset[str]
    threat_verbs: frozenset[str]
    naming_verbs: frozenset[str]
    purpose_aid: frozenset[str]
    purpose_inquiry: frozenset[str]
    demand_heads: frozenset[str]
    owned_nouns: frozenset[str]
    claim_nouns: frozenset[str]
    act_nouns: frozenset[str]


@functools.cache
def cues() -> Cues:
    path = resources.files("eventwire.events") / "data" / "cues.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, words in data.items():
        bad = [w for w in words if not isinstance(w, str)]
        if bad:
            raise ValueError(f"cues.yaml: {key} has non-word entries {bad}; quote them")
    return Cues(**{k: frozenset(v) for k, v in data.items()})

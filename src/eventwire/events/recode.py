"""What words are coded as besides their lexicon row: statements that are events,
promises beside what is promised, refusals, and deployments told apart by purpose.

The rows these produce are data: the ``STATEMENT`` rows of ``triggers.tsv`` and the
``intentions`` table of the ontology. This module only decides when they apply.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from .. import ontology
from .arguments import Args
from .cues import cues
from .triggers import Lexicon, Trigger


def retyped(
    row: Trigger, event_type: str, cameo: str, note: str, mode: str = "", context: str | None = None
) -> Trigger:
    """The same trigger coded as another type (what the context shows it to be)."""
    return replace(
        row,
        event_type=event_type,
        cameo=cameo,
        note=note,
        mode=mode,
        context=row.context if context is None else context,
    )


def own_intent(token: Token) -> bool:
    """ "would respond", "will retaliate", "vowed to retaliate", "threatened to hit back"."""
    c = cues()
    intent_aux = c.words("status_words", "aux", "intended")
    if any(ch.dep_ == "aux" and ch.lower_ in intent_aux for ch in token.children):
        return True
    return token.dep_ == "xcomp" and token.head.lemma_.lower() in c.intent


def statement_event(token: Token, lexicon: Lexicon) -> tuple[Trigger, str] | None:
    """A statement that is itself an event, with the reason: "X said China must drop
    barriers" (a demand on China), "X said the visit showed Russia's desperation", "X
    called the move illegal" (criticism). A plain statement is not an event."""
    if token.pos_ != "VERB":
        return None
    c = cues()
    lemma = token.lemma_.lower()
    if lemma in c.threat_verbs and own_intent(token):
        return lexicon.statement("respond"), f"'{token.text}' said as an intention"
    if lemma not in c.speech | c.demand_speech:
        return None
    clauses = [ch for ch in token.children if ch.dep_ in {"ccomp", "oprd", "xcomp", "acomp"}]
    if lemma in c.naming_verbs:
        # "called the ruling a witch hunt", "described the downing as a hostile act"
        clauses += [ch for ch in token.children if ch.dep_ in {"dobj", "prep", "attr"}]
    for clause in clauses:
        must = [a for a in clause.children if a.dep_ == "aux" and a.lower_ in c.must_aux]
        if clause.dep_ == "ccomp" and must:
            return lexicon.statement("must"), f"'{token.text}' over '{must[0].text}'"
    for clause in clauses:
        harsh = [t for t in clause.subtree if t.lemma_.lower() in c.disapproval]
        if harsh:
            objects = {ch.lemma_.lower() for ch in token.children if ch.dep_ in {"dobj", "obj"}}
            # "called the claim groundless rumours" rejects the claim; otherwise a criticism
            name = "call" if objects & c.claim_nouns else "say"
            return lexicon.statement(name), f"'{token.text}' with '{harsh[0].text}'"
    return None


def by_purpose(token: Token, row: Trigger, args: Args) -> tuple[Trigger, str]:
    """A deployment is something else by its purpose: troops sent "to support" another
    state are military aid (072), peacekeepers are protection (074), personnel sent "to
    investigate" make an inquiry (090)."""
    if row.event_type != "MOBILIZE":
        return row, ""
    c = cues()
    purpose = {ch.lemma_.lower() for ch in token.children if ch.dep_ in {"xcomp", "advcl"}}
    if purpose & c.purpose_inquiry:
        why = "personnel sent to investigate"
        return retyped(row, "ACCUSE", "090", why, mode="investigate"), why
    sent = token.sent.text.lower()
    if any(_peacekeeping(a.text.lower()) for a in args.source + args.target) or (
        _peacekeeping(sent) and token.lemma_.lower() in c.deployment_lemmas
    ):
        return retyped(row, "AID", "074", "peacekeepers sent", context="peacekeeping"), (
            "peacekeepers sent"
        )
    own = {a.country for a in args.source}
    if any(a.country and a.country not in own for a in args.target) and (purpose & c.purpose_aid):
        why = "troops sent to support another state"
        return retyped(row, "AID", "072", why, context="military"), why
    return row, ""


def figurative_fire(token: Token, row: Trigger, args: Args) -> tuple[Trigger, str]:
    """ "came under fire from rights groups" is criticism; "troops came under fire from
    rebels", "came under heavy rocket fire" is gunfire: a weapon word on the noun or an
    armed side on either end decides."""
    c = cues()
    if row.event_type != "ASSAULT" or token.lemma_.lower() != "fire" or token.pos_ == "VERB":
        return row, ""
    if any(ch.lemma_.lower() in c.gunfire_mods for ch in token.children):
        return row, ""
    if any(a.sector in c.armed_sectors for a in args.source + args.target):
        return row, ""
    why = "'under fire' with no armed side: criticism"
    return retyped(row, "ACCUSE", "111", why, mode="disapprove", context=""), why


def _peacekeeping(text: str) -> bool:
    return any(stem in text for stem in cues().peacekeeping_stems)


def commitment(token: Token, row: Trigger, has_condition: bool) -> Trigger:
    """The promise or threat an intention makes: AGREE for cooperation, THREATEN for
    conflict; "will withdraw its force unless X acts" is a threat whatever is promised."""
    promise = intention(row)
    if has_condition and promise.event_type != "THREATEN":
        return retyped(row, "THREATEN", "130", "conditional penalty")
    return promise


def intention(row: Trigger) -> Trigger:
    """PLOVER codes a stated intention as the promise itself (ontology ``intentions``)."""
    etype, cameo = ontology.intentions().get(row.event_type, (row.event_type, row.cameo))
    if etype == row.event_type:
        return row
    return retyped(row, etype, cameo, f"intention to {row.event_type}")


def refusal(row: Trigger) -> Trigger:
    """ "said it would not meet the demands": a refusal that was made (REJECT 120)."""
    return retyped(row, "REJECT", "120", "refused to " + row.event_type.lower())

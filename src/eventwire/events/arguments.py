"""Sides of an event from the dependency parse: subjects with their conjuncts, objects,
passive agents, prepositional targets, possessors of nominal triggers, complements."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Token

from ..actors.kb import INTERNATIONAL
from ..actors.resolve import DocActors
from ..models import Actor
from .cues import cues
from .triggers import Trigger

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})


@dataclass(slots=True)
class Args:
    source: list[Actor] = field(default_factory=list)
    target: list[Actor] = field(default_factory=list)
    joint: bool = False
    indirect: bool = False  # a side found by a weaker rule (owner, clause, condition, place)


def make_joint(token: Token, row: Trigger, args: Args, status: str) -> None:
    """ "A and B signed", "A met B": mutual events act both ways (PLOVER's SRC/TAR)."""
    c = cues()
    lemma = token.lemma_.lower()
    if row.cameo in c.third_party_codes:
        return  # "a deal brokered by the US and France": they mediate, not meet each other
    if (
        (row.event_type in c.joint_types or lemma in c.symmetric)
        and not args.target
        and len({a.country or a.text for a in args.source}) > 1
    ):
        args.target = list(args.source)
        args.joint = True
    elif (
        lemma in c.mutual
        and (row.event_type in c.joint_types or lemma in c.fighting_words)
        and status == "asserted"  # "offered to meet X" commits only the one who offers
        and any(a.country for a in args.source)
        and any(a.country for a in args.target)
    ):
        both = _unique(args.source + args.target)
        args.source, args.target, args.joint = both, list(both), True


# -- arguments ---------------------------------------------------------------
def verb_args(token: Token, actors: DocActors, row: Trigger) -> Args:
    c = cues()
    args = Args()
    passive = any(ch.dep_ in {"nsubjpass", "auxpass"} for ch in token.children)
    patient = _participle_patient(token)
    if patient is not None:
        # "soldiers killed in an ambush by jihadists", headline "3 protesters killed in
        # clashes": a past participle without an auxiliary is passive; its noun undergoes
        passive = True
        args.target.extend(actors.resolve_all(patient))
    skip = patient.i if patient is not None else -1
    subjects = [ch for ch in token.children if ch.dep_ in SUBJECT_DEPS and ch.i != skip]
    if not subjects and not passive:
        subjects = _inherited_subjects(token)
    if passive and token.lemma_.lower() in c.stative_passive:
        # "Israel is opposed to X": a passive in form, an act of the subject in meaning
        subjects = [ch for ch in token.children if ch.dep_ == "nsubjpass"]
        passive = False
    explicit = any(ch.dep_ in SUBJECT_DEPS for ch in token.children)
    if not explicit and token.dep_ == "pcomp" and token.head.lower_ in cues().presupposing_preps:
        # "agreed to back X's bid to join NATO after meeting Y": whoever agreed met Y
        args.source.extend(clause_subject_actors(token, actors))
    for s in subjects if not args.source else []:
        args.source.extend(_subject_actors(s, actors))
    if args.source and subjects and not passive:
        args.source[:0] = _headline_co_subjects(token, subjects[0], actors)
    if passive:
        givers: list[Actor] = []
        for ch in token.children:
            if ch.dep_ == "nsubjpass":
                found = actors.resolve_all(ch)
                if not found and ch.lemma_.lower() in c.theme_nouns:
                    # "U.S. military aid to Kyiv was stalled": the aid's giver stalls it,
                    # its receiver is the target
                    args.target.extend(a for a in _prep_targets(ch, actors, row) if a.country)
                    givers.extend(_placed_owners(ch, actors))
                args.target.extend(found)
            elif ch.dep_ == "agent":
                for p in ch.children:
                    if p.dep_ == "pobj":
                        args.source.extend(actors.resolve_all(p, agent=True))
        if not args.source:
            args.source.extend(givers)
        if not args.source:
            # "were killed by a bomb in an attack claimed by X": X did it
            for prep in (ch for ch in token.children if ch.dep_ == "prep" and ch.lower_ == "in"):
                for p in (x for x in prep.children if x.dep_ == "pobj"):
                    # "killed in Russian strikes", "in an Israeli raid": the strikers
                    args.source.extend(claimed_by(p, actors) or _placed_owners(p, actors))
    objects = []
    grievance: list[Actor] = []
    for ch in token.children:
        if ch.dep_ == "dative" and ch.pos_ == "ADP":
            args.target.extend(_prep_objects(ch, actors, row))  # "send shells to Ukraine"
        elif ch.dep_ in {"dobj", "dative", "obj"}:
            # "recalled their ambassadors", "pulled its troops": the subject's own, no target
            owned = any(g.dep_ == "poss" and g.pos_ == "PRON" for g in ch.children)
            found = [] if owned else actors.resolve_all(ch)
            if row.event_type in cues().own_forces_types and not any(a.country for a in found):
                found = []  # "massed 100,000 troops near X": the troops are its own, X is aimed at
            elif found and not any(a.country for a in found):
                # "recalls ambassador to Israel": an unplaced envoy is placed by its post;
                # "hits Russian oil refinery": a thing placed by its owner
                posted = [a for a in _prep_targets(ch, actors, row) if a.country] or _placed_owners(
                    ch, actors
                )
                found = posted or found
            args.target.extend(found)
            if not found:
                objects.append(ch)
                if ch.lemma_.lower() in c.owned_nouns:
                    # "endorsed Brazil's proposal for talks on Ukraine": Brazil's, not Ukraine
                    owners = [a for m in ch.children for a in _modifier_actors(m, actors)]
                    args.target.extend(owners)
                    if owners:
                        continue
                args.target.extend(_prep_targets(ch, actors, row))
        elif ch.dep_ == "prep":
            if ch.lower_ in {"for", "of"} and args.target and token.lemma_.lower() in c.allege:
                continue  # "blamed Iran for attacks on Saudi sites": Iran is the one blamed
            found = _prep_objects(ch, actors, row)
            if (
                found
                and ch.lower_ in cues().grievance_preps
                and row.event_type in cues().grievance_types
            ):
                grievance.extend(found)
            args.target.extend(found)
    if grievance:  # "complained to the UN over Israeli raids": Israel, not the UN
        args.target = grievance
    if not args.target and row.event_type != "CONSULT":  # "discussed X's plan": X is a topic
        # "rejected an Indian proposal", "condemned Israel's raids": the owner is the target
        for obj in objects:
            args.target.extend(_inner_actors(obj, actors, places=False))
        args.indirect = bool(args.target)
    if not args.target and row.event_type in cues().own_forces_types | {"ASSAULT"}:
        # "deployed troops along its border with Guyana": the place the forces face
        for prep in (ch for ch in token.children if ch.dep_ == "prep"):
            if prep.lower_ in cues().locative_preps:
                for place in (p for p in prep.children if p.dep_ == "pobj"):
                    if place.lemma_.lower() in cues().place_nouns:
                        args.target.extend(_inner_actors(place, actors))
        args.indirect = bool(args.target)
    if not args.target:
        own = {a.country for a in args.source if a.country}
        args.target.extend(_complement_targets(token, actors, row, exclude=own))
        args.indirect = bool(args.target)
    if not args.target and row.event_type == "THREATEN":
        args.target.extend(_condition_subjects(token, actors))
        args.indirect = bool(args.target)
    if not args.target and row.cameo in cues().third_party_codes:
        args.target.extend(_parties_between(token, actors))
    if token.lemma_.lower() in c.receive and row.event_type != "CONSULT":
        # "received aid from X": X gives; but "received the envoy" is hosting (CAMEO 043)
        args.source, args.target = args.target, args.source
    return args


def _participle_patient(token: Token) -> Token | None:
    """The noun a past participle without an auxiliary acts on: "civilians killed in the
    strike" (a reduced relative), headline "3 protesters killed in clashes", "Journalist
    shot dead"."""
    kids = list(token.children)
    if token.pos_ != "VERB" or any(ch.dep_ in {"aux", "auxpass", "nsubjpass"} for ch in kids):
        return None
    if token.dep_ == "acl" and token.tag_ == "VBN" and token.head.pos_ in {"NOUN", "PROPN"}:
        return token.head
    subjects = [ch for ch in kids if ch.dep_ == "nsubj"]
    if not subjects:
        return None
    last = token.sent[-1]
    headline = not (last.is_punct and last.text[-1] in '.!?"”')
    if token.tag_ == "VBN" and headline:
        return subjects[0]
    if headline and any(ch.lower_ == "dead" for ch in kids):
        return subjects[0]  # "Journalist shot dead covering raid"
    return None


def _placed_owners(noun: Token, actors: DocActors, pronouns: bool = False) -> list[Actor]:
    """The placed sides a noun's modifiers name: "Russian" in "Russian strikes", "U.S." in
    "U.S. military aid" (see ``_modifier_actors``)."""
    return [a for m in noun.children for a in _modifier_actors(m, actors, pronouns) if a.country]


def _modifier_actors(mod: Token, actors: DocActors, pronouns: bool = False) -> list[Actor]:
    """The side a noun modifier names: "Russia's", "Indian", "U.N.", "police" (not "military").

    A possessive pronoun counts only when ``pronouns`` is set: "its demand" names who
    demands, but in "recalled their ambassadors" the owner is the subject, not a target.
    """
    if mod.dep_ == "poss":
        if mod.pos_ == "PRON" and not pronouns:
            return []
        return actors.resolve_all(mod)
    if mod.dep_ not in {"amod", "compound", "nmod"}:
        return []
    backers = actors.backers(mod)
    if backers:  # "U.S.-led", "Iranian-backed": the leader or backer is the side
        return backers
    if mod.i in actors.spans:
        return actors.resolve_all(mod) or _adjective_country(mod, actors)
    if mod.pos_ == "PROPN" or (
        mod.pos_ == "NOUN" and mod.dep_ == "compound" and actors.kb.nouns.get(mod.lower_)
    ):
        return actors.resolve_all(mod)
    return []


def _complement_targets(
    token: Token,
    actors: DocActors,
    row: Trigger,
    depth: int = 0,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> list[Actor]:
    """Targets inside a complement clause.

    "threatened to shell Iraqi towns" -> the towns' side; "demanded that China drop" -> China;
    "willing to send troops to help defend Saudi Arabia" -> Saudi Arabia.
    """
    out: list[Actor] = []
    clauses = list(token.children)
    for obj in (ch for ch in token.children if ch.dep_ in {"dobj", "obj"}):
        clauses += [c for c in obj.children if c.dep_ == "acl"]  # "its demand that X ease"
    for ch in clauses:
        if ch.dep_ in {"ccomp", "acl"} and ch.pos_ in {"VERB", "AUX"}:
            for sub in ch.children:
                if sub.dep_ in SUBJECT_DEPS | {"nsubjpass"}:
                    # "said Putin's visit showed ...": the visit is Putin's
                    found = actors.resolve_all(sub, agent=True) or _inner_actors(
                        sub, actors, places=False
                    )
                    out.extend(a for a in found if a.country not in exclude)
            if not out and exclude:
                # "warned that Israel would strike Hezbollah": the one struck, not the striker
                for sub in ch.children:
                    if sub.dep_ in {"dobj", "dative", "obj"}:
                        out.extend(actors.resolve_all(sub) or _prep_targets(sub, actors, row))
                    elif sub.dep_ == "prep":
                        out.extend(_prep_objects(sub, actors, row))
                out = [a for a in out if a.country not in exclude]
        elif ch.dep_ in {"xcomp", "advcl"} and ch.pos_ in {"VERB", "AUX"}:
            for sub in ch.children:
                if sub.dep_ == "dative" and sub.pos_ == "ADP":
                    out.extend(_prep_objects(sub, actors, row))  # "refused to send X to Y"
                elif sub.dep_ in {"dobj", "dative", "obj"}:
                    out.extend(
                        _placed(
                            actors.resolve_all(sub),
                            functools.partial(_object_inner_targets, sub, actors, row),
                        )
                    )
                elif sub.dep_ == "prep":
                    out.extend(_prep_objects(sub, actors, row))
            if not out and depth < 2:
                out.extend(_complement_targets(ch, actors, row, depth + 1, exclude))
    return [a for a in out if a.country not in exclude] if exclude else out


#: Hosting talks (044) and mediating (045): the third party meets each side.


def _parties_between(token: Token, actors: DocActors) -> list[Actor]:
    """ "mediated between Mali and the rebels", "hosted talks between Israel and Hamas",
    "hosted rounds of negotiations between X and Y": the sides the third party meets."""
    frontier = [token]
    for _ in range(3):  # the verb, its object, the object's "of" phrase
        nxt = []
        for node in frontier:
            for ch in node.children:
                if ch.dep_ == "prep" and ch.lower_ == "between":
                    return [
                        a for p in ch.children if p.dep_ == "pobj" for a in actors.resolve_all(p)
                    ]
                if ch.dep_ in {"dobj", "obj", "pobj"} or (ch.dep_ == "prep" and ch.lower_ == "of"):
                    nxt.append(ch)
        frontier = nxt
    return []


def _condition_subjects(token: Token, actors: DocActors) -> list[Actor]:
    """ "threatened to ban the vote if Hamas ran": a threat is aimed at whoever the
    condition names."""
    for t in token.subtree:
        if t.dep_ == "advcl" and any(
            m.dep_ == "mark" and m.lower_ in {"if", "unless"} for m in t.children
        ):
            for sub in (ch for ch in t.children if ch.dep_ in SUBJECT_DEPS):
                found = actors.resolve_all(sub, agent=True)
                if found:
                    return found
    return []


def _headline_co_subjects(verb: Token, subject: Token, actors: DocActors) -> list[Actor]:
    """Headline style: "Russia, Belarus sign treaty", "Hamas, Israel agree ceasefire": a
    name before a comma ahead of the subject is a second subject (the parser hangs it on
    the verb as a modifier, or on the subject as an apposition). Dates and adverbs ("Monday,
    Israel agreed") name no actor."""
    out: list[Actor] = []
    for ch in verb.children:
        if (
            (ch.dep_ == "npadvmod" or (ch.dep_ == "advcl" and ch.pos_ == "PROPN"))
            and ch.i < subject.i
            and ch.i + 1 < len(ch.doc)
            and ch.doc[ch.i + 1].text == ","
        ):
            out.extend(actors.resolve_all(ch, agent=True))
    last = verb.sent[-1]
    if last.is_punct and last.text[-1] in ".!?":
        return out  # prose: "Israel's ally, the United States," is one side named twice
    for ch in subject.children:
        if ch.dep_ == "appos" and ch.i > subject.i and ch.doc[ch.left_edge.i - 1].text == ",":
            # "India, Pakistan trade fire", "Putin, North Korea's Kim sign pact"
            out.extend(actors.resolve_all(ch, agent=True))
        elif ch.dep_ == "nmod" and ch.i < subject.i and ch.pos_ == "PROPN":
            # "Russia's Putin and North Korea's Kim Jong Un sign": the parser hangs the
            # first of two named leaders on the second
            out.extend(actors.resolve_all(ch, agent=True))
    # a bare country beside its own leader or office says nothing more ("PRK", "PRKGOV")
    named = {a.country for a in out + actors.resolve_all(subject, agent=True) if a.sector}
    return [a for a in out if a.sector or a.country not in named]


def _subject_actors(subject: Token, actors: DocActors) -> list[Actor]:
    """Actors of a subject; "it"/"they" after "X said" is X ("Nigeria said it will ...");
    "who" in "troops who fought" is the troops."""
    if subject.lower_ in {"who", "which", "that"} and subject.head.dep_ == "relcl":
        subject = subject.head.head
    if subject.pos_ == "VERB":  # "The Red Cross operating in Iraq said": a participle
        inner = [ch for ch in subject.children if ch.dep_ in SUBJECT_DEPS]
        if inner:
            subject = inner[0]
    found = actors.resolve_all(subject, agent=True) or claimed_by(subject, actors)
    if found or subject.lower_ not in cues().speaker_pronouns:
        return found
    verb = subject.head
    for _ in range(4):
        if verb.dep_ not in {"ccomp", "xcomp", "conj", "advcl"} or verb.head is verb:
            break
        verb = verb.head
        for sub in verb.children:
            if sub.dep_ in SUBJECT_DEPS and sub.lower_ not in cues().speaker_pronouns:
                return actors.resolve_all(sub, agent=True)
    return []


#: "during X's visit", "after meeting Y": adjuncts that present their event as having
#: happened, done by the subject of the clause around them.


def clause_subject_actors(token: Token, actors: DocActors) -> list[Actor]:
    """The actors of the nearest clause above ``token`` that states its subject."""
    for up in token.ancestors:
        subjects = [ch for ch in up.children if ch.dep_ in SUBJECT_DEPS]
        if subjects:
            return [a for s in subjects for a in _subject_actors(s, actors)]
    return []


def _inherited_subjects(token: Token, depth: int = 0) -> list[Token]:
    """Subjects a verb shares with its head: "agreed to withdraw", "met and signed",
    "youths resorted to throwing stones"."""
    c = cues()
    head = token.head
    if depth > 4 or head is token:
        return []
    if token.dep_ in {"relcl", "acl"} and head.pos_ in {"NOUN", "PROPN", "PRON"}:
        if token.dep_ == "acl" and head.lemma_.lower() in c.intent_nouns:
            owners = [ch for ch in head.children if ch.dep_ == "poss"]
            if owners:
                return owners  # "Sweden's bid to join NATO": Sweden would join
        if (
            token.dep_ == "acl"
            and token.tag_ == "VBG"
            and head.lemma_.lower() in c.enacting_nouns
            and head.dep_ in {"dobj", "obj"}
        ):
            # "signed a law ratifying the pact": the signer ratifies
            return [ch for ch in head.head.children if ch.dep_ in SUBJECT_DEPS] or [head]
        return [head]
    if token.dep_ == "acomp":  # "Norway is willing to ...": the copula's subject
        return [ch for ch in head.children if ch.dep_ in SUBJECT_DEPS]
    if token.dep_ == "xcomp" and head.pos_ == "ADJ" and head.dep_ == "acomp":
        # "were unable to meet", "is ready to sign": the subject of the copula above
        return [ch for ch in head.head.children if ch.dep_ in SUBJECT_DEPS]
    if (
        token.dep_ in {"advcl", "xcomp"}
        and token.tag_ == "VBG"
        and head.lemma_.lower() in c.allege
        and any(ch.dep_ in {"dobj", "obj"} for ch in head.children)
    ):
        # "accuses Armenia of border shelling", parsed without its "of": Armenia shells
        return [ch for ch in head.children if ch.dep_ in {"dobj", "obj"}]
    if token.dep_ in {"xcomp", "conj", "advcl"} and head.pos_ in {"VERB", "AUX"}:
        if token.dep_ == "xcomp" and head.lemma_.lower() in c.object_control:
            objs = [ch for ch in head.children if ch.dep_ in {"dobj", "obj"}]
            if objs:
                return objs
            for prep in (ch for ch in head.children if ch.dep_ == "prep" and ch.lower_ == "on"):
                return [p for p in prep.children if p.dep_ == "pobj"]
        subs = [ch for ch in head.children if ch.dep_ in SUBJECT_DEPS]
        return subs or _inherited_subjects(head, depth + 1)
    if token.dep_ == "pcomp" and head.dep_ == "prep":
        verb = head.head
        if verb.lemma_.lower() in c.allege:
            # "accused X of providing", "X was accused of providing": X did it
            return [ch for ch in verb.children if ch.dep_ in {"dobj", "obj", "nsubjpass"}]
        if (
            verb.pos_ in {"NOUN", "PROPN"}
            and verb.dep_ in {"dobj", "obj"}
            and verb.head.lemma_.lower() in c.allege
        ):
            return [verb]  # "accused Russian forces of blowing up": "of" hung on the object
        if verb.lemma_.lower() in c.object_control and head.lower_ in c.warned_preps:
            # "warned them against sending troops": they would send
            objs = [ch for ch in verb.children if ch.dep_ in {"dobj", "obj"}]
            if objs:
                return objs
        if verb.pos_ == "NOUN" and verb.dep_ in {"dobj", "obj"}:
            verb = verb.head  # "began the process of reimposing": who began
        subs = [ch for ch in verb.children if ch.dep_ in SUBJECT_DEPS]
        return subs or (_inherited_subjects(verb, depth + 1) if verb.pos_ == "VERB" else [])
    return []


def _prep_objects(prep: Token, actors: DocActors, row: Trigger) -> list[Actor]:
    """Actors named after a target preposition: "attacked positions in Syria's Idlib"."""
    if prep.lower_ in cues().membership_preps and row.event_type in cues().membership_types:
        # "froze its participation in the CSTO", "suspended Niger's seat in the bloc"
        return [
            a
            for p in prep.children
            if p.dep_ == "pobj"
            for a in actors.resolve_all(p)
            if a.country in INTERNATIONAL - {"NGO"}
        ]
    backing = row.event_type == "SUPPORT" and prep.lower_ in cues().support_preps
    at_mission = prep.lower_ in cues().locative_preps and any(
        p.dep_ == "pobj" and p.lemma_.lower() in cues().mission_nouns for p in prep.children
    )  # "gathered outside the US embassy": the embassy's state
    if prep.lower_ not in cues().target_preps and not backing and not at_mission:
        return []
    if row.event_type in cues().talk_types and prep.lower_ in cues().topic_preps:
        return []  # "talks on Ukraine", "signed at the White House": a topic or a place
    if row.event_type == "AID" and prep.lower_ == "with":
        return []  # "supplied Russia with drones": the goods, not a side
    if prep.lower_ == "with" and any(
        p.dep_ == "pobj" and p.lemma_.lower() in cues().instrument_nouns for p in prep.children
    ):
        return []  # "hit the refinery with drones": the means, not a side
    if row.event_type == "ASSAULT" and prep.lower_ in cues().ally_preps:
        return []  # "to fight for Russia", "alongside the rebels": allies, not targets
    out: list[Actor] = []
    for p in prep.children:
        if p.dep_ == "pobj":
            out.extend(_placed(actors.resolve_all(p), functools.partial(_inner_actors, p, actors)))
    return out


#: Types whose "on"/"about"/"at" phrases name a topic or a venue, not a party.
#: Types whose unplaced object is the actor's own force, not a target.


def _object_inner_targets(obj: Token, actors: DocActors, row: Trigger) -> list[Actor]:
    """The targets inside an object phrase: "sent troops to Liberia", "aid for Gaza"."""
    return _prep_targets(obj, actors, row) or _inner_actors(obj, actors, places=False)


def _placed(found: list[Actor], fallback: Callable[[], list[Actor]]) -> list[Actor]:
    """``found`` if any of it has a country; else what ``fallback`` finds with one ("up to
    4,000 troops to a force in Liberia": not the troops, Liberia); else ``found``."""
    if any(a.country for a in found):
        return found
    other = fallback()
    return other if any(a.country for a in other) else found


def _inner_actors(
    noun: Token, actors: DocActors, depth: int = 0, places: bool = True
) -> list[Actor]:
    """The side behind a non-actor noun: "a Senegalese plan", "sanctions against X",
    "a post in Syria's Idlib province", "the Kyiv region" (its country)."""
    out: list[Actor] = []
    for ch in noun.children:
        if ch.dep_ in {"poss", "compound", "nmod", "amod"}:
            out.extend(_modifier_actors(ch, actors))
    is_place = places and noun.lemma_.lower() in cues().place_nouns
    if out or (any(ch.dep_ == "poss" for ch in noun.children) and not is_place):
        # "the US-led war against Iraq": the owner; "its invasion of Ukraine": an unknown
        # owner, and Ukraine is not it; but "its border with Belarus" points to Belarus
        return out
    for ch in noun.children:
        if ch.dep_ != "prep" or (not is_place and ch.lower_ in cues().locative_preps):
            continue  # "signed a deal in Beijing", "for use in Ukraine": where, not whom
        if ch.lower_ in cues().target_preps | cues().inner_preps | cues().locative_preps:
            for q in (x for x in ch.children if x.dep_ == "pobj"):
                found = actors.resolve_all(q)
                if not found and depth < 2:
                    found = _inner_actors(q, actors, depth + 1)
                out.extend(found)
    return out


def _prep_targets(noun: Token, actors: DocActors, row: Trigger) -> list[Actor]:
    """Targets attached to an object noun: "imposed sanctions on X", "gave aid to X"."""
    out: list[Actor] = []
    for ch in noun.children:
        if ch.dep_ == "prep":
            out.extend(_prep_objects(ch, actors, row))
    return out


#: "an attack claimed by X", "a raid carried out by X": the verb names the perpetrator.


def claimed_by(noun: Token, actors: DocActors) -> list[Actor]:
    """The actor after "by" in "an attack claimed by X" or "a raid carried out by X"."""
    out: list[Actor] = []
    for acl in (ch for ch in noun.children if ch.dep_ == "acl"):
        if acl.lemma_.lower() not in cues().claiming_verbs:
            continue
        for agent in (ch for ch in acl.children if ch.dep_ == "agent"):
            for p in (x for x in agent.children if x.dep_ == "pobj"):
                out.extend(actors.resolve_all(p, agent=True))
    return out


def noun_args(token: Token, actors: DocActors, row: Trigger) -> Args:
    c = cues()
    args = Args()
    for ch in token.children:
        if ch.dep_ in {"poss", "amod", "compound", "nmod"}:
            args.source.extend(_modifier_actors(ch, actors, pronouns=True))
        elif ch.dep_ == "prep":
            word = ch.lower_
            objs = [p for p in ch.children if p.dep_ == "pobj"]
            if word == "from" and row.event_type == "RETREAT":
                for p in objs:  # "withdrawal from Niger": the place left is the target
                    args.target.extend(actors.resolve_all(p) or _inner_actors(p, actors))
            elif word in c.source_preps:
                for p in objs:
                    args.source.extend(actors.resolve_all(p, agent=True))
            elif word == "between":
                for p in objs:
                    args.source.extend(actors.resolve_all(p))
                args.joint = True
            elif word == "of":
                # "the visit of X", "the withdrawal of X's forces": X acts;
                # "the invasion of X", "the release of X": X undergoes
                agentive = token.lemma_.lower() in c.agentive_nouns
                side = args.source if agentive else args.target
                for p in objs:
                    side.extend(actors.resolve_all(p))
                    if row.event_type == "RETREAT":  # "withdrawal of its forces from Niger"
                        for q in (x for x in p.children if x.dep_ == "prep" and x.lower_ == "from"):
                            for r in (x for x in q.children if x.dep_ == "pobj"):
                                args.target.extend(actors.resolve_all(r))
            else:
                args.target.extend(_prep_objects(ch, actors, row))
    if not args.source:
        args.source.extend(claimed_by(token, actors))
    undergoer = undergoing_verb(token)
    if undergoer is not None:
        # "Venezuelan troops came under fire from Colombian guerrillas": the subject
        # undergoes; "from"/"by" on the verb, like on the noun, names the doer
        subjects = [ch for ch in undergoer.children if ch.dep_ == "nsubjpass"] or _verb_subjects(
            undergoer
        )
        args.target = [a for s in subjects for a in _subject_actors(s, actors)] or [
            # "an Israeli operation was met with fire", "the Turkish proposal ... criticism"
            a
            for s in subjects
            for a in _placed_owners(s, actors, pronouns=True)
        ]
        for prep in (ch for ch in undergoer.children if ch.dep_ in {"prep", "agent"}):
            if prep.lower_ in c.source_preps and not args.source:
                for p in (x for x in prep.children if x.dep_ == "pobj"):
                    args.source.extend(actors.resolve_all(p, agent=True))
        return args
    if row.event_type == "REQUEST" and not args.target and token.dep_ in {"dobj", "obj"}:
        # "Pyongyang ignored calls from Seoul": the demand was made of Pyongyang
        args.target.extend(
            a
            for s in token.head.children
            if s.dep_ in SUBJECT_DEPS
            for a in _subject_actors(s, actors)
        )
    if not args.source and token.dep_ in {"dobj", "obj"} and token.head.pos_ == "VERB":
        # "documented killings of civilians by Russian troops": the "by" phrase, hung on
        # the verb by the parser, names who killed
        head = token.head
        if any(ch.dep_ == "nsubj" for ch in head.children):
            for prep in (ch for ch in head.children if ch.dep_ == "prep" and ch.lower_ == "by"):
                for p in (x for x in prep.children if x.dep_ == "pobj"):
                    args.source.extend(actors.resolve_all(p, agent=True))
    if not args.target:
        args.target.extend(_complement_targets(token, actors, row))
    accused = _accused(token)
    if accused:
        # "blamed Hezbollah for the rocket attack": the one blamed did it, not the blamer
        blamed = [a for o in accused for a in actors.resolve_all(o, agent=True)]
        if blamed:  # over a modifier: "blamed Turkey for the drone strike"
            args.source = blamed
        return args
    verb = _governing_verb(token)
    if verb is not None and (
        verb.lemma_.lower() in c.light_verbs | c.degree_verbs | c.receive or token.dep_ == "pobj"
    ):
        # "launched an attack on X": the verb's subject acts; "X faces sanctions": X undergoes
        receives = verb.lemma_.lower() in c.receive
        if receives or not args.source:
            found = [a for s in _verb_subjects(verb) for a in _subject_actors(s, actors)]
            if not found and token.head.lower_ == "during":
                # "backed X's bid to join the EU during a visit to Y": the clause's subject
                found = clause_subject_actors(verb, actors)
            if receives:
                args.target = found
            else:
                args.source = found
        if not args.target and token.dep_ in {"dobj", "obj"} and not receives:
            # "raised tariffs on Japanese cars", "doubled its aid to Taiwan": the parser
            # often hangs the noun's target on the verb
            for prep in (ch for ch in verb.children if ch.dep_ in {"prep", "dative"}):
                args.target.extend(_prep_objects(prep, actors, row))
        if row.event_type == "CONSULT" and not args.target and token.dep_ == "pobj":
            # "arrived in Amman on a visit": the place visited is the host
            for prep in (
                ch for ch in verb.children if ch.dep_ == "prep" and ch.lower_ in {"in", "to"}
            ):
                for p in (x for x in prep.children if x.dep_ == "pobj"):
                    args.target.extend(actors.resolve_all(p))
    if not args.source and not args.target and token.lemma_.lower() in c.mutual:
        # "A and B reached a deal after two days of talks": the talks were theirs
        adjunct = next(
            (
                a
                for a in list(token.ancestors)[:3]
                if a.lower_ in c.presupposing_preps | c.meeting_preps
            ),
            None,
        )
        if adjunct is not None:
            sides = clause_subject_actors(adjunct, actors)
            if len({a.code for a in sides}) >= 2:
                args.source.extend(sides)
                args.joint = True
    return args


def _accused(noun: Token) -> list[Token]:
    """The objects of "blamed X for <noun>", "accused X of <noun>": who is charged with it."""
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ in {"for", "of"} and head.dep_ == "prep":
        verb = head.head
        if verb.pos_ == "VERB" and verb.lemma_.lower() in cues().allege:
            return [ch for ch in verb.children if ch.dep_ in {"dobj", "obj"}]
    return []


def undergoing_verb(noun: Token) -> Token | None:
    """The verb of "came under fire", "was under attack", "remained under siege": its
    subject undergoes the event the noun names."""
    c = cues()
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ in c.undergo_preps:
        verb = head.head
        if verb.pos_ in {"VERB", "AUX"} and verb.lemma_.lower() in c.undergo_verbs:
            return verb
    if noun.dep_ == "pobj" and head.lower_ == "with":
        verb = head.head  # "the patrol was met with heavy fire from the hills"
        if verb.lemma_.lower() in c.met_with and any(ch.dep_ == "auxpass" for ch in verb.children):
            return verb
    return None


def _verb_subjects(verb: Token) -> list[Token]:
    return [ch for ch in verb.children if ch.dep_ in SUBJECT_DEPS] or _inherited_subjects(verb)


def _governing_verb(noun: Token) -> Token | None:
    """The verb whose subject performs a nominal event: "launched an attack", "on a visit"."""
    if noun.dep_ in {"dobj", "obj"} and noun.head.pos_ in {"VERB", "AUX"}:
        return noun.head
    head = noun.head
    if (
        noun.dep_ == "pobj"
        and head.lower_ in cues().occasion_preps
        and head.head.pos_ == "VERB"
        and (head.lower_ == "during" or head.head.lemma_.lower() not in cues().speech)
    ):  # "said during a visit to X": the speaker is the visitor
        return head.head
    return None


def _adjective_country(token: Token, actors: DocActors) -> list[Actor]:
    """ "Russian airstrikes": the adjective alone names the side, with no sector."""
    kb = actors.spans.get(token.i)
    if kb is None or kb.entry.kind not in {"adjective", "country"}:
        return []
    country, _ = kb.entry.at(actors.date)
    if not country:
        return []
    return [
        Actor(
            text=token.text,
            name=kb.entry.name,
            country=country,
            sector="",
            start=token.idx,
            end=token.idx + len(token.text),
        )
    ]


def drop_self(args: Args) -> None:
    """A side that is also the other side (same mention, or the same code as in "Moscow
    warned that Moscow would respond") is not a dyad."""
    spans = {(a.start, a.end) for a in args.source}
    codes = {a.code for a in args.source if a.code}
    args.target = [a for a in args.target if (a.start, a.end) not in spans and a.code not in codes]
    args.source = _unique(args.source)
    args.target = _unique(args.target)


def _unique(actors: list[Actor]) -> list[Actor]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for a in actors:
        key = (a.start, a.end, a.country)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out

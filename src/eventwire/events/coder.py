"""Code events from a parsed document: trigger -> type, parse -> sides, context -> status.

Rules are kept small and general; the words live in ``data/triggers.tsv`` and
``data/cues.yaml``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from importlib import resources

import yaml
from spacy.tokens import Doc, Span, Token

from .. import ontology
from ..actors.resolve import DocActors
from ..models import Actor, Event, Evidence
from .dates import ResolvedDate, resolve
from .triggers import Lexicon, Trigger

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
_GRIEVANCE_PREPS = frozenset({"against", "over", "about", "at"})
_GRIEVANCE_TYPES = frozenset({"ACCUSE", "PROTEST", "REJECT", "THREATEN"})
#: Types where "A and B <verb>" with no target means they acted on each other.
JOINT_TYPES = frozenset({"AGREE", "CONSULT", "COOPERATE"})


@dataclass(slots=True, frozen=True)
class Cues:
    """Words that change how an event is presented (status, attribution, roles)."""

    speech: frozenset[str]
    intent: frozenset[str]
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


@functools.cache
def cues() -> Cues:
    path = resources.files("eventwire.events") / "data" / "cues.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, words in data.items():
        bad = [w for w in words if not isinstance(w, str)]
        if bad:
            raise ValueError(f"cues.yaml: {key} has non-word entries {bad}; quote them")
    return Cues(**{k: frozenset(v) for k, v in data.items()})


@dataclass(slots=True)
class Args:
    source: list[Actor] = field(default_factory=list)
    target: list[Actor] = field(default_factory=list)
    source_tokens: list[Token] = field(default_factory=list)
    joint: bool = False


def code_doc(
    doc: Doc, actors: DocActors, lexicon: Lexicon, doc_id: str, published: str | None
) -> list[Event]:
    """All events in one parsed document."""
    events: list[Event] = []
    for sent in doc.sents:
        events.extend(_code_sentence(sent, actors, lexicon, doc_id, published))
    return events


def _code_sentence(
    sent: Span, actors: DocActors, lexicon: Lexicon, doc_id: str, published: str | None
) -> list[Event]:
    fired: dict[int, Trigger] = {}
    for token in sent:
        row = lexicon.match(token) or _must_request(token)
        if row is not None:
            fired[token.i] = row
    out: list[Event] = []
    seen: set[tuple[str, tuple[str, ...], tuple[str, ...]]] = set()
    for i, row in fired.items():
        token = sent.doc[i]
        if _governed_by_trigger(token, fired):
            continue  # "imposed sanctions on X": the verb's event already says it
        args = (
            _verb_args(token, actors, row)
            if token.pos_ in {"VERB", "ADJ"}
            else _noun_args(token, actors, row)
        )
        _drop_self(args)
        status, attribution = _status(token, actors)
        _make_joint(token, row, args, status)
        if not args.source and not args.target:
            continue
        key = (
            row.event_type,
            tuple(sorted(a.code for a in args.source)),
            tuple(sorted(a.code for a in args.target)),
        )
        if key in seen:
            continue
        seen.add(key)
        out.append(_build(token, row, args, sent, doc_id, published, status, attribution))
    return out


_MUST = Trigger("must", "VERB", (), "REQUEST", "", "", "100", "X said Y must/should ...")


def _must_request(token: Token) -> Trigger | None:
    """ "X said China must drop barriers": a demand on China, in the form of a statement."""
    c = cues()
    if token.pos_ != "VERB" or token.lemma_.lower() not in c.speech | c.demand_speech:
        return None
    for clause in (ch for ch in token.children if ch.dep_ == "ccomp"):
        if any(a.dep_ == "aux" and a.lower_ in c.must_aux for a in clause.children):
            return _MUST
    return None


def _make_joint(token: Token, row: Trigger, args: Args, status: str) -> None:
    """ "A and B signed", "A met B": mutual events act both ways (PLOVER's SRC/TAR)."""
    c = cues()
    lemma = token.lemma_.lower()
    if (
        (row.event_type in JOINT_TYPES or lemma in c.symmetric)
        and not args.target
        and len({a.country or a.text for a in args.source}) > 1
    ):
        args.target = list(args.source)
        args.joint = True
    elif (
        lemma in c.mutual
        and status == "asserted"  # "offered to meet X" commits only the one who offers
        and any(a.country for a in args.source)
        and any(a.country for a in args.target)
    ):
        both = _unique(args.source + args.target)
        args.source, args.target, args.joint = both, list(both), True


def _governed_by_trigger(token: Token, fired: dict[int, Trigger]) -> bool:
    if token.pos_ == "VERB":
        return False
    head = token.head
    if token.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    return head.i in fired and head.i != token.i and token.dep_ in {"dobj", "pobj"}


# -- arguments ---------------------------------------------------------------
def _verb_args(token: Token, actors: DocActors, row: Trigger) -> Args:
    c = cues()
    args = Args()
    passive = any(ch.dep_ in {"nsubjpass", "auxpass"} for ch in token.children)
    subjects = [ch for ch in token.children if ch.dep_ in SUBJECT_DEPS]
    if not subjects and not passive:
        subjects = _inherited_subjects(token)
    if passive and token.lemma_.lower() in c.stative_passive:
        # "Israel is opposed to X": a passive in form, an act of the subject in meaning
        subjects = [ch for ch in token.children if ch.dep_ == "nsubjpass"]
        passive = False
    for s in subjects:
        args.source.extend(_subject_actors(s, actors))
        args.source_tokens.append(s)
    if passive:
        for ch in token.children:
            if ch.dep_ == "nsubjpass":
                args.target.extend(actors.resolve_all(ch))
            elif ch.dep_ == "agent":
                for p in ch.children:
                    if p.dep_ == "pobj":
                        args.source.extend(actors.resolve_all(p, agent=True))
    objects = []
    grievance: list[Actor] = []
    for ch in token.children:
        if ch.dep_ in {"dobj", "dative", "obj"}:
            found = actors.resolve_all(ch)
            args.target.extend(found)
            if not found:
                objects.append(ch)
                args.target.extend(_prep_targets(ch, actors, row))
        elif ch.dep_ == "prep":
            found = _prep_objects(ch, actors, row)
            if found and ch.lower_ in _GRIEVANCE_PREPS and row.event_type in _GRIEVANCE_TYPES:
                grievance.extend(found)
            args.target.extend(found)
    if grievance:  # "complained to the UN over Israeli raids": Israel, not the UN
        args.target = grievance
    if not args.target and row.event_type != "CONSULT":  # "discussed X's plan": X is a topic
        # "rejected an Indian proposal", "condemned Israel's raids": the owner is the target
        for obj in objects:
            args.target.extend(_inner_actors(obj, actors, places=False))
    if not args.target:
        args.target.extend(_complement_targets(token, actors, row))
    if not args.target and row.event_type == "THREATEN":
        args.target.extend(_condition_subjects(token, actors))
    if token.lemma_.lower() in c.receive:
        args.source, args.target = args.target, args.source
    return args


def _modifier_actors(mod: Token, actors: DocActors) -> list[Actor]:
    """The side a noun modifier names: "Russia's", "Indian", "U.N.", "police" (not "military")."""
    if mod.dep_ == "poss":
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
    token: Token, actors: DocActors, row: Trigger, depth: int = 0
) -> list[Actor]:
    """Targets inside a complement clause.

    "threatened to shell Iraqi towns" -> the towns' side; "demanded that China drop" -> China;
    "willing to send troops to help defend Saudi Arabia" -> Saudi Arabia.
    """
    out: list[Actor] = []
    for ch in token.children:
        if ch.dep_ in {"ccomp", "acl"} and ch.pos_ in {"VERB", "AUX"}:
            for sub in ch.children:
                if sub.dep_ in SUBJECT_DEPS | {"nsubjpass"}:
                    out.extend(actors.resolve_all(sub, agent=True))
        elif ch.dep_ in {"xcomp", "advcl"} and ch.pos_ in {"VERB", "AUX"}:
            for sub in ch.children:
                if sub.dep_ in {"dobj", "dative", "obj"}:
                    out.extend(
                        actors.resolve_all(sub)
                        or _prep_targets(sub, actors, row)
                        or _inner_actors(sub, actors, places=False)
                    )
                elif sub.dep_ == "prep":
                    out.extend(_prep_objects(sub, actors, row))
            if not out and depth < 2:
                out.extend(_complement_targets(ch, actors, row, depth + 1))
    return out


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


def _subject_actors(subject: Token, actors: DocActors) -> list[Actor]:
    """Actors of a subject; "it"/"they" after "X said" is X ("Nigeria said it will ...")."""
    found = actors.resolve_all(subject, agent=True)
    if found or subject.lower_ not in {"it", "they", "we"}:
        return found
    verb = subject.head
    for _ in range(4):
        if verb.dep_ not in {"ccomp", "xcomp", "conj", "advcl"} or verb.head is verb:
            break
        verb = verb.head
        for sub in verb.children:
            if sub.dep_ in SUBJECT_DEPS and sub.lower_ not in {"it", "they", "we"}:
                return actors.resolve_all(sub, agent=True)
    return []


def _inherited_subjects(token: Token) -> list[Token]:
    """Subjects a verb shares with its head: "agreed to withdraw", "met and signed"."""
    c = cues()
    head = token.head
    if token.dep_ == "relcl" and head.pos_ in {"NOUN", "PROPN", "PRON"}:
        return [head]
    if token.dep_ == "acomp":  # "Norway is willing to ...": the copula's subject
        return [ch for ch in head.children if ch.dep_ in SUBJECT_DEPS]
    if token.dep_ in {"xcomp", "conj", "advcl"} and head.pos_ in {"VERB", "AUX"}:
        if token.dep_ == "xcomp" and head.lemma_.lower() in c.object_control:
            objs = [ch for ch in head.children if ch.dep_ in {"dobj", "obj"}]
            if objs:
                return objs
            for prep in (ch for ch in head.children if ch.dep_ == "prep" and ch.lower_ == "on"):
                return [p for p in prep.children if p.dep_ == "pobj"]
        subs = [ch for ch in head.children if ch.dep_ in SUBJECT_DEPS]
        return subs or _inherited_subjects(head)
    if token.dep_ == "pcomp" and head.dep_ == "prep":
        verb = head.head
        if verb.lemma_.lower() in c.allege:  # "accused X of providing": X did it
            return [ch for ch in verb.children if ch.dep_ in {"dobj", "obj"}]
        return [ch for ch in verb.children if ch.dep_ in SUBJECT_DEPS]
    return []


def _prep_objects(prep: Token, actors: DocActors, row: Trigger) -> list[Actor]:
    """Actors named after a target preposition: "attacked positions in Syria's Idlib"."""
    if prep.lower_ not in cues().target_preps:
        return []
    out: list[Actor] = []
    for p in prep.children:
        if p.dep_ == "pobj":
            out.extend(actors.resolve_all(p) or _inner_actors(p, actors))
    return out


_INNER_PREPS = frozenset({"of", "in", "between", "near", "by"})


def _inner_actors(
    noun: Token, actors: DocActors, depth: int = 0, places: bool = True
) -> list[Actor]:
    """The side behind a non-actor noun: "a Senegalese plan", "sanctions against X",
    "a post in Syria's Idlib province", "the Kyiv region" (its country)."""
    out: list[Actor] = []
    for ch in noun.children:
        if ch.dep_ in {"poss", "compound", "nmod", "amod"}:
            out.extend(_modifier_actors(ch, actors))
    if out or any(ch.dep_ == "poss" for ch in noun.children):
        # "the US-led war against Iraq": the owner; "its invasion of Ukraine": an unknown
        # owner, and Ukraine is not it
        return out
    is_place = places and noun.lemma_.lower() in cues().place_nouns
    for ch in noun.children:
        if ch.dep_ != "prep" or (not is_place and ch.lower_ in {"in", "near"}):
            continue  # "signed a deal in Beijing", "for use in Ukraine": where, not whom
        if ch.lower_ in cues().target_preps | _INNER_PREPS:
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


def _noun_args(token: Token, actors: DocActors, row: Trigger) -> Args:
    c = cues()
    args = Args()
    for ch in token.children:
        if ch.dep_ in {"poss", "amod", "compound", "nmod"}:
            args.source.extend(_modifier_actors(ch, actors))
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
            else:
                args.target.extend(_prep_objects(ch, actors, row))
    if not args.target:
        args.target.extend(_complement_targets(token, actors, row))
    verb = _governing_verb(token)
    if verb is not None and (
        verb.lemma_.lower() in c.light_verbs | c.receive or token.dep_ == "pobj"
    ):
        # "launched an attack on X": the verb's subject acts; "X faces sanctions": X undergoes
        receives = verb.lemma_.lower() in c.receive
        if receives or not args.source:
            subjects = [ch for ch in verb.children if ch.dep_ in SUBJECT_DEPS]
            found = [
                a for s in subjects or _inherited_subjects(verb) for a in _subject_actors(s, actors)
            ]
            if receives:
                args.target = found
            else:
                args.source = found
        if row.event_type == "CONSULT" and not args.target and token.dep_ == "pobj":
            # "arrived in Amman on a visit": the place visited is the host
            for prep in (
                ch for ch in verb.children if ch.dep_ == "prep" and ch.lower_ in {"in", "to"}
            ):
                for p in (x for x in prep.children if x.dep_ == "pobj"):
                    args.target.extend(actors.resolve_all(p))
    return args


def _governing_verb(noun: Token) -> Token | None:
    """The verb whose subject performs a nominal event: "launched an attack", "on a visit"."""
    if noun.dep_ in {"dobj", "obj"} and noun.head.pos_ in {"VERB", "AUX"}:
        return noun.head
    head = noun.head
    if (
        noun.dep_ == "pobj"
        and head.lower_ in {"on", "in", "for", "during"}
        and head.head.pos_ == "VERB"
        and head.head.lemma_.lower() not in cues().speech
    ):
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


def _drop_self(args: Args) -> None:
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


# -- status, attribution, date ------------------------------------------------
_CLIMB = frozenset({"xcomp", "ccomp", "pcomp", "pobj", "dobj", "advcl", "conj", "relcl", "acl"})


def _own_status(token: Token) -> str:
    """What the trigger's own words say: "did not", "if", "may", "will", "alleged"."""
    c = cues()
    kids = list(token.children)
    if any(ch.dep_ == "neg" for ch in kids):
        return "negated"
    if any(ch.dep_ == "mark" and ch.lower_ in {"if", "unless"} for ch in kids):
        return "hypothetical"
    if any(ch.dep_ == "aux" and ch.lower_ in c.hypothetical_aux for ch in kids):
        return "hypothetical"
    if any(ch.dep_ == "aux" and ch.lower_ in c.intent_aux for ch in kids):
        # "a deal in which X would provide": a conditional, not a stated plan
        return "hypothetical" if token.dep_ in {"relcl", "advcl", "acl"} else "intended"
    if token.pos_ != "VERB":
        mods = {ch.lower_ for ch in kids if ch.dep_ in {"amod", "compound"}}
        if mods & c.noun_modifiers_alleged:
            return "alleged"
        if mods & c.noun_modifiers_hypothetical:
            return "hypothetical"
    return "asserted"


def _status(token: Token, actors: DocActors) -> tuple[str, Actor | None]:
    """Status from the trigger and the clauses above it; attribution from reporting verbs."""
    c = cues()
    status = _own_status(token)
    attribution: Actor | None = None
    t = token
    for _ in range(6):
        if t.dep_ not in _CLIMB:
            break
        head = t.head.head if t.dep_ in {"pcomp", "pobj"} and t.head.dep_ == "prep" else t.head
        if head is t:
            break
        if t.dep_ in {"relcl", "acl"}:
            # "a possible deal in which X would provide Y"
            if status == "asserted":
                inherited = _own_status(head)
                if inherited == "hypothetical" or (
                    inherited == "intended" and t.dep_ in {"dobj", "xcomp", "pcomp"}
                ):
                    status = inherited  # "would tighten the blockade", "may halt mediation"
            t = head
            continue
        if head.pos_ not in {"VERB", "NOUN", "AUX", "ADJ"}:
            break
        lemma = head.lemma_.lower()
        if t.dep_ != "conj":
            if lemma in c.refuse and status in {"asserted", "intended"}:
                # "refused to lift" did not happen; "would not refuse to develop" is a plan
                status = "intended" if _own_status(head) == "negated" else "negated"
            elif lemma in c.deny and status == "asserted":
                status = "denied"
            elif lemma in c.allege and status == "asserted":
                status = "alleged"
                attribution = attribution or _speaker(head, actors)
            elif lemma in c.intent and status == "asserted" and t.dep_ in {"xcomp", "dobj"}:
                status = "intended"
            elif lemma in c.speech:
                attribution = attribution or _speaker(head, actors)
            if status == "asserted":
                inherited = _own_status(head)
                if inherited == "hypothetical" or (
                    inherited == "intended" and t.dep_ in {"dobj", "xcomp", "pcomp"}
                ):
                    status = inherited  # "would tighten the blockade", "may halt mediation"
        t = head
    return status, attribution


def _speaker(verb: Token, actors: DocActors) -> Actor | None:
    for ch in verb.children:
        if ch.dep_ in SUBJECT_DEPS:
            found = actors.resolve_all(ch)
            if found:
                return found[0]
    return None


def _event_date(token: Token, sent: Span, published: str | None) -> tuple[ResolvedDate | None, str]:
    """The date phrase nearest the trigger in the parse, else the article date.

    With several dates in a sentence, one is used only when it is strictly nearer the
    trigger than every other ("met on Monday after talks last week").
    """
    found: list[tuple[int, ResolvedDate, str]] = []
    for ent in sent.ents:
        if ent.label_ != "DATE":
            continue
        resolved = resolve(ent.text, published)
        if resolved is not None:  # durations ("24 years") are not dates
            found.append((_tree_distance(ent.root, token), resolved, ent.text))
    if not found:
        return None, ""
    found.sort(key=lambda x: x[0])
    if len(found) > 1 and found[0][0] == found[1][0]:
        return None, ""
    return found[0][1], found[0][2]


def _tree_distance(a: Token, b: Token) -> int:
    """Edges between two tokens through their lowest common ancestor."""
    up_b = {t.i: n for n, t in enumerate([b, *b.ancestors])}
    for n, t in enumerate([a, *a.ancestors]):
        if t.i in up_b:
            return n + up_b[t.i]
    return 99


#: PLOVER codes a stated intention as the promise itself: a promise to cooperate is AGREE,
#: a promise of conflict is THREATEN (with the CAMEO 03x / 13x code for what is promised).
INTENT_AS = {
    "AGREE": ("AGREE", "030"),
    "CONSULT": ("AGREE", "036"),
    "SUPPORT": ("AGREE", "032"),
    "COOPERATE": ("AGREE", "031"),
    "AID": ("AGREE", "033"),
    "CONCEDE": ("AGREE", "035"),
    "RETREAT": ("AGREE", "0356"),
    "SANCTION": ("THREATEN", "1312"),
    "COERCE": ("THREATEN", "137"),
    "ASSAULT": ("THREATEN", "138"),
    "MOBILIZE": ("THREATEN", "138"),
    "PROTEST": ("THREATEN", "133"),
}


def _has_condition(token: Token, word: str) -> bool:
    return any(
        t.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == word for m in t.children)
        for t in token.subtree
    )


def _as_intention(row: Trigger) -> Trigger:
    etype, cameo = INTENT_AS.get(row.event_type, (row.event_type, row.cameo))
    if etype == row.event_type:
        return row
    return Trigger(
        row.lemma,
        row.pos,
        row.requires,
        etype,
        "",
        row.context,
        cameo,
        f"intention to {row.event_type}",
    )


def _build(
    token: Token,
    row: Trigger,
    args: Args,
    sent: Span,
    doc_id: str,
    published: str | None,
    status: str,
    attribution: Actor | None,
) -> Event:
    if status == "intended":
        row = _as_intention(row)
        if _has_condition(token, "unless") and row.event_type != "THREATEN":
            # "will withdraw its force unless X acts": a conditional penalty is a threat
            row = Trigger(
                row.lemma,
                row.pos,
                row.requires,
                "THREATEN",
                "",
                row.context,
                "130",
                "conditional penalty",
            )
    resolved, date_text = _event_date(token, sent, published)
    date, precision = (resolved.date, resolved.precision) if resolved else (published, "")
    if (
        resolved
        and published
        and resolved.date < _years_before(published, 1)
        and status == "asserted"
    ):
        status = "historical"
    try:
        cameo = ontology.cameo(row.cameo)
        quad, goldstein = cameo.quad_class, cameo.goldstein
        contexts = (
            [row.context] if row.context else [c for c in cameo.plover_context.split("; ") if c]
        )
    except KeyError:
        quad, goldstein, contexts = 0, 0.0, [row.context] if row.context else []
    text = sent.text.rstrip()
    evidence = Evidence(
        text=text,
        start=sent.start_char,
        end=sent.start_char + len(text),
        trigger=token.text,
        trigger_start=token.idx,
        trigger_end=token.idx + len(token.text),
    )
    return Event(
        doc_id=doc_id,
        event_type=row.event_type,
        cameo=row.cameo,
        source=args.source,
        target=args.target,
        evidence=evidence,
        date=date,
        date_text=date_text,
        date_precision=precision,
        mode=row.mode,
        contexts=contexts,
        quad_class=quad,
        goldstein=goldstein,
        status=status,
        attribution=attribution,
        confidence=_confidence(token, row, args, status),
    )


def _years_before(iso: str, years: int) -> str:
    d = dt.date.fromisoformat(iso)
    return d.replace(year=d.year - years, day=min(d.day, 28)).isoformat()


def _confidence(token: Token, row: Trigger, args: Args, status: str) -> float:
    """How sure the coder is: lower when a side is missing or unplaced, or the cue is weak."""
    score = 0.9
    if not args.source:
        score -= 0.3
    elif not any(a.country for a in args.source):
        score -= 0.2
    if not args.target:
        score -= 0.15
    elif not any(a.country for a in args.target):
        score -= 0.1
    if token.pos_ != "VERB":
        score -= 0.05
    if not row.requires and token.pos_ != "VERB":
        score -= 0.05
    if status not in {"asserted", "historical"}:
        score -= 0.05
    if any(a.text.lower() in {"he", "she", "him", "his", "her"} for a in args.source + args.target):
        score -= 0.1
    return max(0.05, min(0.99, score))

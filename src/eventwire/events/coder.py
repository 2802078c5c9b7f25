"""Code events from a parsed document: trigger -> type, parse -> sides, context -> status.

Rules are kept small and general; the words live in ``data/triggers.tsv`` and
``data/cues.yaml``. Sides come from ``arguments``, status from ``status``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from .. import ontology
from ..actors.resolve import DocActors
from ..models import Actor, Event, Evidence, Location
from . import places
from .arguments import Args, drop_self, make_joint, noun_args, verb_args
from .cues import cues
from .dates import ResolvedDate, resolve
from .status import event_status, has_condition
from .triggers import Lexicon, Trigger


def code_doc(
    doc: Doc, actors: DocActors, lexicon: Lexicon, doc_id: str, published: str | None
) -> list[Event]:
    """All events in one parsed document."""
    events: list[Event] = []
    for sent in doc.sents:
        events.extend(_code_sentence(sent, actors, lexicon, doc_id, published))
    _answer_the_accuser(events, doc)
    return events


#: Responses aimed at whoever made the charge: "X denied the allegations", "rejected the
#: report", "dismissed the comments".
_RESPONSE_TYPES = frozenset({"REJECT", "ACCUSE"})
_RESPONSE_WORDS = ("deni", "deny", "dismiss", "reject", "refut", "rebuff", "oppos", "call")
_THREAT_WORDS = ("warn", "threat", "vow", "respond", "retaliat", "react", "aveng", "punish")
_CHARGING_TYPES = frozenset(
    {"ACCUSE", "THREATEN", "REQUEST", "SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "REJECT"}
)


def _answer_the_accuser(events: list[Event], doc: Doc) -> None:
    """A denial or rejection with no placed target answers the last earlier event aimed at
    the one who denies ("India accused Pakistan of X. Islamabad denied any involvement")."""
    for i, ev in enumerate(events):
        if ev.event_type not in _RESPONSE_TYPES | {"THREATEN"} or any(a.country for a in ev.target):
            continue
        word = ev.evidence.trigger.lower()
        if not word.startswith(_THREAT_WORDS if ev.event_type == "THREATEN" else _RESPONSE_WORDS):
            continue  # a threat with no one named answers whoever acted against its maker
        mine = {a.country for a in ev.source if a.country}
        if not mine:
            continue
        earlier = [e for e in events[:i] if e.evidence.start < ev.evidence.start]
        maker = _charge_against(earlier, mine) or _maker_of_what_is_answered(ev, earlier, doc, mine)
        if maker:
            ev.target = [replace(a, start=-1, end=-1) for a in maker]
            ev.confidence = max(0.05, ev.confidence - 0.15)  # inferred across sentences
            ev.id = ev.make_id()


def _charge_against(earlier: list[Event], mine: set[str]) -> list[Actor]:
    """The sources of the last earlier event aimed at ``mine``."""
    for e in reversed(earlier):
        if e.event_type in _CHARGING_TYPES and mine & {a.country for a in e.target}:
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
        wanted = {"ACCUSE", "THREATEN", "REQUEST"}  # a claim, report or comments
    elif objects & c.act_nouns:
        wanted = {"SANCTION", "COERCE", "MOBILIZE", "ASSAULT", "RETREAT"}
    else:
        return []
    for e in reversed(earlier):
        makers = [a for a in e.source if a.country and a.country not in mine]
        if makers and e.event_type in wanted and e.status in {"asserted", "alleged"}:
            return makers
    return []


def _code_sentence(
    sent: Span, actors: DocActors, lexicon: Lexicon, doc_id: str, published: str | None
) -> list[Event]:
    fired: dict[int, Trigger] = {}
    for token in sent:
        row = lexicon.match(token) or _statement_event(token)
        if row is not None:
            fired[token.i] = row
    out: list[Event] = []
    seen: set[tuple[str, tuple[str, ...], tuple[str, ...]]] = set()
    for i, row in fired.items():
        token = sent.doc[i]
        if _governed_by_trigger(token, fired):
            continue  # "imposed sanctions on X": the verb's event already says it
        args = (
            verb_args(token, actors, row)
            if token.pos_ in {"VERB", "ADJ"}
            else noun_args(token, actors, row)
        )
        drop_self(args)
        row = _aid_by_purpose(token, row, args)
        status, attribution = event_status(token, actors)
        make_joint(token, row, args, status)
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
        if (
            status == "asserted"
            and attribution is not None
            and attribution.country
            and attribution.country not in {a.country for a in args.source}
            and not (
                row.event_type in _COOPERATIVE
                and attribution.country in {a.country for a in args.target}
            )
        ):
            # "US officials said North Korea shipped shells": a third party's claim, and
            # "Chile said Bolivia attacked" one side's charge; but "Cambodian officials said
            # China provided vehicles": the receiver of a favour confirms it
            status = "alleged"
        location = _event_location(token, sent)
        if (
            not any(a.country for a in args.target)
            and location
            and row.event_type in _LOCATIVE_TYPES
            and location.distance <= _NEAR_ENOUGH
            and location.country not in {a.country for a in args.source}
        ):
            # "lifted the curfew in Montenegro", "reimposed blockades in the West Bank";
            # "killed civilians in Bucha": the civilians of the place where it happened
            args.indirect = True
            args.target = [replace(a, country=location.country) for a in args.target] or [
                Actor(text=location.text, name=location.text, country=location.country)
            ]
        derived: Trigger | None = None
        if status == "negated" and _own_intent(token) and row.event_type in _COOPERATIVE:
            # "said it would not meet the demands": a refusal that was made (REJECT)
            derived = _retyped(row, "REJECT", "120", "refused to " + row.event_type.lower())
        elif status == "intended":
            # the promise or threat is itself an event that happened (AGREE/THREATEN), and
            # the act promised is kept apart with status "intended"
            commitment = _as_commitment(token, row)
            derived = commitment if commitment is not row else None
        if derived is not None and (derived.event_type, key[1], key[2]) not in seen:
            seen.add((derived.event_type, key[1], key[2]))
            out.append(
                _build(
                    token, derived, args, sent, doc_id, published, "asserted", attribution, location
                )
            )
        out.append(_build(token, row, args, sent, doc_id, published, status, attribution, location))
    return out


_MUST = Trigger("must", "VERB", (), "REQUEST", "", "", "100", "X said Y must/should ...")


_RETALIATION = Trigger(
    "respond", "VERB", (), "THREATEN", "", "", "130", "X would respond / vowed to retaliate"
)


def _own_intent(token: Token) -> bool:
    """ "would respond", "will retaliate", "vowed to retaliate", "threatened to hit back"."""
    c = cues()
    if any(ch.dep_ == "aux" and ch.lower_ in c.intent_aux for ch in token.children):
        return True
    return token.dep_ == "xcomp" and token.head.lemma_.lower() in c.intent


_DISMISSAL = Trigger("call", "VERB", (), "REJECT", "", "", "120", "X called the claim baseless")
_CRITICISM = Trigger(
    "say",
    "VERB",
    (),
    "ACCUSE",
    "disapprove",
    "",
    "111",
    "X said Y's visit showed desperation / called the move illegal",
)


def _aid_by_purpose(token: Token, row: Trigger, args: Args) -> Trigger:
    """A deployment is something else by its purpose: troops sent "to support" another
    state are military aid (072), peacekeepers are protection (074), personnel sent "to
    investigate" make an inquiry (090)."""
    if row.event_type != "MOBILIZE":
        return row
    purpose = {ch.lemma_.lower() for ch in token.children if ch.dep_ in {"xcomp", "advcl"}}
    if purpose & cues().purpose_inquiry:
        return _retyped(row, "ACCUSE", "090", "personnel sent to investigate", mode="investigate")
    if any("peacekeep" in a.text.lower() for a in args.source + args.target) or (
        "peacekeep" in token.sent.text.lower() and token.lemma_.lower() in {"deployment", "deploy"}
    ):
        return _retyped(row, "AID", "074", "peacekeepers sent", context="peacekeeping")
    own = {a.country for a in args.source}
    if any(a.country and a.country not in own for a in args.target) and (
        purpose & cues().purpose_aid
    ):
        return _retyped(
            row, "AID", "072", "troops sent to support another state", context="military"
        )
    return row


def _retyped(
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


def _statement_event(token: Token) -> Trigger | None:
    """A statement that is itself an event: "X said China must drop barriers" (a demand on
    China), "X said the visit showed Russia's desperation", "X called the move illegal"
    (criticism). A plain statement is not an event."""
    c = cues()
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB" and lemma in c.threat_verbs and _own_intent(token):
        return _RETALIATION  # "Tehran would respond", "vowed to retaliate"
    if token.pos_ != "VERB" or lemma not in c.speech | c.demand_speech:
        return None
    clauses = [ch for ch in token.children if ch.dep_ in {"ccomp", "oprd", "xcomp", "acomp"}]
    if lemma in c.naming_verbs:
        # "called the ruling a witch hunt", "described the downing as a hostile act"
        clauses += [ch for ch in token.children if ch.dep_ in {"dobj", "prep", "attr"}]
    for clause in clauses:
        if clause.dep_ == "ccomp" and any(
            a.dep_ == "aux" and a.lower_ in c.must_aux for a in clause.children
        ):
            return _MUST
    for clause in clauses:
        if any(t.lemma_.lower() in c.disapproval for t in clause.subtree):
            objects = {ch.lemma_.lower() for ch in token.children if ch.dep_ in {"dobj", "obj"}}
            # "called the claim groundless rumours" rejects the claim; otherwise a criticism
            return _DISMISSAL if objects & c.claim_nouns else _CRITICISM
    return None


def _governed_by_trigger(token: Token, fired: dict[int, Trigger]) -> bool:
    """ "imposed sanctions on X", "called for talks": the noun is part of the verb's event.
    A noun after "after", "during" or "before" is an event of its own ("thanked Japan after
    Kishida's visit")."""
    if token.pos_ == "VERB":
        return False
    head = token.head
    if token.dep_ == "pobj" and head.dep_ == "prep":
        verb = head.head
        if head.lower_ == "in" and verb.i in fired and token.i in fired:
            # "were killed ... in an attack claimed by X": one event, told twice
            return fired[verb.i].event_type == fired[token.i].event_type
        if head.lower_ not in cues().target_preps | {"of", "for"}:
            return False
        head = verb
    if (
        token.dep_ in {"dobj", "obj"}
        and head.i in fired
        and token.i in fired
        and fired[token.i].event_type == "REQUEST"
        and fired[head.i].event_type != "REQUEST"
        and any(ch.dep_ == "prep" and ch.lower_ in {"from", "by"} for ch in token.children)
    ):
        return False  # "rejected demands from the EU": the EU's demand is an event too
    return head.i in fired and head.i != token.i and token.dep_ in {"dobj", "pobj"}


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


_COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
#: Acts done to a place: with no other target, the place's country is the target.
_LOCATIVE_TYPES = frozenset(
    {"CONCEDE", "COERCE", "SANCTION", "MOBILIZE", "ASSAULT", "AID", "RETREAT", "ACCUSE"}
)
_NEAR_ENOUGH = 4  # edges in the parse between an act and a place that can be its target
_WHERE = frozenset({"in", "at", "near", "outside", "inside", "across", "around", "into", "on"})


def _event_location(token: Token, sent: Span) -> Location | None:
    """Where: the nearest place named after "in", "at", "near"... in the sentence.
    Coordinates come from the offline gazetteer."""
    best: tuple[int, Location] | None = None
    for ent in sent.ents:
        if ent.label_ not in {"GPE", "LOC", "FAC"} and not _mistagged_city(ent):
            continue
        node = ent.root
        if node.dep_ in {"compound", "poss"} and node.head.dep_ == "pobj":
            node = node.head  # "in Montenegro province", "in Syria's Idlib province"
        prep = node.head
        if node.dep_ != "pobj" or prep.lower_ not in _WHERE:
            continue
        place = places.lookup(ent.text) or _place_without_kind(ent)
        if place is None:
            continue
        distance = _tree_distance(node, token)
        if best is None or distance < best[0]:
            best = (distance, Location(ent.text, place.country, place.lat, place.lon))
    if best is not None:
        best[1].distance = best[0]  # how far in the parse: near places are safer targets
    # No sentence place: left empty. The dateline says where the story was filed, which is
    # often not where the event happened.
    return best[1] if best is not None else None


def _mistagged_city(ent: Span) -> bool:
    """ "in Bucha" tagged as an organisation: one word after a place preposition that the
    gazetteer knows as a city."""
    if len(ent) != 1 or ent.label_ not in {"ORG", "PERSON", "NORP"}:
        return False
    node = ent.root
    if node.dep_ != "pobj" or node.head.lower_ not in _WHERE:
        return False
    place = places.lookup(ent.text)
    return place is not None and place.kind == "city"


def _place_without_kind(ent: Span) -> places.Place | None:
    """ "Montenegro province", "Idlib governorate": the named place without its kind."""
    words = ent.text.split()
    while len(words) > 1 and words[-1].lower() in cues().place_nouns:
        words.pop()
        found = places.lookup(" ".join(words))
        if found is not None:
            return found
    return None


def _past_war(token: Token, sent: Span) -> Span | None:
    """A named past war the trigger's clause is set in ("during World War Two")."""
    for ent in sent.ents:
        if (
            ent.label_ == "EVENT"
            and "war" in ent.text.lower()
            and not ent.text.lower().startswith(("cold war-style", "the war in"))
        ):
            clause = next(
                (a for a in ent.root.ancestors if a == token or a.pos_ in {"VERB", "AUX"}), None
            )
            if clause == token:
                return ent  # the war phrase belongs to this event's own clause
    return None


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


def _as_commitment(token: Token, row: Trigger) -> Trigger:
    """The promise or threat an intention makes: AGREE for cooperation, THREATEN for
    conflict; "will withdraw its force unless X acts" is a threat whatever is promised."""
    commitment = _as_intention(row)
    if has_condition(token, "unless") and commitment.event_type != "THREATEN":
        return _retyped(row, "THREATEN", "130", "conditional penalty")
    return commitment


def _as_intention(row: Trigger) -> Trigger:
    etype, cameo = INTENT_AS.get(row.event_type, (row.event_type, row.cameo))
    if etype == row.event_type:
        return row
    return _retyped(row, etype, cameo, f"intention to {row.event_type}")


def _build(
    token: Token,
    row: Trigger,
    args: Args,
    sent: Span,
    doc_id: str,
    published: str | None,
    status: str,
    attribution: Actor | None,
    location: Location | None = None,
) -> Event:
    resolved, date_text = _event_date(token, sent, published)
    date, precision = (resolved.date, resolved.precision) if resolved else (published, "")
    past_war = None if resolved else _past_war(token, sent)
    if past_war is not None and status in {"asserted", "alleged"}:
        # "Soviet forces fighting Japanese forces at the end of World War II": not this year's
        status, date, date_text, precision = "historical", None, past_war.text, ""
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
        location=location,
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
    if args.indirect:
        score -= 0.1  # the target came from an owner, a clause, a condition or a place
    if row.lemma in _STATEMENT_LEMMAS or row.note.startswith("intention"):
        score -= 0.1  # a statement read as an event, or a promise read from "will"
    if not any(a.sector for a in args.source) and not args.joint:
        score -= 0.05  # a bare nationality ("Swiss doctors") or a state with no office named
    return max(0.05, min(0.99, score))


_STATEMENT_LEMMAS = frozenset({"must", "say", "call", "respond"})

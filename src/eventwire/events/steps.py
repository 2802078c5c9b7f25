"""The coder's named steps. Each takes one ``Candidate``, decides one thing, and says
why (``Candidate.decide``); ``coder.STEPS`` lists them in the order they run.

A step may drop the candidate (it is then no event) or derive another event the
same words state (a promise beside what is promised), which runs through the
steps after the one that made it.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from .. import ontology
from ..geo import places
from ..models import Actor
from . import recode
from .arguments import Args, drop_self, make_joint, noun_args, undergoing_verb, verb_args
from .candidate import Candidate, Decision
from .cues import cues
from .setting import NEAR_ENOUGH, event_date, event_location, past_war, years_before
from .status import event_status, has_condition
from .triggers import Trigger


def governed(c: Candidate) -> None:
    """Drop a noun that is part of its verb's event: "imposed sanctions on X" is one
    event, told by the verb. A noun after "after", "during" or "before" is an event of
    its own ("thanked Japan after Kishida's visit")."""
    verb = _governing_trigger(c.token, c.sentence.fired)
    if verb is not None:
        c.drop("governed", f"part of the event of '{verb.text}'")
    elif _met_with(c.token):
        c.drop("governed", "'was met with' tells a reaction, which its noun names")


def _met_with(token: Token) -> bool:
    """ "The proposal was met with criticism": no meeting."""
    return (
        token.lemma_.lower() in cues().met_with
        and any(ch.dep_ == "auxpass" for ch in token.children)
        and any(ch.dep_ == "prep" and ch.lower_ == "with" for ch in token.children)
    )


def _governing_trigger(token: Token, fired: dict[int, Trigger]) -> Token | None:
    if token.pos_ == "VERB":
        return None
    c = cues()
    head = token.head
    if token.dep_ == "pobj" and head.dep_ == "prep":
        verb = head.head
        if head.lower_ in c.same_event_preps and verb.i in fired and token.i in fired:
            # "were killed ... in an attack claimed by X": one event, told twice
            same = fired[verb.i].event_type == fired[token.i].event_type
            return verb if same else None
        if head.lower_ not in c.target_preps | c.governing_preps:
            return None
        if head.lower_ in {"for", "of"} and verb.lemma_.lower() in c.allege:
            return None  # "blamed X for the attack": the attack is an event of its own
        if undergoing_verb(token) is not None:
            return None  # "was met with heavy fire": the fire is the event
        if head.lower_ in c.meeting_preps and token.lemma_.lower() in c.mutual:
            return None  # "failed to reach a deal at talks": the talks were held
        head = verb
    if (
        token.dep_ in {"dobj", "obj"}
        and head.i in fired
        and token.i in fired
        and fired[token.i].event_type == "REQUEST"
        and fired[head.i].event_type != "REQUEST"
        and any(ch.dep_ == "prep" and ch.lower_ in c.source_preps for ch in token.children)
    ):
        return None  # "rejected demands from the EU": the EU's demand is an event too
    if head.i in fired and head.i != token.i and token.dep_ in {"dobj", "pobj", "nsubjpass"}:
        return head
    return None


def arguments(c: Candidate) -> None:
    """Sides from the dependency parse: subjects, objects, agents, owners, complements."""
    actors = c.sentence.actors
    if c.token.pos_ in {"VERB", "ADJ"}:
        c.args = verb_args(c.token, actors, c.row)
    else:
        c.args = noun_args(c.token, actors, c.row)
    drop_self(c.args)
    c.decide("arguments", "source", _codes(c.args.source), "from the parse")
    c.decide("arguments", "target", _codes(c.args.target), "from the parse")


def purpose(c: Candidate) -> None:
    """A deployment retyped by its purpose: aid, peacekeeping, an inquiry; "under fire"
    with no armed side retyped as criticism."""
    row, why = recode.by_purpose(c.token, c.row, c.args)
    allies = _fought_for(c) if row is c.row else []
    if allies:  # "sent thousands of troops to fight for Russia": military aid to Russia
        why = "troops sent to fight for another state"
        row = recode.retyped(c.row, "AID", "072", why, context="military")
        c.args.target = allies
        c.decide("purpose", "target", _codes(allies), why)
    if row is c.row:
        row, why = recode.figurative_fire(c.token, c.row, c.args)
    if row is not c.row:
        c.row = row
        c.decide("purpose", "event_type", f"{row.event_type} {row.cameo}", why)


def _fought_for(c: Candidate) -> list[Actor]:
    """The side a deployment fights for ("to fight for Russia", "alongside M23")."""
    if c.row.event_type != "MOBILIZE":
        return []
    own = {a.country for a in c.args.source}
    out: list[Actor] = []
    for clause in (ch for ch in c.token.children if ch.dep_ in {"xcomp", "advcl"}):
        if clause.lemma_.lower() not in cues().fighting_words | {"fight", "battle"}:
            continue
        for prep in (ch for ch in clause.children if ch.dep_ == "prep"):
            if prep.lower_ in cues().ally_preps:
                for p in (x for x in prep.children if x.dep_ == "pobj"):
                    out.extend(a for a in c.sentence.actors.resolve_all(p) if a.country not in own)
    return [a for a in out if a.country]


def status(c: Candidate) -> None:
    """How the text presents the event (asserted, alleged, denied, negated, intended,
    hypothetical) and who says so, from the trigger's own words and the clauses above."""
    c.status, c.attribution = event_status(c.token, c.sentence.actors)
    why = "the trigger's words and the clauses above it"
    if c.attribution is not None:
        why += f"; said by '{c.attribution.text}'"
    c.decide("status", "status", c.status, why)


def joint(c: Candidate) -> None:
    """ "A and B signed", "A met B": mutual events act both ways (PLOVER's SRC/TAR)."""
    make_joint(c.token, c.row, c.args, c.status)
    if c.args.joint:
        c.decide("joint", "target", _codes(c.args.target), "a mutual act: each side acts on each")


def accident(c: Candidate) -> None:
    """A crash, a flood, a collapse is no one's attack: "a bus crash killed 20 passengers"
    is dropped unless a doer is named."""
    if c.row.event_type not in cues().agentless_types or any(
        a.country or a.sector for a in c.args.source
    ):
        return
    found = sorted({t.lemma_.lower() for t in c.sentence.span} & cues().accident_words)
    if found:
        c.drop("accident", f"an accident or disaster ('{found[0]}'), not a deliberate act")


def has_sides(c: Candidate) -> None:
    """An event with neither side found is no event -- except a deliberate act of violence
    or coercion told without its doer or victim ("a church was set ablaze", "a bomb went
    off near the market"): it happened, so it is kept with its sides unknown (and a low
    confidence). Only a verb that tells what happened counts: "attacks have increased"
    tells of no one act, and "the detained fishermen" only describes them."""
    if c.args.source or c.args.target:
        return
    told = c.token.pos_ == "VERB" and c.token.dep_ not in {"amod", "compound", "nmod"}
    if c.row.event_type in cues().agentless_types and told:
        c.decide("has_sides", "source", "-", "a deliberate act told without its doer: kept")
        return
    c.drop("has_sides", "no side found")


def unique(c: Candidate) -> None:
    """One event per type and pair of sides in a sentence."""
    c.sides = c.key()
    if c.sides in c.sentence.seen:
        c.drop("unique", "the sentence already has this event")
    c.sentence.seen.add(c.sides)


def third_party(c: Candidate) -> None:
    """A third party's report is a claim: "US officials said North Korea shipped shells"
    (alleged, by the US), "Chile said Bolivia attacked" (one side's charge). The receiver
    of a favour confirms it: "Cambodian officials said China provided vehicles"."""
    said_by = c.attribution
    if c.status != "asserted" or said_by is None or not said_by.country:
        return
    if said_by.country in {a.country for a in c.args.source}:
        return
    if ontology.cooperative(c.row.event_type) and said_by.country in {
        a.country for a in c.args.target
    }:
        return
    c.status = "alleged"
    c.decide("third_party", "status", "alleged", f"reported by '{said_by.text}', not a side")
    _charge(c, said_by)


def _charge(c: Candidate, said_by: Actor) -> None:
    """Saying that another armed someone, or did a hostile act to the speaker's own
    country, is itself an event: "a US spokesperson said North Korea shipped shells to
    Russia" is the US accusing North Korea (ACCUSE), dated when it was said; the shipment
    stays ``alleged``. A report of fighting between others ("Thai police said Burmese
    troops captured a village") accuses no one."""
    row = c.row
    arming = row.event_type == "AID" and row.cameo.startswith("072")
    against_speaker = not ontology.cooperative(row.event_type) and said_by.country in {
        a.country for a in c.args.target
    }
    if not (arming or against_speaker):
        return
    speech = cues().speech
    # the outermost reporting verb: "said that ..., a transfer it has observed" was said
    verb = next((a for a in reversed(list(c.token.ancestors)) if a.lemma_.lower() in speech), None)
    accused = [a for a in c.args.source if a.country and a.country != said_by.country]
    if verb is None or not accused:
        return
    charge = c.sentence.lexicon.statement("charge")
    other = Candidate(
        token=verb,
        row=charge,
        sentence=c.sentence,
        args=Args(source=[said_by], target=accused),
        decisions=[Decision("third_party", "event_type", "ACCUSE 112", "")],
    )
    key = other.key()
    if key in c.sentence.seen:
        return
    c.sentence.seen.add(key)
    other.sides = key
    other.decisions[0].why = f"'{verb.text}' that {_codes(accused)} did it: an accusation"
    c.derived.append(other)


def place(c: Candidate) -> None:
    """Where it happened; and for acts done to a place ("lifted the curfew in
    Montenegro", "killed civilians in Bucha") with no other target, the place's country."""
    c.location = event_location(c.token, c.sentence.ents)
    if c.location is None:
        return
    c.decide("place", "location", c.location.text, "the nearest place phrase in the parse")
    if (
        not any(a.country for a in c.args.target)
        and c.row.event_type in cues().locative_types
        and c.location.distance <= NEAR_ENOUGH
        and c.location.country not in {a.country for a in c.args.source}
    ):
        c.args.indirect = True
        c.args.target = [replace(a, country=c.location.country) for a in c.args.target] or [
            Actor(text=c.location.text, name=c.location.text, country=c.location.country)
        ]
        c.decide("place", "target", c.location.country, f"an act done to '{c.location.text}'")


def domestic(c: Candidate) -> None:
    """Police, protesters, students, courts named without a country ("Police fired tear
    gas at students") take the country where the event happened ("in Lagos"), else the
    one the dateline names ("LAGOS, Nigeria (AP) —"), with a lower confidence; in events
    done, not said. Armed actors are left unplaced: in a war story they are often the
    other side's."""
    if c.row.event_type not in cues().domestic_types:
        return
    where, why = "", ""
    if c.location is not None and c.location.country:
        where, why, c.placed_by = c.location.country, f"it happened in '{c.location.text}'", "place"
    else:
        dateline = c.sentence.actors.dateline
        where = _dateline_country(dateline)
        if where:
            why, c.placed_by = f"the dateline '{dateline}'", "dateline"
    if not where:
        return
    domestic_sectors = cues().domestic_sectors
    for side in ("source", "target"):
        actors = getattr(c.args, side)
        if not any(not a.country and a.sector in domestic_sectors for a in actors):
            continue
        placed = [
            replace(a, country=where) if not a.country and a.sector in domestic_sectors else a
            for a in actors
        ]
        setattr(c.args, side, placed)
        c.decide("domestic", side, _codes(placed), f"named without a country; {why}")
    if not any(d.step == "domestic" for d in c.decisions):
        c.placed_by = ""


def _dateline_country(dateline: str) -> str:
    """The country of a dateline: "Lagos, Nigeria" -> NGA, "Nairobi" -> KEN; "" if unsure."""
    found = {p.country for part in dateline.split(",") if (p := places.lookup(part.strip()))}
    return found.pop() if len(found) == 1 else ""


def commitment(c: Candidate) -> None:
    """What the words also state: "said it would not meet the demands" is a refusal that
    was made (REJECT); "vowed to retaliate" is a threat that was made (THREATEN) and the
    act promised is kept apart, ``intended``."""
    derived: Trigger | None = None
    if (
        c.status == "negated"
        and recode.own_intent(c.token)
        and ontology.cooperative(c.row.event_type)
    ):
        derived = recode.refusal(c.row)
    elif c.status == "intended":
        head = c.token.head
        said = c.sentence.fired.get(head.i) if c.token.dep_ == "xcomp" else None
        if said is not None and said.event_type in {"AGREE", "THREATEN"}:
            return  # "is ready to send troops": the promise is the event 'ready' codes
        unless = any(has_condition(c.token, w) for w in cues().penalty_marks)
        promise = recode.commitment(c.token, c.row, unless)
        derived = promise if promise is not c.row else None
    if derived is None:
        return
    key = (derived.event_type, *c.sides[1:])
    if key in c.sentence.seen:
        return
    c.sentence.seen.add(key)
    other = c.derive(derived, "asserted")
    other.decide("commitment", "event_type", f"{derived.event_type} {derived.cameo}", derived.note)
    other.decide("commitment", "status", "asserted", "the promise or refusal itself was made")


def date(c: Candidate) -> None:
    """The date phrase nearest the trigger, else the article's date; a date more than a
    year before the story, or a named past war, makes the event historical."""
    published = c.sentence.published
    resolved, c.date_text = event_date(c.token, c.sentence.ents, published)
    if resolved:
        c.date, c.date_precision = resolved.date, resolved.precision
        c.decide("date", "date", c.date, f"'{c.date_text}' against {published}")
    else:
        c.date, c.date_precision = published, ""
        c.decide("date", "date", published, "no date phrase: the article's date")
        war = past_war(c.token, c.sentence.ents)
        if war is not None and c.status in {"asserted", "alleged"}:
            # "Soviet forces fighting Japanese forces at the end of World War II"
            c.status, c.date, c.date_text = "historical", None, war.text
            c.decide("date", "status", "historical", f"set in '{war.text}'")
    if (
        resolved
        and published
        and resolved.date < years_before(published, 1)
        and c.status == "asserted"
    ):
        c.status = "historical"
        c.decide("date", "status", "historical", "dated more than a year before the story")


def confidence(c: Candidate) -> None:
    """How sure the coder is: lower when a side is missing or unplaced, or the cue is weak."""
    token, row, args = c.token, c.row, c.args
    score, why = 0.9, []

    def less(amount: float, reason: str) -> None:
        nonlocal score
        score -= amount
        why.append(f"-{amount:g} {reason}")

    if not args.source:
        less(0.3, "no source")
    elif not any(a.country for a in args.source):
        less(0.2, "source not placed")
    if not args.target:
        less(0.15, "no target")
    elif not any(a.country for a in args.target):
        less(0.1, "target not placed")
    if token.pos_ != "VERB":
        less(0.05, "a noun or adjective trigger")
    if not row.requires and token.pos_ != "VERB":
        less(0.05, "no constraint on the trigger")
    if c.status not in {"asserted", "historical"}:
        less(0.05, c.status)
    if any(a.text.lower() in cues().personal_pronouns for a in args.source + args.target):
        less(0.1, "a pronoun resolved")
    if args.indirect:
        less(0.1, "a side from an owner, clause, condition or place")
    if c.placed_by:
        less(0.1 if c.placed_by == "dateline" else 0.05, f"a country from the {c.placed_by}")
    if row.lemma in c.sentence.lexicon.statements or row.note.startswith("intention"):
        less(0.1, "a statement read as an event, or a promise read from 'will'")
    if not any(a.sector for a in args.source) and not args.joint:
        less(0.05, "no office or sector named for the source")
    c.confidence = max(0.05, min(0.99, score))
    c.decide("confidence", "confidence", round(c.confidence, 3), "; ".join(why) or "full")


def _codes(actors: list[Actor]) -> str:
    return ",".join(a.code or f"?({a.text})" for a in actors) or "-"

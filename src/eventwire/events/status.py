"""Status and attribution: how the text presents an event, and who said so.

"accused X of supplying Y" makes the supply ``alleged``; "did not attack" is ``negated``;
"vowed to retaliate" is ``intended``; "may", "could" and "if" make it ``hypothetical``.
"""

from __future__ import annotations

from spacy.tokens import Token

from ..actors.resolve import DocActors
from ..models import EVENT_STATUSES, Actor
from .arguments import SUBJECT_DEPS
from .cues import cues

# -- status, attribution, date ------------------------------------------------
_CLIMB = frozenset({"xcomp", "ccomp", "pcomp", "pobj", "dobj", "advcl", "conj", "relcl", "acl"})


def _own_status(token: Token) -> str:
    """What the trigger's own words say: "did not", "if", "may", "will", "allegedly"
    (the words and what each does are the ``status_words`` table of cues.yaml)."""
    c = cues()
    kids = list(token.children)
    if any(ch.dep_ == "neg" for ch in kids):
        return "negated"
    if token.pos_ == "NOUN" and any(ch.dep_ == "det" and ch.lower_ == "no" for ch in kids):
        return "negated"  # "there will be no extradition request", "no talks were held"
    for ch in kids:
        if ch.dep_ == "mark" and (said := c.meaning("status_words", "mark", ch.lower_)):
            return said
    aux = {c.meaning("status_words", "aux", ch.lower_) for ch in kids if ch.dep_ == "aux"}
    if "hypothetical" in aux:
        return "hypothetical"
    if "intended" in aux:
        # "a deal in which X would provide": a conditional, not a stated plan
        return "hypothetical" if token.dep_ in {"relcl", "advcl", "acl"} else "intended"
    mod_deps = {"advmod"} if token.pos_ == "VERB" else {"amod", "compound"}
    mods = {c.meaning("status_words", "mod", ch.lower_) for ch in kids if ch.dep_ in mod_deps}
    return next((s for s in EVENT_STATUSES[1:] if s in mods), "asserted")


def event_status(token: Token, actors: DocActors) -> tuple[str, Actor | None]:
    """Status from the trigger and the clauses above it; attribution from reporting verbs."""
    c = cues()
    status = _own_status(token)
    attribution: Actor | None = None
    t = token
    presupposed = False
    for _ in range(6):
        if t.dep_ not in _CLIMB:
            break
        if t.head.lower_ in c.presupposing_preps and (
            (t.dep_ == "pobj" and t.pos_ == "NOUN") or (t.dep_ == "pcomp" and t.pos_ == "VERB")
        ):
            presupposed = True  # "during X's visit", "after meeting Y": it happened
        elif (
            t is token
            and t.dep_ == "pobj"
            and t.head.lower_ in c.meeting_preps
            and t.lemma_.lower() in c.mutual
        ):
            presupposed = True  # "failed to reach a deal at talks": the talks were held
        head = t.head.head if t.dep_ in {"pcomp", "pobj"} and t.head.dep_ == "prep" else t.head
        if head is t:
            break
        if presupposed:
            # still open to "accused X of ... during": an allegation covers its adjuncts
            if t.dep_ != "conj" or head.lemma_.lower() in c.speech:
                status, attribution = _reported(head, status, attribution, actors)
            t = head
            continue
        if t.dep_ in {"relcl", "acl"}:
            # "a possible deal in which X would provide Y"; "its demand that Israel ease"
            if t.dep_ == "acl" and head.lemma_.lower() in c.demand_heads and status == "asserted":
                status = "requested"  # what is demanded has not happened
            elif (
                t.dep_ == "acl"
                and head.lemma_.lower() in c.intent_nouns
                and status == "asserted"
                and any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in t.children)
            ):
                status = "intended"  # "Moldova's bid to join the EU"
            elif t.dep_ == "acl" and head.lower_ == "order" and head.head.lower_ == "in":
                status = "hypothetical" if status == "asserted" else status  # "in order to"
            status = _inherit(status, head, t.dep_)
            t = head
            continue
        if head.pos_ not in {"VERB", "NOUN", "AUX", "ADJ"}:
            break
        lemma = head.lemma_.lower()
        if t is token and t.dep_ in {"dobj", "obj"} and t.lemma_.lower() in c.demand_heads:
            pass  # "rejected demands from the EU": the demand was made all the same
        elif t.dep_ != "conj":
            if lemma in c.refuse and status in {"asserted", "intended"}:
                # "refused to lift" did not happen; "would not refuse to develop" is a plan
                status = "intended" if _own_status(head) == "negated" else "negated"
            elif lemma in c.deny | c.allege and status == "asserted":
                status, attribution = _reported(head, status, attribution, actors)
            elif lemma in c.intent and status == "asserted" and t.dep_ in {"xcomp", "dobj"}:
                status = "intended"
            elif (
                status == "asserted"
                and t.dep_ == "pcomp"
                and t.head.lower_ in c.warned_preps
                and lemma in c.object_control
            ):
                status = "hypothetical"  # "warned Kyiv against sending troops": not done
            elif status == "asserted" and _purpose_clause(t, lemma):
                # "trained rebels to fight IS", "in order to open a route": an aim, not a deed
                status = "hypothetical"
            elif (
                (lemma in c.demand_heads or _makes_a_demand(head))
                and t.dep_ in {"ccomp", "acl"}
                and status == "asserted"
            ) or (
                lemma in c.request_verbs and t.dep_ in {"xcomp", "advcl"} and status == "asserted"
            ):
                # "demanded that its partners refuse", "called on Russia to withdraw": asked
                # of someone, not done
                status = "requested"
                attribution = attribution or _speaker(head, actors)
            elif lemma in c.speech:
                attribution = attribution or _speaker(head, actors)
            status = _inherit(status, head, t.dep_)
        t = head
    if status in {"asserted", "intended"} and _asks(token):
        status = "hypothetical"  # "Will Russia attack?", "What was the investigation about?"
    return status, attribution or _according_to(token, actors)


def _asks(token: Token) -> bool:
    """Whether the trigger's sentence is a question (it asserts nothing)."""
    words = [t for t in token.sent if not t.is_space]
    while words and (words[-1].is_quote or words[-1].is_bracket):
        words.pop()
    return bool(words) and words[-1].text.endswith("?")


def _reported(
    head: Token, status: str, attribution: Actor | None, actors: DocActors
) -> tuple[str, Actor | None]:
    """What a reporting verb above an event does to it: "denied" makes it denied, "accused
    X of" alleged (by the accuser), "said" only names who says so."""
    c = cues()
    lemma = head.lemma_.lower()
    if lemma in c.deny and status == "asserted":
        return "denied", attribution
    if lemma in c.allege and status == "asserted":
        return "alleged", attribution or _speaker(head, actors)
    if lemma in c.speech:
        return status, attribution or _speaker(head, actors)
    return status, attribution


def _according_to(token: Token, actors: DocActors) -> Actor | None:
    """ "X is supplying Y, according to US officials": the officials are the source."""
    clause = {token.i} | {a.i for a in token.ancestors}
    for acc in token.sent:
        if acc.lower_ not in cues().attribution_words or acc.head.i not in clause:
            continue
        for to in (ch for ch in acc.children if ch.lower_ == "to"):
            for obj in (ch for ch in to.children if ch.dep_ == "pobj"):
                found = actors.resolve_all(obj)
                if found:
                    return found[0]
    return None


def _makes_a_demand(verb: Token) -> bool:
    """ "reiterated its demand that ...", "renewed calls that ...": the clause is demanded."""
    return any(
        ch.dep_ in {"dobj", "obj"} and ch.lemma_.lower() in cues().demand_heads
        for ch in verb.children
    )


def _inherit(status: str, head: Token, dep: str) -> str:
    """An asserted event under "would tighten", "may halt" takes the head's modality."""
    if status != "asserted":
        return status
    inherited = _own_status(head)
    if inherited == "hypothetical" or (
        inherited == "intended" and dep in {"dobj", "xcomp", "pcomp", "pobj"}
    ):
        return inherited
    return status


def _purpose_clause(clause: Token, head_lemma: str) -> bool:
    """A "to" infinitive that says what something is for: under a verb that prepares or
    equips ("trained forces to fight"), or marked "in order to", "so as to"."""
    if clause.dep_ not in {"xcomp", "advcl"}:
        return False
    if not any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in clause.children):
        return False
    if head_lemma in cues().purpose_heads:
        return True
    words = [t.lower_ for t in clause.doc[clause.left_edge.i : clause.i]]
    return words[:2] in (["in", "order"], ["so", "as"])


def _speaker(verb: Token, actors: DocActors) -> Actor | None:
    for ch in verb.children:
        if ch.dep_ in SUBJECT_DEPS:
            found = actors.resolve_all(ch)
            if found:
                return found[0]
    return None


def has_condition(token: Token, word: str) -> bool:
    return any(
        t.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == word for m in t.children)
        for t in token.subtree
    )

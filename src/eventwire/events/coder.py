"""Code events from a parsed document: one ``Candidate`` per trigger, through named steps.

The order the steps run in is ``STEPS`` below, and nowhere else. Each step is a
small function in ``steps.py`` that decides one thing about the candidate and
records why; ``--explain`` prints those decisions. The words every step reads
live in ``data/`` (``triggers.tsv``, ``statements.tsv``, ``cues.yaml``).

    trigger -> governed -> arguments -> purpose -> status -> joint -> accident -> has_sides
    -> unique -> third_party -> place -> domestic -> commitment -> date -> confidence
    -> emit
    then, over the whole document: answers
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from spacy.tokens import Doc, Span, Token

from .. import ontology
from ..actors.resolve import DocActors
from ..models import Event, Evidence
from . import steps
from .answers import answer_the_accuser
from .candidate import Candidate, Sentence
from .cues import cues
from .recode import statement_event
from .triggers import TRIGGER_POS, Lexicon

Step = Callable[[Candidate], None]

#: The steps every candidate goes through, in order (see ``steps.py``).
STEPS: tuple[Step, ...] = (
    steps.governed,
    steps.arguments,
    steps.purpose,
    steps.status,
    steps.joint,
    steps.accident,
    steps.has_sides,
    steps.unique,
    steps.third_party,
    steps.place,
    steps.domestic,
    steps.commitment,
    steps.date,
    steps.confidence,
)


def code_doc(
    doc: Doc, actors: DocActors, lexicon: Lexicon, doc_id: str, published: str | None
) -> list[Event]:
    """All events in one parsed document."""
    events: list[Event] = []
    # ``span.ents`` rebuilds every entity of the document on each call: once per document,
    # then each sentence takes its own (those wholly inside it, as ``span.ents`` gives)
    every = list(doc.ents)
    first = 0
    for span in doc.sents:
        while first < len(every) and every[first].start < span.start:
            first += 1
        ents = []
        for ent in every[first:]:
            if ent.start >= span.end:
                break
            if ent.end <= span.end:
                ents.append(ent)
        sentence = Sentence(span, actors, lexicon, doc_id, published, ents=ents)
        for candidate in trigger(sentence):
            events.extend(emit(c) for c in run(candidate))
    answer_the_accuser(events, doc)
    return events


def trigger(sentence: Sentence) -> list[Candidate]:
    """Step ``trigger``: a candidate for every token the lexicon knows as an event word
    (``triggers.tsv``), or a statement that is an event in itself (``statements.tsv``)."""
    out = []
    for token in sentence.span:
        # neither the lexicon nor ``statement_event`` (verbs only) takes any other word
        if token.pos_ not in TRIGGER_POS:
            continue
        row = sentence.lexicon.match(token)
        if row is not None and _states_a_view(token):
            continue
        why = f"'{token.text}' is a {row.pos.lower()} trigger in triggers.tsv" if row else ""
        if row is None:
            statement = statement_event(token, sentence.lexicon)
            if statement is None:
                continue
            row, why = statement[0], f"a statement that is an event: {statement[1]}"
        sentence.fired[token.i] = row
        candidate = Candidate(token, row, sentence)
        candidate.decide("trigger", "event_type", f"{row.event_type} {row.cameo}", why)
        out.append(candidate)
    return out


def _states_a_view(token: Token) -> bool:
    """ "Many firms agree that China has gained": a view, not an agreement."""
    return (
        token.lemma_.lower() in cues().opinion_verbs
        and token.tag_ in {"VBP", "VBZ"}
        and any(ch.dep_ == "ccomp" for ch in token.children)
    )


def run(candidate: Candidate, first: int = 0) -> Iterator[Candidate]:
    """The candidate and what it derives, each through the steps from ``first`` on; the
    derived events (a promise) come before the one that states them."""
    for n in range(first, len(STEPS)):
        STEPS[n](candidate)
        if candidate.dropped:
            return
        while candidate.derived:
            yield from run(candidate.derived.pop(0), n + 1)
    yield candidate


def emit(c: Candidate) -> Event:
    """Step ``emit``: the event record, with the ontology's codes and the evidence."""
    row = c.row
    try:
        cameo = ontology.cameo(row.cameo)
        quad, goldstein = cameo.quad_class, cameo.goldstein
        contexts = (
            [row.context] if row.context else [x for x in cameo.plover_context.split("; ") if x]
        )
    except KeyError:
        quad, goldstein, contexts = 0, 0.0, [row.context] if row.context else []
    return Event(
        doc_id=c.sentence.doc_id,
        event_type=row.event_type,
        cameo=row.cameo,
        source=c.args.source,
        target=c.args.target,
        evidence=_evidence(c),
        date=c.date,
        date_text=c.date_text,
        date_precision=c.date_precision,
        mode=row.mode,
        contexts=contexts,
        quad_class=quad,
        goldstein=goldstein,
        status=c.status,
        attribution=c.attribution,
        location=c.location,
        confidence=c.confidence,
        explain=[d.to_dict() for d in c.decisions],
    )


def _evidence(c: Candidate) -> Evidence:
    sent: Span = c.sentence.span
    token = c.token
    text = c.sentence.text
    if text is None:  # spaCy joins a span's tokens anew on each ``span.text``
        text = c.sentence.text = sent.text.rstrip()
    return Evidence(
        text=text,
        start=sent.start_char,
        end=sent.start_char + len(text),
        trigger=token.text,
        trigger_start=token.idx,
        trigger_end=token.idx + len(token.text),
    )

"""Highlight spans of an article: where its events' actors, triggers and sentences are.

The dashboard marks them in the article text; ``POST /api/code`` returns them for the
text it codes. Offsets are character offsets into the article's ``text`` (Python string
indices, as every stored offset is); events coded from a title given apart from the text
(``evidence.part == "title"``) point into the title and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventwire.models import Event

#: Kinds of span, outer first: a sentence holds its actors and its trigger.
KINDS = ("evidence", "actor", "trigger")


def spans(events: Iterable[Event], text: str) -> list[dict[str, Any]]:
    """One span per distinct (start, end, kind), with the ids of every event that marks
    it and their labels (actor code; PLOVER type for triggers and sentences) joined by
    ", ". Sorted by start, the longer span first, then by kind (sentence, actor, trigger).
    Spans that do not fit in ``text`` (an actor inferred from another sentence has
    offsets -1) are left out."""
    found: dict[tuple[int, int, str], tuple[list[str], list[str]]] = {}

    def add(start: int, end: int, kind: str, label: str, event_id: str) -> None:
        if not 0 <= start < end <= len(text):
            return
        labels, ids = found.setdefault((start, end, kind), ([], []))
        if label and label not in labels:
            labels.append(label)
        if event_id not in ids:
            ids.append(event_id)

    for ev in events:
        evidence = ev.evidence
        if evidence.part != "text":
            continue
        add(evidence.start, evidence.end, "evidence", ev.event_type, ev.id)
        for actor in (*ev.source, *ev.target):
            add(actor.start, actor.end, "actor", actor.code, ev.id)
        add(evidence.trigger_start, evidence.trigger_end, "trigger", ev.event_type, ev.id)
    ordered = sorted(found.items(), key=lambda kv: (kv[0][0], -kv[0][1], KINDS.index(kv[0][2])))
    return [
        {"start": start, "end": end, "kind": kind, "label": ", ".join(labels), "event_ids": ids}
        for (start, end, kind), (labels, ids) in ordered
    ]

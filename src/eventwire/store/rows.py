"""Conversions between records (Article, Event) and table rows.

Events are stored twice over on purpose: as JSON (so an Event comes back exactly
as it went in) and as flat list columns (so country and actor filters are SQL).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from eventwire.models import Article, Event, Group
from eventwire.store.grouping import block_of, outlet_of
from eventwire.store.schema import EVENT_COLUMNS, GROUP_COLUMNS

_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

# --------------------------------------------------------------------------- dates


def split_date(value: str | None) -> tuple[date | None, str | None]:
    """ISO string -> (DATE for SQL, original string when a DATE cannot hold it exactly).

    "2024-03" (a month-precision date) is filed under 2024-03-01 so range filters
    still see it, and the original text is kept so the record round-trips.
    """
    if value is None:
        return None, None
    if _FULL_DATE.match(value):
        try:
            return date.fromisoformat(value), None
        except ValueError:
            return None, value
    m = _PARTIAL_DATE.match(value)
    if not m:
        return None, value
    try:
        return date(int(m[1]), int(m[2] or 1), int(m[3] or 1)), value
    except ValueError:
        return None, value


def join_date(day: date | None, raw: str | None) -> str | None:
    """Inverse of ``split_date``."""
    if raw is not None:
        return raw
    return day.isoformat() if day is not None else None


# ---------------------------------------------------------------- records <-> rows


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def article_row(article: Article, n_events: int) -> tuple[Any, ...]:
    """Values for ``ARTICLE_COLUMNS``."""
    day, raw = split_date(article.date)
    return (
        article.id,
        article.title,
        day,
        raw,
        article.url,
        article.source,
        article.origin,
        article.status,
        article.reason,
        article.content_hash,
        article.story_id,
        article.text,
        n_events,
        article.place,
        article.agency,
        article.ref,
    )


def event_row(ev: Event, article: Article | None = None) -> tuple[Any, ...]:
    """Values for ``EVENT_COLUMNS``: JSON for exact round trips, lists for SQL filters.

    ``event_key`` is left empty (the store assigns it when saving); outlet, publication
    date and story come from ``article``.
    """
    day, raw = split_date(ev.date)
    src, tgt, evd = ev.source, ev.target, ev.evidence
    return (
        ev.id,
        ev.doc_id,
        day,
        raw,
        ev.date_text,
        ev.date_precision,
        ev.event_type,
        ev.mode,
        list(ev.contexts),
        ev.cameo,
        ev.quad_class,
        ev.goldstein,
        ev.status,
        _dumps(ev.attribution.to_dict()) if ev.attribution else None,
        _dumps([a.to_dict() for a in src]),
        _dumps([a.to_dict() for a in tgt]),
        _unique([a.country for a in src]),
        _unique([a.country for a in tgt]),
        _unique([a.code for a in src]),
        _unique([a.code for a in tgt]),
        _unique([a.name or a.text for a in src]),
        _unique([a.name or a.text for a in tgt]),
        _dumps(ev.location.to_dict()) if ev.location else None,
        evd.text,
        evd.start,
        evd.end,
        evd.trigger,
        evd.trigger_start,
        evd.trigger_end,
        ev.confidence,
        evd.part,
        "",
        block_of(
            ev.event_type,
            ev.cameo,
            [a.country for a in src],
            [a.country for a in tgt],
        ),
        outlet_of(article.source, article.url, article.agency) if article else "",
        split_date(article.date)[0] if article else None,
        article.story_id if article else "",
        actor_text(ev),
    )


def actor_text(ev: Event) -> str:
    """What the actor filter searches: every name, code and text as written, lower-cased
    (as ``schema.ACTOR_TEXT_SQL`` computes it for older rows)."""
    sides = (*ev.source, *ev.target)
    parts = [
        *_unique([a.name or a.text for a in ev.source]),
        *_unique([a.name or a.text for a in ev.target]),
        *_unique([a.code for a in ev.source]),
        *_unique([a.code for a in ev.target]),
        *(a.text for a in sides),
    ]
    return "\x1f".join(parts).lower()


#: SELECT list that ``row_to_event`` expects.
EVENT_SELECT = ", ".join(EVENT_COLUMNS)
#: Where ``event_key`` sits in a row of ``event_row``.
KEY_INDEX = EVENT_COLUMNS.index("event_key")


def row_to_event(row: tuple[Any, ...]) -> Event:
    """Rebuild an Event through ``Event.from_dict`` (so defaults live in one place)."""
    r = dict(zip(EVENT_COLUMNS, row, strict=True))
    return Event.from_dict(
        {
            "id": r["id"],
            "doc_id": r["doc_id"],
            "date": join_date(r["date"], r["date_raw"]),
            "date_text": r["date_text"],
            "date_precision": r["date_precision"],
            "event_type": r["event_type"],
            "mode": r["mode"],
            "contexts": r["contexts"] or [],
            "cameo": r["cameo"],
            "quad_class": r["quad_class"],
            "goldstein": r["goldstein"],
            "status": r["status"],
            "attribution": json.loads(r["attribution_json"]) if r["attribution_json"] else None,
            "source": json.loads(r["source_json"]),
            "target": json.loads(r["target_json"]),
            "location": json.loads(r["location_json"]) if r["location_json"] else None,
            "evidence": {
                "text": r["evidence_text"],
                "start": r["evidence_start"],
                "end": r["evidence_end"],
                "trigger": r["trigger"],
                "trigger_start": r["trigger_start"],
                "trigger_end": r["trigger_end"],
                "part": r["evidence_part"] or "text",
            },
            "confidence": r["confidence"],
        }
    )


#: SELECT list that ``row_to_world_event`` expects: a mention and its event's counts.
GROUP_SELECT = EVENT_SELECT + ", " + ", ".join(GROUP_COLUMNS)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def row_to_world_event(row: tuple[Any, ...]) -> Event:
    """A real-world event: its representative mention, with ``group`` and the combined
    confidence of all its mentions."""
    n = len(EVENT_COLUMNS)
    ev = row_to_event(row[:n])
    g = dict(zip(GROUP_COLUMNS, row[n:], strict=True))
    ev.group = Group(
        id=row[KEY_INDEX] or ev.id,
        num_mentions=g["num_mentions"] or 1,
        num_sources=g["num_sources"] or 1,
        num_articles=g["num_articles"] or 1,
        first_seen=_iso(g["first_seen"]),
        last_seen=_iso(g["last_seen"]),
        statuses=json.loads(g["statuses_json"]) if g["statuses_json"] else {ev.status: 1},
    )
    if g["group_confidence"] is not None and ev.group.num_sources > 1:
        # several outlets: their combined confidence (one outlet: its own mention's)
        ev.confidence = float(g["group_confidence"])
    return ev


def dedupe_events(events: list[Event]) -> list[Event]:
    """Keep the first event per id: DuckDB would reject (or silently drop) the rest."""
    seen: dict[str, Event] = {}
    for ev in events:
        seen.setdefault(ev.id, ev)
    return list(seen.values())

"""SQL for the store: writes, the shared event filter, and the read queries.

Kept apart from ``Store`` so that the CLI, the exporter and the tests can reuse
the same filter builder (one definition of "events for RUS since March") and so
that a test can replace ``insert_events`` to simulate a crash mid-transaction.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from eventwire.errors import UsageError
from eventwire.models import EVENT_STATUSES, Article, Event, Evidence, Report
from eventwire.ontology import canonical_type
from eventwire.store.rows import (
    EVENT_SELECT,
    GROUP_SELECT,
    join_date,
    row_to_event,
    row_to_world_event,
)
from eventwire.store.schema import ARTICLE_COLUMNS, EVENT_COLUMNS

#: Articles per multi-row upsert statement (bounds the statement size).
_UPSERT_CHUNK = 200


# ------------------------------------------------------------------------ filters


def parse_bound(value: str | date | None, name: str, end: bool) -> date | None:
    """A since/until bound: YYYY-MM-DD, or YYYY-MM / YYYY meaning the whole period."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    try:
        if not m:
            raise ValueError(text)
        year, month, day = int(m[1]), m[2], m[3]
        if day is not None:
            return date(year, int(month), int(day))
        if month is not None:
            last = calendar.monthrange(year, int(month))[1] if end else 1
            return date(year, int(month), last)
        return date(year, 12, 31) if end else date(year, 1, 1)
    except ValueError:
        raise UsageError(
            f"{name} {value!r} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY"
        ) from None


# ------------------------------------------------------------------------- writes

_ARTICLE_UPSERT = f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}, ingested_at) VALUES "
_ARTICLE_UPSERT_TAIL = " ON CONFLICT (id) DO UPDATE SET " + ", ".join(
    # ingested_at is left alone so that saving the same article again changes nothing.
    f"{c} = excluded.{c}"
    for c in ARTICLE_COLUMNS
    if c != "id"
)


def upsert_articles(con: Any, rows: list[tuple[Any, ...]], now: datetime) -> None:
    """Multi-row upsert. The rows must have distinct ids: DuckDB silently drops the
    later duplicates of one INSERT ... ON CONFLICT statement."""
    one = "(" + ", ".join("?" * (len(ARTICLE_COLUMNS) + 1)) + ")"
    for i in range(0, len(rows), _UPSERT_CHUNK):
        chunk = rows[i : i + _UPSERT_CHUNK]
        con.execute(
            _ARTICLE_UPSERT + ", ".join([one] * len(chunk)) + _ARTICLE_UPSERT_TAIL,
            [v for row in chunk for v in (*row, now)],
        )


def delete_events(con: Any, doc_ids: list[str]) -> None:
    con.execute("DELETE FROM events WHERE doc_id IN (SELECT unnest(?))", [doc_ids])


def insert_events(con: Any, rows: list[tuple[Any, ...]]) -> None:
    """Append rows given in ``EVENT_COLUMNS`` order.

    The appender runs inside the open transaction and is about 20x faster than
    INSERT statements on DuckDB 2.0; leaving the ``with`` block flushes it (an
    exception inside it discards the buffer, and the transaction rolls back).
    """
    if rows:
        with con.appender("events", columns=list(EVENT_COLUMNS)) as appender:
            appender.append_rows(rows)


def select_hashes(con: Any, ids: list[str]) -> dict[str, str]:
    """Stored content hash of each of ``ids`` that is stored."""
    if not ids:
        return {}
    rows = con.execute(
        "SELECT id, content_hash FROM articles WHERE id IN (SELECT unnest(?))", [ids]
    ).fetchall()
    return {i: h or "" for i, h in rows}


def delete_rejected(con: Any, origins: list[str]) -> list[str]:
    """Forget quarantined inputs that have now been read; the origins removed."""
    rows = con.execute(
        "DELETE FROM rejected WHERE origin IN (SELECT unnest(?)) RETURNING origin", [origins]
    ).fetchall()
    return [r[0] for r in rows]


def upsert_rejected(con: Any, origin: str, reason: str, excerpt: str, now: datetime) -> None:
    con.execute(
        "INSERT INTO rejected VALUES (?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE SET "
        "reason = excluded.reason, excerpt = excluded.excerpt, seen_at = excluded.seen_at",
        [origin, reason, excerpt, now],
    )


# -------------------------------------------------------------------------- reads


def _split_list(value: str | Sequence[str]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return [s.strip() for s in items if s and s.strip()]


def parse_statuses(status: str | Sequence[str] | None) -> list[str] | None:
    """None means "every status"; unknown names are a usage error, not an empty result."""
    if status is None:
        return None
    wanted = [s.lower() for s in _split_list(status)]
    if not wanted or "all" in wanted:
        return None
    unknown = [s for s in wanted if s not in EVENT_STATUSES]
    if unknown:
        raise UsageError(
            f"unknown event status {', '.join(unknown)}; "
            f"use one or more of {', '.join(EVENT_STATUSES)}, or all"
        )
    return wanted


def parse_types(event_type: str | Sequence[str]) -> list[str]:
    """PLOVER types asked for; old names (DEMAND) map to their 2.0 type; unknown ones
    are a usage error that lists the valid names, not an empty result."""
    try:
        return list(dict.fromkeys(canonical_type(t) for t in _split_list(event_type)))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def parse_countries(country: str | Sequence[str]) -> list[str]:
    """Country codes asked for: three letters each (ISO 3166 alpha-3, or IGO, UNO ...)."""
    codes = [c.upper() for c in _split_list(country)]
    bad = [c for c in codes if not re.fullmatch(r"[A-Z]{3}", c)]
    if bad:
        raise UsageError(
            f"country {', '.join(map(repr, bad))} is not a three-letter code; use ISO 3166 "
            "alpha-3 codes such as PRK or USA, or IGO, UNO, EUR, NGO, IMG"
        )
    return codes


#: Orders ``EventFilter.sort`` takes; every one ends in the id so that it is total.
SORTS: dict[str, str] = {
    "date": "date NULLS LAST, doc_id, evidence_start, id",
    "-date": "date DESC NULLS LAST, doc_id, evidence_start, id",
    "confidence": "coalesce(group_confidence, confidence) DESC, date NULLS LAST, id",
    "mentions": "num_mentions DESC NULLS LAST, date NULLS LAST, id",
    "goldstein": "goldstein, date NULLS LAST, id",
    "-goldstein": "goldstein DESC, date NULLS LAST, id",
}


def parse_side(value: str, name: str) -> tuple[str, str]:
    """A side of a dyad: a country (RUS) or an actor code (RUSGOV) -> (column kind, code)."""
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}(?:[A-Z]{3})*", code):
        raise UsageError(
            f"{name} {value!r} is not a country or actor code; use a three-letter country "
            "such as RUS, or a CAMEO-style actor code such as RUSGOV"
        )
    return ("countries" if len(code) == 3 else "codes"), code


def parse_dyad(value: str) -> tuple[str, str]:
    """ "RUS:PRK" -> ("RUS", "PRK")."""
    parts = value.split(":")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise UsageError(f"dyad {value!r} is not SOURCE:TARGET; use e.g. RUS:PRK or USAGOV:PRK")
    return parts[0].strip(), parts[1].strip()


def parse_quad(value: int | str | Sequence[int | str]) -> list[int]:
    items = [value] if isinstance(value, int) else _split_list(value)  # type: ignore[arg-type]
    try:
        quads = [int(v) for v in items]
    except (TypeError, ValueError):
        quads = [0]
    if not quads or any(q not in (1, 2, 3, 4) for q in quads):
        raise UsageError(
            f"quad class {value!r} is not 1-4 (1 verbal cooperation, 2 material "
            "cooperation, 3 verbal conflict, 4 material conflict); a comma list is allowed"
        )
    return quads


def parse_cameo(value: str | Sequence[str]) -> list[str]:
    codes = _split_list(value)
    bad = [c for c in codes if not re.fullmatch(r"\d{2,4}", c)]
    if not codes or bad:
        raise UsageError(
            f"CAMEO code {', '.join(bad) or value!r} is not 2-4 digits; give a code (057) "
            "or a root (05), or a comma list"
        )
    return codes


def _side(kind: str, side: str) -> str:
    return f"list_contains(list_transform({side}_{kind}, lambda x: upper(x)), ?)"


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which stored events to read: the one definition of "events for RUS since March",
    used by ``Store.events``, the exporter, the aggregates and the CLI's ``events``,
    ``stats`` and ``export`` (and the REST API).

    Events are real-world events (one per event however many articles report it),
    unless ``mentions`` is true: then every coded mention is one row. Every field
    given must hold, on the event's own fields (its best-supported mention's):
    country: ISO3/IGO code (or comma list) on either side; actor: text in a source
    or target name, text or code; source, target: a country (RUS) or actor code
    (RUSGOV) on that side; dyad: "A:B", A on one side and B on the other, A the
    source when ``directed``; event_type: PLOVER type(s), old names (DEMAND) allowed;
    cameo: codes or roots ("05" takes 051 ... 057); quad_class: 1-4 or a comma list;
    since and until: inclusive, YYYY-MM and YYYY mean the whole period; status:
    "asserted" by default, None or "all" for every status, or a comma list; place:
    text in the place's name, or the ISO3 of its country; text: words that must all
    be in the evidence sentence; doc_id and story: events reported in that article
    or story; min_confidence: 0 to 1 (an event's confidence combines its sources);
    sort: one of ``SORTS``. Bad values raise ``UsageError`` when the filter is made,
    before any query runs.
    """

    country: str | Sequence[str] | None = None
    actor: str | None = None
    source: str | None = None
    target: str | None = None
    dyad: str | None = None
    directed: bool = False
    event_type: str | Sequence[str] | None = None
    cameo: str | Sequence[str] | None = None
    quad_class: int | str | Sequence[int | str] | None = None
    since: str | date | None = None
    until: str | date | None = None
    status: str | Sequence[str] | None = "asserted"
    place: str | None = None
    text: str | None = None
    doc_id: str | None = None
    story: str | None = None
    min_confidence: float | None = None
    mentions: bool = False
    sort: str = "date"

    def __post_init__(self) -> None:
        self.where()  # validates every field
        if self.sort not in SORTS:
            raise UsageError(f"unknown sort {self.sort!r}; use one of {', '.join(SORTS)}")

    @classmethod
    def of(cls, filter: EventFilter | None = None, **fields: Any) -> EventFilter:
        """``filter`` with ``fields`` changed (a new filter when none is given):
        ``EventFilter.of(country="PRK")``, ``EventFilter.of(f, status="all")``."""
        if filter is None:
            return cls(**fields)
        return replace(filter, **fields) if fields else filter

    @property
    def order(self) -> str:
        return "ORDER BY " + SORTS[self.sort]

    def where(self) -> tuple[str, list[Any]]:
        """The SQL WHERE clause over the events table, and its parameters (values are
        always parameters, never spliced into the SQL)."""
        where: list[str] = [] if self.mentions else ["is_rep"]
        params: list[Any] = []
        if self.country:
            where.append(
                "list_has_any(list_transform(source_countries || target_countries, "
                "lambda x: upper(x)), ?)"
            )
            params.append(parse_countries(self.country))
        if self.actor:
            # contains() rather than ILIKE: no wildcard escaping of the user's text.
            where.append("contains(actor_text, ?)")
            params.append(self.actor.lower())
        for value, side in ((self.source, "source"), (self.target, "target")):
            if value:
                kind, code = parse_side(value, side)
                where.append(_side(kind, side))
                params.append(code)
        if self.dyad:
            (ka, a), (kb, b) = (parse_side(v, "dyad side") for v in parse_dyad(self.dyad))
            forward = f"({_side(ka, 'source')} AND {_side(kb, 'target')})"
            if self.directed:
                where.append(forward)
                params += [a, b]
            else:
                where.append(f"({forward} OR ({_side(kb, 'source')} AND {_side(ka, 'target')}))")
                params += [a, b, b, a]
        if self.event_type:
            where.append("upper(event_type) IN (SELECT unnest(?))")
            params.append(parse_types(self.event_type))
        if self.cameo:
            where.append("len(list_filter(?, lambda c: starts_with(cameo, c))) > 0")
            params.append(parse_cameo(self.cameo))
        if self.quad_class is not None and self.quad_class != "":
            where.append("quad_class IN (SELECT unnest(?))")
            params.append(parse_quad(self.quad_class))
        start = parse_bound(self.since, "since", False)
        end = parse_bound(self.until, "until", True)
        if start and end and start > end:
            raise UsageError(f"since {start} is after until {end}; swap them")
        if start:
            where.append("date >= ?")
            params.append(start)
        if end:
            where.append("date <= ?")
            params.append(end)
        statuses = parse_statuses(self.status)
        if statuses:
            where.append("status IN (SELECT unnest(?))")
            params.append(statuses)
        if self.place:
            place = self.place.strip()
            if re.fullmatch(r"[A-Za-z]{3}", place) and place.upper() == place:
                where.append("json_extract_string(location_json, '$.country') = ?")
                params.append(place)
            else:
                where.append("contains(lower(json_extract_string(location_json, '$.text')), ?)")
                params.append(place.lower())
        if self.text:
            for word in self.text.lower().split():
                where.append("contains(lower(evidence_text), ?)")
                params.append(word)
        for value, column in ((self.doc_id, "doc_id"), (self.story, "story_id")):
            if value:
                if self.mentions:
                    where.append(f"{column} = ?")
                else:
                    where.append(f"event_key IN (SELECT event_key FROM events WHERE {column} = ?)")
                params.append(value)
        if self.min_confidence is not None:
            column = "confidence" if self.mentions else "coalesce(group_confidence, confidence)"
            where.append(f"{column} >= ?")
            params.append(float(self.min_confidence))
        return ("WHERE " + " AND ".join(where)) if where else "", params


def event_filter(filter: EventFilter | None = None, **fields: Any) -> tuple[str, list[Any]]:
    """WHERE clause (or "") and its parameters: ``EventFilter.of(filter, **fields).where()``."""
    return EventFilter.of(filter, **fields).where()


EVENT_ORDER = "ORDER BY " + SORTS["date"]


def limit_clause(limit: int | None) -> str:
    if limit is None:
        return ""
    if int(limit) < 0:
        raise UsageError(f"limit {limit} is negative; use 0 or more")
    return f"LIMIT {int(limit)}"


def select_events(
    con: Any,
    limit: int | None = None,
    filter: EventFilter | None = None,
    offset: int = 0,
    **fields: Any,
) -> list[Event]:
    """Real-world events (``Event.group`` set), or mentions when ``filter.mentions``."""
    wanted = EventFilter.of(filter, **fields)
    where, params = wanted.where()
    select = EVENT_SELECT if wanted.mentions else GROUP_SELECT
    page = limit_clause(limit) + (f" OFFSET {int(offset)}" if offset else "")
    sql = f"SELECT {select} FROM events {where} {wanted.order} {page}"
    convert = row_to_event if wanted.mentions else row_to_world_event
    return [convert(r) for r in con.execute(sql, params).fetchall()]


#: The columns of ``Store.frame`` / ``Store.arrow``: flat, typed, ready for pandas or R.
FRAME_SELECT = """
    coalesce(event_key, id) AS event_id, id AS mention_id, doc_id, date, date_precision,
    event_type, mode, contexts, cameo, quad_class, goldstein, status,
    coalesce(group_confidence, confidence) AS confidence,
    source_codes, source_countries, source_names, target_codes, target_countries, target_names,
    json_extract_string(location_json, '$.text') AS place,
    json_extract_string(location_json, '$.country') AS place_country,
    TRY_CAST(json_extract(location_json, '$.lat') AS DOUBLE) AS lat,
    TRY_CAST(json_extract(location_json, '$.lon') AS DOUBLE) AS lon,
    coalesce(num_mentions, 1) AS num_mentions, coalesce(num_sources, 1) AS num_sources,
    coalesce(num_articles, 1) AS num_articles, first_seen, last_seen, outlet, published,
    story_id, evidence_text, trigger
"""


def frame_query(
    filter: EventFilter | None = None, limit: int | None = None, **fields: Any
) -> tuple[str, list[Any]]:
    """SQL and parameters for the flat table of the matching events."""
    wanted = EventFilter.of(filter, **fields)
    where, params = wanted.where()
    return f"SELECT {FRAME_SELECT} FROM events {where} {wanted.order} {limit_clause(limit)}", params


def count_events(con: Any, filter: EventFilter | None = None, **fields: Any) -> int:
    where, params = event_filter(filter, **fields)
    return int(con.execute(f"SELECT count(*) FROM events {where}", params).fetchone()[0])


_REPORT_SELECT = """
    SELECT e.event_key, e.id, e.doc_id, e.evidence_text, e.evidence_start, e.evidence_end,
           e.trigger, e.trigger_start, e.trigger_end, e.evidence_part, e.status, e.confidence,
           coalesce(a.url, ''), coalesce(e.outlet, ''), e.published, a.ingested_at,
           coalesce(a.title, '')
    FROM events e LEFT JOIN articles a ON a.id = e.doc_id
"""


def select_reports(con: Any, keys: Sequence[str]) -> dict[str, list[Report]]:
    """event key -> its mentions (articles, outlets, evidence), earliest published first."""
    out: dict[str, list[Report]] = {}
    if not keys:
        return out
    rows = con.execute(
        _REPORT_SELECT + " WHERE e.event_key IN (SELECT unnest(?)) "
        "ORDER BY e.event_key, e.published NULLS LAST, a.ingested_at, e.doc_id, "
        "e.evidence_start, e.id",
        [list(keys)],
    ).fetchall()
    for r in rows:
        out.setdefault(r[0], []).append(
            Report(
                event_id=r[1],
                doc_id=r[2],
                evidence=Evidence(r[3], r[4], r[5], r[6], r[7], r[8], r[9] or "text"),
                status=r[10],
                confidence=float(r[11] or 0.0),
                url=r[12],
                source=r[13],
                published=r[14].isoformat() if r[14] else None,
                added=r[15].isoformat(timespec="seconds") if r[15] else None,
                title=r[16],
            )
        )
    return out


def select_world_event(con: Any, key: str) -> Event | None:
    """One real-world event by its key (or by the id of any of its mentions), with its
    mentions."""
    row = con.execute(
        f"SELECT {GROUP_SELECT} FROM events WHERE is_rep AND event_key = "
        "coalesce((SELECT event_key FROM events WHERE id = ?), ?)",
        [key, key],
    ).fetchone()
    if row is None:
        return None
    ev = row_to_world_event(row)
    assert ev.group is not None
    ev.group.mentions = select_reports(con, [ev.group.id]).get(ev.group.id, [])
    return ev


_ARTICLE_LIST = """
    SELECT id, ref, title, date, date_raw, source, status, reason, story_id, n_events, origin,
           place, agency
    FROM (
        SELECT id, coalesce(nullif(ref, ''), id) AS ref, title, date, date_raw, source,
               status, reason, story_id, n_events, origin, place, agency, 0 AS part,
               ingested_at AS seen
        FROM articles
        UNION ALL
        SELECT origin, origin, '', NULL, NULL, '', 'rejected', reason, '', 0, origin, '', '',
               1, seen_at
        FROM rejected
    )
"""

_ARTICLE_KEYS = (
    "id",
    "ref",
    "title",
    "date",
    "source",
    "status",
    "reason",
    "story_id",
    "n_events",
    "origin",
    "place",
    "agency",
)


def select_articles(con: Any, status: str | None, limit: int | None) -> list[dict[str, Any]]:
    """Articles, then quarantined inputs (as status "rejected"), in the order seen."""
    where, params = "", []
    wanted = [s.lower() for s in _split_list(status)] if status else []
    if wanted and "all" not in wanted:
        where, params = "WHERE status IN (SELECT unnest(?))", [wanted]
    sql = f"{_ARTICLE_LIST} {where} ORDER BY part, seen, id {limit_clause(limit)}"
    out = []
    for r in con.execute(sql, params).fetchall():
        values = (r[0], r[1], r[2], join_date(r[3], r[4]), *r[5:])
        out.append(dict(zip(_ARTICLE_KEYS, values, strict=True)))
    return out


def select_article(con: Any, article_id: str) -> Article | None:
    cols = [c for c in ARTICLE_COLUMNS if c != "n_events"]
    row = con.execute(
        f"SELECT {', '.join(cols)} FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    if row is None:
        return None
    r = dict(zip(cols, row, strict=True))
    r["date"] = join_date(r.pop("date"), r.pop("date_raw"))
    return Article(**r)


def upsert_signatures(con: Any, rows: list[tuple[str, str, bytes, str]]) -> None:
    for i in range(0, len(rows), _UPSERT_CHUNK):
        chunk = rows[i : i + _UPSERT_CHUNK]
        con.execute(
            "INSERT INTO signatures (article_id, story_id, minhash, anchors) VALUES "
            + ", ".join(["(?, ?, ?, ?)"] * len(chunk))
            + " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, "
            "minhash = excluded.minhash, anchors = excluded.anchors",
            [v for row in chunk for v in row],
        )


def select_signatures(con: Any) -> list[tuple[str, str, bytes, str]]:
    """(article id, story id, MinHash, anchors); anchors are "" for older stories."""
    return [
        (r[0], r[1], r[2], r[3] or "")
        for r in con.execute(
            "SELECT article_id, story_id, minhash, anchors FROM signatures ORDER BY article_id"
        ).fetchall()
    ]


def select_known_hashes(con: Any) -> dict[str, str]:
    """content_hash -> the id to point duplicates at: the first non-duplicate stored."""
    rows = con.execute(
        "SELECT content_hash, id FROM articles WHERE content_hash <> '' "
        "ORDER BY status = 'duplicate', ingested_at, id"
    ).fetchall()
    out: dict[str, str] = {}
    for h, i in rows:
        out.setdefault(h, i)
    return out


def _counts(con: Any, sql: str) -> dict[str, int]:
    return {str(k): int(n) for k, n in con.execute(sql).fetchall()}


def _top_countries(con: Any, column: str) -> dict[str, int]:
    return _counts(
        con,
        f"SELECT c, count(*) AS n FROM (SELECT unnest({column}) AS c FROM events WHERE is_rep) "
        "GROUP BY c ORDER BY n DESC, c LIMIT 10",
    )


def select_stats(con: Any) -> dict[str, Any]:
    """Counts of articles and of real-world events (each once, however many reports)."""
    lo, hi = con.execute("SELECT min(date), max(date) FROM events WHERE is_rep").fetchone()
    n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    n_events, n_mentions = con.execute(
        "SELECT count(*) FILTER (WHERE is_rep), count(*) FROM events"
    ).fetchone()
    return {
        "articles": int(n_articles),
        "events": int(n_events),
        "mentions": int(n_mentions),
        "rejected": int(con.execute("SELECT count(*) FROM rejected").fetchone()[0]),
        "articles_by_status": _counts(
            con, "SELECT status, count(*) AS n FROM articles GROUP BY 1 ORDER BY n DESC, 1"
        ),
        "events_by_type": _counts(
            con,
            "SELECT event_type, count(*) AS n FROM events WHERE is_rep GROUP BY 1 "
            "ORDER BY n DESC, 1",
        ),
        "events_by_status": _counts(
            con,
            "SELECT status, count(*) AS n FROM events WHERE is_rep GROUP BY 1 ORDER BY n DESC, 1",
        ),
        "date_range": {
            "min": lo.isoformat() if lo else None,
            "max": hi.isoformat() if hi else None,
        },
        "top_source_countries": _top_countries(con, "source_countries"),
        "top_target_countries": _top_countries(con, "target_countries"),
    }

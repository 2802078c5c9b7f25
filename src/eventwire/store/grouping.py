"""One real-world event from many reports: which stored mentions are the same event.

Every coded event is a *mention*: one sentence of one article. Twenty outlets reporting
one signing give twenty mentions; researchers count one event. Each mention row carries
``event_key``, the id of the real-world event it belongs to, given when it is saved:

* it joins a stored event when both say the same thing: same PLOVER type, CAMEO codes
  equal or one a refinement of the other ("05" and "057"), the same countries on each
  side with compatible sectors ("Russia" and "Putin" are both RUS; RUSGOV and RUSMIL
  are not the same actor), compatible dates and places;
* dates are compatible when one contains the other (a day in "this week", "June", "2024"),
  or when a mention has no time phrase of its own (it takes its article's date) and was
  published up to two days after the other's day: reports come out later;
* places are compatible when either is missing, when they are the same, or when one is
  the country the other lies in ("Pyongyang" and "North Korea");
* an event with an unknown side joins another only when both name the same place;
* otherwise it starts a new real-world event whose key comes from its own id.

Matching is greedy in the order mentions are saved (articles in batch order, events by
position) and picks the best candidate (more fields agree exactly, then the oldest key),
so saving the same input again gives the same keys. A key stays while any of its mentions
stays; re-coding an article deletes and re-adds its mentions, which join again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from eventwire.geo.countries import names as country_names

#: How many days after an event a report without a time phrase may still be about it.
REPORT_LAG_DAYS = 2


def _countries(codes: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(sorted({c.upper() for c in codes or () if c}))


def block_of(event_type: str, cameo: str, src: Sequence[str], tgt: Sequence[str]) -> str:
    """The key that candidate mentions share: type, CAMEO root, each side's countries.

    Stored on every mention row (``match_key``) so that finding candidates is one
    equality lookup, however large the table grows. A joint event ("Chile and Bolivia
    signed", the same countries on both sides) is filed under both sides' directed
    form too: see ``blocks_of``.
    """
    return "|".join(
        [
            event_type.upper(),
            (cameo or "")[:2],
            ",".join(_countries(src)),
            ",".join(_countries(tgt)),
        ]
    )


def blocks_of(block: str) -> list[str]:
    """The blocks a mention's candidates may be filed under: its own; for a joint event
    of two countries also each directed form ("Chile signed a deal with Bolivia"); for
    a directed one also the joint form."""
    kind, root, src, tgt = block.split("|")
    out = [block]
    if src and src == tgt and src.count(",") == 1:
        a, b = src.split(",")
        out += [f"{kind}|{root}|{a}|{b}", f"{kind}|{root}|{b}|{a}"]
    elif src and tgt and "," not in src and "," not in tgt and src != tgt:
        both = ",".join(sorted((src, tgt)))
        out.append(f"{kind}|{root}|{both}|{both}")
    return out


@dataclass(slots=True, frozen=True)
class Mention:
    """What matching needs of one stored or new mention."""

    id: str
    key: str  # event_key ("" until assigned)
    block: str
    cameo: str
    source_sectors: frozenset[str]
    target_sectors: frozenset[str]
    day: dt.date | None
    precision: str  # day, week, month, year, or "" (taken from the article's date)
    place: str  # lower-cased place text, "" when none
    place_country: str
    place_is_country: bool

    @property
    def sides_known(self) -> bool:
        _, _, src, tgt = self.block.split("|")
        return bool(src) and bool(tgt)


def _sectors(actors_json: str | None) -> frozenset[str]:
    actors = json.loads(actors_json) if actors_json else []
    return frozenset(a.get("sector") or "" for a in actors) - {""}


def _is_country(text: str, country: str) -> bool:
    name = text.strip()
    if name.lower().startswith("the "):
        name = name[4:]
    return any(n.kind == "country" and n.country == country for n in country_names().get(name, []))


def mention_of(
    id: str,
    key: str,
    block: str,
    cameo: str,
    source_json: str | None,
    target_json: str | None,
    day: dt.date | None,
    precision: str | None,
    location_json: str | None,
) -> Mention:
    loc = json.loads(location_json) if location_json else None
    text = (loc or {}).get("text") or ""
    country = (loc or {}).get("country") or ""
    return Mention(
        id=id,
        key=key or "",
        block=block,
        cameo=cameo or "",
        source_sectors=_sectors(source_json),
        target_sectors=_sectors(target_json),
        day=day,
        precision=precision or "",
        place=text.lower(),
        place_country=country,
        place_is_country=bool(text) and _is_country(text, country),
    )


# ---------------------------------------------------------------------- compatibility


def _span(day: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """The days a date of this precision covers."""
    if precision == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if precision == "month":
        nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return day.replace(day=1), nxt - dt.timedelta(days=1)
    if precision == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    return day, day


def dates_agree(a: Mention, b: Mention) -> int | None:
    """None when the dates rule the pair out; else 1 for the same day, 0 for containment."""
    if a.day is None or b.day is None:
        return 1 if a.day is None and b.day is None else None
    if a.precision == "" or b.precision == "":
        # A date taken from the article: the event happened on or before it.
        if a.precision == b.precision:
            return 1 if a.day == b.day else (0 if abs((a.day - b.day).days) <= 1 else None)
        undated, dated = (a, b) if a.precision == "" else (b, a)
        lo, hi = _span(dated.day, dated.precision)  # type: ignore[arg-type]
        ok = lo <= undated.day <= hi + dt.timedelta(days=REPORT_LAG_DAYS)  # type: ignore[operator]
        return 0 if ok else None
    lo_a, hi_a = _span(a.day, a.precision)
    lo_b, hi_b = _span(b.day, b.precision)
    if (lo_a, hi_a) == (lo_b, hi_b):
        return 1
    inside = (lo_a <= lo_b and hi_b <= hi_a) or (lo_b <= lo_a and hi_a <= hi_b)
    return 0 if inside else None


def places_agree(a: Mention, b: Mention) -> int | None:
    """None when the places rule the pair out; 1 for the same place, 0 when compatible."""
    if not a.place or not b.place:
        return 0
    if a.place == b.place:
        return 1
    if a.place_country and b.place_country and a.place_country != b.place_country:
        return None
    if a.place_is_country or b.place_is_country:
        return 0
    return None


def _sectors_agree(x: frozenset[str], y: frozenset[str]) -> int | None:
    if not x or not y:
        return 0
    if x == y:
        return 1
    return 0 if x & y else None


def score(new: Mention, old: Mention) -> int | None:
    """How well ``new`` matches ``old`` (higher is better), or None for no match."""
    if old.block not in blocks_of(new.block):
        return None
    return _score(new, old, new.sides_known)


def _score(new: Mention, old: Mention, sides_known: bool) -> int | None:
    """``score`` for an ``old`` filed under one of ``new``'s blocks."""
    if not (
        new.cameo == old.cameo or new.cameo.startswith(old.cameo) or old.cameo.startswith(new.cameo)
    ):
        return None
    if not sides_known and not (new.place and new.place == old.place):
        return None
    parts = [
        _sectors_agree(new.source_sectors, old.source_sectors),
        _sectors_agree(new.target_sectors, old.target_sectors),
        dates_agree(new, old),
        places_agree(new, old),
    ]
    if any(p is None for p in parts):
        return None
    return sum(p or 0 for p in parts) + (new.cameo == old.cameo) + (new.block == old.block)


def _signature(m: Mention) -> tuple[Any, ...]:
    """Everything ``score`` reads of a candidate: two candidates alike in all of it score
    the same against any new mention."""
    return (
        m.block,
        m.cameo,
        m.source_sectors,
        m.target_sectors,
        m.day,
        m.precision,
        m.place,
        m.place_country,
        m.place_is_country,
    )


def new_key(mention_id: str) -> str:
    """A real-world event's key, from the id of the mention that started it."""
    return "we_" + mention_id.removeprefix("ev_")


def assign(new: list[Mention], stored: list[Mention]) -> dict[str, str]:
    """mention id -> event key for every mention in ``new``, in order.

    ``stored`` are the candidates already in the database (with keys); each new
    mention joins the best match among them and the new mentions before it, or
    starts its own event.

    Candidates alike in everything ``score`` reads (``_signature``) score the same, and
    among equal scores the smallest key wins: of each such group only the mention with
    the smallest key is kept. A long text that reports the same thing a thousand times,
    or a busy dyad's day, then costs as many comparisons as it has distinct candidates,
    not mentions.
    """
    by_block: dict[str, dict[tuple[Any, ...], Mention]] = {}

    def keep(m: Mention) -> None:
        alike = by_block.setdefault(m.block, {})
        sig = _signature(m)
        have = alike.get(sig)
        if have is None or m.key < have.key:
            alike[sig] = m

    for m in stored:
        keep(m)
    out: dict[str, str] = {}
    for m in new:
        best: tuple[int, str] | None = None
        sides_known = m.sides_known
        for b in blocks_of(m.block):
            for old in by_block.get(b, {}).values():
                s = _score(m, old, sides_known)
                if s is None:
                    continue
                # The highest score wins; among equals the oldest (smallest) key, so the
                # result does not depend on the order candidates were read in.
                if best is None or s > best[0] or (s == best[0] and old.key < best[1]):
                    best = (s, old.key)
        key = best[1] if best else new_key(m.id)
        out[m.id] = key
        keep(replace(m, key=key))
    return out


#: Columns ``mention_of`` takes, in order, as stored on the events table.
MATCH_COLUMNS = (
    "id",
    "event_key",
    "match_key",
    "cameo",
    "source_json",
    "target_json",
    "date",
    "date_precision",
    "location_json",
)


#: How far before a new mention's span a stored mention's ``date`` may lie and still
#: overlap it, by the stored mention's precision (its span runs from ``date`` to at most
#: this much later), plus the report lag and a day for two undated reports.
_SLACK_BEFORE = "CASE e.date_precision WHEN 'year' THEN 368 WHEN 'month' THEN 33 ELSE 8 END"


def windows(new: Sequence[Mention]) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """(block, first day, last day) each new mention's candidates are filed under and
    dated within: dates outside can never agree (``dates_agree``), so the database
    leaves them out; (block, None, None) for an undated mention, whose candidates are
    undated too."""
    out = set()
    for m in new:
        lo = hi = None
        if m.day is not None:
            lo, hi = _span(m.day, m.precision)
            lo -= dt.timedelta(days=REPORT_LAG_DAYS)
            hi += dt.timedelta(days=REPORT_LAG_DAYS + 6)  # a stored week's day is within it
        for b in blocks_of(m.block):
            out.add((b, lo, hi))
    return sorted(out, key=lambda w: (w[0], w[1] or dt.date.min, w[2] or dt.date.min))


def stored_candidates(con: Any, new: Sequence[Mention], exclude_docs: list[str]) -> list[Mention]:
    """Stored mentions sharing a block with the new ones and dated so that they may agree
    with one of them, other than those being replaced.

    Only mentions of the same block *and* a compatible date can match, so the query asks
    for both: a block of a busy dyad ("CONSULT|04|USA|UKR") holds thousands of mentions
    over the years, of which a new one can join only those of its own days.
    """
    wins = windows(new)
    if not wins:
        return []
    rows = con.execute(
        f"SELECT {', '.join('e.' + c for c in MATCH_COLUMNS)} FROM events e "
        "SEMI JOIN (SELECT unnest(?) AS b, unnest(?::DATE[]) AS lo, unnest(?::DATE[]) AS hi) w "
        "ON e.match_key = w.b AND ((w.lo IS NULL AND e.date IS NULL) OR "
        f"(e.date <= w.hi AND e.date >= w.lo - {_SLACK_BEFORE})) "
        "WHERE e.doc_id NOT IN (SELECT unnest(?)) AND e.event_key IS NOT NULL "
        "ORDER BY e.event_key, e.id",
        [[w[0] for w in wins], [w[1] for w in wins], [w[2] for w in wins], exclude_docs],
    ).fetchall()
    return [mention_of(*r) for r in rows]


def outlet_of(source: str | None, url: str | None, agency: str | None) -> str:
    """Who published an article: its outlet, else its URL's host, else the dateline agency."""
    if source and source.strip():
        return source.strip()
    host = urlsplit(url or "").hostname or ""
    if host:
        return host.removeprefix("www.")
    return (agency or "").strip()


# The representative mention of each event: asserted before any other status, then the
# most confident, the earliest published, and the first in its article; it lends the
# event its fields and status. Sources are outlets (an article with none counts as its
# own); the event's confidence combines each source's best mention (1 - prod(1 - c)),
# capped below certainty, rounded to six places (the product is taken in no fixed order).
_REFRESH = """
UPDATE events SET
    is_rep = (events.id = g.rep),
    num_mentions = CASE WHEN events.id = g.rep THEN g.n END,
    num_sources = CASE WHEN events.id = g.rep THEN g.ns END,
    num_articles = CASE WHEN events.id = g.rep THEN g.na END,
    first_seen = CASE WHEN events.id = g.rep THEN g.f END,
    last_seen = CASE WHEN events.id = g.rep THEN g.l END,
    group_confidence = CASE WHEN events.id = g.rep THEN g.gc END,
    statuses_json = CASE WHEN events.id = g.rep THEN g.st END
FROM (
    WITH m AS MATERIALIZED (
        SELECT event_key, id, doc_id, outlet, published, status, confidence, evidence_start
        FROM events WHERE {where}
    )
    SELECT a.event_key, r.id AS rep, a.n, a.na, a.f, a.l, a.st, s.ns, s.gc
    FROM (
        SELECT event_key, count(*) AS n, count(DISTINCT doc_id) AS na,
               min(published) AS f, max(published) AS l,
               to_json(histogram(status))::VARCHAR AS st
        FROM m GROUP BY event_key
    ) a
    JOIN (
        SELECT event_key, count(*) AS ns, round(least(0.99, 1 - product(1 - c)), 6) AS gc
        FROM (SELECT event_key, coalesce(nullif(outlet, ''), doc_id) AS o, max(confidence) AS c
              FROM m GROUP BY event_key, o)
        GROUP BY event_key
    ) s USING (event_key)
    JOIN (
        SELECT event_key, id FROM (
            SELECT event_key, id, row_number() OVER (
                PARTITION BY event_key
                ORDER BY (status = 'asserted') DESC, confidence DESC, published NULLS LAST,
                         doc_id, evidence_start, id) AS k
            FROM m)
        WHERE k = 1
    ) r USING (event_key)
) g
WHERE events.event_key = g.event_key
"""


def refresh(con: Any, keys: Sequence[str] | None = None) -> None:
    """Recompute the representative and counts of the events ``keys`` (None: all)."""
    if keys is not None and not keys:
        return
    if keys is None:
        con.execute(_REFRESH.format(where="event_key IS NOT NULL"))
    else:
        con.execute(_REFRESH.format(where="event_key IN (SELECT unnest(?))"), [sorted(set(keys))])


def keys_of_docs(con: Any, doc_ids: list[str]) -> list[str]:
    """The events the mentions of these articles belong to (before they are replaced)."""
    if not doc_ids:
        return []
    rows = con.execute(
        "SELECT DISTINCT event_key FROM events WHERE doc_id IN (SELECT unnest(?)) "
        "AND event_key IS NOT NULL",
        [doc_ids],
    ).fetchall()
    return [r[0] for r in rows]


def regroup(con: Any) -> None:
    """Group every stored mention from scratch (a database written before grouping).

    Outlet, publication date and story come from each mention's article; mentions are
    matched in the order their articles were stored.
    """
    articles = con.execute(
        "SELECT id, source, url, agency, date, story_id FROM articles ORDER BY ingested_at, id"
    ).fetchall()
    order = {row[0]: i for i, row in enumerate(articles)}
    con.execute(
        "UPDATE events SET outlet = a.o, published = a.d, story_id = a.s FROM "
        "(SELECT unnest(?) AS id, unnest(?) AS o, unnest(?::DATE[]) AS d, unnest(?) AS s) a "
        "WHERE a.id = events.doc_id",
        [
            [r[0] for r in articles],
            [outlet_of(r[1], r[2], r[3]) for r in articles],
            [r[4] for r in articles],
            [r[5] or "" for r in articles],
        ],
    )
    rows = con.execute(
        "SELECT doc_id, evidence_start, event_type, source_countries, target_countries, "
        f"{', '.join(MATCH_COLUMNS)} FROM events"
    ).fetchall()
    rows.sort(key=lambda r: (order.get(r[0], len(order)), r[0], r[1] or 0, r[5]))
    mentions = []
    for r in rows:
        block = block_of(r[2] or "", r[8] or "", r[3] or [], r[4] or [])
        mentions.append(mention_of(r[5], "", block, *r[8:]))
    keys = assign(mentions, [])
    if mentions:
        con.execute(
            "UPDATE events SET event_key = k.key, match_key = k.block FROM "
            "(SELECT unnest(?) AS id, unnest(?) AS key, unnest(?) AS block) k "
            "WHERE k.id = events.id",
            [[m.id for m in mentions], [keys[m.id] for m in mentions], [m.block for m in mentions]],
        )
    refresh(con)

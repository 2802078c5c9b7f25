"""What the REST API reads from the store, as JSON-ready dicts.

Every query selects its events with ``EventFilter.where()`` (the one filter the CLI
uses too), whose values are always parameters; the SQL around it is constant. The
functions take an open ``Store`` and do no HTTP: ``app.py`` maps requests onto them.
"""

from __future__ import annotations

import functools
from typing import Any

from eventwire.errors import UsageError
from eventwire.geo.countries import countries
from eventwire.models import ARTICLE_STATUSES
from eventwire.store import Store, aggregate
from eventwire.store.queries import EventFilter
from eventwire.store.rows import join_date

#: The JSON shape of one side's actors, for DuckDB's ``from_json``.
_ACTORS_JSON = '[{"name": "VARCHAR", "text": "VARCHAR", "code": "VARCHAR"}]'
#: What ``GET /api/articles?status=`` may ask for (rejected inputs are not articles).
ARTICLE_LIST_STATUSES = tuple(s for s in ARTICLE_STATUSES if s not in ("new", "rejected"))
QUAD_CLASSES = (1, 2, 3, 4)


def _where(wanted: EventFilter, *more: str) -> tuple[str, list[Any]]:
    """The filter's WHERE clause with constant conditions added."""
    where, params = wanted.where()
    parts = [where[len("WHERE ") :]] if where else []
    parts += more
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


def health(store: Store) -> dict[str, int]:
    articles, events = store.query(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events WHERE is_rep)"
    )[0]
    return {"events": int(events), "articles": int(articles)}


def actors(
    store: Store, wanted: EventFilter, limit: int | None, codes: list[str] | None = None
) -> list[dict[str, Any]]:
    """Actor codes in the selected events, most events first: in how many events each
    acts (source) or is acted on (target), a joint event counting on both sides; its
    ``name`` (the country's name, else the name its mentions give most often) and the
    three names its mentions give most often (``names``)."""
    where, params = _where(wanted)
    only = ""
    if codes is not None:
        only = "AND code IN (SELECT unnest(?))"
        params = [*params, codes]
    page = ""
    if limit is not None:
        page = "LIMIT ?"
        params = [*params, limit]
    rows = store.query(
        f"""
        WITH picked AS (SELECT id, source_json, target_json FROM events {where}),
        sides AS (
            SELECT id, 'source' AS side,
                   unnest(from_json(source_json, '{_ACTORS_JSON}'), recursive := true)
            FROM picked
            UNION ALL
            SELECT id, 'target' AS side,
                   unnest(from_json(target_json, '{_ACTORS_JSON}'), recursive := true)
            FROM picked
        ),
        coded AS (
            SELECT id, side, code, coalesce(nullif(name, ''), text, '') AS label
            FROM sides WHERE coalesce(code, '') <> '' {only}
        ),
        labels AS (
            SELECT code, label, count(DISTINCT id) AS n FROM coded WHERE label <> ''
            GROUP BY code, label
        )
        SELECT c.code, l.names, c.events, c.as_source, c.as_target
        FROM (
            SELECT code, count(DISTINCT id) AS events,
                   count(DISTINCT id) FILTER (WHERE side = 'source') AS as_source,
                   count(DISTINCT id) FILTER (WHERE side = 'target') AS as_target
            FROM coded GROUP BY code
        ) c
        LEFT JOIN (
            SELECT code, list(label ORDER BY n DESC, label)[1:3] AS names
            FROM labels GROUP BY code
        ) l USING (code)
        ORDER BY c.events DESC, c.code
        {page}
        """,
        params,
    )
    known = country_names()
    return [
        {
            "code": code,
            "name": known.get(code[:3]) or (names[0] if names else ""),
            "country": code[:3],
            "sector": code[3:],
            "events": int(events),
            "as_source": int(as_source),
            "as_target": int(as_target),
            "names": list(names or []),
        }
        for code, names, events, as_source, as_target in rows
    ]


@functools.cache
def country_names() -> dict[str, str]:
    """ISO3 -> the country's name, from the gazetteer."""
    return {c.iso3: c.name for c in countries()}


def network(store: Store, wanted: EventFilter, limit: int) -> dict[str, Any]:
    """Directed edges source code -> target code (the ``limit`` with most events, a side
    acting on itself left out) with their mean Goldstein score, and their nodes."""
    where, params = _where(wanted)
    rows = store.query(
        f"""
        WITH picked AS (SELECT id, goldstein, source_codes, target_codes FROM events {where}),
        pairs AS (
            SELECT id, goldstein, s, unnest(target_codes) AS t
            FROM (SELECT id, goldstein, target_codes, unnest(source_codes) AS s FROM picked)
        )
        SELECT s, t, count(DISTINCT id) AS events, avg(goldstein) AS goldstein
        FROM pairs WHERE s <> t
        GROUP BY s, t
        ORDER BY events DESC, s, t
        LIMIT ?
        """,
        [*params, limit],
    )
    edges = [
        {
            "source": s,
            "target": t,
            "events": int(n),
            "goldstein": round(float(g), 3) if g is not None else None,
        }
        for s, t, n, g in rows
    ]
    codes = sorted({e["source"] for e in edges} | {e["target"] for e in edges})
    nodes = (
        [
            {"id": a["code"], "name": a["name"], "events": a["events"]}
            for a in actors(store, wanted, None, codes=codes)
        ]
        if codes
        else []
    )
    return {"nodes": nodes, "edges": edges}


def places(store: Store, wanted: EventFilter) -> dict[str, Any]:
    """Places with coordinates and their event counts; event counts per country of the
    place (events without a placed location are not counted)."""
    where, params = _where(wanted, "location_json IS NOT NULL")
    rows = store.query(
        f"""
        SELECT name, country, lat, lon, count(*) AS events
        FROM (
            SELECT json_extract_string(location_json, '$.text') AS name,
                   coalesce(json_extract_string(location_json, '$.country'), '') AS country,
                   TRY_CAST(json_extract(location_json, '$.lat') AS DOUBLE) AS lat,
                   TRY_CAST(json_extract(location_json, '$.lon') AS DOUBLE) AS lon
            FROM events {where}
        )
        WHERE lat IS NOT NULL AND lon IS NOT NULL
        GROUP BY name, country, lat, lon
        ORDER BY events DESC, name, country
        """,
        params,
    )
    countries = store.query(
        f"""
        SELECT country, count(*) AS events
        FROM (
            SELECT json_extract_string(location_json, '$.country') AS country
            FROM events {where}
        )
        WHERE coalesce(country, '') <> ''
        GROUP BY country
        ORDER BY events DESC, country
        """,
        params,
    )
    return {
        "places": [
            {"name": n or "", "country": c, "lat": lat, "lon": lon, "events": int(k)}
            for n, c, lat, lon, k in rows
        ],
        "countries": [{"country": c, "events": int(k)} for c, k in countries],
    }


def stats(store: Store, wanted: EventFilter, by: str) -> dict[str, Any]:
    """Events per period and quad class (``aggregate.series``: the rows of
    ``eventwire stats --by``), and totals of the selected events by quad class and type
    (undated events are in the totals, not in the series)."""
    series = [
        {"period": row["period"], "quad_class": quad, "events": int(row[name])}
        for row in aggregate.series(store, wanted, by=by)
        for quad, name in zip(QUAD_CLASSES, aggregate.QUADS, strict=True)
        if row[name]
    ]
    where, params = _where(wanted)
    total, *quads = store.query(
        "SELECT count(*), "
        + ", ".join(f"count(*) FILTER (WHERE quad_class = {q})" for q in QUAD_CLASSES)
        + f" FROM events {where}",
        params,
    )[0]
    types = store.query(
        f"SELECT event_type, count(*) AS n FROM events {where} GROUP BY 1 ORDER BY n DESC, 1",
        params,
    )
    return {
        "by": by,
        "series": series,
        "totals": {
            "events": int(total),
            "by_quad_class": {str(q): int(n) for q, n in zip(QUAD_CLASSES, quads, strict=True)},
            "by_type": {str(t): int(n) for t, n in types},
        },
    }


def article_list(
    store: Store, limit: int, offset: int, status: str | None = None
) -> dict[str, Any]:
    """Stored articles, newest first (then by id), with their number of events."""
    where, params = "", []
    if status:
        if status not in ARTICLE_LIST_STATUSES:
            raise UsageError(
                f"unknown article status {status!r}; use one of {', '.join(ARTICLE_LIST_STATUSES)}"
            )
        where, params = "WHERE status = ?", [status]
    with store.session():
        total = store.query(f"SELECT count(*) FROM articles {where}", params)[0][0]
        rows = store.query(
            "SELECT id, title, url, source, date, date_raw, status, n_events, story_id "
            f"FROM articles {where} ORDER BY date DESC NULLS LAST, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    return {
        "total": int(total),
        "limit": limit,
        "offset": offset,
        "articles": [
            {
                "id": r[0],
                "title": r[1] or "",
                "url": r[2] or "",
                "source": r[3] or "",
                "published": join_date(r[4], r[5]),
                "status": r[6],
                "events": int(r[7] or 0),
                "story_id": r[8] or "",
            }
            for r in rows
        ],
    }

"""Counts over time: events per day, week, month or year, by dyad, actor, type or quad class.

What researchers ask first ("how did Russia–North Korea relations move month by month?"):
for each period (and group), the number of real-world events (each once however many
reports), their Goldstein sum and mean, the count in each quad class, and the number of
mentions behind them. The same ``EventFilter`` selects the events as for ``events`` and
``export``. ``wide`` turns the long rows into a time series table (one row per period,
one column per group, missing periods filled with zeros) and ``plot`` draws it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Any

from eventwire.errors import UsageError
from eventwire.store import queries as q

PERIODS = ("day", "week", "month", "year")
#: What ``group`` may name, and the SQL expression of the group's label.
GROUPS: dict[str, str] = {
    "type": "event_type",
    "quad": "CAST(quad_class AS VARCHAR)",
    "cameo": "substr(cameo, 1, 2)",
    "dyad": "array_to_string(list_sort(source_countries), '+') || '>' || "
    "array_to_string(list_sort(target_countries), '+')",
    "source": "array_to_string(list_sort(source_countries), '+')",
    "target": "array_to_string(list_sort(target_countries), '+')",
    # an event counts once for each country taking part in it
    "actor": "unnest(list_distinct(source_countries || target_countries))",
}
#: Columns of every long row, in order (``group`` only when grouping).
COLUMNS = (
    "period",
    "group",
    "events",
    "mentions",
    "goldstein_sum",
    "goldstein_mean",
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)
QUADS = COLUMNS[-4:]


def _check(by: str, group: str | None) -> None:
    if by not in PERIODS:
        raise UsageError(f"unknown period {by!r}; use one of {', '.join(PERIODS)}")
    if group is not None and group not in GROUPS:
        raise UsageError(f"cannot group by {group!r}; use one of {', '.join(GROUPS)}")


def series_query(
    filter: q.EventFilter | None, by: str, group: str | None = None
) -> tuple[str, list[Any]]:
    """SQL and parameters for the long rows (period, group, counts...), oldest first."""
    _check(by, group)
    wanted = q.EventFilter.of(filter)
    if wanted.mentions:
        raise UsageError("aggregates count real-world events; drop --mentions")
    where, params = wanted.where()
    where = (where + " AND " if where else "WHERE ") + "date IS NOT NULL"
    label = GROUPS[group] if group else "''"
    sql = f"""
        SELECT period, grp AS "group", count(*) AS events,
               sum(coalesce(num_mentions, 1)) AS mentions,
               round(sum(goldstein), 2) AS goldstein_sum,
               round(avg(goldstein), 3) AS goldstein_mean,
               count(*) FILTER (WHERE quad_class = 1) AS verbal_cooperation,
               count(*) FILTER (WHERE quad_class = 2) AS material_cooperation,
               count(*) FILTER (WHERE quad_class = 3) AS verbal_conflict,
               count(*) FILTER (WHERE quad_class = 4) AS material_conflict
        FROM (
            SELECT CAST(date_trunc('{by}', date) AS DATE) AS period, {label} AS grp,
                   num_mentions, goldstein, quad_class
            FROM events {where}
        )
        GROUP BY period, grp
        ORDER BY period, events DESC, grp
    """
    return sql, params


def series(
    store: Any, filter: q.EventFilter | None = None, by: str = "month", group: str | None = None
) -> list[dict[str, Any]]:
    """Long rows, one per period (and group): see ``COLUMNS``. Periods are ISO dates of
    their first day (a week's Monday); events without a date are left out."""
    sql, params = series_query(filter, by, group)
    out = []
    for row in store.query(sql, params):
        record = dict(zip(COLUMNS, row, strict=True))
        record["period"] = record["period"].isoformat()
        record["goldstein_sum"] = float(record["goldstein_sum"] or 0.0)
        record["goldstein_mean"] = float(record["goldstein_mean"] or 0.0)
        record["mentions"] = int(record["mentions"] or 0)
        if group is None:
            del record["group"]
        out.append(record)
    return out


def periods(first: str, last: str, by: str) -> list[str]:
    """Every period from ``first`` to ``last`` (ISO dates of period starts), inclusive."""
    day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    out = []
    while day <= end:
        out.append(day.isoformat())
        if by == "day":
            day += dt.timedelta(days=1)
        elif by == "week":
            day += dt.timedelta(days=7)
        elif by == "month":
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        else:
            day = dt.date(day.year + 1, 1, 1)
    return out


def wide(
    rows: Sequence[dict[str, Any]], by: str, value: str = "events", top: int = 8
) -> tuple[list[str], list[list[Any]]]:
    """A time series table: header ["period", series...] and one row per period with
    no gaps (zeros where nothing happened). Grouped rows give one series per group
    (the ``top`` largest, the rest summed as "other"); ungrouped rows give the four
    quad classes, or ``value`` when it is not "events"."""
    if not rows:
        return ["period"], []
    grouped = "group" in rows[0]
    if grouped:
        totals: dict[str, float] = {}
        for r in rows:
            totals[r["group"]] = totals.get(r["group"], 0) + r[value]
        names = sorted(totals, key=lambda g: (-totals[g], g))
        kept = names[:top]
        series_names = kept + (["other"] if len(names) > top else [])
    else:
        series_names = list(QUADS) if value == "events" else [value]
    cells: dict[tuple[str, str], float] = {}
    for r in rows:
        if grouped:
            name = r["group"] if r["group"] in series_names else "other"
            cells[(r["period"], name)] = cells.get((r["period"], name), 0) + r[value]
        else:
            for name in series_names:
                cells[(r["period"], name)] = r[name]
    table = [
        [p, *(cells.get((p, name), 0) for name in series_names)]
        for p in periods(rows[0]["period"], rows[-1]["period"], by)
    ]
    return ["period", *series_names], table


def plot(
    rows: Sequence[dict[str, Any]], by: str, path: str | os.PathLike[str], title: str = ""
) -> None:
    """Draw the series to a PNG (or any format matplotlib knows by the file's suffix):
    events per period (by group, or by quad class), and the mean Goldstein score."""
    import matplotlib

    matplotlib.use("Agg")  # headless: no display needed
    import matplotlib.pyplot as plt

    header, table = wide(rows, by)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(10, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    try:
        x = [dt.date.fromisoformat(r[0]) for r in table]
        for i, name in enumerate(header[1:], start=1):
            top.plot(
                x, [r[i] for r in table], marker="o", markersize=3, label=name.replace("_", " ")
            )
        top.set_ylabel("events")
        top.legend(loc="upper left", fontsize="small")
        top.set_title(title or f"events per {by}")
        means: dict[str, list[tuple[float, int]]] = {}
        for r in rows:
            means.setdefault(r["period"], []).append((r["goldstein_mean"], r["events"]))
        by_period = {
            p: sum(m * n for m, n in v) / max(1, sum(n for _, n in v)) for p, v in means.items()
        }
        bottom.bar(x, [by_period.get(r[0], 0.0) for r in table], width=_bar_width(by))
        bottom.axhline(0, color="black", linewidth=0.5)
        bottom.set_ylabel("Goldstein mean")
        fig.autofmt_xdate()
        fig.tight_layout()
        fig.savefig(os.fspath(path), dpi=100)
    finally:
        plt.close(fig)


def _bar_width(by: str) -> float:
    return {"day": 0.8, "week": 5.0, "month": 20.0, "year": 250.0}[by]

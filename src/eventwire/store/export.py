"""Write events as JSON Lines, JSON, CSV, Parquet, GDELT 2.0, POLECAT or PLOVER.

Shared by `eventwire events --format ...` and `eventwire export`, so both give
the same bytes for the same filters. The text writers take Event objects (so
they also work on events that were never stored); Parquet is written by DuckDB
straight from the events table, one file or a folder partitioned by year and month.
Exports read the store a page at a time, so a million events do not sit in memory.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from eventwire.errors import UsageError
from eventwire.models import Actor, Event
from eventwire.store import interchange
from eventwire.store import queries as q
from eventwire.store.core import Store

FORMATS: tuple[str, ...] = (
    "jsonl",
    "json",
    "csv",
    "parquet",
    "gdelt",
    "gdelt-mentions",
    "polecat",
    "plover",
)
#: Formats that carry each event's mentions (URLs, outlets, dates added).
WITH_MENTIONS = frozenset({"gdelt", "gdelt-mentions", "polecat", "plover"})
#: Events read from the store per page while exporting.
PAGE = 2000

#: CSV header: one row per event, each side's actors joined with ';'.
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "doc_id",
    "date",
    "event_type",
    "mode",
    "cameo",
    "quad_class",
    "goldstein",
    "status",
    "source_code",
    "source_name",
    "source_country",
    "target_code",
    "target_name",
    "target_country",
    "confidence",
    "evidence",
    "trigger",
    "event_id",
    "num_mentions",
    "num_sources",
    "num_articles",
)

Out = TextIO | str | os.PathLike[str]


def _join(actors: list[Actor], field: str) -> str:
    if field == "name":
        return ";".join(a.name or a.text for a in actors)
    return ";".join(getattr(a, field) for a in actors)


def csv_row(ev: Event) -> dict[str, Any]:
    """One flat CSV record for an event."""
    return {
        "id": ev.id,
        "doc_id": ev.doc_id,
        "date": ev.date or "",
        "event_type": ev.event_type,
        "mode": ev.mode,
        "cameo": ev.cameo,
        "quad_class": ev.quad_class,
        "goldstein": ev.goldstein,
        "status": ev.status,
        "source_code": _join(ev.source, "code"),
        "source_name": _join(ev.source, "name"),
        "source_country": _join(ev.source, "country"),
        "target_code": _join(ev.target, "code"),
        "target_name": _join(ev.target, "name"),
        "target_country": _join(ev.target, "country"),
        "confidence": round(ev.confidence, 3),
        "evidence": ev.evidence.text,
        "trigger": ev.evidence.trigger,
        # a freshly coded event (`eventwire code`) is its own single mention
        "event_id": ev.group.id if ev.group else "",
        "num_mentions": ev.group.num_mentions if ev.group else 1,
        "num_sources": ev.group.num_sources if ev.group else 1,
        "num_articles": ev.group.num_articles if ev.group else 1,
    }


def write_jsonl(events: Iterable[Event], fh: TextIO) -> int:
    n = 0
    for ev in events:
        fh.write(json.dumps(ev.to_dict(), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_json(events: Iterable[Event], fh: TextIO) -> int:
    records = [ev.to_dict() for ev in events]
    json.dump(records, fh, ensure_ascii=False, indent=2)
    fh.write("\n")
    return len(records)


def write_csv(events: Iterable[Event], fh: TextIO) -> int:
    writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    n = 0
    for ev in events:
        writer.writerow(csv_row(ev))
        n += 1
    return n


_TEXT_WRITERS = {
    "jsonl": write_jsonl,
    "json": write_json,
    "csv": write_csv,
    "gdelt": interchange.write_gdelt,
    "gdelt-mentions": interchange.write_gdelt_mentions,
    "polecat": interchange.write_polecat,
    "plover": interchange.write_plover,
}


def _check_format(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


@contextmanager
def _open_text(out: Out) -> Iterator[TextIO]:
    """A path (or "-" for stdout) is opened here; a stream is used as given, not closed."""
    if isinstance(out, (str, os.PathLike)):
        if os.fspath(out) == "-":
            yield sys.stdout
            return
        # newline="" so the csv module's \r\n row ends are not doubled on Windows.
        with open(out, "w", encoding="utf-8", newline="") as fh:
            yield fh
    else:
        yield out


def write_events(events: Iterable[Event], fmt: str, out: Out) -> int:
    """Write events that are already in memory as jsonl, json or csv; return the count."""
    fmt = _check_format(fmt)
    if fmt == "parquet":
        raise UsageError("parquet is written from the database; use export(store, 'parquet', ...)")
    with _open_text(out) as fh:
        return _TEXT_WRITERS[fmt](events, fh)


def export_parquet(store: Store, path: str | os.PathLike[str], **filters: Any) -> int:
    """COPY the matching rows of the events table to Parquet; return the count.

    A path ending in ".parquet" is one file; any other path is a folder partitioned by
    year and month (``year=2024/month=6/...``, read back with DuckDB's, pandas' or
    Spark's hive partitioning; undated events are under ``year=0/month=0``). The list
    columns stay lists; the JSON columns carry the full records; real-world events
    carry their counts (``num_mentions`` ...).
    """
    limit = filters.pop("limit", None)
    wanted = q.EventFilter.of(filters.pop("filter", None), **filters)
    where, params = wanted.where()
    target = os.fspath(path)
    if target.endswith(".parquet"):
        select = f"SELECT * FROM events {where} {wanted.order} {q.limit_clause(limit)}"
        options = "FORMAT parquet"
    else:
        select = (
            "SELECT *, coalesce(year(date), 0) AS year, coalesce(month(date), 0) AS month "
            f"FROM events {where} {wanted.order} {q.limit_clause(limit)}"
        )
        options = "FORMAT parquet, PARTITION_BY (year, month), OVERWRITE_OR_IGNORE"
    count = store.query(f"SELECT count(*) FROM ({select})", params)[0][0]
    store.query(f"COPY ({select}) TO ? ({options})", [*params, target])
    return int(count)


def iter_events(
    store: Store, filter: q.EventFilter | None = None, *, mentions: bool = False, **fields: Any
) -> Iterator[Event]:
    """The matching events a page at a time, in the filter's order; ``mentions`` also
    reads each real-world event's reports (for formats that list them)."""
    limit = fields.pop("limit", None)
    wanted = q.EventFilter.of(filter, **fields)
    done = 0
    while limit is None or done < limit:
        size = PAGE if limit is None else min(PAGE, limit - done)
        page = store.events(wanted, limit=size, offset=done)
        if mentions and not wanted.mentions:
            store.with_mentions(page)
        yield from page
        done += len(page)
        if len(page) < size:
            break


def export(store: Store, fmt: str, out: Out, **filters: Any) -> int:
    """Write the events matching ``filters`` (as for ``Store.events``) to ``out``.

    ``out`` is a path, "-" for stdout, or an open text stream (not for parquet,
    which DuckDB writes to a file itself). Returns the number of records written
    (for gdelt-mentions, of mention lines).
    """
    fmt = _check_format(fmt)
    if fmt == "parquet":
        if not isinstance(out, (str, os.PathLike)) or os.fspath(out) == "-":
            raise UsageError("parquet output needs a file path, not a stream; use --out FILE")
        return export_parquet(store, out, **filters)
    events = iter_events(store, mentions=fmt in WITH_MENTIONS, **filters)
    return write_events(events, fmt, out)

"""Write events as JSON Lines, JSON, CSV or Parquet.

Shared by `eventwire events --format ...` and `eventwire export`, so both give
the same bytes for the same filters. The text writers take Event objects (so
they also work on events that were never stored); Parquet is written by DuckDB
straight from the events table.
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
from eventwire.store import queries as q
from eventwire.store.core import Store

FORMATS: tuple[str, ...] = ("jsonl", "json", "csv", "parquet")

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


_TEXT_WRITERS = {"jsonl": write_jsonl, "json": write_json, "csv": write_csv}


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
    """COPY the matching rows of the events table to a Parquet file; return the count.

    The list columns stay lists in Parquet; the JSON columns carry the full records.
    """
    limit = filters.pop("limit", None)
    where, params = q.event_filter(**filters)
    select = f"SELECT * FROM events {where} {q.EVENT_ORDER} {q.limit_clause(limit)}"
    count = store.query(f"SELECT count(*) FROM ({select})", params)[0][0]
    store.query(f"COPY ({select}) TO ? (FORMAT parquet)", [*params, os.fspath(path)])
    return int(count)


def export(store: Store, fmt: str, out: Out, **filters: Any) -> int:
    """Write the events matching ``filters`` (as for ``Store.events``) to ``out``.

    ``out`` is a path, "-" for stdout, or an open text stream (not for parquet,
    which DuckDB writes to a file itself). Returns the number of events written.
    """
    fmt = _check_format(fmt)
    if fmt == "parquet":
        if not isinstance(out, (str, os.PathLike)) or os.fspath(out) == "-":
            raise UsageError("parquet output needs a file path, not a stream; use --out FILE")
        return export_parquet(store, out, **filters)
    return write_events(store.events(**filters), fmt, out)

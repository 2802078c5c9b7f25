"""Export formats: jsonl, json, csv (flat) and parquet (read back with DuckDB)."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

from eventwire.errors import UsageError
from eventwire.models import Actor, Event, Evidence
from eventwire.store import FORMATS, export, write_events
from eventwire.store.export import CSV_COLUMNS


def test_formats_listed():
    assert FORMATS == (
        "jsonl",
        "json",
        "csv",
        "parquet",
        "gdelt",
        "gdelt-mentions",
        "polecat",
        "plover",
    )


def test_jsonl_round_trips(filled, tmp_path):
    out = tmp_path / "events.jsonl"
    n = export(filled, "jsonl", out, status="all")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert n == len(lines) == 3
    events = [Event.from_dict(json.loads(line)) for line in lines]
    assert [e.to_dict() for e in events] == [e.to_dict() for e in filled.events(status="all")]


def test_json_to_stream_with_filters(filled):
    buf = io.StringIO()
    assert export(filled, "json", buf, country="UKR") == 1
    data = json.loads(buf.getvalue())
    assert [d["event_type"] for d in data] == ["PROTEST"]
    assert data[0]["location"]["text"] == "Kyiv"


def test_csv_is_flat(filled, tmp_path):
    out = tmp_path / "events.csv"
    assert export(filled, "csv", out, status="all") == 3
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    protest, threaten, accuse = rows
    assert protest["source_code"] == "UKRCVL" and protest["target_name"] == "Russia"
    assert protest["confidence"] == "0.877" and protest["trigger"] == "rallied"
    assert threaten["source_country"] == "IGO" and threaten["source_code"] == "IGO"
    assert accuse["status"] == "denied" and accuse["date"] == "2024-04"


def test_csv_joins_multiple_actors():
    ev = Event(
        doc_id="d",
        event_type="CONSULT",
        cameo="04",
        source=[Actor("Paris", "France", "FRA", "GOV"), Actor("Berlin", "", "DEU", "")],
        target=[Actor("someone")],
        evidence=Evidence("Paris and Berlin met someone", 0, 28, "met", 17, 20),
    )
    buf = io.StringIO()
    write_events([ev], "csv", buf)
    row = next(csv.DictReader(io.StringIO(buf.getvalue())))
    assert row["source_code"] == "FRAGOV;DEU"
    assert row["source_name"] == "France;Berlin"  # the mention text when there is no name
    assert row["source_country"] == "FRA;DEU"
    assert row["target_code"] == "" and row["target_name"] == "someone"
    assert row["date"] == ""


def test_parquet_read_back(filled, tmp_path):
    out = tmp_path / "events.parquet"
    assert export(filled, "parquet", out, status="all", country="RUS") == 3
    con = duckdb.connect()
    rows = con.execute(
        "SELECT id, event_type, source_countries, goldstein FROM read_parquet(?) ",
        [str(out)],
    ).fetchall()
    con.close()
    assert [r[1] for r in rows] == ["PROTEST", "THREATEN", "ACCUSE"]
    assert rows[0][2] == ["UKR"] and rows[0][3] == -6.5


def test_parquet_needs_a_path(filled):
    with pytest.raises(UsageError, match="file path"):
        export(filled, "parquet", io.StringIO())


def test_unknown_format(filled):
    with pytest.raises(UsageError, match="unknown format"):
        export(filled, "xml", io.StringIO())


def test_write_events_in_memory(articles):
    buf = io.StringIO()
    events = [e for a in articles for e in a.events]
    assert write_events(events, "jsonl", buf) == 3
    assert json.loads(buf.getvalue().splitlines()[0])["doc_id"] == "doc-1"

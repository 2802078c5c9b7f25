"""EventFilter: the one definition of which events to read, for Store.events, the
exporter and the `events` and `export` commands alike."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.errors import UsageError
from eventwire.store import export
from eventwire.store.queries import EventFilter, event_filter

FIELDS = [f.name for f in dataclasses.fields(EventFilter)]


def _types(events):
    return [e.event_type for e in events]


def test_defaults_select_asserted_events_only():
    where, params = EventFilter().where()
    assert where == "WHERE is_rep AND status IN (SELECT unnest(?))"
    assert params == [["asserted"]]
    assert EventFilter(status="all").where() == ("WHERE is_rep", [])
    # one row per mention: no representative condition
    assert EventFilter(status="all", mentions=True).where() == ("", [])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"event_type": "GOSSIP"}, "GOSSIP"),
        ({"status": "rumoured"}, "unknown event status"),
        ({"country": "Russia"}, "three-letter code"),
        ({"since": "March"}, "is not a date"),
        ({"since": "2024-05", "until": "2024-04"}, "swap them"),
    ],
)
def test_bad_values_fail_when_the_filter_is_made(fields, message):
    with pytest.raises(UsageError, match=message):
        EventFilter(**fields)


def test_of_combines_a_filter_with_keywords():
    base = EventFilter(country="RUS")
    assert EventFilter.of(base) is base
    assert EventFilter.of(base, status="all") == EventFilter(country="RUS", status="all")
    assert EventFilter.of(None, country="RUS") == base
    with pytest.raises(TypeError):
        EventFilter.of(base, colour="red")


def test_event_filter_function_is_the_same_clause():
    f = EventFilter(country="rus", event_type="threaten,accuse", since="2024-03")
    assert event_filter(f) == f.where()
    assert event_filter(country="rus", event_type="threaten,accuse", since="2024-03") == f.where()


def test_store_takes_a_filter_or_keywords(filled):
    by_keywords = filled.events(country="RUS", status="all")
    assert _types(by_keywords) == ["PROTEST", "THREATEN", "ACCUSE"]
    assert filled.events(EventFilter(country="RUS", status="all")) == by_keywords
    assert filled.events(filter=EventFilter(country="RUS"), status="all") == by_keywords
    assert _types(filled.events(EventFilter(country="RUS"), limit=1)) == ["PROTEST"]


def test_exporter_takes_a_filter(filled):
    import io

    out = io.StringIO()
    n = export(filled, "jsonl", out, filter=EventFilter(country="IGO", status="denied"))
    assert n == 1
    assert json.loads(out.getvalue())["event_type"] == "ACCUSE"


def test_parquet_export_takes_a_filter(filled, tmp_path):
    n = export(filled, "parquet", tmp_path / "e.parquet", filter=EventFilter(event_type="PROTEST"))
    assert n == 1


@pytest.mark.parametrize("command", ["events", "export"])
def test_cli_offers_every_filter_field(command):
    names = {p.name for p in main.commands[command].params}
    assert set(FIELDS) <= names


def _jsonl(db, command, *args):
    fmt = ["--format", "jsonl"]
    out = CliRunner().invoke(main, [command, "--db", str(db), *fmt, *args])
    assert out.exit_code == 0, out.output
    return [json.loads(line) for line in out.stdout.splitlines()]


@pytest.mark.parametrize(
    "args",
    [
        ["--country", "RUS", "--type", "THREATEN"],
        ["--country", "igo", "--type", "ACCUSE,THREATEN", "--status", "all"],
        ["--actor", "protesters", "--since", "2024-03-01", "--until", "2024-03-31"],
        ["--doc-id", "doc-2", "--status", "all", "--min-confidence", "0.5"],
    ],
)
def test_export_filters_like_events(filled, db_path, args):
    listed = _jsonl(db_path, "events", *args)
    exported = _jsonl(db_path, "export", *args)
    assert listed and exported == listed
    every = _jsonl(db_path, "export", "--status", "all")
    assert len(exported) < len(every)


def test_export_country_and_type_pick_the_matching_events(filled, db_path):
    exported = _jsonl(db_path, "export", "--country", "RUS", "--type", "THREATEN")
    assert [e["event_type"] for e in exported] == ["THREATEN"]


def test_export_bad_filter_is_a_usage_error(filled, db_path):
    out = CliRunner().invoke(
        main, ["export", "--db", str(db_path), "--format", "csv", "--type", "GOSSIP"]
    )
    assert out.exit_code == 2
    assert "GOSSIP" in out.stderr

"""Exports, aggregates and tables on the database `make run` builds from the sample corpus:
every export round-trips into the tools that read it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import eventwire
from eventwire.cli import main
from eventwire.store import aggregate, interchange
from eventwire.store.queries import EventFilter

SAMPLE = Path(eventwire.__file__).parent / "data" / "sample" / "articles.jsonl"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    out = CliRunner().invoke(main, ["ingest", str(SAMPLE), "--db", str(db), "-q"])
    assert out.exit_code == 0, out.output
    return db


def _run(*args: str) -> str:
    out = CliRunner().invoke(main, list(args))
    assert out.exit_code == 0, out.output
    return out.stdout


def test_gdelt_file_has_61_fields_and_loads_with_gdelt_names(sample_db, tmp_path):
    path = tmp_path / "events.tsv"
    _run("export", "--db", str(sample_db), "--format", "gdelt", "-o", str(path), "--status", "all")
    lines = path.read_text(encoding="utf-8").splitlines()
    with eventwire.open(str(sample_db)) as store:
        assert len(lines) == store.count(status="all")
    assert all(len(line.split("\t")) == 61 for line in lines)
    con = duckdb.connect()
    columns = {name: "VARCHAR" for name in interchange.GDELT_EVENT_COLUMNS}
    rows = con.execute(
        "SELECT count(*), count(DISTINCT GLOBALEVENTID), min(length(EventRootCode)), "
        "sum(CAST(NumMentions AS INTEGER)) FROM read_csv(?, delim='\t', header=false, "
        "quote='', escape='', columns=?)",
        [str(path), columns],
    ).fetchone()
    assert rows[0] == len(lines) and rows[1] == len(lines)  # one id per event
    assert rows[2] == 2
    with eventwire.open(str(sample_db)) as store:
        assert rows[3] == store.count(status="all", mentions=True)  # every mention counted once


def test_gdelt_mentions_one_line_per_report_each_naming_an_exported_event(sample_db, tmp_path):
    events, mentions = tmp_path / "events.tsv", tmp_path / "mentions.tsv"
    for fmt, path in (("gdelt", events), ("gdelt-mentions", mentions)):
        _run("export", "--db", str(sample_db), "--format", fmt, "-o", str(path), "--status", "all")
    lines = mentions.read_text(encoding="utf-8").splitlines()
    with eventwire.open(str(sample_db)) as store:
        assert len(lines) == store.count(status="all", mentions=True)
    assert all(len(line.split("\t")) == 16 for line in lines)
    ids = {line.split("\t")[0] for line in events.read_text(encoding="utf-8").splitlines()}
    assert {line.split("\t")[0] for line in lines} == ids
    assert all(line.split("\t")[5].startswith("https://") for line in lines)  # the article URLs


@pytest.mark.parametrize("fmt", ["polecat", "plover"])
def test_jsonl_exports_validate_against_their_schemas(sample_db, fmt):
    jsonschema = pytest.importorskip("jsonschema")
    text = _run("export", "--db", str(sample_db), "--format", fmt, "--status", "all")
    records = [json.loads(line) for line in text.splitlines()]
    assert records
    validator = jsonschema.Draft202012Validator(interchange.load_schema(fmt))
    for record in records:
        validator.validate(record)
    broken = dict(records[0])
    broken.pop(next(iter(interchange.load_schema(fmt)["required"])))
    assert list(validator.iter_errors(broken))


def test_parquet_partitioned_reads_back_in_duckdb_and_pandas(sample_db, tmp_path):
    folder = tmp_path / "events"
    _run("export", "--db", str(sample_db), "--format", "parquet", "-o", str(folder))
    with eventwire.open(str(sample_db)) as store:
        expected = store.count()
    years = sorted(p.name for p in folder.iterdir())
    assert years and all(name.startswith("year=") for name in years)
    assert any(p.name.startswith("month=") for p in (folder / years[-1]).iterdir())
    con = duckdb.connect()
    n, months = con.execute(
        "SELECT count(*), count(DISTINCT (year, month)) FROM "
        "read_parquet(?, hive_partitioning = true)",
        [str(folder / "**" / "*.parquet")],
    ).fetchone()
    assert n == expected and months > 5
    import pandas as pd

    assert len(pd.read_parquet(folder)) == expected


def test_single_parquet_file_and_csv(sample_db, tmp_path):
    path = tmp_path / "prk.parquet"
    _run(
        "export", "--db", str(sample_db), "--format", "parquet", "-o", str(path), "--country", "PRK"
    )
    with eventwire.open(str(sample_db)) as store:
        expected = store.count(country="PRK")
    assert (
        duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]
        == expected
    )
    rows = list(
        csv.DictReader(
            io.StringIO(
                _run("export", "--db", str(sample_db), "--format", "csv", "--country", "PRK")
            )
        )
    )
    assert len(rows) == expected and all(int(r["num_mentions"]) >= 1 for r in rows)


def test_monthly_dyad_series_as_csv_and_plot(sample_db, tmp_path):
    text = _run(
        "stats", "--db", str(sample_db), "--by", "month", "--dyad", "RUS:PRK", "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and rows[0]["period"].endswith("-01")
    with eventwire.open(str(sample_db)) as store:
        assert sum(int(r["events"]) for r in rows) == store.count(dyad="RUS:PRK")
    for r in rows:
        quads = sum(int(r[q]) for q in aggregate.QUADS)
        assert quads == int(r["events"])
    png = tmp_path / "rus-prk.png"
    _run("stats", "--db", str(sample_db), "--by", "month", "--dyad", "RUS:PRK", "--plot", str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_wide_series_has_no_gaps(sample_db):
    text = _run(
        "stats", "--db", str(sample_db), "--by", "month", "--dyad", "RUS:PRK", "--wide",
        "--format", "json",
    )  # fmt: skip
    table = json.loads(text)
    periods = [r["period"] for r in table]
    assert periods == aggregate.periods(periods[0], periods[-1], "month")
    assert set(table[0]) == {"period", *aggregate.QUADS}


def test_grouped_series_counts_every_event_once_per_group(sample_db):
    with eventwire.open(str(sample_db)) as store:
        by_type = aggregate.series(store, EventFilter(), by="year", group="type")
        total = store.count(EventFilter())
        undated = store.count(
            EventFilter(),
        ) - sum(r["events"] for r in aggregate.series(store, EventFilter(), by="year"))
    assert sum(r["events"] for r in by_type) == total - undated


def test_frame_and_arrow_match_the_event_count(sample_db):
    with eventwire.open(str(sample_db)) as store:
        frame = store.frame(country="UKR")
        table = store.arrow(country="UKR")
        n = store.count(country="UKR")
    assert len(frame) == n == table.num_rows
    assert {"event_id", "date", "event_type", "num_mentions", "source_countries"} <= set(
        frame.columns
    )
    assert frame["event_id"].is_unique


def test_bad_aggregate_options_are_usage_errors(sample_db):
    out = CliRunner().invoke(main, ["stats", "--db", str(sample_db), "--wide"])
    assert out.exit_code == 2 and "--by" in out.output
    out = CliRunner().invoke(
        main, ["stats", "--db", str(sample_db), "--by", "month", "--dyad", "Russia"]
    )
    assert out.exit_code == 2 and "SOURCE:TARGET" in out.output

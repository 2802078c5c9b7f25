"""End to end through the command line, with a real DuckDB file in a temporary folder."""

import json

import duckdb
from click.testing import CliRunner

from eventwire.cli import main

ARTICLES = [
    {
        "id": "t-1",
        "title": "Envoys meet",
        "date": "2023-05-10",
        "source": "Test Wire",
        "text": "Kenya and Somalia signed a security agreement in Nairobi on Tuesday.\n\n"
        "Somali officials praised Kenya for its help.",
    },
    {
        "id": "t-2",
        "title": "Border clash",
        "date": "2023-05-11",
        "source": "Test Wire",
        "text": "Sudanese troops attacked rebel positions near the border with Chad on Wednesday.",
    },
]


def _corpus(tmp_path):
    good = tmp_path / "in" / "news.jsonl"
    good.parent.mkdir()
    lines = [json.dumps(a) for a in ARTICLES]
    lines.insert(1, "{broken json")
    copy = dict(ARTICLES[0], id="t-1-copy", source="Other Wire")
    lines.append(json.dumps(copy))
    good.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "in" / "note.txt").write_text(
        "Chad recalled its ambassador from Sudan on Friday.", encoding="utf-8"
    )
    return tmp_path / "in"


def test_ingest_query_and_reingest(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "ew.duckdb")
    src = _corpus(tmp_path)
    first = runner.invoke(main, ["ingest", str(src), "--db", db, "--date", "2023-05-12"])
    assert first.exit_code == 1, first.output
    assert "news.jsonl:2: malformed JSON" in first.stderr
    assert "empty.txt: empty file" in first.stderr

    listed = runner.invoke(main, ["articles", "--db", db, "--format", "jsonl"])
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    by_status = {}
    for r in rows:
        by_status.setdefault(r["status"], set()).add(r["ref"])
    assert by_status["coded"] == {"t-1", "t-2", "note.txt"}
    assert by_status["duplicate"] == {"t-1-copy"}
    assert len(by_status["rejected"]) == 2

    events = runner.invoke(main, ["events", "--db", db, "--format", "jsonl", "--status", "all"])
    evs = [json.loads(line) for line in events.stdout.splitlines()]
    docs = {e["doc_id"].rsplit("#", 1)[-1] for e in evs}  # ids name their input: news.jsonl#t-1
    assert docs >= {"t-1", "t-2"}
    assert "t-1-copy" not in docs  # a copy is not counted twice
    agree = [e for e in evs if e["event_type"] == "SUPPORT"]  # signing an agreement
    assert agree and agree[0]["date"] == "2023-05-09"

    before = duckdb.connect(db, read_only=True)
    counts = before.execute(
        "select (select count(*) from articles), (select count(*) from events)"
    ).fetchone()
    before.close()
    again = runner.invoke(main, ["ingest", str(src), "--db", db, "--date", "2023-05-12"])
    assert "already stored:     4" in again.stderr  # the copy too
    assert "articles stored:    0" in again.stderr
    after = duckdb.connect(db, read_only=True)
    assert (
        after.execute(
            "select (select count(*) from articles), (select count(*) from events)"
        ).fetchone()
        == counts
    )
    after.close()


def test_events_filters_and_csv(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "ew.duckdb")
    runner.invoke(main, ["ingest", str(_corpus(tmp_path)), "--db", db])
    out = runner.invoke(
        main, ["events", "--db", db, "--country", "SOM", "--type", "SUPPORT", "--format", "csv"]
    )
    assert out.exit_code == 0
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("id,")
    assert len(lines) >= 2 and all("SUPPORT" in line for line in lines[1:])
    none = runner.invoke(main, ["events", "--db", db, "--country", "BRA", "--format", "jsonl"])
    assert none.stdout.strip() == ""


def test_code_jsonl_from_stdin_keeps_ids():
    line = json.dumps(
        {"id": "x9", "text": "Peru and Chile signed a fishing accord.", "date": "2022-01-05"}
    )
    out = CliRunner().invoke(main, ["code", "-", "--input-format", "jsonl"], input=line + "\n")
    assert out.exit_code == 0, out.output
    evs = [json.loads(x) for x in out.stdout.splitlines()]
    assert evs and {e["doc_id"] for e in evs} == {"x9"}


def test_query_without_database_is_a_usage_error(tmp_path):
    out = CliRunner().invoke(main, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert out.exit_code == 2
    assert "eventwire ingest" in out.stderr


def test_size_limit_is_defined_once():
    from eventwire import config
    from eventwire.fetch import Fetcher
    from eventwire.ingest import read_file, read_paths
    from eventwire.ingest.base import Options

    limit = config.MAX_BYTES
    assert config.Settings().max_bytes == Options().max_bytes == Fetcher().max_bytes == limit
    for reader in (read_paths, read_file):
        assert reader.__defaults__ is not None and limit in reader.__defaults__


def test_a_command_builds_one_settings_and_hands_it_down(monkeypatch, tmp_path):
    import eventwire.cli as cli
    import eventwire.pipeline as pipeline

    built, handed = [], []
    from_env = cli.Settings.from_env

    def counting(**overrides):
        built.append(from_env(**overrides))
        return built[-1]

    default = pipeline.Pipeline.default.__func__

    def spy(cls, settings=None, **kw):
        handed.append(settings)
        return default(cls, settings, **kw)

    monkeypatch.setattr(cli.Settings, "from_env", staticmethod(counting))
    monkeypatch.setattr(pipeline.Pipeline, "default", classmethod(spy))
    actors = tmp_path / "actors.csv"
    actors.write_text("name,code,country,sector,start,end\n", encoding="utf-8")
    out = CliRunner().invoke(
        main,
        ["code", "-", "--date", "2022-01-05", "--workers", "1", "--actors", str(actors)],
        input="Peru and Chile signed a fishing accord.",
    )
    assert out.exit_code == 0, out.output
    assert len(built) == 1 and handed == built
    assert (built[0].date, built[0].actors, built[0].workers) == ("2022-01-05", str(actors), 1)


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`eventwire code … | head -1`: exit 141 (128 + SIGPIPE), no error and no "bug"."""
    import subprocess
    import sys

    from eventwire import bench_corpus

    corpus = tmp_path / "many.jsonl"
    corpus.write_text(
        "".join(json.dumps(r) + "\n" for r in bench_corpus.articles(12)), encoding="utf-8"
    )
    cmd = [sys.executable, "-m", "eventwire", "code", str(corpus), "--input-format", "jsonl"]
    cmd += ["--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # more than a pipe's buffer is still to come
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert json.loads(first)["id"].startswith("ev_")
    assert "error" not in err and "bug" not in err

"""Nothing a user gives is lost, overwritten or crashes the run.

Each test is one way a new user with ordinary folders of files lost data before:
same file names in two folders, the same record ids in two files, two runs of
stdin, a reader beside a writer, Ctrl-C, bad filter values.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from eventwire.cli import main

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = Path(__file__).resolve().parents[1]

_PAIRS = [
    ("Kenya", "Ethiopia", "Nairobi"),
    ("Chile", "Peru", "Lima"),
    ("Ghana", "Togo", "Accra"),
    ("Norway", "Sweden", "Oslo"),
    ("Vietnam", "Laos", "Hanoi"),
    ("Egypt", "Sudan", "Cairo"),
    ("Poland", "Lithuania", "Warsaw"),
    ("Jordan", "Iraq", "Amman"),
]


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def _summary(stderr: str) -> dict[str, int]:
    out = {}
    for line in stderr.splitlines():
        key, sep, value = line.partition(":")
        if sep and value.strip().split(" ")[0].isdigit():
            out[key.strip()] = int(value.strip().split(" ")[0])
    return out


def _folder(tmp_path: Path) -> Path:
    """Two report.txt in two folders, two JSONL files with the same ids, an empty file."""
    root = tmp_path / "in"
    (root / "north").mkdir(parents=True)
    (root / "south").mkdir(parents=True)
    (root / "north" / "report.txt").write_text(
        "Kenya and Ethiopia signed a trade agreement in Nairobi on Monday.\n", encoding="utf-8"
    )
    (root / "south" / "report.txt").write_text(
        "Chile and Peru held talks in Lima on Tuesday about fishing rights.\n", encoding="utf-8"
    )
    (root / "monday.jsonl").write_text(
        json.dumps({"id": "1", "text": "Brazil accused Argentina of dumping steel."})
        + "\n"
        + json.dumps({"id": "2", "text": "Ghana and Togo agreed to reopen their border."})
        + "\n",
        encoding="utf-8",
    )
    (root / "tuesday.jsonl").write_text(
        json.dumps({"id": "1", "text": "Japan and India signed a defence pact."})
        + "\n"
        + json.dumps({"id": "2", "text": "Egypt condemned the Israeli strikes on Gaza."})
        + "\n",
        encoding="utf-8",
    )
    (root / "empty.txt").write_text("", encoding="utf-8")
    return root


def test_same_names_and_ids_from_different_inputs_are_all_kept(tmp_path):
    db = tmp_path / "ew.duckdb"
    folder = _folder(tmp_path)
    out = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--date", "2024-05-06"])
    assert out.exit_code == 1  # the empty file is named
    assert "empty.txt: empty file" in out.stderr
    assert "Traceback" not in out.output
    summary = _summary(out.stderr)
    assert summary["articles stored"] == 6
    assert _count(db, "SELECT count(*) FROM articles") == summary["articles stored"]
    assert _count(db, "SELECT count(*) FROM events") == summary["events coded"]
    assert _count(db, "SELECT count(DISTINCT doc_id) FROM events") == 6  # every one coded
    refs = _count(
        db,
        "SELECT count(*) FROM articles "
        "WHERE ref IN ('north/report.txt', 'south/report.txt', '1', '2')",
    )
    assert refs == 6  # each keeps the id it has within its input

    again = CliRunner().invoke(
        main, ["ingest", str(folder), "--db", str(db), "--date", "2024-05-06"]
    )
    assert _summary(again.stderr)["already stored"] == 6
    assert _summary(again.stderr)["articles stored"] == 0
    assert _count(db, "SELECT count(*) FROM articles") == 6


def test_another_working_folder_finds_the_articles_already_stored(tmp_path, monkeypatch):
    db = tmp_path / "ew.duckdb"
    folder = _folder(tmp_path)
    CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])
    monkeypatch.chdir(folder / "north")
    again = CliRunner().invoke(main, ["ingest", "report.txt", "--db", str(db)])
    assert _summary(again.stderr)["already stored"] == 1
    assert _count(db, "SELECT count(*) FROM articles") == 6


def test_two_runs_of_stdin_keep_both_texts(tmp_path):
    db = str(tmp_path / "ew.duckdb")
    for text in ("Iran threatened Israel with retaliation.", "Cuba and Mexico signed a deal."):
        out = CliRunner().invoke(
            main, ["ingest", "-", "--db", db, "--date", "2024-01-02"], input=text
        )
        assert out.exit_code == 0, out.output
    assert _count(Path(db), "SELECT count(*) FROM articles") == 2
    same = CliRunner().invoke(
        main,
        ["ingest", "-", "--db", db, "--date", "2024-01-02"],
        input="Cuba and Mexico signed a deal.",
    )
    assert _summary(same.stderr)["already stored"] == 1


def test_same_id_with_other_text_is_reported_and_never_overwritten(tmp_path):
    db = tmp_path / "ew.duckdb"
    news = tmp_path / "news.jsonl"
    news.write_text(json.dumps({"id": "9", "text": "Mali expelled the French ambassador."}) + "\n")
    CliRunner().invoke(main, ["ingest", str(news), "--db", str(db)])
    news.write_text(json.dumps({"id": "9", "text": "Niger expelled the French ambassador."}) + "\n")
    out = CliRunner().invoke(main, ["ingest", str(news), "--db", str(db)])
    assert out.exit_code == 1
    assert "id '9' is already stored from this input with different text" in out.stderr
    assert "--replace" in out.stderr
    assert _count(db, "SELECT count(*) FROM articles WHERE text LIKE 'Mali%'") == 1
    assert _count(db, "SELECT count(*) FROM rejected") == 1  # the new version is kept there

    replaced = CliRunner().invoke(main, ["ingest", str(news), "--db", str(db), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert _count(db, "SELECT count(*) FROM articles WHERE text LIKE 'Niger%'") == 1
    assert _count(db, "SELECT count(*) FROM articles") == 1
    assert _count(db, "SELECT count(*) FROM rejected") == 0


def test_an_id_used_twice_in_one_file_keeps_the_first_and_names_the_second(tmp_path):
    db = tmp_path / "ew.duckdb"
    news = tmp_path / "news.jsonl"
    news.write_text(
        json.dumps({"id": "4", "text": "Spain recalled its ambassador from Algeria."})
        + "\n"
        + json.dumps({"id": "4", "text": "Morocco recalled its ambassador from Algeria."})
        + "\n"
        + json.dumps({"id": "4", "text": "Spain recalled its ambassador from Algeria."})
        + "\n"
    )
    out = CliRunner().invoke(main, ["ingest", str(news), "--db", str(db)])
    assert out.exit_code == 1
    assert "news.jsonl:2: id '4' is used twice in this input with different text" in out.stderr
    summary = _summary(out.stderr)
    assert summary["articles stored"] == 1 and summary["already stored"] == 1
    assert _count(db, "SELECT count(*) FROM articles WHERE text LIKE 'Spain%'") == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--type", "ATTACK"], "ASSAULT"),  # the valid types are listed
        (["--status", "bogus"], "asserted"),
        (["--country", "Russia"], "three-letter"),
    ],
)
def test_bad_filter_values_are_usage_errors(tmp_path, args, needle):
    db = str(tmp_path / "ew.duckdb")
    CliRunner().invoke(main, ["ingest", "-", "--db", db], input="Chile and Peru met in Lima.")
    out = CliRunner().invoke(main, ["events", "--db", db, *args])
    assert out.exit_code == 2
    assert needle in out.stderr and "Traceback" not in out.output


def test_old_type_names_still_filter(tmp_path):
    db = str(tmp_path / "ew.duckdb")
    CliRunner().invoke(
        main, ["ingest", "-", "--db", db], input="Brazil accused Argentina of dumping steel."
    )
    out = CliRunner().invoke(
        main, ["events", "--db", db, "--type", "disapprove", "--format", "jsonl"]
    )
    assert out.exit_code == 0
    assert [json.loads(x)["event_type"] for x in out.stdout.splitlines()] == ["ACCUSE"]


def test_verbosity_after_the_command_and_undated_warning(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Kenya and Ethiopia signed a trade agreement on Monday.\n")
    out = CliRunner().invoke(main, ["code", str(story), "-v"])
    assert out.exit_code == 0, out.output
    assert "no publication date" in out.stderr and "--date" in out.stderr
    dated = CliRunner().invoke(main, ["code", str(story), "-q", "--date", "2024-05-08"])
    assert "no publication date" not in dated.stderr


def test_an_unexpected_failure_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    import eventwire.runners.local as local

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(local, "ingest", broken)
    out = CliRunner().invoke(main, ["ingest", "-", "--db", str(tmp_path / "x.duckdb")], input="x")
    assert out.exit_code == 1
    assert "unexpected ZeroDivisionError: division by zero" in out.stderr
    assert "Traceback" not in out.output


#: Stories in the interrupted ingest: enough that it is still running, on a fast machine,
#: when the reader's first answer comes (240 finished first there once).
STORIES = 1200


def _corpus(tmp_path: Path, n: int = STORIES) -> Path:
    """Different short stories (no two copies of one), enough work to take a while."""
    verbs = [
        "signed a trade agreement with",
        "accused",
        "held talks with",
        "threatened sanctions against",
        "sent aid to",
        "expelled diplomats from",
    ]
    out = tmp_path / "corpus.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for i in range(n):
            a, b, city = _PAIRS[i % len(_PAIRS)]
            verb = verbs[(i // len(_PAIRS)) % len(verbs)]
            text = (
                f"{a} {verb} {b} in {city} on Monday, officials said in report {i}. "
                f"The ministry said {i + 3} delegates attended and {2 * i + 7} journalists "
                f"followed the meeting. Analysts in {city} expect more talks in week {i % 50}."
            )
            fh.write(json.dumps({"id": f"s{i}", "text": text, "date": "2024-04-01"}) + "\n")
    return out


def _eventwire(*args: str) -> list[str]:
    return [sys.executable, "-m", "eventwire", *args]


@pytest.mark.slow
def test_readers_answer_during_an_ingest_and_ctrl_c_keeps_what_was_done(tmp_path):
    db = tmp_path / "ew.duckdb"
    corpus = _corpus(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONUNBUFFERED": "1"}
    writer = subprocess.Popen(
        _eventwire("ingest", str(corpus), "--db", str(db)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        answered = None
        while time.monotonic() < deadline and writer.poll() is None:
            time.sleep(0.5)
            if not db.exists():
                continue
            reader = subprocess.run(
                _eventwire("events", "--db", str(db), "--format", "jsonl", "--status", "all"),
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
            )
            assert reader.returncode == 0, reader.stderr
            if reader.stdout.strip():
                answered = reader.stdout
                break
        assert answered, "no events could be read while the ingest ran"
        assert writer.poll() is None, "the ingest ended before the reader was tried"
        writer.send_signal(signal.SIGINT)
        _, err = writer.communicate(timeout=120)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == 130, err
    assert "interrupted: stored" in err and "run the same command again" in err
    assert "Traceback" not in err
    stored = _count(db, "SELECT count(*) FROM articles")
    assert 0 < stored < STORIES

    rest = subprocess.run(
        _eventwire("ingest", str(corpus), "--db", str(db)),
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert rest.returncode == 0, rest.stderr
    summary = _summary(rest.stderr)
    assert summary["already stored"] == stored
    assert summary["articles stored"] == STORIES - stored
    assert _count(db, "SELECT count(*) FROM articles") == STORIES


def test_make_eval_without_the_shared_folder_says_what_it_needs(tmp_path):
    out = subprocess.run(
        ["make", "-s", "eval", f"GOLD={tmp_path / 'missing.jsonl'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode != 0
    assert "no gold file at" in out.stderr and "GOLD=" in out.stderr


def test_a_symlink_loop_in_a_folder_is_named_and_the_rest_is_read(tmp_path):
    folder = _folder(tmp_path)
    (folder / "north" / "again").symlink_to(folder, target_is_directory=True)
    db = tmp_path / "ew.duckdb"
    out = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])
    assert out.exit_code == 1
    looped = [line for line in out.stderr.splitlines() if "again" in line]
    assert looped and looped[0].startswith("rejected ") and "loop" in looped[0]
    assert _summary(out.stderr)["articles stored"] == 6


def test_a_page_heading_does_not_swallow_the_first_sentence(tmp_path):
    page = tmp_path / "pact.html"
    page.write_text(
        "<html><head><title>Pact</title></head><body><article><h1>Pact signed</h1>"
        "<p>Kenya and Ethiopia signed a border pact on Wednesday in Nairobi, officials said.</p>"
        "<p>The deal sets up joint patrols along the border, the two ministers said.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    out = CliRunner().invoke(main, ["code", str(page), "--date", "2024-06-19"])
    events = [json.loads(line) for line in out.stdout.splitlines()]
    signed = [e for e in events if e["evidence"]["trigger"] == "signed"]
    assert signed and {a["country"] for a in signed[0]["source"]} == {"KEN", "ETH"}
    assert not signed[0]["evidence"]["text"].startswith("Pact signed")

"""A run killed at any point (kill -9) and started again ends with exactly the store an
uninterrupted run makes: nothing duplicated, nothing lost."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

SAMPLE = Path(__file__).parents[1] / "src" / "eventwire" / "data" / "sample" / "articles.jsonl"


def _corpus(tmp_path: Path) -> Path:
    """Three copies of the sample corpus under new ids: enough work to be killed midway."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    out = tmp_path / "corpus.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for n in range(3):
            for line in lines:
                d = json.loads(line)
                d["id"] = f"{d['id']}-{n}"
                d["text"] = d["text"] + f"\n\nEdition {n} of this report."
                fh.write(json.dumps(d) + "\n")
        fh.write("{not json\n")  # a bad line, quarantined every time
    return out


def _ingest(corpus: Path, db: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "eventwire", "ingest", str(corpus), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def _snapshot(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        articles = con.execute(
            "SELECT id, status, content_hash, story_id, n_events FROM articles ORDER BY id"
        ).fetchall()
        # the real-world events too: mentions regrouped after a restart as in one run
        events = con.execute(
            "SELECT id, doc_id, event_type, event_key, is_rep, num_mentions FROM events ORDER BY id"
        ).fetchall()
        rejected = con.execute("SELECT origin, reason FROM rejected ORDER BY origin").fetchall()
    finally:
        con.close()
    return articles, events, rejected


@pytest.mark.slow
def test_kill_and_restart_ends_with_the_same_store(tmp_path):
    corpus = _corpus(tmp_path)
    clean_db = tmp_path / "clean.duckdb"
    assert _ingest(corpus, clean_db).wait(timeout=300) == 1  # 1: the bad line is named
    expected = _snapshot(clean_db)
    n_sample = len(SAMPLE.read_text(encoding="utf-8").splitlines())
    assert len(expected[0]) == 3 * n_sample and expected[1] and len(expected[2]) == 1

    killed_db = tmp_path / "killed.duckdb"
    # kill at several points: during start-up, mid-coding, and late in the run
    for delay in (2.5, 4.0, 6.0):
        proc = _ingest(corpus, killed_db)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert _ingest(corpus, killed_db).wait(timeout=300) == 1
    assert _snapshot(killed_db) == expected

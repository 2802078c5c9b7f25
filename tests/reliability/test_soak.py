"""Long runs of `eventwire watch`: a soak against a local feed site whose feeds change and
fail (eventwire/soak.py), and the back-off that keeps a failing feed from being hammered.

The soak here runs about 30 s; `make soak` (or EVENTWIRE_SOAK_SECONDS=600 with this test,
or `python -m eventwire.soak --seconds 600`) runs a long one."""

import os
from pathlib import Path

from click.testing import CliRunner

from eventwire import soak
from eventwire.cli import WATCH_MAX_SKIP, FeedBackoff, main


def test_a_failing_feed_sits_out_more_rounds_each_time_and_comes_back():
    backoff = FeedBackoff(["good", "bad"], max_skip=4)
    read = []
    lines = []
    for n in range(16):
        due = backoff.due()
        read.append(due)
        for feed in due:
            failing = feed == "bad" and n < 12  # bad fails until round 12, then works
            lines.append(backoff.record(feed, "HTTP 503 Service Unavailable" if failing else None))
    assert all("good" in due for due in read)  # a working feed is read every round
    rounds_bad = [n for n, due in enumerate(read) if "bad" in due]
    # read, sit out 1, read, sit out 2, read, sit out 4, read, sit out 4 (the cap), read
    assert rounds_bad[:5] == [0, 2, 5, 10, 15]
    assert (
        "watch: bad failed 1 round(s) in a row (HTTP 503 Service Unavailable); "
        "sitting out 1 round(s)" in lines
    )
    assert (
        "watch: bad failed 4 round(s) in a row (HTTP 503 Service Unavailable); "
        "sitting out 4 round(s)" in lines
    )  # capped
    assert "watch: bad works again after 4 failed round(s)" in lines
    assert backoff.failures["bad"] == 0 and WATCH_MAX_SKIP >= 4


def test_watch_logs_a_failing_input_and_backs_off(tmp_path):
    db = str(tmp_path / "w.duckdb")
    missing = str(tmp_path / "missing.rss")
    out = CliRunner().invoke(
        main, ["watch", missing, "--every", "0s", "--runs", "4", "--db", db, "--workers", "1"]
    )
    assert out.exit_code == 1
    err = out.stderr
    assert err.count(f"rejected {missing}: no such file or directory") == 2  # rounds 1 and 3
    assert f"watch: {missing} failed 1 round(s) in a row (no such file or directory)" in err
    assert "watch: round 2: every feed is sitting out" in err
    assert f"watch: {missing} failed 2 round(s) in a row" in err
    assert "sitting out 2 round(s)" in err and "round 4: every feed is sitting out" in err


def test_watch_takes_only_a_sane_interval(tmp_path):
    for every in ("-1s", "nan", "infs", "soon"):
        out = CliRunner().invoke(main, ["watch", "x.rss", "--every", every, "--runs", "1"])
        assert out.exit_code == 2 and "is not an interval" in out.output, every


def test_soak_of_watch_against_changing_and_failing_feeds(tmp_path):
    seconds = float(os.environ.get(soak.SECONDS_ENV) or 30)
    result = soak.run(seconds, tmp_path)
    tail = "\n".join(result.log_tail)
    assert not result.problems, f"{result.problems}\n--- the watch's log, last lines:\n{tail}"
    assert result.exit_code == 1 and result.rounds == result.runs >= 8  # ended by itself
    # the faults were injected, and watch lived through them
    kinds = set(result.faults)
    assert {"redirect 301", "redirect 302", "404 gone"} <= kinds
    assert kinds & {"500 server error", "503 server error"}
    assert kinds & {"timeout", "malformed XML (cut off)"}
    assert result.feed_failures >= 3 and result.recoveries >= 1 and result.skipped_fetches > 0
    assert result.entries_served >= 30 and result.stored >= result.entries_served
    assert result.events > 0
    if Path("/proc/self/status").exists():  # the resident set is read from /proc
        assert len(result.rss_kb) == result.rounds
        assert result.growth() is not None and result.growth() < soak.MAX_GROWTH


# -- each round of watch in a process of its own (cli._in_child) -------------------------


def _pid_of_round(due):
    return {feed: str(os.getpid()) for feed in due}


def _round_failing(due):
    from eventwire.errors import StoreError

    raise StoreError("the database failed on purpose")


def _round_interrupted(due):
    raise KeyboardInterrupt


def test_a_round_runs_in_a_child_process_and_brings_back_what_failed():
    import pytest

    from eventwire.cli import _in_child

    problems, rejected = _in_child(_pid_of_round, ["a.rss", "b.rss"])
    assert set(problems) == {"a.rss", "b.rss"} and rejected
    assert {int(pid) for pid in problems.values()} != {os.getpid()}
    with pytest.raises(SystemExit) as failed:
        _in_child(_round_failing, ["a.rss"])
    assert failed.value.code == 1
    with pytest.raises(KeyboardInterrupt):
        _in_child(_round_interrupted, ["a.rss"])


def test_watch_runs_its_rounds_apart_only_where_it_can(monkeypatch):
    from eventwire import cli

    monkeypatch.setenv(cli.WATCH_FORK_ENV, "0")
    assert cli._rounds_apart() is False
    monkeypatch.setenv(cli.WATCH_FORK_ENV, "1")
    # pytest's captured streams may or may not be files; a stream without one is in-process
    import io

    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert cli._rounds_apart() is False

"""The store benchmark on a small database: what it reports and that its data are sound.

No timing is asserted: figures depend on the machine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from eventwire import store_bench
from eventwire.cli import main
from eventwire.models import Article
from eventwire.store import Store, grouping

N = 20_000
READ_KEYS = {"operation", "rows", "median_s", "max_s", "session_median_s"}
WRITE_KEYS = {
    "median_s",
    "max_s",
    "per_article_median_s",
    "stored_candidates_median_s",
    "assign_median_s",
    "refresh_median_s",
    "keys_of_docs_median_s",
    "candidates",
}


@pytest.fixture(scope="module")
def coded() -> list[Article]:
    return store_bench.coded_articles(3)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, coded: list[Article]) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("store-bench") / "bench.duckdb"
    result = store_bench.run_store_bench(n=N, runs=1, batch=len(coded), path=path, articles=coded)
    result["path"] = path
    return result


def test_reports_every_operation_with_consistent_counts(bench: dict[str, Any]) -> None:
    assert bench["mentions"] == N
    # about 1.3 mentions per event, about five per article
    assert 1.2 < N / bench["events"] < 1.45
    assert 0.7 * N / 5 < bench["articles"] <= N / 5 * 1.1
    assert bench["events"] > bench["asserted_events"] > 0.8 * bench["events"]
    assert bench["build_seconds"] > 0 and bench["file_mb"] > 0 and bench["peak_rss_mb"] > 0
    reads = {r["operation"]: r for r in bench["reads"]}
    assert list(reads) == [label for label, _ in store_bench.read_operations()]
    assert all(set(r) == READ_KEYS for r in reads.values())
    assert all(0 <= r["median_s"] <= r["max_s"] for r in reads.values())
    assert reads["count()"]["rows"] == bench["asserted_events"]
    assert reads["count(status=None)"]["rows"] == bench["events"]
    assert reads["count(mentions=True, status=None)"]["rows"] == N
    russia = reads['count(country="RUS", event_type="ASSAULT", since="2020")']["rows"]
    assert 0 < russia < bench["asserted_events"]
    months = reads['series(dyad="RUS:UKR", by="month")']["rows"]
    assert 0 < months <= 11 * 12
    assert reads['series(dyad="RUS:UKR", by="month", group="type")']["rows"] > months
    assert reads['events(actor="putin", limit=50)']["rows"] == 50
    assert reads['events(country="PRK", sort="mentions", limit=50)']["rows"] == 50
    assert 0 < reads['count(text="missile")']["rows"] < bench["asserted_events"]
    assert 0 < reads['frame(dyad="USA:CHN")']["rows"] < bench["asserted_events"]


def test_reports_the_write_path(bench: dict[str, Any], coded: list[Article]) -> None:
    writes = bench["writes"]
    assert writes["articles_per_batch"] == len(coded)
    assert writes["events_per_batch"] == sum(len(a.events) for a in coded) > 0
    for kind in ("new", "replace"):
        assert set(writes[kind]) == WRITE_KEYS
        assert writes[kind]["median_s"] >= writes[kind]["refresh_median_s"] > 0
    text = store_bench.format_store_bench(bench)
    for label, _ in store_bench.read_operations():
        assert label in text
    assert "save_batch(3 articles, new)" in text and "stored_candidates" in text


def test_rows_read_back_and_keep_the_store_invariants(bench: dict[str, Any]) -> None:
    store = Store(bench["path"])
    mentions = store.events(mentions=True, status=None)
    # a warm-up batch and one new one; the re-save replaces the last batch
    assert len(mentions) == N + 2 * bench["writes"]["events_per_batch"]
    events = store.events(status=None)
    assert all(ev.group is not None for ev in events)
    assert sum(ev.group.num_mentions for ev in events if ev.group) == len(mentions)
    # one representative per event, and the counts are what grouping computes
    assert store.count(status=None) == len({ev.group.id for ev in events if ev.group})
    columns = "id, is_rep, num_mentions, num_sources, num_articles, first_seen, last_seen, "
    columns += "group_confidence, statuses_json"
    before = store.query(f"SELECT {columns} FROM events ORDER BY id")
    with store.session() as con:
        grouping.refresh(con)
    assert store.query(f"SELECT {columns} FROM events ORDER BY id") == before
    # the blocking key is the one the store computes; offsets point into the article
    for ev_type, cameo, src, tgt, key in store.query(
        "SELECT event_type, cameo, source_countries, target_countries, match_key FROM events"
    ):
        assert grouping.block_of(ev_type, cameo, src, tgt) == key
    with store.session():
        for ev in mentions[:100]:
            article = store.article(ev.doc_id)
            assert article is not None
            assert article.text[ev.evidence.start : ev.evidence.end] == ev.evidence.text
            for actor in ev.source + ev.target:
                assert article.text[actor.start : actor.end] == actor.text
            json.dumps(ev.to_dict())
    store.close()


def test_candidates_by_date_miss_no_match(bench: dict[str, Any]) -> None:
    """Asking the database for candidates of a compatible date only (``windows``) leaves
    out no stored mention that the blocks alone would have offered and that matches."""
    store = Store(bench["path"], read_only=True)
    cols = ", ".join(grouping.MATCH_COLUMNS)
    with store.session() as con:
        sample = con.execute(
            f"SELECT {cols} FROM events WHERE hash(id) % 10 = 0 ORDER BY id LIMIT 1500"
        ).fetchall()
        new = [grouping.mention_of(r[0], "", *r[2:]) for r in sample]
        assert {m.precision for m in new} == {"day", "", "month", "year"}
        blocks = sorted({b for m in new for b in grouping.blocks_of(m.block)})
        every = [
            grouping.mention_of(*r)
            for r in con.execute(
                f"SELECT {cols} FROM events WHERE match_key IN (SELECT unnest(?))", [blocks]
            ).fetchall()
        ]
        got = {m.id for m in grouping.stored_candidates(con, new, [])}
    store.close()
    by_block: dict[str, list[grouping.Mention]] = {}
    for m in every:
        by_block.setdefault(m.block, []).append(m)
    matches = [
        (m, old)
        for m in new
        for b in grouping.blocks_of(m.block)
        for old in by_block.get(b, [])
        if grouping.score(m, old) is not None
    ]
    assert len(matches) > len(new)  # each matches itself, and some match others
    assert all(old.id in got for _, old in matches)
    assert len(got) < len(every)


def test_cli_store_bench_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, coded: list[Article]
) -> None:
    monkeypatch.setattr(store_bench, "coded_articles", lambda count: coded)
    out = CliRunner().invoke(
        main, ["bench", "--store", "--events", "3000", "--runs", "1", "--json"]
    )
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["mentions"] == 3000
    reads = {r["operation"]: r["rows"] for r in result["reads"]}
    assert reads["count(mentions=True, status=None)"] == 3000
    assert reads["count()"] == result["asserted_events"]
    assert result["writes"]["articles_per_batch"] == len(coded)

"""The pipeline benchmark on a tiny generated corpus: what it reports, that its counts and
ratios follow from its own figures, and that the generated corpus is deterministic and
holds no copies. No timing is asserted: figures depend on the machine."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from eventwire import bench, bench_corpus
from eventwire.cli import main
from eventwire.dedup import Dedup
from eventwire.models import Article

N = 6
RUN_KEYS = {
    "wall_seconds",
    "startup_seconds",
    "work_seconds",
    "articles_per_second",
    "words_per_second",
    "articles_per_second_wall",
    "words_per_second_wall",
    "peak_rss_mb",
    "peak_rss_one_mb",
    "cpu_seconds",
    "ratio",
    "ratio_wall",
}


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("EVENTWIRE_BENCH_LONG_CHARS", raising=False)
        return bench.run_bench(articles=N, workers=1)


def test_reports_every_run_with_its_keys(result: dict[str, Any]) -> None:
    assert list(result["runs"]) == ["baseline", "baseline-numpy", "code", "ingest"]
    for figures in result["runs"].values():
        assert RUN_KEYS <= set(figures)
        assert figures["peak_rss_mb"] >= figures["peak_rss_one_mb"] > 0
        assert figures["wall_seconds"] > 0
    base = result["runs"]["baseline"]
    for name in ("baseline", "baseline-numpy"):
        own = result["runs"][name]
        assert {"load_seconds", "pipe_seconds", "pipe_words_per_second", "tokens"} <= set(own)
    assert base["tokens"] == result["runs"]["baseline-numpy"]["tokens"] > result["words"]
    assert result["workers"] == 1
    assert len(result["load_average_before"]) == len(result["load_average_after"]) == 3
    assert "read_clean_jsonl_articles_per_second" in result


def test_counts_articles_and_words_of_the_corpus(result: dict[str, Any]) -> None:
    records = bench_corpus.articles(N)
    assert result["articles"] == N
    assert result["words"] == sum(len(r["text"].split()) for r in records)
    buckets = result["code_by_length"]
    assert sum(b["articles"] for b in buckets) == N
    assert sum(b["words"] for b in buckets) == result["words"]
    # Every article was stored and coded, none taken for a copy of another.
    summary = result["runs"]["ingest"]["summary"]
    assert summary["stored"] == N
    assert summary["duplicates"] == 0
    assert summary["events"] > 0


def test_rates_and_ratios_follow_from_the_figures(result: dict[str, Any]) -> None:
    n, words = result["articles"], result["words"]
    runs = result["runs"]
    base = runs["baseline"]
    for figures in runs.values():
        wall, startup, work = (
            figures[k] for k in ("wall_seconds", "startup_seconds", "work_seconds")
        )
        assert work == pytest.approx(max(wall - startup, 1e-9), abs=0.02)
        assert figures["words_per_second_wall"] == pytest.approx(words / wall, rel=0.02)
        assert figures["articles_per_second_wall"] == pytest.approx(n / wall, rel=0.02)
        if work >= 0.5:  # rounded to 0.01 s: the rate of a tiny difference is not checked
            assert figures["words_per_second"] == pytest.approx(words / work, rel=0.05)
        assert figures["ratio"] == pytest.approx(
            figures["words_per_second"] / base["words_per_second"], rel=0.01
        )
        assert figures["ratio_wall"] == pytest.approx(
            figures["words_per_second_wall"] / base["words_per_second_wall"], rel=0.01
        )
    assert base["ratio"] == base["ratio_wall"] == 1.0


def test_table_names_every_run_and_bucket(result: dict[str, Any]) -> None:
    text = bench.format_bench(result)
    for name in ("baseline", "baseline-numpy", "code", "ingest", "peak RSS MB", "start-up s"):
        assert name in text
    for b in result["code_by_length"]:
        assert b["bucket"] in text
    assert "duplicates 0" in text
    assert "ratio" in text and "same matrix products (baseline-numpy): code " in text


def test_cli_passes_its_options(
    result: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    seen: dict[str, Any] = {}

    def fake(**kwargs: Any) -> dict[str, Any]:
        seen.update(kwargs)
        return result

    monkeypatch.setattr(bench, "run_bench", fake)
    corpus = bench_corpus.write(tmp_path / "c.jsonl", 2)
    out = CliRunner().invoke(
        main, ["bench", "--corpus", str(corpus), "--workers", "2", "--articles", "7", "--json"]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["runs"].keys() == result["runs"].keys()
    assert seen == {"corpus": str(corpus), "workers": 2, "articles": 7}
    out = CliRunner().invoke(main, ["bench"])
    assert out.exit_code == 0 and "baseline" in out.output
    from eventwire.config import default_workers

    # the default is the commands' own: every core
    assert seen["corpus"] is None and seen["workers"] == default_workers()
    assert seen["articles"] == 500


def test_peak_rss_counts_the_descendants() -> None:
    grandchild = "import time; b = b'x' * 60_000_000; time.sleep(0.6)"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"
    done = bench.measure([sys.executable, "-c", child])
    assert done["peak_rss_one_mb"] > 55  # the grandchild
    assert done["peak_rss_mb"] > done["peak_rss_one_mb"] + 3  # plus its parent


def test_ingest_summary_is_read() -> None:
    stderr = (
        "files read:         1\narticles read:      5\narticles stored:    4\n"
        "duplicates:         1 (exact or reworded copies, not coded again)\n"
        "rejected inputs:    0\nevents coded:       17\n"
    )
    assert bench.ingest_summary(stderr) == {
        "stored": 4,
        "duplicates": 1,
        "rejected": 0,
        "events": 17,
    }


def test_corpus_is_deterministic_and_varied() -> None:
    first = bench_corpus.articles(40)
    assert first == bench_corpus.articles(40)
    assert first[:10] == bench_corpus.articles(10)
    assert first != bench_corpus.articles(40, seed=1)
    assert len({r["id"] for r in first}) == len({r["text"] for r in first}) == 40
    for r in first:
        assert set(r) == {"id", "title", "date", "source", "url", "text"}
        assert "2023-01-01" <= r["date"] <= "2025-12-31"
        assert r["text"].count("\n\n") >= 1
    lengths = [len(r["text"].split()) for r in bench_corpus.articles(200)]
    assert min(lengths) >= 150 and max(lengths) > 1800
    assert 0.6 < sum(150 <= x <= 900 for x in lengths) / len(lengths) < 0.95
    assert len({r["source"] for r in first}) > 5


def test_corpus_holds_no_copies_for_dedup() -> None:
    dedup = Dedup()
    records = bench_corpus.articles(60)
    marked = [dedup(Article(id=r["id"], text=r["text"], date=r["date"])).status for r in records]
    assert "duplicate" not in marked
    # ... while a copy of one of them is one (the check can fail).
    copy = dedup(Article(id="copy", text=records[5]["text"] + " More soon.", date="2024-01-01"))
    assert copy.status == "duplicate"

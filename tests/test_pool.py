"""The worker pool: `--workers 2` gives exactly what one process gives, in input order, and
a worker that dies costs nothing but time."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

import eventwire
from eventwire.cli import main
from eventwire.config import Settings
from eventwire.models import Article
from eventwire.pipeline import POOL_CHUNK, Pipeline

SAMPLE = Path(eventwire.__file__).parent / "data" / "sample" / "articles.jsonl"


def _articles(n: int) -> list[Article]:
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return [
        Article(id=f"{r['id']}", text=r["text"], title=r.get("title", ""), date=r.get("date"))
        for r in records[:n]
    ]


def _events(articles: list[Article]) -> list[tuple[str, list[dict]]]:
    return [(a.id, [e.to_dict() for e in a.events]) for a in articles]


def test_two_workers_code_exactly_what_one_does_in_the_same_order():
    n = 3 * POOL_CHUNK + 1
    one = list(Pipeline.default(Settings(workers=1), dedup=False).pipe(_articles(n)))
    pipeline = Pipeline.default(Settings(workers=2), dedup=False)
    try:
        two = list(pipeline.pipe(_articles(n)))
        assert pipeline._pool is not None  # the pool really ran
    finally:
        pipeline.close()
    assert [a.id for a in two] == [a.id for a in one]
    assert _events(two) == _events(one)
    assert [a.status for a in two] == [a.status for a in one]


class _DiesInWorker:
    """A stage that kills the process it runs in, when that is a pool worker."""

    name = "boom"
    needs = ("doc",)
    provides = ()

    def __init__(self) -> None:
        self.parent = os.getpid()

    def __call__(self, article: Article) -> Article:
        if article.id.endswith("#boom") and os.getpid() != self.parent:
            os._exit(1)
        return article


def test_a_dead_worker_costs_only_time():
    base = Pipeline.default(Settings(workers=2), dedup=False)
    stages = list(base.stages)
    stages.insert(len(stages) - 1, _DiesInWorker())
    pipeline = Pipeline(stages, workers=2)
    articles = _articles(2 * POOL_CHUNK)
    articles[POOL_CHUNK + 1].id += "#boom"  # a task of the second chunk kills its worker
    try:
        done = list(pipeline.pipe(articles))
    finally:
        pipeline.close()
    assert len(done) == len(articles)
    assert all(a.status == "coded" for a in done)
    assert sum(len(a.events) for a in done) > 0


def test_ingest_with_two_workers_stores_what_one_worker_stores(tmp_path):
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records[:20]), encoding="utf-8")
    stores = []
    for w in (1, 2):
        db = tmp_path / f"w{w}.duckdb"
        out = CliRunner().invoke(
            main, ["ingest", str(corpus), "--db", str(db), "--workers", str(w), "-q"]
        )
        assert out.exit_code == 0, out.output
        with eventwire.open(str(db)) as store:
            stores.append(
                (
                    store.query("SELECT id, status, story_id, n_events FROM articles ORDER BY id"),
                    store.query("SELECT id, event_key, is_rep, confidence FROM events ORDER BY id"),
                )
            )
    assert stores[0] == stores[1]


def test_progress_line_shows_rate_and_eta_when_the_total_is_known(tmp_path):
    from eventwire.cli import _estimate_articles, progress_line

    line = progress_line(120, 480, 10.0)
    assert "120/480" in line and "12.0/s" in line and "ETA 0:00:30" in line
    assert progress_line(7, None, 2.0) == "stored 7 articles  3.5/s"
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n\n{"text": "y"}\n', encoding="utf-8")
    (tmp_path / "b.txt").write_text("z", encoding="utf-8")
    assert _estimate_articles([str(tmp_path)], None) == 3
    assert _estimate_articles([str(tmp_path)], "*.txt") == 1
    assert _estimate_articles(["-"], None) is None


def test_a_pool_ends_with_its_pipeline():
    import gc

    pipeline = Pipeline.default(Settings(workers=2), dedup=False)
    list(pipeline.pipe(_articles(2 * POOL_CHUNK)))
    pool = pipeline._pool
    assert pool is not None
    processes = list(pool._processes.values())
    assert processes and all(p.is_alive() for p in processes)
    del pipeline
    gc.collect()
    for p in processes:
        p.join(timeout=10)
    assert not any(p.is_alive() for p in processes)

"""``eventwire bench``: speed and memory of the pipeline on the bundled sample corpus.

Timing lives here, never in unit tests: figures depend on the machine.
"""

from __future__ import annotations

import html
import json
import resource
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from .clean import clean_text
from .config import Settings
from .ingest import read_paths
from .models import Article
from .nlp import load as load_nlp
from .pipeline import Pipeline


def sample_articles() -> list[Article]:
    path = resources.files("eventwire") / "data" / "sample" / "articles.jsonl"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(
                Article(id=d["id"], text=d["text"], title=d.get("title", ""), date=d.get("date"))
            )
    return out


def _fresh(articles: list[Article], n: int) -> list[Article]:
    return [Article(id=f"{a.id}#{i}", text=a.text, date=a.date) for i in range(n) for a in articles]


def _read_and_clean(base: list[Article], repeat: int) -> dict[str, float]:
    """Articles per second read from disk and cleaned, for JSONL and for HTML pages."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jsonl = folder / "all.jsonl"
        with jsonl.open("w", encoding="utf-8") as fh:
            for i in range(repeat):
                for a in base:
                    fh.write(
                        json.dumps({"id": f"{a.id}#{i}", "text": a.text, "date": a.date}) + "\n"
                    )
        pages = folder / "pages"
        pages.mkdir()
        for i in range(repeat):
            for a in base:
                body = "".join(f"<p>{html.escape(p)}</p>" for p in a.text.split("\n\n"))
                (pages / f"{a.id}-{i}.html").write_text(
                    f"<html><head><title>{html.escape(a.title)}</title></head><body>"
                    f"<nav>Home | World</nav><article><h1>{html.escape(a.title)}</h1>{body}"
                    f"</article><footer>Share this article</footer></body></html>",
                    encoding="utf-8",
                )
        for name, path in (("jsonl", jsonl), ("html", pages)):
            t0 = time.perf_counter()
            n = 0
            for item in read_paths([str(path)]):
                if isinstance(item, Article):
                    clean_text(item.text)
                    n += 1
            out[f"read_clean_{name}_articles_per_second"] = round(n / (time.perf_counter() - t0), 1)
    return out


def run_bench(repeat: int = 3, workers: int = 1) -> dict[str, Any]:
    base = sample_articles()
    words = sum(len(a.text.split()) for a in base) * repeat

    t0 = time.perf_counter()
    load_nlp()
    load_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    for a in _fresh(base, repeat):
        clean_text(a.text)
    clean_seconds = time.perf_counter() - t0

    pipeline = Pipeline.default(Settings(workers=workers), dedup=False)
    list(pipeline.pipe(_fresh(base[:2], 1)))  # warm-up: knowledge base, matcher, lexicon
    t0 = time.perf_counter()
    done = list(pipeline.pipe(_fresh(base, repeat)))
    seconds = time.perf_counter() - t0
    n_events = sum(len(a.events) for a in done)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reading = _read_and_clean(base, repeat)
    return {
        **reading,
        "articles": len(done),
        "words": words,
        "events": n_events,
        "workers": workers,
        "model_load_seconds": round(load_seconds, 2),
        "clean_articles_per_second": round(len(done) / clean_seconds, 1) if clean_seconds else None,
        "pipeline_seconds": round(seconds, 2),
        "articles_per_second": round(len(done) / seconds, 2),
        "words_per_second": round(words / seconds, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }


def format_bench(result: dict[str, Any]) -> str:
    return "\n".join(f"{k:28} {v}" for k, v in result.items())

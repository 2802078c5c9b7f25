"""``eventwire bench``: speed and memory of the pipeline on the bundled sample corpus.

Timing lives here, never in unit tests: figures depend on the machine.

The long-document measurement (words/s and peak memory on one generated text of about
2.5 MB, against the short sample articles) takes a few minutes, so it is off by default:
``EVENTWIRE_BENCH_LONG_CHARS=2500000 eventwire bench`` adds it to the report, and
``python -m eventwire.bench --long-chars 2500000 [--piece-chars N]`` runs it alone.
It runs in a child process, so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from .clean import clean_text
from .config import Settings
from .ingest import read_paths
from .models import Article
from .nlp import PIECE_CHARS
from .nlp import load as load_nlp
from .pipeline import Parse, Pipeline

#: Length of the generated long document, when the long measurement is asked for.
LONG_CHARS = 2_500_000
#: Sentences of our own (no news text) for the long document; most hold an event.
_LONG_SENTENCES = (
    "Kenya and Ethiopia signed a trade agreement in Nairobi on Monday.",
    "Chile accused Peru of violating its airspace near the border.",
    "The foreign minister of Ghana met his Nigerian counterpart in Accra on Tuesday.",
    "Norway sent humanitarian aid to Sudan after the floods.",
    "Brazil recalled its ambassador from Argentina over the remarks.",
    "Vietnam condemned China for blocking fishing boats near the Paracel Islands.",
    "Officials said the weather stayed mild and the markets were calm.",
    "Thai troops shelled positions held by Cambodian soldiers near the disputed temple.",
    "Poland and Lithuania agreed to hold joint military exercises next spring.",
    "The harvest was larger than expected, according to the farmers' union.",
)


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


def long_text(chars: int) -> str:
    """A text of ``chars`` characters: paragraphs of three to six sentences."""
    paras, n, i = [], 0, 0
    while n < chars:
        k = 3 + i % 4
        para = " ".join(_LONG_SENTENCES[(i + 3 * j) % len(_LONG_SENTENCES)] for j in range(k))
        paras.append(para)
        n += len(para) + 2
        i += 1
    return "\n\n".join(paras)[:chars]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_long(chars: int = LONG_CHARS, piece_chars: int | None = None) -> dict[str, Any]:
    """Words/s and peak memory: the sample articles (short), then one text of ``chars``
    characters (long), through the default pipeline in this process."""
    pipeline = Pipeline.default(Settings(), dedup=False)
    size = piece_chars or PIECE_CHARS
    for stage in pipeline.stages:
        if isinstance(stage, Parse):
            stage.piece_chars = size
    base = sample_articles()
    list(pipeline.pipe(_fresh(base[:2], 1)))  # warm-up
    short_words = sum(len(a.text.split()) for a in base) * 3
    t0 = time.perf_counter()
    list(pipeline.pipe(_fresh(base, 3)))
    short_seconds = time.perf_counter() - t0
    short_peak = _peak_mb()

    text = long_text(chars)
    words = len(text.split())
    t0 = time.perf_counter()
    article = pipeline.run(Article(id="long", text=text, date="2024-05-06"))
    seconds = time.perf_counter() - t0
    short_wps = short_words / short_seconds
    long_wps = words / seconds
    return {
        "long_chars": len(text),
        "long_words": words,
        "long_status": article.status,
        "long_events": len(article.events),
        "piece_chars": size,
        "long_seconds": round(seconds, 1),
        "long_words_per_second": round(long_wps, 1),
        "short_words_per_second": round(short_wps, 1),
        "long_vs_short_speed": round(long_wps / short_wps, 2),
        "short_peak_rss_mb": round(short_peak, 1),
        "long_peak_rss_mb": round(_peak_mb(), 1),
    } | ({"long_reason": article.reason} if article.reason else {})


def _long_in_child(chars: int, piece_chars: int | None = None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "eventwire.bench", "--long-chars", str(chars), "--json"]
    if piece_chars:
        cmd += ["--piece-chars", str(piece_chars)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"long_error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout)


def run_bench(repeat: int = 3, workers: int = 1, long_chars: int | None = None) -> dict[str, Any]:
    """The sample-corpus figures; with ``long_chars`` (or EVENTWIRE_BENCH_LONG_CHARS) also
    the long-document ones, measured in a child process."""
    if long_chars is None:
        long_chars = int(os.environ.get("EVENTWIRE_BENCH_LONG_CHARS", "0") or 0)
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
    } | (_long_in_child(long_chars) if long_chars else {})


def format_bench(result: dict[str, Any]) -> str:
    return "\n".join(f"{k:28} {v}" for k, v in result.items())


def main(argv: list[str] | None = None) -> None:
    """``python -m eventwire.bench``: the long-document measurement alone."""
    ap = argparse.ArgumentParser(prog="python -m eventwire.bench", description=main.__doc__)
    ap.add_argument("--long-chars", type=int, default=LONG_CHARS, help="length of the text")
    ap.add_argument("--piece-chars", type=int, default=None, help=f"default {PIECE_CHARS}")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    args = ap.parse_args(argv)
    result = run_long(args.long_chars, args.piece_chars)
    print(json.dumps(result, indent=2) if args.json else format_bench(result))


if __name__ == "__main__":  # pragma: no cover
    main()

"""``eventwire bench``: speed and memory of spaCy alone, ``eventwire code`` and
``eventwire ingest``, in one run and on the same texts.

Timing lives here, never in unit tests: figures depend on the machine.

Each measurement runs in a fresh process, so start-up (interpreter, imports, loading the
model and the knowledge base, starting worker processes) is included; on the same corpus:

* ``baseline``: bare spaCy, a child Python that loads the project's model with the
  components ``nlp.load`` excludes (``spacy.load(MODEL, exclude=EXCLUDE)``, without the
  project's two added components) and runs ``nlp.pipe(texts, batch_size=BATCH_SIZE,
  n_process=W)`` over the corpus texts, dropping each Doc as it comes;
* ``baseline-numpy``: the same with the matrix products eventwire's parse uses (thinc's
  ``NumpyOps(use_blis=False)``, numpy's BLAS on one thread: ``nlp.numpy_products``), so
  that what eventwire adds over its own parser shows apart from what that setting gains;
* ``code``: ``eventwire code CORPUS --input-format jsonl --workers W > /dev/null``;
* ``ingest``: ``eventwire ingest CORPUS --input-format jsonl --db NEW --workers W`` into a
  new DuckDB file.

Start-up is the wall time of the same command on a corpus of one article (the corpus's
shortest); work is wall time minus start-up. Rates are given on work time and on wall
time, and as ratios to the baseline's. Peak memory is sampled every 50 ms from
``/proc``: the largest sum of VmRSS over the process and all its descendants, and the
largest single process (pages shared after a fork count once per process in the sum);
CPU seconds are user + system time of the process and the descendants it waited for.
``eventwire code`` is also run on the corpus cut by article length (words/s per bucket),
so that a long article's cost per word can be set against a short one's.

Without ``--corpus`` the corpus is generated (``bench_corpus``: deterministic, 500
articles of varied length by default, none a copy of another for deduplication; the
ingest run's ``duplicates`` says so).

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
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from . import bench_corpus
from .clean import clean_text
from .config import Settings
from .ingest import read_paths
from .models import Article
from .nlp import BATCH_SIZE, EXCLUDE, MODEL, PIECE_CHARS
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


def _fresh(articles: list[Article], n: int) -> list[Article]:
    return [Article(id=f"{a.id}#{i}", text=a.text, date=a.date) for i in range(n) for a in articles]


def _read_and_clean(base: list[Article], repeat: int = 1) -> dict[str, float]:
    """Articles per second read from disk and cleaned, for JSONL and for HTML pages (in
    this process), and cleaned alone."""
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
    t0 = time.perf_counter()
    for a in base:
        clean_text(a.text)
    out["clean_articles_per_second"] = round(len(base) / (time.perf_counter() - t0), 1)
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
    characters (long), through the default pipeline in this process, on one core (one
    text is coded by one process)."""
    pipeline = Pipeline.default(Settings(workers=1), dedup=False)
    size = piece_chars or PIECE_CHARS
    for stage in pipeline.stages:
        if isinstance(stage, Parse):
            stage.piece_chars = size
    base = bench_corpus.sample_articles()
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


# -- the three runs ------------------------------------------------------------------
#: Article length buckets (words) for the code run: (label, lowest, highest).
BUCKETS = (
    ("<=300", 0, 300),
    ("301-1000", 301, 1000),
    ("1001-1499", 1001, 1499),
    (">=1500", 1500, None),
)
#: Seconds between two memory samples.
SAMPLE_SECONDS = 0.05

#: The baseline child: bare spaCy, no eventwire import (its package import alone loads the
#: pipeline). Prints its own load and pipe times as JSON.
_BASELINE = """
import json, sys, time
t0 = time.perf_counter()
import spacy
model, exclude, batch, workers, path, gemm = sys.argv[1:7]
nlp = spacy.load(model, exclude=[x for x in exclude.split(",") if x])
nlp.max_length = 2_000_000
if gemm == "numpy":  # the matrix products eventwire uses (nlp.numpy_products)
    from thinc.api import Model, NumpyOps
    from threadpoolctl import threadpool_limits
    threadpool_limits(limits=1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        if isinstance(getattr(component, "model", None), Model):
            for layer in component.model.walk():
                layer.ops = ops
with open(path, encoding="utf-8") as fh:
    texts = [json.loads(line)["text"] for line in fh if line.strip()]
t1 = time.perf_counter()
docs = tokens = 0
for doc in nlp.pipe(texts, batch_size=int(batch), n_process=int(workers)):
    docs += 1
    tokens += len(doc)
t2 = time.perf_counter()
own = {"load_seconds": t1 - t0, "pipe_seconds": t2 - t1, "docs": docs, "tokens": tokens}
print(json.dumps(own))
"""


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return out


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants alive now."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


class PeakRss:
    """Samples, from a thread, the VmRSS of a process and its descendants: ``all_kb`` is
    the largest sum seen, ``one_kb`` the largest single process."""

    def __init__(self, pid: int, every: float = SAMPLE_SECONDS) -> None:
        self.pid, self.every = pid, every
        self.all_kb = self.one_kb = self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = [_rss_kb(p) for p in process_tree(self.pid)]
            self.all_kb = max(self.all_kb, sum(sizes))
            self.one_kb = max(self.one_kb, max(sizes, default=0))
            self.samples += 1
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(cmd: list[str], capture: bool = False) -> dict[str, Any]:
    """Run ``cmd`` to its end: wall seconds, CPU seconds (user + system of the process and
    the descendants it waited for), peak RSS (MB, all processes and largest one), stderr,
    and stdout when ``capture`` (else it goes to /dev/null)."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])  # this eventwire, in the child too
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    with PeakRss(proc.pid) as peak:
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        tail = (err or "").strip().splitlines()[-3:]
        raise RuntimeError(f"{' '.join(cmd[:4])} ... exited {proc.returncode}: {' | '.join(tail)}")
    return {
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "peak_rss_mb": peak.all_kb / 1024,
        "peak_rss_one_mb": peak.one_kb / 1024,
        "stdout": out or "",
        "stderr": err or "",
    }


def _commands(corpus: Path, workers: int, db: Path) -> dict[str, list[str]]:
    py = sys.executable
    w = str(workers)
    spacy_alone = [py, "-c", _BASELINE, MODEL, ",".join(EXCLUDE), str(BATCH_SIZE), w, str(corpus)]
    return {
        "baseline": [*spacy_alone, "blis"],
        "baseline-numpy": [*spacy_alone, "numpy"],
        "code": [py, "-m", "eventwire", "code", str(corpus), "--input-format", "jsonl",
                 "--workers", w],
        "ingest": [py, "-m", "eventwire", "ingest", str(corpus), "--input-format", "jsonl",
                   "--db", str(db), "--workers", w],
    }  # fmt: skip


def read_corpus(path: str | Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines corpus (each needs a "text")."""
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def words(text: str) -> int:
    return len(text.split())


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


#: Lines of the ingest summary (stderr) kept in the report, by the key they get.
_SUMMARY_KEYS = {
    "articles stored": "stored",
    "duplicates": "duplicates",
    "skipped": "skipped",
    "rejected inputs": "rejected",
    "events coded": "events",
}
_SUMMARY = re.compile(rf"^({'|'.join(_SUMMARY_KEYS)}):\s+(\d+)", re.M)


def ingest_summary(stderr: str) -> dict[str, int]:
    """The counts of an ``eventwire ingest`` summary: stored, duplicates, events, ..."""
    return {_SUMMARY_KEYS[k]: int(v) for k, v in _SUMMARY.findall(stderr)}


def _rates(n: int, n_words: int, wall: float, startup: float) -> dict[str, Any]:
    work = max(wall - startup, 1e-9)
    return {
        "wall_seconds": round(wall, 2),
        "startup_seconds": round(startup, 2),
        "work_seconds": round(work, 2),
        "articles_per_second": round(n / work, 2),
        "words_per_second": round(n_words / work, 1),
        "articles_per_second_wall": round(n / wall, 2),
        "words_per_second_wall": round(n_words / wall, 1),
    }


def run_bench(
    corpus: str | Path | None = None,
    workers: int = 1,
    articles: int = bench_corpus.ARTICLES,
    long_chars: int | None = None,
    buckets: bool = True,
) -> dict[str, Any]:
    """Baseline, code and ingest on one corpus (``corpus``, else ``articles`` generated
    ones), each with ``workers`` processes; with ``long_chars`` (or
    EVENTWIRE_BENCH_LONG_CHARS) also the long-document figures."""
    if long_chars is None:
        long_chars = int(os.environ.get("EVENTWIRE_BENCH_LONG_CHARS", "0") or 0)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="eventwire-bench-") as tmp:
        folder = Path(tmp)
        if corpus is None:
            path = bench_corpus.write(folder / "corpus.jsonl", articles)
            name = f"generated ({articles} articles, seed {bench_corpus.SEED})"
        else:
            path, name = Path(corpus), str(corpus)
        records = read_corpus(path)
        if not records:
            raise ValueError(f"{path}: no records")
        counts = [words(r.get("text") or "") for r in records]
        n, n_words = len(records), sum(counts)
        shortest = min(range(n), key=counts.__getitem__)
        probe = _write(folder / "probe.jsonl", [records[shortest]])

        # Start-up first (it also warms the disk cache), then the full runs.
        startup = {
            run: measure(cmd)["wall_seconds"]
            for run, cmd in _commands(probe, workers, folder / "probe.duckdb").items()
        }
        runs: dict[str, dict[str, Any]] = {}
        for run, cmd in _commands(path, workers, folder / "bench.duckdb").items():
            done = measure(cmd, capture=run.startswith("baseline"))
            runs[run] = _rates(n, n_words, done["wall_seconds"], startup[run]) | {
                "cpu_seconds": round(done["cpu_seconds"], 1),
                "peak_rss_mb": round(done["peak_rss_mb"], 1),
                "peak_rss_one_mb": round(done["peak_rss_one_mb"], 1),
            }
            if run.startswith("baseline"):
                own = json.loads(done["stdout"].strip().splitlines()[-1])
                runs[run] |= {
                    "load_seconds": round(own["load_seconds"], 2),
                    "pipe_seconds": round(own["pipe_seconds"], 2),
                    "pipe_words_per_second": round(n_words / own["pipe_seconds"], 1),
                    "tokens": own["tokens"],
                }
            if run == "ingest":
                runs[run]["summary"] = ingest_summary(done["stderr"])
        base = runs["baseline"]
        for figures in runs.values():
            figures["ratio"] = round(figures["words_per_second"] / base["words_per_second"], 3)
            figures["ratio_wall"] = round(
                figures["words_per_second_wall"] / base["words_per_second_wall"], 3
            )

        by_length: list[dict[str, Any]] = []
        for label, low, high in BUCKETS if buckets else ():
            part = [
                r
                for r, c in zip(records, counts, strict=True)
                if low <= c and (high is None or c <= high)
            ]
            if not part:
                continue
            sub = _write(folder / f"bucket-{len(by_length)}.jsonl", part)
            cmd = _commands(sub, workers, folder / "unused.duckdb")["code"]
            done = measure(cmd)
            part_words = sum(words(r.get("text") or "") for r in part)
            rates = _rates(len(part), part_words, done["wall_seconds"], startup["code"])
            by_length.append(
                {"bucket": label, "articles": len(part), "words": part_words}
                | {k: rates[k] for k in ("wall_seconds", "work_seconds", "words_per_second")}
                | {"vs_all": round(rates["words_per_second"] / runs["code"]["words_per_second"], 3)}
            )
        reading = _read_and_clean(
            [Article(id=str(r.get("id", i)), text=r.get("text") or "", title=r.get("title") or "",
                     date=r.get("date")) for i, r in enumerate(records)]
        )  # fmt: skip
    return {
        "corpus": name,
        "articles": n,
        "words": n_words,
        "workers": workers,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
        "code_by_length": by_length,
        **reading,
    } | (_long_in_child(long_chars) if long_chars else {})


def _mb(x: float) -> str:
    return f"{x:,.0f}"


def format_bench(result: dict[str, Any]) -> str:
    """The report as text: one row per run, the length buckets, the extras."""
    if "runs" not in result:  # the long-document measurement alone
        return "\n".join(f"{k:28} {v}" for k, v in result.items())
    lb, la = result["load_average_before"], result["load_average_after"]
    lines = [
        f"corpus: {result['corpus']}: {result['articles']:,} articles, "
        f"{result['words']:,} words; workers: {result['workers']}",
        f"load average (1, 5, 15 min): {' '.join(map(str, lb))} before, "
        f"{' '.join(map(str, la))} after",
        "",
        "rates on work time (wall - start-up), wall-time rates in brackets; ratio = words/s "
        "over the baseline's",
    ]
    head = (
        "run",
        "wall s",
        "start-up s",
        "CPU s",
        "articles/s (wall)",
        "words/s (wall)",
        "peak RSS MB all (one)",
        "ratio (wall)",
    )
    rows: list[tuple[str, ...]] = [head]
    for name, r in result["runs"].items():
        rows.append((
            name,
            f"{r['wall_seconds']:.1f}",
            f"{r['startup_seconds']:.1f}",
            f"{r['cpu_seconds']:.1f}",
            f"{r['articles_per_second']:.1f} ({r['articles_per_second_wall']:.1f})",
            f"{r['words_per_second']:,.0f} ({r['words_per_second_wall']:,.0f})",
            f"{_mb(r['peak_rss_mb'])} ({_mb(r['peak_rss_one_mb'])})",
            f"{r['ratio']:.2f} ({r['ratio_wall']:.2f})",
        ))  # fmt: skip
    lines += _table(rows)
    buckets = result.get("code_by_length") or []
    if buckets:
        lines += ["", "eventwire code by article length (work time, start-up subtracted):"]
        rows = [("length", "articles", "words", "work s", "words/s", "vs whole corpus")]
        rows += [
            (b["bucket"], str(b["articles"]), f"{b['words']:,}", f"{b['work_seconds']:.1f}",
             f"{b['words_per_second']:,.0f}", f"{b['vs_all']:.2f}")
            for b in buckets
        ]  # fmt: skip
        lines += _table(rows)
    summary = result["runs"].get("ingest", {}).get("summary")
    if summary:
        lines += ["", "ingest: " + ", ".join(f"{k} {v}" for k, v in summary.items())]
        if summary.get("duplicates"):
            lines.append("warning: the ingest run marked copies, which it did not code")
    for name in ("baseline", "baseline-numpy"):
        base = result["runs"].get(name, {})
        if base:
            lines.append(
                f"{name} child: model loaded in {base['load_seconds']:.2f} s, nlp.pipe "
                f"{base['pipe_seconds']:.1f} s ({base['pipe_words_per_second']:,.0f} words/s)"
            )
    mine = result["runs"].get("baseline-numpy")
    if mine:
        lines.append(
            "over spaCy with the same matrix products (baseline-numpy): code "
            + ", ingest ".join(
                f"{result['runs'][r]['words_per_second'] / mine['words_per_second']:.2f}"
                for r in ("code", "ingest")
                if r in result["runs"]
            )
        )
    extras = {
        k: v
        for k, v in result.items()
        if k.startswith(("read_clean", "clean_", "long_", "short_", "piece_"))
    }
    if extras:
        lines.append("")
        lines += [f"{k:36} {v}" for k, v in extras.items()]
    return "\n".join(lines)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]


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

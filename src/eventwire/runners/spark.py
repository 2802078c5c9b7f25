"""The Spark runner: the local runner's stages, the costly ones on Apache Spark.

The one pipeline is split in two:

* On the driver, in input order, as the local runner does: read the inputs, clean,
  dedup (against the stories stored and the earlier articles of the run) and language.
  These stages are cheap, and dedup depends on what came before.
* On the executors, for the articles still ``new``: clean again (it is deterministic and
  gives back the map from cleaned offsets to the text as given, so nothing but plain
  columns travels), truecase, nlp and code, through ``mapInArrow`` (which Spark Connect
  runs as well), with the pipeline and its spaCy model loaded once per Python worker.

The executors' results are written as Parquet: ``OUTPUT/events/year=Y/month=M/`` (one
row per event, its JSON record beside flat columns; undated events under ``year=0/
month=0``, as ``eventwire export --format parquet`` writes them) and ``OUTPUT/articles/``
(one row per coded article: status, reason). The driver reads them back in input order
and stores articles and events in the same transactions as the local runner, so the
store (and its grouping of mentions into real-world events) ends as a local run leaves it.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..config import Settings
from ..errors import EventwireError, InputError, UsageError
from ..models import Article, Event
from ..pipeline import Pipeline
from ..store import Store
from ..store.rows import split_date
from .local import (
    BATCH,
    Progress,
    Summary,
    _articles,
    _Batch,
    _flush,
    _take,
    default_pipeline,
    read_inputs,
)

log = logging.getLogger(__name__)

#: Stages run on the driver, in input order: they depend on the store and on each other.
DRIVER_STAGES = ("clean", "dedup", "language")
#: Stages the executors leave out (clean runs again there: it gives the offset map).
EXECUTOR_SKIPS = ("dedup", "language")
INSTALL_HINT = "pip install 'eventwire[spark]'"
#: At least this many partitions' worth of work per article count (and one per core).
ARTICLES_PER_PARTITION = 200
#: Articles per Arrow batch an executor returns.
OUT_BATCH = 64

_INPUT = pa.schema(
    [
        ("seq", pa.int64()),
        ("id", pa.string()),
        ("text", pa.string()),
        ("title", pa.string()),
        ("date", pa.string()),
        ("source", pa.string()),
    ]
)
#: What an executor returns: a row per article (``ord`` -1: its status and reason) and
#: a row per event (``ord`` its place in the article's list, the record as JSON).
_OUTPUT = pa.schema(
    [
        ("seq", pa.int64()),
        ("doc_id", pa.string()),
        ("article_status", pa.string()),
        ("reason", pa.string()),
        ("ord", pa.int32()),
        ("id", pa.string()),
        ("date", pa.string()),
        ("event_type", pa.string()),
        ("cameo", pa.string()),
        ("quad_class", pa.int32()),
        ("goldstein", pa.float64()),
        ("status", pa.string()),
        ("confidence", pa.float64()),
        ("year", pa.int32()),
        ("month", pa.int32()),
        ("event", pa.string()),
    ]
)
_OUTPUT_DDL = (
    "seq long, doc_id string, article_status string, reason string, ord int, id string, "
    "date string, event_type string, cameo string, quad_class int, goldstein double, "
    "status string, confidence double, year int, month int, event string"
)
_EVENT_COLUMNS = [n for n in _OUTPUT.names if n not in ("article_status", "reason")]


# ------------------------------------------------------------------------- driver


def ingest_spark(
    paths: list[str],
    settings: Settings,
    master: str | None = "local[2]",
    output: str | None = None,
    progress: Progress | None = None,
    input_format: str | None = None,
    columns: dict[str, str] | None = None,
    glob: str | None = None,
    summary: Summary | None = None,
    partitions: int | None = None,
) -> Summary:
    """Ingest files/directories into the store named by ``settings.db``, coding on Spark.

    ``master``: ``local[N]``, ``spark://host:7077``, ``yarn``, ``sc://host:15002`` (Spark
    Connect), or None for what ``spark-submit`` (or pyspark's default) says. ``output``:
    the folder (any path Spark writes: ``hdfs://``, ``s3a://``, ``dbfs:/``) for the run's
    Parquet; by default ``<db>.spark`` beside the database, which only a local master
    can use. The same input gives the same store as ``runners.local.ingest``.
    """
    _require_pyspark()
    output = _output_folder(settings, master, output)
    summary = summary if summary is not None else Summary()
    store = Store(settings.db, wait=settings.wait)
    try:
        head = default_pipeline(store, settings).only(*DRIVER_STAGES)
        timeline = _Timeline()
        kept: dict[int, Article] = {}  # seq -> article, as the driver's stages left it
        todo: list[tuple[int, Article]] = []  # what the executors code
        items = read_inputs(paths, settings, input_format, columns, glob)
        try:
            for seq, article in enumerate(head.pipe(_articles(items, timeline, summary))):
                article.clean, article.offsets = "", None  # made again where it is needed
                timeline.steps.append(("article", seq))
                kept[seq] = article
                if article.status == "new":
                    todo.append((seq, article))
            if not todo:
                _replay(store, timeline, kept, iter(()), settings, summary, progress)
                return summary
            log.info("driver stages: %d articles, %d to code", len(kept), len(todo))
            with _session(master) as spark:
                results = _run(spark, todo, settings, output, partitions)
                summary.output = output
                started = time.monotonic()
                _replay(store, timeline, kept, results, settings, summary, progress)
                log.info("read back and stored in %.1f s", time.monotonic() - started)
        except KeyboardInterrupt:
            summary.interrupted = True
            raise
    finally:
        store.close()
    return summary


class _Timeline(_Batch):
    """What the local runner's batch would be given, in order, while the driver's stages
    run: read errors, inputs read fine, and processed articles (by ``seq``). Replayed
    once Spark is done, it makes the same store transactions as the local runner."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[tuple[str, Any]] = []

    def reject_input(self, error: InputError, summary: Summary) -> None:
        self.steps.append(("rejected", error))

    def mark_read(self, origin: str) -> None:
        self.steps.append(("read", origin))


@dataclass
class _Result:
    seq: int
    status: str
    reason: str
    events: list[Event] = field(default_factory=list)


def _replay(
    store: Store,
    timeline: _Timeline,
    kept: dict[int, Article],
    results: Iterator[_Result],
    settings: Settings,
    summary: Summary,
    progress: Progress | None,
) -> None:
    batch = _Batch()
    seen: dict[str, str] = {}  # id -> content hash, for repeats within this run
    try:
        for kind, value in timeline.steps:
            if kind == "rejected":
                batch.reject_input(value, summary)
            elif kind == "read":
                batch.mark_read(value)
            else:
                article = kept.pop(value)
                if article.status == "new":
                    _apply(article, next(results, None), value)
                _take(article, batch, seen, summary)
                if len(batch) >= BATCH:
                    _flush(store, batch, settings, summary, progress)
    except KeyboardInterrupt:
        summary.interrupted = True
        _flush(store, batch, settings, summary, progress)  # what is finished is kept
        raise
    _flush(store, batch, settings, summary, progress)


def _apply(article: Article, result: _Result | None, seq: int) -> None:
    if result is None or result.seq != seq:
        raise EventwireError(
            f"the Spark output has no result for article {article.id!r} (number {seq}); "
            "was the output folder changed while the job ran? Run the command again"
        )
    article.status, article.reason, article.events = result.status, result.reason, result.events


def _run(
    spark: Any,
    todo: list[tuple[int, Article]],
    settings: Settings,
    output: str,
    partitions: int | None,
) -> Iterator[_Result]:
    """Code ``todo`` on the executors and write the Parquet; then the results can be
    read back in input order."""
    table = pa.table(
        {
            "seq": [seq for seq, _ in todo],
            "id": [a.id for _, a in todo],
            "text": [a.text for _, a in todo],
            "title": [a.title for _, a in todo],
            "date": [a.date for _, a in todo],
            "source": [a.source for _, a in todo],
        },
        schema=_INPUT,
    )
    n = partitions or max(_parallelism(spark), math.ceil(len(todo) / ARTICLES_PER_PARTITION))
    config = _config(settings)
    started = time.monotonic()
    try:
        frame = spark.createDataFrame(table).repartition(max(1, min(n, len(todo))))
        coded = frame.mapInArrow(partial(code_batches, config), _OUTPUT_DDL).persist()
        try:
            events = coded.where("ord >= 0").select(*_EVENT_COLUMNS)
            events.write.mode("overwrite").partitionBy("year", "month").parquet(
                _join(output, "events")
            )
            articles = coded.where("ord < 0").select(
                "seq", "doc_id", coded["article_status"].alias("status"), "reason"
            )
            articles.write.mode("overwrite").parquet(_join(output, "articles"))
        finally:
            coded.unpersist()
    except Exception as exc:  # Py4J or Spark Connect errors: one line for the user
        raise _failed(exc) from exc
    log.info(
        "coded %d articles in %d partitions in %.1f s", len(todo), n, time.monotonic() - started
    )
    return _read_back(spark, output)


def _read_back(spark: Any, output: str) -> Iterator[_Result]:
    """The results in input order, read from the Parquet as the store takes them."""
    try:
        done = spark.read.parquet(_join(output, "articles")).orderBy("seq")
        found = (
            spark.read.parquet(_join(output, "events"))
            .select("seq", "ord", "event")
            .orderBy("seq", "ord")
        )
        yield from _results(done.toLocalIterator(), found.toLocalIterator())
    except EventwireError:
        raise
    except Exception as exc:
        raise _failed(exc) from exc


def _failed(exc: Exception) -> EventwireError:
    log.debug("the Spark job failed", exc_info=True)
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return EventwireError(f"the Spark job failed: {first} (-vv shows the trace)")


def _results(articles: Iterator[Any], events: Iterator[Any]) -> Iterator[_Result]:
    """Both tables sorted by ``seq``: each article with its events, in order."""
    pending = next(events, None)
    for row in articles:
        found = []
        while pending is not None and pending["seq"] == row["seq"]:
            found.append(Event.from_dict(json.loads(pending["event"])))
            pending = next(events, None)
        yield _Result(row["seq"], row["status"], row["reason"] or "", found)


def _parallelism(spark: Any) -> int:
    try:
        return int(spark.sparkContext.defaultParallelism)
    except Exception:  # Spark Connect has no SparkContext on the client
        return 2


def _join(folder: str, name: str) -> str:
    return folder.rstrip("/") + "/" + name


def _is_local(master: str | None) -> bool:
    return master is None or master.startswith("local")


def _output_folder(settings: Settings, master: str | None, output: str | None) -> str:
    if output:
        return output if "://" in output or output.startswith("dbfs:") else _absolute(output)
    if not _is_local(master):
        raise UsageError(
            f"--master {master} may run on other machines: give --spark-output a folder "
            "that its executors can write and this machine can read (hdfs://, s3a://, "
            "dbfs:/, a shared mount)"
        )
    if settings.db == ":memory:":
        return tempfile.mkdtemp(prefix="eventwire-spark-")
    return _absolute(settings.db + ".spark")


def _absolute(path: str) -> str:
    return str(Path(path).expanduser().resolve())


def _require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UsageError(f"--engine spark needs pyspark: {INSTALL_HINT}") from None


class _session:  # noqa: N801 - used as ``with _session(master) as spark``
    """A SparkSession for one run: quiet, and stopped at the end (errors and Ctrl-C too).
    A session already active in this process (a notebook's, Databricks') is used as it
    is and left running."""

    def __init__(self, master: str | None) -> None:
        self.master = master
        self.spark: Any = None
        self.owned = False

    def __enter__(self) -> Any:
        for name in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON"):
            os.environ.setdefault(name, sys.executable)
        # pyspark warns that it does not fully support pandas 3; mapInArrow needs no pandas
        warnings.filterwarnings("ignore", message=".*PySpark does not yet fully support pandas")
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:
            self.spark = active
            return active
        builder = SparkSession.builder.appName("eventwire ingest")
        if self.master and self.master.startswith("sc://"):
            builder = builder.remote(self.master)
        else:
            if self.master:
                builder = builder.master(self.master)
            if _is_local(self.master):
                builder = builder.config("spark.ui.enabled", "false")
            builder = builder.config("spark.ui.showConsoleProgress", "false")
        started = time.monotonic()
        try:
            self.spark = builder.getOrCreate()
        except Exception as exc:
            log.debug("Spark did not start", exc_info=True)
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise EventwireError(
                f"cannot start Spark (--master {self.master or 'default'}): {first}; "
                "is Java 17 or newer installed (`java -version`)?"
            ) from exc
        self.owned = True
        try:
            self.spark.sparkContext.setLogLevel("WARN")
        except Exception:  # Spark Connect: the server's logging is the server's
            pass
        log.info(
            "Spark session (%s) in %.1f s", self.master or "default", time.monotonic() - started
        )
        return self.spark

    def __exit__(self, *exc: object) -> None:
        if self.owned:
            try:
                self.spark.stop()
            except Exception:  # stopping must not hide what went wrong before
                log.debug("Spark did not stop cleanly", exc_info=True)


# ---------------------------------------------------------------------- executors


@dataclass(frozen=True, slots=True)
class _Config:
    """What an executor needs of the Settings (plain values: it travels in the closure).
    A user actor dictionary travels as its bytes: executors may not see the driver's
    files."""

    batch_size: int
    actors_name: str = ""
    actors: bytes = b""


def _config(settings: Settings) -> _Config:
    if not settings.actors:
        return _Config(settings.batch_size)
    path = Path(settings.actors)
    return _Config(settings.batch_size, path.name, path.read_bytes())


#: One pipeline (and spaCy model) per Python worker process and configuration.
_PIPELINES: dict[_Config, Pipeline] = {}


def _executor_pipeline(config: _Config) -> Pipeline:
    pipeline = _PIPELINES.get(config)
    if pipeline is None:
        actors = None
        if config.actors_name:
            folder = tempfile.mkdtemp(prefix="eventwire-actors-")
            actors = os.path.join(folder, config.actors_name)
            Path(actors).write_bytes(config.actors)
        settings = Settings(actors=actors, batch_size=config.batch_size, workers=1)
        pipeline = Pipeline.default(settings, dedup=False).without(*EXECUTOR_SKIPS)
        _PIPELINES[config] = pipeline
    return pipeline


def code_batches(config: _Config, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow``'s function: articles in (``_INPUT``), one row per article and one
    per event out (``_OUTPUT``)."""
    pipeline = _executor_pipeline(config)
    for batch in batches:
        rows = batch.to_pylist()
        articles = [
            Article(
                id=r["id"],
                text=r["text"] or "",
                title=r["title"] or "",
                date=r["date"],
                source=r["source"] or "",
            )
            for r in rows
        ]
        out: dict[str, list[Any]] = {name: [] for name in _OUTPUT.names}
        done = 0
        for row, article in zip(rows, pipeline.pipe(articles), strict=True):
            _output_rows(row["seq"], article, out)
            done += 1
            if done % OUT_BATCH == 0:
                yield pa.RecordBatch.from_pydict(out, schema=_OUTPUT)
                out = {name: [] for name in _OUTPUT.names}
        if out["seq"]:
            yield pa.RecordBatch.from_pydict(out, schema=_OUTPUT)


def _output_rows(seq: int, article: Article, out: dict[str, list[Any]]) -> None:
    def add(**values: Any) -> None:
        for name in _OUTPUT.names:
            out[name].append(values.get(name))

    add(seq=seq, doc_id=article.id, article_status=article.status, reason=article.reason, ord=-1)
    for i, ev in enumerate(article.events):
        day = split_date(ev.date)[0]
        add(
            seq=seq,
            doc_id=article.id,
            ord=i,
            id=ev.id,
            date=ev.date,
            event_type=ev.event_type,
            cameo=ev.cameo,
            quad_class=ev.quad_class,
            goldstein=ev.goldstein,
            status=ev.status,
            confidence=ev.confidence,
            year=day.year if day else 0,
            month=day.month if day else 0,
            event=event_json(ev),
        )


def event_json(ev: Event) -> str:
    """The event record that ``Event.from_dict`` reads back to the same event, as stored:
    ``to_dict`` with the confidence unrounded."""
    record = ev.to_dict()
    record["confidence"] = ev.confidence
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))

"""The local runner: read inputs, run the pipeline, store results, quarantine bad inputs.

The store is touched only at the start (what is stored already) and once per
batch: the batch's articles, their events, the inputs rejected meanwhile and the
quarantine entries that a successful read clears, all in one transaction. So a
run that is killed and started again ends with the store an uninterrupted run
would have made, and other processes can read the store between batches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..config import Settings
from ..errors import InputError
from ..ingest import Item, read_paths
from ..models import Article
from ..pipeline import Pipeline
from ..store import Store

#: Articles per store transaction; the store is free for readers between batches.
BATCH = 50


@dataclass
class Summary:
    read: int = 0
    stored: int = 0
    sources: set[str] = field(default_factory=set)  # files and addresses read
    unchanged: int = 0
    duplicates: int = 0
    skipped: int = 0  # stored but not coded: not in English
    events: int = 0
    rejected: list[InputError] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)  # articles stored without a date
    interrupted: bool = False
    output: str = ""  # where the Spark runner wrote its Parquet

    def lines(self) -> list[str]:
        return [
            f"files read:         {len(self.sources)}",
            f"articles read:      {self.read}",
            f"articles stored:    {self.stored}",
            f"already stored:     {self.unchanged}",
            f"duplicates:         {self.duplicates} (exact or reworded copies, not coded again)",
            f"skipped:            {self.skipped} (not in English, stored but not coded)",
            f"rejected inputs:    {len(self.rejected)}",
            f"events coded:       {self.events}",
        ] + ([f"events as Parquet:  {self.output}/events"] if self.output else [])

    def warnings(self) -> list[str]:
        out = []
        if self.undated:
            out.append(
                f"warning: {len(self.undated)} article(s) carry no publication date "
                f"(first: {self.undated[0]}), so their events are undated and 'on Tuesday' "
                "cannot be resolved; pass --date YYYY-MM-DD"
            )
        if self.interrupted:
            out.append(
                f"interrupted: stored {self.stored} of {self.read} articles read; "
                "run the same command again to continue (nothing is stored twice)"
            )
        return out


Progress = Callable[[int], None]


class _Batch:
    """What waits for the next store transaction."""

    def __init__(self) -> None:
        self.articles: list[Article] = []
        self.rejected: list[tuple[str, str, str]] = []  # (origin, reason, excerpt)
        self.read: list[str] = []  # origins read fine: their old rejection goes

    def clear(self) -> None:
        self.articles, self.rejected, self.read = [], [], []

    def reject_input(self, error: InputError, summary: Summary) -> None:
        """An input that could not be read: quarantined with the next transaction."""
        self.rejected.append((error.origin, error.reason, ""))
        summary.rejected.append(error)

    def mark_read(self, origin: str) -> None:
        """An input read fine: its old rejection goes with the next transaction."""
        self.read.append(origin)

    def __len__(self) -> int:
        return len(self.articles) + len(self.rejected)


def ingest(
    paths: list[str],
    settings: Settings,
    progress: Progress | None = None,
    input_format: str | None = None,
    columns: dict[str, str] | None = None,
    glob: str | None = None,
    summary: Summary | None = None,
) -> Summary:
    """Ingest files/directories into the store named by ``settings.db``.

    On Ctrl-C (``KeyboardInterrupt``) what was finished is saved, ``summary`` (pass
    one to read it afterwards) is marked ``interrupted`` and the interrupt goes on.
    """
    items = read_inputs(paths, settings, input_format, columns, glob)
    return ingest_items(items, settings, progress, summary)


def ingest_items(
    items: Iterable[Item],
    settings: Settings,
    progress: Progress | None = None,
    summary: Summary | None = None,
    store: Store | None = None,
) -> Summary:
    """Code and store articles already read (each with its id in the store), quarantining
    the ``InputError`` among them: what ``ingest`` does after reading its paths, and what
    the REST API's ``POST /api/ingest`` does with the articles it is sent. ``store``: the
    database to write to (default: ``settings.db``), closed at the end."""
    summary = summary if summary is not None else Summary()
    store = store if store is not None else Store(settings.db, wait=settings.wait)
    pipeline: Pipeline | None = None
    try:
        pipeline = default_pipeline(store, settings)
        batch = _Batch()
        seen: dict[str, str] = {}  # id -> content hash, for repeats within this run
        try:
            for article in pipeline.pipe(_articles(items, batch, summary)):
                _take(article, batch, seen, summary)
                if len(batch) >= BATCH:
                    _flush(store, batch, settings, summary, progress)
        except KeyboardInterrupt:
            summary.interrupted = True
            _flush(store, batch, settings, summary, progress)  # what is finished is kept
            raise
        _flush(store, batch, settings, summary, progress)
    finally:
        if pipeline is not None:
            pipeline.close()  # the worker pool, when one was started
        store.close()
    return summary


def default_pipeline(store: Store, settings: Settings) -> Pipeline:
    """The whole pipeline, its dedup stage knowing the stories already stored."""
    with store.session():
        known, signatures = store.known_hashes(), store.signatures()
    return Pipeline.default(settings, known_hashes=known, signatures=signatures)


def read_inputs(
    paths: list[str],
    settings: Settings,
    input_format: str | None = None,
    columns: dict[str, str] | None = None,
    glob: str | None = None,
) -> Iterator[Item]:
    """The inputs of an ingest, each article with its id in the store."""
    return read_paths(
        paths,
        settings.date,
        settings.max_bytes,
        input_format,
        columns=columns,
        glob=glob,
        identify=True,
    )


def _take(article: Article, batch: _Batch, seen: dict[str, str], summary: Summary) -> None:
    """Sort one processed article into the batch (or count it as nothing to do)."""
    if article.status == "unchanged":
        summary.unchanged += 1  # same id and text as an earlier run: nothing to do
        return
    if article.status == "rejected":
        reason = article.reason
        batch.rejected.append((article.origin or article.id, reason, article.text[:200]))
        summary.rejected.append(InputError(article.origin or article.id, reason))
        return
    before = seen.get(article.id)
    if before == article.content_hash:
        summary.unchanged += 1  # the same article twice in this run: stored once
        return
    if before is not None:
        reason = (
            f"id {article.ref or article.id!r} is used twice in this input with different "
            "text; the first was stored, this one was not. Give each article its own id"
        )
        batch.rejected.append((article.origin or article.id, reason, article.text[:200]))
        summary.rejected.append(InputError(article.origin or article.id, reason))
        return
    seen[article.id] = article.content_hash
    batch.articles.append(article)


def _flush(
    store: Store,
    batch: _Batch,
    settings: Settings,
    summary: Summary,
    progress: Progress | None,
) -> None:
    if not len(batch) and not batch.read:
        return
    saved = store.save_batch(
        batch.articles, replace=settings.replace, rejected=batch.rejected, read=batch.read
    )
    for article in saved.stored:
        summary.stored += 1
        summary.duplicates += article.status == "duplicate"
        summary.skipped += article.status == "skipped"
        summary.events += len(article.events)
        if article.date is None and article.status == "coded":
            summary.undated.append(article.origin or article.id)
    summary.unchanged += len(saved.unchanged)
    for article, reason in saved.conflicts:
        summary.rejected.append(InputError(article.origin or article.id, reason))
    if progress and saved.stored:
        progress(len(saved.stored))
    batch.clear()


def _articles(items: Iterable[Item], batch: _Batch, summary: Summary) -> Iterator[Article]:
    """Readable articles; rejected inputs wait in the batch for the quarantine table."""
    for item in items:
        summary.sources.add(_source_of(item.origin))
        if isinstance(item, InputError):
            batch.reject_input(item, summary)
            continue
        summary.read += 1
        batch.mark_read(item.origin)
        yield item


def _source_of(origin: str) -> str:
    """The file or address an origin comes from: "news.jsonl:7" -> "news.jsonl"."""
    if origin.startswith(("http://", "https://")):
        return origin
    return re.split(r"[:#@](?=\d+$)", origin)[0]

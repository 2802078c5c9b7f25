"""The local runner: read inputs, run the pipeline, store results, quarantine bad inputs.

Each article is stored with its events in one transaction, and an article
already stored with the same text is skipped, so a run that is killed and
started again ends with the store an uninterrupted run would have made.
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


@dataclass
class Summary:
    read: int = 0
    stored: int = 0
    sources: set[str] = field(default_factory=set)  # files and addresses read
    unchanged: int = 0
    duplicates: int = 0
    events: int = 0
    rejected: list[InputError] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"files read:         {len(self.sources)}",
            f"articles read:      {self.read}",
            f"articles stored:    {self.stored}",
            f"already stored:     {self.unchanged}",
            f"duplicates:         {self.duplicates} (exact or reworded copies, not coded again)",
            f"rejected inputs:    {len(self.rejected)}",
            f"events coded:       {self.events}",
        ]


Progress = Callable[[int], None]


def ingest(
    paths: list[str],
    settings: Settings,
    progress: Progress | None = None,
    input_format: str | None = None,
    columns: dict[str, str] | None = None,
    glob: str | None = None,
) -> Summary:
    """Ingest files/directories into the store named by ``settings.db``."""
    summary = Summary()
    with Store(settings.db) as store:
        known = store.known_hashes()
        pipeline = Pipeline.default(settings, known_hashes=known, signatures=store.signatures())
        items = read_paths(
            paths, settings.date, settings.max_bytes, input_format, columns=columns, glob=glob
        )
        fresh = _articles(items, store, summary)
        batch: list[Article] = []
        for article in pipeline.pipe(fresh):
            if article.status == "unchanged" or (
                article.status == "duplicate" and store.has_text(article.id, article.content_hash)
            ):
                summary.unchanged += 1  # same id and text as an earlier run: nothing to do
                continue
            if article.status == "rejected":
                store.reject(article.origin or article.id, article.reason, article.text[:200])
                summary.rejected.append(InputError(article.origin or article.id, article.reason))
                continue
            batch.append(article)
            summary.stored += 1
            summary.duplicates += article.status == "duplicate"
            summary.events += len(article.events)
            if len(batch) >= 50:
                store.save_many(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            store.save_many(batch)
            if progress:
                progress(len(batch))
    return summary


def _articles(items: Iterable[Item], store: Store, summary: Summary) -> Iterator[Article]:
    """Readable articles; rejected inputs go to the quarantine table as they come."""
    for item in items:
        if isinstance(item, InputError):
            store.reject(item.origin, item.reason)
            summary.rejected.append(item)
            summary.sources.add(_source_of(item.origin))
            continue
        summary.read += 1
        summary.sources.add(_source_of(item.origin))
        store.clear_rejected(item.origin)
        yield item


def _source_of(origin: str) -> str:
    """The file or address an origin comes from: "news.jsonl:7" -> "news.jsonl"."""
    if origin.startswith(("http://", "https://")):
        return origin
    return re.split(r"[:#@](?=\d+$)", origin)[0]

"""eventwire: news articles in, PLOVER/CAMEO event data out, with evidence for every event."""

from __future__ import annotations

import functools

from .config import Settings
from .errors import EventwireError, InputError, StageError, StoreError
from .models import Actor, Article, Event
from .pipeline import Pipeline

__all__ = [
    "Actor",
    "Article",
    "Event",
    "EventwireError",
    "InputError",
    "Pipeline",
    "Settings",
    "StageError",
    "StoreError",
    "code",
    "open",
]
__version__ = "0.1.0"


@functools.cache
def _default_pipeline() -> Pipeline:
    return Pipeline.default(dedup=False)


def code(text: str, date: str | None = None, doc_id: str = "doc") -> list[Event]:
    """Code one text without storing it; ``date`` (YYYY-MM-DD) anchors "on Tuesday"."""
    article = _default_pipeline().run(Article(id=doc_id, text=text, date=date))
    if article.status == "rejected":
        raise InputError(doc_id, article.reason)
    return article.events


def open(  # noqa: A001 - the documented API name
    path: str | None = None, read_only: bool = True, wait: float | None = None
):
    """Open an eventwire database for queries: ``eventwire.open("eventwire.duckdb").events()``.

    Read-only by default, and the file is held only while a query runs, so an
    ``eventwire ingest`` or ``watch`` can keep writing to it meanwhile; a query
    that meets a writer's batch waits (up to ``wait`` seconds, default 10).
    Pass ``read_only=False`` to save articles from Python.
    """
    from .store import Store

    settings = Settings.from_env()
    return Store(
        path or settings.db,
        read_only=read_only,
        wait=settings.wait if wait is None else wait,
    )

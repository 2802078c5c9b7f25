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


def open(path: str | None = None, read_only: bool = False):  # noqa: A001 - the documented API name
    """Open an eventwire database for queries: ``eventwire.open("eventwire.duckdb").events()``."""
    from .store import Store

    return Store(path or Settings.from_env().db, read_only=read_only)

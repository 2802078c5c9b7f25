"""eventwire: news articles in, PLOVER/CAMEO event data out, with evidence for every event."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from .config import Settings
from .errors import EventwireError, InputError, StageError, StoreError
from .models import Actor, Article, Event
from .pipeline import Pipeline

if TYPE_CHECKING:
    from .store.queries import EventFilter

__all__ = [
    "Actor",
    "Article",
    "Event",
    "EventFilter",
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


def __getattr__(name: str) -> Any:
    if name == "EventFilter":  # imported on first use: the store needs DuckDB, coding does not
        from .store.queries import EventFilter

        return EventFilter
    raise AttributeError(f"module 'eventwire' has no attribute {name!r}")


@functools.cache
def _default_pipeline() -> Pipeline:
    return Pipeline.default(dedup=False)


def code(
    text: str,
    date: str | None = None,
    doc_id: str = "doc",
    explain: bool = False,
    title: str = "",
) -> list[Event]:
    """Code one text without storing it; ``date`` (YYYY-MM-DD) anchors "on Tuesday".

    A ``title`` given apart from the text is coded too: its events' ``evidence.part`` is
    "title" and their offsets point into the title.

    With ``explain``, each event's ``explain`` lists which step of the coder set which
    field and why (``event.to_dict(explain=True)`` includes it); without, it is empty.
    """
    article = _default_pipeline().run(Article(id=doc_id, text=text, date=date, title=title))
    if article.status == "rejected":
        raise InputError(doc_id, article.reason)
    if not explain:
        for event in article.events:
            event.explain = []
    return article.events


def open(  # noqa: A001 - the documented API name
    path: str | None = None, read_only: bool = True, wait: float | None = None
):
    """Open an eventwire database for queries: ``eventwire.open("eventwire.duckdb").events()``,
    ``.events(country="PRK", since="2024-03")`` or ``.events(eventwire.EventFilter(...))``.

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

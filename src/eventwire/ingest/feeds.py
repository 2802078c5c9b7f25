"""RSS and Atom feed files: one article per entry.

Feeds are how many newsrooms publish; a saved feed file gives the headline,
link, publication date and the summary or full content of each story. We
parse from bytes in memory (a ``BytesIO``), so feedparser never opens a URL.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import feedparser

from ..errors import InputError
from ..models import Article
from .base import Item, Options, text_id
from .dates import choose_date, normalize_date
from .html import html_to_text

NOT_A_FEED = "not an RSS or Atom feed"


def read_feed(data: bytes, origin: str, opts: Options) -> Iterator[Item]:
    """Entries as articles (origin ``file#N``); the feed's title is each article's source."""
    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.get("version"):  # feedparser names the RSS/Atom dialect it recognised
        problem = parsed.get("bozo_exception")
        yield InputError(origin, NOT_A_FEED + (f" ({problem})" if problem else ""))
        return
    if not parsed.entries:
        yield InputError(origin, "the feed has no entries")
        return
    outlet = html_to_text(parsed.feed.get("title", "") or "")
    for n, entry in enumerate(parsed.entries, start=1):
        yield _entry_article(entry, f"{origin}#{n}", outlet, opts)


def _entry_article(entry: Any, where: str, outlet: str, opts: Options) -> Item:
    text = _entry_text(entry)
    if not text:
        return InputError(where, "the feed entry has no content or summary")
    meta_date = (
        normalize_date(entry.get("published"))
        or normalize_date(entry.get("updated"))
        or _struct_date(entry.get("published_parsed") or entry.get("updated_parsed"))
    )
    link = entry.get("link", "") or ""
    return Article(
        id=entry.get("id") or link or text_id(text),
        text=text,
        title=_plain(entry.get("title", "") or "", _kind(entry.get("title_detail"))),
        date=choose_date(meta_date, text, opts.date),
        url=link,
        source=outlet,
        origin=where,
    )


def _entry_text(entry: Any) -> str:
    """Full content when the feed has it (the longest part), else the summary; no markup."""
    parts = [(c.get("value", ""), c.get("type", "")) for c in entry.get("content", []) or []]
    parts = [p for p in parts if p[0] and p[0].strip()]
    if parts:
        value, kind = max(parts, key=lambda p: len(p[0]))
    else:
        value, kind = entry.get("summary", "") or "", _kind(entry.get("summary_detail"))
    return _plain(value, kind)


def _kind(detail: Any) -> str:
    """The content type feedparser found for a field; HTML when it does not say."""
    return (detail or {}).get("type", "") or "text/html"


def _plain(value: str, kind: str) -> str:
    """Text of a feed field: HTML is stripped, plain text (already unescaped) kept."""
    return html_to_text(value) if "html" in kind else value.strip()


def _struct_date(parsed: time.struct_time | None) -> str | None:
    """feedparser's UTC date, used only when the raw date string could not be read."""
    return time.strftime("%Y-%m-%d", parsed) if parsed else None

"""RSS, Atom and JSON Feed files: one article per entry.

Feeds are how many newsrooms publish; a saved feed file gives the headline,
link, publication date and the summary or full content of each story. We
parse from bytes in memory (a ``BytesIO``), so feedparser never opens a URL.

A JSON Feed (jsonfeed.org, versions 1 and 1.1) is a ``.json`` file, so
``records.read_json`` recognises it by its ``version`` and hands it here.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator, Mapping
from typing import Any

import feedparser

from ..errors import InputError
from ..models import Article
from .base import Item, Options, no_surrogates, text_id
from .dates import choose_date, normalize_date
from .html import html_to_text

NOT_A_FEED = "not an RSS or Atom feed"
#: What a JSON Feed's ``version`` starts with ("https://jsonfeed.org/version/1.1").
JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


#: A numeric character reference ("&#8217;", "&#x2019;").
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def read_feed(data: bytes, origin: str, opts: Options) -> Iterator[Item]:
    """Entries as articles (origin ``file#N``); the feed's title is each article's source."""
    try:
        parsed = feedparser.parse(io.BytesIO(_CHAR_REF.sub(_char_ref, data)))
    except Exception as exc:  # feedparser's SGML fallback has more corners than these
        yield InputError(origin, f"cannot parse the feed ({type(exc).__name__}: {exc})")
        return
    if not parsed.get("version"):  # feedparser names the RSS/Atom dialect it recognised
        problem = parsed.get("bozo_exception")
        yield InputError(origin, NOT_A_FEED + (f" ({problem})" if problem else ""))
        return
    if not parsed.entries:
        problem = parsed.get("bozo_exception")  # a cut-off or broken feed says why
        yield InputError(
            origin,
            "the feed has no entries" + (f" (not well-formed: {problem})" if problem else ""),
        )
        return
    mixed = _mixed_entries(data, parsed)
    if mixed:
        yield InputError(origin, mixed)
        return
    outlet = html_to_text(parsed.feed.get("title", "") or "")
    for n, entry in enumerate(parsed.entries, start=1):
        yield _entry_article(entry, f"{origin}#{n}", outlet, opts)


#: An entry's opening tag in the raw XML: RSS ``<item>``, Atom ``<entry>``, with a prefix.
_ENTRY_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s/>]", re.IGNORECASE)


def _mixed_entries(data: bytes, parsed: Any) -> str:
    """Why a malformed feed's entries cannot be trusted, or "". On XML that is not
    well-formed feedparser falls back to a lenient parser, which can hand one entry the
    text of another and drop the other (a broken closing tag). When the number of entries
    it read differs from the entries the XML opens, none is taken: a wrong text stored
    under an entry's id would stay (a later good copy counts as an edit)."""
    if not parsed.get("bozo"):
        return ""
    opened = len(_ENTRY_TAG.findall(data))
    if opened == len(parsed.entries):
        return ""  # only a defect inside entries (a bare "&"): each entry is still itself
    problem = parsed.get("bozo_exception")
    return (
        f"the feed is not well-formed ({problem}): its XML opens {opened} entries but "
        f"{len(parsed.entries)} could be read, so they may be mixed; none is taken (the "
        "next good copy of the feed is read as usual)"
    )


def _char_ref(m: re.Match[bytes]) -> bytes:
    """A reference to no character (``&#xD800;``, ``&#99999999;``) as U+FFFD, which
    XML and HTML say it means: feedparser's own fallback raises on them."""
    hexa, decimal = m.group(1), m.group(2)
    digits = (hexa or decimal).lstrip(b"0") or b"0"
    if len(digits) > 7:
        return b"&#xFFFD;"
    code = int(hexa, 16) if hexa else int(decimal)
    return b"&#xFFFD;" if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF else m.group()


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


def is_json_feed(data: object) -> bool:
    """A parsed JSON document that is a JSON Feed: an object whose ``version`` is
    jsonfeed.org's (an article exported with a "version" key of its own is not)."""
    if not isinstance(data, Mapping):
        return False
    version = data.get("version")
    return isinstance(version, str) and version.strip().lower().startswith(JSON_FEED_VERSIONS)


def read_json_feed(feed: Mapping[str, Any], origin: str, opts: Options) -> Iterator[Item]:
    """Items as articles (origin ``file#N``); the feed's title is each article's source.

    An item's text is its ``content_text``, else its ``content_html`` without
    markup, else its ``summary``; an item with none of them is reported by its
    id (or title, or address) and the others go on.
    """
    items = feed.get("items")
    if not isinstance(items, list) or not items:
        yield InputError(origin, "the JSON Feed has no items")
        return
    outlet = _json_str(feed.get("title"))
    for n, item in enumerate(items, start=1):
        where = f"{origin}#{n}"
        if not isinstance(item, Mapping):
            yield InputError(where, "a JSON Feed item must be an object")
            continue
        yield _json_item_article(item, where, outlet, opts)


def _json_item_article(item: Mapping[str, Any], where: str, outlet: str, opts: Options) -> Item:
    item_id = _json_str(item.get("id"))
    url = _json_str(item.get("url")) or _json_str(item.get("external_url"))
    title = _json_str(item.get("title"))
    text = (
        _json_str(item.get("content_text"))
        or html_to_text(_json_str(item.get("content_html")))
        or _json_str(item.get("summary"))
    )
    if not text:
        named = f" {item_id or title or url!r}" if (item_id or title or url) else ""
        return InputError(
            where, f"the JSON Feed item{named} has no content_text, content_html or summary"
        )
    meta_date = normalize_date(item.get("date_published")) or normalize_date(
        item.get("date_modified")
    )
    return Article(
        id=item_id or url or text_id(text),
        text=text,
        title=title,
        date=choose_date(meta_date, text, opts.date),
        url=url,
        source=outlet,
        origin=where,
    )


def _json_str(value: object) -> str:
    """A JSON Feed field as text: strings stripped, numbers (some feeds' ids) as written."""
    if isinstance(value, str):
        return no_surrogates(value).strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""

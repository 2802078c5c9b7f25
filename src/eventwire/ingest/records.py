"""Records with named fields (JSON Lines, JSON, CSV rows) to articles.

Exports from other tools name the same things differently: news-please writes
``maintext``/``date_publish``/``source_domain``, trafilatura ``text``/
``sitename``, spreadsheets ``body`` or ``published``. One alias table maps
them all, and ``columns=`` overrides it when a user's names are unusual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import InputError
from ..models import Article
from .base import Item, Options, no_surrogates, text_id
from .dates import choose_date, normalize_date
from .feeds import is_json_feed, read_json_feed

#: Keys tried in order for each article field (case-insensitive); first non-empty wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "text": ("text", "maintext", "raw_text", "body", "content", "article"),
    "title": ("title", "headline"),
    "date": ("date", "date_publish", "published", "pubdate", "publish_date"),
    "url": ("url", "link"),
    "source": ("source", "source_domain", "sitename", "outlet", "publisher"),
}


def keys_for(field: str, opts: Options) -> tuple[str, ...]:
    """The keys to look up for ``field``: the user's column first, then the usual names,
    so that one mapping for a CSV export does not break the JSON files beside it."""
    mapped = opts.columns.get(field)
    return (mapped, *ALIASES[field]) if mapped else ALIASES[field]


def to_article(
    record: Mapping[str, object], where: str, opts: Options, default_id: str | None = None
) -> Item:
    """An article from one record, or an ``InputError`` at ``where`` saying what is missing."""
    lowered = {str(k).strip().lower(): v for k, v in record.items()}

    def raw(field: str) -> object:
        for key in keys_for(field, opts):
            value = lowered.get(key.strip().lower())
            if value is not None and not (isinstance(value, str) and not value.strip()):
                return value
        return None

    def get(field: str) -> str:
        return _as_str(raw(field)).strip()

    text = raw("text")
    if not isinstance(text, str) or not text.strip():
        label = opts.columns.get("text", "text")
        return InputError(where, f'missing or empty "{label}"')
    text = no_surrogates(text)
    raw_date = raw("date")
    meta_date = normalize_date(raw_date) if raw_date is not None else None
    if raw_date is not None and meta_date is None:
        return InputError(where, f"date {raw_date!r} is not YYYY-MM-DD")
    return Article(
        id=get("id") or default_id or text_id(text),
        text=text,
        title=get("title"),
        date=choose_date(meta_date, text, opts.date),
        url=get("url"),
        source=get("source"),
        origin=where,
    )


#: What ends a JSON Lines record (the control characters JSON escapes inside strings).
_LINE_END = re.compile(r"\r\n?|\n")


def read_jsonl(text: str, origin: str, opts: Options) -> Iterator[Item]:
    """One article per line; a bad line is reported with its number and the rest go on.

    Lines end at LF, CRLF or CR only: a JSON string may hold U+2028, U+0085 and the
    like unescaped, where ``str.splitlines`` would break the record in two.
    """
    records = 0
    for n, line in enumerate(_LINE_END.split(text), start=1):
        if not line.strip():
            continue
        records += 1
        where = f"{origin}:{n}"
        obj, problem = _parse(line)
        if problem:
            yield InputError(where, problem)
            continue
        if not isinstance(obj, dict):
            yield InputError(where, 'a JSONL line must be an object with at least "text"')
            continue
        yield to_article(obj, where, opts)
    if not records:
        yield InputError(origin, "no records, only blank lines")


def read_json(text: str, origin: str, name: str, opts: Options) -> Iterator[Item]:
    """A JSON file: one object (one article, id defaults to the file name), a list of
    them, or a JSON Feed (jsonfeed.org; one article per item, see ``feeds``)."""
    data, problem = _parse(text, where="line {lineno} column {colno}")
    if problem:
        yield InputError(origin, problem)
        return
    if is_json_feed(data):  # jsonfeed.org: a feed's items, not one article
        yield from read_json_feed(data, origin, opts)
        return
    if isinstance(data, dict):
        yield to_article(data, origin, opts, default_id=name)
        return
    if not isinstance(data, list):
        yield InputError(origin, 'JSON must be an object with "text" or a list of such objects')
        return
    if not data:
        yield InputError(origin, "the JSON list is empty")
        return
    for i, obj in enumerate(data, start=1):
        where = f"{origin}#{i}"
        if isinstance(obj, dict):
            yield to_article(obj, where, opts)
        else:
            yield InputError(where, 'a JSON list item must be an object with at least "text"')


#: Deeper JSON is not a news record; Python's parser would overflow its stack on it.
MAX_DEPTH_REASON = "JSON nested too deeply to read (thousands of levels of [ or {)"


def _parse(text: str, where: str = "column {colno}") -> tuple[Any, str]:
    """``(value, "")``, or ``(None, reason)`` when ``text`` is not JSON we can read.

    A number too long for Python's int (over 4,300 digits) is kept as its digits, so that
    one odd field does not cost the record; nesting too deep for the parser is a reason.
    """
    try:
        return json.loads(text, parse_int=_int), ""
    except json.JSONDecodeError as exc:
        at = where.format(lineno=exc.lineno, colno=exc.colno)
        return None, f"malformed JSON ({exc.msg} at {at})"
    except RecursionError:
        return None, MAX_DEPTH_REASON
    except ValueError as exc:  # anything else the parser refuses
        return None, f"malformed JSON ({exc})"


def _int(digits: str) -> int | str:
    try:
        return int(digits)
    except ValueError:  # over sys.get_int_max_str_digits()
        return digits


def _as_str(value: object) -> str:
    """A field value as text; ``{"name": ...}`` objects (NewsAPI's source) give their name."""
    if isinstance(value, str):
        return no_surrogates(value)
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return _as_str(value.get("name"))
    return ""

"""Readers: turn files, directories and streams into ``Article`` records.

Every input that cannot be used becomes an ``InputError`` naming it and the
reason, so that the caller can report and quarantine it while the rest goes on.

Formats, chosen by file ending (or ``input_format``): plain text, JSON Lines,
JSON (incl. news-please and trafilatura dumps), CSV/TSV, HTML, RSS/Atom feeds,
WARC/ARC web archives, and any of these gzipped. Each lives in its own module;
this one finds the files, applies the checks every input shares (empty, too
big, binary, encoding) and hands the bytes to the right reader.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

from ..errors import InputError
from ..fetch import Fetcher, is_url
from .base import FIELDS, Item, Options, too_big
from .compressed import gunzip
from .decode import decode_bytes, html_charset, is_binary
from .detect import FORMATS, SUFFIX_FORMATS, check_format, format_of, unsupported
from .feeds import read_feed
from .html import read_html
from .records import read_json, read_jsonl
from .tabular import read_table
from .text import read_text
from .warc import read_warc

__all__ = [
    "FIELDS",
    "FORMATS",
    "SUFFIX_FORMATS",
    "Item",
    "read_file",
    "read_paths",
    "read_stream",
    "walk",
]

STDIN = "<stdin>"


def read_paths(
    paths: list[str],
    date: str | None = None,
    max_bytes: int = 20_000_000,
    input_format: str | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    glob: str | None = None,
) -> Iterator[Item]:
    """Articles from files, directories (recursive) and ``-`` (stdin).

    ``date`` is used only for inputs that carry no date of their own (metadata
    or a dateline). ``columns`` maps article fields to your column/key names
    in CSV, JSON and JSONL (``{"text": "body", "id": "article_id"}``).
    ``glob`` keeps only matching files when walking directories
    (``"*.jsonl"``, ``"2024/*.html"``); files named explicitly are always read.
    """
    check_format(input_format)
    opts = Options(date=date, max_bytes=max_bytes, columns=dict(columns or {}))
    fetcher: Fetcher | None = None
    for raw in paths:
        if raw == "-":
            yield from _read_stdin(opts, input_format or "text")
            continue
        if is_url(raw):
            fetcher = fetcher or Fetcher(max_bytes=max_bytes)
            yield from read_url(raw, fetcher, opts, input_format)
            continue
        path = Path(raw)
        if path.is_dir():
            for f in walk(path, glob):
                yield from _read_path(f, opts, input_format, root=path)
        elif path.exists():
            yield from _read_path(path, opts, input_format)
        else:
            yield InputError(raw, "no such file or directory")


def read_file(
    path: Path,
    date: str | None = None,
    max_bytes: int = 20_000_000,
    input_format: str | None = None,
    root: Path | None = None,
    *,
    columns: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """Articles from one file; ``root`` is the directory its id is relative to."""
    check_format(input_format)
    opts = Options(date=date, max_bytes=max_bytes, columns=dict(columns or {}))
    yield from _read_path(path, opts, input_format, root)


def read_stream(
    stream: TextIO,
    origin: str,
    date: str | None,
    input_format: str,
    *,
    columns: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """Articles from an already-open text stream (as stdin is read)."""
    check_format(input_format)
    opts = Options(date=date, columns=dict(columns or {}))
    data = stream.read().encode("utf-8")
    yield from _read_data(data, input_format, origin, "stdin", opts, empty="empty input")


def walk(directory: Path, glob: str | None = None) -> list[Path]:
    """Files under ``directory``, sorted, without hidden files or hidden folders (``.git``)
    and without eventwire databases.

    ``glob`` is matched against the path relative to ``directory`` from the
    right, so ``*.jsonl`` matches at any depth and ``2024/*.html`` in any ``2024``.
    """
    found = []
    for p in directory.rglob("*"):
        rel = p.relative_to(directory)
        if any(part.startswith(".") for part in rel.parts) or not p.is_file():
            continue
        if p.name.endswith((".duckdb", ".duckdb.wal")):
            continue  # an eventwire database kept beside the news it was made from
        if glob and not rel.match(glob):
            continue
        found.append(p)
    return sorted(found)


def _read_path(
    path: Path, opts: Options, input_format: str | None, root: Path | None = None
) -> Iterator[Item]:
    origin = str(path)
    name = str(path.relative_to(root)) if root else path.name
    fmt, gzipped = format_of(path.name)
    fmt = input_format or fmt
    if fmt is None:
        yield InputError(origin, unsupported(path.name))
        return
    try:
        size = path.stat().st_size
        if size == 0:
            yield InputError(origin, "empty file")
            return
        if fmt == "warc":  # streamed; the limit applies to each page (see warc.py)
            with path.open("rb") as fh:
                yield from read_warc(fh, origin, opts)
            return
        if size > opts.max_bytes:
            yield InputError(origin, too_big(size, opts.max_bytes))
            return
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(origin, f"cannot read the file ({exc.strerror or exc})")
        return
    if gzipped:
        unpacked, reason = gunzip(data, opts.max_bytes)
        if unpacked is None:
            yield InputError(origin, reason)
            return
        data = unpacked
    yield from _read_data(data, fmt, origin, name, opts)


def read_url(
    url: str, fetcher: Fetcher, opts: Options, input_format: str | None = None
) -> Iterator[Item]:
    """A page or a feed fetched over HTTP (robots.txt respected); a feed's entries are
    articles in their own right, coded from the text the feed carries."""
    try:
        page = fetcher.fetch(url)
    except InputError as err:
        yield err
        return
    fmt = input_format or _web_format(page.content_type, page.body)
    if fmt == "html":
        text, reason = decode_bytes(page.body, html_charset(page.body, page.content_type))
        if text is None:
            yield InputError(url, reason)
            return
        yield read_html(text, url, page.url, opts, url=page.url)
        return
    yield from _read_data(page.body, fmt, url, page.url, opts)


def _web_format(content_type: str, body: bytes) -> str:
    ctype = content_type.lower()
    head = body[:500].lstrip().lower()
    if any(k in ctype for k in ("rss", "atom", "xml")) or head.startswith((b"<rss", b"<feed")):
        return "feed" if b"<html" not in head else "html"
    if "json" in ctype:
        return "json"
    return "html"


def _read_stdin(opts: Options, fmt: str) -> Iterator[Item]:
    buffer = getattr(sys.stdin, "buffer", None)
    if fmt == "warc" and buffer is not None:
        yield from read_warc(buffer, STDIN, opts)
        return
    data = buffer.read(opts.max_bytes + 1) if buffer else sys.stdin.read().encode("utf-8")
    if len(data) > opts.max_bytes:
        yield InputError(STDIN, f"input is over the {opts.max_bytes:,}-byte limit")
        return
    yield from _read_data(data, fmt, STDIN, "stdin", opts, empty="empty input")


def _read_data(
    data: bytes, fmt: str, origin: str, name: str, opts: Options, empty: str = "empty file"
) -> Iterator[Item]:
    """The checks every input shares, then the reader for ``fmt``."""
    if not data.strip():
        yield InputError(origin, empty if not data else "no text")
        return
    if is_binary(data):
        yield InputError(origin, "binary file (contains NUL bytes), not text")
        return
    if fmt == "feed":  # feedparser reads the XML encoding declaration itself
        yield from read_feed(data, origin, opts)
        return
    if fmt == "warc":
        yield from read_warc(io.BytesIO(data), origin, opts)
        return
    text, reason = decode_bytes(data, html_charset(data) if fmt == "html" else None)
    if text is None:
        yield InputError(origin, reason)
    elif fmt == "text":
        yield read_text(text, origin, name, opts)
    elif fmt == "html":
        yield read_html(text, origin, name, opts)
    elif fmt == "jsonl":
        yield from read_jsonl(text, origin, opts)
    elif fmt == "json":
        yield from read_json(text, origin, name, opts)
    else:
        yield from read_table(text, origin, opts, delimiter="\t" if fmt == "tsv" else None)

"""Web archives (WARC and ARC, plain or gzipped): every HTML page in them.

Crawls (Common Crawl news, Heritrix, wget --warc-file) store pages as
``response`` records. Each HTML response with a 2xx status is read like an HTML
file, with the URL from ``WARC-Target-URI`` and the capture date as a fallback
publication date. Images, scripts, redirects and request records are not
articles and are skipped without a message.

Archives are routinely gigabytes, so they are streamed and the size limit
applies to each page, not to the archive.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from ..errors import InputError
from .base import Item, Options, too_big
from .dates import normalize_date
from .decode import decode_bytes, html_charset
from .html import read_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: IO[bytes], origin: str, opts: Options) -> Iterator[Item]:
    """Articles from the HTML responses (origin ``file@offset``, id the page URL)."""
    problem = archive_problem(_peek(stream))
    if problem:
        yield InputError(origin, problem)
        return
    pages = count = 0
    records = ArchiveIterator(stream, arc2warc=True)
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as exc:  # warcio: ArchiveLoadFailed, zlib/EOF errors when truncated
            after = f" after record {count}" if count else ""
            yield InputError(
                origin, f"cannot read the web archive{after} ({type(exc).__name__}: {exc})"
            )
            return
        count += 1
        if not _is_html_page(record):
            continue
        pages += 1
        payload = _payload(record, opts)  # before the offset: asking for it skips the record
        yield _page(record, payload, f"{origin}@{records.get_record_offset()}", opts)
    if pages == 0:
        yield InputError(origin, "no HTML pages (response records) in the web archive")


def _payload(record: Any, opts: Options) -> bytes | Exception:
    """The page body (HTTP chunking and gzip undone), or the error that stopped reading it."""
    try:
        return _read_upto(record.content_stream(), opts.max_bytes + 1)
    except Exception as exc:  # a broken chunked/gzip body spoils this page only
        return exc


def _page(record: Any, payload: bytes | Exception, where: str, opts: Options) -> Item:
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if isinstance(payload, Exception):
        return InputError(
            where, f"cannot read the page {url} ({type(payload).__name__}: {payload})"
        )
    if len(payload) > opts.max_bytes:
        return InputError(where, too_big(len(payload), opts.max_bytes, f"the page {url}"))
    content_type = record.http_headers.get_header("Content-Type") or ""
    html, reason = decode_bytes(payload, html_charset(payload, content_type))
    if html is None:
        return InputError(where, f"{reason} ({url})")
    captured = normalize_date(record.rec_headers.get_header("WARC-Date"))
    page = read_html(html, where, url or where, opts, url=url, fallback_date=captured)
    if isinstance(page, InputError) and url:
        return InputError(where, f"{page.reason} ({url})")
    return page


def archive_problem(head: bytes) -> str:
    """Why these first bytes are not a web archive, or ``""``.

    warcio reads almost any text as an ARC record, so we check the magic
    first: WARC files start with ``WARC/``, ARC files with ``filedesc://``.
    """
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            return "corrupt gzip file"
    if not head or head.startswith((b"WARC/", b"filedesc://")):
        return ""
    return "not a WARC or ARC archive (it should start with 'WARC/' or 'filedesc://')"


def _peek(stream: IO[bytes]) -> bytes:
    """The first few KiB without consuming them (``b""`` when the stream cannot tell)."""
    if stream.seekable():
        pos = stream.tell()
        head = stream.read(4096)
        stream.seek(pos)
        return head
    peek = getattr(stream, "peek", None)
    return peek(4096)[:4096] if peek else b""


def _read_upto(stream: IO[bytes], limit: int) -> bytes:
    """Up to ``limit`` bytes; warcio's streams return a block at a time, not all that is asked."""
    parts: list[bytes] = []
    size = 0
    while size < limit:
        block = stream.read(min(limit - size, 1 << 16))
        if not block:
            break
        parts.append(block)
        size += len(block)
    return b"".join(parts)


def _is_html_page(record: Any) -> bool:
    """A successful HTTP response whose body is HTML."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return status.startswith("2") and content_type.startswith(_HTML_TYPES)

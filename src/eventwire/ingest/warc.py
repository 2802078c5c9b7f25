"""Web archives (WARC and ARC, plain or gzipped): every HTML page in them.

Crawls (Common Crawl news, Heritrix, wget --warc-file) store pages as
``response`` records. Each HTML response with a 2xx status is read like an HTML
file, with the URL from ``WARC-Target-URI`` and the capture date as a fallback
publication date. Images, scripts, redirects and request records are not
articles and are skipped without a message.

Archives are routinely gigabytes, so they are streamed and the size limit
applies to each page, not to the archive.

Crawlers store bodies as the server sent them, so a page may be compressed
(``Content-Encoding: gzip``, ``deflate`` or ``br``); warcio's
``record.content_stream()`` undoes that. For brotli, warcio expects the old
``brotlipy`` module; with Google's ``brotli`` package (what ``import brotli``
gives today) we register an adapter. A page in an encoding nothing here can
undo is reported by name, not as "binary".
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader

from ..errors import InputError
from .base import Item, Options, too_big
from .dates import normalize_date
from .decode import decode_bytes, html_charset
from .html import read_html
from .logs import attributed, attributed_logs

_HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Content-Encoding values that mean "not compressed".
_PLAIN_ENCODINGS = ("", "identity", "none")


class _BrotliDecompressor:
    """Google's ``brotli.Decompressor`` with the zlib-like face warcio uses.

    warcio calls ``decompress(data)`` and reads ``unused_data`` (set for zlib at
    the end of a gzip member; a brotli body has no members, so always empty).
    """

    unused_data = b""

    def __init__(self) -> None:
        import brotli

        self._decompressor = brotli.Decompressor()

    def decompress(self, data: bytes) -> bytes:
        return self._decompressor.process(data)


def _register_decompressors() -> None:
    """Let warcio undo ``Content-Encoding: br`` with whichever brotli module is
    installed, and the old name ``x-gzip`` (HTTP/1.1 says to treat it as gzip)."""
    known = BufferedReader.DECOMPRESSORS
    known.setdefault("x-gzip", known["gzip"])
    try:
        import brotli
    except ImportError:  # then such pages are reported as in an encoding we cannot undo
        return
    if hasattr(brotli, "Decompressor") and not hasattr(brotli.Decompressor(), "decompress"):
        known["br"] = _BrotliDecompressor  # Google's brotli
    # brotlipy has the API warcio was written for; warcio registered it itself


_register_decompressors()


def read_warc(stream: IO[bytes], origin: str, opts: Options) -> Iterator[Item]:
    """Articles from the HTML responses (origin ``file@offset``, id the page URL).

    warcio's and trafilatura's log lines name the archive, or the page in it.
    """
    yield from attributed(origin, _read_warc(stream, origin, opts))


def _read_warc(stream: IO[bytes], origin: str, opts: Options) -> Iterator[Item]:
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
        where = f"{origin}@{records.get_record_offset()}"
        with attributed_logs(where):
            item = _page(record, payload, where, opts)
        yield item
    if pages == 0:
        yield InputError(origin, "no HTML pages (response records) in the web archive")


def _payload(record: Any, opts: Options) -> bytes | Exception:
    """The page body (HTTP chunking and compression undone), or the error that stopped
    reading it (``_UnknownEncoding`` for a compression warcio cannot undo)."""
    encoding = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
    if encoding not in _PLAIN_ENCODINGS and encoding not in BufferedReader.DECOMPRESSORS:
        return _UnknownEncoding(encoding)
    try:
        return _read_upto(record.content_stream(), opts.max_bytes + 1)
    except Exception as exc:  # a broken chunked/gzip body spoils this page only
        return exc


class _UnknownEncoding(Exception):
    """A page body compressed in a way warcio cannot undo (``zstd``, ``gzip, br``)."""


def _page(record: Any, payload: bytes | Exception, where: str, opts: Options) -> Item:
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if isinstance(payload, _UnknownEncoding):
        encoding = str(payload)
        hint = " (install the brotli package)" if encoding == "br" else ""
        return InputError(
            where,
            f"cannot read the page {url}: it is compressed as {encoding!r}"
            f" (Content-Encoding), which eventwire cannot undo{hint}",
        )
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

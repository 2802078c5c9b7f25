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
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TextIO

from ..config import MAX_BYTES
from ..errors import InputError
from ..fetch import Fetcher, is_url
from ..models import Article
from .base import FIELDS, Item, Options, no_surrogates, text_id, too_big
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
    max_bytes: int = MAX_BYTES,
    input_format: str | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    glob: str | None = None,
    identify: bool = False,
) -> Iterator[Item]:
    """Articles from files, directories (recursive) and ``-`` (stdin).

    ``date`` is used only for inputs that carry no date of their own (metadata
    or a dateline). ``columns`` maps article fields to your column/key names
    in CSV, JSON and JSONL (``{"text": "body", "id": "article_id"}``).
    ``glob`` keeps only matching files when walking directories
    (``"*.jsonl"``, ``"2024/*.html"``); files named explicitly are always read.

    Each article's ``id`` is the one it has within its input (a record's "id",
    a file's name). With ``identify`` (what storing needs) the id also names the
    input, so that articles from different inputs never collide: see ``identity``.
    """
    check_format(input_format)
    opts = Options(date=date, max_bytes=max_bytes, columns=dict(columns or {}))
    fetcher: Fetcher | None = None
    for raw in paths:
        if raw == "-":
            items = _read_stdin(opts, input_format or "text")
            yield from _identified(items, "stdin", STDIN) if identify else items
            continue
        if is_url(raw):
            fetcher = fetcher or Fetcher(max_bytes=max_bytes)
            items = read_url(raw, fetcher, opts, input_format)
            yield from _identified(items, raw, raw) if identify else items
            continue
        path = Path(raw)
        if path.is_dir():
            problems: list[InputError] = []
            files = walk(path, glob, problems=problems)
            yield from problems  # loops, broken links, folders that cannot be listed
            for f in files:
                items = _read_path(f, opts, input_format, root=path)
                yield from _identified(items, _input_key(f), str(f)) if identify else items
        elif path.exists():
            items = _read_path(path, opts, input_format)
            yield from _identified(items, _input_key(path), str(path)) if identify else items
        else:
            yield InputError(raw, "no such file or directory")


def identity(input_key: str, ref: str, whole: bool) -> str:
    """An article's id in the store: the input it came from, and its id there.

    ``input_key`` is the file's absolute path, the address, or ``stdin``; ``whole``
    says the article is the whole input (a text or HTML file), so the input alone
    names it. Otherwise ``input#ref``: "/news/world.jsonl#17".
    """
    return input_key if whole else f"{input_key}#{ref}"


def _input_key(path: Path) -> str:
    """A file's identity: its absolute path, so that running from another folder,
    or naming the file another way, still finds the article already stored."""
    return path.resolve().as_posix()


def _identified(items: Iterable[Item], input_key: str, origin: str) -> Iterator[Item]:
    """Give each article its store identity (``identity``), keeping its own id as ``ref``.

    An article whose origin is the input's own is the whole input. A fetched page
    is named by its address; text piped on stdin has no name, so its content
    names it: two different texts piped in two runs stay two articles.
    """
    for item in items:
        if isinstance(item, Article):
            item.ref = item.id
            whole = item.origin == origin
            if whole and origin == STDIN:
                ref = text_id(item.text) if item.id == "stdin" else item.id
                item.id = identity("stdin", ref, whole=False)
            elif not (whole and is_url(origin)):
                item.id = identity(input_key, item.id, whole)
        yield item


def read_file(
    path: Path,
    date: str | None = None,
    max_bytes: int = MAX_BYTES,
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
    data = _utf8(stream.read())
    yield from _read_data(data, input_format, origin, "stdin", opts, empty="empty input")


def _utf8(text: str) -> bytes:
    """A text stream's contents as bytes again: what Python read as undecodable bytes
    (``surrogateescape``, as it reads stdin) becomes those bytes, and any other lone
    surrogate U+FFFD, so that the usual decoding decides and nothing raises."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return no_surrogates(text).encode("utf-8")


def walk(
    directory: Path, glob: str | None = None, problems: list[InputError] | None = None
) -> list[Path]:
    """Files under ``directory``, sorted, without hidden files or hidden folders (``.git``)
    and without eventwire databases.

    ``glob`` is matched against the path relative to ``directory`` from the
    right, so ``*.jsonl`` matches at any depth and ``2024/*.html`` in any ``2024``.

    Folders reached through symbolic links are read too, each folder once. What
    cannot be followed is not a file to read: a symbolic link loop, a broken
    link, a folder that cannot be listed, a pipe or a device. With ``problems``,
    each of those is appended to it as an ``InputError`` naming the path and
    why (sorted by path; a file only if ``glob`` would keep it), so that the
    caller reports it like any other unusable input.
    """
    import errno
    import logging
    import os
    import stat

    found: list[Path] = []
    trouble: list[InputError] = []

    def cannot_list(err: OSError) -> None:  # os.walk could not list a folder
        where = Path(err.filename) if err.filename is not None else directory
        trouble.append(InputError(str(where), f"cannot list the folder ({err.strerror or err})"))

    def folder_id(path: Path) -> tuple[int, int] | None:
        try:
            info = path.stat()
        except OSError:
            return None
        return info.st_dev, info.st_ino

    def within(path: Path, folder: Path) -> bool:
        return path.parts[: len(folder.parts)] == folder.parts

    def unfollowable(path: Path, exc: OSError) -> str:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop (the link leads back to itself); not followed"
        if not path.is_symlink():
            return f"cannot open it ({exc.strerror or exc})"
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if exc.errno == errno.ENOENT:
            return f"broken symbolic link: it points to {target}, which does not exist"
        return f"cannot follow the symbolic link to {target} ({exc.strerror or exc})"

    seen: dict[tuple[int, int], Path] = {}  # each folder read, and where it was read
    top_id = folder_id(directory)
    if top_id is not None:
        seen[top_id] = directory
    for dirpath, dirnames, filenames in os.walk(directory, onerror=cannot_list, followlinks=True):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            sub = here / name
            ident = folder_id(sub)
            if ident is None:  # gone or unreadable since it was listed
                trouble.append(InputError(str(sub), "cannot open the folder"))
            elif ident not in seen:
                seen[ident] = sub
                keep.append(name)
            elif within(here, seen[ident]):
                trouble.append(
                    InputError(
                        str(sub),
                        f"symbolic link loop: it leads back to {seen[ident]}, a folder it is in;"
                        " not followed",
                    )
                )
            else:  # the same folder under a second name: nothing is lost, it is read once
                logging.getLogger("eventwire.ingest").info(
                    "%s: not read again, it is the folder %s", sub, seen[ident]
                )
        dirnames[:] = keep  # os.walk goes only into these, in this order
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith((".duckdb", ".duckdb.wal")):
                continue  # hidden; an eventwire database kept beside the news it was made from
            p = here / name
            if glob and not p.relative_to(directory).match(glob):
                continue
            try:
                mode = p.stat().st_mode
            except OSError as exc:
                trouble.append(InputError(str(p), unfollowable(p, exc)))
                continue
            if stat.S_ISREG(mode):
                found.append(p)
            else:
                kind = "a named pipe" if stat.S_ISFIFO(mode) else "a socket or device"
                trouble.append(InputError(str(p), f"not a regular file ({kind}); not read"))
    if problems is not None:
        problems.extend(sorted(trouble, key=lambda e: e.origin))
    return sorted(found)


def _read_path(
    path: Path, opts: Options, input_format: str | None, root: Path | None = None
) -> Iterator[Item]:
    from .logs import attributed  # the libraries' log lines name this file

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
                yield from attributed(origin, read_warc(fh, origin, opts))
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
    yield from attributed(origin, _read_data(data, fmt, origin, name, opts))


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
    data = buffer.read(opts.max_bytes + 1) if buffer else _utf8(sys.stdin.read())
    if len(data) > opts.max_bytes:
        yield InputError(STDIN, f"input is over the {opts.max_bytes:,}-byte limit")
        return
    yield from _read_data(data, fmt, STDIN, "stdin", opts, empty="empty input")


def _read_data(
    data: bytes, fmt: str, origin: str, name: str, opts: Options, empty: str = "empty file"
) -> Iterator[Item]:
    """The checks every input shares, then the reader for ``fmt``.

    Log lines of the libraries the readers use (trafilatura, warcio, ...) are
    re-emitted on ``eventwire.ingest`` at DEBUG, named by ``origin`` (see ``logs``).
    """
    from .logs import attributed, attributed_logs

    if not data.strip():
        yield InputError(origin, empty if not data else "no text")
        return
    if fmt == "warc":  # before the NUL check: gzip members and compressed pages are binary
        yield from attributed(origin, read_warc(io.BytesIO(data), origin, opts))
        return
    if is_binary(data):
        yield InputError(origin, "binary file (contains NUL bytes), not text")
        return
    if fmt == "feed":  # feedparser reads the XML encoding declaration itself
        yield from attributed(origin, read_feed(data, origin, opts))
        return
    with attributed_logs(origin):  # one item: made here, handed over outside
        text, reason = decode_bytes(data, html_charset(data) if fmt == "html" else None)
        if text is None:
            one: Item | None = InputError(origin, reason)
        elif fmt == "text":
            one = read_text(text, origin, name, opts)
        elif fmt == "html":
            one = read_html(text, origin, name, opts)
        else:
            one = None
    if one is not None:
        yield one
        return
    assert text is not None
    if fmt == "jsonl":
        items = read_jsonl(text, origin, opts)
    elif fmt == "json":
        items = read_json(text, origin, name, opts)
    else:
        items = read_table(text, origin, opts, delimiter="\t" if fmt == "tsv" else None)
    yield from attributed(origin, items)

"""Readers: turn files, directories and streams into ``Article`` records.

Every input that cannot be used becomes an ``InputError`` naming it and the
reason, so that the caller can report and quarantine it while the rest goes on.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ..errors import InputError
from ..models import Article

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Item = Article | InputError


def read_paths(
    paths: list[str],
    date: str | None = None,
    max_bytes: int = 20_000_000,
    input_format: str | None = None,
) -> Iterator[Item]:
    """Articles from files, directories (recursive) and ``-`` (stdin)."""
    for raw in paths:
        if raw == "-":
            yield from read_stream(sys.stdin, "<stdin>", date, input_format or "text")
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            for f in files:
                yield from read_file(f, date, max_bytes, input_format, root=path)
        elif path.exists():
            yield from read_file(path, date, max_bytes, input_format)
        else:
            yield InputError(raw, "no such file or directory")


def read_file(
    path: Path,
    date: str | None = None,
    max_bytes: int = 20_000_000,
    input_format: str | None = None,
    root: Path | None = None,
) -> Iterator[Item]:
    origin = str(path)
    fmt = input_format or _format_of(path)
    if fmt is None:
        yield InputError(
            origin,
            f"unsupported file type {path.suffix or '(none)'!r}; "
            "use .txt or .jsonl, or pass --input-format",
        )
        return
    size = path.stat().st_size
    if size == 0:
        yield InputError(origin, "empty file")
        return
    if size > max_bytes:
        yield InputError(origin, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        return
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        yield InputError(origin, "binary file (contains NUL bytes), not text")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield InputError(origin, f"not UTF-8 text (byte {exc.start}); convert it to UTF-8")
        return
    rel = str(path.relative_to(root)) if root else path.name
    if fmt == "jsonl":
        yield from _jsonl_lines(text.splitlines(), origin, date)
    else:
        yield _text_article(text, origin, rel, date)


def read_stream(stream: TextIO, origin: str, date: str | None, input_format: str) -> Iterator[Item]:
    text = stream.read()
    if input_format == "jsonl":
        yield from _jsonl_lines(text.splitlines(), origin, date)
    elif not text.strip():
        yield InputError(origin, "empty input")
    else:
        yield _text_article(text, origin, "stdin", date)


def _format_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return None


def _text_article(text: str, origin: str, name: str, date: str | None) -> Article | InputError:
    if not text.strip():
        return InputError(origin, "no text")
    return Article(id=name, text=text, date=date, origin=origin)


def _jsonl_lines(lines: list[str], origin: str, date: str | None) -> Iterator[Item]:
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{origin}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield InputError(where, 'a JSONL line must be an object with at least "text"')
            continue
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            yield InputError(where, 'missing or empty "text"')
            continue
        art_date = obj.get("date") or date
        if art_date is not None and (
            not isinstance(art_date, str) or not _DATE.match(art_date[:10])
        ):
            yield InputError(where, f"date {art_date!r} is not YYYY-MM-DD")
            continue
        doc_id = str(obj.get("id") or hashlib.sha1(text.encode()).hexdigest()[:12])
        yield Article(
            id=doc_id,
            text=text,
            title=str(obj.get("title") or ""),
            date=art_date[:10] if art_date else None,
            url=str(obj.get("url") or ""),
            source=str(obj.get("source") or ""),
            origin=where,
        )

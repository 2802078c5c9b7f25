"""Which reader a file needs, from its name or the user's ``input_format``.

File endings decide, as users expect; ``.gz`` is looked through
(``news.jsonl.gz`` is gzipped JSON Lines). ``.warc.gz``/``.arc.gz`` are not
unpacked here because warcio reads gzipped archives record by record.
"""

from __future__ import annotations

from pathlib import PurePath

from ..errors import UsageError

#: File ending -> reader.
SUFFIX_FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".html": "html",
    ".htm": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".warc": "warc",
    ".arc": "warc",
}
#: Names accepted by ``input_format`` (``--input-format``).
FORMATS = ("text", "jsonl", "json", "csv", "tsv", "html", "feed", "warc")


def check_format(input_format: str | None) -> None:
    """Reject a format name we do not know before any file is read."""
    if input_format is not None and input_format not in FORMATS:
        raise UsageError(f"unknown input format {input_format!r}; use one of {', '.join(FORMATS)}")


def format_of(name: str) -> tuple[str | None, bool]:
    """``(format, gzipped)`` for a file name; format is ``None`` for an unknown ending."""
    lower = name.lower()
    if lower.endswith((".warc.gz", ".arc.gz")):
        return "warc", False
    if lower.endswith(".gz"):
        return SUFFIX_FORMATS.get(PurePath(lower[:-3]).suffix), True
    return SUFFIX_FORMATS.get(PurePath(lower).suffix), False


def unsupported(name: str) -> str:
    """The reason for a file we cannot read, listing every ending we can."""
    path = PurePath(name)
    suffix = "".join(path.suffixes[-2:]) if name.lower().endswith(".gz") else path.suffix
    endings = ", ".join(SUFFIX_FORMATS)
    return (
        f"unsupported file type {suffix or '(none)'!r}; use {endings} "
        "(each also as .gz), or pass --input-format"
    )

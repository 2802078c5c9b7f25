"""Shared pieces of the readers: the item type, the options every reader needs.

Kept apart from ``__init__`` so that the format modules can import them without
importing each other (and without an import cycle through the package).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..config import MAX_BYTES
from ..errors import InputError, UsageError
from ..models import Article

Item = Article | InputError

#: Article fields a record (JSON object, CSV row) can fill, for ``columns=``.
FIELDS = ("id", "text", "title", "date", "url", "source")


@dataclass(frozen=True, slots=True)
class Options:
    """What the caller chose once for every input: default date, size limit, column names."""

    date: str | None = None  # the user's --date, used only when an input carries none
    max_bytes: int = MAX_BYTES
    columns: Mapping[str, str] = field(default_factory=dict)  # article field -> key/column

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise UsageError(
                f"unknown field(s) {', '.join(map(repr, unknown))} in columns; "
                f"map any of {', '.join(FIELDS)} to your column names"
            )


def text_id(text: str) -> str:
    """A stable id for a record that has none: the same text always gets the same id."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def too_big(size: int, limit: int, what: str = "file") -> str:
    """The oversized-input reason; it always names the limit so the user knows what to raise."""
    return f"{what} is {size:,} bytes, over the {limit:,}-byte limit"


_SURROGATE = re.compile("[\ud800-\udfff]")


def no_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (what a JSON escape such as ``"\\ud800"`` decodes
    to) replaced by U+FFFD: such a string cannot be written as UTF-8, stored or hashed."""
    return _SURROGATE.sub("\ufffd", text)

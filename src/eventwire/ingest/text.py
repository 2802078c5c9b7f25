"""Plain text files (``.txt``, ``.text``, ``.md``): one article per file.

The whole file is the article text, headline included, because evidence
offsets point into ``Article.text`` and must match the file the user has.
A headline is recognised only to fill ``title``.
"""

from __future__ import annotations

import re

from ..errors import InputError
from ..models import Article
from .base import Item, Options
from .dates import choose_date

#: A headline is short; longer first lines are the first paragraph.
MAX_TITLE_CHARS = 150
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def read_text(text: str, origin: str, name: str, opts: Options) -> Item:
    """One article with id ``name`` (the path relative to the directory given)."""
    if not text.strip():
        return InputError(origin, "no text")
    return Article(
        id=name,
        text=text,
        title=first_line_title(text),
        date=choose_date(None, text, opts.date),
        origin=origin,
    )


def first_line_title(text: str) -> str:
    """The first line when it looks like a headline, else ``""``.

    A headline is under 150 characters, does not end with a full stop (a
    sentence does) and is followed by a blank line. A Markdown ``# `` is dropped.
    """
    lines = text.splitlines()
    if len(lines) < 3 or lines[1].strip() or not any(line.strip() for line in lines[2:]):
        return ""
    first = _MARKDOWN_HEADING.sub("", lines[0].strip()).strip()
    if not first or len(first) >= MAX_TITLE_CHARS or first.endswith("."):
        return ""
    return first

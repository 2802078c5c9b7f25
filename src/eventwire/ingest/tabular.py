"""CSV and TSV files with a header row: one article per row.

Spreadsheets are how many researchers keep their news. The header names the
columns; ``records.ALIASES`` finds the usual names and ``columns=`` maps
unusual ones (``columns={"text": "body", "id": "article_id"}``; on the command
line ``--columns text=body,id=article_id``). A row is
reported by its row number as a spreadsheet shows it (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator

from ..errors import InputError
from .base import Item, Options
from .records import ALIASES, keys_for, to_article

_DELIMITERS = ",;\t|"


def read_table(
    text: str, origin: str, opts: Options, delimiter: str | None = None
) -> Iterator[Item]:
    """Rows as articles; ``delimiter=None`` guesses it from the header (``,`` ``;`` tab ``|``)."""
    _allow_long_fields(opts.max_bytes)
    header_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or _sniff(header_line))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        yield InputError(origin, f"cannot read the CSV header ({exc})")
        return
    problem = _check_header(header, opts)
    if problem:
        yield InputError(origin, problem)
        return
    row_no = 1
    rows = 0
    while True:
        row_no += 1
        try:
            row = next(reader)
        except StopIteration:
            if not rows:  # said, so that a header alone is not read as "nothing wrong"
                yield InputError(origin, "no rows under the header")
            return
        except csv.Error as exc:
            yield InputError(f"{origin}:{row_no}", f"malformed CSV row ({exc})")
            return  # the reader cannot resynchronise after a broken quote
        if not any(cell.strip() for cell in row):
            continue  # blank line
        rows += 1
        yield to_article(dict(zip(header, row, strict=False)), f"{origin}:{row_no}", opts)


def _check_header(header: list[str], opts: Options) -> str:
    """Why the header cannot be used, or ``""``."""
    names = {h.lower() for h in header}
    for field, column in opts.columns.items():
        if column.strip().lower() not in names:
            return (
                f"column {column!r} (for {field}) is not in the header; "
                f"the columns are: {', '.join(header)}"
            )
    if not any(k.lower() in names for k in keys_for("text", opts)):
        return (
            f"no text column in the header (looked for {', '.join(ALIASES['text'])}); "
            f"the columns are: {', '.join(header) or '(none)'}; say which one holds the "
            "article text: --columns text=NAME on the command line, "
            'columns={"text": NAME} in Python'
        )
    return ""


def _sniff(header_line: str) -> str:
    """The delimiter that occurs in the header line (Excel in many countries writes ``;``)."""
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _allow_long_fields(max_bytes: int) -> None:
    """Article bodies exceed csv's 128 KiB default field limit; the file limit is the real one."""
    if csv.field_size_limit() < max_bytes:
        csv.field_size_limit(min(max_bytes, sys.maxsize))

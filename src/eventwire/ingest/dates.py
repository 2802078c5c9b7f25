"""Publication dates: from metadata, else from the start of the text, else the user's default.

Never today's date: an article whose date is unknown keeps ``None`` so that
the events stage reports "date unknown" instead of inventing one; relative
words ("now", "today", "yesterday", "this week") never give a date. Dates are
returned as ISO ``YYYY-MM-DD`` in the publisher's own time zone (a story
posted at 23:30 in New York is dated that day, not the next day in UTC).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?!\d)")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\d{6})?$")  # 20240619, ARC's 20240619103000
_NUMERIC = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b")
_YEAR = re.compile(r"\b(?:1[89]\d\d|2\d\d\d)\b")
_LETTER = re.compile(r"[^\W\d_]")
#: Only a date near the start is the publication date (a dateline or byline);
#: later ones are usually about the events themselves.
HEAD_CHARS = 300
#: dateparser resolves relative words ("now", "today", "yesterday", "this week")
#: against this day instead of today, so that such a "date" is obviously not a
#: publication date (it is before any news) and is dropped: only a calendar date
#: that names day, month and year counts.
_RELATIVE_BASE = dt.datetime(1000, 1, 1)
_EARLIEST = dt.date(1900, 1, 1)
# A date that names day, month and year; "Monday" or "a year ago" are not publication dates.
_SETTINGS: dict[str, Any] = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DATES_FROM": "past",
    "RELATIVE_BASE": _RELATIVE_BASE,
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_DAY = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?(?!\d)", re.IGNORECASE)
_ISO_IN_TEXT = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")


def normalize_date(value: object) -> str | None:
    """A metadata date as ``YYYY-MM-DD``, or ``None`` when it is not a full, unambiguous date.

    Accepts ISO dates and datetimes, ``20240619``, RFC 2822 (feeds, HTTP), dates
    with a month name in most languages, and numeric day/month/year only when
    the order is unambiguous (``19/06/2024`` yes, ``06/07/2024`` no).
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    m = _ISO.match(s) or _COMPACT.match(s)
    if m:
        return _ymd(int(m[1]), int(m[2]), int(m[3]))
    if not _LETTER.search(s):
        return _numeric(s)
    if not _YEAR.search(s):
        return None
    try:
        return email.utils.parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser  # slow to import; only needed for unusual metadata

    parsed = dateparser.parse(s, settings=_SETTINGS)
    if parsed is None or parsed.date() < _EARLIEST:  # "now 2019": relative, not a date
        return None
    return parsed.date().isoformat()


def date_from_text(text: str) -> str | None:
    """A full date (with a year) in the first ~300 characters, e.g. a dateline.

    English only: the coder reads English news, and trying every other language
    took about 50 ms a page, which halved the reading speed of HTML.
    """
    head = text[:HEAD_CHARS]
    rest = re.match(r"\S*", text[HEAD_CHARS:])
    head += rest.group() if rest else ""  # do not cut "2024" to "20"
    if not _YEAR.search(head):
        return None
    from dateparser.search import search_dates

    for languages in (["en"],):
        try:
            found = search_dates(head, languages=languages, settings=_SETTINGS) or []
        except Exception:  # dateparser fails in odd ways on odd text; no date is the answer
            found = []
        for snippet, when in found:
            if _plausible(snippet, when):
                return when.date().isoformat()
    return None


def choose_date(meta: str | None, text: str, default: str | None) -> str | None:
    """The publication date: metadata, else the text's dateline, else the user's ``--date``."""
    return meta or date_from_text(text) or default


def _plausible(snippet: str, when: dt.datetime) -> bool:
    """A found date counts if it is a calendar date naming day, month and year (not
    "now" or "this week" next to a year), is unambiguous and is not in the future."""
    if not _YEAR.search(snippet):
        return False
    numeric = _NUMERIC.search(snippet)
    if numeric and _numeric(numeric.group()) is None:
        return False
    if not _EARLIEST <= when.date() <= dt.date.today():
        return False  # relative words land on _RELATIVE_BASE, long before any news
    return _names_the_date(snippet, when.date())


def _names_the_date(snippet: str, when: dt.date) -> bool:
    """Whether the words found spell out ``when`` itself: its year, its month (by
    name, or as a number in a numeric date) and its day. dateparser fills in what
    a phrase lacks; a date it made up that way is not one the text gives."""
    iso = _ISO_IN_TEXT.search(snippet)
    if iso:
        return _ymd(int(iso[1]), int(iso[3]), int(iso[4])) == when.isoformat()
    numeric = _NUMERIC.search(snippet)
    if numeric:
        return _numeric(numeric.group()) == when.isoformat()
    if str(when.year) not in _YEAR.findall(snippet):
        return False
    months = {_MONTHS[w] for w in _WORD.findall(snippet.lower()) if w in _MONTHS}
    days = {int(d) for d in _DAY.findall(snippet)}
    return months == {when.month} and when.day in days


def _numeric(s: str) -> str | None:
    m = _NUMERIC.fullmatch(s.strip())
    if not m:
        return None
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    if a > 12 >= b:
        return _ymd(year, b, a)  # day first
    if b > 12 >= a or a == b:
        return _ymd(year, a, b)  # month first
    return None  # 06/07/2024: June or July? Better no date than a wrong one.


def _ymd(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None

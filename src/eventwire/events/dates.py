"""Resolve date expressions against the article's publication date.

News reports the past: "on Tuesday" in a Wednesday story is the day before,
"in March" is the latest March not after the story. Durations ("24 years",
"for two weeks") are not dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_COUNT = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|a few|few)"
_DURATION = re.compile(
    rf"^(?:for |about |nearly |almost |more than |over |some )*{_COUNT}[- ]"
    r"(?:years?|months?|weeks?|days?|decades?|hours?)(?:-long| long| old)?$",
    re.IGNORECASE,
)
_AGO = re.compile(
    r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month|year)s?\s+ago\b",
    re.I,
)
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_YEAR = re.compile(r"^(?:in |since |by |during |early |late |mid-?)*((?:1[89]|20)\d\d)s?$", re.I)


@dataclass(slots=True, frozen=True)
class ResolvedDate:
    date: str  # ISO date (first day of the month/year for coarser precision)
    precision: str  # day, week (filed under its Monday), month, year


def _last_weekday(base: dt.date, weekday: int) -> dt.date:
    return base - dt.timedelta(days=(base.weekday() - weekday) % 7)


def _month_before(base: dt.date, month: int) -> dt.date:
    year = base.year if month <= base.month else base.year - 1
    return dt.date(year, month, 1)


def resolve(text: str, published: str | None) -> ResolvedDate | None:
    """Resolve one DATE expression; None for durations and what cannot be placed."""
    phrase = re.sub(
        r"^(on|in|at|since|by|during|from|until|this|the)\s+", "", text.strip(), flags=re.I
    )
    phrase = phrase.strip(" ,.")
    low = phrase.lower()
    if not low or _DURATION.match(low):
        return None
    year = _YEAR.match(low)
    if year:
        return ResolvedDate(f"{year.group(1)}-01-01", "year")
    if not published:
        return None
    base = dt.date.fromisoformat(published)
    words = low.split()
    if low in {"today", "tonight"} or low.endswith("morning") and words[0] in {"this"}:
        return ResolvedDate(base.isoformat(), "day")
    if low in {"yesterday", "last night"}:
        return ResolvedDate((base - dt.timedelta(days=1)).isoformat(), "day")
    for i, name in enumerate(WEEKDAYS):
        if words[0] == name or (words[0] in {"last", "on"} and len(words) > 1 and words[1] == name):
            day = _last_weekday(base, i)
            if words[0] == "last" and day == base:
                day -= dt.timedelta(days=7)
            return ResolvedDate(day.isoformat(), "day")
        if words[0] == "next" and len(words) > 1 and words[1] == name:
            return ResolvedDate(
                (base + dt.timedelta(days=(i - base.weekday()) % 7 or 7)).isoformat(), "day"
            )
    if low in {"last week", "earlier this week", "this week"}:
        # A week, filed under its Monday (as a month is under its first day).
        monday = base - dt.timedelta(days=base.weekday() + (7 if low == "last week" else 0))
        return ResolvedDate(monday.isoformat(), "week")
    if low == "last month":
        first = base.replace(day=1) - dt.timedelta(days=1)
        return ResolvedDate(first.replace(day=1).isoformat(), "month")
    if low in {"last year", "a year ago"}:
        return ResolvedDate(f"{base.year - 1}-01-01", "year")
    if low in {"this year", "earlier this year"}:
        return ResolvedDate(f"{base.year}-01-01", "year")
    ago = _AGO.search(low)
    if ago:
        n = int(ago.group(1)) if ago.group(1).isdigit() else _NUMBERS[ago.group(1)]
        unit = ago.group(2)
        if unit == "year":
            return ResolvedDate(f"{base.year - n}-01-01", "year")
        days = {"day": 1, "week": 7, "month": 30}[unit] * n
        return ResolvedDate(
            (base - dt.timedelta(days=days)).isoformat(), "day" if unit != "month" else "month"
        )
    if low in MONTHS or (
        words[0] in {"early", "late", "mid"} and len(words) == 2 and words[1] in MONTHS
    ):
        return ResolvedDate(_month_before(base, MONTHS.index(words[-1]) + 1).isoformat(), "month")
    return _explicit(phrase, base)


def _explicit(phrase: str, base: dt.date) -> ResolvedDate | None:
    """Calendar dates ("June 19", "19 June 2024", "March 2023") via dateparser."""
    if not re.search(r"\d", phrase) or not any(m[:3] in phrase.lower() for m in MONTHS):
        return None
    settings = {
        "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": False,
        "REQUIRE_PARTS": ["month"],
    }
    import dateparser  # 0.1 s to import: only when a calendar date is written out

    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    if parsed is None:
        return None
    has_day = bool(re.search(r"\b\d{1,2}(st|nd|rd|th)?\b", re.sub(r"\b\d{4}\b", "", phrase)))
    if has_day:
        return ResolvedDate(parsed.date().isoformat(), "day")
    return ResolvedDate(parsed.date().replace(day=1).isoformat(), "month")

"""Publication dates: metadata first, then a dateline, then --date, never today."""

import datetime as dt

import pytest

from eventwire.ingest.dates import date_from_text, normalize_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-06-19", "2024-06-19"),
        ("2024-06-19T23:30:00-05:00", "2024-06-19"),  # the publisher's day, not UTC
        ("2024-06-19 10:00:00", "2024-06-19"),
        ("20240619", "2024-06-19"),
        ("Wed, 19 Jun 2024 23:30:00 -0500", "2024-06-19"),
        ("June 19, 2024", "2024-06-19"),
        ("19/06/2024", "2024-06-19"),
        ("06/19/2024", "2024-06-19"),
        ("06/07/2024", None),  # June 7 or July 6: no guess
        ("2024-02-30", None),
        ("March", None),
        ("yesterday", None),
        ("", None),
        (20240619, None),
        (dt.date(2024, 6, 19), "2024-06-19"),
    ],
)
def test_normalize_date(value, expected):
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WASHINGTON, June 19, 2024 (Example Wire) - Envoys met on Monday.", "2024-06-19"),
        ("Published 2024-06-19. The treaty was signed by both sides.", "2024-06-19"),
        ("In 2019 the treaty was signed on a Monday.", None),  # a year alone is not a date
        ("The envoys met on Monday and again a year later.", None),
        ("By Jane Roe | 06/07/2024 | The talks went on.", None),
        ("The summit planned for June 19, 2999 was announced.", None),  # future
        ("x" * 400 + " June 19, 2024", None),  # too far from the start
    ],
)
def test_date_from_text(text, expected):
    assert date_from_text(text) == expected


def test_date_order_for_text_files(tmp_path, read):
    (tmp_path / "dated.txt").write_text(
        "Ceasefire talks\n\nGENEVA, March 3, 2023 - Delegates met again.", encoding="utf-8"
    )
    (tmp_path / "plain.txt").write_text("Delegates met again on Monday.", encoding="utf-8")
    arts, _ = read(tmp_path, date="2021-01-01")
    assert {a.id: a.date for a in arts} == {"dated.txt": "2023-03-03", "plain.txt": "2021-01-01"}
    arts, _ = read(tmp_path / "plain.txt")
    assert arts[0].date is None  # never today's date

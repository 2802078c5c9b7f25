import pytest

from eventwire.events.dates import resolve

PUB = "2024-06-19"  # a Wednesday


@pytest.mark.parametrize(
    ("phrase", "date", "precision"),
    [
        ("Wednesday", "2024-06-19", "day"),
        ("on Tuesday", "2024-06-18", "day"),
        ("Thursday", "2024-06-13", "day"),
        ("last Wednesday", "2024-06-12", "day"),
        ("yesterday", "2024-06-18", "day"),
        ("in March", "2024-03-01", "month"),
        ("September", "2023-09-01", "month"),
        ("1961", "1961-01-01", "year"),
        ("in 2000", "2000-01-01", "year"),
        ("June 19", "2024-06-19", "day"),
        ("3 May 2022", "2022-05-03", "day"),
        ("two days ago", "2024-06-17", "day"),
        ("last year", "2023-01-01", "year"),
    ],
)
def test_resolves_against_publication_date(phrase, date, precision):
    got = resolve(phrase, PUB)
    assert got is not None, phrase
    assert (got.date, got.precision) == (date, precision)


@pytest.mark.parametrize("phrase", ["24 years", "for two weeks", "several months", "the end of"])
def test_durations_and_vague_phrases_are_not_dates(phrase):
    assert resolve(phrase, PUB) is None


def test_relative_phrase_without_publication_date_is_unknown():
    assert resolve("on Tuesday", None) is None
    assert resolve("1994", None).date == "1994-01-01"

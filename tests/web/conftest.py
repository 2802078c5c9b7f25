"""A small real database for the web tests: a handful of short articles, ingested once
per test module through the same runner as `eventwire ingest`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire.config import Settings
from eventwire.runners.local import ingest

#: Written for these tests: countries on every continent of the news, several event
#: types and quad classes, places with coordinates, a title given apart from the text,
#: an alleged event, and markup that must come back as plain text.
ARTICLES = [
    {
        "id": "w-1",
        "date": "2024-03-04",
        "source": "Test Wire",
        "title": "Ministers meet in Beijing",
        "url": "https://wire.example.org/2024/03/04/ministers",
        "text": "Russia's foreign minister met his Chinese counterpart in Beijing on Monday."
        "\n\nThe two governments signed an agreement on energy trade.",
    },
    {
        "id": "w-2",
        "date": "2024-03-13",
        "source": "Harbor Post",
        "text": "Sudanese troops attacked rebel positions near the border with Chad on "
        "Tuesday. Chad condemned the attack.",
    },
    {
        "id": "w-3",
        "date": "2024-04-20",
        "source": "Test Wire",
        "text": "Kenya and Somalia signed a security agreement in Nairobi on Friday. "
        "Somali officials praised Kenya for its help.",
    },
    {
        "id": "w-4",
        "date": "2024-05-03",
        "source": "Harbor Post",
        "text": "Japan protested to North Korea on Thursday after a missile test.\n\n"
        "<script>alert('x')</script> <b>More</b> to follow.",
    },
    {
        "id": "w-5",
        "date": "2024-05-16",
        "source": "Test Wire",
        "text": "Ukraine accused Russia of shelling Kharkiv on Wednesday.",
    },
]


def build_db(folder: Path) -> Path:
    """A database in ``folder`` holding ``ARTICLES``, coded by the real pipeline."""
    source = folder / "news.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    db = folder / "web.duckdb"
    summary = ingest([str(source)], Settings(db=str(db), workers=1))
    assert summary.stored == len(ARTICLES) and not summary.rejected
    return db


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh database of ``ARTICLES`` for this test module (tests that write copy it)."""
    return build_db(tmp_path_factory.mktemp("web"))

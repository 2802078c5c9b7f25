"""Hand-built articles and events for the store tests (no NLP needed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from eventwire.models import Actor, Article, Event, Evidence, Location
from eventwire.store import Store

TEXT_1 = "Ukrainian protesters rallied outside the Russian embassy in Kyiv on Monday."
TEXT_2 = "NATO warned Moscow on Tuesday. Russia's foreign ministry denied the report."


def _event(
    doc_id: str,
    event_type: str,
    source: list[Actor],
    target: list[Actor],
    text: str,
    trigger: str,
    date: str | None,
    **kw: object,
) -> Event:
    start = 0
    t_start = text.index(trigger)
    evidence = Evidence(text, start, len(text), trigger, t_start, t_start + len(trigger))
    return Event(
        doc_id=doc_id,
        event_type=event_type,
        cameo=kw.pop("cameo", "14"),  # type: ignore[arg-type]
        source=source,
        target=target,
        evidence=evidence,
        date=date,
        **kw,  # type: ignore[arg-type]
    )


def build_articles() -> list[Article]:
    """Two articles, three events, covering statuses, IGO codes, dates and locations."""
    protesters = Actor("Ukrainian protesters", "Protesters", "UKR", "CVL", 0, 20)
    embassy = Actor("the Russian embassy", "Russia", "RUS", "GOV", 37, 56)
    nato = Actor("NATO", "North Atlantic Treaty Organization", "IGO", "", 0, 4)
    moscow = Actor("Moscow", "Russia", "RUS", "GOV", 12, 18)
    ministry = Actor("Russia's foreign ministry", "Russian Foreign Ministry", "RUS", "GOV", 31, 56)
    protest = _event(
        "doc-1",
        "PROTEST",
        [protesters],
        [embassy],
        TEXT_1,
        "rallied",
        "2024-03-04",
        date_text="on Monday",
        date_precision="day",
        mode="demonstrate",
        contexts=["pro-democracy"],
        quad_class=3,
        goldstein=-6.5,
        location=Location("Kyiv", "UKR", 50.4501, 30.5234),
        confidence=0.87654321,
    )
    threaten = _event(
        "doc-2",
        "THREATEN",
        [nato],
        [moscow],
        TEXT_2,
        "warned",
        "2024-03-05",
        cameo="13",
        quad_class=3,
        goldstein=-4.0,
        confidence=0.6,
    )
    denied = _event(
        "doc-2",
        "ACCUSE",
        [ministry],
        [nato],
        TEXT_2,
        "denied",
        "2024-04",
        date_precision="month",
        cameo="11",
        status="denied",
        attribution=Actor("Russia's foreign ministry", "Russian Foreign Ministry", "RUS", "GOV"),
        confidence=0.4,
    )
    a1 = Article(
        id="doc-1",
        text=TEXT_1,
        title="Protest in Kyiv — ünïcode",
        date="2024-03-04",
        url="https://example.org/1",
        source="Example Wire",
        origin="sample.jsonl:1",
        status="coded",
        content_hash="h1",
        story_id="s1",
        events=[protest],
    )
    a2 = Article(
        id="doc-2",
        text=TEXT_2,
        title="NATO warns Moscow",
        date="2024-03-05",
        source="Example Wire",
        origin="sample.jsonl:2",
        status="coded",
        content_hash="h2",
        story_id="s2",
        events=[threaten, denied],
    )
    return [a1, a2]


@pytest.fixture
def articles() -> list[Article]:
    return build_articles()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as s:
        yield s


@pytest.fixture
def filled(store: Store, articles: list[Article]) -> Store:
    store.save_many(articles)
    return store


@pytest.fixture
def dump() -> Callable[[Store], tuple[list[tuple], list[tuple], list[tuple]]]:
    """Every row of every table, for before/after comparisons."""

    def _dump(s: Store) -> tuple[list[tuple], list[tuple], list[tuple]]:
        return (
            s.query("SELECT * FROM articles ORDER BY id"),
            s.query("SELECT * FROM events ORDER BY id"),
            s.query("SELECT * FROM rejected ORDER BY origin"),
        )

    return _dump

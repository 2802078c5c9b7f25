"""Round trips and the filters of Store.events / articles / stats."""

from __future__ import annotations

import pytest

from eventwire.errors import UsageError
from eventwire.models import Actor, Article, Event, Evidence


def _ids(events: list[Event]) -> list[str]:
    return [e.event_type for e in events]


def test_event_round_trip_is_exact(filled, articles):
    stored = filled.events(status=None, mentions=True)
    originals = [e for a in articles for e in a.events]
    assert sorted(stored, key=lambda e: e.id) == sorted(originals, key=lambda e: e.id)
    by_id = {e.id: e for e in stored}
    for ev in originals:
        assert by_id[ev.id].to_dict() == ev.to_dict()
        assert by_id[ev.id].confidence == ev.confidence  # not rounded on the way
    denied = by_id[articles[1].events[1].id]
    assert denied.date == "2024-04"  # month-precision date survives as written
    assert denied.attribution == articles[1].events[1].attribution


def test_article_round_trip(filled, articles):
    a1 = articles[0]
    got = filled.article("doc-1")
    assert got is not None
    assert got.to_dict() == a1.to_dict()
    assert got.events == a1.events
    assert filled.article("missing") is None


def test_default_is_asserted_only(filled):
    assert _ids(filled.events()) == ["PROTEST", "THREATEN"]
    assert _ids(filled.events(status="all")) == ["PROTEST", "THREATEN", "ACCUSE"]
    assert _ids(filled.events(status=None)) == ["PROTEST", "THREATEN", "ACCUSE"]
    assert _ids(filled.events(status="denied, alleged")) == ["ACCUSE"]
    with pytest.raises(UsageError, match="unknown event status"):
        filled.events(status="rumoured")


def test_country_filter_source_or_target_case_insensitive(filled):
    assert _ids(filled.events(country="ukr")) == ["PROTEST"]
    assert _ids(filled.events(country="RUS", status="all")) == ["PROTEST", "THREATEN", "ACCUSE"]
    assert _ids(filled.events(country="igo", status="all")) == ["THREATEN", "ACCUSE"]
    assert filled.events(country="FRA") == []


def test_actor_filter_matches_name_text_or_code(filled):
    assert _ids(filled.events(actor="atlantic")) == ["THREATEN"]  # name
    assert _ids(filled.events(actor="moscow")) == ["THREATEN"]  # mention text
    assert _ids(filled.events(actor="ukrcvl")) == ["PROTEST"]  # code
    assert _ids(filled.events(actor="100%_")) == []  # no wildcard surprises


def test_type_list_and_dates(filled):
    assert _ids(filled.events(event_type="protest, THREATEN")) == ["PROTEST", "THREATEN"]
    assert _ids(filled.events(event_type=["ACCUSE"], status="all")) == ["ACCUSE"]
    assert _ids(filled.events(since="2024-03-05")) == ["THREATEN"]  # inclusive
    assert _ids(filled.events(until="2024-03-04")) == ["PROTEST"]  # inclusive
    assert _ids(filled.events(since="2024-03-04", until="2024-03-05")) == ["PROTEST", "THREATEN"]
    assert _ids(filled.events(since="2024-04", status="all")) == ["ACCUSE"]
    assert _ids(filled.events(until="2024-03", status="all")) == ["PROTEST", "THREATEN"]
    with pytest.raises(UsageError, match="not a date"):
        filled.events(since="yesterday")
    with pytest.raises(UsageError, match="after"):
        filled.events(since="2024-05-01", until="2024-01-01")


def test_other_filters_and_order(filled):
    assert _ids(filled.events(doc_id="doc-2", status="all")) == ["THREATEN", "ACCUSE"]
    assert _ids(filled.events(min_confidence=0.6, status="all")) == ["PROTEST", "THREATEN"]
    assert _ids(filled.events(limit=1)) == ["PROTEST"]
    assert filled.events(country="RUS", actor="nato", event_type="THREATEN", limit=5)


def test_undated_events_sort_last(store):
    ev = Event(
        doc_id="d",
        event_type="CONSULT",
        cameo="04",
        source=[Actor("a", country="FRA")],
        target=[],
        evidence=Evidence("a met", 0, 5, "met", 2, 5),
    )
    store.save(Article(id="d", text="a met", events=[ev]))
    assert store.events()[0].date is None
    assert store.events(since="2000") == []


def test_articles_listing(filled):
    filled.reject("broken.html", "no text found")
    rows = filled.articles()
    assert [r["id"] for r in rows] == ["doc-1", "doc-2", "broken.html"]
    assert rows[0] == {
        "id": "doc-1",
        "ref": "doc-1",  # an article saved without one: its id
        "title": "Protest in Kyiv — ünïcode",
        "date": "2024-03-04",
        "source": "Example Wire",
        "status": "coded",
        "reason": "",
        "story_id": "s1",
        "n_events": 1,
        "origin": "sample.jsonl:1",
        "place": "",
        "agency": "",
    }
    assert [r["id"] for r in filled.articles(status="coded")] == ["doc-1", "doc-2"]
    assert [r["id"] for r in filled.articles(status="rejected")] == ["broken.html"]
    assert len(filled.articles(limit=2)) == 2


def test_stats(filled):
    filled.reject("x", "bad")
    st = filled.stats()
    assert st["articles"] == 2 and st["events"] == 3 and st["rejected"] == 1
    assert st["articles_by_status"] == {"coded": 2}
    assert st["events_by_type"] == {"ACCUSE": 1, "PROTEST": 1, "THREATEN": 1}
    assert st["events_by_status"] == {"asserted": 2, "denied": 1}
    assert st["date_range"] == {"min": "2024-03-04", "max": "2024-04-01"}
    assert st["top_source_countries"] == {"IGO": 1, "RUS": 1, "UKR": 1}
    assert st["top_target_countries"] == {"RUS": 2, "IGO": 1}

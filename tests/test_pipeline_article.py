"""A whole messy article through the pipeline: dateline, glued heading, boilerplate."""

from pathlib import Path

import eventwire
from eventwire.clean import clean_text

TEXT = (Path(__file__).parent / "fixtures" / "pact-article.txt").read_text(encoding="utf-8")
PUBLISHED = "2024-07-09"  # a Tuesday


def _dyads(events, statuses=("asserted",)):
    return {
        (s.country, t.country, e.event_type)
        for e in events
        if e.status in statuses
        for s in e.source
        for t in e.target
        if s.country and t.country and s.country != t.country
    }


def test_cleaning_drops_boilerplate_and_splits_the_heading():
    cleaned = clean_text(TEXT)
    assert "Leave a Reply" not in cleaned and "Share this article" not in cleaned
    assert "Troop access deal\nThe pact" in cleaned


def test_expected_events_and_nothing_invented():
    events = eventwire.code(TEXT, date=PUBLISHED)
    got = _dyads(events)
    assert {("JPN", "PHL", "SUPPORT"), ("PHL", "JPN", "SUPPORT")} <= got  # the signing
    assert ("JPN", "PHL", "CONSULT") in got  # the visit
    assert ("CHN", "JPN", "ACCUSE") in got
    # the dateline ("MANILA, Philippines") names where the story was filed, not an actor,
    # and no country the article does not mention appears
    countries = {c for d in _dyads(events, eventwire.models.EVENT_STATUSES) for c in d[:2]}
    assert countries <= {"JPN", "PHL", "CHN"}


def test_dates_resolve_against_publication_date():
    events = eventwire.code(TEXT, date=PUBLISHED)
    signing = next(e for e in events if e.event_type == "SUPPORT")
    assert (signing.date, signing.date_text) == ("2024-07-08", "Monday")
    visit = next(e for e in events if e.event_type == "CONSULT")
    assert visit.date == "2024-07-07"


def test_titles_give_country_and_sector_to_people_not_in_the_knowledge_base():
    events = eventwire.code(TEXT, date=PUBLISHED)
    signing = next(e for e in events if e.event_type == "SUPPORT")
    codes = {a.code for a in signing.source}
    assert codes == {"JPNGOV", "PHLGOV"}
    # a later bare surname inherits the code
    visit = next(e for e in events if e.event_type == "CONSULT")
    assert visit.source[0].code == "JPNGOV"

"""Event locations and cities as sides (the gazetteer itself: tests/geo/test_places.py)."""

import eventwire


def test_event_location_and_city_as_target():
    events = eventwire.code("Russian troops shelled Kharkiv on Monday.", date="2024-05-08")
    assault = next(e for e in events if e.event_type == "ASSAULT")
    assert [a.country for a in assault.target] == ["UKR"]
    events = eventwire.code(
        "Israeli troops raided a refugee camp in Jenin on Tuesday.", date="2024-05-08"
    )
    raid = next(e for e in events if e.source and e.source[0].country == "ISR")
    assert raid.location is not None and raid.location.country == "PSE"
    assert raid.location.text == "Jenin"


def test_a_third_party_report_is_an_allegation():
    events = eventwire.code(
        "Ukrainian officials said Russian troops shelled Kharkiv.", date="2024-05-08"
    )
    assault = next(e for e in events if e.event_type == "ASSAULT")
    assert assault.status == "alleged"
    assert assault.attribution is not None and assault.attribution.country == "UKR"
    own = eventwire.code("Russia said its troops shelled Kharkiv.", date="2024-05-08")
    assert next(e for e in own if e.event_type == "ASSAULT").status == "asserted"

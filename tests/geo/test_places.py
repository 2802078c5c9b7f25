"""The offline gazetteer and the country table it reads."""

import pytest

from eventwire.geo import countries, places


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Kharkiv", "UKR"),
        ("Goma", "COD"),
        ("Pyongyang", "PRK"),
        ("North Korea", "PRK"),
        ("Geneva", "CHE"),
    ],
)
def test_lookup(name, country):
    place = places.lookup(name)
    assert place is not None and place.country == country
    assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180 and (place.lat, place.lon) != (0, 0)


def test_ambiguous_city_names_stay_unknown():
    assert places.lookup("Hyderabad") is None  # India and Pakistan
    assert places.city_country("Nowhereville") == ""


def test_a_country_is_placed_at_its_capital():
    place = places.lookup("the Philippines")
    assert place is not None and place.country == "PHL" and place.kind == "country"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Russia", [("RUS", "country")]),
        ("Kabul", [("AFG", "capital")]),
        ("Congo", [("COG", "country"), ("COD", "country")]),  # shared: placed by context
    ],
)
def test_country_names(name, expected):
    assert [(n.country, n.kind) for n in countries.names()[name]] == expected


def test_country_names_agree_with_the_actor_knowledge_base():
    """Places and actors read one table: every country name and capital means the same."""
    from eventwire.actors.kb import shipped

    kb = shipped()
    for name, meanings in countries.names().items():
        entries = [e for e in kb.lookup(name) if e.kind in {"country", "capital"}]
        assert [(n.country, n.kind) for n in meanings] == [(e.country, e.kind) for e in entries]


def test_continents():
    europe = places.countries_by_continent()["EU"]
    assert {"FRA", "DEU", "POL"} <= europe and "CHN" not in europe

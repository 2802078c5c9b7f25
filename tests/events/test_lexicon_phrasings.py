"""Everyday news phrasings the trigger lexicon codes (``data/triggers.tsv``): the type and
the sides of each, and look-alikes that must stay silent. Sentences are the team's own."""

import pytest

import eventwire

DATE = "2024-03-06"


def dyads(events):
    out = set()
    for e in events:
        for s in e.source:
            for t in e.target:
                if s.country and t.country and s.country != t.country:
                    out.add((s.country, t.country, e.event_type))
    return out


def codes(events):
    return {(e.event_type, e.cameo) for e in events}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # reducing relations, expelling, stopping aid
        ("The United States paused military aid to Georgia.", ("USA", "GEO", "SANCTION")),
        ("Moscow withdrew from the Open Skies treaty with Washington.", ("RUS", "USA", "SANCTION")),
        ("Argentina ordered out two Iranian diplomats.", ("ARG", "IRN", "SANCTION")),
        ("Poland kicked out three Belarusian diplomats.", ("POL", "BLR", "SANCTION")),
        ("Mali ordered the French ambassador to leave the country.", ("MLI", "FRA", "SANCTION")),
        ("Niger ended its security pact with the European Union.", ("NER", "EUR", "SANCTION")),
        ("The African Union suspended Sudan from the organisation.", ("IGO", "SDN", "SANCTION")),
        ("Tokyo added four Russian banks to its blacklist.", ("JPN", "RUS", "SANCTION")),
        ("Canada shuttered its embassy in Tehran.", ("CAN", "IRN", "SANCTION")),
        ("The Netherlands slashed funding to the Palestinian agency.", ("NLD", "PSE", "SANCTION")),
        ("Ankara scuttled the peace talks with Athens.", ("TUR", "GRC", "REJECT")),
        # demands and applications
        ("Niger ordered French troops to leave the country.", ("NER", "FRA", "REQUEST")),
        ("Ukraine handed in its application to join NATO.", ("UKR", "IGO", "REQUEST")),
        ("Bosnia submitted an application to join the European Union.", ("BIH", "EUR", "REQUEST")),
        # force posture and force
        ("China launched large-scale live-fire drills around Taiwan.", ("CHN", "TWN", "MOBILIZE")),
        ("A Russian missile hit a shopping centre in Kharkiv.", ("RUS", "UKR", "ASSAULT")),
        ("Ethiopian troops poured across the border into Somalia.", ("ETH", "SOM", "ASSAULT")),
        ("Russian agents hacked into the German parliament's servers.", ("RUS", "DEU", "ASSAULT")),
        (
            "Chinese ships blocked a Philippine resupply mission near the shoal.",
            ("CHN", "PHL", "COERCE"),
        ),
        # arrests
        ("Turkish police nabbed two Syrian smugglers near the border.", ("TUR", "SYR", "COERCE")),
        ("A court in Dhaka remanded the Indian journalist in custody.", ("BGD", "IND", "COERCE")),
        # cooperation, support, aid
        (
            "Spanish warships escorted a Panamanian tanker through the strait.",
            ("ESP", "PAN", "AID"),
        ),
        ("The IMF disbursed a $300 million tranche to Ukraine.", ("IGO", "UKR", "AID")),
        ("China extended a $2 billion credit line to Sri Lanka.", ("CHN", "LKA", "AID")),
        ("Kenya opened an embassy in Seoul.", ("KEN", "KOR", "SUPPORT")),
        ("Honduras recognised Beijing in 2023.", ("HND", "CHN", "SUPPORT")),
        (
            "Britain approved the extradition of the Australian activist to the United States.",
            ("GBR", "USA", "COOPERATE"),
        ),
    ],
)
def test_phrasing_codes_its_dyad(text, expected):
    assert expected in dyads(eventwire.code(text, date=DATE))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Belgrade declared the Croatian consul persona non grata.", ("SANCTION", "166")),
        ("Lithuania stepped up patrols along its border with Belarus.", ("MOBILIZE", "150")),
        ("police took the protest leader into custody on Monday.", ("COERCE", "173")),
        ("riot police charged the marchers with batons.", ("ASSAULT", "175")),
        ("police used tear gas against the marchers.", ("ASSAULT", "175")),
        ("the mob set ablaze a police station in the town.", ("ASSAULT", "1712")),
        ("protesters threw rocks at the riot police.", ("PROTEST", "145")),
        ("Jailed Kurdish activists in Turkey began a hunger strike.", ("PROTEST", "142")),
    ],
)
def test_phrasing_codes_its_type(text, expected):
    assert expected in codes(eventwire.code(text, date=DATE))


def test_live_fire_drills_are_no_assault():
    events = eventwire.code("China launched live-fire drills around Taiwan.", date=DATE)
    assert "ASSAULT" not in {e.event_type for e in events}


def test_tear_gas_is_no_chemical_weapon():
    events = eventwire.code("police used tear gas to disperse the crowd.", date=DATE)
    assert "2041" not in {e.cameo for e in events}


def test_baton_charge_is_no_accusation():
    events = eventwire.code("police charged the crowd with batons.", date=DATE)
    assert "ACCUSE" not in {e.event_type for e in events}


@pytest.mark.parametrize(
    "text",
    [
        "The company paused production at its plant in Ohio.",
        "Rain poured into the streets of Mumbai.",
        "Fans gathered outside the stadium.",
        "The government extended the state of emergency.",
        "The minister submitted his resignation.",
        "The athletes withdrew from the Olympics.",
        "Officials completed the review of the budget.",
        "The minister added the item to the agenda.",
    ],
)
def test_look_alikes_stay_silent(text):
    assert not eventwire.code(text, date=DATE)

"""Actor resolution on the team's own sentences."""

import pytest

from eventwire import clean, nlp
from eventwire.actors.kb import shipped
from eventwire.actors.matching import dateline_end
from eventwire.actors.resolve import DocActors


def actors_in(text, date="2024-06-19"):
    doc = nlp.parse(text)
    return doc, DocActors(doc, shipped(), date)


def codes_for(text, word, date="2024-06-19", nth=0):
    doc, actors = actors_in(text, date)
    token = [t for t in doc if t.text == word][nth]
    return [a.code or "?" for a in actors.resolve_group(token, agent=True)]


@pytest.mark.parametrize(
    ("text", "head", "expected"),
    [
        ("North Korean leader Kim Jong Un spoke.", "Un", ["PRKGOV"]),
        ("A US State Department spokesperson spoke.", "spokesperson", ["USAGOV"]),
        ("US and South Korean officials spoke.", "officials", ["USAGOV", "KORGOV"]),
        ("The Kremlin spoke.", "Kremlin", ["RUSGOV"]),
        ("Downing Street spoke.", "Street", ["GBRGOV"]),
        ("Beijing spoke.", "Beijing", ["CHNGOV"]),
        ("Israeli troops advanced.", "troops", ["ISRMIL"]),
        ("Colombian police arrested him.", "police", ["COLCOP"]),
        ("Hezbollah fighters fired rockets.", "fighters", ["LBNREB"]),
        ("The UN Security Council met.", "Council", ["UNOGOV"]),
        ("Georgian protesters marched.", "protesters", ["GEOCVL"]),
        ("Protesters marched.", "Protesters", ["?"]),  # no country is ever guessed
        ("Korean officials met.", "officials", ["?"]),  # ambiguous nationality
        ("Mira Kovacs of the Centre for European Reform spoke.", "Kovacs", ["?"]),
        ("Tomas Reyes, a spokesman for Chile's foreign ministry, spoke.", "Reyes", ["CHLGOV"]),
        ("Kenyan Interior Minister Amina Odhiambo spoke.", "Odhiambo", ["KENGOV"]),
    ],
)
def test_mentions(text, head, expected):
    assert codes_for(text, head) == expected


def test_roles_change_with_the_date():
    putin = shipped().people["Vladimir Putin"]
    assert putin.at("2010-06-01") == ("RUS", "GOV")
    roles_2010 = [r.role for r in putin.roles if r.active("2010-06-01")]
    assert roles_2010 == ["prime minister"]
    assert [r.role for r in putin.roles if r.active("2024-06-19")] == ["president"]
    # a former official keeps the country, not the office
    assert shipped().people["Antony Blinken"].at("2026-03-01") == ("USA", "")


def test_surname_and_pronoun_inherit_the_first_mention():
    text = (
        "Brazilian President Luiz Inacio Lula da Silva met Chinese President Xi Jinping. "
        "Later Lula said he was pleased."
    )
    assert codes_for(text, "Lula", nth=1) == ["BRAGOV"]
    assert codes_for(text, "he") == ["BRAGOV"]


def test_the_two_leaders_and_both_countries():
    text = (
        "Indian Prime Minister Narendra Modi hosted Japanese Prime Minister Shigeru Ishiba. "
        "The two leaders praised ties, and both countries signed a deal."
    )
    assert sorted(codes_for(text, "leaders")) == ["INDGOV", "JPNGOV"]
    assert sorted(c[:3] for c in codes_for(text, "countries")) == ["IND", "JPN"]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("SEOUL, South Korea (Example Wire) — Japan protested on Monday.", "Seoul, South Korea"),
        ("MOSCOW (AFP) — Japan protested on Monday.", "Moscow"),  # AFP is a news agency
        ("Talks resume\n\nBEIJING, China (Xinhua) -- Japan protested on Monday.", "Beijing, China"),
    ],
)
def test_dateline_is_not_an_actor(text, place):
    assert clean.dateline(text)[0] == place
    doc = nlp.parse(text)
    actors = DocActors(doc, shipped(), "2024-06-19", dateline=place)
    assert [m.text for m in actors.mentions()] == ["Japan"]


def test_without_a_dateline_the_text_is_not_searched_for_one():
    doc = nlp.parse("SEOUL, South Korea (Example Wire) — Japan protested on Monday.")
    texts = [m.text for m in DocActors(doc, shipped(), "2024-06-19").mentions()]
    assert texts == ["South Korea", "Japan"]


@pytest.mark.parametrize(
    ("text", "place", "end"),
    [
        ("SEOUL, South Korea (AP) — Japan protested.", "Seoul, South Korea", 25),
        ("GENEVA -- Talks began.", "Geneva", 9),
        ("Headline\nKYIV, Ukraine — Talks began.", "Kyiv, Ukraine", 24),
        ("ISTANBUL (AP) — Talks began.", "Istanbul", 15),
        ("Officials met in Kyiv, Ukraine.", "Kyiv, Ukraine", -1),  # not at a paragraph start
        ("SEOUL — Japan protested.", "", -1),
    ],
)
def test_dateline_end(text, place, end):
    assert dateline_end(text, place) == end


def test_acronym_after_full_name():
    text = "The Kenyan Defence Forces (KDF) deployed troops. The KDF said the mission was over."
    assert codes_for(text, "KDF", nth=1) == ["KENMIL"]


def test_not_yet_in_office_is_not_coded():
    # Marco Rubio became secretary of state in 2025; in 2019 he was a senator (not listed)
    assert codes_for("Marco Rubio criticised Cuba.", "Rubio", date="2019-03-01")[0][:3] != "USAGOV"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Congo said rebels had shelled villages near Goma.", ["COD"]),
        ("Congo said its envoy had returned to Brazzaville.", ["COG"]),
        # no evidence for either Congo: unknown, never a guess
        ("Congo said the talks would resume.", []),
    ],
)
def test_ambiguous_country_is_placed_only_by_evidence_in_the_story(text, expected):
    assert codes_for(text, "Congo") == expected


def test_a_list_hung_on_the_head_as_an_apposition_is_a_list():
    import eventwire

    (event,) = eventwire.code(
        "The European Union, the US, Britain and Canada imposed new sanctions on Belarus.",
        date="2024-05-08",
    )
    assert {a.country for a in event.source} == {"EUR", "USA", "GBR", "CAN"}
    (met,) = eventwire.code("Vladimir Putin, Russia's president, met Kim Jong Un.")
    assert sorted(a.country for a in met.source) == ["PRK", "RUS"]  # a second name, no list

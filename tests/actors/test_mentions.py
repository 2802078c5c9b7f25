"""``DocActors.mentions()``: every resolved actor mention in a document."""

import pytest

from eventwire import nlp
from eventwire.actors.kb import shipped
from eventwire.actors.resolve import DocActors
from eventwire.models import Mention


def mentions_in(text, date="2024-06-19", dateline=""):
    doc = nlp.parse(text)
    return doc, DocActors(doc, shipped(), date, dateline=dateline).mentions()


def rows(text, **kw):
    _, found = mentions_in(text, **kw)
    return [(m.text, m.country, m.sector, m.kind) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "North Korean leader Kim Jong Un met Vladimir Putin.",
            [
                ("North Korean leader Kim Jong Un", "PRK", "GOV", "person"),
                ("Vladimir Putin", "RUS", "GOV", "person"),
            ],
        ),
        (
            # one mention per country of a group noun, in the order the text gives them
            "US and South Korean officials spoke.",
            [
                ("US and South Korean officials", "USA", "GOV", "group"),
                ("US and South Korean officials", "KOR", "GOV", "group"),
            ],
        ),
        (
            # the members of a list once each, as what they are
            "Russia and China protested, and the UN Security Council met.",
            [
                ("Russia", "RUS", "", "country"),
                ("China", "CHN", "", "country"),
                ("the UN Security Council", "UNO", "GOV", "igo"),
            ],
        ),
        (
            "The Kenyan Defence Forces (KDF) deployed. The KDF said the mission was over.",
            [
                ("The Kenyan Defence Forces", "KEN", "MIL", "org"),
                ("KDF", "KEN", "MIL", "org"),
                ("KDF", "KEN", "MIL", "org"),
            ],
        ),
        (
            # an actor that cannot be placed is a mention with no country, as in events
            "Protesters marched.",
            [("Protesters", "", "CVL", "group")],
        ),
    ],
)
def test_mentions(text, expected):
    assert rows(text) == expected


def test_references_are_mentions_of_what_they_point_to():
    text = (
        "Indian Prime Minister Narendra Modi hosted Japanese Prime Minister Shigeru Ishiba. "
        "He praised ties, and both countries signed a deal."
    )
    found = rows(text)
    assert ("He", "IND", "GOV", "reference") in found
    both = [(c, k) for t, c, _, k in found if t == "both countries"]
    assert sorted(both) == [("IND", "reference"), ("JPN", "reference")]


def test_offsets_point_into_the_text():
    text = "Israeli troops advanced. Later the Kremlin said it would respond."
    doc, found = mentions_in(text)
    assert found and all(isinstance(m, Mention) for m in found)
    assert [m.start for m in found] == sorted(m.start for m in found)
    for m in found:
        assert text[m.start : m.end] == m.text
        assert doc[m.token_start : m.token_end].text == m.text
    kremlin = next(m for m in found if m.text == "the Kremlin")
    assert (kremlin.name, kremlin.country, kremlin.sector) == ("Kremlin", "RUS", "GOV")


def test_no_mention_twice_and_none_in_the_dateline():
    text = "MOSCOW (AFP) — Russia and China protested. Russia said it would respond."
    _, found = mentions_in(text, dateline="Moscow")
    keys = [(m.start, m.end, m.country, m.sector) for m in found]
    assert len(keys) == len(set(keys))
    assert all(m.start > text.index("—") for m in found)
    assert [m.text for m in found][:3] == ["Russia", "China", "Russia"]


def test_a_document_without_actors_has_no_mentions():
    assert rows("The weather was fine on Tuesday.") == []

"""Lower-cased and all-caps text gets newspaper capitals for the parser, same length."""

import pytest

import eventwire
from eventwire.actors.truecase import needs_capitals, truecase


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "police in lagos arrested 30 students on tuesday.",
            "Police in Lagos arrested 30 students on Tuesday.",
        ),
        ("SOMALIA SEVERS TIES WITH KENYA", "Somalia severs ties with Kenya"),
        # common words that are also names or acronyms stay as they are
        ("who said they may arrest us?", "Who said they may arrest us?"),
    ],
)
def test_capitals_come_back_and_the_length_stays(text, expected):
    assert truecase(text) == expected
    assert len(truecase(text)) == len(text)


def test_text_with_capitals_is_left_alone():
    text = "Kenya and Ethiopia signed a pact in Nairobi on Monday, officials said."
    assert not needs_capitals(text) and truecase(text) == text


def test_a_lower_cased_report_is_coded_with_offsets_into_it():
    text = "kenyan police fired tear gas at protesters in nairobi on monday."
    (event,) = eventwire.code(text, date="2024-05-08")
    assert (event.event_type, [a.code for a in event.source]) == ("ASSAULT", ["KENCOP"])
    assert text[event.evidence.start : event.evidence.end] == event.evidence.text == text
    assert event.source[0].text == "kenyan police"  # as written

import pytest

from eventwire.clean import Clean, clean_text
from eventwire.models import Article


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a heading glued to the next sentence with no space
        (
            "Border talks stallAfter three days, envoys left.",
            "Border talks stall\nAfter three days, envoys left.",
        ),
        # a heading run into a sentence after a space
        (
            "Aid convoy on Friday The trucks crossed at dawn.",
            "Aid convoy on Friday\nThe trucks crossed at dawn.",
        ),
        # ordinary sentences stay as they are
        ("Officials met in The Hague on Monday.", "Officials met in The Hague on Monday."),
        ("LinkedIn said nothing.", "LinkedIn said nothing."),
    ],
)
def test_headings_are_split(raw, expected):
    assert clean_text(raw) == expected


def test_boilerplate_paragraphs_are_dropped():
    raw = (
        "Ministers agreed a plan on Monday.\n\n"
        "Share this article\n\n"
        "Leave a Reply\n\n"
        "Your email address will not be published. Required fields are marked *"
    )
    assert clean_text(raw) == "Ministers agreed a plan on Monday."


def test_long_paragraph_starting_like_boilerplate_is_kept():
    para = "Read more about the talks: " + "the envoys met again and again. " * 12
    assert clean_text(para).startswith("Read more")


def test_unicode_is_normalised_and_invisible_characters_removed():
    assert clean_text("Caf\u0065\u0301\u00a0talks\u200b resumed.") == "Café talks resumed."


def test_stage_rejects_article_left_empty():
    art = Clean()(Article(id="x", text="Leave a comment\n\nShare this article"))
    assert art.status == "rejected"
    assert "boilerplate" in art.reason


@pytest.mark.parametrize(
    ("text", "place", "agency"),
    [
        (
            "SEOUL, South Korea (Example Wire) — Talks resumed.",
            "Seoul, South Korea",
            "Example Wire",
        ),
        ("Headline\n\nGENEVA (Test Agency) -- Envoys met.", "Geneva", "Test Agency"),
        ("NAIROBI, Kenya - Rain fell.", "Nairobi, Kenya", ""),
        ("Officials met in Paris on Monday.", "", ""),
    ],
)
def test_dateline_becomes_place_and_agency(text, place, agency):
    from eventwire.clean import dateline

    assert dateline(clean_text(text)) == (place, agency)
    art = Clean()(Article(id="x", text=text))
    assert (art.place, art.agency) == (place, agency)

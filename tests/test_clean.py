import pytest

from eventwire.clean import Clean, clean, clean_text
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


MESSY = (
    "Pact signedRussia and North Korea\r\n"
    "Border talks stallAfter three days, envoys from Chile and Peru left.\r\n\r\n"
    "Share this article\r\n\r\n"
    "  Caf\u0065\u0301\u00a0owners\u200b in   Lima  protested on Monday.  \r\n"
    "The Ohm sign \u2126 stays a letter.\n\n\n"
    "Leave a Reply\n\nYour email address will not be published."
)


def test_offsets_map_cleaned_spans_back_to_the_text_as_given():
    from eventwire.clean import clean

    cleaned, offsets = clean(MESSY)
    assert "Share this" not in cleaned and "Café owners in Lima" in cleaned
    for phrase in ("envoys from Chile and Peru left.", "Lima", "protested on Monday.", "Russia"):
        at = cleaned.index(phrase)
        start, end = offsets.span(at, at + len(phrase))
        assert MESSY[start:end] == phrase
    # A composed letter maps onto both characters it was made from.
    at = cleaned.index("Café")
    start, end = offsets.span(at, at + 4)
    assert MESSY[start:end] == "Caf\u0065\u0301"
    # Runs of spaces collapsed in the cleaned text stay as they were in the original.
    at = cleaned.index("in Lima")
    start, end = offsets.span(at, at + len("in Lima"))
    assert MESSY[start:end] == "in   Lima"
    # Every character of the cleaned text comes from a place in the original.
    assert all(0 <= offsets.start(p) < len(MESSY) for p in range(len(cleaned)))
    assert offsets.span(0, len(cleaned)) == (
        0,
        MESSY.index(" \u2126") + len(" \u2126 stays a letter."),
    )


def test_clean_text_untouched_needs_no_map():
    from eventwire.clean import clean

    text = "Kenya and Ethiopia signed a trade agreement.\n\nThe deal cuts tariffs."
    cleaned, offsets = clean(text)
    assert cleaned == text
    assert offsets.span(5, 20) == (5, 20)


@pytest.mark.parametrize(
    ("text", "place", "agency"),
    [
        ("Storm hits coast\nBy A. Writer\nTAMPA, Fla. — Winds rose.", "Tampa, Fla.", ""),
        ("KYIV, Ukraine, March 3 (Test Wire) - Sirens sounded.", "Kyiv, Ukraine", "Test Wire"),
        ("DHAKA: The cabinet met.", "Dhaka", ""),
        ("Lima (Test Agency) — Ministers met.", "Lima", "Test Agency"),
        ("Boise, Idaho – The council voted.", "Boise, Idaho", ""),
        ("WATCH: the minister speaks", "", ""),
        ("Update: talks resume", "", ""),
        ("Police - two arrested", "", ""),
    ],
)
def test_dateline_forms_in_the_first_lines(text, place, agency):
    from eventwire.clean import dateline

    assert dateline(text) == (place, agency)


def test_furniture_lines_inside_a_paragraph_are_dropped_and_offsets_still_map():
    text = "Troops left the town.\nRelated: Another story here\nContinue reading\nTalks began."
    cleaned, offsets = clean(text)
    assert "Related" not in cleaned and "Continue" not in cleaned
    i = cleaned.index("Talks")
    assert text[offsets.start(i) :].startswith("Talks began.")

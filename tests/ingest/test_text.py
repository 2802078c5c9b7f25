"""Plain text files: title from a headline line, the whole file as text, encodings."""

import pytest

from eventwire.ingest.text import first_line_title

STORY = (
    "Freedonia and Sylvania reopen their border\n"
    "\n"
    "Freedonia's foreign minister met her Sylvanian counterpart on Tuesday.\n"
)


def test_headline_becomes_title_and_stays_in_text(tmp_path, read):
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    (arts, errs) = read(tmp_path / "story.txt")
    assert not errs
    (art,) = arts
    assert art.title == "Freedonia and Sylvania reopen their border"
    assert art.text == STORY  # offsets point into the file as it is
    assert art.id == "story.txt"


@pytest.mark.parametrize(
    "text",
    [
        "A full sentence that ends with a stop.\n\nMore text follows here.",
        "No blank line after the first line\nSecond line of the paragraph.",
        ("word " * 40).strip() + "\n\nThe first line was far too long to be a headline.",
        "Only a headline\n\n",
        "\n\nStarts with a blank line.",
    ],
)
def test_lines_that_are_not_headlines(text):
    assert first_line_title(text) == ""


def test_markdown_heading_and_crlf():
    assert first_line_title("# Ceasefire holds\r\n\r\nThe guns fell silent.") == "Ceasefire holds"
    assert first_line_title("Talks resume?\n\nEnvoys met again.") == "Talks resume?"


def test_md_and_text_suffixes_and_relative_ids(tmp_path, read):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.md").write_text("# Title\n\nBody text here.", encoding="utf-8")
    (tmp_path / "two.text").write_text("Body text only.", encoding="utf-8")
    arts, errs = read(tmp_path)
    assert not errs
    assert [a.id for a in arts] == ["a/one.md", "two.text"]
    assert [a.title for a in arts] == ["Title", ""]


def test_whitespace_only_file_has_no_text(tmp_path, read):
    (tmp_path / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    _, errs = read(tmp_path / "blank.txt")
    assert errs[0].reason == "no text"


LEGACY = (
    "La reunión en Bogotá terminó sin acuerdo. El ministro habló con la prensa "
    "sobre el próximo encuentro en la ciudad de México y pidió paciencia."
)


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", LEGACY),
        ("cp1251", "Москва и Пекин подписали соглашение о сотрудничестве в области энергетики."),
        ("utf-16", LEGACY),
        ("utf-8-sig", LEGACY),
    ],
)
def test_confident_legacy_encodings_are_decoded(tmp_path, read, encoding, text):
    (tmp_path / "legacy.txt").write_bytes(text.encode(encoding))
    arts, errs = read(tmp_path / "legacy.txt")
    assert not errs, errs
    assert arts[0].text == text


def test_western_text_prefers_windows_1252_when_guesses_tie(tmp_path, read):
    text = (
        "The minister met reporters at the café in São Paulo on Tuesday and called "
        "the delegation naïve, then left for a second round of talks next month."
    )
    (tmp_path / "w.txt").write_bytes(text.encode("cp1252"))
    arts, _ = read(tmp_path / "w.txt")
    assert arts[0].text == text


def test_undecidable_and_binary_inputs_are_rejected(tmp_path, read):
    (tmp_path / "short.txt").write_bytes("Bogot\xe1".encode("latin-1"))
    (tmp_path / "noise.txt").write_bytes(bytes(range(128, 256)) * 4)
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _, errs = read(tmp_path)
    reasons = {e.origin.rsplit("/", 1)[-1]: e.reason for e in errs}
    assert reasons["short.txt"].startswith("cannot tell the text encoding")
    assert reasons["noise.txt"].startswith("cannot tell the text encoding")
    assert reasons["image.txt"] == "binary file (contains NUL bytes), not text"
